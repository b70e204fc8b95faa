//! Completion candidates for the word at the cursor: commands after `:`, standard-library
//! modules after `import`, unit atoms right after a number, and otherwise keywords, built-in
//! functions, dimension and type names, standard-library models and the session's own names.

use scn_grammar::lexer::token::KEYWORDS;
use scn_grammar::lexer::units::{BASES, COUNTS, PREFIXES};

/// Everything completion draws from that does not change during a session.
pub struct Vocabulary {
    /// Keywords, built-ins, dimensions and types, stdlib model names; sorted and unique.
    pub words: Vec<String>,
    /// Unit atoms (`ms`, `mV`, `cycles`), sorted and unique.
    pub units: Vec<String>,
    /// Standard-library modules as `std.neurons.lif`.
    pub modules: Vec<String>,
}

impl Vocabulary {
    /// The fixed vocabulary of the language and its standard library.
    pub fn new() -> Vocabulary {
        let mut words: Vec<String> = KEYWORDS.iter().map(|(k, _)| k.to_string()).collect();
        words.extend(scn_sema::BUILTINS.iter().map(|s| s.to_string()));
        words.extend(scn_units::NAMED_DIMS.iter().map(|(n, _)| n.to_string()));
        words.extend(
            ["prob", "bipolar", "bool", "int", "fix", "ufix", "bits", "count", "spike", "unipolar"].map(String::from),
        );
        words.extend(
            ["euler", "rk4", "exact", "exp_euler", "rush_larsen", "heun", "saturate", "wrap", "trap"].map(String::from),
        );
        for (_, source) in scn_stdlib::MODULES {
            let parsed = scn_grammar::parse(source);
            words.extend(parsed.file.items.iter().filter_map(scn_sema::scope::item_name).map(|n| n.name.clone()));
        }
        words.sort();
        words.dedup();
        let mut units: Vec<String> = COUNTS.iter().map(|c| c.to_string()).collect();
        for (base, _) in BASES {
            units.push(base.to_string());
            for (p, _) in PREFIXES {
                let atom = format!("{p}{base}");
                if scn_grammar::lexer::units::is_atom(&atom) {
                    units.push(atom);
                }
            }
        }
        units.sort();
        units.dedup();
        let modules = scn_stdlib::MODULES.iter().map(|(path, _)| format!("std.{path}")).collect();
        Vocabulary { words, units, modules }
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Vocabulary::new()
    }
}

/// Where the word at `pos` starts: letters, digits, `_`, `.` and a leading `:`.
pub fn word_start(line: &str, pos: usize) -> usize {
    let before = &line[..pos];
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == '.' || *c == ':')
        .last()
        .map_or(pos, |(i, _)| i)
}

/// The start of the word being completed and the candidates for it, sorted.
pub fn candidates(line: &str, pos: usize, vocab: &Vocabulary, session: &[String]) -> (usize, Vec<String>) {
    let start = word_start(line, pos);
    let word = &line[start..pos];
    let before = line[..start].trim_end();
    let pick = |pool: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut v: Vec<String> = pool.filter(|c| c.starts_with(word) && *c != word).map(str::to_string).collect();
        v.sort();
        v.dedup();
        v
    };
    if word.starts_with(':') && before.is_empty() {
        return (start, pick(&mut crate::commands::NAMES.iter().copied()));
    }
    if before.ends_with("import") || word.starts_with("std.") {
        return (start, pick(&mut vocab.modules.iter().map(String::as_str)));
    }
    if line[..start].ends_with(|c: char| c == ' ' || c.is_ascii_digit())
        && before.ends_with(|c: char| c.is_ascii_digit())
    {
        return (start, pick(&mut vocab.units.iter().map(String::as_str)));
    }
    if word.is_empty() {
        return (start, Vec::new());
    }
    (start, pick(&mut vocab.words.iter().chain(session).map(String::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_modules_and_units() {
        let v = Vocabulary::new();
        assert_eq!(candidates(":ru", 3, &v, &[]), (0, vec![":run".to_string()]));
        let (start, c) = candidates("import std.neurons.l", 20, &v, &[]);
        assert_eq!(start, 7);
        assert!(c.contains(&"std.neurons.lif".to_string()), "{c:?}");
        let (_, c) = candidates("20 m", 4, &v, &[]);
        assert!(c.contains(&"ms".to_string()) && c.contains(&"mV".to_string()), "{c:?}");
    }

    #[test]
    fn names_keywords_and_stdlib_models() {
        let v = Vocabulary::new();
        let session = vec!["Brunel".to_string()];
        assert_eq!(candidates("Bru", 3, &v, &session).1, vec!["Brunel".to_string()]);
        assert!(candidates("pop", 3, &v, &[]).1.contains(&"popcount".to_string()));
        assert!(candidates("neu", 3, &v, &[]).1.contains(&"neuron".to_string()));
        assert!(candidates("Cuba", 4, &v, &[]).1.contains(&"CubaLif".to_string()));
        assert!(candidates("", 0, &v, &[]).1.is_empty());
    }
}
