//! Rate coding: each step, neuron n spikes with probability clip(v_n, 0, 1).

use super::raster::{EncodingError, Raster, check_values};
use crate::random::{DrawCoord, Purpose, uniform_f64};

/// `spike[t][n] = U < clip(v_n, 0, 1)` with U the Philox uniform at
/// (`seed`, [`Purpose::Stimuli`], entity `entity_base + n`, step t, draw 0).
///
/// SC-NeuroCore draws from NumPy's MT19937 instead, so this encoding matches it
/// statistically, not bit for bit.
pub fn rate(values: &[f64], steps: usize, seed: u64, entity_base: u64) -> Result<Raster, EncodingError> {
    check_values(values)?;
    let mut r = Raster::new(steps, values.len());
    for t in 0..steps {
        for (n, &v) in values.iter().enumerate() {
            let coord = DrawCoord::new(seed, Purpose::Stimuli, entity_base + n as u64, t as u64, 0);
            r.set(t, n, uniform_f64(&coord) < v.clamp(0.0, 1.0));
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_match_values() {
        let values = [1.0, 0.5, 0.0, 0.25];
        let steps = 20_000;
        let r = rate(&values, steps, 42, 0).unwrap();
        for (n, &v) in values.iter().enumerate() {
            let k = (0..steps).filter(|&t| r.get(t, n)).count() as f64;
            let sd = (v * (1.0 - v) / steps as f64).sqrt();
            assert!((k / steps as f64 - v).abs() <= 5.0 * sd, "neuron {n}: {k}");
        }
        // v = 1 always fires and v = 0 never (uniforms are in [0, 1)).
        assert!((0..steps).all(|t| r.get(t, 0) && !r.get(t, 2)));
    }

    #[test]
    fn deterministic_and_seed_dependent() {
        let a = rate(&[0.5; 8], 64, 1, 0).unwrap();
        assert_eq!(a, rate(&[0.5; 8], 64, 1, 0).unwrap());
        assert_ne!(a, rate(&[0.5; 8], 64, 2, 0).unwrap());
        // Entities are addressed absolutely: neuron 1 of base 0 is neuron 0 of base 1.
        let b = rate(&[0.5; 8], 64, 1, 1).unwrap();
        assert!((0..64).all(|t| a.get(t, 1) == b.get(t, 0)));
        assert!(rate(&[f64::NAN], 1, 0, 0).is_err());
    }
}
