//! Gate-level operators on packed bitstreams. Binary operators require equal logical lengths
//! ([`ScError::LengthMismatch`] otherwise); results always have zero tail bits.
//!
//! What each gate computes depends on operand correlation (DESIGN §4): AND multiplies
//! independent unipolar streams (min for nested ones), XNOR multiplies independent bipolar
//! streams, XOR gives |p−q| for nested (same-source) streams, OR gives min(1, p+q) for
//! anti-correlated ones, and MUX(sel, a, b) gives ps·pa + (1−ps)·pb for a select independent
//! of both inputs.

use super::bitstream::{Bitstream, popcount_words};
use super::error::ScError;

fn same_len(a: &Bitstream, b: &Bitstream) -> Result<(), ScError> {
    if a.len() != b.len() {
        return Err(ScError::LengthMismatch { left: a.len(), right: b.len() });
    }
    Ok(())
}

fn zip_with(a: &Bitstream, b: &Bitstream, f: impl Fn(u64, u64) -> u64) -> Result<Bitstream, ScError> {
    same_len(a, b)?;
    let words = a.words().iter().zip(b.words()).map(|(&x, &y)| f(x, y)).collect();
    Ok(Bitstream::from_raw_words(a.len(), words))
}

/// `popcount(a & b)` over two equally long word slices (the SC MAC kernel); extra words of the
/// longer slice are ignored.
#[inline]
pub fn and_popcount_words(a: &[u64], b: &[u64]) -> u64 {
    super::kernels::and_popcount(a, b)
}

/// `popcount(a ^ b)` over two word slices (Hamming distance); extra words are ignored.
#[inline]
pub fn xor_popcount_words(a: &[u64], b: &[u64]) -> u64 {
    super::kernels::xor_popcount(a, b)
}

impl Bitstream {
    /// Bitwise AND (unipolar multiply for independent operands).
    pub fn and(&self, other: &Bitstream) -> Result<Bitstream, ScError> {
        zip_with(self, other, |x, y| x & y)
    }

    /// Bitwise OR (saturating add for anti-correlated operands).
    pub fn or(&self, other: &Bitstream) -> Result<Bitstream, ScError> {
        zip_with(self, other, |x, y| x | y)
    }

    /// Bitwise XOR (|p − q| for nested operands).
    pub fn xor(&self, other: &Bitstream) -> Result<Bitstream, ScError> {
        zip_with(self, other, |x, y| x ^ y)
    }

    /// Bitwise XNOR (bipolar multiply for independent operands); tail bits stay zero.
    pub fn xnor(&self, other: &Bitstream) -> Result<Bitstream, ScError> {
        zip_with(self, other, |x, y| !(x ^ y))
    }

    /// `self AND NOT other` (saturating subtract max(0, p − q) for nested operands).
    pub fn and_not(&self, other: &Bitstream) -> Result<Bitstream, ScError> {
        zip_with(self, other, |x, y| x & !y)
    }

    /// Bitwise NOT (1 − p; bipolar −v); tail bits stay zero.
    pub fn not(&self) -> Bitstream {
        let words = self.words().iter().map(|w| !w).collect();
        Bitstream::from_raw_words(self.len(), words)
    }

    /// 2:1 multiplexer: bit i is `a[i]` where `sel[i]` is 1, else `b[i]`.
    pub fn mux(sel: &Bitstream, a: &Bitstream, b: &Bitstream) -> Result<Bitstream, ScError> {
        same_len(sel, a)?;
        same_len(sel, b)?;
        let words =
            sel.words().iter().zip(a.words().iter().zip(b.words())).map(|(&s, (&x, &y))| (s & x) | (!s & y)).collect();
        Ok(Bitstream::from_raw_words(sel.len(), words))
    }

    /// `popcount(self AND other)` without building the AND stream.
    pub fn and_popcount(&self, other: &Bitstream) -> Result<u64, ScError> {
        same_len(self, other)?;
        Ok(and_popcount_words(self.words(), other.words()))
    }

    /// `popcount(self XOR other)`: the Hamming distance.
    pub fn xor_popcount(&self, other: &Bitstream) -> Result<u64, ScError> {
        same_len(self, other)?;
        Ok(xor_popcount_words(self.words(), other.words()))
    }
}

/// Sum over inputs of `popcount(w_i AND x_i)`: the integer SC multiply-accumulate
/// (SC-NeuroCore's `vec_mac`; `sc_forward` divides it by the length, giving a sum, not a mean).
pub fn mac(weights: &[Bitstream], inputs: &[Bitstream]) -> Result<u64, ScError> {
    if weights.len() != inputs.len() {
        return Err(ScError::LengthMismatch { left: weights.len(), right: inputs.len() });
    }
    let mut total = 0;
    for (w, x) in weights.iter().zip(inputs) {
        total += w.and_popcount(x)?;
    }
    Ok(total)
}

/// Popcount of a word slice (re-exported kernel).
pub fn popcount(words: &[u64]) -> u64 {
    popcount_words(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::bitstream::tail_mask;
    use proptest::prelude::*;

    fn bs(s: &str) -> Bitstream {
        Bitstream::from_bits(s.chars().map(|c| c == '1'))
    }

    #[test]
    fn reference_unit_vectors() {
        // seed-sc-core.md §6c item 7 (Rust engine unit tests).
        assert_eq!(bs("10110011").and(&bs("11100110")).unwrap(), bs("10100010"));
        assert_eq!(Bitstream::mux(&bs("11001100"), &bs("11110000"), &bs("00001111")).unwrap(), bs("11000011"));
        assert_eq!(bs("111001").and_not(&bs("010101")).unwrap(), bs("101000"));
        assert_eq!(bs("1100").xnor(&bs("1010")).unwrap(), bs("1001"));
        assert_eq!(bs("1100").or(&bs("1010")).unwrap(), bs("1110"));
        assert_eq!(bs("1100").xor(&bs("1010")).unwrap(), bs("0110"));
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let a = Bitstream::zeros(10);
        let b = Bitstream::zeros(11);
        let e = ScError::LengthMismatch { left: 10, right: 11 };
        assert_eq!(a.and(&b), Err(e.clone()));
        assert_eq!(a.xnor(&b), Err(e.clone()));
        assert_eq!(a.and_popcount(&b), Err(e.clone()));
        assert_eq!(Bitstream::mux(&a, &a, &b), Err(e));
        assert!(mac(std::slice::from_ref(&a), &[]).is_err());
        let w = [bs("1111"), bs("1010")];
        let x = [bs("1100"), bs("0110")];
        assert_eq!(mac(&w, &x).unwrap(), 2 + 1);
    }

    #[test]
    fn xnor_and_not_keep_tail_zero() {
        let a = Bitstream::zeros(70);
        let n = a.not();
        assert_eq!(n.words()[1], 0x3F);
        assert_eq!(n.popcount(), 70);
        assert_eq!(a.xnor(&a).unwrap().popcount(), 70);
    }

    fn stream(len: usize) -> impl Strategy<Value = Bitstream> {
        proptest::collection::vec(any::<bool>(), len).prop_map(Bitstream::from_bits)
    }

    fn pair() -> impl Strategy<Value = (Bitstream, Bitstream)> {
        (0usize..200).prop_flat_map(|n| (stream(n), stream(n)))
    }

    proptest! {
        #[test]
        fn not_is_an_involution(a in (0usize..200).prop_flat_map(stream)) {
            let nn = a.not().not();
            prop_assert_eq!(&nn, &a);
            prop_assert_eq!(a.not().popcount(), a.len() as u64 - a.popcount());
            if let Some(w) = a.not().words().last() {
                prop_assert_eq!(w & !tail_mask(a.len()), 0);
            }
        }

        #[test]
        fn de_morgan((a, b) in pair()) {
            prop_assert_eq!(a.and(&b).unwrap().not(), a.not().or(&b.not()).unwrap());
            prop_assert_eq!(a.or(&b).unwrap().not(), a.not().and(&b.not()).unwrap());
        }

        #[test]
        fn gates_agree_with_bitwise_reference((a, b) in pair(), sel_seed in any::<u64>()) {
            let sel = Bitstream::from_bits((0..a.len()).map(|i| (sel_seed.rotate_left(i as u32) & 1) == 1));
            let (x, y, s) = (a.to_bits(), b.to_bits(), sel.to_bits());
            let m = Bitstream::mux(&sel, &a, &b).unwrap().to_bits();
            let xn = a.xnor(&b).unwrap().to_bits();
            for i in 0..x.len() {
                prop_assert_eq!(m[i], if s[i] { x[i] } else { y[i] });
                prop_assert_eq!(xn[i], x[i] == y[i]);
            }
            // inclusion–exclusion on counts
            let and = a.and_popcount(&b).unwrap();
            prop_assert_eq!(a.or(&b).unwrap().popcount() + and, a.popcount() + b.popcount());
            prop_assert_eq!(a.xor_popcount(&b).unwrap(), a.popcount() + b.popcount() - 2 * and);
        }
    }
}
