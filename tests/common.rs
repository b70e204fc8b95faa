//! Helpers shared by the end-to-end tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `scn` binary with `args` from the repository root.
pub fn scn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("scn runs")
}

/// Standard output and error as text.
pub fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Every `.scn` file under `dir`, sorted.
pub fn scn_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("read {}: {e}", d.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "scn") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The codes a corpus file must produce: its first line is `// expect: CODE, CODE…`.
pub fn expected_codes(src: &str) -> Vec<String> {
    let first = src.lines().next().unwrap_or_default();
    let list = first
        .strip_prefix("// expect:")
        .unwrap_or_else(|| panic!("first line must be `// expect: …`, found {first:?}"));
    list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

/// Checks one corpus file: the codes in order, every span inside the file, a help line on
/// every diagnostic. Returns the rendered report for the snapshot.
pub fn check_corpus_file(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap();
    let diags = scn_cli::check_source(&src);
    let codes: Vec<String> = diags.iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, expected_codes(&src), "codes of {}", path.display());
    for d in &diags {
        let span = d.primary.span;
        assert!(span.start <= span.end && span.end <= src.len(), "span {span:?} outside {}", path.display());
        assert!(d.help.is_some(), "{} in {} has no help line", d.code, path.display());
    }
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    scn_diagnostics::render_human(&scn_diagnostics::SourceFile::new(name, src), &diags, false)
}

/// A fresh, empty directory `scn-PREFIX-TAG-PID` under the system temporary directory
/// (removed first if a previous run left it behind).
pub fn fresh_dir(prefix: &str, tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scn-{prefix}-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` as `net.scn` in `dir` and returns its path.
pub fn write_net(dir: &Path, text: &str) -> PathBuf {
    let f = dir.join("net.scn");
    std::fs::write(&f, text).unwrap();
    f
}

/// Runs `scn run FILE -o OUT EXTRA…`.
pub fn scn_run(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", file.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend(extra);
    scn(&args)
}

/// Checks the standard-library module `stdlib/KIND/NAME.scn` (it must be free of errors) and
/// returns what `scn doc std.KIND.NAME` prints, which must succeed and name the provenance.
pub fn stdlib_doc(kind: &str, name: &str) -> String {
    let path = format!("stdlib/{kind}/{name}.scn");
    let out = scn(&["check", &path]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{path}:\n{stdout}{stderr}");
    let doc = scn(&["doc", &format!("std.{kind}.{name}")]);
    let (shown, err) = text(&doc);
    assert!(doc.status.success(), "scn doc std.{kind}.{name}: {err}");
    assert!(shown.contains("Provenance:"), "{name}: {shown}");
    shown
}
