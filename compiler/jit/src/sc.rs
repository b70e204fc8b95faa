//! Stochastic-computing kernels at hardware speed: `popcount(a AND b)`, `popcount(XNOR(a, b))`
//! and `popcount(MUX(s, a, b))` over packed u64 streams (DESIGN §3 packing: tail bits zero).
//!
//! Two implementations of the AND kernel are measured against each other by [`ScKernels::fastest`]:
//! the runtime's precompiled Rust loop (`scn_runtime::sc::kernels`, built for AVX-512
//! VPOPCNTDQ and for AVX2 + POPCNT, the best the CPU has chosen at run time), and Cranelift code
//! using `popcnt.i8x16` with a widening byte sum (Cranelift cannot lower `popcnt.i64x2` on
//! x86-64). The faster one is used; on the machines measured so far that is the Rust loop.

use crate::expr::Unsupported;
use cranelift::prelude::*;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};

/// `popcount(a OP b)` over `words` words at `a` and `b`.
pub type PairKernel = unsafe extern "C" fn(*const u64, *const u64, u64) -> u64;

pub use scn_runtime::sc::kernels::{and_popcount, mux_popcount, xnor_popcount, xor_popcount};

/// The Rust AND kernel behind the C ABI, to compare with the generated one.
unsafe extern "C" fn and_popcount_rust(a: *const u64, b: *const u64, words: u64) -> u64 {
    let n = words as usize;
    if n == 0 {
        return 0;
    }
    // SAFETY: the caller passes `words` readable words at each pointer.
    unsafe { and_popcount(std::slice::from_raw_parts(a, n), std::slice::from_raw_parts(b, n)) }
}

/// Words per call of the generated kernel: its 16-bit lane sums hold at most 4095 iterations.
const CHUNK: usize = 8 * 1024 - 2;

/// The Cranelift-generated AND kernel and the module that owns its code.
pub struct GeneratedAnd {
    _module: JITModule,
    f: PairKernel,
}

impl GeneratedAnd {
    /// Compiles `popcount(a AND b)` with `popcnt.i8x16`, two words per iteration, the byte
    /// counts widened to 16-bit lanes and summed at the end; an odd last word uses the scalar
    /// `popcnt.i64`.
    pub fn compile() -> Result<Self, Unsupported> {
        let err = |e: &dyn std::fmt::Debug| Unsupported(format!("{e:?}"));
        let builder =
            JITBuilder::with_flags(&[("opt_level", "speed")], default_libcall_names()).map_err(|e| err(&e))?;
        let mut module = JITModule::new(builder);
        let config = module.target_config();
        let ptr = config.pointer_type();
        let mut sig = module.make_signature();
        sig.params.extend([AbiParam::new(ptr), AbiParam::new(ptr), AbiParam::new(types::I64)]);
        sig.returns.push(AbiParam::new(types::I64));
        let id = module.declare_function("and_popcount_i8x16", Linkage::Local, &sig).map_err(|e| err(&e))?;
        let mut ctx = module.make_context();
        ctx.func.signature = sig;
        let mut fctx = FunctionBuilderContext::new();
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let flags = MemFlagsData::trusted();
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let (pa, pb, words) = (b.block_params(entry)[0], b.block_params(entry)[1], b.block_params(entry)[2]);
            let (off, acc) = (b.declare_var(ptr), b.declare_var(types::I16X8));
            let zero = b.ins().iconst(ptr, 0);
            b.def_var(off, zero);
            let z16 = b.ins().iconst(types::I16, 0);
            let zv = b.ins().splat(types::I16X8, z16);
            b.def_var(acc, zv);
            let pairs_end = b.ins().band_imm_s(words, -2);
            let pairs_end = b.ins().ishl_imm_s(pairs_end, 3);
            let (head, body, tail, odd, done) =
                (b.create_block(), b.create_block(), b.create_block(), b.create_block(), b.create_block());
            b.ins().jump(head, &[]);
            b.switch_to_block(head);
            let o = b.use_var(off);
            let more = b.ins().icmp(IntCC::UnsignedLessThan, o, pairs_end);
            b.ins().brif(more, body, &[], tail, &[]);
            b.switch_to_block(body);
            let (xa, xb) = (b.ins().iadd(pa, o), b.ins().iadd(pb, o));
            let va = b.ins().load(types::I8X16, flags, xa, 0);
            let vb = b.ins().load(types::I8X16, flags, xb, 0);
            let x = b.ins().band(va, vb);
            let counts = b.ins().popcnt(x);
            let lo = b.ins().uwiden_low(counts);
            let hi = b.ins().uwiden_high(counts);
            let s = b.ins().iadd(lo, hi);
            let a = b.use_var(acc);
            let a = b.ins().iadd(a, s);
            b.def_var(acc, a);
            let o2 = b.ins().iadd_imm_s(o, 16);
            b.def_var(off, o2);
            b.ins().jump(head, &[]);
            b.switch_to_block(tail);
            let a = b.use_var(acc);
            let mut total = b.ins().iconst(types::I64, 0);
            for lane in 0..8u8 {
                let l = b.ins().extractlane(a, lane);
                let l = b.ins().uextend(types::I64, l);
                total = b.ins().iadd(total, l);
            }
            let res = b.declare_var(types::I64);
            b.def_var(res, total);
            let is_odd = b.ins().band_imm_s(words, 1);
            b.ins().brif(is_odd, odd, &[], done, &[]);
            b.switch_to_block(odd);
            let o = b.use_var(off);
            let (xa, xb) = (b.ins().iadd(pa, o), b.ins().iadd(pb, o));
            let wa = b.ins().load(types::I64, flags, xa, 0);
            let wb = b.ins().load(types::I64, flags, xb, 0);
            let w = b.ins().band(wa, wb);
            let c = b.ins().popcnt(w);
            let t = b.use_var(res);
            let t = b.ins().iadd(t, c);
            b.def_var(res, t);
            b.ins().jump(done, &[]);
            b.switch_to_block(done);
            let r = b.use_var(res);
            b.ins().return_(&[r]);
            b.seal_all_blocks();
            b.finalize(config);
        }
        module.define_function(id, &mut ctx).map_err(|e| err(&e))?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().map_err(|e| err(&e))?;
        // SAFETY: defined above with exactly this signature.
        let f = unsafe { std::mem::transmute::<*const u8, PairKernel>(module.get_finalized_function(id)) };
        Ok(GeneratedAnd { _module: module, f })
    }

    /// `popcount(a AND b)` over the common length.
    pub fn and_popcount(&self, a: &[u64], b: &[u64]) -> u64 {
        let n = a.len().min(b.len());
        let mut total = 0;
        for start in (0..n).step_by(CHUNK) {
            let len = CHUNK.min(n - start);
            // SAFETY: `len` words are readable at both offsets.
            total += unsafe { (self.f)(a[start..].as_ptr(), b[start..].as_ptr(), len as u64) };
        }
        total
    }
}

/// Which precompiled Rust kernel runs on this CPU: `rust-avx512`, `rust-avx2` or `rust`.
pub fn rust_kernel_name() -> &'static str {
    scn_runtime::sc::kernels::kernel_name()
}

/// The AND kernel chosen by measurement.
pub struct ScKernels {
    /// Which implementation won: one of [`rust_kernel_name`] or `"cranelift-i8x16"`.
    pub and_source: &'static str,
    generated: Option<GeneratedAnd>,
}

/// Seconds per call of `f` over `reps` calls (best of three rounds).
pub fn time_per_call(reps: u32, mut f: impl FnMut() -> u64) -> f64 {
    let mut best = f64::INFINITY;
    let mut sink = 0u64;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        for _ in 0..reps {
            sink = sink.wrapping_add(std::hint::black_box(f()));
        }
        best = best.min(t.elapsed().as_secs_f64() / f64::from(reps));
    }
    std::hint::black_box(sink);
    best
}

impl ScKernels {
    /// Measures the Rust and the Cranelift AND kernels on cache-resident data (2 × 16 KiB)
    /// and keeps the faster.
    pub fn fastest() -> Self {
        let a: Vec<u64> = (0..2048u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
        let b: Vec<u64> = (0..2048u64).map(|i| i.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5555).collect();
        let rust = time_per_call(2000, || and_popcount(&a, &b));
        let rust_name = rust_kernel_name();
        match GeneratedAnd::compile() {
            Ok(g) if time_per_call(2000, || g.and_popcount(&a, &b)) < rust => {
                ScKernels { and_source: "cranelift-i8x16", generated: Some(g) }
            }
            _ => ScKernels { and_source: rust_name, generated: None },
        }
    }

    /// `popcount(a AND b)` with the chosen implementation.
    pub fn and_popcount(&self, a: &[u64], b: &[u64]) -> u64 {
        match &self.generated {
            Some(g) => g.and_popcount(a, b),
            None => and_popcount(a, b),
        }
    }
}

/// The Rust AND kernel with the C ABI (for callers that take a [`PairKernel`]).
pub const AND_POPCOUNT_RUST: PairKernel = and_popcount_rust;

#[cfg(test)]
mod tests {
    use super::*;

    fn streams(n: usize, seed: u64) -> Vec<u64> {
        (0..n as u64).map(|i| (i + seed).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ seed).collect()
    }

    fn scalar_and(a: &[u64], b: &[u64]) -> u64 {
        a.iter().zip(b).map(|(x, y)| u64::from((x & y).count_ones())).sum()
    }

    #[test]
    fn every_and_kernel_counts_exactly() {
        let g = GeneratedAnd::compile().expect("cranelift lowers popcnt.i8x16");
        for n in [0, 1, 2, 3, 16, 17, 1000, CHUNK + 3] {
            let (a, b) = (streams(n, 1), streams(n, 2));
            let want = scalar_and(&a, &b);
            assert_eq!(and_popcount(&a, &b), want, "rust, {n} words");
            assert_eq!(g.and_popcount(&a, &b), want, "cranelift, {n} words");
            assert_eq!(unsafe { AND_POPCOUNT_RUST(a.as_ptr(), b.as_ptr(), n as u64) }, want);
        }
        let k = ScKernels::fastest();
        let (a, b) = (streams(99, 3), streams(99, 4));
        assert_eq!(k.and_popcount(&a, &b), scalar_and(&a, &b), "{}", k.and_source);
    }

    #[test]
    fn xnor_and_mux_match_the_bitstream_operators() {
        use scn_runtime::sc::encode::encode_lfsr;
        let a = encode_lfsr(0xACE1, 0.3, 1000).unwrap();
        let b = encode_lfsr(0xBEEF, 0.6, 1000).unwrap();
        let s = encode_lfsr(0x1234, 0.5, 1000).unwrap();
        let xnor = a.xnor(&b).unwrap().popcount();
        assert_eq!(xnor_popcount(a.words(), b.words(), 1000), xnor);
        let mux: u64 = s
            .words()
            .iter()
            .zip(a.words())
            .zip(b.words())
            .map(|((s, x), y)| u64::from(((s & x) | (!s & y)).count_ones()))
            .sum();
        assert_eq!(mux_popcount(s.words(), a.words(), b.words()), mux);
        assert_eq!(and_popcount(a.words(), b.words()), a.and(&b).unwrap().popcount());
    }
}
