//! Advancing one element's ODE states by one time step.

use super::eval::{Draws, Frame, eval};
use super::expm::{Matrix, propagators};
use crate::ir::{Expr, Gate, GateKinetics, Solver};

/// The pieces of an element an ODE right-hand side reads.
pub struct Element<'a> {
    /// Parameters.
    pub params: &'a [f64],
    /// Continuous inputs.
    pub inputs: &'a [f64],
    /// Current time.
    pub t: f64,
    /// Element index.
    pub index: u64,
    /// Per-step draws.
    pub draws: Draws,
}

/// A short scratch buffer: on the stack for up to 16 values (every model so far), else on the
/// heap. The solvers run once per element per step, so allocation would dominate.
enum Buf {
    Inline([f64; 16], usize),
    Heap(Vec<f64>),
}

impl Buf {
    fn zeros(n: usize) -> Self {
        if n <= 16 { Buf::Inline([0.0; 16], n) } else { Buf::Heap(vec![0.0; n]) }
    }

    fn copy_of(values: &[f64]) -> Self {
        let mut b = Buf::zeros(values.len());
        b.copy_from_slice(values);
        b
    }
}

impl std::ops::Deref for Buf {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            Buf::Inline(a, n) => &a[..*n],
            Buf::Heap(v) => v,
        }
    }
}

impl std::ops::DerefMut for Buf {
    fn deref_mut(&mut self) -> &mut [f64] {
        match self {
            Buf::Inline(a, n) => &mut a[..*n],
            Buf::Heap(v) => v,
        }
    }
}

/// Cached propagators of the exact solver for one element.
#[derive(Clone, Debug, Default)]
pub struct ExactCache {
    a: Vec<f64>,
    e: Option<Matrix>,
    f: Option<Matrix>,
}

/// Everything the solver needs about a model's ODE system.
pub struct System<'a> {
    /// (state slot, right-hand side).
    pub odes: &'a [(u16, Expr)],
    /// ∂f_i/∂x_i for each ODE (exponential Euler), if available.
    pub diag: &'a [Option<Expr>],
    /// For each ODE, the gate that describes it, if its state is a channel gate (Rush–Larsen).
    pub gates: &'a [Option<&'a Gate>],
    /// The method.
    pub solver: Solver,
    /// Substeps per step.
    pub substeps: u32,
    /// Whether A depends on parameters and constants only (the exact solver caches it).
    pub exact_static: bool,
    /// Whether any right-hand side has a `noise` term (see [`has_noise`]).
    pub noisy: bool,
}

fn rhs(sys: &System<'_>, el: &Element<'_>, states: &[f64], noise_scale: f64, out: &mut [f64]) {
    let frame = Frame {
        params: el.params,
        states,
        inputs: el.inputs,
        locals: &[],
        t: el.t,
        dt: 0.0,
        index: el.index,
        draws: el.draws,
        noise_scale,
    };
    for (k, (_, e)) in sys.odes.iter().enumerate() {
        out[k] = eval(e, &frame);
    }
}

/// Whether an expression contains a noise term.
pub fn has_noise(e: &Expr) -> bool {
    match e {
        Expr::Noise { .. } => true,
        Expr::Neg(a) | Expr::Not(a) => has_noise(a),
        Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => has_noise(a) || has_noise(b),
        Expr::If(c, a, b) => has_noise(c) || has_noise(a) || has_noise(b),
        Expr::Call(_, args) | Expr::Draw { args, .. } => args.iter().any(has_noise),
        _ => false,
    }
}

/// Advances the ODE states of one element by `dt`, writing the new values into `states`
/// (held states, listed in `held`, keep their values).
pub fn advance(sys: &System<'_>, el: &Element<'_>, states: &mut [f64], held: u64, dt: f64, cache: &mut ExactCache) {
    let n = sys.odes.len();
    if n == 0 {
        return;
    }
    let before = Buf::copy_of(states);
    let h = dt / f64::from(sys.substeps.max(1));
    let noise_scale = if sys.noisy { 1.0 / h.sqrt() } else { 1.0 };
    let mut k1 = Buf::zeros(n);
    for _ in 0..sys.substeps.max(1) {
        match sys.solver {
            Solver::Euler => {
                rhs(sys, el, states, noise_scale, &mut k1);
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    states[*s as usize] += h * k1[k];
                }
            }
            Solver::Heun => {
                rhs(sys, el, states, noise_scale, &mut k1);
                let mut tmp = Buf::copy_of(states);
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    tmp[*s as usize] += h * k1[k];
                }
                let mut k2 = Buf::zeros(n);
                rhs(sys, el, &tmp, noise_scale, &mut k2);
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    states[*s as usize] += h * 0.5 * (k1[k] + k2[k]);
                }
            }
            Solver::Rk4 => {
                let mut ks = [Buf::zeros(n), Buf::zeros(n), Buf::zeros(n), Buf::zeros(n)];
                rhs(sys, el, states, noise_scale, &mut ks[0]);
                for stage in 1..4 {
                    let w = if stage == 3 { h } else { h / 2.0 };
                    let mut tmp = Buf::copy_of(states);
                    for (k, (s, _)) in sys.odes.iter().enumerate() {
                        tmp[*s as usize] += w * ks[stage - 1][k];
                    }
                    let (done, rest) = ks.split_at_mut(stage);
                    let _ = done;
                    rhs(sys, el, &tmp, noise_scale, &mut rest[0]);
                }
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    states[*s as usize] += h / 6.0 * (ks[0][k] + 2.0 * ks[1][k] + 2.0 * ks[2][k] + ks[3][k]);
                }
            }
            Solver::ExpEuler | Solver::RushLarsen => {
                let frame = Frame {
                    params: el.params,
                    states,
                    inputs: el.inputs,
                    locals: &[],
                    t: el.t,
                    dt: 0.0,
                    index: el.index,
                    draws: el.draws,
                    noise_scale: 0.0,
                };
                // The right-hand sides see the noise; their slopes do not.
                let drift = Frame { noise_scale, ..frame };
                // Everything is read from the state at the start of the (sub)step, then written.
                let mut updates = Buf::zeros(n);
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    let x = states[*s as usize];
                    let gate =
                        if sys.solver == Solver::RushLarsen { sys.gates.get(k).copied().flatten() } else { None };
                    updates[k] = match gate {
                        Some(g) => match &g.kinetics {
                            GateKinetics::Rates { alpha, beta } => {
                                let a = eval(alpha, &frame);
                                let s = a + eval(beta, &frame);
                                let inf = a / s;
                                inf + (x - inf) * (-h * s).exp()
                            }
                            GateKinetics::Relaxation { inf, tau } => {
                                let inf = eval(inf, &frame);
                                inf + (x - inf) * (-h / eval(tau, &frame)).exp()
                            }
                        },
                        None => {
                            let f = eval(&sys.odes[k].1, &drift);
                            match sys.diag.get(k).and_then(|d| d.as_ref()).map(|d| eval(d, &frame)) {
                                Some(b) if b != 0.0 && b.is_finite() => x + f * (b * h).exp_m1() / b,
                                _ => x + h * f,
                            }
                        }
                    };
                }
                for (k, (s, _)) in sys.odes.iter().enumerate() {
                    states[*s as usize] = updates[k];
                }
            }
            Solver::Exact => exact_step(sys, el, states, h, cache),
        }
    }
    for (s, _) in sys.odes {
        if held & (1u64 << (*s).min(63)) != 0 {
            states[*s as usize] = before[*s as usize];
        }
    }
}

/// x(t + h) = E x + F b for the affine system x' = A x + b. Each component is summed in
/// column order from −0, the products with a zero entry of E, F (or A) left out.
fn exact_step(sys: &System<'_>, el: &Element<'_>, states: &mut [f64], h: f64, cache: &mut ExactCache) {
    let n = sys.odes.len();
    let slot = |k: usize| sys.odes[k].0 as usize;
    let mut f0 = Buf::zeros(n);
    let need_a = !sys.exact_static || cache.e.is_none();
    if need_a {
        // b = f(x with the ODE states zeroed); column j of A = f(e_j) - b.
        let mut probe = Buf::copy_of(states);
        for (s, _) in sys.odes {
            probe[*s as usize] = 0.0;
        }
        rhs(sys, el, &probe, 1.0, &mut f0);
        let mut a = vec![0.0; n * n];
        let mut col = vec![0.0; n];
        for j in 0..n {
            probe[slot(j)] = 1.0;
            rhs(sys, el, &probe, 1.0, &mut col);
            probe[slot(j)] = 0.0;
            for i in 0..n {
                a[i * n + j] = col[i] - f0[i];
            }
        }
        if cache.e.is_none() || cache.a != a {
            let m = Matrix { n, a: a.clone() };
            let (e, f) = propagators(&m, h);
            cache.a = a;
            cache.e = Some(e);
            cache.f = Some(f);
        }
    }
    let (Some(e), Some(f)) = (&cache.e, &cache.f) else { return };
    let mut x = Buf::zeros(n);
    for (k, v) in x.iter_mut().enumerate() {
        *v = states[slot(k)];
    }
    let b: Buf = if need_a {
        f0
    } else {
        // b = f(x) - A x, from one evaluation at the current state.
        let mut fx = Buf::zeros(n);
        rhs(sys, el, states, 1.0, &mut fx);
        for (i, v) in fx.iter_mut().enumerate() {
            *v -= (0..n).map(|j| sparse_product(cache.a[i * n + j], x[j])).sum::<f64>();
        }
        fx
    };
    for i in 0..n {
        let mut v = -0.0;
        for j in 0..n {
            v += sparse_product(e.at(i, j), x[j]) + sparse_product(f.at(i, j), b[j]);
        }
        states[slot(i)] = v;
    }
}

/// `c · x`, or −0 (the exact identity of addition) when the coefficient `c` is zero: the exact
/// solver's sums skip the zero entries of its matrices, which is what lets a compiled kernel
/// drop them (a decoupled state then costs one product, not n).
#[inline]
pub fn sparse_product(c: f64, x: f64) -> f64 {
    if c != 0.0 { c * x } else { -0.0 }
}
