//! Finding and reading the `.scn` files named on the command line, and reporting the files
//! that cannot be read (E0801) or written (E0802) with a code and a hint, like every other
//! diagnostic.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Expands files and directories (recursively, `.scn` files only, sorted) into file paths;
/// the error names the directory that cannot be listed.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files).map_err(|e| format!("cannot list `{}`: {e}", p.display()))?;
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Prints an input that cannot be read (`message` names it) as E0801 with a hint.
pub fn report_unreadable(err: &mut dyn Write, message: &str) -> std::io::Result<()> {
    writeln!(err, "error[E0801]: {message}")?;
    writeln!(err, "  = help: check the path, and that the file is UTF-8 text (`scn explain E0801`)")
}

/// Prints an output that cannot be written as E0802 with a hint (where to write instead).
pub fn report_unwritable(
    err: &mut dyn Write,
    path: &Path,
    e: &dyn std::fmt::Display,
    hint: &str,
) -> std::io::Result<()> {
    writeln!(err, "error[E0802]: cannot write `{}`: {e}", path.display())?;
    writeln!(err, "  = help: {hint}")
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "scn") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads a file as UTF-8, with a message that names it on failure.
pub fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!("`{}` is not UTF-8 text (invalid byte at offset {})", path.display(), e.utf8_error().valid_up_to())
    })
}

/// The SHA-256 of some bytes in lowercase hexadecimal.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}
