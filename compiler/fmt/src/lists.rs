//! Lists of elements with the comments around them: members of a body, statements of a block,
//! entries of a rule or override block, items of a file.
//!
//! Each element takes the comments on the lines before it (leading), the comments after it on
//! its last line (trailing) and the comments inside it that no nested list placed (interior;
//! these become trailing when they can end the line, else leading). Comments after the last
//! element stay before the closing `}`.

use crate::Formatter;
use crate::comments::OwnLine;
use crate::doc::{Doc, concat, flat_or, group, indent, newline, text};
use scn_grammar::Span;

/// One element of a list with its comments, ready to lay out.
pub struct Element {
    /// Comments on their own lines before it.
    pub leading: Vec<OwnLine>,
    /// Whether an empty line comes right before the element (or its doc comment).
    pub blank_before: bool,
    /// Its doc comment text, printed as `///` lines.
    pub doc: Option<String>,
    /// The element itself.
    pub body: Doc,
    /// Comments at the end of its line.
    pub trailing: Vec<Span>,
}

/// How a braced list separates its elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStyle {
    /// Members: always one per line.
    Members,
    /// Statements: `{ a; b }` when it fits and has no comments, else one per line.
    Statements,
    /// Statements that are always one per line (the branches of an `if`).
    StatementLines,
    /// Entries: `{ a, b }` when it fits and has no comments, else one per line with commas.
    Entries,
}

/// A braced list with the comments after its `{`, its elements and the comments before `}`.
pub struct Braced {
    /// Comments on the line of the `{`.
    pub after_open: Vec<Span>,
    /// The elements.
    pub elements: Vec<Element>,
    /// Comments after the last element.
    pub end: Vec<OwnLine>,
}

impl Formatter<'_> {
    /// Builds one element spanning `span`: its leading comments (after source offset
    /// `prev_end`), the body from `build`, and its interior and trailing comments (before
    /// `limit`, where the next element or the closing brace starts).
    pub fn element(
        &mut self,
        prev_end: usize,
        span: Span,
        doc: Option<&str>,
        limit: usize,
        build: impl FnOnce(&mut Self) -> Doc,
    ) -> Element {
        let mut leading = self.comments.take_own_lines(prev_end, span.start);
        let before = leading.last().map_or(prev_end, |c| c.span.end);
        let blank_before = self.comments.blank_between(before, self.comments.doc_start(span.start));
        let saved = std::mem::take(&mut self.interior);
        let body = build(self);
        let mut interior = std::mem::replace(&mut self.interior, saved);
        interior.extend(self.comments.take_before(span.end));
        let mut trailing = self.comments.take_trailing(span.end, limit);
        if !interior.is_empty() {
            let mut all = interior.clone();
            all.extend(&trailing);
            let single_lines = interior.iter().all(|c| !self.source(*c).contains('\n'));
            if single_lines && self.comments.can_trail(&all) {
                trailing = all;
            } else {
                leading.extend(interior.into_iter().map(|span| OwnLine { span, blank_before: false }));
            }
        }
        Element { leading, blank_before, doc: doc.map(str::to_string), body, trailing }
    }

    /// Builds the elements of a braced list: `spans` are the elements' extents, `build` makes
    /// each body, `open` and `close` are the offsets of the braces.
    pub fn braced<T>(
        &mut self,
        open: usize,
        close: usize,
        items: &[T],
        span: impl Fn(&T) -> Span,
        doc: impl Fn(&T) -> Option<&str>,
        mut build: impl FnMut(&mut Self, &T) -> Doc,
    ) -> Braced {
        let first = items.first().map_or(close, |i| span(i).start);
        let after_open = self.comments.take_trailing(open + 1, first);
        let mut prev_end = after_open.last().map_or(open + 1, |c| c.end);
        let mut elements = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let limit = items.get(k + 1).map_or(close, |n| span(n).start);
            let s = span(item);
            let e = self.element(prev_end, s, doc(item), limit, |f| build(f, item));
            prev_end = e.trailing.last().map_or(s.end, |c| c.end).max(s.end);
            elements.push(e);
        }
        let end = self.comments.take_own_lines(prev_end, close);
        Braced { after_open, elements, end }
    }

    /// Lays out a braced list in the given style.
    pub fn layout_braced(&self, list: Braced, style: ListStyle) -> Doc {
        let Braced { after_open, elements, end } = list;
        let commented = !after_open.is_empty()
            || !end.is_empty()
            || elements.iter().any(|e| !e.leading.is_empty() || !e.trailing.is_empty() || e.doc.is_some());
        if elements.is_empty() && !commented {
            return text("{}");
        }
        let open = concat(vec![text("{"), self.suffix(&after_open)]);
        if commented || matches!(style, ListStyle::Members | ListStyle::StatementLines) {
            let comma = style == ListStyle::Entries;
            let mut inner = Vec::new();
            let mut first = true;
            for e in elements {
                self.push_element(&mut inner, e, &mut first, comma);
            }
            self.push_own_lines(&mut inner, &end, &mut first);
            return concat(vec![open, indent(concat(inner)), Doc::Hard, text("}")]);
        }
        // No comments: flat when it fits.
        let (flat_sep, trailing_comma) = match style {
            ListStyle::Entries => (", ", true),
            _ => ("; ", false),
        };
        let mut inner = vec![Doc::Line];
        let last = elements.len().saturating_sub(1);
        for (k, e) in elements.into_iter().enumerate() {
            if k > 0 {
                let sep = if trailing_comma { text(",") } else { Doc::Nil };
                inner.push(flat_or(text(flat_sep), concat(vec![sep, newline(e.blank_before)])));
            }
            inner.push(e.body);
            if k == last && trailing_comma {
                inner.push(flat_or(Doc::Nil, text(",")));
            }
        }
        group(concat(vec![open, indent(concat(inner)), Doc::Line, text("}")]))
    }

    /// Appends one element in the one-per-line form.
    fn push_element(&self, out: &mut Vec<Doc>, e: Element, first: &mut bool, comma: bool) {
        self.push_own_lines(out, &e.leading, first);
        out.push(newline(e.blank_before && !*first));
        *first = false;
        if let Some(doc) = &e.doc {
            out.push(doc_lines(doc));
            out.push(Doc::Hard);
        }
        out.push(e.body);
        if comma {
            out.push(text(","));
        }
        out.push(self.suffix(&e.trailing));
    }

    /// Appends comments on lines of their own.
    pub fn push_own_lines(&self, out: &mut Vec<Doc>, comments: &[OwnLine], first: &mut bool) {
        for c in comments {
            out.push(newline(c.blank_before && !*first));
            *first = false;
            out.push(text(self.comments.text(c.span)));
        }
    }

    /// Trailing comments, one space after the code.
    pub fn suffix(&self, comments: &[Span]) -> Doc {
        if comments.is_empty() {
            return Doc::Nil;
        }
        let texts: Vec<&str> = comments.iter().map(|c| self.comments.text(*c)).collect();
        Doc::Suffix(format!(" {}", texts.join(" ")))
    }
}

/// A doc comment as `///` lines (without a final line break).
pub fn doc_lines(doc: &str) -> Doc {
    let mut out = Vec::new();
    for (k, line) in doc.split('\n').enumerate() {
        if k > 0 {
            out.push(Doc::Hard);
        }
        out.push(text(if line.is_empty() { "///".to_string() } else { format!("/// {line}") }));
    }
    concat(out)
}
