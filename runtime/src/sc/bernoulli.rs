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

    /// A source whose first value is value `index` of the stream at `coord` (8 values per
    /// Philox block: two per word, four words), as if `index` values had been read.
    pub fn starting_at(coord: DrawCoord, index: u64) -> Self {
        let mut s = BernoulliSource { stream: PhiloxStream::at_block(coord, (index / 8) as u32), high: None };
        for _ in 0..index % 8 {
            s.next_value();
        }
        s
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
    fn starting_at_skips_exactly_that_many_values() {
        let coord = DrawCoord::new(3, Purpose::Stimuli, 7, 0, 0);
        let mut from_start = BernoulliSource::new(coord);
        let all: Vec<u16> = (0..40).map(|_| from_start.next_value()).collect();
        for skip in [0u64, 1, 7, 8, 9, 17, 31] {
            let mut s = BernoulliSource::starting_at(coord, skip);
            let got: Vec<u16> = (0..8).map(|_| s.next_value()).collect();
            assert_eq!(got, all[skip as usize..skip as usize + 8], "skip {skip}");
        }
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
