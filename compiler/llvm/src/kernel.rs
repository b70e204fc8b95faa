//! The three functions of one neuron model as LLVM IR: integration (DESIGN §3 steps 3–4),
//! conditions (step 5) and port handlers (step 6), each a loop over the population's
//! element-major arrays with the interpreter's operation order inside — the structure of
//! the Cranelift JIT's `scn_jit::kernel`.

use crate::expr::{C, Env, Gen, States, Unsupported, V};
use crate::solver;
use inkwell::IntPredicate;
use inkwell::basic_block::BasicBlock;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::values::{FunctionValue, IntValue};
use scn_jit::abi::Field;
use scn_jit::expr::Known;
use scn_runtime::ir::{CmpOp, Model, Trigger};

pub use scn_jit::kernel::ModelInfo;

/// The names of the (defined) functions of one model.
pub struct Declared {
    /// Integration and invariants.
    pub integrate: String,
    /// Conditions.
    pub conditions: String,
    /// Port handlers (absent when the model has none).
    pub handlers: Option<String>,
    /// Integration and conditions in one call (absent when the model has invariants).
    pub fused: Option<String>,
}

/// Builds the three functions of `info` into `module`, named after `tag`.
pub fn declare<'ctx>(
    cx: &'ctx Context,
    module: &Module<'ctx>,
    tag: &str,
    info: &ModelInfo<'_>,
    known: &Known,
) -> Result<Declared, Unsupported> {
    let integrate = format!("integrate_{tag}");
    define(cx, module, &integrate, known, Over::All, |g, fail| integrate_element(g, info, fail).map(|_| ()), None)?;
    let conditions = format!("conditions_{tag}");
    define(cx, module, &conditions, known, Over::All, |g, _| conditions_element(g, info), None)?;
    let handlers = if info.model.handlers.is_empty() {
        None
    } else {
        let name = format!("handlers_{tag}");
        define(cx, module, &name, known, Over::Hit, |g, _| handlers_element(g, info), None)?;
        Some(name)
    };
    let fused = if info.model.invariants.is_empty() {
        let name = format!("step_{tag}");
        let integrate_and_mark = |g: &mut Gen<'_, 'ctx>, fail| {
            let fresh = integrate_element(g, info, fail)?;
            mark_busy(g, info, &fresh)
        };
        define(cx, module, &name, known, Over::All, integrate_and_mark, Some(&mut |g| conditions_element(g, info)))?;
        Some(name)
    } else {
        None
    };
    Ok(Declared { integrate, conditions, handlers, fused })
}

/// What the integration of an element leaves for the fused kernel's busy mark: the
/// committed states and whether the element is refractory.
struct Fresh<'ctx> {
    states: Vec<V<'ctx>>,
    refractory: IntValue<'ctx>,
}

/// The fused kernel's first pass ends each element by marking in its spiked flag whether its
/// conditions have anything to do (a level condition holding outside the refractory period,
/// an edge condition whose value changed); the second pass runs the conditions of the marked
/// elements only ([`conditions_element`] clears the flag first). Every element's conditions
/// touch only its own slots, so running them after the whole population's integration gives
/// the interpreter's results; the first pass is straight-line code for models without helper
/// calls, which LLVM vectorises.
fn mark_busy<'ctx>(g: &mut Gen<'_, 'ctx>, info: &ModelInfo<'_>, fresh: &Fresh<'ctx>) -> Result<(), Unsupported> {
    let m = info.model;
    let i8t = g.cx.i8_type();
    let env = Env { states: States::Values(&fresh.states), dt: info.dt, noise_scale: 1.0 };
    let awake = g.b.build_not(fresh.refractory, "awake")?;
    let nc = m.conditions.len();
    let last = g.elem_addr(Field::LastCond, nc, 0, 1)?;
    let mut busy = g.cx.bool_type().const_zero();
    for (k, c) in m.conditions.iter().enumerate() {
        let v = g.expr(&c.cond, &env)?;
        let now = g.nonzero(v)?;
        let now = g.cond(now);
        let act = if c.trigger == Trigger::Level {
            g.b.build_and(now, awake, "act")?
        } else {
            let at = g.byte_offset(last, g.i64c(k as u64))?;
            let prev = g.load_int(i8t, at)?;
            let prev = g.b.build_int_compare(IntPredicate::NE, prev, g.i8c(0), "prev")?;
            g.b.build_xor(now, prev, "changed")?
        };
        busy = g.b.build_or(busy, act, "busy")?;
    }
    let flag = g.b.build_int_z_extend(busy, i8t, "busy")?;
    g.b.build_store(g.elem_addr(Field::Spiked, 1, 0, 1)?, flag)?;
    Ok(())
}

/// The code run for each element a fused kernel's first pass marked.
type Marked<'f, 'ctx> = &'f mut dyn FnMut(&mut Gen<'_, 'ctx>) -> Result<(), Unsupported>;

/// Which elements a kernel visits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Over {
    /// Every element, in order.
    All,
    /// The elements listed in `hit` (those whose ports were hit), in order.
    Hit,
}

/// Defines `i64 name(ptr args)` looping `per_element` over the elements `over` names;
/// `per_element` gets the generator for element `i` and a block that returns `i` (an
/// invariant failure); `marked`, when given, then runs for every element the first pass marked.
fn define<'ctx>(
    cx: &'ctx Context,
    module: &Module<'ctx>,
    name: &str,
    known: &Known,
    over: Over,
    per_element: impl FnOnce(&mut Gen<'_, 'ctx>, BasicBlock<'ctx>) -> Result<(), Unsupported>,
    marked: Option<Marked<'_, 'ctx>>,
) -> Result<FunctionValue<'ctx>, Unsupported> {
    let (i64t, f64t, ptr) = (cx.i64_type(), cx.f64_type(), cx.ptr_type(Default::default()));
    let func = module.add_function(name, i64t.fn_type(&[ptr.into()], false), Some(Linkage::External));
    let b = cx.create_builder();
    let entry = cx.append_basic_block(func, "entry");
    b.position_at_end(entry);
    let args =
        func.get_first_param().ok_or_else(|| Unsupported("kernel without argument".into()))?.into_pointer_value();
    let field_at = |f: Field| -> Result<_, Unsupported> {
        // SAFETY (for LLVM): every field lies inside the argument block.
        Ok(unsafe { b.build_in_bounds_gep(cx.i8_type(), args, &[i64t.const_int(f.offset() as u64, false)], "field")? })
    };
    let load_int = |f: Field| -> Result<IntValue<'ctx>, Unsupported> {
        Ok(b.build_load(i64t, field_at(f)?, "field")?.into_int_value())
    };
    let size = load_int(Field::Size)?;
    let count = match over {
        Over::All => size,
        Over::Hit => load_int(Field::HitLen)?,
    };
    let seed = load_int(Field::Seed)?;
    let step = load_int(Field::Step)?;
    let t = b.build_load(f64t, field_at(Field::T)?, "t")?.into_float_value();
    let entity_base = load_int(Field::EntityBase)?;
    let mut bases = Vec::new();
    for k in 0..=Field::ExactValid as usize {
        // SAFETY (for LLVM): the pointer fields come first, 8 bytes each.
        let at = unsafe { b.build_in_bounds_gep(cx.i8_type(), args, &[i64t.const_int(8 * k as u64, false)], "base")? };
        bases.push(b.build_load(ptr, at, "base")?.into_pointer_value());
    }
    let locals = bases[Field::Locals as usize];
    let iv = b.build_alloca(i64t, "i")?;
    b.build_store(iv, i64t.const_zero())?;
    let (header, body) = (cx.append_basic_block(func, "header"), cx.append_basic_block(func, "body"));
    let (exit, fail) = (cx.append_basic_block(func, "exit"), cx.append_basic_block(func, "fail"));
    b.build_unconditional_branch(header)?;
    b.position_at_end(header);
    let k = b.build_load(i64t, iv, "k")?.into_int_value();
    let done = b.build_int_compare(IntPredicate::UGE, k, count, "done")?;
    b.build_conditional_branch(done, exit, body)?;
    b.position_at_end(body);
    let i = match over {
        Over::All => k,
        Over::Hit => {
            let hit = b.build_load(ptr, field_at(Field::Hit)?, "hit")?.into_pointer_value();
            // SAFETY (for LLVM): `k` is below the hit list's length.
            let at = unsafe { b.build_in_bounds_gep(cx.i32_type(), hit, &[k], "at")? };
            let i = b.build_load(cx.i32_type(), at, "i")?.into_int_value();
            b.build_int_z_extend(i, i64t, "i")?
        }
    };
    let entity = b.build_int_add(entity_base, i, "entity")?;
    let placeholder = ptr.const_null();
    let mut g = Gen {
        cx,
        module,
        b: &b,
        func,
        args,
        i,
        params: placeholder,
        states: placeholder,
        inputs: placeholder,
        locals,
        seed,
        entity,
        step,
        t,
        net_dt: 0.0,
        known,
        bases,
    };
    per_element(&mut g, fail)?;
    let next = b.build_int_add(k, i64t.const_int(1, false), "next")?;
    b.build_store(iv, next)?;
    b.build_unconditional_branch(header)?;
    b.position_at_end(fail);
    let failed = b.build_load(i64t, iv, "failed")?;
    b.build_return(Some(&failed))?;
    b.position_at_end(exit);
    if let Some(marked) = marked {
        scan_marked(&mut g, size, entity_base, marked)?;
    }
    b.build_return(Some(&i64t.const_all_ones()))?;
    Ok(func)
}

/// Runs `marked` for every element whose spiked flag is set, ascending, skipping eight
/// unmarked flags at a time; leaves the builder after the scan.
fn scan_marked<'ctx>(
    g: &mut Gen<'_, 'ctx>,
    size: IntValue<'ctx>,
    entity_base: IntValue<'ctx>,
    marked: Marked<'_, 'ctx>,
) -> Result<(), Unsupported> {
    let (i8t, i64t) = (g.cx.i8_type(), g.cx.i64_type());
    let flags = g.bases[Field::Spiked as usize];
    let (jv, kv) = (g.entry_slot(i64t.into())?, g.entry_slot(i64t.into())?);
    g.b.build_store(jv, g.i64c(0))?;
    let [header, word, check, skip, run8, inner, body, mark, next, done, end] = [
        "scan",
        "scan_word",
        "scan_check",
        "scan_skip",
        "scan_run",
        "scan_inner",
        "scan_body",
        "scan_mark",
        "scan_next",
        "scan_done",
        "scan_end",
    ]
    .map(|name| g.block(name));
    g.b.build_unconditional_branch(header)?;
    g.b.position_at_end(header);
    let j = g.load_int(i64t, jv)?;
    let finished = g.b.build_int_compare(IntPredicate::UGE, j, size, "finished")?;
    g.b.build_conditional_branch(finished, end, word)?;
    g.b.position_at_end(word);
    let j8 = g.b.build_int_add(j, g.i64c(8), "j8")?;
    let full = g.b.build_int_compare(IntPredicate::ULE, j8, size, "full")?;
    g.b.build_conditional_branch(full, check, run8)?;
    g.b.position_at_end(check);
    let at = g.byte_offset(flags, j)?;
    let w = g.b.build_load(i64t, at, "flags")?;
    if let Some(load) = inkwell::values::BasicValue::as_instruction_value(&w) {
        load.set_alignment(1).map_err(|e| Unsupported(e.to_string()))?;
    }
    let none = g.b.build_int_compare(IntPredicate::EQ, w.into_int_value(), g.i64c(0), "none")?;
    g.b.build_conditional_branch(none, skip, run8)?;
    g.b.position_at_end(skip);
    g.b.build_store(jv, j8)?;
    g.b.build_unconditional_branch(header)?;
    g.b.position_at_end(run8);
    let stop = g.b.build_select(full, j8, size, "stop")?.into_int_value();
    g.b.build_store(kv, j)?;
    g.b.build_unconditional_branch(inner)?;
    g.b.position_at_end(inner);
    let k = g.load_int(i64t, kv)?;
    let over = g.b.build_int_compare(IntPredicate::UGE, k, stop, "over")?;
    g.b.build_conditional_branch(over, done, body)?;
    g.b.position_at_end(body);
    let f = g.load_int(i8t, g.byte_offset(flags, k)?)?;
    let set = g.b.build_int_compare(IntPredicate::NE, f, g.i8c(0), "set")?;
    g.b.build_conditional_branch(set, mark, next)?;
    g.b.position_at_end(mark);
    g.i = k;
    g.entity = g.b.build_int_add(entity_base, k, "entity")?;
    marked(g)?;
    g.b.build_unconditional_branch(next)?;
    g.b.position_at_end(next);
    let k1 = g.b.build_int_add(k, g.i64c(1), "k1")?;
    g.b.build_store(kv, k1)?;
    g.b.build_unconditional_branch(inner)?;
    g.b.position_at_end(done);
    g.b.build_store(jv, stop)?;
    g.b.build_unconditional_branch(header)?;
    g.b.position_at_end(end);
    Ok(())
}

/// Points the generator at element `i` of a model with these slot counts.
fn locate(g: &mut Gen<'_, '_>, m: &Model, dt: f64) -> Result<(), Unsupported> {
    g.params = g.elem_addr(Field::Params, m.params.len(), 0, 8)?;
    g.states = g.elem_addr(Field::States, 1, 0, 8)?;
    g.inputs = g.elem_addr(Field::Inputs, m.inputs.len(), 0, 8)?;
    g.net_dt = dt;
    Ok(())
}

/// Whether `held` has the bit of slot `s`.
fn is_held<'ctx>(g: &Gen<'_, 'ctx>, held: IntValue<'ctx>, s: u16) -> Result<IntValue<'ctx>, Unsupported> {
    let m = g.b.build_and(held, g.i64c(1u64 << s.min(63)), "held")?;
    Ok(g.b.build_int_compare(IntPredicate::NE, m, g.i64c(0), "is_held")?)
}

fn integrate_element<'ctx>(
    g: &mut Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    fail: BasicBlock<'ctx>,
) -> Result<Fresh<'ctx>, Unsupported> {
    let m = info.model;
    locate(g, m, info.dt)?;
    let i64t = g.cx.i64_type();
    let until = g.load_int(i64t, g.elem_addr(Field::RefractoryUntil, 1, 0, 8)?)?;
    let held = g.load_int(i64t, g.elem_addr(Field::Held, 1, 0, 8)?)?;
    let refractory = g.b.build_int_compare(IntPredicate::ULT, g.step, until, "refractory")?;
    let held = g.b.build_select(refractory, held, g.i64c(0), "held")?.into_int_value();
    let old: Vec<V<'ctx>> = (0..m.states.len()).map(|k| g.load_state(k).map(V::R)).collect::<Result<_, _>>()?;
    let mut cur = old.clone();
    let mut written = vec![false; old.len()];
    if !m.odes.is_empty() {
        cur = solver::advance(g, info, &old)?;
        for (s, _) in &m.odes {
            let h = is_held(g, held, *s)?;
            let s = *s as usize;
            cur[s] = g.select(C::R(h), old[s], cur[s])?;
            written[s] = true;
        }
    }
    if !m.nexts.is_empty() {
        let env = Env { states: States::Values(&old), dt: info.dt, noise_scale: 1.0 };
        let new = m.nexts.iter().map(|(_, e)| g.expr(e, &env)).collect::<Result<Vec<_>, _>>()?;
        for ((s, _), v) in m.nexts.iter().zip(new) {
            let h = is_held(g, held, *s)?;
            let s = *s as usize;
            cur[s] = g.select(C::R(h), cur[s], v)?;
            written[s] = true;
        }
    }
    for (k, v) in cur.iter().enumerate() {
        if written[k] {
            g.store_state(k, g.val(*v))?;
        }
    }
    if !m.invariants.is_empty() {
        let env = Env { states: States::Values(&cur), dt: info.dt, noise_scale: 1.0 };
        let mut any = C::K(false);
        for inv in &m.invariants {
            let v = g.expr(inv, &env)?;
            let bad = g.cmp(CmpOp::Eq, v, V::K(0.0))?;
            any = match (any, bad) {
                (C::K(a), C::K(b)) => C::K(a || b),
                _ => C::R(g.b.build_or(g.cond(any), g.cond(bad), "bad")?),
            };
        }
        let cont = g.block("invariants_hold");
        g.b.build_conditional_branch(g.cond(any), fail, cont)?;
        g.b.position_at_end(cont);
    }
    Ok(Fresh { states: cur, refractory })
}

fn conditions_element(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    locate(g, m, info.dt)?;
    let (i8t, i64t) = (g.cx.i8_type(), g.cx.i64_type());
    let spiked = g.elem_addr(Field::Spiked, 1, 0, 1)?;
    g.b.build_store(spiked, g.i8c(0))?;
    if m.conditions.is_empty() {
        return Ok(());
    }
    let until_addr = g.elem_addr(Field::RefractoryUntil, 1, 0, 8)?;
    let until = g.load_int(i64t, until_addr)?;
    let refractory = g.b.build_int_compare(IntPredicate::ULT, g.step, until, "refractory")?;
    let awake = g.b.build_not(refractory, "awake")?;
    let env = Env { states: States::Memory, dt: info.dt, noise_scale: 1.0 };
    let mut holds = Vec::new();
    for c in &m.conditions {
        let v = g.expr(&c.cond, &env)?;
        let c = g.nonzero(v)?;
        holds.push(g.cond(c));
    }
    let nc = m.conditions.len();
    let last = g.elem_addr(Field::LastCond, nc, 0, 1)?;
    for (k, c) in m.conditions.iter().enumerate() {
        let now = holds[k];
        // Only `rise` and `fall` read the last value, so a level condition need not keep it.
        let prev = if c.trigger == Trigger::Level {
            now
        } else {
            let at = g.byte_offset(last, g.i64c(k as u64))?;
            let prev = g.load_int(i8t, at)?;
            let prev = g.b.build_int_compare(IntPredicate::NE, prev, g.i8c(0), "prev")?;
            let now8 = g.b.build_int_z_extend(now, i8t, "now")?;
            g.b.build_store(at, now8)?;
            prev
        };
        let fire = match c.trigger {
            Trigger::Level => now,
            Trigger::Rise => {
                let was_not = g.b.build_not(prev, "was_not")?;
                g.b.build_and(now, was_not, "rise")?
            }
            Trigger::Fall => {
                let not_now = g.b.build_not(now, "not_now")?;
                g.b.build_and(not_now, prev, "fall")?
            }
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("trigger {other:?}"))),
        };
        let run = g.b.build_and(fire, awake, "run")?;
        let (body, after) = (g.block("cond_body"), g.block("cond_after"));
        g.b.build_conditional_branch(run, body, after)?;
        g.b.position_at_end(body);
        let fx = g.effects()?;
        g.stmts(&c.body, &fx)?;
        let (emit, set_ref, end_emit) = (g.block("emit"), g.block("set_refractory"), g.block("emitted"));
        let emitted = g.load_int(i8t, fx.emitted)?;
        let emitted = g.b.build_int_compare(IntPredicate::NE, emitted, g.i8c(0), "emitted")?;
        g.b.build_conditional_branch(emitted, emit, end_emit)?;
        g.b.position_at_end(emit);
        g.b.build_store(spiked, g.i8c(1))?;
        g.emit_spike()?;
        g.b.build_unconditional_branch(end_emit)?;
        g.b.position_at_end(end_emit);
        let has = g.load_int(i8t, fx.has_refractory)?;
        let has = g.b.build_int_compare(IntPredicate::NE, has, g.i8c(0), "has_refractory")?;
        g.b.build_conditional_branch(has, set_ref, after)?;
        g.b.position_at_end(set_ref);
        let steps = g.load_int(i64t, fx.steps)?;
        let small = g.b.build_int_compare(IntPredicate::ULT, steps, g.i64c(1), "small")?;
        let steps = g.b.build_select(small, g.i64c(1), steps, "steps")?.into_int_value();
        let sum = g.b.build_int_add(g.step, steps, "sum")?;
        let wrapped = g.b.build_int_compare(IntPredicate::ULT, sum, g.step, "wrapped")?;
        let until = g.b.build_select(wrapped, i64t.const_all_ones(), sum, "until")?;
        g.b.build_store(until_addr, until)?;
        let mask = g.load_int(i64t, fx.mask)?;
        g.b.build_store(g.elem_addr(Field::Held, 1, 0, 8)?, mask)?;
        g.b.build_unconditional_branch(after)?;
        g.b.position_at_end(after);
    }
    Ok(())
}

fn handlers_element(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    locate(g, m, info.dt)?;
    let ni = m.inputs.len();
    let i8t = g.cx.i8_type();
    for h in &m.handlers {
        let hit = g.elem_addr(Field::PortHit, ni, h.port as usize, 1)?;
        let sum = g.elem_addr(Field::PortSum, ni, h.port as usize, 8)?;
        let was_hit = g.load_int(i8t, hit)?;
        let was_hit = g.b.build_int_compare(IntPredicate::NE, was_hit, g.i8c(0), "was_hit")?;
        let (body, after) = (g.block("handler"), g.block("handler_after"));
        g.b.build_conditional_branch(was_hit, body, after)?;
        g.b.position_at_end(body);
        let w = g.load_f64(sum, 0)?;
        g.store_f64(sum, 0, g.f64c(0.0))?;
        g.b.build_store(hit, g.i8c(0))?;
        g.store_f64(g.locals, h.local as usize, w)?;
        // Emit and refractory inside a port handler have no effect, as in the interpreter.
        let fx = g.effects()?;
        g.stmts(&h.body, &fx)?;
        g.b.build_unconditional_branch(after)?;
        g.b.position_at_end(after);
    }
    Ok(())
}
