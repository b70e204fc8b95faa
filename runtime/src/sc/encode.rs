//! The comparator encoder: a stream from a probability (threshold) and a number source.
//!
//! Bit k of the stream is `v_k < threshold` (strict, unsigned), where `v_k` is the k-th value
//! of the source ([`NumberSource::next_value`]). The threshold is a 17-bit quantity in
//! `[0, 65536]`, so p = 1 (65536) gives all ones and p = 0 all zeros.

use super::bitstream::{Bitstream, words_for};
use super::error::ScError;
use super::lfsr::Lfsr16;
use super::source::NumberSource;

/// A comparator threshold in `[0, 65536]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Threshold(u32);

impl Threshold {
    /// The largest threshold (every 16-bit value is below it: all ones).
    pub const MAX: Threshold = Threshold(65536);

    /// A raw threshold; above 65536 is [`ScError::ThresholdOutOfRange`].
    pub fn from_raw(t: u32) -> Result<Self, ScError> {
        if t > 65536 {
            return Err(ScError::ThresholdOutOfRange(t));
        }
        Ok(Threshold(t))
    }

    /// A raw 16-bit threshold (SC-NeuroCore's `lfsr_encode_packed` scale: at most 65535).
    pub const fn from_u16(t: u16) -> Self {
        Threshold(t as u32)
    }

    /// The SCN contract: `round_half_even(p · 65536)` clipped to `[0, 65536]`
    /// (SC-NeuroCore's `sc_inference`). NaN is [`ScError::NotANumber`].
    pub fn from_prob(p: f64) -> Result<Self, ScError> {
        if p.is_nan() {
            return Err(ScError::NotANumber);
        }
        // p · 65536 is exact (a power-of-two scale), so only the final rounding matters.
        let x = (p * 65536.0).round_ties_even().clamp(0.0, 65536.0);
        Ok(Threshold(x as u32))
    }

    /// SC-NeuroCore's `edge`/federated quantiser: `int(clip(p, 0, 1) · 65535)` (truncation).
    pub fn from_prob_trunc65535(p: f64) -> Result<Self, ScError> {
        if p.is_nan() {
            return Err(ScError::NotANumber);
        }
        Ok(Threshold((p.clamp(0.0, 1.0) * 65535.0) as u32))
    }

    /// Bipolar value v ∈ [−1, 1] as the threshold of p = (v + 1) / 2 (contract rounding).
    pub fn from_bipolar(v: f64) -> Result<Self, ScError> {
        Self::from_prob((v + 1.0) / 2.0)
    }

    /// The raw value.
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Encode `len` bits: bit k = `source.next_value() < threshold`.
pub fn encode<S: NumberSource + ?Sized>(source: &mut S, threshold: Threshold, len: usize) -> Bitstream {
    let t = threshold.get();
    let mut words = vec![0u64; words_for(len)];
    for (w, word) in words.iter_mut().enumerate() {
        let n = (len - w * 64).min(64);
        let mut acc = 0u64;
        for b in 0..n {
            acc |= u64::from(u32::from(source.next_value()) < t) << b;
        }
        *word = acc;
    }
    Bitstream::from_raw_words(len, words)
}

/// Canonical LFSR-16 encoding of probability `p` from `seed` (the DESIGN §3 encoder).
pub fn encode_lfsr(seed: u16, p: f64, len: usize) -> Result<Bitstream, ScError> {
    let mut l = Lfsr16::new(seed)?;
    Ok(super::lfsr_cycle::encode_lfsr16(&mut l, Threshold::from_prob(p)?, len))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::halton::Halton2;
    use crate::sc::lfsr::{LFSR16_DEFAULT_SEED, LfsrDialect, computed_seed};
    use crate::sc::sobol::Sobol16;
    use proptest::prelude::*;

    fn lfsr_stream(seed: u16, d: LfsrDialect, t: u32, len: usize) -> Bitstream {
        encode(&mut Lfsr16::with_dialect(seed, d).unwrap(), Threshold::from_raw(t).unwrap(), len)
    }

    /// conformance/lfsr16.json `encode_L100_seed0xACE1`.
    #[test]
    fn conformance_l100_streams() {
        let cases: [(f64, u32, [u64; 2], u64); 3] = [
            (0.5, 32768, [0x2F38174455D878CA, 0x0000000E1B434797], 49),
            (0.25, 16384, [0x0718030000C83840, 0x0000000E09010383], 25),
            (0.75, 49152, [0xBFBC1FE67FFC7CEF, 0x0000000F1FE3E7DF], 74),
        ];
        for (p, t, words, pop) in cases {
            let th = Threshold::from_prob(p).unwrap();
            assert_eq!(th.get(), t);
            let s = encode_lfsr(LFSR16_DEFAULT_SEED, p, 100).unwrap();
            assert_eq!(s.words(), &words, "p = {p}");
            assert_eq!(s.popcount(), pop);
        }
    }

    /// conformance/lfsr16.json `full_period_popcount`: threshold T gives T − 1 ones.
    #[test]
    fn conformance_full_period_popcounts() {
        for (t, pop) in [(0x8000, 32767), (0x4000, 16383), (0x0001, 0), (0xFFFF, 65534)] {
            let s = lfsr_stream(0xACE1, LfsrDialect::Canonical, t, 65535);
            assert_eq!(s.popcount(), pop, "T = {t:#x}");
        }
        // p = 1 (T = 65536) gives all ones, p = 0 none.
        assert_eq!(encode_lfsr(0xACE1, 1.0, 65535).unwrap().popcount(), 65535);
        assert_eq!(encode_lfsr(0xACE1, 0.0, 65535).unwrap().popcount(), 0);
    }

    /// seed-sc-core.md §2.1 table: first word at L = 64 in both comparator orders, and the
    /// right-shift (edge) dialect's first word at 0x8000.
    #[test]
    fn dialect_first_words() {
        let rows = [
            (0x8000, 0x2F38174455D878CAu64, 0x979C0BA22AEC3C65u64),
            (0x4000, 0x0718030000C83840, 0x838C018000641C20),
            (0xC000, 0xBFBC1FE67FFC7CEF, 0xDFDE0FF33FFE3E77),
            (0x0001, 0, 0),
            (0xFFFF, u64::MAX, u64::MAX),
        ];
        for (t, canon, first) in rows {
            assert_eq!(lfsr_stream(0xACE1, LfsrDialect::Canonical, t, 64).words(), &[canon]);
            assert_eq!(lfsr_stream(0xACE1, LfsrDialect::StepFirst, t, 64).words(), &[first]);
        }
        assert_eq!(lfsr_stream(0xACE1, LfsrDialect::Canonical, 0x8000, 64).popcount(), 30);
        assert_eq!(lfsr_stream(0xACE1, LfsrDialect::EdgeRight, 0x8000, 64).words(), &[0x77EA1C623BC8B8DD]);
        // seed-sc-core.md §2.1: further popcounts at 0x8000.
        for (len, pop) in [(256, 127), (1024, 505), (4096, 2083)] {
            assert_eq!(lfsr_stream(0xACE1, LfsrDialect::Canonical, 0x8000, len).popcount(), pop);
        }
    }

    /// conformance/README.md: `sc_forward` with all-ones weights, p = [0.5, 0.25], L = 64,
    /// input i seeded `0xACE1 + i`, returns 0.71875 (a sum over inputs, not a mean).
    #[test]
    fn sc_forward_example() {
        let len = 64;
        let total: u64 = [0.5, 0.25]
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let x = encode_lfsr(computed_seed(0xACE1 + i as i64), p, len).unwrap();
                Bitstream::ones(len).and_popcount(&x).unwrap()
            })
            .sum();
        assert_eq!(total as f64 / len as f64, 0.71875);
        // seed-sc-core.md §6c item 5: p = [1, 0, 0.75] gives 1.765625.
        let total: u64 = [1.0, 0.0, 0.75]
            .iter()
            .enumerate()
            .map(|(i, &p)| encode_lfsr(computed_seed(0xACE1 + i as i64), p, len).unwrap().popcount())
            .sum();
        assert_eq!(total as f64 / len as f64, 1.765625);
    }

    #[test]
    fn threshold_quantisers() {
        assert_eq!(Threshold::from_prob(0.5).unwrap().get(), 32768);
        assert_eq!(Threshold::from_prob(1.5).unwrap().get(), 65536);
        assert_eq!(Threshold::from_prob(-0.1).unwrap().get(), 0);
        assert_eq!(Threshold::from_prob(f64::INFINITY).unwrap().get(), 65536);
        assert_eq!(Threshold::from_prob(f64::NAN), Err(ScError::NotANumber));
        // Ties round to even: 0.5/65536 -> 0, 1.5/65536 -> 2, 2.5/65536 -> 2.
        assert_eq!(Threshold::from_prob(0.5 / 65536.0).unwrap().get(), 0);
        assert_eq!(Threshold::from_prob(1.5 / 65536.0).unwrap().get(), 2);
        assert_eq!(Threshold::from_prob(2.5 / 65536.0).unwrap().get(), 2);
        assert_eq!(Threshold::from_prob_trunc65535(1.0).unwrap().get(), 65535);
        assert_eq!(Threshold::from_prob_trunc65535(0.5).unwrap().get(), 32767);
        assert_eq!(Threshold::from_bipolar(0.0).unwrap().get(), 32768);
        assert_eq!(Threshold::from_raw(65537), Err(ScError::ThresholdOutOfRange(65537)));
        assert!(encode_lfsr(0, 0.5, 8).is_err());
    }

    #[test]
    fn low_discrepancy_sources_are_exact_on_dyadic_lengths() {
        // From index 0, the first 2^k Sobol/Halton points are the multiples of 2^(16-k),
        // so the count below T is ceil(T / 2^(16-k)).
        for k in [4u32, 8, 10] {
            let len = 1usize << k;
            let cell = 1u32 << (16 - k);
            for t in [0u32, 1, 12345, 32768, 65535, 65536] {
                let th = Threshold::from_raw(t).unwrap();
                let want = u64::from(t.div_ceil(cell));
                assert_eq!(encode(&mut Sobol16::new(0), th, len).popcount(), want);
                assert_eq!(encode(&mut Halton2::new(0), th, len).popcount(), want);
            }
        }
    }

    proptest! {
        #[test]
        fn full_period_popcount_is_t_minus_one(seed in 1u16.., t in 1u32..=65535) {
            let s = lfsr_stream(seed, LfsrDialect::Canonical, t, 65535);
            prop_assert_eq!(s.popcount(), u64::from(t) - 1);
        }

        #[test]
        fn same_source_xor_is_abs_difference(seed in 1u16.., ta in 0u32..=65536, tb in 0u32..=65536, len in 1usize..2000) {
            let a = lfsr_stream(seed, LfsrDialect::Canonical, ta, len);
            let b = lfsr_stream(seed, LfsrDialect::Canonical, tb, len);
            let (ca, cb) = (a.popcount(), b.popcount());
            prop_assert_eq!(a.xor(&b).unwrap().popcount(), ca.abs_diff(cb));
            prop_assert_eq!(a.and_popcount(&b).unwrap(), ca.min(cb));
            prop_assert_eq!(a.or(&b).unwrap().popcount(), ca.max(cb));
        }

        #[test]
        fn independent_and_multiplies(pa in 0.0f64..=1.0, pb in 0.0f64..=1.0, seed in any::<u64>()) {
            use crate::random::{DrawCoord, Purpose};
            use crate::sc::bernoulli::BernoulliSource;
            let len = 8192;
            let src = |e| BernoulliSource::new(DrawCoord::new(seed, Purpose::Stimuli, e, 0, 0));
            let a = encode(&mut src(0), Threshold::from_prob(pa).unwrap(), len);
            let b = encode(&mut src(1), Threshold::from_prob(pb).unwrap(), len);
            let est = a.and_popcount(&b).unwrap() as f64 / len as f64;
            // 5 sigma of a Bernoulli(pa·pb) mean at this length, plus quantisation slack.
            let sd = (pa * pb * (1.0 - pa * pb) / len as f64).sqrt();
            prop_assert!((est - pa * pb).abs() <= 5.0 * sd + 1e-3, "est {} want {}", est, pa * pb);
        }
    }
}
