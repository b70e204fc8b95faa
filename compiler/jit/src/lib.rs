//! SCN's Cranelift JIT: compiles each f64 neuron model of a network into native kernels
//! (integration with invariants, conditions, both in one pass, port handlers), and the ODEs of
//! its synapse models into integration kernels over the connections, and installs them into
//! the reference interpreter's [`Simulation`], which keeps running everything else (inputs,
//! spike propagation, plasticity, monitors, streams). The kernels compute exactly what the
//! interpreter computes: the same f64 operations in the same order, the same helper functions
//! for everything transcendental, the same Philox draws.
//!
//! Fixed-point models (a `precision` member) compile through [`fixed`] into kernels
//! bit-identical to the fixed-point interpreter.
//!
//! A model the JIT cannot compile (more than [`solver::MAX_SUBSTEPS`] substeps, an IR
//! construct it does not know) keeps the interpreter's code; [`attach`] reports which engine
//! runs each population and why.

pub mod abi;
pub mod expr;
pub mod fixed;
pub mod kernel;
pub mod native;
pub mod sc;

pub mod solver;

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use expr::{Known, Unsupported};
use kernel::{KernelFn, ModelInfo};
use native::{CompiledModel, EntryPoints};
use scn_runtime::interp::Simulation;
use scn_runtime::interp::sim::exact_static;
use scn_runtime::interp::solver::has_noise;
use scn_runtime::ir::Network;
use std::time::Instant;

/// Which engine runs a population.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PopEngine {
    /// Native kernels from the JIT.
    Jit,
    /// The interpreter, with the reason the JIT did not compile the model.
    Interp(String),
}

impl PopEngine {
    /// `"jit"` or `"interp"`.
    pub fn name(&self) -> &'static str {
        match self {
            PopEngine::Jit => "jit",
            PopEngine::Interp(_) => "interp",
        }
    }
}

/// What [`attach`] did.
#[derive(Clone, Debug)]
pub struct Attached {
    /// Per population, the engine that runs it.
    pub populations: Vec<PopEngine>,
    /// Per population, whether its integration and conditions run as vector code
    /// ([`expr::LANES`] elements per instruction).
    pub vector: Vec<bool>,
    /// The number of projections whose synapse ODEs native kernels advance.
    pub synapse_projections: usize,
    /// Seconds spent generating and compiling code.
    pub compile_s: f64,
}

/// The compiled functions of one model, valid while `_module` lives.
struct Compiled {
    _module: JITModule,
    entry: EntryPoints,
    vector: bool,
}

impl CompiledModel for Compiled {
    fn entry_points(&self) -> &EntryPoints {
        &self.entry
    }
}

pub(crate) fn new_module() -> Result<JITModule, Unsupported> {
    let builder = JITBuilder::with_flags(&[("opt_level", "speed")], default_libcall_names())
        .map_err(|e| Unsupported(format!("no native code generator: {e}")))?;
    Ok(JITModule::new(builder))
}

/// What is the same for every element of population `pop` and every step: parameters equal
/// bit for bit across its elements, input ports that no current stimulus drives.
pub fn known(net: &Network, sim: &Simulation<'_>, pop: usize) -> Known {
    let p = &net.populations[pop];
    let m = &net.models[p.model];
    let np = m.params.len();
    let params = same_across(sim.params(pop), np);
    let inputs = m
        .inputs
        .iter()
        .enumerate()
        .map(|(k, port)| {
            let driven = net.currents.iter().any(|c| c.target == pop && c.port as usize == k);
            (!driven).then_some(if port.spike { 0.0 } else { port.default })
        })
        .collect();
    Known { params, inputs, size: p.size }
}

/// Per slot of `np` element-major values: its value when every element has the same, bit for
/// bit (none when there are no elements).
pub fn same_across(values: &[f64], np: usize) -> Vec<Option<f64>> {
    (0..np)
        .map(|k| {
            let first = values.get(k).copied()?;
            values.iter().skip(k).step_by(np).all(|v| v.to_bits() == first.to_bits()).then_some(first)
        })
        .collect()
}

/// Compiles the kernels of model `index` of `net` for populations with `known` values.
fn compile_model(net: &Network, index: usize, known: &Known) -> Result<Compiled, Unsupported> {
    let m = &net.models[index];
    if m.fixed.is_some() {
        return Err(Unsupported("a fixed-point model".into()));
    }
    let diag: Vec<_> = m.odes.iter().map(|(s, e)| scn_runtime::ir_diff::diff(e, *s)).collect();
    let info = ModelInfo {
        model: m,
        diag: &diag,
        exact_static: exact_static(m),
        noisy: m.odes.iter().any(|(_, e)| has_noise(e)),
        dt: net.dt,
    };
    let mut module = new_module()?;
    let ids = kernel::declare(&mut module, index, &info, known)?;
    module.finalize_definitions().map_err(|e| Unsupported(format!("{e:?}")))?;
    // SAFETY: each function was defined with the signature `fn(*const KernelArgs) -> i64`.
    let get = |id| unsafe { std::mem::transmute::<*const u8, KernelFn>(module.get_finalized_function(id)) };
    let entry = EntryPoints {
        integrate: get(ids.integrate),
        conditions: get(ids.conditions),
        handlers: ids.handlers.map(get),
        fused: ids.fused.map(get),
    };
    Ok(Compiled { _module: module, entry, vector: ids.vector })
}

/// Compiles every f64 neuron model of `net` that the JIT covers and installs its kernels into
/// `sim` for every population of that model; the other populations keep the interpreter.
pub fn attach<'n>(net: &'n Network, sim: &mut Simulation<'n>) -> Attached {
    let started = Instant::now();
    let installed = native::install(net, sim, |model, known| compile_model(net, model, known));
    // Fixed-point kernels (installed below, for populations `install` left) are scalar.
    let vector = installed.iter().map(|code| matches!(code, Ok(c) if c.vector)).collect();
    let mut populations: Vec<PopEngine> =
        installed.into_iter().map(|code| code.map_or_else(PopEngine::Interp, |_| PopEngine::Jit)).collect();
    for (pi, why) in fixed::install(net, sim) {
        populations[pi] = why.map_or(PopEngine::Jit, PopEngine::Interp);
    }
    let synapse_projections = native::install_synapses(net, sim, |model, known| compile_model(net, model, known));
    Attached { populations, vector, synapse_projections, compile_s: started.elapsed().as_secs_f64() }
}
