//! `scn check`: parse (and, as the checker grows, analyse) files and print every diagnostic.

use crate::files;
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `scn check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories (searched for `.scn` files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t)]
    message_format: MessageFormat,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// Also print, for every model with a `precision`, each quantity's proved range and the
    /// smallest fixed-point format that holds it.
    #[arg(long)]
    precision: bool,
}

/// Prints the fixed-point table of each model.
fn print_precision(reports: &[scn_sema::fixed::PrecisionReport], out: &mut dyn Write) -> std::io::Result<()> {
    for r in reports {
        writeln!(out, "precision of `{}`: {}, overflow {}", r.model, r.format, r.overflow)?;
        writeln!(
            out,
            "  {:<16} {:<6} {:<8} {:<34} smallest format",
            "name", "kind", "scale", "range (in scale units)"
        )?;
        for row in &r.rows {
            let range = match row.range {
                Some((lo, hi)) if lo == hi => format!("{lo}"),
                Some((lo, hi)) => format!("[{lo}, {hi}]"),
                None => "not bounded (give `in [lo, hi]`)".to_string(),
            };
            let scale = if row.scale.is_empty() { "1" } else { row.scale.as_str() };
            writeln!(
                out,
                "  {:<16} {:<6} {:<8} {:<34} {}",
                row.name,
                row.kind,
                scale,
                range,
                row.smallest.as_deref().unwrap_or("-")
            )?;
        }
    }
    Ok(())
}

/// Diagnostics about one source text itself (imports resolve against the working directory).
pub fn check_source(text: &str) -> Vec<Diagnostic> {
    let analysis = scn_sema::check_source("input.scn", text.to_string(), None, &scn_sema::Disk);
    analysis.diagnostics.into_iter().filter(|(m, _)| *m == 0).map(|(_, d)| d).collect()
}

/// Checks every file; exit status 1 if any has an error.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let paths = match files::collect(&args.paths) {
        Ok(p) => p,
        Err(e) => {
            files::report_unreadable(err, &e)?;
            return Ok(1);
        }
    };
    let (mut errors, mut warnings) = (0usize, 0usize);
    for path in &paths {
        let text = match files::read(path) {
            Ok(t) => t,
            Err(e) => {
                files::report_unreadable(err, &e)?;
                errors += 1;
                continue;
            }
        };
        let name = path.display().to_string();
        let file_name = path.file_name().map_or(name.clone(), |n| n.to_string_lossy().into_owned());
        let analysis = scn_sema::check_source(&file_name, text, path.parent(), &scn_sema::Disk);
        if args.precision {
            print_precision(&analysis.precision, out)?;
        }
        for (m, module) in analysis.program.modules.iter().enumerate() {
            let diags: Vec<Diagnostic> =
                analysis.diagnostics.iter().filter(|(k, _)| *k == m).map(|(_, d)| d.clone()).collect();
            if diags.is_empty() {
                continue;
            }
            errors += diags.iter().filter(|d| d.is_error()).count();
            warnings += diags.iter().filter(|d| !d.is_error()).count();
            let shown = if m == 0 { name.clone() } else { module.source.name.clone() };
            let file = SourceFile::new(shown, module.source.text.clone());
            report::emit(&file, &diags, args.message_format, args.color, out, err)?;
        }
    }
    if args.message_format == MessageFormat::Human {
        let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
        writeln!(
            err,
            "checked {}: {}, {}",
            plural(paths.len(), "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
    }
    Ok(i32::from(errors > 0))
}
