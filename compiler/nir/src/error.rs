//! Errors of reading, importing and exporting NIR graphs, each with its diagnostic code.

use scn_diagnostics::{Diagnostic, Span};

/// What went wrong, naming the NIR node and field where there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct NirError {
    /// The diagnostic code (`E072x`).
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl NirError {
    /// The file cannot be opened or is not a NIR graph (E0720).
    pub fn file(message: impl Into<String>) -> Self {
        NirError {
            code: "E0720",
            message: message.into(),
            help: "write the file with `nir.write` (NIR 1.x: an HDF5 file with a `node` group)".into(),
        }
    }

    /// A node's field is missing or has the wrong type or shape (E0721).
    pub fn field(node: &str, field: &str, problem: impl std::fmt::Display) -> Self {
        NirError {
            code: "E0721",
            message: format!("NIR node `{node}`, field `{field}`: {problem}"),
            help: "re-export the graph with a current NIR writer; docs/nir.md lists the fields of every node".into(),
        }
    }

    /// A node or construct that SCN does not import (E0722).
    pub fn unsupported(node: &str, what: impl std::fmt::Display) -> Self {
        NirError {
            code: "E0722",
            message: format!("NIR node `{node}`: {what}"),
            help: "docs/nir.md lists the NIR graphs SCN imports".into(),
        }
    }

    /// An edge names a node that does not exist, or the graph has no input/output (E0723).
    pub fn graph(message: impl Into<String>) -> Self {
        NirError {
            code: "E0723",
            message: message.into(),
            help: "every edge must join two nodes of the graph; shapes must agree along it".into(),
        }
    }

    /// The time step is neither in the file nor given (E0724).
    pub fn no_dt() -> Self {
        NirError {
            code: "E0724",
            message: "the NIR file does not say its time step".into(),
            help: "NIR models are continuous in time; choose the step they were trained with: `scn import --dt 1ms`"
                .into(),
        }
    }

    /// An SCN construct that NIR cannot express (E0725).
    pub fn inexpressible(what: impl std::fmt::Display) -> Self {
        NirError {
            code: "E0725",
            message: format!("NIR cannot express {what}"),
            help: "docs/nir.md lists the SCN constructs `scn build --target nir` exports".into(),
        }
    }

    /// The diagnostic of the error (NIR files have no source spans, so it points nowhere).
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(self.code, self.message.clone(), Span::default(), "here").with_help(self.help.clone())
    }
}

impl std::fmt::Display for NirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_registered_code() {
        let all = [
            NirError::file("x"),
            NirError::field("lif", "tau", "missing"),
            NirError::unsupported("g", "nested graphs"),
            NirError::graph("x"),
            NirError::no_dt(),
            NirError::inexpressible("x"),
        ];
        for e in all {
            // Panics if the code is not in scn-diagnostics' CODES registry.
            let d = e.to_diagnostic();
            assert_eq!(d.code, e.code);
        }
    }
}
