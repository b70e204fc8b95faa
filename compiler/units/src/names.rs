//! Named dimensions (`voltage`, `conductance`, …) and readable descriptions of any dimension.

use std::fmt;

use crate::dim::{Base, Dim, power_suffix};
use crate::exponent::Exponent;
use crate::rational::Rational;

/// Every dimension name with its dimension. The order breaks ties in [`describe`].
pub const NAMED_DIMS: &[(&str, Dim)] = &[
    ("time", Dim::TIME),
    ("voltage", Dim::VOLTAGE),
    ("current", Dim::CURRENT),
    ("conductance", Dim::CONDUCTANCE),
    ("capacitance", Dim::CAPACITANCE),
    ("resistance", Dim::RESISTANCE),
    ("frequency", Dim::FREQUENCY),
    ("concentration", Dim::CONCENTRATION),
    ("length", Dim::LENGTH),
    ("area", Dim::AREA),
    ("volume", Dim::VOLUME),
    ("charge", Dim::CHARGE),
    ("mass", Dim::MASS),
    ("temperature", Dim::TEMPERATURE),
    ("amount", Dim::AMOUNT),
    ("energy", Dim::ENERGY),
    ("power", Dim::POWER),
    ("dimensionless", Dim::DIMENSIONLESS),
    ("steps", Dim::STEPS),
];

/// The dimension called `name`, if any.
pub fn by_name(name: &str) -> Option<Dim> {
    NAMED_DIMS.iter().find(|(n, _)| *n == name).map(|&(_, d)| d)
}

/// The name of `dim`, if it has one.
pub fn name_of(dim: Dim) -> Option<&'static str> {
    NAMED_DIMS.iter().find(|(_, d)| *d == dim).map(|&(n, _)| n)
}

/// Names that combine with others: all but `dimensionless`, with their table index.
fn combinable() -> impl Iterator<Item = (usize, &'static str, Dim)> {
    NAMED_DIMS.iter().enumerate().filter(|(_, (_, d))| !d.is_dimensionless()).map(|(i, &(n, d))| (i, n, d))
}

/// How much a name costs in a combination: `frequency` is a reciprocal and reads worse than
/// `time` (`voltage/time`, not `voltage*frequency`).
fn penalty(name: &str) -> u32 {
    u32::from(name == "frequency")
}

/// Where a name goes in a product: measures of extent (`time`, `area`, …) come after the
/// quantity they scale (`voltage*time`, `resistance*area`), otherwise table order.
fn product_order(index: usize, name: &str) -> (bool, usize) {
    const EXTENTS: &[&str] =
        &["time", "frequency", "length", "area", "volume", "mass", "temperature", "amount", "steps"];
    (EXTENTS.contains(&name), index)
}

/// A product or quotient of two different names equal to `dim`: `voltage/time`, `voltage*time`.
fn pair(dim: Dim) -> Option<String> {
    let mut best: Option<((u32, usize, usize, u8), String)> = None;
    for (i, a, da) in combinable() {
        for (j, b, db) in combinable() {
            // Powers of one name (`time/frequency`) are left to the power step.
            if i == j || power_between(da, db).is_some() {
                continue;
            }
            let cost = penalty(a) + penalty(b);
            let mut consider = |key: (u32, usize, usize, u8), text: String| {
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, text));
                }
            };
            if product_order(i, a) < product_order(j, b) && da.checked_mul(db) == Some(dim) {
                consider((cost, i, j, 0), format!("{a}*{b}"));
            }
            if da.checked_div(db) == Some(dim) {
                consider((cost, i, j, 1), format!("{a}/{b}"));
            }
        }
    }
    best.map(|(_, text)| text)
}

/// The power `p` with `base^p == dim`, if there is one (`base` not dimensionless).
fn power_between(base: Dim, dim: Dim) -> Option<Rational> {
    let b = Base::ALL.into_iter().find(|&b| !base.exponent(b).is_zero())?;
    let p = dim.exponent(b).to_rational().checked_div(base.exponent(b).to_rational())?;
    (base.pow(p)? == dim).then_some(p)
}

/// Every way `dim` is a power (other than 0 and 1) of one name: its table index, name and
/// exponent, best first (positive powers, then simpler ones, then table order).
fn powers(dim: Dim) -> Vec<(usize, &'static str, Exponent)> {
    let mut found = Vec::new();
    for (i, n, dn) in combinable() {
        let Some(p) = power_between(dn, dim) else { continue };
        if p.is_zero() || p == Rational::ONE {
            continue;
        }
        if let Some(e) = Exponent::from_rational(p) {
            found.push((i, n, e));
        }
    }
    found.sort_by_key(|&(i, n, e)| (e.num() < 0, penalty(n), e.den(), e.num().unsigned_abs(), i));
    found
}

/// A name times or divided by a power of another: `voltage/time^(1/2)`, `current*length^2`.
fn name_and_power(dim: Dim) -> Option<String> {
    // Penalty, power denominator, power magnitude, then table order.
    type Key = (u32, i16, u16, usize, usize);
    let mut best: Option<(Key, String)> = None;
    for (i, a, da) in combinable() {
        let Some(rest) = dim.checked_div(da) else { continue };
        for (j, b, e) in powers(rest) {
            if i == j || e == -Exponent::ONE {
                continue;
            }
            let key = (penalty(a) + penalty(b), e.den(), e.num().unsigned_abs(), i, j);
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                let text = if e.num() < 0 {
                    format!("{a}/{b}{}", power_suffix(-e))
                } else {
                    format!("{a}*{b}{}", power_suffix(e))
                };
                best = Some((key, text));
            }
        }
    }
    best.map(|(_, text)| text)
}

/// The most readable spelling of a dimension, chosen deterministically: its name
/// (`voltage`); else a power of one name (`voltage^2`, not `resistance*power`; `time^(1/2)`;
/// `frequency^2`); else a product or quotient of two names (`current/area`, `voltage*time`,
/// preferring `time` over `frequency`); else a name times or divided by a power of
/// another (`voltage/time^(1/2)`); else SI base symbols (`m^3*kg*s^-3*A^-1`).
pub fn describe(dim: Dim) -> String {
    if let Some(name) = name_of(dim) {
        return name.to_string();
    }
    if let Some(&(_, name, e)) = powers(dim).first() {
        return format!("{name}{}", power_suffix(e));
    }
    if let Some(text) = pair(dim) {
        return text;
    }
    if let Some(text) = name_and_power(dim) {
        return text;
    }
    dim.si_string()
}

impl fmt::Display for Dim {
    /// Writes [`describe`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(*self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn half() -> Rational {
        Rational::new(1, 2).unwrap()
    }

    #[test]
    fn names_are_unique_and_round_trip() {
        for (i, &(n, d)) in NAMED_DIMS.iter().enumerate() {
            assert_eq!(by_name(n), Some(d));
            assert_eq!(name_of(d), Some(n));
            assert!(NAMED_DIMS[..i].iter().all(|&(m, e)| m != n && e != d), "{n} repeats");
        }
        assert_eq!(by_name("voltage"), Some(Dim::VOLTAGE));
        assert_eq!(by_name("volt"), None);
    }

    #[test]
    fn describes_readably() {
        let cases = [
            (Dim::VOLTAGE, "voltage"),
            (Dim::DIMENSIONLESS, "dimensionless"),
            (Dim::TIME.recip(), "frequency"),
            (Dim::STEPS, "steps"),
            (Dim::VOLTAGE / Dim::TIME, "voltage/time"),
            (Dim::CURRENT / Dim::AREA, "current/area"),
            (Dim::CONDUCTANCE / Dim::AREA, "conductance/area"),
            (Dim::CAPACITANCE / Dim::AREA, "capacitance/area"),
            (Dim::VOLTAGE * Dim::TIME, "voltage*time"),
            (Dim::RESISTANCE * Dim::AREA, "resistance*area"),
            (Dim::CAPACITANCE * Dim::VOLTAGE / Dim::AREA, "charge/area"),
            (Dim::CONCENTRATION / Dim::TIME, "concentration/time"),
            (Dim::STEPS / Dim::TIME, "steps/time"),
            (Dim::TIME.pow(half()).unwrap(), "time^(1/2)"),
            (Dim::TIME.powi(-2).unwrap(), "frequency^2"),
            (Dim::VOLTAGE.powi(2).unwrap(), "voltage^2"),
            (Dim::LENGTH.powi(-2).unwrap(), "area^-1"),
            (Dim::VOLTAGE / Dim::TIME.pow(half()).unwrap(), "voltage/time^(1/2)"),
            (Dim::CURRENT * Dim::TIME.powi(3).unwrap(), "charge*time^2"),
            (Dim::VOLTAGE * Dim::LENGTH / Dim::TIME.pow(half()).unwrap(), "m^3*kg*s^(-7/2)*A^-1"),
        ];
        for (dim, text) in cases {
            assert_eq!(describe(dim), text, "{}", dim.si_string());
            assert_eq!(dim.to_string(), text);
        }
    }
}
