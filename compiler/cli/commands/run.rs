//! `scn run`: check, lower and simulate a network with the reference interpreter, then write
//! `spikes.csv`, `states.csv` and `summary.json` (and `rates.csv` for a `monitor rate`) into
//! the output directory, completely or not at all; with `--plot` and `--vcd` also an SVG plot
//! and a value change dump, written together with the directory. With `--replay CEX.json` it
//! runs a counterexample of `scn verify` again ([`super::run_replay`]).

use super::run_replay::Replay;
use crate::files;
use crate::output::svg::Mark;
use crate::output::{self, Recorded};
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile, Span};
use scn_runtime::interp::Simulation;
use scn_runtime::ir::{Monitor, Network};
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Arguments of `scn run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model file (with `--replay`, default: the counterexample's model).
    file: Option<PathBuf>,
    /// Run a counterexample of `scn verify` (`cex-N-METHOD.json`) again: its network, seed
    /// and length, watched by the monitor of the check it violates; the run must show the
    /// same violation at the same step (printed, and in `summary.json`; the plot marks it).
    #[arg(long, value_name = "CEX.json")]
    replay: Option<PathBuf>,
    /// The network to run (needed when the file has several).
    #[arg(long)]
    network: Option<String>,
    /// How long to simulate, as a quantity (`1 s`, `500ms`, `4096 cycles`).
    #[arg(long, conflicts_with = "steps", allow_hyphen_values = true)]
    duration: Option<String>,
    /// How many steps to simulate.
    #[arg(long)]
    steps: Option<u64>,
    /// The network seed (overrides the file's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory (default: `out/NETWORK`).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Also draw a spike raster and the monitored state traces into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Also write the recorded spikes and states as a value change dump (for GTKWave).
    #[arg(long, value_name = "FILE.vcd")]
    vcd: Option<PathBuf>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
    /// The simulation engine: `jit` compiles each neuron model to native code with Cranelift
    /// (populations it cannot compile run on the interpreter), `llvm` likewise with LLVM at
    /// `-O3` (binaries built with the `llvm` feature), `interp` is the reference interpreter.
    #[arg(long, value_enum, default_value_t)]
    engine: Engine,
}

/// The engines of `scn run --engine`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Native kernels from the Cranelift JIT, the interpreter for what it does not cover.
    #[default]
    Jit,
    /// The reference interpreter only.
    Interp,
    /// Native kernels from LLVM at `-O3` for the host CPU (a binary built with the cargo
    /// feature `llvm`), the interpreter for what it does not cover.
    Llvm,
}

impl Engine {
    /// The engine's name on the command line and in `summary.json`.
    fn name(self) -> &'static str {
        match self {
            Engine::Jit => "jit",
            Engine::Interp => "interp",
            Engine::Llvm => "llvm",
        }
    }
}

/// Which engine ran each population (by name), and how long compiling took.
struct EngineReport {
    requested: Engine,
    populations: Vec<&'static str>,
    compile_s: f64,
}

/// Installs the kernels of `engine` into `sim`, printing a note for every population left to
/// the interpreter; `Err` with a message when this binary lacks the engine.
fn attach_engine<'n>(
    engine: Engine,
    net: &'n Network,
    sim: &mut Simulation<'n>,
    err: &mut dyn Write,
) -> std::io::Result<Result<EngineReport, String>> {
    let mut note = |p: &scn_runtime::ir::Population, why: &str| {
        writeln!(err, "note: population `{}` runs on the interpreter ({why})", p.name)
    };
    let (populations, compile_s) = match engine {
        Engine::Jit => {
            let attached = scn_jit::attach(net, sim);
            for (p, e) in net.populations.iter().zip(&attached.populations) {
                if let scn_jit::PopEngine::Interp(why) = e {
                    note(p, why)?;
                }
            }
            (attached.populations.iter().map(scn_jit::PopEngine::name).collect(), attached.compile_s)
        }
        Engine::Interp => (vec!["interp"; net.populations.len()], 0.0),
        #[cfg(feature = "llvm")]
        Engine::Llvm => {
            let attached = scn_llvm::attach(net, sim);
            for (p, e) in net.populations.iter().zip(&attached.populations) {
                if let scn_llvm::PopEngine::Interp(why) = e {
                    note(p, why)?;
                }
            }
            (attached.populations.iter().map(scn_llvm::PopEngine::name).collect(), attached.compile_s)
        }
        #[cfg(not(feature = "llvm"))]
        Engine::Llvm => {
            return Ok(Err("this `scn` was built without LLVM, so `--engine llvm` is not available".into()));
        }
    };
    Ok(Ok(EngineReport { requested: engine, populations, compile_s }))
}

/// Runs a network and writes its results.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let started = Instant::now();
    let replay = match args.replay.as_deref().map(Replay::read).transpose() {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error[E0606]: cannot replay the counterexample: {e}")?;
            writeln!(err, "  = help: pass a `cex-N-METHOD.json` written by `scn verify`; nothing was run")?;
            return Ok(1);
        }
    };
    let file = match (&args.file, &replay) {
        (Some(f), _) => f.clone(),
        (None, Some(r)) => PathBuf::from(&r.cex.model),
        (None, None) => {
            writeln!(err, "error: no model file")?;
            writeln!(err, "  = help: `scn run FILE.scn`, or `scn run --replay CEX.json` for a counterexample")?;
            return Ok(1);
        }
    };
    let text = match files::read(&file) {
        Ok(t) => t,
        Err(e) => {
            files::report_unreadable(err, &e)?;
            return Ok(1);
        }
    };
    let name = file.display().to_string();
    let file_name = file.file_name().map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    let analysis = scn_sema::check_source(&file_name, text.clone(), file.parent(), &scn_sema::Disk);
    let root = SourceFile::new(name.clone(), text.clone());
    if analysis.has_errors() {
        for (m, module) in analysis.program.modules.iter().enumerate() {
            let diags: Vec<Diagnostic> =
                analysis.diagnostics.iter().filter(|(k, _)| *k == m).map(|(_, d)| d.clone()).collect();
            if !diags.is_empty() {
                let shown = if m == 0 { name.clone() } else { module.source.name.clone() };
                report::emit(
                    &SourceFile::new(shown, module.source.text.clone()),
                    &diags,
                    MessageFormat::Human,
                    args.color,
                    out,
                    err,
                )?;
            }
        }
        writeln!(err, "error: `{name}` has errors; nothing was run")?;
        return Ok(1);
    }
    let network = args.network.as_deref().or(replay.as_ref().map(|r| r.cex.network.as_str()));
    let mut net = match scn_lower::lower_network(&analysis, network) {
        Ok(n) => n,
        Err(d) => return fail(&root, d, args.color, out, err),
    };
    if let Some(s) = args.seed.or(replay.as_ref().map(|r| r.cex.seed)) {
        net.seed = s;
    }
    let watched = match &replay {
        Some(r) => match r.monitor(&analysis, &net) {
            Ok(m) => {
                // A replay records every population's spikes, to compare and to plot them.
                net.monitors.push(Monitor::Spikes((0..net.populations.len()).collect()));
                Some(m)
            }
            Err(e) => {
                writeln!(
                    err,
                    "error[E0606]: cannot replay `{}`: {e}",
                    args.replay.as_deref().unwrap_or(&file).display()
                )?;
                writeln!(err, "  = help: run `scn verify` on this model for a fresh counterexample; nothing was run")?;
                return Ok(1);
            }
        },
        None => None,
    };
    let steps = match (args.steps, &args.duration) {
        (Some(s), _) => s,
        (None, None) if let Some(r) = &replay => r.cex.steps,
        (None, Some(d)) => match duration_steps(d, &net) {
            Ok(s) => s,
            Err(msg) => {
                let d = Diagnostic::error("E0704", format!("invalid --duration `{d}`"), Span::default(), msg)
                    .with_help(
                        "write a positive time such as `1 s` or `500 ms` (or `4096 cycles` for a clocked network)",
                    );
                return fail(&root, d, args.color, out, err);
            }
        },
        (None, None) => match net.steps {
            Some(s) => s,
            None => {
                let d = Diagnostic::error(
                    "E0704",
                    format!("network `{}` has no `duration`", net.name),
                    Span::default(),
                    "how long to run?",
                )
                .with_help("give the network `duration = 1 s`, or pass `--duration 1s` or `--steps N`");
                return fail(&root, d, args.color, out, err);
            }
        },
    };
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("out").join(&net.name));
    if let Err((msg, help)) = check_extra_paths(args, &dir) {
        writeln!(err, "error: {msg}")?;
        writeln!(err, "  = help: {help}; nothing was run")?;
        return Ok(1);
    }
    let built = Instant::now();
    let mut sim = Simulation::new(&net);
    let build_s = built.elapsed().as_secs_f64();
    let engine = match attach_engine(args.engine, &net, &mut sim, err)? {
        Ok(e) => e,
        Err(msg) => {
            writeln!(err, "error: {msg}")?;
            writeln!(err, "  = help: rebuild with `cargo build --features llvm`, or run with `--engine jit`")?;
            return Ok(1);
        }
    };
    let ran = Instant::now();
    let mut progress = Progress::new(steps);
    let (result, replayed) = match (&replay, &watched) {
        (Some(r), Some(m)) => {
            let run = scn_props::sim::watch_run(&mut sim, &net, std::slice::from_ref(m), steps, &mut |done| {
                progress.update(done);
                false
            });
            (Ok(()), Some(r.compare(&net, &run)))
        }
        _ => (sim.run(steps, |done| progress.update(done)), None),
    };
    progress.finish();
    let run_s = ran.elapsed().as_secs_f64();
    if let Err(e) = result {
        writeln!(err, "error[E0705]: the run stopped: {e}")?;
        let help = match e {
            scn_runtime::interp::RunError::Invariant { .. } => {
                "the invariant is part of the model: check the dynamics or the invariant"
            }
            _ => "widen the fixed-point format, rescale the quantities, or use `overflow saturate`",
        };
        writeln!(err, "  = help: {help}; nothing was written")?;
        return Ok(1);
    }
    // A replay stops at the run's violation once its monitor has failed.
    let steps = if replayed.is_some() { sim.step } else { steps };
    let written = Instant::now();
    let files = render(&net, &sim, steps);
    let timing = (started.elapsed().as_secs_f64() - run_s - build_s - engine.compile_s, build_s, run_s);
    let timing = (timing.0, timing.1, timing.2, written.elapsed().as_secs_f64());
    let mut summary = summary(&net, &sim, steps, &file, &text, timing, &engine);
    if let (Some(r), Some(c)) = (&replay, &replayed) {
        summary["replay"] = r.summary(c);
    }
    let summary = serde_json::to_string_pretty(&summary).expect("summary serialises") + "\n";
    let marks: Vec<Mark> = replayed
        .iter()
        .filter_map(|c| c.violation.as_ref())
        .map(|v| Mark { step: v.step, label: format!("violation at step {}: {}", v.step, v.message) })
        .collect();
    let outcome = (|| {
        let mut stage = Stage::new(&dir)?;
        for (name, text) in [("spikes.csv", files.0), ("states.csv", files.1), ("summary.json", summary)] {
            stage.write(&dir.join(name), |w| w.write_all(text.as_bytes()))?;
        }
        if let Some(text) = rates_csv(&net, &sim, steps) {
            stage.write(&dir.join("rates.csv"), |w| w.write_all(text.as_bytes()))?;
        }
        if !net.sc.outputs.is_empty() {
            let text = outputs_json(&net, &sim);
            stage.write(&dir.join("outputs.json"), |w| w.write_all(text.as_bytes()))?;
        }
        if args.plot.is_some() || args.vcd.is_some() {
            let rec = Recorded::new(&net, &sim);
            if let Some(path) = &args.plot {
                stage.write(path, |w| output::svg::write(&net, &sim, &rec, steps, &marks, w))?;
            }
            if let Some(path) = &args.vcd {
                stage.write(path, |w| output::vcd::write(&net, &sim, &rec, steps, w))?;
            }
        }
        stage.commit()
    })();
    if let Err((path, e)) = outcome {
        files::report_unwritable(
            err,
            &path,
            &e,
            "choose another place (`-o DIR`, `--plot`, `--vcd`); nothing was written",
        )?;
        return Ok(1);
    }
    scn_repl::simulate::rate_table(&net, &sim, steps, err)?;
    let extras: String = args.plot.iter().chain(&args.vcd).map(|p| format!(", {}", p.display())).collect();
    writeln!(err, "wrote {}{extras} ({} steps in {:.3} s)", dir.display(), steps, run_s)?;
    if let (Some(r), Some(c)) = (&replay, &replayed) {
        if !c.reproduced {
            writeln!(err, "error[E0607]: counterexample not reproduced: {}", r.message(c))?;
            writeln!(err, "  = help: run `scn verify` on the current model for a fresh counterexample")?;
            return Ok(1);
        }
        writeln!(err, "{}", r.message(c))?;
    }
    Ok(0)
}

/// `outputs.json`: every network output per completed frame (a number, or nested arrays for an
/// output with index binders), the number of frames and the frame length.
fn outputs_json(net: &Network, sim: &Simulation) -> String {
    fn num(v: f64) -> String {
        if v.is_finite() { format!("{v}") } else { "null".into() }
    }
    fn nested(dims: &[u64], vals: &[f64]) -> String {
        match dims.split_first() {
            None => num(vals[0]),
            Some((&d, rest)) => {
                let step = rest.iter().product::<u64>() as usize;
                let parts: Vec<String> =
                    (0..d as usize).map(|k| nested(rest, &vals[k * step..(k + 1) * step])).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }
    let mut s = String::from("{\n  \"outputs\": {");
    for (k, o) in net.sc.outputs.iter().enumerate() {
        let frames: Vec<String> = sim.outputs.iter().map(|f| nested(&o.dims, &f[k])).collect();
        let sep = if k == 0 { "" } else { "," };
        let _ = write!(s, "{sep}\n    {}: [{}]", serde_json::to_string(&o.name).unwrap_or_default(), frames.join(", "));
    }
    let _ = write!(s, "\n  }},\n  \"frames\": {},\n  \"length\": {}\n}}\n", sim.outputs.len(), net.sc.length);
    s
}

fn fail(
    root: &SourceFile,
    d: Diagnostic,
    color: ColorChoice,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    report::emit(root, &[d], MessageFormat::Human, color, out, err)?;
    Ok(1)
}

/// Steps for a `--duration` quantity.
fn duration_steps(text: &str, net: &Network) -> Result<u64, String> {
    let src = format!("const D = {text}");
    let parsed = scn_grammar::parse(&src);
    let Some(scn_grammar::ast::ItemKind::Const(c)) = parsed.file.items.first().map(|i| &i.kind) else {
        return Err("not a quantity".into());
    };
    if parsed.has_errors() {
        return Err("not a quantity".into());
    }
    let (v, dim) = scn_sema::value::eval(&c.value, &scn_sema::value::NoNames, 0)
        .and_then(|v| v.num())
        .ok_or("not a constant quantity")?;
    if v <= scn_units::Rational::ZERO {
        return Err("must be positive".into());
    }
    if dim == scn_units::Dim::STEPS {
        return Ok(v.floor() as u64);
    }
    if dim != scn_units::Dim::TIME {
        return Err(format!("must be a time, found {}", scn_units::describe(dim)));
    }
    if net.clocked {
        return Err("the network is clocked: give a number of cycles".into());
    }
    Ok((v.to_f64() / net.dt).round() as u64)
}

/// `rates.csv` (only when the network has a `monitor rate`): per rate monitor, per bin of its
/// width from step 0, per population of the monitor, the mean rate per neuron in Hz: the
/// population's spikes in the bin / (size × the bin's length); the last bin may be shorter
/// (cut at the end of the run) and is divided by its own length.
fn rates_csv(net: &Network, sim: &Simulation<'_>, steps: u64) -> Option<String> {
    let monitors: Vec<(&[usize], u64)> = net
        .monitors
        .iter()
        .filter_map(|m| match m {
            Monitor::Rate { pops, bin } => Some((pops.as_slice(), (*bin).max(1))),
            _ => None,
        })
        .collect();
    if monitors.is_empty() {
        return None;
    }
    let mut s = String::from("bin_start_ms,population,rate_hz\n");
    for (pops, bin) in monitors {
        let bins = steps.div_ceil(bin) as usize;
        let mut counts = vec![vec![0u64; bins]; pops.len()];
        for sp in &sim.spikes {
            if sp.step >= steps {
                continue;
            }
            for (k, p) in pops.iter().enumerate() {
                if *p == sp.pop {
                    counts[k][(sp.step / bin) as usize] += 1;
                }
            }
        }
        for b in 0..bins as u64 {
            let first = b * bin;
            let len = (steps - first).min(bin) as f64 * net.dt;
            for (k, p) in pops.iter().enumerate() {
                let size = net.populations[*p].size.max(1) as f64;
                let rate = counts[k][b as usize] as f64 / (size * len);
                let _ = writeln!(s, "{},{},{rate}", time_ms(first, net), net.populations[*p].name);
            }
        }
    }
    Some(s)
}

/// `step × dt` in milliseconds, or empty for a clocked network (which has no physical time).
fn time_ms(step: u64, net: &Network) -> String {
    if net.clocked {
        return String::new();
    }
    let ms = step as f64 * net.dt * 1e3;
    let mut s = format!("{ms:.6}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

fn render(net: &Network, sim: &Simulation<'_>, _steps: u64) -> (String, String) {
    let recorded: Vec<bool> = (0..net.populations.len())
        .map(|p| net.monitors.iter().any(|m| matches!(m, Monitor::Spikes(list) if list.contains(&p))))
        .collect();
    let mut spikes = String::from("step,time_ms,population,neuron\n");
    for s in &sim.spikes {
        if recorded[s.pop] {
            let _ =
                writeln!(spikes, "{},{},{},{}", s.step, time_ms(s.step, net), net.populations[s.pop].name, s.neuron);
        }
    }
    let mut states = String::from("step,time_ms,population,neuron,variable,value\n");
    for s in &sim.samples {
        let (who, var) = match &net.monitors[s.monitor] {
            Monitor::State { pop, state, .. } => {
                let p = &net.populations[*pop];
                (p.name.as_str(), net.models[p.model].states[*state as usize].as_str())
            }
            Monitor::Synapse(m) => {
                let pr = &net.projections[m.proj];
                (pr.name.as_str(), pr.synapse.map_or("?", |syn| net.models[syn].states[m.state as usize].as_str()))
            }
            Monitor::Spikes(_) | Monitor::Rate { .. } => continue,
        };
        let _ = writeln!(states, "{},{},{},{},{},{:e}", s.step, time_ms(s.step, net), who, s.neuron, var, s.value);
    }
    (spikes, states)
}

fn summary(
    net: &Network,
    sim: &Simulation<'_>,
    steps: u64,
    file: &Path,
    text: &str,
    timing: (f64, f64, f64, f64),
    engine: &EngineReport,
) -> serde_json::Value {
    let seconds = steps as f64 * net.dt;
    let pops: Vec<serde_json::Value> = net
        .populations
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let count = sim.spikes.iter().filter(|s| s.pop == i).count();
            let rate = if net.clocked || seconds == 0.0 { serde_json::Value::Null } else { serde_json::json!(count as f64 / p.size as f64 / seconds) };
            serde_json::json!({ "name": p.name, "size": p.size, "model": net.models[p.model].name, "spikes": count, "rate_hz": rate })
        })
        .collect();
    let mut units = serde_json::Map::new();
    for p in &net.populations {
        let m = &net.models[p.model];
        for (s, u) in m.states.iter().zip(&m.state_units) {
            units.insert(format!("{}.{}", p.name, s), serde_json::json!(if u.is_empty() { "1" } else { u.as_str() }));
        }
    }
    let value = serde_json::json!({
        "network": net.name,
        "engine": {
            "requested": engine.requested.name(),
            "populations": net.populations.iter().zip(&engine.populations)
                .map(|(p, e)| (p.name.clone(), serde_json::json!(e)))
                .collect::<serde_json::Map<_, _>>(),
        },
        "seed": net.seed,
        "dt_s": if net.clocked { serde_json::Value::Null } else { serde_json::json!(net.dt) },
        "clocked": net.clocked,
        "steps": steps,
        "duration_s": if net.clocked { serde_json::Value::Null } else { serde_json::json!(seconds) },
        "populations": pops,
        "connections": sim.connection_counts(),
        "units": units,
        "manifest": {
            "scn_version": env!("CARGO_PKG_VERSION"),
            "inputs": [{ "path": file.display().to_string(), "sha256": files::sha256_hex(text.as_bytes()) }],
        },
        "timing": {
            "check_s": timing.0,
            "build_s": timing.1,
            "jit_compile_s": engine.compile_s,
            "run_s": timing.2,
            "write_s": timing.3,
        },
    });
    value
}

/// Checks `--plot` and `--vcd` before anything runs: the right extension, an existing
/// directory to hold them (or the output directory itself), and no clash with each other or
/// with the output directory. Returns the message and a help line.
fn check_extra_paths(args: &Args, dir: &Path) -> Result<(), (String, String)> {
    let extras = [("--plot", "svg", &args.plot), ("--vcd", "vcd", &args.vcd)];
    for (flag, ext, path) in extras {
        let Some(path) = path else { continue };
        let shown = path.display();
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
            return Err((format!("{flag} `{shown}` must name a `.{ext}` file"), format!("write `{flag} FILE.{ext}`")));
        }
        if path.is_dir() || same_place(path, dir) {
            return Err((format!("{flag} `{shown}` is a directory"), format!("write `{flag} FILE.{ext}`")));
        }
        let parent = parent_of(path);
        if !same_place(parent, dir) && inside(parent, dir) {
            return Err((
                format!("{flag} `{shown}` is in a subdirectory of the output directory `{}`", dir.display()),
                "the output directory is replaced whole: put the file directly in it, or elsewhere".into(),
            ));
        }
        if !parent.is_dir() && !same_place(parent, dir) {
            return Err((
                format!("{flag} `{shown}`: the directory `{}` does not exist", parent.display()),
                "create it first, or write the file into the output directory".into(),
            ));
        }
    }
    if let (Some(a), Some(b)) = (&args.plot, &args.vcd)
        && same_place(a, b)
    {
        return Err((format!("--plot and --vcd both name `{}`", a.display()), "give them different files".into()));
    }
    Ok(())
}

/// The directory that holds `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Whether two paths name the same place, whether or not it exists yet.
fn same_place(a: &Path, b: &Path) -> bool {
    let absolute = |p: &Path| std::path::absolute(p).map(|p| p.components().collect::<PathBuf>()).ok();
    if absolute(a).is_some_and(|x| Some(x) == absolute(b)) {
        return true;
    }
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Whether `path` lies inside the directory `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
    let absolute = |p: &Path| std::path::absolute(p).map(|p| p.components().collect::<PathBuf>()).ok();
    matches!((absolute(path), absolute(dir)), (Some(p), Some(d)) if p.starts_with(&d))
}

/// Files written beside their destinations and moved into place together by [`Stage::commit`],
/// so that the output directory and the extra files are complete or absent. Files inside the
/// output directory are written into a fresh sibling directory that replaces it; others into
/// a hidden temporary file next to them. Dropped before the commit, a stage removes what it
/// wrote.
struct Stage {
    dir: PathBuf,
    tmp: PathBuf,
    /// Temporary files outside the directory and their destinations.
    renames: Vec<(PathBuf, PathBuf)>,
    committed: bool,
}

/// An error and the path it concerns.
type StageError = (PathBuf, std::io::Error);

impl Stage {
    fn new(dir: &Path) -> Result<Stage, StageError> {
        let at = |e| (dir.to_path_buf(), e);
        let parent = parent_of(dir);
        std::fs::create_dir_all(parent).map_err(at)?;
        let name = dir.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(at)?;
        }
        std::fs::create_dir(&tmp).map_err(at)?;
        Ok(Stage { dir: dir.to_path_buf(), tmp, renames: Vec::new(), committed: false })
    }

    /// Stages the file `target` with the bytes `body` writes.
    fn write(
        &mut self,
        target: &Path,
        body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), StageError> {
        let name = target.file_name().map_or("file".into(), |n| n.to_string_lossy().into_owned());
        let parent = parent_of(target);
        let tmp = if same_place(parent, &self.dir) {
            self.tmp.join(&name)
        } else {
            let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
            self.renames.push((tmp.clone(), target.to_path_buf()));
            tmp
        };
        let at = |e| (target.to_path_buf(), e);
        let mut w = BufWriter::new(std::fs::File::create(&tmp).map_err(at)?);
        body(&mut w).map_err(at)?;
        w.into_inner().map_err(|e| at(e.into_error()))?.sync_all().map_err(at)
    }

    /// Moves everything into place.
    fn commit(mut self) -> Result<(), StageError> {
        let dir = self.dir.clone();
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| (dir.clone(), e))?;
        }
        std::fs::rename(&self.tmp, &dir).map_err(|e| (dir.clone(), e))?;
        for (tmp, target) in std::mem::take(&mut self.renames) {
            std::fs::rename(&tmp, &target).map_err(|e| (target, e))?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
            for (tmp, _) in &self.renames {
                let _ = std::fs::remove_file(tmp);
            }
        }
    }
}

/// A progress bar on standard error for runs that take more than a second, shown only when
/// standard error is a terminal (so pipes, tests and CI logs stay clean).
struct Progress {
    total: u64,
    started: Instant,
    enabled: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let enabled = total > 0 && std::io::IsTerminal::is_terminal(&std::io::stderr());
        Progress { total, started: Instant::now(), enabled, bar: None }
    }

    fn update(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        } else if self.enabled && done < self.total && self.started.elapsed() >= Duration::from_secs(1) {
            let style = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} steps  {rate} steps/s  ETA {eta}",
            )
            .expect("the template is valid")
            .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", s.per_sec());
            })
            .progress_chars("=> ");
            let bar = indicatif::ProgressBar::new(self.total).with_style(style).with_position(done);
            bar.enable_steady_tick(Duration::from_millis(200));
            self.bar = Some(bar);
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
