//! Popcount kernels over packed streams at hardware speed: `popcount(a AND b)`,
//! `popcount(a XOR b)`, `popcount(XNOR(a, b))` and `popcount(MUX(s, a, b))` (DESIGN §3
//! packing: tail bits zero). Each is a plain Rust loop compiled three times — for AVX-512
//! VPOPCNTDQ, for AVX2 + POPCNT and for the baseline — and the best one the CPU has is chosen
//! at run time (LLVM vectorises `count_ones` into `vpopcntq` or a nibble-table popcount).

macro_rules! kernels {
    ($name:ident, $avx:ident, $avx512:ident, $doc:literal, |$x:ident, $y:ident| $body:expr) => {
        #[doc = $doc]
        pub fn $name(a: &[u64], b: &[u64]) -> u64 {
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx512vpopcntdq") {
                    // SAFETY: the CPU has the features the function is compiled for.
                    return unsafe { $avx512(a, b) };
                }
                if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
                    // SAFETY: as above.
                    return unsafe { $avx(a, b) };
                }
            }
            a.iter().zip(b).map(|(&$x, &$y)| u64::from(($body).count_ones())).sum()
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,popcnt")]
        fn $avx(a: &[u64], b: &[u64]) -> u64 {
            a.iter().zip(b).map(|(&$x, &$y)| u64::from(($body).count_ones())).sum()
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512vpopcntdq,popcnt")]
        fn $avx512(a: &[u64], b: &[u64]) -> u64 {
            a.iter().zip(b).map(|(&$x, &$y)| u64::from(($body).count_ones())).sum()
        }
    };
}

kernels!(
    and_popcount,
    and_popcount_avx2,
    and_popcount_avx512,
    "`popcount(a AND b)` over the common length (unipolar SC multiply-accumulate).",
    |x, y| x & y
);

kernels!(
    xor_popcount,
    xor_popcount_avx2,
    xor_popcount_avx512,
    "`popcount(a XOR b)` over the common length (Hamming distance).",
    |x, y| x ^ y
);

/// `popcount(XNOR(a, b))` over the first `bits` bits (bipolar SC multiply-accumulate): the
/// complement's tail bits are masked off so they never count.
pub fn xnor_popcount(a: &[u64], b: &[u64], bits: u64) -> u64 {
    let words = a.len().min(b.len());
    (bits.min(64 * words as u64)) - xor_popcount(a, b)
}

/// `popcount(MUX(s, a, b))`: bits of `a` where `s` is 1, of `b` elsewhere (scaled addition).
pub fn mux_popcount(s: &[u64], a: &[u64], b: &[u64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512vpopcntdq") {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { mux_popcount_avx512(s, a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: as above.
            return unsafe { mux_popcount_avx2(s, a, b) };
        }
    }
    mux_scalar(s, a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vpopcntdq,popcnt")]
fn mux_popcount_avx512(s: &[u64], a: &[u64], b: &[u64]) -> u64 {
    mux_scalar(s, a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
fn mux_popcount_avx2(s: &[u64], a: &[u64], b: &[u64]) -> u64 {
    mux_scalar(s, a, b)
}

#[inline(always)]
fn mux_scalar(s: &[u64], a: &[u64], b: &[u64]) -> u64 {
    s.iter().zip(a).zip(b).map(|((&s, &x), &y)| u64::from(((s & x) | (!s & y)).count_ones())).sum()
}

/// Which compiled variant the kernels run on this CPU: `rust-avx512`, `rust-avx2` or `rust`.
pub fn kernel_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512vpopcntdq") {
            return "rust-avx512";
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
            return "rust-avx2";
        }
    }
    "rust"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(n: usize, seed: u64) -> Vec<u64> {
        (0..n as u64).map(|i| (i + seed).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ seed).collect()
    }

    #[test]
    fn kernels_count_exactly() {
        for n in [0, 1, 3, 16, 17, 1000] {
            let (a, b, s) = (streams(n, 1), streams(n, 2), streams(n, 3));
            let and: u64 = a.iter().zip(&b).map(|(x, y)| u64::from((x & y).count_ones())).sum();
            let xor: u64 = a.iter().zip(&b).map(|(x, y)| u64::from((x ^ y).count_ones())).sum();
            assert_eq!(and_popcount(&a, &b), and, "{} and, {n} words", kernel_name());
            assert_eq!(xor_popcount(&a, &b), xor, "xor, {n} words");
            assert_eq!(xnor_popcount(&a, &b, 64 * n as u64), 64 * n as u64 - xor);
            let mux: u64 = (0..n).map(|k| u64::from(((s[k] & a[k]) | (!s[k] & b[k])).count_ones())).sum();
            assert_eq!(mux_popcount(&s, &a, &b), mux, "mux, {n} words");
        }
    }
}
