//! Code generation primitives of fixed-point kernels: raw `i128` values with a kind known when
//! compiling, re-quantisation (rounding, then the overflow mode) inline, stochastic-rounding
//! draws, slow operations through [`scn_fx_slow`] and faults.
//!
//! Every value carries a bound (`|raw| ≤ 2^bits`) so that exact intermediates are computed
//! inline only when they provably fit in `i128`; anything else goes to the interpreter's own
//! code through [`scn_fx_slow`], which also reports the interpreter's faults.

use super::abi::{CallField, FaultKind, FxField, SlowOp, scn_fx_draw, scn_fx_emit, scn_fx_fault, scn_fx_slow};
use crate::expr::Unsupported;
use cranelift::codegen::ir::{MemFlagsData, SigRef, StackSlot};
use cranelift::prelude::*;
use scn_runtime::fixed::{Overflow, Rounding};
use scn_runtime::interp::fixed_eval::Phase;
use scn_runtime::ir::FixedSpec;

/// A value of a precision scope in a kernel.
#[derive(Clone, Copy, Debug)]
pub struct Fx {
    /// An exact integer (`FVal::Int`) rather than a value of the format (`FVal::Fix`).
    pub int: bool,
    /// The raw integer (`i128`).
    pub v: Value,
    /// A bound on the raw integer: `|raw| ≤ 2^bits` (127 when unknown).
    pub bits: u32,
    /// Whether the raw integer is known to lie inside the format.
    pub in_fmt: bool,
    /// When the kind is only known at run time (an `if` or `min` choosing between an integer
    /// and a fixed-point value): an i8 that is 1 for an integer; `int` is then meaningless.
    pub dynk: Option<Value>,
}

impl Fx {
    /// An exact integer with `|raw| ≤ 2^bits`.
    pub fn integer(v: Value, bits: u32) -> Fx {
        Fx { int: true, v, bits, in_fmt: false, dynk: None }
    }

    /// A value of statically known kind.
    pub fn of(int: bool, v: Value, bits: u32, in_fmt: bool) -> Fx {
        Fx { int, v, bits, in_fmt: in_fmt && !int, dynk: None }
    }
}

/// The least `b` with `|v| ≤ 2^b`.
pub fn bits_of(v: i128) -> u32 {
    let a = v.unsigned_abs();
    if a <= 1 { 0 } else { 128 - (a - 1).leading_zeros() }
}

/// Memory flags of kernel loads and stores.
pub fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// The helper signatures of a fixed-point kernel.
#[derive(Clone, Copy)]
pub struct FxSigs {
    slow: SigRef,
    draw: SigRef,
    fault: SigRef,
    emit: SigRef,
}

impl FxSigs {
    /// Imports the helper signatures into the current function.
    pub fn import(b: &mut FunctionBuilder<'_>, ptr: Type, call_conv: isa::CallConv) -> FxSigs {
        let sig = |params: &[Type], ret: Option<Type>| {
            let mut s = Signature::new(call_conv);
            s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
            s.returns.extend(ret.map(AbiParam::new));
            s
        };
        FxSigs {
            slow: b.import_signature(sig(&[ptr], Some(types::I64))),
            draw: b.import_signature(sig(&[types::I64; 4], Some(types::I64))),
            fault: b.import_signature(sig(&[ptr, types::I64, types::I64, types::I64, types::I64], None)),
            emit: b.import_signature(sig(&[ptr, types::I64], None)),
        }
    }
}

/// The generator of one element's fixed-point code.
pub struct FxGen<'a, 'b> {
    /// The function being built.
    pub b: &'a mut FunctionBuilder<'b>,
    /// The pointer type.
    pub ptr: Type,
    /// Helper signatures.
    pub sigs: FxSigs,
    /// The precision.
    pub spec: FixedSpec,
    /// Its address (owned by the compiled model).
    pub spec_addr: usize,
    /// The argument block.
    pub args: Value,
    /// The network seed, the step, the element's draw entity (i64s).
    pub seed: Value,
    /// The step.
    pub step: Value,
    /// The element's draw entity.
    pub entity: Value,
    /// The phase numbering this code's draws.
    pub phase: Phase,
    /// The draw counter of the phase (i64).
    pub counter: Variable,
    /// Where a fault or failed invariant leaves the element loop.
    pub fail: Block,
    /// The block of slow calls.
    pub call: StackSlot,
}

impl FxGen<'_, '_> {
    /// An `i128` constant.
    pub fn c128(&mut self, v: i128) -> Value {
        if let Ok(small) = i64::try_from(v) {
            let x = self.b.ins().iconst(types::I64, small);
            return self.b.ins().sextend(types::I128, x);
        }
        let lo = self.b.ins().iconst(types::I64, v as u64 as i64);
        let hi = self.b.ins().iconst(types::I64, (v >> 64) as u64 as i64);
        self.b.ins().iconcat(lo, hi)
    }

    /// `if c { a } else { b }` on `i128`s, as bit masks: Cranelift turns a `select` of a
    /// comparison into `smin`/`smax`, which it cannot lower for `i128` on x86-64.
    pub fn sel(&mut self, c: Value, a: Value, b: Value) -> Value {
        let one = self.b.ins().uextend(types::I128, c);
        let mask = self.b.ins().ineg(one);
        let x = self.b.ins().bxor(a, b);
        let x = self.b.ins().band(x, mask);
        self.b.ins().bxor(b, x)
    }

    /// An i64 constant.
    pub fn c64(&mut self, v: i64) -> Value {
        self.b.ins().iconst(types::I64, v)
    }

    /// Loads field `f` of the argument block.
    pub fn field(&mut self, ty: Type, f: FxField) -> Value {
        self.b.ins().load(ty, flags(), self.args, f.offset())
    }

    /// `x << k` for a constant k.
    pub fn shl(&mut self, x: Value, k: u32) -> Value {
        if k == 0 {
            return x;
        }
        let k = self.c64(i64::from(k));
        self.b.ins().ishl(x, k)
    }

    /// `x >> k` (arithmetic) for a constant k.
    pub fn sar(&mut self, x: Value, k: u32) -> Value {
        if k == 0 {
            return x;
        }
        let k = self.c64(i64::from(k));
        self.b.ins().sshr(x, k)
    }

    /// The bound of a value of the format.
    pub fn fmt_bits(&self) -> u32 {
        if self.spec.signed { self.spec.width - 1 } else { self.spec.width }
    }

    /// A value of the format computed by the kernel.
    pub fn fix(&self, v: Value) -> Fx {
        Fx::of(false, v, self.fmt_bits(), true)
    }

    /// The random bits of the next stochastic rounding (`Quant::rand`).
    fn draw(&mut self) -> Value {
        let k = self.b.use_var(self.counter);
        let next = self.b.ins().iadd_imm_s(k, 1);
        self.b.def_var(self.counter, next);
        let low = self.b.ins().band_imm_s(k, 0x00FF_FFFF);
        let draw = self.b.ins().bor_imm_s(low, (self.phase as i64) << 24);
        let f = self.c64(scn_fx_draw as *const () as usize as i64);
        let call = self.b.ins().call_indirect(self.sigs.draw, f, &[self.seed, self.entity, self.step, draw]);
        self.b.inst_results(call)[0]
    }

    /// Records fault `kind` of the exact value `raw · 2^-frac` and leaves the element loop.
    pub fn fault(&mut self, kind: FaultKind, raw: Value, frac: u32) {
        let slot = self.field(self.ptr, FxField::Fault);
        let (lo, hi) = self.b.ins().isplit(raw);
        let kind = self.c64(kind as i64);
        let frac = self.c64(i64::from(frac));
        let f = self.c64(scn_fx_fault as *const () as usize as i64);
        self.b.ins().call_indirect(self.sigs.fault, f, &[slot, kind, lo, hi, frac]);
        self.b.ins().jump(self.fail, &[]);
    }

    /// Continues in a fresh block when `bad` (an i8) is false; otherwise raises fault `kind`
    /// of `raw · 2^-frac`.
    pub fn fault_if(&mut self, bad: Value, kind: FaultKind, raw: Value, frac: u32) {
        let (faulty, ok) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(bad, faulty, &[], ok, &[]);
        self.b.switch_to_block(faulty);
        self.fault(kind, raw, frac);
        self.b.switch_to_block(ok);
    }

    /// Appends a spike of `neuron` (i64).
    pub fn emit_spike(&mut self, neuron: Value) {
        let f = self.c64(scn_fx_emit as *const () as usize as i64);
        self.b.ins().call_indirect(self.sigs.emit, f, &[self.args, neuron]);
    }

    /// The i8 that is 1 when `x` is an integer.
    pub fn kind(&mut self, x: &Fx) -> Value {
        match x.dynk {
            Some(k) => k,
            None => self.b.ins().iconst(types::I8, i64::from(x.int)),
        }
    }

    /// Runs a slow operation on `x` and `y`; the result is an integer when `int` is
    /// `Some(true)`, a value of the format when `Some(false)`, of the kind the interpreter
    /// chose (known at run time) when `None`.
    pub fn slow(&mut self, op: SlowOp, x: &Fx, y: &Fx, int: Option<bool>) -> Fx {
        let at = |f: CallField| f.offset();
        let put = |g: &mut Self, v: Value, f: CallField| {
            g.b.ins().stack_store(g.ptr, v, g.call, at(f));
        };
        let spec = self.c64(self.spec_addr as i64);
        put(self, spec, CallField::Spec);
        put(self, self.seed, CallField::Seed);
        put(self, self.entity, CallField::Entity);
        put(self, self.step, CallField::Step);
        let phase = self.c64(self.phase as i64);
        put(self, phase, CallField::Phase);
        let k = self.b.use_var(self.counter);
        put(self, k, CallField::Counter);
        let opv = self.c64(op as i64);
        put(self, opv, CallField::Op);
        for (v, (fk, fl, fh)) in [x, y].into_iter().zip([
            (CallField::XKind, CallField::XLo, CallField::XHi),
            (CallField::YKind, CallField::YLo, CallField::YHi),
        ]) {
            // The call's kinds: 0 an integer, 1 a value of the format.
            let is_int = self.kind(v);
            let fix = self.b.ins().bxor_imm_s(is_int, 1);
            let kv = self.b.ins().uextend(types::I64, fix);
            put(self, kv, fk);
            let (lo, hi) = self.b.ins().isplit(v.v);
            put(self, lo, fl);
            put(self, hi, fh);
        }
        let slot = self.field(self.ptr, FxField::Fault);
        put(self, slot, CallField::Fault);
        let addr = self.b.ins().stack_addr(self.ptr, self.call, 0);
        let f = self.c64(scn_fx_slow as *const () as usize as i64);
        let call = self.b.ins().call_indirect(self.sigs.slow, f, &[addr]);
        let failed = self.b.inst_results(call)[0];
        let ok = self.b.create_block();
        self.b.ins().brif(failed, self.fail, &[], ok, &[]);
        self.b.switch_to_block(ok);
        let k = self.b.ins().stack_load(self.ptr, types::I64, self.call, at(CallField::Counter));
        self.b.def_var(self.counter, k);
        let lo = self.b.ins().stack_load(self.ptr, types::I64, self.call, at(CallField::XLo));
        let hi = self.b.ins().stack_load(self.ptr, types::I64, self.call, at(CallField::XHi));
        let v = self.b.ins().iconcat(lo, hi);
        match int {
            Some(true) => Fx::integer(v, 127),
            Some(false) => self.fix(v),
            None => {
                let kind = self.b.ins().stack_load(self.ptr, types::I64, self.call, at(CallField::XKind));
                let is_int = self.b.ins().icmp_imm_s(IntCC::Equal, kind, 0);
                Fx { int: false, v, bits: 127, in_fmt: false, dynk: Some(is_int) }
            }
        }
    }

    /// `round_ratio(raw, 2^s, mode, rand)` for `s ≤ 120`.
    pub fn round(&mut self, raw: Value, s: u32, mode: Rounding, rand: Option<Value>) -> Value {
        if s == 0 {
            return raw;
        }
        let q = self.sar(raw, s);
        if mode == Rounding::Floor {
            return q;
        }
        let mask = self.c128((1i128 << s) - 1);
        let r = self.b.ins().band(raw, mask);
        let up = match mode {
            Rounding::NearestEven | Rounding::NearestAway => {
                let half = self.c128(1i128 << (s - 1));
                let above = self.b.ins().icmp(IntCC::SignedGreaterThan, r, half);
                let tie = self.b.ins().icmp(IntCC::Equal, r, half);
                let side = if mode == Rounding::NearestEven {
                    let low = self.b.ins().ireduce(types::I64, q);
                    let odd = self.b.ins().band_imm_s(low, 1);
                    self.b.ins().icmp_imm_s(IntCC::NotEqual, odd, 0)
                } else {
                    let zero = self.c128(0);
                    self.b.ins().icmp(IntCC::SignedGreaterThan, raw, zero)
                };
                let tie_up = self.b.ins().band(tie, side);
                self.b.ins().bor(above, tie_up)
            }
            _ => {
                // ⌊r · 2^64 / 2^s⌋, exactly what `scaled_fraction` computes.
                let frac = if s <= 64 {
                    let low = self.b.ins().ireduce(types::I64, r);
                    if s == 64 {
                        low
                    } else {
                        let k = self.c64(i64::from(64 - s));
                        self.b.ins().ishl(low, k)
                    }
                } else {
                    let hi = self.sar(r, s - 64);
                    self.b.ins().ireduce(types::I64, hi)
                };
                let rand = rand.expect("stochastic rounding draws");
                self.b.ins().icmp(IntCC::UnsignedLessThan, rand, frac)
            }
        };
        let up = self.b.ins().uextend(types::I128, up);
        self.b.ins().iadd(q, up)
    }

    /// The overflow mode on a rounded raw value `v` of the exact value `raw · 2^-frac`;
    /// `fits` (an i8), when given, is false where `v` is only the low 128 bits of a value
    /// beyond `i128` (its sign is then that of `raw`, its low 64 bits are right).
    fn fit(&mut self, v: Value, raw: Value, frac: u32, fits: Option<Value>) -> Value {
        let fmt = self.spec.format();
        let (min, max) = (self.c128(fmt.min_raw()), self.c128(fmt.max_raw()));
        match self.spec.overflow {
            Overflow::Saturate => {
                let below = self.b.ins().icmp(IntCC::SignedLessThan, v, min);
                let s = self.sel(below, min, v);
                let above = self.b.ins().icmp(IntCC::SignedGreaterThan, s, max);
                let s = self.sel(above, max, s);
                match fits {
                    None => s,
                    Some(fits) => {
                        let zero = self.c128(0);
                        let negative = self.b.ins().icmp(IntCC::SignedLessThan, raw, zero);
                        let huge = self.sel(negative, min, max);
                        self.sel(fits, s, huge)
                    }
                }
            }
            Overflow::Wrap => {
                // `wrap_low_bits` of the low 64 bits (the identity inside the format).
                let w = self.spec.width;
                let low = self.b.ins().ireduce(types::I64, v);
                let low = if w < 64 {
                    let k = self.c64(i64::from(64 - w));
                    let up = self.b.ins().ishl(low, k);
                    if self.spec.signed { self.b.ins().sshr(up, k) } else { self.b.ins().ushr(up, k) }
                } else {
                    low
                };
                if self.spec.signed {
                    self.b.ins().sextend(types::I128, low)
                } else {
                    self.b.ins().uextend(types::I128, low)
                }
            }
            Overflow::Trap => {
                let below = self.b.ins().icmp(IntCC::SignedLessThan, v, min);
                let above = self.b.ins().icmp(IntCC::SignedGreaterThan, v, max);
                let mut out = self.b.ins().bor(below, above);
                if let Some(fits) = fits {
                    let huge = self.b.ins().icmp_imm_s(IntCC::Equal, fits, 0);
                    out = self.b.ins().bor(out, huge);
                }
                self.fault_if(out, FaultKind::Overflow, raw, frac);
                v
            }
        }
    }

    /// `Quant::q` of the exact value `raw · 2^-frac` with `|raw| ≤ 2^bits`: one draw (in
    /// stochastic mode), rounding to F bits, the overflow mode.
    pub fn q(&mut self, raw: Value, frac: u32, bits: u32) -> Fx {
        let shift = i64::from(self.spec.frac) - i64::from(frac);
        if shift < -120 {
            let f = self.c128(i128::from(frac));
            let (x, y) = (Fx::of(false, raw, 127, false), Fx::integer(f, 7));
            return self.slow(SlowOp::Requantize, &x, &y, Some(false));
        }
        let rand = (self.spec.rounding == Rounding::Stochastic).then(|| self.draw());
        let (y, fits) = if shift >= 0 {
            let y = self.shl(raw, shift as u32);
            // Beyond i128 only when the bound does not rule it out.
            let fits = (i64::from(bits) + shift > 126).then(|| {
                let back = self.sar(y, shift as u32);
                self.b.ins().icmp(IntCC::Equal, back, raw)
            });
            (y, fits)
        } else {
            (self.round(raw, (-shift) as u32, self.spec.rounding, rand), None)
        };
        let v = self.fit(y, raw, frac, fits);
        self.fix(v)
    }

    /// `x << k` for a constant k, faulting (`TooWide`) when it leaves `i128` (`shl_checked`).
    pub fn checked_shl(&mut self, x: Value, k: u32) -> Value {
        let y = self.shl(x, k);
        let back = self.sar(y, k);
        let bad = self.b.ins().icmp(IntCC::NotEqual, back, x);
        self.fault_if(bad, FaultKind::TooWide, x, 0);
        y
    }

    /// `a + b` (or `a − b`), faulting (`TooWide`) when it leaves `i128`.
    pub fn checked_add(&mut self, a: Value, b: Value, sub: bool) -> Value {
        let r = if sub { self.b.ins().isub(a, b) } else { self.b.ins().iadd(a, b) };
        // Signed overflow: the operands' signs (b's flipped for `−`) agree and r's differs.
        let ar = self.b.ins().bxor(a, r);
        let other = if sub { self.b.ins().bxor(a, b) } else { self.b.ins().bxor(b, r) };
        let both = self.b.ins().band(ar, other);
        let zero = self.c128(0);
        let bad = self.b.ins().icmp(IntCC::SignedLessThan, both, zero);
        self.fault_if(bad, FaultKind::TooWide, a, 0);
        r
    }

    /// `Quant::to_fix`: a value brought into a `fix` slot.
    pub fn to_fix(&mut self, x: Fx) -> Fx {
        if x.dynk.is_some() {
            let none = Fx::integer(x.v, 0);
            return self.slow(SlowOp::ToFix, &x, &none, Some(false));
        }
        if x.int {
            return self.q(x.v, 0, x.bits);
        }
        if x.in_fmt {
            return x;
        }
        // Re-quantised (one draw) only when outside the format.
        let fmt = self.spec.format();
        let (min, max) = (self.c128(fmt.min_raw()), self.c128(fmt.max_raw()));
        let below = self.b.ins().icmp(IntCC::SignedLessThan, x.v, min);
        let above = self.b.ins().icmp(IntCC::SignedGreaterThan, x.v, max);
        let out = self.b.ins().bor(below, above);
        let (requant, join) = (self.b.create_block(), self.b.create_block());
        self.b.append_block_param(join, types::I128);
        self.b.ins().brif(out, requant, &[], join, &[x.v.into()]);
        self.b.switch_to_block(requant);
        let q = self.q(x.v, self.spec.frac, x.bits);
        self.b.ins().jump(join, &[q.v.into()]);
        self.b.switch_to_block(join);
        let v = self.b.block_params(join)[0];
        self.fix(v)
    }

    /// `Quant::to_int`: a value brought into an `int` slot (rounded with the rounding mode).
    pub fn to_int(&mut self, x: Fx) -> Fx {
        if x.dynk.is_some() {
            let none = Fx::integer(x.v, 0);
            return self.slow(SlowOp::ToInt, &x, &none, Some(true));
        }
        if x.int {
            return x;
        }
        let f = self.spec.frac;
        let rand = (self.spec.rounding == Rounding::Stochastic).then(|| self.draw());
        let v = self.round(x.v, f, self.spec.rounding, rand);
        Fx::integer(v, (x.bits.saturating_sub(f) + 1).min(127))
    }

    /// A truth value (`FVal::Int` 0 or 1) of an i8 condition.
    pub fn truth(&mut self, c: Value) -> Fx {
        let v = self.b.ins().uextend(types::I128, c);
        Fx::integer(v, 0)
    }

    /// Whether a value is non-zero (an i8).
    pub fn holds(&mut self, x: Fx) -> Value {
        let zero = self.c128(0);
        self.b.ins().icmp(IntCC::NotEqual, x.v, zero)
    }
}

/// Something this lowering leaves to the interpreter.
pub fn unsupported(what: impl Into<String>) -> Unsupported {
    Unsupported(what.into())
}
