//! Exact rational numbers for constant folding: every value is kept in lowest terms with a
//! positive denominator, and arithmetic reports overflow instead of wrapping or rounding.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Neg;

use serde::Serialize;

/// An exact rational `num/den`, always normalised: `den > 0`, `gcd(|num|, den) = 1`, and
/// neither part is `i128::MIN` (so negation and `abs` never overflow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Rational {
    num: i128,
    den: i128,
}

/// Greatest common divisor of two magnitudes (`gcd(0, 0) = 0`).
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// `num/den` in lowest terms; `None` if `den` is zero or a part does not fit after
    /// normalisation.
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        Self::from_parts((num < 0) != (den < 0), num.unsigned_abs(), den.unsigned_abs())
    }

    /// A signed ratio of magnitudes, normalised.
    fn from_parts(negative: bool, num: u128, den: u128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        if num == 0 {
            return Some(Rational::ZERO);
        }
        let g = gcd(num, den);
        let (n, d) = (i128::try_from(num / g).ok()?, i128::try_from(den / g).ok()?);
        Some(Rational { num: if negative { -n } else { n }, den: d })
    }

    /// The integer `n`.
    pub const fn from_int(n: i64) -> Rational {
        Rational { num: n as i128, den: 1 }
    }

    /// The numerator (carries the sign).
    pub const fn num(self) -> i128 {
        self.num
    }

    /// The denominator (always positive).
    pub const fn den(self) -> i128 {
        self.den
    }

    /// Whether the value is zero.
    pub const fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Whether the value is an integer.
    pub const fn is_integer(self) -> bool {
        self.den == 1
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Rational) -> Option<Rational> {
        let g = gcd(self.den.unsigned_abs(), other.den.unsigned_abs()) as i128;
        let (bd, dd) = (self.den / g, other.den / g);
        let num = self.num.checked_mul(dd)?.checked_add(other.num.checked_mul(bd)?)?;
        let den = bd.checked_mul(other.den)?;
        Rational::new(num, den)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Rational) -> Option<Rational> {
        self.checked_add(-other)
    }

    /// `self * other`, or `None` on overflow.
    pub fn checked_mul(self, other: Rational) -> Option<Rational> {
        if self.is_zero() || other.is_zero() {
            return Some(Rational::ZERO);
        }
        let g1 = gcd(self.num.unsigned_abs(), other.den.unsigned_abs()) as i128;
        let g2 = gcd(other.num.unsigned_abs(), self.den.unsigned_abs()) as i128;
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Rational::new(num, den)
    }

    /// `self / other`, or `None` on overflow or division by zero.
    pub fn checked_div(self, other: Rational) -> Option<Rational> {
        self.checked_mul(other.recip()?)
    }

    /// `1 / self`, or `None` for zero.
    pub fn recip(self) -> Option<Rational> {
        if self.is_zero() {
            return None;
        }
        Some(if self.num < 0 {
            Rational { num: -self.den, den: -self.num }
        } else {
            Rational { num: self.den, den: self.num }
        })
    }

    /// `self` to an integer power (negative powers take the reciprocal; `0^0 = 1`), or `None`
    /// on overflow or a negative power of zero.
    pub fn checked_pow(self, exp: i32) -> Option<Rational> {
        let base = if exp < 0 { self.recip()? } else { self };
        let e = exp.unsigned_abs();
        // Powers of coprime parts stay coprime; `new` only guards against `i128::MIN`.
        Rational::new(base.num.checked_pow(e)?, base.den.checked_pow(e)?)
    }

    /// The absolute value.
    pub const fn abs(self) -> Rational {
        Rational { num: self.num.abs(), den: self.den }
    }

    /// The sign: -1, 0 or 1.
    pub const fn signum(self) -> i32 {
        self.num.signum() as i32
    }

    /// The largest integer not above the value.
    pub const fn floor(self) -> i128 {
        self.num.div_euclid(self.den)
    }

    /// The smallest integer not below the value.
    pub const fn ceil(self) -> i128 {
        let q = self.num.div_euclid(self.den);
        if self.num.rem_euclid(self.den) == 0 { q } else { q + 1 }
    }

    /// The nearest integer, ties to the even one.
    pub const fn round_half_even(self) -> i128 {
        let q = self.num.div_euclid(self.den);
        let r = self.num.rem_euclid(self.den);
        let rest = self.den - r;
        if r < rest || (r == rest && q % 2 == 0) { q } else { q + 1 }
    }

    /// The nearest `f64`, correctly rounded (ties to even).
    pub fn to_f64(self) -> f64 {
        const EXACT: u128 = 1 << 53;
        let (a, b) = (self.num.unsigned_abs(), self.den.unsigned_abs());
        let magnitude = if a <= EXACT && b <= EXACT {
            // Both parts are exact doubles, so IEEE division rounds correctly.
            a as f64 / b as f64
        } else {
            ratio_to_f64(a, b)
        };
        if self.num < 0 { -magnitude } else { magnitude }
    }

    /// Parses an SCN number spelling exactly: decimal integers with `_` separators, decimal
    /// fractions and exponents (`0.1` is 1/10, `2.5E+4` is 25000), `0x…` and `0b…` integers;
    /// an optional leading sign is accepted. `None` if malformed or out of range.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (negative, body) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let magnitude = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            Self::parse_radix(hex, 16)?
        } else if let Some(bin) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            Self::parse_radix(bin, 2)?
        } else {
            Self::parse_decimal_magnitude(body)?
        };
        Some(if negative { -magnitude } else { magnitude })
    }

    /// Digits (with `_` separators, at least one digit, starting with a digit) in a radix.
    fn parse_radix(digits: &str, radix: u32) -> Option<Rational> {
        if !digits.starts_with(|c: char| c.is_digit(radix)) {
            return None;
        }
        let mut value: i128 = 0;
        for c in digits.chars().filter(|&c| c != '_') {
            let d = c.to_digit(radix)?;
            value = value.checked_mul(i128::from(radix))?.checked_add(i128::from(d))?;
        }
        Some(Rational { num: value, den: 1 })
    }

    /// `int[.frac][(e|E)[+|-]exp]` without a sign.
    fn parse_decimal_magnitude(body: &str) -> Option<Rational> {
        let (mantissa, exp) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mantissa, None),
        };
        let well_formed = |part: &str| {
            part.starts_with(|c: char| c.is_ascii_digit()) && part.chars().all(|c| c.is_ascii_digit() || c == '_')
        };
        if !well_formed(int) || frac.is_some_and(|f| !well_formed(f)) {
            return None;
        }
        let mut power: i64 = match exp {
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                // Exponents beyond this overflow i128 anyway, unless the digits are zero.
                let magnitude: i64 = digits.parse().unwrap_or(i64::MAX / 4).min(i64::MAX / 4);
                if e.starts_with('-') { -magnitude } else { magnitude }
            }
            None => 0,
        };
        let frac = frac.unwrap_or("");
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).filter(|&b| b != b'_').map(|b| b - b'0').collect();
        power -= frac.bytes().filter(|&b| b != b'_').count() as i64;
        // Trailing zeros move into the exponent and leading zeros vanish, so that spellings
        // like `0.500000…0` or `100…0e-40` stay in range.
        let end = digits.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1);
        let start = digits.iter().position(|&d| d != 0).unwrap_or(end);
        if start == end {
            return Some(Rational::ZERO);
        }
        power += (digits.len() - end) as i64;
        let mut value: i128 = 0;
        for &d in &digits[start..end] {
            value = value.checked_mul(10)?.checked_add(i128::from(d))?;
        }
        let scale = Rational::from_int(10).checked_pow(i32::try_from(power).ok()?)?;
        Rational { num: value, den: 1 }.checked_mul(scale)
    }
}

/// Correctly rounded `a / b` for `a, b > 0` of any size, by binary long division: 54
/// significant bits, a sticky bit for the rest, then round half to even.
fn ratio_to_f64(a: u128, b: u128) -> f64 {
    if a == 0 {
        return 0.0;
    }
    let q = a / b;
    let mut r = a % b;
    let mut mantissa: u128;
    // The value is `mantissa * 2^low` plus a remainder below one unit of `low`.
    let mut low: i32;
    let mut sticky = false;
    if q != 0 {
        let bits = 128 - q.leading_zeros() as i32;
        if bits > 54 {
            let shift = bits - 54;
            mantissa = q >> shift;
            sticky = q & ((1u128 << shift) - 1) != 0;
            low = shift;
        } else {
            mantissa = q;
            low = 0;
        }
    } else {
        mantissa = 0;
        low = 0;
    }
    // Next binary digit of the fraction; `r < b <= 2^127`, so doubling never overflows.
    let next_bit = |r: &mut u128| {
        *r <<= 1;
        if *r >= b {
            *r -= b;
            1
        } else {
            0
        }
    };
    while mantissa < (1u128 << 53) {
        mantissa = (mantissa << 1) | next_bit(&mut r);
        low -= 1;
    }
    sticky |= r != 0;
    // Drop the round bit.
    let round = mantissa & 1 == 1;
    mantissa >>= 1;
    low += 1;
    if round && (sticky || mantissa & 1 == 1) {
        mantissa += 1;
        if mantissa == 1u128 << 53 {
            mantissa >>= 1;
            low += 1;
        }
    }
    // `low` lies within about ±300, far inside the normal range, so scaling is exact.
    let scale = f64::from_bits(((low + 1023) as u64) << 52);
    mantissa as f64 * scale
}

impl Neg for Rational {
    type Output = Rational;

    fn neg(self) -> Rational {
        Rational { num: -self.num, den: self.den }
    }
}

impl From<i64> for Rational {
    fn from(n: i64) -> Rational {
        Rational::from_int(n)
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Rational) -> Ordering {
        // Compare integer parts, then the fractional parts by their reciprocals (a continued
        // fraction expansion), so nothing is ever multiplied and nothing overflows.
        let (mut a, mut b, mut c, mut d) = (self.num, self.den, other.num, other.den);
        loop {
            let (qa, ra) = (a.div_euclid(b), a.rem_euclid(b));
            let (qc, rc) = (c.div_euclid(d), c.rem_euclid(d));
            if qa != qc {
                return qa.cmp(&qc);
            }
            match (ra == 0, rc == 0) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {}
            }
            // For positive x, y: cmp(x, y) = cmp(1/y, 1/x).
            (a, b, c, d) = (d, rc, b, ra);
        }
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Rational) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 { write!(f, "{}", self.num) } else { write!(f, "{}/{}", self.num, self.den) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    fn small() -> impl Strategy<Value = Rational> {
        (-1000i128..=1000, 1i128..=1000).prop_map(|(n, d)| r(n, d))
    }

    #[test]
    fn normalises_and_displays() {
        assert_eq!(r(6, -4), r(-3, 2));
        assert_eq!(r(6, -4).to_string(), "-3/2");
        assert_eq!(r(-2, -1).to_string(), "2");
        assert_eq!(r(0, -7), Rational::ZERO);
        assert_eq!(Rational::new(1, 0), None);
        assert_eq!(Rational::new(i128::MIN, 1), None);
        assert_eq!(Rational::new(i128::MIN, 2), Some(r(-(1 << 126), 1)));
        assert_eq!(r(-1, 3).to_string(), "-1/3");
    }

    #[test]
    fn parses_scn_numbers_exactly() {
        let p = |s: &str| Rational::parse_decimal(s);
        assert_eq!(p("42"), Some(r(42, 1)));
        assert_eq!(p("1_000"), Some(r(1000, 1)));
        assert_eq!(p("0.5"), Some(r(1, 2)));
        assert_eq!(p("0.1"), Some(r(1, 10)));
        assert_eq!(p("1e-3"), Some(r(1, 1000)));
        assert_eq!(p("2.5E+4"), Some(r(25000, 1)));
        assert_eq!(p("0xACE1"), Some(r(0xACE1, 1)));
        assert_eq!(p("0b1010"), Some(r(10, 1)));
        assert_eq!(p("-65"), Some(r(-65, 1)));
        assert_eq!(p("0.000"), Some(Rational::ZERO));
        assert_eq!(p("0e999999999999999999999"), Some(Rational::ZERO));
        assert_eq!(p("0.50000000000000000000000000000000000000000000000000"), Some(r(1, 2)));
        assert_eq!(p("1000000000000000000000000000000000000000000000e-43"), Some(r(100, 1)));
        assert_eq!(p("1e38"), Some(r(10i128.pow(38), 1)));
        assert_eq!(p("1e39"), None);
        assert_eq!(p("1e-39"), None);
        assert_eq!(p("1e99999999999999999999"), None);
        for bad in ["", "-", "e3", "1e", "1e+", ".5", "5.", "1.e3", "0x", "0b2", "0xg", "1a", "_1", "1 ", "0x_1"] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rounds_to_integers() {
        let cases = [
            (r(5, 2), 2, 3, 2),
            (r(7, 2), 3, 4, 4),
            (r(-5, 2), -3, -2, -2),
            (r(-7, 3), -3, -2, -2),
            (r(4, 1), 4, 4, 4),
        ];
        for (x, floor, ceil, even) in cases {
            assert_eq!((x.floor(), x.ceil(), x.round_half_even()), (floor, ceil, even), "{x}");
        }
        assert_eq!(r(i128::MAX, 1).ceil(), i128::MAX);
        assert_eq!(r(i128::MAX, 2).round_half_even(), (i128::MAX >> 1) + 1);
    }

    #[test]
    fn arithmetic_reports_overflow() {
        let big = r(i128::MAX, 1);
        assert_eq!(big.checked_add(Rational::ONE), None);
        assert_eq!(big.checked_mul(r(2, 1)), None);
        assert_eq!(big.checked_mul(r(1, 3)), Some(r(i128::MAX, 3)));
        assert_eq!(r(1, 2).checked_pow(-3), Some(r(8, 1)));
        assert_eq!(Rational::ZERO.checked_pow(-1), None);
        assert_eq!(Rational::ZERO.checked_pow(0), Some(Rational::ONE));
        assert_eq!(r(10, 1).checked_pow(39), None);
        assert_eq!(r(-2, 1).checked_pow(127), None);
        assert_eq!(Rational::ONE.checked_div(Rational::ZERO), None);
        assert_eq!(r(3, 10).checked_div(r(1, 10)), Some(r(3, 1)));
    }

    #[test]
    fn orders_without_overflow() {
        let a = r(i128::MAX, i128::MAX - 1);
        let b = r(i128::MAX - 1, i128::MAX - 2);
        assert!(a < b);
        assert!(r(-1, i128::MAX) > r(-1, i128::MAX - 1));
        assert!(r(-1, 3) < Rational::ZERO);
    }

    #[test]
    fn converts_to_f64_correctly_rounded() {
        assert_eq!(r(1, 3).to_f64(), 1.0 / 3.0);
        assert_eq!(r(i128::MAX, 1).to_f64(), i128::MAX as f64);
        assert_eq!(r(-i128::MAX, 1).to_f64(), -(i128::MAX as f64));
        assert_eq!(r(1, i128::MAX).to_f64(), 1.0 / (i128::MAX as f64));
        assert_eq!(ratio_to_f64(1, 3), 1.0 / 3.0);
        assert_eq!(ratio_to_f64(10, 1), 10.0);
        // 2^53 + 1 is a tie that rounds to even; 2^53 + 3 rounds up.
        assert_eq!(ratio_to_f64((1 << 53) + 1, 1), 9007199254740992.0);
        assert_eq!(ratio_to_f64((1 << 53) + 3, 1), 9007199254740996.0);
        // Just above a tie rounds up: 2^53 + 1 + 2^-70 through a large denominator.
        let d = 1u128 << 70;
        assert_eq!(ratio_to_f64((((1 << 53) + 1) << 70) + 1, d), 9007199254740994.0);
    }

    proptest! {
        #[test]
        fn field_laws(a in small(), b in small(), c in small()) {
            let add = |x: Rational, y: Rational| x.checked_add(y).unwrap();
            let mul = |x: Rational, y: Rational| x.checked_mul(y).unwrap();
            prop_assert_eq!(add(a, b), add(b, a));
            prop_assert_eq!(mul(a, b), mul(b, a));
            prop_assert_eq!(add(add(a, b), c), add(a, add(b, c)));
            prop_assert_eq!(mul(mul(a, b), c), mul(a, mul(b, c)));
            prop_assert_eq!(mul(a, add(b, c)), add(mul(a, b), mul(a, c)));
            prop_assert_eq!(a.checked_sub(a), Some(Rational::ZERO));
            prop_assert_eq!(add(a, Rational::ZERO), a);
            prop_assert_eq!(mul(a, Rational::ONE), a);
            if !a.is_zero() {
                prop_assert_eq!(mul(a, a.recip().unwrap()), Rational::ONE);
                prop_assert_eq!(b.checked_div(a).map(|q| mul(q, a)), Some(b));
            }
        }

        #[test]
        fn always_normalised(n in -100_000i128..100_000, d in -100_000i128..100_000, k in 1i128..1000) {
            prop_assume!(d != 0);
            let x = r(n, d);
            prop_assert!(x.den() > 0);
            prop_assert!(n == 0 || gcd(x.num().unsigned_abs(), x.den().unsigned_abs()) == 1);
            prop_assert_eq!(r(n * k, d * k), x);
        }

        #[test]
        fn parses_scientific_spellings(m in 0i64..1_000_000, frac in 0u32..6, e in -12i32..12) {
            // `m` with `frac` digits after the point, times 10^e.
            let digits = format!("{m:0width$}", width = frac as usize + 1);
            let (int, fr) = digits.split_at(digits.len() - frac as usize);
            let text = if frac == 0 { format!("{int}e{e}") } else { format!("{int}.{fr}E{e:+}") };
            let expected = Rational::from_int(m)
                .checked_mul(Rational::from_int(10).checked_pow(e - frac as i32).unwrap())
                .unwrap();
            prop_assert_eq!(Rational::parse_decimal(&text), Some(expected), "{}", text);
        }

        #[test]
        fn order_agrees_with_f64(a in small(), b in small()) {
            prop_assert_eq!(Some(a.cmp(&b)), a.to_f64().partial_cmp(&b.to_f64()));
            prop_assert_eq!(a.to_f64(), a.num() as f64 / a.den() as f64);
        }

        #[test]
        fn rounding_brackets_the_value(a in small()) {
            let (f, c, e) = (Rational::from(a.floor() as i64), Rational::from(a.ceil() as i64), a.round_half_even());
            prop_assert!(f <= a && a < f.checked_add(Rational::ONE).unwrap());
            prop_assert!(c >= a && c.checked_sub(Rational::ONE).unwrap() < a);
            prop_assert!(e == a.floor() || e == a.ceil());
            prop_assert!(a.checked_sub(Rational::from(e as i64)).unwrap().abs() <= r(1, 2));
        }

        #[test]
        fn large_values_round_like_the_integer_conversion(n in any::<i128>(), k in 0u32..127) {
            prop_assume!(n != i128::MIN);
            // Dividing by a power of two is exact in f64, so the reference is `n as f64 / 2^k`.
            let x = Rational::new(n, 1i128 << k).unwrap();
            prop_assert_eq!(x.to_f64(), n as f64 / (1u128 << k) as f64);
        }

        #[test]
        fn long_division_rounds_to_nearest_even(a in 1u128..(1 << 64), b in 1u128..(1 << 64)) {
            // f = m·2^e exactly; a/b must lie between the midpoints to its neighbours, and on a
            // midpoint only if m is even.
            let f = ratio_to_f64(a, b);
            let bits = f.to_bits();
            let m = i128::from((bits & ((1 << 52) - 1)) | (1 << 52));
            let e = ((bits >> 52) & 0x7ff) as i32 - 1075;
            let at = |k: i128| if e >= 1 { r(k << (e - 1), 1) } else { r(k, 1 << (1 - e)) };
            let (below, above) = (at(2 * m - 1), at(2 * m + 1));
            let x = r(a as i128, b as i128);
            prop_assert!(below <= x && x <= above, "{} / {} -> {}", a, b, f);
            if x == below || x == above {
                prop_assert_eq!(m % 2, 0);
            }
        }

        #[test]
        fn long_division_matches_ieee_on_exact_parts(a in 1u128..(1 << 53), b in 1u128..(1 << 53)) {
            prop_assert_eq!(ratio_to_f64(a, b), a as f64 / b as f64);
        }
    }
}
