//! Floating-point evaluation of constant expressions that exact rationals cannot hold: the
//! built-in functions with fixed numerics (`exp(1)`, `sqrt(2)`, `exprel(0)`) over constants.
//! Values are in SI base units; the checker has already given the expression its dimension.
//! The formulas are the interpreter's (`scn_runtime::interp::eval`), so the REPL and a run agree.

use crate::names::ConstNames;
use scn_grammar::ast::{Arg, BinOp, Expr, ExprKind, UnaryOp};
use scn_runtime::interp::eval::{pow, round_half_even};

/// The value of `e` in SI units, if it is a constant (infinite or NaN after a division by
/// zero or an overflow).
pub fn eval_f64(e: &Expr, names: &ConstNames<'_>) -> Option<f64> {
    if let Some((r, _)) = scn_sema::value::eval(e, names, 0).and_then(|v| v.num()) {
        return Some(r.to_f64());
    }
    let f = |x: &Expr| eval_f64(x, names);
    let v = match &e.kind {
        ExprKind::Paren(x) => f(x)?,
        // A cast to fixed point quantises: its value is not the exact one.
        ExprKind::Cast(x, t) if !crate::names::is_fixed_type(t) => f(x)?,
        ExprKind::Name(n) if !names.is_fixed(&n.name) => {
            let (module, value) = names.const_expr(&n.name)?;
            eval_f64(value, &ConstNames { analysis: names.analysis, module })?
        }
        ExprKind::Unary(UnaryOp::Neg, x) => -f(x)?,
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (f(a)?, f(b)?);
            match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Pow => pow(a, b),
                BinOp::Rem => a - b * (a / b).floor(),
                _ => return None,
            }
        }
        ExprKind::Call(callee, args) => {
            let ExprKind::Name(name) = &callee.kind else { return None };
            let args: Vec<f64> = args
                .iter()
                .map(|a| match a {
                    Arg::Positional(x) => f(x),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            call(&name.name, &args)?
        }
        _ => return None,
    };
    Some(v)
}

/// The built-in functions with fixed numerics (LANGUAGE §2).
fn call(name: &str, args: &[f64]) -> Option<f64> {
    Some(match (name, args) {
        ("exp", [x]) => x.exp(),
        ("log", [x]) => x.ln(),
        ("sqrt", [x]) => x.sqrt(),
        ("abs", [x]) => x.abs(),
        ("tanh", [x]) => x.tanh(),
        ("atan", [x]) => x.atan(),
        ("tan", [x]) => x.tan(),
        ("sigmoid", [x]) => 1.0 / (1.0 + (-x).exp()),
        ("exprel", [x]) => {
            if x.abs() < 1e-9 {
                1.0 + x / 2.0
            } else {
                x.exp_m1() / x
            }
        }
        ("floor", [x]) => x.floor(),
        ("ceil", [x]) => x.ceil(),
        ("round", [x]) => round_half_even(*x),
        ("clip", [x, lo, hi]) => x.max(*lo).min(*hi),
        ("heaviside", [x]) => 0.5 + 0.5 * x.signum() * f64::from(*x != 0.0),
        ("boltz", [x, xh, k]) => 1.0 / (1.0 + ((xh - x) / k).exp()),
        ("hill", [x, k, n]) => {
            let xn = x.powf(*n);
            xn / (xn + k.powf(*n))
        }
        ("min", [first, rest @ ..]) => rest.iter().fold(*first, |a, b| a.min(*b)),
        ("max", [first, rest @ ..]) => rest.iter().fold(*first, |a, b| a.max(*b)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::call;

    #[test]
    fn builtins_follow_the_interpreter() {
        assert_eq!(call("exp", &[1.0]), Some(std::f64::consts::E));
        assert_eq!(call("exprel", &[0.0]), Some(1.0));
        assert_eq!(call("heaviside", &[0.0]), Some(0.5));
        assert_eq!(call("heaviside", &[-2.0]), Some(0.0));
        assert_eq!(call("round", &[2.5]), Some(2.0));
        assert_eq!(call("clip", &[5.0, 0.0, 1.0]), Some(1.0));
        assert_eq!(call("uniform", &[0.0, 1.0]), None);
    }
}
