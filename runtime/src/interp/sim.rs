//! The reference interpreter: builds a network's state and runs it step by step in the order
//! of DESIGN §3 (monitors, draws, integration, invariants, conditions, pre pathway, post
//! pathway).

use super::connect::{Csr, build_projection};
use super::eval::{Draws, Frame, eval, round_half_even};
use super::fixed_eval::{FEffects, FFrame, FVal, Fault, Phase, Quant, feval, fexec, holds};
use super::fx_kernel::{FxFailure, FxKernel, FxView};
use super::pathway::{Arrived, Hits, PortSums, Ring, add_weights};
use super::peer;
use super::solver::{Element, ExactCache, System, advance};
use super::synapse_run::{SynapseRun, constant_inputs};
use crate::fixed::{Exact, FixError, requantize, requantize_f64};
use crate::ir::{AssignOp, Expr, FixedModel, Model, Network, Source, Stmt, Trigger};
use crate::random::{DrawCoord, Purpose, uniform_f64};

/// A spike: step, population, neuron.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spike {
    /// The step it was emitted in.
    pub step: u64,
    /// The population.
    pub pop: usize,
    /// The neuron.
    pub neuron: u64,
}

/// One recorded state value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The step (recorded at its start).
    pub step: u64,
    /// Index of the monitor.
    pub monitor: usize,
    /// The neuron.
    pub neuron: u64,
    /// The value in SI units.
    pub value: f64,
}

/// Why a run stopped early.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// An invariant failed.
    Invariant {
        /// Population.
        pop: String,
        /// Neuron.
        neuron: u64,
        /// Step.
        step: u64,
        /// The states at that point, by name.
        states: Vec<(String, f64)>,
    },
    /// A fixed-point operation failed: an overflow under `overflow trap`, a division by zero,
    /// a bad shift amount (DESIGN §3 "Fixed point").
    FixedPoint {
        /// Population (or projection, for a weight quantised at build time).
        pop: String,
        /// Neuron (or connection).
        neuron: u64,
        /// Step (0 at build time).
        step: u64,
        /// What failed, with the value in scaled units.
        message: String,
    },
    /// A stochastic-computing stream or output could not be computed (an index outside its
    /// range, streams of different lengths combined).
    Stream {
        /// Step.
        step: u64,
        /// What failed.
        message: String,
    },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Invariant { pop, neuron, step, states } => {
                let vals: Vec<String> = states.iter().map(|(n, v)| format!("{n} = {v}")).collect();
                write!(f, "an invariant of `{pop}[{neuron}]` failed at step {step} ({})", vals.join(", "))
            }
            RunError::FixedPoint { pop, neuron, step, message } => {
                write!(f, "`{pop}[{neuron}]` at step {step}: {message}")
            }
            RunError::Stream { step, message } => write!(f, "a stream at step {step}: {message}"),
        }
    }
}

struct PopState {
    /// Number of elements.
    n: usize,
    np: usize,
    ns: usize,
    ni: usize,
    params: Vec<f64>,
    /// Slot-major: state `k` of element `i` at `k·n + i` (so a slot of consecutive elements
    /// is contiguous, what vector kernels load).
    states: Vec<f64>,
    inputs: Vec<f64>,
    port_sum: Vec<f64>,
    port_hit: Vec<bool>,
    /// Last step of the refractory period (exclusive bound: refractory while step < until).
    refractory_until: Vec<u64>,
    held: Vec<u64>,
    last_cond: Vec<bool>,
    exact: Vec<ExactCache>,
    entity_base: u64,
    spiked: Vec<bool>,
    /// Whether `inputs` may differ from the ports' defaults (a current stimulus added to it).
    inputs_dirty: bool,
    /// Raw fixed-point storage of a population whose model has a `precision` member.
    fx: Option<FxPop>,
    /// The elements with a spike port hit this step (listed, ascending, while the port
    /// handlers run).
    hits: Hits,
}

impl PopState {
    /// Element `i`'s states, in slot order.
    fn states_of(&self, i: usize) -> Vec<f64> {
        (0..self.ns).map(|k| self.states[k * self.n + i]).collect()
    }

    /// Copies element `i`'s states into `buf` (of length `ns`).
    fn gather(&self, i: usize, buf: &mut [f64]) {
        for (k, x) in buf.iter_mut().enumerate() {
            *x = self.states[k * self.n + i];
        }
    }

    /// Writes `buf` (of length `ns`) as element `i`'s states.
    fn scatter(&mut self, i: usize, buf: &[f64]) {
        for (k, x) in buf.iter().enumerate() {
            self.states[k * self.n + i] = *x;
        }
    }

    /// Calls `f` with element `i`'s states as one slice.
    fn with_states<R>(&self, i: usize, f: impl FnOnce(&[f64]) -> R) -> R {
        let mut small = [0.0; 16];
        if self.ns <= small.len() {
            self.gather(i, &mut small[..self.ns]);
            f(&small[..self.ns])
        } else {
            f(&self.states_of(i))
        }
    }
}

/// Parameters, states and port sums of a fixed-point population, as raw integers
/// (`raw · 2^-F` in scaled units; exact integers for `int` slots).
struct FxPop {
    params: Vec<i128>,
    states: Vec<i128>,
    port_sum: Vec<i128>,
    /// Continuous inputs of the current step, per element and port.
    inputs: Vec<i128>,
    /// Each continuous port's default, quantised once (0 for spike ports).
    defaults: Vec<i128>,
}

struct ProjState {
    csr: Csr,
    /// The spikes in transit.
    ring: Ring,
    /// Synapse states, slot-major as a population's (state `k` of connection `c` at
    /// `k·connections + c`), so that a population kernel can advance them.
    syn_states: Vec<f64>,
    syn_params: Vec<f64>,
    syn_exact: Vec<ExactCache>,
    poisson_entity: u64,
    /// Weights quantised in the precision of the target port (fixed-point targets only).
    fx_weight: Vec<i128>,
    /// The weight of every connection when all are the same bits (then not loaded per spike).
    uniform_weight: Option<f64>,
}

impl ProjState {
    /// State `k` of connection `c`.
    fn syn_state(&self, c: usize, k: usize) -> f64 {
        self.syn_states[k * self.csr.target.len() + c]
    }

    /// Connection `c`'s `ns` synapse states, in slot order.
    fn syn_states_of(&self, c: usize, ns: usize) -> Vec<f64> {
        (0..ns).map(|k| self.syn_state(c, k)).collect()
    }

    /// Writes `states` as connection `c`'s synapse states.
    fn set_syn_states(&mut self, c: usize, states: &[f64]) {
        let n = self.csr.target.len();
        for (k, x) in states.iter().enumerate() {
            self.syn_states[k * n + c] = *x;
        }
    }
}

/// The one value every element of `values` has (bit for bit), if any.
fn uniform<T: Copy>(values: &[T], bits: impl Fn(T) -> u64) -> Option<T> {
    let first = *values.first()?;
    values.iter().all(|&v| bits(v) == bits(first)).then_some(first)
}

/// A running simulation.
pub struct Simulation<'n> {
    net: &'n Network,
    pops: Vec<PopState>,
    projs: Vec<ProjState>,
    diag: Vec<Vec<Option<Expr>>>,
    /// Per model, per ODE: the channel gate it belongs to (for Rush–Larsen).
    gate_of: Vec<Vec<Option<&'n crate::ir::Gate>>>,
    /// The next step to run.
    pub step: u64,
    /// Every spike so far, in emission order.
    pub spikes: Vec<Spike>,
    /// Every recorded sample so far.
    pub samples: Vec<Sample>,
    locals: Vec<f64>,
    /// A fixed-point failure while building, reported by the first step.
    pending: Option<RunError>,
    /// The streams' sources and the current frame's streams.
    sc: super::sc::ScState,
    /// The network outputs of every completed frame: per frame, per output, the values of its
    /// elements (row-major).
    pub outputs: Vec<Vec<Vec<f64>>>,
    /// Per current stimulus: its amplitude as a raw value of a fixed-point target's format.
    fx_currents: Vec<i128>,
    /// Per projection: whether its source emitted at least one spike in the last step run
    /// (what a property's `stimulus(NAME)` watches).
    pub fired: Vec<bool>,
    /// Per population: a compiled kernel replacing the interpreter's per-population code.
    kernels: Vec<Option<Box<dyn PopKernel + 'n>>>,
    /// Per population: a compiled kernel replacing the fixed-point interpreter's code.
    fx_kernels: Vec<Option<Box<dyn FxKernel + 'n>>>,
    /// Whether steps 3–5 run population by population through
    /// [`PopKernel::integrate_and_conditions`] (every population has a kernel and no
    /// integration can fail, so this is the same as integrating all, then all conditions).
    fused: bool,
    /// Per population, the range of `spikes` it emitted in the step being run.
    emitted: Vec<std::ops::Range<usize>>,
    /// What arrives along the projection being delivered (a buffer reused every step).
    arrived: Arrived,
    /// Whether every projection queues connections and delivers them one by one through the
    /// general path (see [`Simulation::use_reference_delivery`]).
    reference_delivery: bool,
    /// Per projection: a compiled kernel advancing its synapse ODEs.
    synapse_runs: Vec<Option<SynapseRun<'n>>>,
}

/// The arrays of one f64 population that a per-population kernel reads and writes: element
/// `i`'s slots are `params[i·np..]`, `inputs[i·ni..]` (and `port_sum`, `port_hit` likewise),
/// `last_cond[i·nc..]` for its conditions; states are slot-major, state `k` of element `i`
/// at `states[k·size + i]`.
pub struct PopView<'a> {
    /// Index of the population in the network.
    pub pop: usize,
    /// Number of elements.
    pub size: usize,
    /// Parameters, element-major.
    pub params: &'a [f64],
    /// States, slot-major (`states[k·size + i]`).
    pub states: &'a mut [f64],
    /// Continuous input values this step, element-major.
    pub inputs: &'a [f64],
    /// Summed spike-port weights of this step, element-major.
    pub port_sum: &'a mut [f64],
    /// Whether a spike port received anything this step, element-major.
    pub port_hit: &'a mut [bool],
    /// Refractory while `step < refractory_until[i]`.
    pub refractory_until: &'a mut [u64],
    /// The states clamped during the refractory period, one bit per slot (slot ≥ 63 shares bit 63).
    pub held: &'a mut [u64],
    /// Each condition's value at the last step, element-major (read only by `rise`/`fall`).
    pub last_cond: &'a mut [bool],
    /// Whether the element emitted a spike this step.
    pub spiked: &'a mut [bool],
    /// The draw entity of element 0 (element i draws as entity_base + i).
    pub entity_base: u64,
    /// The interpreter's handler locals, shared by every population (stale values included).
    pub locals: &'a mut [f64],
    /// For the port handlers (step 6): every element with a port hit this step, ascending
    /// (the other elements have nothing to handle). Empty in steps 3–5.
    pub hit: &'a [u32],
}

/// One population's update of DESIGN §3 steps 3–5 and the port handlers of step 6, as a
/// replaceable kernel. The simulation loop (inputs, spike propagation, plasticity, monitors,
/// streams) is shared; a population without a kernel runs the interpreter's code. Every
/// kernel must compute exactly what the interpreter computes.
pub trait PopKernel {
    /// Steps 3 and 4: integration, `next`, held states, invariants. `Err(i)`: the invariants
    /// of element `i` failed on its candidate state (elements before it are already updated).
    fn integrate(&mut self, view: &mut PopView<'_>, step: u64, t: f64) -> Result<(), u64>;
    /// Step 5: every condition of every element; spikes are appended in emission order.
    fn conditions(&mut self, view: &mut PopView<'_>, step: u64, t: f64, spikes: &mut Vec<Spike>);
    /// Step 6, the port handlers: each handler whose port was hit runs once with its sum
    /// (`view.hit` lists the elements with a hit port).
    fn handlers(&mut self, view: &mut PopView<'_>, step: u64, t: f64);
    /// Steps 3–5 in one pass: [`PopKernel::integrate`], then [`PopKernel::conditions`]
    /// (a kernel may interleave them element by element). The simulation calls it instead of
    /// the two only when every population has a kernel and no model has invariants, so no
    /// integration can fail and populations do not see each other's steps 3–5.
    fn integrate_and_conditions(
        &mut self,
        view: &mut PopView<'_>,
        step: u64,
        t: f64,
        spikes: &mut Vec<Spike>,
    ) -> Result<(), u64> {
        self.integrate(view, step, t)?;
        self.conditions(view, step, t, spikes);
        Ok(())
    }
}

fn view<'a>(pi: usize, size: usize, st: &'a mut PopState, locals: &'a mut [f64]) -> PopView<'a> {
    PopView {
        pop: pi,
        size,
        params: &st.params,
        states: &mut st.states,
        inputs: &st.inputs,
        port_sum: &mut st.port_sum,
        port_hit: &mut st.port_hit,
        refractory_until: &mut st.refractory_until,
        held: &mut st.held,
        last_cond: &mut st.last_cond,
        spiked: &mut st.spiked,
        entity_base: st.entity_base,
        locals,
        hit: st.hits.list(),
    }
}

/// Watches a run between steps (the property monitors of `scn verify`). It sees only what
/// every engine produces — spikes, [`Simulation::fired`], states — so kernels installed into
/// the step loop by another engine are watched the same way.
pub trait StepObserver {
    /// Called after step `step` has completed; returns false to stop the run there.
    fn after_step(&mut self, sim: &Simulation<'_>, step: u64) -> bool;
}

/// The raw value of `x` (scaled units, already on the format's grid as the lowering quantises
/// it) in `fx`'s format; overflow follows the format's mode.
fn fx_grid(fx: &FixedModel, x: f64) -> Result<i128, Fault> {
    requantize_f64(x, fx.spec.format(), fx.spec.rounding, fx.spec.overflow, 0)
        .map(|v| v.raw())
        .map_err(|e| if e == FixError::Overflow { Fault::Overflow(x) } else { Fault::TooWide })
}

/// The raw arrays of fixed-point population `pi` for its kernel.
fn fx_view(pi: usize, size: usize, st: &mut PopState) -> FxView<'_> {
    let f = st.fx.as_mut().expect("fixed-point storage");
    FxView {
        pop: pi,
        size,
        params: &f.params,
        states: &mut f.states,
        inputs: &f.inputs,
        port_sum: &mut f.port_sum,
        port_hit: &mut st.port_hit,
        refractory_until: &mut st.refractory_until,
        held: &mut st.held,
        last_cond: &mut st.last_cond,
        spiked: &mut st.spiked,
        entity_base: st.entity_base,
        hit: st.hits.list(),
    }
}

/// The run error of a fixed-point kernel's failure, as the interpreter reports it.
fn fx_failure(net: &Network, pi: usize, fx: &FixedModel, st: &PopState, t_step: u64, e: FxFailure) -> RunError {
    let p = &net.populations[pi];
    match e.fault {
        Some(fault) => fx_error(&p.name, e.element, t_step, &fault),
        None => {
            let f = st.fx.as_ref().expect("fixed-point storage");
            let at = e.element as usize * st.ns;
            RunError::Invariant {
                pop: p.name.clone(),
                neuron: e.element,
                step: t_step,
                states: net.models[p.model]
                    .states
                    .iter()
                    .cloned()
                    .zip(f.states[at..at + st.ns].iter().enumerate().map(|(k, &r)| fx_si(fx, k, r)))
                    .collect(),
            }
        }
    }
}

fn fx_error(pop: &str, neuron: u64, step: u64, fault: &Fault) -> RunError {
    RunError::FixedPoint { pop: pop.to_string(), neuron, step, message: fault.to_string() }
}

/// The SI value of a fixed-point state, `raw · 2^-F · num / den`: correctly rounded (one
/// division of exact integers) whenever `raw · num` and `den · 2^F` are below 2^53.
pub fn fx_si(fx: &FixedModel, state: usize, raw: i128) -> f64 {
    let (num, den) = fx.state_scale[state];
    let frac = if fx.int_states[state] { 0 } else { fx.spec.frac };
    let n = raw.checked_mul(i128::from(num));
    let d = if frac < 64 { i128::from(den).checked_mul(1i128 << frac) } else { None };
    match (n, d) {
        (Some(n), Some(d)) if n.unsigned_abs() < 1 << 53 && d.unsigned_abs() < 1 << 53 => n as f64 / d as f64,
        _ => Exact::new(raw, frac).to_f64() * num as f64 / den as f64,
    }
}

/// Builds the raw parameters and states of element `i` of a fixed-point population.
fn fx_init(
    net: &Network,
    m: &Model,
    fx: &FixedModel,
    p: &crate::ir::Population,
    i: usize,
    entity: u64,
) -> Result<(Vec<i128>, Vec<i128>), Fault> {
    let q = Quant::new(&fx.spec, net.seed, entity, 0, Phase::Build);
    let nlocals = p.override_lets.iter().map(|(l, _)| *l as usize + 1).max().unwrap_or(0).max(1);
    let mut locals = vec![FVal::Int(0); nlocals];
    let mut params = vec![0i128; m.params.len()];
    let mut states = vec![0i128; m.states.len()];
    let frame = |params: &[i128], states: &[i128], locals: &[FVal], e: &Expr| {
        let f = FFrame {
            params,
            int_params: &fx.int_params,
            states,
            int_states: &fx.int_states,
            inputs: &[],
            locals,
            index: i as u64,
            q: &q,
        };
        feval(e, &f)
    };
    for (l, e) in &p.override_lets {
        locals[*l as usize] = frame(&params, &states, &locals, e)?;
    }
    for k in 0..params.len() {
        let e = p.param_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.param_init[k], |(_, e)| e);
        let v = frame(&params, &states, &locals, e)?;
        params[k] = if fx.int_params[k] { q.to_int(v)? } else { q.to_fix(v)? };
    }
    for k in 0..states.len() {
        let e = p.state_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.state_init[k], |(_, e)| e);
        let v = frame(&params, &states, &locals, e)?;
        states[k] = if fx.int_states[k] { q.to_int(v)? } else { q.to_fix(v)? };
    }
    Ok((params, states))
}

fn held_mask(clamp: &[u16]) -> u64 {
    clamp.iter().fold(0u64, |m, &s| m | (1u64 << s.min(63)))
}

impl<'n> Simulation<'n> {
    /// Builds the network: parameters, initial states (drawn per neuron), connectivity,
    /// weights and delays.
    pub fn new(net: &'n Network) -> Self {
        let mut pops = Vec::new();
        let mut entity = 0u64;
        let mut pending: Option<RunError> = None;
        for p in &net.populations {
            let m = &net.models[p.model];
            let (np, ns, ni) = (m.params.len(), m.states.len(), m.inputs.len());
            let n = p.size as usize;
            let mut st = PopState {
                n,
                np,
                ns,
                ni,
                params: vec![0.0; n * np],
                states: vec![0.0; n * ns],
                inputs: vec![0.0; n * ni],
                port_sum: vec![0.0; n * ni],
                port_hit: vec![false; n * ni],
                refractory_until: vec![0; n],
                held: vec![0; n],
                last_cond: vec![false; n * m.conditions.len()],
                exact: vec![ExactCache::default(); n],
                entity_base: entity,
                spiked: vec![false; n],
                inputs_dirty: true,
                fx: None,
                hits: Hits::new(n),
            };
            if let Some(fx) = &m.fixed {
                let defaults = m
                    .inputs
                    .iter()
                    .map(|port| if port.spike { Ok(0) } else { fx_grid(fx, port.default) })
                    .collect::<Result<Vec<i128>, Fault>>()
                    .unwrap_or_else(|e| {
                        pending.get_or_insert(fx_error(&p.name, 0, 0, &e));
                        vec![0; ni]
                    });
                let mut f = FxPop {
                    params: Vec::new(),
                    states: Vec::new(),
                    port_sum: vec![0; n * ni],
                    inputs: vec![0; n * ni],
                    defaults,
                };
                for i in 0..n {
                    match fx_init(net, m, fx, p, i, entity + i as u64) {
                        Ok((ps, ss)) => {
                            f.params.extend(ps);
                            f.states.extend(ss);
                        }
                        Err(e) => {
                            pending.get_or_insert(fx_error(&p.name, i as u64, 0, &e));
                            f.params.extend(std::iter::repeat_n(0, np));
                            f.states.extend(std::iter::repeat_n(0, ns));
                        }
                    }
                }
                st.fx = Some(f);
                entity += p.size;
                pops.push(st);
                continue;
            }
            let overrides_locals = p.override_lets.iter().map(|(l, _)| *l as usize + 1).max().unwrap_or(0);
            for i in 0..n {
                let draws =
                    Draws { seed: net.seed, purpose: Purpose::InitialValues, entity: entity + i as u64, step: 0 };
                let mut locals = vec![0.0; overrides_locals.max(1)];
                let mut params = vec![0.0; np];
                let mut states = vec![0.0; ns];
                let inputs: Vec<f64> = m.inputs.iter().map(|port| port.default).collect();
                for (l, e) in &p.override_lets {
                    let f = Frame::new(&params, &states, &inputs, &locals, 0.0, net.dt, i as u64, draws);
                    locals[*l as usize] = eval(e, &f);
                }
                for k in 0..np {
                    let f = Frame::new(&params, &states, &inputs, &locals, 0.0, net.dt, i as u64, draws);
                    let e =
                        p.param_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.param_init[k], |(_, e)| e);
                    params[k] = eval(e, &f);
                }
                for k in 0..ns {
                    let f = Frame::new(&params, &states, &inputs, &locals, 0.0, net.dt, i as u64, draws);
                    let e =
                        p.state_overrides.iter().find(|(s, _)| *s as usize == k).map_or(&m.state_init[k], |(_, e)| e);
                    states[k] = eval(e, &f);
                }
                st.params[i * np..(i + 1) * np].copy_from_slice(&params);
                st.scatter(i, &states);
                st.inputs[i * ni..(i + 1) * ni].copy_from_slice(&inputs);
            }
            entity += p.size;
            pops.push(st);
        }
        let mut projs = Vec::new();
        for (k, pr) in net.projections.iter().enumerate() {
            let csr = build_projection(net, k, pr);
            let (syn_states, syn_params) = match pr.synapse {
                Some(s) => init_synapses(net, &net.models[s], &csr, k, &pr.synapse_params),
                None => (Vec::new(), Vec::new()),
            };
            let poisson_entity = entity;
            match &pr.source {
                Source::Poisson { n, .. } => entity += n,
                Source::Rate { p, .. } => entity += p.len() as u64,
                _ => {}
            }
            let syn_exact = vec![ExactCache::default(); if pr.synapse.is_some() { csr.target.len() } else { 0 }];
            let mut fx_weight = Vec::new();
            if let Some(fx) = &net.models[net.populations[pr.target].model].fixed {
                // The lowering gives the weights of a fixed-point target in the port's scaled
                // units; each is quantised once, here, in the target's format and modes.
                for (c, &w) in csr.weight.iter().enumerate() {
                    let q = Quant::new(&fx.spec, net.seed, ((k as u64) << 40) | c as u64, 0, Phase::Weight);
                    let rand = q.rand();
                    match requantize_f64(w, q.fmt, q.rounding, q.overflow, rand) {
                        Ok(v) => fx_weight.push(v.raw()),
                        Err(e) => {
                            let fault = if e == FixError::Overflow { Fault::Overflow(w) } else { Fault::TooWide };
                            pending.get_or_insert(fx_error(&pr.name, c as u64, 0, &fault));
                            fx_weight.push(0);
                        }
                    }
                }
            }
            projs.push(ProjState {
                uniform_weight: uniform(&csr.weight, f64::to_bits),
                ring: Ring::new(&csr, uniform(&csr.delay, u64::from)),
                fx_weight,
                syn_exact,
                csr,
                syn_states,
                syn_params,
                poisson_entity,
            });
        }
        let diag =
            net.models.iter().map(|m| m.odes.iter().map(|(s, e)| crate::ir_diff::diff(e, *s)).collect()).collect();
        let gate_of = net
            .models
            .iter()
            .map(|m| m.odes.iter().map(|(s, _)| m.gates.iter().find(|g| g.state == *s)).collect())
            .collect();
        let max_locals = net.models.iter().map(|m| m.locals as usize).max().unwrap_or(0).max(1);
        // Current stimuli into fixed-point ports: the lowering gives their amplitudes in the
        // port's scaled units, on the format's grid.
        let fx_currents = net
            .currents
            .iter()
            .map(|c| match &net.models[net.populations[c.target].model].fixed {
                Some(fx) => fx_grid(fx, c.amplitude).unwrap_or_else(|e| {
                    pending.get_or_insert(fx_error(&net.populations[c.target].name, 0, 0, &e));
                    0
                }),
                None => 0,
            })
            .collect();
        Simulation {
            fx_currents,
            net,
            pops,
            projs,
            diag,
            gate_of,
            step: 0,
            spikes: Vec::new(),
            samples: Vec::new(),
            locals: vec![0.0; max_locals],
            pending,
            sc: super::sc::ScState::new(net.seed),
            outputs: Vec::new(),
            kernels: net.populations.iter().map(|_| None).collect(),
            fx_kernels: net.populations.iter().map(|_| None).collect(),
            fused: false,
            fired: vec![false; net.projections.len()],
            emitted: vec![0..0; net.populations.len()],
            arrived: Arrived::default(),
            reference_delivery: false,
            synapse_runs: net.projections.iter().map(|_| None).collect(),
        }
    }

    /// The parameters of projection `proj`'s synapses, connection-major (empty without a
    /// synapse model).
    pub fn synapse_params(&self, proj: usize) -> &[f64] {
        &self.projs[proj].syn_params
    }

    /// The inputs of projection `proj`'s synapse model, per input slot, when a compiled
    /// integration kernel of that model may advance its synapse ODEs (see
    /// [`Simulation::set_synapse_kernel`]): the model has ODEs, no `next`, no invariants, and
    /// every input is a constant. `None` otherwise.
    pub fn synapse_kernel_inputs(&self, proj: usize) -> Option<Vec<f64>> {
        let pr = &self.net.projections[proj];
        constant_inputs(&self.net.models[pr.synapse?], &pr.synapse_inputs)
    }

    /// Advances projection `proj`'s synapse ODEs with `kernel`'s integration (compiled for its
    /// synapse model and [`Simulation::synapse_kernel_inputs`]) instead of the interpreter's
    /// solver; the connections are its elements. Returns false, and keeps the interpreter,
    /// when the projection's synapses cannot run on a kernel.
    pub fn set_synapse_kernel(&mut self, proj: usize, kernel: Box<dyn PopKernel + 'n>) -> bool {
        let Some(inputs) = self.synapse_kernel_inputs(proj) else { return false };
        let pr = &self.net.projections[proj];
        let conditions = pr.synapse.map_or(0, |s| self.net.models[s].conditions.len());
        let n = self.projs[proj].csr.target.len();
        self.synapse_runs[proj] = Some(SynapseRun::new(kernel, n, &inputs, conditions));
        true
    }

    /// Delivers every spike the general way from now on: each projection queues single
    /// connections in its delay ring, sorts what arrives, and runs each connection through the
    /// same code as synapse models and fixed-point targets. The results are the same bits as
    /// the default delivery (which keeps whole rows in flight when a projection has one delay
    /// and adds plain weights in one tight loop); differential tests compare the two.
    pub fn use_reference_delivery(&mut self) {
        self.reference_delivery = true;
        for ps in &mut self.projs {
            let ring = std::mem::replace(&mut ps.ring, Ring::Connections { slots: Vec::new() });
            ps.ring = ring.into_connections(&ps.csr);
        }
    }

    /// Replaces the interpreter's update of population `pop` (an f64 model) by `kernel`.
    pub fn set_kernel(&mut self, pop: usize, kernel: Box<dyn PopKernel + 'n>) {
        self.kernels[pop] = Some(kernel);
        let net = self.net;
        self.fused = self.kernels.iter().all(Option::is_some)
            && net.populations.iter().all(|p| net.models[p.model].invariants.is_empty());
    }

    /// Replaces the fixed-point interpreter's update of population `pop` (a model with a
    /// `precision` member) by `kernel`.
    pub fn set_fx_kernel(&mut self, pop: usize, kernel: Box<dyn FxKernel + 'n>) {
        self.fx_kernels[pop] = Some(kernel);
    }

    /// Whether population `pop` runs a compiled fixed-point kernel.
    pub fn has_fx_kernel(&self, pop: usize) -> bool {
        self.fx_kernels[pop].is_some()
    }

    /// Steps 3–5 population by population, each in one pass of its kernel.
    fn integrate_and_conditions(&mut self, t_step: u64, t: f64) -> Result<(), RunError> {
        for (pi, p) in self.net.populations.iter().enumerate() {
            let k = self.kernels[pi].as_mut().expect("every population has a kernel");
            let st = &mut self.pops[pi];
            let first = self.spikes.len();
            let failed = k.integrate_and_conditions(
                &mut view(pi, p.size as usize, st, &mut self.locals),
                t_step,
                t,
                &mut self.spikes,
            );
            self.emitted[pi] = first..self.spikes.len();
            if let Err(i) = failed {
                let m = &self.net.models[p.model];
                return Err(RunError::Invariant {
                    pop: p.name.clone(),
                    neuron: i,
                    step: t_step,
                    states: m.states.iter().cloned().zip(st.states_of(i as usize)).collect(),
                });
            }
        }
        Ok(())
    }

    /// The f64 parameters of population `pop`, element-major (empty for a fixed-point one).
    pub fn params(&self, pop: usize) -> &[f64] {
        if self.pops[pop].fx.is_some() { &[] } else { &self.pops[pop].params }
    }

    /// The raw parameters of fixed-point population `pop`, element-major (`None` for an f64
    /// population).
    pub fn raw_params(&self, pop: usize) -> Option<&[i128]> {
        self.pops[pop].fx.as_ref().map(|f| f.params.as_slice())
    }

    /// Whether population `pop` runs a compiled kernel rather than the interpreter's code.
    pub fn has_kernel(&self, pop: usize) -> bool {
        self.kernels[pop].is_some()
    }

    /// Runs up to `steps` steps, calling `observer` after each; returns the number of steps
    /// run (fewer when the observer stops the run).
    pub fn run_observed(&mut self, steps: u64, observer: &mut dyn StepObserver) -> Result<u64, RunError> {
        for k in 0..steps {
            let step = self.step;
            self.step_once()?;
            if !observer.after_step(self, step) {
                return Ok(k + 1);
            }
        }
        Ok(steps)
    }

    /// Runs `steps` steps (or fewer if an invariant fails).
    pub fn run(&mut self, steps: u64, mut progress: impl FnMut(u64)) -> Result<(), RunError> {
        for k in 0..steps {
            self.step_once()?;
            if k % 1000 == 999 {
                progress(k + 1);
            }
        }
        progress(steps);
        Ok(())
    }

    /// One step in the order of DESIGN §3.
    pub fn step_once(&mut self) -> Result<(), RunError> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let net = self.net;
        let t_step = self.step;
        let t = t_step as f64 * net.dt;
        // 1. Monitors record the state at the start of the step.
        self.record(t_step);
        // Continuous inputs: defaults plus active current stimuli.
        // Only a population a stimulus changed needs its defaults back.
        for (pi, p) in net.populations.iter().enumerate() {
            let m = &net.models[p.model];
            let st = &mut self.pops[pi];
            if st.inputs_dirty && st.ni > 0 {
                let defaults: Vec<f64> =
                    m.inputs.iter().map(|port| if port.spike { 0.0 } else { port.default }).collect();
                for row in st.inputs.chunks_exact_mut(st.ni) {
                    row.copy_from_slice(&defaults);
                }
            }
            st.inputs_dirty = false;
        }
        for st in &mut self.pops {
            if let Some(f) = st.fx.as_mut() {
                for (i, v) in f.inputs.iter_mut().enumerate() {
                    *v = f.defaults[i % st.ni];
                }
            }
        }
        for (k, c) in net.currents.iter().enumerate() {
            if c.window.contains(t_step) {
                let st = &mut self.pops[c.target];
                st.inputs_dirty = true;
                let size = net.populations[c.target].size as usize;
                if let (Some(fx), Some(f)) = (&net.models[net.populations[c.target].model].fixed, st.fx.as_mut()) {
                    // Summed in the port's format: exact sums, the overflow mode after each
                    // addition (as for arriving weights).
                    for i in 0..size {
                        let slot = i * st.ni + c.port as usize;
                        let sum = Exact::new(f.inputs[slot] + self.fx_currents[k], fx.spec.frac);
                        f.inputs[slot] = requantize(sum, fx.spec.format(), fx.spec.rounding, fx.spec.overflow, 0)
                            .map_err(|_| {
                                fx_error(
                                    &net.populations[c.target].name,
                                    i as u64,
                                    t_step,
                                    &Fault::Overflow(sum.to_f64()),
                                )
                            })?
                            .raw();
                    }
                    continue;
                }
                for i in 0..size {
                    st.inputs[i * st.ni + c.port as usize] += c.amplitude;
                }
            }
        }
        // 3–5. Integration (draws are pure functions of their coordinates, step 2).
        // (the spikes of this step are appended from step 5 on, population by population).
        if self.fused {
            self.integrate_and_conditions(t_step, t)?;
        } else {
            for (pi, p) in net.populations.iter().enumerate() {
                let m = &net.models[p.model];
                if let Some(fx) = &m.fixed {
                    let st = &mut self.pops[pi];
                    match self.fx_kernels[pi].as_mut() {
                        Some(k) => {
                            let r = k.integrate(&mut fx_view(pi, p.size as usize, st), t_step);
                            r.map_err(|e| fx_failure(net, pi, fx, st, t_step, e))?
                        }
                        None => fx_integrate(net, pi, m, fx, st, t_step)?,
                    }
                    continue;
                }
                if let Some(k) = self.kernels[pi].as_mut() {
                    let st = &mut self.pops[pi];
                    let failed = k.integrate(&mut view(pi, p.size as usize, st, &mut self.locals), t_step, t);
                    if let Err(i) = failed {
                        return Err(RunError::Invariant {
                            pop: p.name.clone(),
                            neuron: i,
                            step: t_step,
                            states: m.states.iter().cloned().zip(st.states_of(i as usize)).collect(),
                        });
                    }
                    continue;
                }
                let sys = System {
                    odes: &m.odes,
                    diag: &self.diag[p.model],
                    gates: &self.gate_of[p.model],
                    solver: m.solver,
                    substeps: m.substeps,
                    exact_static: exact_static(m),
                    noisy: m.odes.iter().any(|(_, e)| super::solver::has_noise(e)),
                };
                let st = &mut self.pops[pi];
                let mut buf = vec![0.0; st.ns];
                for i in 0..p.size as usize {
                    let held = if t_step < st.refractory_until[i] { st.held[i] } else { 0 };
                    st.gather(i, &mut buf);
                    let draws = Draws {
                        seed: net.seed,
                        purpose: Purpose::StepDraws,
                        entity: st.entity_base + i as u64,
                        step: t_step,
                    };
                    let (params, states, inputs) =
                        (&st.params[i * st.np..(i + 1) * st.np], &mut buf[..], &st.inputs[i * st.ni..(i + 1) * st.ni]);
                    // `next` reads the pre-update state; copy it only for models that have one.
                    let old: Vec<f64> = if m.nexts.is_empty() { Vec::new() } else { states.to_vec() };
                    let el = Element { params, inputs, t, index: i as u64, draws };
                    advance(&sys, &el, states, held, net.dt, &mut st.exact[i]);
                    if !m.nexts.is_empty() {
                        let f = Frame {
                            params,
                            states: &old,
                            inputs,
                            locals: &[],
                            t,
                            dt: net.dt,
                            index: i as u64,
                            draws,
                            noise_scale: 1.0,
                        };
                        let new: Vec<(usize, f64)> = m.nexts.iter().map(|(s, e)| (*s as usize, eval(e, &f))).collect();
                        for (s, v) in new {
                            if held & (1u64 << s.min(63)) == 0 {
                                states[s] = v;
                            }
                        }
                    }
                    // 4. Invariants on the candidate state.
                    let f = Frame {
                        params,
                        states,
                        inputs,
                        locals: &[],
                        t,
                        dt: net.dt,
                        index: i as u64,
                        draws,
                        noise_scale: 1.0,
                    };
                    let bad = m.invariants.iter().any(|inv| eval(inv, &f) == 0.0);
                    st.scatter(i, &buf);
                    if bad {
                        return Err(RunError::Invariant {
                            pop: p.name.clone(),
                            neuron: i as u64,
                            step: t_step,
                            states: m.states.iter().cloned().zip(buf.iter().copied()).collect(),
                        });
                    }
                }
            }
            // 5. Conditions.
            for (pi, p) in net.populations.iter().enumerate() {
                let m = &net.models[p.model];
                let st = &mut self.pops[pi];
                let first = self.spikes.len();
                if let Some(fx) = &m.fixed {
                    match self.fx_kernels[pi].as_mut() {
                        Some(k) => {
                            let r = k.conditions(&mut fx_view(pi, p.size as usize, st), t_step, &mut self.spikes);
                            r.map_err(|e| fx_failure(net, pi, fx, st, t_step, e))?
                        }
                        None => fx_conditions(net, pi, m, fx, st, &mut self.spikes, t_step)?,
                    }
                    self.emitted[pi] = first..self.spikes.len();
                    continue;
                }
                if let Some(k) = self.kernels[pi].as_mut() {
                    k.conditions(&mut view(pi, p.size as usize, st, &mut self.locals), t_step, t, &mut self.spikes);
                    self.emitted[pi] = first..self.spikes.len();
                    continue;
                }
                for i in 0..p.size as usize {
                    st.spiked[i] = false;
                    let refractory = t_step < st.refractory_until[i];
                    let draws = Draws {
                        seed: net.seed,
                        purpose: Purpose::StepDraws,
                        entity: st.entity_base + i as u64,
                        step: t_step,
                    };
                    let holds: Vec<bool> = st.with_states(i, |states| {
                        let f = Frame {
                            params: &st.params[i * st.np..(i + 1) * st.np],
                            states,
                            inputs: &st.inputs[i * st.ni..(i + 1) * st.ni],
                            locals: &[],
                            t,
                            dt: net.dt,
                            index: i as u64,
                            draws,
                            noise_scale: 1.0,
                        };
                        m.conditions.iter().map(|c| eval(&c.cond, &f) != 0.0).collect()
                    });
                    for (k, c) in m.conditions.iter().enumerate() {
                        let prev = st.last_cond[i * m.conditions.len() + k];
                        st.last_cond[i * m.conditions.len() + k] = holds[k];
                        let fire = match c.trigger {
                            Trigger::Level => holds[k],
                            Trigger::Rise => holds[k] && !prev,
                            Trigger::Fall => !holds[k] && prev,
                        };
                        if fire && !refractory {
                            let mut effects = Effects::default();
                            exec(&c.body, st, i, &mut self.locals, t, net.dt, draws, &mut effects);
                            if effects.emitted {
                                st.spiked[i] = true;
                                self.spikes.push(Spike { step: t_step, pop: pi, neuron: i as u64 });
                            }
                            if let Some((steps, held)) = effects.refractory {
                                // An unbounded period (an infinite duration) lasts to the end of the run.
                                st.refractory_until[i] = t_step.saturating_add(steps.max(1));
                                st.held[i] = held;
                            }
                        }
                    }
                }
                self.emitted[pi] = first..self.spikes.len();
            }
        }
        // Poisson and replayed sources fire here too; then 6. the pre pathway.
        for (k, pr) in net.projections.iter().enumerate() {
            let ps = &mut self.projs[k];
            let poisson_entity = ps.poisson_entity;
            let mut sink = ps.ring.sink(&ps.csr, t_step);
            let fired = &mut self.fired[k];
            *fired = false;
            let mut schedule = |i: usize| {
                *fired = true;
                sink.schedule(i);
            };
            match &pr.source {
                Source::Population(src) => {
                    // A neuron's spikes of one step are appended together, so this visits
                    // each spiking neuron once (in index order, as populations emit).
                    let mut last = None;
                    for sp in &self.spikes[self.emitted[*src].clone()] {
                        if last != Some(sp.neuron) {
                            schedule(sp.neuron as usize);
                            last = Some(sp.neuron);
                        }
                    }
                }
                Source::Stream { window, .. } if !window.contains(t_step) => {}
                Source::Stream { stream, n, .. } => {
                    let len = net.sc.length.max(1);
                    let (frame, bit) = (t_step / len, (t_step % len) as usize);
                    for i in 0..*n as usize {
                        let b = self
                            .sc
                            .stream(&net.sc, frame, *stream, i)
                            .map_err(|message| RunError::Stream { step: t_step, message })?;
                        if b.get(bit) == Some(true) {
                            schedule(i);
                        }
                    }
                }
                Source::Replay { spikes, .. } => {
                    let from = spikes.partition_point(|&(s, _)| s < t_step);
                    for &(_, i) in spikes[from..].iter().take_while(|&&(s, _)| s == t_step) {
                        schedule(i as usize);
                    }
                }
                Source::Poisson { rate, n, window } => {
                    if window.contains(t_step) {
                        let p = rate * net.dt;
                        for i in 0..*n as usize {
                            let c = DrawCoord::new(net.seed, Purpose::Stimuli, poisson_entity + i as u64, t_step, 0);
                            if uniform_f64(&c) < p {
                                schedule(i);
                            }
                        }
                    }
                }
                Source::Rate { p, window } => {
                    if window.contains(t_step) {
                        for (i, &p) in p.iter().enumerate() {
                            let c = DrawCoord::new(net.seed, Purpose::Stimuli, poisson_entity + i as u64, t_step, 0);
                            if uniform_f64(&c) < p {
                                schedule(i);
                            }
                        }
                    }
                }
            }
        }
        for (k, pr) in net.projections.iter().enumerate() {
            let ps = &mut self.projs[k];
            let arrived = &mut self.arrived;
            ps.ring.take(&ps.csr, t_step, arrived);
            if arrived.is_empty() {
                continue;
            }
            let tgt_fixed = &net.models[net.populations[pr.target].model].fixed;
            if pr.synapse.is_none() && tgt_fixed.is_none() && !self.reference_delivery {
                let tgt = &mut self.pops[pr.target];
                let to = PortSums {
                    port: pr.port as usize,
                    ni: tgt.ni,
                    sum: &mut tgt.port_sum,
                    hit: &mut tgt.port_hit,
                    hits: &mut tgt.hits,
                };
                add_weights(&ps.csr, ps.uniform_weight, arrived, to);
                continue;
            }
            let arriving = arrived.connections(&ps.csr);
            // What the synapse reads (`pre.x`, `post.v`, network values), per arriving spike,
            // before the target's port sums are touched.
            let peer: Vec<Vec<f64>> = if pr.synapse_inputs.is_empty() {
                Vec::new()
            } else {
                let pops = &self.pops;
                arriving
                    .iter()
                    .map(|&c| peer::inputs(pr, &ps.csr, c as usize, |p, i, s| state_of(pops, p, i, s)))
                    .collect()
            };
            let tgt = &mut self.pops[pr.target];
            for (a, &c) in arriving.iter().enumerate() {
                let c = c as usize;
                let j = ps.csr.target[c] as usize;
                let w = match pr.synapse {
                    Some(s) => {
                        let inputs = peer.get(a).map_or(&[][..], Vec::as_slice);
                        on_pre(&net.models[s], ps, c, inputs, synapse_draws(net.seed, k, c, t_step), t, net.dt)
                    }
                    None => ps.uniform_weight.unwrap_or_else(|| ps.csr.weight[c]),
                };
                let slot = j * tgt.ni + pr.port as usize;
                tgt.port_hit[slot] = true;
                tgt.hits.mark(j);
                if let (Some(fx), Some(f)) = (tgt_fixed, tgt.fx.as_mut()) {
                    // Weights are summed in the port's format: exact sums, the overflow mode
                    // after each addition, no rounding (so no draws).
                    let fmt = fx.spec.format();
                    let raw = match pr.synapse {
                        Some(_) => requantize_f64(w, fmt, fx.spec.rounding, fx.spec.overflow, 0).map(|v| v.raw()),
                        None => Ok(ps.fx_weight[c]),
                    };
                    let sum = raw.and_then(|r| {
                        requantize(
                            Exact::new(f.port_sum[slot] + r, fx.spec.frac),
                            fmt,
                            fx.spec.rounding,
                            fx.spec.overflow,
                            0,
                        )
                    });
                    match sum {
                        Ok(v) => f.port_sum[slot] = v.raw(),
                        Err(_) => {
                            let x =
                                Exact::new(f.port_sum[slot] + ps.fx_weight.get(c).copied().unwrap_or(0), fx.spec.frac);
                            let name = &net.populations[pr.target].name;
                            return Err(fx_error(name, j as u64, t_step, &Fault::Overflow(x.to_f64())));
                        }
                    }
                    continue;
                }
                tgt.port_sum[slot] += w;
            }
        }
        for (pi, p) in net.populations.iter().enumerate() {
            let m = &net.models[p.model];
            let st = &mut self.pops[pi];
            st.hits.take();
            if let Some(fx) = &m.fixed {
                match self.fx_kernels[pi].as_mut() {
                    Some(k) => {
                        let r = k.handlers(&mut fx_view(pi, p.size as usize, st), t_step);
                        r.map_err(|e| fx_failure(net, pi, fx, st, t_step, e))?
                    }
                    None => fx_handlers(net, pi, m, fx, st, t_step)?,
                }
            } else if let Some(k) = self.kernels[pi].as_mut().filter(|_| !m.handlers.is_empty()) {
                k.handlers(&mut view(pi, p.size as usize, st, &mut self.locals), t_step, t);
            } else if !m.handlers.is_empty() {
                // Only an element with a hit port has anything to handle.
                let hits = std::mem::take(&mut st.hits);
                for &i in hits.list() {
                    let i = i as usize;
                    for h in &m.handlers {
                        let slot = i * st.ni + h.port as usize;
                        if !st.port_hit[slot] {
                            continue;
                        }
                        let w = st.port_sum[slot];
                        st.port_sum[slot] = 0.0;
                        st.port_hit[slot] = false;
                        self.locals[h.local as usize] = w;
                        let draws = Draws {
                            seed: net.seed,
                            purpose: Purpose::StepDraws,
                            entity: st.entity_base + i as u64,
                            step: t_step,
                        };
                        let mut effects = Effects::default();
                        exec(&h.body, st, i, &mut self.locals, t, net.dt, draws, &mut effects);
                    }
                }
                st.hits = hits;
            }
            st.hits.clear();
        }
        // 7. The post pathway.
        for (k, pr) in net.projections.iter().enumerate() {
            let Some(s) = pr.synapse else { continue };
            let m = &net.models[s];
            // Only a target that emitted a spike this step is `spiked`.
            if m.on_post.is_empty() || self.emitted[pr.target].is_empty() {
                continue;
            }
            let ps = &mut self.projs[k];
            for c in 0..ps.csr.target.len() {
                if self.pops[pr.target].spiked[ps.csr.target[c] as usize] {
                    let pops = &self.pops;
                    let inputs = peer::inputs(pr, &ps.csr, c, |p, i, s| state_of(pops, p, i, s));
                    run_synapse(m, ps, c, &m.on_post, &inputs, synapse_draws(net.seed, k, c, t_step), t, net.dt);
                }
            }
        }
        // Synapse ODEs advance every step.
        for (k, pr) in net.projections.iter().enumerate() {
            let Some(s) = pr.synapse else { continue };
            let m = &net.models[s];
            if m.odes.is_empty() {
                continue;
            }
            let ps = &mut self.projs[k];
            if let Some(run) = self.synapse_runs[k].as_mut() {
                let entity_base = (1 << 48) | ((k as u64) << 36);
                run.advance(k, &ps.syn_params, &mut ps.syn_states, entity_base, &mut self.locals, t_step, t);
                continue;
            }
            let (np, ns) = (m.params.len(), m.states.len());
            let sys = System {
                odes: &m.odes,
                diag: &self.diag[s],
                gates: &self.gate_of[s],
                solver: m.solver,
                substeps: m.substeps,
                exact_static: exact_static(m),
                noisy: m.odes.iter().any(|(_, e)| super::solver::has_noise(e)),
            };
            let mut inputs = Vec::with_capacity(pr.synapse_inputs.len());
            let mut states = vec![0.0; ns];
            for c in 0..ps.csr.target.len() {
                let draws = synapse_draws(net.seed, k, c, t_step);
                let pops = &self.pops;
                peer::inputs_into(pr, &ps.csr, c, |p, i, s| state_of(pops, p, i, s), &mut inputs);
                let el = Element {
                    params: &ps.syn_params[c * np..(c + 1) * np],
                    inputs: &inputs,
                    t,
                    index: c as u64,
                    draws,
                };
                for (k, x) in states.iter_mut().enumerate() {
                    *x = ps.syn_state(c, k);
                }
                advance(&sys, &el, &mut states, 0, net.dt, &mut ps.syn_exact[c]);
                ps.set_syn_states(c, &states);
            }
        }
        // Outputs are valid at the end of each frame.
        let len = net.sc.length;
        if len > 0 && !net.sc.outputs.is_empty() && (t_step + 1).is_multiple_of(len) {
            let frame = t_step / len;
            let values =
                self.sc.outputs(&net.sc, frame).map_err(|message| RunError::Stream { step: t_step, message })?;
            self.outputs.push(values);
        }
        self.step += 1;
        Ok(())
    }

    fn record(&mut self, step: u64) {
        for (k, mon) in self.net.monitors.iter().enumerate() {
            if let crate::ir::Monitor::Synapse(sm) = mon {
                if !step.is_multiple_of(sm.every.max(1)) {
                    continue;
                }
                let ps = &self.projs[sm.proj];
                let to = sm.to.min(ps.csr.target.len() as u64);
                for c in sm.from..to {
                    self.samples.push(Sample {
                        step,
                        monitor: k,
                        neuron: c,
                        value: ps.syn_state(c as usize, sm.state as usize),
                    });
                }
                continue;
            }
            if let crate::ir::Monitor::State { pop, from, to, state, every } = mon {
                if !step.is_multiple_of(*every.max(&1)) {
                    continue;
                }
                let st = &self.pops[*pop];
                let fixed = &self.net.models[self.net.populations[*pop].model].fixed;
                for i in *from..*to {
                    let value = match (fixed, &st.fx) {
                        (Some(fx), Some(f)) => {
                            fx_si(fx, *state as usize, f.states[i as usize * st.ns + *state as usize])
                        }
                        _ => st.states[*state as usize * st.n + i as usize],
                    };
                    self.samples.push(Sample { step, monitor: k, neuron: i, value });
                }
            }
        }
    }

    /// The current value of a state.
    pub fn state(&self, pop: usize, neuron: u64, state: u16) -> f64 {
        let st = &self.pops[pop];
        match (&self.net.models[self.net.populations[pop].model].fixed, &st.fx) {
            (Some(fx), Some(f)) => fx_si(fx, state as usize, f.states[neuron as usize * st.ns + state as usize]),
            _ => st.states[state as usize * st.n + neuron as usize],
        }
    }

    /// The raw integer of a state of a fixed-point population (`value = raw · 2^-F` in the
    /// state's scaled units; the integer itself for `int` states); `None` for f64 models.
    pub fn raw_state(&self, pop: usize, neuron: u64, state: u16) -> Option<i128> {
        let st = &self.pops[pop];
        st.fx.as_ref().map(|f| f.states[neuron as usize * st.ns + state as usize])
    }

    /// Number of connections of each projection.
    pub fn connection_counts(&self) -> Vec<usize> {
        self.projs.iter().map(|p| p.csr.target.len()).collect()
    }
}

/// Whether the exact solver's matrix depends on parameters and constants only.
pub fn exact_static(m: &Model) -> bool {
    fn ok(e: &Expr, ode_states: &[u16]) -> bool {
        match e {
            Expr::Input(_) | Expr::Time | Expr::Draw { .. } | Expr::Noise { .. } => false,
            Expr::State(s) => ode_states.contains(s),
            Expr::Neg(a) | Expr::Not(a) => ok(a, ode_states),
            Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                ok(a, ode_states) && ok(b, ode_states)
            }
            Expr::If(c, a, b) => ok(c, ode_states) && ok(a, ode_states) && ok(b, ode_states),
            Expr::Call(_, args) => args.iter().all(|x| ok(x, ode_states)),
            _ => true,
        }
    }
    // Conservative: inputs, time and states outside the ODE system may enter b only, but we
    // cannot tell b from A syntactically here, so any of them makes A per-step.
    let ode_states: Vec<u16> = m.odes.iter().map(|(s, _)| *s).collect();
    m.odes.iter().all(|(_, e)| ok(e, &ode_states))
}

#[derive(Default)]
struct Effects {
    emitted: bool,
    refractory: Option<(u64, u64)>,
    delivered: Option<f64>,
}

#[allow(clippy::too_many_arguments)]
fn exec(
    body: &[Stmt],
    st: &mut PopState,
    i: usize,
    locals: &mut [f64],
    t: f64,
    dt: f64,
    draws: Draws,
    fx: &mut Effects,
) {
    for s in body {
        let value_of = |e: &Expr, st: &PopState, locals: &[f64]| {
            st.with_states(i, |states| {
                let f = Frame {
                    params: &st.params[i * st.np..(i + 1) * st.np],
                    states,
                    inputs: &st.inputs[i * st.ni..(i + 1) * st.ni],
                    locals,
                    t,
                    dt,
                    index: i as u64,
                    draws,
                    noise_scale: 1.0,
                };
                eval(e, &f)
            })
        };
        match s {
            Stmt::Assign { state, op, value } => {
                let v = value_of(value, st, locals);
                let x = &mut st.states[*state as usize * st.n + i];
                apply(x, *op, v);
            }
            Stmt::Let { local, value } => {
                let v = value_of(value, st, locals);
                locals[*local as usize] = v;
            }
            Stmt::Emit => fx.emitted = true,
            Stmt::Refractory { duration, in_steps, clamp } => {
                let d = value_of(duration, st, locals);
                let steps = if *in_steps { d } else { d / dt };
                fx.refractory = Some((round_half_even(steps).max(0.0) as u64, held_mask(clamp)));
            }
            Stmt::Deliver(e) => fx.delivered = Some(value_of(e, st, locals)),
            Stmt::If { cond, then, otherwise } => {
                let branch = if value_of(cond, st, locals) != 0.0 { then } else { otherwise };
                exec(branch, st, i, locals, t, dt, draws, fx);
            }
        }
    }
}

fn apply(x: &mut f64, op: AssignOp, v: f64) {
    match op {
        AssignOp::Set => *x = v,
        AssignOp::Add => *x += v,
        AssignOp::Sub => *x -= v,
        AssignOp::Mul => *x *= v,
        AssignOp::Div => *x /= v,
    }
}

fn init_synapses(net: &Network, m: &Model, csr: &Csr, k: usize, overrides: &[(u16, Expr)]) -> (Vec<f64>, Vec<f64>) {
    let (np, ns) = (m.params.len(), m.states.len());
    let n = csr.target.len();
    let mut params = vec![0.0; n * np];
    let mut states = vec![0.0; n * ns];
    let w_slot = m.states.iter().position(|s| s == "w");
    for c in 0..n {
        let draws = Draws {
            seed: net.seed,
            purpose: Purpose::InitialValues,
            entity: (1 << 48) | ((k as u64) << 36) | c as u64,
            step: 0,
        };
        for p in 0..np {
            let f = Frame::new(&params[c * np..(c + 1) * np], &[], &[], &[], 0.0, net.dt, c as u64, draws);
            let e = overrides.iter().find(|(s, _)| *s as usize == p).map_or(&m.param_init[p], |(_, e)| e);
            let v = eval(e, &f);
            params[c * np + p] = v;
        }
        for s in 0..ns {
            let f = Frame::new(
                &params[c * np..(c + 1) * np],
                &states[c * ns..(c + 1) * ns],
                &[],
                &[],
                0.0,
                net.dt,
                c as u64,
                draws,
            );
            let v = eval(&m.state_init[s], &f);
            states[c * ns + s] = v;
        }
        if let Some(w) = w_slot {
            states[c * ns + w] = csr.weight[c];
        }
    }
    // Slot-major, as the simulation keeps them.
    let slot_major = (0..ns).flat_map(|k| (0..n).map(move |c| (c, k))).map(|(c, k)| states[c * ns + k]).collect();
    (slot_major, params)
}

/// The draws of connection `c` of projection `k` in a step (its ODE noise and handler draws).
fn synapse_draws(seed: u64, k: usize, c: usize, step: u64) -> Draws {
    Draws { seed, purpose: Purpose::StepDraws, entity: (1 << 48) | ((k as u64) << 36) | c as u64, step }
}

/// A state of element `i` of population `pop`, as the f64 engine holds it.
fn state_of(pops: &[PopState], pop: usize, i: usize, slot: u16) -> f64 {
    let st = &pops[pop];
    st.states[slot as usize * st.n + i]
}

#[allow(clippy::too_many_arguments)]
fn run_synapse(
    m: &Model,
    ps: &mut ProjState,
    c: usize,
    body: &[Stmt],
    inputs: &[f64],
    draws: Draws,
    t: f64,
    dt: f64,
) -> Option<f64> {
    let (np, ns) = (m.params.len(), m.states.len());
    // One element, so slot-major and element-major coincide.
    let mut st = PopState {
        n: 1,
        np,
        ns,
        ni: inputs.len(),
        params: ps.syn_params[c * np..(c + 1) * np].to_vec(),
        states: ps.syn_states_of(c, ns),
        inputs: inputs.to_vec(),
        port_sum: Vec::new(),
        port_hit: Vec::new(),
        refractory_until: vec![0],
        held: vec![0],
        last_cond: Vec::new(),
        exact: Vec::new(),
        entity_base: 0,
        spiked: vec![false],
        inputs_dirty: false,
        fx: None,
        hits: Hits::default(),
    };
    let mut locals = vec![0.0; m.locals.max(1) as usize];
    let mut fx = Effects::default();
    exec(body, &mut st, 0, &mut locals, t, dt, draws, &mut fx);
    ps.set_syn_states(c, &st.states);
    fx.delivered
}

fn on_pre(m: &Model, ps: &mut ProjState, c: usize, inputs: &[f64], draws: Draws, t: f64, dt: f64) -> f64 {
    if m.on_pre.is_empty() {
        let w = m.states.iter().position(|s| s == "w").map_or(ps.csr.weight[c], |w| ps.syn_state(c, w));
        return w;
    }
    run_synapse(m, ps, c, &m.on_pre, inputs, draws, t, dt).unwrap_or(0.0)
}

/// Step 3 and 4 for a fixed-point population: every `next` from the same pre-update state,
/// re-quantised into its slot, clamped states held; then the invariants.
fn fx_integrate(
    net: &Network,
    pi: usize,
    m: &Model,
    fx: &FixedModel,
    st: &mut PopState,
    t_step: u64,
) -> Result<(), RunError> {
    let p = &net.populations[pi];
    let (np, ns, ni) = (st.np, st.ns, st.ni);
    let f = st.fx.as_mut().expect("fixed-point storage");
    for i in 0..p.size as usize {
        let err = |e: Fault| fx_error(&p.name, i as u64, t_step, &e);
        let held = if t_step < st.refractory_until[i] { st.held[i] } else { 0 };
        let entity = st.entity_base + i as u64;
        let params = &f.params[i * np..(i + 1) * np];
        let states = &mut f.states[i * ns..(i + 1) * ns];
        let inputs = &f.inputs[i * ni..(i + 1) * ni];
        if !m.nexts.is_empty() {
            let q = Quant::new(&fx.spec, net.seed, entity, t_step, Phase::Integrate);
            let old = states.to_vec();
            let fr = FFrame {
                params,
                int_params: &fx.int_params,
                states: &old,
                int_states: &fx.int_states,
                inputs,
                locals: &[],
                index: i as u64,
                q: &q,
            };
            let mut new = Vec::with_capacity(m.nexts.len());
            for (s, e) in &m.nexts {
                let s = *s as usize;
                let v = feval(e, &fr).map_err(err)?;
                let v = if fx.int_states[s] { q.to_int(v) } else { q.to_fix(v) }.map_err(err)?;
                new.push((s, v));
            }
            for (s, v) in new {
                if held & (1u64 << s.min(63)) == 0 {
                    states[s] = v;
                }
            }
        }
        if !m.invariants.is_empty() {
            let q = Quant::new(&fx.spec, net.seed, entity, t_step, Phase::Invariants);
            let fr = FFrame {
                params,
                int_params: &fx.int_params,
                states,
                int_states: &fx.int_states,
                inputs,
                locals: &[],
                index: i as u64,
                q: &q,
            };
            for inv in &m.invariants {
                if !holds(feval(inv, &fr).map_err(err)?) {
                    return Err(RunError::Invariant {
                        pop: p.name.clone(),
                        neuron: i as u64,
                        step: t_step,
                        states: m
                            .states
                            .iter()
                            .cloned()
                            .zip(states.iter().enumerate().map(|(k, &r)| fx_si(fx, k, r)))
                            .collect(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Step 5 for a fixed-point population.
fn fx_conditions(
    net: &Network,
    pi: usize,
    m: &Model,
    fx: &FixedModel,
    st: &mut PopState,
    spikes: &mut Vec<Spike>,
    t_step: u64,
) -> Result<(), RunError> {
    let p = &net.populations[pi];
    let (np, ns, ni) = (st.np, st.ns, st.ni);
    let nc = m.conditions.len();
    let mut locals = vec![FVal::Int(0); m.locals.max(1) as usize];
    let f = st.fx.as_mut().expect("fixed-point storage");
    for i in 0..p.size as usize {
        let err = |e: Fault| fx_error(&p.name, i as u64, t_step, &e);
        st.spiked[i] = false;
        let refractory = t_step < st.refractory_until[i];
        let q = Quant::new(&fx.spec, net.seed, st.entity_base + i as u64, t_step, Phase::Conditions);
        let params = &f.params[i * np..(i + 1) * np];
        let inputs = &f.inputs[i * ni..(i + 1) * ni];
        let held_now: Vec<bool> = {
            let fr = FFrame {
                params,
                int_params: &fx.int_params,
                states: &f.states[i * ns..(i + 1) * ns],
                int_states: &fx.int_states,
                inputs,
                locals: &[],
                index: i as u64,
                q: &q,
            };
            let mut out = Vec::with_capacity(nc);
            for c in &m.conditions {
                out.push(holds(feval(&c.cond, &fr).map_err(err)?));
            }
            out
        };
        for (k, c) in m.conditions.iter().enumerate() {
            let prev = st.last_cond[i * nc + k];
            st.last_cond[i * nc + k] = held_now[k];
            let fire = match c.trigger {
                Trigger::Level => held_now[k],
                Trigger::Rise => held_now[k] && !prev,
                Trigger::Fall => !held_now[k] && prev,
            };
            if fire && !refractory {
                let mut effects = FEffects::default();
                let states = &mut f.states[i * ns..(i + 1) * ns];
                fexec(
                    &c.body,
                    params,
                    &fx.int_params,
                    states,
                    &fx.int_states,
                    inputs,
                    &mut locals,
                    i as u64,
                    &q,
                    &mut effects,
                )
                .map_err(err)?;
                if effects.emitted {
                    st.spiked[i] = true;
                    spikes.push(Spike { step: t_step, pop: pi, neuron: i as u64 });
                }
                if let Some((d, in_steps, held)) = effects.refractory {
                    let steps = if in_steps { d } else { d / net.dt };
                    st.refractory_until[i] = t_step.saturating_add((round_half_even(steps).max(0.0) as u64).max(1));
                    st.held[i] = held;
                }
            }
        }
    }
    Ok(())
}

/// Step 6 (port handlers) for a fixed-point population: each handler runs once with the
/// summed weight of its port, a value of the format.
fn fx_handlers(
    net: &Network,
    pi: usize,
    m: &Model,
    fx: &FixedModel,
    st: &mut PopState,
    t_step: u64,
) -> Result<(), RunError> {
    let p = &net.populations[pi];
    let (np, ns, ni) = (st.np, st.ns, st.ni);
    let mut locals = vec![FVal::Int(0); m.locals.max(1) as usize];
    let f = st.fx.as_mut().expect("fixed-point storage");
    for i in 0..p.size as usize {
        let q = Quant::new(&fx.spec, net.seed, st.entity_base + i as u64, t_step, Phase::Ports);
        for h in &m.handlers {
            let slot = i * ni + h.port as usize;
            if !st.port_hit[slot] {
                continue;
            }
            st.port_hit[slot] = false;
            locals[h.local as usize] = FVal::Fix(std::mem::take(&mut f.port_sum[slot]));
            let mut effects = FEffects::default();
            let params = &f.params[i * np..(i + 1) * np];
            let states = &mut f.states[i * ns..(i + 1) * ns];
            let inputs = &f.inputs[i * ni..(i + 1) * ni];
            fexec(
                &h.body,
                params,
                &fx.int_params,
                states,
                &fx.int_states,
                inputs,
                &mut locals,
                i as u64,
                &q,
                &mut effects,
            )
            .map_err(|e| fx_error(&p.name, i as u64, t_step, &e))?;
        }
        // Weights at a port without a handler are dropped, not carried into the next step.
        for k in 0..ni {
            st.port_hit[i * ni + k] = false;
            f.port_sum[i * ni + k] = 0;
        }
    }
    Ok(())
}
