//! Comparisons with Brian2 (PyPI), the simulator SCN's step order mirrors (DESIGN §3): the
//! CUBA benchmark of Brette et al. (2007) run by `scn run` and by Brian2
//! (`tests/compare/brian2_cuba.py`, runtime mode, `method='exact'`, dt = 0.1 ms). What is
//! compared and the measured agreement are in `docs/comparisons.md`.
//!
//! The Python with Brian2 is `$SCN_PYTHON` (`scripts/test.sh` makes a venv with the pinned
//! versions of `tests/compare/requirements.txt`). Without it these tests fail; they never skip.

mod common;

use scn_runtime::interp::connect::build_projection;
use scn_runtime::ir::Source;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The time step of every compared network, in ms.
const DT_MS: f64 = 0.1;

/// `$SCN_PYTHON`, checked once to import Brian2.
fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let py = std::env::var_os("SCN_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "SCN_PYTHON is not set. These tests compare SCN with Brian2 and need a Python that \
                 imports brian2: run scripts/test.sh (it makes .venv with tests/compare/requirements.txt \
                 and sets SCN_PYTHON=$PWD/.venv/bin/python), or set SCN_PYTHON yourself"
            )
        });
        let out = Command::new(&py)
            .args(["-c", "import brian2, numpy; print(brian2.__version__, numpy.__version__)"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run SCN_PYTHON={}: {e}", py.display()));
        assert!(
            out.status.success(),
            "SCN_PYTHON={} cannot import brian2 (install tests/compare/requirements.txt into it):\n{}",
            py.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        py
    })
}

fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("brian2", tag)
}

fn check(what: &str, out: &Output) {
    let (stdout, stderr) = common::text(out);
    assert!(out.status.success(), "{what} failed ({}):\n{stdout}\n{stderr}", out.status);
}

/// Runs `tests/compare/brian2_cuba.py CASE OUT ARGS…`.
fn brian2(case: &str, out: &Path, args: &[&str]) {
    let script = common::root().join("tests/compare/brian2_cuba.py");
    let o = Command::new(python())
        .arg(&script)
        .arg(case)
        .arg(out)
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("python runs");
    check(&format!("Brian2 case `{case}`"), &o);
}

/// Runs `scn run FILE -o OUT ARGS…` (FILE relative to the repository root).
fn scn_command(file: &str, out: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scn"));
    c.args(["run", file, "-o", out.to_str().unwrap()]).args(args).current_dir(common::root()).env("NO_COLOR", "1");
    c
}

fn scn_run(file: &str, out: &Path, args: &[&str]) {
    let o = scn_command(file, out, args).output().expect("scn runs");
    check(&format!("scn run {file}"), &o);
}

/// `spikes.csv` as (step, population, neuron), in file order.
fn spikes(out: &Path) -> Vec<(u64, String, u64)> {
    let text = std::fs::read_to_string(out.join("spikes.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,time_ms,population,neuron"), "{}", out.display());
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[2].to_string(), f[3].parse().unwrap())
        })
        .collect()
}

/// `states.csv` as (step, population, neuron) → value, for variable `v`.
fn states(out: &Path) -> BTreeMap<(u64, String, u64), f64> {
    let text = std::fs::read_to_string(out.join("states.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[4] == "v")
                .then(|| ((f[0].parse().unwrap(), f[2].to_string(), f[3].parse().unwrap()), f[5].parse().unwrap()))
        })
        .collect()
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// (name, size, spikes) of every population of a `summary.json`.
fn populations(s: &serde_json::Value) -> Vec<(String, u64, u64)> {
    s["populations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["size"].as_u64().unwrap(), p["spikes"].as_u64().unwrap()))
        .collect()
}

/// The first spike step of every neuron that spiked.
fn first_spikes(sp: &[(u64, String, u64)]) -> BTreeMap<(String, u64), u64> {
    let mut first = BTreeMap::new();
    for (step, pop, n) in sp {
        first.entry((pop.clone(), *n)).or_insert(*step);
    }
    first
}

/// (a) CUBA neurons without any random draw: index-dependent initial v, ge and gi, all-to-all
/// and one-to-one connections (tests/compare/cuba_deterministic.scn). Every neuron's first
/// spike time agrees to 1e-9 ms, the spike counts agree exactly, and so do the whole spike
/// train (3135 spikes in 1 s) and, to 1e-12 V, the membrane potentials of ten neurons.
#[test]
fn deterministic_cuba_spikes_agree_with_brian2() {
    let d = dir("det");
    let (ours, theirs) = (d.join("scn"), d.join("brian2"));
    scn_run("tests/compare/cuba_deterministic.scn", &ours, &[]);
    brian2("deterministic", &theirs, &["--record-v", "5"]);
    let (s_ours, s_theirs) = (summary(&ours), summary(&theirs));
    assert_eq!(s_ours["steps"], 10000);
    assert_eq!(s_theirs["steps"], 10000);
    let (p_ours, p_theirs) = (populations(&s_ours), populations(&s_theirs));
    assert_eq!(p_ours, p_theirs, "population sizes and spike counts (SCN, then Brian2)");
    let (sp_ours, sp_theirs) = (spikes(&ours), spikes(&theirs));
    let (f_ours, f_theirs) = (first_spikes(&sp_ours), first_spikes(&sp_theirs));
    let mut worst = 0.0f64;
    for (pop, size, _) in &p_ours {
        for i in 0..*size {
            let key = (pop.clone(), i);
            let (Some(a), Some(b)) = (f_ours.get(&key), f_theirs.get(&key)) else {
                panic!(
                    "{pop}[{i}] has no first spike in SCN ({:?}) or Brian2 ({:?})",
                    f_ours.get(&key),
                    f_theirs.get(&key)
                )
            };
            let (ta, tb) = (*a as f64 * DT_MS, *b as f64 * DT_MS);
            assert!((ta - tb).abs() <= 1e-9, "{pop}[{i}]: first spike at {ta} ms in SCN, {tb} ms in Brian2");
            worst = worst.max((ta - tb).abs());
        }
    }
    if let Some(k) = sp_ours.iter().zip(&sp_theirs).position(|(a, b)| a != b) {
        panic!("spike {k} differs: SCN {:?}, Brian2 {:?}", sp_ours[k], sp_theirs[k]);
    }
    assert_eq!(sp_ours.len(), sp_theirs.len());
    // The membrane potentials of a[0..5] and b[0..5] at every step.
    let (v_ours, v_theirs) = (states(&ours), states(&theirs));
    assert_eq!(v_ours.len(), 10 * 10000);
    assert_eq!(v_ours.keys().collect::<Vec<_>>(), v_theirs.keys().collect::<Vec<_>>());
    let dv = v_ours.iter().map(|(k, a)| (a - v_theirs[k]).abs()).fold(0.0f64, f64::max);
    assert!(dv < 1e-12, "v differs by up to {dv} V");
    println!(
        "deterministic CUBA: {} neurons, {} spikes each, first spikes differ by at most {worst} ms, \
         v of 10 neurons by at most {dv:e} V",
        f_ours.len(),
        sp_ours.len()
    );
}

/// Writes SCN's connections of `file` (with `seed`) for Brian2: `projections.json` and one
/// `i,j,w` CSV per projection, from the engine's own connectivity builder.
fn export_connections(file: &str, seed: u64, out: &Path) {
    let path = common::root().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let analysis = scn_sema::check_source(&name, text, path.parent(), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{file} has errors");
    let mut net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    net.seed = seed;
    std::fs::create_dir_all(out).unwrap();
    let mut index = Vec::new();
    for (k, pr) in net.projections.iter().enumerate() {
        let Source::Population(src) = pr.source else { panic!("projection {k} is not from a population") };
        let csr = build_projection(&net, k, pr);
        let mut csv = String::from("i,j,w\n");
        for i in 0..csr.offsets.len() - 1 {
            for c in csr.offsets[i] as usize..csr.offsets[i + 1] as usize {
                writeln!(csv, "{i},{},{:e}", csr.target[c], csr.weight[c]).unwrap();
            }
        }
        let file = format!("{k}.csv");
        std::fs::write(out.join(&file), csv).unwrap();
        let model = &net.models[net.populations[pr.target].model];
        index.push(serde_json::json!({
            "file": file,
            "source": net.populations[src].name,
            "target": net.populations[pr.target].name,
            "port": model.inputs[pr.port as usize].name,
            "connections": csr.target.len(),
        }));
    }
    std::fs::write(out.join("projections.json"), serde_json::to_string_pretty(&index).unwrap()).unwrap();
}

/// Runs examples/cuba.scn with `seed` and Brian2 on the same connections (exported from SCN)
/// with its own random initial potentials; returns the rates (Hz) of exc, inh and all, SCN's
/// then Brian2's.
fn stochastic_rates(seed: u64, tag: &str) -> ([f64; 3], [f64; 3]) {
    let d = dir(tag);
    let (ours, theirs, conns) = (d.join("scn"), d.join("brian2"), d.join("connections"));
    let seed_arg = seed.to_string();
    let child = scn_command("examples/cuba.scn", &ours, &["--seed", &seed_arg])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scn runs");
    export_connections("examples/cuba.scn", seed, &conns);
    brian2("stochastic", &theirs, &["--seed", &seed_arg, "--connections", conns.to_str().unwrap()]);
    check("scn run examples/cuba.scn", &child.wait_with_output().unwrap());
    let rates = |s: &serde_json::Value| {
        let secs = s["duration_s"].as_f64().unwrap();
        let p = populations(s);
        assert_eq!(p.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(), [("exc", 3200), ("inh", 800)]);
        let r = |n: u64, k: u64| k as f64 / n as f64 / secs;
        [r(p[0].1, p[0].2), r(p[1].1, p[1].2), r(p[0].1 + p[1].1, p[0].2 + p[1].2)]
    };
    let (s_ours, s_theirs) = (summary(&ours), summary(&theirs));
    assert_eq!(s_ours["connections"].as_array().unwrap().len(), 4);
    let result = (rates(&s_ours), rates(&s_theirs));
    let _ = std::fs::remove_dir_all(&d);
    result
}

/// (b) The real CUBA (examples/cuba.scn: 4000 neurons, p = 0.02, 1.62 mV / -9 mV, v0 uniform
/// in [-60, -50] mV, 1 s): the population rates agree within 5 %. Brian2 runs SCN's
/// connectivity realisation (independent ones differ in rate by ~4 % s.d., which would make a
/// one-seed 5 % comparison unsound) and draws its own initial potentials.
#[test]
fn stochastic_cuba_rates_agree_with_brian2_within_5_percent() {
    let (ours, theirs) = stochastic_rates(1, "sto");
    for (k, name) in ["exc", "inh", "all"].iter().enumerate() {
        let rel = (ours[k] - theirs[k]) / theirs[k];
        println!("stochastic CUBA {name}: SCN {:.4} Hz, Brian2 {:.4} Hz ({:+.2} %)", ours[k], theirs[k], 100.0 * rel);
        assert!(rel.abs() < 0.05, "{name}: SCN {} Hz, Brian2 {} Hz ({:+.2} %)", ours[k], theirs[k], 100.0 * rel);
        assert!(ours[k] > 1.0, "{name}: the network should fire ({} Hz)", ours[k]);
    }
}

/// The measurement behind the 5 % statement, over several seeds (slow; run by hand with
/// `cargo test --test compare_brian2 -- --ignored --nocapture`).
#[test]
#[ignore = "slow: eight CUBA runs in each simulator"]
fn stochastic_cuba_rates_over_seeds() {
    for seed in 1..=8 {
        let (ours, theirs) = stochastic_rates(seed, &format!("seeds{seed}"));
        let rel: Vec<String> = (0..3).map(|k| format!("{:+.2} %", 100.0 * (ours[k] - theirs[k]) / theirs[k])).collect();
        println!("seed {seed}: SCN {ours:.4?} Hz, Brian2 {theirs:.4?} Hz (exc, inh, all): {}", rel.join(", "));
    }
}

/// (c) The one known difference from Brian2 (DESIGN §3), shown on one neuron that feeds its
/// spikes back to itself without delay on a port whose handler adds 4 mV to v
/// (tests/compare/reset_vs_input.scn). Both fire first at the same step; in that step SCN
/// resets v to -60 mV and then adds the input (v = -56 mV, held through the refractory
/// period), while Brian2 adds the input before its reset and loses it (v = -60 mV). SCN's
/// later spikes therefore come earlier, and they match Brian2's exactly when Brian2's reset
/// re-adds the input (`v = v_reset + w`): that is the whole difference.
#[test]
fn reset_and_same_step_input_is_the_one_difference_from_brian2() {
    let d = dir("reset");
    let (ours, lost, kept) = (d.join("scn"), d.join("brian2"), d.join("brian2-kept"));
    scn_run("tests/compare/reset_vs_input.scn", &ours, &[]);
    brian2("reset", &lost, &["--duration-ms", "200", "--record-v", "1"]);
    brian2("reset_keeps_input", &kept, &["--duration-ms", "200", "--record-v", "1"]);
    let (sp_ours, sp_lost, sp_kept) = (spikes(&ours), spikes(&lost), spikes(&kept));
    let steps = |sp: &[(u64, String, u64)]| sp.iter().map(|s| s.0).collect::<Vec<u64>>();
    let (t_ours, t_lost) = (steps(&sp_ours), steps(&sp_lost));
    println!("spike steps: SCN {t_ours:?}, Brian2 {t_lost:?}, Brian2 keeping the input {:?}", steps(&sp_kept));
    assert!(t_ours.len() >= 2 && t_lost.len() >= 2, "both should fire at least twice");
    let first = t_ours[0];
    assert_eq!(first, t_lost[0], "the first spike comes before any input, so it agrees");
    let (v_ours, v_lost, v_kept) = (states(&ours), states(&lost), states(&kept));
    let v = |m: &BTreeMap<(u64, String, u64), f64>, step: u64| m[&(step, "n".to_string(), 0)];
    for step in 0..=first {
        assert!((v(&v_ours, step) - v(&v_lost, step)).abs() < 1e-12, "v differs at step {step}, before the spike");
    }
    // After the spike step: SCN keeps the input, Brian2 loses it.
    assert_eq!(v(&v_lost, first + 1), -0.06, "Brian2: reset after the input");
    assert!((v(&v_ours, first + 1) - (-0.056)).abs() < 1e-15, "SCN: input after the reset ({})", v(&v_ours, first + 1));
    assert!(t_ours[1] < t_lost[1], "SCN's second spike comes earlier: {t_ours:?} vs {t_lost:?}");
    // With the input re-added by Brian2's reset, the two agree spike for spike and step for step.
    assert_eq!(sp_ours, sp_kept);
    let worst = v_ours.iter().map(|(k, a)| (a - v_kept[k]).abs()).fold(0.0f64, f64::max);
    assert_eq!(v_ours.len(), v_kept.len());
    assert!(worst < 1e-12, "v differs by {worst} V from Brian2 with the input kept");
    println!("v agrees with Brian2-keeping-the-input to {worst:e} V over {} steps", v_ours.len());
}

/// Runs `tests/compare/brian2_hh.py CASE OUT`.
fn brian2_conductance(case: &str, out: &Path) {
    let script = common::root().join("tests/compare/brian2_hh.py");
    let o = Command::new(python()).arg(&script).arg(case).arg(out).current_dir(common::root()).output().expect("runs");
    check(&format!("Brian2 conductance case `{case}`"), &o);
}

/// Spike steps and the largest difference of `v` (V) between SCN and Brian2 for one cell.
fn conductance_agreement(file: &str, case: &str) -> (Vec<u64>, f64) {
    let d = dir(case);
    let (ours, theirs) = (d.join("scn"), d.join("brian2"));
    scn_run(file, &ours, &[]);
    brian2_conductance(case, &theirs);
    let steps = |sp: Vec<(u64, String, u64)>| sp.into_iter().map(|s| s.0).collect::<Vec<u64>>();
    let (t_ours, t_theirs) = (steps(spikes(&ours)), steps(spikes(&theirs)));
    assert_eq!(t_ours, t_theirs, "{case}: spike steps of SCN, then Brian2");
    let (v_ours, v_theirs) = (states(&ours), states(&theirs));
    assert_eq!(v_ours.keys().collect::<Vec<_>>(), v_theirs.keys().collect::<Vec<_>>(), "{case}: recorded steps");
    let dv = v_ours.iter().map(|(k, a)| (a - v_theirs[k]).abs()).fold(0.0f64, f64::max);
    let _ = std::fs::remove_dir_all(&d);
    (t_ours, dv)
}

/// (d) Hodgkin–Huxley (examples/hodgkin_huxley.scn, `solver rush_larsen`, dt = 0.01 ms) against
/// Brian2's `exponential_euler`, the same scheme (gates exact with v frozen, v by exponential
/// Euler), under the same current step. The schemes differ only in how the update is written
/// (Brian2: `-A/B + (x + A/B)·exp(B·dt)`, SCN: `x + f(x)·expm1(B·dt)/B`), so the traces differ
/// by rounding only: every spike falls on the same step, and v agrees to 1e-8 V (measured:
/// 7.5e-10 V, the largest gaps on the upstroke of a spike).
#[test]
fn hodgkin_huxley_agrees_with_brian2_exponential_euler() {
    let (spikes, dv) = conductance_agreement("examples/hodgkin_huxley.scn", "hh");
    assert_eq!(spikes.len(), 11, "10 uA/cm^2 for 160 ms fires about 68 Hz: {spikes:?}");
    assert!(dv < 1e-8, "v differs by up to {dv} V");
    println!("Hodgkin-Huxley: {} spikes on the same steps as Brian2, v within {dv:e} V", spikes.len());
}

/// (e) The stdlib Wang–Buzsáki interneuron (tests/compare/wang_buzsaki.scn, `rush_larsen`,
/// dt = 0.01 ms) against Brian2's `exponential_euler`. Both integrate the gates exactly and v
/// to first order, but linearise v's equation differently: SCN's exponential Euler uses
/// b = ∂f/∂v including the instantaneous sodium activation m_inf(v) (DESIGN §3), Brian2 holds
/// m_inf at its value at the start of the step. Both are about 3–4 % slow against the converged
/// inter-spike interval (16.75 ms, SCN's rk4 at dt = 1 µs): measured ISIs are 17.38 ms (SCN)
/// and 17.27 ms (Brian2). So the test asks for the same number of spikes, the first spike
/// within 0.2 ms (measured 0.05 ms) and the mean ISI within 1.5 % (measured 0.6 %).
#[test]
fn wang_buzsaki_agrees_with_brian2_to_first_order() {
    let d = dir("wb");
    let (ours, theirs) = (d.join("scn"), d.join("brian2"));
    scn_run("tests/compare/wang_buzsaki.scn", &ours, &[]);
    brian2_conductance("wb", &theirs);
    let ms = |sp: Vec<(u64, String, u64)>| sp.into_iter().map(|s| s.0 as f64 * 0.01).collect::<Vec<f64>>();
    let (a, b) = (ms(spikes(&ours)), ms(spikes(&theirs)));
    assert_eq!(a.len(), b.len(), "spike counts: SCN {a:?}, Brian2 {b:?}");
    assert!(a.len() >= 4, "1 uA/cm^2 for 80 ms fires about 57 Hz: {a:?}");
    assert!((a[0] - b[0]).abs() < 0.2, "first spike: SCN {} ms, Brian2 {} ms", a[0], b[0]);
    // The ISIs during the step (the last spike may follow its end).
    let isi = |t: &[f64]| (t[3] - t[0]) / 3.0;
    let rel = (isi(&a) - isi(&b)) / isi(&b);
    assert!(rel.abs() < 0.015, "mean ISI: SCN {} ms, Brian2 {} ms", isi(&a), isi(&b));
    println!("Wang-Buzsaki: ISI {:.3} ms (SCN) vs {:.3} ms (Brian2), {:+.2} %", isi(&a), isi(&b), 100.0 * rel);
    let _ = std::fs::remove_dir_all(&d);
}

/// (f) The stdlib Morris–Lecar cell (tests/compare/morris_lecar.scn, `rk4`, dt = 0.05 ms)
/// against Brian2's `rk4`: the same scheme on the same equations, so the traces agree to
/// rounding (measured 4e-16 V over 1 s) and every spike falls on the same step.
#[test]
fn morris_lecar_agrees_with_brian2_rk4() {
    let (spikes, dv) = conductance_agreement("tests/compare/morris_lecar.scn", "ml");
    assert_eq!(spikes.len(), 11, "100 uA/cm^2 for 900 ms fires about 11.7 Hz: {spikes:?}");
    assert!(dv < 1e-12, "v differs by up to {dv} V");
    println!("Morris-Lecar: {} spikes on the same steps as Brian2, v within {dv:e} V", spikes.len());
}
