//! Typing expressions: names, units and dimensions, streams and their correlation.

use crate::checker::{Checker, Cx};
use crate::env::BindKind;
use crate::scope::Found;
use crate::streams::{Obligation, StreamRef};
use crate::ty::{Encoding, Provenance, SourceKind, Ty};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{Arg, BinOp, Expr, ExprKind, ItemKind, UnaryOp};
use scn_units::{Dim, Rational};

/// Whether an expression is the literal zero, which SCN lets stand for zero of any dimension.
pub fn is_zero_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number(t) => crate::value::number(t).is_some_and(|r| r.is_zero()),
        ExprKind::Unary(UnaryOp::Neg, inner) | ExprKind::Paren(inner) => is_zero_literal(inner),
        _ => false,
    }
}

fn dim_name(d: Dim) -> String {
    scn_units::describe(d)
}

impl<'p> Checker<'p> {
    /// The type of an expression, reporting every error inside it once.
    pub fn expr(&mut self, cx: &mut Cx<'p>, e: &'p Expr) -> Ty {
        let ty = self.expr_kind(cx, e);
        self.tables.types.insert((self.module, e.span), ty.clone());
        ty
    }

    fn expr_kind(&mut self, cx: &mut Cx<'p>, e: &'p Expr) -> Ty {
        match &e.kind {
            ExprKind::Number(t) => {
                if t.contains(['.', 'e', 'E']) && !t.starts_with("0x") && !t.starts_with("0X") {
                    Ty::scalar()
                } else {
                    Ty::Int
                }
            }
            ExprKind::Quantity { value, unit } => match scn_units::quantity(value, unit) {
                Ok((_, u)) => {
                    // The first atom stands right after the number; only later ones (`2 ms*g`)
                    // are easily mistaken for a multiplication by a name.
                    for atom in unit.atoms.iter().skip(1) {
                        if let Some(b) = cx.env.get(&atom.name).filter(|b| b.kind != BindKind::Builtin) {
                            let (kind, decl) = (b.kind.noun(), b.span);
                            self.report(
                                Diagnostic::warning("W0101", format!("`{}` here is a unit, not the {kind} `{}`", atom.name, atom.name), e.span, "read as a unit")
                                    .with_label(decl, format!("the {kind} it shadows"))
                                    .with_help(format!("to use the {kind}, separate it with spaces: `{value} {}` reads `{}` as a unit, `x * {}` multiplies", unit, atom.name, atom.name)),
                            );
                        }
                    }
                    Ty::Real(u.dim)
                }
                Err(err) => {
                    self.report(
                        Diagnostic::error(
                            "E0004",
                            format!("quantity `{value} {unit}` cannot be held exactly"),
                            e.span,
                            err.to_string(),
                        )
                        .with_help("use a smaller number or a larger unit prefix"),
                    );
                    Ty::Error
                }
            },
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Name(n) => self.name(cx, &n.name, n.span),
            ExprKind::Paren(inner) => self.expr(cx, inner),
            ExprKind::Unary(op, inner) => {
                let t = self.expr(cx, inner);
                self.unary(*op, t, e.span)
            }
            ExprKind::Binary(op, a, b) => {
                let ta = self.expr(cx, a);
                let tb = self.expr(cx, b);
                self.binary(cx, *op, (a, ta), (b, tb), e)
            }
            ExprKind::Compare(first, rest) => {
                let mut left = (first.as_ref(), self.expr(cx, first));
                for (op, right) in rest {
                    let tr = self.expr(cx, right);
                    self.same_dim(&left, &(right, tr.clone()), &format!("`{}`", op.symbol()));
                    left = (right, tr);
                }
                Ty::Bool
            }
            ExprKind::Cast(inner, t) => {
                let from = self.expr(cx, inner);
                let to = self.resolve_type(t, cx);
                if !(from.is_error() || to.is_error() || (from.is_numeric() && to.is_numeric())) {
                    self.report(
                        Diagnostic::error(
                            "E0203",
                            format!("cannot cast {from} to {to}"),
                            e.span,
                            "not a numeric conversion",
                        )
                        .with_help("`as` converts between numeric types: reals, `int`, `prob` and fixed-point formats"),
                    );
                }
                if let (Some(df), Some(dt)) = (from.dim(), to.dim())
                    && df != dt
                    && !matches!(to, Ty::Fix { .. } | Ty::Int)
                {
                    self.report(
                        Diagnostic::error(
                            "E0201",
                            format!("cannot cast {} to {}", dim_name(df), dim_name(dt)),
                            e.span,
                            "a cast keeps the dimension",
                        )
                        .with_help("casts change the representation, not the dimension; divide by a unit to strip it"),
                    );
                }
                to
            }
            ExprKind::Call(callee, args) => self.call(cx, callee, args, e),
            ExprKind::Index(base, index) => self.index(cx, base, index, e),
            ExprKind::Field(base, field) => self.field(cx, base, field, e),
            ExprKind::If(c, a, b) => {
                let tc = self.expr(cx, c);
                self.expect_bool(&tc, c);
                let ta = self.expr(cx, a);
                let tb = self.expr(cx, b);
                self.same_dim(&(a.as_ref(), ta.clone()), &(b.as_ref(), tb.clone()), "the branches of `if`");
                if ta.is_error() { tb } else { ta }
            }
            ExprKind::Array(items) => {
                let mut elem = Ty::Error;
                for item in items {
                    let t = self.expr(cx, item);
                    if elem.is_error() {
                        elem = t;
                    } else if let (Some(d1), Some(d2)) = (elem.dim(), t.dim())
                        && d1 != d2
                    {
                        self.mismatch(item.span, d1, d2, "array elements must share a dimension");
                    }
                }
                Ty::Array(Box::new(elem), Some(items.len() as u64))
            }
            ExprKind::Range(a, b) => {
                let ta = self.expr(cx, a);
                let tb = self.expr(cx, b);
                for (t, x) in [(ta, a), (tb, b)] {
                    if !t.is_error() && t != Ty::Int {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                format!("a range bound must be an integer, found {t}"),
                                x.span,
                                "not an integer",
                            )
                            .with_help("ranges count elements: `0..16`"),
                        );
                    }
                }
                Ty::Int
            }
        }
    }

    /// The type of a name in scope.
    pub fn name(&mut self, cx: &mut Cx<'p>, name: &str, span: Span) -> Ty {
        if let Some(b) = cx.env.get(name) {
            if b.span != Span::default() {
                self.tables.references.insert((self.module, span), (self.module, b.span));
            }
            return b.ty.clone();
        }
        if cx.flags.synapse && matches!(name, "pre" | "post") {
            return Ty::Error;
        }
        if let Found::Item(r) = self.lookup(name)
            && let Some(n) = crate::scope::item_name(self.item(r))
        {
            self.tables.references.insert((self.module, span), (r.module, n.span));
        }
        match self.lookup(name) {
            Found::Item(r) => match &self.item(r).kind {
                ItemKind::Const(_) => self.const_type(r),
                ItemKind::Fn(_) => {
                    self.report(
                        Diagnostic::error("E0203", format!("function `{name}` is used as a value"), span, "a function")
                            .with_help(format!("call it: `{name}(…)`")),
                    );
                    Ty::Error
                }
                _ => {
                    self.report(
                        Diagnostic::error("E0203", format!("`{name}` is a model, not a value"), span, "not a value")
                            .with_help("instantiate models with `pop` in a network"),
                    );
                    Ty::Error
                }
            },
            Found::Ambiguous(hits) => {
                self.ambiguous(&scn_grammar::ast::Ident { name: name.to_string(), span }, &hits);
                Ty::Error
            }
            Found::Module(_) | Found::Missing => {
                let mut names: Vec<&str> = cx.env.names();
                let visible = self.scopes[self.module].visible_names(&self.scopes);
                names.extend(visible);
                let d = crate::hints::unknown("E0101", name, span, "name", &names);
                self.report(d);
                Ty::Error
            }
        }
    }

    fn unary(&mut self, op: UnaryOp, t: Ty, span: Span) -> Ty {
        match (op, &t) {
            (_, Ty::Error) => Ty::Error,
            (UnaryOp::Neg, t) if t.is_numeric() => match t {
                Ty::Prob | Ty::Count(_) => Ty::scalar(),
                t => t.clone(),
            },
            (UnaryOp::Not, Ty::Bool) => Ty::Bool,
            (UnaryOp::BitNot, Ty::Bits { encoding, len, prov }) => Ty::Bits {
                encoding: *encoding,
                len: *len,
                prov: Provenance { roots: prov.roots.clone(), negated: !prov.negated },
            },
            (UnaryOp::BitNot, Ty::Int) => Ty::Int,
            (UnaryOp::BitNot, Ty::Bool) => Ty::Bool,
            _ => {
                let (sym, want) = match op {
                    UnaryOp::Neg => ("-", "a number"),
                    UnaryOp::Not => ("not", "a truth value"),
                    UnaryOp::BitNot => ("!", "a stream or an integer"),
                };
                self.report(
                    Diagnostic::error("E0203", format!("`{sym}` cannot apply to {t}"), span, format!("needs {want}"))
                        .with_help(if op == UnaryOp::Not { "for streams use `!s`" } else { "check the operand" }),
                );
                Ty::Error
            }
        }
    }

    fn binary(&mut self, cx: &mut Cx<'p>, op: BinOp, a: (&'p Expr, Ty), b: (&'p Expr, Ty), e: &'p Expr) -> Ty {
        if a.1.is_error() || b.1.is_error() {
            return match op {
                BinOp::And | BinOp::Or => Ty::Bool,
                _ => Ty::Error,
            };
        }
        match op {
            BinOp::And | BinOp::Or => {
                self.expect_bool(&a.1, a.0);
                self.expect_bool(&b.1, b.0);
                Ty::Bool
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => match (&a.1, &b.1) {
                (Ty::Bits { .. }, Ty::Bits { .. }) => self.stream_op(cx, op, a, b, e),
                (Ty::Int, Ty::Int) => Ty::Int,
                (Ty::Bool, Ty::Bool) => Ty::Bool,
                (x, y) => {
                    self.report(
                        Diagnostic::error(
                            "E0306",
                            format!("`{}` needs two streams or two integers, found {x} and {y}", op.symbol()),
                            e.span,
                            "operands do not match",
                        )
                        .with_help("encode values as streams first: `encode(p, lfsr16(seed = …), length = L)`"),
                    );
                    Ty::Error
                }
            },
            BinOp::Add | BinOp::Sub | BinOp::Rem => {
                if !self.numeric(&a) || !self.numeric(&b) {
                    return Ty::Error;
                }
                self.same_dim(&a, &b, &format!("`{}`", op.symbol()));
                self.fix_mix(&a.1, &b.1, e.span);
                match (&a.1, &b.1) {
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (f @ Ty::Fix { .. }, _) | (_, f @ Ty::Fix { .. }) => f.clone(),
                    _ => {
                        let d = if is_zero_literal(a.0) { b.1.dim() } else { a.1.dim() };
                        Ty::Real(d.unwrap_or(Dim::DIMENSIONLESS))
                    }
                }
            }
            BinOp::Mul | BinOp::Div => {
                if !self.numeric(&a) || !self.numeric(&b) {
                    return Ty::Error;
                }
                self.fix_mix(&a.1, &b.1, e.span);
                let (da, db) = (a.1.dim().unwrap_or(Dim::DIMENSIONLESS), b.1.dim().unwrap_or(Dim::DIMENSIONLESS));
                let d = if op == BinOp::Mul { da.checked_mul(db) } else { da.checked_div(db) };
                match (&a.1, &b.1, op) {
                    (Ty::Int, Ty::Int, BinOp::Mul) => Ty::Int,
                    (f @ Ty::Fix { .. }, _, _) | (_, f @ Ty::Fix { .. }, _) => f.clone(),
                    _ => Ty::Real(d.unwrap_or(Dim::DIMENSIONLESS)),
                }
            }
            BinOp::Pow => {
                if !self.numeric(&a) || !self.numeric(&b) {
                    return Ty::Error;
                }
                let da = a.1.dim().unwrap_or(Dim::DIMENSIONLESS);
                if let Some(db) = b.1.dim()
                    && !db.is_dimensionless()
                {
                    self.report(
                        Diagnostic::error(
                            "E0206",
                            format!("an exponent must be dimensionless, found {}", dim_name(db)),
                            b.0.span,
                            "has a dimension",
                        )
                        .with_help("divide by a unit to make it a pure number"),
                    );
                    return Ty::Error;
                }
                if da.is_dimensionless() {
                    return if matches!(a.1, Ty::Int) && matches!(b.1, Ty::Int) { Ty::Int } else { Ty::scalar() };
                }
                match self.const_value(cx, b.0).and_then(|v| v.num()) {
                    Some((r, _)) => match scn_units::Exponent::from_rational(r).and_then(|_| da.pow(r)) {
                        Some(d) => Ty::Real(d),
                        None => Ty::Error,
                    },
                    None => {
                        self.report(
                            Diagnostic::error(
                                "E0206",
                                format!("{} raised to a power that is not constant", dim_name(da)),
                                b.0.span,
                                "the dimension of the result would depend on this value",
                            )
                            .with_help("use a constant exponent, or make the base dimensionless first"),
                        );
                        Ty::Error
                    }
                }
            }
            BinOp::Shl | BinOp::Shr => {
                if !self.numeric(&a) {
                    return Ty::Error;
                }
                if !matches!(b.1, Ty::Int) {
                    self.report(
                        Diagnostic::error(
                            "E0203",
                            format!("a shift amount must be an integer, found {}", b.1),
                            b.0.span,
                            "not an integer",
                        )
                        .with_help("shift by an `int` parameter or an integer literal"),
                    );
                }
                a.1
            }
        }
    }

    fn numeric(&mut self, (e, t): &(&'p Expr, Ty)) -> bool {
        if t.is_numeric() {
            return true;
        }
        self.report(
            Diagnostic::error("E0203", format!("expected a number, found {t}"), e.span, "not a number").with_help(
                match t {
                    Ty::Bits { .. } => "a stream becomes a number through `popcount(s)` or `decode(popcount(s))`",
                    Ty::Bool => "turn a condition into a number with `if c { 1 } else { 0 }`",
                    _ => "arithmetic works on quantities, integers, probabilities and fixed-point values",
                },
            ),
        );
        false
    }

    /// Outside a precision scope, two different fixed-point formats need an explicit `as`.
    fn fix_mix(&mut self, a: &Ty, b: &Ty, span: Span) {
        if let (Ty::Fix { .. }, Ty::Fix { .. }) = (a, b)
            && a != b
        {
            self.report(
                Diagnostic::error(
                    "E0404",
                    format!("mixing {a} and {b} needs an explicit cast"),
                    span,
                    "two fixed-point formats",
                )
                .with_help(format!("convert one side: `(x as {a})`")),
            );
        }
    }

    /// Reports operands of different dimensions (a literal zero matches any dimension).
    pub fn same_dim(&mut self, a: &(&'p Expr, Ty), b: &(&'p Expr, Ty), what: &str) -> bool {
        let (Some(da), Some(db)) = (a.1.dim(), b.1.dim()) else {
            return true;
        };
        if da == db || is_zero_literal(a.0) || is_zero_literal(b.0) {
            return true;
        }
        self.report(
            Diagnostic::error(
                "E0201",
                format!("dimension mismatch in {what}: {} and {}", dim_name(da), dim_name(db)),
                b.0.span,
                format!("this is {}", dim_name(db)),
            )
            .with_label(a.0.span, format!("this is {}", dim_name(da)))
            .with_help(
                bare_number_help(b.0, da, db)
                    .or_else(|| bare_number_help(a.0, db, da))
                    .unwrap_or_else(|| unit_help(da, db)),
            ),
        );
        false
    }

    /// Reports `found` where `expected` is required, for the expression `e` (a bare number
    /// gets a hint to write its unit).
    pub fn mismatch_at(&mut self, e: &Expr, expected: Dim, found: Dim, context: &str) {
        self.report(
            Diagnostic::error(
                "E0201",
                format!("expected {}, found {}", dim_name(expected), dim_name(found)),
                e.span,
                format!("this is {}", dim_name(found)),
            )
            .with_note(context.to_string())
            .with_help(bare_number_help(e, expected, found).unwrap_or_else(|| unit_help(expected, found))),
        );
    }

    /// Reports `found` where `expected` is required.
    pub fn mismatch(&mut self, span: Span, expected: Dim, found: Dim, context: &str) {
        self.report(
            Diagnostic::error(
                "E0201",
                format!("expected {}, found {}", dim_name(expected), dim_name(found)),
                span,
                format!("this is {}", dim_name(found)),
            )
            .with_note(context.to_string())
            .with_help(unit_help(expected, found)),
        );
    }

    /// Requires a truth value.
    pub fn expect_bool(&mut self, t: &Ty, e: &Expr) {
        if !t.is_error() && *t != Ty::Bool {
            self.report(
                Diagnostic::error("E0203", format!("expected a condition, found {t}"), e.span, "not a truth value")
                    .with_help("compare it: `v >= v_th`"),
            );
        }
    }

    /// Checks that a value of type `found` (from `e`) may be stored where `declared` is
    /// required.
    pub fn expect_assignable(&mut self, declared: &Ty, found: &Ty, e: &Expr) {
        if declared.is_error() || found.is_error() {
            return;
        }
        match (declared, found) {
            (Ty::Array(d, dn), Ty::Array(f, fnn)) => {
                if let (Some(a), Some(b)) = (dn, fnn)
                    && a != b
                {
                    self.report(
                        Diagnostic::error(
                            "E0203",
                            format!("expected {a} elements, found {b}"),
                            e.span,
                            format!("{b} elements"),
                        )
                        .with_help("the array literal must have as many elements as the declared length"),
                    );
                    return;
                }
                self.expect_assignable(d, f, e);
            }
            (Ty::Bool, Ty::Bool) | (Ty::Str, Ty::Str) => {}
            (Ty::Int, Ty::Int) => {}
            (Ty::Int, t) if t.is_numeric() => {
                if t.dim().is_some_and(|d| !d.is_dimensionless()) {
                    self.mismatch_at(
                        e,
                        Dim::DIMENSIONLESS,
                        t.dim().unwrap_or(Dim::DIMENSIONLESS),
                        "an `int` is a pure number",
                    );
                } else {
                    self.report(
                        Diagnostic::error("E0203", format!("expected an integer, found {t}"), e.span, "not an integer")
                            .with_help("write a whole number, or convert with `round(x) as int`"),
                    );
                }
            }
            (Ty::Bits { len: Some(a), .. }, Ty::Bits { len: Some(b), .. }) if a != b => {
                self.report(
                    Diagnostic::error(
                        "E0303",
                        format!("stream length mismatch: declared {a} bits, found {b}"),
                        e.span,
                        format!("{b} bits"),
                    )
                    .with_help("give the stream the declared `length`"),
                );
            }
            (Ty::Bits { .. }, Ty::Bits { .. }) => {}
            (d, f) if d.is_numeric() && f.is_numeric() => {
                let (dd, fd) = (d.dim().unwrap_or(Dim::DIMENSIONLESS), f.dim().unwrap_or(Dim::DIMENSIONLESS));
                if dd != fd && !is_zero_literal(e) {
                    self.mismatch_at(e, dd, fd, &format!("the declared type is {d}"));
                }
            }
            (d, f) => {
                self.report(
                    Diagnostic::error("E0203", format!("expected {d}, found {f}"), e.span, format!("this is {f}"))
                        .with_help("change the value or the declared type"),
                );
            }
        }
    }

    fn index(&mut self, cx: &mut Cx<'p>, base: &'p Expr, index: &'p Expr, e: &'p Expr) -> Ty {
        let tb = self.expr(cx, base);
        let ti = self.expr(cx, index);
        let is_range = matches!(index.kind, ExprKind::Range(..));
        if !ti.is_error() && ti != Ty::Int {
            self.report(
                Diagnostic::error(
                    "E0203",
                    format!("an index must be an integer, found {ti}"),
                    index.span,
                    "not an integer",
                )
                .with_help("index with an integer, a binder such as `i`, or a range `a..b`"),
            );
        }
        match tb {
            Ty::Error => Ty::Error,
            Ty::Population(m) => Ty::Population(m),
            Ty::Array(elem, len) => {
                if let (Some(len), Some(i)) = (len, self.const_value(cx, index).and_then(|v| v.as_int()))
                    && (i < 0 || i as u64 >= len)
                {
                    self.report(
                        Diagnostic::error(
                            "E0203",
                            format!("index {i} is out of bounds for length {len}"),
                            index.span,
                            "out of bounds",
                        )
                        .with_help(format!("valid indices are 0..{len}")),
                    );
                }
                if is_range { Ty::Array(elem, None) } else { *elem }
            }
            other => {
                self.report(
                    Diagnostic::error(
                        "E0203",
                        format!("{other} cannot be indexed"),
                        e.span,
                        "not an array or population",
                    )
                    .with_help("only arrays, indexed streams and populations take `[…]`"),
                );
                Ty::Error
            }
        }
    }

    fn field(&mut self, cx: &mut Cx<'p>, base: &'p Expr, field: &scn_grammar::ast::Ident, e: &'p Expr) -> Ty {
        // `dend.v`, `NaT.m`, `soma.NaT.i`: members of compartments and channel instances,
        // bound by their qualified names.
        if let Some(path) = dotted(e)
            && cx.env.get(&path).is_some()
        {
            return self.name(cx, &path, field.span);
        }
        // `soma.u`, `NaT.x`: a compartment or a used channel without that member.
        if let Some(path) = dotted(base)
            && (cx.env.get(&path).is_some_and(|b| b.kind == BindKind::Compartment)
                || cx.env.names().iter().any(|n| n.strip_prefix(path.as_str()).is_some_and(|r| r.starts_with('.'))))
        {
            let prefix = format!("{path}.");
            let names: Vec<&str> = cx.env.names().into_iter().filter_map(|n| n.strip_prefix(prefix.as_str())).collect();
            let d = crate::hints::unknown("E0106", &field.name, field.span, &format!("member of `{path}`"), &names);
            self.report(d);
            return Ty::Error;
        }
        // `cell.soma.v`, `cell[0..4].NaT.m`: a member of a compartment or channel of a population.
        if let ExprKind::Field(..) = &base.kind
            && let (root, path) = member_path(e)
            && dotted(base).is_none_or(|p| cx.env.get(&p).is_none())
            && let Some(pop) = match &root.kind {
                ExprKind::Index(b, _) => dotted(b),
                _ => dotted(root),
            }
            && cx.env.get(&pop).is_some_and(|b| b.kind == BindKind::Population)
            && let Ty::Population(model) = self.expr(cx, root)
        {
            let Some(r) = self.population_model(&model) else { return Ty::Error };
            let Some(info) = self.model_info(r) else { return Ty::Error };
            if let Some(m) = info.members.get(&path) {
                return m.ty.clone();
            }
            let names = info.names_of(&[BindKind::State, BindKind::Param, BindKind::Input]);
            let d = crate::hints::unknown("E0106", &path, field.span, &format!("member of `{model}`"), &names);
            self.report(d);
            return Ty::Error;
        }
        // `alias.item` for module aliases.
        if let ExprKind::Name(n) = &base.kind
            && cx.env.get(&n.name).is_none()
            && let Found::Module(m) = self.lookup(&n.name)
        {
            return match self.scopes[m].defined.get(&field.name).copied() {
                Some(r) if matches!(self.item(r).kind, ItemKind::Const(_)) => self.const_type(r),
                _ => {
                    let known: Vec<&str> = self.scopes[m].defined.keys().map(String::as_str).collect();
                    let d = crate::hints::unknown("E0101", &field.name, field.span, "constant", &known);
                    self.report(d);
                    Ty::Error
                }
            };
        }
        match self.expr(cx, base) {
            Ty::Error => Ty::Error,
            Ty::Population(model) => {
                let Some(r) = self.population_model(&model) else { return Ty::Error };
                let Some(info) = self.model_info(r) else { return Ty::Error };
                match info.members.get(&field.name) {
                    Some(m) => m.ty.clone(),
                    None => {
                        let names = info.names_of(&[
                            BindKind::State,
                            BindKind::Param,
                            BindKind::Input,
                            BindKind::Output,
                            BindKind::Let,
                        ]);
                        let d = crate::hints::unknown(
                            "E0106",
                            &field.name,
                            field.span,
                            &format!("member of `{model}`"),
                            &names,
                        );
                        self.report(d);
                        Ty::Error
                    }
                }
            }
            other => {
                self.report(
                    Diagnostic::error("E0203", format!("{other} has no fields"), field.span, "no field here")
                        .with_help("fields belong to populations (`exc.v`), compartments and `pre`/`post` in synapses"),
                );
                Ty::Error
            }
        }
    }

    fn stream_op(&mut self, cx: &mut Cx<'p>, op: BinOp, a: (&'p Expr, Ty), b: (&'p Expr, Ty), e: &'p Expr) -> Ty {
        let (Ty::Bits { encoding: ea, len: la, prov: pa }, Ty::Bits { encoding: eb, len: lb, prov: pb }) = (&a.1, &b.1)
        else {
            return Ty::Error;
        };
        self.check_lengths(*la, *lb, a.0, b.0);
        if ea != eb {
            self.report(
                Diagnostic::error(
                    "E0306",
                    "a unipolar and a bipolar stream cannot be combined",
                    e.span,
                    "encodings differ",
                )
                .with_help("encode both operands the same way"),
            );
        }
        match op {
            BinOp::BitAnd => self.require_independent("`&` (multiplication)", a.0, pa, b.0, pb, e, cx),
            BinOp::BitXor => {
                if pa.shared(pb).next().is_none() && !pa.roots.is_empty() && !pb.roots.is_empty() {
                    self.report(
                        Diagnostic::warning("W0301", "`^` of independent streams does not compute |p - q|", e.span, "operands come from different sources")
                            .with_help("XOR is the absolute difference only for streams encoded from the same source (same seed); give both the same source"),
                    );
                }
            }
            _ => {
                if pa.shared(pb).next().is_some() && !(pa.negated ^ pb.negated) {
                    self.report(
                        Diagnostic::warning(
                            "W0302",
                            "`|` of positively correlated streams is max(p, q), not a saturating sum",
                            e.span,
                            "same source",
                        )
                        .with_help(
                            "a saturating add p + q needs anti-correlated operands, e.g. `a | !b` from one source",
                        ),
                    );
                }
            }
        }
        Ty::Bits { encoding: *ea, len: la.or(*lb), prov: pa.join(pb) }
    }

    /// AND, XNOR and a MUX select need operands with no common source.
    #[allow(clippy::too_many_arguments)]
    pub fn require_independent(
        &mut self,
        what: &str,
        ea: &'p Expr,
        pa: &Provenance,
        eb: &'p Expr,
        pb: &Provenance,
        at: &Expr,
        cx: &mut Cx<'p>,
    ) {
        if let Some((kind, seed)) = pa.shared(pb).next() {
            let seed = seed.map(|s| format!(" 0x{s:04X}")).unwrap_or_default();
            self.report(
                Diagnostic::error(
                    "E0301",
                    format!("correlated operands for {what}: both come from {}{seed}", kind.name()),
                    at.span,
                    "operands share a source",
                )
                .with_label(ea.span, "this stream")
                .with_label(eb.span, "and this one use the same source")
                .with_help("give one of the two streams its own seed, so that they are independent"),
            );
            return;
        }
        // Indexed streams: record the requirement for every index combination.
        if let (Some(ra), Some(rb)) = (StreamRef::of(ea), StreamRef::of(eb)) {
            let binders = cx.binders.iter().map(|(n, r)| (n.clone(), (*r).clone())).collect();
            cx.obligations.push(Obligation { a: ra, b: rb, binders, span: at.span, what: what.to_string() });
        }
    }

    /// Equal stream lengths.
    pub fn check_lengths(&mut self, la: Option<u64>, lb: Option<u64>, a: &Expr, b: &Expr) {
        if let (Some(x), Some(y)) = (la, lb)
            && x != y
        {
            self.report(
                Diagnostic::error(
                    "E0303",
                    format!("stream length mismatch: {x} and {y} bits"),
                    b.span,
                    format!("{y} bits"),
                )
                .with_label(a.span, format!("{x} bits"))
                .with_help("combine streams of one frame length; encode both with the same `length`"),
            );
        }
    }

    /// The type of a call.
    fn call(&mut self, cx: &mut Cx<'p>, callee: &'p Expr, args: &'p [Arg], e: &'p Expr) -> Ty {
        let ExprKind::Name(f) = &callee.kind else {
            self.expr(cx, callee);
            self.report(
                Diagnostic::error("E0205", "only named functions can be called", callee.span, "not a function name")
                    .with_help("call a built-in or a `fn` by name"),
            );
            return Ty::Error;
        };
        // Reduction binders come into scope for the later arguments.
        cx.env.push();
        let mut pushed = 0;
        for a in args {
            if let Arg::Binder(b) = a {
                self.expr(cx, &b.range);
                cx.env.bind(
                    &b.name.name,
                    crate::env::Binding { ty: Ty::Int, kind: BindKind::Local, span: b.name.span, value: None },
                );
                cx.binders.push((b.name.name.clone(), &b.range));
                pushed += 1;
            }
        }
        let result = self.call_inner(cx, f, args, e);
        for _ in 0..pushed {
            cx.binders.pop();
        }
        cx.env.pop();
        result
    }

    fn call_inner(&mut self, cx: &mut Cx<'p>, f: &scn_grammar::ast::Ident, args: &'p [Arg], e: &'p Expr) -> Ty {
        if let Some(b) = cx.env.get(&f.name)
            && b.kind != BindKind::Builtin
        {
            let kind = b.kind.a_noun();
            self.report(
                Diagnostic::error(
                    "E0205",
                    format!("`{}` is {kind}, not a function", f.name),
                    f.span,
                    "cannot be called",
                )
                .with_help("only built-ins and `fn` items can be called"),
            );
            return Ty::Error;
        }
        if let Found::Item(r) = self.lookup(&f.name)
            && let ItemKind::Fn(def) = &self.item(r).kind
        {
            return self.user_call(cx, r, def, args, e);
        }
        crate::builtins::call(self, cx, f, args, e)
    }

    fn user_call(
        &mut self,
        cx: &mut Cx<'p>,
        r: crate::scope::ItemRef,
        def: &'p scn_grammar::ast::FnDef,
        args: &'p [Arg],
        e: &'p Expr,
    ) -> Ty {
        let positional: Vec<&'p Expr> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Positional(x) => Some(x),
                _ => None,
            })
            .collect();
        if positional.len() != def.params.len() || positional.len() != args.len() {
            self.report(
                Diagnostic::error(
                    "E0204",
                    format!("`{}` takes {} argument(s), found {}", def.name.name, def.params.len(), args.len()),
                    e.span,
                    "wrong number of arguments",
                )
                .with_help(format!(
                    "call it as `{}({})`",
                    def.name.name,
                    def.params.iter().map(|p| p.name.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        let saved = self.module;
        self.module = r.module;
        let empty = Cx::new(cx.flags.clone());
        let params: Vec<Ty> = def.params.iter().map(|p| self.resolve_type(&p.ty, &empty)).collect();
        let ret = def.ret.as_ref().map(|t| self.resolve_type(t, &empty));
        self.module = saved;
        for (arg, want) in positional.iter().zip(&params) {
            let t = self.expr(cx, arg);
            self.expect_assignable(want, &t, arg);
        }
        match ret {
            Some(t) => t,
            None => {
                // Infer the result from the body with the parameters bound.
                let saved = self.module;
                self.module = r.module;
                let mut inner = Cx::new(cx.flags.clone());
                for (p, t) in def.params.iter().zip(params) {
                    inner.env.bind(
                        &p.name.name,
                        crate::env::Binding { ty: t, kind: BindKind::Local, span: p.name.span, value: None },
                    );
                }
                let before = self.diags.len();
                let t = self.expr(&mut inner, &def.body);
                self.diags.truncate(before); // the body's own errors are reported where it is defined
                self.module = saved;
                t
            }
        }
    }

    /// Checks a `fn` item: its body against its parameters and declared result.
    pub fn check_fn(&mut self, def: &'p scn_grammar::ast::FnDef) {
        let mut cx = Cx::new(Default::default());
        let mut seen = std::collections::HashMap::new();
        for p in &def.params {
            let t = self.resolve_type(&p.ty, &cx);
            if let Some(prev) = seen.insert(p.name.name.clone(), p.name.span) {
                self.report(
                    Diagnostic::error(
                        "E0102",
                        format!("parameter `{}` is declared twice", p.name.name),
                        p.name.span,
                        "again here",
                    )
                    .with_label(prev, "first here")
                    .with_help("rename one of them"),
                );
            }
            cx.env.bind(
                &p.name.name,
                crate::env::Binding { ty: t, kind: BindKind::Local, span: p.name.span, value: None },
            );
        }
        let body = self.expr(&mut cx, &def.body);
        if let Some(ret) = &def.ret {
            let want = self.resolve_type(ret, &cx);
            self.expect_assignable(&want, &body, &def.body);
        }
    }

    /// The stream of `encode(p, SOURCE, length = L)` and friends.
    pub fn source_type(&mut self, cx: &mut Cx<'p>, kind: SourceKind, args: &'p [Arg], e: &'p Expr) -> Ty {
        let key = match kind {
            SourceKind::Lfsr16 | SourceKind::Bernoulli => "seed",
            SourceKind::Sobol16 | SourceKind::Halton2 => "start",
        };
        let mut seed: Option<u64> = None;
        for a in args {
            match a {
                Arg::Named(n, v) if n.name == key => {
                    let t = self.expr(cx, v);
                    if !t.is_error() && t != Ty::Int {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                format!("`{key}` must be an integer, found {t}"),
                                v.span,
                                "not an integer",
                            )
                            .with_help("seeds are integers such as `0xACE1` or `0xACE1 + i`"),
                        );
                    }
                    let literal = matches!(&v.kind, ExprKind::Number(_));
                    let raw = self.const_value(cx, v).and_then(|v| v.as_int());
                    if kind == SourceKind::Lfsr16 && literal && raw == Some(0) {
                        self.report(
                            Diagnostic::error(
                                "E0305",
                                "an LFSR seed of 0 never leaves the all-zero state",
                                v.span,
                                "seed 0",
                            )
                            .with_help("use any non-zero 16-bit seed; the default is `0xACE1`"),
                        );
                    }
                    seed = raw.map(|s| {
                        if kind == SourceKind::Lfsr16 {
                            let s = s.rem_euclid(1 << 16) as u64;
                            if s == 0 { 1 } else { s }
                        } else {
                            s.rem_euclid(1 << 64) as u64
                        }
                    });
                }
                Arg::Named(n, v) if n.name == "variant" && kind == SourceKind::Lfsr16 => {
                    const VARIANTS: &[&str] =
                        &["canonical", "step_first", "edge_right", "advance_then_compare", "right_shift"];
                    match &v.kind {
                        ExprKind::Name(id) if VARIANTS.contains(&id.name.as_str()) => {}
                        _ => {
                            let name = match &v.kind {
                                ExprKind::Name(id) => id.name.clone(),
                                _ => "?".into(),
                            };
                            let d = crate::hints::unknown("E0203", &name, v.span, "LFSR variant", VARIANTS);
                            self.report(d);
                        }
                    }
                }
                Arg::Named(n, _) | Arg::Binder(scn_grammar::ast::Binder { name: n, .. }) => {
                    self.report(
                        Diagnostic::error(
                            "E0204",
                            format!("`{}` takes no argument `{}`", kind.name(), n.name),
                            n.span,
                            "unknown argument",
                        )
                        .with_help(format!("write `{}({key} = …)`", kind.name())),
                    );
                }
                Arg::Positional(v) => {
                    self.report(
                        Diagnostic::error(
                            "E0204",
                            format!("`{}` takes a named `{key}`", kind.name()),
                            v.span,
                            "positional argument",
                        )
                        .with_help(format!("write `{}({key} = …)`", kind.name())),
                    );
                }
            }
        }
        let _ = e;
        Ty::Source(kind, seed)
    }

    /// `encode(p, SOURCE, length = L)`.
    pub fn encode(&mut self, cx: &mut Cx<'p>, encoding: Encoding, args: &'p [Arg], e: &'p Expr) -> Ty {
        let mut value = None;
        let mut source = None;
        let mut len = None;
        for a in args {
            match a {
                Arg::Positional(v) if value.is_none() => value = Some((v, self.expr(cx, v))),
                Arg::Positional(v) if source.is_none() => source = Some((v, self.expr(cx, v))),
                Arg::Named(n, v) if n.name == "length" => {
                    if let ExprKind::Call(f, _) = &v.kind
                        && matches!(&f.kind, ExprKind::Name(id) if id.name == "auto")
                    {
                        len = None;
                        continue;
                    }
                    let t = self.expr(cx, v);
                    match self.const_value(cx, v).and_then(|x| x.as_int()) {
                        Some(l) if l > 0 => len = Some((l as u64, v)),
                        _ if t.is_error() => {}
                        _ => self.report(
                            Diagnostic::error("E0203", "a stream length must be a positive integer constant", v.span, "not a positive constant")
                                .with_help("write `length = 256`, a constant name, or `length = auto(eps = 0.01, confidence = 0.95)`"),
                        ),
                    }
                }
                other => {
                    let span = match other {
                        Arg::Positional(v) | Arg::Named(_, v) => v.span,
                        Arg::Binder(b) => b.name.span,
                    };
                    self.report(
                        Diagnostic::error(
                            "E0204",
                            "`encode` takes a value, a source and `length = L`",
                            span,
                            "unexpected argument",
                        )
                        .with_help("write `encode(p, lfsr16(seed = 0xACE1), length = 256)`"),
                    );
                }
            }
        }
        let want = if encoding == Encoding::Unipolar { Ty::Prob } else { Ty::Bipolar };
        if let Some((v, t)) = &value {
            if let Some(d) = t.dim() {
                if !d.is_dimensionless() {
                    self.mismatch_at(v, Dim::DIMENSIONLESS, d, &format!("`encode` takes a {want}"));
                }
            } else if !t.is_error() {
                self.expect_assignable(&want, t, v);
            }
            if let Some((r, _)) = self.const_value(cx, v).and_then(|x| x.num()) {
                let (lo, hi) = if encoding == Encoding::Unipolar {
                    (Rational::ZERO, Rational::ONE)
                } else {
                    (-Rational::ONE, Rational::ONE)
                };
                if r < lo || r > hi {
                    self.report(
                        Diagnostic::error(
                            "E0307",
                            format!("{} is outside the range of a {want} stream", crate::value::decimal(r)),
                            v.span,
                            "out of range",
                        )
                        .with_help(if encoding == Encoding::Unipolar {
                            "a unipolar stream encodes a probability in [0, 1]"
                        } else {
                            "a bipolar stream encodes a value in [-1, 1]"
                        }),
                    );
                }
            }
        } else {
            self.report(
                Diagnostic::error("E0204", "`encode` needs a value to encode", e.span, "no value")
                    .with_help("write `encode(p, lfsr16(seed = 0xACE1), length = 256)`"),
            );
        }
        let prov = match &source {
            Some((_, Ty::Source(kind, seed))) => {
                if let (SourceKind::Lfsr16, Some((l, v))) = (kind, len)
                    && l > 65535
                {
                    self.report(
                        Diagnostic::error(
                            "E0304",
                            format!("an LFSR-16 stream of {l} bits repeats itself"),
                            v.span,
                            "longer than the period 65535",
                        )
                        .with_help(
                            "use at most 65535 bits per LFSR-16 stream, or split the frame across several seeds",
                        ),
                    );
                }
                Provenance::root(*kind, *seed)
            }
            Some((v, t)) if !t.is_error() => {
                self.report(
                    Diagnostic::error("E0203", format!("expected a number source, found {t}"), v.span, "not a source")
                        .with_help("sources are `lfsr16(seed = …)`, `sobol16(start = …)`, `halton2(start = …)` and `bernoulli(seed = …)`"),
                );
                Provenance { roots: Vec::new(), negated: false }
            }
            Some(_) => Provenance { roots: Vec::new(), negated: false },
            None => {
                self.report(
                    Diagnostic::error("E0204", "`encode` needs a number source", e.span, "no source")
                        .with_help("pass a source such as `lfsr16(seed = 0xACE1)`"),
                );
                Provenance { roots: Vec::new(), negated: false }
            }
        };
        Ty::Bits { encoding, len: len.map(|(l, _)| l), prov }
    }
}

/// A common unit of a dimension, for hints.
fn typical_unit(d: Dim) -> Option<&'static str> {
    const UNITS: &[(Dim, &str)] = &[
        (Dim::TIME, "ms"),
        (Dim::VOLTAGE, "mV"),
        (Dim::CURRENT, "pA"),
        (Dim::CONDUCTANCE, "nS"),
        (Dim::CAPACITANCE, "pF"),
        (Dim::RESISTANCE, "Mohm"),
        (Dim::FREQUENCY, "Hz"),
        (Dim::CONCENTRATION, "mM"),
    ];
    UNITS.iter().find(|(x, _)| *x == d).map(|(_, u)| *u)
}

/// Help for a bare number where a quantity is required: `-65` where a voltage is expected.
fn bare_number_help(e: &Expr, expected: Dim, found: Dim) -> Option<String> {
    let text = match &e.kind {
        ExprKind::Number(t) => t.clone(),
        ExprKind::Unary(UnaryOp::Neg, inner) => match &inner.kind {
            ExprKind::Number(t) => format!("-{t}"),
            _ => return None,
        },
        _ => return None,
    };
    if !found.is_dimensionless() || expected.is_dimensionless() {
        return None;
    }
    Some(match typical_unit(expected) {
        Some(u) => format!(
            "a bare number has no unit: write it with a unit of {}, e.g. `{text} {u}` if it is in {u}",
            dim_name(expected)
        ),
        None => format!("a bare number has no unit: write it with a unit of {}", dim_name(expected)),
    })
}

fn unit_help(expected: Dim, found: Dim) -> String {
    if let Some(ratio) = expected.checked_div(found) {
        if ratio == Dim::TIME {
            return format!("multiply by a time to turn {} into {}", dim_name(found), dim_name(expected));
        }
        if ratio == Dim::FREQUENCY {
            return format!("divide by a time constant to turn {} into {}", dim_name(found), dim_name(expected));
        }
        if let Some(name) = scn_units::name_of(ratio).filter(|_| !ratio.is_dimensionless()) {
            return format!("multiply by a {name} to turn {} into {}", dim_name(found), dim_name(expected));
        }
        if let Some(name) = scn_units::name_of(ratio.recip()).filter(|_| !ratio.is_dimensionless()) {
            return format!("divide by a {name} to turn {} into {}", dim_name(found), dim_name(expected));
        }
    }
    format!("check the units: {} cannot stand where {} is needed", dim_name(found), dim_name(expected))
}

/// A chain of names and fields as one dotted name (`soma.NaT.m`), if it is one.
pub fn dotted(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.name.clone()),
        ExprKind::Field(base, f) => Some(format!("{}.{}", dotted(base)?, f.name)),
        _ => None,
    }
}

/// Splits `pop[a..b].soma.v` into the population part (`pop[a..b]`) and the member's
/// qualified name (`soma.v`; empty when `e` has no field).
pub fn member_path(e: &Expr) -> (&Expr, String) {
    match &e.kind {
        ExprKind::Field(base, f) => {
            let (root, path) = member_path(base);
            (root, if path.is_empty() { f.name.clone() } else { format!("{path}.{}", f.name) })
        }
        _ => (e, String::new()),
    }
}
