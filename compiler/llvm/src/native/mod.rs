//! `scn build --target native`: a whole network as a shared library with a C ABI that needs
//! no SCN at run time.
//!
//! The neuron kernels are the ones [`crate::attach`] runs (one set per population, its
//! constant parameters folded in), compiled by LLVM at `-O3` for the host CPU into an object
//! file; the step loop around them — current stimuli, sources, spike propagation through the
//! connection matrix with delays, port handlers — is the small C run-time of `runtime.c`,
//! which also defines the helpers the kernels call. The network's initial values and
//! connectivity are computed now, by the interpreter's own code, and stored in the object.
//! Constructs outside that subset are refused with [`Refusal`]s ([`check`]).

pub mod check;
pub mod header;
pub mod link;
pub mod tables;

use crate::expr::Unsupported;
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::path::{Path, PathBuf};

/// Why a network cannot become a native library: a diagnostic's code, message, the word of
/// the source to point at, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The diagnostic code (`E0730` unsupported construct, `E0731` toolchain failure).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// A word of the source the diagnostic points at (a model or population name), if any.
    pub word: Option<String>,
    /// How to fix it.
    pub help: String,
}

impl Refusal {
    /// A construct the native library does not support.
    pub fn unsupported(message: impl Into<String>, word: Option<&str>, help: impl Into<String>) -> Self {
        Refusal { code: "E0730", message: message.into(), word: word.map(str::to_string), help: help.into() }
    }

    /// LLVM or the C compiler failed.
    pub fn toolchain(message: impl Into<String>) -> Self {
        Refusal {
            code: "E0731",
            message: message.into(),
            word: None,
            help:
                "install a C compiler (`cc`, Debian: gcc) and LLVM 19 (llvm-19-dev), or run the network with `scn run`"
                    .into(),
        }
    }
}

/// The files of a built library, relative to its directory.
#[derive(Clone, Debug)]
pub struct Built {
    /// `NETWORK.o`: the kernels and tables, from LLVM.
    pub object: PathBuf,
    /// `NETWORK_runtime.c`: the run-time with the network's tables.
    pub runtime: PathBuf,
    /// `libNETWORK.so`: the shared library.
    pub library: PathBuf,
    /// `NETWORK.h`: its C header.
    pub header: PathBuf,
}

/// Builds the native library of `net` into `dir` (which must exist).
pub fn build(net: &Network, dir: &Path) -> Result<Built, Refusal> {
    check::check(net)?;
    let sim = Simulation::new(net);
    let name = header::c_name(&net.name);
    let object = dir.join(format!("{name}.o"));
    let code = link::compile_object(net, &sim, &name, &object).map_err(|(model, Unsupported(why))| {
        let keep = "run this network with `scn run` (the interpreter covers every construct)";
        match model {
            Some(m) => {
                let model = &net.models[m].name;
                Refusal::unsupported(
                    format!("model `{model}` cannot be compiled to native code: {why}"),
                    Some(model),
                    format!("use another solver or construct in `{model}`, or {keep}"),
                )
            }
            None => Refusal::unsupported(
                format!("network `{}` cannot be compiled to native code: {why}", net.name),
                Some(&net.name),
                keep,
            ),
        }
    })?;
    let runtime = dir.join(format!("{name}_runtime.c"));
    let text = link::RUNTIME_C.replace("/* SCN_NETWORK_TABLES */", &code.tables);
    std::fs::write(&runtime, text)
        .map_err(|e| Refusal::toolchain(format!("cannot write {}: {e}", runtime.display())))?;
    let header = dir.join(format!("{name}.h"));
    std::fs::write(&header, header::header(net, &name))
        .map_err(|e| Refusal::toolchain(format!("cannot write {}: {e}", header.display())))?;
    let library = dir.join(format!("lib{name}.so"));
    link::link(&object, &runtime, &library)?;
    Ok(Built { object, runtime, library, header })
}
