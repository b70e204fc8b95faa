//! SCN syntax: the lexer, the layout pass, the grammar and the syntax tree.
//!
//! [`parse`] turns source text into a [`ast::File`] and diagnostics; it never fails. Spans are
//! byte offsets into the text.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::{Parsed, parse};
pub use scn_diagnostics::Span;
