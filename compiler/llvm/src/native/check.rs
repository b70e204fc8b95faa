//! What a native library covers: f64 neuron models, connections without synapse models from
//! populations, Poisson, rate and replayed sources (the deterministic encodings too), current
//! stimuli. Everything else is refused here,
//! before any code is generated, with the construct named.

use super::Refusal;
use scn_runtime::ir::{Network, Source};

/// `Ok` when every construct of `net` has a native implementation.
pub fn check(net: &Network) -> Result<(), Refusal> {
    let keep = "run this network with `scn run` (the interpreter covers every construct)";
    for p in &net.populations {
        let m = &net.models[p.model];
        if m.fixed.is_some() {
            return Err(Refusal::unsupported(
                format!(
                    "population `{}` uses the fixed-point model `{}`, which native libraries do not support",
                    p.name, m.name
                ),
                Some(&m.name),
                format!("drop the model's `precision` block to build it in f64, or {keep}"),
            ));
        }
    }
    for pr in &net.projections {
        if let Some(s) = pr.synapse {
            let m = &net.models[s];
            return Err(Refusal::unsupported(
                format!(
                    "connection `{}` uses the synapse model `{}`, which native libraries do not support",
                    pr.name, m.name
                ),
                Some(&pr.name),
                format!("use a plain weighted connection, or {keep}"),
            ));
        }
        let kind = match &pr.source {
            Source::Population(_) | Source::Poisson { .. } | Source::Rate { .. } | Source::Replay { .. } => {
                continue;
            }
            Source::Stream { .. } => "a stochastic-computing stream",
        };
        return Err(Refusal::unsupported(
            format!("connection `{}` is driven by {kind}, which native libraries do not support", pr.name),
            Some("stimulus"),
            format!("drive it with a population, `poisson(…)`, `encode(…)` or `spikes(load(…))`, or {keep}"),
        ));
    }
    if !net.sc.outputs.is_empty() {
        return Err(Refusal::unsupported(
            format!("network `{}` has stochastic-computing outputs, which native libraries do not support", net.name),
            Some("output"),
            keep,
        ));
    }
    Ok(())
}
