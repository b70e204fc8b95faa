//! Shared wording for "cannot find" diagnostics with "did you mean" help.

use scn_diagnostics::{Diagnostic, Span};

/// `cannot find {what} `name``, with the closest candidate as help, or the list of candidates
/// when there are few.
pub fn unknown(code: &'static str, name: &str, span: Span, what: &str, candidates: &[&str]) -> Diagnostic {
    let message = match what.split_once(" of ") {
        Some((kind, owner)) => format!("cannot find {kind} `{name}` of {owner}"),
        None => format!("cannot find {what} `{name}`"),
    };
    let d = Diagnostic::error(code, message, span, "not declared");
    match scn_grammar::parser::closest(name, candidates.iter().copied()) {
        Some(best) => d.with_help(format!("did you mean `{best}`?")),
        None if !candidates.is_empty() && candidates.len() <= 12 => {
            let mut c = candidates.to_vec();
            c.sort();
            c.dedup();
            d.with_help(format!("candidates: {}", c.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")))
        }
        None => d.with_help(format!("declare it, or check the spelling of `{name}`")),
    }
}
