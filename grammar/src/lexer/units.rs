//! Unit atoms and the scanner that glues a unit to the number before it.
//!
//! A unit is one or more atoms joined by `*` or `/` without spaces, each with an optional
//! integer power `^N` or `^-N`. An atom is a base (`s V A S F ohm Hz mol M m g K`, or `cycles`,
//! `steps`) with an optional one-letter prefix (`f p n u m c k M G`); every atom splits into
//! prefix and base in exactly one way because a whole-word base wins over a prefix split.

use crate::ast::{Unit, UnitAtom};

/// SI bases with their meaning, as documented in `docs/language.md`.
pub const BASES: &[(&str, &str)] = &[
    ("s", "second"),
    ("V", "volt"),
    ("A", "ampere"),
    ("S", "siemens"),
    ("F", "farad"),
    ("ohm", "ohm"),
    ("Hz", "hertz"),
    ("mol", "mole"),
    ("M", "molar (mol/L)"),
    ("m", "metre"),
    ("g", "gram"),
    ("K", "kelvin"),
];

/// Decimal prefixes with their power of ten.
pub const PREFIXES: &[(char, i32)] =
    &[('f', -15), ('p', -12), ('n', -9), ('u', -6), ('m', -3), ('c', -2), ('k', 3), ('M', 6), ('G', 9)];

/// Counting atoms for clocked time; they take no prefix.
pub const COUNTS: &[&str] = &["cycles", "steps", "cycle", "step"];

/// How an atom splits: its prefix exponent (0 without prefix) and its base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtomParts {
    /// Power of ten of the prefix.
    pub exponent: i32,
    /// The base atom (`s`, `V`, `cycles`, …).
    pub base: &'static str,
}

/// Splits a unit atom into prefix and base, or `None` if it is not a unit atom.
pub fn split_atom(atom: &str) -> Option<AtomParts> {
    if let Some(&c) = COUNTS.iter().find(|&&c| c == atom) {
        return Some(AtomParts { exponent: 0, base: c });
    }
    if let Some(&(b, _)) = BASES.iter().find(|(b, _)| *b == atom) {
        return Some(AtomParts { exponent: 0, base: b });
    }
    let mut chars = atom.chars();
    let first = chars.next()?;
    let rest = chars.as_str();
    let &(_, exponent) = PREFIXES.iter().find(|(p, _)| *p == first)?;
    let &(base, _) = BASES.iter().find(|(b, _)| *b == rest)?;
    Some(AtomParts { exponent, base })
}

/// Whether `word` is a unit atom.
pub fn is_atom(word: &str) -> bool {
    split_atom(word).is_some()
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads a word of letters at `i` that is a unit atom and is not the start of a longer name.
fn atom_at(bytes: &[u8], i: usize) -> Option<usize> {
    let len = bytes[i..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if len == 0 || bytes.get(i + len).is_some_and(|&b| is_ident_char(b)) {
        return None;
    }
    let word = std::str::from_utf8(&bytes[i..i + len]).ok()?;
    is_atom(word).then_some(i + len)
}

/// Reads `^N` or `^-N` at `i`, returning the power and the end.
fn power_at(bytes: &[u8], i: usize) -> Option<(i32, usize)> {
    if bytes.get(i) != Some(&b'^') {
        return None;
    }
    let mut j = i + 1;
    let negative = bytes.get(j) == Some(&b'-');
    if negative {
        j += 1;
    }
    let digits = bytes[j..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || bytes.get(j + digits).is_some_and(|&b| is_ident_char(b)) {
        return None;
    }
    let n: i32 = std::str::from_utf8(&bytes[j..j + digits]).ok()?.parse().ok()?;
    Some((if negative { -n } else { n }, j + digits))
}

/// Scans a unit that follows a number: `src[at..]` may start with spaces or tabs, then the
/// unit. Returns the unit and the byte offset just past it, or `None` if no unit follows.
pub fn scan_unit(src: &str, at: usize) -> Option<(Unit, usize)> {
    let bytes = src.as_bytes();
    let mut i = at;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let mut atoms = Vec::new();
    let mut divide = false;
    loop {
        let end = atom_at(bytes, i)?;
        let name = src[i..end].to_string();
        let (power, end) = power_at(bytes, end).unwrap_or((1, end));
        atoms.push(UnitAtom { name, power, divide });
        i = end;
        // Another atom only if `*` or `/` is glued to an atom on both sides.
        match bytes.get(i) {
            Some(b'*') | Some(b'/') if bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic()) => {
                if atom_at(bytes, i + 1).is_none() {
                    break;
                }
                divide = bytes[i] == b'/';
                i += 1;
            }
            _ => break,
        }
    }
    Some((Unit { atoms }, i))
}

/// Parses the text of a bracketed unit type (`mS/cm^2`), reporting the first bad atom.
pub fn parse_unit_text(text: &str) -> Result<Unit, String> {
    let mut atoms = Vec::new();
    let mut divide = false;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err("an empty unit".into());
    }
    // `1/ms` style: a leading `1` is an empty numerator.
    if let Some(r) = rest.strip_prefix("1/") {
        rest = r;
        divide = true;
    }
    loop {
        let len = rest.find(['*', '/']).unwrap_or(rest.len());
        let part = rest[..len].trim();
        let (name, power) = match part.split_once('^') {
            Some((n, p)) => (n.trim(), p.trim().parse::<i32>().map_err(|_| format!("`{part}` has a malformed power"))?),
            None => (part, 1),
        };
        if !is_atom(name) {
            return Err(format!("`{name}` is not a unit atom"));
        }
        atoms.push(UnitAtom { name: name.to_string(), power, divide });
        if len == rest.len() {
            break;
        }
        divide = rest.as_bytes()[len] == b'/';
        rest = &rest[len + 1..];
    }
    Ok(Unit { atoms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoms_split_one_way() {
        assert_eq!(split_atom("ms"), Some(AtomParts { exponent: -3, base: "s" }));
        assert_eq!(split_atom("mM"), Some(AtomParts { exponent: -3, base: "M" }));
        assert_eq!(split_atom("M"), Some(AtomParts { exponent: 0, base: "M" }));
        assert_eq!(split_atom("Mohm"), Some(AtomParts { exponent: 6, base: "ohm" }));
        assert_eq!(split_atom("m"), Some(AtomParts { exponent: 0, base: "m" }));
        assert_eq!(split_atom("mol"), Some(AtomParts { exponent: 0, base: "mol" }));
        assert_eq!(split_atom("kHz"), Some(AtomParts { exponent: 3, base: "Hz" }));
        assert_eq!(split_atom("cycles"), Some(AtomParts { exponent: 0, base: "cycles" }));
        assert_eq!(split_atom("msec"), None);
        assert_eq!(split_atom("mv"), None);
        assert_eq!(split_atom("tau"), None);
    }

    fn show(src: &str) -> Option<(String, usize)> {
        scan_unit(src, 0).map(|(u, end)| (u.to_string(), end))
    }

    #[test]
    fn units_glue_without_spaces() {
        assert_eq!(show(" ms"), Some(("ms".into(), 3)));
        assert_eq!(show(" uF/cm^2 + x"), Some(("uF/cm^2".into(), 8)));
        assert_eq!(show(" ms^-1"), Some(("ms^-1".into(), 6)));
        assert_eq!(show(" mV/tau"), Some(("mV".into(), 3)));
        assert_eq!(show(" mV / m"), Some(("mV".into(), 3)));
        assert_eq!(show(" ms**2"), Some(("ms".into(), 3)));
        assert_eq!(show(" ms_x"), None);
        assert_eq!(show(" msec"), None);
        assert_eq!(show("\nms"), None);
    }

    #[test]
    fn bracket_units_parse_and_reject_unknown_atoms() {
        assert_eq!(parse_unit_text("mS/cm^2").unwrap().to_string(), "mS/cm^2");
        assert!(parse_unit_text("1/ms").unwrap().atoms[0].divide);
        assert!(parse_unit_text("mS/cmm^2").unwrap_err().contains("cmm"));
        assert!(parse_unit_text("ms^x").unwrap_err().contains("power"));
    }
}
