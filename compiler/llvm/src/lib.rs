//! SCN's LLVM backend. [`attach`] compiles each f64 neuron model of a network into the same
//! three kernels as the Cranelift JIT (`scn_jit`) — integration with invariants, conditions,
//! port handlers — through LLVM at `-O3` for the host CPU, and installs them into the
//! reference interpreter's [`Simulation`]. [`native::build`] compiles a whole network into a
//! shared library with a C ABI that needs no SCN at run time.
//!
//! The kernels compute exactly what the interpreter computes: the same f64 operations in the
//! same order without fast-math flags (so no fused multiply-adds and no reassociation), the
//! same helper functions for everything transcendental, the same Philox draws. A model the
//! backend cannot compile keeps the interpreter's code; [`attach`] reports which engine runs
//! each population and why.

pub mod expr;
pub mod helpers;
pub mod kernel;
pub mod native;
pub mod solver;
pub mod target;

use expr::Unsupported;
use inkwell::OptimizationLevel;
use inkwell::context::Context;
use inkwell::execution_engine::ExecutionEngine;
use kernel::ModelInfo;
use scn_jit::expr::Known;
use scn_jit::kernel::KernelFn;
use scn_jit::native::{CompiledModel, EntryPoints};
use scn_runtime::interp::Simulation;
use scn_runtime::interp::sim::exact_static;
use scn_runtime::interp::solver::has_noise;
use scn_runtime::ir::Network;
use std::mem::ManuallyDrop;
use std::time::Instant;

/// Which engine runs a population.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PopEngine {
    /// Native kernels from LLVM.
    Llvm,
    /// The interpreter, with the reason LLVM did not compile the model.
    Interp(String),
}

impl PopEngine {
    /// `"llvm"` or `"interp"`.
    pub fn name(&self) -> &'static str {
        match self {
            PopEngine::Llvm => "llvm",
            PopEngine::Interp(_) => "interp",
        }
    }
}

/// What [`attach`] did.
#[derive(Clone, Debug)]
pub struct Attached {
    /// Per population, the engine that runs it.
    pub populations: Vec<PopEngine>,
    /// The number of projections whose synapse ODEs native kernels advance.
    pub synapse_projections: usize,
    /// Seconds spent generating, optimising and compiling code.
    pub compile_s: f64,
}

/// The compiled functions of one model, valid while `engine` lives; the engine borrows
/// `_context`, which is boxed so that its address never changes and dropped after it.
struct Compiled {
    engine: ManuallyDrop<ExecutionEngine<'static>>,
    _context: Box<Context>,
    entry: EntryPoints,
}

impl CompiledModel for Compiled {
    fn entry_points(&self) -> &EntryPoints {
        &self.entry
    }
}

impl Drop for Compiled {
    fn drop(&mut self) {
        // SAFETY: the engine is dropped once, here, before the context it borrows.
        unsafe { ManuallyDrop::drop(&mut self.engine) };
    }
}

/// The analysis of model `index` of `net` that code generation needs.
pub(crate) fn model_info<'n>(
    net: &'n Network,
    index: usize,
    diag: &'n [Option<scn_runtime::ir::Expr>],
) -> Result<ModelInfo<'n>, Unsupported> {
    let m = &net.models[index];
    if m.fixed.is_some() {
        return Err(Unsupported("a fixed-point model".into()));
    }
    Ok(ModelInfo {
        model: m,
        diag,
        exact_static: exact_static(m),
        noisy: m.odes.iter().any(|(_, e)| has_noise(e)),
        dt: net.dt,
    })
}

/// ∂f/∂x of every ODE of model `index` (for exponential Euler).
fn diagonal(net: &Network, index: usize) -> Vec<Option<scn_runtime::ir::Expr>> {
    net.models[index].odes.iter().map(|(s, e)| scn_runtime::ir_diff::diff(e, *s)).collect()
}

/// Compiles the kernels of model `index` of `net` for populations with `known` values.
fn compile_model(net: &Network, index: usize, known: &Known) -> Result<Compiled, Unsupported> {
    let diag = diagonal(net, index);
    let info = model_info(net, index, &diag)?;
    let machine = target::host_machine()?;
    let context = Box::new(Context::create());
    // SAFETY: the context is boxed and outlives the engine (see `Compiled`), which is the only
    // thing that keeps this reference.
    let at: *const Context = &*context;
    let cx: &'static Context = unsafe { &*at };
    let module = cx.create_module(&format!("scn_model_{index}"));
    let names = kernel::declare(cx, &module, &index.to_string(), &info, known)?;
    target::optimise(cx, &module, &machine)?;
    if let Some(dir) = std::env::var_os("SCN_LLVM_DUMP") {
        // The optimised assembly of every model, for reading what the optimiser made of it.
        let path = std::path::Path::new(&dir).join(format!("scn_model_{index}.s"));
        machine
            .write_to_file(&module, inkwell::targets::FileType::Assembly, &path)
            .map_err(|e| Unsupported(format!("cannot write {}: {e}", path.display())))?;
    }
    let engine = module
        .create_jit_execution_engine(OptimizationLevel::Aggressive)
        .map_err(|e| Unsupported(format!("no LLVM JIT: {e}")))?;
    for h in helpers::Helper::ALL {
        if let Some(f) = module.get_function(h.symbol()) {
            engine.add_global_mapping(&f, h.address());
        }
    }
    let get = |name: &str| -> Result<KernelFn, Unsupported> {
        let at = engine.get_function_address(name).map_err(|e| Unsupported(format!("{name}: {e:?}")))?;
        if std::env::var_os("SCN_LLVM_DUMP").is_some() {
            eprintln!("{name} at {at:#x}");
        }
        // SAFETY: each kernel was defined with the signature `i64 (ptr)`, which is `KernelFn`.
        Ok(unsafe { std::mem::transmute::<usize, KernelFn>(at) })
    };
    let entry = EntryPoints {
        integrate: get(&names.integrate)?,
        conditions: get(&names.conditions)?,
        handlers: names.handlers.as_deref().map(get).transpose()?,
        fused: names.fused.as_deref().map(get).transpose()?,
    };
    Ok(Compiled { engine: ManuallyDrop::new(engine), _context: context, entry })
}

/// Compiles every f64 neuron model of `net` that the backend covers and installs its kernels
/// into `sim` for every population of that model; the other populations keep the interpreter.
pub fn attach<'n>(net: &'n Network, sim: &mut Simulation<'n>) -> Attached {
    let started = Instant::now();
    let populations = scn_jit::native::install(net, sim, |model, known| {
        compile_model(net, model, known).map_err(|Unsupported(why)| scn_jit::expr::Unsupported(why))
    })
    .into_iter()
    .map(|code| code.map_or_else(PopEngine::Interp, |_| PopEngine::Llvm))
    .collect();
    // Synapse ODEs on the synapse model's kernels, where they compute what the interpreter does.
    let synapse_projections = scn_jit::native::install_synapses(net, sim, |model, known| {
        compile_model(net, model, known).map_err(|Unsupported(why)| scn_jit::expr::Unsupported(why))
    });
    Attached { populations, synapse_projections, compile_s: started.elapsed().as_secs_f64() }
}
