//! Expressions and statements of one element as Cranelift IR, in the interpreter's exact
//! operation order (`scn_runtime::interp::eval` and `sim::exec`).
//!
//! Expressions are pure (draws are functions of their coordinates), so `if`, `and` and `or`
//! evaluate both sides and select, which gives the interpreter's value bit for bit.

use crate::abi::{self, Field};
use cranelift::prelude::*;
use scn_runtime::ir::{AssignOp, BinOp, CmpOp, DrawKind, Expr, Func, Stmt};

/// Something the JIT does not compile (yet); the population runs on the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Where an expression reads the element's states.
#[derive(Clone, Copy)]
pub enum States<'s> {
    /// Loaded from the states array at every use (statements write between uses).
    Memory,
    /// SSA values, one per state slot (solver stages).
    Values(&'s [Value]),
}

/// The evaluation context of one expression: where states come from, what `dt` reads, and
/// the factor on `noise` terms.
#[derive(Clone, Copy)]
pub struct Env<'s> {
    /// The states.
    pub states: States<'s>,
    /// What `Expr::Dt` evaluates to (0 inside solver right-hand sides, as the interpreter).
    pub dt: f64,
    /// The factor on `noise(sigma)` terms.
    pub noise_scale: f64,
}

/// The signatures of the helpers, imported once per function.
pub struct Sigs {
    f1: codegen::ir::SigRef,
    f2: codegen::ir::SigRef,
    draw: codegen::ir::SigRef,
    emit: codegen::ir::SigRef,
    exact: codegen::ir::SigRef,
    refractory: codegen::ir::SigRef,
}

/// What statements did: `emit` and `refractory` take effect after the whole body.
pub struct Effects {
    /// 1 when the body emitted (i8).
    pub emitted: Variable,
    /// 1 when the body set a refractory period (i8).
    pub has_refractory: Variable,
    /// The refractory period in steps (i64).
    pub steps: Variable,
    /// The held-state mask (i64).
    pub mask: Variable,
}

/// One element's code generator: the builder plus the values that locate element `i`.
pub struct Gen<'a, 'b> {
    /// The function builder.
    pub b: &'a mut FunctionBuilder<'b>,
    /// Pointer to the [`crate::abi::KernelArgs`].
    pub args: Value,
    /// Pointer type.
    pub ptr: Type,
    /// Helper signatures.
    pub sigs: Sigs,
    /// Element index (i64).
    pub i: Value,
    /// `&params[i·np]`.
    pub params: Value,
    /// `&states[i·ns]`.
    pub states: Value,
    /// `&inputs[i·ni]`.
    pub inputs: Value,
    /// The shared locals.
    pub locals: Value,
    /// Draw coordinates: seed, entity, step (i64).
    pub seed: Value,
    /// The element's entity.
    pub entity: Value,
    /// The step.
    pub step: Value,
    /// t·dt.
    pub t: Value,
    /// The network's dt.
    pub net_dt: f64,
}

/// Memory flags for the kernel's own arrays: aligned and never trapping.
pub fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Imports the helper signatures into the current function.
pub fn import_sigs(b: &mut FunctionBuilder<'_>, ptr: Type, call_conv: isa::CallConv) -> Sigs {
    let sig = |params: &[Type], ret: Option<Type>| {
        let mut s = Signature::new(call_conv);
        s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        s.returns.extend(ret.map(AbiParam::new));
        s
    };
    Sigs {
        f1: b.import_signature(sig(&[types::F64], Some(types::F64))),
        f2: b.import_signature(sig(&[types::F64, types::F64], Some(types::F64))),
        draw: b.import_signature(sig(&[types::I64; 4], Some(types::F64))),
        emit: b.import_signature(sig(&[ptr, types::I64], None)),
        exact: b.import_signature(sig(&[ptr, ptr, ptr, types::I64, types::F64], None)),
        refractory: b.import_signature(sig(&[types::F64], Some(types::I64))),
    }
}

/// Loads a field of the [`crate::abi::KernelArgs`].
pub fn field(b: &mut FunctionBuilder<'_>, args: Value, ty: Type, f: Field) -> Value {
    b.ins().load(ty, flags(), args, f.offset())
}

impl Gen<'_, '_> {
    fn fconst(&mut self, x: f64) -> Value {
        self.b.ins().f64const(x)
    }

    fn truth(&mut self, c: Value) -> Value {
        let (one, zero) = (self.fconst(1.0), self.fconst(0.0));
        self.b.ins().select(c, one, zero)
    }

    fn call_ptr(&mut self, sig: codegen::ir::SigRef, f: usize, args: &[Value]) -> Option<Value> {
        let callee = self.b.ins().iconst(self.ptr, f as i64);
        let call = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(call).first().copied()
    }

    /// Calls a unary f64 helper.
    pub fn call1(&mut self, f: extern "C" fn(f64) -> f64, x: Value) -> Value {
        self.call_ptr(self.sigs.f1, f as usize, &[x]).expect("one result")
    }

    /// Calls a binary f64 helper.
    pub fn call2(&mut self, f: extern "C" fn(f64, f64) -> f64, x: Value, y: Value) -> Value {
        self.call_ptr(self.sigs.f2, f as usize, &[x, y]).expect("one result")
    }

    fn draw(&mut self, normal: bool, site: u16) -> Value {
        let f: extern "C" fn(u64, u64, u64, u64) -> f64 =
            if normal { abi::scn_jit_normal } else { abi::scn_jit_uniform };
        let f = f as usize;
        let site = self.b.ins().iconst(types::I64, i64::from(site));
        let args = [self.seed, self.entity, self.step, site];
        self.call_ptr(self.sigs.draw, f, &args).expect("one result")
    }

    /// Appends a spike of this element.
    pub fn emit_spike(&mut self) {
        let (args, i) = (self.args, self.i);
        let f: unsafe extern "C" fn(*const abi::KernelArgs, u64) = abi::scn_jit_emit;
        self.call_ptr(self.sigs.emit, f as usize, &[args, i]);
    }

    /// Refreshes the exact-solver cache of this element from the probed `a`.
    pub fn exact_update(&mut self, cache: Value, valid: Value, a: Value, n: usize, h: f64) {
        let n = self.b.ins().iconst(types::I64, n as i64);
        let h = self.fconst(h);
        let f: unsafe extern "C" fn(*mut f64, *mut u8, *const f64, u64, f64) = abi::scn_jit_exact_update;
        self.call_ptr(self.sigs.exact, f as usize, &[cache, valid, a, n, h]);
    }

    /// `&array[(i·stride + k)]` for an 8-byte array field of the arguments.
    pub fn elem_addr(&mut self, f: Field, stride: usize, k: usize, width: i64) -> Value {
        let base = field(self.b, self.args, self.ptr, f);
        let idx = self.b.ins().imul_imm_s(self.i, stride as i64);
        let idx = self.b.ins().iadd_imm_s(idx, k as i64);
        let off = self.b.ins().imul_imm_s(idx, width);
        self.b.ins().iadd(base, off)
    }

    /// Evaluates `e` as the interpreter's `eval` does.
    pub fn expr(&mut self, e: &Expr, env: &Env<'_>) -> Result<Value, Unsupported> {
        #[allow(unreachable_patterns)]
        Ok(match e {
            Expr::Const(c) => self.fconst(*c),
            Expr::Param(k) => self.b.ins().load(types::F64, flags(), self.params, 8 * i32::from(*k)),
            Expr::State(k) => match env.states {
                States::Memory => self.b.ins().load(types::F64, flags(), self.states, 8 * i32::from(*k)),
                States::Values(v) => *v.get(*k as usize).ok_or_else(|| Unsupported(format!("state slot {k}")))?,
            },
            Expr::Input(k) => self.b.ins().load(types::F64, flags(), self.inputs, 8 * i32::from(*k)),
            Expr::Local(k) => self.b.ins().load(types::F64, flags(), self.locals, 8 * i32::from(*k)),
            Expr::Time => self.t,
            Expr::Dt => self.fconst(env.dt),
            Expr::Index => self.b.ins().fcvt_from_uint(types::F64, self.i),
            Expr::Neg(x) => {
                let x = self.expr(x, env)?;
                self.b.ins().fneg(x)
            }
            Expr::Not(x) => {
                let x = self.expr(x, env)?;
                let zero = self.fconst(0.0);
                let c = self.b.ins().fcmp(FloatCC::Equal, x, zero);
                self.truth(c)
            }
            Expr::Bin(op, a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                match op {
                    BinOp::Add => self.b.ins().fadd(x, y),
                    BinOp::Sub => self.b.ins().fsub(x, y),
                    BinOp::Mul => self.b.ins().fmul(x, y),
                    BinOp::Div => self.b.ins().fdiv(x, y),
                    BinOp::Rem => self.call2(abi::scn_jit_rem, x, y),
                    BinOp::Pow => self.call2(abi::scn_jit_pow, x, y),
                    BinOp::Shl => self.call2(abi::scn_jit_shl, x, y),
                    BinOp::Shr => self.call2(abi::scn_jit_shr, x, y),
                }
            }
            Expr::Cmp(op, a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let cc = match op {
                    CmpOp::Eq => FloatCC::Equal,
                    CmpOp::Ne => FloatCC::NotEqual,
                    CmpOp::Lt => FloatCC::LessThan,
                    CmpOp::Le => FloatCC::LessThanOrEqual,
                    CmpOp::Gt => FloatCC::GreaterThan,
                    CmpOp::Ge => FloatCC::GreaterThanOrEqual,
                };
                let c = self.b.ins().fcmp(cc, x, y);
                self.truth(c)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let (cx, cy) = (self.nonzero(x), self.nonzero(y));
                let c = if matches!(e, Expr::And(..)) { self.b.ins().band(cx, cy) } else { self.b.ins().bor(cx, cy) };
                self.truth(c)
            }
            Expr::If(c, a, b) => {
                let c = self.expr(c, env)?;
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let c = self.nonzero(c);
                self.b.ins().select(c, x, y)
            }
            Expr::Call(f, args) => self.call(*f, args, env)?,
            Expr::Draw { site, kind, args } => {
                let a = args.iter().map(|x| self.expr(x, env)).collect::<Result<Vec<_>, _>>()?;
                if a.len() < if *kind == DrawKind::Bernoulli { 1 } else { 2 } {
                    return Err(Unsupported("a draw with too few arguments".into()));
                }
                match kind {
                    DrawKind::Uniform => {
                        let u = self.draw(false, *site);
                        let span = self.b.ins().fsub(a[1], a[0]);
                        let m = self.b.ins().fmul(span, u);
                        self.b.ins().fadd(a[0], m)
                    }
                    DrawKind::Normal | DrawKind::Lognormal => {
                        let z = self.draw(true, *site);
                        let m = self.b.ins().fmul(a[1], z);
                        let x = self.b.ins().fadd(a[0], m);
                        if *kind == DrawKind::Lognormal { self.call1(abi::scn_jit_exp, x) } else { x }
                    }
                    DrawKind::Bernoulli => {
                        let u = self.draw(false, *site);
                        let c = self.b.ins().fcmp(FloatCC::LessThan, u, a[0]);
                        self.truth(c)
                    }
                }
            }
            Expr::Noise { site, sigma } => {
                let s = self.expr(sigma, env)?;
                let z = self.draw(true, *site);
                let m = self.b.ins().fmul(s, z);
                let k = self.fconst(env.noise_scale);
                self.b.ins().fmul(m, k)
            }
            other => return Err(Unsupported(format!("expression {other:?}"))),
        })
    }

    /// `x != 0.0` as an i8 condition (true for NaN, as Rust's `!=`).
    pub fn nonzero(&mut self, x: Value) -> Value {
        let zero = self.fconst(0.0);
        self.b.ins().fcmp(FloatCC::NotEqual, x, zero)
    }

    fn call(&mut self, f: Func, args: &[Expr], env: &Env<'_>) -> Result<Value, Unsupported> {
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
            Func::Exp => self.call1(abi::scn_jit_exp, a[0]),
            Func::Log => self.call1(abi::scn_jit_ln, a[0]),
            Func::Sqrt => self.b.ins().sqrt(a[0]),
            Func::Abs => self.b.ins().fabs(a[0]),
            Func::Min | Func::Max => {
                let (start, g): (f64, extern "C" fn(f64, f64) -> f64) = if f == Func::Min {
                    (f64::INFINITY, abi::scn_jit_min)
                } else {
                    (f64::NEG_INFINITY, abi::scn_jit_max)
                };
                let mut acc = self.fconst(start);
                for x in a {
                    acc = self.call2(g, acc, x);
                }
                acc
            }
            Func::Clip => {
                let lo = self.call2(abi::scn_jit_max, a[0], a[1]);
                self.call2(abi::scn_jit_min, lo, a[2])
            }
            Func::Floor => self.call1(abi::scn_jit_floor, a[0]),
            Func::Ceil => self.call1(abi::scn_jit_ceil, a[0]),
            Func::Round => self.call1(abi::scn_jit_round, a[0]),
            Func::Tanh => self.call1(abi::scn_jit_tanh, a[0]),
            Func::Sigmoid => {
                let n = self.b.ins().fneg(a[0]);
                let e = self.call1(abi::scn_jit_exp, n);
                self.one_over_one_plus(e)
            }
            Func::Exprel => {
                let x = a[0];
                let ax = self.b.ins().fabs(x);
                let eps = self.fconst(1e-9);
                let small = self.b.ins().fcmp(FloatCC::LessThan, ax, eps);
                let (one, two) = (self.fconst(1.0), self.fconst(2.0));
                let half = self.b.ins().fdiv(x, two);
                let series = self.b.ins().fadd(one, half);
                let em1 = self.call1(abi::scn_jit_exp_m1, x);
                let q = self.b.ins().fdiv(em1, x);
                self.b.ins().select(small, series, q)
            }
            Func::Boltz => {
                let d = self.b.ins().fsub(a[1], a[0]);
                let q = self.b.ins().fdiv(d, a[2]);
                let e = self.call1(abi::scn_jit_exp, q);
                self.one_over_one_plus(e)
            }
            Func::Hill => {
                let xn = self.call2(abi::scn_jit_powf, a[0], a[2]);
                let kn = self.call2(abi::scn_jit_powf, a[1], a[2]);
                let s = self.b.ins().fadd(xn, kn);
                self.b.ins().fdiv(xn, s)
            }
            Func::Heaviside => {
                let x = a[0];
                let zero = self.fconst(0.0);
                let pos = self.b.ins().fcmp(FloatCC::GreaterThan, x, zero);
                let neg = self.b.ins().fcmp(FloatCC::LessThan, x, zero);
                let (one, half) = (self.fconst(1.0), self.fconst(0.5));
                let rest = self.b.ins().select(neg, zero, half);
                self.b.ins().select(pos, one, rest)
            }
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("function {other:?}"))),
        })
    }

    fn one_over_one_plus(&mut self, e: Value) -> Value {
        let one = self.fconst(1.0);
        let d = self.b.ins().fadd(one, e);
        self.b.ins().fdiv(one, d)
    }

    /// Runs a handler or condition body as the interpreter's `exec`: states in memory,
    /// `emit`/`refractory` recorded in `fx`.
    pub fn stmts(&mut self, body: &[Stmt], fx: &Effects) -> Result<(), Unsupported> {
        let env = Env { states: States::Memory, dt: self.net_dt, noise_scale: 1.0 };
        for s in body {
            #[allow(unreachable_patterns)]
            match s {
                Stmt::Assign { state, op, value } => {
                    let v = self.expr(value, &env)?;
                    let off = 8 * i32::from(*state);
                    let x = self.b.ins().load(types::F64, flags(), self.states, off);
                    let r = match op {
                        AssignOp::Set => v,
                        AssignOp::Add => self.b.ins().fadd(x, v),
                        AssignOp::Sub => self.b.ins().fsub(x, v),
                        AssignOp::Mul => self.b.ins().fmul(x, v),
                        AssignOp::Div => self.b.ins().fdiv(x, v),
                    };
                    self.b.ins().store(flags(), r, self.states, off);
                }
                Stmt::Let { local, value } => {
                    let v = self.expr(value, &env)?;
                    self.b.ins().store(flags(), v, self.locals, 8 * i32::from(*local));
                }
                Stmt::Emit => {
                    let one = self.b.ins().iconst(types::I8, 1);
                    self.b.def_var(fx.emitted, one);
                }
                Stmt::Refractory { duration, in_steps, clamp } => {
                    let d = self.expr(duration, &env)?;
                    let steps = if *in_steps {
                        d
                    } else {
                        let dt = self.fconst(self.net_dt);
                        self.b.ins().fdiv(d, dt)
                    };
                    let f: extern "C" fn(f64) -> i64 = abi::scn_jit_refractory_steps;
                    let f = f as usize;
                    let n = self.call_ptr(self.sigs.refractory, f, &[steps]).expect("one result");
                    let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                    let mask = self.b.ins().iconst(types::I64, mask as i64);
                    let one = self.b.ins().iconst(types::I8, 1);
                    self.b.def_var(fx.has_refractory, one);
                    self.b.def_var(fx.steps, n);
                    self.b.def_var(fx.mask, mask);
                }
                Stmt::Deliver(_) => {}
                Stmt::If { cond, then, otherwise } => {
                    let c = self.expr(cond, &env)?;
                    let c = self.nonzero(c);
                    let (tb, eb, done) = (self.b.create_block(), self.b.create_block(), self.b.create_block());
                    self.b.ins().brif(c, tb, &[], eb, &[]);
                    self.b.switch_to_block(tb);
                    self.stmts(then, fx)?;
                    self.b.ins().jump(done, &[]);
                    self.b.switch_to_block(eb);
                    self.stmts(otherwise, fx)?;
                    self.b.ins().jump(done, &[]);
                    self.b.switch_to_block(done);
                }
                other => return Err(Unsupported(format!("statement {other:?}"))),
            }
        }
        Ok(())
    }
}

/// Declares and zeroes the effect variables of one body.
pub fn effects(b: &mut FunctionBuilder<'_>) -> Effects {
    let fx = Effects {
        emitted: b.declare_var(types::I8),
        has_refractory: b.declare_var(types::I8),
        steps: b.declare_var(types::I64),
        mask: b.declare_var(types::I64),
    };
    let (z8, z64) = (b.ins().iconst(types::I8, 0), b.ins().iconst(types::I64, 0));
    b.def_var(fx.emitted, z8);
    b.def_var(fx.has_refractory, z8);
    b.def_var(fx.steps, z64);
    b.def_var(fx.mask, z64);
    fx
}
