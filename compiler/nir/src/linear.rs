//! The linear part of a NIR graph: chains of `Affine`, `Linear`, `Scale`, `Flatten`, `Delay`,
//! `Conv1d`, `Conv2d`, `SumPool2d` and `AvgPool2d` nodes between a spike source and a neuron are composed into one dense matrix, one
//! bias and one delay per (source, delay), exactly (NIR sums the inputs of a node).

use crate::conv::{self, SparseMap};
use crate::error::NirError;
use crate::model::{Graph, Kind};

/// The composed map from one source's spikes to a node's input.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The source node (an `Input` or a spiking neuron).
    pub source: String,
    /// Rows (target elements).
    pub rows: usize,
    /// Columns (source elements).
    pub cols: usize,
    /// Row-major `rows × cols` weights.
    pub weight: Vec<f64>,
    /// A constant added to every step's input (from `Affine` biases).
    pub bias: Vec<f64>,
    /// Delay in seconds.
    pub delay: f64,
    /// The tensor shape of the path's output (what a convolution or pooling reads).
    pub shape: Vec<usize>,
}

/// The paths into `node` from its spike sources, merged by (source, delay).
pub fn paths_into(graph: &Graph, node: &str) -> Result<Vec<Path>, NirError> {
    let mut out: Vec<Path> = Vec::new();
    for p in graph.predecessors(node) {
        for path in paths_from(graph, p, 0)? {
            merge(&mut out, path)?;
        }
    }
    Ok(out)
}

fn merge(out: &mut Vec<Path>, path: Path) -> Result<(), NirError> {
    if let Some(q) = out.iter_mut().find(|q| q.source == path.source && q.delay == path.delay) {
        if q.rows != path.rows || q.cols != path.cols {
            return Err(NirError::graph(format!(
                "two paths from `{}` disagree on their shape ({}×{} and {}×{})",
                path.source, q.rows, q.cols, path.rows, path.cols
            )));
        }
        q.weight.iter_mut().zip(&path.weight).for_each(|(a, b)| *a += b);
        q.bias.iter_mut().zip(&path.bias).for_each(|(a, b)| *a += b);
    } else {
        out.push(path);
    }
    Ok(())
}

/// The paths that leave `node` (its output as a linear function of spike sources).
fn paths_from(graph: &Graph, node: &str, depth: usize) -> Result<Vec<Path>, NirError> {
    if depth > graph.nodes.len() {
        return Err(NirError::graph(format!("node `{node}` is on a cycle with no neuron on it")));
    }
    let n = graph
        .nodes
        .get(node)
        .ok_or_else(|| NirError::graph(format!("an edge starts at `{node}`, which is not a node")))?;
    match n.kind {
        Kind::Input => return Ok(vec![identity(node, n.field("shape").as_usizes())?]),
        k if k.spikes() => {
            let t = n.field(k.threshold_field());
            let shape = if t.shape.is_empty() { vec![1] } else { t.shape.clone() };
            return Ok(vec![identity(node, shape)?]);
        }
        k if k.is_neuron() => {
            return Err(NirError::unsupported(
                node,
                format!(
                    "the continuous output of a `{}` feeds other nodes; only spiking neurons and inputs can",
                    k.nir_name()
                ),
            ));
        }
        Kind::Output => return Err(NirError::graph(format!("an edge leaves the output `{node}`"))),
        _ => {}
    }
    let mut incoming: Vec<Path> = Vec::new();
    for p in graph.predecessors(node) {
        for path in paths_from(graph, p, depth + 1)? {
            merge(&mut incoming, path)?;
        }
    }
    incoming.into_iter().map(|p| apply(node, n, p)).collect()
}

/// The largest source composed densely (its identity map has n² entries).
pub const MAX_SOURCE: usize = 4096;

fn identity(source: &str, shape: Vec<usize>) -> Result<Path, NirError> {
    let n: usize = shape.iter().product();
    if n > MAX_SOURCE {
        return Err(NirError::unsupported(
            source,
            format!("{n} elements; the importer composes sources of up to {MAX_SOURCE} elements"),
        ));
    }
    let mut weight = vec![0.0; n * n];
    (0..n).for_each(|i| weight[i * n + i] = 1.0);
    Ok(Path { source: source.to_string(), rows: n, cols: n, weight, bias: vec![0.0; n], delay: 0.0, shape })
}

/// Applies a sparse linear map to a path.
fn apply_sparse(mut p: Path, map: SparseMap) -> Path {
    let rows: usize = map.shape.iter().product();
    let mut weight = vec![0.0; rows * p.cols];
    let mut bias = map.bias;
    for &(o, i, coef) in &map.terms {
        for c in 0..p.cols {
            weight[o * p.cols + c] += coef * p.weight[i * p.cols + c];
        }
        bias[o] += coef * p.bias[i];
    }
    p.rows = rows;
    p.weight = weight;
    p.bias = bias;
    p.shape = map.shape;
    p
}

/// Applies one linear node to a path.
fn apply(name: &str, n: &crate::model::Node, mut p: Path) -> Result<Path, NirError> {
    match n.kind {
        Kind::Affine | Kind::Linear => {
            let w = n.field("weight");
            if w.shape.len() != 2 || w.shape[1] != p.rows {
                return Err(NirError::field(
                    name,
                    "weight",
                    format!("shape {:?} does not take an input of {} elements", w.shape, p.rows),
                ));
            }
            let rows = w.shape[0];
            let mut weight = vec![0.0; rows * p.cols];
            let mut bias = vec![0.0; rows];
            for r in 0..rows {
                for k in 0..p.rows {
                    let a = w.data[r * p.rows + k];
                    if a != 0.0 {
                        for c in 0..p.cols {
                            weight[r * p.cols + c] += a * p.weight[k * p.cols + c];
                        }
                        bias[r] += a * p.bias[k];
                    }
                }
            }
            if n.kind == Kind::Affine {
                let b = n.field("bias");
                if b.len() != rows {
                    return Err(NirError::field(
                        name,
                        "bias",
                        format!("{} elements, the weight has {rows} rows", b.len()),
                    ));
                }
                bias.iter_mut().zip(&b.data).for_each(|(x, y)| *x += y);
            }
            p.rows = rows;
            p.weight = weight;
            p.bias = bias;
            p.shape = vec![rows];
        }
        Kind::Conv1d => return conv::conv(name, n, &p.shape.clone(), 1).map(|m| apply_sparse(p, m)),
        Kind::Conv2d => return conv::conv(name, n, &p.shape.clone(), 2).map(|m| apply_sparse(p, m)),
        Kind::SumPool2d => return conv::pool(name, n, &p.shape.clone(), false).map(|m| apply_sparse(p, m)),
        Kind::AvgPool2d => return conv::pool(name, n, &p.shape.clone(), true).map(|m| apply_sparse(p, m)),
        Kind::Scale => {
            let s = n.field("scale");
            let at = |r: usize| if s.len() == 1 { Some(s.data[0]) } else { s.data.get(r).copied() };
            if s.len() != 1 && s.len() != p.rows {
                return Err(NirError::field(name, "scale", format!("{} elements for an input of {}", s.len(), p.rows)));
            }
            for r in 0..p.rows {
                let f = at(r).unwrap_or(1.0);
                p.weight[r * p.cols..(r + 1) * p.cols].iter_mut().for_each(|x| *x *= f);
                p.bias[r] *= f;
            }
        }
        Kind::Flatten => p.shape = conv::flatten(name, n, &p.shape)?,
        Kind::Delay => {
            let d = n.field("delay");
            let first = d.data.first().copied().unwrap_or(0.0);
            if d.data.iter().any(|&x| x != first) {
                return Err(NirError::unsupported(
                    name,
                    "field `delay`: different delays per element are not imported",
                ));
            }
            if first < 0.0 {
                return Err(NirError::field(name, "delay", "negative"));
            }
            p.delay += first;
        }
        k => {
            return Err(NirError::unsupported(name, format!("`{}` nodes are not imported yet", k.nir_name())));
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Tensor};

    fn lif(n: usize) -> Node {
        let v = |x: f64| Tensor::vector(vec![x; n]);
        Node::new(Kind::Lif, [("tau", v(0.01)), ("r", v(1.0)), ("v_leak", v(0.0)), ("v_threshold", v(1.0))])
    }

    #[test]
    fn affine_after_scale_composes_and_parallel_paths_sum() {
        let mut g = Graph::default();
        g.nodes.insert("in".into(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![2.0]))]));
        g.nodes.insert("s".into(), Node::new(Kind::Scale, [("scale", Tensor::vector(vec![2.0, 3.0]))]));
        let w = Tensor::matrix(1, 2, vec![1.0, -1.0]);
        g.nodes
            .insert("a".into(), Node::new(Kind::Affine, [("weight", w.clone()), ("bias", Tensor::vector(vec![0.5]))]));
        g.nodes.insert("l".into(), Node::new(Kind::Linear, [("weight", w)]));
        g.nodes.insert("n".into(), lif(1));
        for (a, b) in [("in", "s"), ("s", "a"), ("in", "l"), ("a", "n"), ("l", "n")] {
            g.edges.push((a.into(), b.into()));
        }
        let p = paths_into(&g, "n").unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].weight, vec![2.0 + 1.0, -3.0 - 1.0]);
        assert_eq!(p[0].bias, vec![0.5]);
    }

    #[test]
    fn a_weight_of_the_wrong_shape_names_node_and_field() {
        let mut g = Graph::default();
        g.nodes.insert("in".into(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![3.0]))]));
        g.nodes.insert("fc".into(), Node::new(Kind::Linear, [("weight", Tensor::matrix(1, 2, vec![1.0, 1.0]))]));
        g.nodes.insert("n".into(), lif(1));
        g.edges = vec![("in".into(), "fc".into()), ("fc".into(), "n".into())];
        let e = paths_into(&g, "n").unwrap_err();
        assert_eq!(e.code, "E0721");
        assert!(e.message.contains("`fc`, field `weight`"), "{}", e.message);
    }
}
