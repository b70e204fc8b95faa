//! Networks exported by snnTorch and Norse (docs/nir.md, "Networks exported by snnTorch and
//! Norse"): the NIR files, input spike trains and forward-pass spikes in `tests/fixtures/nir/`
//! were written by `tests/fixtures/nir/make_real_exports.py` (run by hand with PyTorch; CI needs
//! neither PyTorch nor Python). Each network is imported with its library's conventions made
//! explicit (snnTorch: `--dt 0.1ms --reset subtract-next`; Norse: `--dt 1us`, NIR's reset),
//! checked, simulated with `scn run`, and every spike of every layer is compared with the
//! library's, after the layer's latency in SCN's schedule.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

fn scn_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scn")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn ok(what: &str, out: &Output) {
    let (o, e) = common::text(out);
    assert!(out.status.success(), "{what} failed ({}):\n{o}\n{e}", out.status);
}

/// A population of the imported file: its model and the sources of its incoming connections.
#[derive(Debug, Default)]
struct Pop {
    model: String,
    sources: Vec<String>,
}

/// The populations of an imported file and the sources feeding each (`input` for a stimulus).
fn populations(scn: &str) -> BTreeMap<String, Pop> {
    let mut pops: BTreeMap<String, Pop> = BTreeMap::new();
    for line in scn.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("pop ") {
            let (name, def) = rest.split_once(" = ").unwrap();
            pops.entry(name.to_string()).or_default().model = def.split('[').next().unwrap().to_string();
        }
        let arrow = line.strip_prefix("connect ").or_else(|| line.strip_prefix("stimulus "));
        if let Some((lhs, target)) = arrow.and_then(|l| l.split_once(" -> ")) {
            let target = target.split('.').next().unwrap().to_string();
            let source = if line.starts_with("stimulus") {
                "input".to_string()
            } else {
                lhs.split_once(" = ").unwrap().1.trim().to_string()
            };
            pops.entry(target).or_default().sources.push(source);
        }
    }
    pops
}

/// The step in SCN by which each population trails snnTorch's layer: snnTorch updates all layers
/// in the same step, while in SCN a spike drives its targets in the next step (DESIGN §3), and
/// a CubaLIF membrane reads its synaptic current of the step before (one step more).
fn latencies(pops: &BTreeMap<String, Pop>) -> BTreeMap<String, u64> {
    let mut lat: BTreeMap<String, u64> = BTreeMap::from([("input".to_string(), 0)]);
    while lat.len() < pops.len() + 1 {
        let before = lat.len();
        for (name, p) in pops {
            let feeds: Vec<&String> = p.sources.iter().filter(|s| *s != name).collect();
            if lat.contains_key(name) || !feeds.iter().all(|s| lat.contains_key(*s)) {
                continue;
            }
            let upstream = feeds.iter().map(|s| lat[*s]).max().unwrap_or(0);
            lat.insert(name.clone(), upstream + 1 + u64::from(p.model == "NirCubaLif"));
        }
        assert!(lat.len() > before, "the populations form a cycle through several layers: {pops:?}");
    }
    lat
}

/// Adds a spike monitor of every population (the import monitors the outputs only).
fn monitor_all(scn: &str, pops: &BTreeMap<String, Pop>) -> String {
    let names: Vec<&str> = pops.keys().map(String::as_str).collect();
    let end = scn.trim_end().rfind('}').unwrap();
    format!("{}    monitor spikes({})\n}}\n", &scn[..end], names.join(", "))
}

type Spikes = BTreeSet<(u64, String, u64)>;

/// Imports `name` with `import_args` (the time step and reset), checks and runs it, and
/// compares every spike with the library's. Returns the number of spikes compared.
fn matches_library(name: &str, import_args: &[&str], reset_line: &str) -> usize {
    let fixtures = common::root().join("tests/fixtures/nir");
    let d = common::fresh_dir("nir-snntorch", name);
    std::fs::copy(fixtures.join(format!("{name}.nir")), d.join("model.nir")).unwrap();
    std::fs::copy(fixtures.join(format!("{name}.input.csv")), d.join("input.csv")).unwrap();
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join(format!("{name}.torch.json"))).unwrap()).unwrap();
    let mut args = vec!["import", "model.nir", "-o", "m.scn"];
    args.extend(import_args);
    ok("scn import", &scn_in(&d, &args));
    ok("scn check", &scn_in(&d, &["check", "m.scn"]));
    let text = std::fs::read_to_string(d.join("m.scn")).unwrap();
    assert!(text.contains(reset_line), "the reset is written out:\n{text}");
    let pops = populations(&text);
    let lat = latencies(&pops);
    std::fs::write(d.join("m.scn"), monitor_all(&text, &pops)).unwrap();
    let steps = reference["steps"].as_u64().unwrap();
    let total = (steps + lat.values().max().unwrap()).to_string();
    ok("scn run", &scn_in(&d, &["run", "m.scn", "--steps", &total, "-o", "out"]));
    let want: Spikes = reference["spikes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s[0].as_u64().unwrap(), scn_nir::import::ident(s[1].as_str().unwrap()), s[2].as_u64().unwrap()))
        .collect();
    let got: Spikes = std::fs::read_to_string(d.join("out/spikes.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let (step, pop): (u64, String) = (c[0].parse().unwrap(), c[2].to_string());
            let t = step.checked_sub(lat[&pop]).filter(|t| *t < steps)?;
            Some((t, pop, c[3].parse().unwrap()))
        })
        .collect();
    let layers: BTreeSet<&String> = want.iter().map(|s| &s.1).collect();
    assert_eq!(layers.len(), pops.len(), "{name}: every layer of the library's run spikes ({layers:?})");
    let differ: Vec<_> = got.symmetric_difference(&want).take(10).collect();
    assert!(differ.is_empty(), "{name}: SCN and the library differ at (step, layer, neuron) {differ:?}");
    let _ = std::fs::remove_dir_all(&d);
    want.len()
}

/// snnTorch's conventions: dt = 1e-4 s, the threshold subtracted after the next decay.
const SNNTORCH: &[&str] = &["--dt", "0.1ms", "--reset", "subtract-next"];
const SNNTORCH_RESET: &str = "v -= (v_threshold - v_reset) / (1 - dt / tau";

#[test]
fn snntorch_dense_synaptic_and_leaky_layers_match_snntorch_spike_for_spike() {
    let spikes = matches_library("snntorch_dense", SNNTORCH, SNNTORCH_RESET);
    assert!(spikes > 500, "{spikes} spikes");
}

#[test]
fn snntorch_convolutional_snn_matches_snntorch_spike_for_spike() {
    let spikes = matches_library("snntorch_conv", SNNTORCH, SNNTORCH_RESET);
    assert!(spikes > 500, "{spikes} spikes");
}

#[test]
fn snntorch_recurrent_leaky_layer_matches_snntorch_spike_for_spike() {
    let spikes = matches_library("snntorch_recurrent", SNNTORCH, SNNTORCH_RESET);
    assert!(spikes > 100, "{spikes} spikes");
}

/// Norse writes tau = dt / tau_mem_inv (the time constant times dt = 1 ms): stepping the file
/// with dt = 1 us gives Norse's dt / tau; its reset is NIR's.
#[test]
fn norse_dense_lif_box_layers_match_norse_spike_for_spike() {
    let spikes = matches_library("norse_dense", &["--dt", "1us"], "on v > v_threshold { v = v_reset; emit spike }");
    assert!(spikes > 200, "{spikes} spikes");
}
