//! The raw logos lexer: characters to tokens, before units are glued to numbers and before the
//! layout pass decides which newlines end statements.

use logos::{Lexer, Logos};

/// Lexical errors, each of which becomes one diagnostic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RawError {
    /// A character that begins no token.
    #[default]
    UnknownChar,
    /// `/*` without `*/`.
    UnterminatedComment,
    /// `"` without a closing `"` on the line.
    UnterminatedString,
}

/// Tokens as logos sees them. Punctuation variants are named after their symbols.
#[allow(missing_docs)]
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\r\f]+")]
pub enum Raw {
    /// A line break.
    #[token("\n")]
    Newline,
    /// `// …` (including `///` doc comments) to the end of the line.
    #[token("//", line_comment)]
    LineComment,
    /// `/* … */`, nesting.
    #[token("/*", block_comment)]
    BlockComment,
    /// An identifier or keyword.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    /// `Q8.8`.
    #[regex(r"Q[0-9]+\.[0-9]+", priority = 5)]
    QFormat,
    /// A decimal integer.
    #[regex(r"[0-9][0-9_]*")]
    Int,
    /// A hexadecimal or binary integer.
    #[regex(r"0[xX][0-9a-fA-F][0-9a-fA-F_]*", priority = 10)]
    #[regex(r"0[bB][01][01_]*", priority = 10)]
    RadixInt,
    /// A decimal number with a fraction or an exponent.
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9]+)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9]+")]
    Float,
    /// Something that starts like a number but is not one (`0x`, `0b2`, `1e`).
    #[regex(r"0[xXbB][0-9A-Za-z_]*", priority = 3)]
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?[eE][+-]?", priority = 3)]
    BadNumber,
    /// A string literal.
    #[token("\"", string)]
    Str,
    /// Punctuation and operators.
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("->")]
    Arrow,
    #[token("@")]
    At,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("&")]
    Amp,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("**")]
    StarStar,
    #[token("!")]
    Bang,
}

fn line_comment(lex: &mut Lexer<Raw>) {
    let rest = lex.remainder();
    let len = rest.find('\n').unwrap_or(rest.len());
    lex.bump(len);
}

fn block_comment(lex: &mut Lexer<Raw>) -> Result<(), RawError> {
    let bytes = lex.remainder().as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                lex.bump(i);
                return Ok(());
            }
        } else {
            i += 1;
        }
    }
    lex.bump(bytes.len());
    Err(RawError::UnterminatedComment)
}

fn string(lex: &mut Lexer<Raw>) -> Result<(), RawError> {
    let rest = lex.remainder();
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\n' => break,
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => {
                lex.bump(i + 1);
                return Ok(());
            }
            _ => {}
        }
        escaped = false;
    }
    let len = rest.find('\n').unwrap_or(rest.len());
    lex.bump(len);
    Err(RawError::UnterminatedString)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Result<Raw, RawError>> {
        Raw::lexer(src).collect()
    }

    #[test]
    fn numbers_of_every_shape() {
        assert_eq!(
            kinds("42 1_000 0.5 1e-3 0xACE1 0b1010"),
            vec![Ok(Raw::Int), Ok(Raw::Int), Ok(Raw::Float), Ok(Raw::Float), Ok(Raw::RadixInt), Ok(Raw::RadixInt),]
        );
    }

    #[test]
    fn malformed_numbers_are_one_token() {
        assert_eq!(kinds("0x 0b2 1e"), vec![Ok(Raw::BadNumber), Ok(Raw::BadNumber), Ok(Raw::BadNumber)]);
    }

    #[test]
    fn ranges_are_not_floats() {
        assert_eq!(kinds("0..256"), vec![Ok(Raw::Int), Ok(Raw::DotDot), Ok(Raw::Int)]);
    }

    #[test]
    fn comments_nest_and_unterminated_ones_fail() {
        assert_eq!(kinds("/* a /* b */ c */ x"), vec![Ok(Raw::BlockComment), Ok(Raw::Ident)]);
        assert_eq!(kinds("/* a /* b */"), vec![Err(RawError::UnterminatedComment)]);
        assert_eq!(kinds("/// doc\nx"), vec![Ok(Raw::LineComment), Ok(Raw::Newline), Ok(Raw::Ident)]);
    }

    #[test]
    fn strings_end_on_their_line() {
        assert_eq!(kinds(r#""a\"b" x"#), vec![Ok(Raw::Str), Ok(Raw::Ident)]);
        assert_eq!(kinds("\"abc\nx"), vec![Err(RawError::UnterminatedString), Ok(Raw::Newline), Ok(Raw::Ident)]);
    }

    #[test]
    fn qformat_beats_identifier() {
        assert_eq!(kinds("Q8.8 Q8"), vec![Ok(Raw::QFormat), Ok(Raw::Ident)]);
    }
}
