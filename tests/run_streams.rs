//! `scn run` with stochastic-computing streams (LANGUAGE §7, DESIGN §3): outputs per frame,
//! sources that keep running across frames, `stimulus bits(s)`, and the sc_forward figure of
//! SC-NeuroCore's conformance README.

mod common;

use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use scn_runtime::sc::{Bitstream, Lfsr16, Sobol16, Threshold, computed_seed, encode};
use std::path::Path;

fn lower_text(name: &str, text: &str, dir: Option<&Path>) -> Network {
    let analysis = scn_sema::check_source(name, text.to_string(), dir, &scn_sema::Disk);
    let errors: Vec<_> =
        analysis.diagnostics.iter().filter(|(_, d)| d.severity == scn_diagnostics::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    scn_lower::lower_network(&analysis, None).unwrap_or_else(|d| panic!("{d:?}"))
}

fn lower_example(file: &str) -> Network {
    let dir = common::root().join("examples");
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    lower_text(file, &text, Some(&dir))
}

/// A fresh output directory (not created: `scn run` makes it).
fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("scn-run-streams-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(net: &Network, steps: u64) -> Simulation<'_> {
    let mut sim = Simulation::new(net);
    sim.run(steps, |_| {}).unwrap();
    sim
}

/// Frame `frame` of an LFSR-16 stream: the register states frame·L … from the seed.
fn lfsr_frame(seed: i64, p: f64, len: usize, frame: usize) -> Bitstream {
    let mut l = Lfsr16::new(computed_seed(seed)).unwrap();
    for _ in 0..frame * len {
        l.step();
    }
    encode(&mut l, Threshold::from_prob(p).unwrap(), len)
}

const X: [f64; 16] = [0.1, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1];

fn weights() -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(common::root().join("examples/sc_dense_weights.csv")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|c| c.trim().parse().unwrap()).collect())
        .collect()
}

/// sc_dense's outputs, built directly from the SC primitives.
fn sc_dense_reference() -> (Vec<f64>, f64) {
    const L: usize = 256;
    let w = weights();
    let xs: Vec<Bitstream> = (0..16).map(|i| lfsr_frame(0xACE1 + i as i64, X[i], L, 0)).collect();
    let ws = |o: usize, i: usize| lfsr_frame(0xBEEF + 13 * (o as i64 * 16 + i as i64), w[o][i], L, 0);
    let y = (0..4)
        .map(|o| (0..16).map(|i| ws(o, i).and(&xs[i]).unwrap().popcount()).sum::<u64>() as f64 / L as f64)
        .collect();
    let sel = lfsr_frame(0x1D87, 0.5, L, 0);
    let a = ws(1, 1).and(&xs[1]).unwrap();
    let b = ws(1, 5).and(&xs[5]).unwrap();
    let z = Bitstream::mux(&sel, &a, &b).unwrap().popcount() as f64 / L as f64;
    (y, z)
}

#[test]
fn sc_dense_matches_the_primitives_bit_for_bit_and_the_exact_dot_products() {
    let net = lower_example("sc_dense.scn");
    assert_eq!(net.sc.length, 256);
    let sim = run(&net, 256);
    assert_eq!(sim.outputs.len(), 1, "one frame");
    let (y, z) = sc_dense_reference();
    assert_eq!(sim.outputs[0][0], y);
    assert_eq!(sim.outputs[0][1], vec![z]);
    // The exact dot products of the example header, within the SC error (16 products, each
    // with a standard error of at most 0.031: 0.2 is over 1.5 standard deviations of the sum).
    for (got, exact) in y.iter().zip([1.14, 2.94, 1.14, 1.14]) {
        assert!((got - exact).abs() < 0.2, "{got} vs {exact}");
    }
    let best = (0..4).max_by(|&a, &b| y[a].total_cmp(&y[b])).unwrap();
    assert_eq!(best, 1, "the vertical-bar template wins: {y:?}");
    assert!((z - 0.72).abs() < 0.1, "{z}");
}

#[test]
fn scn_run_writes_outputs_json() {
    let out = scratch("outputs_json");
    let ex = common::root().join("examples/sc_dense.scn");
    let res = common::scn(&["run", ex.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(res.status.success(), "{:?}", common::text(&res));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("outputs.json")).unwrap()).unwrap();
    assert_eq!(json["frames"], 1);
    assert_eq!(json["length"], 256);
    let (y, z) = sc_dense_reference();
    let got: Vec<f64> = json["outputs"]["y"][0].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(got, y);
    assert_eq!(json["outputs"]["z"][0].as_f64().unwrap(), z);
    for f in ["spikes.csv", "states.csv", "summary.json"] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn networks_without_outputs_write_no_outputs_json() {
    let out = scratch("no_outputs_json");
    let ex = common::root().join("examples/lif_q88.scn");
    let res = common::scn(&["run", ex.to_str().unwrap(), "-o", out.to_str().unwrap(), "--steps", "256"]);
    assert!(res.status.success(), "{:?}", common::text(&res));
    assert!(!out.join("outputs.json").exists());
    assert!(out.join("spikes.csv").exists());
}

#[test]
fn lif_q88_runs_deterministically_driven_by_its_stream() {
    let net = lower_example("lif_q88.scn");
    let a = run(&net, 4096);
    let b = run(&net, 4096);
    let spikes = |s: &Simulation| s.spikes.iter().map(|x| (x.step, x.neuron)).collect::<Vec<_>>();
    assert_eq!(spikes(&a), spikes(&b));
    assert!(a.spikes.len() > 20, "{}", a.spikes.len());
    // Both neurons see the same stream, so they spike together.
    let n0: Vec<u64> = a.spikes.iter().filter(|s| s.neuron == 0).map(|s| s.step).collect();
    let n1: Vec<u64> = a.spikes.iter().filter(|s| s.neuron == 1).map(|s| s.step).collect();
    assert_eq!(n0, n1);
    // No spike before five 1-bits of the stream have arrived (4 mV each, 20 mV threshold).
    let bits = lfsr_frame(0xACE1, 0.3, 4096, 0);
    let first = n0[0] as usize;
    assert!(bits.iter().take(first + 1).filter(|&b| b).count() >= 5);
}

const MULTI: &str = "
network Multi {
    const L = 64
    duration = 192 cycles
    param p: prob[3] = [0.3, 0.5, 0.7]
    stream s[i in 0..3] = encode(p[i], lfsr16(seed = 0xACE1 + 7 * i), length = L)
    stream q = encode(0.4, sobol16(start = 5), length = L)
    output c[i in 0..3] = popcount(s[i])
    output a = popcount(s[0] & s[2])
    output d = decode(q)
}
";

#[test]
fn three_frames_give_three_values_and_sources_keep_running() {
    let net = lower_text("multi.scn", MULTI, None);
    let sim = run(&net, 192);
    assert_eq!(sim.outputs.len(), 3);
    for k in 0..3 {
        let s: Vec<Bitstream> =
            (0..3).map(|i| lfsr_frame(0xACE1 + 7 * i, [0.3, 0.5, 0.7][i as usize], 64, k)).collect();
        let c: Vec<f64> = s.iter().map(|b| b.popcount() as f64).collect();
        assert_eq!(sim.outputs[k][0], c, "frame {k}");
        assert_eq!(sim.outputs[k][1], vec![s[0].and(&s[2]).unwrap().popcount() as f64], "frame {k}");
        let q = encode(&mut Sobol16::new(5 + 64 * k as u64), Threshold::from_prob(0.4).unwrap(), 64);
        assert_eq!(sim.outputs[k][2], vec![q.popcount() as f64 / 64.0], "frame {k}");
    }
    // A 64-bit frame of a period-65535 register: frame 2 is not frame 1 again.
    assert_ne!(sim.outputs[1][0], sim.outputs[2][0]);
    assert_ne!(lfsr_frame(0xACE1, 0.5, 64, 1), lfsr_frame(0xACE1, 0.5, 64, 2));
}

/// A stream whose probability is another stream's count of the same frame: its threshold is
/// recomputed in every frame, while its register keeps running.
#[test]
fn a_value_counted_from_a_stream_changes_every_frame() {
    let text = "
network Fd {
    const L = 64
    duration = 192 cycles
    stream s = encode(0.3, lfsr16(seed = 0xACE1), length = L)
    stream r = encode(decode(s), lfsr16(seed = 9), length = L)
    output c = popcount(s)
    output d = popcount(r)
}
";
    let net = lower_text("fd.scn", text, None);
    let sim = run(&net, 192);
    assert_eq!(sim.outputs.len(), 3);
    for k in 0..3 {
        let c = lfsr_frame(0xACE1, 0.3, 64, k).popcount();
        let d = lfsr_frame(9, c as f64 / 64.0, 64, k).popcount();
        assert_eq!(sim.outputs[k], vec![vec![c as f64], vec![d as f64]], "frame {k}");
    }
    assert_ne!(sim.outputs[0][0], sim.outputs[1][0], "the counts differ between frames");
}

/// `popcount(a & b)` where either side is an LFSR-encoded stream element is counted from the
/// register's cycle without building that stream; it must equal the built streams' count in
/// both operand orders, for an element also built in the same frame (before or after), for frames
/// skipped by nobody, and for a threshold that another stream's count sets every frame.
#[test]
fn products_counted_without_building_the_stream_equal_the_built_ones() {
    let text = "
network Fused {
    const L = 100
    duration = 300 cycles
    param p: prob[3] = [0.2, 0.5, 0.9]
    stream x[i in 0..3] = encode(p[i], lfsr16(seed = 0x1234 + i), length = L)
    stream w[o in 0..2][i in 0..3] = encode(p[(i + o) % 3], lfsr16(seed = 77 + 5 * (o * 3 + i)), length = L)
    stream v = encode(decode(x[0]), lfsr16(seed = 4242), length = L)
    output left[o in 0..2] = sum(i in 0..3, popcount(w[o][i] & x[i]))
    output right[o in 0..2] = sum(i in 0..3, popcount(x[i] & w[o][i]))
    output built_first = popcount(w[1][2]) + popcount(w[1][2] & x[0])
    output counted_first = popcount(w[0][1] & x[0]) + popcount(w[0][1])
    output moving = popcount(v & x[1])
}
";
    let net = lower_text("fused.scn", text, None);
    let sim = run(&net, 300);
    assert_eq!(sim.outputs.len(), 3);
    let p = [0.2, 0.5, 0.9];
    for k in 0..3 {
        let x: Vec<Bitstream> = (0..3).map(|i| lfsr_frame(0x1234 + i as i64, p[i], 100, k)).collect();
        let dot = |o: usize| -> f64 {
            (0..3)
                .map(|i| {
                    let w = lfsr_frame(77 + 5 * (o * 3 + i) as i64, p[(i + o) % 3], 100, k);
                    w.and(&x[i]).unwrap().popcount() as f64
                })
                .sum()
        };
        let expected: Vec<f64> = (0..2).map(dot).collect();
        assert_eq!(sim.outputs[k][0], expected, "frame {k}");
        assert_eq!(sim.outputs[k][1], expected, "frame {k}, operands swapped");
        let both = |w: Bitstream| w.popcount() as f64 + w.and(&x[0]).unwrap().popcount() as f64;
        assert_eq!(sim.outputs[k][2], vec![both(lfsr_frame(77 + 5 * 5, p[0], 100, k))], "frame {k}");
        assert_eq!(sim.outputs[k][3], vec![both(lfsr_frame(77 + 5, p[1], 100, k))], "frame {k}");
        let v = lfsr_frame(4242, x[0].popcount() as f64 / 100.0, 100, k);
        assert_eq!(sim.outputs[k][4], vec![v.and(&x[1]).unwrap().popcount() as f64], "frame {k}");
    }
}

#[test]
fn partial_frames_give_no_output() {
    let net = lower_text("multi.scn", MULTI, None);
    let sim = run(&net, 100);
    assert_eq!(sim.outputs.len(), 1);
}

/// SC-NeuroCore conformance README: `sc_forward` with all-ones weights, p = [0.5, 0.25],
/// L = 64, seed base 0xACE1 returns 0.71875. All-ones weight streams are `encode(1.0, …)`:
/// the threshold round_half_even(1.0 · 65536) = 65536 is above every 16-bit state.
#[test]
fn sc_forward_conformance_figure() {
    assert_eq!(Threshold::from_prob(1.0).unwrap(), Threshold::MAX);
    let text = "
network ScForward {
    const L = 64
    duration = 64 cycles
    param p: prob[2] = [0.5, 0.25]
    stream xs[i in 0..2] = encode(p[i], lfsr16(seed = 0xACE1 + i), length = L)
    stream ws[i in 0..2] = encode(1.0, lfsr16(seed = 0xBEEF + i), length = L)
    output y = sum(i in 0..2, popcount(ws[i] & xs[i])) / L
}
";
    let net = lower_text("fwd.scn", text, None);
    let sim = run(&net, 64);
    assert_eq!(sim.outputs[0][0], vec![0.71875]);
}
