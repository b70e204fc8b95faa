//! `scn run --engine jit` against `--engine interp` (tests/support/engines.rs): every example
//! gives byte-identical output files and the same `summary.json` apart from `engine` and
//! `timing`; an example the interpreter refuses is refused the same way.

mod common;
#[path = "support/engines.rs"]
mod engines;

#[test]
fn every_example_is_bit_identical_on_both_engines() {
    let (ran, jit_populations) = engines::every_example_matches_the_interpreter("jit");
    assert!(ran >= 6, "only {ran} examples ran");
    assert!(jit_populations >= 15, "only {jit_populations} populations ran on the JIT");
}

/// Runs `file` for `steps` steps on the JIT and on the interpreter: identical output files,
/// the same summary apart from engine and timing, every population on the JIT.
fn fixed_point_network_matches(file: &str, steps: &str) {
    let path = common::root().join(file);
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let mut outputs = Vec::new();
    for engine in ["interp", "jit"] {
        let dir = engines::out_dir(&format!("fx-{name}"), engine);
        let _ = std::fs::remove_dir_all(&dir);
        let out = common::scn(&[
            "run",
            path.to_str().unwrap(),
            "--steps",
            steps,
            "--engine",
            engine,
            "-o",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{name} on {engine}: {}", common::text(&out).1);
        outputs.push(engines::files(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }
    let (fi, fj) = (&outputs[0], &outputs[1]);
    assert_eq!(fi.keys().collect::<Vec<_>>(), fj.keys().collect::<Vec<_>>());
    for (file, bytes) in fi {
        if file != "summary.json" {
            assert!(*bytes == fj[file], "{name}: {file} differs between the JIT and the interpreter");
        }
    }
    let strip = |b: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("timing");
        o.remove("engine");
        v
    };
    assert_eq!(strip(&fi["summary.json"]), strip(&fj["summary.json"]), "{name}: summary.json differs");
    let e = engines::engines(&fj["summary.json"]);
    let pops = e["populations"].as_object().unwrap();
    assert!(!pops.is_empty() && pops.values().all(|v| v == "jit"), "{name}: {e}");
    assert!(fi["spikes.csv"].iter().filter(|&&c| c == b'\n').count() > 10, "{name}: too few spikes to compare");
}

#[test]
fn the_fixed_point_example_runs_on_the_jit_bit_identically() {
    fixed_point_network_matches("examples/lif_q88.scn", engines::STEPS);
}

/// Both fixed-point neurons of the library (saturate + nearest-even, wrap + floor), with
/// recurrent and Poisson spikes and a current, in bench/fixed_point.scn.
#[test]
fn the_library_fixed_point_neurons_run_on_the_jit_bit_identically() {
    fixed_point_network_matches("bench/fixed_point.scn", "200");
}

#[test]
fn an_unknown_engine_is_refused() {
    let example = common::root().join("examples/cuba.scn");
    let out = common::scn(&["run", example.to_str().unwrap(), "--engine", "gpu"]);
    assert!(!out.status.success());
    assert!(common::text(&out).1.contains("invalid value 'gpu'"));
}
