//! SCN semantic analysis.
//!
//! [`check_source`] loads a file and everything it imports ([`modules`]), builds each module's
//! scope ([`scope`]) and checks every item: names, units and dimensions, SC stream types and
//! their correlation, fixed-point ranges, ODE linearity for `solver exact`, networks and
//! properties. Diagnostics come back per module, each with a code, a span and a help line.

mod builtins;
mod checker;
mod env;
mod expr;
pub mod fixed;
mod hints;
pub mod linear;
mod model;
pub mod modules;
mod network;
mod property;
pub mod scope;
mod streams;
pub mod ty;
mod types;
pub mod value;

pub use builtins::{BUILTINS, PROPERTY_FUNCTIONS};
pub use checker::Tables;
pub use modules::{Disk, ModuleId, Program, SourceProvider};

use scn_diagnostics::Diagnostic;
use std::path::Path;

/// The result of checking a program.
#[derive(Debug)]
pub struct Analysis {
    /// Every loaded module.
    pub program: Program,
    /// Diagnostics per module (syntax, imports, semantics), in source order within a module.
    pub diagnostics: Vec<(ModuleId, Diagnostic)>,
    /// The fixed-point analysis of every model with a `precision` (root module only).
    pub precision: Vec<fixed::PrecisionReport>,
    /// The scope of every module, for later passes that resolve names.
    pub scopes: Vec<scope::ModuleScope>,
    /// Expression types and name resolutions by position.
    pub tables: Tables,
}

impl Analysis {
    /// The type of the expression at exactly `span` in module `m`.
    pub fn type_at(&self, m: ModuleId, span: scn_diagnostics::Span) -> Option<&ty::Ty> {
        self.tables.types.get(&(m, span))
    }

    /// The declaration a name use at `span` in module `m` resolves to.
    pub fn definition_of(&self, m: ModuleId, span: scn_diagnostics::Span) -> Option<(ModuleId, scn_diagnostics::Span)> {
        self.tables.references.get(&(m, span)).copied()
    }
}

impl Analysis {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|(_, d)| d.is_error())
    }
}

/// Checks `text` (shown as `name`, with relative imports resolved in `dir`).
pub fn check_source(name: &str, text: String, dir: Option<&Path>, files: &dyn SourceProvider) -> Analysis {
    let (program, mut diagnostics) = Program::load(name, text, dir, files);
    for (m, module) in program.modules.iter().enumerate() {
        diagnostics.extend(module.parsed.diagnostics.iter().cloned().map(|d| (m, d)));
    }
    let scopes = scope::build(&program, &mut diagnostics);
    // Semantic checks only run on modules without syntax errors in them, so that a half-typed
    // member does not cascade.
    let mut checker = checker::Checker::new(&program, scopes);
    checker.check_all();
    let precision = std::mem::take(&mut checker.precision_reports);
    let scopes = std::mem::take(&mut checker.scopes);
    let tables = std::mem::take(&mut checker.tables);
    let syntax_broken: Vec<bool> = program.modules.iter().map(|m| m.parsed.has_errors()).collect();
    diagnostics.extend(checker.diags.into_iter().filter(|(m, _)| !syntax_broken[*m]));
    diagnostics.sort_by_key(|(m, d)| (*m, d.primary.span.start, d.primary.span.end));
    diagnostics.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    Analysis { program, diagnostics, precision, scopes, tables }
}
