//! SCN diagnostics: one diagnostic type shared by every compiler stage, with two renderers
//! (ariadne for people, JSON lines for tools) and the registry of codes that `scn explain`
//! prints.

mod codes;
mod diagnostic;
mod render;
mod source;
mod span;

pub use codes::{CODES, CodeInfo, lookup};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{render_human, render_json};
pub use source::SourceFile;
pub use span::Span;
