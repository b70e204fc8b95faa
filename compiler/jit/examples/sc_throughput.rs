//! Prints the throughput of the AND+popcount kernels in Gbit/s on cache-resident data
//! (two 16 KiB streams), one `name gbit_s` line per kernel; `bench/jit_vs.sh` runs it.

use scn_jit::sc::{GeneratedAnd, ScKernels, and_popcount, rust_kernel_name, time_per_call};

fn main() {
    let words = 2048usize;
    let a: Vec<u64> = (0..words as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
    let b: Vec<u64> = (0..words as u64).map(|i| i.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5555).collect();
    let bits = (64 * words) as f64;
    let gbit = |s: f64| bits / s / 1e9;
    let rust = time_per_call(20_000, || and_popcount(&a, &b));
    println!("{} {:.2}", rust_kernel_name(), gbit(rust));
    match GeneratedAnd::compile() {
        Ok(g) => println!("cranelift-i8x16 {:.2}", gbit(time_per_call(20_000, || g.and_popcount(&a, &b)))),
        Err(e) => println!("cranelift-i8x16 unavailable ({})", e.0),
    }
    println!("chosen {}", ScKernels::fastest().and_source);
}
