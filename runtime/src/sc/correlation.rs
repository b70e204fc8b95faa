//! Stochastic cross-correlation (SCC; Alaghi & Hayes, ICCD 2013).
//!
//! With n the length, a, b, ab the counts of ones in A, B and A∧B:
//!
//! ```text
//! num = n·ab − a·b
//! den = n·min(a, b) − a·b             if num > 0
//!     = a·b − n·max(a + b − n, 0)     otherwise
//! SCC = 0 if num = 0 or den = 0, else clamp(num / den, −1, 1)
//! ```
//!
//! This is the library's formula multiplied through by n², evaluated in exact integers, so the
//! only rounding is the final division (`num as f64 / den as f64`).

use super::bitstream::Bitstream;
use super::error::ScError;

/// SCC from counts: length `n`, ones `a` and `b`, and ones of the AND `ab`.
pub fn scc_from_counts(n: u64, a: u64, b: u64, ab: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (n, a, b, ab) = (i128::from(n), i128::from(a), i128::from(b), i128::from(ab));
    let num = n * ab - a * b;
    if num == 0 {
        return 0.0;
    }
    let den = if num > 0 { n * a.min(b) - a * b } else { a * b - n * (a + b - n).max(0) };
    if den == 0 {
        return 0.0;
    }
    (num as f64 / den as f64).clamp(-1.0, 1.0)
}

/// SCC of two equally long streams.
pub fn scc(a: &Bitstream, b: &Bitstream) -> Result<f64, ScError> {
    let ab = a.and_popcount(b)?;
    Ok(scc_from_counts(a.len() as u64, a.popcount(), b.popcount(), ab))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::encode::encode_lfsr;

    fn bs(s: &str) -> Bitstream {
        Bitstream::from_bits(s.chars().map(|c| c == '1'))
    }

    /// seed-sc-core.md §6c item 6.
    #[test]
    fn reference_vectors() {
        let x = bs("10110010");
        assert_eq!(scc(&x, &x).unwrap(), 1.0);
        assert_eq!(scc(&bs("10101010"), &bs("01010101")).unwrap(), -1.0);
        assert_eq!(scc(&bs("1100"), &bs("1010")).unwrap(), 0.0);
        assert_eq!(scc(&bs("1100"), &bs("1000")).unwrap(), 1.0);
        assert_eq!(scc(&bs("1100"), &bs("0010")).unwrap(), -1.0);
        assert_eq!(scc(&bs("0000"), &bs("0000")).unwrap(), 0.0);
        assert_eq!(scc(&Bitstream::zeros(0), &Bitstream::zeros(0)).unwrap(), 0.0);
        assert!(scc(&bs("1"), &bs("10")).is_err());
    }

    #[test]
    fn lfsr_seed_pairs_at_1024() {
        let n = 1024;
        let a = encode_lfsr(0xACE1, 0.5, n).unwrap();
        let nested = encode_lfsr(0xACE1, 0.25, n).unwrap();
        assert_eq!(scc(&a, &nested).unwrap(), 1.0);
        // AND of nested streams is the min: 0.2305 at this length (seed-sc-core.md §2.3).
        assert_eq!(a.and_popcount(&nested).unwrap(), 236);
        // seed-sc-core.md §2.3 measured these at p = 0.5 vs p = 0.25.
        let b = encode_lfsr(0xACE2, 0.25, n).unwrap();
        assert!((scc(&a, &b).unwrap() - 0.0536).abs() < 5e-4);
        let c = encode_lfsr(0xBEEF, 0.25, n).unwrap();
        assert!((scc(&a, &c).unwrap() + 0.0313).abs() < 5e-4);
    }
}
