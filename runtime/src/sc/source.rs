//! The number-source abstraction shared by LFSR, Sobol, Halton and Bernoulli sources.

/// A source of 16-bit values, one per stream bit, for the comparator encoder
/// ([`crate::sc::encode()`]): bit k of a stream is `next_value() < threshold` on the k-th call.
///
/// Each source decides its own timing (e.g. the canonical LFSR returns its current state and
/// then advances), so the encoder itself has a single definition.
pub trait NumberSource {
    /// The value to compare for the next bit; advances the source.
    fn next_value(&mut self) -> u16;
}

impl<S: NumberSource + ?Sized> NumberSource for &mut S {
    fn next_value(&mut self) -> u16 {
        (**self).next_value()
    }
}
