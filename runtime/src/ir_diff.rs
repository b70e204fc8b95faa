//! Symbolic derivatives of IR expressions with respect to one state, for the exponential
//! Euler and Rush–Larsen solvers (x' ≈ a + b·x with b = ∂f/∂x at the start of the step).

use crate::ir::{BinOp, Expr, Func};

fn c(x: f64) -> Expr {
    Expr::Const(x)
}

fn b(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn add(x: Expr, y: Expr) -> Expr {
    match (&x, &y) {
        (Expr::Const(a), _) if *a == 0.0 => y,
        (_, Expr::Const(a)) if *a == 0.0 => x,
        _ => Expr::Bin(BinOp::Add, b(x), b(y)),
    }
}

fn sub(x: Expr, y: Expr) -> Expr {
    match &y {
        Expr::Const(a) if *a == 0.0 => x,
        _ => Expr::Bin(BinOp::Sub, b(x), b(y)),
    }
}

fn mul(x: Expr, y: Expr) -> Expr {
    match (&x, &y) {
        (Expr::Const(a), _) | (_, Expr::Const(a)) if *a == 0.0 => c(0.0),
        (Expr::Const(a), _) if *a == 1.0 => y,
        (_, Expr::Const(a)) if *a == 1.0 => x,
        _ => Expr::Bin(BinOp::Mul, b(x), b(y)),
    }
}

fn div(x: Expr, y: Expr) -> Expr {
    match &x {
        Expr::Const(a) if *a == 0.0 => c(0.0),
        _ => Expr::Bin(BinOp::Div, b(x), b(y)),
    }
}

/// ∂e/∂State(s). Returns `None` for constructs whose derivative is not defined here (the
/// solver then falls back to Euler for that state).
pub fn diff(e: &Expr, s: u16) -> Option<Expr> {
    Some(match e {
        Expr::State(i) if *i == s => c(1.0),
        Expr::Const(_)
        | Expr::Param(_)
        | Expr::State(_)
        | Expr::Input(_)
        | Expr::Local(_)
        | Expr::Time
        | Expr::Dt
        | Expr::Index => c(0.0),
        Expr::Draw { .. } | Expr::Noise { .. } => c(0.0),
        Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) => c(0.0),
        Expr::Neg(x) => match diff(x, s)? {
            Expr::Const(0.0) => c(0.0),
            d => Expr::Neg(b(d)),
        },
        Expr::Bin(op, x, y) => {
            let (dx, dy) = (diff(x, s)?, diff(y, s)?);
            match op {
                BinOp::Add => add(dx, dy),
                BinOp::Sub => sub(dx, dy),
                BinOp::Mul => add(mul(dx, (**y).clone()), mul((**x).clone(), dy)),
                BinOp::Div => {
                    sub(div(dx, (**y).clone()), div(mul((**x).clone(), dy), mul((**y).clone(), (**y).clone())))
                }
                BinOp::Pow => match (&**y, &dy) {
                    (Expr::Const(n), Expr::Const(z)) if *z == 0.0 => {
                        mul(mul(c(*n), Expr::Bin(BinOp::Pow, x.clone(), b(c(n - 1.0)))), dx)
                    }
                    _ => return None,
                },
                BinOp::Rem | BinOp::Shl | BinOp::Shr => return None,
            }
        }
        Expr::If(cond, x, y) => Expr::If(cond.clone(), b(diff(x, s)?), b(diff(y, s)?)),
        Expr::Call(f, args) => {
            let x = args.first()?;
            let dx = diff(x, s)?;
            if matches!(dx, Expr::Const(z) if z == 0.0)
                && args.iter().skip(1).all(|a| matches!(diff(a, s), Some(Expr::Const(z)) if z == 0.0))
            {
                return Some(c(0.0));
            }
            match f {
                Func::Exp => mul(Expr::Call(Func::Exp, vec![x.clone()]), dx),
                Func::Log => div(dx, x.clone()),
                Func::Sqrt => div(dx, mul(c(2.0), Expr::Call(Func::Sqrt, vec![x.clone()]))),
                Func::Tanh => {
                    let t = Expr::Call(Func::Tanh, vec![x.clone()]);
                    mul(sub(c(1.0), mul(t.clone(), t)), dx)
                }
                Func::Sigmoid => {
                    let g = Expr::Call(Func::Sigmoid, vec![x.clone()]);
                    mul(mul(g.clone(), sub(c(1.0), g)), dx)
                }
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::eval::{Draws, Frame, eval};
    use crate::random::Purpose;

    fn at(e: &Expr, v: f64) -> f64 {
        let states = [v];
        let f = Frame {
            params: &[],
            states: &states,
            inputs: &[],
            locals: &[],
            t: 0.0,
            dt: 1e-4,
            index: 0,
            draws: Draws { seed: 0, purpose: Purpose::StepDraws, entity: 0, step: 0 },
            noise_scale: 1.0,
        };
        eval(e, &f)
    }

    #[test]
    fn derivatives_match_finite_differences() {
        // f(v) = 0.04 v^2 + 5 v + 140 - exp(v / 10) + tanh(v) / v
        let v = || b(Expr::State(0));
        let f = Expr::Bin(
            BinOp::Add,
            b(Expr::Bin(
                BinOp::Sub,
                b(Expr::Bin(
                    BinOp::Add,
                    b(Expr::Bin(BinOp::Mul, b(c(0.04)), b(Expr::Bin(BinOp::Pow, v(), b(c(2.0)))))),
                    b(Expr::Bin(BinOp::Mul, b(c(5.0)), v())),
                )),
                b(Expr::Call(Func::Exp, vec![Expr::Bin(BinOp::Div, v(), b(c(10.0)))])),
            )),
            b(Expr::Bin(BinOp::Div, b(Expr::Call(Func::Tanh, vec![Expr::State(0)])), v())),
        );
        let d = diff(&f, 0).unwrap();
        for x in [-3.0, -0.5, 0.7, 2.0] {
            let h = 1e-6;
            let fd = (at(&f, x + h) - at(&f, x - h)) / (2.0 * h);
            assert!((at(&d, x) - fd).abs() < 1e-5, "at {x}: {} vs {fd}", at(&d, x));
        }
    }
}
