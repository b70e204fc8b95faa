//! SCN properties (LANGUAGE §9): each check lowered once to a monitor form
//! ([`monitor::Form`]: counters, comparators, a verdict), which the reference interpreter
//! drives through its step hook ([`sim`]) and the replayer drives over a recorded spike
//! trace ([`replay`]); verdicts are three-valued ([`verdict`]).

// A diagnostic is the error of every lowering step, as in scn-lower.
#![allow(clippy::result_large_err)]

pub mod cex;
pub mod circuit;
pub mod engine;
pub mod formal;
pub mod hdl;
pub mod invariant;
pub mod lower;
pub mod monitor;
pub mod names;
pub mod replay;
pub mod sim;
pub mod statics;
pub mod trace;
pub mod verdict;
pub mod view;

pub use lower::lower_properties;
pub use monitor::{Form, Monitor, Role};
pub use verdict::{Outcome, Status, Violation};
