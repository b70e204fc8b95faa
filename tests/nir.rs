//! NIR import (docs/nir.md): graphs built with the `nir` package (PyPI) by
//! `tests/nir/make_fixtures.py` are imported with `scn import`, checked, simulated with
//! `scn run` and compared with a numpy simulation of the NIR definitions
//! (`tests/compare/nir_reference.py`); malformed files get diagnostics naming node and field.
//!
//! The Python with `nir` is `$SCN_PYTHON` (`scripts/test.sh` installs
//! `tests/compare/requirements.txt` into .venv). Without it these tests fail; they never skip.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `$SCN_PYTHON`, checked once to import `nir`.
fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let py = std::env::var_os("SCN_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!("SCN_PYTHON is not set: run scripts/test.sh, or point it at a Python with tests/compare/requirements.txt")
        });
        let out = Command::new(&py).args(["-c", "import nir, numpy"]).output().expect("SCN_PYTHON runs");
        assert!(out.status.success(), "SCN_PYTHON cannot import nir: {}", String::from_utf8_lossy(&out.stderr));
        py
    })
}

fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("nir", tag)
}

fn ok(what: &str, out: &Output) {
    let (o, e) = common::text(out);
    assert!(out.status.success(), "{what} failed ({}):\n{o}\n{e}", out.status);
}

/// Runs `scn ARGS` in `cwd`.
fn scn_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scn")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn py(cwd: &Path, args: &[&str]) {
    let out = Command::new(python()).args(args).current_dir(cwd).output().unwrap();
    ok(&format!("python {args:?}"), &out);
}

fn script(rel: &str) -> String {
    common::root().join(rel).display().to_string()
}

/// A deterministic input spike trace of `n` channels over `steps` steps.
fn input_trace(n: u64, steps: u64) -> String {
    let mut s = String::from("step,time_ms,population,neuron\n");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for t in 0..steps {
        for k in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 5 < 2 {
                s.push_str(&format!("{t},{t},input,{k}\n"));
            }
        }
    }
    s
}

/// Adds a spike and state monitor of every population (the importer monitors outputs only).
fn monitor_everything(scn: &str) -> String {
    let pops: Vec<(String, String)> = scn
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pop "))
        .map(|l| {
            let (name, rest) = l.split_once(" = ").unwrap();
            (name.to_string(), rest.split('[').next().unwrap().to_string())
        })
        .collect();
    let mut extra = String::new();
    for (p, model) in &pops {
        if matches!(model.as_str(), "NirLif" | "NirCubaLif" | "NirIf" | "NirThreshold") {
            extra.push_str(&format!("    monitor spikes({p})\n"));
        }
        if model != "NirThreshold" {
            extra.push_str(&format!("    monitor state({p}.v)\n"));
        }
    }
    let end = scn.trim_end().rfind('}').unwrap();
    format!("{}{extra}}}\n", &scn[..end])
}

type Spikes = BTreeSet<(u64, String, u64)>;

fn scn_spikes(path: &Path) -> Spikes {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].parse().unwrap(), c[2].to_string(), c[3].parse().unwrap())
        })
        .collect()
}

/// `(step, population, neuron) → v` from `states.csv`.
fn scn_states(path: &Path) -> Vec<(u64, String, u64, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].parse().unwrap(), c[2].to_string(), c[3].parse().unwrap(), c[5].parse().unwrap())
        })
        .collect()
}

/// Imports `case`, runs it for `steps` steps of 1 ms and compares every spike and every
/// membrane potential with the reference. Returns the number of spikes compared.
fn compare(case: &str, inputs: u64, steps: u64, reset: &str) -> usize {
    let d = dir(&format!("{case}-{reset}"));
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    ok("scn import", &scn_in(&d, &["import", &format!("{case}.nir"), "--dt", "1ms", "--reset", reset, "-o", "m.scn"]));
    ok("scn check", &scn_in(&d, &["check", "m.scn"]));
    ok("scn fmt --check", &scn_in(&d, &["fmt", "--check", "m.scn"]));
    let text = std::fs::read_to_string(d.join("m.scn")).unwrap();
    std::fs::write(d.join("m.scn"), monitor_everything(&text)).unwrap();
    std::fs::write(d.join("input.csv"), input_trace(inputs, steps)).unwrap();
    ok("scn run", &scn_in(&d, &["run", "m.scn", "--duration", &format!("{steps}ms"), "-o", "out"]));
    let dt = "0.001";
    let sub = if reset == "subtract" { "subtract" } else { "to-reset" };
    py(
        &d,
        &[
            &script("tests/compare/nir_reference.py"),
            &format!("{case}.nir"),
            dt,
            &steps.to_string(),
            "input.csv",
            "ref.json",
            sub,
        ],
    );
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ref.json")).unwrap()).unwrap();
    let want: Spikes = reference["spikes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s[0].as_u64().unwrap(), scn_nir::import::ident(s[1].as_str().unwrap()), s[2].as_u64().unwrap()))
        .collect();
    let ref_states: BTreeMap<String, &serde_json::Value> =
        reference["states"].as_object().unwrap().iter().map(|(node, v)| (scn_nir::import::ident(node), v)).collect();
    let got = if d.join("out/spikes.csv").exists() { scn_spikes(&d.join("out/spikes.csv")) } else { Spikes::new() };
    assert_eq!(got, want, "{case}: spikes differ from the NIR reference");
    let states = scn_states(&d.join("out/states.csv"));
    assert!(!states.is_empty());
    for (step, pop, k, v) in &states {
        let r = ref_states[pop][*step as usize][*k as usize].as_f64().unwrap();
        assert!((v - r).abs() <= 1e-12 + 1e-9 * r.abs(), "{case}: {pop}[{k}].v at step {step}: scn {v}, reference {r}");
    }
    let _ = std::fs::remove_dir_all(&d);
    want.len()
}

#[test]
fn dense_lif_matches_the_nir_reference() {
    let spikes = compare("dense_lif", 3, 200, "to-reset");
    assert!(spikes > 20, "the comparison needs spikes to mean something ({spikes})");
}

#[test]
fn subtractive_reset_matches_the_nir_reference() {
    let spikes = compare("dense_lif", 3, 200, "subtract");
    assert!(spikes > 20, "{spikes} spikes");
}

#[test]
fn cuba_lif_into_leaky_integrator_matches_the_nir_reference() {
    let spikes = compare("cuba_li", 2, 200, "to-reset");
    assert!(spikes > 10, "{spikes} spikes");
}

#[test]
fn integrate_and_fire_with_a_delay_into_an_integrator_matches_the_nir_reference() {
    let spikes = compare("if_integrator", 2, 200, "to-reset");
    assert!(spikes > 20, "{spikes} spikes");
}

#[test]
fn if_integrator_round_trips() {
    round_trip("if_integrator", 2);
}

#[test]
fn convolutional_snn_matches_the_nir_reference() {
    let spikes = compare("conv_snn", 36, 150, "to-reset");
    assert!(spikes > 50, "{spikes} spikes");
}

#[test]
fn a_threshold_layer_matches_the_nir_reference() {
    let spikes = compare("threshold_net", 3, 200, "to-reset");
    assert!(spikes > 50, "{spikes} spikes");
}

#[test]
fn threshold_net_round_trips() {
    round_trip("threshold_net", 3);
}

#[test]
fn a_nested_graph_imports_as_its_flattened_form_and_matches_the_nir_reference() {
    let d = dir("nested");
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    let mut texts = Vec::new();
    for case in ["nested", "nested_flat"] {
        let args = ["import", &format!("{case}.nir"), "--dt", "1ms", "--network", "n", "-o", "m.scn"];
        ok("scn import", &scn_in(&d, &args));
        let text = std::fs::read_to_string(d.join("m.scn")).unwrap();
        // The first line names the file imported.
        texts.push(text.split_once('\n').unwrap().1.to_string());
    }
    assert_eq!(texts[0], texts[1], "the nested graph imports as its hand-flattened form");
    assert!(texts[0].contains("pop hidden_lif = NirLif[4]"), "inner nodes are named GRAPH.NODE:\n{}", texts[0]);
    let _ = std::fs::remove_dir_all(&d);
    let spikes = compare("nested_flat", 3, 200, "to-reset");
    assert!(spikes > 20, "{spikes} spikes");
}

#[test]
fn a_connection_of_more_than_65536_weights_imports_and_matches_the_nir_reference() {
    let spikes = compare("wide_dense", 300, 40, "to-reset");
    assert!(spikes > 100, "{spikes} spikes");
}

#[test]
fn printed_imports_write_their_weight_tables_to_the_current_directory() {
    let d = dir("stdout");
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    let out = scn_in(&d, &["import", "dense_lif.nir", "--dt", "1ms"]);
    ok("scn import", &out);
    let (source, note) = common::text(&out);
    for table in ["dense_lif.input_to_lif1.weight.csv", "dense_lif.lif1_to_lif2.weight.csv"] {
        assert!(source.contains(table), "the source reads `{table}`:\n{source}");
        assert!(d.join(table).exists(), "`{table}` is written to the current directory");
    }
    assert_eq!(note.trim(), "note: wrote 2 weight tables to the current directory");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn an_input_trace_with_more_channels_than_the_nir_input_is_refused() {
    let d = dir("extra-channels");
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    ok("scn import", &scn_in(&d, &["import", "dense_lif.nir", "--dt", "1ms", "-o", "m.scn"]));
    // The NIR input has 3 channels; the trace has 5.
    std::fs::write(d.join("input.csv"), input_trace(5, 20)).unwrap();
    let out = scn_in(&d, &["run", "m.scn", "--duration", "20ms", "-o", "out"]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0707"), "{err}");
    assert!(
        err.contains("`dense_lif.input_to_lif1.weight.csv` holds 12 values, but the connection `input_to_lif1` has 20"),
        "{err}"
    );
    assert!(!d.join("out").exists(), "nothing is run");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn malformed_files_get_diagnostics_naming_node_and_field() {
    let d = dir("malformed");
    py(&d, &[&script("tests/nir/make_malformed.py"), "."]);
    let mut report = String::new();
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".nir"))
        .collect();
    names.sort();
    for name in &names {
        let out = scn_in(&d, &["import", name, "--dt", "1ms"]);
        assert_eq!(out.status.code(), Some(1), "{name} must be refused");
        report.push_str(&common::text(&out).1);
    }
    // Without `--dt` and without `dt` in the metadata, the time step is asked for.
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    let out = scn_in(&d, &["import", "dense_lif.nir"]);
    assert_eq!(out.status.code(), Some(1));
    report.push_str(&common::text(&out).1);
    insta::assert_snapshot!(report);
    let _ = std::fs::remove_dir_all(&d);
}

/// Imports `case`, exports it with `scn build --target nir`, compares the export with the
/// original node by node (`nir.read` on both) and re-imports it: the SCN text must not change.
fn round_trip(case: &str, inputs: u64) {
    let d = dir(&format!("roundtrip-{case}"));
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    ok("scn import", &scn_in(&d, &["import", &format!("{case}.nir"), "--dt", "1ms", "-o", "m.scn"]));
    std::fs::write(d.join("input.csv"), input_trace(inputs, 50)).unwrap();
    ok("scn build --target nir", &scn_in(&d, &["build", "m.scn", "--target", "nir", "-o", "exp"]));
    let exported = format!("exp/{case}.nir");
    py(&d, &[&script("tests/compare/nir_compare.py"), &format!("{case}.nir"), &exported]);
    // The export records dt, so the second import needs no `--dt`.
    std::fs::create_dir(d.join("again")).unwrap();
    ok("scn import (again)", &scn_in(&d, &["import", &exported, "-o", "again/m.scn"]));
    let files = |dir: &Path| -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "scn") || p.to_string_lossy().ends_with(".weight.csv"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect()
    };
    let (first, again) = (files(&d), files(&d.join("again")));
    assert!(first.len() > 1, "{case}: the import writes weight tables: {:?}", first.keys());
    assert_eq!(again, first, "{case}: import → export → import is not a fixed point (source and tables)");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn dense_lif_round_trips() {
    round_trip("dense_lif", 3);
}

#[test]
fn cuba_li_round_trips() {
    round_trip("cuba_li", 2);
}

#[test]
fn conv_snn_round_trips() {
    round_trip("conv_snn", 36);
}

#[test]
fn export_refuses_what_nir_cannot_express() {
    let d = dir("refuse");
    py(&d, &[&script("tests/nir/make_fixtures.py"), "."]);
    ok("scn import", &scn_in(&d, &["import", "dense_lif.nir", "--dt", "1ms", "--reset", "subtract", "-o", "sub.scn"]));
    std::fs::write(d.join("input.csv"), input_trace(3, 10)).unwrap();
    std::fs::write(
        d.join("poisson.scn"),
        "import std.neurons.lif.{Lif}\n\nnetwork Bg {\n    dt = 0.1 ms\n    pop p = Lif[4]\n    \
         stimulus poisson(rate = 20 Hz, n = 4) -> p.syn { one_to_one, weight = 1 mV }\n}\n",
    )
    .unwrap();
    let mut report = String::new();
    for file in ["sub.scn", "poisson.scn"] {
        let out = scn_in(&d, &["build", file, "--target", "nir", "-o", "exp"]);
        assert_eq!(out.status.code(), Some(1), "{file} must be refused");
        report.push_str(&common::text(&out).1);
    }
    assert!(!d.join("exp").exists(), "nothing may be written");
    insta::assert_snapshot!(report);
    let _ = std::fs::remove_dir_all(&d);
}
