//! The `scn` command line: argument parsing and one module per subcommand.
//!
//! [`run`] takes the arguments and the output streams, so that tests drive the CLI in-process
//! exactly as a user would from a shell.

mod commands;
mod files;
mod output;
mod report;

pub use commands::check::check_source;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::Write;

/// SCN: a language and toolchain for stochastic-computing neuromorphic models.
#[derive(Parser, Debug)]
#[command(name = "scn", version, about, long_about = None, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check files for errors without running them.
    Check(commands::check::Args),
    /// Simulate a network with the reference interpreter and write its results.
    Run(commands::run::Args),
    /// Build a network's hardware: Verilog, a testbench, and optionally an FPGA bitstream flow.
    Build(commands::build::Args),
    /// List the device profiles `scn build --target` accepts.
    Targets(commands::targets::Args),
    /// Import a NIR graph (HDF5) as SCN source.
    Import(commands::import::Args),
    /// Format files in the canonical style.
    Fmt(commands::fmt::Args),
    /// Explain a diagnostic code, with an example and the fix.
    Explain(commands::explain::Args),
    /// Print a standard-library module's documentation: provenance, models, parameters with
    /// units and admissible ranges.
    Doc(commands::doc::Args),
    /// Start the language server on standard input and output.
    Lsp(commands::lsp::Args),
    /// Start an interactive session: expressions, declarations, `:run`, `:plot`, `:save`.
    Repl(commands::repl::Args),
    /// Check a network's properties: pass, fail or inconclusive per check, with counterexamples.
    Verify(commands::verify::Args),
}

/// Runs `scn` with `args` (the first is the program name). Returns the exit status.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
            let text = if color { e.render().ansi().to_string() } else { e.render().to_string() };
            let _ = if code == 0 { write!(out, "{text}") } else { write!(err, "{text}") };
            return code;
        }
    };
    let result = match cli.command {
        Command::Check(a) => commands::check::run(&a, out, err),
        Command::Run(a) => commands::run::run(&a, out, err),
        Command::Build(a) => commands::build::run(&a, out, err),
        Command::Targets(a) => commands::targets::run(&a, out, err),
        Command::Import(a) => commands::import::run(&a, out, err),
        Command::Fmt(a) => commands::fmt::run(&a, out, err),
        Command::Explain(a) => commands::explain::run(&a, out, err),
        Command::Doc(a) => commands::doc::run(&a, out, err),
        Command::Lsp(a) => commands::lsp::run(&a, out, err),
        Command::Repl(a) => commands::repl::run(&a, out, err),
        Command::Verify(a) => commands::verify::run(&a, out, err),
    };
    result.unwrap_or_else(|e| {
        let _ = writeln!(err, "error: {e}");
        2
    })
}
