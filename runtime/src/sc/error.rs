//! The error type of the SC primitives.

use std::fmt;

/// Everything that can go wrong in [`crate::sc`]; no operation there panics on bad input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScError {
    /// An LFSR seed of 0 (the all-zero state is a fixed point of the register).
    ZeroSeed,
    /// Two streams of a binary operation have different logical lengths.
    LengthMismatch {
        /// Length of the first operand.
        left: usize,
        /// Length of the second operand.
        right: usize,
    },
    /// A packed stream was given the wrong number of words for its length.
    WordCount {
        /// Logical length in bits.
        len: usize,
        /// Words needed (`ceil(len / 64)`).
        expected: usize,
        /// Words supplied.
        got: usize,
    },
    /// A packed stream has a one in a bit past its logical length.
    NonZeroTail,
    /// A bit index at or past the logical length.
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The stream length.
        len: usize,
    },
    /// Decoding a stream of length 0.
    EmptyStream,
    /// A probability or value that is NaN.
    NotANumber,
    /// A comparator threshold above 65536.
    ThresholdOutOfRange(u32),
    /// An unknown LFSR dialect name.
    UnknownDialect(String),
}

impl fmt::Display for ScError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScError::ZeroSeed => write!(f, "LFSR seed must be non-zero"),
            ScError::LengthMismatch { left, right } => {
                write!(f, "bitstream lengths differ: {left} vs {right}")
            }
            ScError::WordCount { len, expected, got } => {
                write!(f, "a stream of {len} bits needs {expected} u64 words, got {got}")
            }
            ScError::NonZeroTail => write!(f, "bits past the logical length must be zero"),
            ScError::IndexOutOfRange { index, len } => {
                write!(f, "bit index {index} out of range for length {len}")
            }
            ScError::EmptyStream => write!(f, "cannot decode an empty bitstream"),
            ScError::NotANumber => write!(f, "value is NaN"),
            ScError::ThresholdOutOfRange(t) => {
                write!(f, "threshold {t} is outside [0, 65536]")
            }
            ScError::UnknownDialect(name) => write!(f, "unknown LFSR dialect `{name}`"),
        }
    }
}

impl std::error::Error for ScError {}
