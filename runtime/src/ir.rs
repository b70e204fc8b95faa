//! The executable form of a network: what the interpreter runs and the JIT compiles.
//!
//! Everything here is plain data in SI base units: names are resolved to slots, named
//! expressions are inlined, units are erased, constants are folded. The compiler's lowering
//! pass (`scn-lower`) produces it from a checked program.

/// A binary arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%` (floored).
    Rem,
    /// `**`.
    Pow,
    /// `<<` (times 2^k).
    Shl,
    /// `>>` (floored division by 2^k).
    Shr,
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// Built-in functions with fixed numerics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// e^x.
    Exp,
    /// ln x.
    Log,
    /// √x.
    Sqrt,
    /// |x|.
    Abs,
    /// Smaller of two.
    Min,
    /// Larger of two.
    Max,
    /// clip(x, lo, hi).
    Clip,
    /// ⌊x⌋.
    Floor,
    /// ⌈x⌉.
    Ceil,
    /// Round half to even.
    Round,
    /// tanh x.
    Tanh,
    /// arctan x, in (-π/2, π/2).
    Atan,
    /// tan x.
    Tan,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// (e^x - 1)/x, 1 at 0.
    Exprel,
    /// 1 / (1 + exp((xh - x)/k)).
    Boltz,
    /// x^n / (x^n + k^n).
    Hill,
    /// 1 for x > 0, else 0 (0.5 at 0).
    Heaviside,
}

/// The kinds of random draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrawKind {
    /// uniform(a, b).
    Uniform,
    /// normal(mu, sigma).
    Normal,
    /// lognormal(mu, sigma) of the underlying normal.
    Lognormal,
    /// bernoulli(p): 1 or 0.
    Bernoulli,
}

/// An expression over one element's slots.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Const(f64),
    /// A parameter of the element.
    Param(u16),
    /// A state of the element.
    State(u16),
    /// A continuous input port's value this step.
    Input(u16),
    /// A handler argument or a block-local value.
    Local(u16),
    /// The current time t·dt in seconds.
    Time,
    /// The time step in seconds.
    Dt,
    /// The element's index in its population.
    Index,
    /// -x.
    Neg(Box<Expr>),
    /// Logical not (1 → 0, 0 → 1).
    Not(Box<Expr>),
    /// Arithmetic.
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// Comparison (1.0 or 0.0).
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Short-circuit and.
    And(Box<Expr>, Box<Expr>),
    /// Short-circuit or.
    Or(Box<Expr>, Box<Expr>),
    /// A built-in function.
    Call(Func, Vec<Expr>),
    /// if c { a } else { b }.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A random draw; `site` is its index in the model's source order.
    Draw {
        /// The call site.
        site: u16,
        /// Which distribution.
        kind: DrawKind,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `noise(sigma)`: sigma times a standard normal per √dt (only in ODE right sides).
    Noise {
        /// The call site.
        site: u16,
        /// The amplitude.
        sigma: Box<Expr>,
    },
}

/// How a statement changes a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`.
    Set,
    /// `+=`.
    Add,
    /// `-=`.
    Sub,
    /// `*=`.
    Mul,
    /// `/=`.
    Div,
}

/// A statement in a handler.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `state op= value`.
    Assign {
        /// The state.
        state: u16,
        /// The operator.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `let` inside a block.
    Let {
        /// The local slot.
        local: u16,
        /// Its value.
        value: Expr,
    },
    /// `emit spike`.
    Emit,
    /// `refractory D clamp …`: D in seconds (or steps, see `in_steps`).
    Refractory {
        /// Duration.
        duration: Expr,
        /// Whether `duration` counts steps rather than seconds.
        in_steps: bool,
        /// States held during the period.
        clamp: Vec<u16>,
    },
    /// `deliver value` (synapses).
    Deliver(Expr),
    /// if / else.
    If {
        /// Condition.
        cond: Expr,
        /// Taken branch.
        then: Vec<Stmt>,
        /// Other branch.
        otherwise: Vec<Stmt>,
    },
}

/// When a condition handler fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Every step the condition holds.
    Level,
    /// When the condition becomes true.
    Rise,
    /// When it becomes false.
    Fall,
}

/// An `on COND { … }` handler.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Level, rise or fall.
    pub trigger: Trigger,
    /// The condition.
    pub cond: Expr,
    /// What it does.
    pub body: Vec<Stmt>,
}

/// An `on PORT(w) { … }` handler.
#[derive(Clone, Debug, PartialEq)]
pub struct PortHandler {
    /// The spike port.
    pub port: u16,
    /// The local slot that holds the summed weight.
    pub local: u16,
    /// What it does.
    pub body: Vec<Stmt>,
}

/// A gating variable `x` of an ion channel (LANGUAGE §4 "Channels"): a state in [0, 1] with
/// first-order kinetics whose coefficients depend on other states (the voltage, a
/// concentration) but never on `x` itself.
///
/// [`Solver::RushLarsen`] integrates a gate exactly over the step with its coefficients frozen
/// at their values at the start of the step (Rush & Larsen 1978); every other solver integrates
/// the gate's ODE in [`Model::odes`]. See [`GateKinetics`] for both forms.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// The gate's state slot.
    pub state: u16,
    /// Its kinetics, as written.
    pub kinetics: GateKinetics,
}

/// The two ways of writing a gate's kinetics.
#[derive(Clone, Debug, PartialEq)]
pub enum GateKinetics {
    /// `alpha = a, beta = b` (opening and closing rates in Hz): the ODE is
    /// `a · (1 − x) − b · x`; Rush–Larsen computes `s = a + b`, `inf = a / s` and
    /// `x ← inf + (x − inf) · exp(−h · s)`.
    Rates {
        /// Opening rate.
        alpha: Expr,
        /// Closing rate.
        beta: Expr,
    },
    /// `inf = i, tau = τ` (steady state, time constant in seconds): the ODE is `(i − x) / τ`;
    /// Rush–Larsen computes `x ← i + (x − i) · exp(−h / τ)`.
    Relaxation {
        /// Steady state.
        inf: Expr,
        /// Time constant.
        tau: Expr,
    },
}

/// Integration methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Solver {
    /// Forward Euler (Euler–Maruyama with noise).
    Euler,
    /// Classic fourth-order Runge–Kutta.
    Rk4,
    /// Matrix exponential of the affine system.
    Exact,
    /// Exponential Euler (linearised per state).
    ExpEuler,
    /// Rush–Larsen: every [`Gate`] exactly over the step (its rates frozen at the start), the
    /// other states by exponential Euler, all from the state at the start of the step.
    RushLarsen,
    /// Heun (stochastic Heun with noise).
    Heun,
}

/// An input port.
#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    /// Its name.
    pub name: String,
    /// Spike port (summed weights) or continuous (summed values).
    pub spike: bool,
    /// Default value of a continuous port: SI, or in a fixed-point model the port's scaled
    /// units (on the format's grid).
    pub default: f64,
}

/// A neuron or synapse model in executable form.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Its name.
    pub name: String,
    /// Parameter names, in slot order.
    pub params: Vec<String>,
    /// State names, in slot order.
    pub states: Vec<String>,
    /// SI unit of each state, for output files.
    pub state_units: Vec<String>,
    /// Input ports, in slot order.
    pub inputs: Vec<Port>,
    /// Default value of each parameter (evaluated per element, may draw).
    pub param_init: Vec<Expr>,
    /// Initial value of each state (evaluated per element after parameters, may draw).
    pub state_init: Vec<Expr>,
    /// `dX/dt = e`, by state slot.
    pub odes: Vec<(u16, Expr)>,
    /// The gating variables of the model's ion channels (LANGUAGE §4). Each gate's state also
    /// has its ODE in [`Model::odes`], which every solver but [`Solver::RushLarsen`] integrates
    /// like any other; see [`Gate`].
    pub gates: Vec<Gate>,
    /// `next X = e`.
    pub nexts: Vec<(u16, Expr)>,
    /// Port handlers.
    pub handlers: Vec<PortHandler>,
    /// Condition handlers, in declaration order.
    pub conditions: Vec<Condition>,
    /// `on pre` (synapses).
    pub on_pre: Vec<Stmt>,
    /// `on post` (synapses).
    pub on_post: Vec<Stmt>,
    /// Invariants.
    pub invariants: Vec<Expr>,
    /// The solver.
    pub solver: Solver,
    /// Substeps per step.
    pub substeps: u32,
    /// Number of local slots the handlers use.
    pub locals: u16,
    /// Number of draw sites.
    pub draw_sites: u16,
    /// The bit-true fixed-point semantics of a model with a `precision` member (DESIGN §3);
    /// `None` for ordinary f64 models. See [`FixedModel`] for what changes in the rest of the
    /// model's IR when it is set.
    pub fixed: Option<FixedModel>,
}

/// A `precision fix<W,F> overflow … rounding …` scope: the storage format and its modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedSpec {
    /// `fix` (two's complement) or `ufix`.
    pub signed: bool,
    /// Total bits W (1..=64), the sign included.
    pub width: u32,
    /// Fractional bits F.
    pub frac: u32,
    /// What an out-of-range result does.
    pub overflow: crate::fixed::Overflow,
    /// How dropped fractional bits round.
    pub rounding: crate::fixed::Rounding,
}

impl FixedSpec {
    /// The storage format.
    pub fn format(&self) -> crate::fixed::Fix {
        crate::fixed::Fix::new(self.signed, self.width, self.frac).expect("a valid format (checked by the lowering)")
    }
}

/// How a fixed-point model's IR is to be read (DESIGN §3, LANGUAGE §8).
///
/// When [`Model::fixed`] is set, every expression of the model (and the `weight` of every
/// projection that targets one of its spike ports) is in **scaled units**: a quantity of a
/// dimension with declared scale `s` stands for `value · s` in SI. Every [`Expr::Const`] is
/// already quantised to the format at lowering time (exactly, from a rational), so it is a
/// dyadic `raw · 2^-F` held exactly in the f64 (|raw| < 2^53). Parameters flagged in
/// [`FixedModel::int_params`] are plain integers (shift and loop amounts); every other
/// parameter, state, port value and intermediate is a value of the format. The interpreter
/// evaluates such a model with `interp::fixed_eval` instead of the f64 evaluator, stores each
/// value as its raw integer and reports SI values `raw · 2^-F · scale`.
#[derive(Clone, Debug, PartialEq)]
pub struct FixedModel {
    /// The scope's format and modes.
    pub spec: FixedSpec,
    /// Per parameter slot: an `int` (or `bool`) parameter, held as an exact integer.
    pub int_params: Vec<bool>,
    /// Per state slot: an `int` or `bool` state, held as an exact integer.
    pub int_states: Vec<bool>,
    /// Per state slot: the SI value of one scaled unit as an exact fraction `(num, den)`
    /// (`(1, 1)` for dimensionless and `int` states), used only to report values.
    pub state_scale: Vec<(i64, i64)>,
    /// Per input port: the SI value of one scaled unit of the port's dimension, `(num, den)`.
    pub port_scale: Vec<(i64, i64)>,
}

/// How connections are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// Each pair independently with probability p.
    Probability(f64),
    /// Each target gets exactly k sources.
    Indegree(u64),
    /// Each source gets exactly k targets.
    Outdegree(u64),
    /// Every pair.
    All,
    /// Source i to target i.
    OneToOne,
    /// An explicit list of (source, target) pairs.
    Pairs(Vec<(u64, u64)>),
}

/// A population.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Its name.
    pub name: String,
    /// Number of elements.
    pub size: u64,
    /// Index into [`Network::models`].
    pub model: usize,
    /// Per-element overrides of parameters (slot, expression).
    pub param_overrides: Vec<(u16, Expr)>,
    /// Per-element overrides of initial states.
    pub state_overrides: Vec<(u16, Expr)>,
    /// Locals the overrides share (`let r = uniform(0, 1)`), evaluated first, in order.
    pub override_lets: Vec<(u16, Expr)>,
}

/// Where a projection's spikes come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A population.
    Population(usize),
    /// An implicit Poisson source population of `n` elements.
    Poisson {
        /// Rate in Hz.
        rate: f64,
        /// Number of sources.
        n: u64,
        /// The steps on which it fires.
        window: Window,
    },
    /// `stimulus bits(s)`: one source per element of stream `stream` (flat, row-major), which
    /// spikes on every cycle whose stream bit is 1.
    Stream {
        /// Index into [`ScNetwork::streams`].
        stream: usize,
        /// Number of elements.
        n: u64,
        /// The steps on which it fires (the stream keeps running outside them).
        window: Window,
    },
    /// `stimulus encode(rate, …)`: one source per value, each firing with its own probability
    /// per step.
    Rate {
        /// Per source: the probability of a spike per step.
        p: Vec<f64>,
        /// The steps on which they fire.
        window: Window,
    },
    /// `stimulus spikes(load("times.csv"))`: `n` sources replaying a recorded spike trace (and
    /// the deterministic spike encodings, computed by the lowering).
    Replay {
        /// Number of sources.
        n: u64,
        /// `(step, source)` pairs, sorted, without duplicates (start/stop already applied).
        spikes: Vec<(u64, u64)>,
    },
}

/// A projection (from `connect` or a spiking `stimulus`).
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// Its name (for monitors and messages).
    pub name: String,
    /// Where spikes come from.
    pub source: Source,
    /// Target population.
    pub target: usize,
    /// Target spike port.
    pub port: u16,
    /// Connection rule.
    pub rule: Rule,
    /// Whether i → i connections are allowed within one population.
    pub autapses: bool,
    /// Weight per connection (may draw).
    pub weight: Expr,
    /// Delay in whole steps per connection (may draw; rounded half to even).
    pub delay: Expr,
    /// The synapse model, if any (index into [`Network::models`]).
    pub synapse: Option<usize>,
    /// Parameter overrides of the synapse model (`via Stdp(a_pre = 0.01)`), per connection.
    pub synapse_params: Vec<(u16, Expr)>,
    /// What each continuous input of the synapse model reads on this projection, by input
    /// slot (empty without a synapse model or without inputs).
    pub synapse_inputs: Vec<SynapseInput>,
}

/// The value a synapse model's continuous input takes on one projection: a network signal
/// (`input reward` bound to the network's `param reward`) or a state of a connected neuron
/// (`pre.x`, `post.v`), read when the synapse's code runs.
#[derive(Clone, Debug, PartialEq)]
pub enum SynapseInput {
    /// A constant network value, SI.
    Const(f64),
    /// A state slot of the presynaptic neuron (the source population's model).
    Pre(u16),
    /// A state slot of the postsynaptic neuron (the target population's model).
    Post(u16),
}

/// A continuous drive of a population's input port.
#[derive(Clone, Debug, PartialEq)]
pub struct CurrentStimulus {
    /// Target population.
    pub target: usize,
    /// Target continuous port.
    pub port: u16,
    /// Amplitude: SI, or for a fixed-point target the port's scaled units (on the format's
    /// grid, quantised by the lowering).
    pub amplitude: f64,
    /// The steps on which it is applied.
    pub window: Window,
}

/// The steps on which a stimulus is active: `start <= step < stop`. The lowering derives them
/// exactly from `start = …, stop = …` (LANGUAGE §6: active where start ≤ t·dt < stop), so no
/// rounding of t·dt can move an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First active step.
    pub start: u64,
    /// First step after the window (`u64::MAX`: never ends).
    pub stop: u64,
}

impl Window {
    /// Every step.
    pub const ALWAYS: Window = Window { start: 0, stop: u64::MAX };

    /// Whether `step` is inside the window.
    pub fn contains(&self, step: u64) -> bool {
        self.start <= step && step < self.stop
    }
}

/// What to record.
#[derive(Clone, Debug, PartialEq)]
pub enum Monitor {
    /// Spikes of populations.
    Spikes(Vec<usize>),
    /// A state of a range of elements.
    State {
        /// Population.
        pop: usize,
        /// First element.
        from: u64,
        /// One past the last element.
        to: u64,
        /// State slot.
        state: u16,
        /// Sample every this many steps.
        every: u64,
    },
    /// A state of connections.
    Synapse(SynapseMonitor),
    /// `monitor rate(P, …, bin = D)`: spike counts of populations per bin (`rates.csv`).
    Rate {
        /// Populations.
        pops: Vec<usize>,
        /// The bin in whole steps (≥ 1).
        bin: u64,
    },
}

/// A state of a range of connections of a projection (`monitor state(proj[0..10].w)`).
#[derive(Clone, Debug, PartialEq)]
pub struct SynapseMonitor {
    /// Projection.
    pub proj: usize,
    /// First connection.
    pub from: u64,
    /// One past the last connection (clipped to the number of connections).
    pub to: u64,
    /// State slot of the synapse model.
    pub state: u16,
    /// Sample every this many steps.
    pub every: u64,
}

/// A whole network, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Its name.
    pub name: String,
    /// The time step in seconds (1 for clocked networks, where one step is one cycle).
    pub dt: f64,
    /// Whether the network is clocked.
    pub clocked: bool,
    /// Number of steps to run by default, if the network says.
    pub steps: Option<u64>,
    /// The network seed.
    pub seed: u64,
    /// Models (neurons and synapses).
    pub models: Vec<Model>,
    /// Populations.
    pub populations: Vec<Population>,
    /// Projections and spiking stimuli.
    pub projections: Vec<Projection>,
    /// Continuous stimuli.
    pub currents: Vec<CurrentStimulus>,
    /// Monitors.
    pub monitors: Vec<Monitor>,
    /// Stochastic-computing streams, parameter arrays and outputs (empty without streams).
    pub sc: ScNetwork,
}

/// The stochastic-computing part of a network (DESIGN §3, LANGUAGE §7): streams live in frames
/// of [`ScNetwork::length`] cycles; frame k of an LFSR stream uses the register states
/// k·L … (k+1)·L−1 from its seed (the source keeps running), a Sobol/Halton source the points
/// start + k·L + i; outputs are computed at the end of every frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScNetwork {
    /// The frame length L in cycles (0 when there are no streams).
    pub length: u64,
    /// Network `param` arrays.
    pub arrays: Vec<ScArray>,
    /// Stream declarations.
    pub streams: Vec<StreamDecl>,
    /// Network outputs.
    pub outputs: Vec<ScOutput>,
    /// Number of `encode` sites (each keeps one source per element).
    pub sites: u32,
}

/// A constant array (`param w: prob[4][16] = load("w.csv")`), row-major, SI values.
#[derive(Clone, Debug, PartialEq)]
pub struct ScArray {
    /// Its name.
    pub name: String,
    /// Its dimensions.
    pub dims: Vec<u64>,
    /// Its values, row-major.
    pub values: Vec<f64>,
}

/// `stream NAME[i in 0..a][j in 0..b] = e`.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamDecl {
    /// Its name.
    pub name: String,
    /// The extent of each index binder (binder k is [`ScExpr::Index`]`(k)`).
    pub dims: Vec<u64>,
    /// Its value per element.
    pub value: StreamExpr,
}

/// `output NAME[o in 0..a] = e`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScOutput {
    /// Its name.
    pub name: String,
    /// The extent of each index binder.
    pub dims: Vec<u64>,
    /// Its value per element, at the end of each frame.
    pub value: ScExpr,
}

/// A number source of an `encode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScSource {
    /// `lfsr16(seed = e[, variant = NAME])`: the expression is the seed.
    Lfsr16(crate::sc::LfsrDialect),
    /// `sobol16(start = e)`.
    Sobol16,
    /// `halton2(start = e)`.
    Halton2,
    /// `bernoulli(seed = e)`: 16-bit values from Philox (see [`crate::interp::sc`]).
    Bernoulli,
}

/// A scalar over index binders, constants, arrays and stream counts.
#[derive(Clone, Debug, PartialEq)]
pub enum ScExpr {
    /// A constant.
    Const(f64),
    /// The value of index binder k.
    Index(u16),
    /// An array element.
    Array {
        /// Index into [`ScNetwork::arrays`].
        array: usize,
        /// One index per dimension.
        index: Vec<ScExpr>,
    },
    /// -x.
    Neg(Box<ScExpr>),
    /// Arithmetic.
    Bin(BinOp, Box<ScExpr>, Box<ScExpr>),
    /// `popcount(s)` at the end of the frame.
    Popcount(Box<StreamExpr>),
    /// `decode(s)` or `decode(popcount(s))`: count / L (unipolar) or 2·count / L − 1 (bipolar).
    Decode {
        /// Bipolar decoding.
        bipolar: bool,
        /// The count.
        count: Box<ScExpr>,
        /// The stream length.
        length: u64,
    },
    /// `sum(k in from..to, body)`: binder slot `binder` runs over `from..to`.
    Sum {
        /// The binder slot.
        binder: u16,
        /// First value.
        from: i64,
        /// One past the last value.
        to: i64,
        /// The summand.
        body: Box<ScExpr>,
    },
}

/// A stream-valued expression, evaluated for one frame.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamExpr {
    /// `encode(value, SOURCE(seed/start), length = L)` (or `encode_bipolar`).
    Encode {
        /// The site (its sources are kept per site and element).
        site: u32,
        /// Bipolar encoding (`encode_bipolar`).
        bipolar: bool,
        /// The value to encode.
        value: Box<ScExpr>,
        /// The source kind.
        source: ScSource,
        /// The seed (LFSR) or start index (Sobol, Halton).
        seed: Box<ScExpr>,
        /// The length L.
        length: u64,
    },
    /// Another stream's element.
    Ref {
        /// Index into [`ScNetwork::streams`].
        stream: usize,
        /// One index per dimension.
        index: Vec<ScExpr>,
    },
    /// `!a`.
    Not(Box<StreamExpr>),
    /// `a & b`.
    And(Box<StreamExpr>, Box<StreamExpr>),
    /// `a | b`.
    Or(Box<StreamExpr>, Box<StreamExpr>),
    /// `a ^ b`.
    Xor(Box<StreamExpr>, Box<StreamExpr>),
    /// `xnor(a, b)`.
    Xnor(Box<StreamExpr>, Box<StreamExpr>),
    /// `mux(sel, a, b)`: a where sel is 1.
    Mux(Box<StreamExpr>, Box<StreamExpr>, Box<StreamExpr>),
    /// `cordiv(a, b)` (the divider's state starts at 0 in every frame).
    Cordiv(Box<StreamExpr>, Box<StreamExpr>),
}
