//! The point-neuron models of `stdlib/neurons/`: each checks, is documented by `scn doc` with
//! provenance and ranges, runs under `scn run` in a small network, and shows the behaviour its
//! paper predicts (rheobase, adaptation, analytic periods, resonance, rates, logic).

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

/// The models of this suite, by module name.
const MODELS: &[&str] = &[
    "perfect_if",
    "stochastic_lif",
    "parametric_lif",
    "adaptive_lif",
    "homeostatic_lif",
    "srm0",
    "qif",
    "eif",
    "adex",
    "izhikevich2007",
    "mat",
    "glif",
    "fitzhugh_nagumo",
    "hindmarsh_rose",
    "resonate_and_fire",
    "theta",
    "inhomogeneous_poisson",
    "escape_rate",
    "sigmoid_rate",
    "threshold_linear_rate",
    "wilson_cowan",
    "rulkov_map",
    "mcculloch_pitts",
];

/// What one run wrote: spike steps per population (all neurons together, in order) and
/// per-neuron spike steps, and monitored state traces by `population.variable`.
struct Run {
    spikes: HashMap<String, Vec<u64>>,
    by_neuron: HashMap<(String, u64), Vec<u64>>,
    states: HashMap<String, Vec<f64>>,
}

impl Run {
    fn spikes(&self, pop: &str) -> &[u64] {
        self.spikes.get(pop).map_or(&[], Vec::as_slice)
    }

    /// Inter-spike intervals (in steps) of neuron 0 of `pop`.
    fn isis(&self, pop: &str) -> Vec<u64> {
        let s = self.by_neuron.get(&(pop.to_string(), 0)).map_or(&[][..], Vec::as_slice);
        s.windows(2).map(|w| w[1] - w[0]).collect()
    }

    fn trace(&self, key: &str) -> &[f64] {
        self.states.get(key).unwrap_or_else(|| panic!("no trace {key}"))
    }
}

/// Runs `src` with `scn run` and reads its outputs.
fn run(tag: &str, src: &str) -> Run {
    let dir: PathBuf = std::env::temp_dir().join(format!("scn-neurons-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("net.scn");
    std::fs::write(&file, src).unwrap();
    let out = dir.join("out");
    let result = common::scn(&["run", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let (stdout, stderr) = common::text(&result);
    assert!(result.status.success(), "scn run {tag} failed:\n{stdout}\n{stderr}");
    let mut spikes: HashMap<String, Vec<u64>> = HashMap::new();
    let mut by_neuron: HashMap<(String, u64), Vec<u64>> = HashMap::new();
    let text = std::fs::read_to_string(out.join("spikes.csv")).unwrap_or_default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (step, pop, neuron) = (f[0].parse().unwrap(), f[2].to_string(), f[3].parse().unwrap());
        spikes.entry(pop.clone()).or_default().push(step);
        by_neuron.entry((pop, neuron)).or_default().push(step);
    }
    let mut states: HashMap<String, Vec<f64>> = HashMap::new();
    let text = std::fs::read_to_string(out.join("states.csv")).unwrap_or_default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        states.entry(format!("{}.{}", f[2], f[4])).or_default().push(f[5].parse().unwrap());
    }
    Run { spikes, by_neuron, states }
}

fn imports(models: &[(&str, &str)]) -> String {
    models.iter().map(|(m, item)| format!("import std.neurons.{m}.{{{item}}}\n")).collect()
}

#[test]
fn every_model_checks_and_scn_doc_shows_provenance_units_and_ranges() {
    for m in MODELS {
        let text = common::stdlib_doc("neurons", m);
        assert!(
            text.contains("DOI") || text.contains("ISBN") || text.contains("arXiv"),
            "{m}: no DOI, ISBN or arXiv reference:\n{text}"
        );
        // Every parameter has a type (a unit) and an admissible range.
        let table: Vec<&str> =
            text.lines().skip_while(|l| *l != "Parameters:").skip(2).take_while(|l| !l.is_empty()).collect();
        assert!(!table.is_empty(), "{m}: no parameters\n{text}");
        for row in table {
            assert!(row.contains('[') && !row.contains("(inferred)"), "{m}: parameter without range or type: {row}");
        }
        assert!(text.lines().any(|l| l.starts_with("neuron ")), "{m}: {text}");
    }
    let missing = common::scn(&["doc", "std.neurons.nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(common::text(&missing).1.contains("std.neurons.adex"));
}

/// Integrate-and-fire family under constant currents (dt = 0.05 ms, 1 s).
#[test]
fn integrate_and_fire_models_under_constant_current() {
    let src = imports(&[
        ("perfect_if", "PerfectIf"),
        ("qif", "Qif"),
        ("eif", "Eif"),
        ("adex", "AdEx"),
        ("izhikevich2007", "Izhikevich2007"),
        ("mat", "Mat"),
        ("adaptive_lif", "AdaptiveLif"),
        ("srm0", "Srm0"),
        ("glif", "Glif"),
    ]) + "
network T {
    dt = 0.05 ms
    duration = 1 s
    pop pif = PerfectIf[1]
    pop q_lo = Qif[1]
    pop q_hi = Qif[1]
    pop e_lo = Eif[1]
    pop e_hi = Eif[1]
    pop adex = AdEx[1]
    pop tonic = AdEx.Tonic[1]
    pop izh = Izhikevich2007[1]
    pop izh0 = Izhikevich2007[1]
    pop mat = Mat[1]
    pop alif = AdaptiveLif[1]
    pop srm = Srm0[1]
    pop glif = Glif[1]
    stimulus current(amplitude = 500 pA) -> pif.i_ext
    stimulus current(amplitude = 35.625 pA) -> q_lo.i_ext
    stimulus current(amplitude = 45 pA) -> q_hi.i_ext
    stimulus current(amplitude = 123.5 pA) -> e_lo.i_ext
    stimulus current(amplitude = 136.5 pA) -> e_hi.i_ext
    stimulus current(amplitude = 1 nA) -> adex.i_ext
    stimulus current(amplitude = 500 pA) -> tonic.i_ext
    stimulus current(amplitude = 100 pA) -> izh.i_ext
    stimulus current(amplitude = 600 pA) -> mat.i_ext
    stimulus current(amplitude = 300 pA) -> alif.i_ext
    stimulus current(amplitude = 200 pA) -> srm.i_ext
    stimulus current(amplitude = 150 pA) -> glif.i_ext
    monitor spikes(pif, q_lo, q_hi, e_lo, e_hi, adex, tonic, izh, izh0, mat, alif, srm, glif)
    monitor state(mat.v)
}
";
    let r = run("if", &src);
    let dt = 0.05;
    // Perfect IF: period C (v_th - v_reset) / I = 250 pF * 15 mV / 500 pA = 7.5 ms exactly.
    let pif = r.isis("pif");
    assert!(pif.len() > 100 && pif.iter().all(|&n| n == 150), "{pif:?}");
    // QIF rheobase R I = (v_c - v_rest)^2 / (4 v_scale) = 3.75 mV, 37.5 pA: 0.95 of it is
    // silent; at 1.2 of it the period is tau v_scale / c (atan(u1/c) - atan(u0/c)),
    // c^2 = v_scale R I - (v_c - v_rest)^2 / 4, u measured from (v_rest + v_c) / 2.
    assert!(r.spikes("q_lo").is_empty(), "below rheobase: {:?}", r.spikes("q_lo"));
    let c = (15.0 * 4.5 - 15.0f64.powi(2) / 4.0).sqrt();
    let period = 10.0 * 15.0 / c * ((77.5 / c).atan() - (-12.5 / c).atan());
    let q = r.isis("q_hi");
    assert!(!q.is_empty(), "above rheobase the QIF fires");
    for isi in &q {
        assert!(
            (*isi as f64 * dt - period).abs() < 0.01 * period,
            "QIF period {} ms, analytic {period:.2} ms",
            *isi as f64 * dt
        );
    }
    // EIF rheobase g_L (V_T - E_L - Delta_T) = 130 pA: 0.95 silent, 1.05 fires.
    assert!(r.spikes("e_lo").is_empty(), "{:?}", r.spikes("e_lo"));
    assert!(r.spikes("e_hi").len() >= 3, "{:?}", r.spikes("e_hi"));
    // AdEx (Brette & Gerstner 2005 defaults): spike-frequency adaptation, the intervals grow
    // from the first to the steady state; the tonic preset barely adapts.
    let adex = r.isis("adex");
    assert!(adex.len() > 10 && adex.windows(2).take(6).all(|w| w[1] > w[0]), "{adex:?}");
    assert!(adex[adex.len() - 1] as f64 > 2.0 * adex[0] as f64, "{adex:?}");
    let tonic = r.isis("tonic");
    assert!(tonic.len() > 50 && (tonic[tonic.len() - 1] as f64) < 1.2 * tonic[0] as f64, "{tonic:?}");
    // Izhikevich 2007 RS: no current, no spikes; 100 pA: regular spiking, intervals not shrinking.
    assert!(r.spikes("izh0").is_empty());
    let izh = r.isis("izh");
    assert!(izh.len() >= 5 && izh[izh.len() - 1] >= izh[0], "{izh:?}");
    // MAT: the membrane is never reset (v keeps rising through every spike while the drive
    // lasts) and the slow threshold component makes the intervals grow.
    let mat = r.isis("mat");
    assert!(mat.len() > 10 && mat.windows(2).take(8).all(|w| w[1] > w[0]), "{mat:?}");
    let v = r.trace("mat.v");
    assert!(v.windows(2).take(2000).all(|w| w[1] >= w[0]), "MAT's v is not reset");
    // Adaptive LIF: intervals grow.
    let alif = r.isis("alif");
    assert!(alif.len() > 10 && alif.windows(2).take(8).all(|w| w[1] > w[0]), "{alif:?}");
    // GLIF3: the slow hyperpolarising after-spike current makes the intervals grow.
    let glif = r.isis("glif");
    assert!(glif.len() > 10 && glif.windows(2).take(8).all(|w| w[1] > w[0]), "{glif:?}");
    // SRM0: steady period tau_eta ln(eta_reset / (R I - (v_th - v_rest))) = 5 ln 4 ms.
    let srm = r.isis("srm");
    let expected = 5.0 * 4.0f64.ln();
    let last = *srm.last().unwrap() as f64 * dt;
    assert!((last - expected).abs() <= dt, "SRM0 period {last} ms, analytic {expected:.3} ms");
}

/// Stochastic, homeostatic, oscillator, rate and generator models (dt = 0.1 ms).
#[test]
fn stochastic_rate_and_oscillator_models() {
    let src = imports(&[
        ("stochastic_lif", "StochasticLif"),
        ("fitzhugh_nagumo", "FitzHughNagumo"),
        ("inhomogeneous_poisson", "InhomogeneousPoisson"),
        ("escape_rate", "EscapeRate"),
        ("sigmoid_rate", "SigmoidRate"),
        ("threshold_linear_rate", "ThresholdLinearRate"),
        ("wilson_cowan", "WilsonCowan"),
        ("resonate_and_fire", "ResonateAndFire"),
    ]) + "
network S {
    dt = 0.1 ms
    duration = 2 s
    seed = 5
    pop quiet = StochasticLif[50] { sigma = 0 mV }
    pop noisy = StochasticLif[50] { sigma = 3 mV }
    pop fhn0 = FitzHughNagumo[1]
    pop fhn = FitzHughNagumo[1]
    pop ip = InhomogeneousPoisson[200]
    pop esc = EscapeRate[100] { v_rest = -56 mV, v_reset = -56 mV }
    pop sig = SigmoidRate[1]
    pop tl = ThresholdLinearRate[1]
    pop tl0 = ThresholdLinearRate[1]
    pop wc = WilsonCowan[1]
    pop wc0 = WilsonCowan[1]
    pop rf_one = ResonateAndFire[1]
    pop rf_in = ResonateAndFire[1]
    pop rf_anti = ResonateAndFire[1]
    stimulus current(amplitude = 120 pA) -> quiet.i_ext, noisy.i_ext
    stimulus current(amplitude = 0.5) -> fhn.i_ext
    stimulus current(amplitude = 90 Hz, start = 1 s, stop = 2 s) -> ip.rate_in
    stimulus current(amplitude = 1.5) -> sig.i_ext
    stimulus current(amplitude = 0.5) -> tl.i_ext
    stimulus current(amplitude = -0.5) -> tl0.i_ext
    stimulus current(amplitude = 1.25) -> wc.p_ext
    stimulus current(amplitude = 10 kHz, start = 10 ms, stop = 10.1 ms) -> rf_one.i_ext, rf_in.i_ext, rf_anti.i_ext
    stimulus current(amplitude = 10 kHz, start = 110 ms, stop = 110.1 ms) -> rf_in.i_ext
    stimulus current(amplitude = 10 kHz, start = 60 ms, stop = 60.1 ms) -> rf_anti.i_ext
    monitor spikes(quiet, noisy, fhn0, fhn, ip, esc, rf_one, rf_in, rf_anti)
    monitor state(sig.r, tl.r, tl0.r, wc.ex, wc0.ex)
}
";
    let r = run("stoch", &src);
    // Stochastic LIF: the mean drive (v_inf = -53 mV) is below threshold; only the noisy
    // population fires.
    assert!(r.spikes("quiet").is_empty());
    assert!(r.spikes("noisy").len() > 100, "{}", r.spikes("noisy").len());
    // FitzHugh-Nagumo: rest without input, a limit cycle with a constant period at I = 0.5.
    assert!(r.spikes("fhn0").is_empty());
    let fhn = r.isis("fhn");
    assert!(fhn.len() > 20);
    let tail = &fhn[5..];
    assert!(tail.iter().max().unwrap() - tail.iter().min().unwrap() <= 2, "{fhn:?}");
    // Inhomogeneous Poisson: 10 Hz for 1 s, then 100 Hz; 200 sources.
    let ip = r.spikes("ip");
    let first = ip.iter().filter(|&&s| s < 10_000).count() as f64;
    let second = ip.iter().filter(|&&s| s >= 10_000).count() as f64;
    assert!((first / 200.0 - 10.0).abs() < 1.0, "first second: {} Hz", first / 200.0);
    assert!((second / 200.0 - 100.0).abs() < 4.0, "second second: {} Hz", second / 200.0);
    // Escape rate with v held at -56 mV: rate 1 / (1 / rho + t_ref), rho = 1 kHz e^-2.
    let rho = 1000.0 * (-2.0f64).exp();
    let expected = 1.0 / (1.0 / rho + 0.002);
    let measured = r.spikes("esc").len() as f64 / 100.0 / 2.0;
    assert!((measured - expected).abs() < 0.05 * expected, "escape rate {measured} Hz, expected {expected:.1} Hz");
    // Rate units settle at their gain functions.
    let sig = *r.trace("sig.r").last().unwrap();
    let want = 100.0 / (1.0 + (-1.5f64).exp());
    assert!((sig - want).abs() < 1e-6 * want, "sigmoid rate {sig}, want {want}");
    assert!((r.trace("tl.r").last().unwrap() - 5.0).abs() < 1e-9);
    assert_eq!(*r.trace("tl0.r").last().unwrap(), 0.0);
    // Wilson-Cowan: a limit cycle with P = 1.25, rest without input.
    let wc = r.trace("wc.ex");
    let late = &wc[wc.len() / 2..];
    let (lo, hi) = late.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    assert!(hi - lo > 0.1, "E oscillates: {lo}..{hi}");
    assert!(r.trace("wc0.ex").iter().all(|&x| x == 0.0));
    // Resonate-and-fire: one pulse is not enough, a second one natural period (100 ms) later
    // fires it, a second one half a period later does not.
    assert!(r.spikes("rf_one").is_empty());
    assert_eq!(r.spikes("rf_in").len(), 1);
    assert!(r.spikes("rf_in")[0] > 1100, "fires after the second pulse");
    assert!(r.spikes("rf_anti").is_empty());
}

/// Homeostatic LIF: two very different drives end at the same target rate (10 Hz).
#[test]
fn homeostatic_lif_settles_at_its_target_rate() {
    let src = imports(&[("homeostatic_lif", "HomeostaticLif")])
        + "
network H {
    dt = 0.5 ms
    duration = 6 s
    pop weak = HomeostaticLif[1]
    pop strong = HomeostaticLif[1]
    stimulus current(amplitude = 200 pA) -> weak.i_ext
    stimulus current(amplitude = 400 pA) -> strong.i_ext
    monitor spikes(weak, strong)
}
";
    let r = run("homeo", &src);
    let rate = |pop: &str, from: u64, to: u64| {
        r.spikes(pop).iter().filter(|&&s| from <= s && s < to).count() as f64 / ((to - from) as f64 * 0.5e-3)
    };
    // At first the strong drive fires several times faster than the target.
    assert!(rate("strong", 0, 400) > 50.0, "{}", rate("strong", 0, 400));
    for pop in ["weak", "strong"] {
        let late = rate(pop, 8_000, 12_000);
        assert!((late - 10.0).abs() < 2.0, "{pop}: {late} Hz in the last 2 s");
    }
}

/// Discrete-time models in a clocked network: parametric LIF periods, McCulloch-Pitts logic,
/// Rulkov bursting.
#[test]
fn discrete_time_models() {
    let src = imports(&[
        ("parametric_lif", "ParametricLif"),
        ("mcculloch_pitts", "McCullochPitts"),
        ("rulkov_map", "RulkovMap"),
    ]) + "
network C {
    duration = 50000 cycles
    pop p_half = ParametricLif[1]
    pop p_slow = ParametricLif[1] { a = -1 }
    pop p_sub = ParametricLif[1]
    pop relay_a = McCullochPitts[1]
    pop relay_b = McCullochPitts[1]
    pop and_gate = McCullochPitts[1] { theta = 2 }
    pop or_gate = McCullochPitts[1] { theta = 1 }
    pop rk = RulkovMap[1]
    pop rk_silent = RulkovMap[1] { sigma = -0.5 }
    stream sa = encode(0.5, lfsr16(seed = 0xACE1), length = 50000)
    stream sb = encode(0.5, lfsr16(seed = 0x1234), length = 50000)
    stimulus current(amplitude = 1.2) -> p_half.i_ext, p_slow.i_ext
    stimulus current(amplitude = 0.9) -> p_sub.i_ext
    stimulus bits(sa) -> relay_a.syn, and_gate.syn, or_gate.syn { all, weight = 1 }
    stimulus bits(sb) -> relay_b.syn, and_gate.syn, or_gate.syn { all, weight = 1 }
    monitor spikes(p_half, p_slow, p_sub, relay_a, relay_b, and_gate, or_gate, rk, rk_silent)
}
";
    let r = run("discrete", &src);
    // Parametric LIF at a constant input x = 1.2: v_n = x (1 - (1 - k)^n) reaches 1 after
    // n = ceil(ln(1 - 1/x) / ln(1 - k)) steps: 3 for k = sigmoid(0), 6 for k = sigmoid(-1).
    let steps = |k: f64| ((1.0 - 1.0 / 1.2f64).ln() / (1.0 - k).ln()).ceil() as u64;
    let sigmoid = |a: f64| 1.0 / (1.0 + (-a).exp());
    assert!(r.isis("p_half").iter().all(|&n| n == steps(sigmoid(0.0))), "{:?}", &r.isis("p_half")[..5]);
    assert!(r.isis("p_slow").iter().all(|&n| n == steps(sigmoid(-1.0))), "{:?}", &r.isis("p_slow")[..5]);
    assert_eq!((steps(sigmoid(0.0)), steps(sigmoid(-1.0))), (3, 6));
    assert!(r.spikes("p_sub").is_empty(), "x = 0.9 < v_th - v_reset never fires");
    // McCulloch-Pitts: the relays copy each input one step late; AND fires exactly when both
    // relays do, OR when either does.
    let a: std::collections::BTreeSet<u64> = r.spikes("relay_a").iter().copied().collect();
    let b: std::collections::BTreeSet<u64> = r.spikes("relay_b").iter().copied().collect();
    let and: std::collections::BTreeSet<u64> = r.spikes("and_gate").iter().copied().collect();
    let or: std::collections::BTreeSet<u64> = r.spikes("or_gate").iter().copied().collect();
    assert!(a.len() > 20_000 && b.len() > 20_000);
    assert_eq!(and, a.intersection(&b).copied().collect());
    assert_eq!(or, a.union(&b).copied().collect());
    // Rulkov: bursts (intervals of a few iterations inside a burst, over a hundred between);
    // silent with a low sigma once the initial transient of y (a few hundred steps) is over.
    let isi = r.isis("rk");
    assert!(isi.len() > 100);
    assert!(*isi.iter().min().unwrap() <= 10 && *isi.iter().max().unwrap() >= 100, "{:?}", &isi[..20]);
    let silent = r.spikes("rk_silent");
    assert!(silent.iter().all(|&s| s < 1000), "spikes after the transient: {:?}", silent.last());
}

/// Hindmarsh-Rose at I = 2: square-wave bursting (intra-burst intervals of a few ms, silences
/// of hundreds of ms).
#[test]
fn hindmarsh_rose_bursts() {
    let src = imports(&[("hindmarsh_rose", "HindmarshRose")])
        + "
network B {
    dt = 0.1 ms
    duration = 8 s
    pop hr = HindmarshRose[1]
    pop hr0 = HindmarshRose[1]
    stimulus current(amplitude = 2) -> hr.i_ext
    monitor spikes(hr, hr0)
}
";
    let r = run("hr", &src);
    let isi = r.isis("hr");
    assert!(isi.len() > 50);
    let (min, max) = (*isi.iter().min().unwrap(), *isi.iter().max().unwrap());
    assert!(min < 100 && max > 2000, "intervals {min}..{max} steps");
    let long = isi.iter().filter(|&&n| n > 1000).count();
    assert!(long >= 3, "at least three bursts: {long} long silences");
    assert!(r.spikes("hr0").is_empty(), "no drive, no spikes");
}

/// Theta neuron: excitable rest for I < 0, period pi tau / sqrt(I) for I > 0.
#[test]
fn theta_neuron_rests_or_rotates_with_the_analytic_period() {
    let src = imports(&[("theta", "Theta")])
        + "
network T {
    dt = 0.01 ms
    duration = 100 ms
    pop neg = Theta[1]
    pop pos = Theta[1]
    pop kicked = Theta[1]
    stimulus current(amplitude = -0.2) -> neg.i_ext, kicked.i_ext
    stimulus current(amplitude = 0.25) -> pos.i_ext
    stimulus current(amplitude = 10, start = 50 ms, stop = 50.3 ms) -> kicked.i_ext
    monitor spikes(neg, pos, kicked)
}
";
    let r = run("theta", &src);
    assert!(r.spikes("neg").is_empty(), "I < 0 rests");
    let period = std::f64::consts::PI / 0.25f64.sqrt() / 0.01; // in steps
    let isi = r.isis("pos");
    assert!(isi.len() > 10);
    for n in isi {
        assert!((n as f64 - period).abs() <= 1.0, "period {n} steps, analytic {period:.1}");
    }
    // A strong pulse pushes the resting phase past pi once: one spike, then rest again.
    assert_eq!(r.spikes("kicked").len(), 1, "{:?}", r.spikes("kicked"));
}
