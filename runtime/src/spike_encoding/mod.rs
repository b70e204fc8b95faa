//! The seven spike encodings (SC-NeuroCore `encoding.encoders` semantics, re-derived).
//!
//! Static encoders take one value per neuron and return a [`Raster`] of `steps × neurons`;
//! signal encoders (delta, sigma-delta) take a `steps × channels` [`Signal`]. Values are
//! clipped to [0, 1] where the definition says so; NaN inputs are an [`EncodingError`].
//! Only [`rate()`] is random: it draws from Philox (see [`crate::random`]).

pub mod burst;
pub mod delta;
pub mod latency;
pub mod phase;
pub mod rank_order;
pub mod raster;
pub mod rate;
pub mod sigma_delta;

pub use burst::burst;
pub use delta::delta;
pub use latency::latency;
pub use phase::phase;
pub use rank_order::rank_order;
pub use raster::{EncodingError, Raster, Signal};
pub use rate::rate;
pub use sigma_delta::sigma_delta;
