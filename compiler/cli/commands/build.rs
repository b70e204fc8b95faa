//! `scn build`: check and lower a network, lower it to the hardware IR, and write its
//! Verilog-2005 (`rtl/`), a self-checking testbench with the interpreter's expected trace
//! (`tb/`) and `manifest.json`; with a device profile (`--target ice40-hx8k`, or `fpga` for the
//! default one) also synthesise it with Yosys, check it fits, place and route it with nextpnr
//! where an open tool exists, and write `fpga/report.json`; with `--target mlir` write the design
//! as MLIR in CIRCT's `hw`/`comb`/`seq` dialects (`mlir/`) instead of `rtl/`, with the same
//! testbench. The output directory is written
//! completely or not at all (staged in a temporary directory, then renamed).

use crate::files;
use crate::report::{self, ColorChoice, MessageFormat};
use scn_diagnostics::{Diagnostic, SourceFile, Span};
use scn_fpga::{FlowError, Profile};
use scn_hw::HwError;
use scn_runtime::fixed::{Overflow, Rounding};
use scn_runtime::ir::Network;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `scn build`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model file.
    file: PathBuf,
    /// `verilog`, `mlir`, `nir` (a NIR graph, docs/nir.md), `native` (a shared library with a C
    /// ABI, built with LLVM), `fpga` (the default device) or a device profile from `scn targets`.
    #[arg(long, default_value = "verilog")]
    target: String,
    /// The MLIR syntax of `--target mlir`: CIRCT's custom form or MLIR's generic form.
    #[arg(long, value_enum)]
    mlir_form: Option<MlirForm>,
    /// Output directory (default: `build/NETWORK`).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// The network to build (needed when the file has several).
    #[arg(long)]
    network: Option<String>,
    /// Cycles the testbench simulates and checks (default: the network's duration, else 1024).
    #[arg(long)]
    steps: Option<u64>,
    /// The network seed (overrides the file's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t)]
    color: ColorChoice,
}

/// The MLIR syntax `--mlir-form` selects.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MlirForm {
    /// CIRCT's custom syntax (`hw.module @…`), read by CIRCT tools.
    Custom,
    /// MLIR's generic operation form, read by any MLIR tool (`mlir-opt --allow-unregistered-dialect`).
    Generic,
}

/// The tool name and version written into every generated file.
fn tool() -> String {
    format!("scn {}", env!("CARGO_PKG_VERSION"))
}

/// Builds the hardware of a network.
pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    let text = match files::read(&args.file) {
        Ok(t) => t,
        Err(e) => {
            files::report_unreadable(err, &e)?;
            return Ok(1);
        }
    };
    let name = args.file.display().to_string();
    let root = SourceFile::new(name.clone(), text.clone());
    let fail = |d: Diagnostic, out: &mut dyn Write, err: &mut dyn Write| -> std::io::Result<i32> {
        report::emit(&root, &[d], MessageFormat::Human, args.color, out, err)?;
        Ok(1)
    };
    if args.mlir_form.is_some() && args.target != "mlir" {
        writeln!(err, "error: `--mlir-form` applies to `--target mlir` only")?;
        writeln!(err, "  = help: add `--target mlir` or drop `--mlir-form`; nothing was written")?;
        return Ok(2);
    }
    let profile = match args.target.as_str() {
        "verilog" | "mlir" | "nir" | "native" => None,
        t => match scn_fpga::profile::find(t) {
            Some(p) => Some(p),
            None => {
                let names: Vec<String> = scn_fpga::profile::profiles().into_iter().map(|p| p.name).collect();
                let d = Diagnostic::error("E0714", format!("unknown target `{t}`"), Span::default(), "no such target")
                    .with_help(format!(
                        "use `verilog`, `mlir`, `nir`, `native`, `fpga` or one of: {}",
                        names.join(", ")
                    ));
                return fail(d, out, err);
            }
        },
    };
    let file_name = args.file.file_name().map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    let analysis = scn_sema::check_source(&file_name, text.clone(), args.file.parent(), &scn_sema::Disk);
    if analysis.has_errors() {
        for (m, module) in analysis.program.modules.iter().enumerate() {
            let diags: Vec<Diagnostic> =
                analysis.diagnostics.iter().filter(|(k, _)| *k == m).map(|(_, d)| d.clone()).collect();
            if !diags.is_empty() {
                let shown = if m == 0 { name.clone() } else { module.source.name.clone() };
                let src = SourceFile::new(shown, module.source.text.clone());
                report::emit(&src, &diags, MessageFormat::Human, args.color, out, err)?;
            }
        }
        writeln!(err, "error: `{name}` has errors; nothing was built")?;
        return Ok(1);
    }
    let mut net = match scn_lower::lower_network(&analysis, args.network.as_deref()) {
        Ok(n) => n,
        Err(d) => return fail(d, out, err),
    };
    if let Some(s) = args.seed {
        net.seed = s;
    }
    if args.target == "nir" {
        let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("build").join(&net.name));
        return super::build_nir::write(&net, &dir, err);
    }
    if args.target == "native" {
        let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("build").join(&net.name));
        return match super::build_native::write(&net, &dir, &text, err)? {
            Ok(()) => Ok(0),
            Err(d) => fail(d, out, err),
        };
    }
    let lowered = match scn_hw::lower_network(&net) {
        Ok(l) => l,
        Err(e) => return fail(hw_diagnostic(&e, &text), out, err),
    };
    let cycles = args.steps.or(net.steps).unwrap_or(1024);
    let trace = match scn_hw::trace::interpreter_trace(&net, &lowered.layout, cycles) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error[E0705]: the reference run for the testbench stopped: {e}")?;
            writeln!(err, "  = help: fix the model or build fewer cycles (`--steps`); nothing was written")?;
            return Ok(1);
        }
    };
    let generated = if args.target == "mlir" {
        let form = match args.mlir_form {
            Some(MlirForm::Generic) => scn_mlir::Form::Generic,
            Some(MlirForm::Custom) | None => scn_mlir::Form::Custom,
        };
        // A property that has no monitor form leaves the properties out of the MLIR, with the
        // reason as a warning: the design itself is still built.
        let monitors = match scn_props::lower_properties(&analysis, &net) {
            Ok(m) => m,
            Err(mut d) => {
                d.severity = scn_diagnostics::Severity::Warning;
                let d = d.with_note("the network's properties are left out of the MLIR monitors");
                report::emit(&root, &[d], MessageFormat::Human, args.color, out, err)?;
                Vec::new()
            }
        };
        let circuit = scn_props::circuit::build(&monitors, &lowered.layout, &scn_props::circuit::scales(&net));
        for (m, covered) in monitors.iter().zip(&circuit.covered) {
            if let Err(why) = covered {
                writeln!(err, "note: `{}` is left out of the MLIR monitors: {why}; `scn verify` checks it", m.text)?;
            }
        }
        let checks = (!circuit.directives.is_empty())
            .then_some(scn_mlir::Checks { module: &circuit.module, directives: &circuit.directives });
        scn_mlir::emit(&lowered, &trace, &tool(), form, checks)
    } else {
        scn_verilog::emit(&lowered, &trace, &tool())
    };
    let estimate = scn_hw::estimate::estimate(&lowered.design);
    writeln!(
        err,
        "estimate: {} LUTs, {} flip-flops, {} bits of ROM",
        estimate.luts, estimate.ffs, estimate.memory_bits
    )?;
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("build").join(&net.name));
    let stage = match Stage::new(&dir) {
        Ok(s) => s,
        Err(e) => return cannot_write(&dir, &e, err),
    };
    for (path, body) in &generated {
        if let Err(e) = stage.write(path, body.as_bytes()) {
            return cannot_write(&dir.join(path), &e, err);
        }
    }
    let mut fpga_summary = None;
    if let Some(p) = &profile {
        let rtl: Vec<String> = generated
            .iter()
            .filter(|(p, _)| p.starts_with("rtl/") && p.ends_with(".v"))
            .map(|(p, _)| p.clone())
            .collect();
        let top = scn_verilog::ident::module(&lowered.design.modules[lowered.design.top].name);
        match fpga(&stage.tmp, p, &rtl, &top, &estimate, err)? {
            Ok(summary) => fpga_summary = Some(summary),
            Err(d) => return fail(d, out, err),
        }
    }
    let manifest = manifest(&net, &lowered, &analysis, &args.file, &text, &args.target, cycles, &stage.tmp);
    if let Err(e) = stage.write("manifest.json", manifest.as_bytes()) {
        return cannot_write(&dir, &e, err);
    }
    if let Err(e) = stage.commit() {
        return cannot_write(&dir, &e, err);
    }
    if let Some(s) = fpga_summary {
        writeln!(err, "{s}")?;
    }
    writeln!(err, "wrote {} (testbench of {cycles} cycles)", dir.display())?;
    Ok(0)
}

fn cannot_write(path: &Path, e: &std::io::Error, err: &mut dyn Write) -> std::io::Result<i32> {
    files::report_unwritable(err, path, e, "choose another place with `-o DIR`; nothing was written")?;
    Ok(1)
}

/// A diagnostic for a refusal of the hardware lowering, pointing at the first mention of the
/// model, population or projection it names.
fn hw_diagnostic(e: &HwError, text: &str) -> Diagnostic {
    let span = e.subject.as_deref().and_then(|s| find_word(text, s)).unwrap_or_default();
    Diagnostic::error(e.code, e.message.clone(), span, "here").with_help(e.help.clone())
}

/// Where `word` first occurs in `text` as a whole identifier outside `//` comments.
pub(crate) fn find_word(text: &str, word: &str) -> Option<Span> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(k) = text[from..].find(word) {
        let start = from + k;
        let end = start + word.len();
        let before = text[..start].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = text[end..].chars().next().is_none_or(|c| !is_ident(c));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let in_comment = text[line_start..start].contains("//");
        if before && after && !in_comment {
            return Some(Span::new(start, end));
        }
        from = end;
    }
    None
}

/// Synthesis, the capacity check and place and route; returns the summary line.
fn fpga(
    dir: &Path,
    profile: &Profile,
    rtl: &[String],
    top: &str,
    estimate: &scn_hw::estimate::Estimate,
    err: &mut dyn Write,
) -> std::io::Result<Result<String, Diagnostic>> {
    let tool_error = |e: FlowError| {
        let code = if matches!(e, FlowError::DoesNotFit { .. }) { "E0713" } else { "E0715" };
        let help = if code == "E0713" {
            "pick a larger device (`scn targets`) or build a smaller network; nothing was written"
        } else {
            "install Yosys and nextpnr (Debian: yosys nextpnr-ice40 fpga-icestorm), or build `--target verilog`; nothing was written"
        };
        Diagnostic::error(code, format!("{} on `{}`: {e}", "the FPGA flow stopped", profile.name), Span::default(), "")
            .with_help(help)
    };
    // Every register bit becomes a flip-flop, so a design with too many fails before synthesis.
    let registers = scn_fpga::Resources { ffs: estimate.ffs, ..scn_fpga::Resources::default() };
    if let Err(e) = scn_fpga::flow::check_fit(&registers, profile) {
        return Ok(Err(tool_error(e)));
    }
    writeln!(err, "synthesising for {} with yosys {}…", profile.name, profile.synth)?;
    let res = match scn_fpga::flow::synthesize(dir, profile, rtl, top) {
        Ok(r) => r,
        Err(e) => return Ok(Err(tool_error(e))),
    };
    if let Err(e) = scn_fpga::flow::check_fit(&res, profile) {
        return Ok(Err(tool_error(e)));
    }
    let fmax = if profile.pnr.is_empty() {
        None
    } else {
        writeln!(err, "placing and routing with {}…", profile.pnr)?;
        match scn_fpga::flow::place_and_route(dir, profile) {
            Ok(f) => Some(f),
            Err(e) => return Ok(Err(tool_error(e))),
        }
    };
    let pct = |a: u64, b: u64| if b == 0 { 0.0 } else { (a as f64 * 1000.0 / b as f64).round() / 10.0 };
    let report = serde_json::json!({
        "profile": profile.name,
        "vendor": profile.vendor,
        "family": profile.family,
        "top": top,
        "resources": res,
        "capacity": {"luts": profile.luts, "ffs": profile.ffs, "bram": profile.bram_blocks, "dsps": profile.dsps},
        "utilisation_percent": {
            "luts": pct(res.luts, profile.luts),
            "ffs": pct(res.ffs, profile.ffs),
            "bram": pct(res.bram, profile.bram_blocks),
            "dsps": pct(res.dsps, profile.dsps),
        },
        "estimate": {"luts": estimate.luts, "ffs": estimate.ffs, "memory_bits": estimate.memory_bits},
        "placed_and_routed": fmax.is_some(),
        "fmax_mhz": fmax,
        "tools": {
            "yosys": scn_fpga::flow::version("yosys", "-V"),
            "pnr": if profile.pnr.is_empty() { String::new() } else { scn_fpga::flow::version(&profile.pnr, "--version") },
        },
    });
    let text = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
    std::fs::write(dir.join("fpga/report.json"), text)?;
    let timing = fmax.map_or("not placed (no open place-and-route tool for this family)".to_string(), |f| {
        format!("fmax {f:.2} MHz")
    });
    Ok(Ok(format!(
        "{}: {} LUTs ({:.1}%), {} flip-flops, {} block RAMs, {} DSPs; {timing}",
        profile.name,
        res.luts,
        pct(res.luts, profile.luts),
        res.ffs,
        res.bram,
        res.dsps
    )))
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn overflow_name(o: Overflow) -> &'static str {
    match o {
        Overflow::Saturate => "saturate",
        Overflow::Wrap => "wrap",
        Overflow::Trap => "trap",
    }
}

fn rounding_name(r: Rounding) -> &'static str {
    match r {
        Rounding::Floor => "floor",
        Rounding::NearestEven => "nearest_even",
        Rounding::NearestAway => "nearest_away",
        Rounding::Stochastic => "stochastic",
    }
}

/// Every file under `dir` (relative paths with `/`), sorted.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type()?.is_dir() {
            walk(&e.path(), &format!("{name}/"), out)?;
        } else {
            out.push((name, e.path()));
        }
    }
    Ok(())
}

/// Data files a source loads (`load("…")`), relative to its directory.
fn loaded_files(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(k) = rest.find("load(\"") {
        rest = &rest[k + 6..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `manifest.json`: the tool, the network, the precision of every model, every seed, and the
/// SHA-256 of every input and of every output file (paths relative, no timestamps).
#[allow(clippy::too_many_arguments)]
fn manifest(
    net: &Network,
    lowered: &scn_hw::Lowered,
    analysis: &scn_sema::Analysis,
    file: &Path,
    text: &str,
    target: &str,
    cycles: u64,
    dir: &Path,
) -> String {
    let mut inputs = vec![serde_json::json!({
        "path": file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        "sha256": hex_sha256(text.as_bytes()),
    })];
    for m in analysis.program.modules.iter().skip(1) {
        inputs.push(serde_json::json!({"path": m.source.name, "sha256": hex_sha256(m.source.text.as_bytes())}));
    }
    let base = file.parent().unwrap_or(Path::new("."));
    for data in loaded_files(text) {
        if let Ok(bytes) = std::fs::read(base.join(&data)) {
            inputs.push(serde_json::json!({"path": data, "sha256": hex_sha256(&bytes)}));
        }
    }
    let mut precision = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in &net.populations {
        let m = &net.models[p.model];
        if let Some(fx) = &m.fixed
            && seen.insert(m.name.clone())
        {
            let s = fx.spec;
            precision.push(serde_json::json!({
                "model": m.name,
                "format": format!("{}<{},{}>", if s.signed { "fix" } else { "ufix" }, s.width, s.frac),
                "overflow": overflow_name(s.overflow),
                "rounding": rounding_name(s.rounding),
            }));
        }
    }
    let sources: Vec<serde_json::Value> = lowered
        .sources
        .iter()
        .map(|s| serde_json::json!({"kind": s.kind, "feeds": s.feeds, "seed": s.seed, "threshold": s.threshold}))
        .collect();
    let mut files = Vec::new();
    let mut outputs = Vec::new();
    let _ = walk(dir, "", &mut files);
    for (rel, path) in files {
        if rel == "manifest.json" {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        outputs.push(serde_json::json!({"path": rel, "sha256": hex_sha256(&bytes)}));
    }
    let outputs_layout: Vec<serde_json::Value> = lowered
        .layout
        .outputs
        .iter()
        .map(|o| serde_json::json!({"name": o.name, "denominator": o.den.to_string(), "width": o.width}))
        .collect();
    let doc = serde_json::json!({
        "tool": tool(),
        "network": net.name,
        "target": target,
        "top": scn_verilog::ident::module(&lowered.design.modules[lowered.design.top].name),
        "clock": "one rising edge of clk per simulation step; synchronous active-high reset rst",
        "testbench_cycles": cycles,
        "precision": precision,
        "seeds": {"network": net.seed, "sources": sources},
        "outputs_as_rationals": outputs_layout,
        "inputs": inputs,
        "files": outputs,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The output directory, staged next to its final place.
struct Stage {
    dir: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Stage {
    fn new(dir: &Path) -> std::io::Result<Stage> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = dir.file_name().map_or("build".into(), |n| n.to_string_lossy().into_owned());
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        Ok(Stage { dir: dir.to_path_buf(), tmp, committed: false })
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.tmp.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, bytes)
    }

    fn commit(mut self) -> std::io::Result<()> {
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir)?;
        }
        std::fs::rename(&self.tmp, &self.dir)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_outside_comments() {
        let text = "// Lif here\nneuron Lif2 {}\nneuron Lif {}";
        let s = find_word(text, "Lif").unwrap();
        assert_eq!(&text[s.start..s.end], "Lif");
        assert_eq!(s.start, text.rfind("Lif").unwrap());
        assert!(find_word(text, "Nope").is_none());
    }

    #[test]
    fn loads_are_listed_once() {
        assert_eq!(loaded_files("a = load(\"w.csv\")\nb = load(\"a.csv\") c = load(\"w.csv\")"), ["a.csv", "w.csv"]);
    }
}
