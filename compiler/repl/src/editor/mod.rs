//! The line editor's helper for rustyline: highlighting, completion, hints (from the
//! vocabulary, then from the history) and multi-line validation, each in its own module.

pub mod complete;
pub mod highlight;
pub mod validate;

use rustyline::completion::Completer;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// What each command takes, shown as a hint once its name is typed.
const COMMAND_ARGS: &[(&str, &str)] = &[
    (":type", " EXPR"),
    (":run", " [NETWORK] [DURATION]"),
    (":plot", " [FILE.svg]"),
    (":load", " FILE"),
    (":save", " FILE"),
];

/// The SCN helper: knows the language's vocabulary and the session's names.
pub struct ScnHelper {
    vocab: complete::Vocabulary,
    history: HistoryHinter,
    /// Names declared in the session so far (updated after every input).
    pub names: Vec<String>,
    color: bool,
}

impl ScnHelper {
    /// A helper; `color` turns highlighting on.
    pub fn new(color: bool) -> ScnHelper {
        ScnHelper { vocab: complete::Vocabulary::new(), history: HistoryHinter::new(), names: Vec::new(), color }
    }

    /// The hint for `line` with the cursor at its end: the rest of the only candidate, or a
    /// command's arguments.
    pub fn hint_for(&self, line: &str) -> Option<String> {
        if line.is_empty() || line.contains('\n') {
            return None;
        }
        if let Some((_, args)) = COMMAND_ARGS.iter().find(|(name, _)| *name == line) {
            return Some(args.to_string());
        }
        let (start, cands) = complete::candidates(line, line.len(), &self.vocab, &self.names);
        match cands.as_slice() {
            [only] => Some(only[line.len() - start..].to_string()),
            _ => None,
        }
    }
}

impl Completer for ScnHelper {
    type Candidate = String;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete::candidates(line, pos, &self.vocab, &self.names))
    }
}

impl Hinter for ScnHelper {
    type Hint = String;

    /// The language's own hint, else the rest of the newest history entry that starts with
    /// the line.
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        self.hint_for(line).or_else(|| self.history.hint(line, pos, ctx))
    }
}

impl Highlighter for ScnHelper {
    fn highlight<'l>(&self, line: &'l str, _: usize) -> Cow<'l, str> {
        if self.color { Cow::Owned(highlight::highlight(line)) } else { Cow::Borrowed(line) }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color { Cow::Owned(format!("\x1b[2m{hint}\x1b[0m")) } else { Cow::Borrowed(hint) }
    }

    fn highlight_char(&self, _: &str, _: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

impl Validator for ScnHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if validate::is_open(ctx.input()) { ValidationResult::Incomplete } else { ValidationResult::Valid(None) })
    }
}

impl Helper for ScnHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_complete_a_unique_word_or_show_arguments() {
        let mut h = ScnHelper::new(false);
        h.names.push("Brunel".into());
        assert_eq!(h.hint_for(":run").as_deref(), Some(" [NETWORK] [DURATION]"));
        assert_eq!(h.hint_for("Brun").as_deref(), Some("el"));
        assert_eq!(h.hint_for(":ver").as_deref(), Some("ify"));
        assert_eq!(h.hint_for(""), None);
    }
}
