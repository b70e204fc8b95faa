//! Sobol-16: first Sobol dimension at 16-bit resolution, Gray-code order (DESIGN §3).
//!
//! The direction numbers of dimension 1 are `v_c = 0x8000 >> c` (c = 0..15). In Gray-code
//! order the point with index n is `x_n = x_{n-1} ^ v_{ctz(n)}`, `x_0 = 0`, which in closed form
//! is the 16-bit bit reversal of the Gray code `n ^ (n >> 1)` (direction numbers with c ≥ 16
//! are zero at 16 bits, so indices wrap modulo 2^16 in the Gray domain).
//! The first 2^k points (from index 0) are exactly the multiples of 2^(16-k).

use super::source::NumberSource;

/// The Sobol-16 point with index `n` (Gray-code order, `x_0 = 0`).
#[inline]
pub const fn sobol16(n: u64) -> u16 {
    ((n ^ (n >> 1)) as u16).reverse_bits()
}

/// SC-NeuroCore `edge.sobol.SobolGenerator` (seed 0) output number `k`: it XORs direction
/// number `ctz(k)` (0 for k = 0) into a zero register *before* returning, which equals the
/// canonical sequence with its top bit flipped: `sobol16(k) ^ 0x8000`.
#[inline]
pub const fn edge_sobol16(k: u64) -> u16 {
    sobol16(k) ^ 0x8000
}

/// A Sobol-16 number source starting at point index `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sobol16 {
    index: u64,
}

impl Sobol16 {
    /// A source whose first value is point `start`.
    pub const fn new(start: u64) -> Self {
        Sobol16 { index: start }
    }

    /// Index of the next point.
    pub const fn index(&self) -> u64 {
        self.index
    }
}

impl NumberSource for Sobol16 {
    fn next_value(&mut self) -> u16 {
        let v = sobol16(self.index);
        self.index = self.index.wrapping_add(1);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_equals_gray_code_recurrence() {
        let mut x: u16 = 0;
        assert_eq!(sobol16(0), 0);
        for n in 1..=200_000u64 {
            let c = n.trailing_zeros();
            let v = if c < 16 { 0x8000u16 >> c } else { 0 };
            x ^= v;
            assert_eq!(sobol16(n), x, "n = {n}");
        }
    }

    #[test]
    fn first_points() {
        let got: Vec<u16> = (0..8).map(sobol16).collect();
        assert_eq!(got, [0x0000, 0x8000, 0xC000, 0x4000, 0x6000, 0xE000, 0xA000, 0x2000]);
    }

    #[test]
    fn edge_generator_golden() {
        // seed-sc-core.md §2.4: edge Sobol, seed 0.
        let want = [0x8000u16, 0x0000, 0x4000, 0xC000, 0xE000, 0x6000, 0x2000, 0xA000, 0xB000, 0x3000, 0x7000, 0xF000];
        let got: Vec<u16> = (0..12).map(edge_sobol16).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn dyadic_blocks_are_stratified() {
        for k in 0..=16u32 {
            let n = 1u64 << k;
            let mut pts: Vec<u16> = (0..n).map(sobol16).collect();
            pts.sort_unstable();
            let step = 1u32 << (16 - k);
            for (j, p) in pts.iter().enumerate() {
                assert_eq!(u32::from(*p), j as u32 * step);
            }
        }
    }

    #[test]
    fn start_offsets() {
        let mut s = Sobol16::new(5);
        assert_eq!(s.next_value(), sobol16(5));
        assert_eq!(s.next_value(), sobol16(6));
        assert_eq!(s.index(), 7);
    }
}
