//! The parser driver: splits the token stream into items and members, runs the generated
//! parser on each piece, and assembles one [`File`] with every diagnostic.
//!
//! Parsing piece by piece is what makes the parser never fail: a broken member becomes
//! [`MemberKind::Error`] and costs one diagnostic, and the members around it parse as usual.

pub mod build;
mod docs;
mod errors;
mod suggest;

use crate::ast::*;
use crate::lexer::{Comment, Lexed, Spanned, Tok, lex};
use build::{Piece, SyntaxError};
use lalrpop_util::ErrorRecovery;
use scn_diagnostics::{Diagnostic, Span};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, missing_docs, unused, unused_qualifications)]
    grammar,
    "/parser/scn.rs"
);

pub use suggest::{closest, edit_distance};

/// The result of parsing one file: always a tree, plus everything that was wrong.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The syntax tree; broken parts are `Error` nodes.
    pub file: File,
    /// Lexical and syntax diagnostics in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Every comment, for the formatter.
    pub comments: Vec<Comment>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses a whole file. Never fails and never panics.
pub fn parse(src: &str) -> Parsed {
    let Lexed { tokens, comments, diagnostics: mut diags } = lex(src);
    // Sorted once so that each piece finds its lexical errors and its line start by binary
    // search: scanning per piece was quadratic on long lines of `;`-separated pieces.
    let mut lexical: Vec<usize> = diags.iter().map(|d| d.primary.span.start).collect();
    lexical.sort_unstable();
    let line_starts: Vec<usize> = std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut p = Driver {
        src,
        tokens: &tokens,
        lexical: &lexical,
        line_starts: &line_starts,
        diags: Vec::new(),
        parser: grammar::PieceParser::new(),
    };
    let mut items = Vec::new();
    for range in split(&tokens, 0, tokens.len()) {
        items.push(p.item(range));
    }
    diags.append(&mut p.diags);
    let mut file = File { items, span: Span::new(0, src.len()) };
    docs::attach(src, &comments, &mut file, &mut diags);
    diags.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    Parsed { file, diagnostics: diags, comments }
}

/// Splits `tokens[from..to]` at terminators outside any delimiter.
fn split(tokens: &[Spanned<'_>], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    for (i, t) in tokens.iter().enumerate().take(to).skip(from) {
        match t.tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::LAngle => depth += 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::RAngle => depth = depth.saturating_sub(1),
            Tok::Term if depth == 0 => {
                if i > start {
                    pieces.push((start, i));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if to > start {
        pieces.push((start, to));
    }
    pieces
}

/// The index of the `}` that closes the `{` at `open`.
fn matching_brace(tokens: &[Spanned<'_>], open: usize, to: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().take(to).skip(open) {
        match t.tok {
            Tok::LBrace => depth += 1,
            Tok::RBrace => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

struct Driver<'s, 't> {
    src: &'s str,
    tokens: &'t [Spanned<'s>],
    /// Start offsets of the lexical diagnostics, sorted.
    lexical: &'t [usize],
    /// Offsets at which lines start (0 and after each `\n`), ascending.
    line_starts: &'t [usize],
    diags: Vec<Diagnostic>,
    parser: grammar::PieceParser,
}

type Recovered<'s> = Vec<ErrorRecovery<usize, Tok<'s>, SyntaxError>>;

impl<'s> Driver<'s, '_> {
    /// Parses one item; items with bodies have their members parsed one by one.
    fn item(&mut self, (from, to): (usize, usize)) -> Item {
        let toks = self.tokens;
        let has_body =
            matches!(toks[from].tok, Tok::Neuron | Tok::Synapse | Tok::Channel | Tok::Network | Tok::Property);
        let open = has_body.then(|| (from..to).find(|&i| toks[i].tok == Tok::LBrace)).flatten();
        let close = open.and_then(|o| matching_brace(toks, o, to));
        let (Some(open), Some(close)) = (open, close) else {
            return match self.run(Tok::StartItem, toks[from..to].iter()) {
                Some(Piece::Item(item)) => item,
                _ => error_item(toks, from, to),
            };
        };
        let header = toks[from..=open].iter().chain(&toks[close..to]);
        let mut item = match self.run(Tok::StartItem, header) {
            Some(Piece::Item(item)) => item,
            _ => error_item(toks, from, to),
        };
        let members: Vec<Member> = split(toks, open + 1, close).into_iter().map(|r| self.member(r)).collect();
        item.span = Span::new(toks[from].span.start, toks[to - 1].span.end);
        match &mut item.kind {
            ItemKind::Model(Model { body, .. })
            | ItemKind::Network(Network { body, .. })
            | ItemKind::Property(Property { body, .. }) => {
                body.members = members;
                body.span = Span::new(toks[open].span.start, toks[close].span.end);
            }
            _ => {}
        }
        item
    }

    fn member(&mut self, (from, to): (usize, usize)) -> Member {
        match self.run(Tok::StartMember, self.tokens[from..to].iter()) {
            Some(Piece::Member(m)) => m,
            _ => Member {
                doc: None,
                kind: MemberKind::Error,
                span: Span::new(self.tokens[from].span.start, self.tokens[to - 1].span.end),
            },
        }
    }

    /// Runs the generated parser on one piece, converting its errors to diagnostics.
    fn run<'t>(&mut self, start: Tok<'s>, toks: impl Iterator<Item = &'t Spanned<'s>> + Clone) -> Option<Piece>
    where
        's: 't,
    {
        let first = toks.clone().next().map_or(self.src.len(), |t| t.span.start);
        let last = toks.clone().last().map_or(first, |t| t.span.end);
        let stream = std::iter::once(Ok::<_, SyntaxError>((first, start, first)))
            .chain(toks.clone().map(|t| Ok((t.span.start, t.tok.clone(), t.span.end))));
        let mut recovered: Recovered<'s> = Vec::new();
        let result = self.parser.parse(&mut recovered, stream);
        // A piece with a lexical error already has its diagnostic; parse errors there would
        // only repeat it.
        let line_start = self.line_starts[self.line_starts.partition_point(|&s| s <= first) - 1];
        let quiet = self.lexical.get(self.lexical.partition_point(|&s| s < line_start)).is_some_and(|&s| s <= last);
        let pieces: Vec<_> = toks.collect();
        let mut push = |d: Option<Diagnostic>| {
            if let Some(d) = d.filter(|_| !quiet) {
                self.diags.push(d);
            }
        };
        for r in recovered {
            push(errors::convert(self.src, &pieces, r.error));
        }
        match result {
            Ok(entry) => Some(entry),
            Err(e) => {
                push(errors::convert(self.src, &pieces, e));
                None
            }
        }
    }
}

fn error_item(toks: &[Spanned<'_>], from: usize, to: usize) -> Item {
    Item { doc: None, kind: ItemKind::Error, span: Span::new(toks[from].span.start, toks[to - 1].span.end) }
}

#[cfg(test)]
mod tests;
