//! Built-in functions: their argument rules and result types.

use crate::checker::{Checker, Cx};
use crate::ty::{Encoding, SourceKind, Ty};
use scn_diagnostics::Diagnostic;
use scn_grammar::ast::{Arg, Expr, Ident};
use scn_units::Dim;

/// Every built-in function name, for suggestions and for the language server.
pub const BUILTINS: &[&str] = &[
    "exp",
    "log",
    "sqrt",
    "abs",
    "min",
    "max",
    "clip",
    "floor",
    "ceil",
    "round",
    "tanh",
    "atan",
    "tan",
    "sigmoid",
    "exprel",
    "boltz",
    "hill",
    "heaviside",
    "uniform",
    "normal",
    "lognormal",
    "bernoulli",
    "noise",
    "load",
    "encode",
    "encode_bipolar",
    "lfsr16",
    "sobol16",
    "halton2",
    "popcount",
    "decode",
    "xnor",
    "mux",
    "cordiv",
    "scc",
    "sum",
];

/// Property-only functions.
pub const PROPERTY_FUNCTIONS: &[&str] = &[
    "always",
    "never",
    "refractory",
    "rate",
    "count",
    "exclusive",
    "separated",
    "active",
    "after",
    "silent",
    "spike",
    "stimulus",
    "rise",
    "no_overflow",
    "prob",
    "scc",
];

fn positional(args: &[Arg]) -> Vec<&Expr> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        })
        .collect()
}

impl<'p> Checker<'p> {
    pub(crate) fn arity(
        &mut self,
        f: &Ident,
        args: &[Arg],
        want: std::ops::RangeInclusive<usize>,
        form: &str,
        e: &Expr,
    ) -> bool {
        if want.contains(&args.len()) {
            return true;
        }
        self.report(
            Diagnostic::error(
                "E0204",
                format!("`{}` takes {} argument(s), found {}", f.name, describe(&want), args.len()),
                e.span,
                "wrong number of arguments",
            )
            .with_help(format!("call it as `{form}`")),
        );
        false
    }

    fn dimensionless_arg(&mut self, f: &Ident, e: &Expr, t: &Ty) {
        if let Some(d) = t.dim()
            && !d.is_dimensionless()
        {
            self.report(
                Diagnostic::error(
                    "E0212",
                    format!("`{}` needs a dimensionless argument, found {}", f.name, scn_units::describe(d)),
                    e.span,
                    "has a dimension",
                )
                .with_help("divide by a reference value to make it dimensionless, e.g. `exp(-v / 10 mV)`"),
            );
        }
    }
}

fn describe(r: &std::ops::RangeInclusive<usize>) -> String {
    if r.start() == r.end() { r.start().to_string() } else { format!("{} to {}", r.start(), r.end()) }
}

/// The type of a call to a built-in (or an error for an unknown function).
pub fn call<'p>(c: &mut Checker<'p>, cx: &mut Cx<'p>, f: &Ident, args: &'p [Arg], e: &'p Expr) -> Ty {
    let name = f.name.as_str();
    match name {
        "lfsr16" => return c.source_type(cx, SourceKind::Lfsr16, args, e),
        "sobol16" => return c.source_type(cx, SourceKind::Sobol16, args, e),
        "halton2" => return c.source_type(cx, SourceKind::Halton2, args, e),
        "bernoulli" if args.iter().any(|a| matches!(a, Arg::Named(n, _) if n.name == "seed")) => {
            return c.source_type(cx, SourceKind::Bernoulli, args, e);
        }
        "encode" => return c.encode(cx, Encoding::Unipolar, args, e),
        "encode_bipolar" => return c.encode(cx, Encoding::Bipolar, args, e),
        "load" => {
            for a in args {
                if let Arg::Positional(x) = a {
                    let t = c.expr(cx, x);
                    if !t.is_error() && t != Ty::Str {
                        c.report(
                            Diagnostic::error(
                                "E0203",
                                format!("`load` takes a file name, found {t}"),
                                x.span,
                                "not a string",
                            )
                            .with_help("write `load(\"weights.csv\")`"),
                        );
                    }
                }
            }
            // The declared type of the receiving name says what the file holds.
            return Ty::Error;
        }
        _ => {}
    }
    // Evaluate every argument once.
    let mut types = Vec::new();
    for a in args {
        match a {
            Arg::Positional(x) | Arg::Named(_, x) => types.push(c.expr(cx, x)),
            Arg::Binder(_) => types.push(Ty::Int),
        }
    }
    let pos = positional(args);
    let pos_types: Vec<Ty> =
        args.iter().zip(&types).filter(|&(a, _t)| matches!(a, Arg::Positional(_))).map(|(_a, t)| t.clone()).collect();
    let any_error = types.iter().any(Ty::is_error);
    let same = |c: &mut Checker<'p>, what: &str| {
        for w in pos.iter().zip(&pos_types).collect::<Vec<_>>().windows(2) {
            c.same_dim(&(w[0].0, w[0].1.clone()), &(w[1].0, w[1].1.clone()), what);
        }
    };
    // In a property, `scc` of two conditions on one step (`spike(a)`, `stimulus(go)`) is the
    // correlation monitor of LANGUAGE §9; of two streams it is the stream builtin.
    if name == "scc" && cx.flags.property && pos_types.iter().any(|t| matches!(t, Ty::Bool)) {
        return crate::property::property_call(c, cx, f, args, &types, e);
    }
    match name {
        "exp" | "log" | "tanh" | "atan" | "tan" | "sigmoid" | "exprel" => {
            if c.arity(f, args, 1..=1, &format!("{name}(x)"), e) && !any_error {
                c.dimensionless_arg(f, pos[0], &pos_types[0]);
            }
            Ty::scalar()
        }
        "sqrt" => {
            if !c.arity(f, args, 1..=1, "sqrt(x)", e) || any_error {
                return Ty::Error;
            }
            pos_types[0].dim().and_then(|d| d.sqrt()).map(Ty::Real).unwrap_or(Ty::Error)
        }
        "abs" | "floor" | "ceil" | "round" => {
            if !c.arity(f, args, 1..=1, &format!("{name}(x)"), e) || any_error {
                return Ty::Error;
            }
            match &pos_types[0] {
                Ty::Int => Ty::Int,
                Ty::Prob => Ty::scalar(),
                t => t.clone(),
            }
        }
        "min" | "max" if args.iter().any(|a| matches!(a, Arg::Binder(_))) => reduction(c, cx, f, args, &types, e),
        "sum" => reduction(c, cx, f, args, &types, e),
        "min" | "max" => {
            if !c.arity(f, args, 2..=16, &format!("{name}(a, b)"), e) || any_error {
                return Ty::Error;
            }
            same(c, &format!("`{name}`"));
            pos_types[0].clone()
        }
        "clip" => {
            if !c.arity(f, args, 3..=3, "clip(x, lo, hi)", e) || any_error {
                return Ty::Error;
            }
            same(c, "`clip`");
            pos_types[0].clone()
        }
        "boltz" => {
            if c.arity(f, args, 3..=3, "boltz(x, x_half, k)", e) && !any_error {
                same(c, "`boltz`");
            }
            Ty::scalar()
        }
        "hill" => {
            if c.arity(f, args, 3..=3, "hill(x, k, n)", e) && !any_error {
                c.same_dim(&(pos[0], pos_types[0].clone()), &(pos[1], pos_types[1].clone()), "`hill`");
                c.dimensionless_arg(f, pos[2], &pos_types[2]);
            }
            Ty::scalar()
        }
        "heaviside" => {
            c.arity(f, args, 1..=1, "heaviside(x)", e);
            Ty::scalar()
        }
        "uniform" | "normal" => {
            if !c.arity(f, args, 2..=2, &format!("{name}(a, b)"), e) || any_error {
                return Ty::Error;
            }
            same(c, &format!("`{name}`"));
            match &pos_types[0] {
                Ty::Int | Ty::Prob => Ty::scalar(),
                t => t.clone(),
            }
        }
        "lognormal" => {
            if c.arity(f, args, 2..=2, "lognormal(mu, sigma)", e) && !any_error {
                for (x, t) in pos.iter().zip(&pos_types) {
                    c.dimensionless_arg(f, x, t);
                }
            }
            Ty::scalar()
        }
        "bernoulli" => {
            if c.arity(f, args, 1..=2, "bernoulli(p)", e) && !any_error {
                c.expect_assignable(&Ty::Prob, &pos_types[0], pos[0]);
            }
            Ty::Bool
        }
        "noise" => {
            if !cx.flags.ode {
                c.report(
                    Diagnostic::error(
                        "E0208",
                        "`noise` is a Wiener increment and only means something in an ODE",
                        e.span,
                        "outside an ODE",
                    )
                    .with_help("use it on the right side of `dX/dt = …`, or draw per step with `normal(mu, sigma)`"),
                );
                return Ty::Error;
            }
            if !c.arity(f, args, 1..=1, "noise(sigma)", e) || any_error {
                return Ty::Error;
            }
            // sigma [X / sqrt(time)] times white noise [1 / sqrt(time)] gives X / time.
            pos_types[0].dim().and_then(|d| d.checked_div(Dim::TIME.sqrt()?)).map(Ty::Real).unwrap_or(Ty::Error)
        }
        "popcount" => {
            if !c.arity(f, args, 1..=1, "popcount(s)", e) || any_error {
                return Ty::Error;
            }
            match &pos_types[0] {
                Ty::Bits { len, .. } => Ty::Count(*len),
                t => {
                    c.report(
                        Diagnostic::error(
                            "E0306",
                            format!("`popcount` counts the ones of a stream, found {t}"),
                            pos[0].span,
                            "not a stream",
                        )
                        .with_help("encode the value first: `popcount(encode(p, lfsr16(seed = 1), length = 256))`"),
                    );
                    Ty::Error
                }
            }
        }
        "decode" => {
            if !c.arity(f, args, 1..=1, "decode(c)", e) || any_error {
                return Ty::Error;
            }
            match &pos_types[0] {
                Ty::Count(_) => Ty::Prob,
                Ty::Bits { encoding: Encoding::Bipolar, .. } => Ty::Bipolar,
                Ty::Bits { .. } => Ty::Prob,
                t => {
                    c.report(
                        Diagnostic::error(
                            "E0306",
                            format!("`decode` takes a count or a stream, found {t}"),
                            pos[0].span,
                            "not a count",
                        )
                        .with_help("write `decode(popcount(s))`"),
                    );
                    Ty::Error
                }
            }
        }
        "xnor" | "cordiv" | "scc" => {
            if !c.arity(f, args, 2..=2, &format!("{name}(a, b)"), e) || any_error {
                return Ty::Error;
            }
            let (Ty::Bits { encoding, len: la, prov: pa }, Ty::Bits { len: lb, prov: pb, .. }) =
                (&pos_types[0], &pos_types[1])
            else {
                c.report(
                    Diagnostic::error(
                        "E0306",
                        format!("`{name}` takes two streams, found {} and {}", pos_types[0], pos_types[1]),
                        e.span,
                        "not streams",
                    )
                    .with_help("encode the operands as streams first"),
                );
                return Ty::Error;
            };
            c.check_lengths(*la, *lb, pos[0], pos[1]);
            match name {
                "xnor" => c.require_independent("`xnor` (bipolar multiplication)", pos[0], pa, pos[1], pb, e, cx),
                "cordiv" if pa.shared(pb).next().is_none() && !pa.roots.is_empty() && !pb.roots.is_empty() => c.report(
                    Diagnostic::error("E0307", "`cordiv` needs correlated operands from one source", e.span, "operands are independent")
                        .with_help("CORDIV computes a / b only when the dividend is nested in the divisor: encode both from the same source"),
                ),
                _ => {}
            }
            if name == "scc" {
                Ty::Real(Dim::DIMENSIONLESS)
            } else {
                Ty::Bits { encoding: *encoding, len: la.or(*lb), prov: pa.join(pb) }
            }
        }
        "mux" => {
            if !c.arity(f, args, 3..=3, "mux(sel, a, b)", e) || any_error {
                return Ty::Error;
            }
            let (
                Ty::Bits { prov: ps, len: ls, .. },
                Ty::Bits { encoding, prov: pa, len: la },
                Ty::Bits { prov: pb, len: lb, .. },
            ) = (&pos_types[0], &pos_types[1], &pos_types[2])
            else {
                c.report(
                    Diagnostic::error("E0306", "`mux` takes three streams", e.span, "not streams")
                        .with_help("write `mux(sel, a, b)` with `sel`, `a` and `b` all streams"),
                );
                return Ty::Error;
            };
            c.check_lengths(*ls, *la, pos[0], pos[1]);
            c.check_lengths(*la, *lb, pos[1], pos[2]);
            c.require_independent("the `mux` select and its first input", pos[0], ps, pos[1], pa, e, cx);
            c.require_independent("the `mux` select and its second input", pos[0], ps, pos[2], pb, e, cx);
            Ty::Bits { encoding: *encoding, len: la.or(*lb), prov: pa.join(pb).join(ps) }
        }
        _ if (cx.flags.property && PROPERTY_FUNCTIONS.contains(&name)) || name == "spike" => {
            crate::property::property_call(c, cx, f, args, &types, e)
        }
        _ => {
            let mut names: Vec<&str> = BUILTINS.to_vec();
            let visible = c.scopes[c.module].visible_names(&c.scopes);
            names.extend(visible);
            let d = crate::hints::unknown("E0205", name, f.span, "function", &names);
            c.report(d);
            Ty::Error
        }
    }
}

/// `sum(i in a..b, e)`, `max(i in a..b, e)`, `min(i in a..b, e)`.
fn reduction<'p>(c: &mut Checker<'p>, _cx: &mut Cx<'p>, f: &Ident, args: &'p [Arg], types: &[Ty], e: &'p Expr) -> Ty {
    let binders = args.iter().filter(|a| matches!(a, Arg::Binder(_))).count();
    if binders == 0 || args.len() != binders + 1 || !matches!(args.last(), Some(Arg::Positional(_))) {
        c.report(
            Diagnostic::error(
                "E0204",
                format!("`{}` over a range takes `{}(i in a..b, expression)`", f.name, f.name),
                e.span,
                "malformed reduction",
            )
            .with_help(format!("write `{}(i in 0..16, x[i])`", f.name)),
        );
        return Ty::Error;
    }
    match types.last() {
        Some(Ty::Count(_)) => Ty::Count(None),
        Some(Ty::Prob) => Ty::scalar(),
        Some(t) if t.is_numeric() => t.clone(),
        Some(Ty::Error) | None => Ty::Error,
        Some(t) => {
            c.report(
                Diagnostic::error("E0203", format!("`{}` adds up numbers, found {t}", f.name), e.span, "not a number")
                    .with_help("count a stream's ones with `popcount` before summing"),
            );
            Ty::Error
        }
    }
}
