//! The native functions of one neuron model: integration (DESIGN §3 steps 3–4), conditions
//! (step 5), both fused into one pass (for models without invariants) and port handlers
//! (step 6, over the elements whose ports were hit), each a loop over the population's
//! element-major arrays with the interpreter's operation order inside.

use crate::abi::{Field, KernelArgs};
use crate::expr::{C, Env, Gen, Known, States, Unsupported, V, effects, field, flags, import_sigs};
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
}

/// Builds the three functions of `info` into `module`.
pub fn declare(
    module: &mut JITModule,
    tag: usize,
    info: &ModelInfo<'_>,
    known: &Known,
) -> Result<Declared, Unsupported> {
    let integrate = define(module, &format!("integrate_{tag}"), known, Over::All, |g, fail| {
        integrate_element(g, info, fail).map(|_| ())
    })?;
    let conditions =
        define(module, &format!("conditions_{tag}"), known, Over::All, |g, _| conditions_element(g, info, None))?;
    let handlers = if info.model.handlers.is_empty() {
        None
    } else {
        Some(define(module, &format!("handlers_{tag}"), known, Over::Hit, |g, _| handlers_element(g, info))?)
    };
    let fused = if info.model.invariants.is_empty() {
        let f = define(module, &format!("step_{tag}"), known, Over::All, |g, fail| {
            let fresh = integrate_element(g, info, fail)?;
            conditions_element(g, info, Some(fresh))
        })?;
        Some(f)
    } else {
        None
    };
    Ok(Declared { integrate, conditions, handlers, fused })
}

/// Which elements a kernel visits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Over {
    /// Every element, in order.
    All,
    /// The elements listed in `hit` (those whose ports were hit), in order.
    Hit,
}

/// Defines `fn(args) -> i64` looping `per_element` over the elements `over` names;
/// `per_element` gets the generator for element `i` and a block that returns `i` (an invariant
/// failure; only for [`Over::All`]).
fn define(
    module: &mut JITModule,
    name: &str,
    known: &Known,
    over: Over,
    per_element: impl FnOnce(&mut Gen<'_, '_>, Block) -> Result<(), Unsupported>,
) -> Result<FuncId, Unsupported> {
    let config = module.target_config();
    let ptr = config.pointer_type();
    let call_conv = config.default_call_conv;
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I64));
    let id = module.declare_function(name, Linkage::Local, &sig).map_err(|e| Unsupported(e.to_string()))?;
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
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
        let (header, body, exit, fail) = (b.create_block(), b.create_block(), b.create_block(), b.create_block());
        b.ins().jump(header, &[]);
        b.switch_to_block(header);
        let i = b.use_var(iv);
        let done = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, i, size);
        b.ins().brif(done, exit, &[], body, &[]);
        b.switch_to_block(body);
        let k = i;
        let i = match over {
            Over::All => k,
            Over::Hit => {
                let at = b.ins().imul_imm_s(k, 4);
                let at = b.ins().iadd(hit, at);
                b.ins().uload32(flags(), at, 0)
            }
        };
        let entity = b.ins().iadd(entity_base, i);
        let placeholder = b.ins().iconst(ptr, 0);
        let mut g = Gen {
            b: &mut b,
            args,
            ptr,
            sigs,
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
        let next = g.b.ins().iadd_imm_s(k, 1);
        g.b.def_var(iv, next);
        g.b.ins().jump(header, &[]);
        b.switch_to_block(fail);
        let failed = b.use_var(iv);
        b.ins().return_(&[failed]);
        b.switch_to_block(exit);
        let ok = b.ins().iconst(types::I64, -1);
        b.ins().return_(&[ok]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    module.define_function(id, &mut ctx).map_err(|e| Unsupported(format!("{e:?}")))?;
    module.clear_context(&mut ctx);
    Ok(id)
}

/// Points the generator at element `i` of a model with these slot counts.
fn locate(g: &mut Gen<'_, '_>, m: &Model, dt: f64) {
    g.params = g.elem_addr(Field::Params, m.params.len(), 0, 8);
    g.states = g.elem_addr(Field::States, m.states.len(), 0, 8);
    g.inputs = g.elem_addr(Field::Inputs, m.inputs.len(), 0, 8);
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
    let old: Vec<V> =
        (0..m.states.len()).map(|k| V::R(g.b.ins().load(types::F64, flags(), g.states, 8 * k as i32))).collect();
    let mut cur = old.clone();
    let mut written = vec![false; old.len()];
    // Only a state some `refractory ... clamp` names can be held.
    let clampable = clampable(m);
    if !m.odes.is_empty() {
        cur = solver::advance(g, info, &old)?;
        for (s, _) in &m.odes {
            let s = *s;
            if clampable & bit(s) != 0 {
                let h = is_held(g, held, s);
                cur[s as usize] = g.select(C::R(h), old[s as usize], cur[s as usize]);
            }
            written[s as usize] = true;
        }
    }
    if !m.nexts.is_empty() {
        let env = Env { states: States::Values(&old), dt: info.dt, noise_scale: 1.0 };
        let new = m.nexts.iter().map(|(_, e)| g.expr(e, &env)).collect::<Result<Vec<_>, _>>()?;
        for ((s, _), v) in m.nexts.iter().zip(new) {
            let s = *s;
            cur[s as usize] = if clampable & bit(s) != 0 {
                let h = is_held(g, held, s);
                g.select(C::R(h), cur[s as usize], v)
            } else {
                v
            };
            written[s as usize] = true;
        }
    }
    for (k, v) in cur.iter().enumerate() {
        if written[k] {
            let v = g.val(*v);
            g.b.ins().store(flags(), v, g.states, 8 * k as i32);
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
