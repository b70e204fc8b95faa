//! The error type of fixed-point operations.

use std::fmt;

/// Everything that can go wrong in [`crate::fixed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixError {
    /// A format with W outside 1..=64 or F above 64.
    BadFormat {
        /// Requested total width.
        width: u32,
        /// Requested fractional bits.
        frac: u32,
    },
    /// A raw integer outside its format's range.
    OutOfRange {
        /// The raw value.
        raw: i128,
    },
    /// Overflow in `trap` mode: the rounded value does not fit the target format.
    Overflow,
    /// An exact intermediate needs more than 127 magnitude bits.
    ExactOverflow,
    /// Division by zero.
    DivByZero,
    /// A NaN (or an infinity in `wrap`/`trap` mode) converted from f64.
    NotFinite,
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixError::BadFormat { width, frac } => {
                write!(f, "invalid fixed-point format: width {width} (1..=64), fraction {frac} (0..=64)")
            }
            FixError::OutOfRange { raw } => write!(f, "raw value {raw} outside the format"),
            FixError::Overflow => write!(f, "fixed-point overflow (trap)"),
            FixError::ExactOverflow => write!(f, "exact intermediate exceeds 127 bits"),
            FixError::DivByZero => write!(f, "fixed-point division by zero"),
            FixError::NotFinite => write!(f, "non-finite value cannot be represented"),
        }
    }
}

impl std::error::Error for FixError {}
