//! Lowering neurons and synapses.

use crate::expr::{Scope, Slot};
use crate::fixed::FixedCtx;
use crate::{Lowerer, unsupported};
use scn_diagnostics::Diagnostic;
use scn_grammar::ast::{self, Arg, DeclKind, ExprKind, ItemKind, MemberKind, ModelKind};
use scn_runtime::ir::{Condition, Expr, FixedModel, Model, Port, PortHandler, Solver, Trigger};
use scn_sema::scope::ItemRef;
use std::collections::HashMap;

fn solver_named(name: &str) -> Option<Solver> {
    Some(match name {
        "euler" => Solver::Euler,
        "rk4" => Solver::Rk4,
        "exact" => Solver::Exact,
        "exp_euler" => Solver::ExpEuler,
        "rush_larsen" => Solver::RushLarsen,
        "heun" => Solver::Heun,
        _ => return None,
    })
}

/// SI unit text of a declared type, for output files.
fn si_unit(ty: Option<&ast::Type>) -> String {
    let Some(t) = ty else { return String::new() };
    match &t.kind {
        ast::TypeKind::Named(n) => match scn_units::by_name(&n.name) {
            Some(d) if d.is_dimensionless() => String::new(),
            Some(d) => d.si_string(),
            None => String::new(),
        },
        ast::TypeKind::Unit(u) => scn_units::unit_value(u).map(|v| v.dim.si_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Whether a declared type is `int` or `bool` (an exact integer in a precision scope).
fn is_integer_type(ty: Option<&ast::Type>) -> bool {
    matches!(ty, Some(ast::Type { kind: ast::TypeKind::Named(n), .. }) if n.name == "int" || n.name == "bool")
}

/// The dimension of a declared quantity type (`None` when dimensionless or not a quantity).
fn dim_of(ty: Option<&ast::Type>) -> Option<scn_units::Dim> {
    let d = match &ty?.kind {
        ast::TypeKind::Named(n) => scn_units::by_name(&n.name)?,
        ast::TypeKind::Unit(u) => scn_units::unit_value(u).ok()?.dim,
        _ => return None,
    };
    if d.is_dimensionless() { None } else { Some(d) }
}

impl<'p> Lowerer<'p> {
    /// Lowers a neuron or synapse model once, returning its index.
    pub fn lower_model(&mut self, r: ItemRef) -> Result<usize, Diagnostic> {
        if let Some(&i) = self.models.get(&r) {
            return Ok(i);
        }
        let ItemKind::Model(model) = &self.item(r).kind else {
            return Err(unsupported(self.item(r).span, "this item as a model"));
        };
        let saved = self.module;
        self.module = r.module;
        let result = self.lower_model_body(model);
        self.module = saved;
        let (m, ctx, aliases) = result?;
        self.out_models.push(m);
        let idx = self.out_models.len() - 1;
        self.models.insert(r, idx);
        self.state_aliases.insert(idx, aliases);
        if let Some(ctx) = ctx {
            self.fixed_models.insert(idx, ctx);
        }
        Ok(idx)
    }

    /// Lowers a model's members; also returns the bare names of channel states and gates
    /// (`q` for `KCa.q`, `soma.m` for `soma.NaT.m`) with their slots.
    fn lower_model_body(&mut self, model: &'p ast::Model) -> Result<LoweredModel, Diagnostic> {
        let mut sc = Scope::new();
        // A `precision` member makes the whole model bit-true fixed point.
        for mem in &model.body.members {
            if let MemberKind::Precision(p) = &mem.kind {
                if model.kind == ModelKind::Synapse {
                    return Err(unsupported(mem.span, "fixed-point synapse models (`precision` in a synapse)"));
                }
                sc.fixed = Some(self.fixed_ctx(p, mem.span)?);
            }
        }
        let placed = placed_members(&model.body)?;
        let mut frames = Frames::default();
        let mut int_params = Vec::new();
        let mut int_states = Vec::new();
        let mut state_dims = Vec::new();
        let mut port_dims = Vec::new();
        let mut m = Model {
            name: model.name.name.clone(),
            params: Vec::new(),
            states: Vec::new(),
            state_units: Vec::new(),
            inputs: Vec::new(),
            param_init: Vec::new(),
            state_init: Vec::new(),
            odes: Vec::new(),
            gates: Vec::new(),
            nexts: Vec::new(),
            handlers: Vec::new(),
            conditions: Vec::new(),
            on_pre: Vec::new(),
            on_post: Vec::new(),
            invariants: Vec::new(),
            solver: Solver::Rk4,
            substeps: 1,
            locals: 0,
            draw_sites: 0,
            fixed: None,
        };
        let mut instances = Vec::new();
        // Slots first, so that every expression can refer to every member.
        for &(comp, mem) in &placed {
            match &mem.kind {
                MemberKind::Decl(d) => match d.kind {
                    DeclKind::Param => {
                        frames.bind(&mut sc, comp, &d.name.name, Slot::Param(m.params.len() as u16));
                        m.params.push(qualified(comp, &d.name.name));
                        int_params.push(is_integer_type(d.ty.as_ref()));
                    }
                    DeclKind::State => {
                        frames.bind(&mut sc, comp, &d.name.name, Slot::State(m.states.len() as u16));
                        m.states.push(qualified(comp, &d.name.name));
                        m.state_units.push(si_unit(d.ty.as_ref()));
                        int_states.push(is_integer_type(d.ty.as_ref()));
                        let dim = if is_integer_type(d.ty.as_ref()) { None } else { dim_of(d.ty.as_ref()) };
                        state_dims.push((dim, d.name.span));
                    }
                    DeclKind::Input => {
                        let spike = matches!(&d.ty, Some(ast::Type { kind: ast::TypeKind::Apply(n, _), .. }) if n.name == "spike");
                        let slot = m.inputs.len() as u16;
                        let s = if spike { Slot::SpikePort(slot) } else { Slot::Input(slot) };
                        frames.bind(&mut sc, comp, &d.name.name, s);
                        let default = match (&sc.fixed, &d.value) {
                            // In a precision scope, in the port's scaled units on the format's grid.
                            (Some(ctx), Some(v)) if !spike => {
                                let (r, dim) = scn_sema::value::eval(v, &crate::ModuleNames { lowerer: self }, 0)
                                    .and_then(|v| v.num())
                                    .ok_or_else(|| unsupported(v.span, "a port default that is not constant"))?;
                                match ctx.quantise(r, dim, v.span)? {
                                    Expr::Const(c) => c,
                                    _ => return Err(unsupported(v.span, "this port default")),
                                }
                            }
                            _ => d.value.as_ref().and_then(|v| self.const_value(v)).unwrap_or(0.0),
                        };
                        m.inputs.push(Port { name: qualified(comp, &d.name.name), spike, default });
                        let inner = match &d.ty {
                            Some(ast::Type { kind: ast::TypeKind::Apply(_, t), .. }) if spike => Some(t.as_ref()),
                            other => other.as_ref(),
                        };
                        port_dims.push((dim_of(inner), d.name.span));
                    }
                    DeclKind::Output => return Err(unsupported(mem.span, "neuron outputs")),
                },
                MemberKind::Let { name, value, .. } => frames.bind_local(&mut sc, comp, &name.name, Slot::Let(value)),
                MemberKind::Const(c) if sc.fixed.is_some() => {
                    let v = scn_sema::value::eval(&c.value, &crate::ModuleNames { lowerer: self }, 0)
                        .and_then(|v| v.num())
                        .ok_or_else(|| unsupported(c.value.span, "a member constant that is not a number"))?;
                    let ctx = sc.fixed.as_ref().expect("checked");
                    let v = ctx.quantise(v.0, v.1, c.value.span)?;
                    frames.bind_local(&mut sc, comp, &c.name.name, Slot::Value(v));
                }
                MemberKind::Const(c) => {
                    let v = self
                        .const_value(&c.value)
                        .ok_or_else(|| unsupported(c.value.span, "a member constant that is not a number"))?;
                    frames.bind_local(&mut sc, comp, &c.name.name, Slot::Value(Expr::Const(v)));
                }
                MemberKind::Use(_) | MemberKind::Gate { .. } | MemberKind::Current(_) if sc.fixed.is_some() => {
                    return Err(unsupported(mem.span, "ion channels in a fixed-point (`precision`) model"));
                }
                MemberKind::Use(items) => {
                    for u in items {
                        instances.push(self.channel_instance(comp, u)?);
                    }
                }
                MemberKind::Gate { .. } | MemberKind::Current(_) => {
                    return Err(unsupported(mem.span, "gates and currents outside a channel"));
                }
                MemberKind::Rng { .. } => return Err(unsupported(mem.span, "per-neuron number sources (`rng`)")),
                _ => {}
            }
        }
        // Channel parameters and states come after the neuron's own, so that their initial
        // values (a gate's steady state) see the neuron's parameters and initial voltage.
        for inst in &mut instances {
            for mem in &inst.chan.body.members {
                let (name, slot) = match &mem.kind {
                    MemberKind::Decl(d) if d.kind == DeclKind::Param => {
                        m.params.push(inst.qualified(&d.name.name));
                        int_params.push(false);
                        (&d.name, Slot::Param(m.params.len() as u16 - 1))
                    }
                    MemberKind::Decl(d) if d.kind == DeclKind::State => {
                        m.states.push(inst.qualified(&d.name.name));
                        m.state_units.push(si_unit(d.ty.as_ref()));
                        (&d.name, Slot::State(m.states.len() as u16 - 1))
                    }
                    MemberKind::Gate { name, .. } => {
                        m.states.push(inst.qualified(&name.name));
                        m.state_units.push(String::new());
                        (name, Slot::State(m.states.len() as u16 - 1))
                    }
                    _ => continue,
                };
                inst.slots.push((name.name.as_str(), slot.clone()));
                frames.bind(&mut sc, inst.comp, &format!("{}.{}", inst.name, name.name), slot);
            }
        }
        if model.kind == ModelKind::Synapse {
            sc.peer_fields = Some(Vec::new());
            sc.peer_base = m.inputs.len() as u16;
        }
        let aliases = frames.bind_unique_channel_states(&mut sc, &instances);
        // `CHANNEL.i` and `i_ion`, per compartment.
        let mut i_ion: Vec<(Option<&'p str>, Expr)> = Vec::new();
        for inst in &instances {
            let current = self.channel_current(&mut sc, &frames, inst)?;
            let entry = match i_ion.iter().position(|(c, _)| *c == inst.comp) {
                Some(k) => k,
                None => {
                    i_ion.push((inst.comp, Expr::Const(0.0)));
                    i_ion.len() - 1
                }
            };
            if let Some(i) = current {
                frames.bind_local(&mut sc, inst.comp, &format!("{}.i", inst.name), Slot::Value(i.clone()));
                let sum = std::mem::replace(&mut i_ion[entry].1, Expr::Const(0.0));
                i_ion[entry].1 = match sum {
                    Expr::Const(0.0) => i,
                    sum => Expr::Bin(scn_runtime::ir::BinOp::Add, Box::new(sum), Box::new(i)),
                };
            }
        }
        for (comp, sum) in i_ion {
            frames.bind_local(&mut sc, comp, "i_ion", Slot::Value(sum));
        }
        // Initial values, in declaration order (channel instances last, as their slots).
        for &(comp, mem) in &placed {
            if let MemberKind::Decl(d) = &mem.kind {
                let int_param = d.kind == DeclKind::Param && is_integer_type(d.ty.as_ref());
                let init = match &d.value {
                    // An `int` parameter of a precision model is an exact integer, not a value
                    // of the format.
                    Some(v) if int_param && sc.fixed.is_some() => {
                        let fixed = sc.fixed.take();
                        let e = self.in_comp(&mut sc, &frames, comp, |l, sc| l.expr(sc, v));
                        sc.fixed = fixed;
                        e?
                    }
                    Some(v) => self.in_comp(&mut sc, &frames, comp, |l, sc| l.expr(sc, v))?,
                    None if d.kind == DeclKind::Param => Expr::Const(f64::NAN),
                    None => Expr::Const(0.0),
                };
                match d.kind {
                    DeclKind::Param => m.param_init.push(init),
                    DeclKind::State => m.state_init.push(init),
                    _ => {}
                }
            }
        }
        for inst in &instances {
            let (params, states) = self.channel_inits(&mut sc, &frames, inst)?;
            m.param_init.extend(params);
            m.state_init.extend(states);
        }
        let mut explicit_solver = None;
        for &(comp, mem) in &placed {
            match &mem.kind {
                MemberKind::Ode { var, .. } if sc.fixed.is_some() => {
                    return Err(unsupported(
                        var.span,
                        "ODEs in a fixed-point (`precision`) model: only `next` updates are bit-true for now; write \
                         the update as `next x = …`",
                    ));
                }
                MemberKind::Ode { var, rhs, .. } => {
                    let Some(Slot::State(s)) = frames.lookup(&sc, comp, &var.name) else {
                        return Err(unsupported(var.span, "an ODE of a non-state"));
                    };
                    sc.in_ode = true;
                    let e = self.in_comp(&mut sc, &frames, comp, |l, sc| l.expr(sc, rhs));
                    sc.in_ode = false;
                    m.odes.push((s, e?));
                }
                MemberKind::Next { var, rhs } => {
                    let Some(Slot::State(s)) = frames.lookup(&sc, comp, &var.name) else {
                        return Err(unsupported(var.span, "`next` of a non-state"));
                    };
                    let e = self.in_comp(&mut sc, &frames, comp, |l, sc| l.expr(sc, rhs))?;
                    m.nexts.push((s, e));
                }
                MemberKind::On { trigger, body } => {
                    self.in_comp(&mut sc, &frames, comp, |l, sc| l.lower_on(sc, &mut m, model.kind, trigger, body))?
                }
                MemberKind::Invariant(e) => {
                    let e = self.in_comp(&mut sc, &frames, comp, |l, sc| l.expr(sc, e))?;
                    m.invariants.push(e);
                }
                MemberKind::Solver { name, substeps } => {
                    explicit_solver = solver_named(&name.name);
                    if let Some(s) = substeps {
                        m.substeps = self.const_value(s).map_or(1, |v| v.max(1.0) as u32);
                    }
                }
                MemberKind::Substeps(s) => m.substeps = self.const_value(s).map_or(1, |v| v.max(1.0) as u32),
                _ => {}
            }
        }
        for inst in &instances {
            self.channel_dynamics(&mut sc, &frames, inst, &mut m)?;
        }
        let structured = !instances.is_empty() || placed.iter().any(|(c, _)| c.is_some());
        m.solver = match explicit_solver {
            Some(s) => s,
            // Channels and compartments bring ODEs the linearity check does not see.
            None if structured => Solver::Rk4,
            None => {
                let states: Vec<&str> = m.odes.iter().map(|(s, _)| m.states[*s as usize].as_str()).collect();
                let lets = scn_sema::linear::lets_of(&model.body);
                let linear = model.body.members.iter().all(|mem| match &mem.kind {
                    MemberKind::Ode { rhs, .. } => scn_sema::linear::check(rhs, &states, &lets).is_ok(),
                    _ => true,
                });
                if linear && !m.odes.is_empty() { Solver::Exact } else { Solver::Rk4 }
            }
        };
        int_states.resize(m.states.len(), false);
        state_dims.resize(m.states.len(), (None, model.name.span));
        for field in sc.peer_fields.take().unwrap_or_default() {
            m.inputs.push(Port { name: field, spike: false, default: 0.0 });
            port_dims.push((None, model.name.span));
        }
        m.locals = sc.next_local;
        m.draw_sites = sc.next_site;
        let ctx = sc.fixed.take();
        if let Some(ctx) = &ctx {
            let scale = |(dim, span): &(Option<scn_units::Dim>, scn_diagnostics::Span)| match dim {
                None => Ok((1, 1)),
                Some(d) => {
                    let r = ctx.scale(*d).ok_or_else(|| {
                        unsupported(*span, &format!("{} inside `precision` without a `scale`", scn_units::describe(*d)))
                    })?;
                    match (i64::try_from(r.num()), i64::try_from(r.den())) {
                        (Ok(n), Ok(d)) => Ok((n, d)),
                        _ => Err(unsupported(*span, "a scale this extreme")),
                    }
                }
            };
            let state_scale = state_dims.iter().map(scale).collect::<Result<Vec<_>, _>>()?;
            let port_scale = port_dims.iter().map(scale).collect::<Result<Vec<_>, _>>()?;
            m.fixed = Some(FixedModel { spec: ctx.spec, int_params, int_states, state_scale, port_scale });
        }
        Ok((m, ctx, aliases))
    }

    fn lower_on(
        &mut self,
        sc: &mut Scope<'p>,
        m: &mut Model,
        kind: ModelKind,
        trigger: &'p ast::Expr,
        body: &'p ast::Block,
    ) -> Result<(), Diagnostic> {
        match &trigger.kind {
            ExprKind::Name(n) if kind == ModelKind::Synapse && (n.name == "pre" || n.name == "post") => {
                let stmts = self.stmts(sc, &body.stmts)?;
                if n.name == "pre" {
                    m.on_pre = stmts;
                } else {
                    m.on_post = stmts;
                }
            }
            ExprKind::Call(f, args) if matches!(&f.kind, ExprKind::Name(n) if n.name == "rise" || n.name == "fall") => {
                let ExprKind::Name(n) = &f.kind else { unreachable!() };
                let Some(Arg::Positional(c)) = args.first() else {
                    return Err(unsupported(trigger.span, "this trigger"));
                };
                let cond = self.expr(sc, c)?;
                let trigger = if n.name == "rise" { Trigger::Rise } else { Trigger::Fall };
                let body = self.stmts(sc, &body.stmts)?;
                m.conditions.push(Condition { trigger, cond, body });
            }
            ExprKind::Call(f, args) if matches!(&f.kind, ExprKind::Name(n) if matches!(sc.get(&n.name), Some(Slot::SpikePort(_)))) =>
            {
                let ExprKind::Name(n) = &f.kind else { unreachable!() };
                let Some(Slot::SpikePort(port)) = sc.get(&n.name).cloned() else { unreachable!() };
                let local = sc.local();
                sc.frames.push(Default::default());
                if let Some(Arg::Positional(ast::Expr { kind: ExprKind::Name(w), .. })) = args.first() {
                    sc.bind(&w.name, Slot::Local(local));
                }
                let body = self.stmts(sc, &body.stmts);
                sc.frames.pop();
                m.handlers.push(PortHandler { port, local, body: body? });
            }
            _ => {
                let cond = self.expr(sc, trigger)?;
                let body = self.stmts(sc, &body.stmts)?;
                m.conditions.push(Condition { trigger: Trigger::Level, cond, body });
            }
        }
        Ok(())
    }
}

/// The slot of a named member in a lowered model.
pub fn slot_of(m: &Model, name: &str) -> Option<(bool, u16)> {
    if let Some(i) = m.params.iter().position(|p| p == name) {
        return Some((true, i as u16));
    }
    m.states.iter().position(|s| s == name).map(|i| (false, i as u16))
}

/// The slot of a state by its qualified name (`soma.v`, `NaT.m`) or, for a channel state or
/// gate, by its bare name where unique (`m`, `soma.m`; `aliases` from the lowering).
pub fn state_named(m: &Model, aliases: Option<&HashMap<String, u16>>, name: &str) -> Option<u16> {
    match m.states.iter().position(|s| s == name) {
        Some(i) => Some(i as u16),
        None => aliases?.get(name).copied(),
    }
}

/// A spike port's slot.
pub fn port_of(m: &Model, name: &str) -> Option<(u16, bool)> {
    m.inputs.iter().position(|p| p.name == name).map(|i| (i as u16, m.inputs[i].spike))
}

/// A lowered model, its precision scope (if any) and the bare names of its channel states
/// and gates (`q` for `KCa.q`) with their slots.
type LoweredModel = (Model, Option<FixedCtx>, HashMap<String, u16>);

/// The name of a member in the lowered model: `v`, or `soma.v` inside compartment `soma`.
fn qualified(comp: Option<&str>, name: &str) -> String {
    match comp {
        Some(c) => format!("{c}.{name}"),
        None => name.to_string(),
    }
}

/// Every member of a model with the compartment it sits in, in declaration order
/// (compartments expanded where they are declared).
fn placed_members(body: &ast::Body) -> Result<Vec<(Option<&str>, &ast::Member)>, Diagnostic> {
    let mut out = Vec::new();
    for mem in &body.members {
        if let MemberKind::Compartment { name, body } = &mem.kind {
            for inner in &body.members {
                if matches!(inner.kind, MemberKind::Compartment { .. }) {
                    return Err(unsupported(inner.span, "a compartment inside a compartment"));
                }
                out.push((Some(name.name.as_str()), inner));
            }
        } else {
            out.push((None, mem));
        }
    }
    Ok(out)
}

/// The names of a neuron's compartments. The model's own frame (frame 0 of the [`Scope`])
/// holds its top-level members by bare name and every compartment's states, parameters and
/// inputs qualified (`dend.v`); each compartment's frame holds its members by bare name and is
/// pushed while that compartment's members are lowered.
#[derive(Default)]
pub struct Frames<'p> {
    comps: HashMap<String, HashMap<String, Slot<'p>>>,
}

impl<'p> Frames<'p> {
    /// Binds a member readable from other compartments by its qualified name.
    pub fn bind(&mut self, sc: &mut Scope<'p>, comp: Option<&str>, name: &str, slot: Slot<'p>) {
        if let Some(c) = comp {
            sc.frames[0].insert(format!("{c}.{name}"), slot.clone());
        }
        self.bind_local(sc, comp, name, slot);
    }

    /// Binds a member visible only inside its compartment (a `let`, `i_ion`).
    pub fn bind_local(&mut self, sc: &mut Scope<'p>, comp: Option<&str>, name: &str, slot: Slot<'p>) {
        match comp {
            Some(c) => {
                self.comps.entry(c.to_string()).or_default().insert(name.to_string(), slot);
            }
            None => {
                sc.frames[0].insert(name.to_string(), slot);
            }
        }
    }

    /// The meaning of a name in a compartment (or at the top level).
    pub fn lookup(&self, sc: &Scope<'p>, comp: Option<&str>, name: &str) -> Option<Slot<'p>> {
        comp.and_then(|c| self.comps.get(c)?.get(name).cloned()).or_else(|| sc.frames[0].get(name).cloned())
    }

    /// Binds each channel state and gate by its bare name (`m` for `NaT.m`) in the compartment
    /// that uses the channel, where no member of that compartment and no other channel used
    /// there has that name. Returns those names, qualified by compartment, with their slots.
    fn bind_unique_channel_states(
        &mut self,
        sc: &mut Scope<'p>,
        instances: &[crate::channels::Instance<'p>],
    ) -> HashMap<String, u16> {
        let mut aliases = HashMap::new();
        let mut seen: HashMap<(Option<&str>, &str), (usize, Slot<'p>)> = HashMap::new();
        for inst in instances {
            for (name, slot) in &inst.slots {
                if matches!(slot, Slot::State(_)) {
                    let e = seen.entry((inst.comp, *name)).or_insert((0, slot.clone()));
                    e.0 += 1;
                }
            }
        }
        for ((comp, name), (count, slot)) in seen {
            // As in the checker: a name the neuron or the compartment declares wins.
            let taken = sc.frames[0].contains_key(name)
                || comp.is_some_and(|c| self.comps.get(c).is_some_and(|f| f.contains_key(name)));
            if count == 1 && !taken {
                if let Slot::State(s) = slot {
                    aliases.insert(qualified(comp, name), s);
                }
                self.bind_local(sc, comp, name, slot);
            }
        }
        aliases
    }
}

impl<'p> Lowerer<'p> {
    /// Runs `f` with the frame of compartment `comp` pushed (nothing for the top level).
    pub fn in_comp<R>(
        &mut self,
        sc: &mut Scope<'p>,
        frames: &Frames<'p>,
        comp: Option<&str>,
        f: impl FnOnce(&mut Self, &mut Scope<'p>) -> R,
    ) -> R {
        let Some(c) = comp else { return f(self, sc) };
        sc.frames.push(frames.comps.get(c).cloned().unwrap_or_default());
        let r = f(self, sc);
        sc.frames.pop();
        r
    }
}
