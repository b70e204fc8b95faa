//! Decoding streams (or counts) back to values.

use super::bitstream::Bitstream;
use super::error::ScError;

/// Unipolar value of a count: `count / len` (one division, correctly rounded).
pub fn unipolar_from_count(count: u64, len: usize) -> Result<f64, ScError> {
    if len == 0 {
        return Err(ScError::EmptyStream);
    }
    Ok(count as f64 / len as f64)
}

/// Bipolar value of a count: `(2·count − len) / len` (exact numerator, one division).
pub fn bipolar_from_count(count: u64, len: usize) -> Result<f64, ScError> {
    if len == 0 {
        return Err(ScError::EmptyStream);
    }
    Ok((2.0 * count as f64 - len as f64) / len as f64)
}

/// Unipolar value of a stream: fraction of ones.
pub fn unipolar(s: &Bitstream) -> Result<f64, ScError> {
    unipolar_from_count(s.popcount(), s.len())
}

/// Bipolar value of a stream: `2·p̂ − 1` with p̂ the fraction of ones.
pub fn bipolar(s: &Bitstream) -> Result<f64, ScError> {
    bipolar_from_count(s.popcount(), s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes() {
        let s = Bitstream::from_bits([true, false, true, true]);
        assert_eq!(unipolar(&s).unwrap(), 0.75);
        assert_eq!(bipolar(&s).unwrap(), 0.5);
        assert_eq!(bipolar(&Bitstream::zeros(3)).unwrap(), -1.0);
        assert_eq!(bipolar(&Bitstream::ones(3)).unwrap(), 1.0);
        assert_eq!(unipolar(&Bitstream::zeros(0)), Err(ScError::EmptyStream));
        assert_eq!(bipolar_from_count(0, 0), Err(ScError::EmptyStream));
        assert_eq!(unipolar_from_count(1, 3).unwrap(), 1.0 / 3.0);
    }
}
