//! Counter-based randomness: Philox4x32-10 and SCN's draw layout (DESIGN §3 "Randomness").
//!
//! Every random draw that is not an LFSR/Sobol stream comes from [`philox::philox4x32_10`]
//! evaluated at a (key, counter) pair that is a pure function of
//! (network seed, [`Purpose`], entity; step, draw number). See [`draw`] for the exact layout.

pub mod draw;
pub mod philox;

pub use draw::{DrawCoord, PhiloxStream, Purpose, bernoulli, normal_pair, u64_to_unit_f64, uniform_f64};
pub use philox::{PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1, philox4x32_10};
