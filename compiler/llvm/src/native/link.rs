//! Code generation and linking of a native library: the kernels and tables into an object
//! file through LLVM, the run-time compiled with `cc`, both linked with `cc -shared`.

use super::Refusal;
use super::tables;
use crate::expr::Unsupported;
use crate::kernel::{self, ModelInfo};
use crate::{solver, target};
use inkwell::GlobalVisibility;
use inkwell::context::Context;
use inkwell::targets::FileType;
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::path::Path;
use std::process::Command;

/// The helpers the kernels call and the draws (`helpers.c`), in C.
pub const HELPERS_C: &str = include_str!("helpers.c");

/// The run-time of every native library (`helpers.c`, then `runtime.c`); the network's tables
/// replace its `/* SCN_NETWORK_TABLES */` line.
pub const RUNTIME_C: &str = concat!(include_str!("helpers.c"), include_str!("runtime.c"));

/// What [`compile_object`] produced besides the object file.
pub struct Code {
    /// The C tables for the run-time.
    pub tables: String,
}

/// Compiles the kernels of population `pi` into `module`; `Err` when it needs something a
/// native library lacks.
fn pop_kernels<'ctx>(
    cx: &'ctx Context,
    module: &inkwell::module::Module<'ctx>,
    net: &Network,
    sim: &Simulation<'_>,
    name: &str,
    pi: usize,
) -> Result<kernel::Declared, Unsupported> {
    let p = &net.populations[pi];
    let diag: Vec<_> = net.models[p.model].odes.iter().map(|(s, e)| scn_runtime::ir_diff::diff(e, *s)).collect();
    let info: ModelInfo<'_> = crate::model_info(net, p.model, &diag)?;
    let known = scn_jit::known(net, sim, pi);
    let d = kernel::declare(cx, module, &format!("{name}_p{pi}"), &info, &known)?;
    if solver::needs_exact_update(module) {
        return Err(Unsupported("its exact solver's propagators change while it runs".into()));
    }
    Ok(d)
}

/// Compiles the kernels of every population of `net` and its arrays into the object `path`.
/// `Err` names the model whose kernels failed (if a model's did).
pub fn compile_object(
    net: &Network,
    sim: &Simulation<'_>,
    name: &str,
    path: &Path,
) -> Result<Code, (Option<usize>, Unsupported)> {
    let cx = Context::create();
    let module = cx.create_module(name);
    let mut kernels = Vec::new();
    for (pi, p) in net.populations.iter().enumerate() {
        kernels.push(pop_kernels(&cx, &module, net, sim, name, pi).map_err(|e| (Some(p.model), e))?);
    }
    let whole = |e| (None, e);
    for f in module.get_functions().filter(|f| f.count_basic_blocks() > 0) {
        f.as_global_value().set_visibility(GlobalVisibility::Hidden);
    }
    let tables = tables::emit(&cx, &module, net, sim, name, &kernels).map_err(whole)?;
    let machine = target::host_machine().map_err(whole)?;
    target::optimise(&cx, &module, &machine).map_err(whole)?;
    machine
        .write_to_file(&module, FileType::Object, path)
        .map_err(|e| whole(Unsupported(format!("writing the object: {e}"))))?;
    Ok(Code { tables })
}

/// Runs `cc` with `args`.
fn cc(args: &[&std::ffi::OsStr]) -> Result<(), Refusal> {
    let out = Command::new("cc")
        .args(args)
        .output()
        .map_err(|e| Refusal::toolchain(format!("cannot run the C compiler `cc`: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Refusal::toolchain(format!("`cc` failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Compiles the run-time `runtime` (without contracting floating-point operations, like the
/// kernels) and links it with `object` into the shared library `library`.
pub fn link(object: &Path, runtime: &Path, library: &Path) -> Result<(), Refusal> {
    let rt_object = runtime.with_extension("o");
    let flags = ["-O2", "-fPIC", "-ffp-contract=off", "-fno-fast-math", "-fvisibility=hidden", "-std=c11", "-c"];
    let mut args: Vec<&std::ffi::OsStr> = flags.iter().map(|f| f.as_ref()).collect();
    args.extend([runtime.as_os_str(), "-o".as_ref(), rt_object.as_os_str()]);
    cc(&args)?;
    let linked = cc(&[
        "-shared".as_ref(),
        "-o".as_ref(),
        library.as_os_str(),
        object.as_os_str(),
        rt_object.as_os_str(),
        "-lm".as_ref(),
    ]);
    let _ = std::fs::remove_file(&rt_object);
    linked
}
