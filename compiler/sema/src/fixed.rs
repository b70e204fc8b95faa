//! Fixed-point checks for `precision` members: the format, its modes and scales, whether
//! every constant fits (a value that cannot be represented is an error, an inexact one a
//! warning), and interval propagation through updates under `wrap` and `trap`, where an
//! overflow changes the result (a provable overflow is an error, a possible one a warning
//! that shows the interval).

use crate::checker::{Checker, Cx, MemberInfo};
use crate::ty::Ty;
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::*;
use scn_units::{Dim, Rational};
use std::collections::HashMap;

/// Overflow modes.
pub const OVERFLOW: &[&str] = &["saturate", "wrap", "trap"];
/// Rounding modes.
pub const ROUNDING: &[&str] = &["floor", "nearest_even", "nearest_away", "stochastic"];

/// A fixed-point format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// Two's complement when true.
    pub signed: bool,
    /// Total bits.
    pub width: u32,
    /// Fractional bits.
    pub frac: u32,
}

impl Format {
    /// Smallest representable value.
    pub fn min(self) -> f64 {
        if self.signed { -(2f64.powi(self.width as i32 - 1)) / 2f64.powi(self.frac as i32) } else { 0.0 }
    }

    /// Largest representable value.
    pub fn max(self) -> f64 {
        let top = if self.signed { 2f64.powi(self.width as i32 - 1) } else { 2f64.powi(self.width as i32) };
        (top - 1.0) / 2f64.powi(self.frac as i32)
    }

    /// `Q8.8`-style name.
    pub fn name(self) -> String {
        if self.signed {
            format!("fix<{},{}>", self.width, self.frac)
        } else {
            format!("ufix<{},{}>", self.width, self.frac)
        }
    }
}

/// A closed interval of real values in scaled units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    fn point(x: f64) -> Self {
        Interval { lo: x, hi: x }
    }

    fn join(self, o: Interval) -> Interval {
        Interval { lo: self.lo.min(o.lo), hi: self.hi.max(o.hi) }
    }

    fn mul(self, o: Interval) -> Interval {
        let c = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi];
        Interval {
            lo: c.iter().copied().fold(f64::INFINITY, f64::min),
            hi: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// One quantity in `scn check --precision`.
#[derive(Clone, Debug, PartialEq)]
pub struct PrecisionRow {
    /// The parameter or state.
    pub name: String,
    /// `param`, `state` or `input`.
    pub kind: &'static str,
    /// Its range in scaled units, when the analysis bounds it.
    pub range: Option<(f64, f64)>,
    /// The unit one LSB-free integer stands for (`1 mV`), or empty when dimensionless.
    pub scale: String,
    /// The smallest format that holds the range (`Q6.8`), when bounded.
    pub smallest: Option<String>,
}

/// The precision analysis of one model.
#[derive(Clone, Debug, PartialEq)]
pub struct PrecisionReport {
    /// The model.
    pub model: String,
    /// Its declared format.
    pub format: String,
    /// Its overflow mode.
    pub overflow: String,
    /// One row per quantity.
    pub rows: Vec<PrecisionRow>,
}

/// The smallest `QI.F` (I counting the sign bit when signed) that holds `[lo, hi]` with `frac`
/// fractional bits.
pub fn smallest_format(lo: f64, hi: f64, frac: u32) -> String {
    let signed = lo < 0.0;
    let lsb = 2f64.powi(-(frac as i32));
    let mut int_bits = if signed { 1 } else { 0 };
    loop {
        let (min, max) = if signed {
            (-(2f64.powi(int_bits - 1)), 2f64.powi(int_bits - 1) - lsb)
        } else {
            (0.0, 2f64.powi(int_bits) - lsb)
        };
        if (lo >= min && hi <= max) || int_bits > 128 {
            break;
        }
        int_bits += 1;
    }
    if signed { format!("Q{int_bits}.{frac}") } else { format!("UQ{int_bits}.{frac}") }
}

/// Fractional bits needed to hold `x` exactly (capped at 64).
fn exact_frac(x: Rational) -> Option<u32> {
    (0..=64u32)
        .find(|&f| Rational::new(1i128 << f.min(100), 1).and_then(|k| x.checked_mul(k)).is_some_and(|y| y.is_integer()))
}

struct Scope {
    format: Format,
    scales: HashMap<Dim, Rational>,
    values: HashMap<String, Interval>,
}

/// Checks a model's `precision` member.
pub fn check_precision<'p>(
    c: &mut Checker<'p>,
    cx: &mut Cx<'p>,
    p: &'p Precision,
    body: &'p Body,
    members: &HashMap<String, MemberInfo>,
) {
    let format = match c.resolve_type(&p.ty, cx) {
        Ty::Fix { signed, width, frac } => Format { signed, width, frac },
        Ty::Error => return,
        other => {
            c.report(
                Diagnostic::error(
                    "E0405",
                    format!("`precision` needs a fixed-point format, found {other}"),
                    p.ty.span,
                    "not a fixed-point format",
                )
                .with_help("write `precision fix<16, 8> overflow saturate`"),
            );
            return;
        }
    };
    for (name, table, what) in [(&p.overflow, OVERFLOW, "overflow mode"), (&p.rounding, ROUNDING, "rounding mode")] {
        if let Some(n) = name
            && !table.contains(&n.name.as_str())
        {
            let d = crate::hints::unknown("E0402", &n.name, n.span, what, table);
            c.report(d);
        }
    }
    let mut scales: HashMap<Dim, Rational> = HashMap::new();
    for a in &p.scale {
        let Arg::Named(dim_name, v) = a else {
            c.report(
                Diagnostic::error(
                    "E0204",
                    "`scale` lists `dimension = unit value` pairs",
                    p.ty.span,
                    "malformed scale",
                )
                .with_help("write `scale(voltage = 1 mV, time = 1 ms)`"),
            );
            continue;
        };
        let Some(dim) = scn_units::by_name(&dim_name.name) else {
            let names: Vec<&str> = scn_units::NAMED_DIMS.iter().map(|(n, _)| *n).collect();
            let d = crate::hints::unknown("E0108", &dim_name.name, dim_name.span, "dimension", &names);
            c.report(d);
            continue;
        };
        let t = c.expr(cx, v);
        match c.const_value(cx, v).and_then(|x| x.num()) {
            Some((r, d)) if d == dim && r > Rational::ZERO => {
                scales.insert(dim, r);
            }
            Some((_, d)) if d != dim => c.mismatch(v.span, dim, d, &format!("the scale of {}", dim_name.name)),
            _ if t.is_error() => {}
            _ => c.report(
                Diagnostic::error(
                    "E0403",
                    format!("the scale of {} must be a positive constant", dim_name.name),
                    v.span,
                    "not a positive constant",
                )
                .with_help("write a quantity such as `1 mV`"),
            ),
        }
    }
    let mut report = PrecisionReport {
        model: c.current_model.clone(),
        format: format.name(),
        overflow: p.overflow.as_ref().map_or("saturate", |n| n.name.as_str()).to_string(),
        rows: Vec::new(),
    };
    let scale_text: HashMap<Dim, String> = p
        .scale
        .iter()
        .filter_map(|a| match a {
            Arg::Named(n, Expr { kind: ExprKind::Quantity { value, unit }, .. }) => {
                Some((scn_units::by_name(&n.name)?, format!("{value} {unit}")))
            }
            _ => None,
        })
        .collect();
    let mut scope = Scope { format, scales, values: HashMap::new() };
    let mut missing: Vec<Dim> = Vec::new();
    // An unknown mode is reported above; checking ranges as if it were `wrap` would only
    // add warnings about a mode nobody wrote.
    let overflow = p.overflow.as_ref().map(|n| n.name.as_str()).filter(|n| OVERFLOW.contains(n)).unwrap_or("saturate");
    for m in &body.members {
        let MemberKind::Decl(d) = &m.kind else { continue };
        let Some(info) = members.get(&d.name.name) else { continue };
        let dim = match &info.ty {
            Ty::Real(dim) => *dim,
            Ty::Spike(inner) => match inner.as_ref() {
                Ty::Real(dim) => *dim,
                _ => continue,
            },
            _ => {
                if let (Ty::Int, Some(v)) = (&info.ty, &d.value)
                    && let Some(n) = c.const_value(cx, v).and_then(|x| x.as_int())
                {
                    scope.values.insert(d.name.name.clone(), Interval::point(n as f64));
                }
                continue;
            }
        };
        let scale = if dim.is_dimensionless() { Some(Rational::ONE) } else { scope.scales.get(&dim).copied() };
        let Some(scale) = scale else {
            if !missing.contains(&dim) {
                missing.push(dim);
                let name = scn_units::describe(dim);
                c.report(
                    Diagnostic::error(
                        "E0403",
                        format!("no fixed-point scale for {name}"),
                        d.name.span,
                        format!("`{}` is {name}", d.name.name),
                    )
                    .with_label(p.ty.span, "this precision has no scale for it")
                    .with_help(format!("add `scale({name} = …)` to the precision, e.g. `scale(voltage = 1 mV)`")),
                );
            }
            continue;
        };
        let range = d.range.as_ref().and_then(|(lo, hi)| {
            let l = c.const_value(cx, lo)?.num()?.0.checked_div(scale)?;
            let h = c.const_value(cx, hi)?.num()?.0.checked_div(scale)?;
            Some(Interval { lo: l.to_f64(), hi: h.to_f64() })
        });
        let mut row = PrecisionRow {
            name: d.name.name.clone(),
            kind: d.kind.keyword(),
            range: range.map(|r| (r.lo, r.hi)),
            scale: scale_text.get(&dim).cloned().unwrap_or_default(),
            smallest: range.map(|r| smallest_format(r.lo, r.hi, format.frac)),
        };
        if let Some(v) = &d.value
            && let Some((x, _)) = c.const_value(cx, v).and_then(|x| x.num())
            && let Some(scaled) = x.checked_div(scale)
        {
            fits(c, &scope.format, scaled, &d.name.name, v.span);
            if d.kind == DeclKind::Param {
                let f = exact_frac(scaled).unwrap_or(format.frac).min(format.frac);
                let x = scaled.to_f64();
                row.range = Some((x, x));
                row.smallest = Some(smallest_format(x, x, f));
                scope.values.insert(d.name.name.clone(), Interval::point(x));
            }
        }
        if d.kind != DeclKind::Param {
            let full = Interval { lo: format.min(), hi: format.max() };
            scope.values.insert(d.name.name.clone(), range.unwrap_or(full));
        }
        report.rows.push(row);
    }
    if c.module == 0 {
        c.precision_reports.push(report);
    }
    if overflow == "saturate" {
        return;
    }
    // Interval propagation through every update, where wrap and trap change the result.
    for m in &body.members {
        match &m.kind {
            MemberKind::Next { var, rhs } => {
                let i = interval(&scope, rhs);
                report_range(c, &scope, i, rhs.span, &format!("`next {}`", var.name), overflow);
            }
            MemberKind::On { body, .. } => updates(c, &scope, body, overflow),
            _ => {}
        }
    }
}

fn updates(c: &mut Checker<'_>, scope: &Scope, block: &Block, overflow: &str) {
    for s in &block.stmts {
        match &s.kind {
            StmtKind::Assign { target, op, value } => {
                let v = interval(scope, value);
                let t = interval(scope, target);
                let r = match op {
                    AssignOp::Set => v,
                    AssignOp::Add => Interval { lo: t.lo + v.lo, hi: t.hi + v.hi },
                    AssignOp::Sub => Interval { lo: t.lo - v.hi, hi: t.hi - v.lo },
                    AssignOp::Mul => t.mul(v),
                    AssignOp::Div => t,
                };
                report_range(c, scope, r, s.span, "this update", overflow);
            }
            StmtKind::If { then, otherwise, .. } => {
                updates(c, scope, then, overflow);
                match otherwise.as_deref() {
                    Some(Else::Block(b)) => updates(c, scope, b, overflow),
                    Some(Else::If(st)) => {
                        updates(c, scope, &Block { stmts: vec![st.clone()], span: st.span }, overflow)
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }
}

fn fits(c: &mut Checker<'_>, f: &Format, scaled: Rational, name: &str, span: Span) {
    let x = scaled.to_f64();
    if x < f.min() || x > f.max() {
        c.report(
            Diagnostic::error(
                "E0401",
                format!("`{name}` does not fit {}: {x} is outside [{}, {}]", f.name(), f.min(), f.max()),
                span,
                "overflows the format",
            )
            .with_help("widen the format, or choose a larger scale for this dimension"),
        );
        return;
    }
    let steps = scaled.checked_mul(Rational::new(1i128 << f.frac.min(100), 1).unwrap_or(Rational::ONE));
    if let Some(s) = steps
        && !s.is_integer()
    {
        let q = s.round_half_even() as f64 / 2f64.powi(f.frac as i32);
        c.report(
            Diagnostic::warning(
                "W0402",
                format!("`{name}` is not exact in {}: {x} becomes {q}", f.name(),),
                span,
                "quantised",
            )
            .with_help("add fractional bits, or choose a value on the format's grid"),
        );
    }
}

fn report_range(c: &mut Checker<'_>, scope: &Scope, i: Interval, span: Span, what: &str, overflow: &str) {
    let f = scope.format;
    if !i.lo.is_finite() || !i.hi.is_finite() {
        return;
    }
    let verb = if overflow == "trap" { "trap" } else { "wrap around" };
    if i.lo > f.max() || i.hi < f.min() {
        c.report(
            Diagnostic::error(
                "E0401",
                format!("{what} always overflows {}", f.name()),
                span,
                format!("always in [{}, {}]", i.lo, i.hi),
            )
            .with_note(format!("the format holds [{}, {}]", f.min(), f.max()))
            .with_help("widen the format or rescale the quantities"),
        );
    } else if i.lo < f.min() || i.hi > f.max() {
        c.report(
            Diagnostic::warning(
                "W0401",
                format!("{what} may overflow {} and {verb}", f.name()),
                span,
                format!("ranges over [{}, {}]", i.lo, i.hi),
            )
            .with_note(format!("the format holds [{}, {}]", f.min(), f.max()))
            .with_help("bound the state with `in [lo, hi]`, use `overflow saturate`, or widen the format"),
        );
    }
}

/// The interval of an expression in scaled units.
fn interval(scope: &Scope, e: &Expr) -> Interval {
    let full = Interval { lo: scope.format.min(), hi: scope.format.max() };
    match &e.kind {
        ExprKind::Number(t) => crate::value::number(t).map_or(full, |r| Interval::point(r.to_f64())),
        ExprKind::Quantity { value, unit } => match scn_units::quantity(value, unit) {
            Ok((v, u)) => {
                let scale =
                    if u.dim.is_dimensionless() { Some(Rational::ONE) } else { scope.scales.get(&u.dim).copied() };
                scale.and_then(|s| v.checked_div(s)).map_or(full, |r| Interval::point(r.to_f64()))
            }
            Err(_) => full,
        },
        ExprKind::Name(n) => scope.values.get(&n.name).copied().unwrap_or(full),
        ExprKind::Paren(x) => interval(scope, x),
        ExprKind::Unary(UnaryOp::Neg, x) => {
            let i = interval(scope, x);
            Interval { lo: -i.hi, hi: -i.lo }
        }
        ExprKind::Binary(op, a, b) => {
            let (x, y) = (interval(scope, a), interval(scope, b));
            match op {
                BinOp::Add => Interval { lo: x.lo + y.lo, hi: x.hi + y.hi },
                BinOp::Sub => Interval { lo: x.lo - y.hi, hi: x.hi - y.lo },
                BinOp::Mul => x.mul(y),
                BinOp::Div if y.lo > 0.0 || y.hi < 0.0 => x.mul(Interval { lo: 1.0 / y.hi, hi: 1.0 / y.lo }),
                BinOp::Shr if y.lo == y.hi => {
                    let k = 2f64.powi(y.lo as i32);
                    Interval { lo: (x.lo / k).floor(), hi: (x.hi / k).floor() }
                }
                BinOp::Shl if y.lo == y.hi => {
                    let k = 2f64.powi(y.lo as i32);
                    Interval { lo: x.lo * k, hi: x.hi * k }
                }
                _ => full,
            }
        }
        ExprKind::If(_, a, b) => interval(scope, a).join(interval(scope, b)),
        ExprKind::Call(f, args) => {
            let name = match &f.kind {
                ExprKind::Name(n) => n.name.as_str(),
                _ => "",
            };
            let vals: Vec<Interval> = args
                .iter()
                .filter_map(|a| match a {
                    Arg::Positional(x) => Some(interval(scope, x)),
                    _ => None,
                })
                .collect();
            match (name, vals.as_slice()) {
                ("clip", [x, lo, hi]) => Interval { lo: x.lo.max(lo.lo).min(hi.hi), hi: x.hi.min(hi.hi).max(lo.lo) },
                ("min", [a, b]) => Interval { lo: a.lo.min(b.lo), hi: a.hi.min(b.hi) },
                ("max", [a, b]) => Interval { lo: a.lo.max(b.lo), hi: a.hi.max(b.hi) },
                ("abs", [a]) => Interval {
                    lo: if a.lo <= 0.0 && a.hi >= 0.0 { 0.0 } else { a.lo.abs().min(a.hi.abs()) },
                    hi: a.lo.abs().max(a.hi.abs()),
                },
                _ => full,
            }
        }
        _ => full,
    }
}
