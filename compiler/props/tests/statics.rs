//! `@static`: the interval invariants contain every state value the interpreter produces, the
//! structural refractory check and the invariants decide what they can on tests/forms.scn, and
//! a static pass never contradicts the simulation.

use scn_props::invariant::invariant;
use scn_props::sim::check_sim;
use scn_props::statics::check_static;
use scn_props::{Monitor, Status, lower_properties};
use scn_runtime::interp::{Simulation, StepObserver};
use scn_runtime::ir::Network;

fn setup(text: &str) -> (Network, Vec<Monitor>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let analysis = scn_sema::check_source("forms.scn", text.into(), Some(std::path::Path::new(dir)), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let monitors = lower_properties(&analysis, &net).expect("monitors");
    (net, monitors)
}

fn forms() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/forms.scn")).expect("forms.scn")
}

/// The lowest and highest state values (scaled units; `int` states as integers) of every
/// population after every step; `shape` holds each population's size and, per state, the
/// fractional bits of its value.
struct Extremes {
    shape: Vec<(u64, Vec<u32>)>,
    seen: Vec<Vec<(f64, f64)>>,
}

impl StepObserver for Extremes {
    fn after_step(&mut self, sim: &Simulation<'_>, _step: u64) -> bool {
        for (p, per) in self.seen.iter_mut().enumerate() {
            let (size, frac) = &self.shape[p];
            for (s, (lo, hi)) in per.iter_mut().enumerate() {
                for n in 0..*size {
                    let raw = sim.raw_state(p, n, s as u16).expect("fixed point") as f64;
                    let v = raw / 2f64.powi(frac[s] as i32);
                    *lo = lo.min(v);
                    *hi = hi.max(v);
                }
            }
        }
        true
    }
}

/// Asserts that the invariant of every population of network `name` in `text` contains every
/// state value of a run of `steps` steps (until the run stops, under `overflow trap`).
fn contains_the_run(text: &str, name: &str, steps: u64) -> Network {
    let analysis = scn_sema::check_source("model.scn", text.into(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, Some(name)).expect("lowers");
    let mut seen = Extremes {
        shape: net
            .populations
            .iter()
            .map(|p| {
                let fx = net.models[p.model].fixed.as_ref().expect("fixed point");
                (p.size, fx.int_states.iter().map(|&int| if int { 0 } else { fx.spec.frac }).collect())
            })
            .collect(),
        seen: net
            .populations
            .iter()
            .map(|p| vec![(f64::INFINITY, f64::NEG_INFINITY); net.models[p.model].states.len()])
            .collect(),
    };
    let _ = Simulation::new(&net).run_observed(steps, &mut seen);
    for (p, per) in seen.seen.iter().enumerate() {
        let inv = invariant(&net, p).expect("an invariant");
        for (s, &(lo, hi)) in per.iter().enumerate() {
            let i = inv.states[s];
            let state = &net.models[net.populations[p].model].states[s];
            assert!(
                i.lo <= lo && hi <= i.hi,
                "{name}: {}.{state} simulated in [{lo}, {hi}], outside {i:?}",
                net.populations[p].name
            );
        }
    }
    net
}

#[test]
fn the_invariants_contain_every_simulated_state() {
    let net = contains_the_run(&forms(), "Forms", 4096);
    // The LIF neurons stay below threshold + one input (20 mV + 4 mV) and never go negative.
    let n = invariant(&net, 0).unwrap().states[0];
    assert_eq!((n.lo, n.hi), (0.0, 24.0));
    // The hardware test models: products that round, shifts, clip/max/abs, int counters, a
    // rise condition, a clamp, per-element parameters, recurrent and delayed inputs.
    let hw = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hw");
    contains_the_run(&std::fs::read_to_string(format!("{hw}/acc.scn")).unwrap(), "AccNet", 2000);
    let mix = std::fs::read_to_string(format!("{hw}/mix_template.scn")).unwrap();
    for (overflow, rounding) in
        [("saturate", "nearest_even"), ("wrap", "floor"), ("saturate", "stochastic"), ("trap", "nearest_away")]
    {
        let text = mix.replace("OVERFLOW", overflow).replace("ROUNDING", rounding);
        eprintln!("Mix with overflow {overflow}, rounding {rounding}");
        contains_the_run(&text, "MixNet", 2000);
    }
}

#[test]
fn static_verdicts_on_every_form() {
    let (net, monitors) = setup(&forms());
    let by_text = |t: &str| {
        let m = monitors.iter().find(|m| m.text == t).unwrap_or_else(|| panic!("{t}"));
        check_static(&net, m)
    };
    for (check, status, why) in [
        ("refractory(n) >= 3 cycles", Status::Pass, "refractory period of 3 steps"),
        ("refractory(n) >= 20 cycles", Status::Inconclusive, "intervals of 3 steps only"),
        ("no_overflow(n.v)", Status::Pass, "stays in [0, 24]"),
        ("no_overflow(s.v)", Status::Inconclusive, "reaches the format's limits"),
        ("always(n.v <= 127 mV)", Status::Pass, "holds for every value"),
        ("always(n.v <= 5 mV)", Status::Inconclusive, "do not decide"),
        ("exclusive(n[0], q[0])", Status::Inconclusive, "no static analysis decides a `exclusive` check"),
        ("never(spike(n[0]) and spike(n[1]))", Status::Inconclusive, "reads spikes"),
    ] {
        let o = by_text(check);
        assert_eq!(o.status, status, "{check}: {}", o.evidence);
        assert!(o.evidence.contains(why), "{check}: {}", o.evidence);
    }
    // No static pass is contradicted by a run, and the static method never fails a check.
    let run = check_sim(&net, &monitors, 4096);
    let mut passes = 0;
    for (m, sim) in monitors.iter().zip(&run.outcomes) {
        let o = check_static(&net, m);
        assert_ne!(o.status, Status::Fail, "{}", m.text);
        if o.status == Status::Pass {
            assert_ne!(sim.status, Status::Fail, "{}: static pass, simulated fail", m.text);
            passes += 1;
        }
    }
    assert_eq!(passes, 3, "refractory(n) >= 3, no_overflow(n.v) and always(n.v <= 127 mV)");
}

#[test]
fn a_model_without_a_structural_guarantee_stays_inconclusive() {
    let text = forms().replace("refractory 3 cycles clamp v", "refractory 1 cycles clamp v");
    let (net, monitors) = setup(&text);
    let m = monitors.iter().find(|m| m.text == "refractory(n) >= 3 cycles").unwrap();
    let o = check_static(&net, m);
    assert_eq!(o.status, Status::Inconclusive, "{}", o.evidence);
    assert!(o.evidence.contains("intervals of 1 steps only"), "{}", o.evidence);
    let wrap = forms().replace("fix<8, 4> overflow saturate", "fix<8, 4> overflow trap");
    let (net, monitors) = setup(&wrap);
    let m = monitors.iter().find(|m| m.text == "no_overflow(s.v)").unwrap();
    let o = check_static(&net, m);
    assert_eq!(o.status, Status::Inconclusive, "{}", o.evidence);
    assert!(o.evidence.contains("may stop the run (an overflow under `trap`"), "{}", o.evidence);
}
