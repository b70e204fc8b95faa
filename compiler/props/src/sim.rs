//! The runtime monitor: the interpreter runs the network and, through its step hook
//! ([`scn_runtime::interp::StepObserver`]), feeds every step to the monitors. The hook reads
//! only spikes, fired stimuli and states, so any engine that fills the same step loop is
//! watched the same way.

use crate::engine::Engine;
use crate::monitor::Monitor;
use crate::trace::Trace;
use crate::verdict::Outcome;
use crate::view::{States, Step};
use scn_runtime::interp::{RunError, Simulation, StepObserver};
use scn_runtime::ir::Network;

/// The monitors' verdicts on one simulated run, and the run's spikes (for counterexamples).
pub struct SimRun {
    /// One outcome per monitor, in order.
    pub outcomes: Vec<Outcome>,
    /// Every spike and stimulus event of the run.
    pub trace: Trace,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

struct SimStates<'a, 's>(&'a Simulation<'s>, &'a Network);

impl States for SimStates<'_, '_> {
    fn value(&self, pop: usize, neuron: u64, state: u16) -> f64 {
        self.0.state(pop, neuron, state)
    }

    fn at_limit(&self, pop: usize, neuron: u64, state: u16) -> bool {
        let model = &self.1.models[self.1.populations[pop].model];
        match (&model.fixed, self.0.raw_state(pop, neuron, state)) {
            (Some(fx), Some(raw)) => {
                let f = fx.spec.format();
                !fx.int_states[state as usize] && (raw <= f.min_raw() || raw >= f.max_raw())
            }
            _ => !self.0.state(pop, neuron, state).is_finite(),
        }
    }
}

struct Watch<'m, 's> {
    net: &'m Network,
    stop: &'s mut dyn FnMut(u64) -> bool,
    interrupted: bool,
    engines: Vec<Engine<'m>>,
    seen: usize,
    trace: Trace,
}

impl StepObserver for Watch<'_, '_> {
    fn after_step(&mut self, sim: &Simulation<'_>, step: u64) -> bool {
        let mut spikes: Vec<(usize, u64)> = sim.spikes[self.seen..].iter().map(|s| (s.pop, s.neuron)).collect();
        self.seen = sim.spikes.len();
        spikes.sort_unstable();
        for &(p, n) in &spikes {
            self.trace.spikes.push((step, p, n));
        }
        for (k, fired) in sim.fired.iter().enumerate() {
            if *fired {
                self.trace.stimuli.push((step, k));
            }
        }
        let states = SimStates(sim, self.net);
        let view = Step { step, spikes: &spikes, stimuli: &sim.fired, states: Some(&states) };
        for e in &mut self.engines {
            e.step(&view);
        }
        self.trace.steps = step + 1;
        if step % 1000 == 999 && (self.stop)(step + 1) {
            self.interrupted = true;
            return false;
        }
        !self.engines.iter().all(Engine::failed)
    }
}

/// Runs `net` for `steps` steps with every monitor watching.
pub fn check_sim(net: &Network, monitors: &[Monitor], steps: u64) -> SimRun {
    check_sim_until(net, monitors, steps, &mut |_| false)
}

/// As [`check_sim`], asking `stop` (with the steps run so far) every 1000 steps whether to
/// stop early; a check that has not failed by then is inconclusive.
pub fn check_sim_until(net: &Network, monitors: &[Monitor], steps: u64, stop: &mut dyn FnMut(u64) -> bool) -> SimRun {
    let mut sim = Simulation::new(net);
    watch_run(&mut sim, net, monitors, steps, stop)
}

/// Runs `sim` (a fresh simulation of `net`, with whatever kernels attached: the hook sees the
/// same steps from every engine) for `steps` steps with every monitor watching, asking `stop`
/// every 1000 steps as [`check_sim_until`] does.
pub fn watch_run(
    sim: &mut Simulation<'_>,
    net: &Network,
    monitors: &[Monitor],
    steps: u64,
    stop: &mut dyn FnMut(u64) -> bool,
) -> SimRun {
    let sizes: Vec<u64> = net.populations.iter().map(|p| p.size).collect();
    let names: Vec<String> = net.populations.iter().map(|p| p.name.clone()).collect();
    let engines = monitors.iter().map(|m| Engine::new(&m.form, m.role, &sizes, &names)).collect();
    let mut watch = Watch { net, stop, interrupted: false, engines, seen: 0, trace: Trace::new(net) };
    let stopped = match sim.run_observed(steps, &mut watch) {
        Ok(done) if watch.interrupted => Some(format!("interrupted after {done} steps")),
        Ok(_) => None,
        Err(e) => {
            if let RunError::FixedPoint { pop, neuron, step, .. } = &e
                && let Some(p) = net.populations.iter().position(|q| q.name == *pop)
            {
                for eng in &mut watch.engines {
                    eng.overflowed(p, *neuron, *step);
                }
            }
            Some(e.to_string())
        }
    };
    let outcomes = watch
        .engines
        .iter()
        .map(|e| {
            let o = e.finish(true);
            match (&stopped, o.status) {
                (Some(why), crate::Status::Pass) => {
                    Outcome::inconclusive(o.bound, format!("the run stopped before {steps} steps: {why}"))
                }
                _ => o,
            }
        })
        .collect();
    SimRun { outcomes, trace: watch.trace, stopped }
}
