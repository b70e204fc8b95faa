//! Lowers the checks of a `property` (LANGUAGE §9) to monitors over a lowered network:
//! populations, neurons, states and stimuli become indices, durations become whole steps
//! (a time is divided by the network's exact `dt`; a remainder is an error), bounds become
//! exact counts.

use crate::monitor::{Cmp, Form, Monitor, Pred, Role, Target};
use crate::names::RootNames;
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{
    Arg, BinOp, Check, CheckKind, CmpOp, Expr, ExprKind, ItemKind, MemberKind, Prop, Property, UnaryOp,
};
use scn_runtime::ir::{Network, Source};
use scn_sema::Analysis;
use scn_units::{Dim, Rational};

/// The monitors of every property of the root module that watches `net`.
pub fn lower_properties(analysis: &Analysis, net: &Network) -> Result<Vec<Monitor>, Diagnostic> {
    let module = &analysis.program.modules[0];
    let mut out = Vec::new();
    for item in &module.parsed.file.items {
        let ItemKind::Property(p) = &item.kind else { continue };
        if p.network.last().is_none_or(|n| n.name != net.name) {
            continue;
        }
        let cx = Lowering { analysis, net, dt: network_dt(analysis, &net.name), text: &module.source.text };
        for m in &p.body.members {
            if let MemberKind::Check(check) = &m.kind {
                out.push(cx.check(p, check, m.span)?);
            }
        }
    }
    Ok(out)
}

/// The exact `dt` of a network in seconds (`None` for a clocked network).
fn network_dt(analysis: &Analysis, name: &str) -> Option<Rational> {
    let module = &analysis.program.modules[0];
    module.parsed.file.items.iter().find_map(|i| match &i.kind {
        ItemKind::Network(n) if n.name.name == name => n.body.members.iter().find_map(|m| match &m.kind {
            MemberKind::Setting { name, value } if name.name == "dt" => {
                scn_sema::value::eval(value, &RootNames(analysis), 0).and_then(|v| v.num()).map(|(r, _)| r)
            }
            _ => None,
        }),
        _ => None,
    })
}

struct Lowering<'a> {
    analysis: &'a Analysis,
    net: &'a Network,
    dt: Option<Rational>,
    text: &'a str,
}

fn unsupported(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error("E0605", format!("this property cannot be monitored: {what}"), span, "not a monitorable form")
        .with_help("write one of the forms of LANGUAGE §9 over populations, neurons, states and stimuli of the network")
}

fn positional(args: &[Arg]) -> Vec<&Expr> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn cmp(op: CmpOp) -> Cmp {
    match op {
        CmpOp::Lt => Cmp::Lt,
        CmpOp::Le => Cmp::Le,
        CmpOp::Gt => Cmp::Gt,
        CmpOp::Ge => Cmp::Ge,
        CmpOp::Eq => Cmp::Eq,
        CmpOp::Ne => Cmp::Ne,
    }
}

/// `f(args…)` as a call of a named function.
fn call(e: &Expr) -> Option<(&str, &[Arg])> {
    let ExprKind::Call(f, args) = &strip(e).kind else { return None };
    let ExprKind::Name(n) = &f.kind else { return None };
    Some((n.name.as_str(), args))
}

fn strip(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(x) => strip(x),
        _ => e,
    }
}

impl Lowering<'_> {
    fn check(&self, p: &Property, check: &Check, span: Span) -> Result<Monitor, Diagnostic> {
        let role = match check.kind {
            CheckKind::Assert => Role::Assert,
            CheckKind::Assume => Role::Assume,
            CheckKind::Cover => Role::Cover,
        };
        let text = self.text.get(span.range()).unwrap_or("?").trim();
        let text = text.split(" @").next().unwrap_or(text).trim();
        let text = ["assert ", "assume ", "cover "]
            .iter()
            .find_map(|k| text.strip_prefix(k))
            .unwrap_or(text)
            .trim()
            .to_string();
        let depth = check.methods.iter().find(|m| m.name.name == "bmc").and_then(|m| {
            m.args.as_ref()?.iter().find_map(|a| match a {
                Arg::Named(n, v) if n.name == "depth" => {
                    self.constant(v).and_then(|(r, _)| u64::try_from(r.floor()).ok())
                }
                _ => None,
            })
        });
        Ok(Monitor {
            property: p.name.name.clone(),
            text,
            role,
            methods: check.methods.iter().map(|m| m.name.name.clone()).collect(),
            depth,
            form: self.form(&check.prop, span)?,
        })
    }

    fn constant(&self, e: &Expr) -> Option<(Rational, Dim)> {
        scn_sema::value::eval(e, &RootNames(self.analysis), 0).and_then(|v| v.num())
    }

    /// A window or deadline in whole steps.
    fn steps(&self, e: &Expr) -> Result<u64, Diagnostic> {
        let (v, d) = self.constant(e).ok_or_else(|| unsupported(e.span, "the duration is not a constant"))?;
        let steps = if d == Dim::STEPS {
            v
        } else if d == Dim::TIME {
            let dt = self.dt.ok_or_else(|| {
                Diagnostic::error(
                    "E0602",
                    "the network is clocked, so durations are counted in cycles",
                    e.span,
                    "a physical time",
                )
                .with_help("write the duration in `cycles` or `steps`")
            })?;
            v.checked_div(dt).ok_or_else(|| unsupported(e.span, "the duration is out of range"))?
        } else {
            return Err(unsupported(e.span, "a duration is a time, or steps or cycles"));
        };
        if !steps.is_integer() || steps.num() < 0 {
            return Err(Diagnostic::error(
                "E0602",
                format!("this duration is {} time steps, not a whole number", scn_sema::value::decimal(steps)),
                e.span,
                "not a multiple of dt",
            )
            .with_help("use a whole multiple of the network's `dt`"));
        }
        u64::try_from(steps.num()).map_err(|_| unsupported(e.span, "the duration is out of range"))
    }

    fn count(&self, e: &Expr) -> Result<u64, Diagnostic> {
        match self.constant(e) {
            Some((v, d)) if d.is_dimensionless() && v.is_integer() && v.num() >= 0 => {
                u64::try_from(v.num()).map_err(|_| unsupported(e.span, "the count is out of range"))
            }
            _ => Err(unsupported(e.span, "a bound here is a whole number")),
        }
    }

    fn real(&self, e: &Expr) -> Result<f64, Diagnostic> {
        self.constant(e).map(|(v, _)| v.to_f64()).ok_or_else(|| unsupported(e.span, "the bound is not a constant"))
    }

    fn pop(&self, name: &str, span: Span) -> Result<usize, Diagnostic> {
        self.net
            .populations
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| unsupported(span, &format!("`{name}` is not a population of `{}`", self.net.name)))
    }

    /// `P` or `P[i]`.
    fn target(&self, e: &Expr) -> Result<Target, Diagnostic> {
        match &strip(e).kind {
            ExprKind::Name(n) => Ok(Target { pop: self.pop(&n.name, n.span)?, neuron: None }),
            ExprKind::Index(base, i) => {
                let ExprKind::Name(n) = &strip(base).kind else {
                    return Err(unsupported(e.span, "a spike target is `P` or `P[i]`"));
                };
                let pop = self.pop(&n.name, n.span)?;
                let neuron = self.count(i)?;
                if neuron >= self.net.populations[pop].size {
                    return Err(unsupported(
                        i.span,
                        &format!("`{}` has {} neurons", n.name, self.net.populations[pop].size),
                    ));
                }
                Ok(Target { pop, neuron: Some(neuron) })
            }
            _ => Err(unsupported(e.span, "a spike target is `P` or `P[i]`")),
        }
    }

    fn targets(&self, args: &[Arg]) -> Result<Vec<Target>, Diagnostic> {
        positional(args).into_iter().map(|a| self.target(a)).collect()
    }

    fn one_target(&self, e: &Expr, args: &[Arg]) -> Result<Target, Diagnostic> {
        match positional(args).as_slice() {
            [one] => self.target(one),
            _ => Err(unsupported(e.span, "this form takes one population or neuron")),
        }
    }

    /// `P.x` or `P[i].x`: population, neuron, state.
    fn state(&self, e: &Expr) -> Result<(usize, Option<u64>, u16), Diagnostic> {
        let ExprKind::Field(base, field) = &strip(e).kind else {
            return Err(unsupported(e.span, "a state is written `P.x` or `P[i].x`"));
        };
        let t = self.target(base)?;
        let model = &self.net.models[self.net.populations[t.pop].model];
        let k = model.states.iter().position(|s| *s == field.name).ok_or_else(|| {
            unsupported(
                field.span,
                &format!("`{}` is not a state of `{}`", field.name, self.net.populations[t.pop].name),
            )
        })?;
        Ok((t.pop, t.neuron, k as u16))
    }

    fn stimulus(&self, args: &[Arg], span: Span) -> Result<usize, Diagnostic> {
        let [e] = positional(args)[..] else { return Err(unsupported(span, "`stimulus(NAME)` takes one name")) };
        let ExprKind::Name(n) = &strip(e).kind else {
            return Err(unsupported(span, "`stimulus(NAME)` takes one name"));
        };
        self.net
            .projections
            .iter()
            .position(|p| p.name == n.name && !matches!(p.source, Source::Population(_)))
            .ok_or_else(|| unsupported(n.span, &format!("`{}` is not a spiking stimulus of the network", n.name)))
    }

    /// A boolean condition on one step.
    fn pred(&self, e: &Expr) -> Result<Pred, Diagnostic> {
        let e = strip(e);
        if let Some((f, args)) = call(e) {
            return match f {
                "spike" => Ok(Pred::Spike(self.one_target(e, args)?)),
                "stimulus" => Ok(Pred::Stimulus(self.stimulus(args, e.span)?)),
                "rise" => match positional(args)[..] {
                    [x] => Ok(Pred::Rise(Box::new(self.pred(x)?))),
                    _ => Err(unsupported(e.span, "`rise(e)` takes one condition")),
                },
                _ => Err(unsupported(e.span, &format!("`{f}(…)` is not a condition on one step"))),
            };
        }
        match &e.kind {
            ExprKind::Bool(b) => Ok(Pred::Const(*b)),
            ExprKind::Unary(UnaryOp::Not, x) => Ok(Pred::Not(Box::new(self.pred(x)?))),
            ExprKind::Binary(BinOp::And, a, b) => Ok(Pred::And(Box::new(self.pred(a)?), Box::new(self.pred(b)?))),
            ExprKind::Binary(BinOp::Or, a, b) => Ok(Pred::Or(Box::new(self.pred(a)?), Box::new(self.pred(b)?))),
            ExprKind::Compare(first, rest) => {
                let mut left = first.as_ref();
                let mut all: Option<Pred> = None;
                for (op, right) in rest {
                    let p = self.state_compare(left, *op, right)?;
                    all = Some(match all {
                        Some(a) => Pred::And(Box::new(a), Box::new(p)),
                        None => p,
                    });
                    left = right;
                }
                all.ok_or_else(|| unsupported(e.span, "an empty comparison"))
            }
            _ => Err(unsupported(
                e.span,
                "a condition is built from comparisons of states with constants, `spike`, `stimulus`, `rise`, `and`, `or`, `not`",
            )),
        }
    }

    /// `P.x OP c` or `c OP P.x`.
    fn state_compare(&self, a: &Expr, op: CmpOp, b: &Expr) -> Result<Pred, Diagnostic> {
        let flip = |op: Cmp| match op {
            Cmp::Lt => Cmp::Gt,
            Cmp::Le => Cmp::Ge,
            Cmp::Gt => Cmp::Lt,
            Cmp::Ge => Cmp::Le,
            x => x,
        };
        let (st, c, op) = match self.state(a) {
            Ok(st) => (st, b, cmp(op)),
            Err(_) => (self.state(b)?, a, flip(cmp(op))),
        };
        let bound = self.real(c)?;
        Ok(Pred::State { pop: st.0, neuron: st.1, state: st.2, op, bound })
    }

    /// The population an `always` quantifies over: the one its unindexed states name.
    fn quantified(&self, p: &Pred, span: Span) -> Result<Option<usize>, Diagnostic> {
        fn walk(p: &Pred, out: &mut Vec<usize>) {
            match p {
                Pred::State { pop, neuron: None, .. } => out.push(*pop),
                Pred::Not(x) | Pred::Rise(x) => walk(x, out),
                Pred::And(a, b) | Pred::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                _ => {}
            }
        }
        let mut pops = Vec::new();
        walk(p, &mut pops);
        pops.dedup();
        match pops.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(unsupported(span, "unindexed states of two populations: index one of them (`P[i].x`)")),
        }
    }

    fn form(&self, prop: &Prop, span: Span) -> Result<Form, Diagnostic> {
        match prop {
            Prop::Expr(e) => self.expr_form(e),
            Prop::Window { subject, window, length, op, bound } => {
                let (f, args) = call(subject)
                    .ok_or_else(|| unsupported(subject.span, "a window counts `rate(P)` or `count(P…)`"))?;
                let per_neuron = match f {
                    "rate" => true,
                    "count" => false,
                    _ => return Err(unsupported(subject.span, "a window counts `rate(P)` or `count(P…)`")),
                };
                let targets = self.targets(args)?;
                let length = self.steps(length)?;
                if length == 0 {
                    return Err(unsupported(span, "a window of zero steps"));
                }
                let (k, d) =
                    self.constant(bound).ok_or_else(|| unsupported(bound.span, "the bound is not a constant"))?;
                let bound = if d == Dim::FREQUENCY {
                    let dt = self.dt.unwrap_or(Rational::ONE);
                    Rational::from_int(length as i64)
                        .checked_mul(dt)
                        .and_then(|t| t.checked_mul(k))
                        .ok_or_else(|| unsupported(span, "the bound is out of range"))?
                } else {
                    k
                };
                Ok(Form::Window {
                    targets,
                    per_neuron,
                    sliding: *window == scn_grammar::ast::WindowKind::Sliding,
                    length,
                    op: cmp(*op),
                    bound,
                })
            }
            Prop::After { trigger, then, duration } => {
                let trigger = match call(trigger) {
                    Some(("after", args)) if positional(args).len() == 1 => positional(args)[0],
                    _ => trigger,
                };
                let (Some(("active", targs)), Some(("silent", sargs))) = (
                    match &strip(trigger).kind {
                        ExprKind::Compare(a, rest) if matches!(rest.as_slice(), [(CmpOp::Ge, _)]) => call(a),
                        _ => None,
                    },
                    call(then),
                ) else {
                    return Err(unsupported(span, "write `after(active(P…) >= K) silent(Q…) for D`"));
                };
                let ExprKind::Compare(_, rest) = &strip(trigger).kind else {
                    return Err(unsupported(span, "no trigger"));
                };
                Ok(Form::SilentAfter {
                    trigger: self.targets(targs)?,
                    at_least: self.count(&rest[0].1)?,
                    silent: self.targets(sargs)?,
                    steps: self.steps(duration)?,
                })
            }
            Prop::AtMost { subject, duration } => match call(subject) {
                Some(("silent", args)) => {
                    Ok(Form::Inactivity { targets: self.targets(args)?, max: self.steps(duration)? })
                }
                _ => Err(unsupported(subject.span, "write `silent(P…) at_most D`")),
            },
            Prop::Within { event, duration, cause } => Ok(Form::Response {
                cause: self.pred(cause)?,
                response: self.pred(event)?,
                within: self.steps(duration)?,
            }),
            Prop::PrecededBy { event, cause, duration } => Ok(Form::Precedence {
                event: self.pred(event)?,
                cause: self.pred(cause)?,
                within: self.steps(duration)?,
            }),
            Prop::InRange { subject, lo, hi } => {
                let (lo, hi) = (self.real(lo)?, self.real(hi)?);
                match call(subject) {
                    Some(("prob", args)) => match positional(args)[..] {
                        [x] => Ok(Form::Prob { pred: self.pred(x)?, lo, hi }),
                        _ => Err(unsupported(subject.span, "`prob(e)` takes one event")),
                    },
                    Some(("scc", args)) => match positional(args)[..] {
                        [a, b] => {
                            let event = |x: &Expr| {
                                self.pred(x).map_err(|_| {
                                    unsupported(
                                        x.span,
                                        "`scc` is monitored between two conditions on one step (`spike(P[i])`, `stimulus(NAME)`, …), not between streams",
                                    )
                                })
                            };
                            Ok(Form::Scc { a: event(a)?, b: event(b)?, lo, hi })
                        }
                        _ => Err(unsupported(subject.span, "`scc(a, b)` takes two events")),
                    },
                    _ => Err(unsupported(subject.span, "a range check is on `prob(e)` or `scc(a, b)`")),
                }
            }
        }
    }

    /// The forms written as one boolean expression.
    fn expr_form(&self, e: &Expr) -> Result<Form, Diagnostic> {
        let e = strip(e);
        if let Some((f, args)) = call(e) {
            let arg = |e: &Expr| match positional(args)[..] {
                [x] => self.pred(x),
                _ => Err(unsupported(e.span, &format!("`{f}(e)` takes one condition"))),
            };
            return match f {
                "always" => self.always(arg(e)?, e.span),
                "never" => self.always(Pred::Not(Box::new(arg(e)?)), e.span),
                "exclusive" => Ok(Form::Exclusive { targets: self.targets(args)? }),
                "no_overflow" => match positional(args)[..] {
                    [x] => {
                        let (pop, neuron, state) = self.state(x)?;
                        if neuron.is_some() {
                            return Err(unsupported(x.span, "`no_overflow` watches a whole population: `P.x`"));
                        }
                        Ok(Form::NoOverflow { pop, state })
                    }
                    _ => Err(unsupported(e.span, "`no_overflow(P.x)` takes one state")),
                },
                _ => self.always(self.pred(e)?, e.span),
            };
        }
        if let ExprKind::Compare(first, rest) = &e.kind
            && let [(op, bound)] = rest.as_slice()
            && let Some((f, args)) = call(first)
        {
            match (f, op) {
                ("refractory", CmpOp::Ge) => {
                    return Ok(Form::Refractory { target: self.one_target(first, args)?, min: self.steps(bound)? });
                }
                ("separated", CmpOp::Gt) => {
                    let [a, b] = positional(args)[..] else {
                        return Err(unsupported(first.span, "`separated(A, B)` takes two targets"));
                    };
                    return Ok(Form::Separated { a: self.target(a)?, b: self.target(b)?, gap: self.steps(bound)? });
                }
                ("active", _) => {
                    return Ok(Form::Active { targets: self.targets(args)?, op: cmp(*op), bound: self.count(bound)? });
                }
                ("refractory" | "separated", _) => {
                    return Err(unsupported(e.span, "write `refractory(P) >= D` or `separated(A, B) > D`"));
                }
                _ => {}
            }
        }
        self.always(self.pred(e)?, e.span)
    }

    fn always(&self, pred: Pred, span: Span) -> Result<Form, Diagnostic> {
        let over = self.quantified(&pred, span)?.map(|p| (p, self.net.populations[p].size));
        Ok(Form::Always { pred, over })
    }
}
