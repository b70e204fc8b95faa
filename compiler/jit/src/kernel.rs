//! The native functions of one neuron model: integration (DESIGN §3 steps 3–4), conditions
//! (step 5), both fused into one pass (for models without invariants) and port handlers
//! (step 6, over the elements whose ports were hit), each a loop over the population's
//! element-major arrays with the interpreter's operation order inside.

use crate::abi::{Field, KernelArgs};
use crate::expr::{
    C, Env, Gen, Known, LANES, States, Unsupported, V, effects, field, flags, import_sigs, vector_flags,
};
use crate::solver;
use cranelift::prelude::*;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use scn_runtime::ir::{CmpOp, Model, Stmt, Trigger};

/// A compiled kernel: returns −1, or the element whose invariant failed.
pub type KernelFn = unsafe extern "C" fn(*const KernelArgs) -> i64;

/// What the three functions of a model need to know besides the model.
pub struct ModelInfo<'m> {
    /// The model.
    pub model: &'m Model,
    /// ∂f/∂x per ODE (exponential Euler).
    pub diag: &'m [Option<scn_runtime::ir::Expr>],
    /// Whether the exact solver's matrix is constant per element.
    pub exact_static: bool,
    /// Whether any right-hand side has a noise term.
    pub noisy: bool,
    /// The network's dt.
    pub dt: f64,
}

/// The declared (not yet finalised) functions of one model.
pub struct Declared {
    /// Integration and invariants.
    pub integrate: FuncId,
    /// Conditions.
    pub conditions: FuncId,
    /// Port handlers (absent when the model has none).
    pub handlers: Option<FuncId>,
    /// Integration and conditions in one pass over the elements (absent when the model has
    /// invariants: an invariant failure must stop the step before any condition runs).
    pub fused: Option<FuncId>,
    /// Whether that pass handles [`LANES`] elements per vector instruction (else one).
    pub vector: bool,
}

/// Builds the three functions of `info` into `module`.
pub fn declare(
    module: &mut JITModule,
    tag: usize,
    info: &ModelInfo<'_>,
    known: &Known,
) -> Result<Declared, Unsupported> {
    let integrate = define(module, &format!("integrate_{tag}"), known, Over::All, None, &mut |g, fail| {
        integrate_element(g, info, fail).map(|_| ())
    })?;
    let conditions = define(module, &format!("conditions_{tag}"), known, Over::All, None, &mut |g, _| {
        conditions_element(g, info, None)
    })?;
    let handlers = if info.model.handlers.is_empty() {
        None
    } else {
        Some(define(module, &format!("handlers_{tag}"), known, Over::Hit, None, &mut |g, _| handlers_element(g, info))?)
    };
    let mut vector = false;
    let fused = if info.model.invariants.is_empty() {
        let name = format!("step_{tag}");
        let mut scalar = |g: &mut Gen<'_, '_>, fail| {
            let fresh = integrate_element(g, info, fail)?;
            conditions_element(g, info, Some(fresh))
        };
        // Two elements at a time where the model's step has a vector form, else one.
        let part =
            VectorPart { pair: &mut |g, _| step_pair(g, info), marked: &mut |g| conditions_element(g, info, None) };
        let attempt = define(module, &name, known, Over::All, Some(part), &mut scalar);
        Some(match attempt {
            Ok(f) => {
                vector = true;
                f
            }
            Err(_) => define(module, &name, known, Over::All, None, &mut scalar)?,
        })
    } else {
        None
    };
    Ok(Declared { integrate, conditions, handlers, fused, vector })
}

/// Which elements a kernel visits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Over {
    /// Every element, in order.
    All,
    /// The elements listed in `hit` (those whose ports were hit), in order.
    Hit,
}

/// The code of one element (or of [`LANES`] consecutive elements), given the block that
/// returns the failing element (an invariant failure; only for [`Over::All`]).
type Body<'f> = &'f mut dyn FnMut(&mut Gen<'_, '_>, Block) -> Result<(), Unsupported>;

/// The vector part of a kernel: `pair`, the code of [`LANES`] consecutive elements, marks in
/// each element's spiked flag whether `marked` must run for it; `marked` then runs for the
/// marked elements, in order, as scalar code. Keeping `marked` (which calls helpers) out of the
/// vector loop lets the loop keep its constants in registers: a call would clobber them.
struct VectorPart<'f> {
    pair: Body<'f>,
    marked: &'f mut dyn FnMut(&mut Gen<'_, '_>) -> Result<(), Unsupported>,
}

/// Defines `fn(args) -> i64` looping over the elements `over` names: with `vector`, first
/// [`LANES`] elements at a time through its `pair` (vector code) and its `marked` for the
/// elements that pass marked, then the rest one at a time through `per_element`. The function
/// is declared only once its code is built, so a failed attempt leaves nothing behind in the
/// module.
fn define(
    module: &mut JITModule,
    name: &str,
    known: &Known,
    over: Over,
    vector: Option<VectorPart<'_>>,
    per_element: Body<'_>,
) -> Result<FuncId, Unsupported> {
    let config = module.target_config();
    let ptr = config.pointer_type();
    let call_conv = config.default_call_conv;
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I64));
    let mut ctx = module.make_context();
    ctx.func.signature = sig.clone();
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let sigs = import_sigs(&mut b, ptr, call_conv);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry)[0];
        let size = match over {
            Over::All => field(&mut b, args, types::I64, Field::Size),
            Over::Hit => field(&mut b, args, types::I64, Field::HitLen),
        };
        let hit = field(&mut b, args, ptr, Field::Hit);
        let seed = field(&mut b, args, types::I64, Field::Seed);
        let step = field(&mut b, args, types::I64, Field::Step);
        let t = field(&mut b, args, types::F64, Field::T);
        let entity_base = field(&mut b, args, types::I64, Field::EntityBase);
        let locals = field(&mut b, args, ptr, Field::Locals);
        let bases: Vec<Value> =
            (0..=Field::ExactValid as i32).map(|k| b.ins().load(ptr, flags(), args, 8 * k)).collect();
        let iv = b.declare_var(types::I64);
        let zero = b.ins().iconst(types::I64, 0);
        b.def_var(iv, zero);
        let fail = b.create_block();
        let placeholder = b.ins().iconst(ptr, 0);
        let mut g = Gen {
            b: &mut b,
            args,
            ptr,
            sigs,
            i: zero,
            params: placeholder,
            states: placeholder,
            inputs: placeholder,
            locals,
            seed,
            entity: entity_base,
            step,
            t,
            net_dt: 0.0,
            known,
            bases,
            lanes: 1,
            strides: [0; 3],
        };
        let lp = Loop { iv, size, over, hit, entity_base, fail };
        if let Some(v) = vector {
            // Two vector steps per iteration (more independent work between loop branches,
            // about 5 % faster on CUBA), then one for a pair left over.
            lp.emit(&mut g, LANES, 2, v.pair)?;
            lp.emit(&mut g, LANES, 1, v.pair)?;
            let end = g.b.use_var(iv);
            lp.scan_marked(&mut g, end, v.marked)?;
        }
        lp.emit(&mut g, 1, 1, per_element)?;
        let ok = g.b.ins().iconst(types::I64, -1);
        g.b.ins().return_(&[ok]);
        b.switch_to_block(fail);
        let failed = b.use_var(iv);
        b.ins().return_(&[failed]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    let id = module.declare_function(name, Linkage::Local, &sig).map_err(|e| Unsupported(e.to_string()))?;
    let dump = std::env::var_os("SCN_JIT_DUMP").is_some();
    if dump {
        ctx.set_disasm(true);
    }
    module.define_function(id, &mut ctx).map_err(|e| Unsupported(format!("{e:?}")))?;
    if dump {
        let code = ctx.compiled_code().and_then(|c| c.vcode.clone()).unwrap_or_default();
        eprintln!("== {name}\n{}\n{code}", ctx.func.display());
    }
    module.clear_context(&mut ctx);
    Ok(id)
}

/// The loop of a kernel over its elements: the counter, the bound and where elements come from.
struct Loop {
    iv: Variable,
    size: Value,
    over: Over,
    hit: Value,
    entity_base: Value,
    fail: Block,
}

impl Loop {
    /// Runs `marked` for every element below `end` whose spiked flag is set, ascending,
    /// skipping eight unmarked flags per load; the builder is left after the scan.
    fn scan_marked(
        &self,
        g: &mut Gen<'_, '_>,
        end: Value,
        marked: &mut dyn FnMut(&mut Gen<'_, '_>) -> Result<(), Unsupported>,
    ) -> Result<(), Unsupported> {
        let flags_base = g.bases[Field::Spiked as usize];
        let (jv, kv) = (g.b.declare_var(types::I64), g.b.declare_var(types::I64));
        let zero = g.b.ins().iconst(types::I64, 0);
        g.b.def_var(jv, zero);
        let [header, word, check, skip, run, inner, body, mark, next, done, after] =
            [(); 11].map(|_| g.b.create_block());
        g.b.ins().jump(header, &[]);
        g.b.switch_to_block(header);
        let j = g.b.use_var(jv);
        let finished = g.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, j, end);
        g.b.ins().brif(finished, after, &[], word, &[]);
        g.b.switch_to_block(word);
        let j8 = g.b.ins().iadd_imm_s(j, 8);
        let full = g.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, j8, end);
        g.b.ins().brif(full, check, &[], run, &[]);
        g.b.switch_to_block(check);
        let at = g.b.ins().iadd(flags_base, j);
        let w = g.b.ins().load(types::I64, vector_flags(), at, 0);
        g.b.ins().brif(w, run, &[], skip, &[]);
        g.b.switch_to_block(skip);
        g.b.def_var(jv, j8);
        g.b.ins().jump(header, &[]);
        g.b.switch_to_block(run);
        let stop = g.b.ins().select(full, j8, end);
        g.b.def_var(kv, j);
        g.b.ins().jump(inner, &[]);
        g.b.switch_to_block(inner);
        let k = g.b.use_var(kv);
        let over = g.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, k, stop);
        g.b.ins().brif(over, done, &[], body, &[]);
        g.b.switch_to_block(body);
        let at = g.b.ins().iadd(flags_base, k);
        let f = g.b.ins().load(types::I8, flags(), at, 0);
        g.b.ins().brif(f, mark, &[], next, &[]);
        g.b.switch_to_block(mark);
        g.i = k;
        g.entity = g.b.ins().iadd(self.entity_base, k);
        g.lanes = 1;
        marked(g)?;
        g.b.ins().jump(next, &[]);
        g.b.switch_to_block(next);
        let k1 = g.b.ins().iadd_imm_s(k, 1);
        g.b.def_var(kv, k1);
        g.b.ins().jump(inner, &[]);
        g.b.switch_to_block(done);
        g.b.def_var(jv, stop);
        g.b.ins().jump(header, &[]);
        g.b.switch_to_block(after);
        Ok(())
    }

    /// `while k + lanes·unroll <= size { body(elements k…); body(the next lanes elements); …;
    /// k += lanes·unroll }`, continuing from the counter's current value; the builder is left
    /// after the loop.
    fn emit(&self, g: &mut Gen<'_, '_>, lanes: u8, unroll: u8, body: Body<'_>) -> Result<(), Unsupported> {
        let width = lanes * unroll;
        let (header, blk, after) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
        g.b.ins().jump(header, &[]);
        g.b.switch_to_block(header);
        let k = g.b.use_var(self.iv);
        let last = g.b.ins().iadd_imm_s(k, i64::from(width) - 1);
        let done = g.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, last, self.size);
        g.b.ins().brif(done, after, &[], blk, &[]);
        g.b.switch_to_block(blk);
        g.i = match self.over {
            Over::All => k,
            Over::Hit => {
                let at = g.b.ins().imul_imm_s(k, 4);
                let at = g.b.ins().iadd(self.hit, at);
                g.b.ins().uload32(flags(), at, 0)
            }
        };
        for u in 0..unroll {
            if u > 0 {
                g.i = g.b.ins().iadd_imm_s(k, i64::from(u * lanes));
            }
            g.entity = g.b.ins().iadd(self.entity_base, g.i);
            g.lanes = lanes;
            body(g, self.fail)?;
        }
        let next = g.b.ins().iadd_imm_s(k, i64::from(width));
        g.b.def_var(self.iv, next);
        g.b.ins().jump(header, &[]);
        g.b.switch_to_block(after);
        Ok(())
    }
}

/// Points the generator at element `i` of a model with these slot counts.
fn locate(g: &mut Gen<'_, '_>, m: &Model, dt: f64) {
    g.params = g.elem_addr(Field::Params, m.params.len(), 0, 8);
    g.states = g.elem_addr(Field::States, 1, 0, 8);
    g.inputs = g.elem_addr(Field::Inputs, m.inputs.len(), 0, 8);
    let stride = |n: usize| 8 * n as i32;
    g.strides = [stride(m.params.len()), stride(1), stride(m.inputs.len())];
    g.net_dt = dt;
}

fn bit(s: u16) -> i64 {
    (1u64 << s.min(63)) as i64
}

/// The held-state bits any `refractory ... clamp` of the model's conditions can set (the
/// only place a held mask comes from).
fn clampable(m: &Model) -> i64 {
    fn walk(body: &[Stmt]) -> i64 {
        body.iter().fold(0, |acc, s| match s {
            Stmt::Refractory { clamp, .. } => clamp.iter().fold(acc, |a, &c| a | bit(c)),
            Stmt::If { then, otherwise, .. } => acc | walk(then) | walk(otherwise),
            _ => acc,
        })
    }
    m.conditions.iter().fold(0, |acc, c| acc | walk(&c.body))
}

/// The states after integration and `next` (DESIGN §3 steps 3–4) from `old`, and which slots
/// they wrote: a state some `refractory ... clamp` names keeps its old value where `held(s)`
/// holds (an i8 truth value for scalar code, a lane mask for vector code).
fn advance_held(
    g: &mut Gen<'_, '_>,
    info: &ModelInfo<'_>,
    old: &[V],
    held: &mut dyn FnMut(&mut Gen<'_, '_>, u16) -> C,
) -> Result<(Vec<V>, Vec<bool>), Unsupported> {
    let m = info.model;
    let mut cur = old.to_vec();
    let mut written = vec![false; old.len()];
    // Only a state some `refractory ... clamp` names can be held.
    let clampable = clampable(m);
    if !m.odes.is_empty() {
        cur = solver::advance(g, info, old)?;
        for (s, _) in &m.odes {
            let s = *s;
            if clampable & bit(s) != 0 {
                let h = held(g, s);
                cur[s as usize] = g.select(h, old[s as usize], cur[s as usize]);
            }
            written[s as usize] = true;
        }
    }
    if !m.nexts.is_empty() {
        let env = Env { states: States::Values(old), dt: info.dt, noise_scale: 1.0 };
        let new = m.nexts.iter().map(|(_, e)| g.expr(e, &env)).collect::<Result<Vec<_>, _>>()?;
        for ((s, _), v) in m.nexts.iter().zip(new) {
            let s = *s;
            cur[s as usize] = if clampable & bit(s) != 0 {
                let h = held(g, s);
                g.select(h, cur[s as usize], v)
            } else {
                v
            };
            written[s as usize] = true;
        }
    }
    Ok((cur, written))
}

/// Whether `held` has the bit of slot `s` (an i8 condition).
fn is_held(g: &mut Gen<'_, '_>, held: Value, s: u16) -> Value {
    let m = g.b.ins().band_imm_s(held, bit(s));
    g.b.ins().icmp_imm_s(IntCC::NotEqual, m, 0)
}

/// What the integration of an element leaves for its conditions in a fused kernel: the
/// committed states and whether the element is refractory (both also in memory).
struct Fresh {
    states: Vec<V>,
    refractory: Value,
}

fn integrate_element(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, fail: Block) -> Result<Fresh, Unsupported> {
    let m = info.model;
    locate(g, m, info.dt);
    let until_addr = g.elem_addr(Field::RefractoryUntil, 1, 0, 8);
    let until = g.b.ins().load(types::I64, flags(), until_addr, 0);
    let held_addr = g.elem_addr(Field::Held, 1, 0, 8);
    let held = g.b.ins().load(types::I64, flags(), held_addr, 0);
    let refractory = g.b.ins().icmp(IntCC::UnsignedLessThan, g.step, until);
    let zero = g.b.ins().iconst(types::I64, 0);
    let held = g.b.ins().select(refractory, held, zero);
    let old: Vec<V> = (0..m.states.len()).map(|k| g.load_state(k)).collect::<Result<_, _>>()?;
    let (cur, written) = advance_held(g, info, &old, &mut |g, s| C::R(is_held(g, held, s)))?;
    for (k, v) in cur.iter().enumerate() {
        if written[k] {
            g.store_state(k, *v)?;
        }
    }
    if !m.invariants.is_empty() {
        let env = Env { states: States::Values(&cur), dt: info.dt, noise_scale: 1.0 };
        let mut any = g.b.ins().iconst(types::I8, 0);
        for inv in &m.invariants {
            let v = g.expr(inv, &env)?;
            let bad = g.cmp(CmpOp::Eq, v, V::K(0.0));
            let bad = g.cond(bad);
            any = g.b.ins().bor(any, bad);
        }
        let cont = g.b.create_block();
        g.b.ins().brif(any, fail, &[], cont, &[]);
        g.b.switch_to_block(cont);
    }
    Ok(Fresh { states: cur, refractory })
}

/// The conditions of an element; `fresh` (in a fused kernel) saves reloading what the
/// integration just computed.
fn conditions_element(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, fresh: Option<Fresh>) -> Result<(), Unsupported> {
    let m = info.model;
    locate(g, m, info.dt);
    let spiked = g.elem_addr(Field::Spiked, 1, 0, 1);
    let z8 = g.b.ins().iconst(types::I8, 0);
    g.b.ins().store(flags(), z8, spiked, 0);
    if m.conditions.is_empty() {
        return Ok(());
    }
    let until_addr = g.elem_addr(Field::RefractoryUntil, 1, 0, 8);
    let (refractory, env) = match &fresh {
        Some(f) => (f.refractory, Env { states: States::Values(&f.states), dt: info.dt, noise_scale: 1.0 }),
        None => {
            let until = g.b.ins().load(types::I64, flags(), until_addr, 0);
            let refractory = g.b.ins().icmp(IntCC::UnsignedLessThan, g.step, until);
            (refractory, Env { states: States::Memory, dt: info.dt, noise_scale: 1.0 })
        }
    };
    let mut holds = Vec::new();
    for c in &m.conditions {
        let c = g.truth_of(&c.cond, &env)?;
        holds.push(g.cond(c));
    }
    let nc = m.conditions.len();
    let last = g.elem_addr(Field::LastCond, nc, 0, 1);
    for (k, c) in m.conditions.iter().enumerate() {
        let now = holds[k];
        // Only `rise` and `fall` read the last value, so a level condition need not keep it.
        let prev = if c.trigger == Trigger::Level {
            now
        } else {
            let prev = g.b.ins().load(types::I8, flags(), last, k as i32);
            g.b.ins().store(flags(), now, last, k as i32);
            prev
        };
        let fire = match c.trigger {
            Trigger::Level => now,
            Trigger::Rise => {
                let was = g.b.ins().icmp_imm_s(IntCC::Equal, prev, 0);
                g.b.ins().band(now, was)
            }
            Trigger::Fall => {
                let not_now = g.b.ins().icmp_imm_s(IntCC::Equal, now, 0);
                let was = g.b.ins().icmp_imm_s(IntCC::NotEqual, prev, 0);
                g.b.ins().band(not_now, was)
            }
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("trigger {other:?}"))),
        };
        let awake = g.b.ins().icmp_imm_s(IntCC::Equal, refractory, 0);
        let run = g.b.ins().band(fire, awake);
        let (body, after) = (g.b.create_block(), g.b.create_block());
        g.b.ins().brif(run, body, &[], after, &[]);
        g.b.switch_to_block(body);
        let fx = effects(g.b);
        g.stmts(&c.body, &fx)?;
        let (emit, set_ref, end_emit) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
        let emitted = g.b.use_var(fx.emitted);
        g.b.ins().brif(emitted, emit, &[], end_emit, &[]);
        g.b.switch_to_block(emit);
        let one = g.b.ins().iconst(types::I8, 1);
        g.b.ins().store(flags(), one, spiked, 0);
        g.emit_spike();
        g.b.ins().jump(end_emit, &[]);
        g.b.switch_to_block(end_emit);
        let has = g.b.use_var(fx.has_refractory);
        g.b.ins().brif(has, set_ref, &[], after, &[]);
        g.b.switch_to_block(set_ref);
        let steps = g.b.use_var(fx.steps);
        let one = g.b.ins().iconst(types::I64, 1);
        let steps = g.b.ins().umax(steps, one);
        let sum = g.b.ins().iadd(g.step, steps);
        let wrapped = g.b.ins().icmp(IntCC::UnsignedLessThan, sum, g.step);
        let max = g.b.ins().iconst(types::I64, -1);
        let until = g.b.ins().select(wrapped, max, sum);
        g.b.ins().store(flags(), until, until_addr, 0);
        let mask = g.b.use_var(fx.mask);
        let held_addr = g.elem_addr(Field::Held, 1, 0, 8);
        g.b.ins().store(flags(), mask, held_addr, 0);
        g.b.ins().jump(after, &[]);
        g.b.switch_to_block(after);
    }
    Ok(())
}

/// One step of [`LANES`] consecutive elements in vector code: integration as in
/// [`integrate_element`], lane by lane only where the model calls a helper; then the
/// conditions are evaluated for all lanes at once, and each lane's spiked flag marks whether
/// its conditions have anything to do (a level condition holding outside the refractory
/// period, an edge condition changing). The kernel's second pass runs [`conditions_element`]
/// for the marked elements only; it clears the flag and re-reads the stored states, so it
/// computes the same truth values. An unmarked element is left with its flag cleared, as the
/// scalar code would leave it.
fn step_pair(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    locate(g, m, info.dt);
    // Refractory lanes (`step < until`, unsigned: both sides biased by 2^63 for the signed
    // vector comparison) and their held masks, two lanes per load.
    let until_addr = g.elem_addr(Field::RefractoryUntil, 1, 0, 8);
    let held_addr = g.elem_addr(Field::Held, 1, 0, 8);
    let bias = g.b.ins().iconst(types::I64, i64::MIN);
    let bias = g.b.ins().splat(types::I64X2, bias);
    let until = g.b.ins().load(types::I64X2, vector_flags(), until_addr, 0);
    let until = g.b.ins().bxor(until, bias);
    let now = g.b.ins().splat(types::I64X2, g.step);
    let now = g.b.ins().bxor(now, bias);
    let refractory = g.b.ins().icmp(IntCC::SignedGreaterThan, until, now);
    let held = g.b.ins().load(types::I64X2, vector_flags(), held_addr, 0);
    let held = g.b.ins().band(held, refractory);
    let old: Vec<V> = (0..m.states.len()).map(|k| g.load_state(k)).collect::<Result<_, _>>()?;
    let mut held_mask = |g: &mut Gen<'_, '_>, s: u16| {
        let b = g.b.ins().iconst(types::I64, bit(s));
        let b = g.b.ins().splat(types::I64X2, b);
        let h = g.b.ins().band(held, b);
        C::R(g.b.ins().icmp(IntCC::Equal, h, b))
    };
    let (cur, written) = advance_held(g, info, &old, &mut held_mask)?;
    for (k, v) in cur.iter().enumerate() {
        if written[k] {
            g.store_state(k, *v)?;
        }
    }
    let spiked = g.elem_addr(Field::Spiked, 1, 0, 1);
    let busy = if m.conditions.is_empty() { C::K(false) } else { busy_lanes(g, info, &cur, refractory)? };
    // Each lane's spiked flag: whether its conditions must run (they clear it first).
    let flags16 = match busy {
        C::K(b) => g.b.ins().iconst(types::I16, if b { 0x0101 } else { 0 }),
        C::R(mask) => {
            let bits = g.b.ins().vhigh_bits(types::I16, mask);
            let lane0 = g.b.ins().band_imm_s(bits, 1);
            let lane1 = g.b.ins().band_imm_s(bits, 2);
            let lane1 = g.b.ins().ishl_imm_s(lane1, 7);
            g.b.ins().bor(lane0, lane1)
        }
    };
    g.b.ins().store(vector_flags(), flags16, spiked, 0);
    Ok(())
}

/// The lanes whose conditions have something to do: a level condition holding outside the
/// refractory period, an edge condition whose value changed.
fn busy_lanes(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, cur: &[V], refractory: Value) -> Result<C, Unsupported> {
    let m = info.model;
    let env = Env { states: States::Values(cur), dt: info.dt, noise_scale: 1.0 };
    let awake = C::R(g.b.ins().bnot(refractory));
    let nc = m.conditions.len();
    let last = g.elem_addr(Field::LastCond, nc, 0, 1);
    let mut busy = C::K(false);
    for (k, c) in m.conditions.iter().enumerate() {
        let now = g.truth_of(&c.cond, &env)?;
        let act = if c.trigger == Trigger::Level {
            g.and(now, awake)
        } else {
            let prev = g.mask_of(|g, l| {
                let p = g.b.ins().load(types::I8, flags(), last, (nc * usize::from(l) + k) as i32);
                g.b.ins().icmp_imm_s(IntCC::NotEqual, p, 0)
            });
            let now = g.cond(now);
            C::R(g.b.ins().bxor(now, prev))
        };
        busy = g.or(busy, act);
    }
    Ok(busy)
}

fn handlers_element(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    locate(g, m, info.dt);
    let ni = m.inputs.len();
    for h in &m.handlers {
        let hit = g.elem_addr(Field::PortHit, ni, h.port as usize, 1);
        let sum = g.elem_addr(Field::PortSum, ni, h.port as usize, 8);
        let was_hit = g.b.ins().load(types::I8, flags(), hit, 0);
        let (body, after) = (g.b.create_block(), g.b.create_block());
        g.b.ins().brif(was_hit, body, &[], after, &[]);
        g.b.switch_to_block(body);
        let w = g.b.ins().load(types::F64, flags(), sum, 0);
        let z = g.b.ins().f64const(0.0);
        g.b.ins().store(flags(), z, sum, 0);
        let z8 = g.b.ins().iconst(types::I8, 0);
        g.b.ins().store(flags(), z8, hit, 0);
        g.b.ins().store(flags(), w, g.locals, 8 * i32::from(h.local));
        // Emit and refractory inside a port handler have no effect, as in the interpreter.
        let fx = effects(g.b);
        g.stmts(&h.body, &fx)?;
        g.b.ins().jump(after, &[]);
        g.b.switch_to_block(after);
    }
    Ok(())
}
