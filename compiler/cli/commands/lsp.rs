//! `scn lsp`: the language server, speaking LSP over standard input and output.

use std::io::Write;

/// Arguments of `scn lsp`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Talk over standard input and output (the only transport, and the default; accepted
    /// because editor clients pass it).
    #[arg(long)]
    stdio: bool,
}

/// Serves one editor until it exits. `out` and `err` are unused: the protocol owns standard
/// output.
pub fn run(args: &Args, _out: &mut dyn Write, _err: &mut dyn Write) -> std::io::Result<i32> {
    let _ = args.stdio;
    scn_lsp::run_stdio()?;
    Ok(0)
}
