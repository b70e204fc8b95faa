//! Sigma-delta coding: integrate the reconstruction error, spike when it reaches a threshold.

use super::raster::{EncodingError, Raster, Signal};

/// Per channel, with `rec = integ = 0` at the start, each step t (in this f64 order):
///
/// ```text
/// err   = x[t] − rec
/// integ = integ + err
/// fire  = |integ| ≥ threshold
/// if fire: s = sign(integ) (−1, 0 or +1); rec = rec + s·threshold; integ = integ − s·threshold
/// ```
///
/// The output is `fire`: negative-going events are also emitted as 1 (the sign is dropped,
/// as in SC-NeuroCore).
pub fn sigma_delta(signal: &Signal, threshold: f64) -> Result<Raster, EncodingError> {
    if threshold.is_nan() {
        return Err(EncodingError::Parameter("threshold is NaN"));
    }
    let mut r = Raster::new(signal.steps(), signal.channels());
    for c in 0..signal.channels() {
        let (mut rec, mut integ) = (0.0f64, 0.0f64);
        for t in 0..signal.steps() {
            let err = signal.get(t, c) - rec;
            integ += err;
            if integ.abs() >= threshold {
                let s = if integ > 0.0 {
                    1.0
                } else if integ < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                rec += s * threshold;
                integ -= s * threshold;
                r.set(t, c, true);
            }
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/encoders.json `sigma_delta_const0.3_th0.5_8steps`; the step-4 spike is a
    /// negative-going event.
    #[test]
    fn conformance() {
        let s = Signal::single(vec![0.3; 8]).unwrap();
        let want: Vec<Vec<u8>> = [0, 1, 0, 0, 1, 0, 1, 0].iter().map(|&b| vec![b]).collect();
        assert_eq!(sigma_delta(&s, 0.5).unwrap().to_rows(), want);
    }

    #[test]
    fn threshold_is_inclusive_and_sign_is_dropped() {
        // Step 0 reaches the threshold exactly (fires); then rec = 0.5 and a zero input drives
        // integ to −0.5 at step 1: a negative-going event, also emitted as 1.
        let s = Signal::single(vec![0.5, 0.0, 0.0]).unwrap();
        let rows = sigma_delta(&s, 0.5).unwrap().to_rows();
        assert_eq!(rows, vec![vec![1], vec![1], vec![0]]);
        let silent = Signal::single(vec![0.0; 50]).unwrap();
        assert_eq!(sigma_delta(&silent, 0.1).unwrap().count(), 0);
        assert!(sigma_delta(&s, f64::NAN).is_err());
    }
}
