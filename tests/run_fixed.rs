//! Bit-true fixed point end to end (DESIGN §3 "Fixed point", LANGUAGE §8): the Q8.8 LIF is
//! checked, lowered and run by the reference interpreter, and its state trace is compared bit
//! for bit with an independent model written here in plain i32 arithmetic.

use scn_runtime::fixed::Rounding;
use scn_runtime::interp::{RunError, Simulation};
use scn_runtime::ir::{Network, Source};
use scn_runtime::random::{DrawCoord, Purpose, uniform_f64};

/// The neuron of LANGUAGE §8, with the overflow mode as a parameter of the test.
fn source(overflow: &str, rate_hz: u32, weight: &str, overrides: &str) -> String {
    format!(
        "neuron LifQ88 {{
    precision fix<16,8> overflow {overflow} rounding nearest_even scale(voltage = 1 mV, time = 1 ms)
    param leak_shift: int = 4
    param v_th: voltage = 20 mV
    state v: voltage = 0 mV
    input x: spike(voltage)
    on x(w) {{ v += w }}
    next v = v - (v >> leak_shift)
    on v >= v_th {{ v = 0 mV; emit spike; refractory 3 cycles clamp v }}
}}

network QNet {{
    dt = 1 ms
    duration = 400 ms
    seed = 11
    pop n = LifQ88[2] {{ {overrides} }}
    stimulus poisson(rate = {rate_hz} Hz, n = 1) -> n.x {{ all, weight = {weight} }}
    monitor spikes(n)
    monitor state(n[0..2].v)
}}
"
    )
}

#[allow(clippy::result_large_err)]
fn lower(text: &str) -> Result<Network, scn_diagnostics::Diagnostic> {
    let analysis = scn_sema::check_source("fixed.scn", text.to_string(), None, &scn_sema::Disk);
    let errors: Vec<_> =
        analysis.diagnostics.iter().filter(|(_, d)| d.severity == scn_diagnostics::Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    scn_lower::lower_network(&analysis, None)
}

/// The reference: one Q8.8 neuron in i32, in the order of DESIGN §3 (record, `next` unless
/// refractory, threshold/reset/refractory, then the arriving weight through the handler).
fn reference(steps: u64, w_raw: i32, th_raw: i32, input: impl Fn(u64) -> bool) -> (Vec<i32>, Vec<u64>) {
    let sat = |x: i32| x.clamp(-32768, 32767);
    let (mut v, mut until) = (0i32, 0u64);
    let (mut trace, mut spikes) = (Vec::new(), Vec::new());
    for step in 0..steps {
        trace.push(v);
        let refractory = step < until;
        if !refractory {
            v = sat(v - (v >> 4));
        }
        if !refractory && v >= th_raw {
            v = 0;
            spikes.push(step);
            until = step + 3;
        }
        if input(step) {
            v = sat(v + w_raw);
        }
    }
    (trace, spikes)
}

/// Runs the network step by step, returning the raw trace of `n[0]` (at the start of each
/// step), the spike steps of `n[0]` and the simulation's recorded SI samples of `n[0]`;
/// without stochastic rounding both neurons see the same input and must agree.
fn simulate(net: &Network, steps: u64) -> (Vec<i32>, Vec<u64>, Vec<f64>) {
    let stochastic = net.models[0].fixed.as_ref().unwrap().spec.rounding == Rounding::Stochastic;
    let mut sim = Simulation::new(net);
    let mut trace = Vec::new();
    for _ in 0..steps {
        trace.push(sim.raw_state(0, 0, 0).expect("a fixed-point population") as i32);
        if !stochastic {
            assert_eq!(sim.raw_state(0, 1, 0), sim.raw_state(0, 0, 0), "both neurons see the same input");
        }
        sim.step_once().expect("runs");
    }
    let spikes = sim.spikes.iter().filter(|s| s.neuron == 0).map(|s| s.step).collect();
    let samples = sim.samples.iter().filter(|s| s.neuron == 0).map(|s| s.value).collect();
    (trace, spikes, samples)
}

const STEPS: u64 = 400;

#[test]
fn q88_lif_under_constant_drive_is_bit_true() {
    // rate · dt = 1000 Hz · 1 ms = 1: one input spike every step.
    let net = lower(&source("saturate", 1000, "3.3 mV", "")).unwrap();
    let fx = net.models[0].fixed.as_ref().expect("lowered as fixed point");
    assert_eq!((fx.spec.width, fx.spec.frac, fx.int_params.clone()), (16, 8, vec![true, false]));
    // 3.3 mV = 844.8 LSB, nearest even 845; 20 mV = 5120 LSB.
    let w_raw = (33 * 256 + 5) / 10;
    assert_eq!(w_raw, 845);
    let (want, want_spikes) = reference(STEPS, w_raw, 20 * 256, |_| true);
    let (got, spikes, samples) = simulate(&net, STEPS);
    assert_eq!(got, want);
    assert_eq!(spikes, want_spikes);
    assert!(spikes.len() > 20, "{spikes:?}");
    // Monitors report SI values raw / 2^8 · 1 mV.
    let si: Vec<f64> = want.iter().map(|&r| f64::from(r) / 256e3).collect();
    assert_eq!(samples, si);
}

#[test]
fn q88_lif_under_poisson_drive_saturates_bit_true() {
    // 40 mV inputs with probability 0.3 drive v into saturation at 127.996 mV; threshold
    // 100 mV (overridden per population).
    let net = lower(&source("saturate", 300, "40 mV", "v_th = 100 mV")).unwrap();
    let Source::Poisson { rate, .. } = net.projections[0].source else { panic!("a Poisson source") };
    let p = rate * net.dt;
    // The Poisson source is the entity after the two neurons; it draws at (step, draw 0).
    let input = |step: u64| uniform_f64(&DrawCoord::new(11, Purpose::Stimuli, 2, step, 0)) < p;
    let (want, want_spikes) = reference(STEPS, 40 * 256, 100 * 256, input);
    let (got, spikes, _) = simulate(&net, STEPS);
    assert_eq!(got, want);
    assert_eq!(spikes, want_spikes);
    assert!(want.contains(&32767), "the trace saturates");
    assert!(!want_spikes.is_empty());
}

#[test]
fn trap_stops_the_run_naming_neuron_step_and_value() {
    // 100 mV every step with a threshold of 127 mV: 100 + 93.75 overflows Q8.8 at step 1.
    let net = lower(&source("trap", 1000, "100 mV", "v_th = 127 mV")).unwrap();
    let mut sim = Simulation::new(&net);
    let err = sim.run(10, |_| {}).unwrap_err();
    match &err {
        RunError::FixedPoint { pop, neuron, step, message } => {
            assert_eq!((pop.as_str(), *neuron, *step), ("n", 0, 1));
            assert!(message.contains("193.75"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("`n[0]` at step 1"), "{err}");
    // Under wrap the same run continues, modulo 2^16.
    let net = lower(&source("wrap", 1000, "100 mV", "v_th = 127 mV")).unwrap();
    let mut sim = Simulation::new(&net);
    sim.run(2, |_| {}).unwrap();
    assert_eq!(sim.raw_state(0, 0, 0), Some(24000 + 25600 - 65536));
}

#[test]
fn constructs_without_a_bit_exact_meaning_are_refused() {
    let base = source("saturate", 1000, "3.3 mV", "");
    let cases = [
        ("next v = v - (v >> leak_shift)", "next v = v - exp(v / 1 mV) * 1 mV", "`exp(…)`"),
        ("next v = v - (v >> leak_shift)", "dv/dt = -v / 10 ms", "ODEs"),
    ];
    for (from, to, needle) in cases {
        let text = base.replace(from, to);
        let d = lower(&text).expect_err(to);
        assert_eq!(d.code, "E0701", "{to}");
        assert!(d.message.contains(needle) && d.message.contains("precision"), "{}", d.message);
    }
}

#[test]
fn stochastic_rounding_draws_from_the_documented_philox_key() {
    let text = source("saturate", 1000, "3.3 mV", "")
        .replace("rounding nearest_even", "rounding stochastic")
        .replace("next v = v - (v >> leak_shift)", "next v = v * 0.9");
    let net = lower(&text).unwrap();
    // 0.9 = 230.4 LSB, quantised at lowering to nearest even (constants have no step to key a
    // draw by): 230.
    let (w, th) = (845i64, 20 * 256i64);
    let mut want = Vec::new();
    let (mut v, mut until) = (0i64, 0u64);
    for step in 0..STEPS {
        want.push(v as i32);
        let refractory = step < until;
        if !refractory {
            // v · 230 / 256, up with probability (remainder / 256): the u64 w1:w0 of block 0 of
            // (seed, StochasticRounding, neuron 0, step, draw = phase 1 << 24 | 0).
            let b = DrawCoord::new(11, Purpose::StochasticRounding, 0, step, 1 << 24).block(0);
            let rand = (u64::from(b[1]) << 32) | u64::from(b[0]);
            let p = v * 230;
            v = p.div_euclid(256) + i64::from(((rand >> 56) as i64) < p.rem_euclid(256));
        }
        if !refractory && v >= th {
            v = 0;
            until = step + 3;
        }
        v = (v + w).min(32767);
    }
    let (got, spikes, _) = simulate(&net, STEPS);
    assert_eq!(got, want);
    assert!(!spikes.is_empty());
    // Another seed gives another trace (the draws are keyed by the network seed).
    let other = lower(&text.replace("seed = 11", "seed = 12")).unwrap();
    assert_ne!(simulate(&other, STEPS).0, want);
    // And the second neuron (another entity) rounds differently.
    let mut sim = Simulation::new(&net);
    sim.run(STEPS, |_| {}).unwrap();
    assert_ne!(sim.raw_state(0, 0, 0), None);
    let (a, b): (Vec<f64>, Vec<f64>) = (
        sim.samples.iter().filter(|s| s.neuron == 0).map(|s| s.value).collect(),
        sim.samples.iter().filter(|s| s.neuron == 1).map(|s| s.value).collect(),
    );
    assert_ne!(a, b);
}
