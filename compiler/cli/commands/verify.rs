//! `scn verify`: checks every property of a network and prints one three-valued verdict per
//! check and method, with the bound in steps and, for a failure, the counterexample written as
//! an SCN counterexample (`cex-N-METHOD.json`: the spike trace up to the violation, with what it
//! violates; `scn run --replay` reproduces it). Also writes `verify.json` into the output
//! directory.
//!
//! Exit status: 0 every verdict is a pass; 1 at least one check failed; 2 nothing could be
//! checked (the file has errors, the trace cannot be read); 3 no failure, but at least one
//! verdict is inconclusive.

use crate::files;
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile};
use scn_props::cex::{Counterexample, ModelFile};
use scn_props::formal::Mode;
use scn_props::sim::check_sim;
use scn_props::trace::Trace;
use scn_props::{Monitor, Outcome, Status};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// How to check.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Simulate the network with the reference interpreter, monitors in its step loop.
    Sim,
    /// Replay a recorded spike trace (`--trace`) through the same monitors.
    Replay,
    /// Bounded model checking of the generated RTL with SymbiYosys (`--depth` or the check's own).
    Bmc,
    /// k-induction on the generated RTL with SymbiYosys.
    Prove,
    /// The model's structure and an interval invariant of its states, without running it.
    Static,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Sim => "sim",
            Method::Replay => "replay",
            Method::Bmc => "bmc",
            Method::Prove => "prove",
            Method::Static => "static",
        }
    }
}

/// Arguments of `scn verify`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model file.
    file: PathBuf,
    /// The network whose properties to check (needed when the file has several).
    #[arg(long)]
    network: Option<String>,
    /// The method for every check (default: each check's own `@` methods).
    #[arg(long, value_enum)]
    method: Option<Method>,
    /// The spike trace to replay (`step,time_ms,population,neuron`) or a counterexample
    /// (`cex-N-METHOD.json`), for `--method replay`.
    #[arg(long, value_name = "spikes.csv|cex.json")]
    trace: Option<PathBuf>,
    /// How many steps to simulate or replay (default: the network's `duration`).
    #[arg(long)]
    steps: Option<u64>,
    /// The depth of `bmc` and `prove` (default: the check's `bmc(depth = N)`, else the
    /// monitor's longest window + 1).
    #[arg(long)]
    depth: Option<u64>,
    /// Also write the monitors as concurrent SVA (`assert property`) into this file.
    #[arg(long, value_name = "FILE.sv")]
    sva: Option<PathBuf>,
    /// Print the verdicts as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Where to write `verify.json` and counterexamples (default: `out/NETWORK/verify`).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// One row of the report.
#[derive(Serialize)]
struct Row<'a> {
    property: &'a str,
    check: &'a str,
    kind: &'static str,
    method: String,
    #[serde(flatten)]
    outcome: Outcome,
    /// Wall time of the run that decided this row (a simulation or replay decides all its
    /// checks at once).
    seconds: f64,
    counterexample: Option<String>,
}

/// Checks the properties and prints the verdicts.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let text = match files::read(&args.file) {
        Ok(t) => t,
        Err(e) => {
            files::report_unreadable(err, &e)?;
            return Ok(2);
        }
    };
    let name = args.file.display().to_string();
    let file_name = args.file.file_name().map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    let analysis = scn_sema::check_source(&file_name, text.clone(), args.file.parent(), &scn_sema::Disk);
    let root = SourceFile::new(name.clone(), text);
    if analysis.has_errors() {
        let diags: Vec<Diagnostic> = analysis.diagnostics.iter().map(|(_, d)| d.clone()).collect();
        report::emit(&root, &diags, MessageFormat::Human, args.color, out, err)?;
        writeln!(err, "error: `{name}` has errors; nothing was checked")?;
        return Ok(2);
    }
    let net = match scn_lower::lower_network(&analysis, args.network.as_deref()) {
        Ok(n) => n,
        Err(d) => {
            report::emit(&root, &[d], MessageFormat::Human, args.color, out, err)?;
            return Ok(2);
        }
    };
    let monitors = match scn_props::lower_properties(&analysis, &net) {
        Ok(m) => m,
        Err(d) => {
            report::emit(&root, &[d], MessageFormat::Human, args.color, out, err)?;
            return Ok(2);
        }
    };
    if monitors.is_empty() {
        writeln!(err, "error: no property watches network `{}`", net.name)?;
        writeln!(err, "  = help: write `property NAME for {} {{ assert … @sim }}`", net.name)?;
        return Ok(2);
    }
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("out").join(&net.name).join("verify"));
    let model_path = std::path::absolute(&args.file).unwrap_or_else(|_| args.file.clone()).display().to_string();
    let model_sha = files::sha256_hex(root.text.as_bytes());
    let cx =
        Cex { model: ModelFile { path: &model_path, sha256: &model_sha }, net: &net, monitors: &monitors, dir: &dir };
    let steps = args.steps.or(net.steps);
    // The (check, method) pairs to run, in order.
    let plan: Vec<(usize, String)> = monitors
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            let methods: Vec<String> = match args.method {
                Some(x) => vec![x.name().into()],
                None if m.methods.is_empty() => vec!["sim".into()],
                None => m.methods.clone(),
            };
            methods.into_iter().map(move |x| (i, x))
        })
        .collect();
    let mut results: Vec<Option<(Outcome, Option<String>)>> = vec![None; plan.len()];
    // Seconds per row: the run that decided it (one simulation or replay serves all its checks).
    let mut seconds = vec![0.0f64; plan.len()];
    let time_rows = |seconds: &mut [f64], method: &str, s: f64| {
        for (t, (_, m)) in seconds.iter_mut().zip(&plan) {
            if m == method {
                *t = s;
            }
        }
    };
    let wants = |method: &str| plan.iter().any(|(_, m)| m == method);
    if wants("sim") {
        let Some(steps) = steps else {
            writeln!(err, "error: network `{}` has no `duration`; pass `--steps N`", net.name)?;
            return Ok(2);
        };
        let started = Instant::now();
        let run = check_sim(&net, &monitors, steps);
        time_rows(&mut seconds, "sim", started.elapsed().as_secs_f64());
        for (slot, (i, m)) in results.iter_mut().zip(&plan) {
            if m == "sim" {
                *slot = Some((run.outcomes[*i].clone(), None));
            }
        }
        cx.write_all(&mut results, &plan, &run.trace, "sim")?;
    }
    if wants("replay") {
        let Some(path) = &args.trace else {
            writeln!(err, "error: `--method replay` needs `--trace spikes.csv`")?;
            return Ok(2);
        };
        let trace = match files::read(path)
            .map_err(|e| e.to_string())
            .and_then(|t| scn_props::cex::read_trace(&net, &t, args.steps))
        {
            Ok(t) => t,
            Err(e) => {
                writeln!(err, "error: cannot replay `{}`: {e}", path.display())?;
                return Ok(2);
            }
        };
        let started = Instant::now();
        let outcomes = scn_props::replay::check_trace(&net, &monitors, &trace);
        time_rows(&mut seconds, "replay", started.elapsed().as_secs_f64());
        for (slot, (i, m)) in results.iter_mut().zip(&plan) {
            if m == "replay" {
                *slot = Some((outcomes[*i].clone(), None));
            }
        }
        cx.write_all(&mut results, &plan, &trace, "replay")?;
    }
    for ((slot, (i, m)), t) in results.iter_mut().zip(&plan).zip(&mut seconds) {
        if m == "static" {
            let started = Instant::now();
            *slot = Some((scn_props::statics::check_static(&net, &monitors[*i]), None));
            *t = started.elapsed().as_secs_f64();
        }
    }
    if wants("bmc") || wants("prove") || args.sva.is_some() {
        let design = scn_props::formal::design(&net);
        if let (Some(path), Ok(d)) = (&args.sva, &design) {
            std::fs::write(path, d.sva(&monitors).text)?;
        }
        for ((slot, (i, m)), t) in results.iter_mut().zip(&plan).zip(&mut seconds) {
            let m = m.as_str();
            if m != "bmc" && m != "prove" {
                continue;
            }
            let started = Instant::now();
            let monitor = &monitors[*i];
            let depth =
                args.depth.or(if m == "bmc" { monitor.depth } else { None }).unwrap_or(monitor.form.horizon() + 1);
            let mode = if m == "bmc" { Mode::Bmc(depth) } else { Mode::Prove(depth) };
            let outcome = match &design {
                Err(why) => Ok((Outcome::inconclusive(0, format!("no hardware for this network: {why}")), None)),
                Ok(d) => d.check(&net, monitor, mode, &dir.join(format!("formal-{}-{m}", i + 1))),
            };
            *slot = Some(match outcome {
                Ok((o, trace)) => {
                    let cex = match (&o.violation, trace) {
                        (Some(v), Some(t)) => Some(cx.write(*i, m, v, &t)?),
                        _ => None,
                    };
                    (o, cex)
                }
                Err(why) => (Outcome::inconclusive(0, format!("the formal tools did not run: {why}")), None),
            });
            *t = started.elapsed().as_secs_f64();
        }
    }
    let rows: Vec<Row<'_>> = plan
        .iter()
        .zip(results)
        .zip(seconds)
        .map(|(((i, method), r), seconds)| {
            let m: &Monitor = &monitors[*i];
            let (outcome, counterexample) = r.unwrap_or_else(|| {
                (Outcome::inconclusive(0, format!("`{method}` is not implemented by `scn verify` yet")), None)
            });
            Row {
                property: &m.property,
                check: &m.text,
                kind: m.form.kind(),
                method: method.clone(),
                outcome,
                seconds,
                counterexample,
            }
        })
        .collect();
    let json = serde_json::to_string_pretty(&serde_json::json!({ "network": net.name, "checks": rows }))
        .map_err(std::io::Error::other)?;
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("verify.json"), format!("{json}\n"))?;
    if args.json {
        writeln!(out, "{json}")?;
    } else {
        print_table(&rows, out)?;
    }
    let any = |s: Status| rows.iter().any(|r| r.outcome.status == s);
    Ok(if any(Status::Fail) {
        1
    } else if any(Status::Inconclusive) {
        3
    } else {
        0
    })
}

/// What a counterexample file records besides its trace, and where it goes.
struct Cex<'a> {
    model: ModelFile<'a>,
    net: &'a scn_runtime::ir::Network,
    monitors: &'a [Monitor],
    dir: &'a std::path::Path,
}

impl Cex<'_> {
    /// Writes check `i`'s counterexample by `method` as `cex-N-METHOD.json`; returns its path.
    fn write(&self, i: usize, method: &str, v: &scn_props::Violation, trace: &Trace) -> std::io::Result<String> {
        let cex = Counterexample::new(&self.model, self.net, &self.monitors[i], method, v, trace);
        std::fs::create_dir_all(self.dir)?;
        let path = self.dir.join(format!("cex-{}-{method}.json", i + 1));
        std::fs::write(&path, cex.to_json())?;
        Ok(path.display().to_string())
    }

    /// Writes a counterexample for every check that `method` failed on `trace`.
    fn write_all(
        &self,
        results: &mut [Option<(Outcome, Option<String>)>],
        plan: &[(usize, String)],
        trace: &Trace,
        method: &str,
    ) -> std::io::Result<()> {
        for (slot, (i, m)) in results.iter_mut().zip(plan) {
            let Some((outcome, cex)) = slot else { continue };
            let Some(v) = &outcome.violation else { continue };
            if m != method {
                continue;
            }
            *cex = Some(self.write(*i, method, v, trace)?);
        }
        Ok(())
    }
}

fn print_table(rows: &[Row<'_>], out: &mut dyn Write) -> std::io::Result<()> {
    let w = rows.iter().map(|r| r.check.len()).max().unwrap_or(5).max(5);
    writeln!(out, "{:<w$}  {:<7}  {:>7}  {:<12}  {:>8}  evidence", "check", "method", "bound", "verdict", "time")?;
    let mut property = "";
    for r in rows {
        if r.property != property {
            property = r.property;
            writeln!(out, "property {property}:")?;
        }
        writeln!(
            out,
            "{:<w$}  {:<7}  {:>7}  {:<12}  {:>8}  {}",
            r.check,
            r.method,
            r.outcome.bound,
            r.outcome.status.word(),
            format!("{:.3} s", r.seconds),
            r.outcome.evidence
        )?;
        if let Some(c) = &r.counterexample {
            writeln!(out, "{:<w$}  counterexample: {c}", "")?;
        }
    }
    Ok(())
}
