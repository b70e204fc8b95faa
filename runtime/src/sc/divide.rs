//! Correlated stochastic dividers. Both are sequential (bit order matters) and estimate
//! px / py when the numerator is nested in the denominator (x ⊆ y, i.e. SCC = +1).

use super::bitstream::Bitstream;
use super::error::ScError;

fn check(x: &Bitstream, y: &Bitstream) -> Result<(), ScError> {
    if x.len() != y.len() {
        return Err(ScError::LengthMismatch { left: x.len(), right: y.len() });
    }
    Ok(())
}

/// CORDIV (Chen & Hayes' correlated divider: a 2:1 MUX selected by `y` with a D flip-flop
/// holding the last output), as in SC-NeuroCore's Rust `core_engine::cordiv`:
///
/// ```text
/// z[-1] = 0
/// z[t]  = x[t]      if y[t] = 1
///         z[t-1]    if y[t] = 0
/// ```
///
/// For x ⊆ y, P(z) = P(x | y) = px / py.
pub fn cordiv(x: &Bitstream, y: &Bitstream) -> Result<Bitstream, ScError> {
    check(x, y)?;
    let mut z = Bitstream::zeros(x.len());
    let mut prev = false;
    for (i, (xb, yb)) in x.iter().zip(y.iter()).enumerate() {
        prev = if yb { xb } else { prev };
        z.set(i, prev)?;
    }
    Ok(z)
}

/// The set/reset/hold divider of Li, Qian, Riedel & Bazargan (IEEE TSP 2014), as in
/// SC-NeuroCore's Python `utils.bitstreams.sc_divide` (a JK flip-flop with J = x, K = ¬x ∧ y):
///
/// ```text
/// z[-1] = 0
/// z[t]  = 1         if x[t] = 1
///         0         if x[t] = 0 and y[t] = 1
///         z[t-1]    if x[t] = 0 and y[t] = 0
/// ```
///
/// For x ⊆ y it converges to px / py; for independent streams to px / (px + (1 − px)·py).
pub fn jk_divide(x: &Bitstream, y: &Bitstream) -> Result<Bitstream, ScError> {
    check(x, y)?;
    let mut z = Bitstream::zeros(x.len());
    let mut prev = false;
    for (i, (xb, yb)) in x.iter().zip(y.iter()).enumerate() {
        prev = xb || (!yb && prev);
        z.set(i, prev)?;
    }
    Ok(z)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{DrawCoord, Purpose};
    use crate::sc::bernoulli::BernoulliSource;
    use crate::sc::encode::{Threshold, encode};
    use crate::sc::lfsr::Lfsr16;

    fn bs(s: &str) -> Bitstream {
        Bitstream::from_bits(s.chars().map(|c| c == '1'))
    }

    #[test]
    fn recurrences_by_hand() {
        let x = bs("01000100");
        let y = bs("01101101");
        // cordiv: y=0 holds, y=1 copies x.
        assert_eq!(cordiv(&x, &y).unwrap(), bs("01000110"));
        let x = bs("10000100");
        let y = bs("00110001");
        assert_eq!(cordiv(&x, &y).unwrap(), bs("00000000"));
        // jk: x=1 sets, x=0&y=1 resets, else hold.
        assert_eq!(jk_divide(&x, &y).unwrap(), bs("11000110"));
        assert!(cordiv(&x, &bs("1")).is_err());
        assert!(jk_divide(&x, &bs("1")).is_err());
    }

    #[test]
    fn nested_streams_divide() {
        // One i.i.d. source read twice with thresholds 0.3 and 0.6: x ⊆ y, expect ≈ 0.5.
        let len = 8192;
        let enc = |p: f64| {
            let coord = DrawCoord::new(11, Purpose::Stimuli, 0, 0, 0);
            encode(&mut BernoulliSource::new(coord), Threshold::from_prob(p).unwrap(), len)
        };
        let (x, y) = (enc(0.3), enc(0.6));
        assert_eq!(x.and_not(&y).unwrap().popcount(), 0, "x must be nested in y");
        for z in [cordiv(&x, &y).unwrap(), jk_divide(&x, &y).unwrap()] {
            let q = z.popcount() as f64 / len as f64;
            assert!((q - 0.5).abs() < 0.03, "quotient {q}");
        }
    }

    #[test]
    fn independent_streams_follow_each_circuit() {
        // Independent x, y: CORDIV's output tracks px, the JK divider px / (px + (1 − px)·py).
        let len = 16384;
        let enc = |p: f64, e: u64| {
            let coord = DrawCoord::new(12, Purpose::Stimuli, e, 0, 0);
            encode(&mut BernoulliSource::new(coord), Threshold::from_prob(p).unwrap(), len)
        };
        let (px, py) = (0.2, 0.5);
        let (x, y) = (enc(px, 0), enc(py, 1));
        let c = cordiv(&x, &y).unwrap().popcount() as f64 / len as f64;
        let j = jk_divide(&x, &y).unwrap().popcount() as f64 / len as f64;
        assert!((c - px).abs() < 0.03, "cordiv {c}");
        let want = px / (px + (1.0 - px) * py);
        assert!((j - want).abs() < 0.03, "jk {j} want {want}");
    }

    #[test]
    fn lfsr_autocorrelation_biases_cordiv() {
        // Consecutive LFSR states are shifts of each other, so the held bit is not a fresh
        // sample: nested LFSR streams do NOT give px/py through CORDIV (0.307 here, not 0.5).
        let len = 4096;
        let enc = |p: f64| encode(&mut Lfsr16::new(0xACE1).unwrap(), Threshold::from_prob(p).unwrap(), len);
        let q = cordiv(&enc(0.3), &enc(0.6)).unwrap().popcount() as f64 / len as f64;
        assert!((q - 0.5).abs() > 0.1, "{q}");
    }
}
