//! `scn fmt`: rewrite files in the canonical style (see the `scn-fmt` crate and
//! `docs/style.md`).
//!
//! `scn fmt PATH...` rewrites each file that is not formatted; `--check` only lists them and
//! exits 1 if there are any; `scn fmt -` formats standard input to standard output. A file with
//! syntax errors is left alone and its diagnostics are printed as `scn check` prints them.

use crate::files;
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `scn fmt`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to format (`.scn` files, recursively); `-` formats standard input
    /// to standard output.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Do not write; list files that are not formatted and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// Formats or checks every file, reading standard input for `-`.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    run_with_input(args, &mut std::io::stdin().lock(), out, err)
}

/// Formats or checks every file, reading `input` for `-`. Exit status 1 if a file has syntax
/// errors or cannot be read, or, with `--check`, if a file is not formatted.
pub fn run_with_input(
    args: &Args,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let mut failed = false;
    let (stdin, paths): (Vec<&PathBuf>, Vec<PathBuf>) = {
        let (dash, rest): (Vec<&PathBuf>, Vec<&PathBuf>) = args.paths.iter().partition(|p| p.as_os_str() == "-");
        let rest: Vec<PathBuf> = rest.into_iter().cloned().collect();
        match files::collect(&rest) {
            Ok(p) => (dash, p),
            Err(e) => {
                files::report_unreadable(err, &e)?;
                return Ok(1);
            }
        }
    };
    if !stdin.is_empty() {
        let mut text = String::new();
        if let Err(e) = input.read_to_string(&mut text) {
            files::report_unreadable(err, &format!("cannot read standard input: {e}"))?;
            return Ok(1);
        }
        match scn_fmt::format_source(&text) {
            Ok(formatted) if args.check => {
                if formatted != text {
                    writeln!(out, "-")?;
                    failed = true;
                }
            }
            Ok(formatted) => out.write_all(formatted.as_bytes())?,
            Err(diags) => {
                report_errors(Path::new("<stdin>"), text, &diags, args.color, out, err)?;
                failed = true;
            }
        }
    }
    for path in &paths {
        let text = match files::read(path) {
            Ok(t) => t,
            Err(e) => {
                files::report_unreadable(err, &e)?;
                failed = true;
                continue;
            }
        };
        let formatted = match scn_fmt::format_source(&text) {
            Ok(f) => f,
            Err(diags) => {
                report_errors(path, text, &diags, args.color, out, err)?;
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if args.check {
            writeln!(out, "{}", path.display())?;
            failed = true;
        } else if let Err(e) = std::fs::write(path, formatted) {
            files::report_unwritable(err, path, &e, "check that the file is writable; `--check` only reports")?;
            failed = true;
        }
    }
    Ok(i32::from(failed))
}

/// Prints the diagnostics of a file that was not formatted because of syntax errors.
fn report_errors(
    path: &Path,
    text: String,
    diags: &[Diagnostic],
    color: ColorChoice,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let file = SourceFile::new(path.display().to_string(), text);
    report::emit(&file, diags, MessageFormat::Human, color, out, err)?;
    writeln!(err, "error: `{}` was not formatted because it has syntax errors", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn run_fmt(argv: &[&str], stdin: &str) -> (i32, String, String) {
        let cli = Cli::try_parse_from(std::iter::once("fmt").chain(argv.iter().copied())).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with_input(&cli.args, &mut stdin.as_bytes(), &mut out, &mut err).unwrap();
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("scn-fmt-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.scn");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn stdin_is_formatted_to_stdout() {
        assert_eq!(run_fmt(&["-"], "const A=1\n"), (0, "const A = 1\n".into(), String::new()));
    }

    #[test]
    fn syntax_errors_are_reported_and_nothing_is_written() {
        let (code, out, err) = run_fmt(&["--color", "never", "-"], "const A = (1\n");
        assert_eq!(code, 1);
        assert_eq!(out, "");
        assert!(err.contains("E0012") && err.contains("<stdin>"), "{err}");
        assert!(err.contains("was not formatted"), "{err}");
        let path = temp_file("error", "const A = 0x\n");
        let (code, _, err) = run_fmt(&["--color", "never", path.to_str().unwrap()], "");
        assert_eq!(code, 1);
        assert!(err.contains("E0005"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "const A = 0x\n");
    }

    #[test]
    fn check_lists_unformatted_files_and_writing_fixes_them() {
        let path = temp_file("check", "const A=1\n");
        let shown = path.display().to_string();
        assert_eq!(run_fmt(&["--check", &shown], ""), (1, format!("{shown}\n"), String::new()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "const A=1\n", "--check writes nothing");
        assert_eq!(run_fmt(&[&shown], ""), (0, String::new(), String::new()));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "const A = 1\n");
        assert_eq!(run_fmt(&["--check", &shown], ""), (0, String::new(), String::new()));
    }
}
