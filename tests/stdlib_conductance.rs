//! The conductance-based neurons of `std.neurons` check, run and behave as their papers say:
//! firing rates in the published range under a given current, adaptation where the model
//! adapts, bursts where it bursts, rebound spikes where it has a T-current, and the two onsets
//! of Morris–Lecar. Quantitative comparisons with Brian2 are in tests/compare_brian2.rs.

use scn_runtime::interp::Simulation;

/// The spike times (ms) of one cell of `model` (an item of `module`, with `.Preset` if any, and
/// population `overrides`) driven into `port` by `steps`, (from ms, µA/cm²) pairs each lasting
/// until the next, over `ms` milliseconds at time step `dt_ms`.
fn spike_times(module: &str, model: &str, port: &str, steps: &[(f64, f64)], ms: f64, dt_ms: f64) -> Vec<f64> {
    spike_times_with(module, model, "", port, steps, ms, dt_ms)
}

fn spike_times_with(
    module: &str,
    model: &str,
    overrides: &str,
    port: &str,
    steps: &[(f64, f64)],
    ms: f64,
    dt_ms: f64,
) -> Vec<f64> {
    let item = model.split('.').next().unwrap();
    let mut stimuli = String::new();
    for (k, (from, amp)) in steps.iter().enumerate() {
        let until = steps.get(k + 1).map_or(ms, |s| s.0);
        stimuli += &format!(
            "    stimulus current(amplitude = {amp} uA/cm^2, start = {from} ms, stop = {until} ms) -> cell.{port}\n"
        );
    }
    let src = format!(
        "import std.neurons.{module}.{{{item}}}\nnetwork N {{\n    dt = {dt_ms} ms\n    duration = {ms} ms\n    pop cell = \
         {model}[1] {{ {overrides} }}\n{stimuli}    monitor spikes(cell)\n}}\n"
    );
    let analysis = scn_sema::check_source("test.scn", src.clone(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{src}\n{:#?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    let mut sim = Simulation::new(&net);
    sim.run((ms / dt_ms).round() as u64, |_| {}).expect("the run completes");
    sim.spikes.iter().map(|s| s.step as f64 * dt_ms).collect()
}

/// Spikes in [from, to) ms.
fn between(t: &[f64], from: f64, to: f64) -> Vec<f64> {
    t.iter().copied().filter(|&x| x >= from && x < to).collect()
}

fn isis(t: &[f64]) -> Vec<f64> {
    t.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Hodgkin & Huxley (1952): tonic firing near 68 Hz at 10 µA/cm², a single spike (no
/// repetitive firing) at 3 µA/cm², below the threshold of repetitive firing near 6 µA/cm².
#[test]
fn hodgkin_huxley_fires_tonically_above_its_threshold() {
    let t = spike_times("hodgkin_huxley", "HodgkinHuxley", "i_ext", &[(100.0, 10.0)], 600.0, 0.01);
    let rate = between(&t, 200.0, 600.0).len() as f64 / 0.4;
    assert!((60.0..=75.0).contains(&rate), "{rate} Hz at 10 uA/cm^2: {t:?}");
    let weak = spike_times("hodgkin_huxley", "HodgkinHuxley", "i_ext", &[(100.0, 3.0)], 600.0, 0.01);
    assert!(between(&weak, 200.0, 600.0).is_empty(), "3 uA/cm^2 does not fire repetitively: {weak:?}");
}

/// Wang & Buzsáki (1996): class 1 excitability, the rate rising steeply from zero; silent
/// without input, about 57 Hz at 1 µA/cm², faster at 3 µA/cm².
#[test]
fn wang_buzsaki_rate_rises_with_current() {
    let rate = |amp: f64| {
        let t = spike_times("wang_buzsaki", "WangBuzsaki", "i_ext", &[(0.0, amp)], 500.0, 0.01);
        between(&t, 100.0, 500.0).len() as f64 / 0.4
    };
    let (r0, r1, r3) = (rate(0.0), rate(1.0), rate(3.0));
    assert_eq!(r0, 0.0);
    assert!((45.0..=70.0).contains(&r1), "{r1} Hz at 1 uA/cm^2");
    assert!(r3 > r1 + 20.0, "{r3} Hz at 3 uA/cm^2 vs {r1} Hz at 1");
}

/// Pospischil et al. (2008): the RS cell adapts (its ISIs lengthen), the FS cell does not.
#[test]
fn pospischil_rs_adapts_and_fs_does_not() {
    let rs = between(&spike_times("pospischil", "Pospischil.RS", "i_ext", &[(100.0, 2.6)], 900.0, 0.02), 100.0, 900.0);
    let fs = between(&spike_times("pospischil", "Pospischil.FS", "i_ext", &[(100.0, 6.0)], 900.0, 0.02), 100.0, 900.0);
    let (i_rs, i_fs) = (isis(&rs), isis(&fs));
    assert!(i_rs.len() >= 4 && i_fs.len() >= 10, "RS {rs:?}, FS {fs:?}");
    assert!(i_rs[i_rs.len() - 1] > 3.0 * i_rs[0], "RS adapts: ISIs {i_rs:?}");
    assert!(i_fs[i_fs.len() - 1] < 1.1 * i_fs[1], "FS does not adapt: ISIs {i_fs:?}");
}

/// Pospischil et al. (2008): the IB cell starts with a burst (ISIs of a few ms) and then fires
/// far more slowly.
#[test]
fn pospischil_ib_starts_with_a_burst() {
    let t = between(&spike_times("pospischil", "Pospischil.IB", "i_ext", &[(100.0, 0.5)], 900.0, 0.02), 100.0, 900.0);
    let i = isis(&t);
    assert!(i.len() >= 3, "{t:?}");
    assert!(i[0] < 10.0 && i[1] < 10.0, "an initial burst: {i:?}");
    assert!(i.iter().copied().fold(0.0, f64::max) > 100.0, "then a long pause: {i:?}");
}

/// Pospischil et al. (2008): released from hyperpolarisation, the LTS cell fires a rebound
/// (low-threshold) spike carried by its de-inactivated T-current; without the T-current the
/// same cell stays silent. As in the authors' demonstration of LTS behaviour the leak reverses
/// at -60 mV and the hyperpolarising current is 0.26 µA/cm² (their 0.075 nA).
#[test]
fn pospischil_lts_fires_a_rebound_spike() {
    let steps = [(100.0, -0.26), (400.0, 0.0)];
    let lts = spike_times_with("pospischil", "Pospischil.LTS", "e_leak = -60 mV", "i_ext", &steps, 600.0, 0.02);
    assert!(between(&lts, 0.0, 400.0).is_empty(), "silent at rest and while hyperpolarised: {lts:?}");
    assert!(!between(&lts, 400.0, 500.0).is_empty(), "a rebound spike after the release at 400 ms: {lts:?}");
    let without_t = "e_leak = -60 mV, g_ca_t = 0 mS/cm^2";
    let plain = spike_times_with("pospischil", "Pospischil.LTS", without_t, "i_ext", &steps, 600.0, 0.02);
    assert!(plain.is_empty(), "no rebound without the T-current: {plain:?}");
}

/// Morris & Lecar (1981): with the Hopf parameters the cell fires at a finite rate (about
/// 11 Hz) as soon as it fires at all, and is silent at 80 µA/cm²; with the SNIC parameters it
/// fires arbitrarily slowly near its onset.
#[test]
fn morris_lecar_onsets_differ_between_presets() {
    let rate = |model: &str, amp: f64| {
        let t = spike_times("morris_lecar", model, "i_ext", &[(0.0, amp)], 2000.0, 0.05);
        between(&t, 500.0, 2000.0).len() as f64 / 1.5
    };
    assert_eq!(rate("MorrisLecar", 80.0), 0.0);
    let hopf = rate("MorrisLecar.Hopf", 100.0);
    assert!((8.0..=15.0).contains(&hopf), "Hopf at 100 uA/cm^2: {hopf} Hz");
    let slow = rate("MorrisLecar.Snic", 40.5);
    let fast = rate("MorrisLecar.Snic", 60.0);
    assert!(slow > 0.0 && slow < 5.0 && fast > 3.0 * slow, "SNIC: {slow} Hz at 40.5, {fast} Hz at 60 uA/cm^2");
}

/// Pinsky & Rinzel (1994): with 0.75 µA/cm² into the soma the cell fires bursts, groups of
/// spikes a few ms apart separated by long silences.
#[test]
fn pinsky_rinzel_bursts() {
    let t = between(
        &spike_times("pinsky_rinzel", "PinskyRinzel", "soma.i_ext", &[(0.0, 0.75)], 2000.0, 0.01),
        200.0,
        2000.0,
    );
    let i = isis(&t);
    assert!(i.len() >= 3, "{t:?}");
    assert!(i.iter().any(|&x| x < 10.0), "spikes within a burst: {i:?}");
    assert!(i.iter().any(|&x| x > 100.0), "silences between bursts: {i:?}");
}

/// One channel of `std.channels.MODULE` used by a probe neuron whose potential is clamped (it
/// has no ODE) at each of `volts` (mV): the channel's `gate` at its initial steady state and
/// its current density (µA/cm²), per voltage. The probe provides `ca` (1 µM) and `s_nmda` (1).
fn probe(module: &str, channel: &str, gate: Option<&str>, volts: &[f64]) -> Vec<(f64, f64)> {
    let pops: String =
        volts.iter().enumerate().map(|(k, v)| format!("    pop p{k} = Probe[1] {{ v = {v} mV }}\n")).collect();
    let watched: Vec<String> = (0..volts.len())
        .flat_map(|k| {
            let mut w = vec![format!("p{k}.i")];
            if let Some(g) = gate {
                w.push(format!("p{k}.{channel}.{g}"));
            }
            w
        })
        .collect();
    let src = format!(
        "import std.channels.{module}.{{{channel}}}\nneuron Probe {{\n    state v: voltage = -65 mV\n    state ca: \
         concentration = 1 uM\n    state s_nmda: dimensionless = 1\n    state i: [uA/cm^2] = 0 uA/cm^2\n    use \
         {channel}\n    next i = {channel}.i\n}}\nnetwork N {{\n    dt = 0.01 ms\n{pops}    monitor state({})\n}}\n",
        watched.join(", ")
    );
    let analysis = scn_sema::check_source("probe.scn", src.clone(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{src}\n{:#?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    let mut sim = Simulation::new(&net);
    sim.run(2, |_| {}).expect("runs");
    let per = if gate.is_some() { 2 } else { 1 };
    let at = |monitor: usize, step: u64| {
        sim.samples.iter().find(|s| s.monitor == monitor && s.step == step).map(|s| s.value).expect("sampled")
    };
    (0..volts.len())
        .map(|k| {
            let i = at(k * per, 1) / 1e-2; // A/m^2 to uA/cm^2
            let g = if gate.is_some() { at(k * per + 1, 0) } else { f64::NAN };
            (g, i)
        })
        .collect()
}

/// Every voltage-gated channel of the library: activation gates open with depolarisation,
/// inactivation gates close, and the current flows towards the reversal potential (outward
/// for potassium at -20 mV, inward for sodium and calcium).
#[test]
fn channel_gates_and_currents_point_the_right_way() {
    // (module, channel, gate, opens with depolarisation, sign of the current at -20 mV)
    let table: &[(&str, &str, &str, bool, f64)] = &[
        ("sodium", "NaHH", "m", true, -1.0),
        ("sodium", "NaHH", "h", false, -1.0),
        ("sodium", "NaWB", "h", false, -1.0),
        ("sodium", "NaTraub", "m", true, -1.0),
        ("sodium", "NaTraub", "h", false, -1.0),
        ("sodium", "NaP", "h", false, -1.0),
        ("potassium", "KdrHH", "n", true, 1.0),
        ("potassium", "KdrWB", "n", true, 1.0),
        ("potassium", "KdrTraub", "n", true, 1.0),
        ("potassium", "Kv3", "n", true, 1.0),
        ("potassium", "KM", "p", true, 1.0),
        ("potassium", "KA", "a", true, 1.0),
        ("potassium", "KA", "b", false, 1.0),
        ("calcium", "CaT", "u", false, -1.0),
        ("calcium", "CaHVA", "q", true, -1.0),
        ("calcium", "CaHVA", "r", false, -1.0),
        ("mixed", "Ih", "m", false, 1.0),
        ("kca", "BK", "o", true, 1.0),
    ];
    for &(module, channel, gate, opens, sign) in table {
        let r = probe(module, channel, Some(gate), &[-80.0, -20.0]);
        let (lo, hi) = (r[0].0, r[1].0);
        assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi), "{channel}.{gate}: {lo}, {hi}");
        assert_eq!(hi > lo, opens, "{channel}.{gate}: {lo} at -80 mV, {hi} at -20 mV");
        let i = r[1].1;
        assert!(i * sign > 0.0, "{channel}: {i} uA/cm^2 at -20 mV");
    }
}

/// Ligand-gated and passive channels: SK opens with calcium only (its gate does not depend on
/// v), NMDA's magnesium block lifts with depolarisation (Jahr & Stevens 1990: B(-80 mV) =
/// 0.0395, B(-20 mV) = 0.602 at 1 mM Mg), and a leak is ohmic.
#[test]
fn ligand_gated_and_passive_channels() {
    let sk = probe("kca", "SK", Some("z"), &[-80.0, -20.0]);
    let z = 1.0 / (1.0 + (0.43f64).powf(4.8)); // hill(1 uM, 0.43 uM, 4.8)
    assert!((sk[0].0 - z).abs() < 1e-12 && (sk[1].0 - z).abs() < 1e-12, "SK: {sk:?}, expected {z}");
    let nmda = probe("mixed", "NMDA", None, &[-80.0, -20.0]);
    let block = |v: f64| 1.0 / (1.0 + 1.0 / 3.57 * (-0.062 * v).exp());
    for (k, v) in [-80.0, -20.0].into_iter().enumerate() {
        let expected = 0.5 * block(v) * v; // g = 0.5 mS/cm^2, e_rev = 0 mV
        assert!((nmda[k].1 - expected).abs() < 1e-9, "NMDA at {v} mV: {} vs {expected}", nmda[k].1);
    }
    let leak = probe("mixed", "Leak", None, &[-80.0, -20.0]);
    assert!((leak[1].1 - leak[0].1 - 0.3 * 60.0).abs() < 1e-9, "ohmic leak: {leak:?}");
}

/// The calcium pool fills with inward calcium current and relaxes to ca_inf + tau_r · j with
/// j = -i_ca / (2 F depth) (Destexhe et al. 1993): 1 µA/cm² inward raises 0.24 µM to
/// 0.499 µM; an outward current is ignored.
#[test]
fn calcium_pool_follows_the_inward_current() {
    let run = |i_ca: f64| {
        let src = format!(
            "import std.channels.calcium.{{CaPool}}\nneuron Cell {{\n    state v: voltage = -65 mV\n    let i_ca = {i_ca} \
             uA/cm^2\n    use CaPool\n    solver rk4\n}}\nnetwork N {{\n    dt = 0.01 ms\n    pop c = Cell[1]\n    \
             monitor state(c.ca)\n}}\n"
        );
        let analysis = scn_sema::check_source("pool.scn", src.clone(), None, &scn_sema::Disk);
        assert!(!analysis.has_errors(), "{src}\n{:#?}", analysis.diagnostics);
        let net = scn_lower::lower_network(&analysis, None).expect("lowers");
        let mut sim = Simulation::new(&net);
        sim.run(10_001, |_| {}).expect("runs");
        sim.samples.last().unwrap().value
    };
    let j = 0.01 / (2.0 * 96485.33212 * 1e-6); // mol/(m^3 s) for 1 uA/cm^2 = 0.01 A/m^2
    let expected = 0.24e-3 + 0.005 * j; // SI: mol/m^3
    let filled = run(-1.0);
    assert!((filled - expected).abs() < 1e-9 * expected.abs().max(1.0), "{filled} vs {expected} mol/m^3");
    assert!((run(1.0) - 0.24e-3).abs() < 1e-15, "outward current leaves the pool at rest");
}

/// Population overrides apply on top of a preset (LANGUAGE §4): `Pospischil.LTS[1] { e_leak =
/// -60 mV }` starts at -60 mV, not at the preset's -85 mV.
#[test]
fn population_overrides_apply_on_top_of_a_preset() {
    let src = "import std.neurons.pospischil.{Pospischil}\nnetwork N {\n    dt = 0.02 ms\n    pop c = \
               Pospischil.LTS[1] { e_leak = -60 mV }\n    monitor state(c.v)\n}\n";
    let analysis = scn_sema::check_source("presets.scn", src.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("lowers");
    let mut sim = Simulation::new(&net);
    sim.run(1, |_| {}).expect("runs");
    assert_eq!(sim.samples[0].value, -0.06);
}
