//! Evaluating expressions for one element.

use crate::ir::{BinOp, CmpOp, DrawKind, Expr, Func};
use crate::random::{DrawCoord, Purpose, normal_pair, uniform_f64};

/// Everything an expression of one element can read.
pub struct Frame<'a> {
    /// Parameters.
    pub params: &'a [f64],
    /// States.
    pub states: &'a [f64],
    /// Continuous input values this step.
    pub inputs: &'a [f64],
    /// Handler locals.
    pub locals: &'a [f64],
    /// Current time in seconds.
    pub t: f64,
    /// Time step in seconds.
    pub dt: f64,
    /// Element index in its population.
    pub index: u64,
    /// Where draws come from.
    pub draws: Draws,
    /// Factor on `noise(sigma)` terms (1/√h inside a stochastic solver stage).
    pub noise_scale: f64,
}

impl<'a> Frame<'a> {
    /// A frame outside any stochastic solver stage (noise terms unscaled).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        params: &'a [f64],
        states: &'a [f64],
        inputs: &'a [f64],
        locals: &'a [f64],
        t: f64,
        dt: f64,
        index: u64,
        draws: Draws,
    ) -> Self {
        Frame { params, states, inputs, locals, t, dt, index, draws, noise_scale: 1.0 }
    }
}

/// The coordinates of this element's draws.
#[derive(Clone, Copy, Debug)]
pub struct Draws {
    /// Network seed.
    pub seed: u64,
    /// Why the draws are made.
    pub purpose: Purpose,
    /// The drawing element.
    pub entity: u64,
    /// The step (0 before the run).
    pub step: u64,
}

impl Draws {
    fn coord(&self, site: u16) -> DrawCoord {
        DrawCoord::new(self.seed, self.purpose, self.entity, self.step, u32::from(site))
    }

    /// A standard normal for a site (the first Box–Muller output).
    pub fn normal(&self, site: u16) -> f64 {
        normal_pair(&self.coord(site)).0
    }

    /// A uniform in [0, 1) for a site.
    pub fn uniform(&self, site: u16) -> f64 {
        uniform_f64(&self.coord(site))
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Round half to even.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 { 2.0 * (x / 2.0).round() } else { r }
}

/// Evaluates `e`. `noise` terms evaluate to their amplitude times a standard normal (the
/// solver scales by √dt); outside ODEs they never occur.
pub fn eval(e: &Expr, f: &Frame<'_>) -> f64 {
    match e {
        Expr::Const(c) => *c,
        Expr::Param(i) => f.params[*i as usize],
        Expr::State(i) => f.states[*i as usize],
        Expr::Input(i) => f.inputs[*i as usize],
        Expr::Local(i) => f.locals[*i as usize],
        Expr::Time => f.t,
        Expr::Dt => f.dt,
        Expr::Index => f.index as f64,
        Expr::Neg(x) => -eval(x, f),
        Expr::Not(x) => truth(eval(x, f) == 0.0),
        Expr::Bin(op, a, b) => {
            let (x, y) = (eval(a, f), eval(b, f));
            match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                BinOp::Rem => x - y * (x / y).floor(),
                BinOp::Pow => pow(x, y),
                BinOp::Shl => x * 2f64.powi(y as i32),
                BinOp::Shr => (x / 2f64.powi(y as i32)).floor(),
            }
        }
        Expr::Cmp(op, a, b) => {
            let (x, y) = (eval(a, f), eval(b, f));
            truth(match op {
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
            })
        }
        Expr::And(a, b) => truth(eval(a, f) != 0.0 && eval(b, f) != 0.0),
        Expr::Or(a, b) => truth(eval(a, f) != 0.0 || eval(b, f) != 0.0),
        Expr::If(c, a, b) => {
            if eval(c, f) != 0.0 {
                eval(a, f)
            } else {
                eval(b, f)
            }
        }
        Expr::Call(func, args) => call(*func, args, f),
        Expr::Draw { site, kind, args } => {
            let a: Vec<f64> = args.iter().map(|x| eval(x, f)).collect();
            match kind {
                DrawKind::Uniform => a[0] + (a[1] - a[0]) * f.draws.uniform(*site),
                DrawKind::Normal => a[0] + a[1] * f.draws.normal(*site),
                DrawKind::Lognormal => (a[0] + a[1] * f.draws.normal(*site)).exp(),
                DrawKind::Bernoulli => truth(f.draws.uniform(*site) < a[0]),
            }
        }
        Expr::Noise { site, sigma } => eval(sigma, f) * f.draws.normal(*site) * f.noise_scale,
    }
}

/// x^y with exact repeated multiplication for small integer exponents (as the language says).
pub fn pow(x: f64, y: f64) -> f64 {
    if y == y.trunc() && y.abs() <= 16.0 {
        let n = y.abs() as u32;
        let mut r = 1.0;
        for _ in 0..n {
            r *= x;
        }
        if y < 0.0 { 1.0 / r } else { r }
    } else {
        x.powf(y)
    }
}

fn call(func: Func, args: &[Expr], f: &Frame<'_>) -> f64 {
    let a = |i: usize| eval(&args[i], f);
    match func {
        Func::Exp => a(0).exp(),
        Func::Log => a(0).ln(),
        Func::Sqrt => a(0).sqrt(),
        Func::Abs => a(0).abs(),
        Func::Min => args.iter().map(|x| eval(x, f)).fold(f64::INFINITY, f64::min),
        Func::Max => args.iter().map(|x| eval(x, f)).fold(f64::NEG_INFINITY, f64::max),
        Func::Clip => a(0).max(a(1)).min(a(2)),
        Func::Floor => a(0).floor(),
        Func::Ceil => a(0).ceil(),
        Func::Round => round_half_even(a(0)),
        Func::Tanh => a(0).tanh(),
        Func::Atan => a(0).atan(),
        Func::Tan => a(0).tan(),
        Func::Sigmoid => 1.0 / (1.0 + (-a(0)).exp()),
        Func::Exprel => {
            let x = a(0);
            if x.abs() < 1e-9 { 1.0 + x / 2.0 } else { x.exp_m1() / x }
        }
        Func::Boltz => 1.0 / (1.0 + ((a(1) - a(0)) / a(2)).exp()),
        Func::Hill => {
            let (x, k, n) = (a(0), a(1), a(2));
            let xn = x.powf(n);
            xn / (xn + k.powf(n))
        }
        Func::Heaviside => {
            let x = a(0);
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                0.0
            } else {
                0.5
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame<'a>(params: &'a [f64], states: &'a [f64]) -> Frame<'a> {
        Frame {
            params,
            states,
            inputs: &[],
            locals: &[],
            t: 0.0,
            dt: 1e-4,
            index: 3,
            draws: Draws { seed: 1, purpose: Purpose::StepDraws, entity: 3, step: 0 },
            noise_scale: 1.0,
        }
    }

    #[test]
    fn arithmetic_and_functions() {
        let f = frame(&[0.02], &[-0.065]);
        let e = Expr::Bin(BinOp::Div, Box::new(Expr::Neg(Box::new(Expr::State(0)))), Box::new(Expr::Param(0)));
        assert_eq!(eval(&e, &f), 0.065 / 0.02);
        assert_eq!(eval(&Expr::Call(Func::Exprel, vec![Expr::Const(0.0)]), &f), 1.0);
        assert_eq!(pow(2.0, 3.0), 8.0);
        assert_eq!(round_half_even(2.5), 2.0);
        assert_eq!(round_half_even(3.5), 4.0);
    }

    #[test]
    fn draws_are_pure_functions_of_their_coordinates() {
        let f = frame(&[], &[]);
        let d = Expr::Draw { site: 2, kind: DrawKind::Uniform, args: vec![Expr::Const(-1.0), Expr::Const(1.0)] };
        let x = eval(&d, &f);
        assert_eq!(x, eval(&d, &f));
        assert!((-1.0..1.0).contains(&x));
        let other = Expr::Draw { site: 3, kind: DrawKind::Uniform, args: vec![Expr::Const(-1.0), Expr::Const(1.0)] };
        assert_ne!(x, eval(&other, &f));
    }
}
