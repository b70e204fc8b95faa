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
    /// Values, one per state slot (solver stages).
    Values(&'s [V]),
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
    /// `&states[i]`: state slot 0 of element `i` (slot `k` is [`Gen::state_off`] bytes on).
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
    /// What is the same for every element and every step of this population.
    pub known: &'a Known,
    /// The pointer fields of the arguments, by [`Field`] position, loaded once per call.
    pub bases: Vec<Value>,
    /// How many consecutive elements (`i`, `i+1`, …) one value holds: 1 (scalar `f64`
    /// values, `i8` truth values) or [`LANES`] (`f64x2` values, `i64x2` all-ones/zero masks).
    pub lanes: u8,
    /// Bytes from one element's params, states and inputs to the next's (the lane stride of
    /// the arrays).
    pub strides: [i32; 3],
}

impl Gen<'_, '_> {
    /// The byte offset of state slot `k` from [`Gen::states`] (states are slot-major).
    pub fn state_off(&self, k: usize) -> Result<i32, Unsupported> {
        (k as u64)
            .checked_mul(self.known.size)
            .and_then(|x| x.checked_mul(8))
            .and_then(|x| i32::try_from(x).ok())
            .ok_or_else(|| {
                Unsupported(format!("state slot {k} of {} elements is beyond 32-bit offsets", self.known.size))
            })
    }
}

/// The lanes of a vector kernel: Cranelift's x86-64 backend has 128-bit vectors, two `f64`.
pub const LANES: u8 = 2;

/// The vector of `f64` lanes.
const FV: Type = types::F64X2;
/// The vector of lane masks.
const MV: Type = types::I64X2;

/// What is the same for every element of a population and every step, found when the
/// population's kernels are compiled: such reads become constants of the kernel.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Per parameter slot: its value when every element has the same (bit for bit).
    pub params: Vec<Option<f64>>,
    /// Per input port: its value when no stimulus ever changes it (a spike port reads 0, a
    /// continuous port its default).
    pub inputs: Vec<Option<f64>>,
    /// The number of elements (states are slot-major, so a slot's offset depends on it).
    pub size: u64,
}

impl Known {
    /// Whether both know the same values, bit for bit (so `0.0` and `-0.0` differ).
    pub fn same(&self, other: &Known) -> bool {
        let bits = |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
        bits(&self.params) == bits(&other.params)
            && bits(&self.inputs) == bits(&other.inputs)
            && self.size == other.size
    }
}

/// Memory flags for the kernel's own arrays: aligned and never trapping.
pub fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Memory flags for vector accesses to the kernel's arrays: never trapping, but only 8-byte
/// aligned.
pub fn vector_flags() -> MemFlagsData {
    let mut f = MemFlagsData::new();
    f.set_notrap();
    f
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

/// A value known when compiling (folded with the interpreter's own f64 operations, so it is
/// the very value the interpreter computes) or computed at run time.
#[derive(Clone, Copy, Debug)]
pub enum V {
    /// Known: a constant of the kernel.
    K(f64),
    /// Computed by the kernel.
    R(Value),
}

/// A truth value, known or computed (an i8 that is 0 or 1).
#[derive(Clone, Copy, Debug)]
pub enum C {
    /// Known.
    K(bool),
    /// Computed.
    R(Value),
}

type Ins2 = fn(&mut FunctionBuilder<'_>, Value, Value) -> Value;

/// The comparisons the JIT generates (a newer one falls back to the interpreter).
const KNOWN_CMP: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge];

impl Gen<'_, '_> {
    /// The value as an SSA value (a constant when known).
    pub fn val(&mut self, v: V) -> Value {
        match v {
            V::K(c) if self.vector() => {
                // A constant-pool vector, which x86 reads straight from memory at its use.
                let bytes: Vec<u8> = (0..self.lanes).flat_map(|_| c.to_le_bytes()).collect();
                let k = self.b.func.dfg.constants.insert(bytes.into());
                self.b.ins().vconst(FV, k)
            }
            V::K(c) => self.b.ins().f64const(c),
            V::R(x) => x,
        }
    }

    /// Whether values are vectors of [`LANES`] elements.
    pub fn vector(&self) -> bool {
        self.lanes != 1
    }

    /// A vector of `ty` lanes (`F64X2` or `I64X2`) from one scalar per lane.
    pub fn from_lanes(&mut self, ty: Type, mut lane: impl FnMut(&mut Self, u8) -> Value) -> Value {
        let first = lane(self, 0);
        let mut v = self.b.ins().scalar_to_vector(ty, first);
        for l in 1..self.lanes {
            let x = lane(self, l);
            v = self.b.ins().insertlane(v, x, l);
        }
        v
    }

    /// Lane `l` of a vector value (the value itself when scalar).
    pub fn lane(&mut self, v: Value, l: u8) -> Value {
        if self.vector() { self.b.ins().extractlane(v, l) } else { v }
    }

    /// The lane mask (all ones where `c` is non-zero) of one `i8` truth value per lane.
    pub fn mask_of(&mut self, mut c: impl FnMut(&mut Self, u8) -> Value) -> Value {
        self.from_lanes(MV, |g, l| {
            let x = c(g, l);
            g.b.ins().bmask(types::I64, x)
        })
    }

    /// An `f64` slot of the element-major array at `base` (the slot's address for lane 0),
    /// `stride` bytes apart per element.
    fn load_slot(&mut self, base: Value, off: i32, stride: i32) -> V {
        if !self.vector() {
            return V::R(self.b.ins().load(types::F64, flags(), base, off));
        }
        if stride == 8 {
            return V::R(self.b.ins().load(FV, vector_flags(), base, off));
        }
        V::R(self.from_lanes(FV, |g, l| g.b.ins().load(types::F64, flags(), base, off + i32::from(l) * stride)))
    }

    /// State slot `k` of the element (of [`Gen::lanes`] consecutive elements: one vector load,
    /// states being slot-major).
    pub fn load_state(&mut self, k: usize) -> Result<V, Unsupported> {
        let off = self.state_off(k)?;
        Ok(self.load_slot(self.states, off, self.strides[1]))
    }

    /// Stores `v` into state slot `k` of the element (of the lanes' elements).
    pub fn store_state(&mut self, k: usize, v: V) -> Result<(), Unsupported> {
        let off = self.state_off(k)?;
        let v = self.val(v);
        let mem = if self.vector() { vector_flags() } else { flags() };
        self.b.ins().store(mem, v, self.states, off);
        Ok(())
    }

    /// The truth value as an i8.
    pub fn cond(&mut self, c: C) -> Value {
        match c {
            C::K(k) if self.vector() => {
                let m = self.b.ins().iconst(types::I64, if k { -1 } else { 0 });
                self.b.ins().splat(MV, m)
            }
            C::K(k) => self.b.ins().iconst(types::I8, i64::from(k)),
            C::R(x) => x,
        }
    }

    fn truth(&mut self, c: C) -> V {
        match c {
            C::K(k) => V::K(if k { 1.0 } else { 0.0 }),
            C::R(_) => self.select(c, V::K(1.0), V::K(0.0)),
        }
    }

    /// `c ? x : y`.
    pub fn select(&mut self, c: C, x: V, y: V) -> V {
        match c {
            C::K(k) => {
                if k {
                    x
                } else {
                    y
                }
            }
            C::R(c) => {
                let (x, y) = (self.val(x), self.val(y));
                if self.vector() {
                    let mut little = MemFlagsData::new();
                    little.set_endianness(codegen::ir::Endianness::Little);
                    let m = self.b.ins().bitcast(FV, little, c);
                    V::R(self.b.ins().bitselect(m, x, y))
                } else {
                    V::R(self.b.ins().select(c, x, y))
                }
            }
        }
    }

    /// A binary f64 operation: `k` when both sides are known, the instruction `r` otherwise.
    pub fn op2(&mut self, a: V, b: V, k: fn(f64, f64) -> f64, r: Ins2) -> V {
        match (a, b) {
            (V::K(x), V::K(y)) => V::K(k(x, y)),
            _ => {
                let (x, y) = (self.val(a), self.val(b));
                V::R(r(self.b, x, y))
            }
        }
    }

    /// `a + b`; adding a known −0 (the exact identity: `x + −0` is `x` for every x) is free.
    pub fn add(&mut self, a: V, b: V) -> V {
        let minus_zero = |v: V| matches!(v, V::K(k) if k.to_bits() == (-0.0f64).to_bits());
        match (a, b) {
            (V::R(_), k) if minus_zero(k) => a,
            (k, V::R(_)) if minus_zero(k) => b,
            _ => self.op2(a, b, |x, y| x + y, |b, x, y| b.ins().fadd(x, y)),
        }
    }

    /// `a - b`.
    pub fn sub(&mut self, a: V, b: V) -> V {
        self.op2(a, b, |x, y| x - y, |b, x, y| b.ins().fsub(x, y))
    }

    /// `a * b`. A known factor goes second, where x86 takes it straight from memory instead
    /// of building it in a register at every use (IEEE multiplication is commutative; only
    /// which NaN payload survives two NaN operands could differ, and a known factor here is
    /// never NaN in a kernel that computes anything).
    pub fn mul(&mut self, a: V, b: V) -> V {
        match (a, b) {
            (V::K(_), V::R(_)) => self.op2(b, a, |x, y| x * y, |b, x, y| b.ins().fmul(x, y)),
            _ => self.op2(a, b, |x, y| x * y, |b, x, y| b.ins().fmul(x, y)),
        }
    }

    /// `a / b`.
    pub fn div(&mut self, a: V, b: V) -> V {
        self.op2(a, b, |x, y| x / y, |b, x, y| b.ins().fdiv(x, y))
    }

    /// A comparison with Rust's semantics (`!=` holds for NaN, the others do not).
    pub fn cmp(&mut self, op: CmpOp, a: V, b: V) -> C {
        if let (V::K(x), V::K(y)) = (a, b) {
            return C::K(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
                #[allow(unreachable_patterns)]
                _ => unreachable!("checked against KNOWN_CMP"),
            });
        }
        let cc = match op {
            CmpOp::Eq => FloatCC::Equal,
            CmpOp::Ne => FloatCC::NotEqual,
            CmpOp::Lt => FloatCC::LessThan,
            CmpOp::Le => FloatCC::LessThanOrEqual,
            CmpOp::Gt => FloatCC::GreaterThan,
            CmpOp::Ge => FloatCC::GreaterThanOrEqual,
            #[allow(unreachable_patterns)]
            _ => unreachable!("checked against KNOWN_CMP"),
        };
        let (x, y) = (self.val(a), self.val(b));
        C::R(self.b.ins().fcmp(cc, x, y))
    }

    /// `a and b` (truth values or lane masks).
    pub fn and(&mut self, a: C, b: C) -> C {
        match (a, b) {
            (C::K(false), _) | (_, C::K(false)) => C::K(false),
            (C::K(true), x) | (x, C::K(true)) => x,
            (C::R(x), C::R(y)) => C::R(self.b.ins().band(x, y)),
        }
    }

    /// `a or b` (truth values or lane masks).
    pub fn or(&mut self, a: C, b: C) -> C {
        match (a, b) {
            (C::K(true), _) | (_, C::K(true)) => C::K(true),
            (C::K(false), x) | (x, C::K(false)) => x,
            (C::R(x), C::R(y)) => C::R(self.b.ins().bor(x, y)),
        }
    }

    fn call_ptr(&mut self, sig: codegen::ir::SigRef, f: usize, args: &[Value]) -> Option<Value> {
        let callee = self.b.ins().iconst(self.ptr, f as i64);
        let call = self.b.ins().call_indirect(sig, callee, args);
        self.b.inst_results(call).first().copied()
    }

    /// A unary helper: called now when the argument is known, by the kernel otherwise.
    pub fn call1(&mut self, f: extern "C" fn(f64) -> f64, x: V) -> V {
        match x {
            V::K(x) => V::K(f(x)),
            V::R(x) => V::R(self.per_lane(|g, l| {
                let x = g.lane(x, l);
                g.call_ptr(g.sigs.f1, f as usize, &[x]).expect("one result")
            })),
        }
    }

    /// A value computed one lane at a time by `lane` (the scalar itself when not a vector).
    fn per_lane(&mut self, mut lane: impl FnMut(&mut Self, u8) -> Value) -> Value {
        if self.vector() { self.from_lanes(FV, lane) } else { lane(self, 0) }
    }

    /// A binary helper: called now when both arguments are known, by the kernel otherwise.
    pub fn call2(&mut self, f: extern "C" fn(f64, f64) -> f64, x: V, y: V) -> V {
        if let (V::K(x), V::K(y)) = (x, y) {
            return V::K(f(x, y));
        }
        let (x, y) = (self.val(x), self.val(y));
        V::R(self.per_lane(|g, l| {
            let (x, y) = (g.lane(x, l), g.lane(y, l));
            g.call_ptr(g.sigs.f2, f as usize, &[x, y]).expect("one result")
        }))
    }

    fn draw(&mut self, normal: bool, site: u16) -> V {
        let f: extern "C" fn(u64, u64, u64, u64) -> f64 =
            if normal { abi::scn_jit_normal } else { abi::scn_jit_uniform };
        let site = self.b.ins().iconst(types::I64, i64::from(site));
        V::R(self.per_lane(|g, l| {
            let entity = g.b.ins().iadd_imm_s(g.entity, i64::from(l));
            let args = [g.seed, entity, g.step, site];
            g.call_ptr(g.sigs.draw, f as usize, &args).expect("one result")
        }))
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
        let h = self.b.ins().f64const(h);
        let f: unsafe extern "C" fn(*mut f64, *mut u8, *const f64, u64, f64) = abi::scn_jit_exact_update;
        self.call_ptr(self.sigs.exact, f as usize, &[cache, valid, a, n, h]);
    }

    /// `&array[(i·stride + k)]` for an 8-byte array field of the arguments.
    pub fn elem_addr(&mut self, f: Field, stride: usize, k: usize, width: i64) -> Value {
        let base = self.bases[f as usize];
        let idx = self.b.ins().imul_imm_s(self.i, stride as i64);
        let idx = self.b.ins().iadd_imm_s(idx, k as i64);
        let off = self.b.ins().imul_imm_s(idx, width);
        self.b.ins().iadd(base, off)
    }

    /// Evaluates `e` as the interpreter's `eval` does.
    pub fn expr(&mut self, e: &Expr, env: &Env<'_>) -> Result<V, Unsupported> {
        #[allow(unreachable_patterns)]
        Ok(match e {
            Expr::Const(c) => V::K(*c),
            Expr::Param(k) => match self.known.params.get(*k as usize).copied().flatten() {
                Some(c) => V::K(c),
                None => self.load_slot(self.params, 8 * i32::from(*k), self.strides[0]),
            },
            Expr::State(k) => match env.states {
                States::Memory => self.load_state(usize::from(*k))?,
                States::Values(v) => *v.get(*k as usize).ok_or_else(|| Unsupported(format!("state slot {k}")))?,
            },
            Expr::Input(k) => match self.known.inputs.get(*k as usize).copied().flatten() {
                Some(c) => V::K(c),
                None => self.load_slot(self.inputs, 8 * i32::from(*k), self.strides[2]),
            },
            Expr::Local(_) if self.vector() => return Err(Unsupported("a handler local in a vector kernel".into())),
            Expr::Local(k) => V::R(self.b.ins().load(types::F64, flags(), self.locals, 8 * i32::from(*k))),
            Expr::Time if self.vector() => V::R(self.b.ins().splat(FV, self.t)),
            Expr::Time => V::R(self.t),
            Expr::Dt => V::K(env.dt),
            Expr::Index => V::R(self.per_lane(|g, l| {
                let i = g.b.ins().iadd_imm_s(g.i, i64::from(l));
                g.b.ins().fcvt_from_uint(types::F64, i)
            })),
            Expr::Neg(x) => match self.expr(x, env)? {
                V::K(c) => V::K(-c),
                V::R(x) => V::R(self.b.ins().fneg(x)),
            },
            Expr::Not(x) => {
                let x = self.expr(x, env)?;
                let c = self.cmp(CmpOp::Eq, x, V::K(0.0));
                self.truth(c)
            }
            Expr::Bin(op, a, b) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                match op {
                    BinOp::Add => self.add(x, y),
                    BinOp::Sub => self.sub(x, y),
                    BinOp::Mul => self.mul(x, y),
                    BinOp::Div => self.div(x, y),
                    BinOp::Rem => self.call2(abi::scn_jit_rem, x, y),
                    BinOp::Pow => self.call2(abi::scn_jit_pow, x, y),
                    BinOp::Shl => self.call2(abi::scn_jit_shl, x, y),
                    BinOp::Shr => self.call2(abi::scn_jit_shr, x, y),
                    #[allow(unreachable_patterns)]
                    other => return Err(Unsupported(format!("operator {other:?}"))),
                }
            }
            Expr::Cmp(op, a, b) => {
                if !KNOWN_CMP.contains(op) {
                    return Err(Unsupported(format!("comparison {op:?}")));
                }
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                let c = self.cmp(*op, x, y);
                self.truth(c)
            }
            Expr::And(..) | Expr::Or(..) => {
                let c = self.truth_of(e, env)?;
                self.truth(c)
            }
            Expr::If(c, a, b) => {
                let c = self.truth_of(c, env)?;
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                self.select(c, x, y)
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
                        let span = self.sub(a[1], a[0]);
                        let m = self.mul(span, u);
                        self.add(a[0], m)
                    }
                    DrawKind::Normal | DrawKind::Lognormal => {
                        let z = self.draw(true, *site);
                        let m = self.mul(a[1], z);
                        let x = self.add(a[0], m);
                        if *kind == DrawKind::Lognormal { self.call1(abi::scn_jit_exp, x) } else { x }
                    }
                    DrawKind::Bernoulli => {
                        let u = self.draw(false, *site);
                        let c = self.cmp(CmpOp::Lt, u, a[0]);
                        self.truth(c)
                    }
                    #[allow(unreachable_patterns)]
                    other => return Err(Unsupported(format!("draw {other:?}"))),
                }
            }
            Expr::Noise { site, sigma } => {
                let s = self.expr(sigma, env)?;
                let z = self.draw(true, *site);
                let m = self.mul(s, z);
                self.mul(m, V::K(env.noise_scale))
            }
            other => return Err(Unsupported(format!("expression {other:?}"))),
        })
    }

    /// `x != 0.0` (true for NaN, as Rust's `!=`).
    pub fn nonzero(&mut self, x: V) -> C {
        self.cmp(CmpOp::Ne, x, V::K(0.0))
    }

    /// Whether `e` holds (`e != 0`): a comparison, `and` or `or` gives its truth value
    /// directly instead of going through 1.0/0.0 (every expression is pure, so evaluating
    /// both sides of `and`/`or` computes what the interpreter computes).
    pub fn truth_of(&mut self, e: &Expr, env: &Env<'_>) -> Result<C, Unsupported> {
        Ok(match e {
            Expr::Cmp(op, a, b) if KNOWN_CMP.contains(op) => {
                let (x, y) = (self.expr(a, env)?, self.expr(b, env)?);
                self.cmp(*op, x, y)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let (x, y) = (self.truth_of(a, env)?, self.truth_of(b, env)?);
                if matches!(e, Expr::And(..)) { self.and(x, y) } else { self.or(x, y) }
            }
            _ => {
                let v = self.expr(e, env)?;
                self.nonzero(v)
            }
        })
    }

    fn call(&mut self, f: Func, args: &[Expr], env: &Env<'_>) -> Result<V, Unsupported> {
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
            Func::Sqrt => match a[0] {
                V::K(x) => V::K(x.sqrt()),
                V::R(x) => V::R(self.b.ins().sqrt(x)),
            },
            Func::Abs => match a[0] {
                V::K(x) => V::K(x.abs()),
                V::R(x) => V::R(self.b.ins().fabs(x)),
            },
            Func::Min | Func::Max => {
                let (start, g): (f64, extern "C" fn(f64, f64) -> f64) = if f == Func::Min {
                    (f64::INFINITY, abi::scn_jit_min)
                } else {
                    (f64::NEG_INFINITY, abi::scn_jit_max)
                };
                let mut acc = V::K(start);
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
            Func::Atan => self.call1(scn_jit_atan, a[0]),
            Func::Tan => self.call1(scn_jit_tan, a[0]),
            Func::Sigmoid => {
                let n = match a[0] {
                    V::K(x) => V::K(-x),
                    V::R(x) => V::R(self.b.ins().fneg(x)),
                };
                let e = self.call1(abi::scn_jit_exp, n);
                self.one_over_one_plus(e)
            }
            Func::Exprel => {
                let x = a[0];
                let ax = match x {
                    V::K(x) => V::K(x.abs()),
                    V::R(x) => V::R(self.b.ins().fabs(x)),
                };
                let small = self.cmp(CmpOp::Lt, ax, V::K(1e-9));
                let half = self.div(x, V::K(2.0));
                let series = self.add(V::K(1.0), half);
                let em1 = self.call1(abi::scn_jit_exp_m1, x);
                let q = self.div(em1, x);
                self.select(small, series, q)
            }
            Func::Boltz => {
                let d = self.sub(a[1], a[0]);
                let q = self.div(d, a[2]);
                let e = self.call1(abi::scn_jit_exp, q);
                self.one_over_one_plus(e)
            }
            Func::Hill => {
                let xn = self.call2(abi::scn_jit_powf, a[0], a[2]);
                let kn = self.call2(abi::scn_jit_powf, a[1], a[2]);
                let s = self.add(xn, kn);
                self.div(xn, s)
            }
            Func::Heaviside => {
                let x = a[0];
                let pos = self.cmp(CmpOp::Gt, x, V::K(0.0));
                let neg = self.cmp(CmpOp::Lt, x, V::K(0.0));
                let rest = self.select(neg, V::K(0.0), V::K(0.5));
                self.select(pos, V::K(1.0), rest)
            }
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("function {other:?}"))),
        })
    }

    fn one_over_one_plus(&mut self, e: V) -> V {
        let d = self.add(V::K(1.0), e);
        self.div(V::K(1.0), d)
    }

    /// What `x op= v` stores (`x = v` for a plain assignment).
    fn assigned(&mut self, op: AssignOp, x: V, v: V) -> Result<V, Unsupported> {
        Ok(match op {
            AssignOp::Set => v,
            AssignOp::Add => self.add(x, v),
            AssignOp::Sub => self.sub(x, v),
            AssignOp::Mul => self.mul(x, v),
            AssignOp::Div => self.div(x, v),
            #[allow(unreachable_patterns)]
            other => return Err(Unsupported(format!("assignment {other:?}"))),
        })
    }

    /// Runs a handler or condition body as the interpreter's `exec`: states in memory,
    /// `emit`/`refractory` recorded in `fx`.
    pub fn stmts(&mut self, body: &[Stmt], fx: &Effects) -> Result<(), Unsupported> {
        if self.vector() {
            return Err(Unsupported("statements in a vector kernel".into()));
        }
        let env = Env { states: States::Memory, dt: self.net_dt, noise_scale: 1.0 };
        for s in body {
            #[allow(unreachable_patterns)]
            match s {
                Stmt::Assign { state, op, value } => {
                    let v = self.expr(value, &env)?;
                    let x = self.load_state(usize::from(*state))?;
                    let r = self.assigned(*op, x, v)?;
                    self.store_state(usize::from(*state), r)?;
                }
                Stmt::Let { local, value } => {
                    let v = self.expr(value, &env)?;
                    let v = self.val(v);
                    self.b.ins().store(flags(), v, self.locals, 8 * i32::from(*local));
                }
                Stmt::Emit => {
                    let one = self.b.ins().iconst(types::I8, 1);
                    self.b.def_var(fx.emitted, one);
                }
                Stmt::Refractory { duration, in_steps, clamp } => {
                    let d = self.expr(duration, &env)?;
                    let steps = if *in_steps { d } else { self.div(d, V::K(self.net_dt)) };
                    let n = match steps {
                        V::K(s) => self.b.ins().iconst(types::I64, abi::scn_jit_refractory_steps(s)),
                        V::R(s) => {
                            let f: extern "C" fn(f64) -> i64 = abi::scn_jit_refractory_steps;
                            self.call_ptr(self.sigs.refractory, f as usize, &[s]).expect("one result")
                        }
                    };
                    let mask = clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)));
                    let mask = self.b.ins().iconst(types::I64, mask as i64);
                    let one = self.b.ins().iconst(types::I8, 1);
                    self.b.def_var(fx.has_refractory, one);
                    self.b.def_var(fx.steps, n);
                    self.b.def_var(fx.mask, mask);
                }
                Stmt::Deliver(_) => {}
                Stmt::If { cond, then, otherwise } => {
                    let c = self.truth_of(cond, &env)?;
                    let c = self.cond(c);
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

/// arctan x, for `atan(x)`: the interpreter's `f64::atan`, so both engines agree bit for bit.
extern "C" fn scn_jit_atan(x: f64) -> f64 {
    x.atan()
}

/// tan x, for `tan(x)`: the interpreter's `f64::tan`.
extern "C" fn scn_jit_tan(x: f64) -> f64 {
    x.tan()
}
