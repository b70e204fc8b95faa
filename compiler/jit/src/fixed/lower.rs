//! Lowering of fixed-point expressions and statements (`fixed_eval::feval`, `fexec`) to
//! kernel code: the same operations in the same evaluation order, so the same draws, results
//! and faults.

use super::abi::{FaultKind, SlowOp};
use super::fxgen::{Fx, FxGen, bits_of, flags, unsupported};
use crate::expr::Unsupported;
use cranelift::prelude::*;
use scn_runtime::fixed::{Rounding, requantize_f64};
use scn_runtime::interp::eval::round_half_even;
use scn_runtime::ir::{AssignOp, BinOp, CmpOp, Expr, Func, Stmt};

/// Where a parameter comes from.
#[derive(Clone, Copy, Debug)]
pub enum ParamSrc {
    /// The same raw value in every element of the population.
    Known(i128),
    /// Loaded per element; every element's value is bounded by `2^bits`.
    Loaded(u32),
}

/// The kind and bound of a local that is certainly assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalKind {
    int: bool,
    bits: u32,
    in_fmt: bool,
    dynamic: bool,
}

impl LocalKind {
    /// The kind and bound of a value.
    pub fn of(int: bool, bits: u32, in_fmt: bool) -> LocalKind {
        LocalKind { int, bits, in_fmt, dynamic: false }
    }
}

/// One element's slots as the lowering sees them.
pub struct Element {
    /// Which parameters are integers.
    pub int_params: Vec<bool>,
    /// Which states are integers.
    pub int_states: Vec<bool>,
    /// Each parameter's source.
    pub params: Vec<ParamSrc>,
    /// The element's parameters (address).
    pub params_addr: Value,
    /// The element's states (address).
    pub states_addr: Value,
    /// The element's inputs (address).
    pub inputs_addr: Value,
    /// The element's index (i64).
    pub index: Value,
    /// The current value of each state (i128).
    pub states: Vec<Variable>,
    /// Each local's variable (i128).
    pub local_vars: Vec<Variable>,
    /// Each local's kind when it is known only at run time (i8, 1 for an integer).
    pub local_kinds: Vec<Variable>,
    /// Each local's kind where it is certainly assigned.
    pub locals: Vec<Option<LocalKind>>,
    /// The network's dt (refractory periods in time).
    pub dt: f64,
}

/// What a body did besides changing states (`FEffects`), as kernel variables.
pub struct Effects {
    /// `emit spike` ran (i8).
    pub emitted: Variable,
    /// A `refractory` ran (i8).
    pub has_refractory: Variable,
    /// Its period in steps (i64, at least 1).
    pub steps: Variable,
    /// Its held-state mask (i64).
    pub mask: Variable,
}

impl Effects {
    /// Fresh effect variables, all zero.
    pub fn new(b: &mut FunctionBuilder<'_>) -> Effects {
        let mut var = |ty| {
            let v = b.declare_var(ty);
            let z = b.ins().iconst(ty, 0);
            b.def_var(v, z);
            v
        };
        Effects {
            emitted: var(types::I8),
            has_refractory: var(types::I8),
            steps: var(types::I64),
            mask: var(types::I64),
        }
    }
}

impl Element {
    /// Evaluates `e` as `feval` does.
    pub fn expr(&mut self, g: &mut FxGen<'_, '_>, e: &Expr) -> Result<Fx, Unsupported> {
        Ok(match e {
            Expr::Const(c) => constant(g, *c)?,
            Expr::Param(k) => {
                let k = *k as usize;
                let int = self.int_params[k];
                match self.params[k] {
                    ParamSrc::Known(v) => {
                        let x = g.c128(v);
                        Fx::of(int, x, bits_of(v), g.spec.format().contains_raw(v))
                    }
                    ParamSrc::Loaded(bits) => {
                        let v = g.b.ins().load(types::I128, flags(), self.params_addr, 16 * k as i32);
                        if int { Fx::integer(v, bits) } else { g.fix(v) }
                    }
                }
            }
            Expr::State(k) => {
                let v = g.b.use_var(self.states[*k as usize]);
                if self.int_states[*k as usize] { Fx::integer(v, 127) } else { g.fix(v) }
            }
            Expr::Input(k) => {
                let v = g.b.ins().load(types::I128, flags(), self.inputs_addr, 16 * i32::from(*k));
                g.fix(v)
            }
            Expr::Local(k) => {
                let Some(kind) = self.locals.get(*k as usize).copied().flatten() else {
                    return Err(unsupported("a local read before it is certainly assigned"));
                };
                let v = g.b.use_var(self.local_vars[*k as usize]);
                let dynk = kind.dynamic.then(|| g.b.use_var(self.local_kinds[*k as usize]));
                Fx { int: kind.int, v, bits: kind.bits, in_fmt: kind.in_fmt, dynk }
            }
            Expr::Index => {
                let v = g.b.ins().uextend(types::I128, self.index);
                Fx::integer(v, 64)
            }
            Expr::Neg(x) => {
                let x = self.expr(g, x)?;
                neg_abs(g, x, false)
            }
            Expr::Not(x) => {
                let x = self.expr(g, x)?;
                let h = g.holds(x);
                let c = g.b.ins().bxor_imm_s(h, 1);
                g.truth(c)
            }
            Expr::Bin(op, a, b) => {
                let x = self.expr(g, a)?;
                let y = self.expr(g, b)?;
                bin(g, *op, x, y)?
            }
            Expr::Cmp(op, a, b) => {
                let x = self.expr(g, a)?;
                let y = self.expr(g, b)?;
                let c = compare(g, *op, x, y);
                g.truth(c)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                // Short-circuit: the right side runs (and draws) only when it decides.
                let is_and = matches!(e, Expr::And(..));
                let x = self.expr(g, a)?;
                let hx = g.holds(x);
                let (bt, be, join) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
                g.b.append_block_param(join, types::I8);
                g.b.ins().brif(hx, bt, &[], be, &[]);
                let (decides, known) = if is_and { (bt, be) } else { (be, bt) };
                g.b.switch_to_block(known);
                let k = g.b.ins().iconst(types::I8, i64::from(!is_and));
                g.b.ins().jump(join, &[k.into()]);
                g.b.switch_to_block(decides);
                let y = self.expr(g, b)?;
                let hy = g.holds(y);
                g.b.ins().jump(join, &[hy.into()]);
                g.b.switch_to_block(join);
                let c = g.b.block_params(join)[0];
                g.truth(c)
            }
            Expr::If(c, a, b) => {
                let c = self.expr(g, c)?;
                let h = g.holds(c);
                let (bt, be, join) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
                g.b.append_block_param(join, types::I128);
                g.b.append_block_param(join, types::I8);
                g.b.ins().brif(h, bt, &[], be, &[]);
                g.b.switch_to_block(bt);
                let x = self.expr(g, a)?;
                let kx = g.kind(&x);
                g.b.ins().jump(join, &[x.v.into(), kx.into()]);
                g.b.switch_to_block(be);
                let y = self.expr(g, b)?;
                let ky = g.kind(&y);
                g.b.ins().jump(join, &[y.v.into(), ky.into()]);
                g.b.switch_to_block(join);
                let (v, k) = (g.b.block_params(join)[0], g.b.block_params(join)[1]);
                merged(x, y, v, k)
            }
            Expr::Call(func, args) => self.call(g, *func, args)?,
            Expr::Time => return Err(unsupported("`t` in a fixed-point model")),
            Expr::Dt => return Err(unsupported("`dt` in a fixed-point model")),
            Expr::Draw { .. } => return Err(unsupported("a random draw in a fixed-point model")),
            Expr::Noise { .. } => return Err(unsupported("`noise` in a fixed-point model")),
        })
    }

    fn call(&mut self, g: &mut FxGen<'_, '_>, func: Func, args: &[Expr]) -> Result<Fx, Unsupported> {
        let f = g.spec.frac;
        Ok(match func {
            Func::Abs => {
                let x = self.expr(g, &args[0])?;
                neg_abs(g, x, true)
            }
            Func::Min | Func::Max => {
                let mut best: Option<Fx> = None;
                for a in args {
                    let v = self.expr(g, a)?;
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let op = if func == Func::Min { CmpOp::Lt } else { CmpOp::Gt };
                            select_if(g, op, v, b)?
                        }
                    });
                }
                best.ok_or_else(|| unsupported("`min`/`max` without arguments"))?
            }
            Func::Clip => {
                let x = self.expr(g, &args[0])?;
                let lo = self.expr(g, &args[1])?;
                let hi = self.expr(g, &args[2])?;
                let x = select_if(g, CmpOp::Ge, x, lo)?;
                select_if(g, CmpOp::Le, x, hi)?
            }
            Func::Floor | Func::Ceil | Func::Round => {
                let x = self.expr(g, &args[0])?;
                if x.dynk.is_some() || (!x.int && x.bits >= 126) {
                    let op = match func {
                        Func::Floor => SlowOp::Floor,
                        Func::Ceil => SlowOp::Ceil,
                        _ => SlowOp::Round,
                    };
                    return Ok(g.slow(op, &x, &x, None));
                }
                if x.int {
                    return Ok(x);
                }
                let k = match func {
                    Func::Floor => g.sar(x.v, f),
                    Func::Ceil => {
                        let n = g.b.ins().ineg(x.v);
                        let n = g.sar(n, f);
                        g.b.ins().ineg(n)
                    }
                    _ => g.round(x.v, f, Rounding::NearestEven, None),
                };
                g.q(k, 0, x.bits.saturating_sub(f) + 1)
            }
            Func::Heaviside => {
                let x = self.expr(g, &args[0])?;
                let zero = g.c128(0);
                let gt = g.b.ins().icmp(IntCC::SignedGreaterThan, x.v, zero);
                let lt = g.b.ins().icmp(IntCC::SignedLessThan, x.v, zero);
                // 1, 0 or 1/2 as raw values at one fractional bit.
                let (two, none, one) = (g.c128(2), g.c128(0), g.c128(1));
                let v = g.sel(lt, none, one);
                let v = g.sel(gt, two, v);
                g.q(v, 1, 1)
            }
            other => return Err(unsupported(format!("`{other:?}` has no fixed-point definition"))),
        })
    }

    /// Runs a body as `fexec` does; `fx` collects `emit` and `refractory`.
    pub fn stmts(&mut self, g: &mut FxGen<'_, '_>, body: &[Stmt], fx: &Effects) -> Result<(), Unsupported> {
        for s in body {
            match s {
                Stmt::Assign { state, op, value } => {
                    let v = self.expr(g, value)?;
                    let k = *state as usize;
                    let int_slot = self.int_states[k];
                    let cur = g.b.use_var(self.states[k]);
                    let old = if int_slot { Fx::integer(cur, 127) } else { g.fix(cur) };
                    let stored = match op {
                        AssignOp::Div if int_slot => g.slow(SlowOp::AssignDivInt, &old, &v, Some(true)),
                        _ => {
                            let new = match op {
                                AssignOp::Set => v,
                                AssignOp::Add => bin(g, BinOp::Add, old, v)?,
                                AssignOp::Sub => bin(g, BinOp::Sub, old, v)?,
                                AssignOp::Mul => bin(g, BinOp::Mul, old, v)?,
                                AssignOp::Div => bin(g, BinOp::Div, old, v)?,
                            };
                            if int_slot { g.to_int(new) } else { g.to_fix(new) }
                        }
                    };
                    g.b.def_var(self.states[k], stored.v);
                    g.b.ins().store(flags(), stored.v, self.states_addr, 16 * k as i32);
                }
                Stmt::Let { local, value } => {
                    let v = self.expr(g, value)?;
                    let k = *local as usize;
                    if k >= self.locals.len() {
                        return Err(unsupported("a local beyond the model's count"));
                    }
                    g.b.def_var(self.local_vars[k], v.v);
                    let kind = g.kind(&v);
                    g.b.def_var(self.local_kinds[k], kind);
                    self.locals[k] =
                        Some(LocalKind { int: v.int, bits: v.bits, in_fmt: v.in_fmt, dynamic: v.dynk.is_some() });
                }
                Stmt::Emit => {
                    let one = g.b.ins().iconst(types::I8, 1);
                    g.b.def_var(fx.emitted, one);
                }
                Stmt::Refractory { duration, in_steps, clamp } => {
                    let Expr::Const(d) = duration else {
                        return Err(unsupported("a refractory period that is not constant"));
                    };
                    // As `fx_conditions` turns it into steps, at least one.
                    let steps = if *in_steps { *d } else { *d / self.dt };
                    let steps = (round_half_even(steps).max(0.0) as u64).max(1);
                    let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                    let one = g.b.ins().iconst(types::I8, 1);
                    g.b.def_var(fx.has_refractory, one);
                    let steps = g.c64(steps as i64);
                    g.b.def_var(fx.steps, steps);
                    let mask = g.c64(mask as i64);
                    g.b.def_var(fx.mask, mask);
                }
                Stmt::Deliver(_) => return Err(unsupported("`deliver` in a fixed-point model")),
                Stmt::If { cond, then, otherwise } => {
                    let c = self.expr(g, cond)?;
                    let h = g.holds(c);
                    let (bt, be, join) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
                    g.b.ins().brif(h, bt, &[], be, &[]);
                    let saved = self.locals.clone();
                    g.b.switch_to_block(bt);
                    self.stmts(g, then, fx)?;
                    g.b.ins().jump(join, &[]);
                    let after_then = std::mem::replace(&mut self.locals, saved);
                    g.b.switch_to_block(be);
                    self.stmts(g, otherwise, fx)?;
                    g.b.ins().jump(join, &[]);
                    g.b.switch_to_block(join);
                    // Certainly assigned after the `if`: assigned on both paths (of a kind known
                    // only at run time when the paths disagree).
                    for (l, t) in self.locals.iter_mut().zip(after_then) {
                        *l = match (*l, t) {
                            (Some(a), Some(b)) if a == b => Some(a),
                            (Some(a), Some(b)) => {
                                Some(LocalKind { int: false, bits: a.bits.max(b.bits), in_fmt: false, dynamic: true })
                            }
                            _ => None,
                        };
                    }
                }
            }
        }
        Ok(())
    }
}

/// `Quant::constant`: a value known when compiling.
fn constant(g: &mut FxGen<'_, '_>, c: f64) -> Result<Fx, Unsupported> {
    let fmt = g.spec.format();
    let scaled = c * 2f64.powi(fmt.frac() as i32);
    let (int, raw) = if scaled.is_finite() && scaled == scaled.trunc() && scaled.abs() < 2f64.powi(100) {
        let raw = scaled as i128;
        if !fmt.contains_raw(raw) && c == c.trunc() { (true, c as i128) } else { (false, raw) }
    } else {
        match requantize_f64(c, fmt, g.spec.rounding, g.spec.overflow, 0) {
            Ok(v) if g.spec.rounding != Rounding::Stochastic => (false, v.raw()),
            // A stochastic rounding draw or a fault: at run time, as the interpreter does it.
            _ => {
                let bits = g.c128(i128::from(c.to_bits()));
                let x = Fx::integer(bits, 64);
                return Ok(g.slow(SlowOp::Constant, &x, &x, Some(false)));
            }
        }
    };
    let v = g.c128(raw);
    Ok(Fx::of(int, v, bits_of(raw), fmt.contains_raw(raw)))
}

/// `-x` (`feval`'s `Neg`) or `abs(x)`.
fn neg_abs(g: &mut FxGen<'_, '_>, x: Fx, abs: bool) -> Fx {
    let op = if abs { SlowOp::Abs } else { SlowOp::Neg };
    if x.dynk.is_some() || x.bits >= 127 {
        let int = x.dynk.is_none().then_some(x.int);
        return g.slow(op, &x, &x, int);
    }
    let n = g.b.ins().ineg(x.v);
    let v = if abs {
        let zero = g.c128(0);
        let negative = g.b.ins().icmp(IntCC::SignedLessThan, x.v, zero);
        g.sel(negative, n, x.v)
    } else {
        n
    };
    if x.int { Fx::integer(v, x.bits) } else { g.q(v, g.spec.frac, x.bits) }
}

/// A value aligned to F fractional bits (an integer shifted), if it provably fits.
fn aligned(g: &mut FxGen<'_, '_>, x: Fx) -> Option<(Value, u32)> {
    if !x.int {
        return Some((x.v, x.bits));
    }
    let f = g.spec.frac;
    (x.bits + f <= 126).then(|| (g.shl(x.v, f), x.bits + f))
}

/// A value aligned to F fractional bits, faulting (`TooWide`) as `Exact`'s alignment does
/// when an integer does not fit shifted.
fn aligned_checked(g: &mut FxGen<'_, '_>, x: Fx) -> (Value, u32) {
    aligned(g, x).unwrap_or_else(|| (g.checked_shl(x.v, g.spec.frac), 127))
}

/// `Quant::bin` for every operator but `>>`.
fn bin(g: &mut FxGen<'_, '_>, op: BinOp, x: Fx, y: Fx) -> Result<Fx, Unsupported> {
    if x.dynk.is_some() || y.dynk.is_some() {
        return Ok(g.slow(SlowOp::of(op), &x, &y, None));
    }
    let both_int = x.int && y.int;
    let slow = |g: &mut FxGen<'_, '_>, int: bool| g.slow(SlowOp::of(op), &x, &y, Some(int));
    Ok(match op {
        BinOp::Add | BinOp::Sub => {
            let add = |g: &mut FxGen<'_, '_>, a: Value, b: Value| {
                if op == BinOp::Add { g.b.ins().iadd(a, b) } else { g.b.ins().isub(a, b) }
            };
            let sub = op == BinOp::Sub;
            if both_int {
                let bits = x.bits.max(y.bits) + 1;
                if bits > 126 {
                    let v = g.checked_add(x.v, y.v, sub);
                    return Ok(Fx::integer(v, 127));
                }
                let v = add(g, x.v, y.v);
                return Ok(Fx::integer(v, bits));
            }
            let ((a, ba), (b, bb)) = (aligned_checked(g, x), aligned_checked(g, y));
            let bits = ba.max(bb) + 1;
            if bits > 126 {
                let v = g.checked_add(a, b, sub);
                g.q(v, g.spec.frac, 127)
            } else {
                let v = add(g, a, b);
                g.q(v, g.spec.frac, bits)
            }
        }
        BinOp::Mul => {
            let bits = x.bits + y.bits;
            if bits > 126 {
                return Ok(slow(g, both_int));
            }
            let v = g.b.ins().imul(x.v, y.v);
            if both_int {
                return Ok(Fx::integer(v, bits));
            }
            let frac = if x.int { 0 } else { g.spec.frac } + if y.int { 0 } else { g.spec.frac };
            g.q(v, frac, bits)
        }
        BinOp::Shl => slow(g, x.int),
        BinOp::Rem | BinOp::Pow => slow(g, both_int),
        BinOp::Div => slow(g, false),
        BinOp::Shr => shr(g, x, y)?,
    })
}

/// `x >> k`: arithmetic, flooring, the kind of x.
fn shr(g: &mut FxGen<'_, '_>, x: Fx, k: Fx) -> Result<Fx, Unsupported> {
    if x.dynk.is_some() || k.dynk.is_some() || !k.int {
        let int = x.dynk.is_none().then_some(x.int);
        return Ok(g.slow(SlowOp::Shr, &x, &k, int));
    }
    // `shift_amount` of an integer: itself, refused when negative, at most 127 used.
    let zero = g.c128(0);
    let negative = g.b.ins().icmp(IntCC::SignedLessThan, k.v, zero);
    g.fault_if(negative, FaultKind::BadShift, k.v, 0);
    let max = g.c128(127);
    let big = g.b.ins().icmp(IntCC::SignedGreaterThan, k.v, max);
    let n = g.sel(big, max, k.v);
    let n = g.b.ins().ireduce(types::I64, n);
    let v = g.b.ins().sshr(x.v, n);
    Ok(Fx { v, ..x })
}

/// The i8 truth of `x op y`, compared exactly (`Quant::cmp`).
fn compare(g: &mut FxGen<'_, '_>, op: CmpOp, x: Fx, y: Fx) -> Value {
    let cc = match op {
        CmpOp::Eq => IntCC::Equal,
        CmpOp::Ne => IntCC::NotEqual,
        CmpOp::Lt => IntCC::SignedLessThan,
        CmpOp::Le => IntCC::SignedLessThanOrEqual,
        CmpOp::Gt => IntCC::SignedGreaterThan,
        CmpOp::Ge => IntCC::SignedGreaterThanOrEqual,
    };
    let dynamic = x.dynk.is_some() || y.dynk.is_some();
    if !dynamic && x.int == y.int {
        return g.b.ins().icmp(cc, x.v, y.v);
    }
    let both = if dynamic { None } else { aligned(g, x).zip(aligned(g, y)) };
    match both {
        Some(((a, _), (b, _))) => g.b.ins().icmp(cc, a, b),
        None => {
            let o = g.slow(SlowOp::Cmp, &x, &y, Some(true));
            let zero = g.c128(0);
            g.b.ins().icmp(cc, o.v, zero)
        }
    }
}

/// `if x op y { x } else { y }` (`min`, `max`, `clip`).
fn select_if(g: &mut FxGen<'_, '_>, op: CmpOp, x: Fx, y: Fx) -> Result<Fx, Unsupported> {
    let take = compare(g, op, x, y);
    let v = g.sel(take, x.v, y.v);
    let k = if x.dynk.is_some() || y.dynk.is_some() || x.int != y.int {
        let (kx, ky) = (g.kind(&x), g.kind(&y));
        Some(g.b.ins().select(take, kx, ky))
    } else {
        None
    };
    Ok(match k {
        Some(k) => merged(x, y, v, k),
        None => Fx { v, bits: x.bits.max(y.bits), in_fmt: x.in_fmt && y.in_fmt, ..x },
    })
}

/// The value `v` of kind `k` (an i8, 1 for an integer) that is either `x` or `y`.
fn merged(x: Fx, y: Fx, v: Value, k: Value) -> Fx {
    let bits = x.bits.max(y.bits);
    if x.dynk.is_none() && y.dynk.is_none() && x.int == y.int {
        return Fx { int: x.int, v, bits, in_fmt: x.in_fmt && y.in_fmt, dynk: None };
    }
    // Which one it is, is known only at run time.
    Fx { int: false, v, bits, in_fmt: false, dynk: Some(k) }
}
