//! Spike rasters, input signals and the encoding error type.

use std::fmt;

/// Why an encoding was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodingError {
    /// An input value is NaN (neuron/channel index, step).
    NotANumber {
        /// Time step (0 for static encoders).
        step: usize,
        /// Neuron or channel index.
        index: usize,
    },
    /// A signal's data length is not `steps × channels`.
    Shape {
        /// Number of values supplied.
        len: usize,
        /// Declared number of channels.
        channels: usize,
    },
    /// A parameter outside its domain (e.g. zero phases).
    Parameter(&'static str),
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodingError::NotANumber { step, index } => {
                write!(f, "input at step {step}, index {index} is NaN")
            }
            EncodingError::Shape { len, channels } => {
                write!(f, "{len} values do not fill whole steps of {channels} channels")
            }
            EncodingError::Parameter(what) => write!(f, "invalid parameter: {what}"),
        }
    }
}

impl std::error::Error for EncodingError {}

/// Check a vector of static inputs for NaN.
pub(crate) fn check_values(values: &[f64]) -> Result<(), EncodingError> {
    match values.iter().position(|v| v.is_nan()) {
        Some(index) => Err(EncodingError::NotANumber { step: 0, index }),
        None => Ok(()),
    }
}

/// A binary spike raster: `steps` rows (time) by `neurons` columns, row-major.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Raster {
    steps: usize,
    neurons: usize,
    spikes: Vec<bool>,
}

impl Raster {
    /// An all-silent raster.
    pub fn new(steps: usize, neurons: usize) -> Self {
        Raster { steps, neurons, spikes: vec![false; steps * neurons] }
    }

    /// Build from rows of 0/1 (ragged rows are an [`EncodingError::Shape`]).
    pub fn from_rows(rows: &[Vec<u8>]) -> Result<Self, EncodingError> {
        let neurons = rows.first().map_or(0, Vec::len);
        let mut r = Raster::new(rows.len(), neurons);
        for (t, row) in rows.iter().enumerate() {
            if row.len() != neurons {
                return Err(EncodingError::Shape { len: row.len(), channels: neurons });
            }
            for (n, &b) in row.iter().enumerate() {
                r.set(t, n, b != 0);
            }
        }
        Ok(r)
    }

    /// Number of time steps (rows).
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Number of neurons (columns).
    pub fn neurons(&self) -> usize {
        self.neurons
    }

    /// Whether neuron `n` spikes at step `t` (false outside the raster).
    pub fn get(&self, t: usize, n: usize) -> bool {
        t < self.steps && n < self.neurons && self.spikes[t * self.neurons + n]
    }

    /// Set or clear a spike (ignored outside the raster).
    pub fn set(&mut self, t: usize, n: usize, spike: bool) {
        if t < self.steps && n < self.neurons {
            self.spikes[t * self.neurons + n] = spike;
        }
    }

    /// Rows of 0/1, one per step.
    pub fn to_rows(&self) -> Vec<Vec<u8>> {
        (0..self.steps).map(|t| (0..self.neurons).map(|n| u8::from(self.get(t, n))).collect()).collect()
    }

    /// Total number of spikes.
    pub fn count(&self) -> usize {
        self.spikes.iter().filter(|s| **s).count()
    }
}

/// A time-varying input: `steps × channels` values, row-major (one row per step).
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    channels: usize,
    data: Vec<f64>,
}

impl Signal {
    /// Wrap row-major data; `data.len()` must be a multiple of `channels` (`channels > 0`).
    pub fn new(data: Vec<f64>, channels: usize) -> Result<Self, EncodingError> {
        if channels == 0 || !data.len().is_multiple_of(channels) {
            return Err(EncodingError::Shape { len: data.len(), channels });
        }
        if let Some(i) = data.iter().position(|v| v.is_nan()) {
            return Err(EncodingError::NotANumber { step: i / channels, index: i % channels });
        }
        Ok(Signal { channels, data })
    }

    /// A single-channel signal (a 1-D input becomes `steps × 1`).
    pub fn single(data: Vec<f64>) -> Result<Self, EncodingError> {
        Signal::new(data, 1)
    }

    /// Number of steps.
    pub fn steps(&self) -> usize {
        self.data.len() / self.channels
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Value of channel `c` at step `t`.
    pub fn get(&self, t: usize, c: usize) -> f64 {
        self.data[t * self.channels + c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_rows_roundtrip() {
        let rows = vec![vec![1, 0], vec![0, 1], vec![1, 1]];
        let r = Raster::from_rows(&rows).unwrap();
        assert_eq!(r.to_rows(), rows);
        assert_eq!(r.count(), 4);
        assert!(!r.get(5, 0));
        assert!(Raster::from_rows(&[vec![1], vec![1, 0]]).is_err());
    }

    #[test]
    fn signal_checks() {
        assert!(Signal::new(vec![1.0, 2.0, 3.0], 2).is_err());
        assert!(Signal::new(vec![], 0).is_err());
        assert_eq!(Signal::new(vec![1.0, f64::NAN], 1), Err(EncodingError::NotANumber { step: 1, index: 0 }));
        let s = Signal::new(vec![1.0, 2.0, 3.0, 4.0], 2).unwrap();
        assert_eq!((s.steps(), s.get(1, 0)), (2, 3.0));
    }
}
