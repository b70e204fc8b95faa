//! Optional artefacts of `scn run` beyond the output directory: a plot ([`svg`]) and a value
//! change dump ([`vcd`]). Both read the same view of what was recorded ([`Recorded`]).

pub mod svg;
pub mod vcd;

use scn_runtime::interp::Simulation;
use scn_runtime::ir::{Monitor, Network};

/// Who owns a recorded state: a population or a projection (connection states).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// A population, by index.
    Pop(usize),
    /// A projection, by index.
    Proj(usize),
}

/// One monitored state variable (`a.v`), with every element recorded for it.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Its owner.
    pub owner: Owner,
    /// Owner name (population or projection).
    pub owner_name: String,
    /// State name.
    pub var: String,
    /// The state's SI unit as `scn-lower` spells it (`m^2*kg*s^-3*A^-1`, `1`).
    pub unit: String,
    /// Recorded elements (neurons or connections), sorted and distinct.
    pub elements: Vec<u64>,
}

/// What a run recorded, arranged for the writers.
pub struct Recorded {
    /// Populations whose spikes are recorded, in network order.
    pub spike_pops: Vec<usize>,
    /// Whether each population's spikes are recorded.
    pub spike_recorded: Vec<bool>,
    /// Monitored state variables, in first-monitor order; monitors of the same variable share one.
    pub traces: Vec<Trace>,
    /// For each monitor, the index of its trace (`None` for spike monitors).
    pub monitor_trace: Vec<Option<usize>>,
}

impl Recorded {
    /// Collects the recorded populations and state variables of `net` after a run of `sim`.
    pub fn new(net: &Network, sim: &Simulation<'_>) -> Recorded {
        let spike_recorded: Vec<bool> = (0..net.populations.len())
            .map(|p| net.monitors.iter().any(|m| matches!(m, Monitor::Spikes(list) if list.contains(&p))))
            .collect();
        let spike_pops = (0..net.populations.len()).filter(|&p| spike_recorded[p]).collect();
        let connections = sim.connection_counts();
        let mut traces: Vec<Trace> = Vec::new();
        let mut keys: Vec<(Owner, u16)> = Vec::new();
        let mut monitor_trace = Vec::new();
        for m in &net.monitors {
            let (owner, state, range) = match m {
                Monitor::Spikes(_) | Monitor::Rate { .. } => {
                    monitor_trace.push(None);
                    continue;
                }
                Monitor::State { pop, from, to, state, .. } => {
                    (Owner::Pop(*pop), *state, *from..(*to).min(net.populations[*pop].size))
                }
                Monitor::Synapse(s) => {
                    let n = connections.get(s.proj).copied().unwrap_or(0) as u64;
                    (Owner::Proj(s.proj), s.state, s.from..s.to.min(n))
                }
            };
            let index = match keys.iter().position(|k| *k == (owner, state)) {
                Some(i) => i,
                None => {
                    let (owner_name, model) = match owner {
                        Owner::Pop(p) => (net.populations[p].name.clone(), Some(net.populations[p].model)),
                        Owner::Proj(p) => (net.projections[p].name.clone(), net.projections[p].synapse),
                    };
                    let (var, unit) = model.map_or(("?".to_string(), "1".to_string()), |m| {
                        let model = &net.models[m];
                        let s = state as usize;
                        (
                            model.states.get(s).cloned().unwrap_or_else(|| "?".into()),
                            model.state_units.get(s).cloned().unwrap_or_default(),
                        )
                    });
                    let unit = if unit.is_empty() { "1".to_string() } else { unit };
                    keys.push((owner, state));
                    traces.push(Trace { owner, owner_name, var, unit, elements: Vec::new() });
                    keys.len() - 1
                }
            };
            traces[index].elements.extend(range);
            monitor_trace.push(Some(index));
        }
        for t in &mut traces {
            t.elements.sort_unstable();
            t.elements.dedup();
        }
        Recorded { spike_pops, spike_recorded, traces, monitor_trace }
    }
}

/// A decimal number with at most `decimals` places and no trailing zeros (`-0` is `0`).
pub fn decimal(value: f64, decimals: usize) -> String {
    let mut s = format!("{value:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimals_are_trimmed() {
        assert_eq!(decimal(1.5, 2), "1.5");
        assert_eq!(decimal(2.0, 2), "2");
        assert_eq!(decimal(-0.001, 2), "0");
        assert_eq!(decimal(12.346, 2), "12.35");
        assert_eq!(decimal(100.0, 0), "100");
    }
}
