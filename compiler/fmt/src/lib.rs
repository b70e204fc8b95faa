//! The SCN formatter: prints a parsed file in the canonical style of `docs/style.md`, keeping
//! every comment.
//!
//! The tree is turned into a [`doc::Doc`] (a document with optional line breaks) by one module
//! per kind of node ([`item`], [`member`], [`stmt`], [`expr`], [`types`]); [`lists`] lays out
//! braced lists with the comments around their elements, [`comments`] hands those comments out
//! in source order, and [`doc::render`] fits the result into 100 columns.
//!
//! Formatting never changes the syntax tree: `parse(format(src))` equals `parse(src)` up to
//! spans, and formatting is idempotent.

pub mod comments;
pub mod doc;
pub mod expr;
pub mod item;
pub mod lists;
pub mod member;
pub mod stmt;
pub mod types;

use comments::Comments;
use scn_diagnostics::Diagnostic;
use scn_grammar::Parsed;
use scn_grammar::Span;
use scn_grammar::lexer::Tok;

/// Formats a source text, or returns its diagnostics if it has syntax errors.
pub fn format_source(src: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = scn_grammar::parse(src);
    if parsed.has_errors() {
        return Err(parsed.diagnostics);
    }
    Ok(format_parsed(src, &parsed))
}

/// Formats a parsed file. `src` must be the text `parsed` came from; parts that did not parse
/// are copied verbatim.
pub fn format_parsed(src: &str, parsed: &Parsed) -> String {
    let mut f = Formatter::new(src, parsed);
    let doc = f.file(&parsed.file);
    let mut out = doc::render(&doc);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The state of one formatting run: the source, the comments still to place and the comments
/// met inside the node being built.
pub struct Formatter<'a> {
    src: &'a str,
    comments: Comments<'a>,
    /// Start offsets of the brace tokens, with whether each opens.
    braces: Vec<(usize, bool)>,
    /// Comments taken inside the element being built, placed around it afterwards.
    interior: Vec<Span>,
}

impl<'a> Formatter<'a> {
    /// A formatter for one parsed file.
    pub fn new(src: &'a str, parsed: &Parsed) -> Self {
        let braces = scn_grammar::lexer::lex(src)
            .tokens
            .iter()
            .filter_map(|t| match t.tok {
                Tok::LBrace => Some((t.span.start, true)),
                Tok::RBrace => Some((t.span.start, false)),
                _ => None,
            })
            .collect();
        Formatter { src, comments: Comments::new(src, &parsed.comments, &parsed.file), braces, interior: Vec::new() }
    }

    /// The source text of a span (empty if the span does not fit the source).
    fn source(&self, span: Span) -> &'a str {
        self.src.get(span.range()).unwrap_or("")
    }

    /// The offset of the `{` matching the `}` at `close`, if `close` is one.
    fn open_brace_of(&self, close: usize) -> Option<usize> {
        let k = self.braces.iter().position(|&(at, open)| at == close && !open)?;
        let mut depth = 0usize;
        for &(at, open) in self.braces[..=k].iter().rev() {
            if open {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            } else {
                depth += 1;
            }
        }
        None
    }

    /// Moves the comments before `pos` into the interior of the element being built.
    fn interior_before(&mut self, pos: usize) {
        let taken = self.comments.take_before(pos);
        self.interior.extend(taken);
    }
}
