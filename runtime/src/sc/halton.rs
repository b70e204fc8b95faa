//! `halton2`: the base-2 van der Corput sequence at 16-bit resolution (DESIGN §3).
//!
//! Point n is the bit reversal of the low 16 bits of n (a counter plus wiring in hardware).

use super::source::NumberSource;

/// The halton2 point with index `n`: `reverse_bits(n mod 2^16)`.
#[inline]
pub const fn halton2(n: u64) -> u16 {
    (n as u16).reverse_bits()
}

/// A halton2 number source starting at point index `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Halton2 {
    index: u64,
}

impl Halton2 {
    /// A source whose first value is point `start`.
    pub const fn new(start: u64) -> Self {
        Halton2 { index: start }
    }

    /// Index of the next point.
    pub const fn index(&self) -> u64 {
        self.index
    }
}

impl NumberSource for Halton2 {
    fn next_value(&mut self) -> u16 {
        let v = halton2(self.index);
        self.index = self.index.wrapping_add(1);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn van_der_corput_values() {
        // 0, 1/2, 1/4, 3/4, 1/8, 5/8, 3/8, 7/8 in units of 2^-16.
        let got: Vec<u16> = (0..8).map(halton2).collect();
        assert_eq!(got, [0, 0x8000, 0x4000, 0xC000, 0x2000, 0xA000, 0x6000, 0xE000]);
        assert_eq!(halton2(65536), 0);
        assert_eq!(halton2(65535), 0xFFFF);
    }

    #[test]
    fn exact_value_as_a_fraction() {
        // Radical inverse: sum of bit_i(n) * 2^-(i+1).
        for n in 0..5000u64 {
            let mut acc = 0u32;
            for i in 0..16 {
                if (n >> i) & 1 == 1 {
                    acc += 1 << (15 - i);
                }
            }
            assert_eq!(u32::from(halton2(n)), acc);
        }
    }

    #[test]
    fn start_offsets() {
        let mut h = Halton2::new(3);
        assert_eq!(h.next_value(), 0xC000);
        assert_eq!(h.next_value(), 0x2000);
    }
}
