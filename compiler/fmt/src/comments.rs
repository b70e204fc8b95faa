//! Comments: which ones the tree already carries (`///` doc comments in `doc` fields), and a
//! cursor that hands the others out in source order as leading, trailing or interior comments
//! of the node being printed.

use scn_grammar::Span;
use scn_grammar::ast::*;
use scn_grammar::lexer::{Comment, CommentKind};
use std::collections::HashMap;

/// The comments of a file still to be printed, in source order.
pub struct Comments<'a> {
    src: &'a str,
    /// Comments not carried by a `doc` field.
    list: Vec<Comment>,
    next: usize,
    /// Where the doc comment run of an item or member starts, keyed by the node's start.
    doc_starts: HashMap<usize, usize>,
}

/// A comment placed on lines of its own, with whether an empty line comes before it.
#[derive(Clone, Copy, Debug)]
pub struct OwnLine {
    /// The comment.
    pub span: Span,
    /// Whether the source has an empty line right before it.
    pub blank_before: bool,
}

impl<'a> Comments<'a> {
    /// The comments of `file` that its doc fields do not already carry.
    pub fn new(src: &'a str, comments: &[Comment], file: &File) -> Self {
        let mut docs = DocRuns { src, comments, used: vec![false; comments.len()], starts: HashMap::new() };
        docs.file(file);
        let list = comments.iter().zip(&docs.used).filter(|(_, used)| !**used).map(|(c, _)| c.clone()).collect();
        Comments { src, list, next: 0, doc_starts: docs.starts }
    }

    /// The source text of a comment, without trailing whitespace.
    pub fn text(&self, span: Span) -> &'a str {
        self.src.get(span.range()).unwrap_or("").trim_end()
    }

    /// Whether the comment runs to the end of its line (`//`).
    pub fn is_line(&self, span: Span) -> bool {
        self.text(span).starts_with("//")
    }

    /// Where the printed form of the node starting at `start` begins: its doc comment, if any.
    pub fn doc_start(&self, start: usize) -> usize {
        self.doc_starts.get(&start).copied().unwrap_or(start)
    }

    /// Whether any comment is left before `pos`.
    pub fn any_before(&self, pos: usize) -> bool {
        self.list.get(self.next).is_some_and(|c| c.span.start < pos)
    }

    /// Takes every comment that starts before `pos`.
    pub fn take_before(&mut self, pos: usize) -> Vec<Span> {
        let mut out = Vec::new();
        while let Some(c) = self.list.get(self.next).filter(|c| c.span.start < pos) {
            out.push(c.span);
            self.next += 1;
        }
        out
    }

    /// Takes the comments before `pos` as own-line comments, the first after source offset
    /// `prev_end` (for empty-line detection).
    pub fn take_own_lines(&mut self, prev_end: usize, pos: usize) -> Vec<OwnLine> {
        let mut end = prev_end;
        let spans = self.take_before(pos);
        spans
            .into_iter()
            .map(|span| {
                let blank_before = self.blank_between(end, span.start);
                end = span.end;
                OwnLine { span, blank_before }
            })
            .collect()
    }

    /// Takes the comments that start on the line where `end` is, after it and before `limit`.
    pub fn take_trailing(&mut self, end: usize, limit: usize) -> Vec<Span> {
        let mut out = Vec::new();
        let mut from = end;
        while let Some(c) = self.list.get(self.next) {
            let gap = self.src.get(from..c.span.start).unwrap_or("\n");
            if c.span.start < from || c.span.start >= limit || gap.contains('\n') {
                break;
            }
            out.push(c.span);
            from = c.span.end;
            self.next += 1;
        }
        out
    }

    /// Whether the source between two offsets contains an empty line.
    pub fn blank_between(&self, from: usize, to: usize) -> bool {
        self.src.get(from..to).is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// Whether the source between two offsets contains a line break.
    pub fn newline_between(&self, from: usize, to: usize) -> bool {
        self.src.get(from..to).is_some_and(|gap| gap.contains('\n'))
    }

    /// Whether `spans`, in order, can follow code on one line: no line comment before the last.
    pub fn can_trail(&self, spans: &[Span]) -> bool {
        spans.iter().rev().skip(1).all(|s| !self.is_line(*s))
    }
}

/// Marks the `///` runs the parser attached to items and members, exactly as the parser does.
struct DocRuns<'a, 'c> {
    src: &'a str,
    comments: &'c [Comment],
    used: Vec<bool>,
    starts: HashMap<usize, usize>,
}

impl DocRuns<'_, '_> {
    fn take(&mut self, start: usize) {
        let mut end = start;
        let mut k = self.comments.partition_point(|c| c.span.end <= end);
        while k > 0 {
            let c = &self.comments[k - 1];
            if c.kind != CommentKind::Doc || !self.src.get(c.span.end..end).is_some_and(|g| g.trim().is_empty()) {
                break;
            }
            self.used[k - 1] = true;
            end = c.span.start;
            k -= 1;
        }
        if end != start {
            self.starts.insert(start, end);
        }
    }

    fn file(&mut self, file: &File) {
        for item in &file.items {
            self.take(item.span.start);
            match &item.kind {
                ItemKind::Model(Model { body, .. })
                | ItemKind::Network(Network { body, .. })
                | ItemKind::Property(Property { body, .. }) => self.body(body),
                _ => {}
            }
        }
    }

    fn body(&mut self, body: &Body) {
        for m in &body.members {
            self.take(m.span.start);
            if let MemberKind::Compartment { body, .. } = &m.kind {
                self.body(body);
            }
        }
    }
}
