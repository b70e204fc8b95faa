//! LFSR-16: the canonical SCN register (DESIGN §3) and SC-NeuroCore's other dialects.
//!
//! Canonical register: 16-bit Fibonacci, shift left, feedback `s[15]^s[13]^s[12]^s[10]` into
//! bit 0 (polynomial x^16+x^14+x^13+x^11+1, period 65535). As a number source it is
//! compare-then-advance: bit 0 of a stream compares the seed itself.

use super::error::ScError;
use super::source::NumberSource;

/// Default seed of every LFSR-16 (SC-NeuroCore's `FP_LFSR_SEED`).
pub const LFSR16_DEFAULT_SEED: u16 = 0xACE1;

/// Period of every LFSR-16 dialect: all 65535 non-zero states are visited once.
pub const LFSR16_PERIOD: u32 = 65535;

/// One step of the canonical left-shift register.
#[inline]
pub const fn lfsr16_next(s: u16) -> u16 {
    let fb = ((s >> 15) ^ (s >> 13) ^ (s >> 12) ^ (s >> 10)) & 1;
    (s << 1) | fb
}

/// One step of the right-shift register of SC-NeuroCore's `edge.lfsr.Lfsr16`:
/// `b = s0^s2^s3^s5; s' = (s >> 1) | (b << 15)`.
#[inline]
pub const fn lfsr16_right_next(s: u16) -> u16 {
    let b = (s ^ (s >> 2) ^ (s >> 3) ^ (s >> 5)) & 1;
    (s >> 1) | (b << 15)
}

/// A computed seed (e.g. `0xACE1 + i`): taken modulo 2^16, and a result of 0 becomes 1,
/// as SC-NeuroCore's `sc_forward` does. (A *literal* seed of 0 is an error instead.)
pub const fn computed_seed(value: i64) -> u16 {
    match value.rem_euclid(1 << 16) as u16 {
        0 => 1,
        s => s,
    }
}

/// Which LFSR-16 dialect a source follows. Only [`LfsrDialect::Canonical`] is the SCN
/// contract; the others reproduce other SC-NeuroCore code paths and are opt-in by name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LfsrDialect {
    /// `"canonical"`: left shift, taps 15/13/12/10, compare then advance (SC-NeuroCore's
    /// `core_engine::Lfsr16::encode`, `sc_forward`, the Verilog `sc_bitstream_encoder`).
    #[default]
    Canonical,
    /// `"step_first"`: the canonical register, but advance then compare (SC-NeuroCore v3
    /// `engine::BitstreamEncoder::step`); the stream is the canonical one shifted by one bit.
    StepFirst,
    /// `"edge_right"`: right-shift Fibonacci register with taps at bits 0/2/3/5, advance then
    /// compare (SC-NeuroCore `edge.lfsr.Lfsr16`); a different sequence, same period.
    EdgeRight,
}

impl LfsrDialect {
    /// The dialect's name in SCN source (`variant = "..."`).
    pub const fn name(self) -> &'static str {
        match self {
            LfsrDialect::Canonical => "canonical",
            LfsrDialect::StepFirst => "step_first",
            LfsrDialect::EdgeRight => "edge_right",
        }
    }

    /// The dialect with the given name.
    pub fn from_name(name: &str) -> Result<Self, ScError> {
        match name {
            "canonical" => Ok(LfsrDialect::Canonical),
            "step_first" => Ok(LfsrDialect::StepFirst),
            "edge_right" => Ok(LfsrDialect::EdgeRight),
            other => Err(ScError::UnknownDialect(other.to_string())),
        }
    }
}

/// A 16-bit LFSR in one dialect; as a [`NumberSource`] it yields one comparator value per bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lfsr16 {
    state: u16,
    dialect: LfsrDialect,
}

impl Default for Lfsr16 {
    /// The canonical register seeded with [`LFSR16_DEFAULT_SEED`].
    fn default() -> Self {
        Lfsr16 { state: LFSR16_DEFAULT_SEED, dialect: LfsrDialect::Canonical }
    }
}

impl Lfsr16 {
    /// A canonical register; a seed of 0 is [`ScError::ZeroSeed`].
    pub fn new(seed: u16) -> Result<Self, ScError> {
        Self::with_dialect(seed, LfsrDialect::Canonical)
    }

    /// A register of the given dialect; a seed of 0 is [`ScError::ZeroSeed`].
    pub fn with_dialect(seed: u16, dialect: LfsrDialect) -> Result<Self, ScError> {
        if seed == 0 {
            return Err(ScError::ZeroSeed);
        }
        Ok(Lfsr16 { state: seed, dialect })
    }

    /// The current register state.
    pub const fn state(&self) -> u16 {
        self.state
    }

    /// The dialect.
    pub const fn dialect(&self) -> LfsrDialect {
        self.dialect
    }

    /// Advance the register one step (in its dialect's direction) and return the new state.
    pub fn step(&mut self) -> u16 {
        self.state = match self.dialect {
            LfsrDialect::Canonical | LfsrDialect::StepFirst => lfsr16_next(self.state),
            LfsrDialect::EdgeRight => lfsr16_right_next(self.state),
        };
        self.state
    }
}

impl NumberSource for Lfsr16 {
    fn next_value(&mut self) -> u16 {
        match self.dialect {
            LfsrDialect::Canonical => {
                let v = self.state;
                self.step();
                v
            }
            LfsrDialect::StepFirst | LfsrDialect::EdgeRight => self.step(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conformance/lfsr16.json: the first 32 states from 0xACE1.
    const STATES: [u16; 32] = [
        0xACE1, 0x59C3, 0xB387, 0x670F, 0xCE1E, 0x9C3C, 0x3879, 0x70F2, 0xE1E4, 0xC3C8, 0x8791, 0x0F22, 0x1E45, 0x3C8A,
        0x7915, 0xF22A, 0xE455, 0xC8AB, 0x9157, 0x22AE, 0x455D, 0x8ABB, 0x1577, 0x2AEE, 0x55DD, 0xABBA, 0x5774, 0xAEE8,
        0x5DD1, 0xBBA2, 0x7745, 0xEE8B,
    ];

    #[test]
    fn conformance_states() {
        let mut l = Lfsr16::default();
        let got: Vec<u16> = (0..32).map(|_| l.next_value()).collect();
        assert_eq!(got, STATES);
    }

    #[test]
    fn right_shift_states() {
        // seed-sc-core.md §2.2, right-shift (edge) states from 0xACE1.
        let want = [
            0xACE1u16, 0x5670, 0xAB38, 0x559C, 0x2ACE, 0x1567, 0x8AB3, 0x4559, 0x22AC, 0x9156, 0xC8AB, 0xE455, 0x722A,
            0x3915, 0x1C8A, 0x8E45, 0x4722,
        ];
        let mut s = 0xACE1;
        for w in want {
            assert_eq!(s, w);
            s = lfsr16_right_next(s);
        }
    }

    fn period(next: fn(u16) -> u16, seed: u16) -> u32 {
        let mut seen = vec![false; 65536];
        let mut s = seed;
        let mut n = 0;
        loop {
            assert!(!seen[s as usize] && s != 0);
            seen[s as usize] = true;
            s = next(s);
            n += 1;
            if s == seed {
                return n;
            }
        }
    }

    #[test]
    fn periods_are_maximal() {
        assert_eq!(period(lfsr16_next, 0xACE1), LFSR16_PERIOD);
        assert_eq!(period(lfsr16_next, 1), LFSR16_PERIOD);
        assert_eq!(period(lfsr16_right_next, 0xACE1), LFSR16_PERIOD);
    }

    #[test]
    fn seed_rules() {
        assert_eq!(Lfsr16::new(0), Err(ScError::ZeroSeed));
        assert_eq!(Lfsr16::with_dialect(0, LfsrDialect::EdgeRight), Err(ScError::ZeroSeed));
        assert_eq!(computed_seed(0xACE1 + 1), 0xACE2);
        assert_eq!(computed_seed(0x1_0000), 1);
        assert_eq!(computed_seed(0), 1);
        assert_eq!(computed_seed(0x1_ACE1), 0xACE1);
        assert_eq!(computed_seed(-1), 0xFFFF);
        assert_eq!(computed_seed(-65536), 1);
    }

    #[test]
    fn dialect_timing() {
        let mut canon = Lfsr16::new(0xACE1).unwrap();
        let mut first = Lfsr16::with_dialect(0xACE1, LfsrDialect::StepFirst).unwrap();
        assert_eq!(canon.next_value(), 0xACE1);
        assert_eq!(first.next_value(), 0x59C3);
        assert_eq!(canon.next_value(), 0x59C3);
        let mut edge = Lfsr16::with_dialect(0xACE1, LfsrDialect::EdgeRight).unwrap();
        assert_eq!(edge.next_value(), 0x5670);
        for d in [LfsrDialect::Canonical, LfsrDialect::StepFirst, LfsrDialect::EdgeRight] {
            assert_eq!(LfsrDialect::from_name(d.name()), Ok(d));
        }
        assert!(LfsrDialect::from_name("galois").is_err());
    }
}
