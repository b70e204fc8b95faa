//! Units as exact scales to SI base units: unit atoms, written units and quantity literals.

use std::fmt;

use scn_grammar::ast::Unit;
use scn_grammar::lexer::units::split_atom;
use serde::Serialize;

use crate::dim::Dim;
use crate::rational::Rational;

/// A unit's meaning: one of it is `scale` SI base units of dimension `dim` (`mV` is
/// voltage with scale 1/1000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct UnitValue {
    /// The dimension.
    pub dim: Dim,
    /// The size of one unit in SI base units.
    pub scale: Rational,
}

impl UnitValue {
    /// The dimensionless unit 1.
    pub const ONE: UnitValue = UnitValue { dim: Dim::DIMENSIONLESS, scale: Rational::ONE };

    /// The product unit, or `None` on overflow.
    pub fn checked_mul(self, other: UnitValue) -> Option<UnitValue> {
        Some(UnitValue { dim: self.dim.checked_mul(other.dim)?, scale: self.scale.checked_mul(other.scale)? })
    }

    /// The quotient unit, or `None` on overflow.
    pub fn checked_div(self, other: UnitValue) -> Option<UnitValue> {
        Some(UnitValue { dim: self.dim.checked_div(other.dim)?, scale: self.scale.checked_div(other.scale)? })
    }

    /// The unit to an integer power, or `None` on overflow.
    pub fn checked_powi(self, power: i32) -> Option<UnitValue> {
        Some(UnitValue { dim: self.dim.powi(power)?, scale: self.scale.checked_pow(power)? })
    }
}

/// Why a unit or quantity has no exact SI value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitError {
    /// The atom is not in the unit table.
    UnknownAtom(String),
    /// The scale of this atom (with its power), or of the unit once it was combined, does not
    /// fit an exact rational.
    Overflow(String),
    /// The number is malformed or too large to hold exactly.
    BadNumber(String),
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::UnknownAtom(atom) => write!(f, "`{atom}` is not a unit atom"),
            UnitError::Overflow(atom) => write!(f, "the unit overflows at `{atom}`"),
            UnitError::BadNumber(text) => write!(f, "`{text}` is not a number that can be held exactly"),
        }
    }
}

impl std::error::Error for UnitError {}

/// The meaning of an unprefixed base atom.
fn base_value(base: &str) -> Option<UnitValue> {
    let (dim, num, den) = match base {
        "s" => (Dim::TIME, 1, 1),
        "V" => (Dim::VOLTAGE, 1, 1),
        "A" => (Dim::CURRENT, 1, 1),
        "S" => (Dim::CONDUCTANCE, 1, 1),
        "F" => (Dim::CAPACITANCE, 1, 1),
        "ohm" => (Dim::RESISTANCE, 1, 1),
        "Hz" => (Dim::FREQUENCY, 1, 1),
        "mol" => (Dim::AMOUNT, 1, 1),
        // 1 M = 1 mol/L = 1000 mol/m³.
        "M" => (Dim::CONCENTRATION, 1000, 1),
        "m" => (Dim::LENGTH, 1, 1),
        "g" => (Dim::MASS, 1, 1000),
        "K" => (Dim::TEMPERATURE, 1, 1),
        "cycles" | "cycle" | "steps" | "step" => (Dim::STEPS, 1, 1),
        _ => return None,
    };
    Some(UnitValue { dim, scale: Rational::new(num, den)? })
}

/// The meaning of a unit atom such as `ms`, `mM`, `Mohm` or `cycles`, with the prefix's power
/// of ten applied exactly; `None` if it is not an atom.
pub fn atom(name: &str) -> Option<UnitValue> {
    let parts = split_atom(name)?;
    let base = base_value(parts.base)?;
    let prefix = Rational::from_int(10).checked_pow(parts.exponent)?;
    Some(UnitValue { dim: base.dim, scale: base.scale.checked_mul(prefix)? })
}

/// The meaning of a written unit: its atoms raised to their powers, multiplied or divided in
/// order. An error names the offending atom.
pub fn unit_value(unit: &Unit) -> Result<UnitValue, UnitError> {
    let mut value = UnitValue::ONE;
    for a in &unit.atoms {
        let overflow = || UnitError::Overflow(a.name.clone());
        let one = atom(&a.name).ok_or_else(|| UnitError::UnknownAtom(a.name.clone()))?;
        let powered = one.checked_powi(a.power).ok_or_else(overflow)?;
        value = if a.divide { value.checked_div(powered) } else { value.checked_mul(powered) }.ok_or_else(overflow)?;
    }
    Ok(value)
}

/// A quantity literal's exact value in SI base units, with its unit: `20 ms` is
/// (1/50, time with scale 1/1000).
pub fn quantity(number: &str, unit: &Unit) -> Result<(Rational, UnitValue), UnitError> {
    let n = Rational::parse_decimal(number).ok_or_else(|| UnitError::BadNumber(number.to_string()))?;
    let u = unit_value(unit)?;
    let si = n.checked_mul(u.scale).ok_or_else(|| UnitError::Overflow(unit.to_string()))?;
    Ok((si, u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_grammar::ast::UnitAtom;
    use scn_grammar::lexer::units::{BASES, COUNTS, PREFIXES, parse_unit_text};

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    fn q(number: &str, unit: &str) -> (Rational, Dim) {
        let (v, u) = quantity(number, &parse_unit_text(unit).unwrap()).unwrap();
        (v, u.dim)
    }

    #[test]
    fn every_lexer_atom_has_a_meaning() {
        for &(base, _) in BASES {
            assert!(atom(base).is_some(), "{base}");
            for &(p, _) in PREFIXES {
                let name = format!("{p}{base}");
                if split_atom(&name).is_some() {
                    assert!(atom(&name).is_some(), "{name}");
                }
            }
        }
        for &c in COUNTS {
            assert_eq!(atom(c), Some(UnitValue { dim: Dim::STEPS, scale: Rational::ONE }));
        }
    }

    #[test]
    fn atoms_scale_exactly() {
        let a = |name: &str| atom(name).unwrap();
        assert_eq!(a("mV"), UnitValue { dim: Dim::VOLTAGE, scale: r(1, 1000) });
        assert_eq!(a("mM"), UnitValue { dim: Dim::CONCENTRATION, scale: Rational::ONE });
        assert_eq!(a("g").scale, r(1, 1000));
        assert_eq!(a("kg"), UnitValue { dim: Dim::MASS, scale: Rational::ONE });
        assert_eq!(a("Hz").dim, Dim::TIME.recip());
        assert_eq!(a("ohm").dim, Dim::VOLTAGE / Dim::CURRENT);
        assert_eq!(a("S").dim, Dim::CURRENT / Dim::VOLTAGE);
        assert_eq!(a("F").dim, Dim::CURRENT * Dim::TIME / Dim::VOLTAGE);
        assert_eq!(a("fF").scale, r(1, 10i128.pow(15)));
        assert_eq!(a("GHz").scale, r(10i128.pow(9), 1));
        assert_eq!(a("cycle").dim, Dim::STEPS);
        assert_eq!(atom("msec"), None);
    }

    #[test]
    fn quantities_in_si() {
        assert_eq!(q("1", "uF/cm^2"), (r(1, 100), Dim::CAPACITANCE / Dim::AREA));
        assert_eq!(crate::describe(q("1", "uF/cm^2").1), "capacitance/area");
        assert_eq!(q("0.1", "ms^-1"), (r(100, 1), Dim::FREQUENCY));
        assert_eq!(q("10", "kHz"), (r(10_000, 1), Dim::FREQUENCY));
        assert_eq!(q("1", "Mohm"), (r(1_000_000, 1), Dim::RESISTANCE));
        assert_eq!(q("20", "ms"), (r(1, 50), Dim::TIME));
        assert_eq!(q("3", "cycles"), (r(3, 1), Dim::STEPS));
        assert_eq!(q("-65", "mV"), (r(-65, 1000), Dim::VOLTAGE));
        assert_eq!(q("0.5", "nS"), (r(1, 2_000_000_000), Dim::CONDUCTANCE));
        assert_eq!(q("1", "mS/cm^2"), (r(10, 1), Dim::CONDUCTANCE / Dim::AREA));
        assert_eq!(q("2", "mM"), (r(2, 1), Dim::CONCENTRATION));
        assert_eq!(q("1", "mV*ms"), (r(1, 1_000_000), Dim::VOLTAGE * Dim::TIME));
        // `a/b*c` is `(a/b)*c`: only the atom after `/` divides.
        assert_eq!(q("1", "mV/ms*s"), (r(1, 1), Dim::VOLTAGE));
        // Durations fold exactly: 0.3 ms / 0.1 ms is 3.
        assert_eq!(q("0.3", "ms").0.checked_div(q("0.1", "ms").0), Some(r(3, 1)));
    }

    #[test]
    fn errors_name_the_atom() {
        let unit = |atoms: &[(&str, i32, bool)]| Unit {
            atoms: atoms.iter().map(|&(n, power, divide)| UnitAtom { name: n.to_string(), power, divide }).collect(),
        };
        assert_eq!(unit_value(&unit(&[("mV", 1, false), ("tau", 1, true)])), Err(UnitError::UnknownAtom("tau".into())));
        assert_eq!(unit_value(&unit(&[("fm", 9, false)])), Err(UnitError::Overflow("fm".into())));
        assert_eq!(quantity("1x", &unit(&[("s", 1, false)])), Err(UnitError::BadNumber("1x".into())));
        assert_eq!(quantity("1e30", &unit(&[("GHz", 2, false)])), Err(UnitError::Overflow("GHz^2".into())));
        assert_eq!(UnitError::UnknownAtom("tau".into()).to_string(), "`tau` is not a unit atom");
    }
}
