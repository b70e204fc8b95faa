//! Properties: the network they watch, the forms of LANGUAGE §9, durations and check methods.

use crate::checker::{Checker, Cx, Flags};
use crate::env::{BindKind, Binding};
use crate::scope::Found;
use crate::ty::Ty;
use scn_diagnostics::Diagnostic;
use scn_grammar::ast::*;
use scn_units::{Dim, Rational};

/// Check methods.
pub const METHODS: &[&str] = &["sim", "bmc", "prove", "static", "cover"];

impl<'p> Checker<'p> {
    /// Checks one property item.
    pub fn check_property(&mut self, p: &'p Property) {
        let Some(r) = self.resolve_path(&p.network) else { return };
        let ItemKind::Network(net) = &self.item(r).kind else {
            let last = &p.network[p.network.len() - 1];
            self.report(
                Diagnostic::error(
                    "E0601",
                    format!("`{}` is not a network", last.name),
                    last.span,
                    "properties watch a network",
                )
                .with_help("write `property NAME for NETWORK { … }`"),
            );
            return;
        };
        let dt = net.body.members.iter().find_map(|m| match &m.kind {
            MemberKind::Setting { name, value } if name.name == "dt" => Some(value),
            _ => None,
        });
        let mut cx = Cx::new(Flags { property: true, clocked: dt.is_none(), ..Flags::default() });
        let saved = self.module;
        self.module = r.module;
        let before = self.diags.len();
        for m in &net.body.members {
            let (name, kind, ty, value) = match &m.kind {
                MemberKind::Pop { name, model, .. } => {
                    let ty = self
                        .resolve_path(model)
                        .and_then(|r| crate::scope::item_name(self.item(r)).map(|n| Ty::Population(n.name.clone())))
                        .unwrap_or(Ty::Error);
                    (name, BindKind::Population, ty, None)
                }
                MemberKind::Stream { name, .. } => (name, BindKind::Stream, Ty::Error, None),
                MemberKind::Setting { name, value } => (name, BindKind::Setting, Ty::Error, Some(value)),
                MemberKind::Const(c) => (&c.name, BindKind::Const, Ty::Error, Some(&c.value)),
                MemberKind::Decl(d) => (&d.name, BindKind::Output, Ty::Error, d.value.as_ref()),
                MemberKind::Connect { name: Some(n), .. } | MemberKind::Stimulus { name: Some(n), .. } => {
                    (n, BindKind::Projection, Ty::Error, None)
                }
                _ => continue,
            };
            cx.env.bind(&name.name, Binding { ty, kind, span: name.span, value });
        }
        self.diags.truncate(before);
        self.module = saved;
        let dt_value = dt.and_then(|v| self.const_value(&cx, v)).and_then(|v| v.num()).map(|(r, _)| r);
        for m in &p.body.members {
            match &m.kind {
                MemberKind::Check(check) => self.check_check(&mut cx, check, dt_value),
                MemberKind::Error => {}
                other => self.misplaced(m.span, other, "property"),
            }
        }
    }

    fn check_check(&mut self, cx: &mut Cx<'p>, check: &'p Check, dt: Option<Rational>) {
        match &check.prop {
            Prop::Expr(e) => {
                let t = self.expr(cx, e);
                self.expect_bool(&t, e);
            }
            Prop::Window { subject, length, bound, .. } => {
                self.expr(cx, subject);
                self.duration(cx, length, dt);
                let t = self.expr(cx, bound);
                if let Some(d) = t.dim()
                    && !d.is_dimensionless()
                    && d != Dim::FREQUENCY
                    && !t.is_error()
                {
                    self.mismatch_at(bound, Dim::FREQUENCY, d, "a window bound is a spike count or a rate");
                }
            }
            Prop::After { trigger, then, duration } => {
                for e in [trigger, then] {
                    let t = self.expr(cx, e);
                    self.expect_bool(&t, e);
                }
                self.duration(cx, duration, dt);
            }
            Prop::AtMost { subject, duration } => {
                let t = self.expr(cx, subject);
                self.expect_bool(&t, subject);
                self.duration(cx, duration, dt);
            }
            Prop::Within { event, duration, cause } | Prop::PrecededBy { event, cause, duration } => {
                for e in [event, cause] {
                    let t = self.expr(cx, e);
                    self.expect_bool(&t, e);
                }
                self.duration(cx, duration, dt);
            }
            Prop::InRange { subject, lo, hi } => {
                let s = self.expr(cx, subject);
                for b in [lo, hi] {
                    let t = self.expr(cx, b);
                    self.same_dim(&(subject, s.clone()), &(b, t), "a range check");
                }
            }
        }
        for m in &check.methods {
            match m.name.name.as_str() {
                "bmc" => {
                    let depth = m.args.as_ref().and_then(|a| {
                        a.iter().find_map(|x| match x {
                            Arg::Named(n, v) if n.name == "depth" => Some(v),
                            _ => None,
                        })
                    });
                    match depth.map(|d| (d, self.const_value(cx, d).and_then(|v| v.as_int()))) {
                        Some((_, Some(k))) if k > 0 => {}
                        Some((d, _)) => self.report(
                            Diagnostic::error(
                                "E0603",
                                "`bmc(depth = N)` needs a positive integer depth",
                                d.span,
                                "not a positive integer",
                            )
                            .with_help("write `@bmc(depth = 20)`"),
                        ),
                        None => self.report(
                            Diagnostic::error("E0603", "`bmc` needs a depth", m.span, "no depth")
                                .with_help("write `@bmc(depth = 20)`"),
                        ),
                    }
                }
                "sim" | "prove" | "static" | "cover" => {}
                other => {
                    let d = crate::hints::unknown("E0603", other, m.name.span, "check method", METHODS);
                    self.report(d);
                }
            }
        }
    }

    /// A window or deadline: steps or cycles, or a time that is a whole number of steps.
    fn duration(&mut self, cx: &mut Cx<'p>, e: &'p Expr, dt: Option<Rational>) {
        let t = self.expr(cx, e);
        let Some(d) = t.dim() else { return };
        if t.is_error() || d == Dim::STEPS {
            return;
        }
        if d != Dim::TIME {
            self.mismatch_at(e, Dim::TIME, d, "a window or deadline is a duration");
            return;
        }
        match dt {
            None => self.report(
                Diagnostic::error(
                    "E0602",
                    "the network is clocked, so durations are counted in cycles",
                    e.span,
                    "a physical time",
                )
                .with_help("write the duration in `cycles` or `steps`"),
            ),
            Some(dt) => {
                if let Some((x, _)) = self.const_value(cx, e).and_then(|v| v.num())
                    && let Some(s) = x.checked_div(dt)
                    && !s.is_integer()
                {
                    self.report(
                        Diagnostic::error(
                            "E0602",
                            format!("this duration is {} time steps, not a whole number", crate::value::decimal(s)),
                            e.span,
                            "not a multiple of dt",
                        )
                        .with_note(format!(
                            "dt is {} ms",
                            dt.checked_mul(scn_units::Rational::new(1000, 1).unwrap_or(scn_units::Rational::ONE))
                                .map_or_else(|| "?".into(), crate::value::decimal)
                        ))
                        .with_help("use a whole multiple of the network's `dt`"),
                    );
                }
            }
        }
    }
}

/// The type of a property-only function.
pub fn property_call<'p>(
    c: &mut Checker<'p>,
    cx: &mut Cx<'p>,
    f: &Ident,
    args: &'p [Arg],
    types: &[Ty],
    e: &'p Expr,
) -> Ty {
    let duration = if cx.flags.clocked { Ty::Real(Dim::STEPS) } else { Ty::Real(Dim::TIME) };
    let population_args = |c: &mut Checker<'p>| {
        for (a, t) in args.iter().zip(types) {
            if let Arg::Positional(x) = a
                && !t.is_error()
                && !matches!(t, Ty::Population(_))
            {
                c.report(
                    Diagnostic::error(
                        "E0604",
                        format!("`{}` takes populations, found {t}", f.name),
                        x.span,
                        "not a population",
                    )
                    .with_help("name populations declared with `pop` in the network"),
                );
            }
        }
    };
    match f.name.as_str() {
        "always" | "never" => {
            for (a, t) in args.iter().zip(types) {
                if let Arg::Positional(x) = a {
                    c.expect_bool(t, x);
                }
            }
            Ty::Bool
        }
        "refractory" | "separated" => {
            population_args(c);
            duration
        }
        "rate" => {
            population_args(c);
            if cx.flags.clocked { Ty::scalar() } else { Ty::Real(Dim::FREQUENCY) }
        }
        "count" | "active" => {
            population_args(c);
            Ty::Int
        }
        "exclusive" | "silent" => {
            population_args(c);
            Ty::Bool
        }
        "after" | "rise" | "no_overflow" => Ty::Bool,
        "spike" => {
            population_args(c);
            Ty::Bool
        }
        "stimulus" => {
            for a in args {
                if let Arg::Positional(Expr { kind: ExprKind::Name(n), .. }) = a
                    && !cx.env.get(&n.name).is_some_and(|b| b.kind == BindKind::Projection)
                    && !matches!(c.lookup(&n.name), Found::Item(_))
                {
                    c.report(
                        Diagnostic::error(
                            "E0604",
                            format!("no stimulus named `{}`", n.name),
                            n.span,
                            "unknown stimulus",
                        )
                        .with_help("name the stimulus in the network: `stimulus go = bits(s) -> n.x { … }`"),
                    );
                }
            }
            Ty::Bool
        }
        "prob" => Ty::Prob,
        "scc" => {
            // Two conditions on one step (the stream form is checked with the builtins).
            if c.arity(f, args, 2..=2, "scc(a, b)", e) {
                for (a, t) in args.iter().zip(types) {
                    if let Arg::Positional(x) = a {
                        c.expect_bool(t, x);
                    }
                }
            }
            Ty::scalar()
        }
        _ => {
            let _ = e;
            Ty::Error
        }
    }
}
