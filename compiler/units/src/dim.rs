//! Physical dimensions: rational exponents over the SI bases plus the clock base `step`.

use std::ops::{Div, Mul};

use serde::Serialize;

use crate::exponent::Exponent;
use crate::rational::Rational;

/// A base dimension. `Step` counts clock cycles of a clocked network; it converts to time only
/// through a network's `dt`, so it is a base of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Base {
    /// Length (m).
    Length,
    /// Mass (kg).
    Mass,
    /// Time (s).
    Time,
    /// Electric current (A).
    Current,
    /// Temperature (K).
    Temperature,
    /// Amount of substance (mol).
    Amount,
    /// Clock steps (`cycles`, `steps`).
    Step,
}

impl Base {
    /// Every base, in the order SI writes them (m, kg, s, A, K, mol), then `step`.
    pub const ALL: [Base; 7] =
        [Base::Length, Base::Mass, Base::Time, Base::Current, Base::Temperature, Base::Amount, Base::Step];

    /// The SI base unit symbol (`m`, `kg`, `s`, `A`, `K`, `mol`, `step`).
    pub const fn symbol(self) -> &'static str {
        match self {
            Base::Length => "m",
            Base::Mass => "kg",
            Base::Time => "s",
            Base::Current => "A",
            Base::Temperature => "K",
            Base::Amount => "mol",
            Base::Step => "step",
        }
    }
}

/// A dimension: one rational exponent per [`Base`]. Equality is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Dim {
    exps: [Exponent; 7],
}

impl Dim {
    /// Integer exponents in [`Base::ALL`] order: m, kg, s, A, K, mol, step.
    const fn ints(e: [i16; 7]) -> Dim {
        let i = Exponent::int;
        Dim { exps: [i(e[0]), i(e[1]), i(e[2]), i(e[3]), i(e[4]), i(e[5]), i(e[6])] }
    }

    /// No dimension.
    pub const DIMENSIONLESS: Dim = Dim::ints([0, 0, 0, 0, 0, 0, 0]);
    /// Length (m).
    pub const LENGTH: Dim = Dim::ints([1, 0, 0, 0, 0, 0, 0]);
    /// Mass (kg).
    pub const MASS: Dim = Dim::ints([0, 1, 0, 0, 0, 0, 0]);
    /// Time (s).
    pub const TIME: Dim = Dim::ints([0, 0, 1, 0, 0, 0, 0]);
    /// Current (A).
    pub const CURRENT: Dim = Dim::ints([0, 0, 0, 1, 0, 0, 0]);
    /// Temperature (K).
    pub const TEMPERATURE: Dim = Dim::ints([0, 0, 0, 0, 1, 0, 0]);
    /// Amount of substance (mol).
    pub const AMOUNT: Dim = Dim::ints([0, 0, 0, 0, 0, 1, 0]);
    /// Clock steps.
    pub const STEPS: Dim = Dim::ints([0, 0, 0, 0, 0, 0, 1]);
    /// Voltage (V = kg·m²·s⁻³·A⁻¹).
    pub const VOLTAGE: Dim = Dim::ints([2, 1, -3, -1, 0, 0, 0]);
    /// Conductance (S = A/V).
    pub const CONDUCTANCE: Dim = Dim::ints([-2, -1, 3, 2, 0, 0, 0]);
    /// Resistance (ohm = V/A).
    pub const RESISTANCE: Dim = Dim::ints([2, 1, -3, -2, 0, 0, 0]);
    /// Capacitance (F = A·s/V).
    pub const CAPACITANCE: Dim = Dim::ints([-2, -1, 4, 2, 0, 0, 0]);
    /// Frequency (Hz = s⁻¹).
    pub const FREQUENCY: Dim = Dim::ints([0, 0, -1, 0, 0, 0, 0]);
    /// Concentration (mol/m³).
    pub const CONCENTRATION: Dim = Dim::ints([-3, 0, 0, 0, 0, 1, 0]);
    /// Area (m²).
    pub const AREA: Dim = Dim::ints([2, 0, 0, 0, 0, 0, 0]);
    /// Volume (m³).
    pub const VOLUME: Dim = Dim::ints([3, 0, 0, 0, 0, 0, 0]);
    /// Charge (C = A·s).
    pub const CHARGE: Dim = Dim::ints([0, 0, 1, 1, 0, 0, 0]);
    /// Energy (J = kg·m²·s⁻²).
    pub const ENERGY: Dim = Dim::ints([2, 1, -2, 0, 0, 0, 0]);
    /// Power (W = kg·m²·s⁻³).
    pub const POWER: Dim = Dim::ints([2, 1, -3, 0, 0, 0, 0]);

    /// The dimension of one base.
    pub fn base(base: Base) -> Dim {
        let mut d = Dim::DIMENSIONLESS;
        d.exps[base as usize] = Exponent::ONE;
        d
    }

    /// A dimension from its exponents in [`Base::ALL`] order.
    pub const fn from_exponents(exps: [Exponent; 7]) -> Dim {
        Dim { exps }
    }

    /// The exponent of one base.
    pub const fn exponent(self, base: Base) -> Exponent {
        self.exps[base as usize]
    }

    /// Whether every exponent is zero.
    pub fn is_dimensionless(self) -> bool {
        self.exps.iter().all(|e| e.is_zero())
    }

    /// Applies `f` to every exponent pair, failing if any result does not fit.
    fn zip(self, other: Dim, f: impl Fn(Exponent, Exponent) -> Option<Exponent>) -> Option<Dim> {
        let mut exps = [Exponent::ZERO; 7];
        for (i, e) in exps.iter_mut().enumerate() {
            *e = f(self.exps[i], other.exps[i])?;
        }
        Some(Dim { exps })
    }

    /// The product dimension, or `None` if an exponent overflows.
    pub fn checked_mul(self, other: Dim) -> Option<Dim> {
        self.zip(other, Exponent::checked_add)
    }

    /// The quotient dimension, or `None` if an exponent overflows.
    pub fn checked_div(self, other: Dim) -> Option<Dim> {
        self.zip(other, Exponent::checked_sub)
    }

    /// The reciprocal dimension.
    pub fn recip(self) -> Dim {
        Dim { exps: self.exps.map(|e| -e) }
    }

    /// The dimension to a rational power, or `None` if an exponent does not fit.
    pub fn pow(self, power: Rational) -> Option<Dim> {
        // Through `Rational`, so that a zero exponent survives any power.
        self.zip(self, |e, _| Exponent::from_rational(e.to_rational().checked_mul(power)?))
    }

    /// The dimension to an integer power, or `None` if an exponent does not fit.
    pub fn powi(self, power: i32) -> Option<Dim> {
        self.pow(Rational::from_int(i64::from(power)))
    }

    /// The square root (halves every exponent), or `None` if an exponent does not fit.
    pub fn sqrt(self) -> Option<Dim> {
        self.zip(self, |e, _| e.checked_mul(Exponent::HALF))
    }

    /// The dimension in SI base symbols, such as `m^2*kg*s^-3*A^-1` or `s^(1/2)`; `1` when
    /// dimensionless.
    pub fn si_string(self) -> String {
        let parts: Vec<String> = Base::ALL
            .iter()
            .filter(|&&b| !self.exponent(b).is_zero())
            .map(|&b| format!("{}{}", b.symbol(), power_suffix(self.exponent(b))))
            .collect();
        if parts.is_empty() { "1".to_string() } else { parts.join("*") }
    }
}

/// `""` for 1, `^2`, `^-1`, `^(1/2)`, `^(-3/2)`.
pub(crate) fn power_suffix(e: Exponent) -> String {
    if e == Exponent::ONE {
        String::new()
    } else if e.is_integer() {
        format!("^{e}")
    } else {
        format!("^({e})")
    }
}

impl Mul for Dim {
    type Output = Dim;

    /// The product dimension.
    ///
    /// # Panics
    /// If an exponent overflows `i16`; use [`Dim::checked_mul`] on untrusted input.
    fn mul(self, other: Dim) -> Dim {
        self.checked_mul(other).expect("dimension exponent overflow")
    }
}

impl Div for Dim {
    type Output = Dim;

    /// The quotient dimension.
    ///
    /// # Panics
    /// If an exponent overflows `i16`; use [`Dim::checked_div`] on untrusted input.
    fn div(self, other: Dim) -> Dim {
        self.checked_div(other).expect("dimension exponent overflow")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_dimensions_agree_with_their_definitions() {
        assert_eq!(Dim::VOLTAGE, Dim::POWER / Dim::CURRENT);
        assert_eq!(Dim::RESISTANCE, Dim::VOLTAGE / Dim::CURRENT);
        assert_eq!(Dim::CONDUCTANCE, Dim::RESISTANCE.recip());
        assert_eq!(Dim::CAPACITANCE, Dim::CHARGE / Dim::VOLTAGE);
        assert_eq!(Dim::CHARGE, Dim::CURRENT * Dim::TIME);
        assert_eq!(Dim::ENERGY, Dim::VOLTAGE * Dim::CHARGE);
        assert_eq!(Dim::FREQUENCY, Dim::TIME.recip());
        assert_eq!(Dim::CONCENTRATION, Dim::AMOUNT / Dim::VOLUME);
        assert_eq!(Dim::AREA, Dim::LENGTH.powi(2).unwrap());
        assert_eq!(Dim::base(Base::Step), Dim::STEPS);
        assert_eq!(Dim::RESISTANCE * Dim::CAPACITANCE, Dim::TIME);
    }

    #[test]
    fn rational_powers() {
        let root = Dim::TIME.sqrt().unwrap();
        assert_eq!(root.exponent(Base::Time), Exponent::HALF);
        assert_eq!(root * root, Dim::TIME);
        assert_eq!(Dim::AREA.sqrt(), Some(Dim::LENGTH));
        assert_eq!(Dim::TIME.pow(Rational::new(-3, 2).unwrap()).unwrap().si_string(), "s^(-3/2)");
        assert!((Dim::VOLTAGE / Dim::VOLTAGE).is_dimensionless());
        assert_eq!(Dim::TIME.powi(40_000), None);
        assert_eq!(Dim::TIME.powi(20_000).unwrap().checked_mul(Dim::TIME.powi(20_000).unwrap()), None);
        assert_eq!(Dim::DIMENSIONLESS.powi(i32::MAX), Some(Dim::DIMENSIONLESS));
        assert_eq!(root.powi(40_000), Some(Dim::TIME.powi(20_000).unwrap()));
    }

    #[test]
    fn si_strings() {
        assert_eq!(Dim::VOLTAGE.si_string(), "m^2*kg*s^-3*A^-1");
        assert_eq!(Dim::DIMENSIONLESS.si_string(), "1");
        assert_eq!((Dim::STEPS / Dim::TIME).si_string(), "s^-1*step");
    }
}
