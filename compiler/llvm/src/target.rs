//! The host target: a target machine for the CPU this runs on, the `-O3` pipeline, and the
//! attributes that let every generated function use the host's instruction set.
//!
//! Floating point stays strict: the machine is created with LLVM's default options (fused
//! multiply-add only where IR asks for it, which generated code never does) and the pipeline
//! adds no fast-math flags, so the optimiser keeps every rounding of the interpreter.

use crate::expr::Unsupported;
use inkwell::OptimizationLevel;
use inkwell::attributes::AttributeLoc;
use inkwell::context::Context;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, InitializationConfig, RelocMode, Target, TargetMachine};

/// A target machine for the host CPU and its features, position-independent (so the same
/// code serves the JIT and shared libraries), at `-O3`.
pub fn host_machine() -> Result<TargetMachine, Unsupported> {
    Target::initialize_native(&InitializationConfig::default())
        .map_err(|e| Unsupported(format!("no native target: {e}")))?;
    let triple = TargetMachine::get_default_triple();
    let target = Target::from_triple(&triple).map_err(|e| Unsupported(format!("no target for {triple}: {e}")))?;
    let cpu = TargetMachine::get_host_cpu_name();
    let features = TargetMachine::get_host_cpu_features();
    target
        .create_target_machine(
            &triple,
            &cpu.to_string_lossy(),
            &features.to_string_lossy(),
            OptimizationLevel::Aggressive,
            RelocMode::PIC,
            CodeModel::Default,
        )
        .ok_or_else(|| Unsupported(format!("LLVM cannot generate code for {triple}")))
}

/// Gives `module` the machine's triple and data layout and every function defined in it the
/// host CPU and features, then verifies it and runs the `-O3` pipeline.
pub fn optimise(cx: &Context, module: &Module<'_>, machine: &TargetMachine) -> Result<(), Unsupported> {
    module.set_triple(&machine.get_triple());
    module.set_data_layout(&machine.get_target_data().get_data_layout());
    let cpu = cx.create_string_attribute("target-cpu", &machine.get_cpu().to_string_lossy());
    let features = cx.create_string_attribute("target-features", &machine.get_feature_string().to_string_lossy());
    for f in module.get_functions().filter(|f| f.count_basic_blocks() > 0) {
        f.add_attribute(AttributeLoc::Function, cpu);
        f.add_attribute(AttributeLoc::Function, features);
        f.add_attribute(AttributeLoc::Function, crate::helpers::enum_attr(cx, "nounwind", 0));
    }
    module.verify().map_err(|e| Unsupported(format!("generated invalid LLVM IR: {e}")))?;
    module
        .run_passes("default<O3>", machine, PassBuilderOptions::create())
        .map_err(|e| Unsupported(format!("the LLVM optimiser failed: {e}")))
}
