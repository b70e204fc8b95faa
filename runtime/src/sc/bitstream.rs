//! Packed bitstreams (DESIGN §3 "Packing").
//!
//! Bit i of a stream is bit (i mod 64) of word i/64, little-endian u64 words; bits past the
//! logical length are always zero. Every constructor and operation keeps that invariant, so a
//! popcount over whole words is always the count of ones.

use super::error::ScError;

/// Number of u64 words that hold `len` bits.
#[inline]
pub const fn words_for(len: usize) -> usize {
    len.div_ceil(64)
}

/// Mask of the valid bits in the last word of a `len`-bit stream (all ones when `len` is a
/// multiple of 64, including 0).
#[inline]
pub const fn tail_mask(len: usize) -> u64 {
    match len % 64 {
        0 => u64::MAX,
        r => (1u64 << r) - 1,
    }
}

/// A packed bitstream of logical length `len` (invariant: tail bits are zero).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bitstream {
    len: usize,
    words: Vec<u64>,
}

impl Bitstream {
    /// All-zero stream of `len` bits.
    pub fn zeros(len: usize) -> Self {
        Bitstream { len, words: vec![0; words_for(len)] }
    }

    /// All-one stream of `len` bits (tail still zero).
    pub fn ones(len: usize) -> Self {
        let mut s = Bitstream { len, words: vec![u64::MAX; words_for(len)] };
        s.mask_tail();
        s
    }

    /// Pack a sequence of bits (bit 0 first).
    pub fn from_bits<I: IntoIterator<Item = bool>>(bits: I) -> Self {
        let mut s = Bitstream::zeros(0);
        for b in bits {
            s.push(b);
        }
        s
    }

    /// Pack 0/1 bytes (any non-zero byte is a one).
    pub fn from_u8_bits(bits: &[u8]) -> Self {
        Self::from_bits(bits.iter().map(|&b| b != 0))
    }

    /// Wrap packed words; the word count must be `ceil(len/64)` and the tail must be zero.
    pub fn from_words(len: usize, words: Vec<u64>) -> Result<Self, ScError> {
        check_word_count(len, words.len())?;
        if words.last().is_some_and(|w| w & !tail_mask(len) != 0) {
            return Err(ScError::NonZeroTail);
        }
        Ok(Bitstream { len, words })
    }

    /// Wrap packed words, clearing any bits past `len`; the word count must be `ceil(len/64)`.
    pub fn from_words_masked(len: usize, words: Vec<u64>) -> Result<Self, ScError> {
        check_word_count(len, words.len())?;
        let mut s = Bitstream { len, words };
        s.mask_tail();
        Ok(s)
    }

    /// Build a stream from words produced by a kernel that may have set tail bits
    /// (crate-internal; `words.len()` must already be right).
    pub(crate) fn from_raw_words(len: usize, words: Vec<u64>) -> Self {
        debug_assert_eq!(words.len(), words_for(len));
        let mut s = Bitstream { len, words };
        s.mask_tail();
        s
    }

    fn mask_tail(&mut self) {
        let m = tail_mask(self.len);
        if let Some(w) = self.words.last_mut() {
            *w &= m;
        }
    }

    /// Logical length in bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the stream has no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed words (tail bits zero).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Take the packed words.
    pub fn into_words(self) -> Vec<u64> {
        self.words
    }

    /// Bit `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<bool> {
        (i < self.len).then(|| (self.words[i / 64] >> (i % 64)) & 1 == 1)
    }

    /// Set bit `i`; an index at or past the end is an error.
    pub fn set(&mut self, i: usize, bit: bool) -> Result<(), ScError> {
        if i >= self.len {
            return Err(ScError::IndexOutOfRange { index: i, len: self.len });
        }
        let m = 1u64 << (i % 64);
        if bit {
            self.words[i / 64] |= m;
        } else {
            self.words[i / 64] &= !m;
        }
        Ok(())
    }

    /// Append one bit.
    pub fn push(&mut self, bit: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        if bit {
            self.words[self.len / 64] |= 1 << (self.len % 64);
        }
        self.len += 1;
    }

    /// The bits in order.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(move |i| (self.words[i / 64] >> (i % 64)) & 1 == 1)
    }

    /// The bits as a vector.
    pub fn to_bits(&self) -> Vec<bool> {
        self.iter().collect()
    }

    /// Number of ones.
    pub fn popcount(&self) -> u64 {
        popcount_words(&self.words)
    }
}

fn check_word_count(len: usize, got: usize) -> Result<(), ScError> {
    let expected = words_for(len);
    if got != expected {
        return Err(ScError::WordCount { len, expected, got });
    }
    Ok(())
}

/// Number of ones in a word slice.
#[inline]
pub fn popcount_words(words: &[u64]) -> u64 {
    words.iter().map(|w| u64::from(w.count_ones())).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn layout_is_little_endian() {
        let mut bits = [false; 100];
        bits[0] = true;
        bits[63] = true;
        bits[64] = true;
        bits[99] = true;
        let s = Bitstream::from_bits(bits.iter().copied());
        assert_eq!(s.words(), &[1 | (1 << 63), 1 | (1 << 35)]);
        assert_eq!(s.popcount(), 4);
    }

    #[test]
    fn ones_keeps_tail_zero() {
        let s = Bitstream::ones(70);
        assert_eq!(s.words(), &[u64::MAX, 0x3F]);
        assert_eq!(s.popcount(), 70);
        assert_eq!(Bitstream::ones(128).words(), &[u64::MAX, u64::MAX]);
        assert!(Bitstream::ones(0).words().is_empty());
    }

    #[test]
    fn from_words_validates() {
        assert_eq!(Bitstream::from_words(65, vec![0]), Err(ScError::WordCount { len: 65, expected: 2, got: 1 }));
        assert_eq!(Bitstream::from_words(65, vec![0, 2]), Err(ScError::NonZeroTail));
        let m = Bitstream::from_words_masked(65, vec![5, 3]).unwrap();
        assert_eq!(m.words(), &[5, 1]);
    }

    #[test]
    fn get_set_bounds() {
        let mut s = Bitstream::zeros(10);
        assert_eq!(s.get(10), None);
        assert_eq!(s.set(10, true), Err(ScError::IndexOutOfRange { index: 10, len: 10 }));
        s.set(9, true).unwrap();
        assert_eq!(s.get(9), Some(true));
        s.set(9, false).unwrap();
        assert_eq!(s.popcount(), 0);
    }

    proptest! {
        #[test]
        fn packing_roundtrip(bits in proptest::collection::vec(any::<bool>(), 0..300)) {
            let s = Bitstream::from_bits(bits.iter().copied());
            prop_assert_eq!(s.len(), bits.len());
            prop_assert_eq!(s.words().len(), words_for(bits.len()));
            prop_assert_eq!(s.to_bits(), bits.clone());
            prop_assert_eq!(s.popcount(), bits.iter().filter(|b| **b).count() as u64);
            if let Some(last) = s.words().last() {
                prop_assert_eq!(last & !tail_mask(bits.len()), 0);
            }
            let again = Bitstream::from_words(s.len(), s.words().to_vec()).unwrap();
            prop_assert_eq!(again, s);
        }
    }
}
