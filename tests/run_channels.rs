//! Channels, gates and compartments run with the meaning LANGUAGE §4 and docs/semantics.md
//! give them: gates start at their steady state and relax exactly under `rush_larsen`,
//! channel inputs read the compartment that uses the channel, `i_ion` sums a compartment's
//! currents, and compartments are coupled through the states they read from each other.

use scn_runtime::interp::Simulation;

/// Checks and lowers `src`, runs it for `steps` and returns every sample of monitor `monitor`
/// for neuron 0, by step.
fn trace(src: &str, steps: u64, monitor: usize) -> Vec<f64> {
    let analysis = scn_sema::check_source("test.scn", src.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    let mut sim = Simulation::new(&net);
    sim.run(steps, |_| {}).expect("the run completes");
    sim.samples.iter().filter(|s| s.monitor == monitor && s.neuron == 0).map(|s| s.value).collect()
}

/// A gate whose steady state jumps when `v` is set from -65 mV to 0 mV at 1 ms relaxes with
/// time constant tau: under Rush–Larsen exactly at every step, even with dt = tau / 4.
#[test]
fn rush_larsen_integrates_gates_exactly() {
    let src = |solver: &str| {
        format!(
            "channel Step {{
    param tau: time = 2 ms
    gate x: inf = boltz(v, -30 mV, 5 mV), tau = tau
    current 0 uA/cm^2 * x
}}
neuron Clamp {{
    state v: voltage = -65 mV
    use Step
    on t >= 1 ms {{ v = 0 mV }}
    solver {solver}
}}
network N {{
    dt = 0.5 ms
    pop c = Clamp[1]
    monitor state(c.Step.x)
}}
"
        )
    };
    let boltz = |v: f64| 1.0 / (1.0 + ((-30.0 - v) / 5.0f64).exp());
    let (inf0, inf1) = (boltz(-65.0), boltz(0.0));
    let x = trace(&src("rush_larsen"), 20, 0);
    assert_eq!(x.len(), 20);
    // The gate starts at its steady state at the initial voltage.
    assert!((x[0] - inf0).abs() < 1e-15, "x(0) = {}, inf(-65 mV) = {inf0}", x[0]);
    // v becomes 0 mV in the conditions of step 2 (t = 1 ms), so from step 3 on x relaxes.
    for (k, xk) in x.iter().enumerate().take(4) {
        assert!((xk - inf0).abs() < 1e-15, "step {k}: {xk}");
    }
    for (k, xk) in x.iter().enumerate().skip(3) {
        let exact = inf1 + (inf0 - inf1) * (-((k - 3) as f64) * 0.5 / 2.0).exp();
        assert!((xk - exact).abs() < 1e-14, "step {k}: {xk} vs exact {exact}");
    }
    // rk4 on the gate's ODE is close but not exact at this step size.
    let rk4 = trace(&src("rk4"), 20, 0);
    let exact = inf1 + (inf0 - inf1) * (-0.25f64).exp();
    assert!((rk4[4] - exact).abs() > 1e-7 && (rk4[4] - exact).abs() < 1e-3, "rk4 {} vs {exact}", rk4[4]);
}

/// A gate in rate form starts at alpha / (alpha + beta) and a channel's `input` reads the state
/// of that name of the neuron that uses it.
#[test]
fn rate_gates_start_at_steady_state_and_inputs_read_the_user() {
    let src = "channel KCa {
    param g_max: [mS/cm^2] = 1 mS/cm^2
    input ca: concentration
    gate q: alpha = 1 kHz * ca / 1 uM, beta = 0.5 kHz
    current g_max * q * (v + 90 mV)
}
neuron Cell {
    state v: voltage = -65 mV
    state ca: concentration = 1 uM
    use KCa
    dca/dt = -ca / 10 ms
    solver rush_larsen
}
network N {
    dt = 0.1 ms
    pop c = Cell[1]
    monitor state(c.q, c.ca)
}
";
    let q = trace(src, 50, 0);
    let ca = trace(src, 50, 1);
    assert!((q[0] - 1.0 / 1.5).abs() < 1e-15, "q(0) = {}", q[0]);
    // Each step: q ← inf + (q − inf) exp(−dt (a + b)) with a from ca at the start of the step.
    for k in 0..49 {
        let (a, b) = (1000.0 * ca[k] / 1e-3, 500.0); // 1 uM = 1e-3 mol/m^3 (SI)
        let inf = a / (a + b);
        let next = inf + (q[k] - inf) * (-1e-4 * (a + b)).exp();
        assert!((q[k + 1] - next).abs() < 1e-14, "step {k}: {} vs {next}", q[k + 1]);
    }
    assert!(q[49] < q[0] - 0.05, "q follows the falling calcium: {} → {}", q[0], q[49]);
}

/// `i_ion` is the sum of the currents of the used channels: with two leaks the membrane
/// relaxes to the conductance-weighted mean of their reversal potentials with time constant
/// c_m / (g_1 + g_2).
#[test]
fn i_ion_sums_the_currents_of_the_used_channels() {
    let src = "channel Leak {
    param g_max: [mS/cm^2] = 0.1 mS/cm^2
    param e_rev: voltage = -70 mV
    current g_max * (v - e_rev)
}
neuron TwoLeaks {
    param c_m: [uF/cm^2] = 1 uF/cm^2
    state v: voltage = -65 mV
    use Leak, Leak2
    dv/dt = -i_ion / c_m
    solver rk4
}
channel Leak2 {
    param g_max: [mS/cm^2] = 0.3 mS/cm^2
    param e_rev: voltage = -50 mV
    current g_max * (v - e_rev)
}
network N {
    dt = 0.01 ms
    pop c = TwoLeaks[1]
    monitor state(c.v)
}
";
    let v = trace(src, 1001, 0);
    let (g1, g2, c) = (0.1, 0.3, 1.0); // mS/cm^2, uF/cm^2: tau in ms
    let v_inf = (g1 * -70.0 + g2 * -50.0) / (g1 + g2);
    let tau = c / (g1 + g2);
    for k in [0usize, 100, 500, 1000] {
        let t = k as f64 * 0.01;
        let exact = (v_inf + (-65.0 - v_inf) * (-t / tau).exp()) * 1e-3;
        assert!((v[k] - exact).abs() < 1e-12, "t = {t} ms: {} vs {exact}", v[k]);
    }
}

/// Two identical passive compartments coupled by g_c: the mean decays with c / g_l and the
/// difference with c / (g_l + 2 g_c), as the linear system says.
#[test]
fn compartments_couple_through_the_states_they_read() {
    let src = "neuron TwoComp {
    param c_m: capacitance = 100 pF
    param g_l: conductance = 5 nS
    param g_c: conductance = 10 nS
    param e_l: voltage = -70 mV
    compartment soma {
        state v: voltage = -50 mV
        dv/dt = (g_l * (e_l - v) + g_c * (dend.v - v)) / c_m
    }
    compartment dend {
        state v: voltage = -70 mV
        dv/dt = (g_l * (e_l - v) + g_c * (soma.v - v)) / c_m
    }
    solver rk4
}
network N {
    dt = 0.01 ms
    pop c = TwoComp[1]
    monitor state(c.soma.v, c.dend.v)
}
";
    let soma = trace(src, 2001, 0);
    let dend = trace(src, 2001, 1);
    let (tau_sum, tau_diff) = (100.0 / 5.0, 100.0 / 25.0); // ms
    for k in [0usize, 50, 400, 2000] {
        let t = k as f64 * 0.01;
        let mean = -70.0 + 10.0 * (-t / tau_sum).exp();
        let half_diff = 10.0 * (-t / tau_diff).exp();
        let (s, d) = ((mean + half_diff) * 1e-3, (mean - half_diff) * 1e-3);
        assert!(
            (soma[k] - s).abs() < 1e-12 && (dend[k] - d).abs() < 1e-12,
            "t = {t}: {} {} vs {s} {d}",
            soma[k],
            dend[k]
        );
    }
}

/// A compartment's ports, handlers and channels are its own: a current into `c.dend.i_ext`
/// depolarises the dendrite first, and the soma's `on rise` emits the neuron's spikes.
#[test]
fn compartment_ports_and_handlers_belong_to_their_compartment() {
    let src = "channel Leak {
    param g_max: [mS/cm^2] = 0.1 mS/cm^2
    param e_rev: voltage = -65 mV
    current g_max * (v - e_rev)
}
neuron Ball {
    param c_m: [uF/cm^2] = 1 uF/cm^2
    param g_c: [mS/cm^2] = 0.5 mS/cm^2
    compartment soma {
        state v: voltage = -65 mV
        use Leak
        dv/dt = (-i_ion + g_c * (dend.v - v)) / c_m
        on v > -60 mV { v = -65 mV; emit spike; refractory 5 ms clamp v }
    }
    compartment dend {
        state v: voltage = -65 mV
        input i_ext: [uA/cm^2] = 0 uA/cm^2
        use Leak(g_max = 0.2 mS/cm^2)
        dv/dt = (i_ext - i_ion + g_c * (soma.v - v)) / c_m
    }
    solver rush_larsen
}
network N {
    dt = 0.05 ms
    duration = 100 ms
    pop c = Ball[1]
    stimulus current(amplitude = 5 uA/cm^2, start = 10 ms) -> c.dend.i_ext
    monitor state(c.soma.v, c.dend.v)
}
";
    let analysis = scn_sema::check_source("test.scn", src.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    let model = &net.models[0];
    assert_eq!(model.states, ["soma.v", "dend.v"]);
    assert_eq!(
        model.params,
        ["c_m", "g_c", "soma.Leak.g_max", "soma.Leak.e_rev", "dend.Leak.g_max", "dend.Leak.e_rev"]
    );
    assert_eq!(model.inputs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["dend.i_ext"]);
    let mut sim = Simulation::new(&net);
    sim.run(2000, |_| {}).expect("runs");
    let at = |monitor: usize, step: u64| {
        sim.samples.iter().find(|s| s.monitor == monitor && s.step == step).map(|s| s.value).unwrap()
    };
    // Before the stimulus both rest; shortly after, the dendrite leads the soma.
    assert!((at(0, 199) + 0.065).abs() < 1e-12 && (at(1, 199) + 0.065).abs() < 1e-12);
    assert!(at(1, 240) > at(0, 240) + 1e-3, "dend {} soma {}", at(1, 240), at(0, 240));
    assert!(!sim.spikes.is_empty() && sim.spikes[0].step > 200, "the soma fires after the onset: {:?}", sim.spikes);
}

/// The engines hold clamped states in a 64-bit mask per element: clamping a state with slot
/// 63 or more (possible in a neuron with many channels) is refused by name, never run wrongly.
#[test]
fn clamping_a_late_state_is_refused() {
    let states: String = (0..64).map(|k| format!("    state s{k}: voltage = 0 mV\n")).collect();
    let src = format!(
        "neuron Wide {{\n{states}    state v: voltage = 0 mV\n    on v > 1 mV {{ emit spike; refractory 1 ms clamp v }}\n}}\n\
         network N {{\n    dt = 0.1 ms\n    pop w = Wide[1]\n}}\n"
    );
    let analysis = scn_sema::check_source("wide.scn", src, None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:#?}", analysis.diagnostics);
    let err = scn_lower::lower_network(&analysis, None).expect_err("refused");
    assert_eq!(err.code, "E0701");
    assert!(err.message.contains("clamping a state beyond"), "{}", err.message);
}
