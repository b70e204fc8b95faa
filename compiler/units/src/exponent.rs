//! Small exact rational exponents for dimensions (`time^(1/2)` for a Wiener increment).

use std::fmt;
use std::ops::Neg;

use serde::Serialize;

use crate::rational::Rational;

/// A dimension exponent `num/den` in lowest terms with `den > 0` and `num != i16::MIN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Exponent {
    num: i16,
    den: i16,
}

/// Greatest common divisor of two magnitudes.
fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Exponent {
    /// The exponent 0.
    pub const ZERO: Exponent = Exponent { num: 0, den: 1 };
    /// The exponent 1.
    pub const ONE: Exponent = Exponent { num: 1, den: 1 };
    /// The exponent 1/2.
    pub const HALF: Exponent = Exponent { num: 1, den: 2 };

    /// An integer exponent for tables; `n` must not be `i16::MIN`.
    pub(crate) const fn int(n: i16) -> Exponent {
        assert!(n != i16::MIN);
        Exponent { num: n, den: 1 }
    }

    /// `num/den` in lowest terms, or `None` if `den` is zero or a part does not fit in `i16`.
    pub fn new(num: i64, den: i64) -> Option<Exponent> {
        if den == 0 {
            return None;
        }
        if num == 0 {
            return Some(Exponent::ZERO);
        }
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        let n = i16::try_from(num.unsigned_abs() / g).ok()?;
        let d = i16::try_from(den.unsigned_abs() / g).ok()?;
        Some(Exponent { num: if (num < 0) != (den < 0) { -n } else { n }, den: d })
    }

    /// The numerator (carries the sign).
    pub const fn num(self) -> i16 {
        self.num
    }

    /// The denominator (always positive).
    pub const fn den(self) -> i16 {
        self.den
    }

    /// Whether the exponent is zero.
    pub const fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the exponent is an integer.
    pub const fn is_integer(self) -> bool {
        self.den == 1
    }

    /// `self + other`, or `None` if the result does not fit.
    pub fn checked_add(self, other: Exponent) -> Option<Exponent> {
        let (a, b, c, d) = (i64::from(self.num), i64::from(self.den), i64::from(other.num), i64::from(other.den));
        Exponent::new(a * d + c * b, b * d)
    }

    /// `self - other`, or `None` if the result does not fit.
    pub fn checked_sub(self, other: Exponent) -> Option<Exponent> {
        self.checked_add(-other)
    }

    /// `self * other`, or `None` if the result does not fit.
    pub fn checked_mul(self, other: Exponent) -> Option<Exponent> {
        Exponent::new(i64::from(self.num) * i64::from(other.num), i64::from(self.den) * i64::from(other.den))
    }

    /// The exact value as a [`Rational`].
    pub fn to_rational(self) -> Rational {
        Rational::new(i128::from(self.num), i128::from(self.den)).unwrap_or(Rational::ZERO)
    }

    /// A rational as an exponent, or `None` if it does not fit.
    pub fn from_rational(r: Rational) -> Option<Exponent> {
        Exponent::new(i64::try_from(r.num()).ok()?, i64::try_from(r.den()).ok()?)
    }
}

impl Neg for Exponent {
    type Output = Exponent;

    fn neg(self) -> Exponent {
        Exponent { num: -self.num, den: self.den }
    }
}

impl fmt::Display for Exponent {
    /// `2`, `-1`, `1/2`, `-3/2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 { write!(f, "{}", self.num) } else { write!(f, "{}/{}", self.num, self.den) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_checks_range() {
        assert_eq!(Exponent::new(2, -4), Some(Exponent { num: -1, den: 2 }));
        assert_eq!(Exponent::new(0, 5), Some(Exponent::ZERO));
        assert_eq!(Exponent::new(1, 0), None);
        assert_eq!(Exponent::new(i64::from(i16::MIN), 1), None);
        assert_eq!(Exponent::new(40_000, 2), Some(Exponent { num: 20_000, den: 1 }));
        assert_eq!(Exponent::int(30_000).checked_add(Exponent::int(30_000)), None);
        assert_eq!(Exponent::HALF.checked_add(Exponent::HALF), Some(Exponent::ONE));
        assert_eq!(Exponent::new(-3, 2).unwrap().to_string(), "-3/2");
        let r = Rational::new(-3, 4).unwrap();
        assert_eq!(Exponent::from_rational(r).unwrap().to_rational(), r);
    }
}
