//! The interval an expression's value lies in, for `:type`: exact for constants, interval
//! arithmetic over draws (`uniform(a, b)`), `clip`, `min`/`max` and the monotone built-ins,
//! and otherwise the range the type itself implies (`prob` is [0, 1], `fix<16,8>` is
//! [-128, 127.99609375], `count<N>` is [0, N]).

use crate::names::ConstNames;
use crate::quantity::format_f64_quantity;
use scn_grammar::ast::{Arg, BinOp, Expr, ExprKind, UnaryOp};
use scn_sema::ty::Ty;
use scn_units::Dim;

/// A closed interval of SI values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

impl Interval {
    fn point(v: f64) -> Self {
        Interval { lo: v, hi: v }
    }

    fn new(a: f64, b: f64) -> Self {
        Interval { lo: a.min(b), hi: a.max(b) }
    }

    fn hull(values: [f64; 4]) -> Self {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Interval { lo, hi }
    }

    /// The interval written with units (`[-65 mV, -50 mV]`).
    pub fn show(self, dim: Dim) -> String {
        let one = |v: f64| format_f64_quantity(v, dim);
        if self.lo == self.hi { format!("[{}]", one(self.lo)) } else { format!("[{}, {}]", one(self.lo), one(self.hi)) }
    }
}

/// The interval of `e` (of type `ty`), or `None` when nothing bounds it.
pub fn interval(e: &Expr, ty: &Ty, names: &ConstNames<'_>) -> Option<Interval> {
    let from_expr = bounds(e, names).filter(|i| i.lo.is_finite() && i.hi.is_finite());
    let from_type = type_range(ty);
    match (from_expr, from_type) {
        (Some(a), Some(b)) => Some(Interval { lo: a.lo.max(b.lo), hi: a.hi.min(b.hi) }),
        (a, b) => a.or(b),
    }
}

/// The range a type allows, when it is bounded.
pub fn type_range(ty: &Ty) -> Option<Interval> {
    match ty {
        Ty::Prob | Ty::Bits { .. } => Some(Interval::new(0.0, 1.0)),
        Ty::Bipolar => Some(Interval::new(-1.0, 1.0)),
        Ty::Count(Some(n)) => Some(Interval::new(0.0, *n as f64)),
        Ty::Fix { signed, width, frac } => {
            let ulp = 2f64.powi(-(*frac as i32));
            let (lo, hi) = if *signed {
                (-(2f64.powi(*width as i32 - 1)), 2f64.powi(*width as i32 - 1) - 1.0)
            } else {
                (0.0, 2f64.powi(*width as i32) - 1.0)
            };
            Some(Interval::new(lo * ulp, hi * ulp))
        }
        _ => None,
    }
}

fn positional(args: &[Arg]) -> Vec<&Expr> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Positional(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Interval arithmetic over the expression tree.
fn bounds(e: &Expr, names: &ConstNames<'_>) -> Option<Interval> {
    if let Some((v, _)) = scn_sema::value::eval(e, names, 0).and_then(|v| v.num()) {
        return Some(Interval::point(v.to_f64()));
    }
    let b = |x: &Expr| bounds(x, names);
    match &e.kind {
        ExprKind::Paren(x) => b(x),
        ExprKind::Name(n) => {
            let (module, value) = names.const_expr(&n.name)?;
            bounds(value, &ConstNames { analysis: names.analysis, module })
        }
        ExprKind::Unary(UnaryOp::Neg, x) => b(x).map(|i| Interval::new(-i.hi, -i.lo)),
        ExprKind::Binary(op, x, y) => {
            let (x, y) = (b(x)?, b(y)?);
            match op {
                BinOp::Add => Some(Interval::new(x.lo + y.lo, x.hi + y.hi)),
                BinOp::Sub => Some(Interval::new(x.lo - y.hi, x.hi - y.lo)),
                BinOp::Mul => Some(Interval::hull([x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi])),
                BinOp::Div if y.lo > 0.0 || y.hi < 0.0 => {
                    Some(Interval::hull([x.lo / y.lo, x.lo / y.hi, x.hi / y.lo, x.hi / y.hi]))
                }
                _ => None,
            }
        }
        ExprKind::If(_, x, y) => {
            let (x, y) = (b(x)?, b(y)?);
            Some(Interval::new(x.lo.min(y.lo), x.hi.max(y.hi)))
        }
        ExprKind::Cast(x, _) => b(x),
        ExprKind::Call(f, args) => {
            let ExprKind::Name(name) = &f.kind else { return None };
            let args: Vec<Interval> = positional(args).into_iter().map(b).collect::<Option<_>>()?;
            let monotone = |f: fn(f64) -> f64| match args.as_slice() {
                [x] => Some(Interval::new(f(x.lo), f(x.hi))),
                _ => None,
            };
            match (name.name.as_str(), args.as_slice()) {
                ("uniform", [a, c]) => Some(Interval::new(a.lo, c.hi)),
                ("bernoulli", [_]) => Some(Interval::new(0.0, 1.0)),
                ("clip", [x, lo, hi]) => Some(Interval::new(x.lo.clamp(lo.lo, hi.hi), x.hi.clamp(lo.lo, hi.hi))),
                ("min", [x, rest @ ..]) => {
                    Some(rest.iter().fold(*x, |a, c| Interval::new(a.lo.min(c.lo), a.hi.min(c.hi))))
                }
                ("max", [x, rest @ ..]) => {
                    Some(rest.iter().fold(*x, |a, c| Interval::new(a.lo.max(c.lo), a.hi.max(c.hi))))
                }
                ("abs", [x]) if x.lo >= 0.0 => Some(*x),
                ("abs", [x]) if x.hi <= 0.0 => Some(Interval::new(-x.hi, -x.lo)),
                ("abs", [x]) => Some(Interval::new(0.0, x.hi.max(-x.lo))),
                ("exp", _) => monotone(f64::exp),
                ("tanh", _) => monotone(f64::tanh),
                ("atan", _) => monotone(f64::atan),
                ("sigmoid", _) => monotone(|x| 1.0 / (1.0 + (-x).exp())),
                ("sqrt", [x]) if x.lo >= 0.0 => monotone(f64::sqrt),
                ("log", [x]) if x.lo > 0.0 => monotone(f64::ln),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_types_bound_their_values() {
        let r = type_range(&Ty::Fix { signed: true, width: 16, frac: 8 }).unwrap();
        assert_eq!((r.lo, r.hi), (-128.0, 127.99609375));
        let r = type_range(&Ty::Fix { signed: false, width: 8, frac: 8 }).unwrap();
        assert_eq!((r.lo, r.hi), (0.0, 255.0 / 256.0));
        assert_eq!(type_range(&Ty::Count(Some(256))), Some(Interval::new(0.0, 256.0)));
    }

    #[test]
    fn intervals_print_with_units() {
        assert_eq!(Interval::new(-0.065, -0.05).show(Dim::VOLTAGE), "[-65 mV, -50 mV]");
        assert_eq!(Interval::point(0.5).show(Dim::DIMENSIONLESS), "[0.5]");
    }
}
