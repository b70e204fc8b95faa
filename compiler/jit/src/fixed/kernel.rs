//! The three functions of a fixed-point model, each a loop over elements with the
//! fixed-point interpreter's order inside (`fx_integrate`, `fx_conditions`, `fx_handlers`).

use super::abi::{CALL_SIZE, FxArgs, FxField};
use super::fxgen::{FxGen, FxSigs, flags, unsupported};
use super::lower::{Effects, Element, ParamSrc};
use crate::expr::Unsupported;
use cranelift::codegen::ir::{StackSlotData, StackSlotKind};
use cranelift::prelude::*;
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use scn_runtime::interp::fixed_eval::Phase;
use scn_runtime::ir::{FixedModel, Model, Trigger};

/// A compiled fixed-point kernel: returns −1, or the element where a fault (left in the
/// argument block's fault slot) or a failed invariant (no fault) stopped it.
pub type FxKernelFn = unsafe extern "C" fn(*const FxArgs) -> i64;

/// What the functions of one population's model need besides the model.
pub struct FxModelInfo<'m> {
    /// The model.
    pub model: &'m Model,
    /// Its precision and slot kinds.
    pub fixed: &'m FixedModel,
    /// Its parameters' sources.
    pub params: Vec<ParamSrc>,
    /// Where the compiled model keeps its precision.
    pub spec_addr: usize,
    /// The network's dt.
    pub dt: f64,
}

/// The declared functions of one model.
pub struct FxDeclared {
    /// `next` updates and invariants.
    pub integrate: FuncId,
    /// Conditions.
    pub conditions: FuncId,
    /// Port handlers (over the hit elements).
    pub handlers: FuncId,
}

/// Builds the three functions of `info` into `module`.
pub fn declare(module: &mut JITModule, tag: usize, info: &FxModelInfo<'_>) -> Result<FxDeclared, Unsupported> {
    if !info.model.odes.is_empty() {
        return Err(unsupported("a fixed-point model with differential equations"));
    }
    let integrate = define(module, &format!("fx_integrate_{tag}"), info, false, Phase::Integrate, integrate_element)?;
    let conditions =
        define(module, &format!("fx_conditions_{tag}"), info, false, Phase::Conditions, conditions_element)?;
    let handlers = define(module, &format!("fx_handlers_{tag}"), info, true, Phase::Ports, handlers_element)?;
    Ok(FxDeclared { integrate, conditions, handlers })
}

type PerElement = fn(&mut FxGen<'_, '_>, &mut Element, &FxModelInfo<'_>) -> Result<(), Unsupported>;

/// Defines `fn(args) -> i64` running `per_element` over every element, or (`over_hit`) over
/// the elements whose ports were hit.
fn define(
    module: &mut JITModule,
    name: &str,
    info: &FxModelInfo<'_>,
    over_hit: bool,
    phase: Phase,
    per_element: PerElement,
) -> Result<FuncId, Unsupported> {
    let config = module.target_config();
    let ptr = config.pointer_type();
    let mut sig = module.make_signature();
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I64));
    let id = module.declare_function(name, Linkage::Local, &sig).map_err(|e| unsupported(e.to_string()))?;
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let sigs = FxSigs::import(&mut b, ptr, config.default_call_conv);
        let call = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, CALL_SIZE, 3));
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry)[0];
        let load = |b: &mut FunctionBuilder<'_>, ty, f: FxField| b.ins().load(ty, flags(), args, f.offset());
        let size = load(&mut b, types::I64, if over_hit { FxField::HitLen } else { FxField::Size });
        let hit = load(&mut b, ptr, FxField::Hit);
        let seed = load(&mut b, types::I64, FxField::Seed);
        let step = load(&mut b, types::I64, FxField::Step);
        let entity_base = load(&mut b, types::I64, FxField::EntityBase);
        let params = load(&mut b, ptr, FxField::Params);
        let states = load(&mut b, ptr, FxField::States);
        let inputs = load(&mut b, ptr, FxField::Inputs);
        let (kv, elem) = (b.declare_var(types::I64), b.declare_var(types::I64));
        let zero = b.ins().iconst(types::I64, 0);
        b.def_var(kv, zero);
        b.def_var(elem, zero);
        let counter = b.declare_var(types::I64);
        b.def_var(counter, zero);
        let m = info.model;
        let states_vars: Vec<Variable> = (0..m.states.len()).map(|_| b.declare_var(types::I128)).collect();
        let local_vars: Vec<Variable> = (0..m.locals as usize).map(|_| b.declare_var(types::I128)).collect();
        let local_kinds: Vec<Variable> = (0..m.locals as usize).map(|_| b.declare_var(types::I8)).collect();
        let (header, body, exit, fail) = (b.create_block(), b.create_block(), b.create_block(), b.create_block());
        b.ins().jump(header, &[]);
        b.switch_to_block(header);
        let k = b.use_var(kv);
        let done = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, k, size);
        b.ins().brif(done, exit, &[], body, &[]);
        b.switch_to_block(body);
        let i = if over_hit {
            let at = b.ins().imul_imm_s(k, 4);
            let at = b.ins().iadd(hit, at);
            b.ins().uload32(flags(), at, 0)
        } else {
            k
        };
        b.def_var(elem, i);
        let entity = b.ins().iadd(entity_base, i);
        let z = b.ins().iconst(types::I64, 0);
        b.def_var(counter, z);
        let addr = |b: &mut FunctionBuilder<'_>, base: Value, n: usize| {
            let off = b.ins().imul_imm_s(i, 16 * n as i64);
            b.ins().iadd(base, off)
        };
        let mut el = Element {
            int_params: info.fixed.int_params.clone(),
            int_states: info.fixed.int_states.clone(),
            params: info.params.clone(),
            params_addr: addr(&mut b, params, m.params.len()),
            states_addr: addr(&mut b, states, m.states.len()),
            inputs_addr: addr(&mut b, inputs, m.inputs.len()),
            index: i,
            states: states_vars,
            local_vars,
            local_kinds,
            locals: vec![None; m.locals as usize],
            dt: info.dt,
        };
        for (s, var) in el.states.iter().enumerate() {
            let v = b.ins().load(types::I128, flags(), el.states_addr, 16 * s as i32);
            b.def_var(*var, v);
        }
        let mut g = FxGen {
            b: &mut b,
            ptr,
            sigs,
            spec: info.fixed.spec,
            spec_addr: info.spec_addr,
            args,
            seed,
            step,
            entity,
            phase,
            counter,
            fail,
            call,
        };
        per_element(&mut g, &mut el, info)?;
        let next = g.b.ins().iadd_imm_s(k, 1);
        g.b.def_var(kv, next);
        g.b.ins().jump(header, &[]);
        b.switch_to_block(fail);
        let failed = b.use_var(elem);
        b.ins().return_(&[failed]);
        b.switch_to_block(exit);
        let ok = b.ins().iconst(types::I64, -1);
        b.ins().return_(&[ok]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    module.define_function(id, &mut ctx).map_err(|e| unsupported(format!("{e:?}")))?;
    module.clear_context(&mut ctx);
    Ok(id)
}

/// Loads the 8-byte field at element `i` of the array in field `f` (stride `n` entries of
/// `width` bytes, entry `k`) and returns its address.
fn elem(g: &mut FxGen<'_, '_>, el: &Element, f: FxField, n: usize, k: usize, width: i64) -> Value {
    let base = g.field(g.ptr, f);
    let idx = g.b.ins().imul_imm_s(el.index, n as i64);
    let idx = g.b.ins().iadd_imm_s(idx, k as i64);
    let off = g.b.ins().imul_imm_s(idx, width);
    g.b.ins().iadd(base, off)
}

/// Whether the element is refractory this step (an i8) and the address of its bound.
fn refractory(g: &mut FxGen<'_, '_>, el: &Element) -> (Value, Value) {
    let until_addr = elem(g, el, FxField::RefractoryUntil, 1, 0, 8);
    let until = g.b.ins().load(types::I64, flags(), until_addr, 0);
    (g.b.ins().icmp(IntCC::UnsignedLessThan, g.step, until), until_addr)
}

fn integrate_element(g: &mut FxGen<'_, '_>, el: &mut Element, info: &FxModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    if !m.nexts.is_empty() {
        let (refr, _) = refractory(g, el);
        let held_addr = elem(g, el, FxField::Held, 1, 0, 8);
        let held = g.b.ins().load(types::I64, flags(), held_addr, 0);
        let zero = g.c64(0);
        let held = g.b.ins().select(refr, held, zero);
        // Every `next` from the pre-update state, each brought into its slot in turn.
        let mut new = Vec::with_capacity(m.nexts.len());
        for (s, e) in &m.nexts {
            let v = el.expr(g, e)?;
            let v = if el.int_states[*s as usize] { g.to_int(v) } else { g.to_fix(v) };
            new.push((*s as usize, v.v));
        }
        for (s, v) in new {
            let old = g.b.use_var(el.states[s]);
            let bit = g.b.ins().band_imm_s(held, (1u64 << s.min(63)) as i64);
            let keep = g.b.ins().icmp_imm_s(IntCC::NotEqual, bit, 0);
            let v = g.sel(keep, old, v);
            g.b.def_var(el.states[s], v);
            g.b.ins().store(flags(), v, el.states_addr, 16 * s as i32);
        }
    }
    if !m.invariants.is_empty() {
        g.phase = Phase::Invariants;
        let z = g.c64(0);
        g.b.def_var(g.counter, z);
        for inv in &m.invariants {
            let v = el.expr(g, inv)?;
            let ok = g.holds(v);
            let cont = g.b.create_block();
            g.b.ins().brif(ok, cont, &[], g.fail, &[]);
            g.b.switch_to_block(cont);
        }
        g.phase = Phase::Integrate;
    }
    Ok(())
}

fn conditions_element(g: &mut FxGen<'_, '_>, el: &mut Element, info: &FxModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    let spiked = elem(g, el, FxField::Spiked, 1, 0, 1);
    let z8 = g.b.ins().iconst(types::I8, 0);
    g.b.ins().store(flags(), z8, spiked, 0);
    if m.conditions.is_empty() {
        return Ok(());
    }
    let (refr, until_addr) = refractory(g, el);
    let mut now = Vec::with_capacity(m.conditions.len());
    for c in &m.conditions {
        let v = el.expr(g, &c.cond)?;
        now.push(g.holds(v));
    }
    let nc = m.conditions.len();
    for (k, c) in m.conditions.iter().enumerate() {
        let last = elem(g, el, FxField::LastCond, nc, k, 1);
        let prev = g.b.ins().load(types::I8, flags(), last, 0);
        g.b.ins().store(flags(), now[k], last, 0);
        let fire = match c.trigger {
            Trigger::Level => now[k],
            Trigger::Rise => {
                let was = g.b.ins().icmp_imm_s(IntCC::Equal, prev, 0);
                g.b.ins().band(now[k], was)
            }
            Trigger::Fall => {
                let not_now = g.b.ins().icmp_imm_s(IntCC::Equal, now[k], 0);
                let was = g.b.ins().icmp_imm_s(IntCC::NotEqual, prev, 0);
                g.b.ins().band(not_now, was)
            }
        };
        let awake = g.b.ins().icmp_imm_s(IntCC::Equal, refr, 0);
        let run = g.b.ins().band(fire, awake);
        let (body, after) = (g.b.create_block(), g.b.create_block());
        g.b.ins().brif(run, body, &[], after, &[]);
        g.b.switch_to_block(body);
        let fx = Effects::new(g.b);
        let saved = el.locals.clone();
        el.stmts(g, &c.body, &fx)?;
        el.locals = saved;
        let (emit, end_emit, set_ref) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
        let emitted = g.b.use_var(fx.emitted);
        g.b.ins().brif(emitted, emit, &[], end_emit, &[]);
        g.b.switch_to_block(emit);
        let one = g.b.ins().iconst(types::I8, 1);
        g.b.ins().store(flags(), one, spiked, 0);
        g.emit_spike(el.index);
        g.b.ins().jump(end_emit, &[]);
        g.b.switch_to_block(end_emit);
        let has = g.b.use_var(fx.has_refractory);
        g.b.ins().brif(has, set_ref, &[], after, &[]);
        g.b.switch_to_block(set_ref);
        let steps = g.b.use_var(fx.steps);
        let sum = g.b.ins().iadd(g.step, steps);
        let wrapped = g.b.ins().icmp(IntCC::UnsignedLessThan, sum, g.step);
        let max = g.c64(-1);
        let until = g.b.ins().select(wrapped, max, sum);
        g.b.ins().store(flags(), until, until_addr, 0);
        let mask = g.b.use_var(fx.mask);
        let held_addr = elem(g, el, FxField::Held, 1, 0, 8);
        g.b.ins().store(flags(), mask, held_addr, 0);
        g.b.ins().jump(after, &[]);
        g.b.switch_to_block(after);
    }
    Ok(())
}

fn handlers_element(g: &mut FxGen<'_, '_>, el: &mut Element, info: &FxModelInfo<'_>) -> Result<(), Unsupported> {
    let m = info.model;
    let ni = m.inputs.len();
    for h in &m.handlers {
        let hit = elem(g, el, FxField::PortHit, ni, h.port as usize, 1);
        let sum = elem(g, el, FxField::PortSum, ni, h.port as usize, 16);
        let was_hit = g.b.ins().load(types::I8, flags(), hit, 0);
        let (body, after) = (g.b.create_block(), g.b.create_block());
        g.b.ins().brif(was_hit, body, &[], after, &[]);
        g.b.switch_to_block(body);
        let z8 = g.b.ins().iconst(types::I8, 0);
        g.b.ins().store(flags(), z8, hit, 0);
        let w = g.b.ins().load(types::I128, flags(), sum, 0);
        let z = g.c128(0);
        g.b.ins().store(flags(), z, sum, 0);
        let local = h.local as usize;
        if local >= el.locals.len() {
            return Err(unsupported("a handler local beyond the model's count"));
        }
        let saved = el.locals.clone();
        g.b.def_var(el.local_vars[local], w);
        let fix = g.b.ins().iconst(types::I8, 0);
        g.b.def_var(el.local_kinds[local], fix);
        let fmt_bits = g.fmt_bits();
        el.locals[local] = Some(super::lower::LocalKind::of(false, fmt_bits, true));
        // Emit and refractory inside a port handler have no effect, as in the interpreter.
        let fx = Effects::new(g.b);
        el.stmts(g, &h.body, &fx)?;
        el.locals = saved;
        g.b.ins().jump(after, &[]);
        g.b.switch_to_block(after);
    }
    // Weights at a port without a handler are dropped, not carried into the next step.
    for k in 0..ni {
        let hit = elem(g, el, FxField::PortHit, ni, k, 1);
        let z8 = g.b.ins().iconst(types::I8, 0);
        g.b.ins().store(flags(), z8, hit, 0);
        let sum = elem(g, el, FxField::PortSum, ni, k, 16);
        let z = g.c128(0);
        g.b.ins().store(flags(), z, sum, 0);
    }
    Ok(())
}
