//! The reference AND+popcount loop for bench/jit_vs.sh, built with
//! `rustc -O -C target-cpu=native`: prints its throughput in Gbit/s on two 16 KiB streams.

fn and_popcount(a: &[u64], b: &[u64]) -> u64 {
    a.iter().zip(b).map(|(&x, &y)| u64::from((x & y).count_ones())).sum()
}

fn main() {
    let words = 2048usize;
    let a: Vec<u64> = (0..words as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
    let b: Vec<u64> = (0..words as u64).map(|i| i.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5555).collect();
    let reps = 20_000u32;
    let mut best = f64::INFINITY;
    let mut sink = 0u64;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        for _ in 0..reps {
            sink = sink.wrapping_add(and_popcount(std::hint::black_box(&a), std::hint::black_box(&b)));
        }
        best = best.min(t.elapsed().as_secs_f64() / f64::from(reps));
    }
    std::hint::black_box(sink);
    println!("rustc-native {:.2}", (64 * words) as f64 / best / 1e9);
}
