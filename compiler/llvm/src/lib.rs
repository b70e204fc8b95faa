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
use scn_jit::abi::{KernelArgs, PopMemory};
use scn_jit::expr::Known;
use scn_jit::kernel::KernelFn;
use scn_runtime::interp::sim::exact_static;
use scn_runtime::interp::solver::has_noise;
use scn_runtime::interp::{PopKernel, PopView, Simulation, Spike};
use scn_runtime::ir::{Network, Solver};
use std::mem::ManuallyDrop;
use std::rc::Rc;
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
    /// Seconds spent generating, optimising and compiling code.
    pub compile_s: f64,
}

/// The compiled functions of one model, valid while `engine` lives; the engine borrows
/// `_context`, which is boxed so that its address never changes and dropped after it.
struct Compiled {
    engine: ManuallyDrop<ExecutionEngine<'static>>,
    _context: Box<Context>,
    integrate: KernelFn,
    conditions: KernelFn,
    handlers: Option<KernelFn>,
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
        // SAFETY: each kernel was defined with the signature `i64 (ptr)`, which is `KernelFn`.
        Ok(unsafe { std::mem::transmute::<usize, KernelFn>(at) })
    };
    let (integrate, conditions) = (get(&names.integrate)?, get(&names.conditions)?);
    let handlers = names.handlers.as_deref().map(get).transpose()?;
    Ok(Compiled { engine: ManuallyDrop::new(engine), _context: context, integrate, conditions, handlers })
}

/// One population's kernels plus its exact-solver cache.
struct LlvmPop {
    code: Rc<Compiled>,
    mem: PopMemory,
}

impl LlvmPop {
    fn args(&mut self, v: &mut PopView<'_>, step: u64, t: f64, spikes: *mut Vec<Spike>) -> KernelArgs {
        KernelArgs::new(v, &mut self.mem, step, t, spikes)
    }
}

impl PopKernel for LlvmPop {
    fn integrate(&mut self, view: &mut PopView<'_>, step: u64, t: f64) -> Result<(), u64> {
        let args = self.args(view, step, t, std::ptr::null_mut());
        // SAFETY: the arguments describe the population's live arrays, sized for its model.
        let r = unsafe { (self.code.integrate)(&args) };
        if r < 0 { Ok(()) } else { Err(r as u64) }
    }

    fn conditions(&mut self, view: &mut PopView<'_>, step: u64, t: f64, spikes: &mut Vec<Spike>) {
        let args = self.args(view, step, t, spikes);
        // SAFETY: as above; `spikes` outlives the call.
        unsafe { (self.code.conditions)(&args) };
    }

    fn handlers(&mut self, view: &mut PopView<'_>, step: u64, t: f64) {
        if let Some(f) = self.code.handlers {
            let args = self.args(view, step, t, std::ptr::null_mut());
            // SAFETY: as above.
            unsafe { f(&args) };
        }
    }
}

/// Compiles every f64 neuron model of `net` that the backend covers and installs its kernels
/// into `sim` for every population of that model; the other populations keep the interpreter.
pub fn attach<'n>(net: &'n Network, sim: &mut Simulation<'n>) -> Attached {
    let started = Instant::now();
    let mut compiled: Vec<(usize, Known, Result<Rc<Compiled>, Unsupported>)> = Vec::new();
    let mut populations = Vec::new();
    for (pi, p) in net.populations.iter().enumerate() {
        let k = scn_jit::known(net, sim, pi);
        let at = match compiled.iter().position(|(m, kk, _)| *m == p.model && kk.same(&k)) {
            Some(at) => at,
            None => {
                let code = compile_model(net, p.model, &k).map(Rc::new);
                compiled.push((p.model, k, code));
                compiled.len() - 1
            }
        };
        match &compiled[at].2 {
            Ok(code) => {
                let m = &net.models[p.model];
                let n = if m.solver == Solver::Exact { m.odes.len() } else { 0 };
                let size = p.size as usize;
                sim.set_kernel(
                    pi,
                    Box::new(LlvmPop {
                        code: code.clone(),
                        mem: PopMemory {
                            exact: vec![0.0; size * 3 * n * n],
                            exact_valid: vec![0; if n > 0 { size } else { 0 }],
                            seed: net.seed,
                        },
                    }),
                );
                populations.push(PopEngine::Llvm);
            }
            Err(Unsupported(why)) => populations.push(PopEngine::Interp(why.clone())),
        }
    }
    Attached { populations, compile_s: started.elapsed().as_secs_f64() }
}
