//! Lowering: from a checked program to the runtime's executable [`scn_runtime::ir::Network`].
//!
//! Names become slots, named expressions and functions are inlined, quantities become SI
//! numbers, durations become steps, and every random draw gets its call-site number. A
//! construct the engine cannot run yet is refused with E0701 naming it, never run wrongly.

// Lowering stops at the first construct it cannot run and returns that one diagnostic; it is
// cold, so the size of the error does not matter.
#![allow(clippy::result_large_err)]

mod channels;
mod encode;
mod expr;
mod fixed;
mod model;
mod network;
mod npy;
mod replay;
mod streams;
mod synapse_inputs;
mod table;

use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{Item, ItemKind};
use scn_sema::scope::{Found, ItemRef};
use scn_sema::{Analysis, ModuleId};
use std::collections::HashMap;

pub use fixed::FixedCtx;
pub use network::lower_network;

/// State shared while lowering one network.
pub struct Lowerer<'p> {
    /// The checked program.
    pub analysis: &'p Analysis,
    /// The module whose names are being resolved.
    pub module: ModuleId,
    /// Models lowered so far, by item.
    pub models: HashMap<ItemRef, usize>,
    /// The lowered models.
    pub out_models: Vec<scn_runtime::ir::Model>,
    /// The precision scope of each lowered fixed-point model, by model index.
    pub fixed_models: HashMap<usize, fixed::FixedCtx>,
    /// Per model index: channel states and gates by their bare names where unique (`m` for
    /// `NaT.m`), so that a network may write `cell.m`.
    pub state_aliases: HashMap<usize, HashMap<String, u16>>,
}

impl<'p> Lowerer<'p> {
    /// A lowerer over a checked program.
    pub fn new(analysis: &'p Analysis) -> Self {
        Lowerer {
            analysis,
            module: 0,
            models: HashMap::new(),
            out_models: Vec::new(),
            fixed_models: HashMap::new(),
            state_aliases: HashMap::new(),
        }
    }

    /// Looks a top-level name up from the current module.
    pub fn lookup(&self, name: &str) -> Found {
        self.analysis.scopes[self.module].lookup(name, &self.analysis.scopes)
    }

    /// The item behind a reference.
    pub fn item(&self, r: ItemRef) -> &'p Item {
        &self.analysis.program.modules[r.module].parsed.file.items[r.index]
    }

    /// The SI value of a constant expression over module constants.
    pub fn const_value(&self, e: &scn_grammar::ast::Expr) -> Option<f64> {
        scn_sema::value::eval(e, &ModuleNames { lowerer: self }, 0).and_then(|v| v.num()).map(|(r, _)| r.to_f64())
    }

    /// Resolves a path (`Lif`, `alias.Model`) to an item.
    pub fn resolve(&self, path: &[scn_grammar::ast::Ident]) -> Option<ItemRef> {
        match self.lookup(&path[0].name) {
            Found::Item(r) => Some(r),
            Found::Module(m) if path.len() >= 2 => self.analysis.scopes[m].defined.get(&path[1].name).copied(),
            _ => None,
        }
    }
}

/// Constant lookups through the module scope.
pub struct ModuleNames<'a, 'p> {
    /// The lowerer.
    pub lowerer: &'a Lowerer<'p>,
}

impl scn_sema::value::Names for ModuleNames<'_, '_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<scn_sema::value::Value> {
        match self.lowerer.lookup(name) {
            Found::Item(r) => match &self.lowerer.item(r).kind {
                ItemKind::Const(c) => scn_sema::value::eval(&c.value, self, depth),
                _ => None,
            },
            _ => None,
        }
    }
}

/// E0701: a construct the interpreter cannot run yet.
pub fn unsupported(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error("E0701", format!("the interpreter cannot run {what} yet"), span, "not supported by this engine")
        .with_help(
            "simulate a model without this construct, or follow the engine's progress in the issues; nothing was run",
        )
}
