//! Lexing: source text to parser tokens, comments and lexical diagnostics.
//!
//! Two passes. [`scan`] runs the logos lexer, glues units to numbers, reads bracketed unit
//! types and turns identifiers into keywords. [`layout::arrange`] then decides which newlines
//! end statements, demotes keywords used as names, recognises type-argument brackets and
//! contextual keywords, and balances delimiters so that the parser never sees an unclosed one.

pub mod layout;
pub mod raw;
pub mod token;
pub mod units;

use crate::ast::Unit;
use logos::Logos;
use raw::{Raw, RawError};
use scn_diagnostics::{Diagnostic, Span};
pub use token::Tok;

/// A token with its span and whether whitespace (or a comment) came right before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<'a> {
    /// The token.
    pub tok: Tok<'a>,
    /// Where it is.
    pub span: Span,
    /// Whether it was separated from the previous token.
    pub spaced: bool,
}

/// What kind of comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// …`.
    Line,
    /// `/// …`.
    Doc,
    /// `/* … */`.
    Block,
}

/// A comment, kept for the formatter and for doc comments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Line, doc or block.
    pub kind: CommentKind,
    /// Its full text including the slashes.
    pub span: Span,
}

/// The output of lexing one file.
#[derive(Clone, Debug, Default)]
pub struct Lexed<'a> {
    /// Parser tokens (after layout), ending without a trailing terminator.
    pub tokens: Vec<Spanned<'a>>,
    /// All comments in order.
    pub comments: Vec<Comment>,
    /// Lexical and layout diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexes a whole file.
pub fn lex(src: &str) -> Lexed<'_> {
    let mut out = Lexed::default();
    let raw = scan(src, &mut out.comments, &mut out.diagnostics);
    out.tokens = layout::arrange(src, raw, &mut out.diagnostics);
    out
}

/// First pass: logos tokens to parser tokens, with newlines still in the stream as `Term`.
fn scan<'a>(src: &'a str, comments: &mut Vec<Comment>, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<'a>> {
    let mut lexer = Raw::lexer(src);
    let mut tokens: Vec<Spanned<'a>> = Vec::new();
    let mut last_end = 0usize;
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let mut span = Span::new(range.start, range.end);
        let spaced = span.start != last_end || last_end == 0;
        let text = &src[range];
        let tok = match result {
            Err(e) => {
                diags.push(lex_error(e, span, text));
                last_end = span.end;
                continue;
            }
            Ok(Raw::LineComment) => {
                let kind = if text.starts_with("///") && !text.starts_with("////") {
                    CommentKind::Doc
                } else {
                    CommentKind::Line
                };
                comments.push(Comment { kind, span });
                last_end = usize::MAX; // a comment counts as whitespace
                continue;
            }
            Ok(Raw::BlockComment) => {
                comments.push(Comment { kind: CommentKind::Block, span });
                last_end = usize::MAX;
                continue;
            }
            Ok(Raw::Newline) => Tok::Term,
            Ok(Raw::Ident) => token::keyword(text).unwrap_or(Tok::Ident(text)),
            Ok(Raw::QFormat) => Tok::QFormat(text),
            Ok(Raw::Int) | Ok(Raw::RadixInt) | Ok(Raw::Float) => {
                let is_int = !matches!(result, Ok(Raw::Float));
                if is_int && parse_int(text).is_none() {
                    diags.push(
                        Diagnostic::error(
                            "E0005",
                            format!("integer literal `{text}` is too large"),
                            span,
                            "does not fit in 64 bits",
                        )
                        .with_help("integers in SCN are at most 18446744073709551615"),
                    );
                }
                let radix = matches!(result, Ok(Raw::RadixInt));
                match (!radix).then(|| units::scan_unit(src, span.end)).flatten() {
                    Some((unit, end)) => {
                        lexer.bump(end - span.end);
                        span.end = end;
                        Tok::Quantity(token::Quantity { value: text, unit })
                    }
                    None if is_int => Tok::Int(text),
                    None => Tok::Float(text),
                }
            }
            Ok(Raw::BadNumber) => {
                diags.push(bad_number(span, text));
                Tok::Int("0")
            }
            Ok(Raw::Str) => Tok::Str(&text[1..text.len() - 1]),
            Ok(Raw::LBracket) if prev_is_type_position(&tokens) => match bracket_unit(src, span.end) {
                Some((inner, end)) => {
                    lexer.bump(end - span.end);
                    span.end = end;
                    let spaced_operator =
                        inner.contains(" /") || inner.contains("/ ") || inner.contains(" *") || inner.contains("* ");
                    if spaced_operator {
                        diags.push(
                            Diagnostic::error(
                                "E0004",
                                format!("malformed unit `[{inner}]`"),
                                span,
                                "unit atoms are joined without spaces",
                            )
                            .with_help(format!("write `[{}]`", inner.split_whitespace().collect::<String>())),
                        );
                        Tok::UnitType(Unit { atoms: Vec::new() })
                    } else {
                        match units::parse_unit_text(inner) {
                            Ok(unit) => Tok::UnitType(unit),
                            Err(why) => {
                                diags.push(
                                Diagnostic::error("E0004", format!("malformed unit `[{inner}]`"), span, why)
                                    .with_help("units are atoms such as `mV`, `ms`, `cm` (prefixes f p n u m c k M G) joined by `*` or `/` with powers `^N`"),
                            );
                                Tok::UnitType(Unit { atoms: Vec::new() })
                            }
                        }
                    }
                }
                None => Tok::LBracket,
            },
            Ok(r) => punct(r),
        };
        last_end = span.end;
        tokens.push(Spanned { tok, span, spaced });
    }
    tokens
}

/// The value of an integer literal as written (`1_000`, `0xACE1`, `0b1010`), if it fits.
pub fn parse_int(text: &str) -> Option<u64> {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    if let Some(hex) = clean.strip_prefix("0x").or_else(|| clean.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if let Some(bin) = clean.strip_prefix("0b").or_else(|| clean.strip_prefix("0B")) {
        u64::from_str_radix(bin, 2).ok()
    } else {
        clean.parse().ok()
    }
}

fn prev_is_type_position(tokens: &[Spanned<'_>]) -> bool {
    matches!(tokens.last().map(|t| &t.tok), Some(Tok::Colon | Tok::Arrow | Tok::As))
}

/// The text between `[` (ending at `at`) and `]` if it can only be a unit.
fn bracket_unit(src: &str, at: usize) -> Option<(&str, usize)> {
    let rest = &src[at..];
    let close = rest.find(']')?;
    let inner = &rest[..close];
    let looks_like_unit = inner.trim_start().starts_with(|c: char| c.is_ascii_alphabetic() || c == '1')
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || "*/^- ".contains(c))
        && !inner.trim().chars().all(|c| c.is_ascii_digit())
        && inner.trim().chars().any(|c| c.is_ascii_alphabetic());
    looks_like_unit.then_some((inner, at + close + 1))
}

fn lex_error(e: RawError, span: Span, text: &str) -> Diagnostic {
    match e {
        RawError::UnknownChar => {
            let c = text.chars().next().unwrap_or('?');
            let d = Diagnostic::error(
                "E0001",
                format!("unknown character `{}`", c.escape_debug()),
                span,
                "not part of any SCN token",
            );
            match c {
                'µ' | 'μ' => d.with_help("write the micro prefix as `u`: `uF`, `us`"),
                'Ω' => d.with_help("write ohms as `ohm`: `Mohm`"),
                '−' | '–' => d.with_help("use the ASCII minus sign `-`"),
                '\'' => d.with_help("strings use double quotes: \"file.csv\""),
                '#' => d.with_help("comments start with `//`"),
                _ => d.with_help("delete it; names use ASCII letters, digits and `_`"),
            }
        }
        RawError::UnterminatedComment => Diagnostic::error(
            "E0002",
            "unterminated block comment",
            Span::new(span.start, span.start + 2),
            "this `/*` is never closed",
        )
        .with_help("close it with `*/` (block comments nest)"),
        RawError::UnterminatedString => Diagnostic::error(
            "E0003",
            "unterminated string literal",
            span,
            "the string needs a closing `\"` on this line",
        )
        .with_help("add the closing quote"),
    }
}

fn bad_number(span: Span, text: &str) -> Diagnostic {
    let lower = text.to_ascii_lowercase();
    let (label, help) = if lower.starts_with("0x") {
        ("hexadecimal digits (0-9, a-f) must follow `0x`", "for example `0xACE1`")
    } else if lower.starts_with("0b") {
        ("binary digits (0 or 1) must follow `0b`", "for example `0b1010`")
    } else {
        ("the exponent has no digits", "for example `1e-3`")
    };
    Diagnostic::error("E0005", format!("malformed number `{text}`"), span, label).with_help(help)
}

fn punct(r: Raw) -> Tok<'static> {
    match r {
        Raw::LParen => Tok::LParen,
        Raw::RParen => Tok::RParen,
        Raw::LBracket => Tok::LBracket,
        Raw::RBracket => Tok::RBracket,
        Raw::LBrace => Tok::LBrace,
        Raw::RBrace => Tok::RBrace,
        Raw::Comma => Tok::Comma,
        Raw::Semi => Tok::Term,
        Raw::Colon => Tok::Colon,
        Raw::Dot => Tok::Dot,
        Raw::DotDot => Tok::DotDot,
        Raw::Arrow => Tok::Arrow,
        Raw::At => Tok::At,
        Raw::Assign => Tok::Assign,
        Raw::PlusAssign => Tok::PlusAssign,
        Raw::MinusAssign => Tok::MinusAssign,
        Raw::StarAssign => Tok::StarAssign,
        Raw::SlashAssign => Tok::SlashAssign,
        Raw::EqEq => Tok::EqEq,
        Raw::NotEq => Tok::NotEq,
        Raw::Lt => Tok::Lt,
        Raw::Le => Tok::Le,
        Raw::Gt => Tok::Gt,
        Raw::Ge => Tok::Ge,
        Raw::Pipe => Tok::Pipe,
        Raw::Caret => Tok::Caret,
        Raw::Amp => Tok::Amp,
        Raw::Shl => Tok::Shl,
        Raw::Shr => Tok::Shr,
        Raw::Plus => Tok::Plus,
        Raw::Minus => Tok::Minus,
        Raw::Star => Tok::Star,
        Raw::Slash => Tok::Slash,
        Raw::Percent => Tok::Percent,
        Raw::StarStar => Tok::StarStar,
        Raw::Bang => Tok::Bang,
        other => unreachable!("{other:?} is handled before punctuation"),
    }
}
