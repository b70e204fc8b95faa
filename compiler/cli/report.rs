//! Printing diagnostics in the format the user asked for.

use scn_diagnostics::{Diagnostic, SourceFile, render_human, render_json};
use std::io::Write;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    /// rustc-style reports.
    #[default]
    Human,
    /// One JSON object per line, on standard output.
    Json,
}

/// When to use colour in human reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output written to standard error.
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        }
    }
}

/// Prints diagnostics about one file: human reports on `err`, JSON lines on `out`.
pub fn emit(
    file: &SourceFile,
    diags: &[Diagnostic],
    format: MessageFormat,
    color: ColorChoice,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        MessageFormat::Human => err.write_all(render_human(file, diags, color.enabled()).as_bytes()),
        MessageFormat::Json => out.write_all(render_json(file, diags).as_bytes()),
    }
}
