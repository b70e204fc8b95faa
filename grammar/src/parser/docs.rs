//! Attaches `///` doc comments to the item or member that follows them, and warns about doc
//! comments that document nothing.

use crate::ast::*;
use crate::lexer::{Comment, CommentKind};
use scn_diagnostics::{Diagnostic, Span};

struct Docs<'a> {
    src: &'a str,
    comments: &'a [Comment],
    used: Vec<bool>,
}

impl Docs<'_> {
    /// The doc text of the run of `///` lines that ends right before `start`.
    fn take(&mut self, start: usize) -> Option<String> {
        let mut end = start;
        let mut lines = Vec::new();
        // Comments that end at or before `end`, walking backwards.
        let mut k = self.comments.partition_point(|c| c.span.end <= end);
        while k > 0 {
            let c = &self.comments[k - 1];
            if c.kind != CommentKind::Doc || !self.src[c.span.end..end].trim().is_empty() {
                break;
            }
            let text = &self.src[c.span.range()];
            let text = text.strip_prefix("///").unwrap_or(text);
            lines.push(text.strip_prefix(' ').unwrap_or(text).trim_end().to_string());
            self.used[k - 1] = true;
            end = c.span.start;
            k -= 1;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }

    fn body(&mut self, body: &mut Body) {
        for m in &mut body.members {
            m.doc = self.take(m.span.start);
            if let MemberKind::Compartment { body, .. } = &mut m.kind {
                self.body(body);
            }
        }
    }
}

/// Fills `doc` on every item and member, and reports unattached doc comments (W0001).
pub fn attach(src: &str, comments: &[Comment], file: &mut File, diags: &mut Vec<Diagnostic>) {
    let mut docs = Docs { src, comments, used: vec![false; comments.len()] };
    for item in &mut file.items {
        item.doc = docs.take(item.span.start);
        match &mut item.kind {
            ItemKind::Model(Model { body, .. })
            | ItemKind::Network(Network { body, .. })
            | ItemKind::Property(Property { body, .. }) => docs.body(body),
            _ => {}
        }
    }
    for (c, used) in comments.iter().zip(&docs.used) {
        if c.kind == CommentKind::Doc && !used {
            diags.push(
                Diagnostic::warning(
                    "W0001",
                    "doc comment documents nothing",
                    Span::new(c.span.start, c.span.start + 3),
                    "nothing follows this doc comment",
                )
                .with_help("put it right before an item or member, or make it a plain `//` comment"),
            );
        }
    }
}
