//! Phase coding: the value selects a phase bin inside a repeating cycle of `n_phases` steps.

use super::raster::{EncodingError, Raster, check_values};

/// Neuron n spikes at steps `φ, φ + n_phases, φ + 2·n_phases, … < T` with
/// `φ = floor(clip(v, 0, 1) · (n_phases − 1))`; v = 0 spikes at phase 0.
/// `n_phases = 0` is an error.
pub fn phase(values: &[f64], steps: usize, n_phases: usize) -> Result<Raster, EncodingError> {
    if n_phases == 0 {
        return Err(EncodingError::Parameter("n_phases must be at least 1"));
    }
    check_values(values)?;
    let mut r = Raster::new(steps, values.len());
    for (n, &v) in values.iter().enumerate() {
        let phi = (v.clamp(0.0, 1.0) * (n_phases - 1) as f64) as usize;
        for t in (phi..steps).step_by(n_phases) {
            r.set(t, n, true);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `phase_T10_n8`.
    #[test]
    fn conformance() {
        let want = vec![
            vec![0, 0, 1, 0],
            vec![0, 0, 0, 1],
            vec![0, 0, 0, 0],
            vec![0, 1, 0, 0],
            vec![0, 0, 0, 0],
            vec![0, 0, 0, 0],
            vec![0, 0, 0, 0],
            vec![1, 0, 0, 0],
            vec![0, 0, 1, 0],
            vec![0, 0, 0, 1],
        ];
        assert_eq!(phase(&[1.0, 0.5, 0.0, 0.25], 10, 8).unwrap().to_rows(), want);
    }

    #[test]
    fn edges() {
        assert!(phase(&[0.5], 4, 0).is_err());
        let r = phase(&[0.7], 3, 1).unwrap();
        assert_eq!(r.count(), 3, "one phase bin: every step");
    }
}
