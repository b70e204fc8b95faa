//! Bit-true fixed-point arithmetic as hardware: the operations of
//! `scn_runtime::interp::fixed_eval`, each computed exactly at a width that holds every result
//! and re-quantised to the scope's format with its rounding and overflow modes.
//!
//! An intermediate is an [`XVal`]: a signed two's complement net with a number of fractional
//! bits (its value is `raw · 2^-frac`), tagged as an exact integer (`int`) or a value of the
//! format, because the evaluator treats the two differently (`int + int` stays exact, any
//! other mix is re-quantised).

use crate::builder::{ModuleBuilder, konst, signed_width};
use crate::ir::{Pred, Value};
use scn_runtime::fixed::{Overflow, Rounding};
use scn_runtime::ir::FixedSpec;

/// Width of an `int` state in hardware: the interpreter's integers are exact (i128); stored
/// integers wrap at this width (documented in docs/hardware.md).
pub const INT_WIDTH: u32 = 32;

/// Widest exact intermediate the lowering builds; wider integer expressions wrap here.
pub const MAX_WIDTH: u32 = 96;

/// A signed intermediate value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XVal {
    /// The net (read as signed).
    pub v: Value,
    /// Fractional bits.
    pub frac: u32,
    /// An exact integer (`FVal::Int`) rather than a value of the format.
    pub int: bool,
}

/// The format and modes of a precision scope, as hardware sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fmt {
    /// Two's complement (`fix`) or unsigned (`ufix`).
    pub signed: bool,
    /// Storage width W.
    pub width: u32,
    /// Fractional bits F.
    pub frac: u32,
    /// Overflow mode (saturate or wrap; trap is refused by the lowering).
    pub overflow: Overflow,
    /// Rounding mode (not stochastic; refused by the lowering).
    pub rounding: Rounding,
}

impl Fmt {
    /// The hardware view of a scope.
    pub fn new(spec: &FixedSpec) -> Self {
        Fmt {
            signed: spec.signed,
            width: spec.width,
            frac: spec.frac,
            overflow: spec.overflow,
            rounding: spec.rounding,
        }
    }

    /// Smallest raw value.
    pub fn min_raw(&self) -> i128 {
        if self.signed { -(1i128 << (self.width - 1)) } else { 0 }
    }

    /// Largest raw value.
    pub fn max_raw(&self) -> i128 {
        if self.signed { (1i128 << (self.width - 1)) - 1 } else { (1i128 << self.width) - 1 }
    }
}

/// Arithmetic over one module builder in one format.
pub struct Arith<'b> {
    /// The module being built.
    pub b: &'b mut ModuleBuilder,
    /// The format.
    pub fmt: Fmt,
}

impl Arith<'_> {
    fn w(&self, v: Value) -> u32 {
        self.b.width(v)
    }

    /// A value of the format from its storage bits (W bits; zero-extended for `ufix`).
    pub fn from_storage(&mut self, raw: Value) -> XVal {
        let v = if self.fmt.signed { raw } else { self.b.zext("u", raw, self.fmt.width + 1) };
        XVal { v, frac: self.fmt.frac, int: false }
    }

    /// An `int` slot's value (INT_WIDTH bits, signed).
    pub fn from_int_storage(&self, raw: Value) -> XVal {
        XVal { v: raw, frac: 0, int: true }
    }

    /// A constant of the format by its raw integer.
    pub fn fix_const(&self, raw: i128) -> XVal {
        XVal { v: konst(signed_width(raw, raw), raw), frac: self.fmt.frac, int: false }
    }

    /// An exact integer constant.
    pub fn int_const(&self, n: i128) -> XVal {
        XVal { v: konst(signed_width(n, n), n), frac: 0, int: true }
    }

    /// A truth value (0 or 1) from a 1-bit net.
    pub fn truth(&mut self, bit: Value) -> XVal {
        XVal { v: self.b.zext("t", bit, 2), frac: 0, int: true }
    }

    /// Whether a value is non-zero, as one bit.
    pub fn is_true(&mut self, x: XVal) -> Value {
        if self.w(x.v) == 2
            && let Value::Net(n) = x.v
            && let crate::ir::NetKind::Wire(crate::ir::Op::Concat(parts)) = &self.b.module().nets[n].kind
            && parts.len() == 2
            && parts[0] == konst(1, 0)
        {
            return parts[1];
        }
        let w = self.w(x.v);
        self.b.icmp("nz", Pred::Ne, x.v, konst(w, 0))
    }

    /// Both operands at the same fractional bits and the same width (plus `extra` bits).
    fn align(&mut self, a: XVal, b: XVal, extra: u32) -> (Value, Value, u32) {
        let f = a.frac.max(b.frac);
        let wa = self.w(a.v) + (f - a.frac);
        let wb = self.w(b.v) + (f - b.frac);
        let w = (wa.max(wb) + extra).min(MAX_WIDTH);
        let up = |s: &mut Self, x: XVal| {
            let e = s.b.sext("x", x.v, w);
            s.b.shl("al", e, f - x.frac)
        };
        (up(self, a), up(self, b), f)
    }

    /// `a + b` or `a - b`, exact.
    pub fn exact_addsub(&mut self, a: XVal, b: XVal, sub: bool) -> XVal {
        let (x, y, f) = self.align(a, b, 1);
        let v = if sub { self.b.sub("diff", x, y) } else { self.b.add("sum", x, y) };
        XVal { v, frac: f, int: a.int && b.int }
    }

    /// `a · b`, exact.
    pub fn exact_mul(&mut self, a: XVal, b: XVal) -> XVal {
        let w = (self.w(a.v) + self.w(b.v)).min(MAX_WIDTH);
        let x = self.b.sext("ma", a.v, w);
        let y = self.b.sext("mb", b.v, w);
        let v = self.b.mul("prod", x, y);
        XVal { v, frac: a.frac + b.frac, int: a.int && b.int }
    }

    /// `-a`, exact.
    pub fn exact_neg(&mut self, a: XVal) -> XVal {
        let w = (self.w(a.v) + 1).min(MAX_WIDTH);
        let x = self.b.sext("na", a.v, w);
        let v = self.b.sub("neg", konst(w, 0), x);
        XVal { v, frac: a.frac, int: a.int }
    }

    /// Rounds to `to` fractional bits with the scope's rounding mode (exact when widening).
    pub fn round_to(&mut self, x: XVal, to: u32) -> Value {
        let w = self.w(x.v);
        if x.frac <= to {
            let e = self.b.sext("rw", x.v, (w + to - x.frac).min(MAX_WIDTH));
            return self.b.shl("rw", e, to - x.frac);
        }
        let d = x.frac - to;
        let wide = self.b.sext("rx", x.v, (w + 1).min(MAX_WIDTH));
        let q = self.b.shra("rq", wide, d.min(w));
        let up = match self.fmt.rounding {
            Rounding::Floor | Rounding::Stochastic => return q,
            Rounding::NearestEven | Rounding::NearestAway => {
                let r = self.b.extract("rr", x.v, 0, d.min(w));
                let rw = self.b.width(r);
                let half = konst(rw, 1i128 << (d.min(w) - 1));
                let above = self.b.icmp("rgt", Pred::Ult, half, r);
                let tie = self.b.icmp("rtie", Pred::Eq, r, half);
                let tie_up = if self.fmt.rounding == Rounding::NearestEven {
                    self.b.extract("rodd", q, 0, 1)
                } else {
                    let sign = self.b.extract("rsign", x.v, w - 1, 1);
                    self.b.not("rpos", sign)
                };
                let t = self.b.and("rtu", tie, tie_up);
                self.b.or("rup", above, t)
            }
        };
        let qw = self.w(q);
        let inc = self.b.zext("rinc", up, qw);
        self.b.add("rnd", q, inc)
    }

    /// Re-quantises an exact value into the format: storage bits (W wide).
    pub fn requant(&mut self, x: XVal) -> Value {
        let y = self.round_to(x, self.fmt.frac);
        self.fit(y)
    }

    /// Applies the overflow mode to a raw value already at F fractional bits.
    pub fn fit(&mut self, y: Value) -> Value {
        let width = self.fmt.width;
        let need = if self.fmt.signed { width } else { width + 1 };
        let wy = self.w(y);
        if wy <= need && self.fmt.signed {
            return self.b.sext("fit", y, width);
        }
        if self.fmt.overflow == Overflow::Wrap {
            return self.b.extract("wrap", y, 0, width);
        }
        let wc = wy.max(width + 1);
        let yc = self.b.sext("fy", y, wc);
        let (lo, hi) = (self.fmt.min_raw(), self.fmt.max_raw());
        let over = self.b.icmp("ovf", Pred::Sgt, yc, konst(wc, hi));
        let under = self.b.icmp("unf", Pred::Slt, yc, konst(wc, lo));
        let low = self.b.extract("fitl", yc, 0, width);
        let clamped = self.b.mux("satl", under, konst(width, lo), low);
        self.b.mux("sat", over, konst(width, hi), clamped)
    }

    /// A value rounded to an integer with the rounding mode (`Quant::to_int`), INT_WIDTH bits.
    pub fn to_int_storage(&mut self, x: XVal) -> Value {
        let v = if x.int { x.v } else { self.round_to(x, 0) };
        self.b.sext("int", v, INT_WIDTH)
    }

    /// A value brought into a `fix` slot (`Quant::to_fix`): storage bits.
    pub fn to_fix_storage(&mut self, x: XVal) -> Value {
        if !x.int && x.frac == self.fmt.frac {
            // In-format values are stored as they are.
            let need = if self.fmt.signed { self.fmt.width } else { self.fmt.width + 1 };
            if self.w(x.v) <= need {
                return self.b.extract("st", x.v, 0, self.fmt.width);
            }
        }
        self.requant(x)
    }

    /// A re-quantised value as an intermediate of the format.
    pub fn requant_x(&mut self, x: XVal) -> XVal {
        let s = self.requant(x);
        self.from_storage(s)
    }

    /// Compares two values exactly.
    pub fn cmp(&mut self, p: Pred, a: XVal, b: XVal) -> Value {
        let (x, y, _) = self.align(a, b, 0);
        self.b.icmp("cmp", p, x, y)
    }

    /// `if c then a else b` over values of the same kind.
    pub fn select(&mut self, c: Value, a: XVal, b: XVal) -> XVal {
        let (x, y, f) = self.align(a, b, 0);
        XVal { v: self.b.mux("sel", c, x, y), frac: f, int: a.int }
    }
}
