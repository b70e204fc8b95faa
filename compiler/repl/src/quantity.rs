//! Printing exact values with readable units: `3/50 s` prints as `60 ms`.

use scn_units::{Dim, Rational};

/// A unit a dimension is shown in: its symbol, its scale in SI and whether it takes a prefix.
struct Shown {
    dim: Dim,
    symbol: &'static str,
    /// SI value of one unit (1 M = 1000 mol/m³).
    scale: (i128, i128),
    prefixed: bool,
}

const SHOWN: &[Shown] = &[
    Shown { dim: Dim::TIME, symbol: "s", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::VOLTAGE, symbol: "V", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::CURRENT, symbol: "A", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::CONDUCTANCE, symbol: "S", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::CAPACITANCE, symbol: "F", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::RESISTANCE, symbol: "ohm", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::FREQUENCY, symbol: "Hz", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::CONCENTRATION, symbol: "M", scale: (1000, 1), prefixed: true },
    Shown { dim: Dim::LENGTH, symbol: "m", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::MASS, symbol: "g", scale: (1, 1000), prefixed: true },
    Shown { dim: Dim::TEMPERATURE, symbol: "K", scale: (1, 1), prefixed: false },
    Shown { dim: Dim::AMOUNT, symbol: "mol", scale: (1, 1), prefixed: true },
    Shown { dim: Dim::STEPS, symbol: "cycles", scale: (1, 1), prefixed: false },
];

/// Prefixes from large to small, with their power of ten (`""` is none).
const PREFIXES: &[(&str, i32)] =
    &[("G", 9), ("M", 6), ("k", 3), ("", 0), ("m", -3), ("u", -6), ("n", -9), ("p", -12), ("f", -15)];

/// `value` (in SI base units) of dimension `dim` as SCN would write it: `60 ms`, `-65 mV`,
/// `0.3`, or an SI number with base symbols (`2 m^2*kg*s^-3*A^-1`) for dimensions without a
/// unit of their own.
pub fn format_quantity(value: Rational, dim: Dim) -> String {
    if dim.is_dimensionless() {
        return format_number(value);
    }
    let Some(shown) = SHOWN.iter().find(|s| s.dim == dim) else {
        return format!("{} {}", format_number(value), dim.si_string());
    };
    let Some(in_unit) = Rational::new(shown.scale.0, shown.scale.1).and_then(|s| value.checked_div(s)) else {
        return format!("{} {}", format_number(value), dim.si_string());
    };
    if !shown.prefixed || in_unit.is_zero() {
        return format!("{} {}", format_number(in_unit), shown.symbol);
    }
    let magnitude = in_unit.abs();
    for &(prefix, exp) in PREFIXES {
        let Some(step) = Rational::from_int(10).checked_pow(exp) else { continue };
        if magnitude >= step || exp == -15 {
            let scaled = in_unit.checked_div(step).unwrap_or(in_unit);
            return format!("{} {prefix}{}", format_number(scaled), shown.symbol);
        }
    }
    format!("{} {}", format_number(in_unit), shown.symbol)
}

/// The unit symbol a dimension is shown in (`V`, `s`, `Hz`), if it has one.
pub fn unit_symbol(dim: Dim) -> Option<&'static str> {
    SHOWN.iter().find(|s| s.dim == dim).map(|s| s.symbol)
}

/// Like [`format_quantity`] for a float (ten significant digits).
pub fn format_f64_quantity(value: f64, dim: Dim) -> String {
    match Rational::parse_decimal(&format_float(value)) {
        Some(r) if value.is_finite() => format_quantity(r, dim),
        _ if dim.is_dimensionless() => format_float(value),
        _ => format!("{} {}", format_float(value), dim.si_string()),
    }
}

/// A number in decimal: exact when it has at most twenty decimals (`0.125`, `127.99609375`),
/// otherwise with ten significant digits and no trailing zeros (`0.3333333333`).
pub fn format_number(value: Rational) -> String {
    if value.is_integer() {
        return value.num().to_string();
    }
    for places in 1..=20u32 {
        let Some(scaled) = Rational::from_int(10).checked_pow(places as i32).and_then(|p| value.checked_mul(p)) else {
            break;
        };
        if scaled.is_integer() {
            let n = scaled.num();
            let sign = if n < 0 { "-" } else { "" };
            let digits = n.unsigned_abs();
            let p = 10u128.pow(places);
            return format!("{sign}{}.{:0width$}", digits / p, digits % p, width = places as usize);
        }
    }
    format_float(value.to_f64())
}

/// A float with ten significant digits and no trailing zeros.
pub fn format_float(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    let exponent = v.abs().log10().floor() as i32;
    if !(-5..=12).contains(&exponent) {
        let text = format!("{v:.9e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exp}");
    }
    let places = (9 - exponent).max(0) as usize;
    let mut s = format!("{v:.places$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    #[test]
    fn picks_the_prefix_that_keeps_the_number_readable() {
        assert_eq!(format_quantity(r(3, 50), Dim::TIME), "60 ms");
        assert_eq!(format_quantity(r(-65, 1000), Dim::VOLTAGE), "-65 mV");
        assert_eq!(format_quantity(r(1, 10_000), Dim::TIME), "100 us");
        assert_eq!(format_quantity(r(2500, 1), Dim::FREQUENCY), "2.5 kHz");
        assert_eq!(format_quantity(r(0, 1), Dim::VOLTAGE), "0 V");
        assert_eq!(format_quantity(r(5, 1_000_000_000_000), Dim::CONDUCTANCE), "5 pS");
    }

    #[test]
    fn scaled_units_and_counts() {
        assert_eq!(format_quantity(r(2, 1), Dim::CONCENTRATION), "2 mM");
        assert_eq!(format_quantity(r(4096, 1), Dim::STEPS), "4096 cycles");
        assert_eq!(format_quantity(r(3, 10), Dim::DIMENSIONLESS), "0.3");
    }

    #[test]
    fn compound_dimensions_fall_back_to_si_symbols() {
        let v_per_s = Dim::VOLTAGE / Dim::TIME;
        assert_eq!(format_quantity(r(3, 2), v_per_s), format!("1.5 {}", v_per_s.si_string()));
    }

    #[test]
    fn numbers_are_exact_when_short() {
        assert_eq!(format_number(r(1, 8)), "0.125");
        assert_eq!(format_number(r(-7, 2)), "-3.5");
        assert_eq!(format_number(r(1, 3)), "0.3333333333");
        assert_eq!(format_float(2.0f64.sqrt()), "1.414213562");
        assert_eq!(format_float(1e100), "1e100");
        assert_eq!(format_float(-2.5e-7), "-2.5e-7");
        assert_eq!(format_f64_quantity(1e100, Dim::DIMENSIONLESS), "1e100");
        assert_eq!(format_f64_quantity(2.5e-13, Dim::TIME), "250 fs");
    }
}
