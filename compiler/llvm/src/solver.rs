//! The interpreter's solvers (`scn_runtime::interp::solver::advance`) as straight-line LLVM
//! IR over SSA values, substeps unrolled, with the same operation order (the Cranelift JIT's
//! `scn_jit::solver`, on the LLVM generator).

use crate::expr::{Env, Gen, States, Unsupported, V};
use crate::helpers::Helper;
use crate::kernel::ModelInfo;
use inkwell::IntPredicate;
use inkwell::values::PointerValue;
use scn_jit::abi::Field;
use scn_jit::solver::MAX_SUBSTEPS;
use scn_runtime::interp::expm::{Matrix, propagators};
use scn_runtime::ir::{CmpOp, Solver};

type Vs<'ctx> = Vec<V<'ctx>>;

/// One right-hand side evaluation: f_k(x) for every ODE, `dt` reading 0 as in the interpreter.
fn rhs<'ctx>(
    g: &Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    x: &[V<'ctx>],
    noise_scale: f64,
) -> Result<Vs<'ctx>, Unsupported> {
    let env = Env { states: States::Values(x), dt: 0.0, noise_scale };
    info.model.odes.iter().map(|(_, e)| g.expr(e, &env)).collect()
}

/// `x + w·k` for every ODE slot.
fn axpy<'ctx>(
    g: &Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    x: &[V<'ctx>],
    w: f64,
    k: &[V<'ctx>],
) -> Result<Vs<'ctx>, Unsupported> {
    let mut out = x.to_vec();
    for (j, (s, _)) in info.model.odes.iter().enumerate() {
        let m = g.mul(V::K(w), k[j])?;
        out[*s as usize] = g.add(x[*s as usize], m)?;
    }
    Ok(out)
}

/// Advances the states `x` (all slots) by one step; the held states are restored by the caller.
pub fn advance<'ctx>(g: &Gen<'_, 'ctx>, info: &ModelInfo<'_>, x: &[V<'ctx>]) -> Result<Vs<'ctx>, Unsupported> {
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
                x = axpy(g, info, &x, h, &k1)?;
            }
            Solver::Heun => {
                let k1 = rhs(g, info, &x, noise_scale)?;
                let tmp = axpy(g, info, &x, h, &k1)?;
                let k2 = rhs(g, info, &tmp, noise_scale)?;
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let sum = g.add(k1[k], k2[k])?;
                    let d = g.mul(V::K(h * 0.5), sum)?;
                    x[*s as usize] = g.add(x[*s as usize], d)?;
                }
            }
            Solver::Rk4 => {
                let mut ks = vec![rhs(g, info, &x, noise_scale)?];
                for stage in 1..4 {
                    let w = if stage == 3 { h } else { h / 2.0 };
                    let tmp = axpy(g, info, &x, w, &ks[stage - 1])?;
                    ks.push(rhs(g, info, &tmp, noise_scale)?);
                }
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let a = g.mul(V::K(2.0), ks[1][k])?;
                    let a = g.add(ks[0][k], a)?;
                    let c = g.mul(V::K(2.0), ks[2][k])?;
                    let a = g.add(a, c)?;
                    let a = g.add(a, ks[3][k])?;
                    let d = g.mul(V::K(h / 6.0), a)?;
                    x[*s as usize] = g.add(x[*s as usize], d)?;
                }
            }
            Solver::ExpEuler => x = exp_euler_step(g, info, &x, h, noise_scale)?,
            Solver::Exact => x = exact_step(g, info, &x, h)?,
            // Rush–Larsen integrates channel gates in closed form, which is not generated yet.
            other => return Err(Unsupported(format!("solver {other:?}"))),
        }
    }
    Ok(x)
}

/// One exponential-Euler substep: `x + k·(e^{bh} − 1)/b` where the slope b is finite and
/// nonzero, the Euler step elsewhere.
fn exp_euler_step<'ctx>(
    g: &Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    x: &[V<'ctx>],
    h: f64,
    noise_scale: f64,
) -> Result<Vs<'ctx>, Unsupported> {
    let k1 = rhs(g, info, x, noise_scale)?;
    let env = Env { states: States::Values(x), dt: 0.0, noise_scale: 0.0 };
    let mut slopes = Vec::new();
    for d in info.diag {
        slopes.push(match d {
            Some(d) => Some(g.expr(d, &env)?),
            None => None,
        });
    }
    let mut out = x.to_vec();
    for (k, (s, _)) in info.model.odes.iter().enumerate() {
        let s = *s as usize;
        let d = g.mul(V::K(h), k1[k])?;
        let euler = g.add(x[s], d)?;
        out[s] = match slopes.get(k).copied().flatten() {
            Some(b) => {
                let bh = g.mul(b, V::K(h))?;
                let em1 = g.call1(Helper::ExpM1, bh)?;
                let num = g.mul(k1[k], em1)?;
                let d = g.div(num, b)?;
                let exp = g.add(x[s], d)?;
                let nz = g.cmp(CmpOp::Ne, b, V::K(0.0))?;
                let ab = g.fabs(b)?;
                let finite = g.cmp(CmpOp::Lt, ab, V::K(f64::INFINITY))?;
                let ok = g.and(nz, finite)?;
                g.select(ok, exp, euler)?
            }
            None => euler,
        };
    }
    Ok(out)
}

/// `c · x`, or −0 when the coefficient is zero (the interpreter's `sparse_product`): the exact
/// solver's sums skip the zero entries of its matrices.
fn sparse_product<'ctx>(g: &Gen<'_, 'ctx>, c: V<'ctx>, x: V<'ctx>) -> Result<V<'ctx>, Unsupported> {
    match c {
        // `== 0.0` holds for −0 too, as in the interpreter.
        V::K(k) => {
            if k == 0.0 {
                Ok(V::K(-0.0))
            } else {
                g.mul(c, x)
            }
        }
        V::R(_) => {
            let p = g.mul(c, x)?;
            let nz = g.cmp(CmpOp::Ne, c, V::K(0.0))?;
            g.select(nz, p, V::K(-0.0))
        }
    }
}

/// `v = Σ_j (E_ij x_j + F_ij b_j)` from −0 without the zero entries, as the interpreter sums it.
fn propagate<'ctx>(
    g: &Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    x: &[V<'ctx>],
    e: &[V<'ctx>],
    f: &[V<'ctx>],
    b: &[V<'ctx>],
) -> Result<Vs<'ctx>, Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let mut out = x.to_vec();
    for i in 0..n {
        let mut v = V::K(-0.0);
        for j in 0..n {
            let ex = sparse_product(g, e[i * n + j], x[odes[j].0 as usize])?;
            let fb = sparse_product(g, f[i * n + j], b[j])?;
            let s = g.add(ex, fb)?;
            v = g.add(v, s)?;
        }
        out[odes[i].0 as usize] = v;
    }
    Ok(out)
}

/// `f(x) − A x` with the interpreter's summation (from −0).
fn affine_part<'ctx>(
    g: &Gen<'_, 'ctx>,
    info: &ModelInfo<'_>,
    x: &[V<'ctx>],
    a: &[V<'ctx>],
) -> Result<Vs<'ctx>, Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let fx = rhs(g, info, x, 1.0)?;
    let mut b = Vec::with_capacity(n);
    for i in 0..n {
        let mut acc = V::K(-0.0);
        for j in 0..n {
            let t = sparse_product(g, a[i * n + j], x[odes[j].0 as usize])?;
            acc = g.add(acc, t)?;
        }
        b.push(g.sub(fx[i], acc)?);
    }
    Ok(b)
}

/// The probe: b = f(x with the ODE states zeroed); column j of A = f(e_j) − b.
fn probe<'ctx>(g: &Gen<'_, 'ctx>, info: &ModelInfo<'_>, x: &[V<'ctx>]) -> Result<(Vs<'ctx>, Vs<'ctx>), Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let mut p = x.to_vec();
    for (s, _) in odes {
        p[*s as usize] = V::K(0.0);
    }
    let f0 = rhs(g, info, &p, 1.0)?;
    let mut a = vec![V::K(0.0); n * n];
    for j in 0..n {
        let sj = odes[j].0 as usize;
        p[sj] = V::K(1.0);
        let col = rhs(g, info, &p, 1.0)?;
        p[sj] = V::K(0.0);
        for i in 0..n {
            a[i * n + j] = g.sub(col[i], f0[i])?;
        }
    }
    Ok((f0, a))
}

/// `x(t + h) = E x + F b`, with the interpreter's per-element cache of A, E, F: when the
/// cache is empty (or A is not constant) A and b come from probing the right-hand side at
/// the unit vectors, else b = f(x) − A x from one evaluation. When the probe gives A as
/// constants of the kernel, E and F are computed now by the interpreter's own function.
fn exact_step<'ctx>(g: &Gen<'_, 'ctx>, info: &ModelInfo<'_>, x: &[V<'ctx>], h: f64) -> Result<Vs<'ctx>, Unsupported> {
    let n = info.model.odes.len();
    let nn = n * n;
    let valid = g.elem_addr(Field::ExactValid, 1, 0, 1)?;
    if !info.exact_static {
        let (f0, a) = probe(g, info, x)?;
        if let Some(a) = known(&a) {
            let (e, f) = propagators(&Matrix { n, a }, h);
            return propagate(g, info, x, &consts(&e.a), &consts(&f.a), &f0);
        }
    }
    let cache = g.elem_addr(Field::Exact, 3 * nn, 0, 8)?;
    let f64t = g.cx.f64_type();
    let bvars: Vec<PointerValue<'ctx>> = (0..n).map(|_| g.entry_slot(f64t.into())).collect::<Result<_, _>>()?;
    let (probe_blk, reuse_blk, merge) = (g.block("probe"), g.block("reuse"), g.block("merge"));
    if info.exact_static {
        let v = g.load_int(g.cx.i8_type(), valid)?;
        let v = g.b.build_int_compare(IntPredicate::NE, v, g.i8c(0), "valid")?;
        g.b.build_conditional_branch(v, reuse_blk, probe_blk)?;
    } else {
        g.b.build_unconditional_branch(probe_blk)?;
    }
    g.b.position_at_end(probe_blk);
    let (f0, a) = probe(g, info, x)?;
    // A constant A (a static system whose probe folds) gives constant propagators; the cache
    // then only marks the element as probed.
    let fixed = match known(&a) {
        Some(ak) => {
            let (e, f) = propagators(&Matrix { n, a: ak }, h);
            Some((a.clone(), consts(&e.a), consts(&f.a)))
        }
        None => None,
    };
    if fixed.is_some() {
        g.b.build_store(valid, g.i8c(1))?;
    } else {
        let a_ptr = g.entry_slot(f64t.array_type(nn.max(1) as u32).into())?;
        for (k, v) in a.iter().enumerate() {
            g.store_f64(a_ptr, k, g.val(*v))?;
        }
        g.exact_update(cache, valid, a_ptr, n, h)?;
    }
    for (k, v) in bvars.iter().enumerate() {
        g.b.build_store(*v, g.val(f0[k]))?;
    }
    g.b.build_unconditional_branch(merge)?;
    g.b.position_at_end(reuse_blk);
    let cached: Vs<'ctx> = match &fixed {
        Some((a, _, _)) => a.clone(),
        None => (0..nn).map(|k| g.load_f64(cache, k).map(V::R)).collect::<Result<_, _>>()?,
    };
    let b = affine_part(g, info, x, &cached)?;
    for (k, v) in bvars.iter().enumerate() {
        g.b.build_store(*v, g.val(b[k]))?;
    }
    g.b.build_unconditional_branch(merge)?;
    g.b.position_at_end(merge);
    let b: Vs<'ctx> = bvars
        .iter()
        .map(|v| Ok(V::R(g.b.build_load(f64t, *v, "b")?.into_float_value())))
        .collect::<Result<_, Unsupported>>()?;
    let (e, f) = match fixed {
        Some((_, e, f)) => (e, f),
        None => (
            (0..nn).map(|k| g.load_f64(cache, nn + k).map(V::R)).collect::<Result<_, _>>()?,
            (0..nn).map(|k| g.load_f64(cache, 2 * nn + k).map(V::R)).collect::<Result<_, _>>()?,
        ),
    };
    propagate(g, info, x, &e, &f, &b)
}

/// The values when every one is a constant of the kernel.
fn known(v: &[V<'_>]) -> Option<Vec<f64>> {
    v.iter()
        .map(|v| match v {
            V::K(c) => Some(*c),
            V::R(_) => None,
        })
        .collect()
}

fn consts<'ctx>(v: &[f64]) -> Vs<'ctx> {
    v.iter().map(|c| V::K(*c)).collect()
}

/// Whether the exact solver of this model calls back into Rust at run time (its propagators
/// are not constants of the kernel): a native library cannot, so it refuses such a model.
pub fn needs_exact_update(module: &inkwell::module::Module<'_>) -> bool {
    module.get_function(Helper::ExactUpdate.symbol()).is_some()
}
