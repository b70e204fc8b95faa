//! Checking the session's declarations together with one new piece of input, and telling the
//! diagnostics about the new piece (shown against the line typed) from the rest.

use scn_diagnostics::{Diagnostic, Span};
use scn_sema::{Analysis, ModuleId};
use std::path::Path;

/// The name the session's source is checked under (and shown as in diagnostics about it).
pub const SESSION_FILE: &str = "session.scn";

/// The session's source plus a new piece, checked as one file.
pub struct Candidate {
    /// The analysis of the combined text.
    pub analysis: Analysis,
    /// Where the typed text starts in the combined text.
    pub offset: usize,
    /// The typed text's length.
    pub len: usize,
}

impl Candidate {
    /// Checks `session` followed by `before`, `typed` and `after` (imports relative to `dir`).
    /// Only `typed` is what the user wrote; `before` and `after` wrap it into an item.
    pub fn check(session: &str, before: &str, typed: &str, after: &str, dir: &Path) -> Candidate {
        let mut text = String::with_capacity(session.len() + before.len() + typed.len() + after.len() + 2);
        text.push_str(session);
        if !session.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(before);
        let offset = text.len();
        text.push_str(typed);
        text.push_str(after);
        text.push('\n');
        let analysis = scn_sema::check_source(SESSION_FILE, text, Some(dir), &scn_sema::Disk);
        Candidate { analysis, offset, len: typed.len() }
    }

    /// Whether a span of the root module lies in the typed text.
    pub fn is_typed(&self, span: Span) -> bool {
        span.start >= self.offset && span.end <= self.offset + self.len
    }

    /// The span of the root module shifted to the typed text.
    pub fn local(&self, span: Span) -> Span {
        Span::new(span.start - self.offset, span.end - self.offset)
    }

    /// Diagnostics about the typed text, with spans relative to it. A secondary label that
    /// points elsewhere (at an earlier declaration) becomes a note.
    pub fn typed_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (m, d) in &self.analysis.diagnostics {
            if *m != 0 || !self.is_typed(d.primary.span) {
                continue;
            }
            let mut d = d.clone();
            d.primary.span = self.local(d.primary.span);
            d.help = d.help.map(|h| hide_wrapper_names(&h));
            let labels = std::mem::take(&mut d.secondary);
            for mut l in labels {
                if self.is_typed(l.span) {
                    l.span = self.local(l.span);
                    d.secondary.push(l);
                } else {
                    d.notes.push(format!("{} (in an earlier declaration of this session)", l.message));
                }
            }
            out.push(d);
        }
        out
    }

    /// Errors that are not about the typed text: in the session's earlier declarations (which
    /// the new input broke) or in imported modules.
    pub fn other_errors(&self) -> Vec<(ModuleId, Diagnostic)> {
        self.analysis
            .diagnostics
            .iter()
            .filter(|(m, d)| d.is_error() && (*m != 0 || !self.is_typed(d.primary.span)))
            .cloned()
            .collect()
    }

    /// Whether the typed text or anything else has an error.
    pub fn has_errors(&self) -> bool {
        self.analysis.has_errors()
    }
}

/// Names of the REPL's own wrappers (`__repl_value`) taken out of a list of suggestions in
/// a help line: the user never typed them.
fn hide_wrapper_names(help: &str) -> String {
    let mut out = help.to_string();
    while let Some(start) = out.find("`__repl_") {
        let Some(len) = out[start + 1..].find('`') else { break };
        let mut end = start + len + 2;
        let mut from = start;
        if out[end..].starts_with(", ") {
            end += 2;
        } else if out[..from].ends_with(", ") {
            from -= 2;
        }
        out.replace_range(from..end, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_are_shifted_to_the_typed_text() {
        let c = Candidate::check("const A = 1 ms", "const X = ", "A + 1 mV", "", Path::new("."));
        let d = c.typed_diagnostics();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "E0201");
        assert!(d[0].primary.span.end <= "A + 1 mV".len());
        assert!(c.other_errors().is_empty());
    }

    #[test]
    fn wrapper_names_are_not_suggested() {
        assert_eq!(hide_wrapper_names("candidates: `__repl_value`, `dt`, `t`"), "candidates: `dt`, `t`");
        assert_eq!(hide_wrapper_names("candidates: `dt`, `__repl_value`"), "candidates: `dt`");
        assert_eq!(hide_wrapper_names("did you mean `tau`?"), "did you mean `tau`?");
    }

    #[test]
    fn errors_in_earlier_declarations_are_kept_apart() {
        let c = Candidate::check("const A = 1 ms + 1 mV", "", "const B = 2", "", Path::new("."));
        assert!(c.typed_diagnostics().is_empty());
        assert_eq!(c.other_errors().len(), 1);
    }
}
