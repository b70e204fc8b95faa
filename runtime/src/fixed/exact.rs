//! Exact fixed-point intermediates: `raw · 2^-frac` in an i128.

use super::error::FixError;
use super::format::Rounding;
use super::round::{round_ratio, round_shift};
use std::cmp::Ordering;

/// An exact dyadic value `raw · 2^-frac`. Equality and ordering are by value, so
/// `Exact::new(1, 1) == Exact::new(2, 2)`.
#[derive(Clone, Copy, Debug)]
pub struct Exact {
    raw: i128,
    frac: u32,
}

fn shl_checked(x: i128, s: u32) -> Result<i128, FixError> {
    if x == 0 {
        return Ok(0);
    }
    if s >= 127 {
        return Err(FixError::ExactOverflow);
    }
    let y = x << s;
    if y >> s != x {
        return Err(FixError::ExactOverflow);
    }
    Ok(y)
}

impl Exact {
    /// The value `raw · 2^-frac`.
    pub const fn new(raw: i128, frac: u32) -> Self {
        Exact { raw, frac }
    }

    /// An integer.
    pub const fn int(v: i128) -> Self {
        Exact { raw: v, frac: 0 }
    }

    /// The raw integer.
    pub const fn raw(&self) -> i128 {
        self.raw
    }

    /// The number of fractional bits.
    pub const fn frac(&self) -> u32 {
        self.frac
    }

    /// Both operands' raw integers at the larger fraction.
    fn align(self, o: Exact) -> Result<(i128, i128, u32), FixError> {
        let f = self.frac.max(o.frac);
        Ok((shl_checked(self.raw, f - self.frac)?, shl_checked(o.raw, f - o.frac)?, f))
    }

    /// Exact sum.
    pub fn checked_add(self, o: Exact) -> Result<Exact, FixError> {
        let (a, b, f) = self.align(o)?;
        Ok(Exact::new(a.checked_add(b).ok_or(FixError::ExactOverflow)?, f))
    }

    /// Exact difference.
    pub fn checked_sub(self, o: Exact) -> Result<Exact, FixError> {
        let (a, b, f) = self.align(o)?;
        Ok(Exact::new(a.checked_sub(b).ok_or(FixError::ExactOverflow)?, f))
    }

    /// Exact product (fractions add).
    pub fn checked_mul(self, o: Exact) -> Result<Exact, FixError> {
        let raw = self.raw.checked_mul(o.raw).ok_or(FixError::ExactOverflow)?;
        let frac = self.frac.checked_add(o.frac).ok_or(FixError::ExactOverflow)?;
        Ok(Exact::new(raw, frac))
    }

    /// Exact negation.
    pub fn checked_neg(self) -> Result<Exact, FixError> {
        Ok(Exact::new(self.raw.checked_neg().ok_or(FixError::ExactOverflow)?, self.frac))
    }

    /// Exact absolute value.
    pub fn checked_abs(self) -> Result<Exact, FixError> {
        Ok(Exact::new(self.raw.checked_abs().ok_or(FixError::ExactOverflow)?, self.frac))
    }

    /// Exact multiplication by 2^n.
    pub fn checked_shl(self, n: u32) -> Result<Exact, FixError> {
        if self.frac >= n {
            Ok(Exact::new(self.raw, self.frac - n))
        } else {
            Ok(Exact::new(shl_checked(self.raw, n - self.frac)?, 0))
        }
    }

    /// Division by 2^n at the same resolution, flooring (arithmetic shift right of `raw`).
    pub fn shr_floor(self, n: u32) -> Exact {
        Exact::new(self.raw >> n.min(127), self.frac)
    }

    /// The quotient `self / o` rounded to `frac` fractional bits with `mode`
    /// (`rand` feeds [`Rounding::Stochastic`]).
    pub fn div(self, o: Exact, frac: u32, mode: Rounding, rand: u64) -> Result<Exact, FixError> {
        if o.raw == 0 {
            return Err(FixError::DivByZero);
        }
        // self/o = (a / 2^fa) / (b / 2^fb); raw result = a · 2^(frac + fb − fa) / b.
        let e = i64::from(frac) + i64::from(o.frac) - i64::from(self.frac);
        let (n, d) = if e >= 0 {
            (shl_checked(self.raw, e as u32)?, o.raw)
        } else {
            (self.raw, shl_checked(o.raw, (-e) as u32)?)
        };
        Ok(Exact::new(round_ratio(n, d, mode, rand)?, frac))
    }

    /// Round to `frac` fractional bits (exact if `frac` is not smaller).
    pub fn round_to(self, frac: u32, mode: Rounding, rand: u64) -> Result<Exact, FixError> {
        if frac >= self.frac {
            Ok(Exact::new(shl_checked(self.raw, frac - self.frac)?, frac))
        } else {
            Ok(Exact::new(round_shift(self.raw, self.frac - frac, mode, rand)?, frac))
        }
    }

    /// The nearest f64 (`raw` rounded to nearest-even, then scaled by an exact power of two;
    /// exact whenever |raw| < 2^53 and the result is not subnormal).
    pub fn to_f64(self) -> f64 {
        let mut x = self.raw as f64;
        let mut f = self.frac;
        while f > 0 {
            let step = f.min(1000);
            x *= 2f64.powi(-(step as i32));
            f -= step;
        }
        x
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        match self.align(*other) {
            Ok((a, b, _)) => a.cmp(&b),
            // The operand that overflowed when aligned is the larger in magnitude.
            Err(_) => {
                let (big, sign) =
                    if self.frac < other.frac { (true, self.raw.signum()) } else { (false, other.raw.signum()) };
                match (big, sign > 0) {
                    (true, true) | (false, false) => Ordering::Greater,
                    _ => Ordering::Less,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn arithmetic_is_exact() {
        let a = Exact::new(3, 1); // 1.5
        let b = Exact::new(5, 3); // 0.625
        assert_eq!(a.checked_add(b).unwrap(), Exact::new(17, 3));
        assert_eq!(a.checked_sub(b).unwrap(), Exact::new(7, 3));
        assert_eq!(a.checked_mul(b).unwrap(), Exact::new(15, 4));
        assert_eq!(b.checked_neg().unwrap().checked_abs().unwrap(), b);
        assert_eq!(a.checked_shl(3).unwrap(), Exact::int(12));
        assert_eq!(Exact::new(-3, 0).shr_floor(1), Exact::int(-2), "floor");
        assert!(Exact::int(i128::MIN).checked_neg().is_err());
        assert!(Exact::int(1).checked_add(Exact::new(1, 127)).is_err());
        assert_eq!(Exact::int(1), Exact::new(4, 2));
        assert!(Exact::new(-1, 0) < Exact::new(1, 200));
    }

    #[test]
    fn division() {
        let one_third = Exact::int(1).div(Exact::int(3), 8, Rounding::NearestEven, 0).unwrap();
        assert_eq!(one_third, Exact::new(85, 8));
        let q = Exact::new(-7, 1).div(Exact::new(1, 2), 0, Rounding::Floor, 0).unwrap();
        assert_eq!(q, Exact::int(-14));
        assert_eq!(Exact::int(1).div(Exact::int(0), 4, Rounding::Floor, 0), Err(FixError::DivByZero));
        // 2^-10 / 2^10 at frac 24 = 2^-20 exactly, via a shifted denominator.
        let q = Exact::new(1, 10).div(Exact::int(1024), 24, Rounding::Floor, 0).unwrap();
        assert_eq!(q, Exact::new(16, 24));
    }

    #[test]
    fn ordering_across_overflowing_alignment() {
        let huge = Exact::int(1 << 100);
        let tiny = Exact::new(1, 100);
        assert!(huge > tiny);
        assert!(huge.checked_neg().unwrap() < tiny);
        assert!(tiny < huge);
        assert!(tiny > huge.checked_neg().unwrap());
    }

    proptest! {
        #[test]
        fn division_brackets_the_quotient(a in -(1i128 << 40)..(1i128 << 40), fa in 0u32..20,
                                          b in prop_oneof![-(1i128 << 30)..-1, 1i128..(1i128 << 30)], fb in 0u32..20,
                                          frac in 0u32..24) {
            let (x, y) = (Exact::new(a, fa), Exact::new(b, fb));
            let q = x.div(y, frac, Rounding::Floor, 0).unwrap();
            let ulp = Exact::new(1, frac);
            // q ≤ x/y < q + ulp, checked as products with the sign of y.
            let lo = q.checked_mul(y).unwrap();
            let hi = q.checked_add(ulp).unwrap().checked_mul(y).unwrap();
            if b > 0 {
                prop_assert!(lo <= x && x < hi);
            } else {
                prop_assert!(lo >= x && x > hi);
            }
        }

        #[test]
        fn order_matches_f64(a in any::<i32>(), fa in 0u32..40, b in any::<i32>(), fb in 0u32..40) {
            let (x, y) = (Exact::new(a.into(), fa), Exact::new(b.into(), fb));
            prop_assert_eq!(Some(x.cmp(&y)), x.to_f64().partial_cmp(&y.to_f64()));
        }
    }
}
