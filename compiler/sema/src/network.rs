//! Networks: settings, populations, projections, stimuli, monitors, streams and outputs.

use crate::checker::{Checker, Cx, Flags};
use crate::env::{BindKind, Binding};
use crate::scope::ItemRef;
use crate::ty::Ty;
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::*;
use scn_units::{Dim, Rational};

/// Network settings and the dimension of each.
pub const SETTINGS: &[&str] = &["dt", "duration", "seed"];

/// Connection rule keys.
pub const RULE_KEYS: &[&str] = &["p", "indegree", "outdegree", "pairs", "autapses", "weight", "delay"];

/// Bare connection rules.
pub const RULE_FLAGS: &[&str] = &["all", "one_to_one"];

/// Stimulus kinds.
pub const STIMULI: &[&str] = &["poisson", "current", "spikes", "encode", "bits"];

/// Spike encodings for `stimulus encode(KIND, …)`.
pub const ENCODINGS: &[&str] = &["rate", "latency", "delta", "phase", "burst", "rank_order", "sigma_delta"];

/// Monitor kinds.
pub const MONITORS: &[&str] = &["spikes", "state", "rate"];

/// Bytes of state the engine keeps per neuron at least; sizes beyond the machine's memory
/// are refused before anything is allocated.
const BYTES_PER_NEURON: u128 = 64;
/// Bytes per synapse (CSR index, weight, delay).
const BYTES_PER_SYNAPSE: u128 = 16;
/// The memory budget a declared network may need (24 GiB, the size of the machines here).
pub const MEMORY_BUDGET: u128 = 24 << 30;

impl<'p> Checker<'p> {
    /// Checks one network.
    pub fn check_network(&mut self, net: &'p Network) {
        let dt_expr = net.body.members.iter().find_map(|m| match &m.kind {
            MemberKind::Setting { name, value } if name.name == "dt" => Some(value),
            _ => None,
        });
        let clocked = dt_expr.is_none() && !self.is_sub_network(&net.name.name);
        let mut cx = Cx::new(Flags { clocked, ..Flags::default() });
        // First pass: bind every declared name so that members may refer to each other.
        let mut pops: Vec<(&'p Ident, Option<ItemRef>, u128)> = Vec::new();
        for m in &net.body.members {
            match &m.kind {
                MemberKind::Setting { name, value } => {
                    self.bind_net(&mut cx, name, BindKind::Setting, Ty::Error, Some(value));
                }
                MemberKind::Const(c) => {
                    let t = self.expr(&mut cx, &c.value);
                    let t = match &c.ty {
                        Some(ty) => {
                            let d = self.resolve_type(ty, &cx);
                            self.expect_assignable(&d, &t, &c.value);
                            d
                        }
                        None => t,
                    };
                    self.bind_net(&mut cx, &c.name, BindKind::Const, t, Some(&c.value));
                }
                MemberKind::Decl(d) => {
                    let ty = match &d.ty {
                        Some(t) => self.resolve_type(t, &cx),
                        None => Ty::Error,
                    };
                    let ty = d.binders.iter().fold(ty, |t, _| Ty::Array(Box::new(t), None));
                    let kind = match d.kind {
                        DeclKind::Param => BindKind::Param,
                        DeclKind::Input => BindKind::Input,
                        DeclKind::Output => BindKind::Output,
                        DeclKind::State => BindKind::State,
                    };
                    self.bind_net(&mut cx, &d.name, kind, ty, d.value.as_ref());
                }
                MemberKind::Pop { name, model, size, .. } => {
                    let r = self.resolve_path(model).and_then(|r| self.expect_neuron(r, model));
                    let mut model_name = r
                        .and_then(|r| crate::scope::item_name(self.item(r)).map(|n| n.name.clone()))
                        .unwrap_or_default();
                    // A model reached through a module alias (`lif.Lif`) keeps the alias, so that
                    // its ports and members can be found again from this module.
                    if r.is_some() && !matches!(self.lookup(&model_name), crate::scope::Found::Item(x) if Some(x) == r)
                    {
                        model_name = format!("{}.{model_name}", model[0].name);
                    }
                    let ty = if r.is_some() { Ty::Population(model_name) } else { Ty::Error };
                    // A size that does not type (an unknown name) is reported once, there.
                    let n = if self.expr(&mut cx, size).is_error() { 0 } else { self.pop_size(&cx, size) };
                    self.bind_net(&mut cx, name, BindKind::Population, ty, None);
                    pops.push((name, r, n));
                }
                MemberKind::Connect { name: Some(n), .. } | MemberKind::Stimulus { name: Some(n), .. } => {
                    self.bind_net(&mut cx, n, BindKind::Projection, Ty::Error, None);
                }
                MemberKind::Stream { name, .. } => self.bind_net(&mut cx, name, BindKind::Stream, Ty::Error, None),
                MemberKind::Sub { name, .. } => self.bind_net(&mut cx, name, BindKind::Population, Ty::Error, None),
                _ => {}
            }
        }
        // Settings.
        let mut dt: Option<Rational> = None;
        for m in &net.body.members {
            if let MemberKind::Setting { name, value } = &m.kind {
                let t = self.expr(&mut cx, value);
                match name.name.as_str() {
                    "dt" => {
                        self.expect_dim(&t, Dim::TIME, value, "`dt` is the time step");
                        match self.const_value(&cx, value).and_then(|v| v.num()) {
                            Some((r, _)) if r > Rational::ZERO => dt = Some(r),
                            _ if t.is_error() => {}
                            _ => self.report(
                                Diagnostic::error(
                                    "E0506",
                                    "`dt` must be a positive constant time",
                                    value.span,
                                    "not a positive constant",
                                )
                                .with_help("write `dt = 0.1 ms`"),
                            ),
                        }
                        cx.env.set_ty("dt", Ty::Real(Dim::TIME));
                    }
                    "duration" => self.check_duration(&cx, &t, value, clocked),
                    "seed" => {
                        if !t.is_error() && t != Ty::Int {
                            self.report(
                                Diagnostic::error(
                                    "E0203",
                                    format!("the network seed is an integer, found {t}"),
                                    value.span,
                                    "not an integer",
                                )
                                .with_help("write `seed = 1`"),
                            );
                        }
                    }
                    other => {
                        let d = crate::hints::unknown("E0512", other, name.span, "network setting", SETTINGS);
                        self.report(d.with_note("a network's settings are `dt`, `duration` and `seed`; declare other values with `param` or `const`"));
                    }
                }
                cx.env.set_ty(&name.name, t);
            }
        }
        self.network_size(&net.name, &pops, net);
        // Streams, in order (each may use the earlier ones).
        for m in &net.body.members {
            if let MemberKind::Stream { name, binders, ty, value } = &m.kind {
                let mut t = self.with_binders(&mut cx, binders, |this, cx| this.expr(cx, value));
                if !t.is_error() && !matches!(t, Ty::Bits { .. }) {
                    self.report(
                        Diagnostic::error(
                            "E0306",
                            format!("a stream must be a bitstream, found {t}"),
                            value.span,
                            "not a stream",
                        )
                        .with_help("make it with `encode(p, SOURCE, length = L)` or stream operators"),
                    );
                    // Reported once here; uses of the stream are not reported again.
                    t = Ty::Error;
                }
                let t = match ty {
                    Some(declared) => {
                        let d = self.resolve_type(declared, &cx);
                        self.expect_assignable(&d, &t, value);
                        if t.is_error() { d } else { t }
                    }
                    None => t,
                };
                let t = binders.iter().fold(t, |t, _| Ty::Array(Box::new(t), None));
                cx.env.set_ty(&name.name, t);
            }
        }
        let streams = crate::streams::SeedTable::build(self, &cx, &net.body);
        for m in &net.body.members {
            match &m.kind {
                MemberKind::Setting { .. } | MemberKind::Stream { .. } | MemberKind::Const(_) | MemberKind::Error => {}
                MemberKind::Decl(d) => {
                    if let Some(v) = &d.value {
                        let t = self.with_binders(&mut cx, &d.binders, |this, cx| this.expr(cx, v));
                        let declared = cx.env.get(&d.name.name).map(|b| b.ty.clone()).unwrap_or(Ty::Error);
                        if d.ty.is_some() {
                            let target = if d.binders.is_empty() { &declared } else { declared.element() };
                            self.expect_assignable(target, &t, v);
                        } else {
                            let t = d.binders.iter().fold(t, |t, _| Ty::Array(Box::new(t), None));
                            cx.env.set_ty(&d.name.name, t);
                        }
                    }
                }
                MemberKind::Pop { model, overrides, .. } => {
                    if let Some(r) = self.resolve_path_quiet(model) {
                        self.check_entries(&mut cx, r, overrides);
                    }
                }
                MemberKind::Connect { source, targets, via, rules, .. } => {
                    self.check_connect(&mut cx, source, targets, via.as_ref(), rules, dt, m.span);
                }
                MemberKind::Stimulus { kind, args, targets, via, rules, .. } => {
                    self.check_stimulus(&mut cx, kind, args, targets, via.as_ref(), rules, dt);
                }
                MemberKind::Monitor { kind, args } => self.check_monitor(&mut cx, kind, args),
                MemberKind::Sub { model, overrides, .. } => {
                    if let Some(r) = self.resolve_path(model)
                        && !matches!(self.item(r).kind, ItemKind::Network(_))
                    {
                        let last = &model[model.len() - 1];
                        self.report(
                            Diagnostic::error(
                                "E0107",
                                format!("`{}` is not a network", last.name),
                                last.span,
                                "`sub` instantiates a network",
                            )
                            .with_help("use `pop` for neuron populations"),
                        );
                    }
                    for e in overrides {
                        if let EntryKind::Set(_, v) | EntryKind::Let(_, v) = &e.kind {
                            self.expr(&mut cx, v);
                        }
                    }
                }
                MemberKind::Precision(_) => {}
                other => self.misplaced(m.span, other, "network"),
            }
        }
        let obligations = std::mem::take(&mut cx.obligations);
        streams.check(self, &cx, &obligations);
    }

    /// Whether some network instantiates this one with `sub` (it then takes its parent's `dt`).
    fn is_sub_network(&self, name: &str) -> bool {
        self.program.modules.iter().flat_map(|m| &m.parsed.file.items).any(|item| match &item.kind {
            ItemKind::Network(n) => n.body.members.iter().any(
                |m| matches!(&m.kind, MemberKind::Sub { model, .. } if model.last().is_some_and(|l| l.name == name)),
            ),
            _ => false,
        })
    }

    fn bind_net(&mut self, cx: &mut Cx<'p>, name: &Ident, kind: BindKind, ty: Ty, value: Option<&'p Expr>) {
        let shadow =
            cx.env.get(&name.name).filter(|b| b.kind != BindKind::Builtin || name.name != "dt").map(|b| b.span);
        let builtin_dt = name.name == "dt" && kind == BindKind::Setting;
        if let (Some(prev), false) = (shadow, builtin_dt)
            && prev != Span::default()
        {
            self.report(
                Diagnostic::error(
                    "E0102",
                    format!("`{}` is declared twice in this network", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(prev, "first declared here")
                .with_help("rename one of them"),
            );
            return;
        }
        cx.env.bind(&name.name, Binding { ty, kind, span: name.span, value });
    }

    /// Runs `f` with index binders in scope.
    pub fn with_binders<T>(
        &mut self,
        cx: &mut Cx<'p>,
        binders: &'p [Binder],
        f: impl FnOnce(&mut Self, &mut Cx<'p>) -> T,
    ) -> T {
        cx.env.push();
        for b in binders {
            self.expr(cx, &b.range);
            cx.env.bind(&b.name.name, Binding { ty: Ty::Int, kind: BindKind::Local, span: b.name.span, value: None });
            cx.binders.push((b.name.name.clone(), &b.range));
        }
        let r = f(self, cx);
        for _ in binders {
            cx.binders.pop();
        }
        cx.env.pop();
        r
    }

    fn resolve_path_quiet(&mut self, path: &[Ident]) -> Option<ItemRef> {
        let before = self.diags.len();
        let r = self.resolve_path(path);
        self.diags.truncate(before);
        r
    }

    /// A neuron (or a preset of one) for `pop`.
    fn expect_neuron(&mut self, r: ItemRef, path: &[Ident]) -> Option<ItemRef> {
        let last = &path[path.len() - 1];
        match &self.item(r).kind {
            ItemKind::Model(m) if m.kind == ModelKind::Neuron => {
                if path.len() >= 2 && path[path.len() - 2].name == m.name.name {
                    let info = self.model_info(r)?;
                    if !info.presets.contains(&last.name) {
                        let names: Vec<&str> = info.presets.iter().map(String::as_str).collect();
                        let d = crate::hints::unknown(
                            "E0106",
                            &last.name,
                            last.span,
                            &format!("preset of `{}`", m.name.name),
                            &names,
                        );
                        self.report(d);
                    }
                }
                Some(r)
            }
            ItemKind::Model(m) => {
                let kind = m.kind.keyword();
                self.report(
                    Diagnostic::error(
                        "E0107",
                        format!("`{}` is a {kind}, not a neuron", m.name.name),
                        last.span,
                        "populations are made of neurons",
                    )
                    .with_help(if m.kind == ModelKind::Synapse {
                        "use a synapse in a projection: `connect a -> b.port via Stdp { … }`"
                    } else {
                        "use a channel inside a neuron: `use NaT`"
                    }),
                );
                None
            }
            _ => {
                self.report(
                    Diagnostic::error(
                        "E0107",
                        format!("`{}` is not a neuron model", last.name),
                        last.span,
                        "not a neuron",
                    )
                    .with_help("a population needs a `neuron` model: `pop exc = Lif[800]`"),
                );
                None
            }
        }
    }

    fn pop_size(&mut self, cx: &Cx<'p>, size: &'p Expr) -> u128 {
        match self.const_value(cx, size).and_then(|v| v.as_int()) {
            Some(n) if n > 0 => n as u128,
            Some(n) => {
                self.report(
                    Diagnostic::error(
                        "E0501",
                        format!("a population needs at least one neuron, found {n}"),
                        size.span,
                        "not a positive size",
                    )
                    .with_help("write a positive integer: `Lif[800]`"),
                );
                0
            }
            None => {
                let (message, help) = match self.const_value(cx, size).and_then(|v| v.num()) {
                    Some((r, _)) => (
                        format!("a population size must be a whole number, found {}", crate::value::decimal(r)),
                        "round it explicitly with `round(…)`, `floor(…)` or `ceil(…)`",
                    ),
                    None => (
                        "a population size must be a positive integer constant".to_string(),
                        "write a number or the name of an integer constant or parameter",
                    ),
                };
                self.report(Diagnostic::error("E0501", message, size.span, "not a constant integer").with_help(help));
                0
            }
        }
    }

    /// Refuses networks whose declared size could not fit in memory.
    fn network_size(&mut self, name: &Ident, pops: &[(&Ident, Option<ItemRef>, u128)], net: &'p Network) {
        let neurons: u128 = pops.iter().map(|p| p.2).sum();
        // Dense worst case for every projection: all-to-all between its populations.
        let mut synapses: u128 = 0;
        for m in &net.body.members {
            if let MemberKind::Connect { source, targets, .. } = &m.kind {
                let size_of = |e: &Expr| -> u128 {
                    let mut root = e;
                    while let ExprKind::Field(b, _) | ExprKind::Index(b, _) = &root.kind {
                        root = b;
                    }
                    match &root.kind {
                        ExprKind::Name(n) => pops.iter().find(|p| p.0.name == n.name).map_or(0, |p| p.2),
                        _ => 0,
                    }
                };
                let s = size_of(source);
                for t in targets {
                    synapses = synapses.saturating_add(s.saturating_mul(size_of(t)));
                }
            }
        }
        let neuron_bytes = neurons.saturating_mul(BYTES_PER_NEURON);
        if neuron_bytes > MEMORY_BUDGET {
            self.report(
                Diagnostic::error(
                    "E0502",
                    format!(
                        "network `{}` declares {neurons} neurons, which need more memory than the machine has",
                        name.name
                    ),
                    name.span,
                    "too large",
                )
                .with_note(format!(
                    "at least {} GiB for neuron state alone; the budget is {} GiB",
                    neuron_bytes >> 30,
                    MEMORY_BUDGET >> 30
                ))
                .with_help("reduce the population sizes"),
            );
        } else if synapses.saturating_mul(BYTES_PER_SYNAPSE) > MEMORY_BUDGET.saturating_mul(64) {
            self.report(
                Diagnostic::warning("W0501", format!("network `{}` could create up to {synapses} connections", name.name), name.span, "very large")
                    .with_help("dense connectivity at this size will not fit in memory; use a sparse rule such as `p = 0.02` or `indegree = 100`"),
            );
        }
    }

    fn check_duration(&mut self, _cx: &Cx<'p>, t: &Ty, value: &Expr, clocked: bool) {
        let Some(d) = t.dim() else { return };
        if d == Dim::STEPS || (d == Dim::TIME && !clocked) || t.is_error() {
            return;
        }
        if d == Dim::TIME && clocked {
            self.report(
                Diagnostic::error(
                    "E0506",
                    "a clocked network (no `dt`) measures durations in cycles",
                    value.span,
                    "a physical time",
                )
                .with_help("write `duration = 4096 cycles`, or give the network a time step `dt = 0.1 ms`"),
            );
        } else {
            self.mismatch_at(value, Dim::TIME, d, "`duration` is how long the network runs");
        }
    }

    fn expect_dim(&mut self, t: &Ty, want: Dim, e: &Expr, context: &str) {
        if let Some(d) = t.dim()
            && d != want
            && !t.is_error()
            && !crate::expr::is_zero_literal(e)
        {
            self.mismatch_at(e, want, d, context);
        }
    }

    /// Overrides in `pop p = M[n] { … }`.
    fn check_entries(&mut self, cx: &mut Cx<'p>, r: ItemRef, entries: &'p [Entry]) {
        let Some(info) = self.model_info(r) else { return };
        cx.env.push();
        for e in entries {
            match &e.kind {
                EntryKind::Let(n, v) => {
                    let t = self.expr(cx, v);
                    cx.env.bind(&n.name, Binding { ty: t, kind: BindKind::Local, span: n.span, value: Some(v) });
                }
                EntryKind::Set(n, v) => {
                    let t = self.expr(cx, v);
                    match info.members.get(&n.name) {
                        Some(m) if matches!(m.kind, BindKind::Param | BindKind::State) => {
                            self.expect_assignable(&m.ty.clone(), &t, v)
                        }
                        Some(m) => {
                            let kind = m.kind.a_noun();
                            self.report(
                                Diagnostic::error(
                                    "E0106",
                                    format!("`{}` is {kind} of `{}` and cannot be overridden", n.name, info.name),
                                    n.span,
                                    "not a parameter or state",
                                )
                                .with_help("overrides set parameters and initial states"),
                            );
                        }
                        None => {
                            let names = info.names_of(&[BindKind::Param, BindKind::State]);
                            let d = crate::hints::unknown(
                                "E0106",
                                &n.name,
                                n.span,
                                &format!("parameter or state of `{}`", info.name),
                                &names,
                            );
                            self.report(d);
                        }
                    }
                }
                EntryKind::Flag(n) => self.report(
                    Diagnostic::error(
                        "E0203",
                        format!("`{}` alone does not override anything", n.name),
                        n.span,
                        "no value",
                    )
                    .with_help(format!("write `{} = value`", n.name)),
                ),
            }
        }
        cx.env.pop();
    }

    /// The population and port a connection target names: `exc.syn`.
    fn target_port(&mut self, cx: &mut Cx<'p>, t: &'p Expr) -> Option<(String, Ty)> {
        let ExprKind::Field(base, port) = &t.kind else {
            self.expr(cx, t);
            self.report(
                Diagnostic::error(
                    "E0505",
                    "a connection target names a population and one of its input ports",
                    t.span,
                    "no port",
                )
                .with_help("write `pop.port`, e.g. `exc.syn`"),
            );
            return None;
        };
        let Ty::Population(model) = self.expr(cx, base) else { return None };
        let r = self.population_model(&model)?;
        let info = self.model_info(r)?;
        match info.members.get(&port.name) {
            Some(m) if m.kind == BindKind::Input => Some((port.name.clone(), m.ty.clone())),
            Some(m) => {
                let kind = m.kind.a_noun();
                let d = Diagnostic::error(
                    "E0505",
                    format!("`{}` is {kind} of `{model}`, not an input port", port.name),
                    port.span,
                    "not an input",
                )
                .with_help("connections end at an `input` of the target model");
                // The declaration can only be shown when it is in this file.
                let d = if r.module == self.module { d.with_label(m.span, "declared here") } else { d };
                self.report(d);
                None
            }
            None => {
                let inputs = info.names_of(&[BindKind::Input]);
                let d =
                    crate::hints::unknown("E0505", &port.name, port.span, &format!("input port of `{model}`"), &inputs);
                self.report(d);
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_connect(
        &mut self,
        cx: &mut Cx<'p>,
        source: &'p Expr,
        targets: &'p [Expr],
        via: Option<&'p Via>,
        rules: &'p [Entry],
        dt: Option<Rational>,
        span: Span,
    ) {
        let st = self.expr(cx, source);
        if !st.is_error() && !matches!(st, Ty::Population(_)) {
            self.report(
                Diagnostic::error(
                    "E0505",
                    format!("a projection starts at a population, found {st}"),
                    source.span,
                    "not a population",
                )
                .with_help("name a population declared with `pop`"),
            );
        }
        let ports: Vec<(String, Ty)> = targets.iter().filter_map(|t| self.target_port(cx, t)).collect();
        let weight_ty = self.via_weight(cx, via, &ports).or_else(|| {
            ports.first().map(|(_, t)| match t {
                Ty::Spike(inner) => (**inner).clone(),
                other => other.clone(),
            })
        });
        self.check_rules(cx, rules, weight_ty, dt, true, span);
    }

    /// The type of a synapse's `w`, which `weight = …` initialises.
    fn via_weight(&mut self, cx: &mut Cx<'p>, via: Option<&'p Via>, ports: &[(String, Ty)]) -> Option<Ty> {
        let via = via?;
        let r = self.resolve_path(&via.model)?;
        let ItemKind::Model(m) = &self.item(r).kind else { return None };
        if m.kind != ModelKind::Synapse {
            let last = &via.model[via.model.len() - 1];
            self.report(
                Diagnostic::error(
                    "E0107",
                    format!("`{}` is not a synapse", last.name),
                    last.span,
                    "`via` takes a synapse model",
                )
                .with_help("declare the connection's dynamics with `synapse NAME { … }`"),
            );
            return None;
        }
        self.check_overrides_args(cx, r, &via.args);
        let info = self.model_info(r)?;
        let w = info.members.get("w").map(|m| m.ty.clone())?;
        // A synapse that delivers its `w` (with no `on pre`, or with `deliver w`) must match the
        // dimension of every spike port it feeds.
        if delivers_only_w(&m.body) {
            for (port, t) in ports {
                let Ty::Spike(inner) = t else { continue };
                if let (Some(dp), Some(dw)) = (inner.dim(), w.dim())
                    && dp != dw
                    && !inner.is_error()
                    && !w.is_error()
                {
                    let last = &via.model[via.model.len() - 1];
                    self.report(
                        Diagnostic::error(
                            "E0504",
                            format!(
                                "synapse `{}` delivers {}, but port `{port}` takes {}",
                                last.name,
                                scn_units::describe(dw),
                                scn_units::describe(dp)
                            ),
                            last.span,
                            format!("its weight `w` is {}", scn_units::describe(dw)),
                        )
                        .with_help(format!(
                            "use a synapse whose weight is {}, or target a port that takes {}",
                            scn_units::describe(dp),
                            scn_units::describe(dw)
                        )),
                    );
                }
            }
        }
        Some(w)
    }

    fn check_rules(
        &mut self,
        cx: &mut Cx<'p>,
        rules: &'p [Entry],
        weight_ty: Option<Ty>,
        dt: Option<Rational>,
        connect: bool,
        span: Span,
    ) {
        let mut rule_count = 0;
        for e in rules {
            match &e.kind {
                EntryKind::Flag(n) => {
                    if RULE_FLAGS.contains(&n.name.as_str()) {
                        rule_count += 1;
                    } else {
                        let mut all: Vec<&str> = RULE_FLAGS.to_vec();
                        all.extend(RULE_KEYS);
                        let d = crate::hints::unknown("E0513", &n.name, n.span, "connection rule", &all);
                        self.report(d);
                    }
                }
                EntryKind::Let(n, _) => self.report(
                    Diagnostic::error(
                        "E0513",
                        "a rule block lists rules, `weight` and `delay`",
                        n.span,
                        "`let` is not a rule",
                    )
                    .with_help("draw per-connection values directly: `weight = uniform(0 mV, 1 mV)`"),
                ),
                EntryKind::Set(n, v) => {
                    let t = self.expr(cx, v);
                    match n.name.as_str() {
                        "p" => {
                            rule_count += 1;
                            self.expect_assignable(&Ty::Prob, &t, v);
                            if let Some((r, _)) = self.const_value(cx, v).and_then(|x| x.num())
                                && (r < Rational::ZERO || r > Rational::ONE)
                            {
                                self.report(
                                    Diagnostic::error(
                                        "E0507",
                                        format!(
                                            "connection probability {} is outside [0, 1]",
                                            crate::value::decimal(r)
                                        ),
                                        v.span,
                                        "not a probability",
                                    )
                                    .with_help("`p` is the chance that each pair is connected"),
                                );
                            }
                        }
                        "indegree" | "outdegree" => {
                            rule_count += 1;
                            match self.const_value(cx, v).and_then(|x| x.as_int()) {
                                Some(k) if k >= 0 => {}
                                _ if t.is_error() => {}
                                _ => self.report(
                                    Diagnostic::error(
                                        "E0507",
                                        format!("`{}` must be a non-negative integer", n.name),
                                        v.span,
                                        "not a count",
                                    )
                                    .with_help(format!("write `{} = 100`", n.name)),
                                ),
                            }
                        }
                        "pairs" => rule_count += 1,
                        "autapses" => {
                            if !t.is_error() && t != Ty::Bool {
                                self.report(
                                    Diagnostic::error(
                                        "E0203",
                                        format!("`autapses` is `true` or `false`, found {t}"),
                                        v.span,
                                        "not a truth value",
                                    )
                                    .with_help("write `autapses = true`"),
                                );
                            }
                        }
                        "weight" => {
                            if let Some(want) = &weight_ty
                                && let (Some(dw), Some(dv)) = (want.dim(), t.dim())
                                && dw != dv
                                && !t.is_error()
                                && !want.is_error()
                                && !crate::expr::is_zero_literal(v)
                            {
                                self.report(
                                            Diagnostic::error(
                                                "E0504",
                                                format!("the weight must be {}, found {}", scn_units::describe(dw), scn_units::describe(dv)),
                                                v.span,
                                                format!("this is {}", scn_units::describe(dv)),
                                            )
                                            .with_help("a weight has the dimension of the input port it targets (or of the synapse's `w`)"),
                                        );
                            }
                        }
                        "delay" => self.check_delay(cx, v, &t, dt),
                        "start" | "stop" if !connect => self.check_window_bound(&n.name, v, &t, dt),
                        other => {
                            let d = crate::hints::unknown("E0513", other, n.span, "connection rule", RULE_KEYS);
                            self.report(d);
                        }
                    }
                }
            }
        }
        if rule_count > 1 {
            self.report(
                Diagnostic::error("E0513", "a projection has one connection rule", span, "several rules").with_help(
                    "choose one of `p = …`, `indegree = …`, `outdegree = …`, `all`, `one_to_one`, `pairs = …`",
                ),
            );
        }
    }

    /// A stimulus `start`/`stop` or encoding `window` (`name`): a time (which needs the
    /// network's `dt`) or a count of steps/cycles.
    fn check_window_bound(&mut self, name: &str, v: &'p Expr, t: &Ty, dt: Option<Rational>) {
        let Some(d) = t.dim() else { return };
        if t.is_error() || d == Dim::STEPS || crate::expr::is_zero_literal(v) {
            return;
        }
        if d != Dim::TIME {
            self.mismatch_at(v, Dim::TIME, d, &format!("a stimulus `{name}` is a time (or a count of cycles)"));
        } else if dt.is_none() {
            self.report(
                Diagnostic::error(
                    "E0506",
                    "a stimulus window in time needs a network time step",
                    v.span,
                    "the network is clocked",
                )
                .with_help("write the bound in cycles (`500 cycles`) or give the network `dt = …`"),
            );
        }
    }

    fn check_delay(&mut self, cx: &Cx<'p>, v: &'p Expr, t: &Ty, dt: Option<Rational>) {
        let Some(d) = t.dim() else { return };
        if t.is_error() {
            return;
        }
        if d == Dim::STEPS {
            return;
        }
        if d != Dim::TIME {
            self.mismatch_at(v, Dim::TIME, d, "a delay is a time");
            return;
        }
        let Some((delay, _)) = self.const_value(cx, v).and_then(|x| x.num()) else { return };
        if delay < Rational::ZERO {
            self.report(
                Diagnostic::error("E0508", "a delay cannot be negative", v.span, "negative")
                    .with_help("spikes arrive after a delay ≥ 0"),
            );
            return;
        }
        match dt {
            None => self.report(
                Diagnostic::error(
                    "E0506",
                    "a delay in time needs a network time step",
                    v.span,
                    "the network is clocked",
                )
                .with_help("write the delay in cycles (`2 cycles`) or give the network `dt = …`"),
            ),
            Some(dt) => {
                let steps = delay.checked_div(dt);
                if let Some(s) = steps
                    && !s.is_integer()
                {
                    let below = Rational::new(s.floor(), 1).and_then(|k| k.checked_mul(dt)).map(|x| x.to_f64() * 1e3);
                    let above = Rational::new(s.ceil(), 1).and_then(|k| k.checked_mul(dt)).map(|x| x.to_f64() * 1e3);
                    self.report(
                        Diagnostic::error(
                            "E0503",
                            format!("delay is {} time steps, not a whole number", crate::value::decimal(s)),
                            v.span,
                            "not a multiple of dt",
                        )
                        .with_note(format!("dt is {} ms", dt.to_f64() * 1e3))
                        .with_help(match (below, above) {
                            (Some(b), Some(a)) => format!("use a multiple of dt, such as {b} ms or {a} ms"),
                            _ => "use a whole multiple of dt".into(),
                        }),
                    );
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_stimulus(
        &mut self,
        cx: &mut Cx<'p>,
        kind: &Ident,
        args: &'p [Arg],
        targets: &'p [Expr],
        via: Option<&'p Via>,
        rules: &'p [Entry],
        dt: Option<Rational>,
    ) {
        let ports: Vec<(String, Ty)> = targets.iter().filter_map(|t| self.target_port(cx, t)).collect();
        let named = |key: &str| -> Option<&'p Expr> {
            args.iter().find_map(|a| match a {
                Arg::Named(n, v) if n.name == key => Some(v),
                _ => None,
            })
        };
        let mut allowed: Vec<&str> = vec!["start", "stop"];
        match kind.name.as_str() {
            "poisson" => {
                allowed.extend(["rate", "n"]);
                match named("rate") {
                    Some(v) => {
                        let t = self.expr(cx, v);
                        self.expect_dim(&t, Dim::FREQUENCY, v, "a Poisson rate is a frequency");
                    }
                    None => self.report(
                        Diagnostic::error("E0204", "a Poisson stimulus needs a `rate`", kind.span, "no rate")
                            .with_help("write `poisson(rate = 20 Hz, n = 100)`"),
                    ),
                }
                if let Some(v) = named("n") {
                    self.expr(cx, v);
                    match self.const_value(cx, v).and_then(|x| x.as_int()) {
                        Some(k) if k > 0 => {}
                        _ => self.report(
                            Diagnostic::error(
                                "E0501",
                                "`n` must be a positive integer constant",
                                v.span,
                                "not a positive size",
                            )
                            .with_help("write `n = 100`"),
                        ),
                    }
                }
                if cx.flags.clocked {
                    self.report(
                        Diagnostic::error(
                            "E0506",
                            "a Poisson stimulus needs a network time step",
                            kind.span,
                            "the network is clocked",
                        )
                        .with_help("give the network `dt = …`, or drive a clocked network with `bits(stream)`"),
                    );
                }
            }
            "current" => {
                allowed.push("amplitude");
                if let Some(v) = named("amplitude") {
                    let t = self.expr(cx, v);
                    if let Some((_, port)) = ports.first() {
                        if !matches!(port, Ty::Spike(_)) {
                            self.expect_assignable(&port.clone(), &t, v);
                        } else {
                            self.report(
                                Diagnostic::error(
                                    "E0505",
                                    "a current stimulus drives a continuous input",
                                    kind.span,
                                    "the target is a spike port",
                                )
                                .with_help("target an input declared with a dimension, e.g. `input i_ext: current`"),
                            );
                        }
                    }
                }
            }
            "spikes" | "encode" | "bits" => {
                allowed.push("values");
                for (k, a) in args.iter().enumerate() {
                    if let (0, "encode", Arg::Positional(Expr { kind: ExprKind::Name(enc), .. })) =
                        (k, kind.name.as_str(), a)
                    {
                        if !ENCODINGS.contains(&enc.name.as_str()) {
                            let d = crate::hints::unknown("E0514", &enc.name, enc.span, "spike encoding", ENCODINGS);
                            self.report(d);
                        }
                        continue;
                    }
                    if let Arg::Positional(v) = a {
                        let t = self.expr(cx, v);
                        if kind.name == "bits" && !t.is_error() && !matches!(t, Ty::Bits { .. }) {
                            self.report(
                                Diagnostic::error(
                                    "E0306",
                                    format!("`bits` emits the ones of a stream, found {t}"),
                                    v.span,
                                    "not a stream",
                                )
                                .with_help("declare `stream s = encode(…)` and write `bits(s)`"),
                            );
                        }
                    }
                }
                if kind.name == "encode" {
                    allowed.extend(["max_rate", "window", "threshold", "max_burst", "period"]);
                }
            }
            other => {
                let d = crate::hints::unknown("E0514", other, kind.span, "stimulus kind", STIMULI);
                self.report(d);
                return;
            }
        }
        for a in args {
            if let Arg::Named(n, v) = a {
                if n.name == "start" || n.name == "stop" || (kind.name == "encode" && n.name == "window") {
                    let t = self.expr(cx, v);
                    self.check_window_bound(&n.name, v, &t, dt);
                } else if !allowed.contains(&n.name.as_str()) {
                    let d = crate::hints::unknown(
                        "E0204",
                        &n.name,
                        n.span,
                        &format!("argument of `{}`", kind.name),
                        &allowed,
                    );
                    self.report(d);
                } else if kind.name == "encode" && n.name == "max_rate" {
                    let t = self.expr(cx, v);
                    self.expect_dim(&t, Dim::FREQUENCY, v, "`max_rate` is a rate");
                } else if !matches!(n.name.as_str(), "rate" | "n" | "amplitude") {
                    self.expr(cx, v);
                }
            }
        }
        let weight_ty = self.via_weight(cx, via, &ports).or_else(|| {
            ports.first().map(|(_, t)| match t {
                Ty::Spike(inner) => (**inner).clone(),
                other => other.clone(),
            })
        });
        self.check_rules(cx, rules, weight_ty, dt, false, kind.span);
    }

    fn check_monitor(&mut self, cx: &mut Cx<'p>, kind: &Ident, args: &'p [Arg]) {
        if !MONITORS.contains(&kind.name.as_str()) {
            let d = crate::hints::unknown("E0515", &kind.name, kind.span, "monitor kind", MONITORS);
            self.report(d);
        }
        for a in args {
            match a {
                Arg::Positional(v) => {
                    let t = self.expr(cx, v);
                    if kind.name == "spikes" && !t.is_error() && !matches!(t, Ty::Population(_)) {
                        self.report(
                            Diagnostic::error(
                                "E0515",
                                format!("`monitor spikes` records populations, found {t}"),
                                v.span,
                                "not a population",
                            )
                            .with_help("write `monitor spikes(exc, inh)`"),
                        );
                    }
                }
                Arg::Named(n, v) => {
                    if n.name == "at" && matches!(&v.kind, ExprKind::Name(id) if id.name == "end") {
                        continue;
                    }
                    let t = self.expr(cx, v);
                    match n.name.as_str() {
                        "every" | "bin" => self.expect_dim(&t, Dim::TIME, v, "a sampling interval is a time"),
                        other => {
                            let d = crate::hints::unknown(
                                "E0204",
                                other,
                                n.span,
                                "monitor option",
                                &["every", "bin", "at"],
                            );
                            self.report(d);
                        }
                    }
                }
                Arg::Binder(b) => self.report(
                    Diagnostic::error(
                        "E0204",
                        "monitors take populations and state selections",
                        b.name.span,
                        "unexpected binder",
                    )
                    .with_help("write `monitor state(exc[0..4].v)`"),
                ),
            }
        }
    }
}

/// Whether a synapse delivers nothing but its weight `w`: it has no `deliver`, or only
/// `deliver w`.
fn delivers_only_w(body: &Body) -> bool {
    fn block(b: &Block) -> bool {
        b.stmts.iter().all(stmt)
    }
    fn stmt(s: &Stmt) -> bool {
        match &s.kind {
            StmtKind::Deliver(e) => matches!(&e.kind, ExprKind::Name(n) if n.name == "w"),
            StmtKind::If { then, otherwise, .. } => {
                block(then)
                    && match otherwise.as_deref() {
                        Some(Else::Block(b)) => block(b),
                        Some(Else::If(s)) => stmt(s),
                        None => true,
                    }
            }
            _ => true,
        }
    }
    body.members.iter().all(|m| match &m.kind {
        MemberKind::On { body, .. } => block(body),
        _ => true,
    })
}
