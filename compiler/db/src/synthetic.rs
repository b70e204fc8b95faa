//! Small synthetic sources: a file's imports and a few of its items, concatenated, with the map
//! from each piece back to the item (or import) it came from.

use scn_diagnostics::{Diagnostic, Span};

/// What a span is relative to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// The start of the item with this key (its doc comment, if it has one).
    Item(String),
    /// The start of the file's import with this index.
    Import(usize),
    /// Nothing: the span is a position in the file as it stands (the empty span at 0, which the
    /// checker uses for built-in names).
    Absolute,
}

/// A diagnostic whose spans are relative to anchors, so that it stays valid when the items
/// around it move. `anchors[0]` is for the primary span, `anchors[i + 1]` for `secondary[i]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchored {
    /// The diagnostic, with relative spans.
    pub diagnostic: Diagnostic,
    /// What each of its spans is relative to.
    pub anchors: Vec<Anchor>,
}

impl Anchored {
    /// The diagnostic with absolute spans, given where each anchor starts.
    pub fn resolve(&self, start_of: impl Fn(&Anchor) -> Option<usize>) -> Diagnostic {
        let mut d = self.diagnostic.clone();
        let spans = std::iter::once(&mut d.primary.span).chain(d.secondary.iter_mut().map(|l| &mut l.span));
        for (span, anchor) in spans.zip(&self.anchors) {
            let base = start_of(anchor).unwrap_or(0);
            *span = Span::new(span.start + base, span.end + base);
        }
        d
    }
}

/// One piece of a synthetic source.
#[derive(Debug)]
struct Piece {
    start: usize,
    end: usize,
    anchor: Anchor,
}

/// A source made of pieces of a real file, separated by newlines.
#[derive(Debug, Default)]
pub struct Synthetic {
    /// The text handed to the checker.
    pub text: String,
    pieces: Vec<Piece>,
}

impl Synthetic {
    /// Appends a piece on a line of its own. Pieces anchored [`Anchor::Absolute`] are stubs
    /// that no kept diagnostic points into.
    pub fn push(&mut self, anchor: Anchor, text: &str) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece { start, end: self.text.len(), anchor });
    }

    /// The anchor a span of the synthetic text falls in, and the span relative to it.
    fn locate(&self, span: Span) -> (Anchor, Span) {
        if span == Span::default() {
            return (Anchor::Absolute, span);
        }
        let k = self.pieces.partition_point(|p| p.start <= span.start);
        match k.checked_sub(1).map(|k| &self.pieces[k]) {
            Some(p) if span.start <= p.end => (p.anchor.clone(), Span::new(span.start - p.start, span.end - p.start)),
            _ => (Anchor::Absolute, span),
        }
    }

    /// The diagnostic with every span made relative to the piece it falls in, if its primary
    /// span falls in a piece that `keep` accepts.
    pub fn anchor(&self, d: &Diagnostic, keep: impl Fn(&Anchor) -> bool) -> Option<Anchored> {
        let (primary, span) = self.locate(d.primary.span);
        if !keep(&primary) {
            return None;
        }
        let mut diagnostic = d.clone();
        diagnostic.primary.span = span;
        let mut anchors = vec![primary];
        for label in &mut diagnostic.secondary {
            let (anchor, span) = self.locate(label.span);
            label.span = span;
            anchors.push(anchor);
        }
        Some(Anchored { diagnostic, anchors })
    }
}
