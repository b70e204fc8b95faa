//! Reading and writing NIR graphs in NIR's HDF5 layout (as `nir.read`/`nir.write` use it):
//! a `version` string and a `node` group with `type = "NIRGraph"`, a `nodes` group of one group
//! per node (its `type` string and one dataset per field) and an `edges` dataset of string pairs.

use crate::error::NirError;
use crate::model::{Graph, Kind, Node, Tensor};
use hdf5::types::{TypeDescriptor, VarLenUnicode};
use hdf5_metno as hdf5;
use std::path::Path;

/// The NIR version this writer claims (the `nir` package it was tested with).
pub const NIR_VERSION: &str = "1.0.8";

/// Reads the NIR graph in `path`.
pub fn read(path: &Path) -> Result<Graph, NirError> {
    // The messages go into NirError; HDF5 should not print its own error stack.
    hdf5::silence_errors(true);
    let file =
        hdf5::File::open(path).map_err(|e| NirError::file(format!("cannot open `{}` as HDF5: {e}", path.display())))?;
    let root = file.group("node").map_err(|_| NirError::file(format!("`{}` has no `node` group", path.display())))?;
    let ty = read_string(&root, "type").map_err(|_| NirError::file("the `node` group has no `type`"))?;
    if ty != "NIRGraph" {
        return Err(NirError::unsupported("node", format!("the top node is a `{ty}`, not a `NIRGraph`")));
    }
    read_graph(&root)
}

fn read_graph(group: &hdf5::Group) -> Result<Graph, NirError> {
    let nodes_group = group.group("nodes").map_err(|_| NirError::file("the graph has no `nodes` group"))?;
    let mut graph = Graph::default();
    let mut nested = Vec::new();
    let names = nodes_group.member_names().map_err(|e| NirError::file(format!("cannot list the nodes: {e}")))?;
    for name in names {
        let g = nodes_group.group(&name).map_err(|_| NirError::field(&name, "type", "the node is not a group"))?;
        let ty = read_string(&g, "type").map_err(|_| NirError::field(&name, "type", "missing or not a string"))?;
        if ty == "NIRGraph" {
            nested.push((name, read_graph(&g)?));
        } else {
            graph.nodes.insert(name.clone(), read_node(&name, &ty, &g)?);
        }
    }
    graph.edges = read_edges(group)?;
    graph.metadata = read_metadata(group);
    for (name, sub) in nested {
        crate::flatten::inline(&mut graph, &name, sub)?;
    }
    Ok(graph)
}

fn read_node(name: &str, ty: &str, g: &hdf5::Group) -> Result<Node, NirError> {
    let kind =
        Kind::from_nir_name(ty).ok_or_else(|| NirError::unsupported(name, format!("unknown node type `{ty}`")))?;
    let mut fields = std::collections::BTreeMap::new();
    for &f in kind.required_fields() {
        let t = read_field(name, g, f)?.ok_or_else(|| NirError::field(name, f, "missing"))?;
        fields.insert(f.to_string(), t);
    }
    for &f in kind.optional_fields() {
        if let Some(t) = read_field(name, g, f)? {
            fields.insert(f.to_string(), t);
        }
    }
    Ok(Node { kind, fields })
}

/// Reads a numeric dataset; `Ok(None)` when absent. Flatten's `input_type` is a group holding
/// an `input` dataset.
fn read_field(node: &str, g: &hdf5::Group, field: &str) -> Result<Option<Tensor>, NirError> {
    if !g.link_exists(field) {
        return Ok(None);
    }
    let ds = match g.dataset(field) {
        Ok(ds) => ds,
        Err(_) => match g.group(field).and_then(|sub| sub.dataset("input")) {
            Ok(ds) => ds,
            Err(_) => return Err(NirError::field(node, field, "not a dataset")),
        },
    };
    let numeric = matches!(
        ds.dtype().and_then(|t| t.to_descriptor()),
        Ok(TypeDescriptor::Float(_)
            | TypeDescriptor::Integer(_)
            | TypeDescriptor::Unsigned(_)
            | TypeDescriptor::Boolean)
    );
    if !numeric {
        return Err(NirError::field(node, field, "not a number or an array of numbers"));
    }
    let data: Vec<f64> = ds.read_raw().map_err(|e| NirError::field(node, field, format!("cannot read: {e}")))?;
    Ok(Some(Tensor { shape: ds.shape(), data }))
}

fn read_edges(group: &hdf5::Group) -> Result<Vec<(String, String)>, NirError> {
    let ds = group.dataset("edges").map_err(|_| NirError::graph("the graph has no `edges` dataset"))?;
    let shape = ds.shape();
    if ds.size() == 0 {
        return Ok(Vec::new());
    }
    if shape.len() != 2 || shape[1] != 2 {
        return Err(NirError::graph(format!("`edges` has shape {shape:?}, expected (N, 2)")));
    }
    let flat: Vec<VarLenUnicode> =
        ds.read_raw().map_err(|e| NirError::graph(format!("`edges` is not a list of name pairs: {e}")))?;
    Ok(flat.chunks(2).map(|p| (p[0].as_str().to_string(), p[1].as_str().to_string())).collect())
}

/// Numeric scalars in the graph's `metadata` group (where tools put `dt`).
fn read_metadata(group: &hdf5::Group) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    if let Ok(meta) = group.group("metadata") {
        for name in meta.member_names().unwrap_or_default() {
            if let Ok(v) = meta.dataset(&name).and_then(|d| d.read_scalar::<f64>()) {
                out.insert(name, v);
            }
        }
    }
    out
}

fn read_string(g: &hdf5::Group, name: &str) -> hdf5::Result<String> {
    let ds = g.dataset(name)?;
    match ds.read_scalar::<VarLenUnicode>() {
        Ok(s) => Ok(s.as_str().to_string()),
        Err(_) => ds.read_scalar::<hdf5::types::VarLenAscii>().map(|s| s.as_str().to_string()),
    }
}

/// Writes `graph` to `path` in the layout `nir.read` reads.
pub fn write(path: &Path, graph: &Graph) -> Result<(), NirError> {
    let err = |e: hdf5::Error| NirError::file(format!("cannot write `{}`: {e}", path.display()));
    let file = hdf5::File::create(path).map_err(err)?;
    write_string(&file, "version", NIR_VERSION).map_err(err)?;
    let root = file.create_group("node").map_err(err)?;
    write_string(&root, "type", "NIRGraph").map_err(err)?;
    let nodes = root.create_group("nodes").map_err(err)?;
    for (name, node) in &graph.nodes {
        let g = nodes.create_group(name).map_err(err)?;
        write_string(&g, "type", node.kind.nir_name()).map_err(err)?;
        for (field, t) in &node.fields {
            let integer = matches!(
                field.as_str(),
                "shape"
                    | "stride"
                    | "padding"
                    | "dilation"
                    | "groups"
                    | "kernel_size"
                    | "input_shape"
                    | "start_dim"
                    | "end_dim"
            );
            if integer {
                let data: Vec<i64> = t.data.iter().map(|&x| x as i64).collect();
                let ds = g.new_dataset::<i64>().shape(t.shape.clone()).create(field.as_str()).map_err(err)?;
                ds.write_raw(&data).map_err(err)?;
            } else {
                let ds = g.new_dataset::<f64>().shape(t.shape.clone()).create(field.as_str()).map_err(err)?;
                ds.write_raw(&t.data).map_err(err)?;
            }
        }
    }
    if !graph.metadata.is_empty() {
        let meta = root.create_group("metadata").map_err(err)?;
        for (k, v) in &graph.metadata {
            meta.new_dataset::<f64>().create(k.as_str()).and_then(|d| d.write_scalar(v)).map_err(err)?;
        }
    }
    let flat: Vec<VarLenUnicode> =
        graph.edges.iter().flat_map(|(a, b)| [a, b]).map(|s| s.parse::<VarLenUnicode>().unwrap_or_default()).collect();
    let edges = root.new_dataset::<VarLenUnicode>().shape([graph.edges.len(), 2]).create("edges").map_err(err)?;
    if !flat.is_empty() {
        edges.write_raw(&flat).map_err(err)?;
    }
    Ok(())
}

fn write_string(g: &hdf5::Group, name: &str, value: &str) -> hdf5::Result<()> {
    let v: VarLenUnicode = value.parse().unwrap_or_default();
    g.new_dataset::<VarLenUnicode>().create(name)?.write_scalar(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_graph_reads_back_equal() {
        let mut g = Graph::default();
        g.nodes.insert("in".into(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![2.0]))]));
        g.nodes.insert(
            "fc".into(),
            Node::new(Kind::Linear, [("weight", Tensor::matrix(3, 2, vec![0.5, -1.0, 2.0, 0.0, 1e-7, 3.25]))]),
        );
        let v = |x: f64| Tensor::vector(vec![x; 3]);
        g.nodes.insert(
            "lif".into(),
            Node::new(
                Kind::Lif,
                [("tau", v(0.02)), ("r", v(1.0)), ("v_leak", v(-0.07)), ("v_threshold", v(0.1)), ("v_reset", v(0.0))],
            ),
        );
        g.nodes.insert("out".into(), Node::new(Kind::Output, [("shape", Tensor::vector(vec![3.0]))]));
        g.edges = vec![("in".into(), "fc".into()), ("fc".into(), "lif".into()), ("lif".into(), "out".into())];
        g.metadata.insert("dt".into(), 1e-4);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.nir");
        write(&path, &g).unwrap();
        assert_eq!(read(&path).unwrap(), g);
    }

    #[test]
    fn a_missing_file_is_e0720() {
        let e = read(Path::new("/nonexistent/graph.nir")).unwrap_err();
        assert_eq!(e.code, "E0720");
    }
}
