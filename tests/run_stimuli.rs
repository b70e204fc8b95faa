//! Stimuli and number sources end to end (LANGUAGE §6, §7): constant and stepped `current`
//! stimuli with exact windows (start ≤ t·dt < stop), in floating point and into fixed-point
//! ports; the spike encodings as `encode` stimuli; `bernoulli(seed = …)` stream sources.

use scn_runtime::interp::sc::bernoulli_coord;
use scn_runtime::interp::{RunError, Simulation};
use scn_runtime::ir::{Network, Source};
use scn_runtime::random::{DrawCoord, Purpose, uniform_f64};
use scn_runtime::sc::{BernoulliSource, NumberSource, encode_lfsr};

#[allow(clippy::result_large_err)]
fn lower(text: &str) -> Result<Network, scn_diagnostics::Diagnostic> {
    let analysis = scn_sema::check_source("stimuli.scn", text.to_string(), None, &scn_sema::Disk);
    let errors: Vec<_> =
        analysis.diagnostics.iter().filter(|(_, d)| d.severity == scn_diagnostics::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    scn_lower::lower_network(&analysis, None)
}

/// The codes of the errors `text` gets from the checker.
fn error_codes(text: &str) -> Vec<String> {
    let analysis = scn_sema::check_source("stimuli.scn", text.to_string(), None, &scn_sema::Disk);
    analysis
        .diagnostics
        .iter()
        .filter(|(_, d)| d.severity == scn_diagnostics::Severity::Error)
        .map(|(_, d)| d.code.to_string())
        .collect()
}

/// The recorded values of the first monitored state of neuron 0 at every step.
fn trace(net: &Network, steps: u64) -> Vec<f64> {
    let mut sim = Simulation::new(net);
    sim.run(steps, |_| {}).expect("runs");
    sim.samples.iter().filter(|s| s.neuron == 0 && s.monitor == 1).map(|s| s.value).collect()
}

/// A pure integrator: with Euler, v grows by i·dt/c each step, so the increments show the
/// input of every step.
const INTEGRATOR: &str = "neuron Integrator {
    param c: capacitance = 1 nF
    state v: voltage = 0 mV
    input i: current = 0 pA
    dv/dt = i / c
    on v > 1000 mV { v = 0 mV; emit spike }
    solver euler
}
";

/// The input current of each step, recovered from the increments of v (in pA).
fn input_per_step(net: &Network, steps: u64) -> Vec<i64> {
    let v = trace(net, steps + 1);
    // Δv = i · dt / c with c = 1 nF.
    v.windows(2).map(|w| ((w[1] - w[0]) * 1e-9 / net.dt * 1e12).round() as i64).collect()
}

#[test]
fn stepped_current_is_the_sum_of_the_active_windows() {
    // dt = 0.3 ms: 5 · 0.3e-3 in f64 is below 1.5e-3, so a window compared in time would
    // start one step late; windows are exact, in steps.
    let net = lower(&format!(
        "{INTEGRATOR}
network Steps {{
    dt = 0.3 ms
    pop n = Integrator[1]
    stimulus current(amplitude = 100 pA, start = 1.5 ms) -> n.i
    stimulus current(amplitude = 20 pA, start = 3 ms, stop = 4.5 ms) -> n.i
    stimulus current(amplitude = -50 pA, start = 2 steps, stop = 0.9 ms) -> n.i
    stimulus current(amplitude = 7 pA, stop = 0.45 ms) -> n.i
    monitor spikes(n)
    monitor state(n[0..1].v)
}}
"
    ))
    .unwrap();
    // 0.45 ms / 0.3 ms = 1.5 → steps 0, 1; 2 steps up to 0.9 ms (3 steps) → step 2;
    // 1.5 ms → from step 5; 3 ms .. 4.5 ms → steps 10 .. 14.
    let want: Vec<i64> = (0..18)
        .map(|k| {
            let mut i = 0;
            if k < 2 {
                i += 7;
            }
            if k == 2 {
                i -= 50;
            }
            if k >= 5 {
                i += 100;
            }
            if (10..15).contains(&k) {
                i += 20;
            }
            i
        })
        .collect();
    assert_eq!(input_per_step(&net, 18), want);
}

#[test]
fn windows_in_cycles_drive_a_clocked_network() {
    let src = "neuron Counter {
    precision fix<16, 8> overflow saturate rounding nearest_even scale(voltage = 1 mV)
    state v: voltage = 0 mV
    input i: voltage = 0.5 mV
    next v = v + i
}
network Clocked {
    pop n = Counter[2]
    stimulus current(amplitude = 1.25 mV, start = 2 cycles, stop = 4 cycles) -> n.i
    stimulus current(amplitude = -0.75 mV, start = 3 cycles) -> n.i
    monitor spikes(n)
    monitor state(n[0..2].v)
}
";
    let net = lower(src).unwrap();
    assert!(net.clocked);
    // Inputs per cycle: 0.5, 0.5, 1.75, 1.0, -0.25, -0.25 (mV); v at the start of each cycle.
    let v: Vec<f64> = trace(&net, 7).iter().map(|x| x * 1e3).collect();
    assert_eq!(v, [0.0, 0.5, 1.0, 2.75, 3.75, 3.5, 3.25]);
    // A window in time needs a network time step.
    let timed = src.replace("start = 2 cycles", "start = 2 ms");
    assert_eq!(error_codes(&timed), ["E0506"]);
    let wrong = src.replace("start = 2 cycles", "start = 2 mV");
    assert_eq!(error_codes(&wrong), ["E0201"]);
}

#[test]
fn fixed_point_inputs_are_quantised_in_the_port_format() {
    // Q8.8 with floor rounding: a default of 0.3 mV is 76.8 LSB → 76; a current of
    // 1.001 mV is 256.256 LSB → 256 (1 mV).
    let src = "neuron Acc {
    precision fix<16, 8> overflow trap rounding floor scale(voltage = 1 mV)
    state v: voltage = 0 mV
    input i: voltage = 0.3 mV
    next v = v + i
}
network Net {
    dt = 1 ms
    pop n = Acc[1]
    stimulus current(amplitude = 1.001 mV, start = 2 ms) -> n.i
    monitor spikes(n)
    monitor state(n[0..1].v)
}
";
    let net = lower(src).unwrap();
    let mut sim = Simulation::new(&net);
    let mut raw = Vec::new();
    for _ in 0..5 {
        raw.push(sim.raw_state(0, 0, 0).unwrap());
        sim.step_once().unwrap();
    }
    assert_eq!(raw, [0, 76, 152, 152 + 332, 152 + 2 * 332]);
    // Under `overflow trap`, an input sum outside Q8.8 stops the run at its step.
    let big = src.replace("amplitude = 1.001 mV", "amplitude = 127.9 mV");
    let net = lower(&big).unwrap();
    let err = Simulation::new(&net).run(5, |_| {}).unwrap_err();
    assert!(matches!(&err, RunError::FixedPoint { step: 2, .. }), "{err:?}");
}

#[test]
fn bernoulli_source_is_philox_through_the_comparator_and_continues_across_frames() {
    let src = "network B {
    const L = 1000
    duration = 3000 cycles
    seed = 5
    stream a = encode(0.3, bernoulli(seed = 99), length = L)
    stream b = encode(0.3, bernoulli(seed = 99), length = L)
    stream c = encode(0.6, bernoulli(seed = 7), length = L)
    output pa = popcount(a)
    output same = popcount(a ^ b)
    output pc = popcount(c)
}
";
    let mut net = lower(src).unwrap();
    let run = |net: &Network| {
        let mut sim = Simulation::new(net);
        sim.run(3000, |_| {}).expect("runs");
        sim.outputs.clone()
    };
    // The reference: values of the source's Philox stream, in order, through `value < T`.
    let expect = |seed: u64, s: i64, p: f64| -> Vec<f64> {
        let mut src = BernoulliSource::new(bernoulli_coord(seed, s));
        let t = (p * 65536.0_f64).round_ties_even() as u32;
        (0..3).map(|_| (0..1000).filter(|_| u32::from(src.next_value()) < t).count() as f64).collect()
    };
    let out = run(&net);
    assert_eq!(out.len(), 3, "three frames");
    let column = |k: usize| out.iter().map(|f| f[k][0]).collect::<Vec<f64>>();
    assert_eq!(column(0), expect(5, 99, 0.3));
    assert_eq!(column(1), [0.0; 3], "the same seed is the same source");
    assert_eq!(column(2), expect(5, 7, 0.6));
    assert!(column(0).iter().all(|&c| (240.0..360.0).contains(&c)), "{:?}", column(0));
    // The network seed keys the generator.
    net.seed = 6;
    assert_eq!(run(&net).iter().map(|f| f[0][0]).collect::<Vec<f64>>(), expect(6, 99, 0.3));
    assert_ne!(expect(6, 99, 0.3), expect(5, 99, 0.3));
}

/// Counts its input spikes: each arriving spike (weight 1) adds one.
const COUNTER: &str = "neuron Count {
    state n: dimensionless = 0
    input syn: spike(dimensionless)
    on syn(w) { n += w }
}
";

#[test]
fn deterministic_encodings_become_spike_lists_inside_the_window() {
    let net = lower(&format!(
        "{COUNTER}
network E {{
    dt = 1 ms
    duration = 30 ms
    param x: prob[4] = [0.0, 0.25, 0.5, 1.0]
    param sig: dimensionless[6] = [0, 0.2, 0.2, 0.9, 0.1, 0.1]
    pop c = Count[4]
    stimulus lat = encode(latency, values = x, window = 9 ms, start = 2 ms) -> c.syn {{ one_to_one, weight = 1 }}
    stimulus d = encode(delta, values = sig, threshold = 0.15) -> c.syn {{ all, weight = 1 }}
    stimulus b = encode(burst, values = x, max_burst = 4, start = 10 ms, stop = 12 ms) -> c.syn {{ one_to_one, weight = 1 }}
    stimulus ph = encode(phase, values = x, period = 4, window = 10 cycles) -> c.syn {{ one_to_one, weight = 1 }}
    monitor spikes(c)
}}
"
    ))
    .unwrap();
    let spikes = |k: usize| match &net.projections[k].source {
        Source::Replay { n, spikes } => (*n, spikes.clone()),
        other => panic!("{other:?}"),
    };
    // Latency over 9 steps from step 2: v at step 2 + floor((1 - v) · 8); v = 0 never fires.
    assert_eq!(spikes(0), (4, vec![(2, 3), (6, 2), (8, 1)]));
    // Delta on one channel: |x[t] - x[t-1]| > 0.15 at t = 1, 3, 4.
    assert_eq!(spikes(1), (1, vec![(1, 0), (3, 0), (4, 0)]));
    // Bursts of max(1, floor(v · 4)) spikes from step 10, cut at the window's end (step 12).
    assert_eq!(spikes(2), (4, vec![(10, 0), (10, 1), (10, 2), (10, 3), (11, 2), (11, 3)]));
    // Phase: neuron n fires at φ, φ + 4, … < 10 with φ = floor(v · 3).
    let (_, ph) = spikes(3);
    let at = |n: u64| ph.iter().filter(|s| s.1 == n).map(|s| s.0).collect::<Vec<u64>>();
    assert_eq!((at(0), at(1), at(2), at(3)), (vec![0, 4, 8], vec![0, 4, 8], vec![1, 5, 9], vec![3, 7]));
}

#[test]
fn rate_encoding_draws_per_source_and_step() {
    let net = lower(&format!(
        "{COUNTER}
network R {{
    dt = 1 ms
    duration = 400 ms
    seed = 3
    param x: prob[4] = [0.0, 0.25, 0.5, 1.5]
    pop c = Count[4]
    stimulus r = encode(rate, values = x, max_rate = 500 Hz, stop = 300 ms) -> c.syn {{ one_to_one, weight = 1 }}
    monitor spikes(c)
    monitor state(c[0..4].n)
}}
"
    ))
    .unwrap();
    let Source::Rate { p, window } = &net.projections[0].source else { panic!("a rate source") };
    // clip(x, 0, 1) · 500 Hz · 1 ms.
    assert_eq!(p, &[0.0, 0.125, 0.25, 0.5]);
    assert_eq!((window.start, window.stop), (0, 300));
    let mut sim = Simulation::new(&net);
    sim.run(400, |_| {}).expect("runs");
    let counts: Vec<f64> = sim.samples.iter().filter(|s| s.step == 399).map(|s| s.value).collect();
    // Source i is entity 4 + i (after the four neurons): one uniform per step, fire if below p.
    let want: Vec<f64> = (0..4)
        .map(|i| {
            (0..300).filter(|&t| uniform_f64(&DrawCoord::new(3, Purpose::Stimuli, 4 + i as u64, t, 0)) < p[i]).count()
                as f64
        })
        .collect();
    assert_eq!(counts, want);
    assert_eq!(want[0], 0.0);
    assert!((120.0..180.0).contains(&want[3]), "{want:?}");
}

#[test]
fn encode_arguments_are_checked() {
    let net = |args: &str| {
        format!(
            "{COUNTER}
network R {{
    dt = 1 ms
    param x: prob[2] = [0.5, 1.0]
    pop c = Count[2]
    stimulus s = encode(latency, values = x, {args}) -> c.syn {{ one_to_one, weight = 1 }}
}}
"
        )
    };
    assert_eq!(error_codes(&net("window = 5 ms")), Vec::<String>::new());
    assert_eq!(error_codes(&net("window = 5 mV")), ["E0201"]);
    assert_eq!(error_codes(&net("max_rate = 5 ms")), ["E0201"]);
    assert_eq!(error_codes(&net("steps = 5")), ["E0204"]);
}

#[test]
fn bits_stimulus_fires_only_inside_its_window() {
    let net = lower(&format!(
        "{COUNTER}
network Q {{
    duration = 64 cycles
    pop c = Count[1]
    stream s = encode(0.5, lfsr16(seed = 0xACE1), length = 64)
    stimulus bits(s, start = 10 cycles, stop = 40 cycles) -> c.syn {{ all, weight = 1 }}
    monitor spikes(c)
    monitor state(c[0..1].n)
}}
"
    ))
    .unwrap();
    let bits = encode_lfsr(0xACE1, 0.5, 64).unwrap();
    let want = (10..40).filter(|&k| bits.get(k) == Some(true)).count() as f64;
    let all = (0..64).filter(|&k| bits.get(k) == Some(true)).count() as f64;
    assert!(want > 5.0 && want < all, "{want} of {all}");
    let count = |net: &Network| {
        let mut sim = Simulation::new(net);
        sim.run(64, |_| {}).expect("runs");
        let last = sim.samples.iter().rfind(|s| s.monitor == 1).unwrap();
        (last.step, last.value)
    };
    assert_eq!(count(&net), (63, want));
    // The window may also be written among the rules.
    let in_rules = lower(&format!(
        "{COUNTER}
network Q {{
    duration = 64 cycles
    pop c = Count[1]
    stream s = encode(0.5, lfsr16(seed = 0xACE1), length = 64)
    stimulus bits(s) -> c.syn {{ all, weight = 1, start = 10 cycles, stop = 40 cycles }}
    monitor spikes(c)
    monitor state(c[0..1].n)
}}
"
    ))
    .unwrap();
    assert_eq!(count(&in_rules), (63, want));
}
