//! The reference interpreter: it defines what every SCN program means.

pub mod connect;
pub mod eval;
pub mod expm;
pub mod fixed_eval;
mod pathway;
pub mod peer;
pub mod sc;
pub mod sim;
pub mod solver;
mod synapse_run;

pub use sim::{PopKernel, PopView, RunError, Sample, Simulation, Spike, StepObserver};
