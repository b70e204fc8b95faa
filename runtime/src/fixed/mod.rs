//! Bit-true fixed point (DESIGN §3 "Fixed point").
//!
//! - [`Fix`] describes a storage format: `fix<W,F>` (signed two's complement, W bits including
//!   the sign, F fractional) or `ufix<W,F>`, with 1 ≤ W ≤ 64 and 0 ≤ F ≤ 64.
//! - [`FixVal`] is a value stored in a format (its raw integer always in range).
//! - [`Exact`] is an exact intermediate `raw · 2^-frac` held in an i128: add, sub, mul, neg,
//!   abs are exact; div rounds to a chosen number of fractional bits.
//! - [`requantize`] brings an exact value into a format with a [`Rounding`] mode and an
//!   [`Overflow`] mode. Stochastic rounding takes its random bits as an argument.

pub mod error;
pub mod exact;
pub mod format;
pub mod quantize;
pub mod round;
pub mod value;

pub use error::FixError;
pub use exact::Exact;
pub use format::{Fix, Overflow, Rounding};
pub use quantize::{requantize, requantize_f64};
pub use round::round_ratio;
pub use value::FixVal;
