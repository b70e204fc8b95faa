//! NIR graph → SCN source: one generated neuron model per NIR neuron kind (its ODE written
//! out, solved with Euler at the chosen `dt`, its reset written explicitly), one population per
//! neuron or `Threshold` node, one connection per composed linear path (weights in a table file
//! read by connection index), a replayed spike trace per `Input` and a monitor per `Output`.

use crate::error::NirError;
use crate::linear::{Path, paths_into};
use crate::model::{Graph, Kind, Node, Tensor};
use std::fmt::Write;

/// What happens to the membrane after a spike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reset {
    /// `v = v_reset` (NIR's definition).
    ToReset,
    /// `v -= v_threshold - v_reset` in the step of the spike (Lava's subtractive reset, and
    /// snnTorch's with `reset_delay=False` while the membrane after a reset stays ≤ threshold).
    Subtract,
    /// `v_threshold - v_reset` subtracted in the step after the spike, after the decay
    /// (snnTorch's default, `reset_delay=True`: mem[t+1] = β mem[t] + x − θ). Written as a
    /// subtraction of (v_threshold − v_reset) / β in the step of the spike, β = 1 − dt/τ the
    /// Euler decay of one step, which gives the same membrane after the next decay.
    SubtractNext,
}

impl Reset {
    /// Whether NIR can express the reset (only its own, `v = v_reset`).
    pub fn is_nir(self) -> bool {
        self == Reset::ToReset
    }
}

/// Choices the NIR file leaves open.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Time step in seconds, when the file's metadata has none.
    pub dt: Option<f64>,
    /// The reset after a spike.
    pub reset: Reset,
    /// The network's name.
    pub network: String,
    /// Where the file came from (for the header comment).
    pub origin: String,
}

/// Names that are not keywords but that a model or network reads implicitly, so an imported
/// identifier must not take them.
const IMPLICIT_NAMES: &[&str] = &["dt", "t", "index", "spike", "pre", "post", "true", "false"];

/// Whether `s` is a keyword of the grammar (hard or contextual) or an implicit name.
fn reserved(s: &str) -> bool {
    scn_grammar::lexer::token::KEYWORDS.iter().any(|(k, _)| *k == s) || IMPLICIT_NAMES.contains(&s)
}

/// An SCN identifier for a NIR name (invalid characters become `_`; keywords get a `_` suffix).
pub fn ident(name: &str) -> String {
    let mut s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "n_");
    }
    if reserved(&s) {
        s.push('_');
    }
    s
}

/// The SCN model name of a neuron kind.
pub fn model_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Lif => "NirLif",
        Kind::CubaLif => "NirCubaLif",
        Kind::Li => "NirLi",
        Kind::CubaLi => "NirCubaLi",
        Kind::If => "NirIf",
        Kind::Threshold => "NirThreshold",
        _ => "NirIntegrator",
    }
}

/// The unit each neuron field is written in (NIR's SI convention).
pub fn field_unit(field: &str) -> &'static str {
    match field {
        "tau" | "tau_mem" | "tau_syn" => "s",
        "r" => "ohm",
        "v_leak" | "v_threshold" | "v_reset" => "V",
        "bias" | "threshold" => "A",
        _ => "",
    }
}

/// An imported network: the SCN source and the weight tables it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The SCN source, formatted.
    pub source: String,
    /// The data files the source loads, `(file name, contents)`, to be written beside it.
    pub tables: Vec<(String, String)>,
}

/// The SCN source of `graph` and the weight tables it reads.
pub fn import(graph: &Graph, opts: &Options) -> Result<Imported, NirError> {
    let dt = graph.metadata.get("dt").copied().or(opts.dt).ok_or_else(NirError::no_dt)?;
    if !(dt > 0.0 && dt.is_finite()) {
        return Err(NirError::field("metadata", "dt", format!("{dt} is not a positive time")));
    }
    check_edges(graph)?;
    let mut kinds: Vec<Kind> = graph.nodes.values().filter(|n| n.kind.is_neuron()).map(|n| n.kind).collect();
    kinds.sort();
    kinds.dedup();
    let reset = match opts.reset {
        Reset::ToReset => "to `v_reset` (NIR)",
        Reset::Subtract => "by subtraction of `v_threshold - v_reset`",
        Reset::SubtractNext => {
            "by subtraction of `v_threshold - v_reset` after the next step's decay (snnTorch's `reset_delay=True`)"
        }
    };
    let mut src = String::new();
    let _ = writeln!(src, "// Imported from {} by `scn import` (docs/nir.md).", opts.origin);
    let _ = writeln!(src, "// Time step {dt} s; after a spike the membrane resets {reset}.");
    let _ = writeln!(src, "// Units: NIR's SI convention (time in s, potentials in V, currents in A, r in ohm).");
    for &k in &kinds {
        src.push('\n');
        src.push_str(&model_source(k, opts.reset));
    }
    let mut out = Out { fns: String::new(), net: String::new(), tables: Vec::new(), network: ident(&opts.network) };
    let _ = writeln!(out.net, "network {} {{", out.network);
    let _ = writeln!(out.net, "dt = {} s", num(dt));
    for (name, node) in graph.nodes.iter().filter(|(_, n)| n.kind.is_neuron()) {
        population(name, node, graph, dt, &mut out)?;
    }
    let Out { fns, mut net, tables, .. } = out;
    for (name, node) in graph.nodes.iter().filter(|(_, n)| n.kind == Kind::Output) {
        output(name, node, graph, &mut net)?;
    }
    net.push_str("}\n");
    src.push_str(&fns);
    src.push('\n');
    src.push_str(&net);
    let source = scn_fmt::format_source(&src)
        .map_err(|d| NirError::graph(format!("internal error: the generated SCN does not parse: {}", d[0].message)))?;
    Ok(Imported { source, tables })
}

/// What the import writes: generated functions, the network body and the weight tables.
struct Out {
    fns: String,
    net: String,
    tables: Vec<(String, String)>,
    network: String,
}

fn check_edges(graph: &Graph) -> Result<(), NirError> {
    for (a, b) in &graph.edges {
        for n in [a, b] {
            if !graph.nodes.contains_key(n) {
                return Err(NirError::graph(format!("the edge `{a}` → `{b}` names `{n}`, which is not a node")));
            }
        }
    }
    Ok(())
}

/// A parameter of a generated model: name, type, default.
type Param = (&'static str, &'static str, &'static str);

/// A generated model: doc line, parameters, states, ODEs.
type Template = (&'static str, &'static [Param], &'static [&'static str], &'static [&'static str]);

/// The generated SCN model of a NIR `Threshold` node: stateless, it spikes in every step whose
/// input exceeds the threshold.
const THRESHOLD_SOURCE: &str = "\
/// NIR `Threshold`: y = H(x - threshold); a spike in every step whose input exceeds the threshold.
/// Input arriving in a step is compared in the next step only.
neuron NirThreshold {
param threshold: current = 1 A
/// Constant input (the sum of the `Affine` biases before this node).
param bias: current = 0 A
/// The input compared in this step.
state x: current = 0 A
/// The input arriving for the next step.
state i: current = 0 A
input syn: spike(current)
on syn(w) { i += w }
next x = i + bias
next i = 0 A
on x > threshold { emit spike }
}
";

/// The generated SCN model of a NIR neuron kind.
pub fn model_source(kind: Kind, reset: Reset) -> String {
    if kind == Kind::Threshold {
        return THRESHOLD_SOURCE.to_string();
    }
    let spikes = kind.spikes();
    let (doc, params, states, odes): Template = match kind {
        Kind::Lif => (
            "NIR `LIF`: tau dv/dt = (v_leak - v) + r i; a spike when v > v_threshold.",
            &[
                ("tau", "time", "1 ms"),
                ("r", "resistance", "1 ohm"),
                ("v_leak", "voltage", "0 V"),
                ("v_threshold", "voltage", "1 V"),
                ("v_reset", "voltage", "0 V"),
            ],
            &["v: voltage = 0 V"],
            &["dv/dt = (v_leak - v + r * (i + bias)) / tau"],
        ),
        Kind::Li => (
            "NIR `LI`: tau dv/dt = (v_leak - v) + r i.",
            &[("tau", "time", "1 ms"), ("r", "resistance", "1 ohm"), ("v_leak", "voltage", "0 V")],
            &["v: voltage = 0 V"],
            &["dv/dt = (v_leak - v + r * (i + bias)) / tau"],
        ),
        Kind::CubaLif => (
            "NIR `CubaLIF`: tau_syn di_syn/dt = -i_syn + w_in i; tau_mem dv/dt = (v_leak - v) + r i_syn; a spike when v > v_threshold.",
            &[
                ("tau_mem", "time", "1 ms"),
                ("tau_syn", "time", "1 ms"),
                ("r", "resistance", "1 ohm"),
                ("v_leak", "voltage", "0 V"),
                ("v_threshold", "voltage", "1 V"),
                ("v_reset", "voltage", "0 V"),
                ("w_in", "dimensionless", "1"),
            ],
            &["v: voltage = 0 V", "i_syn: current = 0 A"],
            &["di_syn/dt = (w_in * (i + bias) - i_syn) / tau_syn", "dv/dt = (v_leak - v + r * i_syn) / tau_mem"],
        ),
        Kind::CubaLi => (
            "NIR `CubaLI`: tau_syn di_syn/dt = -i_syn + w_in i; tau_mem dv/dt = (v_leak - v) + r i_syn.",
            &[
                ("tau_mem", "time", "1 ms"),
                ("tau_syn", "time", "1 ms"),
                ("r", "resistance", "1 ohm"),
                ("v_leak", "voltage", "0 V"),
                ("w_in", "dimensionless", "1"),
            ],
            &["v: voltage = 0 V", "i_syn: current = 0 A"],
            &["di_syn/dt = (w_in * (i + bias) - i_syn) / tau_syn", "dv/dt = (v_leak - v + r * i_syn) / tau_mem"],
        ),
        Kind::If => (
            "NIR `IF`: dv/dt = r i (per second); a spike when v > v_threshold.",
            &[("r", "resistance", "1 ohm"), ("v_threshold", "voltage", "1 V"), ("v_reset", "voltage", "0 V")],
            &["v: voltage = 0 V"],
            &["dv/dt = r * (i + bias) / 1 s"],
        ),
        _ => (
            "NIR `I` (integrator): dv/dt = r i (per second).",
            &[("r", "resistance", "1 ohm")],
            &["v: voltage = 0 V"],
            &["dv/dt = r * (i + bias) / 1 s"],
        ),
    };
    let mut s = String::new();
    let _ = writeln!(s, "/// {doc}");
    let _ = writeln!(s, "/// Input arriving in a step is held for the next integration step only.");
    let _ = writeln!(s, "neuron {} {{", model_name(kind));
    for (n, t, d) in params {
        let _ = writeln!(s, "param {n}: {t} = {d}");
    }
    let _ = writeln!(s, "/// Constant input (the sum of the `Affine` biases before this node).");
    let _ = writeln!(s, "param bias: current = 0 A");
    for st in states {
        let _ = writeln!(s, "state {st}");
    }
    let _ = writeln!(s, "/// The input of the current step.");
    let _ = writeln!(s, "state i: current = 0 A");
    let _ = writeln!(s, "input syn: spike(current)");
    let _ = writeln!(s, "on syn(w) {{ i += w }}");
    for o in odes {
        let _ = writeln!(s, "{o}");
    }
    let _ = writeln!(s, "next i = 0 A");
    if spikes {
        match reset {
            Reset::ToReset => {
                let _ = writeln!(s, "on v > v_threshold {{ v = v_reset; emit spike }}");
            }
            Reset::Subtract => {
                let _ = writeln!(s, "on v > v_threshold {{ v -= v_threshold - v_reset; emit spike }}");
            }
            Reset::SubtractNext => {
                let _ = writeln!(
                    s,
                    "/// The reset divided by the decay of one step, so that the next decay leaves `v` lowered by `v_threshold - v_reset`."
                );
                let _ =
                    writeln!(s, "on v > v_threshold {{ v -= (v_threshold - v_reset) / {}; emit spike }}", decay(kind));
            }
        }
    }
    let _ = writeln!(s, "solver euler");
    let _ = writeln!(s, "}}");
    s
}

/// The factor by which one Euler step of `kind` scales `v` (without input).
fn decay(kind: Kind) -> &'static str {
    match kind {
        Kind::Lif => "(1 - dt / tau)",
        Kind::CubaLif => "(1 - dt / tau_mem)",
        _ => "1",
    }
}

/// Shortest decimal that reads back as `x`.
fn num(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('e') { format!("{x:e}") } else { s }
}

fn quantity(x: f64, unit: &str) -> String {
    if unit.is_empty() { num(x) } else { format!("{} {unit}", num(x)) }
}

/// A value per element: a constant when all agree, else a generated function of the index.
fn per_index(values: &[f64], unit: &str, ty: &str, fn_name: &str, fns: &mut String) -> String {
    let first = values.first().copied().unwrap_or(0.0);
    if values.iter().all(|&v| v == first) {
        return quantity(first, unit);
    }
    let _ = writeln!(fns, "\nfn {fn_name}(k: int) -> {ty} = {}", tree(values, 0, unit));
    format!("{fn_name}(index)")
}

/// A balanced `if` tree selecting `values[k]` (depth log₂ n).
fn tree(values: &[f64], offset: usize, unit: &str) -> String {
    if values.len() == 1 {
        return quantity(values[0], unit);
    }
    let mid = values.len() / 2;
    format!(
        "if k < {} {{ {} }} else {{ {} }}",
        offset + mid,
        tree(&values[..mid], offset, unit),
        tree(&values[mid..], offset + mid, unit)
    )
}

fn ty_of(field: &str) -> &'static str {
    match field_unit(field) {
        "s" => "time",
        "ohm" => "resistance",
        "V" => "voltage",
        "A" => "current",
        _ => "dimensionless",
    }
}

fn population(name: &str, node: &Node, graph: &Graph, dt: f64, out: &mut Out) -> Result<(), NirError> {
    let fields: Vec<&str> = node.kind.required_fields().iter().chain(node.kind.optional_fields()).copied().collect();
    let n = node.field(node.kind.required_fields()[0]).len();
    let pop = ident(name);
    let mut overrides = Vec::new();
    for f in fields {
        let Some(t) = node.fields.get(f) else { continue };
        let values = broadcast(name, f, t, n)?;
        overrides.push(format!(
            "{f} = {}",
            per_index(&values, field_unit(f), ty_of(f), &format!("{pop}_{f}"), &mut out.fns)
        ));
    }
    let paths = paths_into(graph, name)?;
    let mut bias = vec![0.0; n];
    for p in &paths {
        if p.rows != n {
            return Err(NirError::graph(format!(
                "`{}` sends {} values into `{name}`, which has {n} neurons",
                p.source, p.rows
            )));
        }
        bias.iter_mut().zip(&p.bias).for_each(|(a, b)| *a += b);
    }
    if bias.iter().any(|&b| b != 0.0) {
        overrides.push(format!("bias = {}", per_index(&bias, "A", "current", &format!("{pop}_bias"), &mut out.fns)));
    }
    let _ = writeln!(out.net, "pop {pop} = {}[{n}] {{ {} }}", model_name(node.kind), overrides.join(", "));
    for p in &paths {
        connection(&pop, p, graph, dt, out)?;
    }
    Ok(())
}

/// A field's values for `n` neurons (a scalar applies to all).
fn broadcast(node: &str, field: &str, t: &Tensor, n: usize) -> Result<Vec<f64>, NirError> {
    match t.len() {
        1 => Ok(vec![t.data[0]; n]),
        k if k == n => Ok(t.data.clone()),
        k => Err(NirError::field(node, field, format!("{k} elements, the node has {n} neurons"))),
    }
}

/// The most weights one imported connection may have (its table is read into a lookup tree of
/// about 160 bytes per weight when the network is lowered).
pub const MAX_WEIGHTS: usize = 1 << 20;

/// The weights of a connection by connection index (rule `all`: connection k joins source
/// k / rows to target k % rows), as SCN source: a constant when all are equal and the source
/// is a neuron node, else a table file `NETWORK.CONNECTION.weight.csv` read with
/// `load(…)[index]`. A stimulus always reads a table, so that a trace with more channels than
/// the NIR input is refused (E0707) instead of reading weights it does not have.
fn weights(p: &Path, name: &str, input: bool, out: &mut Out) -> String {
    let mut by_conn = vec![0.0; p.rows * p.cols];
    for r in 0..p.rows {
        for c in 0..p.cols {
            by_conn[c * p.rows + r] = p.weight[r * p.cols + c];
        }
    }
    if !input && by_conn.iter().all(|&w| w == by_conn[0]) {
        return quantity(by_conn[0], "A");
    }
    let file = format!("{}.{name}.weight.csv", out.network);
    let mut text = String::with_capacity(by_conn.len() * 20);
    for w in &by_conn {
        let _ = writeln!(text, "{}", num(*w));
    }
    out.tables.push((file.clone(), text));
    format!("load(\"{file}\")[index] * 1 A")
}

fn connection(pop: &str, p: &Path, graph: &Graph, dt: f64, out: &mut Out) -> Result<(), NirError> {
    let src = ident(&p.source);
    if p.rows * p.cols > MAX_WEIGHTS {
        return Err(NirError::unsupported(
            &p.source,
            format!(
                "the connection into `{pop}` has {} × {} = {} weights; SCN imports connections of up to {MAX_WEIGHTS} weights (a convolution is imported as its dense matrix)",
                p.rows,
                p.cols,
                p.rows * p.cols
            ),
        ));
    }
    let steps = (p.delay / dt).round();
    if (steps * dt - p.delay).abs() > 1e-9 * p.delay.max(dt) {
        return Err(NirError::unsupported(
            &p.source,
            format!("a delay of {} s on the way to `{pop}` is not a whole number of steps of {} s", p.delay, dt),
        ));
    }
    let name = ident(&format!("{}_to_{pop}", p.source));
    let input = graph.nodes[&p.source].kind == Kind::Input;
    let weight = weights(p, &name, input, out);
    let delay = if steps > 0.0 { format!(", delay = {steps} steps") } else { String::new() };
    if input {
        let _ = writeln!(
            out.net,
            "// `{}.csv`: the spikes of the NIR input `{}`, channels 0..{} in the `neuron` column.",
            p.source, p.source, p.cols
        );
        let _ = writeln!(
            out.net,
            "stimulus {name} = spikes(load(\"{}.csv\")) -> {pop}.syn {{ all, weight = {weight}{delay} }}",
            p.source
        );
    } else {
        let autapses = if src == pop { ", autapses = true" } else { "" };
        let _ = writeln!(out.net, "connect {name} = {src} -> {pop}.syn {{ all, weight = {weight}{delay}{autapses} }}");
    }
    Ok(())
}

fn output(name: &str, _node: &Node, graph: &Graph, net: &mut String) -> Result<(), NirError> {
    for p in graph.predecessors(name) {
        let n = &graph.nodes[p];
        if n.kind.spikes() {
            let _ = writeln!(net, "monitor spikes({})", ident(p));
        } else if n.kind.is_neuron() {
            let _ = writeln!(net, "monitor state({}.v)", ident(p));
        } else {
            return Err(NirError::unsupported(
                name,
                format!("the output is fed by the `{}` node `{p}`; SCN records neuron outputs only", n.kind.nir_name()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_identifiers() {
        assert_eq!(ident("input"), "input_");
        assert_eq!(ident("0.conv"), "n_0_conv");
        assert_eq!(ident("lif-1"), "lif_1");
    }

    #[test]
    fn heterogeneous_values_become_an_exact_lookup_function() {
        let mut fns = String::new();
        assert_eq!(per_index(&[2.0, 2.0], "V", "voltage", "f", &mut fns), "2 V");
        assert!(fns.is_empty());
        let call = per_index(&[0.1, 0.2, 0.30000000000000004], "s", "time", "tau", &mut fns);
        assert_eq!(call, "tau(index)");
        assert_eq!(
            fns.trim(),
            "fn tau(k: int) -> time = if k < 1 { 0.1 s } else { if k < 2 { 0.2 s } else { 0.30000000000000004 s } }"
        );
    }

    #[test]
    fn a_connection_over_the_weight_limit_is_refused_naming_its_source() {
        let (rows, cols) = (1024, MAX_WEIGHTS / 1024 + 1);
        let mut g = Graph::default();
        g.nodes.insert("in".into(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![cols as f64]))]));
        let mut w = vec![0.0; rows * cols];
        w[0] = 1.0;
        g.nodes.insert("fc".into(), Node::new(Kind::Linear, [("weight", Tensor::matrix(rows, cols, w))]));
        let v = |x: f64| Tensor::vector(vec![x; rows]);
        g.nodes.insert(
            "lif".into(),
            Node::new(Kind::Lif, [("tau", v(0.01)), ("r", v(1.0)), ("v_leak", v(0.0)), ("v_threshold", v(1.0))]),
        );
        g.edges = vec![("in".into(), "fc".into()), ("fc".into(), "lif".into())];
        let opts = Options { dt: Some(1e-3), reset: Reset::ToReset, network: "n".into(), origin: "n.nir".into() };
        let e = import(&g, &opts).unwrap_err();
        assert_eq!(e.code, "E0722");
        assert!(e.message.starts_with("NIR node `in`: the connection into `lif` has 1024 × 1025"), "{}", e.message);
    }

    #[test]
    fn weights_go_to_a_table_file_read_by_connection_index() {
        let mut g = Graph::default();
        g.nodes.insert("in".into(), Node::new(Kind::Input, [("shape", Tensor::vector(vec![2.0]))]));
        g.nodes
            .insert("fc".into(), Node::new(Kind::Linear, [("weight", Tensor::matrix(2, 2, vec![1.0, 2.0, 3.0, 4.0]))]));
        let v = |x: f64| Tensor::vector(vec![x; 2]);
        g.nodes.insert(
            "lif".into(),
            Node::new(Kind::Lif, [("tau", v(0.01)), ("r", v(1.0)), ("v_leak", v(0.0)), ("v_threshold", v(1.0))]),
        );
        g.edges = vec![("in".into(), "fc".into()), ("fc".into(), "lif".into())];
        let opts = Options { dt: Some(1e-3), reset: Reset::ToReset, network: "n".into(), origin: "n.nir".into() };
        let out = import(&g, &opts).unwrap();
        // Connection k joins source k / 2 to target k % 2: the weight matrix column by column.
        assert_eq!(out.tables, vec![("n.in_to_lif.weight.csv".to_string(), "1\n3\n2\n4\n".to_string())]);
        assert!(out.source.contains("weight = load(\"n.in_to_lif.weight.csv\")[index] * 1 A"), "{}", out.source);
    }

    #[test]
    fn without_dt_the_import_asks_for_it() {
        let opts = Options { dt: None, reset: Reset::ToReset, network: "n".into(), origin: "n.nir".into() };
        assert_eq!(import(&Graph::default(), &opts).unwrap_err().code, "E0724");
    }
}
