//! The boundary between fixed-point kernels and Rust: the argument block, the block of a slow
//! operation, and the `extern "C"` helpers. Every helper calls the fixed-point interpreter's
//! own code (`fixed_eval::Quant`, the Philox draw), so a kernel computes its bits and faults.

use scn_runtime::fixed::Exact;
use scn_runtime::interp::fixed_eval::{FFrame, FVal, Fault, Phase, Quant, feval};
use scn_runtime::interp::{FxView, Spike};
use scn_runtime::ir::{AssignOp, BinOp, Expr, FixedSpec, Func};
use scn_runtime::random::{DrawCoord, Purpose};
use std::cmp::Ordering;

/// What a fixed-point kernel reads and writes: one pointer or scalar per 8-byte field, in
/// this order (the offsets are [`FxField`]s). Raw values are `i128`s.
#[repr(C)]
pub struct FxArgs {
    /// Parameters, element-major.
    pub params: *const i128,
    /// States, element-major.
    pub states: *mut i128,
    /// Continuous inputs, element-major.
    pub inputs: *const i128,
    /// Spike-port sums, element-major.
    pub port_sum: *mut i128,
    /// Spike-port hit flags (Rust `bool`s), element-major.
    pub port_hit: *mut u8,
    /// Refractory-until steps.
    pub refractory_until: *mut u64,
    /// Held-state masks.
    pub held: *mut u64,
    /// Last condition values (Rust `bool`s), element-major.
    pub last_cond: *mut u8,
    /// Spiked flags (Rust `bool`s).
    pub spiked: *mut u8,
    /// The elements whose ports were hit this step, ascending.
    pub hit: *const u32,
    /// Number of elements.
    pub size: u64,
    /// Number of entries at `hit`.
    pub hit_len: u64,
    /// Draw entity of element 0.
    pub entity_base: u64,
    /// The step.
    pub step: u64,
    /// The network seed.
    pub seed: u64,
    /// The population index (for spikes).
    pub pop: u64,
    /// The spike list (`*mut Vec<Spike>`), for [`scn_fx_emit`].
    pub spikes: *mut Vec<Spike>,
    /// Where a fault is left (`*mut Option<Fault>`).
    pub fault: *mut Option<Fault>,
}

/// A field of [`FxArgs`], by position (each is 8 bytes).
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub enum FxField {
    Params,
    States,
    Inputs,
    PortSum,
    PortHit,
    RefractoryUntil,
    Held,
    LastCond,
    Spiked,
    Hit,
    Size,
    HitLen,
    EntityBase,
    Step,
    Seed,
    Pop,
    Spikes,
    Fault,
}

impl FxField {
    /// Byte offset in [`FxArgs`].
    pub fn offset(self) -> i32 {
        8 * self as i32
    }
}

const _: () = assert!(std::mem::size_of::<FxArgs>() == 18 * 8);

impl FxArgs {
    /// The arguments of one kernel call over a population's live arrays.
    pub fn new(v: &mut FxView<'_>, step: u64, seed: u64, spikes: *mut Vec<Spike>, fault: &mut Option<Fault>) -> Self {
        FxArgs {
            params: v.params.as_ptr(),
            states: v.states.as_mut_ptr(),
            inputs: v.inputs.as_ptr(),
            port_sum: v.port_sum.as_mut_ptr(),
            port_hit: v.port_hit.as_mut_ptr().cast(),
            refractory_until: v.refractory_until.as_mut_ptr(),
            held: v.held.as_mut_ptr(),
            last_cond: v.last_cond.as_mut_ptr().cast(),
            spiked: v.spiked.as_mut_ptr().cast(),
            hit: v.hit.as_ptr(),
            size: v.size as u64,
            hit_len: v.hit.len() as u64,
            entity_base: v.entity_base,
            step,
            seed,
            pop: v.pop as u64,
            spikes,
            fault,
        }
    }
}

/// An operation the kernel leaves to [`scn_fx_slow`], on [`FVal`]s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum SlowOp {
    /// `Quant::bin(+)`.
    Add,
    /// `Quant::bin(-)`.
    Sub,
    /// `Quant::bin(*)`.
    Mul,
    /// `Quant::bin(/)`.
    Div,
    /// `Quant::bin(%)`.
    Rem,
    /// `Quant::bin(**)`.
    Pow,
    /// `Quant::bin(<<)`.
    Shl,
    /// `Quant::bin(>>)`.
    Shr,
    /// `Quant::cmp`: the result is the integer −1, 0 or 1.
    Cmp,
    /// `Quant::to_fix` of x.
    ToFix,
    /// `Quant::to_int` of x.
    ToInt,
    /// `Quant::assign(/=)` into an `int` slot (x the old value, y the divisor).
    AssignDivInt,
    /// Negation as `feval` does it.
    Neg,
    /// `abs` as `fixed_eval` does it.
    Abs,
    /// `Quant::q` of the exact value `x_raw · 2^-y_raw` (x and y kinds ignored).
    Requantize,
    /// `floor(x)` as `feval` computes it.
    Floor,
    /// `ceil(x)` as `feval` computes it.
    Ceil,
    /// `round(x)` as `feval` computes it.
    Round,
    /// `Quant::constant` of the f64 whose bits are `x_lo` (a constant off the format's grid).
    Constant,
}

impl SlowOp {
    /// The slow operation of a binary operator.
    pub fn of(op: BinOp) -> SlowOp {
        match op {
            BinOp::Add => SlowOp::Add,
            BinOp::Sub => SlowOp::Sub,
            BinOp::Mul => SlowOp::Mul,
            BinOp::Div => SlowOp::Div,
            BinOp::Rem => SlowOp::Rem,
            BinOp::Pow => SlowOp::Pow,
            BinOp::Shl => SlowOp::Shl,
            BinOp::Shr => SlowOp::Shr,
        }
    }
}

/// The block of one [`scn_fx_slow`] call, filled by the kernel (on its stack); the result
/// replaces x. Kinds: 0 an exact integer, 1 a value of the format.
#[repr(C)]
pub struct FxCall {
    /// The model's precision (owned by the compiled model).
    pub spec: *const FixedSpec,
    /// The network seed.
    pub seed: u64,
    /// The element's draw entity.
    pub entity: u64,
    /// The step.
    pub step: u64,
    /// The [`Phase`] number.
    pub phase: u64,
    /// The draw counter before the call; after it, the counter after it.
    pub counter: u64,
    /// The [`SlowOp`].
    pub op: u64,
    /// Kind of x (and of the result).
    pub x_kind: u64,
    /// Low 64 bits of x (and of the result).
    pub x_lo: u64,
    /// High 64 bits of x (and of the result).
    pub x_hi: u64,
    /// Kind of y.
    pub y_kind: u64,
    /// Low 64 bits of y.
    pub y_lo: u64,
    /// High 64 bits of y.
    pub y_hi: u64,
    /// Where a fault is left (`*mut Option<Fault>`).
    pub fault: *mut Option<Fault>,
}

/// A field of [`FxCall`], by position (each is 8 bytes).
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub enum CallField {
    Spec,
    Seed,
    Entity,
    Step,
    Phase,
    Counter,
    Op,
    XKind,
    XLo,
    XHi,
    YKind,
    YLo,
    YHi,
    Fault,
}

impl CallField {
    /// Byte offset in [`FxCall`].
    pub fn offset(self) -> i32 {
        8 * self as i32
    }
}

/// Size of [`FxCall`] in bytes.
pub const CALL_SIZE: u32 = 14 * 8;
const _: () = assert!(std::mem::size_of::<FxCall>() == CALL_SIZE as usize);

fn join(lo: u64, hi: u64) -> i128 {
    ((u128::from(hi) << 64) | u128::from(lo)) as i128
}

fn fval(kind: u64, lo: u64, hi: u64) -> FVal {
    if kind == 0 { FVal::Int(join(lo, hi)) } else { FVal::Fix(join(lo, hi)) }
}

fn phase(n: u64) -> Phase {
    match n {
        0 => Phase::Build,
        1 => Phase::Integrate,
        2 => Phase::Invariants,
        3 => Phase::Conditions,
        4 => Phase::Ports,
        _ => Phase::Weight,
    }
}

/// Runs `c`'s operation; returns its result and the draw counter after it.
fn slow(c: &FxCall, spec: &FixedSpec) -> (Result<FVal, Fault>, u32) {
    let q = Quant::new(spec, c.seed, c.entity, c.step, phase(c.phase));
    q.counter.set(c.counter as u32);
    let (x, y) = (fval(c.x_kind, c.x_lo, c.x_hi), fval(c.y_kind, c.y_lo, c.y_hi));
    let r = match c.op {
        op if op <= SlowOp::Shr as u64 => {
            const BINS: [BinOp; 8] =
                [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Rem, BinOp::Pow, BinOp::Shl, BinOp::Shr];
            q.bin(BINS[op as usize], x, y)
        }
        op if op == SlowOp::Cmp as u64 => Ok(FVal::Int(match q.cmp(x, y) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        })),
        op if op == SlowOp::ToFix as u64 => q.to_fix(x).map(FVal::Fix),
        op if op == SlowOp::ToInt as u64 => q.to_int(x).map(FVal::Int),
        op if op == SlowOp::AssignDivInt as u64 => q.assign(AssignOp::Div, x, y, true).map(FVal::Int),
        op if op == SlowOp::Neg as u64 => match x {
            FVal::Int(n) => n.checked_neg().map(FVal::Int).ok_or(Fault::TooWide),
            FVal::Fix(r) => q.q(Exact::new(-r, q.fmt.frac())).map(FVal::Fix),
        },
        op if op == SlowOp::Abs as u64 => match x {
            FVal::Int(n) => n.checked_abs().map(FVal::Int).ok_or(Fault::TooWide),
            FVal::Fix(r) => q.q(Exact::new(r.abs(), q.fmt.frac())).map(FVal::Fix),
        },
        op if op == SlowOp::Constant as u64 => q.constant(f64::from_bits(c.x_lo)),
        op if op == SlowOp::Requantize as u64 => {
            let (FVal::Int(raw) | FVal::Fix(raw)) = x;
            q.q(Exact::new(raw, c.y_lo as u32)).map(FVal::Fix)
        }
        op => {
            let func = match op {
                op if op == SlowOp::Floor as u64 => Func::Floor,
                op if op == SlowOp::Ceil as u64 => Func::Ceil,
                _ => Func::Round,
            };
            let locals = [x];
            let frame = FFrame {
                params: &[],
                int_params: &[],
                states: &[],
                int_states: &[],
                inputs: &[],
                locals: &locals,
                index: 0,
                q: &q,
            };
            feval(&Expr::Call(func, vec![Expr::Local(0)]), &frame)
        }
    };
    (r, q.counter.get())
}

/// Runs the slow operation described by `call`: returns 0 with the result in x and the
/// counter advanced, or 1 with the fault stored at `call.fault`.
///
/// # Safety
/// `call` must be a filled [`FxCall`] whose `spec` and `fault` pointers are live.
pub unsafe extern "C" fn scn_fx_slow(call: *mut FxCall) -> u64 {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { &mut *call };
    // SAFETY: the compiled model owns the spec for as long as its code can run.
    let spec = unsafe { &*c.spec };
    match slow(c, spec) {
        (Ok(v), counter) => {
            let (kind, raw) = match v {
                FVal::Int(n) => (0, n),
                FVal::Fix(r) => (1, r),
            };
            c.x_kind = kind;
            c.x_lo = raw as u64;
            c.x_hi = (raw >> 64) as u64;
            c.counter = u64::from(counter);
            0
        }
        (Err(f), _) => {
            // SAFETY: the kernel passes its argument block's fault slot.
            unsafe { *c.fault = Some(f) };
            1
        }
    }
}

/// The random bits of stochastic rounding draw `draw` of `entity` at `step`, as
/// `Quant::rand` makes them (`w1:w0` of Philox block 0).
pub extern "C" fn scn_fx_draw(seed: u64, entity: u64, step: u64, draw: u64) -> u64 {
    let b = DrawCoord::new(seed, Purpose::StochasticRounding, entity, step, draw as u32).block(0);
    (u64::from(b[1]) << 32) | u64::from(b[0])
}

/// What an inline fault is ([`scn_fx_fault`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum FaultKind {
    /// `Fault::Overflow` of the exact value.
    Overflow,
    /// `Fault::TooWide`.
    TooWide,
    /// `Fault::BadShift` of the exact value.
    BadShift,
}

/// Stores the fault `kind` of the exact value `raw · 2^-frac` (`lo`, `hi` its halves) at
/// `slot`.
///
/// # Safety
/// `slot` must be the argument block's live fault slot.
pub unsafe extern "C" fn scn_fx_fault(slot: *mut Option<Fault>, kind: u64, lo: u64, hi: u64, frac: u64) {
    let x = Exact::new(join(lo, hi), frac as u32).to_f64();
    let f = match kind {
        k if k == FaultKind::Overflow as u64 => Fault::Overflow(x),
        k if k == FaultKind::BadShift as u64 => Fault::BadShift(x),
        _ => Fault::TooWide,
    };
    // SAFETY: guaranteed by the caller.
    unsafe { *slot = Some(f) };
}

/// Appends a spike of element `neuron` to the spike list of `args`.
///
/// # Safety
/// `args` must be the argument block the kernel was called with, with a live spike list.
pub unsafe extern "C" fn scn_fx_emit(args: *const FxArgs, neuron: u64) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let a = &*args;
        (*a.spikes).push(Spike { step: a.step, pop: a.pop as usize, neuron });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_runtime::fixed::{Overflow, Rounding};

    fn spec(rounding: Rounding) -> FixedSpec {
        FixedSpec { signed: true, width: 16, frac: 8, overflow: Overflow::Trap, rounding }
    }

    fn call(spec: &FixedSpec, op: SlowOp, x: FVal, y: FVal, fault: &mut Option<Fault>) -> (u64, FxCall) {
        let split = |v: FVal| match v {
            FVal::Int(n) => (0, n as u64, (n >> 64) as u64),
            FVal::Fix(r) => (1, r as u64, (r >> 64) as u64),
        };
        let ((xk, xl, xh), (yk, yl, yh)) = (split(x), split(y));
        let mut c = FxCall {
            spec,
            seed: 7,
            entity: 3,
            step: 11,
            phase: Phase::Conditions as u64,
            counter: 2,
            op: op as u64,
            x_kind: xk,
            x_lo: xl,
            x_hi: xh,
            y_kind: yk,
            y_lo: yl,
            y_hi: yh,
            fault,
        };
        // SAFETY: the block is filled and its pointers live.
        let r = unsafe { scn_fx_slow(&mut c) };
        (r, c)
    }

    #[test]
    fn the_draw_is_the_interpreters() {
        let q = Quant::new(&spec(Rounding::Stochastic), 7, 3, 11, Phase::Ports);
        q.counter.set(5);
        let want = q.rand();
        assert_eq!(scn_fx_draw(7, 3, 11, ((Phase::Ports as u64) << 24) | 5), want);
    }

    #[test]
    fn slow_operations_are_the_interpreters_with_their_draws_and_faults() {
        let s = spec(Rounding::Stochastic);
        let mut fault = None;
        let (r, c) = call(&s, SlowOp::Div, FVal::Fix(256), FVal::Fix(768), &mut fault);
        let q = Quant::new(&s, 7, 3, 11, Phase::Conditions);
        q.counter.set(2);
        let want = q.bin(BinOp::Div, FVal::Fix(256), FVal::Fix(768)).unwrap();
        assert_eq!((r, fval(c.x_kind, c.x_lo, c.x_hi)), (0, want));
        assert_eq!(c.counter, u64::from(q.counter.get()), "the counter advances by the draws taken");
        let (r, _) = call(&s, SlowOp::Div, FVal::Fix(256), FVal::Fix(0), &mut fault);
        assert_eq!((r, fault.take()), (1, Some(Fault::DivByZero)));
        let (r, _) = call(&s, SlowOp::Shl, FVal::Fix(0x4000), FVal::Int(1), &mut fault);
        assert_eq!((r, fault.take()), (1, Some(Fault::Overflow(128.0))));
        let (r, c) = call(&s, SlowOp::Cmp, FVal::Int(1), FVal::Fix(255), &mut fault);
        assert_eq!((r, fval(c.x_kind, c.x_lo, c.x_hi)), (0, FVal::Int(1)));
        let (_, c) = call(&s, SlowOp::Requantize, FVal::Fix(-(1 << 100)), FVal::Int(8), &mut fault);
        assert_eq!(fault.take(), Some(Fault::Overflow(-(2f64.powi(100)) / 256.0)));
        let _ = c;
    }

    #[test]
    fn inline_faults_carry_the_exact_value() {
        let mut slot = None;
        // SAFETY: the slot is live.
        unsafe { scn_fx_fault(&mut slot, FaultKind::Overflow as u64, 33000, 0, 8) };
        assert_eq!(slot, Some(Fault::Overflow(33000.0 / 256.0)));
        unsafe { scn_fx_fault(&mut slot, FaultKind::BadShift as u64, u64::MAX, u64::MAX, 0) };
        assert_eq!(slot, Some(Fault::BadShift(-1.0)));
        unsafe { scn_fx_fault(&mut slot, FaultKind::TooWide as u64, 0, 0, 0) };
        assert_eq!(slot, Some(Fault::TooWide));
    }
}
