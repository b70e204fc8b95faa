//! The tests of tests/run_llvm.rs that need the `llvm` feature.

use crate::{common, engines};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn every_example_is_bit_identical_on_llvm_and_the_interpreter() {
    let (ran, llvm_populations) = engines::every_example_matches_the_interpreter("llvm");
    assert!(ran >= 6, "only {ran} examples ran");
    assert!(llvm_populations >= 8, "only {llvm_populations} populations ran on LLVM");
}

#[test]
fn a_fixed_point_population_falls_back_to_the_interpreter_and_says_so() {
    engines::a_fixed_point_population_falls_back("llvm");
}

/// Builds `example` with `--target native` into a fresh directory.
fn build_native(example: &Path, tag: &str) -> (std::process::Output, PathBuf) {
    let dir = std::env::temp_dir().join(format!("scn-native-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = common::scn(&["build", example.to_str().unwrap(), "--target", "native", "-o", dir.to_str().unwrap()]);
    (out, dir)
}

/// The network name of a built library (its header's stem).
fn library_name(dir: &Path) -> String {
    let header = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "h"))
        .expect("a header");
    header.file_stem().unwrap().to_string_lossy().into_owned()
}

/// Compiles examples/native/run_model.c against the library in `dir` and runs it for `steps`.
fn run_c_program(dir: &Path, steps: &str) -> String {
    let name = library_name(dir);
    let exe = dir.join("run_model");
    let source = common::root().join("examples/native/run_model.c");
    let cc = Command::new("cc")
        .args(["-O2", "-Wall", "-Werror", &format!("-DSCN_NET={name}"), "-I"])
        .arg(dir)
        .arg(&source)
        .arg(format!("-L{}", dir.display()))
        .arg(format!("-l{name}"))
        .arg(format!("-Wl,-rpath,{}", dir.display()))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("cc runs");
    assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
    let out = Command::new(&exe).arg(steps).output().expect("the C program runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_native_library_prints_the_spikes_of_scn_run_or_is_refused() {
    let steps = "600";
    let mut built = 0;
    for example in common::scn_files(&common::root().join("examples")) {
        let tag = example.file_stem().unwrap().to_string_lossy().into_owned();
        let (out, dir) = build_native(&example, &tag);
        let (_, err) = common::text(&out);
        if !out.status.success() {
            assert!(err.contains("[E0730]") && err.contains("Help:"), "{tag}: not a registered refusal: {err}");
            assert!(!dir.exists(), "{tag}: a refused build writes nothing");
            continue;
        }
        let printed = run_c_program(&dir, steps);
        let reference = dir.with_extension("run");
        let ran = common::scn(&["run", example.to_str().unwrap(), "--steps", steps, "-o", reference.to_str().unwrap()]);
        assert!(ran.status.success(), "{tag}: {}", common::text(&ran).1);
        let expected = std::fs::read_to_string(reference.join("spikes.csv")).unwrap();
        assert!(expected.lines().count() > 10, "{tag}: too few spikes to compare");
        assert!(printed == expected, "{tag}: the C program's spikes differ from scn run's");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&reference);
        built += 1;
    }
    assert!(built >= 3, "only {built} examples built natively");
}

#[test]
fn a_native_library_exports_its_c_abi_and_needs_no_scn() {
    let (out, dir) = build_native(&common::root().join("examples/cuba.scn"), "abi");
    assert!(out.status.success(), "{}", common::text(&out).1);
    let name = library_name(&dir);
    let lib = dir.join(format!("lib{name}.so"));
    let nm = |flag: &str| {
        let o = Command::new("nm").args(["-D", flag]).arg(&lib).output().expect("nm runs");
        assert!(o.status.success());
        String::from_utf8(o.stdout).unwrap()
    };
    let mut exported: Vec<String> = nm("--defined-only")
        .lines()
        .filter_map(|l| l.split_whitespace().last().map(str::to_string))
        .filter(|s| s.starts_with("scn"))
        .collect();
    exported.sort();
    let want: Vec<String> = ["free", "init", "read_spikes", "step"].iter().map(|f| format!("scn_{name}_{f}")).collect();
    assert_eq!(exported, want, "exactly the C ABI is exported");
    let undefined = nm("--undefined-only");
    assert!(!undefined.contains("scn"), "the library needs nothing of SCN: {undefined}");
    let header = std::fs::read_to_string(dir.join(format!("{name}.h"))).unwrap();
    for f in &want {
        assert!(header.contains(&format!("{f}(")), "the header declares {f}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsupported_constructs_are_refused_with_a_diagnostic() {
    let (out, dir) = build_native(Path::new("examples/stdp.scn"), "refused");
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.exists());
    insta::assert_snapshot!("native_refuses_a_synapse_model", common::text(&out).1);
}

/// Every kind of input a native library supports: a stepped current, Poisson, rate and
/// deterministic (replayed) encodings, connections with delays, noise, a `rise` condition and
/// refractory clamping, parameters that differ per neuron.
const STIMULI: &str = "neuron Noisy {
    param tau_m: time = 10 ms
    param v_th: voltage = -50 mV
    param sigma: voltage = 2 mV
    state v: voltage = -65 mV
    input syn: spike(voltage)
    input i_ext: current = 0 pA
    on syn(w) { v += w }
    dv/dt = (-65 mV - v + 100 Mohm * i_ext) / tau_m + noise(sigma * sqrt(2 / tau_m))
    on v >= v_th { v = -70 mV; emit spike; refractory 2 ms clamp v }
    solver euler
}

neuron Watch {
    state x: dimensionless = 0
    input syn: spike(dimensionless)
    on syn(w) { x += w }
    dx/dt = -x / 5 ms
    on rise(x > 1.5) { emit spike }
    solver rk4
}

network Mixed {
    dt = 0.1 ms
    duration = 60 ms
    seed = 9
    param x: prob[4] = [0.1, 0.3, 0.6, 0.9]
    pop n = Noisy[12] { v_th = -52 mV + index * 0.25 mV }
    pop w = Watch[4]
    stimulus current(amplitude = 180 pA, start = 5 ms, stop = 40 ms) -> n.i_ext
    stimulus poisson(rate = 400 Hz, n = 12) -> n.syn { one_to_one, weight = 3 mV }
    stimulus encode(rate, values = x, max_rate = 300 Hz, stop = 50 ms) -> w.syn { one_to_one, weight = 1 }
    stimulus encode(latency, values = x, window = 9 ms, start = 2 ms) -> w.syn { one_to_one, weight = 1 }
    connect n -> w.syn { all, weight = 0.2, delay = 1.5 ms }
    connect n -> n.syn { p = 0.3, weight = -1 mV, delay = 0.7 ms }
    monitor spikes(n, w)
}
";

#[test]
fn a_native_library_covers_stimuli_sources_noise_and_delays() {
    let dir = common::fresh_dir("native-src", "mixed");
    let file = common::write_net(&dir, STIMULI);
    let (out, lib) = build_native(&file, "mixed");
    assert!(out.status.success(), "{}", common::text(&out).1);
    let printed = run_c_program(&lib, "600");
    let reference = dir.join("run");
    let ran = common::scn(&["run", file.to_str().unwrap(), "--steps", "600", "-o", reference.to_str().unwrap()]);
    assert!(ran.status.success(), "{}", common::text(&ran).1);
    let expected = std::fs::read_to_string(reference.join("spikes.csv")).unwrap();
    for pop in [",n,", ",w,"] {
        assert!(expected.matches(pop).count() > 5, "too few spikes of {pop} to compare:\n{expected}");
    }
    assert!(printed == expected, "the C program's spikes differ from scn run's");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&lib);
}
