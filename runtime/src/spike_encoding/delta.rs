//! Delta coding: a spike whenever the input changes by more than a threshold.

use super::raster::{EncodingError, Raster, Signal};

/// `spike[t][c] = |x[t][c] − x[t−1][c]| > threshold`, with `x[−1] := x[0]` (step 0 never
/// spikes).
pub fn delta(signal: &Signal, threshold: f64) -> Result<Raster, EncodingError> {
    if threshold.is_nan() {
        return Err(EncodingError::Parameter("threshold is NaN"));
    }
    let mut r = Raster::new(signal.steps(), signal.channels());
    for c in 0..signal.channels() {
        for t in 1..signal.steps() {
            let d = (signal.get(t, c) - signal.get(t - 1, c)).abs();
            r.set(t, c, d > threshold);
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `delta_th0.1_of_[0,.05,.3,.3,.1,.25]`.
    #[test]
    fn conformance() {
        let s = Signal::single(vec![0.0, 0.05, 0.3, 0.3, 0.1, 0.25]).unwrap();
        let want: Vec<Vec<u8>> = [0, 0, 1, 0, 1, 1].iter().map(|&b| vec![b]).collect();
        assert_eq!(delta(&s, 0.1).unwrap().to_rows(), want);
    }

    #[test]
    fn channels_are_independent_and_strict() {
        let s = Signal::new(vec![0.0, 0.0, 0.5, 0.2, 0.5, 0.0], 2).unwrap();
        let r = delta(&s, 0.2).unwrap();
        assert_eq!(r.to_rows(), vec![vec![0, 0], vec![1, 0], vec![0, 0]]);
        assert!(delta(&s, f64::NAN).is_err());
    }
}
