//! Constants of the root module, for evaluating bounds and durations exactly.

use scn_grammar::ast::ItemKind;
use scn_sema::Analysis;
use scn_sema::scope::Found;
use scn_sema::value::{Names, Value, eval};

/// The constants visible in the root module of a checked file (fixed-point constants, whose
/// stored value differs from the written one, are not constant-folded).
pub struct RootNames<'a>(pub &'a Analysis);

impl Names for RootNames<'_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<Value> {
        let Found::Item(r) = self.0.scopes.first()?.lookup(name, &self.0.scopes) else { return None };
        match &self.0.program.modules[r.module].parsed.file.items[r.index].kind {
            ItemKind::Const(c) if c.ty.is_none() => eval(&c.value, self, depth),
            _ => None,
        }
    }
}
