//! "Did you mean" suggestions by edit distance.

use crate::lexer::units;

/// Edit distance between two strings by characters, counting a swap of two neighbours as
/// one edit (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo (at most one
/// edit per three characters, and never the word itself).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().count();
    // Very short names are only matched up to case: `v` should not suggest `t`.
    let limit = if len <= 2 { 0 } else { (len / 3).max(1) };
    let lower = word.to_lowercase();
    let lower_len = lower.chars().count();
    candidates
        .into_iter()
        .filter(|c| *c != word)
        // An edit distance is at least the difference in length, so a candidate whose length
        // (as written and lowercased) is too far off cannot pass the limit: skipping it saves
        // an O(len × candidate) table per candidate (a 4 KB name after a number took 40 ms).
        .filter(|c| {
            len.abs_diff(c.chars().count()) <= limit || lower_len.abs_diff(c.to_lowercase().chars().count()) <= limit
        })
        .map(|c| (edit_distance(&lower, &c.to_lowercase()).min(edit_distance(word, c)), c))
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
        assert_eq!(edit_distance("nueron", "neuron"), 1);
        assert_eq!(edit_distance("Lfi", "Lif"), 1);
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
