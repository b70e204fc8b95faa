//! Ion channels (LANGUAGE §4 "Channels, gates, compartments"). Every `use` of a channel makes
//! an *instance* whose parameters, states and gates become slots of the using neuron, named
//! `CHANNEL.x` (`COMP.CHANNEL.x` inside compartment `COMP`). A channel's expressions are lowered
//! in the channel's own scope, where `v` is the voltage of the compartment that uses it and each
//! `input NAME` reads the member `NAME` of that compartment; its `current` becomes the named
//! value `CHANNEL.i`, and `i_ion` is the sum of the currents of the compartment's channels in
//! `use` order.

use crate::expr::{Scope, Slot};
use crate::model::Frames;
use crate::{Lowerer, unsupported};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, DeclKind, EntryKind, ItemKind, MemberKind, ModelKind};
use scn_runtime::ir::{BinOp, Expr, Gate, GateKinetics};
use scn_sema::scope::ItemRef;

/// One `use` of a channel.
pub struct Instance<'p> {
    /// The compartment that uses it (`None`: the neuron itself).
    pub comp: Option<&'p str>,
    /// The channel's name as used (`NaT`).
    pub name: &'p str,
    /// The channel item.
    pub item: ItemRef,
    /// Its declaration.
    pub chan: &'p ast::Model,
    /// The overrides written in the `use`.
    pub args: &'p [Arg],
    /// Where it is used.
    pub span: Span,
    /// Its parameters, states and gates by channel-local name, as slots of the neuron.
    pub slots: Vec<(&'p str, Slot<'p>)>,
}

impl Instance<'_> {
    /// The slot name of a channel member in the neuron: `NaT.m` or `soma.NaT.m`.
    pub fn qualified(&self, member: &str) -> String {
        match self.comp {
            Some(c) => format!("{c}.{}.{member}", self.name),
            None => format!("{}.{member}", self.name),
        }
    }
}

/// The `alpha`/`beta` or `inf`/`tau` expressions of a gate.
fn gate_entry<'p>(entries: &'p [ast::Entry], key: &str) -> Option<&'p ast::Expr> {
    entries.iter().find_map(|e| match &e.kind {
        EntryKind::Set(k, v) if k.name == key => Some(v),
        _ => None,
    })
}

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl<'p> Lowerer<'p> {
    /// Resolves one `use` item to a channel instance (slots are allocated later).
    pub fn channel_instance(&self, comp: Option<&'p str>, u: &'p ast::UseItem) -> Result<Instance<'p>, Diagnostic> {
        let r = self.resolve(&u.path).ok_or_else(|| unsupported(u.span, "this channel"))?;
        let ItemKind::Model(chan) = &self.item(r).kind else { return Err(unsupported(u.span, "this channel")) };
        if chan.kind != ModelKind::Channel {
            return Err(unsupported(u.span, "`use` of something other than a channel"));
        }
        let name = &u.path[u.path.len() - 1].name;
        Ok(Instance { comp, name, item: r, chan, args: &u.args, span: u.span, slots: Vec::new() })
    }

    /// Builds the scope a channel instance's expressions are lowered in.
    pub fn channel_scope(
        &mut self,
        sc: &mut Scope<'p>,
        frames: &Frames<'p>,
        inst: &Instance<'p>,
    ) -> Result<Scope<'p>, Diagnostic> {
        let mut cs = Scope::new();
        cs.next_site = sc.next_site;
        let using = frames.lookup(sc, inst.comp, "v");
        match using {
            Some(Slot::State(s)) => cs.bind("v", Slot::State(s)),
            // The checker reports a channel used where there is no `v` (E0111).
            _ => return Err(unsupported(inst.span, "a channel used where there is no state `v`")),
        }
        for (name, slot) in &inst.slots {
            cs.bind(name, slot.clone());
        }
        for mem in &inst.chan.body.members {
            match &mem.kind {
                MemberKind::Let { name, value, .. } => cs.bind(&name.name, Slot::Let(value)),
                MemberKind::Const(c) => {
                    let saved = self.module;
                    self.module = inst.item.module;
                    let v = self.const_value(&c.value);
                    self.module = saved;
                    let v = v.ok_or_else(|| unsupported(c.value.span, "a member constant that is not a number"))?;
                    cs.bind(&c.name.name, Slot::Value(Expr::Const(v)));
                }
                MemberKind::Decl(d) if d.kind == DeclKind::Input => {
                    let value = match frames.lookup(sc, inst.comp, &d.name.name) {
                        Some(Slot::Let(e)) => {
                            let v = self.in_comp(sc, frames, inst.comp, |l, sc| l.expr(sc, e))?;
                            Slot::Value(v)
                        }
                        Some(slot @ (Slot::State(_) | Slot::Param(_) | Slot::Input(_) | Slot::Value(_))) => slot,
                        // The checker reports a channel input its compartment lacks (E0111).
                        _ => return Err(unsupported(inst.span, "a channel input that its compartment lacks")),
                    };
                    cs.bind(&d.name.name, value);
                }
                _ => {}
            }
        }
        Ok(cs)
    }

    /// Lowers `e` in a channel instance's scope (and module).
    pub fn channel_expr(
        &mut self,
        sc: &mut Scope<'p>,
        cs: &mut Scope<'p>,
        inst: &Instance<'p>,
        e: &'p ast::Expr,
    ) -> Result<Expr, Diagnostic> {
        let saved = self.module;
        self.module = inst.item.module;
        cs.next_site = sc.next_site;
        let out = self.expr(cs, e);
        sc.next_site = cs.next_site;
        self.module = saved;
        out
    }

    /// The current of an instance (`None` for a channel without `current`, such as a pool).
    pub fn channel_current(
        &mut self,
        sc: &mut Scope<'p>,
        frames: &Frames<'p>,
        inst: &Instance<'p>,
    ) -> Result<Option<Expr>, Diagnostic> {
        let Some(e) = inst.chan.body.members.iter().find_map(|m| match &m.kind {
            MemberKind::Current(e) => Some(e),
            _ => None,
        }) else {
            return Ok(None);
        };
        let mut cs = self.channel_scope(sc, frames, inst)?;
        self.channel_expr(sc, &mut cs, inst, e).map(Some)
    }

    /// The initial values of an instance's parameters and states (gates at their steady state
    /// at the initial voltage), in slot order.
    pub fn channel_inits(
        &mut self,
        sc: &mut Scope<'p>,
        frames: &Frames<'p>,
        inst: &Instance<'p>,
    ) -> Result<(Vec<Expr>, Vec<Expr>), Diagnostic> {
        let mut cs = self.channel_scope(sc, frames, inst)?;
        let (mut params, mut states) = (Vec::new(), Vec::new());
        for mem in &inst.chan.body.members {
            let (name, default, is_param) = match &mem.kind {
                MemberKind::Decl(d) if d.kind == DeclKind::Param => (&d.name, d.value.as_ref(), true),
                MemberKind::Decl(d) if d.kind == DeclKind::State => (&d.name, d.value.as_ref(), false),
                MemberKind::Gate { name, entries } => {
                    states.push(self.gate_parts(sc, &mut cs, inst, name, entries)?.2);
                    continue;
                }
                _ => continue,
            };
            let set = inst.args.iter().find_map(|a| match a {
                Arg::Named(n, v) if n.name == name.name => Some(v),
                _ => None,
            });
            let init = match (set, default) {
                (Some(v), _) => self.in_comp(sc, frames, inst.comp, |l, sc| l.expr(sc, v))?,
                (None, Some(v)) => self.channel_expr(sc, &mut cs, inst, v)?,
                (None, None) if is_param => {
                    return Err(Diagnostic::error(
                        "E0703",
                        format!("parameter `{}` of channel `{}` has no value", name.name, inst.name),
                        inst.span,
                        "not set",
                    )
                    .with_help(format!("set it where the channel is used: `use {}({} = …)`", inst.name, name.name)));
                }
                (None, None) => Expr::Const(0.0),
            };
            if is_param { params.push(init) } else { states.push(init) }
        }
        Ok((params, states))
    }

    /// A gate's kinetics, its ODE (`a · (1 − x) − b · x` or `(inf − x) / tau`) and its steady
    /// state (`a / (a + b)` or `inf`), which is its initial value.
    fn gate_parts(
        &mut self,
        sc: &mut Scope<'p>,
        cs: &mut Scope<'p>,
        inst: &Instance<'p>,
        name: &ast::Ident,
        entries: &'p [ast::Entry],
    ) -> Result<(GateKinetics, Expr, Expr), Diagnostic> {
        let Some(Slot::State(x)) = cs.get(&name.name).cloned() else {
            return Err(unsupported(name.span, "this gate"));
        };
        let x = Expr::State(x);
        if let (Some(a), Some(bt)) = (gate_entry(entries, "alpha"), gate_entry(entries, "beta")) {
            let a = self.channel_expr(sc, cs, inst, a)?;
            let bt = self.channel_expr(sc, cs, inst, bt)?;
            let sum = Expr::Bin(BinOp::Add, b(a.clone()), b(bt.clone()));
            let inf = Expr::Bin(BinOp::Div, b(a.clone()), b(sum));
            let ode = Expr::Bin(
                BinOp::Sub,
                b(Expr::Bin(BinOp::Mul, b(a.clone()), b(Expr::Bin(BinOp::Sub, b(Expr::Const(1.0)), b(x.clone()))))),
                b(Expr::Bin(BinOp::Mul, b(bt.clone()), b(x))),
            );
            return Ok((GateKinetics::Rates { alpha: a, beta: bt }, ode, inf));
        }
        if let (Some(i), Some(t)) = (gate_entry(entries, "inf"), gate_entry(entries, "tau")) {
            let inf = self.channel_expr(sc, cs, inst, i)?;
            let tau = self.channel_expr(sc, cs, inst, t)?;
            let ode = Expr::Bin(BinOp::Div, b(Expr::Bin(BinOp::Sub, b(inf.clone()), b(x))), b(tau.clone()));
            return Ok((GateKinetics::Relaxation { inf: inf.clone(), tau }, ode, inf));
        }
        Err(unsupported(name.span, "a gate without `alpha` and `beta` or `inf` and `tau`"))
    }

    /// The ODEs, `next` updates and gates of an instance.
    pub fn channel_dynamics(
        &mut self,
        sc: &mut Scope<'p>,
        frames: &Frames<'p>,
        inst: &Instance<'p>,
        m: &mut scn_runtime::ir::Model,
    ) -> Result<(), Diagnostic> {
        let mut cs = self.channel_scope(sc, frames, inst)?;
        for mem in &inst.chan.body.members {
            match &mem.kind {
                MemberKind::Gate { name, entries } => {
                    let (kinetics, ode, _) = self.gate_parts(sc, &mut cs, inst, name, entries)?;
                    let Some(Slot::State(state)) = cs.get(&name.name).cloned() else {
                        return Err(unsupported(name.span, "this gate"));
                    };
                    m.odes.push((state, ode));
                    m.gates.push(Gate { state, kinetics });
                }
                MemberKind::Ode { var, rhs, .. } => {
                    let Some(Slot::State(s)) = cs.get(&var.name).cloned() else {
                        return Err(unsupported(var.span, "an ODE of a non-state"));
                    };
                    cs.in_ode = true;
                    let e = self.channel_expr(sc, &mut cs, inst, rhs);
                    cs.in_ode = false;
                    m.odes.push((s, e?));
                }
                MemberKind::Next { var, rhs } => {
                    let Some(Slot::State(s)) = cs.get(&var.name).cloned() else {
                        return Err(unsupported(var.span, "`next` of a non-state"));
                    };
                    let e = self.channel_expr(sc, &mut cs, inst, rhs)?;
                    m.nexts.push((s, e));
                }
                MemberKind::On { .. } => return Err(unsupported(mem.span, "handlers in a channel")),
                _ => {}
            }
        }
        Ok(())
    }
}
