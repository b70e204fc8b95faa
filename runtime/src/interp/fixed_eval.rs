//! The bit-true fixed-point evaluator for models with a `precision` member (DESIGN §3 "Fixed
//! point", LANGUAGE §8).
//!
//! # Representation
//!
//! A value is either an exact integer ([`FVal::Int`]: `int`/`bool` parameters and states,
//! `index`, truth values) or a value of the scope's format ([`FVal::Fix`], held as its raw
//! integer: the value is `raw · 2^-F` in scaled units, i.e. `raw · 2^-F · scale` in SI).
//! States and parameters are stored as these raw integers (`i128`, always inside the format for
//! `fix` slots).
//!
//! # Operations
//!
//! Every operation is computed exactly (on [`Exact`] intermediates) and re-quantised to the
//! format with the scope's rounding and overflow modes:
//!
//! - `+ - *`, unary `-`, `abs`: exact, then re-quantised (so only overflow can act on `+ -`,
//!   and rounding acts on `*`).
//! - `/`: the quotient rounded to F fractional bits with the rounding mode, then the overflow
//!   mode. Division by zero is a fault in every mode (fixed point has no infinity).
//! - `%`: floored remainder `x − y·⌊x/y⌋`, exact.
//! - `**`: an integer exponent 0..=64 only; the exact power, re-quantised once.
//! - `x >> k`: arithmetic, flooring (`raw >> k`), never rounds or overflows; `x << k`: exact
//!   `raw · 2^k` with the overflow mode. `k` must be a non-negative integer value.
//! - Comparisons, `and`, `or`, `not`, `min`, `max`, `clip`, `if`: exact (no re-quantisation);
//!   `min`/`max`/`clip` return one of their operands.
//! - `floor`, `ceil`, `round` (half to even): the integer, re-quantised (ceil can overflow).
//!   `heaviside` is 1, 0 or 1/2 re-quantised.
//! - Operations on two integers stay exact integers (`+ - * % ** << >>`); any other mix
//!   converts the integer exactly and re-quantises the result.
//! - Storing into a `fix` slot re-quantises an integer; storing into an `int` slot rounds a
//!   fixed-point value to an integer with the rounding mode.
//!
//! # Stochastic rounding
//!
//! With `rounding stochastic`, every re-quantisation (and every division) consumes one draw,
//! whether or not it drops bits: Philox with purpose [`Purpose::StochasticRounding`], entity the
//! element (the neuron's global entity number; `(projection << 40) | connection` for weights),
//! step the current step (0 at build time) and draw number `phase << 24 | k`, `k` counting the
//! element's re-quantisations in evaluation order within the phase, from 0. The phases are
//! [`Phase`]. The random u64 is `w1:w0` of block 0, and rounds up iff it is below
//! `⌊r · 2^64 / d⌋` ([`crate::fixed::Rounding::Stochastic`]). Other rounding modes draw nothing.

use crate::fixed::{Exact, Fix, FixError, Overflow, Rounding, requantize, round_ratio};
use crate::ir::{AssignOp, BinOp, CmpOp, Expr, FixedSpec, Func, Stmt};
use crate::random::{DrawCoord, Purpose};
use std::cell::Cell;
use std::cmp::Ordering;

/// A value in a precision scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FVal {
    /// An exact integer.
    Int(i128),
    /// A value of the format, by its raw integer.
    Fix(i128),
}

/// Why a fixed-point evaluation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// `overflow trap`: a result outside the format; the exact value in scaled units.
    Overflow(f64),
    /// Division (or `%`) by zero.
    DivByZero,
    /// A shift amount that is not a non-negative integer (the value in scaled units).
    BadShift(f64),
    /// An exponent that is not an integer in 0..=64.
    BadPow(f64),
    /// An exact intermediate beyond 127 bits (only `**` can get there).
    TooWide,
    /// A construct the fixed-point evaluator does not define (the lowering refuses them).
    Unsupported(&'static str),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Overflow(v) => write!(f, "fixed-point overflow (trap): the result {v} (scaled units) does not fit"),
            Fault::DivByZero => write!(f, "fixed-point division by zero"),
            Fault::BadShift(v) => write!(f, "shift amount {v} is not a non-negative integer"),
            Fault::BadPow(v) => write!(f, "exponent {v} is not an integer in 0..=64"),
            Fault::TooWide => write!(f, "an exact intermediate exceeds 127 bits"),
            Fault::Unsupported(what) => write!(f, "{what} has no fixed-point definition"),
        }
    }
}

/// The phases of a step (and of the build) that number stochastic-rounding draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Phase {
    /// Parameters and initial values (step 0).
    Build = 0,
    /// `next` updates.
    Integrate = 1,
    /// Invariants.
    Invariants = 2,
    /// Conditions and their bodies.
    Conditions = 3,
    /// Summing arriving weights and running port handlers.
    Ports = 4,
    /// Quantising a connection's weight at build time.
    Weight = 5,
}

/// The scope's format and modes, and where stochastic rounding draws from.
pub struct Quant {
    /// The format.
    pub fmt: Fix,
    /// Rounding mode.
    pub rounding: Rounding,
    /// Overflow mode.
    pub overflow: Overflow,
    /// Network seed.
    pub seed: u64,
    /// The element.
    pub entity: u64,
    /// The step.
    pub step: u64,
    /// The phase.
    pub phase: Phase,
    /// The next draw number within the phase.
    pub counter: Cell<u32>,
}

impl Quant {
    /// A quantiser for one element in one phase of one step.
    pub fn new(spec: &FixedSpec, seed: u64, entity: u64, step: u64, phase: Phase) -> Self {
        Quant {
            fmt: spec.format(),
            rounding: spec.rounding,
            overflow: spec.overflow,
            seed,
            entity,
            step,
            phase,
            counter: Cell::new(0),
        }
    }

    /// The random bits of the next stochastic rounding (0 in other modes, no draw consumed).
    pub fn rand(&self) -> u64 {
        if self.rounding != Rounding::Stochastic {
            return 0;
        }
        let k = self.counter.get();
        self.counter.set(k + 1);
        let draw = ((self.phase as u32) << 24) | (k & 0x00FF_FFFF);
        let b = DrawCoord::new(self.seed, Purpose::StochasticRounding, self.entity, self.step, draw).block(0);
        (u64::from(b[1]) << 32) | u64::from(b[0])
    }

    /// The value of a raw integer of the format.
    pub fn exact(&self, raw: i128) -> Exact {
        Exact::new(raw, self.fmt.frac())
    }

    /// Re-quantises an exact value into the format.
    pub fn q(&self, x: Exact) -> Result<i128, Fault> {
        let rand = self.rand();
        match requantize(x, self.fmt, self.rounding, self.overflow, rand) {
            Ok(v) => Ok(v.raw()),
            Err(FixError::Overflow) => Err(Fault::Overflow(x.to_f64())),
            Err(FixError::DivByZero) => Err(Fault::DivByZero),
            Err(_) => Err(Fault::TooWide),
        }
    }

    /// An in-format value as an exact value; an integer exactly.
    pub fn value(&self, v: FVal) -> Exact {
        match v {
            FVal::Int(n) => Exact::int(n),
            FVal::Fix(r) => self.exact(r),
        }
    }

    /// Brings a value into a `fix` slot.
    pub fn to_fix(&self, v: FVal) -> Result<i128, Fault> {
        match v {
            FVal::Fix(r) if self.fmt.contains_raw(r) => Ok(r),
            FVal::Fix(r) => self.q(self.exact(r)),
            FVal::Int(n) => self.q(Exact::int(n)),
        }
    }

    /// Brings a value into an `int` slot (rounded with the rounding mode).
    pub fn to_int(&self, v: FVal) -> Result<i128, Fault> {
        match v {
            FVal::Int(n) => Ok(n),
            FVal::Fix(r) => {
                let rand = self.rand();
                round_ratio(r, 1i128 << self.fmt.frac().min(120), self.rounding, rand).map_err(|_| Fault::TooWide)
            }
        }
    }

    /// A lowered constant: `c · 2^F` is an integer by construction (the lowering quantises
    /// every constant of a precision model); an integer constant that lies outside the format
    /// (an `int` literal) is still exact.
    pub fn constant(&self, c: f64) -> Result<FVal, Fault> {
        let scaled = c * 2f64.powi(self.fmt.frac() as i32);
        if scaled.is_finite() && scaled == scaled.trunc() && scaled.abs() < 2f64.powi(100) {
            let raw = scaled as i128;
            if !self.fmt.contains_raw(raw) && c == c.trunc() {
                // An `int` literal beyond the format: an exact integer, like an `int` param.
                return Ok(FVal::Int(c as i128));
            }
            return Ok(FVal::Fix(raw));
        }
        // Not on the grid (a hand-built IR): quantise its exact binary value.
        let rand = self.rand();
        crate::fixed::requantize_f64(c, self.fmt, self.rounding, self.overflow, rand)
            .map(|v| FVal::Fix(v.raw()))
            .map_err(|e| match e {
                FixError::Overflow => Fault::Overflow(c),
                _ => Fault::TooWide,
            })
    }

    fn shift_amount(&self, v: FVal) -> Result<u32, Fault> {
        let x = self.value(v);
        let k = x.round_to(0, Rounding::Floor, 0).map_err(|_| Fault::TooWide)?;
        if k != x || k.raw() < 0 {
            return Err(Fault::BadShift(x.to_f64()));
        }
        Ok(u32::try_from(k.raw()).unwrap_or(u32::MAX))
    }

    /// `raw << k` in the format, with the overflow mode.
    fn shl(&self, raw: i128, k: u32) -> Result<i128, Fault> {
        if raw == 0 {
            return Ok(0);
        }
        if k < 64 {
            return self.q(Exact::new(raw << k, self.fmt.frac()));
        }
        // |raw · 2^k| ≥ 2^64 is outside every format; its low W ≤ 64 bits are zero.
        self.rand();
        match self.overflow {
            Overflow::Saturate => Ok(if raw < 0 { self.fmt.min_raw() } else { self.fmt.max_raw() }),
            Overflow::Wrap => Ok(0),
            Overflow::Trap => Err(Fault::Overflow(self.exact(raw).to_f64() * 2f64.powi(k.min(2000) as i32))),
        }
    }

    /// A binary operation on two values.
    pub fn bin(&self, op: BinOp, x: FVal, y: FVal) -> Result<FVal, Fault> {
        match op {
            BinOp::Shr => {
                let k = self.shift_amount(y)?.min(127);
                return Ok(match x {
                    FVal::Int(n) => FVal::Int(n >> k),
                    FVal::Fix(r) => FVal::Fix(r >> k),
                });
            }
            BinOp::Shl => {
                let k = self.shift_amount(y)?;
                return match x {
                    FVal::Int(n) => {
                        let v = if k >= 127 { None } else { n.checked_mul(1i128 << k) };
                        v.map(FVal::Int).ok_or(Fault::TooWide)
                    }
                    FVal::Fix(r) => self.shl(r, k).map(FVal::Fix),
                };
            }
            _ => {}
        }
        if let (FVal::Int(a), FVal::Int(b)) = (x, y) {
            let r = match op {
                BinOp::Add => Some(a.checked_add(b)),
                BinOp::Sub => Some(a.checked_sub(b)),
                BinOp::Mul => Some(a.checked_mul(b)),
                BinOp::Rem if b == 0 => return Err(Fault::DivByZero),
                BinOp::Rem => {
                    let r = a.rem_euclid(b);
                    Some(Some(if b < 0 && r != 0 { r + b } else { r }))
                }
                BinOp::Pow if (0..=64).contains(&b) => Some(a.checked_pow(b as u32)),
                // `/` and other exponents leave the integers.
                _ => None,
            };
            if let Some(r) = r {
                return r.map(FVal::Int).ok_or(Fault::TooWide);
            }
        }
        let (a, b) = (self.value(x), self.value(y));
        let wide = |r: Result<Exact, FixError>| r.map_err(|_| Fault::TooWide);
        let raw = match op {
            BinOp::Add => self.q(wide(a.checked_add(b))?)?,
            BinOp::Sub => self.q(wide(a.checked_sub(b))?)?,
            BinOp::Mul => self.q(wide(a.checked_mul(b))?)?,
            BinOp::Div => {
                if b.raw() == 0 {
                    return Err(Fault::DivByZero);
                }
                let rand = self.rand();
                let quotient = a.div(b, self.fmt.frac(), self.rounding, rand).map_err(|_| Fault::TooWide)?;
                // Already at F bits: only the overflow mode can act (no second draw).
                match requantize(quotient, self.fmt, Rounding::Floor, self.overflow, 0) {
                    Ok(v) => v.raw(),
                    Err(FixError::Overflow) => return Err(Fault::Overflow(quotient.to_f64())),
                    Err(_) => return Err(Fault::TooWide),
                }
            }
            BinOp::Rem => {
                if b.raw() == 0 {
                    return Err(Fault::DivByZero);
                }
                let fl = a.div(b, 0, Rounding::Floor, 0).map_err(|_| Fault::TooWide)?;
                let r = wide(a.checked_sub(wide(b.checked_mul(fl))?))?;
                self.q(r)?
            }
            BinOp::Pow => {
                let n = match y {
                    FVal::Int(n) if (0..=64).contains(&n) => n as u32,
                    FVal::Fix(r) if r >= 0 && r % (1i128 << self.fmt.frac().min(120)) == 0 => {
                        let n = r >> self.fmt.frac().min(120);
                        if n > 64 {
                            return Err(Fault::BadPow(b.to_f64()));
                        }
                        n as u32
                    }
                    _ => return Err(Fault::BadPow(b.to_f64())),
                };
                let mut p = Exact::int(1);
                for _ in 0..n {
                    p = wide(p.checked_mul(a))?;
                }
                self.q(p)?
            }
            BinOp::Shl | BinOp::Shr => unreachable!("handled above"),
        };
        Ok(FVal::Fix(raw))
    }

    /// Compares two values exactly.
    pub fn cmp(&self, x: FVal, y: FVal) -> Ordering {
        self.value(x).cmp(&self.value(y))
    }

    /// `x op= v` for a slot of the given kind.
    pub fn assign(&self, op: AssignOp, old: FVal, v: FVal, int_slot: bool) -> Result<i128, Fault> {
        let new = match op {
            AssignOp::Set => v,
            AssignOp::Add => self.bin(BinOp::Add, old, v)?,
            AssignOp::Sub => self.bin(BinOp::Sub, old, v)?,
            AssignOp::Mul => self.bin(BinOp::Mul, old, v)?,
            AssignOp::Div => {
                // An integer slot divides like `/`, then rounds to an integer.
                let (a, b) = (self.value(old), self.value(v));
                if b.raw() == 0 {
                    return Err(Fault::DivByZero);
                }
                if int_slot {
                    let rand = self.rand();
                    let q = a.div(b, 0, self.rounding, rand).map_err(|_| Fault::TooWide)?;
                    return Ok(q.raw());
                }
                self.bin(BinOp::Div, old, v)?
            }
        };
        if int_slot { self.to_int(new) } else { self.to_fix(new) }
    }
}

/// What an expression of one fixed-point element reads.
pub struct FFrame<'a> {
    /// Parameters (raw or integer).
    pub params: &'a [i128],
    /// Which parameters are integers.
    pub int_params: &'a [bool],
    /// States (raw or integer).
    pub states: &'a [i128],
    /// Which states are integers.
    pub int_states: &'a [bool],
    /// Continuous input ports this step, raw values of the format (empty where no input is
    /// defined, e.g. while building).
    pub inputs: &'a [i128],
    /// Handler locals.
    pub locals: &'a [FVal],
    /// The element's index in its population.
    pub index: u64,
    /// The quantiser.
    pub q: &'a Quant,
}

fn truth(b: bool) -> FVal {
    FVal::Int(i128::from(b))
}

fn is_true(v: FVal) -> bool {
    match v {
        FVal::Int(n) | FVal::Fix(n) => n != 0,
    }
}

/// Whether a value is non-zero.
pub fn holds(v: FVal) -> bool {
    is_true(v)
}

/// Evaluates an expression bit-true.
pub fn feval(e: &Expr, f: &FFrame<'_>) -> Result<FVal, Fault> {
    let q = f.q;
    Ok(match e {
        Expr::Const(c) => q.constant(*c)?,
        Expr::Param(i) => {
            let v = f.params[*i as usize];
            if f.int_params[*i as usize] { FVal::Int(v) } else { FVal::Fix(v) }
        }
        Expr::State(i) => {
            let v = f.states[*i as usize];
            if f.int_states[*i as usize] { FVal::Int(v) } else { FVal::Fix(v) }
        }
        Expr::Local(i) => f.locals[*i as usize],
        Expr::Index => FVal::Int(i128::from(f.index)),
        Expr::Input(i) => FVal::Fix(*f.inputs.get(*i as usize).ok_or(Fault::Unsupported("a continuous input here"))?),
        Expr::Time => return Err(Fault::Unsupported("`t`")),
        Expr::Dt => return Err(Fault::Unsupported("`dt`")),
        Expr::Draw { .. } => return Err(Fault::Unsupported("a random draw")),
        Expr::Noise { .. } => return Err(Fault::Unsupported("`noise`")),
        Expr::Neg(x) => match feval(x, f)? {
            FVal::Int(n) => FVal::Int(n.checked_neg().ok_or(Fault::TooWide)?),
            FVal::Fix(r) => FVal::Fix(q.q(Exact::new(-r, q.fmt.frac()))?),
        },
        Expr::Not(x) => truth(!is_true(feval(x, f)?)),
        Expr::Bin(op, a, b) => {
            let x = feval(a, f)?;
            let y = feval(b, f)?;
            q.bin(*op, x, y)?
        }
        Expr::Cmp(op, a, b) => {
            let o = q.cmp(feval(a, f)?, feval(b, f)?);
            truth(match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Ge => o != Ordering::Less,
            })
        }
        Expr::And(a, b) => truth(is_true(feval(a, f)?) && is_true(feval(b, f)?)),
        Expr::Or(a, b) => truth(is_true(feval(a, f)?) || is_true(feval(b, f)?)),
        Expr::If(c, a, b) => {
            if is_true(feval(c, f)?) {
                feval(a, f)?
            } else {
                feval(b, f)?
            }
        }
        Expr::Call(func, args) => call(*func, args, f)?,
    })
}

fn call(func: Func, args: &[Expr], f: &FFrame<'_>) -> Result<FVal, Fault> {
    let q = f.q;
    let a = |i: usize| feval(&args[i], f);
    let frac = q.fmt.frac();
    Ok(match func {
        Func::Abs => match a(0)? {
            FVal::Int(n) => FVal::Int(n.checked_abs().ok_or(Fault::TooWide)?),
            FVal::Fix(r) => FVal::Fix(q.q(Exact::new(r.abs(), frac))?),
        },
        Func::Min | Func::Max => {
            let mut best: Option<FVal> = None;
            for x in args {
                let v = feval(x, f)?;
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let o = q.cmp(v, b);
                        let take = if func == Func::Min { o == Ordering::Less } else { o == Ordering::Greater };
                        if take { v } else { b }
                    }
                });
            }
            best.ok_or(Fault::Unsupported("`min`/`max` without arguments"))?
        }
        Func::Clip => {
            let (x, lo, hi) = (a(0)?, a(1)?, a(2)?);
            let x = if q.cmp(x, lo) == Ordering::Less { lo } else { x };
            if q.cmp(x, hi) == Ordering::Greater { hi } else { x }
        }
        Func::Floor | Func::Ceil | Func::Round => match a(0)? {
            FVal::Int(n) => FVal::Int(n),
            FVal::Fix(r) => {
                let d = 1i128 << frac.min(120);
                let k = match func {
                    Func::Floor => r.div_euclid(d),
                    Func::Ceil => -((-r).div_euclid(d)),
                    _ => round_ratio(r, d, Rounding::NearestEven, 0).map_err(|_| Fault::TooWide)?,
                };
                FVal::Fix(q.q(Exact::int(k))?)
            }
        },
        Func::Heaviside => {
            let o = q.cmp(a(0)?, FVal::Int(0));
            let v = match o {
                Ordering::Greater => Exact::int(1),
                Ordering::Less => Exact::int(0),
                Ordering::Equal => Exact::new(1, 1),
            };
            FVal::Fix(q.q(v)?)
        }
        Func::Exp => return Err(Fault::Unsupported("`exp`")),
        Func::Log => return Err(Fault::Unsupported("`log`")),
        Func::Sqrt => return Err(Fault::Unsupported("`sqrt`")),
        Func::Tanh => return Err(Fault::Unsupported("`tanh`")),
        Func::Atan => return Err(Fault::Unsupported("`atan`")),
        Func::Tan => return Err(Fault::Unsupported("`tan`")),
        Func::Sigmoid => return Err(Fault::Unsupported("`sigmoid`")),
        Func::Exprel => return Err(Fault::Unsupported("`exprel`")),
        Func::Boltz => return Err(Fault::Unsupported("`boltz`")),
        Func::Hill => return Err(Fault::Unsupported("`hill`")),
    })
}

/// What running a fixed-point body did besides changing states.
#[derive(Default, Debug)]
pub struct FEffects {
    /// `emit spike` ran.
    pub emitted: bool,
    /// `refractory`: (duration, in steps?) as lowered (a constant), and the held-state mask.
    pub refractory: Option<(f64, bool, u64)>,
}

/// Runs a handler body on one element's states.
#[allow(clippy::too_many_arguments)]
pub fn fexec(
    body: &[Stmt],
    params: &[i128],
    int_params: &[bool],
    states: &mut [i128],
    int_states: &[bool],
    inputs: &[i128],
    locals: &mut [FVal],
    index: u64,
    q: &Quant,
    fx: &mut FEffects,
) -> Result<(), Fault> {
    for s in body {
        macro_rules! value {
            ($e:expr) => {{
                let f = FFrame { params, int_params, states, int_states, inputs, locals, index, q };
                feval($e, &f)?
            }};
        }
        match s {
            Stmt::Assign { state, op, value } => {
                let v = value!(value);
                let k = *state as usize;
                let old = if int_states[k] { FVal::Int(states[k]) } else { FVal::Fix(states[k]) };
                states[k] = q.assign(*op, old, v, int_states[k])?;
            }
            Stmt::Let { local, value } => {
                let v = value!(value);
                locals[*local as usize] = v;
            }
            Stmt::Emit => fx.emitted = true,
            Stmt::Refractory { duration, in_steps, clamp } => {
                let Expr::Const(d) = duration else {
                    return Err(Fault::Unsupported("a refractory period that is not constant"));
                };
                let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                fx.refractory = Some((*d, *in_steps, mask));
            }
            Stmt::Deliver(_) => return Err(Fault::Unsupported("`deliver`")),
            Stmt::If { cond, then, otherwise } => {
                let c = value!(cond);
                let branch = if is_true(c) { then } else { otherwise };
                fexec(branch, params, int_params, states, int_states, inputs, locals, index, q, fx)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(overflow: Overflow, rounding: Rounding) -> FixedSpec {
        FixedSpec { signed: true, width: 16, frac: 8, overflow, rounding }
    }

    fn quant(overflow: Overflow, rounding: Rounding) -> Quant {
        Quant::new(&spec(overflow, rounding), 7, 3, 11, Phase::Integrate)
    }

    fn b(e: Expr) -> Box<Expr> {
        Box::new(e)
    }

    /// Evaluates `e` with states `[x, y]` (raw Q8.8) and int param `[k]`.
    fn ev(q: &Quant, e: &Expr, x: i128, y: i128, k: i128) -> Result<FVal, Fault> {
        let states = [x, y];
        let params = [k];
        let f = FFrame {
            params: &params,
            int_params: &[true],
            states: &states,
            int_states: &[false, false],
            inputs: &[],
            locals: &[],
            index: 5,
            q,
        };
        feval(e, &f)
    }

    fn st(i: u16) -> Box<Expr> {
        b(Expr::State(i))
    }

    const SAT_NE: (Overflow, Rounding) = (Overflow::Saturate, Rounding::NearestEven);

    #[test]
    fn add_sub_neg_saturate_wrap_trap() {
        let add = Expr::Bin(BinOp::Add, st(0), st(1));
        let sub = Expr::Bin(BinOp::Sub, st(0), st(1));
        let s = quant(Overflow::Saturate, Rounding::Floor);
        let w = quant(Overflow::Wrap, Rounding::Floor);
        let t = quant(Overflow::Trap, Rounding::Floor);
        assert_eq!(ev(&s, &add, 384, -160, 0), Ok(FVal::Fix(224)));
        assert_eq!(ev(&s, &add, 32000, 1000, 0), Ok(FVal::Fix(32767)));
        assert_eq!(ev(&s, &sub, -32000, 1000, 0), Ok(FVal::Fix(-32768)));
        assert_eq!(ev(&w, &add, 32000, 1000, 0), Ok(FVal::Fix(33000 - 65536)));
        assert_eq!(ev(&w, &sub, -32000, 1000, 0), Ok(FVal::Fix(-33000 + 65536)));
        assert_eq!(ev(&t, &add, 32000, 1000, 0), Err(Fault::Overflow(33000.0 / 256.0)));
        assert_eq!(ev(&t, &add, 32000, 767, 0), Ok(FVal::Fix(32767)));
        let neg = Expr::Neg(st(0));
        assert_eq!(ev(&s, &neg, -32768, 0, 0), Ok(FVal::Fix(32767)));
        assert_eq!(ev(&w, &neg, -32768, 0, 0), Ok(FVal::Fix(-32768)));
        assert!(matches!(ev(&t, &neg, -32768, 0, 0), Err(Fault::Overflow(_))));
        assert_eq!(ev(&t, &neg, 5, 0, 0), Ok(FVal::Fix(-5)));
    }

    #[test]
    fn multiplication_rounds_with_each_mode() {
        let mul = Expr::Bin(BinOp::Mul, st(0), st(1));
        // 1.5 * 0.00390625 (1 LSB) = 1.5 LSB: a tie.
        let go = |r: Rounding, x: i128, y: i128| ev(&quant(Overflow::Saturate, r), &mul, x, y, 0).unwrap();
        assert_eq!(go(Rounding::Floor, 384, 1), FVal::Fix(1));
        assert_eq!(go(Rounding::NearestEven, 384, 1), FVal::Fix(2));
        assert_eq!(go(Rounding::NearestAway, 384, 1), FVal::Fix(2));
        // 2.5 LSB: even is 2, away is 3; -2.5 LSB: floor -3, even -2, away -3.
        assert_eq!(go(Rounding::NearestEven, 640, 1), FVal::Fix(2));
        assert_eq!(go(Rounding::NearestAway, 640, 1), FVal::Fix(3));
        assert_eq!(go(Rounding::Floor, -640, 1), FVal::Fix(-3));
        assert_eq!(go(Rounding::NearestEven, -640, 1), FVal::Fix(-2));
        assert_eq!(go(Rounding::NearestAway, -640, 1), FVal::Fix(-3));
        // Overflowing products.
        assert_eq!(go(Rounding::Floor, 256 * 100, 256 * 2), FVal::Fix(32767));
        let w = quant(Overflow::Wrap, Rounding::Floor);
        assert_eq!(ev(&w, &mul, 256 * 100, 256 * 2, 0), Ok(FVal::Fix(51200 - 65536)));
    }

    #[test]
    fn stochastic_rounding_is_keyed_and_unbiased() {
        let mul = Expr::Bin(BinOp::Mul, st(0), st(1));
        // 0.25 LSB: rounds up about a quarter of the time, over many steps.
        let mut ups = 0;
        for step in 0..4000 {
            let q = Quant::new(&spec(Overflow::Saturate, Rounding::Stochastic), 7, 3, step, Phase::Integrate);
            let v = ev(&q, &mul, 64, 1, 0).unwrap();
            assert!(v == FVal::Fix(0) || v == FVal::Fix(1));
            ups += i32::from(v == FVal::Fix(1));
            assert_eq!(q.counter.get(), 1, "one draw per re-quantisation");
        }
        assert!((850..1150).contains(&ups), "{ups}");
        // Same key, same result; the draw is exactly the documented Philox block.
        let q1 = quant(Overflow::Saturate, Rounding::Stochastic);
        let q2 = quant(Overflow::Saturate, Rounding::Stochastic);
        assert_eq!(ev(&q1, &mul, 100, 77, 0), ev(&q2, &mul, 100, 77, 0));
        let blk = DrawCoord::new(7, Purpose::StochasticRounding, 3, 11, 1 << 24).block(0);
        let r = (u64::from(blk[1]) << 32) | u64::from(blk[0]);
        let want = round_ratio(100 * 77, 256, Rounding::Stochastic, r).unwrap();
        assert_eq!(ev(&quant(Overflow::Saturate, Rounding::Stochastic), &mul, 100, 77, 0), Ok(FVal::Fix(want)));
        // Exact results never move, whatever the bits.
        assert_eq!(ev(&q1, &Expr::Bin(BinOp::Mul, st(0), st(1)), 512, 256, 0), Ok(FVal::Fix(512)));
    }

    #[test]
    fn division_and_remainder() {
        let div = Expr::Bin(BinOp::Div, st(0), st(1));
        let q = quant(Overflow::Saturate, Rounding::Floor);
        // 1 / 3 = 85.33 LSB
        assert_eq!(ev(&q, &div, 256, 768, 0), Ok(FVal::Fix(85)));
        assert_eq!(ev(&quant(SAT_NE.0, SAT_NE.1), &div, 256, 768, 0), Ok(FVal::Fix(85)));
        assert_eq!(ev(&quant(Overflow::Saturate, Rounding::Floor), &div, -256, 768, 0), Ok(FVal::Fix(-86)));
        assert_eq!(ev(&q, &div, 256, 0, 0), Err(Fault::DivByZero));
        assert_eq!(ev(&q, &div, 256 * 100, 1, 0), Ok(FVal::Fix(32767)));
        assert!(matches!(ev(&quant(Overflow::Trap, Rounding::Floor), &div, 256 * 100, 1, 0), Err(Fault::Overflow(_))));
        let rem = Expr::Bin(BinOp::Rem, st(0), st(1));
        // -2.5 % 1 = 0.5 (floored)
        assert_eq!(ev(&q, &rem, -640, 256, 0), Ok(FVal::Fix(128)));
        assert_eq!(ev(&q, &rem, 640, -256, 0), Ok(FVal::Fix(-128)));
    }

    #[test]
    fn shifts_of_negatives_floor_and_left_shifts_overflow() {
        let shr = Expr::Bin(BinOp::Shr, st(0), b(Expr::Param(0)));
        let shl = Expr::Bin(BinOp::Shl, st(0), b(Expr::Param(0)));
        let q = quant(SAT_NE.0, SAT_NE.1);
        assert_eq!(ev(&q, &shr, -1, 0, 4), Ok(FVal::Fix(-1)), "-1 LSB >> 4 floors to -1");
        assert_eq!(ev(&q, &shr, -17, 0, 4), Ok(FVal::Fix(-2)));
        assert_eq!(ev(&q, &shr, 17, 0, 4), Ok(FVal::Fix(1)));
        assert_eq!(ev(&q, &shr, -32768, 0, 200), Ok(FVal::Fix(-1)));
        assert_eq!(ev(&q, &shl, 0x4000, 0, 1), Ok(FVal::Fix(32767)));
        assert_eq!(ev(&q, &shl, -3, 0, 2), Ok(FVal::Fix(-12)));
        assert_eq!(ev(&q, &shl, -3, 0, 100), Ok(FVal::Fix(-32768)));
        let w = quant(Overflow::Wrap, Rounding::Floor);
        assert_eq!(ev(&w, &shl, 0x4000, 0, 1), Ok(FVal::Fix(-32768)));
        assert_eq!(ev(&w, &shl, 0x4001, 0, 100), Ok(FVal::Fix(0)));
        let t = quant(Overflow::Trap, Rounding::Floor);
        assert!(matches!(ev(&t, &shl, 0x4000, 0, 1), Err(Fault::Overflow(_))));
        // The shift amount as a fixed-point literal (4.0 = raw 1024) and a bad one.
        let lit = Expr::Bin(BinOp::Shr, st(0), b(Expr::Const(4.0)));
        assert_eq!(ev(&q, &lit, -17, 0, 0), Ok(FVal::Fix(-2)));
        let bad = Expr::Bin(BinOp::Shr, st(0), b(Expr::Const(0.5)));
        assert_eq!(ev(&q, &bad, 1, 0, 0), Err(Fault::BadShift(0.5)));
        assert_eq!(ev(&q, &shr, 1, 0, -1), Err(Fault::BadShift(-1.0)));
        // int op int stays an integer.
        let ii = Expr::Bin(BinOp::Add, b(Expr::Param(0)), b(Expr::Const(12.0)));
        assert_eq!(ev(&q, &ii, 0, 0, 4), Ok(FVal::Fix(16 * 256)));
        let ii = Expr::Bin(BinOp::Shl, b(Expr::Param(0)), b(Expr::Param(0)));
        assert_eq!(ev(&q, &ii, 0, 0, 4), Ok(FVal::Int(64)));
        // An integer literal beyond Q8.8 stays an exact integer; stored, it saturates.
        assert_eq!(ev(&q, &Expr::Const(1000.0), 0, 0, 0), Ok(FVal::Int(1000)));
        let big = Expr::Call(Func::Max, vec![Expr::State(0), Expr::Const(1000.0)]);
        let v = ev(&q, &big, 5, 0, 0).unwrap();
        assert_eq!(q.to_fix(v), Ok(32767));
        assert_eq!(q.to_fix(FVal::Fix(256000)), Ok(32767));
    }

    #[test]
    fn comparisons_are_exact_and_functions() {
        let q = quant(SAT_NE.0, SAT_NE.1);
        let ge = Expr::Cmp(CmpOp::Ge, st(0), b(Expr::Const(20.0)));
        assert_eq!(ev(&q, &ge, 5120, 0, 0), Ok(FVal::Int(1)));
        assert_eq!(ev(&q, &ge, 5119, 0, 0), Ok(FVal::Int(0)));
        let lt_int = Expr::Cmp(CmpOp::Lt, st(0), b(Expr::Param(0)));
        assert_eq!(ev(&q, &lt_int, 1023, 0, 4), Ok(FVal::Int(1)));
        assert_eq!(ev(&q, &lt_int, 1024, 0, 4), Ok(FVal::Int(0)));
        let call = |f: Func, args: Vec<Expr>, x: i128| ev(&q, &Expr::Call(f, args), x, 0, 0);
        assert_eq!(call(Func::Abs, vec![Expr::State(0)], -32768), Ok(FVal::Fix(32767)));
        assert_eq!(call(Func::Floor, vec![Expr::State(0)], -1), Ok(FVal::Fix(-256)));
        assert_eq!(call(Func::Ceil, vec![Expr::State(0)], -1), Ok(FVal::Fix(0)));
        assert_eq!(call(Func::Ceil, vec![Expr::State(0)], 32767), Ok(FVal::Fix(32767)), "128 saturates");
        assert_eq!(call(Func::Round, vec![Expr::State(0)], 640), Ok(FVal::Fix(512)));
        assert_eq!(call(Func::Round, vec![Expr::State(0)], 384), Ok(FVal::Fix(512)));
        assert_eq!(call(Func::Heaviside, vec![Expr::State(0)], 0), Ok(FVal::Fix(128)));
        assert_eq!(call(Func::Min, vec![Expr::State(0), Expr::Const(1.0)], 300), Ok(FVal::Fix(256)));
        assert_eq!(call(Func::Max, vec![Expr::State(0), Expr::Const(1.0)], 300), Ok(FVal::Fix(300)));
        let clip = vec![Expr::State(0), Expr::Const(-1.0), Expr::Const(1.0)];
        assert_eq!(call(Func::Clip, clip, -1000), Ok(FVal::Fix(-256)));
        assert_eq!(call(Func::Exp, vec![Expr::State(0)], 0), Err(Fault::Unsupported("`exp`")));
        let pow = Expr::Bin(BinOp::Pow, st(0), b(Expr::Const(3.0)));
        // 1.5^3 = 3.375
        assert_eq!(ev(&q, &pow, 384, 0, 0), Ok(FVal::Fix(864)));
    }

    #[test]
    fn statements_assign_with_requantisation() {
        let q = quant(Overflow::Saturate, Rounding::NearestEven);
        let body = vec![
            Stmt::Assign { state: 0, op: AssignOp::Add, value: Expr::Local(0) },
            Stmt::If {
                cond: Expr::Cmp(CmpOp::Ge, b(Expr::State(0)), b(Expr::Const(100.0))),
                then: vec![Stmt::Assign { state: 1, op: AssignOp::Add, value: Expr::Const(1.0) }, Stmt::Emit],
                otherwise: vec![],
            },
            Stmt::Assign { state: 0, op: AssignOp::Div, value: Expr::Const(3.0) },
        ];
        let mut states = [32000i128, 7];
        let mut locals = [FVal::Fix(1000)];
        let mut fx = FEffects::default();
        fexec(&body, &[], &[], &mut states, &[false, true], &[], &mut locals, 0, &q, &mut fx).unwrap();
        assert!(fx.emitted);
        assert_eq!(states, [10922, 8], "saturated to 32767, then /3 rounded to nearest");
        let t = quant(Overflow::Trap, Rounding::Floor);
        let mut states = [32000i128, 7];
        let err = fexec(&body, &[], &[], &mut states, &[false, true], &[], &mut locals, 0, &t, &mut fx);
        assert_eq!(err, Err(Fault::Overflow(33000.0 / 256.0)));
    }
}
