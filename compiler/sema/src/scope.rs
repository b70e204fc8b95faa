//! Module scopes: which items a module defines and which it imports, and looking names up.

use crate::modules::{ModuleId, Program};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{Ident, Item, ItemKind};
use std::collections::HashMap;

/// An item of some module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ItemRef {
    /// The module.
    pub module: ModuleId,
    /// Index into the module's items.
    pub index: usize,
}

/// The names one module can see at the top level.
#[derive(Debug, Default)]
pub struct ModuleScope {
    /// Items defined here, by name.
    pub defined: HashMap<String, ItemRef>,
    /// `import m.{A, B}`: single names.
    pub named: HashMap<String, (ItemRef, Span)>,
    /// `import m as x`: module aliases.
    pub aliases: HashMap<String, ModuleId>,
    /// `import m`: every item of these modules.
    pub globs: Vec<ModuleId>,
}

/// What a top-level lookup found.
#[derive(Debug)]
pub enum Found {
    /// One item.
    Item(ItemRef),
    /// A module alias.
    Module(ModuleId),
    /// Nothing of that name.
    Missing,
    /// The same name from two glob imports.
    Ambiguous(Vec<ItemRef>),
}

/// The name an item defines, if it defines one.
pub fn item_name(item: &Item) -> Option<&Ident> {
    match &item.kind {
        ItemKind::Const(c) => Some(&c.name),
        ItemKind::Fn(f) => Some(&f.name),
        ItemKind::Model(m) => Some(&m.name),
        ItemKind::Network(n) => Some(&n.name),
        ItemKind::Property(p) => Some(&p.name),
        ItemKind::Import(_) | ItemKind::Error => None,
    }
}

/// Builds the scope of every module, reporting duplicate items (E0102) and unknown imported
/// names (E0104).
pub fn build(program: &Program, diags: &mut Vec<(ModuleId, Diagnostic)>) -> Vec<ModuleScope> {
    let mut scopes: Vec<ModuleScope> = Vec::with_capacity(program.modules.len());
    for (m, module) in program.modules.iter().enumerate() {
        let mut scope = ModuleScope::default();
        let mut first: HashMap<String, Span> = HashMap::new();
        for (index, item) in module.parsed.file.items.iter().enumerate() {
            let Some(name) = item_name(item) else { continue };
            if let Some(prev) = first.get(&name.name) {
                diags.push((
                    m,
                    Diagnostic::error(
                        "E0102",
                        format!("`{}` is defined twice", name.name),
                        name.span,
                        "defined again here",
                    )
                    .with_label(*prev, "first defined here")
                    .with_help("rename one of them; names are unique per module"),
                ));
                continue;
            }
            first.insert(name.name.clone(), name.span);
            scope.defined.insert(name.name.clone(), ItemRef { module: m, index });
        }
        scopes.push(scope);
    }
    for (m, module) in program.modules.iter().enumerate() {
        for (index, item) in module.parsed.file.items.iter().enumerate() {
            let ItemKind::Import(imp) = &item.kind else { continue };
            let Some(&target) = module.imports.get(&index) else { continue };
            if let Some(alias) = &imp.alias {
                scopes[m].aliases.insert(alias.name.clone(), target);
            } else if let Some(names) = &imp.names {
                for n in names {
                    match scopes[target].defined.get(&n.name) {
                        Some(&r) => {
                            scopes[m].named.insert(n.name.clone(), (r, n.span));
                        }
                        None => {
                            let d = Diagnostic::error(
                                "E0104",
                                format!("module `{}` has no item `{}`", dotted(imp), n.name),
                                n.span,
                                "not defined there",
                            );
                            let known: Vec<&str> = scopes[target].defined.keys().map(String::as_str).collect();
                            let d = match scn_grammar::parser::closest(&n.name, known.iter().copied()) {
                                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                                None => {
                                    let mut k = known.clone();
                                    k.sort();
                                    d.with_help(format!("it defines: {}", k.join(", ")))
                                }
                            };
                            diags.push((m, d));
                        }
                    }
                }
            } else if !scopes[m].globs.contains(&target) {
                scopes[m].globs.push(target);
            }
        }
    }
    scopes
}

fn dotted(imp: &scn_grammar::ast::Import) -> String {
    imp.path.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(".")
}

impl ModuleScope {
    /// Looks a top-level name up: definitions first, then named imports, then aliases, then
    /// glob imports.
    pub fn lookup(&self, name: &str, scopes: &[ModuleScope]) -> Found {
        if let Some(&r) = self.defined.get(name) {
            return Found::Item(r);
        }
        if let Some(&(r, _)) = self.named.get(name) {
            return Found::Item(r);
        }
        if let Some(&m) = self.aliases.get(name) {
            return Found::Module(m);
        }
        let hits: Vec<ItemRef> = self.globs.iter().filter_map(|&g| scopes[g].defined.get(name).copied()).collect();
        match hits.len() {
            0 => Found::Missing,
            1 => Found::Item(hits[0]),
            _ => Found::Ambiguous(hits),
        }
    }

    /// Every name visible at the top level, for "did you mean" hints.
    pub fn visible_names<'a>(&'a self, scopes: &'a [ModuleScope]) -> Vec<&'a str> {
        let mut names: Vec<&str> =
            self.defined.keys().chain(self.named.keys()).chain(self.aliases.keys()).map(String::as_str).collect();
        for &g in &self.globs {
            names.extend(scopes[g].defined.keys().map(String::as_str));
        }
        names.sort();
        names.dedup();
        names
    }
}
