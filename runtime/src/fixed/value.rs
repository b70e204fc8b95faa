//! Values stored in a fixed-point format.

use super::error::FixError;
use super::exact::Exact;
use super::format::{Fix, Overflow, Rounding};
use super::quantize::{requantize, requantize_f64};
use std::cmp::Ordering;

/// A value of format `fmt` with raw integer `raw` (always within the format's range); its
/// value is `raw · 2^-F`. `==` compares format and raw; use [`FixVal::cmp_value`] to compare
/// values across formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixVal {
    fmt: Fix,
    raw: i128,
}

impl FixVal {
    /// A value from its raw integer; out of range is [`FixError::OutOfRange`].
    pub fn new(fmt: Fix, raw: i128) -> Result<Self, FixError> {
        if !fmt.contains_raw(raw) {
            return Err(FixError::OutOfRange { raw });
        }
        Ok(FixVal { fmt, raw })
    }

    pub(crate) const fn from_raw_unchecked(fmt: Fix, raw: i128) -> Self {
        FixVal { fmt, raw }
    }

    /// Convert an f64 with the given rounding and overflow modes.
    pub fn from_f64(x: f64, fmt: Fix, rounding: Rounding, overflow: Overflow, rand: u64) -> Result<Self, FixError> {
        requantize_f64(x, fmt, rounding, overflow, rand)
    }

    /// The format.
    pub const fn fmt(&self) -> Fix {
        self.fmt
    }

    /// The raw integer.
    pub const fn raw(&self) -> i128 {
        self.raw
    }

    /// The raw integer as the W-bit two's complement pattern (zero-extended to u64), as it
    /// appears on a hardware bus.
    pub const fn bits(&self) -> u64 {
        let w = self.fmt.width();
        let b = self.raw as u64;
        if w == 64 { b } else { b & ((1u64 << w) - 1) }
    }

    /// The exact value.
    pub const fn exact(&self) -> Exact {
        Exact::new(self.raw, self.fmt.frac())
    }

    /// The value as f64 (exact when |raw| < 2^53; otherwise correctly rounded).
    pub fn to_f64(&self) -> f64 {
        self.exact().to_f64()
    }

    /// Exact sum (re-quantise with [`FixVal::requantize`] or [`requantize`]).
    pub fn checked_add(&self, o: &FixVal) -> Result<Exact, FixError> {
        self.exact().checked_add(o.exact())
    }

    /// Exact difference.
    pub fn checked_sub(&self, o: &FixVal) -> Result<Exact, FixError> {
        self.exact().checked_sub(o.exact())
    }

    /// Exact product.
    pub fn checked_mul(&self, o: &FixVal) -> Result<Exact, FixError> {
        self.exact().checked_mul(o.exact())
    }

    /// Quotient rounded to `frac` fractional bits.
    pub fn div(&self, o: &FixVal, frac: u32, rounding: Rounding, rand: u64) -> Result<Exact, FixError> {
        self.exact().div(o.exact(), frac, rounding, rand)
    }

    /// Exact negation.
    pub fn checked_neg(&self) -> Result<Exact, FixError> {
        self.exact().checked_neg()
    }

    /// Exact absolute value.
    pub fn checked_abs(&self) -> Result<Exact, FixError> {
        self.exact().checked_abs()
    }

    /// `raw << n` in the same format, with `overflow` applied.
    pub fn shl(&self, n: u32, overflow: Overflow) -> Result<FixVal, FixError> {
        requantize(self.exact().checked_shl(n)?, self.fmt, Rounding::Floor, overflow, 0)
    }

    /// `raw >> n` (arithmetic, flooring) in the same format; never overflows.
    pub fn shr(&self, n: u32) -> FixVal {
        FixVal::from_raw_unchecked(self.fmt, self.raw >> n.min(127))
    }

    /// Re-quantise into another format.
    pub fn requantize(&self, fmt: Fix, rounding: Rounding, overflow: Overflow, rand: u64) -> Result<FixVal, FixError> {
        requantize(self.exact(), fmt, rounding, overflow, rand)
    }

    /// Compare values (formats may differ).
    pub fn cmp_value(&self, o: &FixVal) -> Ordering {
        self.exact().cmp(&o.exact())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q88(raw: i128) -> FixVal {
        FixVal::new(Fix::signed(16, 8).unwrap(), raw).unwrap()
    }

    #[test]
    fn q8_8_arithmetic() {
        let f = Fix::signed(16, 8).unwrap();
        let (a, b) = (q88(384), q88(-160)); // 1.5, -0.625
        let sum = a.checked_add(&b).unwrap();
        assert_eq!(requantize(sum, f, Rounding::Floor, Overflow::Trap, 0).unwrap().raw(), 224);
        let prod = a.checked_mul(&b).unwrap(); // -0.9375 exactly at 16 fractional bits
        assert_eq!(prod, Exact::new(-61440, 16));
        assert_eq!(requantize(prod, f, Rounding::NearestEven, Overflow::Trap, 0).unwrap().raw(), -240);
        let q = a.div(&b, 8, Rounding::Floor, 0).unwrap(); // -2.4 -> floor -2.40234375
        assert_eq!(q, Exact::new(-615, 8));
        assert_eq!(a.cmp_value(&b), Ordering::Greater);
        assert_eq!(q88(-1).shr(4).raw(), -1, "arithmetic shift floors");
        assert_eq!(q88(0x4000).shl(1, Overflow::Saturate).unwrap().raw(), 32767);
        assert_eq!(q88(0x4000).shl(1, Overflow::Wrap).unwrap().raw(), -32768);
        assert_eq!(q88(0x4000).shl(1, Overflow::Trap), Err(FixError::Overflow));
        assert_eq!(q88(-32768).checked_abs().unwrap(), Exact::int(128));
        assert_eq!(q88(-2).bits(), 0xFFFE);
        assert_eq!(q88(384).to_f64(), 1.5);
        assert!(FixVal::new(f, 40000).is_err());
        let u = Fix::unsigned(8, 4).unwrap();
        let x = FixVal::new(u, 0xFF).unwrap();
        assert_eq!(x.cmp_value(&q88(0xFF0)), Ordering::Equal, "15.9375 both");
        let r = x.requantize(f, Rounding::Floor, Overflow::Trap, 0).unwrap();
        assert_eq!(r.raw(), 0xFF0);
    }
}
