//! The interpreter's solvers (`scn_runtime::interp::solver::advance`) as straight-line code
//! over SSA values, substeps unrolled, with the same operation order.

use crate::abi::Field;
use crate::expr::{Env, Gen, States, Unsupported, flags};
use crate::kernel::ModelInfo;
use cranelift::prelude::*;
use scn_runtime::ir::Solver;

/// The most substeps the JIT unrolls; more run on the interpreter.
pub const MAX_SUBSTEPS: u32 = 64;

/// One right-hand side evaluation: f_k(x) for every ODE, `dt` reading 0 as in the interpreter.
fn rhs(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[Value], noise_scale: f64) -> Result<Vec<Value>, Unsupported> {
    let env = Env { states: States::Values(x), dt: 0.0, noise_scale };
    info.model.odes.iter().map(|(_, e)| g.expr(e, &env)).collect()
}

fn konst(g: &mut Gen<'_, '_>, x: f64) -> Value {
    g.b.ins().f64const(x)
}

/// `x + w·k` for every ODE slot.
fn axpy(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[Value], w: f64, k: &[Value]) -> Vec<Value> {
    let mut out = x.to_vec();
    let w = konst(g, w);
    for (j, (s, _)) in info.model.odes.iter().enumerate() {
        let m = g.b.ins().fmul(w, k[j]);
        out[*s as usize] = g.b.ins().fadd(x[*s as usize], m);
    }
    out
}

/// Advances the states `x` (all slots) by one step; the held states are restored by the caller.
pub fn advance(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[Value]) -> Result<Vec<Value>, Unsupported> {
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
                let hh = konst(g, h * 0.5);
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let sum = g.b.ins().fadd(k1[k], k2[k]);
                    let d = g.b.ins().fmul(hh, sum);
                    x[*s as usize] = g.b.ins().fadd(x[*s as usize], d);
                }
            }
            Solver::Rk4 => {
                let mut ks = vec![rhs(g, info, &x, noise_scale)?];
                for stage in 1..4 {
                    let w = if stage == 3 { h } else { h / 2.0 };
                    let tmp = axpy(g, info, &x, w, &ks[stage - 1]);
                    ks.push(rhs(g, info, &tmp, noise_scale)?);
                }
                let (two, h6) = (konst(g, 2.0), konst(g, h / 6.0));
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let a = g.b.ins().fmul(two, ks[1][k]);
                    let a = g.b.ins().fadd(ks[0][k], a);
                    let c = g.b.ins().fmul(two, ks[2][k]);
                    let a = g.b.ins().fadd(a, c);
                    let a = g.b.ins().fadd(a, ks[3][k]);
                    let d = g.b.ins().fmul(h6, a);
                    x[*s as usize] = g.b.ins().fadd(x[*s as usize], d);
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
                let hv = konst(g, h);
                for (k, (s, _)) in m.odes.iter().enumerate() {
                    let s = *s as usize;
                    let euler = {
                        let d = g.b.ins().fmul(hv, k1[k]);
                        g.b.ins().fadd(x[s], d)
                    };
                    x[s] = match slopes.get(k).copied().flatten() {
                        Some(b) => {
                            let bh = g.b.ins().fmul(b, hv);
                            let em1 = g.call1(crate::abi::scn_jit_exp_m1, bh);
                            let num = g.b.ins().fmul(k1[k], em1);
                            let d = g.b.ins().fdiv(num, b);
                            let exp = g.b.ins().fadd(x[s], d);
                            let zero = konst(g, 0.0);
                            let nz = g.b.ins().fcmp(FloatCC::NotEqual, b, zero);
                            let ab = g.b.ins().fabs(b);
                            let inf = konst(g, f64::INFINITY);
                            let finite = g.b.ins().fcmp(FloatCC::LessThan, ab, inf);
                            let ok = g.b.ins().band(nz, finite);
                            g.b.ins().select(ok, exp, euler)
                        }
                        None => euler,
                    };
                }
            }
            Solver::Exact => x = exact_step(g, info, &x, h)?,
            // Rush–Larsen integrates channel gates in closed form, which is not generated yet.
            other => return Err(Unsupported(format!("solver {other:?}"))),
        }
    }
    Ok(x)
}

/// `x(t + h) = E x + F b`, with the interpreter's per-element cache of A, E, F: when the
/// cache is empty (or A is not constant) A and b come from probing the right-hand side at
/// the unit vectors, else b = f(x) − A x from one evaluation.
fn exact_step(g: &mut Gen<'_, '_>, info: &ModelInfo<'_>, x: &[Value], h: f64) -> Result<Vec<Value>, Unsupported> {
    let odes = &info.model.odes;
    let n = odes.len();
    let nn = n * n;
    let cache = g.elem_addr(Field::Exact, 3 * nn, 0, 8);
    let valid = g.elem_addr(Field::ExactValid, 1, 0, 1);
    let bvars: Vec<Variable> = (0..n).map(|_| g.b.declare_var(types::F64)).collect();
    let (probe_blk, reuse_blk, merge) = (g.b.create_block(), g.b.create_block(), g.b.create_block());
    if info.exact_static {
        let v = g.b.ins().load(types::I8, flags(), valid, 0);
        g.b.ins().brif(v, reuse_blk, &[], probe_blk, &[]);
    } else {
        g.b.ins().jump(probe_blk, &[]);
    }
    // Probe: b = f(x with the ODE states zeroed); column j of A = f(e_j) − b.
    g.b.switch_to_block(probe_blk);
    let zero = konst(g, 0.0);
    let one = konst(g, 1.0);
    let mut probe = x.to_vec();
    for (s, _) in odes {
        probe[*s as usize] = zero;
    }
    let f0 = rhs(g, info, &probe, 1.0)?;
    let slot = g.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, (8 * nn.max(1)) as u32, 3));
    let a_ptr = g.b.ins().stack_addr(g.ptr, slot, 0);
    for j in 0..n {
        let sj = odes[j].0 as usize;
        probe[sj] = one;
        let col = rhs(g, info, &probe, 1.0)?;
        probe[sj] = zero;
        for i in 0..n {
            let a = g.b.ins().fsub(col[i], f0[i]);
            g.b.ins().store(flags(), a, a_ptr, (8 * (i * n + j)) as i32);
        }
    }
    g.exact_update(cache, valid, a_ptr, n, h);
    for (k, v) in bvars.iter().enumerate() {
        g.b.def_var(*v, f0[k]);
    }
    g.b.ins().jump(merge, &[]);
    // Reuse: b = f(x) − A x.
    g.b.switch_to_block(reuse_blk);
    let fx = rhs(g, info, x, 1.0)?;
    let neg_zero = konst(g, -0.0);
    for i in 0..n {
        let mut acc = neg_zero;
        for j in 0..n {
            let a = g.b.ins().load(types::F64, flags(), cache, (8 * (i * n + j)) as i32);
            let t = g.b.ins().fmul(a, x[odes[j].0 as usize]);
            acc = g.b.ins().fadd(acc, t);
        }
        let b = g.b.ins().fsub(fx[i], acc);
        g.b.def_var(bvars[i], b);
    }
    g.b.ins().jump(merge, &[]);
    g.b.switch_to_block(merge);
    let b: Vec<Value> = bvars.iter().map(|v| g.b.use_var(*v)).collect();
    let mut out = x.to_vec();
    let zero = konst(g, 0.0);
    for i in 0..n {
        let mut v = zero;
        for j in 0..n {
            let e = g.b.ins().load(types::F64, flags(), cache, (8 * (nn + i * n + j)) as i32);
            let f = g.b.ins().load(types::F64, flags(), cache, (8 * (2 * nn + i * n + j)) as i32);
            let ex = g.b.ins().fmul(e, x[odes[j].0 as usize]);
            let fb = g.b.ins().fmul(f, b[j]);
            let s = g.b.ins().fadd(ex, fb);
            v = g.b.ins().fadd(v, s);
        }
        out[odes[i].0 as usize] = v;
    }
    Ok(out)
}
