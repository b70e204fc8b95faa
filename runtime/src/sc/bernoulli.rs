//! A Bernoulli number source drawing from Philox (DESIGN §3 "Randomness").
//!
//! Value 2j is the low half and value 2j+1 the high half of word j of the
//! [`PhiloxStream`] at the source's [`DrawCoord`], so through the comparator encoder each bit is
//! an independent Bernoulli(threshold / 65536) draw.

use super::source::NumberSource;
use crate::random::{DrawCoord, PhiloxStream};

/// A 16-bit i.i.d. uniform number source backed by a Philox stream.
#[derive(Clone, Debug)]
pub struct BernoulliSource {
    stream: PhiloxStream,
    high: Option<u16>,
}

impl BernoulliSource {
    /// A source reading the stream at `coord` from its start.
    pub fn new(coord: DrawCoord) -> Self {
        BernoulliSource { stream: PhiloxStream::new(coord), high: None }
    }
}

impl NumberSource for BernoulliSource {
    fn next_value(&mut self) -> u16 {
        if let Some(h) = self.high.take() {
            return h;
        }
        let w = self.stream.next_u32();
        self.high = Some((w >> 16) as u16);
        w as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Purpose;

    #[test]
    fn halves_in_order() {
        let coord = DrawCoord::new(9, Purpose::Stimuli, 2, 0, 0);
        let b = coord.block(0);
        let mut s = BernoulliSource::new(coord);
        for w in b {
            assert_eq!(s.next_value(), w as u16);
            assert_eq!(s.next_value(), (w >> 16) as u16);
        }
        assert_eq!(s.next_value(), coord.block(1)[0] as u16);
    }

    #[test]
    fn values_cover_the_range_uniformly() {
        let mut s = BernoulliSource::new(DrawCoord::new(1, Purpose::Stimuli, 0, 0, 0));
        let mut buckets = [0u32; 16];
        let n = 64_000;
        for _ in 0..n {
            buckets[(s.next_value() >> 12) as usize] += 1;
        }
        for b in buckets {
            assert!((3600..4400).contains(&b), "bucket {b}");
        }
    }
}
