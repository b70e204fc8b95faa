//! Spike traces in the `scn run` schema (`step,time_ms,population,neuron`): the run of a
//! monitored simulation, a counterexample cut at its violation, and the replayer's input.
//! A spiking stimulus's emissions are rows whose population is the stimulus's name.

use scn_runtime::ir::Network;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Spikes and stimulus emissions of a run, with the names to print them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// How many steps the trace covers.
    pub steps: u64,
    /// Spikes: step, population, neuron, in step order.
    pub spikes: Vec<(u64, usize, u64)>,
    /// Stimulus emissions: step, projection, in step order.
    pub stimuli: Vec<(u64, usize)>,
    pop_names: Vec<String>,
    proj_names: Vec<String>,
    dt: Option<f64>,
}

impl Trace {
    /// An empty trace of `net`'s populations and stimuli.
    pub fn new(net: &Network) -> Self {
        Trace {
            steps: 0,
            spikes: Vec::new(),
            stimuli: Vec::new(),
            pop_names: net.populations.iter().map(|p| p.name.clone()).collect(),
            proj_names: net.projections.iter().map(|p| p.name.clone()).collect(),
            dt: (!net.clocked).then_some(net.dt),
        }
    }

    fn time_ms(&self, step: u64) -> Option<f64> {
        self.dt.map(|dt| step as f64 * dt * 1e3)
    }

    /// The rows of the trace up to and including step `last`, in the trace schema: a spike is
    /// `(step, time_ms, population, neuron)`, a stimulus emission names the stimulus with
    /// neuron 0; stimulus rows come first within a step. `time_ms` is empty for a clocked network.
    pub fn rows(&self, last: u64) -> Vec<Row> {
        let mut out = Vec::new();
        let mut stim = self.stimuli.iter().peekable();
        let row = |step: u64, who: &str, neuron: u64| Row {
            step,
            time_ms: self.time_ms(step),
            population: who.to_string(),
            neuron,
        };
        for &(step, pop, n) in self.spikes.iter().take_while(|s| s.0 <= last) {
            while let Some(&&(s, k)) = stim.peek()
                && s <= step
            {
                out.push(row(s, &self.proj_names[k], 0));
                stim.next();
            }
            out.push(row(step, &self.pop_names[pop], n));
        }
        for &(s, k) in stim.take_while(|x| x.0 <= last) {
            out.push(row(s, &self.proj_names[k], 0));
        }
        out
    }

    /// The trace up to and including step `last` as CSV (stimulus rows first within a step).
    pub fn to_csv(&self, last: u64) -> String {
        let mut out = String::from("step,time_ms,population,neuron\n");
        for r in self.rows(last) {
            let _ = writeln!(
                out,
                "{},{},{},{}",
                r.step,
                r.time_ms.map(ms_text).unwrap_or_default(),
                r.population,
                r.neuron
            );
        }
        out
    }

    /// Reads a CSV trace of `net`: rows name a population (with a neuron index) or a
    /// spiking stimulus. `steps` is how long the trace is (default: one past its last row).
    pub fn from_csv(net: &Network, text: &str, steps: Option<u64>) -> Result<Trace, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim() == "step,time_ms,population,neuron" => {}
            _ => return Err("the first line must be the header `step,time_ms,population,neuron`".into()),
        }
        let mut rows = Vec::new();
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            let bad = |what: &str| format!("line {}: {what}", i + 1);
            let [step, _, who, neuron] = f[..] else { return Err(bad("expected 4 fields")) };
            let step: u64 = step.parse().map_err(|_| bad("the step is not a whole number"))?;
            let neuron: u64 = neuron.parse().map_err(|_| bad("the neuron is not a whole number"))?;
            rows.push((format!("line {}", i + 1), step, who.to_string(), neuron));
        }
        Trace::from_rows(net, rows, steps)
    }

    /// A trace of `net` from rows `(where, step, population or stimulus, neuron)` in step order;
    /// `where` names the row in an error. `steps` is how long the trace is (default: one past
    /// its last row).
    pub fn from_rows(
        net: &Network,
        rows: impl IntoIterator<Item = (String, u64, String, u64)>,
        steps: Option<u64>,
    ) -> Result<Trace, String> {
        let mut t = Trace::new(net);
        let mut last = 0;
        for (at, step, who, neuron) in rows {
            let bad = |what: &str| format!("{at}: {what}");
            if step < last {
                return Err(bad("rows must be in step order"));
            }
            last = step;
            if let Some(p) = t.pop_names.iter().position(|n| *n == who) {
                if neuron >= net.populations[p].size {
                    return Err(bad(&format!("`{who}` has {} neurons", net.populations[p].size)));
                }
                t.spikes.push((step, p, neuron));
            } else if let Some(k) = t.proj_names.iter().position(|n| *n == who) {
                t.stimuli.push((step, k));
            } else {
                return Err(bad(&format!("`{who}` is neither a population nor a stimulus of `{}`", net.name)));
            }
        }
        let end = t.spikes.last().map(|s| s.0).into_iter().chain(t.stimuli.last().map(|s| s.0)).max();
        t.steps = match (steps, end) {
            (Some(n), Some(e)) if n <= e => return Err(format!("the trace has rows at step {e}, past its {n} steps")),
            (Some(n), _) => n,
            (None, Some(e)) => e + 1,
            (None, None) => 0,
        };
        Ok(t)
    }
}

/// One row of the trace schema (`step,time_ms,population,neuron`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The step.
    pub step: u64,
    /// `step × dt` in milliseconds, none for a clocked network (informative: the step decides).
    #[serde(default)]
    pub time_ms: Option<f64>,
    /// A population, or a spiking stimulus (whose neuron is 0).
    pub population: String,
    /// The neuron.
    pub neuron: u64,
}

/// Milliseconds as a short decimal (at most six places, no trailing zeros).
fn ms_text(ms: f64) -> String {
    let mut s = format!("{ms:.6}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}
