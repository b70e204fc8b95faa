//! The reference interpreter: it defines what every SCN program means.

pub mod connect;
pub mod eval;
pub mod expm;
pub mod fixed_eval;
pub mod fx_kernel;
mod pathway;
pub mod peer;
pub mod sc;
pub mod sim;
pub mod solver;
mod synapse_run;

pub use fx_kernel::{FxFailure, FxKernel, FxView};
pub use sim::{PopKernel, PopView, RunError, Sample, Simulation, Spike, StepObserver};
