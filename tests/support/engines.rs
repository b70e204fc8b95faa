//! `scn run --engine E` against `--engine interp`, shared by the engine suites (run_jit.rs,
//! run_llvm.rs): every example gives byte-identical output files (spikes, states, rates,
//! outputs) and the same `summary.json` apart from `engine` and `timing`; an example the
//! interpreter refuses is refused the same way.

// Each suite uses a part (run_llvm.rs without the `llvm` feature only `out_dir` and `run`).
#![allow(dead_code)]

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Steps per example: enough for every example to spike, few enough for the debug build.
pub const STEPS: &str = "1500";

/// A fresh output directory for `example` run on `engine`.
pub fn out_dir(example: &str, engine: &str) -> PathBuf {
    std::env::temp_dir().join(format!("scn-run-engine-{}-{example}-{engine}", std::process::id()))
}

/// Runs `example` for [`STEPS`] steps on `engine` into `dir`.
pub fn run(example: &Path, engine: &str, dir: &Path) -> std::process::Output {
    let _ = std::fs::remove_dir_all(dir);
    common::scn(&["run", example.to_str().unwrap(), "--steps", STEPS, "--engine", engine, "-o", dir.to_str().unwrap()])
}

/// The files of `dir` by name.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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

/// The `engine` object of a `summary.json`.
pub fn engines(summary: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(summary).unwrap();
    v["engine"].clone()
}

/// Runs every example on `engine` and on the interpreter and compares them; returns how many
/// examples ran and how many populations `engine` compiled.
pub fn every_example_matches_the_interpreter(engine: &str) -> (usize, usize) {
    let mut ran = 0;
    let mut compiled = 0;
    for example in common::scn_files(&common::root().join("examples")) {
        let name = example.file_stem().unwrap().to_string_lossy().into_owned();
        let (di, de) = (out_dir(&name, "interp"), out_dir(&name, engine));
        let (oi, oe) = (run(&example, "interp", &di), run(&example, engine, &de));
        if !oi.status.success() {
            assert!(!oe.status.success(), "{name}: the interpreter refuses it but {engine} ran");
            assert_eq!(common::text(&oi), common::text(&oe), "{name}: different refusals");
            continue;
        }
        assert!(oe.status.success(), "{name}: {}", common::text(&oe).1);
        let (fi, fe) = (files(&di), files(&de));
        assert_eq!(fi.keys().collect::<Vec<_>>(), fe.keys().collect::<Vec<_>>(), "{name}: different files");
        for (file, bytes) in &fi {
            if file == "summary.json" {
                assert_eq!(comparable_summary(bytes), comparable_summary(&fe[file]), "{name}: summary.json differs");
            } else {
                assert!(*bytes == fe[file], "{name}: {file} differs between {engine} and the interpreter");
            }
        }
        let e = engines(&fe["summary.json"]);
        assert_eq!(e["requested"], engine);
        compiled += e["populations"].as_object().unwrap().values().filter(|v| *v == engine).count();
        assert!(engines(&fi["summary.json"])["populations"].as_object().unwrap().values().all(|v| v == "interp"));
        ran += 1;
        let _ = std::fs::remove_dir_all(&di);
        let _ = std::fs::remove_dir_all(&de);
    }
    (ran, compiled)
}

/// Runs the fixed-point example on `engine`: it must succeed with its population on the
/// interpreter, saying why.
pub fn a_fixed_point_population_falls_back(engine: &str) {
    let example = common::root().join("examples/lif_q88.scn");
    let dir = out_dir("fallback", engine);
    let out = run(&example, engine, &dir);
    let (_, err) = common::text(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("runs on the interpreter (a fixed-point model)"), "{err}");
    let e = engines(&std::fs::read(dir.join("summary.json")).unwrap());
    assert_eq!(e["requested"], engine);
    assert!(e["populations"].as_object().unwrap().values().any(|v| v == "interp"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
