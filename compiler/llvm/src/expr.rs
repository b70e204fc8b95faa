//! Expressions and statements of one element as LLVM IR, in the interpreter's exact
//! operation order (`scn_runtime::interp::eval` and `sim::exec`), mirroring the Cranelift
//! JIT's `scn_jit::expr`. Floating-point instructions carry no fast-math flags, so LLVM
//! neither contracts a multiply and an add into a fused one nor reassociates.
//!
//! Expressions are pure (draws are functions of their coordinates), so `if`, `and` and `or`
//! evaluate both sides and select, which gives the interpreter's value bit for bit.

use crate::helpers::Helper;
use inkwell::FloatPredicate;
use inkwell::basic_block::BasicBlock;
use inkwell::builder::{Builder, BuilderError};
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, FloatValue, FunctionValue, IntValue, PointerValue};
use scn_jit::abi::{self, Field};
use scn_jit::expr::Known;
use scn_runtime::ir::{AssignOp, BinOp, CmpOp, DrawKind, Expr, Func, Stmt};

/// Something the LLVM backend does not compile; the population runs on the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl From<BuilderError> for Unsupported {
    fn from(e: BuilderError) -> Self {
        Unsupported(format!("LLVM builder: {e}"))
    }
}

impl From<scn_jit::expr::Unsupported> for Unsupported {
    fn from(e: scn_jit::expr::Unsupported) -> Self {
        Unsupported(e.0)
    }
}

/// Where an expression reads the element's states.
#[derive(Clone, Copy)]
pub enum States<'s, 'ctx> {
    /// Loaded from the states array at every use (statements write between uses).
    Memory,
    /// Values, one per state slot (solver stages).
    Values(&'s [V<'ctx>]),
}

/// The evaluation context of one expression: where states come from, what `dt` reads, and
/// the factor on `noise` terms.
#[derive(Clone, Copy)]
pub struct Env<'s, 'ctx> {
    /// The states.
    pub states: States<'s, 'ctx>,
    /// What `Expr::Dt` evaluates to (0 inside solver right-hand sides, as the interpreter).
    pub dt: f64,
    /// The factor on `noise(sigma)` terms.
    pub noise_scale: f64,
}

/// What statements did: `emit` and `refractory` take effect after the whole body. Each is a
/// stack slot of the function (promoted to registers by LLVM).
pub struct Effects<'ctx> {
    /// 1 when the body emitted (i8).
    pub emitted: PointerValue<'ctx>,
    /// 1 when the body set a refractory period (i8).
    pub has_refractory: PointerValue<'ctx>,
    /// The refractory period in steps (i64).
    pub steps: PointerValue<'ctx>,
    /// The held-state mask (i64).
    pub mask: PointerValue<'ctx>,
}

/// A value known when compiling (folded with the interpreter's own f64 operations) or
/// computed at run time.
#[derive(Clone, Copy, Debug)]
pub enum V<'ctx> {
    /// Known: a constant of the kernel.
    K(f64),
    /// Computed by the kernel.
    R(FloatValue<'ctx>),
}

/// A truth value, known or computed (an i1).
#[derive(Clone, Copy, Debug)]
pub enum C<'ctx> {
    /// Known.
    K(bool),
    /// Computed.
    R(IntValue<'ctx>),
}

/// The comparisons the backend generates (a newer one falls back to the interpreter).
const KNOWN_CMP: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

/// One element's code generator: the builder plus the values that locate element `i`.
pub struct Gen<'a, 'ctx> {
    /// The context.
    pub cx: &'ctx Context,
    /// The module (helpers are declared in it on first use).
    pub module: &'a Module<'ctx>,
    /// The builder, positioned in the element's code.
    pub b: &'a Builder<'ctx>,
    /// The function being built.
    pub func: FunctionValue<'ctx>,
    /// Pointer to the [`scn_jit::abi::KernelArgs`].
    pub args: PointerValue<'ctx>,
    /// Element index (i64).
    pub i: IntValue<'ctx>,
    /// `&params[i·np]`.
    pub params: PointerValue<'ctx>,
    /// `&states[i]`: state slot 0 of element `i` (see [`Gen::state_slot`]).
    pub states: PointerValue<'ctx>,
    /// `&inputs[i·ni]`.
    pub inputs: PointerValue<'ctx>,
    /// The shared locals.
    pub locals: PointerValue<'ctx>,
    /// The network seed (i64).
    pub seed: IntValue<'ctx>,
    /// The element's draw entity.
    pub entity: IntValue<'ctx>,
    /// The step.
    pub step: IntValue<'ctx>,
    /// t·dt.
    pub t: FloatValue<'ctx>,
    /// The network's dt.
    pub net_dt: f64,
    /// What is the same for every element and every step of this population.
    pub known: &'a Known,
    /// The pointer fields of the arguments, by [`Field`] position, loaded once per call.
    pub bases: Vec<PointerValue<'ctx>>,
}

impl<'ctx> Gen<'_, 'ctx> {
    /// An f64 constant.
    pub fn f64c(&self, c: f64) -> FloatValue<'ctx> {
        self.cx.f64_type().const_float(c)
    }

    /// An i64 constant.
    pub fn i64c(&self, c: u64) -> IntValue<'ctx> {
        self.cx.i64_type().const_int(c, false)
    }

    /// An i8 constant.
    pub fn i8c(&self, c: u64) -> IntValue<'ctx> {
        self.cx.i8_type().const_int(c, false)
    }

    /// The value as an SSA value (a constant when known).
    pub fn val(&self, v: V<'ctx>) -> FloatValue<'ctx> {
        match v {
            V::K(c) => self.f64c(c),
            V::R(x) => x,
        }
    }

    /// The truth value as an i1.
    pub fn cond(&self, c: C<'ctx>) -> IntValue<'ctx> {
        match c {
            C::K(k) => self.cx.bool_type().const_int(u64::from(k), false),
            C::R(x) => x,
        }
    }

    /// `base + 8·k`, as a pointer to an 8-byte slot.
    pub fn slot(&self, base: PointerValue<'ctx>, k: usize) -> Result<PointerValue<'ctx>, Unsupported> {
        self.byte_offset(base, self.i64c(8 * k as u64))
    }

    /// State slot `k` of the element at [`Gen::states`] (states are slot-major: slot `k` of
    /// element `i` is `states[k·size + i]`).
    pub fn state_slot(&self, k: usize) -> Result<PointerValue<'ctx>, Unsupported> {
        let at = (k as u64)
            .checked_mul(self.known.size)
            .ok_or_else(|| Unsupported(format!("state slot {k} of {} elements", self.known.size)))?;
        self.slot(self.states, at as usize)
    }

    /// Loads state slot `k` of the element.
    pub fn load_state(&self, k: usize) -> Result<FloatValue<'ctx>, Unsupported> {
        let at = self.state_slot(k)?;
        Ok(self.b.build_load(self.cx.f64_type(), at, "s")?.into_float_value())
    }

    /// Stores `v` into state slot `k` of the element.
    pub fn store_state(&self, k: usize, v: FloatValue<'ctx>) -> Result<(), Unsupported> {
        let at = self.state_slot(k)?;
        self.b.build_store(at, v)?;
        Ok(())
    }

    /// `base + off` bytes.
    pub fn byte_offset(
        &self,
        base: PointerValue<'ctx>,
        off: IntValue<'ctx>,
    ) -> Result<PointerValue<'ctx>, Unsupported> {
        // SAFETY (for LLVM): every offset stays inside the array the argument block describes.
        Ok(unsafe { self.b.build_in_bounds_gep(self.cx.i8_type(), base, &[off], "at")? })
    }

    /// Loads the f64 at `base + 8·k`.
    pub fn load_f64(&self, base: PointerValue<'ctx>, k: usize) -> Result<FloatValue<'ctx>, Unsupported> {
        let at = self.slot(base, k)?;
        Ok(self.b.build_load(self.cx.f64_type(), at, "x")?.into_float_value())
    }

    /// Stores `v` at `base + 8·k`.
    pub fn store_f64(&self, base: PointerValue<'ctx>, k: usize, v: FloatValue<'ctx>) -> Result<(), Unsupported> {
        let at = self.slot(base, k)?;
        self.b.build_store(at, v)?;
        Ok(())
    }

    /// Loads an integer of type `ty` at `at`.
    pub fn load_int(
        &self,
        ty: inkwell::types::IntType<'ctx>,
        at: PointerValue<'ctx>,
    ) -> Result<IntValue<'ctx>, Unsupported> {
        Ok(self.b.build_load(ty, at, "n")?.into_int_value())
    }

    /// A stack slot of type `ty` in the entry block, where LLVM promotes it to registers.
    pub fn entry_slot(&self, ty: BasicTypeEnum<'ctx>) -> Result<PointerValue<'ctx>, Unsupported> {
        let entry = self.func.get_first_basic_block().ok_or_else(|| Unsupported("no entry block".into()))?;
        let tmp = self.cx.create_builder();
        match entry.get_first_instruction() {
            Some(first) => tmp.position_before(&first),
            None => tmp.position_at_end(entry),
        }
        Ok(tmp.build_alloca(ty, "slot")?)
    }

    /// A new block of the function.
    pub fn block(&self, name: &str) -> BasicBlock<'ctx> {
        self.cx.append_basic_block(self.func, name)
    }

    fn truth(&self, c: C<'ctx>) -> Result<V<'ctx>, Unsupported> {
        Ok(match c {
            C::K(k) => V::K(if k { 1.0 } else { 0.0 }),
            C::R(c) => V::R(self.b.build_select(c, self.f64c(1.0), self.f64c(0.0), "truth")?.into_float_value()),
        })
    }

    /// `c ? x : y`.
    pub fn select(&self, c: C<'ctx>, x: V<'ctx>, y: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        Ok(match c {
            C::K(true) => x,
            C::K(false) => y,
            C::R(c) => V::R(self.b.build_select(c, self.val(x), self.val(y), "sel")?.into_float_value()),
        })
    }

    fn op2(
        &self,
        a: V<'ctx>,
        b: V<'ctx>,
        k: fn(f64, f64) -> f64,
        r: fn(&Builder<'ctx>, FloatValue<'ctx>, FloatValue<'ctx>) -> Result<FloatValue<'ctx>, BuilderError>,
    ) -> Result<V<'ctx>, Unsupported> {
        Ok(match (a, b) {
            (V::K(x), V::K(y)) => V::K(k(x, y)),
            _ => V::R(r(self.b, self.val(a), self.val(b))?),
        })
    }

    /// `a + b`.
    pub fn add(&self, a: V<'ctx>, b: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        self.op2(a, b, |x, y| x + y, |b, x, y| b.build_float_add(x, y, "add"))
    }

    /// `a - b`.
    pub fn sub(&self, a: V<'ctx>, b: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        self.op2(a, b, |x, y| x - y, |b, x, y| b.build_float_sub(x, y, "sub"))
    }

    /// `a * b`.
    pub fn mul(&self, a: V<'ctx>, b: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        self.op2(a, b, |x, y| x * y, |b, x, y| b.build_float_mul(x, y, "mul"))
    }

    /// `a / b`.
    pub fn div(&self, a: V<'ctx>, b: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        self.op2(a, b, |x, y| x / y, |b, x, y| b.build_float_div(x, y, "div"))
    }

    /// `-a`.
    pub fn neg(&self, a: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        Ok(match a {
            V::K(c) => V::K(-c),
            V::R(x) => V::R(self.b.build_float_neg(x, "neg")?),
        })
    }

    /// `|a|` (the `llvm.fabs` intrinsic, exact like Rust's `abs`).
    pub fn fabs(&self, a: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        self.intrinsic1("llvm.fabs", a, f64::abs)
    }

    fn intrinsic1(&self, name: &str, a: V<'ctx>, k: fn(f64) -> f64) -> Result<V<'ctx>, Unsupported> {
        let x = match a {
            V::K(c) => return Ok(V::K(k(c))),
            V::R(x) => x,
        };
        let f = inkwell::intrinsics::Intrinsic::find(name)
            .and_then(|i| i.get_declaration(self.module, &[self.cx.f64_type().into()]))
            .ok_or_else(|| Unsupported(format!("no intrinsic {name}")))?;
        let r = self.b.build_call(f, &[x.into()], name)?;
        Ok(V::R(
            r.try_as_basic_value()
                .basic()
                .ok_or_else(|| Unsupported(format!("{name} has no result")))?
                .into_float_value(),
        ))
    }

    /// A comparison with Rust's semantics (`!=` holds for NaN, the others do not).
    pub fn cmp(&self, op: CmpOp, a: V<'ctx>, b: V<'ctx>) -> Result<C<'ctx>, Unsupported> {
        if let (V::K(x), V::K(y)) = (a, b) {
            return Ok(C::K(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
                #[allow(unreachable_patterns)]
                other => return Err(Unsupported(format!("comparison {other:?}"))),
            }));
        }
        let p = match op {
            CmpOp::Eq => FloatPredicate::OEQ,
            CmpOp::Ne => FloatPredicate::UNE,
            CmpOp::Lt => FloatPredicate::OLT,
            CmpOp::Le => FloatPredicate::OLE,
            CmpOp::Gt => FloatPredicate::OGT,
            CmpOp::Ge => FloatPredicate::OGE,
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("comparison {other:?}"))),
        };
        Ok(C::R(self.b.build_float_compare(p, self.val(a), self.val(b), "cmp")?))
    }

    /// Both.
    pub fn and(&self, a: C<'ctx>, b: C<'ctx>) -> Result<C<'ctx>, Unsupported> {
        Ok(match (a, b) {
            (C::K(false), _) | (_, C::K(false)) => C::K(false),
            (C::K(true), x) | (x, C::K(true)) => x,
            (C::R(x), C::R(y)) => C::R(self.b.build_and(x, y, "and")?),
        })
    }

    fn or(&self, a: C<'ctx>, b: C<'ctx>) -> Result<C<'ctx>, Unsupported> {
        Ok(match (a, b) {
            (C::K(true), _) | (_, C::K(true)) => C::K(true),
            (C::K(false), x) | (x, C::K(false)) => x,
            (C::R(x), C::R(y)) => C::R(self.b.build_or(x, y, "or")?),
        })
    }

    /// Calls helper `h` with `args`; its result, if it has one.
    pub fn call(
        &self,
        h: Helper,
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> Result<Option<inkwell::values::BasicValueEnum<'ctx>>, Unsupported> {
        let f = h.declare(self.cx, self.module);
        Ok(self.b.build_call(f, args, h.symbol())?.try_as_basic_value().basic())
    }

    fn call_f64(&self, h: Helper, args: &[BasicMetadataValueEnum<'ctx>]) -> Result<V<'ctx>, Unsupported> {
        let r = self.call(h, args)?.ok_or_else(|| Unsupported(format!("{} has no result", h.symbol())))?;
        Ok(V::R(r.into_float_value()))
    }

    /// A unary helper: called now when the argument is known, by the kernel otherwise.
    pub fn call1(&self, h: Helper, x: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        let f = h.unary().ok_or_else(|| Unsupported(format!("{} is not unary", h.symbol())))?;
        match x {
            V::K(x) => Ok(V::K(f(x))),
            V::R(x) => self.call_f64(h, &[x.into()]),
        }
    }

    /// A binary helper: called now when both arguments are known, by the kernel otherwise.
    pub fn call2(&self, h: Helper, x: V<'ctx>, y: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        let f = h.binary().ok_or_else(|| Unsupported(format!("{} is not binary", h.symbol())))?;
        if let (V::K(x), V::K(y)) = (x, y) {
            return Ok(V::K(f(x, y)));
        }
        self.call_f64(h, &[self.val(x).into(), self.val(y).into()])
    }

    fn draw(&self, normal: bool, site: u16) -> Result<V<'ctx>, Unsupported> {
        let h = if normal { Helper::Normal } else { Helper::Uniform };
        let site = self.i64c(u64::from(site));
        self.call_f64(h, &[self.seed.into(), self.entity.into(), self.step.into(), site.into()])
    }

    /// Appends a spike of this element.
    pub fn emit_spike(&self) -> Result<(), Unsupported> {
        self.call(Helper::Emit, &[self.args.into(), self.i.into()])?;
        Ok(())
    }

    /// Refreshes the exact-solver cache of this element from the probed `a`.
    pub fn exact_update(
        &self,
        cache: PointerValue<'ctx>,
        valid: PointerValue<'ctx>,
        a: PointerValue<'ctx>,
        n: usize,
        h: f64,
    ) -> Result<(), Unsupported> {
        let args = [cache.into(), valid.into(), a.into(), self.i64c(n as u64).into(), self.f64c(h).into()];
        self.call(Helper::ExactUpdate, &args)?;
        Ok(())
    }

    /// `&array[i·stride + k]` for an array field of the arguments with `width`-byte items.
    pub fn elem_addr(&self, f: Field, stride: usize, k: usize, width: u64) -> Result<PointerValue<'ctx>, Unsupported> {
        let base = self.bases[f as usize];
        let idx = self.b.build_int_mul(self.i, self.i64c(stride as u64), "idx")?;
        let idx = self.b.build_int_add(idx, self.i64c(k as u64), "idx")?;
        let off = self.b.build_int_mul(idx, self.i64c(width), "off")?;
        self.byte_offset(base, off)
    }

    /// Evaluates `e` as the interpreter's `eval` does.
    pub fn expr(&self, e: &Expr, env: &Env<'_, 'ctx>) -> Result<V<'ctx>, Unsupported> {
        #[allow(unreachable_patterns)]
        Ok(match e {
            Expr::Const(c) => V::K(*c),
            Expr::Param(k) => match self.known.params.get(*k as usize).copied().flatten() {
                Some(c) => V::K(c),
                None => V::R(self.load_f64(self.params, *k as usize)?),
            },
            Expr::State(k) => match env.states {
                States::Memory => V::R(self.load_state(*k as usize)?),
                States::Values(v) => *v.get(*k as usize).ok_or_else(|| Unsupported(format!("state slot {k}")))?,
            },
            Expr::Input(k) => match self.known.inputs.get(*k as usize).copied().flatten() {
                Some(c) => V::K(c),
                None => V::R(self.load_f64(self.inputs, *k as usize)?),
            },
            Expr::Local(k) => V::R(self.load_f64(self.locals, *k as usize)?),
            Expr::Time => V::R(self.t),
            Expr::Dt => V::K(env.dt),
            Expr::Index => V::R(self.b.build_unsigned_int_to_float(self.i, self.cx.f64_type(), "index")?),
            Expr::Neg(x) => {
                let x = self.expr(x, env)?;
                self.neg(x)?
            }
            Expr::Not(x) => {
                let x = self.expr(x, env)?;
                let c = self.cmp(CmpOp::Eq, x, V::K(0.0))?;
                self.truth(c)?
            }
            Expr::Bin(op, a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                match op {
                    BinOp::Add => self.add(x, y)?,
                    BinOp::Sub => self.sub(x, y)?,
                    BinOp::Mul => self.mul(x, y)?,
                    BinOp::Div => self.div(x, y)?,
                    BinOp::Rem => self.call2(Helper::Rem, x, y)?,
                    BinOp::Pow => self.call2(Helper::Pow, x, y)?,
                    BinOp::Shl => self.call2(Helper::Shl, x, y)?,
                    BinOp::Shr => self.call2(Helper::Shr, x, y)?,
                    #[allow(unreachable_patterns)]
                    other => return Err(Unsupported(format!("operator {other:?}"))),
                }
            }
            Expr::Cmp(op, a, b) => {
                if !KNOWN_CMP.contains(op) {
                    return Err(Unsupported(format!("comparison {op:?}")));
                }
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let c = self.cmp(*op, x, y)?;
                self.truth(c)?
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let (cx, cy) = (self.nonzero(x)?, self.nonzero(y)?);
                let c = if matches!(e, Expr::And(..)) { self.and(cx, cy)? } else { self.or(cx, cy)? };
                self.truth(c)?
            }
            Expr::If(c, a, b) => {
                let c = self.expr(c, env)?;
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let c = self.nonzero(c)?;
                self.select(c, x, y)?
            }
            Expr::Call(f, args) => self.func_call(*f, args, env)?,
            Expr::Draw { site, kind, args } => {
                let a = args.iter().map(|x| self.expr(x, env)).collect::<Result<Vec<_>, _>>()?;
                if a.len() < if *kind == DrawKind::Bernoulli { 1 } else { 2 } {
                    return Err(Unsupported("a draw with too few arguments".into()));
                }
                match kind {
                    DrawKind::Uniform => {
                        let u = self.draw(false, *site)?;
                        let span = self.sub(a[1], a[0])?;
                        let m = self.mul(span, u)?;
                        self.add(a[0], m)?
                    }
                    DrawKind::Normal | DrawKind::Lognormal => {
                        let z = self.draw(true, *site)?;
                        let m = self.mul(a[1], z)?;
                        let x = self.add(a[0], m)?;
                        if *kind == DrawKind::Lognormal { self.call1(Helper::Exp, x)? } else { x }
                    }
                    DrawKind::Bernoulli => {
                        let u = self.draw(false, *site)?;
                        let c = self.cmp(CmpOp::Lt, u, a[0])?;
                        self.truth(c)?
                    }
                    #[allow(unreachable_patterns)]
                    other => return Err(Unsupported(format!("draw {other:?}"))),
                }
            }
            Expr::Noise { site, sigma } => {
                let s = self.expr(sigma, env)?;
                let z = self.draw(true, *site)?;
                let m = self.mul(s, z)?;
                self.mul(m, V::K(env.noise_scale))?
            }
            other => return Err(Unsupported(format!("expression {other:?}"))),
        })
    }

    /// `x != 0.0` (true for NaN, as Rust's `!=`).
    pub fn nonzero(&self, x: V<'ctx>) -> Result<C<'ctx>, Unsupported> {
        self.cmp(CmpOp::Ne, x, V::K(0.0))
    }

    fn func_call(&self, f: Func, args: &[Expr], env: &Env<'_, 'ctx>) -> Result<V<'ctx>, Unsupported> {
        let need = match f {
            Func::Min | Func::Max => 0,
            Func::Clip | Func::Boltz | Func::Hill => 3,
            _ => 1,
        };
        if args.len() < need {
            return Err(Unsupported(format!("{f:?} with {} arguments", args.len())));
        }
        let a = args.iter().map(|x| self.expr(x, env)).collect::<Result<Vec<_>, _>>()?;
        Ok(match f {
            Func::Exp => self.call1(Helper::Exp, a[0])?,
            Func::Log => self.call1(Helper::Ln, a[0])?,
            Func::Sqrt => self.intrinsic1("llvm.sqrt", a[0], f64::sqrt)?,
            Func::Abs => self.fabs(a[0])?,
            Func::Min | Func::Max => {
                let (start, h) =
                    if f == Func::Min { (f64::INFINITY, Helper::Min) } else { (f64::NEG_INFINITY, Helper::Max) };
                let mut acc = V::K(start);
                for x in a {
                    acc = self.call2(h, acc, x)?;
                }
                acc
            }
            Func::Clip => {
                let lo = self.call2(Helper::Max, a[0], a[1])?;
                self.call2(Helper::Min, lo, a[2])?
            }
            Func::Floor => self.call1(Helper::Floor, a[0])?,
            Func::Ceil => self.call1(Helper::Ceil, a[0])?,
            Func::Round => self.call1(Helper::Round, a[0])?,
            Func::Tanh => self.call1(Helper::Tanh, a[0])?,
            Func::Sigmoid => {
                let n = self.neg(a[0])?;
                let e = self.call1(Helper::Exp, n)?;
                self.one_over_one_plus(e)?
            }
            Func::Exprel => {
                let x = a[0];
                let ax = self.fabs(x)?;
                let small = self.cmp(CmpOp::Lt, ax, V::K(1e-9))?;
                let half = self.div(x, V::K(2.0))?;
                let series = self.add(V::K(1.0), half)?;
                let em1 = self.call1(Helper::ExpM1, x)?;
                let q = self.div(em1, x)?;
                self.select(small, series, q)?
            }
            Func::Boltz => {
                let d = self.sub(a[1], a[0])?;
                let q = self.div(d, a[2])?;
                let e = self.call1(Helper::Exp, q)?;
                self.one_over_one_plus(e)?
            }
            Func::Hill => {
                let xn = self.call2(Helper::Powf, a[0], a[2])?;
                let kn = self.call2(Helper::Powf, a[1], a[2])?;
                let s = self.add(xn, kn)?;
                self.div(xn, s)?
            }
            Func::Heaviside => {
                let x = a[0];
                let pos = self.cmp(CmpOp::Gt, x, V::K(0.0))?;
                let neg = self.cmp(CmpOp::Lt, x, V::K(0.0))?;
                let rest = self.select(neg, V::K(0.0), V::K(0.5))?;
                self.select(pos, V::K(1.0), rest)?
            }
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("function {other:?}"))),
        })
    }

    fn one_over_one_plus(&self, e: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        let d = self.add(V::K(1.0), e)?;
        self.div(V::K(1.0), d)
    }

    /// What `x op= v` stores (`x = v` for a plain assignment).
    fn assigned(&self, op: AssignOp, x: V<'ctx>, v: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
        Ok(match op {
            AssignOp::Set => v,
            AssignOp::Add => self.add(x, v)?,
            AssignOp::Sub => self.sub(x, v)?,
            AssignOp::Mul => self.mul(x, v)?,
            AssignOp::Div => self.div(x, v)?,
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("assignment {other:?}"))),
        })
    }

    /// Runs a handler or condition body as the interpreter's `exec`: states in memory,
    /// `emit`/`refractory` recorded in `fx`.
    pub fn stmts(&self, body: &[Stmt], fx: &Effects<'ctx>) -> Result<(), Unsupported> {
        let env = Env { states: States::Memory, dt: self.net_dt, noise_scale: 1.0 };
        for s in body {
            #[allow(unreachable_patterns)]
            match s {
                Stmt::Assign { state, op, value } => {
                    let v = self.expr(value, &env)?;
                    let k = *state as usize;
                    let x = V::R(self.load_state(k)?);
                    let r = self.assigned(*op, x, v)?;
                    self.store_state(k, self.val(r))?;
                }
                Stmt::Let { local, value } => {
                    let v = self.expr(value, &env)?;
                    self.store_f64(self.locals, *local as usize, self.val(v))?;
                }
                Stmt::Emit => {
                    self.b.build_store(fx.emitted, self.i8c(1))?;
                }
                Stmt::Refractory { duration, in_steps, clamp } => {
                    let d = self.expr(duration, &env)?;
                    let steps = if *in_steps { d } else { self.div(d, V::K(self.net_dt))? };
                    let n = match steps {
                        V::K(s) => self.i64c(abi::scn_jit_refractory_steps(s) as u64),
                        V::R(s) => self
                            .call(Helper::RefractorySteps, &[s.into()])?
                            .ok_or_else(|| Unsupported("refractory steps has no result".into()))?
                            .into_int_value(),
                    };
                    let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                    self.b.build_store(fx.has_refractory, self.i8c(1))?;
                    self.b.build_store(fx.steps, n)?;
                    self.b.build_store(fx.mask, self.i64c(mask))?;
                }
                Stmt::Deliver(_) => {}
                Stmt::If { cond, then, otherwise } => {
                    let c = self.expr(cond, &env)?;
                    let c = self.nonzero(c)?;
                    let (tb, eb, done) = (self.block("then"), self.block("else"), self.block("endif"));
                    self.b.build_conditional_branch(self.cond(c), tb, eb)?;
                    self.b.position_at_end(tb);
                    self.stmts(then, fx)?;
                    self.b.build_unconditional_branch(done)?;
                    self.b.position_at_end(eb);
                    self.stmts(otherwise, fx)?;
                    self.b.build_unconditional_branch(done)?;
                    self.b.position_at_end(done);
                }
                other => return Err(Unsupported(format!("statement {other:?}"))),
            }
        }
        Ok(())
    }

    /// Declares and zeroes the effect slots of one body.
    pub fn effects(&self) -> Result<Effects<'ctx>, Unsupported> {
        let (i8t, i64t) = (self.cx.i8_type(), self.cx.i64_type());
        let fx = Effects {
            emitted: self.entry_slot(i8t.into())?,
            has_refractory: self.entry_slot(i8t.into())?,
            steps: self.entry_slot(i64t.into())?,
            mask: self.entry_slot(i64t.into())?,
        };
        self.b.build_store(fx.emitted, self.i8c(0))?;
        self.b.build_store(fx.has_refractory, self.i8c(0))?;
        self.b.build_store(fx.steps, self.i64c(0))?;
        self.b.build_store(fx.mask, self.i64c(0))?;
        Ok(fx)
    }
}
