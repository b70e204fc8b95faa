//! Bit-exact stochastic-computing primitives (DESIGN §3: LFSR-16, packing, Sobol-16, halton2).
//!
//! Number sources ([`lfsr`], [`sobol`], [`halton`], [`bernoulli`]) produce one 16-bit value per
//! bit; the comparator encoder ([`mod@encode`]) turns them into packed [`bitstream::Bitstream`]s; [`ops`],
//! [`divide`], [`decode`] and [`correlation`] compute on them.

pub mod bernoulli;
pub mod bitstream;
pub mod correlation;
pub mod decode;
pub mod divide;
pub mod encode;
pub mod error;
pub mod halton;
pub mod kernels;
pub mod lfsr;
pub mod lfsr_cycle;
pub mod ops;
pub mod sobol;
pub mod source;

pub use bernoulli::BernoulliSource;
pub use bitstream::Bitstream;
pub use correlation::scc;
pub use divide::{cordiv, jk_divide};
pub use encode::{Threshold, encode, encode_lfsr};
pub use error::ScError;
pub use halton::{Halton2, halton2};
pub use lfsr::{LFSR16_DEFAULT_SEED, LFSR16_PERIOD, Lfsr16, LfsrDialect, computed_seed};
pub use sobol::{Sobol16, sobol16};
pub use source::NumberSource;
