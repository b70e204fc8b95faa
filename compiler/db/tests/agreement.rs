//! `check_file` agrees with `scn_sema::check_source` on every example, on files with errors,
//! and with sibling imports.

use scn_db::Database;
use scn_diagnostics::Diagnostic;
use std::path::{Path, PathBuf};

/// What the checker reports about the root file `path` (imports read from disk).
fn reference(path: &Path, text: &str) -> Vec<Diagnostic> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let analysis = scn_sema::check_source(&name, text.to_string(), path.parent(), &scn_sema::Disk);
    analysis.diagnostics.into_iter().filter(|(m, _)| *m == 0).map(|(_, d)| d).collect()
}

/// The diagnostics with "did you mean" help reduced to that phrase. The checker offers local
/// names from a hash map, so between two candidates at the same distance its choice varies from
/// run to run (`scn_sema::env::Env::names` is unordered); the rest must match exactly.
fn comparable(ds: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut ds = ds.to_vec();
    for d in &mut ds {
        if d.help.as_deref().is_some_and(|h| h.starts_with("did you mean")) {
            d.help = Some("did you mean …".to_string());
        }
    }
    ds
}

/// Asserts that the database and the checker report the same diagnostics for `path`.
fn agree(db: &mut Database, path: &Path, text: &str) -> usize {
    db.set_file(path, text);
    let want = reference(path, text);
    let got = db.check_file(path);
    if comparable(&got) != comparable(&want) {
        let show = |ds: &[Diagnostic]| {
            ds.iter()
                .map(|d| format!("  {} {:?} {} {:?}\n", d.code, d.primary.span, d.message, d.help))
                .collect::<String>()
        };
        panic!("{}: database and checker disagree\ndatabase:\n{}checker:\n{}", path.display(), show(&got), show(&want));
    }
    want.len()
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "scn"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn examples_agree_with_the_checker() {
    let paths = examples();
    assert!(paths.len() >= 5, "examples not found");
    let mut db = Database::default();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        agree(&mut db, path, &text);
    }
}

/// Each example with one item broken in several ways: a diagnostic inside an item, and the
/// same after an edit (the database's answer must not go stale).
#[test]
fn broken_examples_agree_with_the_checker() {
    let edits: &[(&str, &str)] = &[
        (" mV", " ms"),
        ("= 0", "= undefined_name"),
        ("param ", "param bad: voltage = 1 ms\n    param "),
        ("}\n", "}\nconst ZZ = ZZ\n"),
        ("(", "(("),
    ];
    let mut db = Database::default();
    let mut nonempty = 0;
    for path in examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (from, to) in edits {
            if let Some(at) = text.find(from) {
                let edited = format!("{}{}{}", &text[..at], to, &text[at + from.len()..]);
                nonempty += usize::from(agree(&mut db, &path, &edited) > 0);
            }
        }
        agree(&mut db, &path, &text);
    }
    assert!(nonempty >= 10, "the edits should produce diagnostics");
}

const ERRORS: &str = "\
import std.neurons.lif.{Lif, Nope}
import std.nothing

/// A neuron with a few mistakes.
neuron A {
    param tau: time = 10 mV
    state v: voltage = 0 mV
    input x: spike(voltage)
    on x(w) { v += w }
    dv/dt = -v / tauu
}

neuron A {
    param k = 1
}

/// Uses A, and a misspelled neuron.
network N {
    dt = 0.1 ms
    duration = 10 ms
    pop a = A[2]
    pop b = Lifx[2]
    pop c = Lif[2]
    pop d = Betta[1]
    pop e = Qqqqqqq[1]
}

/// Clocked on its own, but it takes its parent's `dt`.
network Inner {
    duration = 10 ms
    pop a = A[1]
    monitor state(a.v)
}

network Outer {
    dt = 0.1 ms
    duration = 10 ms
    sub i = Inner
}

/// Clocked: durations must be in cycles.
network Lone {
    duration = 10 ms
    pop b = Beta[1]
}

neuron Beta {
    state v: voltage = 0 mV
}

const C1 = C2
const C2 = C1

property P for N {
    assert always(a.v <= 10 mV) @sim
    assert always(a.w <= 10 mV) @sim
}
";

#[test]
fn a_file_with_errors_agrees_with_the_checker() {
    let mut db = Database::default();
    let n = agree(&mut db, Path::new("errors.scn"), ERRORS);
    assert!(n >= 6, "expected several diagnostics, got {n}");
    // `Beta` is not in the closure of `N`: the help comes from the re-check with every name.
    let diags = db.check_file(Path::new("errors.scn"));
    let betta = diags.iter().find(|d| d.message == "cannot find item `Betta`").unwrap();
    assert_eq!(betta.help.as_deref(), Some("did you mean `Beta`?"));
}

#[test]
fn a_file_with_syntax_errors_agrees_with_the_checker() {
    let mut db = Database::default();
    let text = ERRORS.replace("param k = 1", "param k = = 1");
    let n = agree(&mut db, Path::new("errors.scn"), &text);
    assert!(n >= 1);
}

#[test]
fn sibling_imports_agree_with_the_checker() {
    let dir = std::env::temp_dir().join(format!("scn-db-siblings-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    let sibling = "/// A sibling neuron.\nneuron Sib {\n    param g: time = 5 ms\n    state v: voltage = 0 mV\n}\n";
    std::fs::write(dir.join("lib/cells.scn"), sibling).unwrap();
    let root = dir.join("main.scn");
    let text = "import lib.cells.{Sib, Missing}\nimport lib.gone\n\nnetwork M {\n    dt = 0.1 ms\n    duration = 1 ms\n    pop s = Sib[1] { g = 1 mV }\n}\n";
    std::fs::write(&root, text).unwrap();
    let mut db = Database::default();
    let n = agree(&mut db, &root, text);
    assert!(n >= 2, "expected import and override diagnostics, got {n}");
    // An edit of the sibling, made through the database, reaches the file that imports it.
    let fixed = sibling.replace("param g: time = 5 ms", "param g: voltage = 5 mV");
    std::fs::write(dir.join("lib/cells.scn"), &fixed).unwrap();
    db.set_file(dir.join("lib/cells.scn"), fixed);
    assert_eq!(db.check_file(&root), reference(&root, text));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every example with each of its lines deleted in turn, on one database: the answers agree
/// with the checker after every edit (many of these edits break an item in a new way).
#[test]
fn every_line_deleted_agrees_with_the_checker() {
    let mut db = Database::default();
    let mut edits = 0;
    for path in examples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for skip in 0..lines.len() {
            let edited: String = lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
            agree(&mut db, &path, &edited);
            edits += 1;
        }
    }
    assert!(edits > 300);
}
