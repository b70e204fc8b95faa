//! The monitor circuit of the hardware IR (`scn_props::circuit`, which the CIRCT MLIR backend
//! emits) against the replayer: 200 random spike traces for every property form of
//! tests/forms.scn that a spike trace decides, run through the IR's own cycle evaluator; the
//! first failing step of every monitor must agree (or neither fails).

use scn_hw::eval::{Sim, output};
use scn_props::circuit;
use scn_props::replay::check_trace;
use scn_props::trace::Trace;
use scn_props::{Monitor, Role, lower_properties};
use std::collections::BTreeSet;
use std::fmt::Write as _;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const TRACES: usize = 200;
const STEPS: u64 = 48;

#[test]
fn the_ir_monitor_circuit_and_the_replayer_agree_on_random_traces() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/forms.scn")).expect("forms.scn");
    let analysis = scn_sema::check_source("forms.scn", text, None, &scn_sema::Disk);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let lowered = scn_hw::lower_network(&net).expect("hardware");
    let layout = &lowered.layout;
    let candidates: Vec<Monitor> = lower_properties(&analysis, &net)
        .expect("monitors")
        .into_iter()
        .filter(|m| m.form.spikes_only() && m.role == Role::Assert)
        .collect();
    let scales = circuit::scales(&net);
    let probe = circuit::build(&candidates, layout, &scales);
    let monitors: Vec<Monitor> =
        candidates.iter().zip(&probe.covered).filter(|(_, c)| c.is_ok()).map(|(m, _)| m.clone()).collect();
    let kinds: BTreeSet<&str> = monitors.iter().map(|m| m.form.kind()).collect();
    assert!(kinds.len() >= 10, "{kinds:?}");
    let c = circuit::build(&monitors, layout, &scales);
    assert_eq!(c.module.outputs.len(), monitors.len());
    let mut rng = Rng(0xC1C0);
    let mut fails = vec![0; monitors.len()];
    for r in 0..TRACES {
        let p = 0.02 + 0.4 * rng.unit();
        let mut csv = String::from("step,time_ms,population,neuron\n");
        let mut sim = Sim::new(&c.module);
        let mut hw = vec![None; monitors.len()];
        for t in 0..STEPS {
            // Inputs in port order: each population's spike word, then its states (held at 0).
            let mut inputs = Vec::new();
            for (pi, pop) in layout.pops.iter().enumerate() {
                let mut word = 0u128;
                for n in 0..pop.size {
                    if rng.unit() < p {
                        word |= 1 << n;
                        let _ = writeln!(csv, "{t},,{},{n}", net.populations[pi].name);
                    }
                }
                inputs.push(word);
                inputs.extend(pop.states.iter().map(|_| 0));
            }
            let vals = sim.cycle(&inputs);
            for (k, first) in hw.iter_mut().enumerate() {
                if first.is_none() && output(&c.module, &vals, k) == 0 {
                    *first = Some(t);
                }
            }
        }
        let trace = Trace::from_csv(&net, &csv, Some(STEPS)).expect("trace");
        for (k, (o, m)) in check_trace(&net, &monitors, &trace).iter().zip(&monitors).enumerate() {
            let step = o.violation.as_ref().map(|v| v.step);
            assert_eq!(hw[k], step, "trace {r}, `{}`: IR circuit vs replayer ({})", m.text, o.evidence);
            fails[k] += usize::from(step.is_some());
        }
    }
    eprintln!("{} monitors, {kinds:?}, failures per monitor over {TRACES} traces: {fails:?}", monitors.len());
    let both = fails.iter().filter(|&&f| f > 0 && f < TRACES).count();
    assert!(both >= monitors.len() / 2, "the traces exercise both verdicts of most checks: {fails:?}");
}
