//! Lowering a network: settings, populations with overrides, projections, stimuli, monitors.

use crate::expr::{Scope, Slot, is_step_duration};
use crate::model::{port_of, slot_of, state_named};
use crate::{Lowerer, unsupported};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, EntryKind, ExprKind, ItemKind, MemberKind};
use scn_runtime::ir::{self, CurrentStimulus, Expr, Monitor, Network, Population, Projection, Rule, Source};
use std::collections::HashMap;

/// Lowers the network `name` of the root module (or its only network).
pub fn lower_network(analysis: &scn_sema::Analysis, name: Option<&str>) -> Result<Network, Diagnostic> {
    let module = &analysis.program.modules[0];
    let nets: Vec<&ast::Network> = module
        .parsed
        .file
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Network(n) => Some(n),
            _ => None,
        })
        .collect();
    let whole = Span::new(0, 0);
    let net = match name {
        Some(n) => nets.iter().find(|x| x.name.name == n).copied().ok_or_else(|| {
            let known: Vec<String> = nets.iter().map(|x| format!("`{}`", x.name.name)).collect();
            Diagnostic::error("E0702", format!("this file has no network `{n}`"), whole, "no such network").with_help(
                if known.is_empty() {
                    "declare one with `network NAME { … }`".to_string()
                } else {
                    format!("its networks are {}", known.join(", "))
                },
            )
        })?,
        None => match nets.as_slice() {
            [one] => *one,
            [] => {
                return Err(Diagnostic::error("E0702", "this file declares no network to run", whole, "no network")
                    .with_help("declare one with `network NAME { … }`, or run a file that has one"));
            }
            many => {
                let known: Vec<String> = many.iter().map(|x| format!("`{}`", x.name.name)).collect();
                return Err(Diagnostic::error("E0702", "this file declares several networks", whole, "which one?")
                    .with_help(format!("choose one with `--network NAME`: {}", known.join(", "))));
            }
        },
    };
    let mut lw = Lowerer::new(analysis);
    lw.network(net)
}

fn setting<'p>(net: &'p ast::Network, name: &str) -> Option<&'p ast::Expr> {
    net.body.members.iter().find_map(|m| match &m.kind {
        MemberKind::Setting { name: n, value } if n.name == name => Some(value),
        _ => None,
    })
}

impl<'p> Lowerer<'p> {
    /// [`Self::net_value`] for the stream lowering.
    pub(crate) fn net_value_pub(&self, consts: &HashMap<String, f64>, e: &ast::Expr) -> Option<f64> {
        self.net_value(consts, e)
    }

    /// The SI value of a constant network expression (network constants and parameters with
    /// constant values are in scope).
    fn net_value(&self, consts: &HashMap<String, f64>, e: &ast::Expr) -> Option<f64> {
        self.net_exact(consts, e).map(|(r, _)| r.to_f64())
    }

    /// A constant network truth value (`autapses = true`); a number counts as true unless 0.
    fn net_flag(&self, consts: &HashMap<String, f64>, e: &ast::Expr) -> Result<bool, Diagnostic> {
        if let ExprKind::Bool(b) = &e.kind {
            return Ok(*b);
        }
        self.net_value(consts, e).map(|x| x != 0.0).ok_or_else(|| unsupported(e.span, "a flag that is not constant"))
    }

    /// The exact SI value and dimension of a constant network expression.
    fn net_exact(&self, consts: &HashMap<String, f64>, e: &ast::Expr) -> Option<(scn_units::Rational, scn_units::Dim)> {
        struct Names<'a, 'b, 'p> {
            consts: &'a HashMap<String, f64>,
            module: crate::ModuleNames<'b, 'p>,
        }
        impl scn_sema::value::Names for Names<'_, '_, '_> {
            fn value_of(&self, name: &str, depth: u32) -> Option<scn_sema::value::Value> {
                if let Some(v) = self.consts.get(name) {
                    let r = scn_units::Rational::parse_decimal(&format!("{v:e}"))?;
                    return Some(scn_sema::value::Value::scalar(r));
                }
                self.module.value_of(name, depth)
            }
        }
        let names = Names { consts, module: crate::ModuleNames { lowerer: self } };
        scn_sema::value::eval(e, &names, 0).and_then(|v| v.num())
    }

    /// A value of a fixed-point model set from the network (an override or a weight): a
    /// constant is quantised exactly (an `int` slot keeps its integer); anything else is
    /// lowered in the model's precision scope, where network constants are not visible.
    fn fixed_value(
        &mut self,
        consts: &HashMap<String, f64>,
        ctx: &crate::FixedCtx,
        sc: &mut Scope<'p>,
        v: &'p ast::Expr,
        int_slot: bool,
    ) -> Result<Expr, Diagnostic> {
        if let Some((r, dim)) = self.net_exact(consts, v) {
            if int_slot {
                if !r.is_integer() {
                    return Err(unsupported(v.span, "a non-integer value for an `int` parameter"));
                }
                return crate::fixed::dyadic(r.num(), 0, v.span);
            }
            return ctx.quantise(r, dim, v.span);
        }
        let saved = sc.fixed.replace(ctx.clone());
        let e = self.expr(sc, v);
        sc.fixed = saved;
        e
    }

    /// A constant duration in whole steps: `steps`/`cycles` (or any duration of a clocked
    /// network) as written, a time divided by dt exactly and rounded up (the first step whose
    /// time t·dt is not before it); never below 0.
    pub(crate) fn steps_of(
        &self,
        consts: &HashMap<String, f64>,
        e: &'p ast::Expr,
        dt: Option<scn_units::Rational>,
        clocked: bool,
    ) -> Result<u64, Diagnostic> {
        let (r, _) = self.net_exact(consts, e).ok_or_else(|| unsupported(e.span, "a duration that is not constant"))?;
        let steps = if is_step_duration(e) || clocked { Some(r) } else { dt.and_then(|dt| r.checked_div(dt)) }
            .ok_or_else(|| unsupported(e.span, "this duration"))?;
        Ok(u64::try_from(steps.ceil().max(0)).unwrap_or(u64::MAX))
    }

    /// The steps of a stimulus window `start = …, stop = …` (LANGUAGE §6: active where
    /// start ≤ t·dt < stop): a bound in `steps`/`cycles` (or any bound of a clocked network) is
    /// a step index; a time is divided by dt exactly and rounded up. Missing bounds are open.
    fn window(
        &self,
        consts: &HashMap<String, f64>,
        start: Option<&'p ast::Expr>,
        stop: Option<&'p ast::Expr>,
        dt: Option<scn_units::Rational>,
        clocked: bool,
    ) -> Result<ir::Window, Diagnostic> {
        let bound = |e: &'p ast::Expr| self.steps_of(consts, e, dt, clocked);
        Ok(ir::Window {
            start: start.map(bound).transpose()?.unwrap_or(0),
            stop: stop.map(bound).transpose()?.unwrap_or(u64::MAX),
        })
    }

    fn network(&mut self, net: &'p ast::Network) -> Result<Network, Diagnostic> {
        let mut consts: HashMap<String, f64> = HashMap::new();
        let mut arrays = Vec::new();
        for m in &net.body.members {
            match &m.kind {
                MemberKind::Const(c) => {
                    if let Some(v) = self.net_value(&consts, &c.value) {
                        consts.insert(c.name.name.clone(), v);
                    }
                }
                MemberKind::Decl(d) if d.kind == ast::DeclKind::Param => {
                    if let Some(a) = self.sc_array(&consts, d, m.span)? {
                        arrays.push(a);
                    } else if let Some(v) = d.value.as_ref().and_then(|v| self.net_value(&consts, v)) {
                        consts.insert(d.name.name.clone(), v);
                    }
                }
                MemberKind::Sub { .. } => {
                    return Err(unsupported(m.span, "sub-networks"));
                }
                MemberKind::Decl(d) if d.kind != ast::DeclKind::Param && d.kind != ast::DeclKind::Output => {
                    return Err(unsupported(m.span, "network inputs"));
                }
                MemberKind::Precision(_) => {
                    return Err(unsupported(m.span, "bit-true fixed-point networks (`precision`)"));
                }
                _ => {}
            }
        }
        let dt_expr = setting(net, "dt");
        let clocked = dt_expr.is_none();
        let dt_exact = dt_expr.and_then(|e| self.net_exact(&consts, e)).map(|(r, _)| r);
        let dt = match dt_expr {
            Some(e) => {
                self.net_value(&consts, e).ok_or_else(|| unsupported(e.span, "a time step that is not constant"))?
            }
            None => 1.0,
        };
        let steps = match setting(net, "duration") {
            Some(e) => {
                let v =
                    self.net_value(&consts, e).ok_or_else(|| unsupported(e.span, "a duration that is not constant"))?;
                Some(if is_step_duration(e) || clocked { v.round() as u64 } else { (v / dt).round() as u64 })
            }
            None => None,
        };
        let seed = setting(net, "seed").and_then(|e| self.net_value(&consts, e)).map_or(1, |v| v as u64);
        let mut out = Network {
            name: net.name.name.clone(),
            dt,
            clocked,
            steps,
            seed,
            models: Vec::new(),
            populations: Vec::new(),
            projections: Vec::new(),
            currents: Vec::new(),
            monitors: Vec::new(),
            sc: ir::ScNetwork::default(),
        };
        let (sc, sc_names) = self.sc_network(net, &consts, arrays)?;
        out.sc = sc;
        let mut pops: HashMap<String, usize> = HashMap::new();
        for m in &net.body.members {
            if let MemberKind::Pop { name, model, size, overrides } = &m.kind {
                let r = self.resolve(model).ok_or_else(|| unsupported(m.span, "this population's model"))?;
                let idx = self.lower_model(r)?;
                let n = self
                    .net_value(&consts, size)
                    .ok_or_else(|| unsupported(size.span, "a population size that is not constant"))?;
                let pop = self.population(&consts, name, idx, n as u64, overrides, model)?;
                pops.insert(name.name.clone(), out.populations.len());
                out.populations.push(pop);
            }
        }
        for m in &net.body.members {
            match &m.kind {
                MemberKind::Connect { name, source, targets, via, rules } => {
                    let src = self.pop_ref(&pops, source)?;
                    let wiring = Wiring {
                        name: name.as_ref(),
                        from: pop_name(source),
                        targets,
                        via: via.as_ref(),
                        rules,
                        span: m.span,
                    };
                    self.project(&mut out, &pops, &consts, &wiring, Source::Population(src), dt, clocked)?;
                }
                MemberKind::Stimulus { name, kind, args, targets, via, rules } => {
                    let named = |key: &str| {
                        args.iter().find_map(|a| match a {
                            Arg::Named(n, v) if n.name == key => Some(v),
                            _ => None,
                        })
                    };
                    // The window may also be written among the rules (`{ all, start = … }`).
                    let bound = |key: &str| {
                        named(key).or_else(|| {
                            rules.iter().find_map(|e| match &e.kind {
                                EntryKind::Set(n, v) if n.name == key => Some(v),
                                _ => None,
                            })
                        })
                    };
                    let window = self.window(&consts, bound("start"), bound("stop"), dt_exact, clocked)?;
                    // Every stimulus but a current is a spike source projected like a population.
                    let source = match kind.name.as_str() {
                        "poisson" => {
                            let rate = named("rate")
                                .and_then(|v| self.net_value(&consts, v))
                                .ok_or_else(|| unsupported(kind.span, "a Poisson rate that is not constant"))?;
                            let n = named("n").and_then(|v| self.net_value(&consts, v)).map_or(1, |v| v as u64);
                            Some(Source::Poisson { rate, n, window })
                        }
                        "bits" => {
                            let mut positional = args.iter().filter_map(|a| match a {
                                Arg::Positional(e) => Some(e),
                                _ => None,
                            });
                            let stream = match (positional.next(), positional.next()) {
                                (Some(e), None) => match &e.kind {
                                    ExprKind::Name(n) => sc_names.streams.get(&n.name).copied(),
                                    _ => None,
                                },
                                _ => None,
                            }
                            .ok_or_else(|| {
                                unsupported(kind.span, "`bits` of something other than a declared stream")
                            })?;
                            let n = scn_runtime::interp::sc::elements(&out.sc.streams[stream].dims) as u64;
                            Some(Source::Stream { stream, n, window })
                        }
                        "current" => {
                            let amp = named("amplitude")
                                .ok_or_else(|| unsupported(kind.span, "a current without an amplitude"))?;
                            for t in targets {
                                let (target, port) = self.port_ref(&pops, t)?;
                                let model = out.populations[target].model;
                                let (port, spike) = port_of(&self.out_models[model], &port)
                                    .ok_or_else(|| unsupported(t.span, "this target port"))?;
                                if spike {
                                    return Err(unsupported(t.span, "a current into a spike port"));
                                }
                                let amplitude = match self.fixed_models.get(&model).cloned() {
                                    // In the precision of the target port: its format, its
                                    // dimension's scale (the amplitude is then in scaled units).
                                    Some(ctx) => {
                                        match self.fixed_value(&consts, &ctx, &mut Scope::new(), amp, false)? {
                                            Expr::Const(c) => Some(c),
                                            _ => None,
                                        }
                                    }
                                    None => self.net_value(&consts, amp),
                                }
                                .ok_or_else(|| unsupported(amp.span, "a current amplitude that is not constant"))?;
                                out.currents.push(CurrentStimulus { target, port, amplitude, window });
                            }
                            None
                        }
                        "spikes" => {
                            let trace = self.replay_trace(kind, args, dt, clocked)?;
                            let spikes: Vec<(u64, u64)> =
                                trace.spikes.into_iter().filter(|&(step, _)| window.contains(step)).collect();
                            Some(Source::Replay { n: trace.n, spikes })
                        }
                        "encode" => {
                            let time = crate::encode::Timing { dt, dt_exact, clocked, steps, window };
                            Some(self.encode_stimulus(&consts, &out.sc.arrays, kind, args, &time)?)
                        }
                        _ => return Err(unsupported(kind.span, &format!("`{}` stimuli", kind.name))),
                    };
                    if let Some(source) = source {
                        let wiring = Wiring {
                            name: name.as_ref(),
                            from: kind.name.clone(),
                            targets,
                            via: via.as_ref(),
                            rules,
                            span: m.span,
                        };
                        self.project(&mut out, &pops, &consts, &wiring, source, dt, clocked)?;
                    }
                }
                MemberKind::Monitor { kind, args } => self.monitor(&mut out, &pops, &consts, kind, args, dt)?,
                _ => {}
            }
        }
        out.models = std::mem::take(&mut self.out_models);
        Ok(out)
    }

    fn population(
        &mut self,
        consts: &HashMap<String, f64>,
        name: &ast::Ident,
        model: usize,
        size: u64,
        overrides: &'p [ast::Entry],
        path: &[ast::Ident],
    ) -> Result<Population, Diagnostic> {
        let mut sc = Scope::new();
        // Network constants are SI numbers; a precision population sees them only through
        // exact constant folding (see `fixed_value`), and its lets are in its scaled units.
        sc.fixed = self.fixed_models.get(&model).cloned();
        if sc.fixed.is_none() {
            for (k, v) in consts {
                sc.bind(k, Slot::Value(Expr::Const(*v)));
            }
        }
        let m = self.out_models[model].clone();
        // A preset (`Model.Preset`) overrides parameters first.
        let mut entries: Vec<&'p ast::Entry> = Vec::new();
        if path.len() >= 2
            && let Some(r) = self.resolve(&path[..path.len() - 1])
            && let ItemKind::Model(md) = &self.item(r).kind
        {
            for mem in &md.body.members {
                if let MemberKind::Preset { name: pn, entries: pe } = &mem.kind
                    && pn.name == path[path.len() - 1].name
                {
                    entries.extend(pe.iter());
                }
            }
        }
        entries.extend(overrides.iter());
        // Parameters and earlier states of the model are readable in overrides.
        for (i, p) in m.params.iter().enumerate() {
            sc.bind(p, Slot::Param(i as u16));
        }
        for (i, s) in m.states.iter().enumerate() {
            sc.bind(s, Slot::State(i as u16));
        }
        sc.next_site = m.draw_sites;
        let mut pop = Population {
            name: name.name.clone(),
            size,
            model,
            param_overrides: Vec::new(),
            state_overrides: Vec::new(),
            override_lets: Vec::new(),
        };
        for e in entries {
            match &e.kind {
                EntryKind::Let(n, v) => {
                    let value = self.expr(&mut sc, v)?;
                    let local = sc.local();
                    sc.bind(&n.name, Slot::Local(local));
                    pop.override_lets.push((local, value));
                }
                EntryKind::Set(n, v) if self.fixed_models.contains_key(&model) => {
                    let ctx = self.fixed_models[&model].clone();
                    let fx = m.fixed.as_ref().expect("a fixed-point model");
                    let slot = slot_of(&m, &n.name).ok_or_else(|| unsupported(n.span, "overriding this member"))?;
                    let int_slot = if slot.0 { fx.int_params[slot.1 as usize] } else { fx.int_states[slot.1 as usize] };
                    let value = self.fixed_value(consts, &ctx, &mut sc, v, int_slot)?;
                    set_override(
                        if slot.0 { &mut pop.param_overrides } else { &mut pop.state_overrides },
                        slot.1,
                        value,
                    );
                }
                EntryKind::Set(n, v) => {
                    let value = self.expr(&mut sc, v)?;
                    match slot_of(&m, &n.name) {
                        Some((true, s)) => set_override(&mut pop.param_overrides, s, value),
                        Some((false, s)) => set_override(&mut pop.state_overrides, s, value),
                        None => return Err(unsupported(n.span, "overriding this member")),
                    }
                }
                EntryKind::Flag(n) => return Err(unsupported(n.span, "this override")),
            }
        }
        crate::table::check_covers(&sc.tables, size, &format!("the population `{}`", name.name))?;
        for (k, init) in m.param_init.iter().enumerate() {
            if matches!(init, Expr::Const(c) if c.is_nan())
                && !pop.param_overrides.iter().any(|(s, _)| *s as usize == k)
            {
                return Err(Diagnostic::error(
                    "E0703",
                    format!("parameter `{}` of `{}` has no value", m.params[k], m.name),
                    name.span,
                    "not set",
                )
                .with_help(format!(
                    "give it a default in the model, or set it here: `pop {} = {}[…] {{ {} = … }}`",
                    name.name, m.name, m.params[k]
                )));
            }
        }
        Ok(pop)
    }

    /// One projection per target port of `w`, all from `source`.
    #[allow(clippy::too_many_arguments)]
    fn project(
        &mut self,
        out: &mut Network,
        pops: &HashMap<String, usize>,
        consts: &HashMap<String, f64>,
        w: &Wiring<'p>,
        source: Source,
        dt: f64,
        clocked: bool,
    ) -> Result<(), Diagnostic> {
        for t in w.targets {
            let (tgt, port) = self.port_ref(pops, t)?;
            let label = w.name.map_or_else(|| format!("{}->{}", w.from, pop_name(t)), |n| n.name.clone());
            let tm = out.populations[tgt].model;
            let (mut p, tables) =
                self.projection(consts, label, source.clone(), (tgt, tm), port, w.via, w.rules, dt, clocked, w.span)?;
            if let Some(count) = connection_count(out, &p) {
                crate::table::check_covers(&tables, count, &format!("the connection `{}`", p.name))?;
            }
            if let Some(s) = p.synapse {
                let src_model = match source {
                    Source::Population(src) => Some(&self.out_models[out.populations[src].model]),
                    _ => None,
                };
                p.synapse_inputs =
                    crate::synapse_inputs::bind(&self.out_models[s], src_model, &self.out_models[tm], consts, w.span)?;
            }
            out.projections.push(p);
        }
        Ok(())
    }

    fn pop_ref(&self, pops: &HashMap<String, usize>, e: &ast::Expr) -> Result<usize, Diagnostic> {
        match &e.kind {
            ExprKind::Name(n) => pops.get(&n.name).copied().ok_or_else(|| unsupported(e.span, "this source")),
            _ => Err(unsupported(e.span, "slices of populations as sources")),
        }
    }

    fn port_ref(&self, pops: &HashMap<String, usize>, e: &ast::Expr) -> Result<(usize, String), Diagnostic> {
        let (base, port) = member_path(e);
        if port.is_empty() {
            return Err(unsupported(e.span, "this target"));
        }
        Ok((self.pop_ref(pops, base)?, port))
    }

    #[allow(clippy::too_many_arguments)]
    fn projection(
        &mut self,
        consts: &HashMap<String, f64>,
        name: String,
        source: Source,
        (target, target_model): (usize, usize),
        port: String,
        via: Option<&'p ast::Via>,
        rules: &'p [ast::Entry],
        dt: f64,
        clocked: bool,
        span: Span,
    ) -> Result<(Projection, Vec<crate::table::TableUse>), Diagnostic> {
        let pop_model = &self.out_models[target_model];
        let (port_slot, spike) = port_of(pop_model, &port).ok_or_else(|| unsupported(span, "this target port"))?;
        if !spike {
            return Err(unsupported(span, "connections to continuous ports"));
        }
        let mut sc = Scope::new();
        for (k, v) in consts {
            sc.bind(k, Slot::Value(Expr::Const(*v)));
        }
        let target_fixed = self.fixed_models.get(&target_model).cloned();
        let mut synapse_params = Vec::new();
        let synapse = match via {
            Some(_) if target_fixed.is_some() => {
                return Err(unsupported(span, "synapse models into a fixed-point (`precision`) population"));
            }
            Some(v) => {
                let r = self.resolve(&v.model).ok_or_else(|| unsupported(span, "this synapse"))?;
                let idx = self.lower_model(r)?;
                for a in &v.args {
                    let Arg::Named(n, value) = a else { return Err(unsupported(span, "unnamed synapse overrides")) };
                    let Some((true, slot)) = slot_of(&self.out_models[idx], &n.name) else {
                        return Err(unsupported(n.span, "overriding a synapse state in `via`"));
                    };
                    synapse_params.push((slot, self.expr(&mut sc, value)?));
                }
                Some(idx)
            }
            None => None,
        };
        let mut rule = Rule::All;
        let mut autapses = false;
        let mut weight = Expr::Const(0.0);
        let mut delay = Expr::Const(0.0);
        for e in rules {
            match &e.kind {
                EntryKind::Flag(n) if n.name == "all" => rule = Rule::All,
                EntryKind::Flag(n) if n.name == "one_to_one" => rule = Rule::OneToOne,
                EntryKind::Set(n, v) => match n.name.as_str() {
                    // A stimulus window, taken by the caller (the checker allows it only there).
                    "start" | "stop" if !matches!(source, Source::Population(_)) => {}
                    "p" => {
                        rule = Rule::Probability(
                            self.net_value(consts, v)
                                .ok_or_else(|| unsupported(v.span, "a probability that is not constant"))?,
                        )
                    }
                    "indegree" => {
                        rule = Rule::Indegree(
                            self.net_value(consts, v)
                                .ok_or_else(|| unsupported(v.span, "a degree that is not constant"))?
                                as u64,
                        )
                    }
                    "outdegree" => {
                        rule = Rule::Outdegree(
                            self.net_value(consts, v)
                                .ok_or_else(|| unsupported(v.span, "a degree that is not constant"))?
                                as u64,
                        )
                    }
                    "autapses" => autapses = self.net_flag(consts, v)?,
                    "weight" => {
                        weight = match &target_fixed {
                            // In the precision of the target port: its format, its dimension's
                            // scale (the IR weight is then in scaled units).
                            Some(ctx) => {
                                let mut wsc = Scope::new();
                                self.fixed_value(consts, ctx, &mut wsc, v, false)?
                            }
                            None => self.expr(&mut sc, v)?,
                        }
                    }
                    "delay" => {
                        let d = self.expr(&mut sc, v)?;
                        delay = if is_step_duration(v) || clocked {
                            d
                        } else {
                            Expr::Bin(ir::BinOp::Div, Box::new(d), Box::new(Expr::Const(dt)))
                        };
                    }
                    _ => return Err(unsupported(n.span, &format!("the rule `{}`", n.name))),
                },
                _ => return Err(unsupported(e.span, "this rule")),
            }
        }
        let projection = Projection {
            name,
            source,
            target,
            port: port_slot,
            rule,
            autapses,
            weight,
            delay,
            synapse,
            synapse_params,
            synapse_inputs: Vec::new(),
        };
        Ok((projection, sc.tables))
    }

    fn monitor(
        &mut self,
        out: &mut Network,
        pops: &HashMap<String, usize>,
        consts: &HashMap<String, f64>,
        kind: &ast::Ident,
        args: &'p [Arg],
        dt: f64,
    ) -> Result<(), Diagnostic> {
        let every = args
            .iter()
            .find_map(|a| match a {
                Arg::Named(n, v) if n.name == "every" => self.net_value(consts, v),
                _ => None,
            })
            .map_or(1, |v| (v / dt).round().max(1.0) as u64);
        match kind.name.as_str() {
            "rate" => {
                if out.clocked {
                    return Err(unsupported(kind.span, "`monitor rate` in a clocked network"));
                }
                let bin = args
                    .iter()
                    .find_map(|a| match a {
                        Arg::Named(n, v) if n.name == "bin" => Some(v),
                        _ => None,
                    })
                    .ok_or_else(|| {
                        Diagnostic::error("E0701", "`monitor rate` needs a bin", kind.span, "no `bin`")
                            .with_help("give the bin width: `monitor rate(P, bin = 10 ms)`")
                    })?;
                let width = self
                    .net_value(consts, bin)
                    .ok_or_else(|| unsupported(bin.span, "a rate bin that is not constant"))?;
                let steps = width / dt;
                if !(steps.round() >= 1.0 && (steps - steps.round()).abs() <= 1e-9 * steps.abs().max(1.0)) {
                    return Err(Diagnostic::error(
                        "E0701",
                        "the rate bin is not a whole number of steps",
                        bin.span,
                        format!("{} steps of dt", steps),
                    )
                    .with_help("choose a bin that is a positive multiple of `dt`"));
                }
                let mut list = Vec::new();
                for a in args {
                    if let Arg::Positional(e) = a {
                        list.push(self.pop_ref(pops, e)?);
                    }
                }
                out.monitors.push(Monitor::Rate { pops: list, bin: steps.round() as u64 });
            }
            "spikes" => {
                let mut list = Vec::new();
                for a in args {
                    if let Arg::Positional(e) = a {
                        list.push(self.pop_ref(pops, e)?);
                    }
                }
                out.monitors.push(Monitor::Spikes(list));
            }
            "state" => {
                for a in args {
                    let Arg::Positional(e) = a else { continue };
                    let ExprKind::Field(_, var) = &e.kind else {
                        return Err(unsupported(e.span, "this state selection"));
                    };
                    // `cell.v`, `cell[0..4].soma.v`, `cell.NaT.m`: the population and the
                    // member's qualified name.
                    let (base, path) = member_path(e);
                    if let Some(proj) = self.projection_named(out, base) {
                        let (from, to) = match &base.kind {
                            ExprKind::Index(_, r) => match &r.kind {
                                ExprKind::Range(a, b) => (
                                    self.net_value(consts, a)
                                        .ok_or_else(|| unsupported(r.span, "a range that is not constant"))?
                                        as u64,
                                    self.net_value(consts, b)
                                        .ok_or_else(|| unsupported(r.span, "a range that is not constant"))?
                                        as u64,
                                ),
                                _ => {
                                    let i = self
                                        .net_value(consts, r)
                                        .ok_or_else(|| unsupported(r.span, "an index that is not constant"))?
                                        as u64;
                                    (i, i + 1)
                                }
                            },
                            _ => (0, u64::MAX),
                        };
                        let syn = out.projections[proj]
                            .synapse
                            .ok_or_else(|| unsupported(var.span, "monitoring a projection without a synapse model"))?;
                        let state =
                            self.out_models[syn].states.iter().position(|s| *s == var.name).ok_or_else(|| {
                                unsupported(var.span, "monitoring something other than a synapse state")
                            })?;
                        out.monitors.push(Monitor::Synapse(ir::SynapseMonitor {
                            proj,
                            from,
                            to,
                            state: state as u16,
                            every,
                        }));
                        continue;
                    }
                    let (pop, from, to) = match &base.kind {
                        ExprKind::Index(p, r) => {
                            let pop = self.pop_ref(pops, p)?;
                            match &r.kind {
                                ExprKind::Range(a, b) => {
                                    let a = self
                                        .net_value(consts, a)
                                        .ok_or_else(|| unsupported(r.span, "a range that is not constant"))?
                                        as u64;
                                    let b = self
                                        .net_value(consts, b)
                                        .ok_or_else(|| unsupported(r.span, "a range that is not constant"))?
                                        as u64;
                                    (pop, a, b)
                                }
                                _ => {
                                    let i = self
                                        .net_value(consts, r)
                                        .ok_or_else(|| unsupported(r.span, "an index that is not constant"))?
                                        as u64;
                                    (pop, i, i + 1)
                                }
                            }
                        }
                        _ => {
                            let pop = self.pop_ref(pops, base)?;
                            (pop, 0, out.populations[pop].size)
                        }
                    };
                    let model = out.populations[pop].model;
                    let m = &self.out_models[model];
                    let state = state_named(m, self.state_aliases.get(&model), &path)
                        .ok_or_else(|| unsupported(var.span, "monitoring something other than a state"))?;
                    let to = to.min(out.populations[pop].size);
                    out.monitors.push(Monitor::State { pop, from, to, state, every });
                }
            }
            _ => return Err(unsupported(kind.span, "this monitor")),
        }
        Ok(())
    }
}

impl Lowerer<'_> {
    /// The trace of `spikes(load("FILE.csv"))`, read relative to the root model file.
    fn replay_trace(
        &self,
        kind: &ast::Ident,
        args: &[Arg],
        dt: f64,
        clocked: bool,
    ) -> Result<crate::replay::Trace, Diagnostic> {
        let load = args.iter().find_map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        });
        let file = load
            .and_then(|e| match &e.kind {
                ExprKind::Call(f, fargs) if matches!(&f.kind, ExprKind::Name(n) if n.name == "load") => {
                    fargs.iter().find_map(|a| match a {
                        Arg::Positional(x) => match &x.kind {
                            ExprKind::Str(s) => Some(s.clone()),
                            _ => None,
                        },
                        _ => None,
                    })
                }
                _ => None,
            })
            .ok_or_else(|| unsupported(kind.span, "`spikes` of something other than `load(\"FILE.csv\")`"))?;
        let span = load.map_or(kind.span, |e| e.span);
        let dir = match &self.analysis.program.modules[0].origin {
            scn_sema::modules::Origin::File(p) => p.parent().map(std::path::Path::to_path_buf).unwrap_or_default(),
            _ => std::path::PathBuf::new(),
        };
        crate::replay::read_trace(&dir.join(&file), &file, dt, clocked).map_err(|m| {
            Diagnostic::error("E0701", format!("cannot load the spike trace `{file}`"), span, m).with_help(
                "give a CSV with the header `step,time_ms,population,neuron` and one row per spike, next to the model file",
            )
        })
    }

    /// The projection a monitor selection names (`plastic[0..10]`), by its connect name.
    fn projection_named(&self, out: &Network, e: &ast::Expr) -> Option<usize> {
        let root = match &e.kind {
            ExprKind::Index(b, _) => b,
            _ => e,
        };
        let ExprKind::Name(n) = &root.kind else { return None };
        out.projections.iter().position(|p| p.name == n.name)
    }
}

/// Where a `connect` or a spiking stimulus sends its spikes.
struct Wiring<'a> {
    /// The projection's name, if it has one.
    name: Option<&'a ast::Ident>,
    /// The source, for default labels (`exc`, `poisson`).
    from: String,
    /// Target ports.
    targets: &'a [ast::Expr],
    /// The synapse model.
    via: Option<&'a ast::Via>,
    /// Rule, weight and delay.
    rules: &'a [ast::Entry],
    /// The member, for messages.
    span: Span,
}

/// Sets a population override; a later one for the same slot (the population's own, after
/// its preset's) replaces the earlier.
fn set_override(list: &mut Vec<(u16, Expr)>, slot: u16, value: Expr) {
    list.retain(|(s, _)| *s != slot);
    list.push((slot, value));
}

/// Splits `pop[a..b].soma.v` into the population part (`pop[a..b]`) and the member's
/// qualified name (`soma.v`; empty when `e` has no field).
fn member_path(e: &ast::Expr) -> (&ast::Expr, String) {
    match &e.kind {
        ExprKind::Field(base, f) => {
            let (pop, path) = member_path(base);
            (pop, if path.is_empty() { f.name.clone() } else { format!("{path}.{}", f.name) })
        }
        _ => (e, String::new()),
    }
}

fn pop_name(e: &ast::Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Field(b, _) | ExprKind::Index(b, _) => pop_name(b),
        _ => "?".into(),
    }
}

/// The number of connections a projection makes, when its rule fixes it before the run (all
/// but `p = …`); connection k has `index` k.
fn connection_count(net: &Network, p: &Projection) -> Option<u64> {
    let n_src = match &p.source {
        Source::Population(s) => net.populations[*s].size,
        Source::Poisson { n, .. } | Source::Stream { n, .. } | Source::Replay { n, .. } => *n,
        Source::Rate { p, .. } => p.len() as u64,
    };
    let n_tgt = net.populations[p.target].size;
    let same = matches!(p.source, Source::Population(s) if s == p.target);
    Some(match &p.rule {
        Rule::All if same && !p.autapses => n_src * n_tgt - n_src.min(n_tgt),
        Rule::All => n_src * n_tgt,
        Rule::OneToOne => n_src.min(n_tgt),
        Rule::Indegree(d) => n_tgt * (*d).min(n_src - u64::from(same && !p.autapses).min(n_src)),
        Rule::Outdegree(d) => n_src * (*d).min(n_tgt - u64::from(same && !p.autapses).min(n_tgt)),
        Rule::Pairs(list) => list.iter().filter(|&&(i, j)| i < n_src && j < n_tgt).count() as u64,
        Rule::Probability(_) => return None,
    })
}
