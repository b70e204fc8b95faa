//! SCN runtime: bit-exact stochastic-computing primitives and the reference interpreter.
//!
//! The modules here implement the semantics contracts of DESIGN §3 and are the single source of
//! truth that the interpreter, the Cranelift JIT (through [`ffi`]) and the Verilog test
//! generators are checked against:
//!
//! - [`sc`]: LFSR-16 (canonical and named dialects), Sobol-16, Halton-2 and Philox-backed
//!   Bernoulli number sources, the comparator encoder, packed bitstreams, gate-level operators,
//!   CORDIV dividers, decoding and stochastic cross-correlation (SCC).
//! - [`random`]: Philox4x32-10 and the (seed, purpose, entity; step, draw) draw layout.
//! - [`spike_encoding`]: the seven spike encodings (rate, latency, delta, phase, burst,
//!   rank-order, sigma-delta).
//! - [`fixed`]: bit-true fixed point with explicit rounding and overflow modes.
//! - [`ffi`]: `extern "C"` hot kernels for JIT-compiled code.
//! - [`ir`]: the executable form of a network; [`interp`] runs it.

pub mod ffi;
pub mod fixed;
pub mod interp;
pub mod ir;
pub mod ir_diff;
pub mod random;
pub mod sc;
pub mod spike_encoding;
