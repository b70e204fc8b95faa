//! `scn explain CODE`: the long explanation of a diagnostic code.

use std::io::Write;

/// Arguments of `scn explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A diagnostic code such as `E0012`.
    code: String,
}

/// Prints the explanation, or an error for an unknown code.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    match scn_diagnostics::lookup(&args.code) {
        Some(info) => {
            writeln!(out, "{}: {}\n\n{}", info.code, info.title, info.explanation)?;
            Ok(0)
        }
        None => {
            writeln!(err, "error: `{}` is not an SCN diagnostic code", args.code)?;
            let known: Vec<&str> = scn_diagnostics::CODES.iter().map(|c| c.code).collect();
            writeln!(err, "known codes: {}", known.join(", "))?;
            Ok(1)
        }
    }
}
