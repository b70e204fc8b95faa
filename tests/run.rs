//! `scn run` end to end: results, determinism, and refusal without partial output.

mod common;

use common::{scn_run as run, write_net as write};

use std::path::PathBuf;

/// The leaky integrate-and-fire neuron of `tests/fixtures/lif_neuron.scn` and a small network.
const NET: &str = concat!(
    include_str!("fixtures/lif_neuron.scn"),
    "
network Small {
    dt = 0.1 ms
    duration = 50 ms
    seed = 7
    pop a = Lif[40] { v = uniform(-65 mV, -55 mV) }
    connect a -> a.syn { p = 0.2, weight = 0.5 mV, delay = 1 ms }
    stimulus poisson(rate = 400 Hz, n = 40) -> a.syn { one_to_one, weight = 4 mV }
    monitor spikes(a)
    monitor state(a[0..3].v)
}
"
);

fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("run", tag)
}

fn without_timing(summary: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(summary).unwrap();
    v.as_object_mut().unwrap().remove("timing");
    v
}

#[test]
fn same_seed_gives_identical_outputs() {
    let d = dir("det");
    let f = write(&d, NET);
    let (o1, o2) = (d.join("one"), d.join("two"));
    assert!(run(&f, &o1, &[]).status.success());
    assert!(run(&f, &o2, &[]).status.success());
    for name in ["spikes.csv", "states.csv"] {
        assert_eq!(std::fs::read(o1.join(name)).unwrap(), std::fs::read(o2.join(name)).unwrap(), "{name}");
    }
    let s1 = std::fs::read_to_string(o1.join("summary.json")).unwrap();
    let s2 = std::fs::read_to_string(o2.join("summary.json")).unwrap();
    assert_eq!(without_timing(&s1), without_timing(&s2));
    let spikes = std::fs::read_to_string(o1.join("spikes.csv")).unwrap();
    assert!(spikes.starts_with("step,time_ms,population,neuron\n"));
    assert!(spikes.lines().count() > 20, "the network should fire: {spikes}");
    let states = std::fs::read_to_string(o1.join("states.csv")).unwrap();
    assert!(states.starts_with("step,time_ms,population,neuron,variable,value\n"));
    assert_eq!(states.lines().count(), 1 + 3 * 500);
    let summary: serde_json::Value = serde_json::from_str(&s1).unwrap();
    assert_eq!(summary["steps"], 500);
    assert_eq!(summary["populations"][0]["size"], 40);
    assert_eq!(summary["units"]["a.v"], "m^2*kg*s^-3*A^-1");
    assert_eq!(summary["manifest"]["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn another_seed_gives_other_spikes() {
    let d = dir("seed");
    let f = write(&d, NET);
    assert!(run(&f, &d.join("a"), &[]).status.success());
    assert!(run(&f, &d.join("b"), &["--seed", "8"]).status.success());
    assert_ne!(std::fs::read(d.join("a/spikes.csv")).unwrap(), std::fs::read(d.join("b/spikes.csv")).unwrap());
}

#[test]
fn constant_current_fires_when_the_exact_solution_crosses_threshold() {
    // v(t) = v_rest + R I (1 - exp(-t / tau)) crosses v_th at t* = -tau ln(1 - (v_th - v_rest) / (R I)).
    let src = NET
        .replace("pop a = Lif[40] { v = uniform(-65 mV, -55 mV) }", "pop a = Lif[1]")
        .replace("    connect a -> a.syn { p = 0.2, weight = 0.5 mV, delay = 1 ms }\n", "")
        .replace(
            "stimulus poisson(rate = 400 Hz, n = 40) -> a.syn { one_to_one, weight = 4 mV }",
            "stimulus current(amplitude = 200 pA) -> a.i_ext",
        );
    let d = dir("exact");
    let f = write(&d, &src);
    let out = run(&f, &d.join("o"), &[]);
    assert!(out.status.success(), "{}", common::text(&out).1);
    let spikes = std::fs::read_to_string(d.join("o/spikes.csv")).unwrap();
    let first: u64 = spikes.lines().nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    let (tau, ri, gap, dt) = (0.02f64, 0.02f64, 0.015f64, 1e-4f64);
    let t_star = -tau * (1.0 - gap / ri).ln();
    // The state after the integration of step n is v((n + 1) dt).
    let want = (t_star / dt).ceil() as u64 - 1;
    assert_eq!(first, want, "t* = {t_star} s");
}

#[test]
fn refusals_leave_no_output() {
    let d = dir("refuse");
    let two = format!("{NET}\nnetwork Other {{\n    dt = 0.1 ms\n    pop b = Lif[2]\n}}\n");
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (two, vec![], "E0702"),
        (NET.to_string(), vec!["--duration", "-5 ms"], "E0704"),
        (NET.to_string(), vec!["--network", "Nope"], "E0702"),
        (NET.replace("duration = 50 ms\n", ""), vec![], "E0704"),
        (NET.replace("tau_m: time = 20 ms", "tau_m: time = 20 mV"), vec![], "E0201"),
    ];
    for (k, (text, extra, code)) in cases.into_iter().enumerate() {
        let f = write(&d, &text);
        let o = d.join(format!("out{k}"));
        let out = run(&f, &o, &extra);
        let (_, err) = common::text(&out);
        assert_eq!(out.status.code(), Some(1), "case {k}: {err}");
        assert!(err.contains(code), "case {k} wants {code}: {err}");
        assert!(!o.exists(), "case {k} left {}", o.display());
    }
}

#[test]
fn unwritable_output_is_an_error() {
    let d = dir("unwritable");
    let f = write(&d, NET);
    let blocker = d.join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = run(&f, &blocker.join("sub"), &[]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("error[E0802]: cannot write"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn unsupported_constructs_are_refused_by_name() {
    // Streams run now (tests/run_streams.rs); network inputs do not yet.
    let d = dir("unsupported");
    let f = write(
        &d,
        "network N {\n    duration = 8 cycles\n    input x: prob\n    stream s = encode(x, lfsr16(seed = 0xACE1), length = 8)\n    output y = decode(popcount(s))\n}\n",
    );
    let out = run(&f, &d.join("o"), &[]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("E0701") && err.contains("inputs"), "{err}");
}
