//! Linearity of ODE systems: `solver exact` integrates x' = A x + b exactly, so every
//! right-hand side must be affine in the states with coefficients that do not depend on them.

use scn_diagnostics::Span;
use scn_grammar::ast::{Arg, BinOp, Body, Expr, ExprKind, MemberKind, UnaryOp};
use std::collections::HashMap;

/// Why a right-hand side is not linear, pointing at the offending term.
#[derive(Clone, Debug, PartialEq)]
pub struct NonLinear {
    /// The term.
    pub span: Span,
    /// What is wrong with it.
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Lin {
    /// Does not depend on any state.
    Const,
    /// Affine in the states.
    Linear,
}

/// The named expressions of a body.
pub fn lets_of(body: &Body) -> HashMap<String, &Expr> {
    body.members
        .iter()
        .filter_map(|m| match &m.kind {
            MemberKind::Let { name, value, .. } => Some((name.name.clone(), value)),
            _ => None,
        })
        .collect()
}

/// Checks that `rhs` is affine in `states` (named expressions are inlined).
pub fn check(rhs: &Expr, states: &[&str], lets: &HashMap<String, &Expr>) -> Result<(), NonLinear> {
    classify(rhs, states, lets, 0).map(|_| ())
}

fn bad(e: &Expr, reason: impl Into<String>) -> NonLinear {
    NonLinear { span: e.span, reason: reason.into() }
}

fn classify(e: &Expr, states: &[&str], lets: &HashMap<String, &Expr>, depth: u32) -> Result<Lin, NonLinear> {
    if depth > 64 {
        return Err(bad(e, "named expressions refer to each other in a cycle"));
    }
    let c = |x: &Expr| classify(x, states, lets, depth);
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) | ExprKind::Str(_) => Ok(Lin::Const),
        ExprKind::Name(n) if states.contains(&n.name.as_str()) => Ok(Lin::Linear),
        ExprKind::Name(n) if n.name == "t" => Err(bad(e, "depends on the time `t`")),
        ExprKind::Name(n) => match lets.get(&n.name) {
            Some(body) => classify(body, states, lets, depth + 1).map_err(|mut err| {
                err.reason = format!("`{}` is not linear: {}", n.name, err.reason);
                err.span = e.span;
                err
            }),
            None => Ok(Lin::Const),
        },
        ExprKind::Paren(x) | ExprKind::Unary(UnaryOp::Neg, x) => c(x),
        ExprKind::Unary(_, x) | ExprKind::Cast(x, _) => match c(x)? {
            Lin::Const => Ok(Lin::Const),
            Lin::Linear => Err(bad(e, "applies a non-linear operation to a state")),
        },
        ExprKind::Binary(op, a, b) => {
            let (la, lb) = (c(a)?, c(b)?);
            match op {
                BinOp::Add | BinOp::Sub => Ok(la.max(lb)),
                BinOp::Mul if la == Lin::Linear && lb == Lin::Linear => Err(bad(e, "multiplies states together")),
                BinOp::Mul => Ok(la.max(lb)),
                BinOp::Div if lb == Lin::Linear => Err(bad(e, "divides by a state")),
                BinOp::Div => Ok(la),
                BinOp::Pow if la == Lin::Const && lb == Lin::Const => Ok(Lin::Const),
                BinOp::Pow if la == Lin::Linear && matches!(&b.kind, ExprKind::Number(n) if n == "1") => {
                    Ok(Lin::Linear)
                }
                BinOp::Pow => Err(bad(e, "raises a state to a power")),
                _ if la == Lin::Const && lb == Lin::Const => Ok(Lin::Const),
                _ => Err(bad(e, format!("`{}` of a state is not linear", op.symbol()))),
            }
        }
        ExprKind::Compare(a, rest) => {
            let mut l = c(a)?;
            for (_, x) in rest {
                l = l.max(c(x)?);
            }
            if l == Lin::Linear { Err(bad(e, "compares a state")) } else { Ok(Lin::Const) }
        }
        ExprKind::Call(f, args) => {
            let name = match &f.kind {
                ExprKind::Name(n) => n.name.as_str(),
                _ => "?",
            };
            if name == "noise" {
                return Err(bad(e, "is a stochastic term; the exact solver is deterministic"));
            }
            for a in args {
                let x = match a {
                    Arg::Positional(x) | Arg::Named(_, x) => x,
                    Arg::Binder(b) => &b.range,
                };
                if c(x)? == Lin::Linear {
                    return Err(bad(e, format!("`{name}` of a state is not linear")));
                }
            }
            Ok(Lin::Const)
        }
        ExprKind::If(cond, a, b) => {
            if c(cond) != Ok(Lin::Const) {
                return Err(bad(cond, "switches on a state"));
            }
            Ok(c(a)?.max(c(b)?))
        }
        ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
            if c(a)? == Lin::Linear || c(b)? == Lin::Linear {
                return Err(bad(e, "indexes with a state"));
            }
            Ok(Lin::Const)
        }
        ExprKind::Field(a, _) => c(a),
        ExprKind::Array(v) => {
            for x in v {
                if c(x)? == Lin::Linear {
                    return Err(bad(x, "builds an array of states"));
                }
            }
            Ok(Lin::Const)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_grammar::ast::ItemKind;

    fn rhs(src: &str) -> Result<(), NonLinear> {
        let p = scn_grammar::parse(&format!("const X = {src}"));
        let ItemKind::Const(c) = &p.file.items[0].kind else { panic!() };
        check(&c.value, &["v", "w"], &HashMap::new())
    }

    #[test]
    fn affine_systems_are_linear() {
        assert!(rhs("(v_rest - v) / tau").is_ok());
        assert!(rhs("-w / tau_w + a * (v - e_l) / tau_w").is_ok());
        assert!(rhs("(ge + gi - (v - e_l)) / tau_m").is_ok());
        assert!(rhs("exp(-1 / 2) * v").is_ok());
    }

    #[test]
    fn non_linear_terms_are_named() {
        assert_eq!(rhs("0.04 * v * v").unwrap_err().reason, "multiplies states together");
        assert_eq!(rhs("exp((v - v_t) / delta)").unwrap_err().reason, "`exp` of a state is not linear");
        assert_eq!(rhs("1 / v").unwrap_err().reason, "divides by a state");
        assert_eq!(rhs("v ** 2").unwrap_err().reason, "raises a state to a power");
        assert_eq!(rhs("if v > 0 { v } else { 0 }").unwrap_err().reason, "switches on a state");
    }
}
