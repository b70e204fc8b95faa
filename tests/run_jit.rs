//! `scn run --engine jit` against `--engine interp`: every example gives byte-identical
//! output files (spikes, states, rates, outputs) and the same `summary.json` apart from
//! `engine` and `timing`; an example the interpreter refuses is refused the same way.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Steps per example: enough for every example to spike, few enough for the debug build.
const STEPS: &str = "1500";

fn out_dir(example: &str, engine: &str) -> PathBuf {
    std::env::temp_dir().join(format!("scn-run-jit-{}-{example}-{engine}", std::process::id()))
}

fn run(example: &Path, engine: &str, dir: &Path) -> std::process::Output {
    let _ = std::fs::remove_dir_all(dir);
    common::scn(&["run", example.to_str().unwrap(), "--steps", STEPS, "--engine", engine, "-o", dir.to_str().unwrap()])
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

/// `summary.json` without the keys that name the engine or measure time.
fn comparable_summary(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let o = v.as_object_mut().unwrap();
    assert!(o.remove("timing").is_some() && o.remove("engine").is_some());
    v
}

fn engines(summary: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(summary).unwrap();
    v["engine"].clone()
}

#[test]
fn every_example_is_bit_identical_on_both_engines() {
    let mut ran = 0;
    let mut jit_populations = 0;
    for example in common::scn_files(&common::root().join("examples")) {
        let name = example.file_stem().unwrap().to_string_lossy().into_owned();
        let (di, dj) = (out_dir(&name, "interp"), out_dir(&name, "jit"));
        let (oi, oj) = (run(&example, "interp", &di), run(&example, "jit", &dj));
        if !oi.status.success() {
            assert!(!oj.status.success(), "{name}: the interpreter refuses it but the JIT ran");
            assert_eq!(common::text(&oi), common::text(&oj), "{name}: different refusals");
            continue;
        }
        assert!(oj.status.success(), "{name}: {}", common::text(&oj).1);
        let (fi, fj) = (files(&di), files(&dj));
        assert_eq!(fi.keys().collect::<Vec<_>>(), fj.keys().collect::<Vec<_>>(), "{name}: different files");
        for (file, bytes) in &fi {
            if file == "summary.json" {
                assert_eq!(comparable_summary(bytes), comparable_summary(&fj[file]), "{name}: summary.json differs");
            } else {
                assert!(*bytes == fj[file], "{name}: {file} differs between the engines");
            }
        }
        let e = engines(&fj["summary.json"]);
        assert_eq!(e["requested"], "jit");
        jit_populations += e["populations"].as_object().unwrap().values().filter(|v| *v == "jit").count();
        assert!(engines(&fi["summary.json"])["populations"].as_object().unwrap().values().all(|v| v == "interp"));
        ran += 1;
        let _ = std::fs::remove_dir_all(&di);
        let _ = std::fs::remove_dir_all(&dj);
    }
    assert!(ran >= 6, "only {ran} examples ran");
    assert!(jit_populations >= 15, "only {jit_populations} populations ran on the JIT");
}

#[test]
fn a_fixed_point_population_falls_back_to_the_interpreter_and_says_so() {
    let example = common::root().join("examples/lif_q88.scn");
    let dir = out_dir("fallback", "jit");
    let out = run(&example, "jit", &dir);
    let (_, err) = common::text(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("runs on the interpreter (a fixed-point model)"), "{err}");
    let e = engines(&std::fs::read(dir.join("summary.json")).unwrap());
    assert!(e["populations"].as_object().unwrap().values().any(|v| v == "interp"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_engine_is_refused() {
    let example = common::root().join("examples/cuba.scn");
    let out = common::scn(&["run", example.to_str().unwrap(), "--engine", "llvm"]);
    assert!(!out.status.success());
    assert!(common::text(&out).1.contains("invalid value 'llvm'"));
}
