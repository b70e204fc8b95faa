//! Nested NIR graphs (a `NIRGraph` node inside a graph, as snnTorch writes a recurrent layer or
//! a tool writes a reused block) inlined into their parent: the inner nodes become nodes of the
//! parent named `GRAPH.NODE`, an edge into the nested graph goes to what its `Input` nodes
//! feed, and an edge out of it leaves from what feeds its `Output` nodes.

use crate::error::NirError;
use crate::model::{Graph, Kind};

/// Replaces the node `name` of `parent`, a nested graph, by the nodes and edges of `sub`
/// (already flattened itself).
pub fn inline(parent: &mut Graph, name: &str, sub: Graph) -> Result<(), NirError> {
    let prefixed = |n: &str| format!("{name}.{n}");
    let ports = |kind: Kind| -> Vec<String> {
        sub.nodes.iter().filter(|(_, n)| n.kind == kind).map(|(k, _)| prefixed(k)).collect()
    };
    let (inputs, outputs) = (ports(Kind::Input), ports(Kind::Output));
    for (a, b) in &parent.edges {
        if b == name && inputs.is_empty() {
            return Err(NirError::graph(format!(
                "the edge `{a}` → `{name}` enters the nested graph `{name}`, which has no `Input` node"
            )));
        }
        if a == name && outputs.is_empty() {
            return Err(NirError::graph(format!(
                "the edge `{name}` → `{b}` leaves the nested graph `{name}`, which has no `Output` node"
            )));
        }
    }
    for (inner, node) in sub.nodes {
        let full = prefixed(&inner);
        if parent.nodes.contains_key(&full) {
            return Err(NirError::graph(format!(
                "the nested graph `{name}` has a node `{inner}`, and its parent already has a node `{full}`"
            )));
        }
        parent.nodes.insert(full, node);
    }
    let mut edges = Vec::new();
    for (a, b) in std::mem::take(&mut parent.edges) {
        let from = if a == name { outputs.clone() } else { vec![a] };
        let to = if b == name { inputs.clone() } else { vec![b] };
        for f in &from {
            edges.extend(to.iter().map(|t| (f.clone(), t.clone())));
        }
    }
    edges.extend(sub.edges.iter().map(|(a, b)| (prefixed(a), prefixed(b))));
    parent.edges = edges;
    for port in inputs.iter().chain(&outputs) {
        splice(parent, port);
    }
    Ok(())
}

/// Removes the pass-through node `x`, joining each of its predecessors to each successor.
fn splice(graph: &mut Graph, x: &str) {
    let preds: Vec<String> = graph.edges.iter().filter(|(_, b)| b == x).map(|(a, _)| a.clone()).collect();
    let succs: Vec<String> = graph.edges.iter().filter(|(a, _)| a == x).map(|(_, b)| b.clone()).collect();
    graph.edges.retain(|(a, b)| a != x && b != x);
    for p in &preds {
        graph.edges.extend(succs.iter().map(|s| (p.clone(), s.clone())));
    }
    graph.nodes.remove(x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Tensor};

    fn io(kind: Kind, n: usize) -> Node {
        Node::new(kind, [("shape", Tensor::vector(vec![n as f64]))])
    }

    fn graph(nodes: Vec<(&str, Node)>, edges: &[(&str, &str)]) -> Graph {
        Graph {
            nodes: nodes.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            edges: edges.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            metadata: Default::default(),
        }
    }

    #[test]
    fn a_nested_graph_is_inlined_with_prefixed_names_and_its_ports_spliced_out() {
        let scale = || Node::new(Kind::Scale, [("scale", Tensor::vector(vec![2.0]))]);
        let sub = graph(
            vec![("input", io(Kind::Input, 1)), ("s", scale()), ("output", io(Kind::Output, 1))],
            &[("input", "s"), ("s", "output")],
        );
        let mut parent = graph(
            vec![("input", io(Kind::Input, 1)), ("output", io(Kind::Output, 1))],
            &[("input", "g"), ("g", "output")],
        );
        inline(&mut parent, "g", sub).unwrap();
        assert_eq!(parent.nodes.keys().collect::<Vec<_>>(), ["g.s", "input", "output"]);
        let mut edges = parent.edges.clone();
        edges.sort();
        assert_eq!(edges, [("g.s".to_string(), "output".to_string()), ("input".to_string(), "g.s".to_string())]);
    }

    #[test]
    fn an_edge_into_a_nested_graph_without_input_is_refused() {
        let sub = graph(vec![("output", io(Kind::Output, 1))], &[]);
        let mut parent = graph(vec![("input", io(Kind::Input, 1))], &[("input", "g")]);
        let e = inline(&mut parent, "g", sub).unwrap_err();
        assert_eq!(e.code, "E0723");
        assert!(e.message.contains("nested graph `g`"), "{}", e.message);
    }
}
