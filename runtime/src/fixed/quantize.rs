//! Re-quantisation: an exact value (or an f64) into a storage format, with rounding and
//! overflow modes.

use super::error::FixError;
use super::exact::Exact;
use super::format::{Fix, Overflow, Rounding};
use super::round::round_shift;
use super::value::FixVal;

/// A rounded integer that may not fit an i128: its sign and low 64 bits are still known
/// (enough to saturate or to wrap to any W ≤ 64).
enum Rounded {
    Fits(i128),
    Huge { negative: bool, low: u64 },
}

/// Round `raw · 2^shift` (shift may be negative) to an integer.
fn round_scaled(raw: i128, shift: i64, mode: Rounding, rand: u64) -> Result<Rounded, FixError> {
    if shift < 0 {
        let s = u32::try_from(-shift).unwrap_or(u32::MAX);
        return Ok(Rounded::Fits(round_shift(raw, s, mode, rand)?));
    }
    if raw == 0 {
        return Ok(Rounded::Fits(0));
    }
    let s = shift as u64;
    if s < 127 {
        let y = raw << s;
        if y >> s == raw {
            return Ok(Rounded::Fits(y));
        }
    }
    let low = if s < 64 { (raw as u64) << s } else { 0 };
    Ok(Rounded::Huge { negative: raw < 0, low })
}

fn fit(r: Rounded, fmt: Fix, overflow: Overflow) -> Result<FixVal, FixError> {
    let (negative, low) = match r {
        Rounded::Fits(v) if fmt.contains_raw(v) => return Ok(FixVal::from_raw_unchecked(fmt, v)),
        Rounded::Fits(v) => (v < 0, v as u64),
        Rounded::Huge { negative, low } => (negative, low),
    };
    let raw = match overflow {
        Overflow::Saturate => {
            if negative {
                fmt.min_raw()
            } else {
                fmt.max_raw()
            }
        }
        Overflow::Wrap => fmt.wrap_low_bits(low),
        Overflow::Trap => return Err(FixError::Overflow),
    };
    Ok(FixVal::from_raw_unchecked(fmt, raw))
}

/// Quantise an exact value into `fmt`: round to F fractional bits with `rounding` (`rand`
/// feeds [`Rounding::Stochastic`]), then apply `overflow` if the result is out of range.
pub fn requantize(x: Exact, fmt: Fix, rounding: Rounding, overflow: Overflow, rand: u64) -> Result<FixVal, FixError> {
    let shift = i64::from(fmt.frac()) - i64::from(x.frac());
    fit(round_scaled(x.raw(), shift, rounding, rand)?, fmt, overflow)
}

/// Quantise an f64 (its exact binary value) into `fmt`. NaN is [`FixError::NotFinite`];
/// ±∞ saturates under [`Overflow::Saturate`] and is [`FixError::NotFinite`] otherwise.
pub fn requantize_f64(x: f64, fmt: Fix, rounding: Rounding, overflow: Overflow, rand: u64) -> Result<FixVal, FixError> {
    if x.is_nan() {
        return Err(FixError::NotFinite);
    }
    if x.is_infinite() {
        return match overflow {
            Overflow::Saturate => {
                let raw = if x < 0.0 { fmt.min_raw() } else { fmt.max_raw() };
                Ok(FixVal::from_raw_unchecked(fmt, raw))
            }
            _ => Err(FixError::NotFinite),
        };
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7FF) as i64;
    let frac_bits = (bits & ((1u64 << 52) - 1)) as i128;
    let (mant, e) = if exp == 0 { (frac_bits, -1074) } else { (frac_bits | (1i128 << 52), exp - 1075) };
    let m = if x.is_sign_negative() { -mant } else { mant };
    let shift = e + i64::from(fmt.frac());
    fit(round_scaled(m, shift, rounding, rand)?, fmt, overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MODES: [Rounding; 4] = [Rounding::Floor, Rounding::NearestEven, Rounding::NearestAway, Rounding::Stochastic];

    fn q88() -> Fix {
        Fix::signed(16, 8).unwrap()
    }

    #[test]
    fn overflow_modes() {
        let big = Exact::int(200); // 200.0 does not fit Q8.8 (max 127.996)
        let s = requantize(big, q88(), Rounding::Floor, Overflow::Saturate, 0).unwrap();
        assert_eq!(s.raw(), 32767);
        let w = requantize(big, q88(), Rounding::Floor, Overflow::Wrap, 0).unwrap();
        assert_eq!(w.raw(), 200 * 256 - 65536);
        assert_eq!(requantize(big, q88(), Rounding::Floor, Overflow::Trap, 0), Err(FixError::Overflow));
        let u = Fix::unsigned(8, 0).unwrap();
        let neg = Exact::int(-3);
        assert_eq!(requantize(neg, u, Rounding::Floor, Overflow::Saturate, 0).unwrap().raw(), 0);
        assert_eq!(requantize(neg, u, Rounding::Floor, Overflow::Wrap, 0).unwrap().raw(), 253);
        // Rounding can overflow too: 127.998 rounds to 128.0 at 8 fractional bits.
        let x = Exact::new(32767 * 2 + 1, 9);
        assert_eq!(requantize(x, q88(), Rounding::NearestAway, Overflow::Saturate, 0).unwrap().raw(), 32767);
        // Values far beyond i128 after scaling still saturate/wrap correctly.
        let huge = Exact::int(3 << 100);
        let f = Fix::signed(64, 64).unwrap();
        assert_eq!(requantize(huge, f, Rounding::Floor, Overflow::Saturate, 0).unwrap().raw(), f.max_raw());
        assert_eq!(requantize(huge, f, Rounding::Floor, Overflow::Wrap, 0).unwrap().raw(), 0);
    }

    #[test]
    fn from_f64_cases() {
        let f = |x, r| requantize_f64(x, q88(), r, Overflow::Saturate, 0).unwrap().raw();
        assert_eq!(f(1.0, Rounding::Floor), 256);
        assert_eq!(f(-0.001, Rounding::Floor), -1);
        assert_eq!(f(-0.001, Rounding::NearestEven), 0);
        assert_eq!(f(1.5 / 256.0, Rounding::NearestEven), 2);
        assert_eq!(f(2.5 / 256.0, Rounding::NearestEven), 2);
        assert_eq!(f(2.5 / 256.0, Rounding::NearestAway), 3);
        assert_eq!(f(-2.5 / 256.0, Rounding::NearestAway), -3);
        assert_eq!(f(1e300, Rounding::Floor), 32767);
        assert_eq!(f(f64::NEG_INFINITY, Rounding::Floor), -32768);
        assert_eq!(f(5e-324, Rounding::Floor), 0);
        assert_eq!(f(-5e-324, Rounding::Floor), -1);
        assert_eq!(requantize_f64(f64::NAN, q88(), Rounding::Floor, Overflow::Saturate, 0), Err(FixError::NotFinite));
        assert_eq!(requantize_f64(f64::INFINITY, q88(), Rounding::Floor, Overflow::Wrap, 0), Err(FixError::NotFinite));
        // Wrap of a large f64: 2^60 + 768 (exact in f64) modulo 2^16 at F = 0.
        let s16 = Fix::signed(16, 0).unwrap();
        let v = requantize_f64((1u64 << 60) as f64 + 768.0, s16, Rounding::Floor, Overflow::Wrap, 0);
        assert_eq!(v.unwrap().raw(), 768);
        let v = requantize_f64(-(2f64.powi(200)), s16, Rounding::Floor, Overflow::Wrap, 0);
        assert_eq!(v.unwrap().raw(), 0);
    }

    fn fmt() -> impl Strategy<Value = Fix> {
        (any::<bool>(), 1u32..=64, 0u32..=64).prop_map(|(s, w, f)| Fix::new(s, w, f).unwrap())
    }

    proptest! {
        #[test]
        fn saturate_never_leaves_range(raw in any::<i128>(), frac in 0u32..200, f in fmt(), rand in any::<u64>()) {
            for mode in MODES {
                let v = requantize(Exact::new(raw, frac), f, mode, Overflow::Saturate, rand).unwrap();
                prop_assert!(f.contains_raw(v.raw()));
                let w = requantize(Exact::new(raw, frac), f, mode, Overflow::Wrap, rand).unwrap();
                prop_assert!(f.contains_raw(w.raw()));
            }
        }

        #[test]
        fn wrap_is_modulo_2_pow_w(raw in -(1i128 << 100)..(1i128 << 100), frac in 0u32..40, f in fmt()) {
            // Floor to F bits exactly by the reference, then compare modulo 2^W.
            let x = Exact::new(raw, frac);
            let floored = x.round_to(f.frac(), Rounding::Floor, 0);
            let w = requantize(x, f, Rounding::Floor, Overflow::Wrap, 0).unwrap();
            if let Ok(fl) = floored {
                let m = 1i128 << f.width();
                prop_assert_eq!((fl.raw() - w.raw()).rem_euclid(m), 0);
                // in range values are unchanged, and saturate/trap agree with it
                if f.contains_raw(fl.raw()) {
                    prop_assert_eq!(w.raw(), fl.raw());
                    prop_assert!(requantize(x, f, Rounding::Floor, Overflow::Trap, 0).is_ok());
                } else {
                    prop_assert_eq!(requantize(x, f, Rounding::Floor, Overflow::Trap, 0), Err(FixError::Overflow));
                }
            }
        }

        #[test]
        fn nearest_even_matches_f64_reference(x in -1e6f64..1e6, frac in 0u32..=24) {
            // x · 2^F is exact in f64 here, so f64's own round_ties_even is an exact reference.
            let f = Fix::signed(64, frac).unwrap();
            let want = (x * 2f64.powi(frac as i32)).round_ties_even() as i128;
            let got = requantize_f64(x, f, Rounding::NearestEven, Overflow::Trap, 0).unwrap().raw();
            prop_assert_eq!(got, want);
            let floor = requantize_f64(x, f, Rounding::Floor, Overflow::Trap, 0).unwrap().raw();
            prop_assert_eq!(floor, (x * 2f64.powi(frac as i32)).floor() as i128);
        }

        #[test]
        fn f64_roundtrip(raw in -(1i64 << 52)..(1i64 << 52), frac in 0u32..=64) {
            let f = Fix::signed(64, frac).unwrap();
            let v = FixVal::new(f, raw.into()).unwrap();
            for mode in MODES {
                let back = requantize_f64(v.to_f64(), f, mode, Overflow::Trap, 0).unwrap();
                prop_assert_eq!(back, v);
            }
        }
    }
}
