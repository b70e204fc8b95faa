//! `scn import MODEL.nir -o MODEL.scn`: read a NIR graph (HDF5) and write it as formatted,
//! checkable SCN (docs/nir.md). The time step comes from the file's metadata or `--dt`; the
//! reset after a spike is NIR's (`v = v_reset`) unless `--reset subtract`.

use crate::files;
use scn_nir::import::{Options, Reset};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `scn import`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The NIR file (HDF5, as written by `nir.write`).
    file: PathBuf,
    /// Where to write the SCN source (default: standard output); the weight tables it reads
    /// are written beside it (into the current directory when it is printed).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The time step, when the file does not give one (`1ms`, `0.1 ms`, `1e-4 s`).
    #[arg(long)]
    dt: Option<String>,
    /// The reset after a spike: `to-reset` (NIR: v = v_reset), `subtract` (v -= v_threshold - v_reset) or
    /// `subtract-next` (the same, after the next step's decay: snnTorch's default).
    #[arg(long, value_enum, default_value = "to-reset")]
    reset: ResetArg,
    /// The name of the generated network (default: the file's stem).
    #[arg(long)]
    network: Option<String>,
}

/// `--reset`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ResetArg {
    /// `v = v_reset`.
    ToReset,
    /// `v -= v_threshold - v_reset`.
    Subtract,
    /// `v_threshold - v_reset` subtracted after the next step's decay (snnTorch's default).
    SubtractNext,
}

/// Seconds in a time written like `1ms`, `0.1 ms` or `1e-4 s`.
fn parse_time(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic() && c != 'e' || c == ' ').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let scale = match unit.trim() {
        "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        "ns" => 1e-9,
        _ => return None,
    };
    num.trim().parse::<f64>().ok().map(|x| x * scale).filter(|x| *x > 0.0)
}

/// Imports the NIR file.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let shown = args.file.display().to_string();
    let dt = match args.dt.as_deref().map(|d| (d, parse_time(d))) {
        None => None,
        Some((_, Some(x))) => Some(x),
        Some((d, None)) => {
            writeln!(err, "error: `--dt {d}` is not a positive time (write e.g. `--dt 1ms`)")?;
            return Ok(2);
        }
    };
    let stem = args.file.file_stem().map_or("imported".to_string(), |s| s.to_string_lossy().into_owned());
    let opts = Options {
        dt,
        reset: match args.reset {
            ResetArg::ToReset => Reset::ToReset,
            ResetArg::Subtract => Reset::Subtract,
            ResetArg::SubtractNext => Reset::SubtractNext,
        },
        network: args.network.clone().unwrap_or(stem),
        origin: args.file.file_name().map_or(shown.clone(), |n| n.to_string_lossy().into_owned()),
    };
    let result = scn_nir::hdf5io::read(&args.file).and_then(|g| scn_nir::import::import(&g, &opts));
    let imported = match result {
        Ok(t) => t,
        Err(e) => {
            // A NIR file has no text to point into: the message names the node and field.
            writeln!(err, "error[{}]: {}\n  --> {shown}\n  = help: {}", e.code, e.message, e.help)?;
            return Ok(1);
        }
    };
    // The weight tables go beside the SCN file (the current directory when it is printed).
    let dir = args.output.as_deref().and_then(|p| p.parent()).map(PathBuf::from).unwrap_or_default();
    for (name, contents) in &imported.tables {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, contents) {
            files::report_unwritable(err, &path, &e, "choose another place with `-o FILE`")?;
            return Ok(1);
        }
    }
    match &args.output {
        None => {
            out.write_all(imported.source.as_bytes())?;
            if !imported.tables.is_empty() {
                writeln!(err, "note: wrote {} weight tables to the current directory", imported.tables.len())?;
            }
        }
        Some(p) => {
            if let Err(e) = std::fs::write(p, &imported.source) {
                files::report_unwritable(err, p, &e, "choose another place with `-o FILE`")?;
                return Ok(1);
            }
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times_parse_with_and_without_spaces() {
        assert_eq!(parse_time("1ms"), Some(1e-3));
        assert_eq!(parse_time("0.5 ms"), Some(0.5e-3));
        assert_eq!(parse_time("1e-4 s"), Some(1e-4));
        assert_eq!(parse_time("1e-4s"), Some(1e-4));
        assert_eq!(parse_time("-1 ms"), None);
        assert_eq!(parse_time("1 parsec"), None);
    }
}
