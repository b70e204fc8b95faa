//! SCN's draw layout on top of Philox4x32-10: who draws what, from which (key, counter).
//!
//! # Key and counter layout (part of the bit contract; every engine must use it)
//!
//! A draw is identified by a [`DrawCoord`]: network `seed` (u64), [`Purpose`] (u8 code),
//! `entity` (u64, below 2^56), `step` (u64) and `draw` number (u32, the call site's index in
//! source order). A draw may consume several 128-bit Philox blocks, numbered by `block` (u32).
//! With `lo`/`hi` the low and high 32-bit halves:
//!
//! ```text
//! key     = [ seed.lo ^ step.hi,
//!             seed.hi ^ purpose ^ (entity.hi << 8) ]        (entity.hi < 2^24)
//! counter = [ block, draw, step.lo, entity.lo ]
//! ```
//!
//! For a fixed network seed the map (purpose, entity, step, draw, block) -> (key, counter) is
//! injective, so no two draws of one run ever share a Philox block. Steps fill the counter
//! first, so runs shorter than 2^32 steps use a single key per (seed, purpose, entity.hi).
//!
//! # Turning blocks into numbers
//!
//! - A block `[w0, w1, w2, w3]` yields the u64 values `w1:w0` and `w3:w2` (high:low), in that
//!   order; [`PhiloxStream`] hands out words and u64s in exactly this order, block after block.
//! - A uniform double in `[0, 1)` is the top 53 bits of a u64 times 2^-53
//!   ([`u64_to_unit_f64`]).
//! - Normals use Box–Muller on the two uniforms `u1`, `u2` of one block:
//!   `r = sqrt(-2 ln(1 - u1))`, `z0 = r cos(2π u2)`, `z1 = r sin(2π u2)`; a stream returns
//!   `z0` then `z1` before it touches the next block.
//! - A single uniform/normal at a coordinate ([`uniform_f64`], [`normal_pair`]) is the first
//!   value(s) of the stream at that coordinate.

use super::philox::philox4x32_10;
use std::f64::consts::TAU;

/// Why a draw is made; the numeric code enters the Philox key, so each purpose has its own
/// independent family of streams (DESIGN §3). The codes are part of the bit contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Purpose {
    /// Connectivity generation (which synapses exist).
    Connectivity = 0,
    /// Synaptic delays and weights.
    DelaysWeights = 1,
    /// Initial values of state variables.
    InitialValues = 2,
    /// Per-step draws: `uniform`, `normal`, `bernoulli`, `noise` call sites.
    StepDraws = 3,
    /// Stimuli (Poisson sources, rate coding, Bernoulli bitstream sources).
    Stimuli = 4,
    /// Random bits for stochastic rounding in fixed point.
    StochasticRounding = 5,
}

impl Purpose {
    /// The numeric code that enters the key.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// The purpose with the given code, if any.
    pub const fn from_code(code: u32) -> Option<Purpose> {
        Some(match code {
            0 => Purpose::Connectivity,
            1 => Purpose::DelaysWeights,
            2 => Purpose::InitialValues,
            3 => Purpose::StepDraws,
            4 => Purpose::Stimuli,
            5 => Purpose::StochasticRounding,
            _ => return None,
        })
    }
}

/// Coordinates of one draw: (network seed, purpose, entity) select the stream family and
/// (step, draw number) the position in it. See the module docs for the exact layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DrawCoord {
    /// The network seed.
    pub seed: u64,
    /// What the draw is for.
    pub purpose: Purpose,
    /// The element drawing (neuron, synapse, source, ...); must be below 2^56.
    pub entity: u64,
    /// Simulation step (0 for draws made before the run, e.g. connectivity).
    pub step: u64,
    /// Draw number: the call site's index in source order (or a running index).
    pub draw: u32,
}

impl DrawCoord {
    /// Largest supported entity index plus one.
    pub const ENTITY_LIMIT: u64 = 1 << 56;

    /// Bundle the five coordinates.
    pub const fn new(seed: u64, purpose: Purpose, entity: u64, step: u64, draw: u32) -> Self {
        DrawCoord { seed, purpose, entity, step, draw }
    }

    /// The Philox key of this coordinate.
    pub const fn key(&self) -> [u32; 2] {
        let entity_hi = (self.entity >> 32) as u32;
        [
            (self.seed as u32) ^ ((self.step >> 32) as u32),
            ((self.seed >> 32) as u32) ^ self.purpose.code() ^ (entity_hi << 8),
        ]
    }

    /// The Philox counter of block `block` of this draw.
    pub const fn counter(&self, block: u32) -> [u32; 4] {
        [block, self.draw, self.step as u32, self.entity as u32]
    }

    /// The 128 random bits of block `block` of this draw.
    #[inline]
    pub fn block(&self, block: u32) -> [u32; 4] {
        debug_assert!(self.entity < Self::ENTITY_LIMIT, "entity index >= 2^56");
        philox4x32_10(self.counter(block), self.key())
    }
}

/// Uniform double in `[0, 1)` from the top 53 bits of `x`.
#[inline]
pub fn u64_to_unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[inline]
fn words_to_u64(lo: u32, hi: u32) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}

fn box_muller(u1: f64, u2: f64) -> (f64, f64) {
    let r = (-2.0 * (1.0 - u1).ln()).sqrt();
    let theta = TAU * u2;
    (r * theta.cos(), r * theta.sin())
}

/// The uniform double of a draw: top 53 bits of `w1:w0` of block 0.
#[inline]
pub fn uniform_f64(coord: &DrawCoord) -> f64 {
    let b = coord.block(0);
    u64_to_unit_f64(words_to_u64(b[0], b[1]))
}

/// Bernoulli draw: `uniform_f64(coord) < p`.
#[inline]
pub fn bernoulli(coord: &DrawCoord, p: f64) -> bool {
    uniform_f64(coord) < p
}

/// Both Box–Muller outputs `(z0, z1)` of block 0 of a draw (use `z0` first).
pub fn normal_pair(coord: &DrawCoord) -> (f64, f64) {
    let b = coord.block(0);
    box_muller(u64_to_unit_f64(words_to_u64(b[0], b[1])), u64_to_unit_f64(words_to_u64(b[2], b[3])))
}

/// A sequential reader over the blocks 0, 1, 2, ... of one draw coordinate, for consumers
/// that need many numbers from one draw (connectivity, weights, Bernoulli bitstreams).
#[derive(Clone, Debug)]
pub struct PhiloxStream {
    coord: DrawCoord,
    next_block: u32,
    buf: [u32; 4],
    pos: usize,
    cached_normal: Option<f64>,
}

impl PhiloxStream {
    /// A stream positioned before block 0 of `coord`.
    pub fn new(coord: DrawCoord) -> Self {
        PhiloxStream { coord, next_block: 0, buf: [0; 4], pos: 4, cached_normal: None }
    }

    /// A stream positioned before block `block` of `coord` (skipping the earlier blocks).
    pub fn at_block(coord: DrawCoord, block: u32) -> Self {
        PhiloxStream { next_block: block, ..PhiloxStream::new(coord) }
    }

    /// The coordinate this stream reads.
    pub fn coord(&self) -> &DrawCoord {
        &self.coord
    }

    /// Next 32-bit word (words of a block in order w0..w3; blocks wrap after 2^32).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == 4 {
            self.buf = self.coord.block(self.next_block);
            self.next_block = self.next_block.wrapping_add(1);
            self.pos = 0;
        }
        let w = self.buf[self.pos];
        self.pos += 1;
        w
    }

    /// Next 64-bit value: the next two words as (high:low) = (second:first).
    pub fn next_u64(&mut self) -> u64 {
        let lo = self.next_u32();
        let hi = self.next_u32();
        words_to_u64(lo, hi)
    }

    /// Next uniform double in `[0, 1)`.
    pub fn next_uniform(&mut self) -> f64 {
        u64_to_unit_f64(self.next_u64())
    }

    /// Next Bernoulli(p) draw (`next_uniform() < p`).
    pub fn next_bernoulli(&mut self, p: f64) -> bool {
        self.next_uniform() < p
    }

    /// Next standard normal: Box–Muller on two uniforms, `z0` then the cached `z1`.
    pub fn next_normal(&mut self) -> f64 {
        if let Some(z) = self.cached_normal.take() {
            return z;
        }
        let u1 = self.next_uniform();
        let u2 = self.next_uniform();
        let (z0, z1) = box_muller(u1, u2);
        self.cached_normal = Some(z1);
        z0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(entity: u64, step: u64, draw: u32) -> DrawCoord {
        DrawCoord::new(42, Purpose::StepDraws, entity, step, draw)
    }

    #[test]
    fn layout_is_as_documented() {
        let d =
            DrawCoord::new(0x1111_2222_3333_4444, Purpose::Stimuli, 0x00AB_CDEF_0123_4567, 0x0000_0007_89AB_CDEF, 9);
        assert_eq!(d.key(), [0x3333_4444 ^ 7, 0x1111_2222 ^ 4 ^ (0x00AB_CDEF << 8)]);
        assert_eq!(d.counter(3), [3, 9, 0x89AB_CDEF, 0x0123_4567]);
    }

    #[test]
    fn layout_is_injective_for_a_fixed_seed() {
        let mut seen = std::collections::HashSet::new();
        for p in 0..6 {
            for e in [0u64, 1, 1 << 32, (1 << 56) - 1] {
                for s in [0u64, 1, 1 << 32, u64::MAX] {
                    for d in [0u32, 1] {
                        let coord = DrawCoord::new(7, Purpose::from_code(p).unwrap(), e, s, d);
                        assert!(seen.insert((coord.key(), coord.counter(0))));
                    }
                }
            }
        }
    }

    #[test]
    fn single_draws_equal_the_head_of_the_stream() {
        let coord = c(3, 10, 2);
        let mut s = PhiloxStream::new(coord);
        assert_eq!(s.next_uniform().to_bits(), uniform_f64(&coord).to_bits());
        let mut s = PhiloxStream::new(coord);
        let (z0, z1) = normal_pair(&coord);
        assert_eq!(s.next_normal().to_bits(), z0.to_bits());
        assert_eq!(s.next_normal().to_bits(), z1.to_bits());
        // The third normal comes from block 1.
        let b1 = coord.block(1);
        let (y0, _) =
            box_muller(u64_to_unit_f64(words_to_u64(b1[0], b1[1])), u64_to_unit_f64(words_to_u64(b1[2], b1[3])));
        assert_eq!(s.next_normal().to_bits(), y0.to_bits());
    }

    #[test]
    fn stream_word_order() {
        let coord = c(0, 0, 0);
        let b0 = coord.block(0);
        let b1 = coord.block(1);
        let mut s = PhiloxStream::new(coord);
        let words: Vec<u32> = (0..8).map(|_| s.next_u32()).collect();
        assert_eq!(&words[..4], &b0);
        assert_eq!(&words[4..], &b1);
        let mut s = PhiloxStream::new(coord);
        assert_eq!(s.next_u64(), (u64::from(b0[1]) << 32) | u64::from(b0[0]));
    }

    #[test]
    fn unit_conversion_extremes() {
        assert_eq!(u64_to_unit_f64(0), 0.0);
        assert_eq!(u64_to_unit_f64(u64::MAX), 1.0 - f64::EPSILON / 2.0);
        assert_eq!(u64_to_unit_f64(1 << 63), 0.5);
    }

    #[test]
    fn uniform_and_normal_moments() {
        let n = 20_000;
        let mut s = PhiloxStream::new(c(1, 0, 0));
        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let u = s.next_uniform();
            assert!((0.0..1.0).contains(&u));
            sum += u;
            sum2 += u * u;
        }
        let mean = sum / n as f64;
        let var = sum2 / n as f64 - mean * mean;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.005, "var {var}");

        let (mut sum, mut sum2) = (0.0, 0.0);
        for _ in 0..n {
            let z = s.next_normal();
            sum += z;
            sum2 += z * z;
        }
        let mean = sum / n as f64;
        let var = sum2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }

    #[test]
    fn purposes_and_entities_decorrelate() {
        let a = uniform_f64(&DrawCoord::new(1, Purpose::StepDraws, 0, 0, 0));
        let b = uniform_f64(&DrawCoord::new(1, Purpose::Stimuli, 0, 0, 0));
        let e = uniform_f64(&DrawCoord::new(1, Purpose::StepDraws, 1, 0, 0));
        assert_ne!(a.to_bits(), b.to_bits());
        assert_ne!(a.to_bits(), e.to_bits());
        assert_eq!(Purpose::from_code(5), Some(Purpose::StochasticRounding));
        assert_eq!(Purpose::from_code(6), None);
    }
}
