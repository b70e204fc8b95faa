//! The interpreter's solvers (`scn_runtime::interp::solver::advance`) as straight-line code
//! over SSA values, substeps unrolled, with the same operation order.

use crate::abi::Field;
use crate::expr::{C, Env, Gen, States, Unsupported, V, flags};
use crate::kernel::ModelInfo;
use cranelift::prelude::*;
use scn_runtime::interp::expm::{Matrix, propagators};
use scn_runtime::ir::{CmpOp, GateKinetics, Solver};

/// The most substeps the JIT unrolls; more run on the interpreter.
pub const MAX_SUBSTEPS: u32 = 64;

/// One right-hand side evaluation: f_k(x) for every ODE, `dt` reading 0 as in the interpreter.
fn rhs(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V], noise_scale: f64) -> Result<Vec<V>, Unsupported> {
    let env = Env { states: States::Values(x), dt: 0.0, noise_scale };
    info.model.odes.iter().map(|(_, e)| g.expr(e, &env)).collect()
}

/// `x + w·k` for every ODE slot.
fn axpy(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V], w: f64, k: &[V]) -> Vec<V> {
    let mut out = x.to_vec();
    for (j, (s, _)) in info.model.odes.iter().enumerate() {
        let m = g.mul(V::K(w), k[j]);
        out[*s as usize] = g.add(x[*s as usize], m);
    }
    out
}

fn fabs(g: &mut Gen<'_, '_>, x: V) -> V {
    match x {
        V::K(c) => V::K(c.abs()),
        V::R(x) => V::R(g.b.ins().fabs(x)),
    }
}

/// Advances the states `x` (all slots) by one step; the held states are restored by the caller.
pub fn advance(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V]) -> Result<Vec<V>, Unsupported> {
    let m = info.model;
    let substeps = m.substeps.max(1);
    if substeps > MAX_SUBSTEPS {
        return Err(Unsupported(format!("{substeps} substeps (at most {MAX_SUBSTEPS})")));
    }
    let h = info.dt / f64::from(substeps);
    let noise_scale = if info.noisy { 1.0 / h.sqrt() } else { 1.0 };
    let mut x = x.to_vec();
    for _ in 0..substeps {
        #[allow(unreachable_patterns)]
        match m.solver {
            Solver::Euler => {
                let k1 = rhs(g, info, &x, noise_scale)?;
                x = axpy(g, info, &x, h, &k1);
            }
            Solver::Heun => {
                let k1 = rhs(g, info, &x, noise_scale)?;
                let tmp = axpy(g, info, &x, h, &k1);
                let k2 = rhs(g, info, &tmp, noise_scale)?;
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let sum = g.add(k1[k], k2[k]);
                    let d = g.mul(V::K(h * 0.5), sum);
                    x[*s as usize] = g.add(x[*s as usize], d);
                }
            }
            Solver::Rk4 => {
                let mut ks = vec![rhs(g, info, &x, noise_scale)?];
                for stage in 1..4 {
                    let w = if stage == 3 { h } else { h / 2.0 };
                    let tmp = axpy(g, info, &x, w, &ks[stage - 1]);
                    ks.push(rhs(g, info, &tmp, noise_scale)?);
                }
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let a = g.mul(V::K(2.0), ks[1][k]);
                    let a = g.add(ks[0][k], a);
                    let c = g.mul(V::K(2.0), ks[2][k]);
                    let a = g.add(a, c);
                    let a = g.add(a, ks[3][k]);
                    let d = g.mul(V::K(h / 6.0), a);
                    x[*s as usize] = g.add(x[*s as usize], d);
                }
            }
            Solver::ExpEuler => {
                let k1 = rhs(g, info, &x, noise_scale)?;
                let env = Env { states: States::Values(&x), dt: 0.0, noise_scale: 0.0 };
                let mut slopes = Vec::new();
                for d in info.diag {
                    slopes.push(match d {
                        Some(d) => Some(g.expr(d, &env)?),
                        None => None,
                    });
                }
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let s = *s as usize;
                    x[s] = exp_euler_one(g, x[s], k1[k], slopes.get(k).copied().flatten(), h);
                }
            }
            Solver::RushLarsen => x = rush_larsen_step(g, info, &x, h, noise_scale)?,
            Solver::Exact => x = exact_step(g, info, &x, h)?,
            other => return Err(Unsupported(format!("solver {other:?}"))),
        }
    }
    Ok(x)
}

/// `c · x`, or −0 when the coefficient is zero (the interpreter's `sparse_product`): a known
/// zero coefficient costs nothing, since adding −0 is folded away.
fn sparse_product(g: &mut Gen<'_, '_>, c: V, x: V) -> V {
    match c {
        // `== 0.0` holds for −0 too, as in the interpreter.
        V::K(k) => {
            if k == 0.0 {
                V::K(-0.0)
            } else {
                g.mul(c, x)
            }
        }
        V::R(_) => {
            let p = g.mul(c, x);
            let nz = g.cmp(CmpOp::Ne, c, V::K(0.0));
            g.select(nz, p, V::K(-0.0))
        }
    }
}

/// One exponential-Euler update, `x + f·expm1(b·h)/b`, or `x + h·f` where the slope `b` is
/// absent, zero or not finite.
fn exp_euler_one(g: &mut Gen<'_, '_>, x: V, f: V, slope: Option<V>, h: f64) -> V {
    let euler = {
        let d = g.mul(V::K(h), f);
        g.add(x, d)
    };
    let Some(b) = slope else { return euler };
    let bh = g.mul(b, V::K(h));
    let em1 = g.call1(crate::abi::scn_jit_exp_m1, bh);
    let num = g.mul(f, em1);
    let d = g.div(num, b);
    let exp = g.add(x, d);
    let nz = g.cmp(CmpOp::Ne, b, V::K(0.0));
    let ab = fabs(g, b);
    let finite = g.cmp(CmpOp::Lt, ab, V::K(f64::INFINITY));
    let ok = match (nz, finite) {
        (C::K(a), C::K(b)) => C::K(a && b),
        _ => {
            let (a, b) = (g.cond(nz), g.cond(finite));
            C::R(g.b.ins().band(a, b))
        }
    };
    g.select(ok, exp, euler)
}

/// One Rush–Larsen (sub)step, as the interpreter computes it: every gate in closed form with
/// its coefficients at the start of the step (read without noise), every other ODE by
/// exponential Euler (its right-hand side with noise, its slope without).
fn rush_larsen_step(
    g: &mut Gen<'_, '_>,
    info: &ModelInfo<'_>,
    x: &[V],
    h: f64,
    noise: f64,
) -> Result<Vec<V>, Unsupported> {
    let m = info.model;
    let frozen = Env { states: States::Values(x), dt: 0.0, noise_scale: 0.0 };
    let drift = Env { states: States::Values(x), dt: 0.0, noise_scale: noise };
    let mut out = x.to_vec();
    for (k, (s, ode)) in m.odes.iter().enumerate() {
        let xs = x[*s as usize];
        out[*s as usize] = match m.gates.iter().find(|gate| gate.state == *s).map(|gate| &gate.kinetics) {
            Some(GateKinetics::Rates { alpha, beta }) => {
                let a = g.expr(alpha, &frozen)?;
                let b = g.expr(beta, &frozen)?;
                let sum = g.add(a, b);
                let inf = g.div(a, sum);
                let arg = g.mul(V::K(-h), sum);
                relax(g, xs, inf, arg)
            }
            Some(GateKinetics::Relaxation { inf, tau }) => {
                let inf = g.expr(inf, &frozen)?;
                let tau = g.expr(tau, &frozen)?;
                let arg = g.div(V::K(-h), tau);
                relax(g, xs, inf, arg)
            }
            None => {
                let f = g.expr(ode, &drift)?;
                let slope = match info.diag.get(k).and_then(|d| d.as_ref()) {
                    Some(d) => Some(g.expr(d, &frozen)?),
                    None => None,
                };
                exp_euler_one(g, xs, f, slope, h)
            }
        };
    }
    Ok(out)
}

/// `inf + (x − inf)·e^arg`.
fn relax(g: &mut Gen<'_, '_>, x: V, inf: V, arg: V) -> V {
    let e = g.call1(crate::abi::scn_jit_exp, arg);
    let d = g.sub(x, inf);
    let p = g.mul(d, e);
    g.add(inf, p)
}

/// `v = Σ_j (E_ij x_j + F_ij b_j)` from −0 without the zero entries, as the interpreter sums it.
fn propagate(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V], e: &[V], f: &[V], b: &[V]) -> Vec<V> {
    let odes = &info.model.odes;
    let n = odes.len();
    let mut out = x.to_vec();
    for i in 0..n {
        let mut v = V::K(-0.0);
        for j in 0..n {
            let ex = sparse_product(g, e[i * n + j], x[odes[j].0 as usize]);
            let fb = sparse_product(g, f[i * n + j], b[j]);
            let s = g.add(ex, fb);
            v = g.add(v, s);
        }
        out[odes[i].0 as usize] = v;
    }
    out
}

/// `f(x) − A x` with the interpreter's summation (from −0, without the zero entries of A).
fn affine_part(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V], a: &[V]) -> Result<Vec<V>, Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let fx = rhs(g, info, x, 1.0)?;
    let mut b = Vec::with_capacity(n);
    for i in 0..n {
        let mut acc = V::K(-0.0);
        for j in 0..n {
            let t = sparse_product(g, a[i * n + j], x[odes[j].0 as usize]);
            acc = g.add(acc, t);
        }
        b.push(g.sub(fx[i], acc));
    }
    Ok(b)
}

/// `x(t + h) = E x + F b`, with the interpreter's per-element cache of A, E, F: when the
/// cache is empty (or A is not constant) A and b come from probing the right-hand side at
/// the unit vectors, else b = f(x) − A x from one evaluation. When the probe gives A as
/// constants of the kernel, E and F are computed now by the interpreter's own function.
fn exact_step(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[V], h: f64) -> Result<Vec<V>, Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let nn = n * n;
    // The probe: b = f(x with the ODE states zeroed); column j of A = f(e_j) − b. Its code is
    // placed where it runs (every step, or only while the element's cache is empty).
    let probe = |g: &mut Gen<'_, '_>| -> Result<(Vec<V>, Vec<V>), Unsupported> {
        let mut p = x.to_vec();
        for (s, _) in odes {
            p[*s as usize] = V::K(0.0);
        }
        let f0 = rhs(g, info, &p, 1.0)?;
        let mut a = vec![V::K(0.0); nn];
        for j in 0..n {
            let sj = odes[j].0 as usize;
            p[sj] = V::K(1.0);
            let col = rhs(g, info, &p, 1.0)?;
            p[sj] = V::K(0.0);
            for i in 0..n {
                a[i * n + j] = g.sub(col[i], f0[i]);
            }
        }
        Ok((f0, a))
    };
    let valid = g.elem_addr(Field::ExactValid, 1, 0, 1);
    if !info.exact_static {
        let (f0, a) = probe(g)?;
        if let Some(a) = known(&a) {
            let (e, f) = propagators(&Matrix { n, a }, h);
            let (e, f) = (consts(&e.a), consts(&f.a));
            return Ok(propagate(g, info, x, &e, &f, &f0));
        }
    }
    if g.vector() {
        return Err(Unsupported("an exact solver with a per-element cache in a vector kernel".into()));
    }
    let cache = g.elem_addr(Field::Exact, 3 * nn, 0, 8);
    let bvars: Vec<Variable> = (0..n).map(|_| g.b.declare_var(types::F64)).collect();
    let (probe_blk, reuse_blk, merge) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
    if info.exact_static {
        let v = g.b.ins().load(types::I8, flags(), valid, 0);
        g.b.ins().brif(v, reuse_blk, &[], probe_blk, &[]);
    } else {
        g.b.ins().jump(probe_blk, &[]);
    }
    g.b.switch_to_block(probe_blk);
    let (f0, a) = probe(g)?;
    // A constant A (a static system whose probe folds) gives constant propagators; the cache
    // then only marks the element as probed.
    let fixed = known(&a).map(|ak| {
        let (e, f) = propagators(&Matrix { n, a: ak }, h);
        (a.clone(), consts(&e.a), consts(&f.a))
    });
    if fixed.is_some() {
        let one = g.b.ins().iconst(types::I8, 1);
        g.b.ins().store(flags(), one, valid, 0);
    } else {
        let slot =
            g.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, (8 * nn.max(1)) as u32, 3));
        let a_ptr = g.b.ins().stack_addr(g.ptr, slot, 0);
        for (k, v) in a.iter().enumerate() {
            let v = g.val(*v);
            g.b.ins().store(flags(), v, a_ptr, (8 * k) as i32);
        }
        g.exact_update(cache, valid, a_ptr, n, h);
    }
    for (k, v) in bvars.iter().enumerate() {
        let f = g.val(f0[k]);
        g.b.def_var(*v, f);
    }
    g.b.ins().jump(merge, &[]);
    g.b.switch_to_block(reuse_blk);
    let load = |g: &mut Gen<'_, '_>, at: usize| V::R(g.b.ins().load(types::F64, flags(), cache, (8 * at) as i32));
    let cached: Vec<V> = match &fixed {
        Some((a, _, _)) => a.clone(),
        None => (0..nn).map(|k| load(g, k)).collect(),
    };
    let b = affine_part(g, info, x, &cached)?;
    for (k, v) in bvars.iter().enumerate() {
        let b = g.val(b[k]);
        g.b.def_var(*v, b);
    }
    g.b.ins().jump(merge, &[]);
    g.b.switch_to_block(merge);
    let b: Vec<V> = bvars.iter().map(|v| V::R(g.b.use_var(*v))).collect();
    let (e, f) = match fixed {
        Some((_, e, f)) => (e, f),
        None => ((0..nn).map(|k| load(g, nn + k)).collect(), (0..nn).map(|k| load(g, 2 * nn + k)).collect()),
    };
    Ok(propagate(g, info, x, &e, &f, &b))
}

/// The values when every one is a constant of the kernel.
fn known(v: &[V]) -> Option<Vec<f64>> {
    v.iter()
        .map(|v| match v {
            V::K(c) => Some(*c),
            V::R(_) => None,
        })
        .collect()
}

fn consts(v: &[f64]) -> Vec<V> {
    v.iter().map(|c| V::K(*c)).collect()
}
