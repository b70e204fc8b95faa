//! `extern "C"` hot kernels for JIT-compiled code (and any C caller).
//!
//! Each function is a thin wrapper over the safe Rust implementation, so JIT and interpreter
//! compute bit-identical results. Pointer arguments follow one rule: a `(ptr, words)` pair must
//! describe `words` readable (or writable, for outputs) u64s; `ptr` may be dangling or null only
//! when `words == 0`.

use crate::random::{DrawCoord, Purpose, normal_pair, philox4x32_10, uniform_f64};
use crate::sc::bitstream::{tail_mask, words_for};
use crate::sc::encode::{Threshold, encode};
use crate::sc::lfsr::{Lfsr16, lfsr16_next};
use crate::sc::ops::{and_popcount_words, xor_popcount_words};
use crate::sc::{halton2, sobol16};

/// Build a slice from a (pointer, length) pair, tolerating null when empty.
///
/// # Safety
/// `ptr` must point to `words` readable u64s unless `words == 0`.
unsafe fn slice<'a>(ptr: *const u64, words: usize) -> &'a [u64] {
    if words == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(ptr, words) }
    }
}

/// Popcount of `words` u64s at `a`.
///
/// # Safety
/// `a` must point to `words` readable u64s (any pointer if `words == 0`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scn_popcount(a: *const u64, words: usize) -> u64 {
    // SAFETY: forwarded contract.
    unsafe { slice(a, words) }.iter().map(|w| u64::from(w.count_ones())).sum()
}

/// `popcount(a AND b)` over `words` u64s: the SC multiply-accumulate kernel.
///
/// # Safety
/// `a` and `b` must each point to `words` readable u64s (any pointers if `words == 0`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scn_and_popcount(a: *const u64, b: *const u64, words: usize) -> u64 {
    // SAFETY: forwarded contract.
    unsafe { and_popcount_words(slice(a, words), slice(b, words)) }
}

/// `popcount(a XOR b)` over `words` u64s.
///
/// # Safety
/// `a` and `b` must each point to `words` readable u64s (any pointers if `words == 0`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scn_xor_popcount(a: *const u64, b: *const u64, words: usize) -> u64 {
    // SAFETY: forwarded contract.
    unsafe { xor_popcount_words(slice(a, words), slice(b, words)) }
}

/// Mask of the valid bits of the last word of a `len`-bit stream (for NOT/XNOR results).
#[unsafe(no_mangle)]
pub extern "C" fn scn_tail_mask(len: u64) -> u64 {
    tail_mask(len as usize)
}

/// One canonical LFSR-16 step (left shift, taps 15/13/12/10).
#[unsafe(no_mangle)]
pub extern "C" fn scn_lfsr16_next(state: u16) -> u16 {
    lfsr16_next(state)
}

/// Canonical LFSR-16 encode of `len` bits from `seed` with `threshold` (0..=65536) into
/// `ceil(len/64)` words at `out` (tail zero). Returns the register state after the last bit,
/// or 0 (writing nothing) if `seed == 0` or `threshold > 65536`.
///
/// # Safety
/// `out` must point to `ceil(len/64)` writable u64s (any pointer if `len == 0`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scn_lfsr16_encode(seed: u16, threshold: u32, len: u64, out: *mut u64) -> u16 {
    let (Ok(mut l), Ok(t)) = (Lfsr16::new(seed), Threshold::from_raw(threshold)) else {
        return 0;
    };
    let len = len as usize;
    let s = encode(&mut l, t, len);
    let n = words_for(len);
    if n > 0 {
        // SAFETY: the caller provides n writable words.
        unsafe { std::ptr::copy_nonoverlapping(s.words().as_ptr(), out, n) };
    }
    l.state()
}

/// The Sobol-16 point with index `n`.
#[unsafe(no_mangle)]
pub extern "C" fn scn_sobol16(n: u64) -> u16 {
    sobol16(n)
}

/// The halton2 point with index `n`.
#[unsafe(no_mangle)]
pub extern "C" fn scn_halton2(n: u64) -> u16 {
    halton2(n)
}

/// Raw Philox4x32-10: reads 4 counter words and 2 key words, writes 4 output words.
///
/// # Safety
/// `ctr` must point to 4 readable u32s, `key` to 2, and `out` to 4 writable u32s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn scn_philox4x32_10(ctr: *const u32, key: *const u32, out: *mut u32) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let c = [*ctr, *ctr.add(1), *ctr.add(2), *ctr.add(3)];
        let k = [*key, *key.add(1)];
        let r = philox4x32_10(c, k);
        for (i, w) in r.iter().enumerate() {
            *out.add(i) = *w;
        }
    }
}

fn coord(seed: u64, purpose: u32, entity: u64, step: u64, draw: u32) -> Option<DrawCoord> {
    Purpose::from_code(purpose).map(|p| DrawCoord::new(seed, p, entity, step, draw))
}

/// Uniform double in `[0, 1)` at a draw coordinate (see [`crate::random::draw`]);
/// NaN for an unknown purpose code.
#[unsafe(no_mangle)]
pub extern "C" fn scn_philox_uniform(seed: u64, purpose: u32, entity: u64, step: u64, draw: u32) -> f64 {
    coord(seed, purpose, entity, step, draw).map_or(f64::NAN, |c| uniform_f64(&c))
}

/// First Box–Muller normal (`z0`) at a draw coordinate; NaN for an unknown purpose code.
#[unsafe(no_mangle)]
pub extern "C" fn scn_philox_normal(seed: u64, purpose: u32, entity: u64, step: u64, draw: u32) -> f64 {
    coord(seed, purpose, entity, step, draw).map_or(f64::NAN, |c| normal_pair(&c).0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sc::bitstream::Bitstream;
    use crate::sc::encode::encode_lfsr;

    #[test]
    fn kernels_match_safe_code() {
        let a = encode_lfsr(0xACE1, 0.5, 100).unwrap();
        let b = encode_lfsr(0xBEEF, 0.3, 100).unwrap();
        let (pa, pb) = (a.words().as_ptr(), b.words().as_ptr());
        unsafe {
            assert_eq!(scn_popcount(pa, 2), 49);
            assert_eq!(scn_and_popcount(pa, pb, 2), a.and_popcount(&b).unwrap());
            assert_eq!(scn_xor_popcount(pa, pb, 2), a.xor_popcount(&b).unwrap());
            assert_eq!(scn_and_popcount(std::ptr::null(), std::ptr::null(), 0), 0);
        }
        assert_eq!(scn_tail_mask(100), (1 << 36) - 1);
        assert_eq!(scn_lfsr16_next(0xACE1), 0x59C3);
        assert_eq!(scn_sobol16(2), 0xC000);
        assert_eq!(scn_halton2(2), 0x4000);
    }

    #[test]
    fn encode_kernel() {
        let mut out = [0u64; 2];
        let end = unsafe { scn_lfsr16_encode(0xACE1, 32768, 100, out.as_mut_ptr()) };
        assert_eq!(out, [0x2F38174455D878CA, 0x0000000E1B434797]);
        let mut l = Lfsr16::new(0xACE1).unwrap();
        for _ in 0..100 {
            l.step();
        }
        assert_eq!(end, l.state());
        assert_eq!(unsafe { scn_lfsr16_encode(0, 1, 100, out.as_mut_ptr()) }, 0);
        assert_eq!(unsafe { scn_lfsr16_encode(1, 65537, 100, out.as_mut_ptr()) }, 0);
        let ones = Bitstream::ones(100);
        let mut out = [0u64; 2];
        unsafe { scn_lfsr16_encode(7, 65536, 100, out.as_mut_ptr()) };
        assert_eq!(&out, ones.words());
    }

    #[test]
    fn philox_kernels() {
        let mut out = [0u32; 4];
        unsafe { scn_philox4x32_10([0u32; 4].as_ptr(), [0u32; 2].as_ptr(), out.as_mut_ptr()) };
        assert_eq!(out, [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]);
        let c = DrawCoord::new(5, Purpose::Stimuli, 3, 7, 1);
        assert_eq!(scn_philox_uniform(5, 4, 3, 7, 1).to_bits(), uniform_f64(&c).to_bits());
        assert_eq!(scn_philox_normal(5, 4, 3, 7, 1).to_bits(), normal_pair(&c).0.to_bits());
    }
}
