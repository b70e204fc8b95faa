//! Constant lookup through the session's scope, for `scn_sema::value::eval`.

use scn_grammar::ast::{Expr, ItemKind, Type, TypeKind};
use scn_sema::scope::Found;
use scn_sema::value::{Names, Value, eval};
use scn_sema::{Analysis, ModuleId};

/// The constants visible in one module of a checked session.
pub struct ConstNames<'a> {
    /// The checked session.
    pub analysis: &'a Analysis,
    /// The module whose scope names are looked up in.
    pub module: ModuleId,
}

impl<'a> ConstNames<'a> {
    /// The names of the session itself (the root module).
    pub fn root(analysis: &'a Analysis) -> Self {
        ConstNames { analysis, module: 0 }
    }

    /// The defining expression of the constant `name` and the module it lives in.
    pub fn const_expr(&self, name: &str) -> Option<(ModuleId, &'a Expr)> {
        let Found::Item(r) = self.analysis.scopes.get(self.module)?.lookup(name, &self.analysis.scopes) else {
            return None;
        };
        match &self.analysis.program.modules[r.module].parsed.file.items[r.index].kind {
            ItemKind::Const(c) => Some((r.module, &c.value)),
            _ => None,
        }
    }

    /// Whether the constant `name` is declared with a fixed-point type, so that its exact
    /// value is not the value it holds.
    pub fn is_fixed(&self, name: &str) -> bool {
        let Found::Item(r) = self.analysis.scopes[self.module].lookup(name, &self.analysis.scopes) else {
            return false;
        };
        matches!(
            &self.analysis.program.modules[r.module].parsed.file.items[r.index].kind,
            ItemKind::Const(c) if c.ty.as_ref().is_some_and(is_fixed_type)
        )
    }
}

/// Whether a written type is fixed point (`fix<W,F>`, `ufix<W,F>`, `QI.F`).
pub fn is_fixed_type(t: &Type) -> bool {
    match &t.kind {
        TypeKind::Generic(name, _) => name.name == "fix" || name.name == "ufix",
        TypeKind::QFormat(_) => true,
        _ => false,
    }
}

/// Exact values of constants, except fixed-point ones (whose quantised value differs).
impl Names for ConstNames<'_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<Value> {
        if self.is_fixed(name) {
            return None;
        }
        let (module, value) = self.const_expr(name)?;
        eval(value, &ConstNames { analysis: self.analysis, module }, depth)
    }
}
