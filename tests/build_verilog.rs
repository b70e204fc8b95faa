//! The Verilog backend end to end (DESIGN §6): every example with a `precision` block (or
//! streams only) is built with `scn build`, its RTL is compiled by Icarus Verilog without
//! warnings, linted by Verilator `-Wall` and synthesised by Yosys without latches, and the
//! generated testbench's per-cycle trace equals the reference interpreter's bit for bit, read
//! here straight from `Simulation`. Floating-point examples are refused with E0710; two builds
//! give the same bytes; one example goes through Yosys and nextpnr for the iCE40 HX8K.

mod common;
#[path = "support/hw.rs"]
mod hw;

use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Cycles simulated per example (the examples' full durations are 4096 and 256 cycles).
const MAX_CYCLES: u64 = 4096;

fn out_dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_verilog").join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.parent().unwrap()).unwrap();
    d
}

/// Every example, split into those the hardware lowering accepts and those it refuses.
/// (An example the interpreter cannot run either is refused by the lowering's E0701.)
fn examples() -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let (mut ok, mut refused) = (Vec::new(), Vec::new());
    for p in common::scn_files(&common::root().join("examples")) {
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let analysis = scn_sema::check_source(&name, text, p.parent(), &scn_sema::Disk);
        assert!(!analysis.has_errors(), "{} has errors", p.display());
        match scn_lower::lower_network(&analysis, None) {
            Err(d) => refused.push((p, d.code.to_string())),
            Ok(net) => match scn_hw::lower_network(&net) {
                Ok(_) => ok.push(p),
                Err(e) => refused.push((p, e.code.to_string())),
            },
        }
    }
    (ok, refused)
}

fn build(file: &Path, dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["build", file.to_str().unwrap(), "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = common::scn(&args);
    let (stdout, stderr) = common::text(&out);
    assert!(out.status.success(), "scn build {}:\n{stdout}{stderr}", file.display());
    stderr
}

fn tool(dir: &Path, program: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{program}` (scripts/test.sh installs it): {e}"));
    let text = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "{program} {args:?} failed in {}:\n{}{}", dir.display(), text.0, text.1);
    text
}

fn rtl_files(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("rtl/files.f")).unwrap().lines().map(str::to_string).collect()
}

fn top(dir: &Path) -> String {
    let files = rtl_files(dir);
    let last = files.last().unwrap();
    last.trim_start_matches("rtl/").trim_end_matches(".v").to_string()
}

/// Compiles and runs the testbench; returns the trace it wrote.
fn simulate(dir: &Path) -> String {
    let mut args = vec!["-g2005", "-Wall", "-o", "sim.vvp", "-s", "scn_tb"];
    let files = rtl_files(dir);
    args.extend(files.iter().map(String::as_str));
    args.push("tb/scn_tb.v");
    let (o, e) = tool(dir, "iverilog", &args);
    assert_eq!(format!("{o}{e}"), "", "iverilog -g2005 -Wall warns in {}", dir.display());
    let (o, _) = tool(dir, "vvp", &["-n", "sim.vvp"]);
    assert!(o.contains("SCN-TB PASS"), "the self-checking testbench failed in {}:\n{o}", dir.display());
    std::fs::read_to_string(dir.join("trace.txt")).unwrap()
}

/// Checks a hardware trace against the interpreter, cycle by cycle, from `Simulation` itself.
fn compare_with_interpreter(net: &Network, trace: &str, cycles: u64) {
    let dens: Vec<i128> = trace
        .lines()
        .filter_map(|l| l.strip_prefix("# output "))
        .map(|l| l.rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    let mut lines = trace.lines().filter(|l| !l.starts_with('#'));
    let mut sim = Simulation::new(net);
    let mut seen = 0;
    for t in 0..cycles {
        let line = lines.next().unwrap_or_else(|| panic!("the trace ends before cycle {t}"));
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields[0], t.to_string());
        let mut want = Vec::new();
        for (pi, p) in net.populations.iter().enumerate() {
            let ns = net.models[p.model].states.len();
            for s in 0..ns {
                for i in 0..p.size {
                    want.push(sim.raw_state(pi, i, s as u16).unwrap().to_string());
                }
            }
        }
        sim.step_once().unwrap();
        let mut spikes: Vec<Vec<char>> = net.populations.iter().map(|p| vec!['0'; p.size as usize]).collect();
        for s in &sim.spikes[seen..] {
            spikes[s.pop][s.neuron as usize] = '1';
        }
        seen = sim.spikes.len();
        let mut expected: Vec<String> = spikes.into_iter().map(|v| v.into_iter().collect()).collect();
        expected.extend(want);
        assert_eq!(fields[1..].join(" "), expected.join(" "), "cycle {t}");
        let len = net.sc.length;
        if len > 0 && !net.sc.outputs.is_empty() && (t + 1) % len == 0 {
            let frame = sim.outputs.last().unwrap();
            for (k, o) in net.sc.outputs.iter().enumerate() {
                let line = lines.next().unwrap();
                let f: Vec<&str> = line.split(' ').collect();
                assert_eq!(&f[..3], ["out", &t.to_string(), &o.name]);
                for (v, n) in frame[k].iter().zip(&f[3..]) {
                    let n: i128 = n.parse().unwrap();
                    let hw = n as f64 / dens[k] as f64;
                    assert_eq!(hw.to_bits(), v.to_bits(), "output {} at cycle {t}: {n}/{} vs {v}", o.name, dens[k]);
                }
            }
        }
    }
    assert!(lines.next().is_none(), "the trace has more cycles than asked for");
}

fn cosim(file: &Path, tag: &str) -> PathBuf {
    let net = hw::lower(file);
    let lowered = scn_hw::lower_network(&net).unwrap();
    assert_eq!(scn_hw::validate::validate(&lowered.design), Ok(()), "{}", file.display());
    let cycles = net.steps.unwrap_or(1024).min(MAX_CYCLES);
    let dir = out_dir(tag);
    build(file, &dir, &["--steps", &cycles.to_string()]);
    let trace = simulate(&dir);
    compare_with_interpreter(&net, &trace, cycles);
    dir
}

#[test]
fn the_fixed_point_and_sc_examples_are_the_hardware_ones() {
    let (ok, refused) = examples();
    let names: Vec<String> = ok.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["lif_q88.scn", "sc_dense.scn"]);
    for (p, code) in &refused {
        assert!(code == "E0710" || code == "E0701", "{} is refused with {code}", p.display());
        let dir = out_dir("refused");
        let out = common::scn(&["build", p.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
        let (_, stderr) = common::text(&out);
        assert_eq!(out.status.code(), Some(1), "{}", p.display());
        assert!(stderr.contains(code.as_str()), "{}:\n{stderr}", p.display());
        if code == "E0710" {
            assert!(stderr.contains("precision"), "{}:\n{stderr}", p.display());
        }
        assert!(!dir.exists(), "nothing is written for a refused model");
    }
}

#[test]
fn examples_simulate_bit_exact_against_the_interpreter() {
    for p in examples().0 {
        let tag = p.file_stem().unwrap().to_string_lossy().into_owned();
        cosim(&p, &tag);
    }
}

#[test]
fn every_rounding_and_overflow_mode_simulates_bit_exact() {
    for (tag, src) in hw::mix_sources(out_dir) {
        cosim(&src, &tag);
    }
}

#[test]
fn every_stream_operator_and_source_simulates_bit_exact() {
    let dir = cosim(&common::root().join("tests/hw/sc_ops.scn"), "sc_ops");
    let trace = std::fs::read_to_string(dir.join("trace.txt")).unwrap();
    assert_eq!(trace.lines().filter(|l| l.starts_with("out ")).count(), 3 * 6, "6 outputs in each of 3 frames");
}

#[test]
fn verilator_lint_and_yosys_synthesis_are_clean() {
    let mut models = examples().0;
    models.push(common::root().join("tests/hw/sc_ops.scn"));
    let mix = out_dir("mix_lint_src").with_extension("scn");
    let template = std::fs::read_to_string(common::root().join("tests/hw/mix_template.scn")).unwrap();
    std::fs::write(&mix, template.replace("OVERFLOW", "wrap").replace("ROUNDING", "nearest_away")).unwrap();
    models.push(mix);
    for p in models {
        let tag = format!("lint_{}", p.file_stem().unwrap().to_string_lossy());
        let dir = out_dir(&tag);
        let stderr = build(&p, &dir, &["--steps", "16"]);
        let files = rtl_files(&dir);
        let top = top(&dir);
        let mut args = vec!["--lint-only", "-Wall", "--top-module", top.as_str()];
        args.extend(files.iter().map(String::as_str));
        let (o, e) = tool(&dir, "verilator", &args);
        assert_eq!(format!("{o}{e}"), "", "verilator -Wall warns on {}", p.display());
        let script = format!(
            "read_verilog {}; synth -flatten -top {top}; check -assert; select -assert-none t:$dlatch t:$_DLATCH_*; tee -o stat.txt stat",
            files.join(" ")
        );
        tool(&dir, "yosys", &["-q", "-p", &script]);
        let stat = std::fs::read_to_string(dir.join("stat.txt")).unwrap();
        let ffs: u64 = stat
            .lines()
            .filter(|l| l.trim_start().starts_with("$_SDFF") || l.trim_start().starts_with("$_DFF"))
            .map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap())
            .sum();
        // The estimate printed before synthesis counts register bits; Yosys may only remove
        // constant ones.
        let est: u64 = stderr
            .split("LUTs, ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no estimate in {stderr}"));
        assert!(ffs > 0 && ffs <= est && ffs * 2 >= est, "{}: yosys {ffs} flip-flops, estimate {est}", p.display());
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let file = common::root().join("examples/sc_dense.scn");
    let (a, b) = (out_dir("det_a"), out_dir("det_b"));
    build(&file, &a, &[]);
    build(&file, &b, &[]);
    let list = |d: &Path| {
        let mut v = Vec::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(x) = stack.pop() {
            for e in std::fs::read_dir(&x).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() { stack.push(p) } else { v.push(p.strip_prefix(d).unwrap().to_path_buf()) }
            }
        }
        v.sort();
        v
    };
    let files = list(&a);
    assert_eq!(files, list(&b));
    assert!(files.iter().any(|f| f.ends_with("manifest.json")));
    for f in files {
        assert_eq!(std::fs::read(a.join(&f)).unwrap(), std::fs::read(b.join(&f)).unwrap(), "{}", f.display());
    }
}

#[test]
fn the_manifest_hashes_every_output_and_names_every_seed() {
    let dir = out_dir("manifest");
    build(&common::root().join("examples/sc_dense.scn"), &dir, &["--steps", "256"]);
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["network"], "ScDense");
    assert_eq!(m["seeds"]["sources"].as_array().unwrap().len(), 16 + 64 + 1);
    let feeding =
        |name: &str| m["seeds"]["sources"].as_array().unwrap().iter().find(|s| s["feeds"] == name).cloned().unwrap();
    assert_eq!(feeding("xs[0]")["seed"], 0xACE1);
    assert_eq!(feeding("ws[1][5]")["seed"], 0xBEEF + 13 * 21);
    assert_eq!(feeding("sel")["threshold"], 32768);
    let inputs: Vec<&str> = m["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(inputs, ["sc_dense.scn", "sc_dense_weights.csv"]);
    for f in m["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        let hash: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(f["sha256"], hash.as_str(), "{}", f["path"]);
    }
}

#[test]
fn lif_q88_is_placed_and_routed_on_ice40_hx8k() {
    let dir = out_dir("ice40");
    let stderr =
        build(&common::root().join("examples/lif_q88.scn"), &dir, &["--target", "ice40-hx8k", "--steps", "64"]);
    assert!(stderr.contains("fmax"), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("fpga/report.json")).unwrap()).unwrap();
    assert_eq!(r["profile"], "ice40-hx8k");
    assert_eq!(r["placed_and_routed"], true);
    assert!(r["fmax_mhz"].as_f64().unwrap() > 1.0, "{r}");
    let luts = r["resources"]["luts"].as_u64().unwrap();
    let est = r["estimate"]["luts"].as_u64().unwrap();
    assert!(luts > 0 && est <= 2 * luts && luts <= 2 * est, "yosys {luts} LUTs vs estimate {est}");
    assert_eq!(r["resources"]["ffs"], r["estimate"]["ffs"], "every register bit is a flip-flop");
    assert!(dir.join("fpga/design.asc").exists());
}

#[test]
fn unknown_targets_are_refused_and_listed() {
    let out =
        common::scn(&["build", "examples/lif_q88.scn", "--target", "ice40", "-o", out_dir("bad").to_str().unwrap()]);
    let (_, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("E0714") && stderr.contains("ice40-hx8k"), "{stderr}");
    let out = common::scn(&["targets"]);
    let (stdout, _) = common::text(&out);
    for name in ["ice40-up5k", "ice40-hx8k", "ecp5-85k", "artix7-35t", "zynq7020"] {
        assert!(stdout.contains(name), "{stdout}");
    }
}

#[test]
fn generated_verilog_of_a_small_model_is_stable() {
    let path = common::root().join("tests/hw/acc.scn");
    let net = hw::lower(&path);
    let lowered = scn_hw::lower_network(&net).unwrap();
    let trace = scn_hw::trace::interpreter_trace(&net, &lowered.layout, 8).unwrap();
    let files = scn_verilog::emit(&lowered, &trace, "scn (snapshot)");
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".v") || p.ends_with(".hex")) {
        let name = path.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text);
    }
    let dir = out_dir("acc");
    build(&path, &dir, &[]);
    assert!(simulate(&dir).contains("cycles=64"));
}

#[test]
fn a_design_larger_than_the_device_is_refused_with_the_shortfall() {
    let text = std::fs::read_to_string(common::root().join("examples/lif_q88.scn")).unwrap();
    let big = text.replace("pop n = LifQ88[2]", "pop n = LifQ88[300]");
    let src = out_dir("big_src").with_extension("scn");
    std::fs::write(&src, big.split("/// Safety").next().unwrap()).unwrap();
    let dir = out_dir("big");
    let out = common::scn(&["build", src.to_str().unwrap(), "--target", "ice40-up5k", "-o", dir.to_str().unwrap()]);
    let (_, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0713"), "{stderr}");
    assert!(stderr.contains("needs 5716 flip-flops but the device has 5280: 436 too many"), "{stderr}");
    assert!(!dir.exists(), "nothing is written");
}

#[test]
fn the_testbench_also_runs_under_verilator() {
    let dir = cosim(&common::root().join("examples/lif_q88.scn"), "verilator");
    let icarus = std::fs::read_to_string(dir.join("trace.txt")).unwrap();
    std::fs::remove_file(dir.join("trace.txt")).unwrap();
    // The testbench uses delays, so Verilator needs its timing support (C++ coroutines).
    let mut args = vec!["--binary", "--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style", "-CFLAGS", "-fcoroutines"];
    args.extend(["--top-module", "scn_tb", "-Mdir", "obj_verilator"]);
    let files = rtl_files(&dir);
    args.extend(files.iter().map(String::as_str));
    args.push("tb/scn_tb.v");
    tool(&dir, "verilator", &args);
    let (o, _) = tool(&dir, "obj_verilator/Vscn_tb", &[]);
    assert!(o.contains("SCN-TB PASS"), "{o}");
    assert_eq!(std::fs::read_to_string(dir.join("trace.txt")).unwrap(), icarus, "Verilator and Icarus traces differ");
}

#[test]
fn profiles_without_open_place_and_route_report_synthesis_only() {
    for target in ["ecp5-85k", "artix7-35t"] {
        let dir = out_dir(target);
        build(&common::root().join("examples/lif_q88.scn"), &dir, &["--target", target, "--steps", "16"]);
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("fpga/report.json")).unwrap()).unwrap();
        assert_eq!(r["profile"], target);
        assert_eq!(r["placed_and_routed"], false);
        assert!(r["fmax_mhz"].is_null());
        assert_eq!(r["resources"]["ffs"], 54, "{target}: every register bit, counted once");
        assert!(r["resources"]["luts"].as_u64().unwrap() > 0);
    }
}

#[test]
fn constructs_without_hardware_are_refused_at_their_name() {
    let text = std::fs::read_to_string(common::root().join("examples/lif_q88.scn")).unwrap();
    let poisson = text
        .replace("stimulus go = bits(s) -> n.x", "stimulus noisy = poisson(rate = 20 Hz, n = 1) -> n.x")
        .replace("duration = 4096 cycles", "dt = 1 ms\n    duration = 64 ms");
    let src = out_dir("poisson_src").with_extension("scn");
    std::fs::write(&src, poisson.split("/// Safety").next().unwrap()).unwrap();
    let dir = out_dir("poisson");
    let out = common::scn(&["build", src.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    let (_, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0711") && stderr.contains("Poisson source"), "{stderr}");
    assert!(stderr.contains("stimulus noisy"), "the label points at the stimulus:\n{stderr}");
    assert!(!dir.exists());
}

#[test]
fn target_fpga_is_the_default_profile() {
    let dir = out_dir("fpga_default");
    build(&common::root().join("examples/lif_q88.scn"), &dir, &["--target", "fpga", "--steps", "8"]);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("fpga/report.json")).unwrap()).unwrap();
    assert_eq!(r["profile"], "ice40-hx8k");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["target"], "fpga");
    assert!(m["files"].as_array().unwrap().iter().any(|f| f["path"] == "fpga/report.json"));
}
