//! The NIR graph model: nodes of the NIR primitive kinds, each a set of named numeric fields,
//! and the edges between them (neuromorphs/NIR, `nir/ir/*.py`).

use std::collections::BTreeMap;

/// A dense array of numbers, row-major, as NIR stores every parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The extent of each dimension (empty for a scalar).
    pub shape: Vec<usize>,
    /// The elements in row-major order.
    pub data: Vec<f64>,
}

impl Tensor {
    /// A one-dimensional tensor.
    pub fn vector(data: Vec<f64>) -> Self {
        Tensor { shape: vec![data.len()], data }
    }

    /// A two-dimensional tensor of `rows` × `cols` elements.
    pub fn matrix(rows: usize, cols: usize, data: Vec<f64>) -> Self {
        Tensor { shape: vec![rows, cols], data }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the tensor has no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The elements as whole numbers (shapes, strides, kernel sizes).
    pub fn as_usizes(&self) -> Vec<usize> {
        self.data.iter().map(|&x| x.max(0.0) as usize).collect()
    }
}

/// The NIR primitive a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Graph input: `shape`.
    Input,
    /// Graph output: `shape`.
    Output,
    /// `y = W x + b`.
    Affine,
    /// `y = W x`.
    Linear,
    /// `y = s ⊙ x`.
    Scale,
    /// `y = H(x − θ)`.
    Threshold,
    /// `y(t) = x(t − τ)`.
    Delay,
    /// Reshape dimensions `start_dim..=end_dim` into one.
    Flatten,
    /// One-dimensional convolution.
    Conv1d,
    /// Two-dimensional convolution.
    Conv2d,
    /// Two-dimensional sum pooling.
    SumPool2d,
    /// Two-dimensional average pooling.
    AvgPool2d,
    /// Leaky integrate-and-fire: `τ dv/dt = (v_leak − v) + R I`.
    Lif,
    /// Current-based LIF: a synaptic current filter before the membrane.
    CubaLif,
    /// Leaky integrator: LIF without threshold.
    Li,
    /// Current-based leaky integrator.
    CubaLi,
    /// Integrate-and-fire: `dv/dt = R I`.
    If,
    /// Integrator: `dv/dt = R I`, no threshold.
    Integrator,
}

impl Kind {
    /// Every kind, in the order of the NIR documentation.
    pub const ALL: [Kind; 18] = [
        Kind::Input,
        Kind::Output,
        Kind::Affine,
        Kind::Linear,
        Kind::Scale,
        Kind::Threshold,
        Kind::Delay,
        Kind::Flatten,
        Kind::Conv1d,
        Kind::Conv2d,
        Kind::SumPool2d,
        Kind::AvgPool2d,
        Kind::Lif,
        Kind::CubaLif,
        Kind::Li,
        Kind::CubaLi,
        Kind::If,
        Kind::Integrator,
    ];

    /// The `type` string of the kind in a NIR file.
    pub fn nir_name(self) -> &'static str {
        match self {
            Kind::Input => "Input",
            Kind::Output => "Output",
            Kind::Affine => "Affine",
            Kind::Linear => "Linear",
            Kind::Scale => "Scale",
            Kind::Threshold => "Threshold",
            Kind::Delay => "Delay",
            Kind::Flatten => "Flatten",
            Kind::Conv1d => "Conv1d",
            Kind::Conv2d => "Conv2d",
            Kind::SumPool2d => "SumPool2d",
            Kind::AvgPool2d => "AvgPool2d",
            Kind::Lif => "LIF",
            Kind::CubaLif => "CubaLIF",
            Kind::Li => "LI",
            Kind::CubaLi => "CubaLI",
            Kind::If => "IF",
            Kind::Integrator => "I",
        }
    }

    /// The kind named by a NIR `type` string.
    pub fn from_nir_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.nir_name() == name)
    }

    /// The fields a node of this kind must have.
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Input | Kind::Output => &["shape"],
            Kind::Affine => &["weight", "bias"],
            Kind::Linear => &["weight"],
            Kind::Scale => &["scale"],
            Kind::Threshold => &["threshold"],
            Kind::Delay => &["delay"],
            Kind::Flatten => &["start_dim", "end_dim"],
            Kind::Conv1d | Kind::Conv2d => &["weight", "bias", "stride", "padding", "dilation", "groups"],
            Kind::SumPool2d | Kind::AvgPool2d => &["kernel_size", "stride", "padding"],
            Kind::Lif => &["tau", "r", "v_leak", "v_threshold"],
            Kind::CubaLif => &["tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "w_in"],
            Kind::Li => &["tau", "r", "v_leak"],
            Kind::CubaLi => &["tau_mem", "tau_syn", "r", "v_leak", "w_in"],
            Kind::If => &["r", "v_threshold"],
            Kind::Integrator => &["r"],
        }
    }

    /// The fields a node of this kind may have besides the required ones.
    pub fn optional_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Lif | Kind::CubaLif | Kind::If => &["v_reset"],
            Kind::Conv1d | Kind::Conv2d => &["input_shape"],
            Kind::Flatten => &["input_type"],
            _ => &[],
        }
    }

    /// Whether the node becomes a population: a neuron (state that evolves in time) or a
    /// `Threshold` (spikes computed from its input each step).
    pub fn is_neuron(self) -> bool {
        matches!(
            self,
            Kind::Lif | Kind::CubaLif | Kind::Li | Kind::CubaLi | Kind::If | Kind::Integrator | Kind::Threshold
        )
    }

    /// Whether the node emits spikes (it has a threshold).
    pub fn spikes(self) -> bool {
        matches!(self, Kind::Lif | Kind::CubaLif | Kind::If | Kind::Threshold)
    }

    /// Whether the node has a membrane that is reset after a spike (a reset rule applies).
    pub fn resets(self) -> bool {
        matches!(self, Kind::Lif | Kind::CubaLif | Kind::If)
    }

    /// The field whose shape is the shape of the node's spike output.
    pub fn threshold_field(self) -> &'static str {
        if self == Kind::Threshold { "threshold" } else { "v_threshold" }
    }
}

/// One node: its kind and its numeric fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The kind.
    pub kind: Kind,
    /// The fields by name (`tau`, `weight`, …).
    pub fields: BTreeMap<String, Tensor>,
}

impl Node {
    /// A node of `kind` with `fields`.
    pub fn new(kind: Kind, fields: impl IntoIterator<Item = (&'static str, Tensor)>) -> Self {
        Node { kind, fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect() }
    }

    /// A field that the reader has checked to be present.
    pub fn field(&self, name: &str) -> &Tensor {
        &self.fields[name]
    }
}

/// A NIR graph: named nodes and `(source, target)` edges; a node's inputs are summed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// The nodes by name.
    pub nodes: BTreeMap<String, Node>,
    /// The edges in file order.
    pub edges: Vec<(String, String)>,
    /// Numeric metadata of the graph (`dt`, when a tool wrote it).
    pub metadata: BTreeMap<String, f64>,
}

impl Graph {
    /// The names of the nodes with an edge into `node`, in edge order.
    pub fn predecessors(&self, node: &str) -> Vec<&str> {
        self.edges.iter().filter(|(_, t)| t == node).map(|(s, _)| s.as_str()).collect()
    }
}
