//! Fixed-point format descriptors and the rounding/overflow modes.

use super::error::FixError;

/// A fixed-point storage format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    signed: bool,
    width: u32,
    frac: u32,
}

impl Fix {
    /// A format; W must be in 1..=64 and F in 0..=64.
    pub fn new(signed: bool, width: u32, frac: u32) -> Result<Self, FixError> {
        if !(1..=64).contains(&width) || frac > 64 {
            return Err(FixError::BadFormat { width, frac });
        }
        Ok(Fix { signed, width, frac })
    }

    /// `fix<W,F>`: signed two's complement.
    pub fn signed(width: u32, frac: u32) -> Result<Self, FixError> {
        Self::new(true, width, frac)
    }

    /// `ufix<W,F>`: unsigned.
    pub fn unsigned(width: u32, frac: u32) -> Result<Self, FixError> {
        Self::new(false, width, frac)
    }

    /// Whether the format is signed.
    pub const fn is_signed(&self) -> bool {
        self.signed
    }

    /// Total bits W (including the sign bit when signed).
    pub const fn width(&self) -> u32 {
        self.width
    }

    /// Fractional bits F.
    pub const fn frac(&self) -> u32 {
        self.frac
    }

    /// Smallest raw integer: −2^(W−1) signed, 0 unsigned.
    pub const fn min_raw(&self) -> i128 {
        if self.signed { -(1i128 << (self.width - 1)) } else { 0 }
    }

    /// Largest raw integer: 2^(W−1) − 1 signed, 2^W − 1 unsigned.
    pub const fn max_raw(&self) -> i128 {
        if self.signed { (1i128 << (self.width - 1)) - 1 } else { (1i128 << self.width) - 1 }
    }

    /// Whether `raw` is representable.
    pub const fn contains_raw(&self, raw: i128) -> bool {
        raw >= self.min_raw() && raw <= self.max_raw()
    }

    /// The raw integer congruent to `low` modulo 2^W inside the format (two's complement wrap);
    /// `low` holds the low 64 bits of the unbounded integer.
    pub const fn wrap_low_bits(&self, low: u64) -> i128 {
        let w = self.width;
        let masked = if w == 64 { low } else { low & ((1u64 << w) - 1) };
        if self.signed && (masked >> (w - 1)) & 1 == 1 { masked as i128 - (1i128 << w) } else { masked as i128 }
    }
}

/// What to do when a rounded value does not fit the target format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Overflow {
    /// Clamp to the nearest representable value.
    Saturate,
    /// Keep the low W bits (two's complement modulo 2^W).
    Wrap,
    /// Fail with [`FixError::Overflow`].
    Trap,
}

/// How to drop fractional bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Toward −∞ (drop the bits of a two's complement number).
    Floor,
    /// To nearest, ties to the even neighbour.
    NearestEven,
    /// To nearest, ties away from zero.
    NearestAway,
    /// Up with probability equal to the dropped fraction r/d: up iff `rand < floor(r·2^64/d)`
    /// (for d = 2^k, k ≤ 64: iff the top k bits of `rand` are below the k dropped bits).
    Stochastic,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let q88 = Fix::signed(16, 8).unwrap();
        assert_eq!((q88.min_raw(), q88.max_raw()), (-32768, 32767));
        let u8f = Fix::unsigned(8, 0).unwrap();
        assert_eq!((u8f.min_raw(), u8f.max_raw()), (0, 255));
        let s64 = Fix::signed(64, 0).unwrap();
        assert_eq!(s64.min_raw(), i128::from(i64::MIN));
        assert_eq!(Fix::unsigned(64, 0).unwrap().max_raw(), i128::from(u64::MAX));
        assert_eq!(Fix::signed(1, 0).unwrap().max_raw(), 0);
        assert!(Fix::signed(0, 0).is_err());
        assert!(Fix::signed(65, 0).is_err());
        assert_eq!(Fix::unsigned(8, 65), Err(FixError::BadFormat { width: 8, frac: 65 }));
    }

    #[test]
    fn wrapping() {
        let s8 = Fix::signed(8, 0).unwrap();
        assert_eq!(s8.wrap_low_bits(200), -56);
        assert_eq!(s8.wrap_low_bits(0x17F), 127);
        assert_eq!(Fix::unsigned(8, 0).unwrap().wrap_low_bits(0x1FF), 255);
        assert_eq!(Fix::signed(64, 0).unwrap().wrap_low_bits(u64::MAX), -1);
    }
}
