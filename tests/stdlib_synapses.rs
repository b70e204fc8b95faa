//! The plasticity and short-term-dynamics rules of `stdlib/synapses/`: each checks, is
//! documented by `scn doc` with provenance and ranges, runs under `scn run` in a small network
//! driven by replayed spike trains, and matches a reference computed here from the rule's
//! closed form (pair and triplet STDP sums, the Tsodyks–Markram recursion, the BCM threshold's
//! steady state, the eligibility integral of reward-modulated STDP).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

/// The modules of this suite.
const MODULES: &[&str] = &["static", "stdp", "triplet_stdp", "bcm", "reward_stdp", "tsodyks_markram"];

/// The time step of every network here, in seconds.
const DT: f64 = 1e-4;

/// What one run wrote: spike steps per population and state traces by `name.variable`
/// (`(step, value)` pairs).
struct Run {
    spikes: HashMap<String, Vec<u64>>,
    states: HashMap<String, Vec<(u64, f64)>>,
}

impl Run {
    fn trace(&self, key: &str) -> &[(u64, f64)] {
        self.states.get(key).unwrap_or_else(|| panic!("no trace {key}"))
    }

    fn last(&self, key: &str) -> f64 {
        self.trace(key).last().expect("a sample").1
    }
}

/// A spike-replay file with one source firing at `steps`.
fn train(steps: &[u64]) -> String {
    let mut s = String::from("step,time_ms,population,neuron\n");
    for &k in steps {
        s += &format!("{k},{},src,0\n", k as f64 * DT * 1e3);
    }
    s
}

/// Runs `src` (with spike files `files`) under `scn run` and reads its outputs.
fn run(tag: &str, src: &str, files: &[(&str, String)]) -> Run {
    let dir: PathBuf = std::env::temp_dir().join(format!("scn-synapses-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let file = dir.join("net.scn");
    std::fs::write(&file, src).unwrap();
    let out = dir.join("out");
    let result = common::scn(&["run", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let (stdout, stderr) = common::text(&result);
    assert!(result.status.success(), "scn run {tag} failed:\n{stdout}\n{stderr}");
    let mut spikes: HashMap<String, Vec<u64>> = HashMap::new();
    for line in std::fs::read_to_string(out.join("spikes.csv")).unwrap_or_default().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        spikes.entry(f[2].to_string()).or_default().push(f[0].parse().unwrap());
    }
    let mut states: HashMap<String, Vec<(u64, f64)>> = HashMap::new();
    for line in std::fs::read_to_string(out.join("states.csv")).unwrap_or_default().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        states.entry(format!("{}.{}", f[2], f[4])).or_default().push((f[0].parse().unwrap(), f[5].parse().unwrap()));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Run { spikes, states }
}

/// Σ over `earlier` spikes at steps ≤ `at` (or < `at` when `strict`) of e^{-(at - s) dt / tau}:
/// an all-to-all trace that jumps by 1 per spike, read at step `at`.
fn trace_at(earlier: &[u64], at: u64, tau: f64, strict: bool) -> f64 {
    earlier
        .iter()
        .filter(|&&s| if strict { s < at } else { s <= at })
        .map(|&s| (-((at - s) as f64) * DT / tau).exp())
        .sum()
}

/// A network with one postsynaptic PerfectIf made to fire by strong kicks at `kick.csv`, and
/// a replayed presynaptic train `pre.csv` through `via`; the connection's states are recorded.
fn pairing_net(import: &str, via: &str, extra: &str, steps: u64, monitor: &str) -> String {
    format!(
        "import std.neurons.perfect_if.{{PerfectIf}}\n{import}\n
network Pairing {{
    dt = 0.1 ms
    duration = {steps} steps
{extra}
    pop post = PerfectIf[1]
    stimulus syn = spikes(load(\"pre.csv\")) -> post.syn via {via} {{ all, weight = 0.5 mV }}
    stimulus kick = spikes(load(\"kick.csv\")) -> post.syn {{ all, weight = 30 mV }}
    monitor spikes(post)
    monitor state({monitor})
}}
"
    )
}

#[test]
fn every_module_checks_and_scn_doc_shows_provenance_units_and_ranges() {
    for m in MODULES {
        let text = common::stdlib_doc("synapses", m);
        assert!(text.lines().any(|l| l.starts_with("synapse ")), "{m}: {text}");
        // Every module carries a DOI and a range on every parameter.
        assert!(text.contains("DOI"), "{m}: no DOI:\n{text}");
        let table: Vec<&str> =
            text.lines().skip_while(|l| *l != "Parameters:").skip(2).take_while(|l| !l.is_empty()).collect();
        assert!(!table.is_empty(), "{m}: no parameters\n{text}");
        for row in table {
            assert!(row.contains('[') && !row.contains("(inferred)"), "{m}: parameter without range: {row}");
        }
    }
}

/// Pair STDP (Song, Miller & Abbott 2000): the final weight equals w0 plus the all-to-all sum
/// of A± e^{-|Δt|/τ} over every pre/post pair, and single pairings trace the STDP window.
#[test]
fn pair_stdp_matches_the_analytic_window() {
    // Pairings 40 ms apart from each other's partners, Δt = ±2, ±5, ±10, ±20 ms.
    let offsets: [i64; 8] = [20, -20, 50, -50, 100, -100, 200, -200];
    let (mut pre, mut kick) = (Vec::new(), Vec::new());
    for (k, d) in offsets.iter().enumerate() {
        let base = 1000 + 4000 * k as i64;
        pre.push(base as u64);
        kick.push((base + d) as u64);
    }
    let steps = 4000 * offsets.len() as u64 + 2000;
    let src = pairing_net("import std.synapses.stdp.{Stdp}", "Stdp", "", steps, "syn[0..1].w");
    let r = run("stdp", &src, &[("pre.csv", train(&pre)), ("kick.csv", train(&kick))]);
    let post = &r.spikes["post"];
    assert_eq!(post.len(), offsets.len(), "one postsynaptic spike per kick: {post:?}");
    let (tau, a_pre, a_post, w_max) = (0.02, 0.01, -0.0105, 1e-3);
    let dw = |p: u64, q: u64| {
        if p <= q {
            a_pre * w_max * (-((q - p) as f64) * DT / tau).exp()
        } else {
            a_post * w_max * (-((p - q) as f64) * DT / tau).exp()
        }
    };
    let expected: f64 = 0.5e-3 + pre.iter().flat_map(|&p| post.iter().map(move |&q| dw(p, q))).sum::<f64>();
    let got = r.last("syn.w");
    assert!((got - expected).abs() < 1e-12, "final w {got} vs analytic {expected}");
    // Each pairing alone: the weight change across it is the window at its Δt.
    let w = r.trace("syn.w");
    let at = |s: u64| w.iter().find(|(k, _)| *k == s).expect("sampled every step").1;
    for (k, (&p, &q)) in pre.iter().zip(post).enumerate() {
        let (from, to) = (p.min(q) - 1, p.max(q) + 1);
        let change = at(to) - at(from);
        let window = dw(p, q);
        assert!(
            (change - window).abs() < 1e-9 * w_max,
            "pairing {k} (Δt = {} steps): {change} vs {window}",
            q as i64 - p as i64
        );
        assert_eq!(change > 0.0, q >= p, "pre before post potentiates, post before pre depresses");
    }
}

/// Triplet STDP (Pfister & Gerstner 2006): the final weight equals the sum of the rule's
/// trace formula over all spikes, and thirty post-pre pairings at 50 Hz potentiate (the triplet
/// term) while the same pairings at 2 Hz depress.
#[test]
fn triplet_stdp_matches_its_formula_and_is_frequency_dependent() {
    let (tp, tm, tx, ty) = (16.8e-3, 33.7e-3, 101e-3, 125e-3);
    // w_max = 10 mV keeps the weight clear of its bounds.
    let (a2p, a3p, a2m, a3m, w_max) = (7.5e-10, 9.3e-3, 7e-3, 2.3e-4, 1e-2);
    // (rate, pairings, potentiates): thirty at 50 Hz, ten at 2 Hz (where each pairing depresses
    // by about 0.5 mV and sixty would reach the lower bound).
    for (hz, n, expect_ltp) in [(50u64, 30u64, true), (2, 10, false)] {
        let period = 10_000 / hz;
        // Post-pre pairings (post 10 ms before pre), the protocol of Sjöström, Turrigiano & Nelson
        // 2001 that the paper fits (with fewer pairings, so that w stays inside its bounds).
        let kick: Vec<u64> = (0..n).map(|k| 1000 + k * period).collect();
        let pre: Vec<u64> = kick.iter().map(|&s| s + 101).collect();
        let steps = pre.last().unwrap() + 3000;
        let src = pairing_net(
            "import std.synapses.triplet_stdp.{TripletStdp}",
            "TripletStdp(w_max = 10 mV)",
            "",
            steps,
            "syn[0..1].w",
        );
        let src = src.replace("weight = 0.5 mV", "weight = 2 mV");
        let r = run(&format!("triplet{hz}"), &src, &[("pre.csv", train(&pre)), ("kick.csv", train(&kick))]);
        let post = r.spikes["post"].clone();
        assert_eq!(post.len(), n as usize, "{post:?}");
        // Potentiation at each post spike reads r1 (pre spikes up to this step) and o2 (earlier
        // post spikes); depression at each pre spike reads o1 (earlier post spikes, the post
        // pathway runs after the pre pathway) and r2 (earlier pre spikes).
        let ltp: f64 =
            post.iter().map(|&q| trace_at(&pre, q, tp, false) * (a2p + a3p * trace_at(&post, q, ty, true))).sum();
        let ltd: f64 =
            pre.iter().map(|&p| trace_at(&post, p, tm, true) * (a2m + a3m * trace_at(&pre, p, tx, true))).sum();
        let expected = 2e-3 + w_max * (ltp - ltd);
        let got = r.last("syn.w");
        assert!((got - expected).abs() < 1e-12, "{hz} Hz: w {got} vs formula {expected}");
        assert_eq!(got > 2e-3, expect_ltp, "{hz} Hz: Δw = {}", got - 2e-3);
    }
}

/// Tsodyks–Markram: the amplitudes delivered by a regular train and a late recovery spike
/// equal the recursion of the papers, for the facilitating and the depressing synapse.
#[test]
fn tsodyks_markram_amplitudes_follow_the_recursion() {
    // 8 spikes at 20 Hz, then one after 400 ms.
    let mut pre: Vec<u64> = (0..8).map(|k| 100 + 500 * k).collect();
    pre.push(pre.last().unwrap() + 4000);
    let src = "import std.neurons.perfect_if.{PerfectIf}
import std.synapses.tsodyks_markram.{TsodyksMarkram, TsodyksMarkramDepressing}

network Tm {
    dt = 0.1 ms
    duration = 8000 steps
    pop fac = PerfectIf[1] { v_th = 1 V, v_reset = 0 mV }
    pop dep = PerfectIf[1] { v_th = 1 V, v_reset = 0 mV }
    stimulus f = spikes(load(\"pre.csv\")) -> fac.syn via TsodyksMarkram { all, weight = 1 mV }
    stimulus d = spikes(load(\"pre.csv\")) -> dep.syn via TsodyksMarkramDepressing { all, weight = 1 mV }
    monitor state(fac[0..1].v, dep[0..1].v)
}
";
    let r = run("tm", src, &[("pre.csv", train(&pre))]);
    // Amplitudes: the jumps of the (leak-free) target's potential.
    let jumps = |key: &str| -> Vec<f64> {
        r.trace(key).windows(2).map(|w| w[1].1 - w[0].1).filter(|d| d.abs() > 1e-15).collect()
    };
    // The recursion, with u relaxing to 0 (tau_f) and x to 1 (tau_d) between spikes.
    let recursion = |u_se: f64, tau_d: f64, tau_f: Option<f64>| -> Vec<f64> {
        let (mut u, mut x, mut out) = (0.0, 1.0, Vec::new());
        for (k, &s) in pre.iter().enumerate() {
            if k > 0 {
                let gap = (s - pre[k - 1]) as f64 * DT;
                x = 1.0 - (1.0 - x) * (-gap / tau_d).exp();
                u = tau_f.map_or(0.0, |tf| u * (-gap / tf).exp());
            }
            u += u_se * (1.0 - u);
            out.push(1e-3 * u * x);
            x -= u * x;
        }
        out
    };
    for (key, reference) in [("fac.v", recursion(0.03, 0.13, Some(0.53))), ("dep.v", recursion(0.5, 0.8, None))] {
        let got = jumps(key);
        assert_eq!(got.len(), reference.len(), "{key}: {got:?}");
        for (k, (g, e)) in got.iter().zip(&reference).enumerate() {
            assert!((g - e).abs() < 1e-12, "{key} spike {k}: {g} vs {e}");
        }
        println!("{key}: {got:?}");
    }
    let (fac, dep) = (jumps("fac.v"), jumps("dep.v"));
    assert!(fac[7] > 2.0 * fac[0], "facilitation grows the 8th response: {fac:?}");
    assert!(dep[7] < 0.5 * dep[0], "depression shrinks the 8th response: {dep:?}");
    assert!(dep[8] > dep[7], "resources recover during the pause: {dep:?}");
}

/// BCM: with regular pre and post trains at 20 Hz, the sliding threshold settles at
/// ⟨y²⟩ / y_0 of the rate trace (closed form for a periodic train), and the weight grows while
/// the threshold is below the postsynaptic rate and shrinks after it has passed it.
#[test]
fn bcm_threshold_slides_to_the_mean_squared_rate() {
    let period = 500u64;
    let kick: Vec<u64> = (0..200).map(|k| 200 + period * k).collect();
    let pre: Vec<u64> = kick.iter().map(|&s| s + 20).collect();
    let src = pairing_net(
        "import std.synapses.bcm.{Bcm}",
        "Bcm(eta = 1e-5 s^2)",
        "",
        100_000,
        "syn[0..1].theta, syn[0..1].y, syn[0..1].w, every = 1 ms",
    );
    let r = run("bcm", &src, &[("pre.csv", train(&pre)), ("kick.csv", train(&kick))]);
    assert_eq!(r.spikes["post"].len(), kick.len());
    let (tau, y0, p) = (0.05, 10.0, period as f64 * DT);
    let mean_y2 =
        (1.0 / (tau * tau)) / (1.0 - (-p / tau).exp()).powi(2) * tau * (1.0 - (-2.0 * p / tau).exp()) / (2.0 * p);
    let theta = r.trace("syn.theta");
    // Average over the last second (tau_theta = 1 s, settled after 8 time constants).
    let tail: Vec<f64> = theta.iter().filter(|(s, _)| *s >= 90_000).map(|(_, v)| *v).collect();
    let settled = tail.iter().sum::<f64>() / tail.len() as f64;
    let expected = mean_y2 / y0;
    assert!((settled - expected).abs() < 0.01 * expected, "theta {settled} Hz vs closed form {expected} Hz");
    // Mean rate trace 20 Hz: theta starts at 10 Hz (below) and ends near 52 Hz (above).
    let w = r.trace("syn.w");
    let (w0, peak, end) = (0.5e-3, w.iter().map(|x| x.1).fold(f64::MIN, f64::max), w.last().unwrap().1);
    assert!(peak > w0 + 1e-6, "potentiation while theta < y: peak {peak}");
    assert!(end < peak - 1e-6, "depression once theta > y: end {end}, peak {peak}");
}

/// Reward-modulated STDP (Izhikevich 2007): without dopamine the weight never moves; with a
/// constant level d, one pre-post pairing moves it by d w_max c0 (1 - e^{-T/tau_c}), c0 the
/// eligibility the pairing created and T the time since.
#[test]
fn reward_stdp_changes_weights_only_with_dopamine() {
    let (pre, kick) = (vec![1000u64], vec![1100u64]);
    let steps = 20_000u64;
    for d in [0.0, 0.5, -0.25] {
        let src = pairing_net(
            "import std.synapses.reward_stdp.{RewardStdp}",
            "RewardStdp",
            &format!("    param dopamine: dimensionless = {d}"),
            steps,
            "syn[0..1].w, syn[0..1].c",
        );
        let r = run(&format!("rstdp{d}"), &src, &[("pre.csv", train(&pre)), ("kick.csv", train(&kick))]);
        let q = r.spikes["post"][0];
        let c0 = (-((q - pre[0]) as f64) * DT / 0.02).exp();
        // The synapse's ODEs advance after the post pathway of step q, through the last step.
        let t = (steps - q) as f64 * DT;
        let (w_max, w0) = (4e-3, 0.5e-3);
        let expected = w0 + d * w_max * c0 * (1.0 - (-t / 1.0).exp());
        // The last sample is taken at the start of the last step: one advance fewer.
        let t_last = t - DT;
        let expected_last = w0 + d * w_max * c0 * (1.0 - (-t_last / 1.0).exp());
        let got = r.last("syn.w");
        if d == 0.0 {
            assert_eq!(got, w0, "no dopamine, no change");
        } else {
            assert!(
                (got - expected_last).abs() < 1e-9 * w_max,
                "d = {d}: w {got} vs {expected_last} (end of run {expected})"
            );
        }
        let c_peak = r.trace("syn.c").iter().map(|x| x.1).fold(f64::MIN, f64::max);
        assert!((c_peak - c0 * (-DT / 1.0).exp()).abs() < 1e-9, "eligibility after the pairing: {c_peak} vs {c0}");
    }
}

/// The static synapses and the postsynaptic kernels they drive: one spike of weight w through
/// StaticCurrent / StaticConductance / Static makes the exponential kernel w e^{-t/tau}
/// (CubaLif, CobaLif) and the alpha kernel w (t/tau) e^{1 - t/tau} (AlphaCubaLif,
/// AlphaCobaLif), sample for sample.
#[test]
fn static_synapses_drive_exponential_and_alpha_kernels() {
    let src = "import std.neurons.cuba_lif.{CubaLif}
import std.neurons.coba_lif.{CobaLif}
import std.neurons.alpha_lif.{AlphaCubaLif, AlphaCobaLif}
import std.synapses.static.{Static, StaticCurrent, StaticConductance}

network Kernels {
    dt = 0.1 ms
    duration = 400 steps
    pop ce = CubaLif[1] { v_th = 1 V }
    pop ge = CobaLif[1] { v_th = 1 V }
    pop ca = AlphaCubaLif[1] { v_th = 1 V }
    pop ga = AlphaCobaLif[1] { v_th = 1 V, tau_e = 2 ms }
    stimulus s1 = spikes(load(\"pre.csv\")) -> ce.exc via Static { all, weight = 1 mV }
    stimulus s2 = spikes(load(\"pre.csv\")) -> ge.exc via StaticConductance { all, weight = 6 nS }
    stimulus s3 = spikes(load(\"pre.csv\")) -> ca.exc via StaticCurrent { all, weight = 100 pA }
    stimulus s4 = spikes(load(\"pre.csv\")) -> ga.exc via StaticConductance { all, weight = 5 nS }
    monitor state(ce[0..1].ge, ge[0..1].g_e, ca[0..1].i_e, ga[0..1].g_e)
}
";
    let r = run("kernels", src, &[("pre.csv", train(&[10]))]);
    // The spike arrives in step 10; the sample at the start of step 11 + n is n steps after.
    let exp_kernel = |w: f64, tau: f64| move |n: f64| w * (-n * DT / tau).exp();
    let alpha_kernel = |w: f64, tau: f64| move |n: f64| w * (n * DT / tau) * (1.0 - n * DT / tau).exp();
    type Kernel = Box<dyn Fn(f64) -> f64>;
    let cases: [(&str, Kernel, f64); 4] = [
        ("ce.ge", Box::new(exp_kernel(1e-3, 5e-3)), 1e-12),
        ("ge.g_e", Box::new(exp_kernel(6e-9, 5e-3)), 1e-12),
        // The exact solver's matrix exponential of the coupled pair is good to about 1e-11.
        ("ca.i_e", Box::new(alpha_kernel(100e-12, 2e-3)), 1e-9),
        // RK4 (the conductance couples to v): its error at h / tau = 0.05 is far below 1e-6.
        ("ga.g_e", Box::new(alpha_kernel(5e-9, 2e-3)), 1e-6),
    ];
    for (key, kernel, rel) in cases {
        let trace = r.trace(key);
        let peak = trace.iter().map(|x| x.1.abs()).fold(0.0, f64::max);
        for &(step, value) in trace {
            let expected = if step <= 10 { 0.0 } else { kernel((step - 11) as f64) };
            assert!((value - expected).abs() <= rel * peak, "{key} at step {step}: {value} vs {expected}");
        }
        println!("{key}: peak {peak:e}");
    }
    // The alpha kernel peaks at w after tau (20 steps).
    let ca = r.trace("ca.i_e");
    let argmax = ca.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap().0;
    assert_eq!(argmax, 11 + 20);
}

/// A synapse input the connection cannot supply is E0706 with a hint, never a panic: a missing
/// network parameter, a state the neuron lacks, `pre.x` from a stimulus.
#[test]
fn unbound_synapse_inputs_are_e0706() {
    let cases = [
        (
            "import std.synapses.reward_stdp.{RewardStdp}",
            "pop a = Lif[2]\n    connect a -> a.syn via RewardStdp { all }",
            "declare it in the network",
        ),
        (
            "synapse ReadsU { state w: voltage = 0 mV\n on pre { w = post.u; deliver w } }",
            "pop a = Lif[2]\n    connect a -> a.syn via ReadsU { all }",
            "the states of `Lif` are: v",
        ),
        (
            "synapse ReadsPre { state w: voltage = 0 mV\n on pre { w = pre.v; deliver w } }",
            "pop a = Lif[2]\n    stimulus poisson(rate = 10 Hz, n = 2) -> a.syn via ReadsPre { all }",
            "connect a neuron population",
        ),
    ];
    for (k, (item, body, hint)) in cases.iter().enumerate() {
        let dir = std::env::temp_dir().join(format!("scn-synapses-e0706-{k}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("net.scn");
        let src = format!(
            "import std.neurons.lif.{{Lif}}\n{item}\nnetwork N {{\n    dt = 0.1 ms\n    duration = 1 ms\n    {body}\n}}\n"
        );
        std::fs::write(&file, &src).unwrap();
        let out = common::scn(&["run", file.to_str().unwrap(), "-o", dir.join("out").to_str().unwrap()]);
        let (stdout, stderr) = common::text(&out);
        let all = format!("{stdout}{stderr}");
        assert_eq!(out.status.code(), Some(1), "case {k}:\n{all}");
        assert!(all.contains("E0706") && all.contains(hint), "case {k}:\n{all}");
        assert!(!all.contains("panicked"), "case {k}:\n{all}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
