//! Fixed-point models (a `precision` member) compiled to native kernels that compute exactly
//! what the fixed-point interpreter (`fixed_eval`, `fx_integrate`, `fx_conditions`,
//! `fx_handlers`) computes: raw `i128` integers, exact operations re-quantised inline with the
//! scope's rounding and overflow modes, stochastic rounding drawn from the same Philox
//! coordinates, faults reported as the interpreter reports them. Operations that cannot be
//! proven to fit `i128` inline, and the rare ones (`/`, `%`, `**`, `<<`), call the
//! interpreter's own code through [`abi::scn_fx_slow`].

pub mod abi;
pub mod fxgen;
pub mod kernel;
pub mod lower;

use crate::expr::Unsupported;
use abi::FxArgs;
use cranelift_jit::JITModule;
use fxgen::bits_of;
use kernel::{FxKernelFn, FxModelInfo};
use lower::ParamSrc;
use scn_runtime::interp::fixed_eval::Fault;
use scn_runtime::interp::{FxFailure, FxKernel, FxView, Simulation, Spike};
use scn_runtime::ir::{FixedSpec, Network};

/// The compiled functions of one fixed-point population, valid while `_module` lives.
struct FxCompiled {
    _module: JITModule,
    /// The precision the helpers read (its address is in the code).
    _spec: Box<FixedSpec>,
    integrate: FxKernelFn,
    conditions: FxKernelFn,
    handlers: FxKernelFn,
}

/// A fixed-point population run by compiled kernels.
struct FxPop {
    code: FxCompiled,
    seed: u64,
}

impl FxPop {
    fn call(&self, f: FxKernelFn, v: &mut FxView<'_>, step: u64, spikes: *mut Vec<Spike>) -> Result<(), FxFailure> {
        let mut fault: Option<Fault> = None;
        let args = FxArgs::new(v, step, self.seed, spikes, &mut fault);
        // SAFETY: the arguments describe the population's live arrays, sized for its model;
        // `spikes` (when not null) and `fault` outlive the call.
        let r = unsafe { f(&args) };
        if r < 0 { Ok(()) } else { Err(FxFailure { element: r as u64, fault }) }
    }
}

impl FxKernel for FxPop {
    fn integrate(&mut self, view: &mut FxView<'_>, step: u64) -> Result<(), FxFailure> {
        self.call(self.code.integrate, view, step, std::ptr::null_mut())
    }

    fn conditions(&mut self, view: &mut FxView<'_>, step: u64, spikes: &mut Vec<Spike>) -> Result<(), FxFailure> {
        self.call(self.code.conditions, view, step, spikes)
    }

    fn handlers(&mut self, view: &mut FxView<'_>, step: u64) -> Result<(), FxFailure> {
        self.call(self.code.handlers, view, step, std::ptr::null_mut())
    }
}

/// Each parameter of a population: its value when every element has the same, else the bound
/// of its values.
fn param_sources(raw: &[i128], np: usize) -> Vec<ParamSrc> {
    (0..np)
        .map(|k| {
            let mut values = raw.iter().skip(k).step_by(np.max(1));
            match values.next() {
                None => ParamSrc::Loaded(127),
                Some(&first) => {
                    let mut bits = bits_of(first);
                    let mut same = true;
                    for &v in values {
                        same &= v == first;
                        bits = bits.max(bits_of(v));
                    }
                    if same { ParamSrc::Known(first) } else { ParamSrc::Loaded(bits) }
                }
            }
        })
        .collect()
}

/// Compiles the kernels of fixed-point population `pop`.
fn compile(net: &Network, sim: &Simulation<'_>, pop: usize) -> Result<FxCompiled, Unsupported> {
    let p = &net.populations[pop];
    let m = &net.models[p.model];
    let fixed = m.fixed.as_ref().ok_or_else(|| fxgen::unsupported("not a fixed-point model"))?;
    let raw = sim.raw_params(pop).unwrap_or(&[]);
    let spec = Box::new(fixed.spec);
    let info = FxModelInfo {
        model: m,
        fixed,
        params: param_sources(raw, m.params.len()),
        spec_addr: &*spec as *const FixedSpec as usize,
        dt: net.dt,
    };
    let mut module = crate::new_module()?;
    let ids = kernel::declare(&mut module, pop, &info)?;
    module.finalize_definitions().map_err(|e| fxgen::unsupported(format!("{e:?}")))?;
    // SAFETY: each function was defined with the signature `fn(*const FxArgs) -> i64`.
    let get = |id| unsafe { std::mem::transmute::<*const u8, FxKernelFn>(module.get_finalized_function(id)) };
    let (integrate, conditions, handlers) = (get(ids.integrate), get(ids.conditions), get(ids.handlers));
    Ok(FxCompiled { _module: module, _spec: spec, integrate, conditions, handlers })
}

/// Compiles every fixed-point population of `net` and installs its kernels into `sim`;
/// returns, per fixed-point population, `None` when its kernels run it or why the
/// interpreter keeps it.
pub fn install<'n>(net: &'n Network, sim: &mut Simulation<'n>) -> Vec<(usize, Option<String>)> {
    let mut out = Vec::new();
    for (pi, p) in net.populations.iter().enumerate() {
        if net.models[p.model].fixed.is_none() {
            continue;
        }
        match compile(net, sim, pi) {
            Ok(code) => {
                sim.set_fx_kernel(pi, Box::new(FxPop { code, seed: net.seed }));
                out.push((pi, None));
            }
            Err(Unsupported(why)) => out.push((pi, Some(why))),
        }
    }
    out
}
