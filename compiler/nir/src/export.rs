//! Checked SCN (its runtime IR) → NIR graph, for the networks NIR can express: populations of
//! the neuron models `scn import` writes (recognised by their lowered form, not their name),
//! connections of any rule without a synapse model (exported as dense `Linear`/`Affine`
//! weights, a uniform delay as a `Delay` node), replayed spike traces as `Input`s and
//! monitored populations as `Output`s. Anything else is refused, naming the first construct.

use crate::error::NirError;
use crate::import::{Reset, model_name, model_source};
use crate::model::{Graph, Kind, Node, Tensor};
use scn_runtime::interp::connect::build_projection;
use scn_runtime::interp::eval::{Draws, Frame, eval};
use scn_runtime::ir::{Model, Monitor, Network, Source};
use scn_runtime::random::Purpose;
use std::sync::OnceLock;

const NEURON_KINDS: [Kind; 7] =
    [Kind::Lif, Kind::CubaLif, Kind::Li, Kind::CubaLi, Kind::If, Kind::Integrator, Kind::Threshold];

/// The lowered form of every generated model, for both resets.
fn canonical_models() -> &'static Vec<(Kind, Reset, Model)> {
    static MODELS: OnceLock<Vec<(Kind, Reset, Model)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut out = Vec::new();
        for kind in NEURON_KINDS {
            let resets: &[Reset] =
                if kind.resets() { &[Reset::ToReset, Reset::Subtract, Reset::SubtractNext] } else { &[Reset::ToReset] };
            for &reset in resets {
                let src = format!(
                    "{}\nnetwork Canonical {{\n    dt = 1 ms\n    pop p = {}[1]\n}}\n",
                    model_source(kind, reset),
                    model_name(kind)
                );
                let analysis = scn_sema::check_source("canonical.scn", src, None, &scn_sema::Disk);
                let net = scn_lower::lower_network(&analysis, None).expect("the generated NIR models lower");
                out.push((kind, reset, net.models[net.populations[0].model].clone()));
            }
        }
        out
    })
}

/// The NIR kind a model is, if its lowered form is one of the generated models'.
fn kind_of(model: &Model) -> Option<(Kind, Reset)> {
    canonical_models()
        .iter()
        .find(|(_, _, m)| Model { name: model.name.clone(), ..m.clone() } == *model)
        .map(|(k, r, _)| (*k, *r))
}

/// The NIR fields of a neuron kind, as named in the generated model's parameters.
fn neuron_fields(kind: Kind) -> Vec<&'static str> {
    kind.required_fields().iter().chain(kind.optional_fields()).copied().collect()
}

/// Each neuron's parameter values, as the interpreter computes them before a run.
fn param_values(net: &Network, pop: usize) -> Vec<Vec<f64>> {
    let p = &net.populations[pop];
    let m = &net.models[p.model];
    let entity: u64 = net.populations[..pop].iter().map(|q| q.size).sum();
    let nlocals = p.override_lets.iter().map(|(l, _)| *l as usize + 1).max().unwrap_or(0).max(1);
    let inputs: Vec<f64> = m.inputs.iter().map(|port| port.default).collect();
    (0..p.size)
        .map(|i| {
            let draws = Draws { seed: net.seed, purpose: Purpose::InitialValues, entity: entity + i, step: 0 };
            let mut locals = vec![0.0; nlocals];
            let mut params = vec![0.0; m.params.len()];
            for (l, e) in &p.override_lets {
                locals[*l as usize] = eval(e, &Frame::new(&params, &[], &inputs, &locals, 0.0, net.dt, i, draws));
            }
            for k in 0..params.len() {
                let e = p.param_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.param_init[k], |(_, e)| e);
                params[k] = eval(e, &Frame::new(&params, &[], &inputs, &locals, 0.0, net.dt, i, draws));
            }
            params
        })
        .collect()
}

/// The NIR graph of a checked, lowered network.
pub fn export(net: &Network) -> Result<Graph, NirError> {
    if net.clocked {
        return Err(NirError::inexpressible(format!("the clocked network `{}` (NIR models need a `dt`)", net.name)));
    }
    if let Some(c) = net.currents.first() {
        let pop = &net.populations[c.target].name;
        return Err(NirError::inexpressible(format!("the current stimulus into `{pop}`")));
    }
    if !net.sc.streams.is_empty() || !net.sc.outputs.is_empty() {
        return Err(NirError::inexpressible("streams and stochastic-computing outputs"));
    }
    let mut graph = Graph::default();
    graph.metadata.insert("dt".into(), net.dt);
    let mut kinds = Vec::new();
    for p in &net.populations {
        let m = &net.models[p.model];
        let (kind, reset) = kind_of(m).ok_or_else(|| {
            NirError::inexpressible(format!(
                "population `{}` of model `{}`: only the neuron models `scn import` writes have NIR nodes",
                p.name, m.name
            ))
        })?;
        if !reset.is_nir() {
            return Err(NirError::inexpressible(format!(
                "the subtractive reset of population `{}` (NIR neurons reset to `v_reset`)",
                p.name
            )));
        }
        kinds.push(kind);
    }
    let mut biases: Vec<Vec<f64>> = Vec::new();
    for (k, (p, &kind)) in net.populations.iter().zip(&kinds).enumerate() {
        let m = &net.models[p.model];
        let values = param_values(net, k);
        let column = |name: &str| -> Vec<f64> {
            let slot = m.params.iter().position(|q| q == name).expect("generated models have their fields");
            values.iter().map(|v| v[slot]).collect()
        };
        let fields = neuron_fields(kind).into_iter().map(|f| (f, Tensor::vector(column(f))));
        graph.nodes.insert(p.name.clone(), Node::new(kind, fields));
        biases.push(column("bias"));
    }
    let mut bias_placed = vec![false; net.populations.len()];
    for (k, pr) in net.projections.iter().enumerate() {
        let target = &net.populations[pr.target];
        if pr.synapse.is_some() {
            return Err(NirError::inexpressible(format!("the synapse model of the connection into `{}`", target.name)));
        }
        let (source, n_src) = match &pr.source {
            Source::Population(s) => (net.populations[*s].name.clone(), net.populations[*s].size),
            Source::Replay { n, .. } => {
                let base = pr.name.strip_suffix(&format!("_to_{}", target.name)).unwrap_or(&pr.name);
                let name = if base.is_empty() { format!("input_{k}") } else { base.to_string() };
                graph.nodes.insert(name.clone(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![*n as f64]))]));
                (name, *n)
            }
            _ => {
                return Err(NirError::inexpressible(format!(
                    "the random or stream stimulus into `{}` (NIR inputs are data: use `spikes(load(…))`)",
                    target.name
                )));
            }
        };
        let csr = build_projection(net, k, pr);
        let n_tgt = target.size as usize;
        let mut w = vec![0.0; n_tgt * n_src as usize];
        for s in 0..n_src as usize {
            for c in csr.offsets[s] as usize..csr.offsets[s + 1] as usize {
                w[csr.target[c] as usize * n_src as usize + s] += csr.weight[c];
            }
        }
        let delay = csr.delay.first().copied().unwrap_or(0);
        if csr.delay.iter().any(|&d| d != delay) {
            return Err(NirError::inexpressible(format!("different delays within the connection `{}`", pr.name)));
        }
        let name = if pr.name.is_empty() { format!("{source}_to_{}", target.name) } else { pr.name.clone() };
        let weight = Tensor::matrix(n_tgt, n_src as usize, w);
        let node = if bias_placed[pr.target] || biases[pr.target].iter().all(|&b| b == 0.0) {
            Node::new(Kind::Linear, [("weight", weight)])
        } else {
            bias_placed[pr.target] = true;
            Node::new(Kind::Affine, [("weight", weight), ("bias", Tensor::vector(biases[pr.target].clone()))])
        };
        graph.nodes.insert(name.clone(), node);
        graph.edges.push((source, name.clone()));
        if delay > 0 {
            let d = format!("{name}_delay");
            let secs = Tensor::vector(vec![delay as f64 * net.dt; n_tgt]);
            graph.nodes.insert(d.clone(), Node::new(Kind::Delay, [("delay", secs)]));
            graph.edges.push((name, d.clone()));
            graph.edges.push((d, target.name.clone()));
        } else {
            graph.edges.push((name, target.name.clone()));
        }
    }
    if let Some(k) = (0..net.populations.len()).find(|&k| !bias_placed[k] && biases[k].iter().any(|&b| b != 0.0)) {
        return Err(NirError::inexpressible(format!(
            "the bias of population `{}`, which has no incoming connection to carry it",
            net.populations[k].name
        )));
    }
    outputs(net, &mut graph)?;
    Ok(graph)
}

/// One `Output` per monitored population.
fn outputs(net: &Network, graph: &mut Graph) -> Result<(), NirError> {
    let mut monitored: Vec<usize> = Vec::new();
    for m in &net.monitors {
        match m {
            Monitor::Spikes(pops) | Monitor::Rate { pops, .. } => monitored.extend(pops),
            Monitor::State { pop, .. } => monitored.push(*pop),
            Monitor::Synapse(_) => return Err(NirError::inexpressible("a monitor of connection states")),
        }
    }
    monitored.sort();
    monitored.dedup();
    for k in monitored {
        let p = &net.populations[k];
        let name = format!("{}_output", p.name);
        graph.nodes.insert(name.clone(), Node::new(Kind::Output, [("shape", Tensor::vector(vec![p.size as f64]))]));
        graph.edges.push((p.name.clone(), name));
    }
    Ok(())
}
