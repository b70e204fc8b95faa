//! The SCN hardware IR and the lowering into it.
//!
//! [`ir`] is the hardware form shared by every hardware emitter (Verilog now; CIRCT MLIR and
//! SVA later): modules with ports, registers with reset values, width-explicit combinational
//! operators, read-only memories and instances. [`lower_network`] builds it from a network in
//! the runtime IR (`scn_runtime::ir`) whose neuron models all have a `precision` block, so that
//! simulating the design one clock cycle per step gives the interpreter's trace bit for bit
//! ([`trace`]).

pub mod arith;
pub mod assertion;
pub mod builder;
pub mod error;
pub mod estimate;
pub mod eval;
pub mod ir;
pub mod network;
pub mod neuron;
pub mod prune;
pub mod sc;
pub mod trace;
pub mod validate;

pub use error::HwError;
pub use network::{Lowered, lower_network};
