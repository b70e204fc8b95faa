//! `:verify`: the session's properties, checked by simulation with the monitors of
//! `scn-props` (the engine of `scn verify`) on a run of each network's own `duration`. Each
//! check's verdict is printed: holds, fails (with the step and neurons) or inconclusive (with
//! why); methods other than `sim` are left to `scn verify`, never reported as passing.

use crate::candidate::Candidate;
use scn_grammar::ast::ItemKind;
use scn_props::Status;
use scn_props::sim::check_sim_until;
use std::io::{self, Write};
use std::path::Path;

/// Prints a verdict for every check of every property in the session.
pub fn verify(session: &str, dir: &Path, out: &mut dyn Write) -> io::Result<()> {
    let c = Candidate::check(session, "", "", "", dir);
    let module = &c.analysis.program.modules[0];
    let mut networks: Vec<String> = Vec::new();
    for item in &module.parsed.file.items {
        if let ItemKind::Property(p) = &item.kind {
            let net = p.network.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
            if !networks.contains(&net) {
                networks.push(net);
            }
        }
    }
    if networks.is_empty() {
        return writeln!(out, "no properties in this session");
    }
    for network in networks {
        check_network(&c, &network, out)?;
    }
    Ok(())
}

fn check_network(c: &Candidate, network: &str, out: &mut dyn Write) -> io::Result<()> {
    let net = match scn_lower::lower_network(&c.analysis, Some(network)) {
        Ok(n) => n,
        Err(d) => return writeln!(out, "properties for {network}: not checked: the network cannot run: {}", d.message),
    };
    let monitors = match scn_props::lower_properties(&c.analysis, &net) {
        Ok(m) => m,
        Err(d) => return writeln!(out, "properties for {network}: not checked: [{}] {}", d.code, d.message),
    };
    let Some(steps) = net.steps else {
        return writeln!(out, "properties for {network}: not checked: `{network}` has no `duration` to simulate");
    };
    crate::interrupt::clear();
    let run = check_sim_until(&net, &monitors, steps, &mut |_| crate::interrupt::take());
    let mut property = "";
    for (m, o) in monitors.iter().zip(&run.outcomes) {
        if m.property != property {
            property = &m.property;
            writeln!(out, "property {property} for {network}:")?;
        }
        let others: Vec<&str> = m.methods.iter().map(String::as_str).filter(|x| *x != "sim").collect();
        let shown = match o.status {
            Status::Pass => format!("holds in simulation ({} steps)", o.bound),
            Status::Fail => format!("FAILS in simulation: {}", o.evidence),
            Status::Inconclusive => format!("inconclusive in simulation ({} steps): {}", o.bound, o.evidence),
        };
        writeln!(out, "  {}\n    {shown}", m.text)?;
        if !others.is_empty() {
            writeln!(out, "    not checked here: @{} (run `scn verify`)", others.join(", @"))?;
        }
    }
    Ok(())
}
