//! Lexical environments: the names visible inside a model, a network or a handler.

use crate::ty::Ty;
use scn_diagnostics::Span;
use scn_grammar::ast::Expr;
use std::collections::HashMap;

/// What kind of thing a name is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindKind {
    /// A parameter (constant during a run).
    Param,
    /// A state variable.
    State,
    /// An input port.
    Input,
    /// An output.
    Output,
    /// A named expression.
    Let,
    /// A constant.
    Const,
    /// A handler argument, a block `let` or an index binder.
    Local,
    /// A built-in name (`t`, `dt`, `index`).
    Builtin,
    /// A stream declaration.
    Stream,
    /// A population.
    Population,
    /// A number source (`rng`).
    Rng,
    /// A network setting (`dt`, `duration`, `seed`).
    Setting,
    /// A projection or stimulus name.
    Projection,
    /// A compartment.
    Compartment,
}

impl BindKind {
    /// The noun with its indefinite article: `a parameter`, `an input`.
    pub fn a_noun(self) -> String {
        let n = self.noun();
        if n.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("an {n}") } else { format!("a {n}") }
    }

    /// How to call it in a message.
    pub fn noun(self) -> &'static str {
        match self {
            BindKind::Param => "parameter",
            BindKind::State => "state",
            BindKind::Input => "input",
            BindKind::Output => "output",
            BindKind::Let => "named expression",
            BindKind::Const => "constant",
            BindKind::Local => "local",
            BindKind::Builtin => "built-in name",
            BindKind::Stream => "stream",
            BindKind::Population => "population",
            BindKind::Rng => "number source",
            BindKind::Setting => "setting",
            BindKind::Projection => "projection",
            BindKind::Compartment => "compartment",
        }
    }
}

/// A bound name.
#[derive(Clone, Debug)]
pub struct Binding<'p> {
    /// Its type.
    pub ty: Ty,
    /// What it is.
    pub kind: BindKind,
    /// Where it was declared.
    pub span: Span,
    /// Its defining expression, when constant evaluation may need it.
    pub value: Option<&'p Expr>,
}

/// A stack of scopes, innermost last.
#[derive(Clone, Debug, Default)]
pub struct Env<'p> {
    frames: Vec<HashMap<String, Binding<'p>>>,
}

impl<'p> Env<'p> {
    /// An environment with one empty scope.
    pub fn new() -> Self {
        Env { frames: vec![HashMap::new()] }
    }

    /// Opens an inner scope.
    pub fn push(&mut self) {
        self.frames.push(HashMap::new());
    }

    /// Closes the innermost scope.
    pub fn pop(&mut self) {
        self.frames.pop();
    }

    /// Binds a name in the innermost scope; returns the previous binding in that scope.
    pub fn bind(&mut self, name: &str, binding: Binding<'p>) -> Option<Binding<'p>> {
        self.frames.last_mut().expect("an environment has a scope").insert(name.to_string(), binding)
    }

    /// The innermost binding of a name.
    pub fn get(&self, name: &str) -> Option<&Binding<'p>> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }

    /// Replaces the type of an existing binding (innermost).
    pub fn set_ty(&mut self, name: &str, ty: Ty) {
        if let Some(b) = self.frames.iter_mut().rev().find_map(|f| f.get_mut(name)) {
            b.ty = ty;
        }
    }

    /// Every bound name, for suggestions.
    pub fn names(&self) -> Vec<&str> {
        self.frames.iter().flat_map(|f| f.keys().map(String::as_str)).collect()
    }
}
