//! Lowering `precision` models (DESIGN §3 "Fixed point", LANGUAGE §8): the format, its modes
//! and scales, and exact quantisation of constants.
//!
//! Every constant of a precision model is quantised here, at lowering time, from its exact
//! rational SI value: divided by its dimension's declared `scale`, multiplied by 2^F and rounded
//! with the scope's rounding mode (`stochastic` rounds constants to nearest-even: there is no
//! step to key a draw by), then the overflow mode (`trap` refuses the constant). The result is
//! the dyadic `raw · 2^-F`, held exactly in an [`Expr::Const`] (|raw| < 2^53, else refused).
//! `int` literals (typed `int` by the checker) stay exact integers.

use crate::{Lowerer, unsupported};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, TypeArg, TypeKind};
use scn_runtime::fixed::{Exact, Fix, Overflow, Rounding, requantize, round_ratio};
use scn_runtime::ir::{Expr, FixedSpec};
use scn_sema::ty::Ty;
use scn_units::{Dim, Rational};
use std::collections::HashMap;

/// A precision scope being lowered.
#[derive(Clone, Debug)]
pub struct FixedCtx {
    /// Format and modes.
    pub spec: FixedSpec,
    /// Declared scales (SI value of one scaled unit), by dimension.
    pub scales: HashMap<Dim, Rational>,
}

fn mode_error(span: Span, what: &str, name: &str) -> Diagnostic {
    unsupported(span, &format!("the {what} `{name}`"))
}

impl FixedCtx {
    /// The scale of a dimension: 1 for dimensionless quantities and step counts.
    pub fn scale(&self, dim: Dim) -> Option<Rational> {
        if dim.is_dimensionless() || dim == Dim::STEPS { Some(Rational::ONE) } else { self.scales.get(&dim).copied() }
    }

    /// The scale of a checked type, when it has one.
    pub fn scale_of_ty(&self, ty: &Ty) -> Option<Rational> {
        match ty {
            Ty::Real(d) => self.scale(*d),
            Ty::Spike(inner) => self.scale_of_ty(inner),
            Ty::Int | Ty::Bool | Ty::Prob | Ty::Bipolar | Ty::Fix { .. } => Some(Rational::ONE),
            _ => None,
        }
    }

    /// Quantises an exact SI value of dimension `dim` into the format, in scaled units.
    pub fn quantise(&self, value: Rational, dim: Dim, span: Span) -> Result<Expr, Diagnostic> {
        let Some(scale) = self.scale(dim) else {
            return Err(unsupported(
                span,
                &format!(
                    "a constant of {} inside `precision` without a `scale` for its dimension (fixed-point scales \
                     are per declared dimension)",
                    scn_units::describe(dim)
                ),
            ));
        };
        let scaled =
            value.checked_div(scale).ok_or_else(|| unsupported(span, "a constant this large in fixed point"))?;
        let frac = self.spec.frac;
        let num = scaled.num().checked_mul(1i128 << frac.min(100)).filter(|_| frac <= 100);
        let num = num.ok_or_else(|| unsupported(span, "a constant this large in fixed point"))?;
        let mode = if self.spec.rounding == Rounding::Stochastic { Rounding::NearestEven } else { self.spec.rounding };
        let raw = round_ratio(num, scaled.den(), mode, 0)
            .map_err(|_| unsupported(span, "a constant this large in fixed point"))?;
        let fmt = self.spec.format();
        let v = requantize(Exact::new(raw, frac), fmt, Rounding::Floor, self.spec.overflow, 0).map_err(|_| {
            unsupported(
                span,
                &format!(
                    "a constant that does not fit {} under `overflow trap` ({} in scaled units)",
                    format_name(&self.spec),
                    scaled.to_f64()
                ),
            )
        })?;
        dyadic(v.raw(), frac, span)
    }
}

/// `raw · 2^-frac` as an exact f64.
pub fn dyadic(raw: i128, frac: u32, span: Span) -> Result<Expr, Diagnostic> {
    if raw.unsigned_abs() >= 1u128 << 53 {
        return Err(unsupported(span, "a fixed-point constant wider than 53 significant bits"));
    }
    Ok(Expr::Const(Exact::new(raw, frac).to_f64()))
}

/// `fix<W,F>` or `ufix<W,F>`.
pub fn format_name(s: &FixedSpec) -> String {
    format!("{}fix<{},{}>", if s.signed { "" } else { "u" }, s.width, s.frac)
}

impl<'p> Lowerer<'p> {
    /// The format, modes and scales of a `precision` member.
    pub fn fixed_ctx(&self, p: &ast::Precision, span: Span) -> Result<FixedCtx, Diagnostic> {
        let int = |a: &TypeArg| -> Option<u32> {
            match a {
                TypeArg::Int(s, _) => s.parse().ok(),
                TypeArg::Name(n) => {
                    let e = ast::Expr { kind: ast::ExprKind::Name(n.clone()), span: n.span };
                    let v = scn_sema::value::eval(&e, &crate::ModuleNames { lowerer: self }, 0)?;
                    u32::try_from(v.as_int()?).ok()
                }
            }
        };
        let (signed, width, frac) = match &p.ty.kind {
            TypeKind::QFormat(q) if q.starts_with('Q') => {
                let (i, f) = q[1..].split_once('.').unwrap_or(("0", "0"));
                let (i, f): (u32, u32) = (i.parse().unwrap_or(0), f.parse().unwrap_or(0));
                (true, i + f, f)
            }
            TypeKind::Generic(n, args) if (n.name == "fix" || n.name == "ufix") && args.len() == 2 => {
                let (w, f) = (int(&args[0]), int(&args[1]));
                match (w, f) {
                    (Some(w), Some(f)) => (n.name == "fix", w, f),
                    _ => return Err(unsupported(p.ty.span, "a fixed-point format that is not constant")),
                }
            }
            _ => return Err(unsupported(p.ty.span, "this `precision` format")),
        };
        if Fix::new(signed, width, frac).is_err() {
            return Err(unsupported(p.ty.span, "this fixed-point format (W in 1..=64, F in 0..=64)"));
        }
        let overflow = match p.overflow.as_ref().map(|n| n.name.as_str()) {
            None | Some("saturate") => Overflow::Saturate,
            Some("wrap") => Overflow::Wrap,
            Some("trap") => Overflow::Trap,
            Some(other) => return Err(mode_error(span, "overflow mode", other)),
        };
        let rounding = match p.rounding.as_ref().map(|n| n.name.as_str()) {
            None | Some("nearest_even") => Rounding::NearestEven,
            Some("floor") => Rounding::Floor,
            Some("nearest_away") => Rounding::NearestAway,
            Some("stochastic") => Rounding::Stochastic,
            Some(other) => return Err(mode_error(span, "rounding mode", other)),
        };
        let mut scales = HashMap::new();
        for a in &p.scale {
            let Arg::Named(dim_name, v) = a else { return Err(unsupported(span, "this `scale` entry")) };
            let dim = scn_units::by_name(&dim_name.name).ok_or_else(|| unsupported(dim_name.span, "this dimension"))?;
            let value = scn_sema::value::eval(v, &crate::ModuleNames { lowerer: self }, 0)
                .and_then(|x| x.num())
                .filter(|(r, d)| *d == dim && *r > Rational::ZERO)
                .ok_or_else(|| unsupported(v.span, "a scale that is not a positive constant of its dimension"))?;
            scales.insert(dim, value.0);
        }
        Ok(FixedCtx { spec: FixedSpec { signed, width, frac, overflow, rounding }, scales })
    }
}
