//! FPGA targets: the embedded device profiles ([`profile`]) and the open synthesis and
//! place-and-route flow with its report ([`flow`]).

pub mod flow;
pub mod profile;

pub use flow::{FlowError, Resources};
pub use profile::Profile;
