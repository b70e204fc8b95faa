//! Burst coding: the value sets the length of a burst of consecutive spikes from step 0.

use super::raster::{EncodingError, Raster, check_values};

/// Neuron n spikes at steps `0 .. min(len, T)` with
/// `len = max(1, floor(clip(v, 0, 1) · max_burst))`; v = 0 still gives one spike.
pub fn burst(values: &[f64], steps: usize, max_burst: usize) -> Result<Raster, EncodingError> {
    check_values(values)?;
    let mut r = Raster::new(steps, values.len());
    for (n, &v) in values.iter().enumerate() {
        let len = ((v.clamp(0.0, 1.0) * max_burst as f64) as usize).max(1);
        for t in 0..len.min(steps) {
            r.set(t, n, true);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `burst_T6_max5`.
    #[test]
    fn conformance() {
        let want = vec![
            vec![1, 1, 1, 1],
            vec![1, 1, 0, 0],
            vec![1, 0, 0, 0],
            vec![1, 0, 0, 0],
            vec![1, 0, 0, 0],
            vec![0, 0, 0, 0],
        ];
        assert_eq!(burst(&[1.0, 0.5, 0.0, 0.25], 6, 5).unwrap().to_rows(), want);
    }

    #[test]
    fn burst_is_cut_at_t() {
        assert_eq!(burst(&[1.0], 3, 10).unwrap().count(), 3);
        assert_eq!(burst(&[1.0], 0, 10).unwrap().count(), 0);
    }
}
