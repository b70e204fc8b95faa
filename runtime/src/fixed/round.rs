//! Exact rounding of a ratio of integers, the core of every re-quantisation and division.

use super::error::FixError;
use super::format::Rounding;

/// `floor(r · 2^64 / d)` for `0 ≤ r < d` (binary long division).
fn scaled_fraction(r: u128, d: u128) -> u64 {
    let (mut r, mut t) = (r, 0u64);
    for _ in 0..64 {
        r <<= 1;
        let bit = r >= d;
        if bit {
            r -= d;
        }
        t = (t << 1) | u64::from(bit);
    }
    t
}

/// Round the rational `n / d` to an integer with `mode`; `rand` is used only by
/// [`Rounding::Stochastic`]. `d = 0` is [`FixError::DivByZero`].
pub fn round_ratio(n: i128, d: i128, mode: Rounding, rand: u64) -> Result<i128, FixError> {
    if d == 0 {
        return Err(FixError::DivByZero);
    }
    let (n, d) = if d < 0 {
        (n.checked_neg().ok_or(FixError::ExactOverflow)?, d.checked_neg().ok_or(FixError::ExactOverflow)?)
    } else {
        (n, d)
    };
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d); // 0 <= r < d
    let up = match mode {
        Rounding::Floor => false,
        Rounding::NearestEven => {
            let rest = d - r;
            r > rest || (r == rest && q & 1 == 1)
        }
        Rounding::NearestAway => {
            let rest = d - r;
            r > rest || (r == rest && n > 0)
        }
        Rounding::Stochastic => rand < scaled_fraction(r as u128, d as u128),
    };
    if up { q.checked_add(1).ok_or(FixError::ExactOverflow) } else { Ok(q) }
}

/// Round `raw / 2^shift` to an integer (any shift; large shifts keep a sticky bit so every
/// mode stays exact).
pub fn round_shift(raw: i128, shift: u32, mode: Rounding, rand: u64) -> Result<i128, FixError> {
    const MAX: u32 = 120;
    if shift <= MAX {
        return round_ratio(raw, 1i128 << shift, mode, rand);
    }
    let extra = shift - MAX;
    let (hi, sticky) = if extra >= 127 {
        (if raw < 0 { -1 } else { 0 }, raw != 0)
    } else {
        let hi = raw >> extra;
        (hi, (hi << extra) != raw)
    };
    // The sticky bit sits far below the rounding and stochastic-comparison positions.
    round_ratio(hi | i128::from(sticky), 1i128 << MAX, mode, rand)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MODES: [Rounding; 4] = [Rounding::Floor, Rounding::NearestEven, Rounding::NearestAway, Rounding::Stochastic];

    #[test]
    fn ties() {
        let r = |n, d, m| round_ratio(n, d, m, 0).unwrap();
        assert_eq!(r(5, 2, Rounding::NearestEven), 2);
        assert_eq!(r(7, 2, Rounding::NearestEven), 4);
        assert_eq!(r(-5, 2, Rounding::NearestEven), -2);
        assert_eq!(r(5, 2, Rounding::NearestAway), 3);
        assert_eq!(r(-5, 2, Rounding::NearestAway), -3);
        assert_eq!(r(-5, 2, Rounding::Floor), -3);
        assert_eq!(r(5, -2, Rounding::Floor), -3);
        assert_eq!(round_ratio(1, 0, Rounding::Floor, 0), Err(FixError::DivByZero));
    }

    #[test]
    fn stochastic_is_exact_over_all_random_prefixes() {
        // d = 2^k: exactly r of the 2^k values of the top k bits of rand round up.
        for k in 1..=8u32 {
            let d = 1i128 << k;
            for n in -40i128..40 {
                let r = n.rem_euclid(d);
                let ups = (0..(1u64 << k))
                    .filter(|&j| {
                        let rand = j << (64 - k) | 0x1234 >> k;
                        round_ratio(n, d, Rounding::Stochastic, rand).unwrap() != n.div_euclid(d)
                    })
                    .count();
                assert_eq!(ups as i128, r, "n {n} k {k}");
            }
        }
        // d = 3, r = 1: up iff rand < floor(2^64 / 3).
        let t = u64::MAX / 3;
        assert_eq!(round_ratio(1, 3, Rounding::Stochastic, t - 1).unwrap(), 1);
        assert_eq!(round_ratio(1, 3, Rounding::Stochastic, t).unwrap(), 0);
    }

    proptest! {
        /// Against the defining inequalities on exact rationals.
        #[test]
        fn rational_reference(n in -(1i128 << 80)..(1i128 << 80), d in prop_oneof![-(1i128 << 60)..-1, 1i128..(1i128 << 60)], rand in any::<u64>()) {
            let (nn, dd) = if d < 0 { (-n, -d) } else { (n, d) };
            let f = round_ratio(n, d, Rounding::Floor, rand).unwrap();
            prop_assert!(f * dd <= nn && nn < (f + 1) * dd);
            for mode in [Rounding::NearestEven, Rounding::NearestAway] {
                let q = round_ratio(n, d, mode, rand).unwrap();
                let err2 = (2 * (nn - q * dd)).abs();
                prop_assert!(err2 <= dd, "not nearest");
                if err2 == dd {
                    // a tie: the two candidates are f and f + 1
                    match mode {
                        Rounding::NearestEven => prop_assert_eq!(q.rem_euclid(2), 0),
                        _ => prop_assert_eq!(q, if nn > 0 { f + 1 } else { f }),
                    }
                }
            }
            let s = round_ratio(n, d, Rounding::Stochastic, rand).unwrap();
            prop_assert!(s == f || (s == f + 1 && f * dd != nn));
        }

        #[test]
        fn large_shifts_agree_with_small(raw in any::<i32>(), shift in 0u32..60, pad in 0u32..=95, rand in any::<u64>()) {
            // Scaling numerator and denominator by 2^pad must not change the result, also
            // when shift + pad goes past the sticky-bit threshold (120).
            let raw = i128::from(raw);
            for mode in MODES {
                let direct = round_shift(raw, shift, mode, rand).unwrap();
                let scaled = round_shift(raw << pad, shift + pad, mode, rand).unwrap();
                prop_assert_eq!(direct, scaled);
            }
        }
    }

    #[test]
    fn huge_shifts() {
        for mode in MODES {
            assert_eq!(round_shift(0, 500, mode, 0).unwrap(), 0);
        }
        assert_eq!(round_shift(5, 500, Rounding::Floor, 0).unwrap(), 0);
        assert_eq!(round_shift(-5, 500, Rounding::Floor, 0).unwrap(), -1);
        assert_eq!(round_shift(-5, 500, Rounding::NearestEven, 0).unwrap(), 0);
        // 2^130 / 2^131 = 1/2: a tie.
        assert_eq!(round_shift(1 << 126, 127, Rounding::NearestEven, 0).unwrap(), 0);
        assert_eq!(round_shift(1 << 126, 127, Rounding::NearestAway, 0).unwrap(), 1);
        assert_eq!(round_shift(3 << 125, 127, Rounding::NearestEven, 0).unwrap(), 1);
    }
}
