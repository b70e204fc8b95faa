//! Constant lookup through the session's scope, for `scn_sema::value::eval`.

use scn_grammar::ast::{Expr, ItemKind};
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
}

impl Names for ConstNames<'_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<Value> {
        let (module, value) = self.const_expr(name)?;
        eval(value, &ConstNames { analysis: self.analysis, module }, depth)
    }
}
