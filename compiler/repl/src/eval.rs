//! Expressions typed at the prompt: checked as the value of a constant appended to the
//! session, then evaluated exactly (`20 ms * 3` is `60 ms`), quantised (`0.3 as fix<16,8>`),
//! or run for one frame when they are stochastic-computing streams.

use crate::candidate::Candidate;
use crate::interval::{Interval, interval};
use crate::names::ConstNames;
use crate::quantity::{format_f64_quantity, format_number, format_quantity, unit_symbol};
use crate::stream_eval;
use scn_grammar::ast::{Expr, ExprKind, ItemKind};
use scn_runtime::fixed::{Fix, FixVal, Overflow, Rounding};
use scn_sema::ty::Ty;
use scn_sema::value::Value;
use std::path::Path;

/// What comes before the typed expression: it becomes the value of this constant.
pub const BEFORE: &str = "const __repl_value = ";

/// Checks `typed` as an expression after the session's declarations.
pub fn check(session: &str, typed: &str, dir: &Path) -> Candidate {
    Candidate::check(session, BEFORE, typed, "", dir)
}

/// The typed expression and the type the checker gave it.
pub fn typed(c: &Candidate) -> Option<(&Expr, Ty)> {
    let item = c.analysis.program.modules[0].parsed.file.items.last()?;
    let ItemKind::Const(k) = &item.kind else { return None };
    if !c.is_typed(k.value.span) {
        return None;
    }
    let ty = c.analysis.type_at(0, k.value.span).cloned().unwrap_or(Ty::Error);
    Some((&k.value, ty))
}

/// The value of an error-free expression as the REPL prints it.
pub fn value_text(c: &Candidate, session: &str, typed_text: &str, dir: &Path) -> String {
    let Some((expr, ty)) = typed(c) else { return "nothing to evaluate".into() };
    let names = ConstNames::root(&c.analysis);
    if let Some(q) = fixed_value(expr, &ty, &names) {
        return format!("{} ({ty}, raw {}, nearest even, saturating)", format_number(q.value), q.raw);
    }
    if matches!(ty, Ty::Fix { .. }) {
        return format!("{ty} (fixed-point arithmetic runs in a network; a constant or a cast of one shows here)");
    }
    if let Some(v) = scn_sema::value::eval(expr, &names, 0) {
        return show_value(&v);
    }
    if let (Some(dim), Some(v)) = (ty.dim(), crate::numeric::eval_f64(expr, &names)) {
        if !v.is_finite() {
            return format!("{ty} with no finite value ({v}): a division by zero or an overflow");
        }
        return format_f64_quantity(v, dim);
    }
    if stream_eval::is_stream_value(&ty)
        && let Some(length) = stream_eval::frame_length(c)
    {
        return match stream_eval::evaluate(session, typed_text, &ty, length, dir) {
            Ok(text) => text,
            Err(e) => format!("{ty} (not evaluated: {e})"),
        };
    }
    format!("{ty} (no constant value the REPL can compute: it needs a running network)")
}

/// A constant value in SCN notation.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::Num(r, d) => format_quantity(*r, *d),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => format!("[{}]", items.iter().map(show_value).collect::<Vec<_>>().join(", ")),
    }
}

/// A constant quantised to a fixed-point format: its exact value and raw integer.
struct Quantised {
    value: scn_units::Rational,
    raw: i128,
}

/// `e as fix<W,F>` of a constant, or a constant declared fixed point: the value quantised to
/// the format (nearest even, saturating).
fn fixed_value(e: &Expr, ty: &Ty, names: &ConstNames<'_>) -> Option<Quantised> {
    let Ty::Fix { signed, width, frac } = *ty else { return None };
    let exact = match &e.kind {
        ExprKind::Cast(x, _) => scn_sema::value::eval(x, names, 0)?,
        ExprKind::Paren(x) => return fixed_value(x, ty, names),
        // A constant declared `const q: fix<16,8> = 0.3` holds its value quantised.
        ExprKind::Name(n) if names.is_fixed(&n.name) => {
            let (module, value) = names.const_expr(&n.name)?;
            let inner = ConstNames { analysis: names.analysis, module };
            return match &value.kind {
                ExprKind::Cast(..) | ExprKind::Paren(_) => fixed_value(value, ty, &inner),
                _ => quantise(scn_sema::value::eval(value, &inner, 0)?, signed, width, frac),
            };
        }
        _ => return None,
    };
    quantise(exact, signed, width, frac)
}

/// An exact constant quantised to `fix<W,F>` (or `ufix`), nearest even, saturating.
fn quantise(exact: Value, signed: bool, width: u32, frac: u32) -> Option<Quantised> {
    let (r, _) = exact.num()?;
    let fmt = Fix::new(signed, width, frac).ok()?;
    let q = FixVal::from_f64(r.to_f64(), fmt, Rounding::NearestEven, Overflow::Saturate, 0).ok()?;
    let value = scn_units::Rational::new(q.raw(), 1i128.checked_shl(frac)?)?;
    Some(Quantised { value, raw: q.raw() })
}

/// `:type`: the type, the unit (dimension) and the interval of the expression.
pub fn type_text(c: &Candidate) -> String {
    let Some((expr, ty)) = typed(c) else { return "nothing to type".into() };
    let names = ConstNames::root(&c.analysis);
    let mut parts = vec![format!("type: {ty}")];
    if let Some(dim) = ty.dim() {
        let unit = if dim.is_dimensionless() {
            "1 (dimensionless)".to_string()
        } else {
            match unit_symbol(dim) {
                Some(u) => format!("{u} ({}, in SI {})", scn_units::describe(dim), dim.si_string()),
                None => format!("{} (in SI)", dim.si_string()),
            }
        };
        parts.push(format!("unit: {unit}"));
        let exact = fixed_value(expr, &ty, &names).map(|q| Interval { lo: q.value.to_f64(), hi: q.value.to_f64() });
        match exact.or_else(|| interval(expr, &ty, &names)) {
            Some(i) => parts.push(format!("interval: {}", i.show(dim))),
            None => parts.push("interval: unbounded".into()),
        }
    } else if let Some(i) = interval(expr, &ty, &names) {
        parts.push(format!("interval: {} (probability of a 1-bit)", i.show(scn_units::Dim::DIMENSIONLESS)));
    }
    parts.join("\n")
}
