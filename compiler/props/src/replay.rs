//! The replayer: the same monitors over a recorded spike trace. States are not in a trace,
//! so a property that reads them is inconclusive here.

use crate::engine::Engine;
use crate::monitor::Monitor;
use crate::trace::Trace;
use crate::verdict::Outcome;
use crate::view::Step;
use scn_runtime::ir::Network;

/// One outcome per monitor over the trace.
pub fn check_trace(net: &Network, monitors: &[Monitor], trace: &Trace) -> Vec<Outcome> {
    let sizes: Vec<u64> = net.populations.iter().map(|p| p.size).collect();
    let names: Vec<String> = net.populations.iter().map(|p| p.name.clone()).collect();
    let mut engines: Vec<Engine<'_>> = monitors.iter().map(|m| Engine::new(&m.form, m.role, &sizes, &names)).collect();
    let (mut si, mut ki) = (0, 0);
    let mut stimuli = vec![false; net.projections.len()];
    let mut spikes = Vec::new();
    for step in 0..trace.steps {
        spikes.clear();
        while let Some(&(s, p, n)) = trace.spikes.get(si)
            && s == step
        {
            spikes.push((p, n));
            si += 1;
        }
        spikes.sort_unstable();
        spikes.dedup();
        stimuli.fill(false);
        while let Some(&(s, k)) = trace.stimuli.get(ki)
            && s == step
        {
            stimuli[k] = true;
            ki += 1;
        }
        let view = Step { step, spikes: &spikes, stimuli: &stimuli, states: None };
        for e in &mut engines {
            e.step(&view);
        }
    }
    engines.iter().zip(monitors).map(|(e, m)| e.finish(m.form.spikes_only())).collect()
}
