//! "Did you mean" suggestions by edit distance.

use crate::lexer::units;

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo (at most one
/// edit per three characters, and never the word itself).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().count();
    // Very short names are only matched up to case: `v` should not suggest `t`.
    let limit = if len <= 2 { 0 } else { (len / 3).max(1) };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()).min(edit_distance(word, c)), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, c)| (d, c.len(), c))
        .map(|(_, c)| c)
}

/// Common spellings of units that are not SCN unit atoms.
const UNIT_ALIASES: &[(&str, &str)] = &[
    ("msec", "ms"),
    ("sec", "s"),
    ("secs", "s"),
    ("usec", "us"),
    ("mv", "mV"),
    ("hz", "Hz"),
    ("khz", "kHz"),
    ("na", "nA"),
    ("pa", "pA"),
    ("ns", "ns"),
    ("nsiemens", "nS"),
    ("ohms", "ohm"),
    ("cycle", "cycles"),
    ("volt", "V"),
    ("volts", "V"),
    ("amp", "A"),
];

/// The unit atom a mistyped unit most likely meant.
pub fn closest_unit(word: &str) -> Option<String> {
    if let Some((_, u)) = UNIT_ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(word)) {
        return Some((*u).to_string());
    }
    let mut atoms: Vec<String> = units::COUNTS.iter().map(|c| c.to_string()).collect();
    for (base, _) in units::BASES {
        atoms.push(base.to_string());
        for (p, _) in units::PREFIXES {
            atoms.push(format!("{p}{base}"));
        }
    }
    // Only an exact match up to case counts for short words; longer ones may be one edit away.
    if let Some(a) = atoms.iter().find(|a| a.eq_ignore_ascii_case(word)) {
        return Some(a.clone());
    }
    if word.len() < 4 {
        return None;
    }
    closest(word, atoms.iter().map(String::as_str)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("nueron", "neuron"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        assert_eq!(closest("nueron", ["neuron", "network", "synapse"]), Some("neuron"));
        assert_eq!(closest("stat", ["state", "param"]), Some("state"));
        assert_eq!(closest("xyz", ["state", "param"]), None);
        assert_eq!(closest_unit("msec").as_deref(), Some("ms"));
        assert_eq!(closest_unit("mv").as_deref(), Some("mV"));
        assert_eq!(closest_unit("tau"), None);
    }
}
