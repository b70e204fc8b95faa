//! Symbolic derivatives of IR expressions with respect to one state, for the exponential
//! Euler and Rush–Larsen solvers (x' ≈ a + b·x with b = ∂f/∂x at the start of the step).

use crate::ir::{BinOp, CmpOp, Expr, Func};

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
                Func::Atan => div(dx, add(c(1.0), mul(x.clone(), x.clone()))),
                Func::Tan => {
                    let t = Expr::Call(Func::Tan, vec![x.clone()]);
                    mul(add(c(1.0), mul(t.clone(), t)), dx)
                }
                Func::Sigmoid => {
                    let g = Expr::Call(Func::Sigmoid, vec![x.clone()]);
                    mul(mul(g.clone(), sub(c(1.0), g)), dx)
                }
                Func::Exprel => {
                    // d/dx (e^x − 1)/x = ((x − 1)·e^x + 1)/x², by its series 1/2 + x/3 near 0
                    // where the closed form cancels.
                    let small = Expr::Cmp(CmpOp::Lt, b(Expr::Call(Func::Abs, vec![x.clone()])), b(c(1e-4)));
                    let series = add(c(0.5), div(x.clone(), c(3.0)));
                    let closed = div(
                        add(mul(sub(x.clone(), c(1.0)), Expr::Call(Func::Exp, vec![x.clone()])), c(1.0)),
                        mul(x.clone(), x.clone()),
                    );
                    mul(Expr::If(b(small), b(series), b(closed)), dx)
                }
                // Only the first argument may depend on the state.
                _ if !args.iter().skip(1).all(|a| matches!(diff(a, s), Some(Expr::Const(z)) if z == 0.0)) => {
                    return None;
                }
                Func::Boltz => {
                    // boltz(x, xh, k) = 1/(1 + e^((xh − x)/k)): derivative boltz·(1 − boltz)/k.
                    let g = Expr::Call(Func::Boltz, args.clone());
                    mul(div(mul(g.clone(), sub(c(1.0), g)), args[2].clone()), dx)
                }
                Func::Hill => {
                    // x^n/(x^n + k^n): derivative n·x^(n−1)·k^n/(x^n + k^n)².
                    let (k, n) = (args[1].clone(), args[2].clone());
                    let pow = |a: Expr, e: Expr| Expr::Bin(BinOp::Pow, b(a), b(e));
                    let denom = add(pow(x.clone(), n.clone()), pow(k.clone(), n.clone()));
                    let num = mul(mul(n.clone(), pow(x.clone(), sub(n.clone(), c(1.0)))), pow(k, n));
                    mul(div(num, mul(denom.clone(), denom)), dx)
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

    #[test]
    fn rate_function_derivatives_match_finite_differences() {
        // exprel(v / 3) + boltz(v, 0.5, 2) + hill(v, 1.5, 3), the rate functions of channels.
        let v = || Expr::State(0);
        let f = Expr::Bin(
            BinOp::Add,
            b(Expr::Bin(
                BinOp::Add,
                b(Expr::Call(Func::Exprel, vec![Expr::Bin(BinOp::Div, b(v()), b(c(3.0)))])),
                b(Expr::Call(Func::Boltz, vec![v(), c(0.5), c(2.0)])),
            )),
            b(Expr::Call(Func::Hill, vec![v(), c(1.5), c(3.0)])),
        );
        let d = diff(&f, 0).unwrap();
        for x in [1e-9, 1e-5, 0.3, 0.7, 2.0, 4.0] {
            let h = 1e-6;
            let fd = (at(&f, x + h) - at(&f, x - h)) / (2.0 * h);
            assert!((at(&d, x) - fd).abs() < 1e-5, "at {x}: {} vs {fd}", at(&d, x));
        }
    }

    #[test]
    fn trigonometric_derivatives_match_finite_differences() {
        // atan(v / 2) + tan(v), the functions of the theta and QIF exact flows.
        let v = || Expr::State(0);
        let f = Expr::Bin(
            BinOp::Add,
            b(Expr::Call(Func::Atan, vec![Expr::Bin(BinOp::Div, b(v()), b(c(2.0)))])),
            b(Expr::Call(Func::Tan, vec![v()])),
        );
        let d = diff(&f, 0).unwrap();
        for x in [-1.2, -0.3, 0.0, 0.5, 1.4] {
            let h = 1e-6;
            let fd = (at(&f, x + h) - at(&f, x - h)) / (2.0 * h);
            assert!((at(&d, x) - fd).abs() < 1e-4 * fd.abs().max(1.0), "at {x}: {} vs {fd}", at(&d, x));
        }
    }
}
