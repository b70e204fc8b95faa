//! `:run` and `:plot`: lower a network of the session with `scn-lower`, simulate it with the
//! reference interpreter and print the rate table that `scn run` prints; plot the last run.

use crate::candidate::{Candidate, SESSION_FILE};
use crate::eval;
use crate::names::ConstNames;
use crate::session::INPUT_NAME;
use scn_diagnostics::{Diagnostic, SourceFile, Span, render_human};
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use scn_units::Dim;
use std::io::{self, Write};
use std::path::Path;

/// Writes an SVG plot of a finished run (`net`, `sim`, `steps`) to the writer. The command
/// line supplies its own writer (the one `scn run --plot` uses).
pub type Plotter = fn(&Network, &Simulation<'_>, u64, &mut dyn Write) -> io::Result<()>;

/// What `:plot` needs to draw the last run again: the lowered network and its length. The
/// interpreter is deterministic, so running it again gives the same spikes.
pub struct LastRun {
    /// The lowered network.
    pub net: Network,
    /// How many steps ran.
    pub steps: u64,
}

/// Runs `network` (or the session's only network) for `duration` (or its own `duration`),
/// printing diagnostics or the rate table. Returns the run for `:plot`.
pub fn run(
    session: &str,
    network: Option<&str>,
    duration: Option<&str>,
    dir: &Path,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<Option<LastRun>> {
    let c = Candidate::check(session, "", "", "", dir);
    let net = match scn_lower::lower_network(&c.analysis, network) {
        Ok(n) => n,
        Err(d) => {
            let file = SourceFile::new(SESSION_FILE, c.analysis.program.modules[0].source.text.clone());
            out.write_all(render_human(&file, &[d], color).as_bytes())?;
            return Ok(None);
        }
    };
    let session_file = SourceFile::new(SESSION_FILE, c.analysis.program.modules[0].source.text.clone());
    let steps = match duration {
        Some(text) => match duration_steps(session, text, &net, dir) {
            Ok(s) => s,
            Err(msg) => {
                let d = Diagnostic::error("E0704", format!("invalid duration `{text}`"), Span::new(0, text.len()), msg)
                    .with_help("write a positive time such as `100 ms` (or `4096 cycles` for a clocked network)");
                out.write_all(render_human(&SourceFile::new(INPUT_NAME, text), &[d], color).as_bytes())?;
                return Ok(None);
            }
        },
        None => match net.steps {
            Some(s) => s,
            None => {
                let d = Diagnostic::error(
                    "E0704",
                    format!("network `{}` has no `duration`", net.name),
                    Span::default(),
                    "how long to run?",
                )
                .with_help(format!("give the network `duration = 1 s`, or a duration: `:run {} 100 ms`", net.name));
                out.write_all(render_human(&session_file, &[d], color).as_bytes())?;
                return Ok(None);
            }
        },
    };
    writeln!(out, "running {} for {steps} steps (Ctrl-C stops it)", net.name)?;
    out.flush()?;
    let started = std::time::Instant::now();
    let mut sim = Simulation::new(&net);
    let done = match run_interruptible(&mut sim, steps) {
        Ok(done) => done,
        Err(e) => {
            writeln!(out, "error[E0705]: the run stopped: {e}")?;
            return Ok(None);
        }
    };
    rate_table(&net, &sim, done, out)?;
    if done < steps {
        writeln!(out, "interrupted: {} ran for {done} of {steps} steps", net.name)?;
    } else {
        writeln!(out, "ran {} for {steps} steps in {:.3} s", net.name, started.elapsed().as_secs_f64())?;
    }
    drop(sim);
    Ok(Some(LastRun { net, steps: done }))
}

/// How many steps run between two looks at Ctrl-C.
const CHUNK: u64 = 1000;

/// Runs `steps` steps, stopping early at Ctrl-C; returns how many ran.
pub fn run_interruptible(sim: &mut Simulation<'_>, steps: u64) -> Result<u64, scn_runtime::interp::RunError> {
    crate::interrupt::clear();
    run_steps(sim, steps, &mut crate::interrupt::take)
}

/// Runs `steps` steps in chunks, asking `stop` after each; returns how many ran.
pub fn run_steps(
    sim: &mut Simulation<'_>,
    steps: u64,
    stop: &mut dyn FnMut() -> bool,
) -> Result<u64, scn_runtime::interp::RunError> {
    let mut done = 0;
    while done < steps {
        let n = (steps - done).min(CHUNK);
        for _ in 0..n {
            sim.step_once()?;
        }
        done += n;
        if stop() {
            break;
        }
    }
    Ok(done)
}

/// Steps for a duration expression evaluated in the session (`100 ms`, `10 * tau`).
fn duration_steps(session: &str, text: &str, net: &Network, dir: &Path) -> Result<u64, String> {
    let c = eval::check(session, text, dir);
    if let Some(d) = c.typed_diagnostics().into_iter().find(|d| d.is_error()) {
        return Err(d.message);
    }
    let (expr, _) = eval::typed(&c).ok_or("not an expression")?;
    let (v, dim) =
        scn_sema::value::eval(expr, &ConstNames::root(&c.analysis), 0).and_then(|v| v.num()).ok_or("not a constant")?;
    if v <= scn_units::Rational::ZERO {
        return Err("it must be positive".into());
    }
    if dim == Dim::STEPS {
        return Ok(v.floor() as u64);
    }
    if dim != Dim::TIME {
        return Err(format!("it must be a time, found {}", scn_units::describe(dim)));
    }
    if net.clocked {
        return Err("the network is clocked: give a number of cycles".into());
    }
    Ok((v.to_f64() / net.dt).round() as u64)
}

/// The table `scn run` prints: per population its size, spike count and mean rate.
pub fn rate_table(net: &Network, sim: &Simulation<'_>, steps: u64, out: &mut dyn Write) -> io::Result<()> {
    let seconds = steps as f64 * net.dt;
    let unit = if net.clocked { "per cycle" } else { "rate (Hz)" };
    writeln!(out, "{:<16} {:>8} {:>10} {:>12}", "population", "size", "spikes", unit)?;
    for (i, p) in net.populations.iter().enumerate() {
        let count = sim.spikes.iter().filter(|s| s.pop == i).count();
        let per = if net.clocked { steps.max(1) as f64 } else { seconds };
        let rate = if p.size == 0 || per == 0.0 { 0.0 } else { count as f64 / p.size as f64 / per };
        writeln!(out, "{:<16} {:>8} {:>10} {:>12.3}", p.name, p.size, count, rate)?;
    }
    Ok(())
}

/// Draws the last run into `path` (default `NETWORK.svg` in `dir`) and prints where.
pub fn plot(
    run: &LastRun,
    path: Option<&str>,
    dir: &Path,
    plotter: Option<Plotter>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some(plotter) = plotter else {
        return writeln!(out, "error: this session has no plotter");
    };
    let target = dir.join(path.map_or_else(|| format!("{}.svg", run.net.name), str::to_string));
    let mut sim = Simulation::new(&run.net);
    match run_interruptible(&mut sim, run.steps) {
        Ok(done) if done < run.steps => return writeln!(out, "interrupted: nothing was plotted"),
        Ok(_) => {}
        Err(e) => return writeln!(out, "error[E0705]: the run stopped: {e}"),
    }
    let mut bytes = Vec::new();
    plotter(&run.net, &sim, run.steps, &mut bytes)?;
    match std::fs::write(&target, bytes) {
        Ok(()) => {
            let shown = std::path::absolute(&target).unwrap_or(target);
            writeln!(out, "wrote {}", shown.display())
        }
        Err(e) => writeln!(out, "error: cannot write `{}`: {e}", target.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        let src = "import std.neurons.lif\nnetwork Net {\n    dt = 0.1 ms\n    pop exc = Lif[10]\n    \
                   stimulus poisson(rate = 80 Hz, n = 50) -> exc.syn { p = 0.3, weight = 2 mV }\n    \
                   monitor spikes(exc)\n}\n";
        let c = Candidate::check(src, "", "", "", Path::new("."));
        scn_lower::lower_network(&c.analysis, None).unwrap()
    }

    #[test]
    fn chunked_runs_match_one_run() {
        let net = network();
        let mut whole = Simulation::new(&net);
        whole.run(2500, |_| {}).unwrap();
        let mut chunked = Simulation::new(&net);
        assert_eq!(run_steps(&mut chunked, 2500, &mut || false).unwrap(), 2500);
        assert!(!whole.spikes.is_empty());
        assert_eq!(whole.spikes, chunked.spikes);
    }

    #[test]
    fn a_stop_ends_the_run_after_the_chunk() {
        let net = network();
        let mut sim = Simulation::new(&net);
        let mut asked = 0;
        let done = run_steps(&mut sim, 10 * CHUNK, &mut || {
            asked += 1;
            asked == 3
        })
        .unwrap();
        assert_eq!(done, 3 * CHUNK);
    }
}
