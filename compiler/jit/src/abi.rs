//! The boundary between compiled kernels and Rust: the argument block a kernel receives and
//! the `extern "C"` helpers it calls.
//!
//! Every helper calls the very function the interpreter calls (`f64::exp`, `eval::pow`, the
//! Philox draws, the exact solver's propagators), so a kernel computes the interpreter's bits.

use scn_runtime::interp::eval::{pow, round_half_even};
use scn_runtime::interp::expm::{Matrix, propagators};
use scn_runtime::interp::{PopView, Spike};
use scn_runtime::random::{DrawCoord, Purpose, normal_pair, uniform_f64};

/// What a compiled population kernel reads and writes, laid out for generated code: one
/// pointer or scalar per 8-byte field, in this order (the offsets are [`Field`]s).
#[repr(C)]
pub struct KernelArgs {
    /// Parameters, element-major.
    pub params: *const f64,
    /// States, slot-major (state `k` of element `i` at `k·size + i`).
    pub states: *mut f64,
    /// Continuous inputs, element-major.
    pub inputs: *const f64,
    /// Spike-port sums, element-major.
    pub port_sum: *mut f64,
    /// Spike-port hit flags (Rust `bool`s), element-major.
    pub port_hit: *mut u8,
    /// Refractory-until steps.
    pub refractory_until: *mut u64,
    /// Held-state masks.
    pub held: *mut u64,
    /// Last condition values (Rust `bool`s), element-major.
    pub last_cond: *mut u8,
    /// Spiked flags (Rust `bool`s).
    pub spiked: *mut u8,
    /// The shared handler locals.
    pub locals: *mut f64,
    /// Exact-solver cache: per element `A`, `E`, `F` (n×n each, row-major).
    pub exact: *mut f64,
    /// Exact-solver cache validity per element.
    pub exact_valid: *mut u8,
    /// Number of elements.
    pub size: u64,
    /// Draw entity of element 0.
    pub entity_base: u64,
    /// The step.
    pub step: u64,
    /// The time t·dt.
    pub t: f64,
    /// The network seed.
    pub seed: u64,
    /// The population index (for spikes).
    pub pop: u64,
    /// The spike list (`*mut Vec<Spike>`), for [`scn_jit_emit`].
    pub spikes: *mut Vec<Spike>,
    /// The elements whose ports were hit this step, ascending (what the handlers visit).
    pub hit: *const u32,
    /// Number of entries at `hit`.
    pub hit_len: u64,
}

/// A compiled population's own memory: the exact solver's per-element cache and the seed.
pub struct PopMemory {
    /// Per element `A`, `E`, `F` (n×n each, row-major).
    pub exact: Vec<f64>,
    /// Whether each element's cache holds its matrices.
    pub exact_valid: Vec<u8>,
    /// The network seed.
    pub seed: u64,
}

impl KernelArgs {
    /// The arguments of one kernel call over a population's live arrays and its own memory;
    /// `spikes` is null for kernels that emit nothing.
    pub fn new(v: &mut PopView<'_>, mem: &mut PopMemory, step: u64, t: f64, spikes: *mut Vec<Spike>) -> Self {
        KernelArgs {
            params: v.params.as_ptr(),
            states: v.states.as_mut_ptr(),
            inputs: v.inputs.as_ptr(),
            port_sum: v.port_sum.as_mut_ptr(),
            port_hit: v.port_hit.as_mut_ptr().cast(),
            refractory_until: v.refractory_until.as_mut_ptr(),
            held: v.held.as_mut_ptr(),
            last_cond: v.last_cond.as_mut_ptr().cast(),
            spiked: v.spiked.as_mut_ptr().cast(),
            locals: v.locals.as_mut_ptr(),
            exact: mem.exact.as_mut_ptr(),
            exact_valid: mem.exact_valid.as_mut_ptr(),
            size: v.size as u64,
            entity_base: v.entity_base,
            step,
            t,
            seed: mem.seed,
            pop: v.pop as u64,
            spikes,
            hit: v.hit.as_ptr(),
            hit_len: v.hit.len() as u64,
        }
    }
}

/// A field of [`KernelArgs`], by position (each is 8 bytes).
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub enum Field {
    Params,
    States,
    Inputs,
    PortSum,
    PortHit,
    RefractoryUntil,
    Held,
    LastCond,
    Spiked,
    Locals,
    Exact,
    ExactValid,
    Size,
    EntityBase,
    Step,
    T,
    Seed,
    Pop,
    Spikes,
    Hit,
    HitLen,
}

impl Field {
    /// Byte offset in [`KernelArgs`].
    pub fn offset(self) -> i32 {
        8 * self as i32
    }
}

const _: () = assert!(std::mem::size_of::<KernelArgs>() == 21 * 8);

/// e^x.
pub extern "C" fn scn_jit_exp(x: f64) -> f64 {
    x.exp()
}

/// ln x.
pub extern "C" fn scn_jit_ln(x: f64) -> f64 {
    x.ln()
}

/// tanh x.
pub extern "C" fn scn_jit_tanh(x: f64) -> f64 {
    x.tanh()
}

/// e^x − 1.
pub extern "C" fn scn_jit_exp_m1(x: f64) -> f64 {
    x.exp_m1()
}

/// ⌊x⌋.
pub extern "C" fn scn_jit_floor(x: f64) -> f64 {
    x.floor()
}

/// ⌈x⌉.
pub extern "C" fn scn_jit_ceil(x: f64) -> f64 {
    x.ceil()
}

/// Round half to even, as the interpreter.
pub extern "C" fn scn_jit_round(x: f64) -> f64 {
    round_half_even(x)
}

/// `f64::min`.
pub extern "C" fn scn_jit_min(x: f64, y: f64) -> f64 {
    x.min(y)
}

/// `f64::max`.
pub extern "C" fn scn_jit_max(x: f64, y: f64) -> f64 {
    x.max(y)
}

/// x^y as the language defines it (exact products for small integer exponents).
pub extern "C" fn scn_jit_pow(x: f64, y: f64) -> f64 {
    pow(x, y)
}

/// `f64::powf`.
pub extern "C" fn scn_jit_powf(x: f64, y: f64) -> f64 {
    x.powf(y)
}

/// The floored remainder `x - y·⌊x/y⌋`.
pub extern "C" fn scn_jit_rem(x: f64, y: f64) -> f64 {
    x - y * (x / y).floor()
}

/// `x << y`: x · 2^y.
pub extern "C" fn scn_jit_shl(x: f64, y: f64) -> f64 {
    x * 2f64.powi(y as i32)
}

/// `x >> y`: ⌊x / 2^y⌋.
pub extern "C" fn scn_jit_shr(x: f64, y: f64) -> f64 {
    (x / 2f64.powi(y as i32)).floor()
}

/// A refractory period in whole steps, as the interpreter rounds it: half to even, at least 0.
pub extern "C" fn scn_jit_refractory_steps(steps: f64) -> i64 {
    (round_half_even(steps).max(0.0) as u64) as i64
}

/// A per-step uniform in [0, 1) of draw site `site` of `entity`.
pub extern "C" fn scn_jit_uniform(seed: u64, entity: u64, step: u64, site: u64) -> f64 {
    uniform_f64(&DrawCoord::new(seed, Purpose::StepDraws, entity, step, site as u32))
}

/// A per-step standard normal (first Box–Muller output) of draw site `site` of `entity`.
pub extern "C" fn scn_jit_normal(seed: u64, entity: u64, step: u64, site: u64) -> f64 {
    normal_pair(&DrawCoord::new(seed, Purpose::StepDraws, entity, step, site as u32)).0
}

/// Appends a spike of element `neuron` to the spike list of `args`.
///
/// # Safety
/// `args` must be the argument block the kernel was called with.
pub unsafe extern "C" fn scn_jit_emit(args: *const KernelArgs, neuron: u64) {
    // SAFETY: the kernel passes its own argument block, whose `spikes` is a live Vec.
    unsafe {
        let a = &*args;
        (*a.spikes).push(Spike { step: a.step, pop: a.pop as usize, neuron });
    }
}

/// Refreshes one element's exact-solver cache at `cache` (`A`, `E`, `F`, n×n each) from the
/// freshly probed matrix `a`, as the interpreter does: the propagators are recomputed when the
/// cache is empty or `a` differs from the cached `A` (compared with f64 `==`).
///
/// # Safety
/// `cache` must point to 3·n² writable f64s, `a` to n² readable ones, `valid` to one byte.
pub unsafe extern "C" fn scn_jit_exact_update(cache: *mut f64, valid: *mut u8, a: *const f64, n: u64, h: f64) {
    let n = n as usize;
    // SAFETY: guaranteed by the caller.
    let (cache, a, valid) = unsafe {
        (std::slice::from_raw_parts_mut(cache, 3 * n * n), std::slice::from_raw_parts(a, n * n), &mut *valid)
    };
    if *valid != 0 && cache[..n * n] == *a {
        return;
    }
    let (e, f) = propagators(&Matrix { n, a: a.to_vec() }, h);
    cache[..n * n].copy_from_slice(a);
    cache[n * n..2 * n * n].copy_from_slice(&e.a);
    cache[2 * n * n..].copy_from_slice(&f.a);
    *valid = 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_match_the_interpreter() {
        assert_eq!(scn_jit_pow(1.5, 3.0).to_bits(), pow(1.5, 3.0).to_bits());
        assert_eq!(scn_jit_rem(-7.0, 3.0), 2.0);
        assert_eq!(scn_jit_shl(3.0, 2.0), 12.0);
        assert_eq!(scn_jit_shr(-7.0, 1.0), -4.0);
        assert_eq!(scn_jit_round(2.5), 2.0);
        let c = DrawCoord::new(9, Purpose::StepDraws, 4, 11, 2);
        assert_eq!(scn_jit_uniform(9, 4, 11, 2).to_bits(), uniform_f64(&c).to_bits());
        assert_eq!(scn_jit_normal(9, 4, 11, 2).to_bits(), normal_pair(&c).0.to_bits());
    }

    #[test]
    fn exact_cache_refreshes_only_on_change() {
        let mut cache = vec![0.0; 3];
        let mut valid = 0u8;
        let a = [-10.0];
        unsafe { scn_jit_exact_update(cache.as_mut_ptr(), &mut valid, a.as_ptr(), 1, 1e-3) };
        assert_eq!(valid, 1);
        assert_eq!(cache[0], -10.0);
        let (e, f) = propagators(&Matrix { n: 1, a: vec![-10.0] }, 1e-3);
        assert_eq!((cache[1], cache[2]), (e.a[0], f.a[0]));
        cache[1] = 42.0;
        unsafe { scn_jit_exact_update(cache.as_mut_ptr(), &mut valid, a.as_ptr(), 1, 1e-3) };
        assert_eq!(cache[1], 42.0, "an unchanged A keeps the cached propagators");
    }
}
