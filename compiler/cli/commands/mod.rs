//! One module per subcommand.

pub mod build;
pub mod build_native;
pub mod build_nir;
pub mod catalogue;
pub mod check;
pub mod doc;
pub mod explain;
pub mod fmt;
pub mod import;
pub mod lsp;
pub mod repl;
pub mod run;
pub mod run_replay;
pub mod targets;
pub mod verify;
