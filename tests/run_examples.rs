//! Every example runs under `scn run`, and two runs with the same seed write byte-identical
//! files (`spikes.csv`, `states.csv`, `outputs.json`, `rates.csv`) and `summary.json` files that
//! differ only under `timing` (issue "Reference interpreter", done-when).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Examples whose models use constructs the interpreter is still gaining: each must either run
/// (and then pass every check below) or be refused with E0701 and leave no output.
const PENDING: &[&str] = &["hodgkin_huxley.scn"];

/// Steps per run: enough for every example to spike and fill a stream frame, small enough for
/// the test profile.
const STEPS: &str = "600";

fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("examples", tag)
}

fn run(example: &Path, out: &Path) -> std::process::Output {
    common::scn(&["run", example.to_str().unwrap(), "-o", out.to_str().unwrap(), "--steps", STEPS, "--seed", "5"])
}

fn files(d: &Path) -> BTreeSet<String> {
    std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

fn without_timing(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn every_example_runs_and_repeats_byte_for_byte() {
    let d = dir("all");
    let examples = common::scn_files(&common::root().join("examples"));
    assert!(examples.len() >= 7, "{examples:?}");
    let mut ran = 0;
    for ex in &examples {
        let name = ex.file_name().unwrap().to_string_lossy().into_owned();
        let (one, two) = (d.join(format!("{name}.1")), d.join(format!("{name}.2")));
        let first = run(ex, &one);
        let (_, err) = common::text(&first);
        if PENDING.contains(&name.as_str()) && !first.status.success() {
            assert!(err.contains("E0701"), "{name} is refused, but not as not-yet-supported: {err}");
            assert!(!one.exists(), "{name} was refused but left {}", one.display());
            continue;
        }
        assert!(first.status.success(), "{name} does not run: {err}");
        let second = run(ex, &two);
        assert!(second.status.success(), "{name}, second run: {}", common::text(&second).1);
        let (f1, f2) = (files(&one), files(&two));
        assert_eq!(f1, f2, "{name}: the same files");
        for f in ["spikes.csv", "states.csv", "summary.json"] {
            assert!(f1.contains(f), "{name} wrote no {f}: {f1:?}");
        }
        for f in &f1 {
            if f == "summary.json" {
                assert_eq!(without_timing(&one.join(f)), without_timing(&two.join(f)), "{name}: {f} beyond timing");
            } else {
                assert_eq!(std::fs::read(one.join(f)).unwrap(), std::fs::read(two.join(f)).unwrap(), "{name}: {f}");
            }
        }
        let summary = without_timing(&one.join("summary.json"));
        assert_eq!(summary["steps"], STEPS.parse::<u64>().unwrap(), "{name}");
        assert_eq!(summary["seed"], 5, "{name}");
        ran += 1;
    }
    assert!(ran >= examples.len() - PENDING.len(), "{ran} of {} examples ran", examples.len());
    let _ = std::fs::remove_dir_all(&d);
}
