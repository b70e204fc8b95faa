//! `:verify`: the session's properties with what the toolchain has today. The checker's
//! verdict (each property is well-formed and watches an existing network) is always given;
//! `refractory(P) >= D` with `@sim` is checked on a run of the network's own `duration`; every
//! other form is reported as not checked, never as passing.

use crate::candidate::Candidate;
use crate::names::ConstNames;
use scn_grammar::ast::{Arg, CmpOp, Expr, ExprKind, ItemKind, MemberKind, Prop};
use scn_runtime::interp::Simulation;
use scn_units::Dim;
use std::io::{self, Write};
use std::path::Path;

/// The verdict on one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It held on a simulated run of this many steps.
    Holds(u64),
    /// It failed; the message says where.
    Fails(String),
    /// It was not checked, and why.
    NotChecked(String),
}

/// Prints a verdict for every check of every property in the session.
pub fn verify(session: &str, dir: &Path, out: &mut dyn Write) -> io::Result<()> {
    let c = Candidate::check(session, "", "", "", dir);
    let module = &c.analysis.program.modules[0];
    let mut any = false;
    for item in &module.parsed.file.items {
        let ItemKind::Property(p) = &item.kind else { continue };
        any = true;
        let network = p.network.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
        writeln!(out, "property {} for {network}: well-formed (the checker accepts it)", p.name.name)?;
        for m in &p.body.members {
            let MemberKind::Check(check) = &m.kind else { continue };
            let text = module.source.text.get(m.span.range()).unwrap_or("?").trim();
            let verdict = judge(&c, &network, &check.prop, check.methods.iter().any(|m| m.name.name == "sim"));
            let shown = match verdict {
                Verdict::Holds(steps) => format!("holds in simulation ({steps} steps)"),
                Verdict::Fails(why) => format!("FAILS in simulation: {why}"),
                Verdict::NotChecked(why) => format!("not checked: {why}"),
            };
            writeln!(out, "  {text}\n    {shown}")?;
        }
    }
    if !any {
        writeln!(out, "no properties in this session")?;
    }
    Ok(())
}

/// The verdict on one property form.
pub fn judge(c: &Candidate, network: &str, prop: &Prop, sim: bool) -> Verdict {
    if !sim {
        return Verdict::NotChecked(
            "only `@sim` checks run in the REPL today (bmc, prove and static need `scn verify`)".into(),
        );
    }
    let Some((pop, bound)) = refractory_form(prop) else {
        return Verdict::NotChecked("the REPL simulates only `refractory(P) >= D` so far".into());
    };
    let net = match scn_lower::lower_network(&c.analysis, Some(network)) {
        Ok(n) => n,
        Err(d) => return Verdict::NotChecked(format!("the network cannot run: {}", d.message)),
    };
    let Some(steps) = net.steps else {
        return Verdict::NotChecked(format!("network `{network}` has no `duration` to simulate"));
    };
    let Some(p) = net.populations.iter().position(|q| q.name == pop) else {
        return Verdict::NotChecked(format!("`{pop}` is not a population of `{network}`"));
    };
    let Some((v, dim)) = scn_sema::value::eval(bound, &ConstNames::root(&c.analysis), 0).and_then(|v| v.num()) else {
        return Verdict::NotChecked("the bound is not a constant".into());
    };
    let min_steps = if dim == Dim::STEPS { v.to_f64() } else { v.to_f64() / net.dt };
    let mut simulation = Simulation::new(&net);
    match crate::simulate::run_interruptible(&mut simulation, steps) {
        Ok(done) if done < steps => return Verdict::NotChecked(format!("interrupted after {done} of {steps} steps")),
        Ok(_) => {}
        Err(e) => return Verdict::NotChecked(format!("the run stopped: {e}")),
    }
    let mut last: Vec<Option<u64>> = vec![None; net.populations[p].size as usize];
    for s in simulation.spikes.iter().filter(|s| s.pop == p) {
        let slot = &mut last[s.neuron as usize];
        if let Some(prev) = *slot {
            let gap = s.step - prev;
            if (gap as f64) < min_steps - 1e-9 {
                return Verdict::Fails(format!(
                    "{pop}[{}] spiked at steps {prev} and {}, {gap} steps apart",
                    s.neuron, s.step
                ));
            }
        }
        *slot = Some(s.step);
    }
    Verdict::Holds(steps)
}

/// `refractory(P) >= D`: the population's name and the bound.
fn refractory_form(prop: &Prop) -> Option<(&str, &Expr)> {
    let Prop::Expr(e) = prop else { return None };
    let ExprKind::Compare(first, rest) = &e.kind else { return None };
    let [(CmpOp::Ge, bound)] = rest.as_slice() else { return None };
    let ExprKind::Call(f, args) = &first.kind else { return None };
    let (ExprKind::Name(name), [Arg::Positional(arg)]) = (&f.kind, args.as_slice()) else { return None };
    let ExprKind::Name(pop) = &arg.kind else { return None };
    (name.name == "refractory").then_some((pop.name.as_str(), bound))
}
