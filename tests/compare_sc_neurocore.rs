//! Comparisons with SC-NeuroCore (PyPI `sc-neurocore` and its Rust engine
//! `sc-neurocore-engine`), the library SCN grows from (DESIGN §3, §8):
//!
//! - dense stochastic-computing layers in the style of `sc_forward`, generated here in several
//!   sizes, seeds and stream lengths, against `sc_neurocore.accel.sc_inference.sc_forward_numpy`
//!   with weight streams from the engine's `BitstreamEncoder`: bit for bit
//!   (`tests/compare/sc_neurocore_dense.py`);
//! - the noisy stochastic LIF against its Python implementation, by rate and ISI variability
//!   (`tests/compare/sc_neurocore_neurons.py`).
//!
//! The standard library's models are compared one by one, trajectory for trajectory, in
//! `tests/conformance.rs` (table in `docs/conformance.md`).
//!
//! What is compared and the measured agreement are in `docs/comparisons.md`. The Python is
//! `$SCN_PYTHON` (`scripts/test.sh` makes a venv with the pinned versions of
//! `tests/compare/requirements.txt`). Without it these tests fail; they never skip.

mod common;

#[path = "support/sc_neurocore.rs"]
mod sc_neurocore;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use sc_neurocore::{dir, json, run_python, scn_run};

// ---------------------------------------------------------------------------------------------
// Dense SC layers
// ---------------------------------------------------------------------------------------------

/// SplitMix64: the test's own deterministic generator for probabilities.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A probability: mostly uniform doubles, sometimes an edge value (0, 1, ½, or a
    /// threshold exactly halfway between two integers, where rounding half to even matters).
    fn prob(&mut self) -> f64 {
        match self.next() % 10 {
            0 => 0.0,
            1 => 1.0,
            2 => 0.5,
            3 => ((self.next() % 65535) as f64 + 0.5) / 65536.0,
            _ => (self.next() >> 11) as f64 / (1u64 << 53) as f64,
        }
    }
}

/// One generated dense layer.
struct DenseCase {
    n_in: usize,
    n_out: usize,
    length: u64,
    x_seed: u32,
    w_seed: u32,
    w_stride: u32,
    gen_seed: u64,
}

/// The layer as an SCN network: input i on `lfsr16(seed = x_seed + i)`, weight (o, i) on
/// `lfsr16(seed = w_seed + w_stride * (o * n_in + i))`, outputs y (sc_forward), px (input
/// popcounts) and pw (product popcounts).
fn dense_scn(c: &DenseCase, x: &[f64]) -> String {
    let (n, m, l) = (c.n_in, c.n_out, c.length);
    let xs: Vec<String> = x.iter().map(|v| format!("{v:?}")).collect();
    format!(
        "network Dense {{\n    const L = {l}\n    duration = {l} cycles\n    param x: prob[{n}] = [{}]\n    \
         param w: prob[{m}][{n}] = load(\"w.csv\")\n    \
         stream xs[i in 0..{n}] = encode(x[i], lfsr16(seed = {} + i), length = L)\n    \
         stream ws[o in 0..{m}][i in 0..{n}] = encode(w[o][i], lfsr16(seed = {} + {} * (o * {n} + i)), length = L)\n    \
         output y[o in 0..{m}] = sum(i in 0..{n}, popcount(ws[o][i] & xs[i])) / L\n    \
         output px[i in 0..{n}] = popcount(xs[i])\n    \
         output pw[o in 0..{m}][i in 0..{n}] = popcount(ws[o][i] & xs[i])\n}}\n",
        xs.join(", "),
        c.x_seed,
        c.w_seed,
        c.w_stride,
    )
}

/// Generates the case, runs both sides and compares every output exactly.
fn compare_dense(c: &DenseCase) {
    let d = dir(&format!("dense-{}x{}-{}", c.n_out, c.n_in, c.length));
    let mut g = SplitMix(c.gen_seed);
    let x: Vec<f64> = (0..c.n_in).map(|_| g.prob()).collect();
    let w: Vec<Vec<f64>> = (0..c.n_out).map(|_| (0..c.n_in).map(|_| g.prob()).collect()).collect();
    let mut csv = String::new();
    for row in &w {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        writeln!(csv, "{}", cells.join(",")).unwrap();
    }
    std::fs::write(d.join("w.csv"), csv).unwrap();
    std::fs::write(d.join("dense.scn"), dense_scn(c, &x)).unwrap();
    let case = serde_json::json!({
        "x": x, "w": w, "length": c.length, "x_seed": c.x_seed, "w_seed": c.w_seed, "w_stride": c.w_stride,
    });
    std::fs::write(d.join("case.json"), case.to_string()).unwrap();
    scn_run(&d.join("dense.scn"), &d.join("scn"), &[]);
    run_python("sc_neurocore_dense.py", &[&d.join("case.json"), &d.join("theirs.json")]);

    let ours = json(&d.join("scn/outputs.json"));
    let theirs = json(&d.join("theirs.json"));
    assert_eq!(ours["frames"], 1);
    let outs = &ours["outputs"];
    let flat = |v: &serde_json::Value| -> Vec<f64> {
        let mut out = Vec::new();
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(a) => stack.extend(a.iter().rev()),
                n => out.push(n.as_f64().unwrap()),
            }
        }
        out
    };
    let (y, px, pw) = (flat(&outs["y"]), flat(&outs["px"]), flat(&outs["pw"]));
    let (ty, tpx, tpw) = (flat(&theirs["y"]), flat(&theirs["px"]), flat(&theirs["pw"]));
    assert_eq!(px, tpx, "input popcounts (SCN, then SC-NeuroCore), case {}x{} L={}", c.n_out, c.n_in, c.length);
    assert_eq!(pw, tpw, "product popcounts, case {}x{} L={}", c.n_out, c.n_in, c.length);
    // The layer outputs are equal as doubles: the same count divided by the same L.
    assert_eq!(y.len(), c.n_out);
    for (o, (a, b)) in y.iter().zip(&ty).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "y[{o}]: SCN {a}, sc_forward_numpy {b}");
    }
    println!(
        "dense {}x{} L={} seeds {:#06x}/{:#06x}+{}k: y = {y:?} identical; {} input and {} product popcounts identical",
        c.n_out,
        c.n_in,
        c.length,
        c.x_seed,
        c.w_seed,
        c.w_stride,
        px.len(),
        pw.len()
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The layer of examples/sc_dense.scn's shape (16 inputs, 4 outputs, 256 bits, seeds 0xACE1
/// and 0xBEEF + 13k) with generated values.
#[test]
fn dense_16x4_l256_matches_sc_forward_bit_for_bit() {
    compare_dense(&DenseCase {
        n_in: 16,
        n_out: 4,
        length: 256,
        x_seed: 0xACE1,
        w_seed: 0xBEEF,
        w_stride: 13,
        gen_seed: 1,
    });
}

/// A length that is not a multiple of 64 (a zero tail in the last word) and input seeds that
/// wrap past 0xFFFF, where seed 0 becomes 1.
#[test]
fn dense_wrapping_seeds_and_ragged_length_match_sc_forward() {
    compare_dense(&DenseCase {
        n_in: 6,
        n_out: 3,
        length: 100,
        x_seed: 0xFFFB,
        w_seed: 0x8000,
        w_stride: 7,
        gen_seed: 2,
    });
    compare_dense(&DenseCase {
        n_in: 3,
        n_out: 2,
        length: 65,
        x_seed: 0x1234,
        w_seed: 0x0100,
        w_stride: 1,
        gen_seed: 3,
    });
}

/// Larger layers and longer streams.
#[test]
fn dense_larger_layers_match_sc_forward() {
    compare_dense(&DenseCase {
        n_in: 32,
        n_out: 10,
        length: 1000,
        x_seed: 1,
        w_seed: 0x4000,
        w_stride: 3,
        gen_seed: 4,
    });
    compare_dense(&DenseCase {
        n_in: 64,
        n_out: 8,
        length: 4096,
        x_seed: 0x5EED,
        w_seed: 0x9000,
        w_stride: 5,
        gen_seed: 5,
    });
}

// ---------------------------------------------------------------------------------------------
// Neuron models
// ---------------------------------------------------------------------------------------------

const NEURONS: &str = "tests/compare/sc_neurocore_neurons.scn";

/// (rate in Hz, coefficient of variation of the inter-spike intervals) of a population's
/// `spikes.csv` over `seconds`.
fn rate_and_cv(out: &Path, neurons: u64, seconds: f64) -> (f64, f64) {
    let text = std::fs::read_to_string(out.join("spikes.csv")).unwrap();
    let mut by_neuron: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    let mut total = 0u64;
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        by_neuron.entry(f[3].parse().unwrap()).or_default().push(f[0].parse().unwrap());
        total += 1;
    }
    let isis: Vec<f64> =
        by_neuron.values().flat_map(|s| s.windows(2).map(|w| (w[1] - w[0]) as f64).collect::<Vec<f64>>()).collect();
    let mean = isis.iter().sum::<f64>() / isis.len() as f64;
    let var = isis.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / isis.len() as f64;
    (total as f64 / neurons as f64 / seconds, var.sqrt() / mean)
}

/// `StochasticLIFNeuron` with noise on, 200 neurons driven 3 mV below threshold so that they
/// fire from the noise alone: SCN (Euler–Maruyama, Philox) and SC-NeuroCore (NumPy) agree in
/// rate within 4 % and in ISI variability within 5 %. Over eight seeds each, the rates vary by
/// about 1 % (s.d.) and their means differ by 0.5 % (1.3 standard errors), so 4 % is over
/// three standard deviations of a one-seed difference; a noise scaled by dt instead of
/// sqrt(dt) would change the rate several-fold.
#[test]
fn stochastic_lif_with_noise_matches_sc_neurocore_statistically() {
    let d = dir("noisy");
    let (ours, theirs) = (d.join("scn"), d.join("sc-neurocore"));
    scn_run(&common::root().join(NEURONS), &ours, &["--network", "NoisyLif"]);
    run_python("sc_neurocore_neurons.py", &[Path::new("NoisyLif"), &theirs]);
    let ((r_ours, cv_ours), (r_theirs, cv_theirs)) = (rate_and_cv(&ours, 200, 2.0), rate_and_cv(&theirs, 200, 2.0));
    println!(
        "noisy LIF: SCN {r_ours:.3} Hz (ISI CV {cv_ours:.4}), SC-NeuroCore {r_theirs:.3} Hz (ISI CV {cv_theirs:.4})"
    );
    assert!(r_ours > 5.0, "the noise should make the population fire ({r_ours} Hz)");
    assert!((r_ours / r_theirs - 1.0).abs() < 0.04, "rates: SCN {r_ours} Hz, SC-NeuroCore {r_theirs} Hz");
    assert!((cv_ours / cv_theirs - 1.0).abs() < 0.05, "ISI CV: SCN {cv_ours}, SC-NeuroCore {cv_theirs}");
    let _ = std::fs::remove_dir_all(&d);
}
