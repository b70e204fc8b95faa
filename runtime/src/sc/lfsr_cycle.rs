//! LFSR-16 streams 64 bits at a time, from the register's precomputed cycle.
//!
//! Every LFSR-16 dialect walks one cycle through all 65535 non-zero states, so a register is
//! just a position on that cycle: a stream of L bits from a register compares L consecutive
//! entries of the cycle with the threshold, and skipping n steps is an addition modulo 65535.
//! [`encode_lfsr16`] gives exactly the bits of [`crate::sc::encode()`] on the same register
//! (DESIGN §3: bit k is `v_k < threshold`, packed LSB first, tail bits zero), with the
//! comparisons done 32 lanes at a time by AVX-512BW, or eight at a time by SSE2, on x86-64.

use super::bitstream::{Bitstream, words_for};
use super::encode::Threshold;
use super::lfsr::{LFSR16_PERIOD, Lfsr16, LfsrDialect, lfsr16_next, lfsr16_right_next};
use std::sync::OnceLock;

const PERIOD: usize = LFSR16_PERIOD as usize;

/// One dialect's register cycle: the states in order (twice, so any 64 consecutive entries
/// are contiguous) and each state's position on it.
pub struct Cycle {
    states: Vec<u16>,
    position: Vec<u32>,
}

impl Cycle {
    fn build(next: fn(u16) -> u16) -> Self {
        let mut states = Vec::with_capacity(2 * PERIOD);
        let mut position = vec![0u32; 1 << 16];
        let mut s = 1u16;
        for k in 0..PERIOD {
            states.push(s);
            position[s as usize] = k as u32;
            s = next(s);
        }
        states.extend_from_within(..PERIOD);
        Cycle { states, position }
    }

    /// The state `n` steps after `state` (a non-zero state).
    pub fn advance(&self, state: u16, n: u64) -> u16 {
        let at = (u64::from(self.position[state as usize]) + n % PERIOD as u64) % PERIOD as u64;
        self.states[at as usize]
    }

    /// `len` comparator bits: bit k is `state_k < t`, where `state_0 = first` and each next
    /// state is one step later.
    pub fn compare(&self, first: u16, t: Threshold, len: usize) -> Bitstream {
        self.compare_at(self.position_of(first), t, len)
    }

    /// The position of a (non-zero) state on the cycle.
    pub fn position_of(&self, state: u16) -> u32 {
        self.position[state as usize]
    }

    /// `len` comparator bits from the state at `position` on: bit k is `state_k < t`.
    pub fn compare_at(&self, position: u32, t: Threshold, len: usize) -> Bitstream {
        let mut words = vec![0u64; words_for(len)];
        self.each_word(position, t, len, |w, bits| words[w] = bits);
        Bitstream::from_raw_words(len, words)
    }

    /// `popcount(compare_at(position, t, len) & other)` without building the compared
    /// stream (`other` holds at least `len` bits).
    pub fn and_popcount_at(&self, position: u32, t: Threshold, len: usize, other: &[u64]) -> u64 {
        let mut count = 0u64;
        self.each_word(position, t, len, |w, bits| count += u64::from((bits & other[w]).count_ones()));
        count
    }

    /// Calls `f(w, bits)` for word `w` of the `len` comparator bits from `position` on.
    fn each_word(&self, position: u32, t: Threshold, len: usize, mut f: impl FnMut(usize, u64)) {
        let t = t.get();
        let below = below_fn();
        let mut at = position as usize % PERIOD;
        for w in 0..words_for(len) {
            let n = (len - 64 * w).min(64);
            let mask = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
            f(
                w,
                match t {
                    0 => 0,
                    65536.. => mask,
                    _ => below(&self.states[at..at + 64], t as u16) & mask,
                },
            );
            at += 64;
            if at >= PERIOD {
                at -= PERIOD;
            }
        }
    }
}

/// The position on its cycle of the first state `encode_lfsr16` compares from the register
/// `l` (the canonical register compares its state, the other dialects advance first).
pub fn first_position(l: &Lfsr16) -> u32 {
    let c = cycle(l.dialect());
    let at = c.position_of(l.state());
    match l.dialect() {
        LfsrDialect::Canonical => at,
        LfsrDialect::StepFirst | LfsrDialect::EdgeRight => (at + 1) % PERIOD as u32,
    }
}

/// The position `steps` steps after `position`.
pub fn advance_position(position: u32, steps: u64) -> u32 {
    ((u64::from(position) + steps % PERIOD as u64) % PERIOD as u64) as u32
}

/// The comparator of 64 values this CPU runs fastest: bit k set where `values[k] < t`.
fn below_fn() -> fn(&[u16], u16) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") {
            return below_avx512;
        }
        below_sse2
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        below_scalar
    }
}

#[cfg(any(test, not(target_arch = "x86_64")))]
fn below_scalar(values: &[u16], t: u16) -> u64 {
    values[..64].iter().enumerate().fold(0u64, |acc, (k, &v)| acc | (u64::from(v < t) << k))
}

#[cfg(target_arch = "x86_64")]
fn below_avx512(values: &[u16], t: u16) -> u64 {
    #[target_feature(enable = "avx512bw")]
    fn run(values: &[u16], t: u16) -> u64 {
        use std::arch::x86_64::*;
        assert!(values.len() >= 64);
        let tv = _mm512_set1_epi16(t as i16);
        // SAFETY: 64 readable values (checked above); unaligned loads.
        let (lo, hi) = unsafe {
            let p = values.as_ptr().cast::<__m512i>();
            (_mm512_loadu_si512(p), _mm512_loadu_si512(p.add(1)))
        };
        u64::from(_mm512_cmplt_epu16_mask(lo, tv)) | (u64::from(_mm512_cmplt_epu16_mask(hi, tv)) << 32)
    }
    // SAFETY: chosen by `below_fn` only when the CPU has AVX-512BW.
    unsafe { run(values, t) }
}

#[cfg(target_arch = "x86_64")]
fn below_sse2(values: &[u16], t: u16) -> u64 {
    use std::arch::x86_64::*;
    assert!(values.len() >= 64);
    // SSE2 is part of x86-64. Unsigned `v < t` is the signed comparison of both sides with
    // the sign bit flipped; the 16-bit masks are packed to bytes and their sign bits collected.
    unsafe {
        let flip = _mm_set1_epi16(i16::MIN);
        let tv = _mm_set1_epi16((t ^ 0x8000) as i16);
        let p = values.as_ptr().cast::<__m128i>();
        let mut out = 0u64;
        for k in 0..4 {
            let a = _mm_xor_si128(_mm_loadu_si128(p.add(2 * k)), flip);
            let b = _mm_xor_si128(_mm_loadu_si128(p.add(2 * k + 1)), flip);
            let bytes = _mm_packs_epi16(_mm_cmplt_epi16(a, tv), _mm_cmplt_epi16(b, tv));
            out |= u64::from(_mm_movemask_epi8(bytes) as u16) << (16 * k);
        }
        out
    }
}

/// The cycle of a dialect (built on first use; the step-first dialect shares the canonical
/// register's cycle).
pub fn cycle(dialect: LfsrDialect) -> &'static Cycle {
    static LEFT: OnceLock<Cycle> = OnceLock::new();
    static RIGHT: OnceLock<Cycle> = OnceLock::new();
    match dialect {
        LfsrDialect::Canonical | LfsrDialect::StepFirst => LEFT.get_or_init(|| Cycle::build(lfsr16_next)),
        LfsrDialect::EdgeRight => RIGHT.get_or_init(|| Cycle::build(lfsr16_right_next)),
    }
}

/// Advances `l` by `n` steps at once.
pub fn skip(l: &mut Lfsr16, n: u64) {
    let state = cycle(l.dialect()).advance(l.state(), n);
    *l = Lfsr16::with_dialect(state, l.dialect()).expect("a register state is never zero");
}

/// `len` bits from the register `l` compared with `t`, exactly as
/// `encode(l, t, len)` computes them, and leaves `l` where that leaves it.
pub fn encode_lfsr16(l: &mut Lfsr16, t: Threshold, len: usize) -> Bitstream {
    let c = cycle(l.dialect());
    // The canonical register compares its state, then advances; the others advance first.
    let first = match l.dialect() {
        LfsrDialect::Canonical => l.state(),
        LfsrDialect::StepFirst | LfsrDialect::EdgeRight => c.advance(l.state(), 1),
    };
    let stream = c.compare(first, t, len);
    skip(l, len as u64);
    stream
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::encode::encode;
    use crate::sc::source::NumberSource;

    #[test]
    fn positions_give_the_encoders_bits_and_counts() {
        for d in [LfsrDialect::Canonical, LfsrDialect::StepFirst, LfsrDialect::EdgeRight] {
            for (seed, len, t) in [(0xACE1u16, 1000usize, 30_000u32), (1, 64, 1), (0xFFFF, 65, 65_536), (7, 3000, 0)] {
                let t = Threshold::from_raw(t).unwrap();
                let mut l = Lfsr16::with_dialect(seed, d).unwrap();
                let origin = first_position(&l);
                let other = encode(&mut Lfsr16::with_dialect(seed ^ 0x5A5A, d).unwrap(), t, len);
                for frame in 0..3u64 {
                    let at = advance_position(origin, frame * len as u64);
                    let expected = encode(&mut l, t, len);
                    let got = cycle(d).compare_at(at, t, len);
                    assert_eq!(got, expected, "{d:?} seed {seed} len {len} frame {frame}");
                    let count: u32 =
                        expected.words().iter().zip(other.words()).map(|(a, b)| (a & b).count_ones()).sum();
                    assert_eq!(cycle(d).and_popcount_at(at, t, len, other.words()), u64::from(count));
                }
            }
        }
    }

    #[test]
    fn matches_the_bit_by_bit_encoder() {
        let dialects = [LfsrDialect::Canonical, LfsrDialect::StepFirst, LfsrDialect::EdgeRight];
        let thresholds = [0, 1, 2, 0x7FFF, 0x8000, 0x8001, 30_000, 65_535, 65_536];
        for d in dialects {
            for (k, seed) in [1u16, 0xACE1, 0xBEEF, 0xFFFF, 0x8000].into_iter().enumerate() {
                for len in [0, 1, 63, 64, 65, 256, 1000] {
                    let t = Threshold::from_raw(thresholds[(k + len) % thresholds.len()]).unwrap();
                    let (mut fast, mut slow) =
                        (Lfsr16::with_dialect(seed, d).unwrap(), Lfsr16::with_dialect(seed, d).unwrap());
                    assert_eq!(encode_lfsr16(&mut fast, t, len), encode(&mut slow, t, len), "{d:?} {seed:#x} {len}");
                    assert_eq!(fast, slow, "the register ends where the encoder leaves it");
                    assert_eq!(fast.next_value(), slow.next_value());
                }
            }
        }
    }

    #[test]
    fn streams_wrap_around_the_period() {
        for t in [1u32, 12_345, 65_535] {
            let t = Threshold::from_raw(t).unwrap();
            let start = cycle(LfsrDialect::Canonical).advance(1, 65_500);
            let (mut fast, mut slow) = (Lfsr16::new(start).unwrap(), Lfsr16::new(start).unwrap());
            assert_eq!(encode_lfsr16(&mut fast, t, 70_000), encode(&mut slow, t, 70_000));
            assert_eq!(fast, slow);
        }
    }

    #[test]
    fn every_comparator_agrees() {
        let values: Vec<u16> = (0..64u32).map(|k| (k * 1031 + 7) as u16 ^ 0x8000).collect();
        for t in [1u16, 0x7FFF, 0x8000, 0x8001, 65_535] {
            let want = below_scalar(&values, t);
            assert_eq!(below_fn()(&values, t), want, "{t}");
            #[cfg(target_arch = "x86_64")]
            assert_eq!(below_sse2(&values, t), want, "sse2 {t}");
        }
    }

    #[test]
    fn skip_is_stepping() {
        let mut a = Lfsr16::with_dialect(0xACE1, LfsrDialect::EdgeRight).unwrap();
        let mut b = a;
        skip(&mut a, 1_000_003);
        for _ in 0..1_000_003 {
            b.step();
        }
        assert_eq!(a, b);
    }
}
