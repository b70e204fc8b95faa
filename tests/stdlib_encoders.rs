//! The spike encoders of `stdlib/encoders/spike.scn`: each checks, is documented by
//! `scn doc`, and emits, under `scn run`, the same spike train as the runtime's
//! `encode(KIND, …)` stimulus on the same values (the deterministic six step for step, the
//! rate encoder in law).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Spikes as `(step, source index)`.
type Spikes = BTreeSet<(u64, u64)>;

/// A neuron that re-emits, one step later, every spike arriving on `syn`: it makes the
/// stimulus's spikes visible in `spikes.csv`.
const RELAY: &str = "neuron Relay {
    state n: dimensionless = 0
    input syn: spike(dimensionless)
    on syn(w) { n += w }
    on n > 0 { n = 0; emit spike }
}
";

/// Spikes `(step, neuron)` by population, from a run of `src`.
fn spikes(tag: &str, src: &str) -> std::collections::HashMap<String, BTreeSet<(u64, u64)>> {
    let dir: PathBuf = std::env::temp_dir().join(format!("scn-encoders-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("net.scn");
    std::fs::write(&file, src).unwrap();
    let out = dir.join("out");
    let result = common::scn(&["run", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let (stdout, stderr) = common::text(&result);
    assert!(result.status.success(), "scn run {tag} failed:\n{stdout}\n{stderr}\n{src}");
    let mut by_pop: std::collections::HashMap<String, BTreeSet<(u64, u64)>> = Default::default();
    for line in std::fs::read_to_string(out.join("spikes.csv")).unwrap_or_default().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        by_pop.entry(f[2].to_string()).or_default().insert((f[0].parse().unwrap(), f[3].parse().unwrap()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    by_pop
}

/// One population `e{i}` of `model` per value (its overrides from `overrides(i, value)`), and
/// the stimulus `encode(kind, values = vals, args)` relayed into population `relay`. Returns
/// the encoders' spikes as `(step, i)` and the stimulus's (relay step - 1, i).
fn compare(
    tag: &str,
    model: &str,
    values: &[f64],
    overrides: impl Fn(usize, f64) -> String,
    stimulus: &str,
    steps: u64,
) -> (Spikes, Spikes) {
    let list: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
    let mut src = format!(
        "import std.encoders.spike.{{{model}}}\n{RELAY}\nnetwork E {{\n    dt = 1 ms\n    duration = {steps} steps\n    param vals: dimensionless[{n}] = [{list}]\n    pop relay = Relay[{n}]\n    stimulus s = {stimulus} -> relay.syn {{ one_to_one, weight = 1 }}\n    monitor spikes(relay)\n",
        n = values.len(),
        list = list.join(", ")
    );
    for (i, v) in values.iter().enumerate() {
        src += &format!("    pop e{i} = {model}[1] {{ {} }}\n    monitor spikes(e{i})\n", overrides(i, *v));
    }
    src += "}\n";
    let got = spikes(tag, &src);
    let mut enc = BTreeSet::new();
    for i in 0..values.len() {
        for &(s, _) in got.get(&format!("e{i}")).into_iter().flatten() {
            enc.insert((s, i as u64));
        }
    }
    let stim: BTreeSet<(u64, u64)> = got.get("relay").into_iter().flatten().map(|&(s, n)| (s - 1, n)).collect();
    (enc, stim)
}

const VALUES: [f64; 6] = [0.0, 0.25, 0.5, 1.0, 0.7, 0.1];

#[test]
fn the_module_checks_and_is_documented() {
    let out = common::scn(&["check", "stdlib/encoders/spike.scn"]);
    assert!(out.status.success(), "{}", common::text(&out).1);
    let doc = common::text(&common::scn(&["doc", "std.encoders.spike"])).0;
    assert!(doc.contains("Provenance:") && doc.contains("DOI"), "{doc}");
    for model in [
        "RateEncoder",
        "LatencyEncoder",
        "RankOrderEncoder",
        "BurstEncoder",
        "PhaseEncoder",
        "DeltaEncoder",
        "SigmaDeltaEncoder",
    ] {
        assert!(doc.contains(&format!("neuron {model}")), "{model} missing:\n{doc}");
    }
}

#[test]
fn latency_burst_phase_and_rank_order_match_the_stimuli() {
    let (enc, stim) = compare(
        "latency",
        "LatencyEncoder",
        &VALUES,
        |_, v| format!("value = {v}, window = 9"),
        "encode(latency, values = vals, window = 9 steps)",
        20,
    );
    assert_eq!(enc, stim);
    assert_eq!(enc.len(), 5, "value 0 never fires: {enc:?}");

    let (enc, stim) = compare(
        "burst",
        "BurstEncoder",
        &VALUES,
        |_, v| format!("value = {v}, max_burst = 4, window = 3"),
        "encode(burst, values = vals, max_burst = 4, window = 3 steps)",
        10,
    );
    assert_eq!(enc, stim);

    let (enc, stim) = compare(
        "phase",
        "PhaseEncoder",
        &VALUES,
        |_, v| format!("value = {v}, period = 4, window = 14"),
        "encode(phase, values = vals, period = 4, window = 14 steps)",
        20,
    );
    assert_eq!(enc, stim);

    // Ranks by decreasing value, ties by index.
    let mut order: Vec<usize> = (0..VALUES.len()).collect();
    order.sort_by(|&a, &b| VALUES[b].partial_cmp(&VALUES[a]).unwrap().then(a.cmp(&b)));
    let rank = |i: usize| order.iter().position(|&k| k == i).unwrap();
    let (enc, stim) = compare(
        "rank",
        "RankOrderEncoder",
        &VALUES,
        |i, v| format!("value = {v}, rank = {}, window = 4", rank(i)),
        "encode(rank_order, values = vals, window = 4 steps)",
        10,
    );
    assert_eq!(enc, stim);
    assert!(enc.contains(&(0, 3)) && enc.contains(&(3, 1)), "largest first, the rest cut at T - 1: {enc:?}");
}

/// A signal driven into the encoder's input `x` by one `current` stimulus per step.
fn signal_net(model: &str, kind: &str, signal: &[f64], threshold: f64) -> String {
    let list: Vec<String> = signal.iter().map(|v| format!("{v}")).collect();
    let mut src = format!(
        "import std.encoders.spike.{{{model}}}\n{RELAY}\nnetwork E {{\n    dt = 1 ms\n    duration = {} steps\n    param sig: dimensionless[{}] = [{}]\n    pop relay = Relay[1]\n    pop e0 = {model}[1] {{ threshold = {threshold} }}\n    stimulus s = encode({kind}, values = sig, threshold = {threshold}) -> relay.syn {{ all, weight = 1 }}\n    monitor spikes(relay, e0)\n",
        signal.len() + 2,
        signal.len(),
        list.join(", ")
    );
    for (t, v) in signal.iter().enumerate() {
        src += &format!("    stimulus current(amplitude = {v}, start = {t} steps, stop = {} steps) -> e0.x\n", t + 1);
    }
    src + "}\n"
}

#[test]
fn delta_and_sigma_delta_match_the_stimuli() {
    let signal = [0.0, 0.05, 0.3, 0.3, 0.1, 0.25, 0.9, 0.9, 0.9, 0.2, -0.4, -0.4, 0.0];
    for (model, kind, threshold) in [("DeltaEncoder", "delta", 0.1), ("SigmaDeltaEncoder", "sigma_delta", 0.25)] {
        let got = spikes(kind, &signal_net(model, kind, &signal, threshold));
        // The stimulus ends with its signal; the model keeps integrating (x = 0) after it.
        let enc: BTreeSet<u64> =
            got.get("e0").into_iter().flatten().map(|s| s.0).filter(|&s| s < signal.len() as u64).collect();
        let stim: BTreeSet<u64> = got.get("relay").into_iter().flatten().map(|s| s.0 - 1).collect();
        assert_eq!(enc, stim, "{kind}");
        assert!(enc.len() >= 4, "{kind}: {enc:?}");
    }
}

#[test]
fn rate_encoder_fires_with_the_stimulus_probability() {
    let values = [0.05, 0.2, 0.5];
    let steps = 4000u64;
    let (enc, stim) = compare(
        "rate",
        "RateEncoder",
        &values,
        |_, v| format!("value = {v}"),
        "encode(rate, values = vals)",
        steps + 1,
    );
    for (i, p) in values.iter().enumerate() {
        let n = steps as f64;
        let sd = (n * p * (1.0 - p)).sqrt();
        let count = |s: &BTreeSet<(u64, u64)>| s.iter().filter(|x| x.1 == i as u64 && x.0 < steps).count() as f64;
        for (who, c) in [("encoder", count(&enc)), ("stimulus", count(&stim))] {
            assert!((c - n * p).abs() < 4.0 * sd, "{who} {i}: {c} spikes for p = {p} over {steps} steps");
        }
    }
    // With max_rate the probability per step is value * max_rate * dt.
    let (enc, _) = compare(
        "rate_hz",
        "RateEncoder",
        &[0.5],
        |_, v| format!("value = {v}, max_rate = 200 Hz"),
        "encode(rate, values = vals, max_rate = 200 Hz)",
        steps + 1,
    );
    let (c, p) = (enc.iter().filter(|x| x.0 < steps).count() as f64, 0.5 * 200.0 * 1e-3);
    assert!((c - steps as f64 * p).abs() < 4.0 * (steps as f64 * p * (1.0 - p)).sqrt(), "{c} spikes at p = {p}");
}
