//! The checker's state and the walk over every module's items.

use crate::env::{BindKind, Binding, Env};
use crate::modules::{ModuleId, Program};
use crate::scope::{Found, ItemRef, ModuleScope};
use crate::streams::Obligation;
use crate::ty::Ty;
use crate::value::{self, Names, Value};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{Expr, Ident, Item, ItemKind, Model, ModelKind};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// What one member of a model looks like from outside (for overrides, ports and fields).
#[derive(Clone, Debug)]
pub struct MemberInfo {
    /// Param, state, input, output, let.
    pub kind: BindKind,
    /// Its type.
    pub ty: Ty,
    /// Where it is declared.
    pub span: Span,
}

/// The interface of a neuron, synapse or channel.
#[derive(Clone, Debug)]
pub struct ModelInfo {
    /// Its name.
    pub name: String,
    /// Members by name.
    pub members: HashMap<String, MemberInfo>,
    /// Preset names.
    pub presets: Vec<String>,
}

impl ModelInfo {
    /// Names of members of one kind, sorted, for hints.
    pub fn names_of(&self, kinds: &[BindKind]) -> Vec<&str> {
        let mut v: Vec<&str> =
            self.members.iter().filter(|(_, m)| kinds.contains(&m.kind)).map(|(n, _)| n.as_str()).collect();
        v.sort();
        v
    }
}

/// What the checker learned about the program, keyed by source position: the typed side
/// tables that, with the syntax tree, form SCN's high-level intermediate form (in the style of
/// rust-analyzer's inference results). The language server reads hover types and
/// go-to-definition targets from here; the lowering reads the tree.
#[derive(Clone, Debug, Default)]
pub struct Tables {
    /// The type of every expression the checker visited.
    pub types: HashMap<(ModuleId, Span), Ty>,
    /// Every name use and the declaration it resolved to.
    pub references: HashMap<(ModuleId, Span), (ModuleId, Span)>,
}

/// Flags that change what an expression may contain.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// Inside the right-hand side of an ODE (`noise` allowed).
    pub ode: bool,
    /// Inside a synapse (`pre`, `post` readable).
    pub synapse: bool,
    /// Inside a property.
    pub property: bool,
    /// The network has no `dt`: durations are in cycles or steps.
    pub clocked: bool,
}

/// The context of one expression walk.
pub struct Cx<'p> {
    /// Names in scope.
    pub env: Env<'p>,
    /// What is allowed here.
    pub flags: Flags,
    /// Index binders in scope, innermost last, with their ranges.
    pub binders: Vec<(String, &'p Expr)>,
    /// Independence requirements between stream elements, checked after the walk.
    pub obligations: Vec<Obligation>,
}

impl<'p> Cx<'p> {
    /// A context with an empty environment.
    pub fn new(flags: Flags) -> Self {
        let mut env = Env::new();
        let builtin = |ty: Ty| Binding { ty, kind: BindKind::Builtin, span: Span::default(), value: None };
        env.bind("t", builtin(Ty::Real(scn_units::Dim::TIME)));
        env.bind("dt", builtin(Ty::Real(scn_units::Dim::TIME)));
        env.bind("index", builtin(Ty::Int));
        env.push();
        Cx { env, flags, binders: Vec::new(), obligations: Vec::new() }
    }
}

/// The whole checker.
pub struct Checker<'p> {
    /// The program.
    pub program: &'p Program,
    /// Scopes of every module.
    pub scopes: Vec<ModuleScope>,
    /// Diagnostics found so far, with their module.
    pub diags: Vec<(ModuleId, Diagnostic)>,
    /// The module being checked.
    pub module: ModuleId,
    /// The model being checked (for reports).
    pub current_model: String,
    /// Types and name resolutions, by position.
    pub tables: Tables,
    /// `scn check --precision` tables, one per model with a `precision`.
    pub precision_reports: Vec<crate::fixed::PrecisionReport>,
    const_types: HashMap<ItemRef, Ty>,
    const_busy: HashSet<ItemRef>,
    models: HashMap<ItemRef, Rc<ModelInfo>>,
}

impl<'p> Checker<'p> {
    /// A checker over a loaded program.
    pub fn new(program: &'p Program, scopes: Vec<ModuleScope>) -> Self {
        Checker {
            program,
            scopes,
            diags: Vec::new(),
            module: 0,
            current_model: String::new(),
            tables: Tables::default(),
            precision_reports: Vec::new(),
            const_types: HashMap::new(),
            const_busy: HashSet::new(),
            models: HashMap::new(),
        }
    }

    /// Reports a diagnostic about the current module.
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push((self.module, d));
    }

    /// The item an [`ItemRef`] points to.
    pub fn item(&self, r: ItemRef) -> &'p Item {
        &self.program.modules[r.module].parsed.file.items[r.index]
    }

    /// Checks every item of every module.
    pub fn check_all(&mut self) {
        for m in 0..self.program.modules.len() {
            self.module = m;
            let items = &self.program.modules[m].parsed.file.items;
            for (index, item) in items.iter().enumerate() {
                let r = ItemRef { module: m, index };
                match &item.kind {
                    ItemKind::Const(_) => {
                        self.const_type(r);
                    }
                    ItemKind::Fn(f) => self.check_fn(f),
                    ItemKind::Model(model) => self.check_model(r, model),
                    ItemKind::Network(n) => self.check_network(n),
                    ItemKind::Property(p) => self.check_property(p),
                    ItemKind::Import(_) | ItemKind::Error => {}
                }
            }
        }
    }

    /// Looks up a top-level name from the current module.
    pub fn lookup(&self, name: &str) -> Found {
        self.scopes[self.module].lookup(name, &self.scopes)
    }

    /// The model of a population type: `Lif`, or `lif.Lif` through a module alias.
    pub fn population_model(&self, name: &str) -> Option<ItemRef> {
        match (self.lookup(name), name.split_once('.')) {
            (Found::Item(r), _) => Some(r),
            (_, Some((alias, item))) => match self.lookup(alias) {
                Found::Module(m) => self.scopes[m].defined.get(item).copied(),
                _ => None,
            },
            _ => None,
        }
    }

    /// Resolves a path to an item (`Lif`, `stdp.Stdp`), reporting failures.
    pub fn resolve_path(&mut self, path: &[Ident]) -> Option<ItemRef> {
        let first = &path[0];
        let found = self.lookup(&first.name);
        match (found, path.len()) {
            (Found::Item(r), _) => Some(r),
            (Found::Module(m), n) if n >= 2 => {
                let second = &path[1];
                match self.scopes[m].defined.get(&second.name) {
                    Some(&r) => Some(r),
                    None => {
                        let known: Vec<&str> = self.scopes[m].defined.keys().map(String::as_str).collect();
                        let d = crate::hints::unknown("E0101", &second.name, second.span, "item", &known);
                        self.report(d);
                        None
                    }
                }
            }
            (Found::Module(_), _) => {
                self.report(
                    Diagnostic::error(
                        "E0107",
                        format!("`{}` is a module, not an item", first.name),
                        first.span,
                        "a module",
                    )
                    .with_help(format!("name an item inside it: `{}.Name`", first.name)),
                );
                None
            }
            (Found::Ambiguous(hits), _) => {
                self.ambiguous(first, &hits);
                None
            }
            (Found::Missing, _) => {
                let names = self.scopes[self.module].visible_names(&self.scopes);
                let d = crate::hints::unknown("E0101", &first.name, first.span, "item", &names);
                self.report(d);
                None
            }
        }
    }

    /// Reports a name imported from two modules.
    pub fn ambiguous(&mut self, name: &Ident, hits: &[ItemRef]) {
        let modules: Vec<String> = hits.iter().map(|r| self.program.modules[r.module].source.name.clone()).collect();
        self.report(
            Diagnostic::error("E0105", format!("`{}` is ambiguous", name.name), name.span, "imported from more than one module")
                .with_note(format!("it is defined in {}", modules.join(" and ")))
                .with_help("import only the one you mean: `import MODULE.{Name}`, or import a module with `as` and qualify the name"),
        );
    }

    /// The type of a module-level constant (checked once; cycles reported once).
    pub fn const_type(&mut self, r: ItemRef) -> Ty {
        if let Some(t) = self.const_types.get(&r) {
            return t.clone();
        }
        let ItemKind::Const(c) = &self.item(r).kind else { return Ty::Error };
        if !self.const_busy.insert(r) {
            let d = Diagnostic::error(
                "E0109",
                format!("constant `{}` is defined in terms of itself", c.name.name),
                c.name.span,
                "cycle",
            )
            .with_help("give it a value that does not refer back to it");
            self.diags.push((r.module, d));
            return Ty::Error;
        }
        let saved = self.module;
        self.module = r.module;
        let mut cx = Cx::new(Flags::default());
        let found = self.expr(&mut cx, &c.value);
        let ty = match &c.ty {
            Some(t) => {
                let declared = self.resolve_type(t, &cx);
                self.expect_assignable(&declared, &found, &c.value);
                declared
            }
            None => found,
        };
        self.module = saved;
        self.const_busy.remove(&r);
        self.const_types.insert(r, ty.clone());
        ty
    }

    /// The interface of a model (computed once).
    pub fn model_info(&mut self, r: ItemRef) -> Option<Rc<ModelInfo>> {
        if let Some(info) = self.models.get(&r) {
            return Some(info.clone());
        }
        let ItemKind::Model(model) = &self.item(r).kind else { return None };
        let saved = self.module;
        self.module = r.module;
        let info = Rc::new(self.build_model_info(model));
        self.module = saved;
        self.models.insert(r, info.clone());
        Some(info)
    }

    fn build_model_info(&mut self, model: &'p Model) -> ModelInfo {
        let mut cx = Cx::new(Flags { synapse: model.kind == ModelKind::Synapse, ..Flags::default() });
        crate::model::bind_channel_voltage(&mut cx, model);
        let mut members = self.declare_members(&mut cx, &model.body, true);
        // Channels used by a neuron are visible from outside as `cell.NaT.m`.
        for m in &model.body.members {
            if let scn_grammar::ast::MemberKind::Use(items) = &m.kind {
                for u in items {
                    let last = &u.path[u.path.len() - 1];
                    members.entry(last.name.clone()).or_insert(MemberInfo {
                        kind: BindKind::Compartment,
                        ty: Ty::Error,
                        span: last.span,
                    });
                }
            }
        }
        let presets = model
            .body
            .members
            .iter()
            .filter_map(|m| match &m.kind {
                scn_grammar::ast::MemberKind::Preset { name, .. } => Some(name.name.clone()),
                _ => None,
            })
            .collect();
        ModelInfo { name: model.name.name.clone(), members, presets }
    }

    /// Constant value of an expression in this context.
    pub fn const_value(&self, cx: &Cx<'p>, e: &Expr) -> Option<Value> {
        value::eval(e, &EnvNames { checker: self, env: &cx.env }, 0)
    }
}

/// Constant lookup through an environment and the module scope.
pub struct EnvNames<'a, 'p> {
    /// The checker (for module constants).
    pub checker: &'a Checker<'p>,
    /// Local names.
    pub env: &'a Env<'p>,
}

impl Names for EnvNames<'_, '_> {
    fn value_of(&self, name: &str, depth: u32) -> Option<Value> {
        if let Some(b) = self.env.get(name) {
            return match b.kind {
                BindKind::Const | BindKind::Param | BindKind::Setting | BindKind::Local => {
                    value::eval(b.value?, self, depth)
                }
                _ => None,
            };
        }
        match self.checker.lookup(name) {
            Found::Item(r) => match &self.checker.item(r).kind {
                ItemKind::Const(c) => value::eval(&c.value, self, depth),
                _ => None,
            },
            _ => None,
        }
    }
}
