//! Neurons, synapses and channels: member declarations, ODEs, handlers and solvers.

use crate::checker::{Checker, Cx, Flags, MemberInfo};
use crate::env::{BindKind, Binding};
use crate::scope::{Found, ItemRef};
use crate::ty::Ty;
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::*;
use scn_units::Dim;
use std::collections::HashMap;

/// Solver names.
pub const SOLVERS: &[&str] = &["euler", "rk4", "exact", "exp_euler", "rush_larsen", "heun"];

/// Every name an expression mentions (for ordering named expressions).
pub fn names_in(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.name.clone()),
        ExprKind::Unary(_, a) | ExprKind::Paren(a) | ExprKind::Cast(a, _) | ExprKind::Field(a, _) => names_in(a, out),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
            names_in(a, out);
            names_in(b, out);
        }
        ExprKind::Compare(a, rest) => {
            names_in(a, out);
            rest.iter().for_each(|(_, x)| names_in(x, out));
        }
        ExprKind::Call(f, args) => {
            names_in(f, out);
            for a in args {
                match a {
                    Arg::Positional(x) | Arg::Named(_, x) => names_in(x, out),
                    Arg::Binder(b) => names_in(&b.range, out),
                }
            }
        }
        ExprKind::If(c, a, b) => {
            names_in(c, out);
            names_in(a, out);
            names_in(b, out);
        }
        ExprKind::Array(v) => v.iter().for_each(|x| names_in(x, out)),
        _ => {}
    }
}

fn decl_kind(k: DeclKind) -> BindKind {
    match k {
        DeclKind::Param => BindKind::Param,
        DeclKind::State => BindKind::State,
        DeclKind::Input => BindKind::Input,
        DeclKind::Output => BindKind::Output,
    }
}

impl<'p> Checker<'p> {
    /// Binds every member of a body into `cx.env` and returns the model's interface. With
    /// `quiet`, diagnostics found on the way are dropped (they are reported when the model
    /// itself is checked).
    pub fn declare_members(&mut self, cx: &mut Cx<'p>, body: &'p Body, quiet: bool) -> HashMap<String, MemberInfo> {
        let before = self.diags.len();
        let mut members: HashMap<String, MemberInfo> = HashMap::new();
        let mut declare =
            |this: &mut Self, cx: &mut Cx<'p>, name: &Ident, kind: BindKind, ty: Ty, value: Option<&'p Expr>| {
                if let Some(prev) = members.get(&name.name) {
                    this.report(
                        Diagnostic::error(
                            "E0102",
                            format!("`{}` is declared twice", name.name),
                            name.span,
                            "declared again here",
                        )
                        .with_label(prev.span, format!("first declared here as {}", prev.kind.a_noun()))
                        .with_help("rename one of them; member names are unique in a model"),
                    );
                    return;
                }
                if crate::builtins::BUILTINS.contains(&name.name.as_str())
                    || matches!(name.name.as_str(), "t" | "dt" | "index")
                {
                    this.report(
                        Diagnostic::warning(
                            "W0102",
                            format!("`{}` shadows a built-in name", name.name),
                            name.span,
                            "shadows the built-in",
                        )
                        .with_help(format!(
                            "inside this model `{}` now means the {}; rename it to keep the built-in",
                            name.name,
                            kind.noun()
                        )),
                    );
                }
                members.insert(name.name.clone(), MemberInfo { kind, ty: ty.clone(), span: name.span });
                cx.env.bind(&name.name, Binding { ty, kind, span: name.span, value });
            };
        let mut lets: Vec<(&'p Ident, Option<&'p Type>, &'p Expr)> = Vec::new();
        let mut channel_states: Vec<(String, Ty, Span)> = Vec::new();
        let mut currents: Vec<(&'p Expr, Span)> = Vec::new();
        for m in &body.members {
            match &m.kind {
                MemberKind::Decl(d) => {
                    let ty = match &d.ty {
                        Some(t) => self.resolve_type(t, cx),
                        None => match &d.value {
                            Some(v) => self.expr(cx, v),
                            None => {
                                self.report(
                                    Diagnostic::error(
                                        "E0203",
                                        format!("`{}` needs a type or a value", d.name.name),
                                        d.name.span,
                                        "type unknown",
                                    )
                                    .with_help(format!(
                                        "write `{} {}: voltage = …` or give it a value",
                                        d.kind.keyword(),
                                        d.name.name
                                    )),
                                );
                                Ty::Error
                            }
                        },
                    };
                    let ty = d.binders.iter().fold(ty, |t, _| Ty::Array(Box::new(t), None));
                    declare(self, cx, &d.name, decl_kind(d.kind), ty, d.value.as_ref());
                }
                MemberKind::Let { name, ty, value } => lets.push((name, ty.as_ref(), value)),
                MemberKind::Const(c) => {
                    let ty = match &c.ty {
                        Some(t) => self.resolve_type(t, cx),
                        None => self.expr(cx, &c.value),
                    };
                    declare(self, cx, &c.name, BindKind::Const, ty, Some(&c.value));
                }
                MemberKind::Rng { name, source } => {
                    let ty = self.expr(cx, source);
                    if !ty.is_error() && !matches!(ty, Ty::Source(..)) {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                format!("`rng` needs a number source, found {ty}"),
                                source.span,
                                "not a source",
                            )
                            .with_help("write `rng r = lfsr16(seed = 0xACE1 + index)`"),
                        );
                    }
                    declare(self, cx, name, BindKind::Rng, ty, None);
                }
                MemberKind::Gate { name, .. } => declare(self, cx, name, BindKind::State, Ty::scalar(), None),
                MemberKind::Compartment { name, body: inner } => {
                    declare(self, cx, name, BindKind::Compartment, Ty::Error, None);
                    // Other compartments (and the network) read its members as `NAME.x`.
                    cx.env.push();
                    let inner_members = self.declare_members(cx, inner, true);
                    cx.env.pop();
                    let mut names: Vec<_> = inner_members.into_iter().collect();
                    names.sort_by(|a, b| a.0.cmp(&b.0));
                    for (k, info) in names {
                        if matches!(info.kind, BindKind::State | BindKind::Param | BindKind::Input) {
                            let q = Ident { name: format!("{}.{k}", name.name), span: info.span };
                            declare(self, cx, &q, info.kind, info.ty, None);
                        }
                    }
                }
                // Typed after the named expressions, which a current may use.
                MemberKind::Current(e) => currents.push((e, m.span)),
                MemberKind::Use(items) => {
                    let mut current: Option<Ty> = None;
                    for u in items {
                        let Some(r) = self.resolve_path(&u.path) else { continue };
                        let Some(info) = self.model_info(r) else { continue };
                        if let Some(i) = info.members.get("i") {
                            current.get_or_insert(i.ty.clone());
                        }
                        // The instance's members as `NaT.m`, `NaT.g_max`, `NaT.i`; its states
                        // and gates also bare where unique (bound below).
                        let chan = &u.path[u.path.len() - 1];
                        let mut names: Vec<(&String, &MemberInfo)> = info.members.iter().collect();
                        names.sort_by(|a, b| a.0.cmp(b.0));
                        for (k, m) in names {
                            if matches!(m.kind, BindKind::State | BindKind::Param | BindKind::Let) {
                                let q = Ident { name: format!("{}.{k}", chan.name), span: chan.span };
                                declare(self, cx, &q, m.kind, m.ty.clone(), None);
                            }
                            if m.kind == BindKind::State {
                                channel_states.push((k.clone(), m.ty.clone(), chan.span));
                            }
                        }
                    }
                    if let Some(ty) = current {
                        let name = Ident { name: "i_ion".into(), span: m.span };
                        if cx.env.get("i_ion").is_none() {
                            declare(self, cx, &name, BindKind::Let, ty, None);
                        }
                    }
                }
                _ => {}
            }
        }
        // Channel states and gates by their bare names, where no member and no other channel
        // used here has the name (the lowering binds the same names).
        for (k, (name, ty, span)) in channel_states.iter().enumerate() {
            let unique = channel_states.iter().enumerate().all(|(j, o)| j == k || o.0 != *name);
            let declared = body.members.iter().any(|m| match &m.kind {
                MemberKind::Decl(d) => d.name.name == *name,
                MemberKind::Let { name: n, .. } => n.name == *name,
                MemberKind::Const(c) => c.name.name == *name,
                _ => false,
            });
            if unique && !declared && cx.env.get(name).is_none() {
                declare(self, cx, &Ident { name: name.clone(), span: *span }, BindKind::State, ty.clone(), None);
            }
        }
        // Named expressions in dependency order, so that each may use the others.
        let order = let_order(&lets);
        for k in order {
            let (name, ty, value) = lets[k];
            let found = self.expr(cx, value);
            let ty = match ty {
                Some(t) => {
                    let declared = self.resolve_type(t, cx);
                    self.expect_assignable(&declared, &found, value);
                    declared
                }
                None => found,
            };
            declare(self, cx, name, BindKind::Let, ty, Some(value));
        }
        for (e, span) in currents {
            let ty = self.expr(cx, e);
            declare(self, cx, &Ident { name: "i".into(), span }, BindKind::Let, ty, None);
        }
        if quiet {
            self.diags.truncate(before);
        }
        members
    }

    /// Checks one neuron, synapse or channel.
    pub fn check_model(&mut self, _r: ItemRef, model: &'p Model) {
        let flags = Flags { synapse: model.kind == ModelKind::Synapse, ..Flags::default() };
        let mut cx = Cx::new(flags);
        self.current_model = model.name.name.clone();
        bind_channel_voltage(&mut cx, model);
        let members = self.declare_members(&mut cx, &model.body, false);
        self.check_body(&mut cx, model.kind, &model.body, &members);
    }

    fn check_body(&mut self, cx: &mut Cx<'p>, kind: ModelKind, body: &'p Body, members: &HashMap<String, MemberInfo>) {
        let mut updated: HashMap<String, Span> = HashMap::new();
        let mut odes: Vec<(&'p Ident, &'p Expr)> = Vec::new();
        let mut solver: Option<&'p Ident> = None;
        let mut precision: Option<&'p Precision> = None;
        for m in &body.members {
            match &m.kind {
                MemberKind::Decl(d) => self.check_decl(cx, d),
                MemberKind::Ode { var, lhs, rhs } => {
                    let Some(state) = self.state_of(cx, var, members, &mut updated) else {
                        cx.flags.ode = true;
                        self.expr(cx, rhs);
                        cx.flags.ode = false;
                        continue;
                    };
                    cx.flags.ode = true;
                    let t = self.expr(cx, rhs);
                    cx.flags.ode = false;
                    if let (Some(ds), Some(dr)) = (state.dim(), t.dim()) {
                        let want = ds.checked_div(Dim::TIME).unwrap_or(ds);
                        if want != dr && !crate::expr::is_zero_literal(rhs) {
                            self.report(
                                Diagnostic::error(
                                    "E0202",
                                    format!(
                                        "`d{}/dt` must be {}, found {}",
                                        var.name,
                                        scn_units::describe(want),
                                        scn_units::describe(dr)
                                    ),
                                    rhs.span,
                                    format!("this is {}", scn_units::describe(dr)),
                                )
                                .with_label(*lhs, format!("`{}` is {}", var.name, scn_units::describe(ds)))
                                .with_help(ode_help(want, dr)),
                            );
                        }
                    }
                    odes.push((var, rhs));
                }
                MemberKind::Next { var, rhs } => {
                    let state = self.state_of(cx, var, members, &mut updated);
                    let t = self.expr(cx, rhs);
                    if let Some(s) = state {
                        self.expect_assignable(&s, &t, rhs);
                    }
                }
                MemberKind::On { trigger, body: block } => self.check_on(cx, kind, trigger, block, members),
                MemberKind::Invariant(e) => {
                    let t = self.expr(cx, e);
                    self.expect_bool(&t, e);
                }
                MemberKind::Solver { name, substeps } => {
                    if !SOLVERS.contains(&name.name.as_str()) {
                        let d = crate::hints::unknown("E0211", &name.name, name.span, "solver", SOLVERS);
                        self.report(d);
                    }
                    solver = Some(name);
                    if let Some(s) = substeps {
                        self.check_substeps(cx, s);
                    }
                }
                MemberKind::Substeps(s) => self.check_substeps(cx, s),
                MemberKind::Precision(p) => precision = Some(p),
                MemberKind::Use(items) => {
                    for u in items {
                        let Some(r) = self.resolve_path(&u.path) else { continue };
                        let ok = matches!(&self.item(r).kind, ItemKind::Model(Model { kind: ModelKind::Channel, .. }));
                        if !ok {
                            let last = &u.path[u.path.len() - 1];
                            self.report(
                                Diagnostic::error(
                                    "E0107",
                                    format!("`{}` is not a channel", last.name),
                                    last.span,
                                    "`use` takes channels",
                                )
                                .with_help("declare it with `channel`, or instantiate neurons with `pop` in a network"),
                            );
                            continue;
                        }
                        self.check_overrides_args(cx, r, &u.args);
                        self.check_channel_needs(cx, r, u);
                    }
                }
                MemberKind::Compartment { body: inner, .. } => {
                    cx.env.push();
                    let inner_members = self.declare_members(cx, inner, false);
                    self.check_body(cx, kind, inner, &inner_members);
                    cx.env.pop();
                }
                MemberKind::Preset { name, entries } => {
                    for e in entries {
                        match &e.kind {
                            EntryKind::Set(n, v) => match members.get(&n.name) {
                                Some(info) if info.kind == BindKind::Param => {
                                    let t = self.expr(cx, v);
                                    self.expect_assignable(&info.ty.clone(), &t, v);
                                }
                                Some(info) => {
                                    let what = info.kind.a_noun();
                                    self.report(
                                        Diagnostic::error(
                                            "E0106",
                                            format!("`{}` is {what}, and preset `{}` may only set parameters", n.name, name.name),
                                            n.span,
                                            "not a parameter",
                                        )
                                        .with_help("set initial states per population instead: `pop p = Model.Preset[N] { v = … }`"),
                                    );
                                }
                                _ => {
                                    let params: Vec<&str> = members
                                        .iter()
                                        .filter(|(_, m)| m.kind == BindKind::Param)
                                        .map(|(k, _)| k.as_str())
                                        .collect();
                                    let d = crate::hints::unknown("E0106", &n.name, n.span, "parameter", &params);
                                    self.report(d.with_note(format!("preset `{}` may only set parameters", name.name)));
                                }
                            },
                            EntryKind::Let(n, _) | EntryKind::Flag(n) => self.report(
                                Diagnostic::error(
                                    "E0203",
                                    "a preset lists `parameter = value` pairs",
                                    n.span,
                                    "not a parameter value",
                                )
                                .with_help("write `preset RS { a = 0.02, b = 0.2 }`"),
                            ),
                        }
                    }
                }
                MemberKind::Gate { name, entries } => self.check_gate(cx, name, entries),
                MemberKind::Let { .. } | MemberKind::Const(_) | MemberKind::Rng { .. } | MemberKind::Current(_) => {}
                MemberKind::Fn(f) => self.check_fn(f),
                MemberKind::Error => {}
                other => self.misplaced(m.span, other, kind.keyword()),
            }
        }
        if let Some(name) = solver
            && name.name == "exact"
        {
            let states: Vec<&str> = odes.iter().map(|(v, _)| v.name.as_str()).collect();
            let lets = crate::linear::lets_of(body);
            for (var, rhs) in &odes {
                if let Err(why) = crate::linear::check(rhs, &states, &lets) {
                    self.report(
                        Diagnostic::error(
                            "E0210",
                            format!("`solver exact` needs linear ODEs, but `d{}/dt` is not linear", var.name),
                            why.span,
                            why.reason,
                        )
                        .with_label(name.span, "exact solver chosen here")
                        .with_help("use `solver rk4` (or `exp_euler`, `rush_larsen`) for non-linear dynamics"),
                    );
                }
            }
        }
        if let Some(p) = precision {
            crate::fixed::check_precision(self, cx, p, body, members);
        }
    }

    fn check_substeps(&mut self, cx: &mut Cx<'p>, s: &'p Expr) {
        self.expr(cx, s);
        match self.const_value(cx, s).and_then(|v| v.as_int()) {
            Some(n) if n >= 1 => {}
            _ => self.report(
                Diagnostic::error(
                    "E0203",
                    "`substeps` must be a positive integer constant",
                    s.span,
                    "not a positive integer",
                )
                .with_help("write `solver rk4 substeps 4`"),
            ),
        }
    }

    fn check_decl(&mut self, cx: &mut Cx<'p>, d: &'p Decl) {
        let declared = cx.env.get(&d.name.name).map(|b| b.ty.clone()).unwrap_or(Ty::Error);
        if let (Some(v), Some(_)) = (&d.value, &d.ty) {
            let t = self.expr(cx, v);
            let target = if d.binders.is_empty() { declared.clone() } else { declared.element().clone() };
            self.expect_assignable(&target, &t, v);
            if matches!(target, Ty::Prob)
                && let Some((r, _)) = self.const_value(cx, v).and_then(|x| x.num())
                && (r < scn_units::Rational::ZERO || r > scn_units::Rational::ONE)
            {
                self.report(
                    Diagnostic::error(
                        "E0207",
                        format!("{} is not a probability", crate::value::decimal(r)),
                        v.span,
                        "outside [0, 1]",
                    )
                    .with_help("a `prob` holds a value between 0 and 1"),
                );
            }
        }
        if let Some((lo, hi)) = &d.range {
            for bound in [lo, hi] {
                let t = self.expr(cx, bound);
                self.expect_assignable(&declared, &t, bound);
            }
            if let (Some(v), Some(l), Some(h)) = (
                d.value.as_ref().and_then(|v| self.const_value(cx, v)).and_then(|v| v.num()),
                self.const_value(cx, lo).and_then(|v| v.num()),
                self.const_value(cx, hi).and_then(|v| v.num()),
            ) && (v.0 < l.0 || v.0 > h.0)
            {
                self.report(
                    Diagnostic::error(
                        "E0207",
                        format!("the default of `{}` lies outside its admissible range", d.name.name),
                        d.value.as_ref().map_or(d.name.span, |v| v.span),
                        "outside the range",
                    )
                    .with_label(Span::new(lo.span.start, hi.span.end), "admissible range")
                    .with_help("change the default or widen the range"),
                );
            }
        }
    }

    /// The type of the state an ODE or `next` updates; reports non-states and duplicates.
    fn state_of(
        &mut self,
        cx: &mut Cx<'p>,
        var: &Ident,
        members: &HashMap<String, MemberInfo>,
        updated: &mut HashMap<String, Span>,
    ) -> Option<Ty> {
        match members.get(&var.name) {
            Some(info) if info.kind == BindKind::State => {
                if let Some(prev) = updated.insert(var.name.clone(), var.span) {
                    self.report(
                        Diagnostic::error(
                            "E0209",
                            format!("`{}` is updated twice", var.name),
                            var.span,
                            "second update",
                        )
                        .with_label(prev, "first update")
                        .with_help("give each state one ODE or one `next`; combine the terms into one right-hand side"),
                    );
                }
                Some(info.ty.clone())
            }
            Some(info) => {
                self.report(
                    Diagnostic::error(
                        "E0209",
                        format!("`{}` is {}, not a state", var.name, info.kind.a_noun()),
                        var.span,
                        "only states evolve",
                    )
                    .with_label(info.span, "declared here")
                    .with_help(format!("declare it with `state {}: …`", var.name)),
                );
                None
            }
            None => {
                if cx.env.get(&var.name).is_some_and(|b| b.kind == BindKind::State) {
                    return cx.env.get(&var.name).map(|b| b.ty.clone());
                }
                let states: Vec<&str> =
                    members.iter().filter(|(_, m)| m.kind == BindKind::State).map(|(k, _)| k.as_str()).collect();
                let d = crate::hints::unknown("E0209", &var.name, var.span, "state", &states);
                self.report(d);
                None
            }
        }
    }

    fn check_on(
        &mut self,
        cx: &mut Cx<'p>,
        kind: ModelKind,
        trigger: &'p Expr,
        block: &'p Block,
        members: &HashMap<String, MemberInfo>,
    ) {
        cx.env.push();
        match &trigger.kind {
            ExprKind::Name(n) if kind == ModelKind::Synapse && (n.name == "pre" || n.name == "post") => {}
            ExprKind::Name(n) if (n.name == "pre" || n.name == "post") && cx.env.get(&n.name).is_none() => {
                self.report(
                    Diagnostic::error(
                        "E0110",
                        format!("`on {}` belongs in a synapse", n.name),
                        trigger.span,
                        "not in a synapse",
                    )
                    .with_help(if kind == ModelKind::Neuron {
                        "a neuron reacts to arriving spikes with `on PORT(w) { … }` for an `input PORT: spike(…)`"
                    } else {
                        "`on pre` and `on post` are the events of a synapse"
                    }),
                );
            }
            ExprKind::Call(f, args) if matches!(&f.kind, ExprKind::Name(n) if n.name == "rise" || n.name == "fall") => {
                if args.len() != 1 {
                    self.report(
                        Diagnostic::error(
                            "E0204",
                            "`rise` and `fall` take one condition",
                            trigger.span,
                            "wrong number of arguments",
                        )
                        .with_help("write `on rise(v > 0 mV) { … }`"),
                    );
                }
                for a in args {
                    if let Arg::Positional(c) = a {
                        let t = self.expr(cx, c);
                        self.expect_bool(&t, c);
                    }
                }
            }
            ExprKind::Call(f, args) if matches!(&f.kind, ExprKind::Name(n) if members.get(&n.name).is_some_and(|m| m.kind == BindKind::Input)) =>
            {
                let ExprKind::Name(port) = &f.kind else { unreachable!() };
                let info = &members[&port.name];
                match (&info.ty, args.as_slice()) {
                    (Ty::Spike(payload), [Arg::Positional(Expr { kind: ExprKind::Name(w), .. })]) => {
                        cx.env.bind(
                            &w.name,
                            Binding { ty: (**payload).clone(), kind: BindKind::Local, span: w.span, value: None },
                        );
                    }
                    (Ty::Spike(_), _) => self.report(
                        Diagnostic::error(
                            "E0203",
                            format!("a handler of `{}` names one argument", port.name),
                            trigger.span,
                            "expected one name",
                        )
                        .with_help(format!(
                            "write `on {}(w) {{ … }}`: `w` is the sum of the weights arriving this step",
                            port.name
                        )),
                    ),
                    (t, args) => {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                format!("`{}` is a continuous input ({t}), not a spike port", port.name),
                                port.span,
                                "not a spike input",
                            )
                            .with_help(format!(
                                "declare it as `input {}: spike(…)` to handle its spikes, or read it directly in the ODEs",
                                port.name
                            )),
                        );
                        // Bind the argument anyway, so that the body does not report it as unknown too.
                        if let [Arg::Positional(Expr { kind: ExprKind::Name(w), .. })] = args {
                            cx.env.bind(
                                &w.name,
                                Binding { ty: Ty::Error, kind: BindKind::Local, span: w.span, value: None },
                            );
                        }
                    }
                }
            }
            ExprKind::Call(f, args)
                if matches!(&f.kind, ExprKind::Name(n) if cx.env.get(&n.name).is_none() && !matches!(self.lookup(&n.name), Found::Item(_)) && !crate::builtins::BUILTINS.contains(&n.name.as_str()))
                    && matches!(args.as_slice(), [Arg::Positional(Expr { kind: ExprKind::Name(_), .. })]) =>
            {
                let ExprKind::Name(port) = &f.kind else { unreachable!() };
                let ports: Vec<&str> =
                    members.iter().filter(|(_, m)| matches!(m.ty, Ty::Spike(_))).map(|(k, _)| k.as_str()).collect();
                let d = crate::hints::unknown("E0106", &port.name, port.span, "spike input", &ports);
                self.report(d.with_note("`on NAME(w) { … }` handles the spikes arriving at input port NAME"));
                // Bind the weight anyway, so that the body does not report it as unknown too.
                if let [Arg::Positional(Expr { kind: ExprKind::Name(w), .. })] = args.as_slice() {
                    cx.env.bind(&w.name, Binding { ty: Ty::Error, kind: BindKind::Local, span: w.span, value: None });
                }
            }
            _ => {
                let t = self.expr(cx, trigger);
                self.expect_bool(&t, trigger);
            }
        }
        self.check_block(cx, kind, block);
        cx.env.pop();
    }

    fn check_block(&mut self, cx: &mut Cx<'p>, kind: ModelKind, block: &'p Block) {
        cx.env.push();
        for s in &block.stmts {
            self.check_stmt(cx, kind, s);
        }
        cx.env.pop();
    }

    fn check_stmt(&mut self, cx: &mut Cx<'p>, kind: ModelKind, s: &'p Stmt) {
        match &s.kind {
            StmtKind::Assign { target, op, value } => {
                let tt = self.assign_target(cx, target);
                let tv = self.expr(cx, value);
                match op {
                    AssignOp::Set | AssignOp::Add | AssignOp::Sub => self.expect_assignable(&tt, &tv, value),
                    AssignOp::Mul | AssignOp::Div => {
                        if let Some(d) = tv.dim()
                            && !d.is_dimensionless()
                        {
                            self.mismatch_at(
                                value,
                                Dim::DIMENSIONLESS,
                                d,
                                &format!("`{}` scales by a pure number", op.symbol()),
                            );
                        }
                    }
                }
            }
            StmtKind::Let { name, value } => {
                let t = self.expr(cx, value);
                cx.env.bind(&name.name, Binding { ty: t, kind: BindKind::Local, span: name.span, value: Some(value) });
            }
            StmtKind::Emit { name, arg } => {
                if let Some(a) = arg {
                    self.expr(cx, a);
                }
                if name.name != "spike" {
                    match cx.env.get(&name.name).map(|b| (b.kind, b.ty.clone())) {
                        Some((BindKind::Output, Ty::Spike(_))) => {}
                        _ => self.report(
                            Diagnostic::error(
                                "E0106",
                                format!("cannot emit `{}`", name.name),
                                name.span,
                                "not a spike output",
                            )
                            .with_help(format!("emit `spike`, or declare `output {}: spike(…)`", name.name)),
                        ),
                    }
                }
            }
            StmtKind::Deliver(e) => {
                self.expr(cx, e);
                if kind != ModelKind::Synapse {
                    self.report(
                        Diagnostic::error("E0110", "`deliver` belongs in a synapse", s.span, "not in a synapse")
                            .with_help(
                                "a neuron emits spikes with `emit spike`; a synapse's `on pre` delivers its weight",
                            ),
                    );
                }
            }
            StmtKind::Refractory { duration, clamp } => {
                let t = self.expr(cx, duration);
                if let Some(d) = t.dim()
                    && d != Dim::TIME
                    && d != Dim::STEPS
                    && !t.is_error()
                {
                    self.mismatch_at(duration, Dim::TIME, d, "a refractory period is a time (or a number of `cycles`)");
                }
                for c in clamp {
                    match cx.env.get(&c.name).map(|b| b.kind) {
                        Some(BindKind::State) => {}
                        _ => {
                            let states: Vec<String> = cx
                                .env
                                .names()
                                .iter()
                                .filter(|n| cx.env.get(n).is_some_and(|b| b.kind == BindKind::State))
                                .map(|s| s.to_string())
                                .collect();
                            let refs: Vec<&str> = states.iter().map(String::as_str).collect();
                            let d = crate::hints::unknown("E0209", &c.name, c.span, "state", &refs);
                            self.report(d.with_note("`clamp` holds states during the refractory period"));
                        }
                    }
                }
            }
            StmtKind::If { cond, then, otherwise } => {
                let t = self.expr(cx, cond);
                self.expect_bool(&t, cond);
                self.check_block(cx, kind, then);
                match otherwise.as_deref() {
                    Some(Else::Block(b)) => self.check_block(cx, kind, b),
                    Some(Else::If(s)) => self.check_stmt(cx, kind, s),
                    None => {}
                }
            }
            StmtKind::Error => {}
        }
    }

    fn assign_target(&mut self, cx: &mut Cx<'p>, target: &'p Expr) -> Ty {
        let root = {
            let mut e = target;
            while let ExprKind::Field(b, _) | ExprKind::Index(b, _) = &e.kind {
                e = b;
            }
            e
        };
        if let ExprKind::Name(n) = &root.kind
            && let Some(b) = cx.env.get(&n.name)
            && matches!(b.kind, BindKind::Param | BindKind::Input | BindKind::Const | BindKind::Let | BindKind::Builtin)
        {
            let (kind, decl) = (b.kind, b.span);
            self.report(
                Diagnostic::error(
                    "E0207",
                    format!("cannot assign to {} `{}`", kind.noun(), n.name),
                    n.span,
                    format!("{} is read-only", kind.a_noun()),
                )
                .with_label(decl, "declared here")
                .with_help(match kind {
                    BindKind::Param => "parameters are fixed during a run; declare it as a `state` to change it",
                    BindKind::Input => "inputs are driven from outside; handle their spikes in `on NAME(w)`",
                    _ => "only states can be assigned",
                }),
            );
            return Ty::Error;
        }
        self.expr(cx, target)
    }

    fn check_gate(&mut self, cx: &mut Cx<'p>, name: &Ident, entries: &'p [Entry]) {
        let mut keys: Vec<&str> = Vec::new();
        for e in entries {
            let EntryKind::Set(k, v) = &e.kind else {
                self.report(
                    Diagnostic::error(
                        "E0203",
                        "a gate lists `alpha = …, beta = …` or `inf = …, tau = …`",
                        e.span,
                        "not a rate",
                    )
                    .with_help("write `gate m: alpha = …, beta = …`"),
                );
                continue;
            };
            let t = self.expr(cx, v);
            let want = match k.name.as_str() {
                "alpha" | "beta" => Dim::FREQUENCY,
                "inf" => Dim::DIMENSIONLESS,
                "tau" => Dim::TIME,
                other => {
                    let d =
                        crate::hints::unknown("E0106", other, k.span, "gate rate", &["alpha", "beta", "inf", "tau"]);
                    self.report(d);
                    continue;
                }
            };
            keys.push(k.name.as_str());
            if let Some(d) = t.dim()
                && d != want
                && !t.is_error()
            {
                self.mismatch_at(v, want, d, &format!("`{}` of gate `{}`", k.name, name.name));
            }
        }
        keys.sort();
        if keys != ["alpha", "beta"] && keys != ["inf", "tau"] {
            self.report(
                Diagnostic::error(
                    "E0203",
                    format!("gate `{}` needs `alpha` and `beta`, or `inf` and `tau`", name.name),
                    name.span,
                    "incomplete gate",
                )
                .with_help("write `gate m: alpha = …, beta = …` or `gate m: inf = …, tau = …`"),
            );
        }
    }

    /// Reports what a used channel reads but the compartment (or neuron) using it lacks: a
    /// state `v`, and a member for each of the channel's `input`s.
    fn check_channel_needs(&mut self, cx: &mut Cx<'p>, r: ItemRef, u: &'p UseItem) {
        let ItemKind::Model(chan) = &self.item(r).kind else { return };
        let Some(info) = self.model_info(r) else { return };
        let last = &u.path[u.path.len() - 1];
        let mut needs: Vec<(String, Ty)> = Vec::new();
        if !chan.body.members.iter().any(|m| matches!(&m.kind, MemberKind::Decl(d) if d.name.name == "v")) {
            needs.push(("v".into(), Ty::Real(Dim::VOLTAGE)));
        }
        let mut inputs: Vec<(&String, &crate::checker::MemberInfo)> =
            info.members.iter().filter(|(_, m)| m.kind == BindKind::Input).collect();
        inputs.sort_by(|a, b| a.0.cmp(b.0));
        needs.extend(inputs.into_iter().map(|(k, m)| (k.clone(), m.ty.clone())));
        for (name, want) in needs {
            let found = cx.env.get(&name).map(|b| (b.kind, b.ty.clone()));
            let ok = match &found {
                Some((BindKind::State, _)) if name == "v" => true,
                Some((BindKind::State | BindKind::Param | BindKind::Input | BindKind::Let | BindKind::Const, ty))
                    if name != "v" =>
                {
                    ty.is_error() || want.is_error() || ty.dim() == want.dim()
                }
                _ => false,
            };
            if ok {
                continue;
            }
            let why = match &found {
                Some((kind, ty)) => format!("here `{name}` is {} of type {ty}", kind.a_noun()),
                None => format!("nothing named `{name}` is declared here"),
            };
            self.report(
                Diagnostic::error(
                    "E0111",
                    format!("channel `{}` reads `{name}` ({want}), which is not available where it is used", last.name),
                    u.span,
                    why,
                )
                .with_help(if name == "v" {
                    "a channel's `v` is the membrane potential of the compartment that uses it: declare `state v: \
                     voltage = …` there"
                        .to_string()
                } else {
                    format!(
                        "a channel's `input {name}` reads the member `{name}` of the compartment that uses it: declare \
                         a state, parameter or `let` named `{name}` there, or use a channel that provides it"
                    )
                }),
            );
        }
    }

    /// Reports a member in a body where it does not belong.
    pub fn misplaced(&mut self, span: Span, kind: &MemberKind, place: &str) {
        let what = match kind {
            MemberKind::Setting { name, .. } => format!("setting `{}`", name.name),
            MemberKind::Pop { .. } => "`pop`".into(),
            MemberKind::Connect { .. } => "`connect`".into(),
            MemberKind::Stimulus { .. } => "`stimulus`".into(),
            MemberKind::Monitor { .. } => "`monitor`".into(),
            MemberKind::Stream { .. } => "`stream`".into(),
            MemberKind::Sub { .. } => "`sub`".into(),
            MemberKind::Check(_) => "a check".into(),
            MemberKind::Ode { .. } => "an ODE".into(),
            MemberKind::Next { .. } => "`next`".into(),
            MemberKind::On { .. } => "a handler".into(),
            MemberKind::Gate { .. } => "`gate`".into(),
            MemberKind::Current(_) => "`current`".into(),
            MemberKind::Solver { .. } | MemberKind::Substeps(_) => "a solver".into(),
            MemberKind::Use(_) => "`use`".into(),
            MemberKind::Compartment { .. } => "a compartment".into(),
            MemberKind::Preset { .. } => "a preset".into(),
            _ => "this member".into(),
        };
        let help = match kind {
            MemberKind::Setting { .. }
            | MemberKind::Pop { .. }
            | MemberKind::Connect { .. }
            | MemberKind::Stimulus { .. }
            | MemberKind::Monitor { .. }
            | MemberKind::Sub { .. } => "put it in a `network`",
            MemberKind::Check(_) => "put checks in a `property NAME for NETWORK { … }`",
            MemberKind::Gate { .. } | MemberKind::Current(_) => "gates and currents belong in a `channel`",
            _ => "move it into a neuron or synapse",
        };
        self.report(
            Diagnostic::error("E0110", format!("{what} does not belong in a {place}"), span, "misplaced")
                .with_help(help),
        );
    }

    /// Checks `NAME = value` overrides against a model's parameters and states.
    pub fn check_overrides_args(&mut self, cx: &mut Cx<'p>, r: ItemRef, args: &'p [Arg]) {
        let Some(info) = self.model_info(r) else { return };
        for a in args {
            match a {
                Arg::Named(n, v) => {
                    let t = self.expr(cx, v);
                    match info.members.get(&n.name) {
                        Some(m) if matches!(m.kind, BindKind::Param | BindKind::State) => {
                            self.expect_assignable(&m.ty.clone(), &t, v)
                        }
                        _ => {
                            let names = info.names_of(&[BindKind::Param, BindKind::State]);
                            let d = crate::hints::unknown(
                                "E0106",
                                &n.name,
                                n.span,
                                &format!("parameter of `{}`", info.name),
                                &names,
                            );
                            self.report(d);
                        }
                    }
                }
                Arg::Positional(v) => {
                    self.expr(cx, v);
                    self.report(
                        Diagnostic::error("E0204", "overrides name the parameter they set", v.span, "unnamed value")
                            .with_help("write `NAME = value`"),
                    );
                }
                Arg::Binder(b) => self.report(
                    Diagnostic::error("E0204", "overrides name the parameter they set", b.name.span, "not an override")
                        .with_help("write `NAME = value`"),
                ),
            }
        }
    }
}

/// In a channel, `v` is the voltage of the compartment that uses it.
pub fn bind_channel_voltage(cx: &mut Cx<'_>, model: &Model) {
    let declares_v = model.body.members.iter().any(|m| matches!(&m.kind, MemberKind::Decl(d) if d.name.name == "v"));
    if model.kind == ModelKind::Channel && !declares_v {
        cx.env.bind(
            "v",
            Binding { ty: Ty::Real(Dim::VOLTAGE), kind: BindKind::Input, span: model.name.span, value: None },
        );
    }
}

fn ode_help(want: Dim, found: Dim) -> String {
    match found.checked_div(want) {
        Some(r) if r == Dim::TIME => {
            "divide the right-hand side by a time constant, e.g. `(v_rest - v) / tau_m`".into()
        }
        Some(r) if r == Dim::FREQUENCY => {
            "the right-hand side is a rate of change already divided once too often; remove one `/ tau`".into()
        }
        _ => format!("the right-hand side must be the state's dimension per time ({})", scn_units::describe(want)),
    }
}

/// The order in which to type named expressions: each after the ones it mentions.
fn let_order(lets: &[(&Ident, Option<&Type>, &Expr)]) -> Vec<usize> {
    let index: HashMap<&str, usize> = lets.iter().enumerate().map(|(i, (n, _, _))| (n.name.as_str(), i)).collect();
    let mut state = vec![0u8; lets.len()];
    let mut order = Vec::new();
    fn visit(
        i: usize,
        lets: &[(&Ident, Option<&Type>, &Expr)],
        index: &HashMap<&str, usize>,
        state: &mut [u8],
        order: &mut Vec<usize>,
    ) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        let mut names = Vec::new();
        names_in(lets[i].2, &mut names);
        for n in names {
            if let Some(&j) = index.get(n.as_str())
                && state[j] == 0
            {
                visit(j, lets, index, state, order);
            }
        }
        state[i] = 2;
        order.push(i);
    }
    for i in 0..lets.len() {
        visit(i, lets, &index, &mut state, &mut order);
    }
    order
}
