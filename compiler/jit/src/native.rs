//! A population run by natively compiled kernels, whichever backend compiled them (Cranelift
//! here, LLVM in `scn-llvm`): the kernel calls behind the runtime's [`PopKernel`], and the
//! installation loops that compile each model once per set of known values (for populations,
//! and for the synapse ODEs of projections, whose connections a kernel runs as its elements).

use crate::abi::{KernelArgs, PopMemory};
use crate::expr::{Known, Unsupported};
use crate::kernel::KernelFn;
use scn_runtime::interp::{PopKernel, PopView, Simulation, Spike};
use scn_runtime::ir::{Network, Solver};
use std::rc::Rc;

/// The entry points of one compiled model.
pub struct EntryPoints {
    /// Integration (with invariants): returns a negative value, or the failing element.
    pub integrate: KernelFn,
    /// Conditions, resets and refractory periods.
    pub conditions: KernelFn,
    /// Port handlers, when the model has any.
    pub handlers: Option<KernelFn>,
    /// Integration and conditions in one pass, when the backend made one.
    pub fused: Option<KernelFn>,
}

/// Compiled code that stays callable while the value lives.
pub trait CompiledModel {
    /// Its entry points.
    fn entry_points(&self) -> &EntryPoints;
}

/// One population's kernels plus its own memory.
struct NativePop<C> {
    code: Rc<C>,
    mem: PopMemory,
}

impl<C: CompiledModel> NativePop<C> {
    fn args(&mut self, v: &mut PopView<'_>, step: u64, t: f64, spikes: *mut Vec<Spike>) -> KernelArgs {
        KernelArgs::new(v, &mut self.mem, step, t, spikes)
    }
}

impl<C: CompiledModel> PopKernel for NativePop<C> {
    fn integrate(&mut self, view: &mut PopView<'_>, step: u64, t: f64) -> Result<(), u64> {
        let f = self.code.entry_points().integrate;
        let args = self.args(view, step, t, std::ptr::null_mut());
        // SAFETY: the arguments describe the population's live arrays, sized for its model.
        let r = unsafe { f(&args) };
        if r < 0 { Ok(()) } else { Err(r as u64) }
    }

    fn conditions(&mut self, view: &mut PopView<'_>, step: u64, t: f64, spikes: &mut Vec<Spike>) {
        let f = self.code.entry_points().conditions;
        let args = self.args(view, step, t, spikes);
        // SAFETY: as above; `spikes` outlives the call.
        unsafe { f(&args) };
    }

    fn integrate_and_conditions(
        &mut self,
        view: &mut PopView<'_>,
        step: u64,
        t: f64,
        spikes: &mut Vec<Spike>,
    ) -> Result<(), u64> {
        let Some(f) = self.code.entry_points().fused else {
            self.integrate(view, step, t)?;
            self.conditions(view, step, t, spikes);
            return Ok(());
        };
        let args = self.args(view, step, t, spikes);
        // SAFETY: as above; `spikes` outlives the call.
        let r = unsafe { f(&args) };
        if r < 0 { Ok(()) } else { Err(r as u64) }
    }

    fn handlers(&mut self, view: &mut PopView<'_>, step: u64, t: f64) {
        if let Some(f) = self.code.entry_points().handlers {
            let args = self.args(view, step, t, std::ptr::null_mut());
            // SAFETY: as above.
            unsafe { f(&args) };
        }
    }
}

/// Compiles (with `compile`, once per model and set of known values) every population's model
/// and installs the kernels into `sim`; returns per population the compiled code that runs it,
/// or why the interpreter keeps it.
pub fn install<'n, C: CompiledModel + 'static>(
    net: &'n Network,
    sim: &mut Simulation<'n>,
    mut compile: impl FnMut(usize, &Known) -> Result<C, Unsupported>,
) -> Vec<Result<Rc<C>, String>> {
    let mut compiled: Vec<(usize, Known, Result<Rc<C>, Unsupported>)> = Vec::new();
    let mut populations = Vec::new();
    for (pi, p) in net.populations.iter().enumerate() {
        let k = crate::known(net, sim, pi);
        let at = match compiled.iter().position(|(m, kk, _)| *m == p.model && kk.same(&k)) {
            Some(at) => at,
            None => {
                let code = compile(p.model, &k).map(Rc::new);
                compiled.push((p.model, k, code));
                compiled.len() - 1
            }
        };
        match &compiled[at].2 {
            Ok(code) => {
                let m = &net.models[p.model];
                let n = if m.solver == Solver::Exact { m.odes.len() } else { 0 };
                let size = p.size as usize;
                let mem = PopMemory {
                    exact: vec![0.0; size * 3 * n * n],
                    exact_valid: vec![0; if n > 0 { size } else { 0 }],
                    seed: net.seed,
                };
                sim.set_kernel(pi, Box::new(NativePop { code: code.clone(), mem }));
                populations.push(Ok(code.clone()));
            }
            Err(Unsupported(why)) => populations.push(Err(why.clone())),
        }
    }
    populations
}

/// Compiles (with `compile`, once per synapse model and set of known values) the synapse model
/// of every projection whose synapse ODEs a kernel may advance, and installs the kernels into
/// `sim`; returns the number of projections that run on them.
pub fn install_synapses<'n, C: CompiledModel + 'static>(
    net: &'n Network,
    sim: &mut Simulation<'n>,
    mut compile: impl FnMut(usize, &Known) -> Result<C, Unsupported>,
) -> usize {
    let mut compiled: Vec<(usize, Known, Option<Rc<C>>)> = Vec::new();
    let mut installed = 0;
    for (k, pr) in net.projections.iter().enumerate() {
        let (Some(model), Some(inputs)) = (pr.synapse, sim.synapse_kernel_inputs(k)) else { continue };
        let m = &net.models[model];
        let known = Known {
            params: crate::same_across(sim.synapse_params(k), m.params.len()),
            inputs: inputs.into_iter().map(Some).collect(),
            size: sim.connection_counts()[k] as u64,
        };
        let at = match compiled.iter().position(|(s, kk, _)| *s == model && kk.same(&known)) {
            Some(at) => at,
            None => {
                let code = compile(model, &known).ok().map(Rc::new);
                compiled.push((model, known, code));
                compiled.len() - 1
            }
        };
        let Some(code) = &compiled[at].2 else { continue };
        let n = if m.solver == Solver::Exact { m.odes.len() } else { 0 };
        let size = sim.connection_counts()[k];
        let mem = PopMemory {
            exact: vec![0.0; size * 3 * n * n],
            exact_valid: vec![0; if n > 0 { size } else { 0 }],
            seed: net.seed,
        };
        if sim.set_synapse_kernel(k, Box::new(NativePop { code: code.clone(), mem })) {
            installed += 1;
        }
    }
    installed
}
