//! `scn run`: check, lower and simulate a network with the reference interpreter, then write
//! `spikes.csv`, `states.csv` and `summary.json` into the output directory, completely or
//! not at all.

use crate::files;
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile, Span};
use scn_runtime::interp::Simulation;
use scn_runtime::ir::{Monitor, Network};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `scn run`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model file.
    file: PathBuf,
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
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// Runs a network and writes its results.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let started = Instant::now();
    let text = match files::read(&args.file) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(1);
        }
    };
    let name = args.file.display().to_string();
    let file_name = args.file.file_name().map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    let analysis = scn_sema::check_source(&file_name, text.clone(), args.file.parent(), &scn_sema::Disk);
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
    let mut net = match scn_lower::lower_network(&analysis, args.network.as_deref()) {
        Ok(n) => n,
        Err(d) => return fail(&root, d, args.color, out, err),
    };
    if let Some(s) = args.seed {
        net.seed = s;
    }
    let steps = match (args.steps, &args.duration) {
        (Some(s), _) => s,
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
    let built = Instant::now();
    let mut sim = Simulation::new(&net);
    let build_s = built.elapsed().as_secs_f64();
    let ran = Instant::now();
    let result = sim.run(steps, |_| {});
    let run_s = ran.elapsed().as_secs_f64();
    if let Err(e) = result {
        writeln!(err, "error[E0705]: the run stopped: {e}")?;
        writeln!(err, "  = help: the invariant is part of the model; nothing was written")?;
        return Ok(1);
    }
    let written = Instant::now();
    let files = render(&net, &sim, steps);
    let timing = (started.elapsed().as_secs_f64() - run_s - build_s, build_s, run_s);
    let summary = summary(&net, &sim, steps, args, &text, timing, written.elapsed().as_secs_f64());
    if let Err(e) = write_all(&dir, &[("spikes.csv", files.0), ("states.csv", files.1), ("summary.json", summary)]) {
        writeln!(err, "error: cannot write `{}`: {e}", dir.display())?;
        writeln!(err, "  = help: choose another directory with `-o DIR`; nothing was written")?;
        return Ok(1);
    }
    rate_table(&net, &sim, steps, err)?;
    writeln!(err, "wrote {} ({} steps in {:.3} s)", dir.display(), steps, run_s)?;
    Ok(0)
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

fn time_ms(step: u64, net: &Network) -> String {
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
            Monitor::Spikes(_) => continue,
        };
        let _ = writeln!(states, "{},{},{},{},{},{:e}", s.step, time_ms(s.step, net), who, s.neuron, var, s.value);
    }
    (spikes, states)
}

fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

fn summary(
    net: &Network,
    sim: &Simulation<'_>,
    steps: u64,
    args: &Args,
    text: &str,
    timing: (f64, f64, f64),
    write_s: f64,
) -> String {
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
        "engine": "interp",
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
            "inputs": [{ "path": args.file.display().to_string(), "sha256": sha256(text.as_bytes()) }],
        },
        "timing": { "check_s": timing.0, "build_s": timing.1, "run_s": timing.2, "write_s": write_s },
    });
    serde_json::to_string_pretty(&value).expect("summary serialises") + "\n"
}

/// Writes every file into a fresh sibling directory, then renames it into place, so that the
/// output directory is complete or absent.
fn write_all(dir: &Path, files: &[(&str, String)]) -> std::io::Result<()> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = dir.file_name().map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        for (file, text) in files {
            std::fs::write(tmp.join(file), text)?;
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::rename(&tmp, dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn rate_table(net: &Network, sim: &Simulation<'_>, steps: u64, err: &mut dyn Write) -> std::io::Result<()> {
    let seconds = steps as f64 * net.dt;
    writeln!(
        err,
        "{:<16} {:>8} {:>10} {:>12}",
        "population",
        "size",
        "spikes",
        if net.clocked { "per cycle" } else { "rate (Hz)" }
    )?;
    for (i, p) in net.populations.iter().enumerate() {
        let count = sim.spikes.iter().filter(|s| s.pop == i).count();
        let rate = if net.clocked {
            count as f64 / p.size as f64 / steps.max(1) as f64
        } else {
            count as f64 / p.size as f64 / seconds
        };
        writeln!(err, "{:<16} {:>8} {:>10} {:>12.3}", p.name, p.size, count, rate)?;
    }
    Ok(())
}
