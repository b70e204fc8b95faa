//! Latency (time-to-first-spike) coding: a higher value spikes earlier.

use super::raster::{EncodingError, Raster, check_values};

/// One spike per neuron with value v > 0, at step `floor((1 − clip(v, 0, 1)) · (T − 1))`;
/// a value ≤ 0 never spikes. `steps = 0` gives an empty raster.
pub fn latency(values: &[f64], steps: usize) -> Result<Raster, EncodingError> {
    check_values(values)?;
    let mut r = Raster::new(steps, values.len());
    if steps == 0 {
        return Ok(r);
    }
    for (n, &v) in values.iter().enumerate() {
        if v > 0.0 {
            let t = ((1.0 - v.clamp(0.0, 1.0)) * (steps - 1) as f64) as usize;
            r.set(t, n, true);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `latency_T5`.
    #[test]
    fn conformance() {
        let want = vec![vec![1, 0, 0, 0], vec![0, 0, 0, 0], vec![0, 1, 0, 0], vec![0, 0, 0, 1], vec![0, 0, 0, 0]];
        assert_eq!(latency(&[1.0, 0.5, 0.0, 0.25], 5).unwrap().to_rows(), want);
    }

    #[test]
    fn edges() {
        let r = latency(&[2.0, -1.0, 1e-9], 4).unwrap();
        assert!(r.get(0, 0));
        assert_eq!(r.count(), 2);
        assert!(r.get(2, 2), "a tiny value spikes at floor((1-1e-9)*3) = 2");
        assert_eq!(latency(&[0.5], 0).unwrap().count(), 0);
        assert!(latency(&[f64::NAN], 3).is_err());
    }
}
