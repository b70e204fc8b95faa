//! `@static`: verdicts from the model's structure, without running it. A pass holds for every
//! step of every run (its bound is 0: nothing was simulated); where the structure does not
//! decide, the verdict is *inconclusive* with the reason. Never a fail: the analyses
//! over-approximate what a run can do, so a bound they cannot prove may still hold.
//!
//! - `refractory(P) >= D`: every `emit` of P's model is in a condition whose body always starts
//!   a constant refractory period of R ≥ D steps (DESIGN §3: a neuron is refractory for the
//!   R − 1 steps after a spike, so every inter-spike interval is ≥ R).
//! - `no_overflow(P.x)` and `always(…)` over states: the interval invariant of the population
//!   ([`crate::invariant`]) keeps `x` strictly inside its format (and no operation can trap),
//!   or makes the condition true for every value it allows.

use crate::invariant::{Interval, invariant};
use crate::monitor::{Cmp, Form, Monitor, Pred, Role};
use crate::verdict::Outcome;
use scn_runtime::ir::{Network, Stmt};

/// The static verdict of one check.
pub fn check_static(net: &Network, monitor: &Monitor) -> Outcome {
    if monitor.role == Role::Cover {
        return Outcome::inconclusive(0, "a cover needs a run that reaches it: check it by `sim` or `bmc`");
    }
    match &monitor.form {
        Form::Refractory { target, min } => refractory(net, target.pop, *min),
        Form::NoOverflow { pop, state } => no_overflow(net, *pop, *state),
        Form::Always { pred, .. } => always(net, pred),
        other => Outcome::inconclusive(
            0,
            format!("no static analysis decides a `{}` check: check it by `sim`, `bmc` or `prove`", other.kind()),
        ),
    }
}

/// The refractory period every spike of `pop` starts, in steps, or why there is none.
fn structural_refractory(net: &Network, pop: usize) -> Result<u64, String> {
    fn emits(stmts: &[Stmt]) -> bool {
        stmts.iter().any(|s| match s {
            Stmt::Emit => true,
            Stmt::If { then, otherwise, .. } => emits(then) || emits(otherwise),
            _ => false,
        })
    }
    /// The shortest period the statements certainly start (top level, or in both branches).
    fn starts(stmts: &[Stmt], clocked: bool, dt: f64) -> Option<u64> {
        stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Refractory { duration: scn_runtime::ir::Expr::Const(d), in_steps, .. } => {
                    let r = if *in_steps || clocked { *d } else { d / dt };
                    Some(scn_runtime::interp::eval::round_half_even(r).max(0.0) as u64)
                }
                Stmt::If { then, otherwise, .. } => {
                    Some(starts(then, clocked, dt)?.min(starts(otherwise, clocked, dt)?))
                }
                _ => None,
            })
            .min()
    }
    let model = &net.models[net.populations[pop].model];
    if model.handlers.iter().any(|h| emits(&h.body)) {
        return Err(format!("a port handler of `{}` emits spikes", model.name));
    }
    let emitting: Vec<_> = model.conditions.iter().filter(|c| emits(&c.body)).collect();
    if emitting.is_empty() {
        return Err(format!("`{}` never emits a spike", model.name));
    }
    if model.conditions.len() > 1 {
        // A later condition of the same step could set a shorter period.
        return Err(format!("`{}` has {} conditions; the analysis takes one", model.name, model.conditions.len()));
    }
    starts(&emitting[0].body, net.clocked, net.dt)
        .ok_or_else(|| format!("a spike of `{}` does not always start a constant refractory period", model.name))
}

fn refractory(net: &Network, pop: usize, min: u64) -> Outcome {
    let model = &net.models[net.populations[pop].model].name;
    match structural_refractory(net, pop) {
        Ok(r) if r.max(1) >= min => Outcome::pass(
            0,
            format!(
                "every spike of `{model}` starts a refractory period of {r} steps, so every inter-spike interval is ≥ {r} (the model's structure)"
            ),
        ),
        Ok(r) => Outcome::inconclusive(
            0,
            format!("the structure of `{model}` guarantees inter-spike intervals of {} steps only", r.max(1)),
        ),
        Err(why) => Outcome::inconclusive(0, format!("not decided by the model's structure: {why}")),
    }
}

fn no_overflow(net: &Network, pop: usize, state: u16) -> Outcome {
    let name =
        format!("{}.{}", net.populations[pop].name, net.models[net.populations[pop].model].states[state as usize]);
    let inv = match invariant(net, pop) {
        Ok(i) => i,
        Err(why) => return Outcome::inconclusive(0, format!("no interval invariant: {why}")),
    };
    if inv.may_stop {
        return Outcome::inconclusive(
            0,
            "an operation of the model may stop the run (an overflow under `trap`, a division by zero, a shift or function the analysis does not bound)",
        );
    }
    let i = inv.states[state as usize];
    let int_state = net.models[net.populations[pop].model].fixed.as_ref().is_some_and(|f| f.int_states[state as usize]);
    let inside = match inv.format {
        _ if int_state => i.lo.is_finite() && i.hi.is_finite(),
        Some((lo, hi)) => lo < i.lo && i.hi < hi,
        None => i.lo.is_finite() && i.hi.is_finite(),
    };
    let range = |i: Interval| format!("[{}, {}]", i.lo, i.hi);
    match (inside, inv.format) {
        (true, Some((lo, hi))) if !int_state => Outcome::pass(
            0,
            format!(
                "{name} stays in {} (scaled units, interval invariant), inside the format's ({lo}, {hi})",
                range(i)
            ),
        ),
        (true, _) => Outcome::pass(0, format!("{name} stays in {} (interval invariant)", range(i))),
        (false, Some((lo, hi))) => Outcome::inconclusive(
            0,
            format!(
                "the interval invariant bounds {name} only to {} (scaled units), which reaches the format's limits [{lo}, {hi}]",
                range(i)
            ),
        ),
        (false, None) => {
            Outcome::inconclusive(0, format!("the interval invariant does not bound {name}: {}", range(i)))
        }
    }
}

/// Three-valued truth of a predicate over the invariants: `Some(b)` when it is `b` for every
/// value they allow.
fn truth(
    net: &Network,
    pred: &Pred,
    inv: &mut dyn FnMut(usize) -> Result<Vec<Interval>, String>,
) -> Result<Option<bool>, String> {
    Ok(match pred {
        Pred::Const(b) => Some(*b),
        Pred::Not(p) => truth(net, p, inv)?.map(|b| !b),
        Pred::And(a, b) => match (truth(net, a, inv)?, truth(net, b, inv)?) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Pred::Or(a, b) => match (truth(net, a, inv)?, truth(net, b, inv)?) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Pred::State { pop, state, op, bound, .. } => {
            let i = inv(*pop)?[*state as usize];
            // The invariant is in scaled units; the bound in SI.
            let (num, den) = net.models[net.populations[*pop].model]
                .fixed
                .as_ref()
                .map_or((1, 1), |f| f.state_scale[*state as usize]);
            let k = num as f64 / den as f64;
            let (lo, hi) = (i.lo * k, i.hi * k);
            let all = op.holds(lo, *bound) && op.holds(hi, *bound) && !matches!(op, Cmp::Eq | Cmp::Ne);
            let none = match op {
                Cmp::Le => lo > *bound,
                Cmp::Lt => lo >= *bound,
                Cmp::Ge => hi < *bound,
                Cmp::Gt => hi <= *bound,
                Cmp::Eq | Cmp::Ne => false,
            };
            if all {
                Some(true)
            } else if none {
                Some(false)
            } else {
                None
            }
        }
        Pred::Spike(_) | Pred::Stimulus(_) | Pred::Rise(_) => {
            return Err("the condition reads spikes or stimuli, which the invariants do not bound".into());
        }
    })
}

fn always(net: &Network, pred: &Pred) -> Outcome {
    let mut cache: Vec<Option<Vec<Interval>>> = vec![None; net.populations.len()];
    let mut inv = |pop: usize| -> Result<Vec<Interval>, String> {
        if let Some(v) = &cache[pop] {
            return Ok(v.clone());
        }
        let i = invariant(net, pop).map_err(|e| format!("no interval invariant: {e}"))?;
        cache[pop] = Some(i.states.clone());
        Ok(i.states)
    };
    match truth(net, pred, &mut inv) {
        Ok(Some(true)) => {
            Outcome::pass(0, "the condition holds for every value the interval invariants allow, in every step")
        }
        Ok(_) => Outcome::inconclusive(0, "the interval invariants do not decide the condition"),
        Err(why) => Outcome::inconclusive(0, why),
    }
}
