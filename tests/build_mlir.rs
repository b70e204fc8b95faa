//! The CIRCT MLIR backend end to end (issue 7): every hardware example and every design of
//! `tests/hw` is built with `scn build --target mlir`; CIRCT itself (the pinned `circt` wheel,
//! `tests/mlir/circt_flow.py`) parses and verifies the custom form, reads the generic form back
//! into the same operations, lowers `seq` to `sv` and exports SystemVerilog; Icarus Verilog
//! (`-g2012`) simulates that SystemVerilog with the build's self-checking testbench, and the
//! trace it writes equals the reference interpreter's bit for bit. The generic form also passes
//! stock `mlir-opt-19 --allow-unregistered-dialect --verify-each`. Two builds give the same
//! bytes, and a small design's MLIR is snapshotted. A network's properties become a monitor
//! module with `ltl`/`verif` directives: CIRCT exports them as concurrent SVA that pyslang
//! elaborates, and the monitor logic simulated under Icarus agrees with the replayer on 200
//! random spike traces.
//!
//! The Python with CIRCT is `$SCN_PYTHON` (`scripts/test.sh` makes a venv with
//! `tests/compare/requirements.txt`). Without it, or without `mlir-opt-19`, these tests fail;
//! they never skip.

mod common;
#[path = "support/hw.rs"]
mod hw;
#[path = "../compiler/props/tests/support/rng.rs"]
mod rng;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Cycles simulated per design (the examples' full durations are 4096 and 256 cycles).
const MAX_CYCLES: u64 = 4096;

fn out_dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_mlir").join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.parent().unwrap()).unwrap();
    d
}

/// `$SCN_PYTHON`, checked once to import the `circt` wheel.
fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let py = std::env::var_os("SCN_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "SCN_PYTHON is not set. These tests check the MLIR with CIRCT and need a Python that \
                 imports circt: run scripts/test.sh (it makes .venv with tests/compare/requirements.txt \
                 and sets SCN_PYTHON=$PWD/.venv/bin/python), or set SCN_PYTHON yourself"
            )
        });
        let out = Command::new(&py)
            .args(["-c", "import circt"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run SCN_PYTHON={}: {e}", py.display()));
        assert!(
            out.status.success(),
            "SCN_PYTHON={} cannot import circt (install tests/compare/requirements.txt into it):\n{}",
            py.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        py
    })
}

/// The examples the hardware lowering accepts.
fn hardware_examples() -> Vec<PathBuf> {
    common::scn_files(&common::root().join("examples"))
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let analysis = scn_sema::check_source(&name, text, p.parent(), &scn_sema::Disk);
            scn_lower::lower_network(&analysis, None).is_ok_and(|net| scn_hw::lower_network(&net).is_ok())
        })
        .collect()
}

fn build(file: &Path, dir: &Path, extra: &[&str]) {
    let mut args = vec!["build", file.to_str().unwrap(), "--target", "mlir", "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = common::scn(&args);
    let (stdout, stderr) = common::text(&out);
    assert!(out.status.success(), "scn build {}:\n{stdout}{stderr}", file.display());
}

/// Runs `program` in `dir`; returns (succeeded, stdout + stderr).
fn run(dir: &Path, program: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{}` (scripts/test.sh installs it): {e}", program.display()));
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn tool(dir: &Path, program: &str, args: &[&str]) -> String {
    let (ok, text) = run(dir, Path::new(program), args);
    assert!(ok, "{program} {args:?} failed in {}:\n{text}", dir.display());
    text
}

/// The one MLIR file of a build.
fn mlir_file(dir: &Path) -> String {
    let files: Vec<String> = std::fs::read_dir(dir.join("mlir"))
        .unwrap()
        .map(|e| format!("mlir/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(files.len(), 1, "one MLIR file per design: {files:?}");
    files[0].clone()
}

/// The flow of one design: custom and generic builds, CIRCT's checks and export, `mlir-opt` on
/// the generic form, Icarus on CIRCT's SystemVerilog; the trace must be the interpreter's.
fn circt_cosim(file: &Path, tag: &str) -> PathBuf {
    let net = hw::lower(file);
    let lowered = scn_hw::lower_network(&net).unwrap();
    let cycles = net.steps.unwrap_or(1024).min(MAX_CYCLES);
    let steps = cycles.to_string();
    let (dir, generic) = (out_dir(tag), out_dir(&format!("{tag}_generic")));
    build(file, &dir, &["--steps", &steps]);
    build(file, &generic, &["--steps", &steps, "--mlir-form", "generic"]);
    let mlir = mlir_file(&dir);
    let generic_mlir = generic.join(mlir_file(&generic));
    let flow = common::root().join("tests/mlir/circt_flow.py");
    let args = [flow.to_str().unwrap(), mlir.as_str(), "design.sv", generic_mlir.to_str().unwrap()];
    let (ok, text) = run(&dir, python(), &args);
    assert!(ok, "CIRCT rejects the MLIR of {}:\n{text}", file.display());
    tool(
        &generic,
        "mlir-opt-19",
        &["--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null", &mlir_file(&generic)],
    );
    tool(&dir, "iverilog", &["-g2012", "-o", "sim.vvp", "-s", "scn_tb", "design.sim.sv", "tb/scn_tb.v"]);
    let out = tool(&dir, "vvp", &["-n", "sim.vvp"]);
    assert!(out.contains("SCN-TB PASS"), "the testbench fails on CIRCT's Verilog of {}:\n{out}", file.display());
    let trace = std::fs::read_to_string(dir.join("trace.txt")).unwrap();
    let expected = scn_hw::trace::interpreter_trace(&net, &lowered.layout, cycles).unwrap().text(&lowered.layout);
    assert!(trace == expected, "{}: CIRCT's Verilog and the interpreter trace differently", file.display());
    let _ = std::fs::remove_dir_all(&generic);
    dir
}

#[test]
fn the_examples_simulate_bit_exact_through_circt() {
    let examples = hardware_examples();
    let names: Vec<String> = examples.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["lif_q88.scn", "sc_dense.scn"]);
    for p in examples {
        let tag = p.file_stem().unwrap().to_string_lossy().into_owned();
        circt_cosim(&p, &tag);
    }
}

#[test]
fn every_rounding_and_overflow_mode_simulates_bit_exact_through_circt() {
    for (tag, src) in hw::mix_sources(out_dir) {
        circt_cosim(&src, &tag);
    }
}

#[test]
fn the_stream_operators_and_the_small_accumulator_simulate_bit_exact_through_circt() {
    let dir = circt_cosim(&common::root().join("tests/hw/sc_ops.scn"), "sc_ops");
    let trace = std::fs::read_to_string(dir.join("trace.txt")).unwrap();
    assert_eq!(trace.lines().filter(|l| l.starts_with("out ")).count(), 3 * 6, "6 outputs in each of 3 frames");
    circt_cosim(&common::root().join("tests/hw/acc.scn"), "acc");
}

#[test]
fn circt_and_mlir_opt_reject_broken_mlir() {
    let dir = out_dir("broken");
    build(&common::root().join("tests/hw/acc.scn"), &dir, &["--steps", "8"]);
    let mlir = mlir_file(&dir);
    let text = std::fs::read_to_string(dir.join(&mlir)).unwrap();
    // An extract beyond its operand's width parses but fails CIRCT's verifier.
    let broken = text.replacen(" from 0 {", " from 99 {", 1);
    assert_ne!(broken, text, "an extract from bit 0");
    std::fs::write(dir.join(&mlir), broken).unwrap();
    let flow = common::root().join("tests/mlir/circt_flow.py");
    let (ok, out) = run(&dir, python(), &[flow.to_str().unwrap(), &mlir, "design.sv"]);
    assert!(!ok && out.contains("comb.extract"), "{out}");
    let generic = out_dir("broken_generic");
    build(&common::root().join("tests/hw/acc.scn"), &generic, &["--steps", "8", "--mlir-form", "generic"]);
    let g = mlir_file(&generic);
    let text = std::fs::read_to_string(generic.join(&g)).unwrap();
    std::fs::write(generic.join(&g), text.replacen("\"comb.", "comb.", 1)).unwrap();
    let (ok, out) = run(
        &generic,
        Path::new("mlir-opt-19"),
        &["--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null", &g],
    );
    assert!(!ok && out.contains("error"), "{out}");
}

#[test]
fn generated_mlir_of_a_small_model_is_stable() {
    let path = common::root().join("tests/hw/acc.scn");
    let net = hw::lower(&path);
    let lowered = scn_hw::lower_network(&net).unwrap();
    let custom = scn_mlir::design(&lowered.design, scn_mlir::Form::Custom, "scn (snapshot)", None);
    insta::assert_snapshot!("acc_custom_mlir", custom);
    let generic = scn_mlir::design(&lowered.design, scn_mlir::Form::Generic, "scn (snapshot)", None);
    insta::assert_snapshot!("acc_generic_mlir", generic);
}

#[test]
fn two_builds_are_byte_identical_and_the_manifest_hashes_the_mlir() {
    let file = common::root().join("examples/sc_dense.scn");
    for form in ["custom", "generic"] {
        let (a, b) = (out_dir(&format!("det_a_{form}")), out_dir(&format!("det_b_{form}")));
        build(&file, &a, &["--mlir-form", form]);
        build(&file, &b, &["--mlir-form", form]);
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["target"], "mlir");
        let files = m["files"].as_array().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert_eq!(
            paths,
            [
                "mlir/scn_ScDense.mlir",
                "tb/expected.hex",
                "tb/expected_outputs.hex",
                "tb/expected_trace.txt",
                "tb/scn_tb.v"
            ]
        );
        for f in files {
            let path = f["path"].as_str().unwrap();
            let bytes = std::fs::read(a.join(path)).unwrap();
            assert_eq!(bytes, std::fs::read(b.join(path)).unwrap(), "{path} differs between two builds");
            let hash: String =
                <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(f["sha256"], hash.as_str(), "{path}");
        }
        assert_eq!(std::fs::read(a.join("manifest.json")).unwrap(), std::fs::read(b.join("manifest.json")).unwrap());
    }
}

#[test]
fn mlir_form_needs_the_mlir_target() {
    let dir = out_dir("form_without_target");
    let out = common::scn(&["build", "examples/lif_q88.scn", "--mlir-form", "generic", "-o", dir.to_str().unwrap()]);
    let (_, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--target mlir"), "{stderr}");
    assert!(!dir.exists(), "nothing is written");
}

/// A leaf module with every IR operator, every comparison predicate and memory reads through
/// an address of the index's width, a narrower and a wider one, instantiated by a top that
/// leaves one output unconnected. Returns the design and the leaf's output names and widths.
fn every_operator_design() -> (scn_hw::ir::Design, Vec<(String, u32)>) {
    use scn_hw::builder::{ModuleBuilder, konst};
    use scn_hw::ir::{Design, Op, Pred};
    let mut b = ModuleBuilder::new("Ops", "every operator");
    let (a, c, s) = (b.input("a", 8), b.input("b", 8), b.input("s", 1));
    let (n, k) = (b.input("n", 3), b.input("k", 2));
    let mem = b.memory("rom", 8, vec![0x11, 0x82, 0x33, 0xF4, 0x55]);
    let mut outs: Vec<(&str, scn_hw::ir::Value)> = vec![
        ("add", b.wire("add", 8, Op::Add(a, c))),
        ("sub", b.wire("sub", 8, Op::Sub(a, c))),
        ("mul", b.wire("mul", 8, Op::Mul(a, c))),
        ("and", b.wire("and", 8, Op::And(a, c))),
        ("or", b.wire("or", 8, Op::Or(a, c))),
        ("xor", b.wire("xor", 8, Op::Xor(a, c))),
        ("not", b.wire("not", 8, Op::Not(a))),
        ("mux", b.wire("mux", 8, Op::Mux(s, a, c))),
        ("ext", b.wire("ext", 3, Op::Extract(a, 5))),
        ("cat", b.wire("cat", 12, Op::Concat(vec![s, a, konst(3, 5)]))),
        ("rep", b.wire("rep", 6, Op::Replicate(k, 3))),
        ("copy", b.wire("copy", 8, Op::Id(c))),
        ("rom_n", b.wire("rom_n", 8, Op::MemRead(mem, n))),
        ("rom_k", b.wire("rom_k", 8, Op::MemRead(mem, k))),
        ("rom_a", b.wire("rom_a", 8, Op::MemRead(mem, a))),
    ];
    let preds = [
        ("eq", Pred::Eq),
        ("ne", Pred::Ne),
        ("slt", Pred::Slt),
        ("sle", Pred::Sle),
        ("sgt", Pred::Sgt),
        ("sge", Pred::Sge),
        ("ult", Pred::Ult),
        ("uge", Pred::Uge),
    ];
    for (name, p) in preds {
        outs.push((name, b.wire(name, 1, Op::Icmp(p, a, c))));
    }
    for (name, v) in &outs {
        b.output(name, *v);
    }
    let leaf = b.finish();
    let ports: Vec<(String, u32)> = leaf.outputs.iter().map(|o| (o.name.clone(), o.width)).collect();
    let mut t = ModuleBuilder::new("OpsTop", "instantiates Ops");
    let inputs: Vec<(String, scn_hw::ir::Value)> = leaf
        .inputs
        .iter()
        .map(|&i| (leaf.nets[i].name.clone(), t.input(&leaf.nets[i].name, leaf.nets[i].width)))
        .collect();
    let used: Vec<(String, u32)> = ports.iter().filter(|(p, _)| p != "copy").cloned().collect();
    let values = t.instance("u", 0, inputs, &used);
    for ((port, _), v) in used.iter().zip(values) {
        t.output(port, v);
    }
    (Design { modules: vec![leaf, t.finish()], top: 1 }, used)
}

/// Every operator and predicate goes through CIRCT (both forms, export) and the exported
/// Verilog computes what `scn_hw::eval` computes on 200 input vectors.
#[test]
fn every_operator_and_predicate_matches_the_ir_evaluator_through_circt() {
    let (design, ports) = every_operator_design();
    assert_eq!(scn_hw::validate::validate(&design), Ok(()));
    let dir = out_dir("every_operator");
    std::fs::create_dir_all(dir.join("mlir")).unwrap();
    let custom = scn_mlir::design(&design, scn_mlir::Form::Custom, "test", None);
    let generic = scn_mlir::design(&design, scn_mlir::Form::Generic, "test", None);
    std::fs::write(dir.join("mlir/custom.mlir"), custom).unwrap();
    std::fs::write(dir.join("mlir/generic.mlir"), generic).unwrap();
    let flow = common::root().join("tests/mlir/circt_flow.py");
    let (ok, text) =
        run(&dir, python(), &[flow.to_str().unwrap(), "mlir/custom.mlir", "design.sv", "mlir/generic.mlir"]);
    assert!(ok, "{text}");
    tool(
        &dir,
        "mlir-opt-19",
        &["--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null", "mlir/generic.mlir"],
    );
    // A testbench that applies pseudo-random inputs and compares every output with the evaluator.
    let leaf = &design.modules[0];
    let widths: Vec<u32> = leaf.inputs.iter().map(|&i| leaf.nets[i].width).collect();
    let names: Vec<String> = leaf.inputs.iter().map(|&i| format!("s_{}", leaf.nets[i].name)).collect();
    let mut tb = String::from("module tb;\n    reg clk = 0, rst = 0;\n");
    for (n, w) in names.iter().zip(&widths) {
        tb += &format!("    reg [{}:0] {n};\n", w - 1);
    }
    for (p, w) in &ports {
        tb += &format!("    wire [{}:0] s_{p};\n", w - 1);
    }
    let conns: Vec<String> = ["clk", "rst"]
        .iter()
        .map(|p| format!(".{p}({p})"))
        .chain(names.iter().map(|n| format!(".{n}({n})")))
        .chain(ports.iter().map(|(p, _)| format!(".s_{p}(s_{p})")))
        .collect();
    tb += &format!("    scn_OpsTop dut ({});\n    integer bad = 0;\n    initial begin\n", conns.join(", "));
    let mut seed: u64 = 0x5EED;
    for vector in 0..200 {
        let mut inputs = Vec::new();
        for (n, w) in names.iter().zip(&widths) {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = u128::from(seed >> 33) & scn_hw::ir::mask(*w);
            inputs.push(v);
            tb += &format!("        {n} = {w}'h{v:x};\n");
        }
        tb += "        #1;\n";
        let vals = scn_hw::eval::eval_cycle(leaf, &inputs, &[]);
        for (p, w) in &ports {
            let k = leaf.outputs.iter().position(|o| &o.name == p).unwrap();
            let want = scn_hw::eval::output(leaf, &vals, k);
            tb += &format!(
                "        if (s_{p} !== {w}'h{want:x}) begin bad = bad + 1; $display(\"MISMATCH {vector} {p} %h\", s_{p}); end\n"
            );
        }
    }
    tb += "        $display(\"CHECKED %0d mismatches\", bad);\n        $finish;\n    end\nendmodule\n";
    std::fs::write(dir.join("tb.sv"), tb).unwrap();
    tool(&dir, "iverilog", &["-g2012", "-o", "sim.vvp", "-s", "tb", "design.sv", "tb.sv"]);
    let out = tool(&dir, "vvp", &["-n", "sim.vvp"]);
    assert!(out.contains("CHECKED 0 mismatches"), "{out}");
}

#[test]
fn properties_become_ltl_and_verif_that_circt_exports_as_sva_and_that_agree_with_the_replayer() {
    use std::fmt::Write as _;
    const TRACES: usize = 200;
    const STEPS: u64 = 48;
    let file = common::root().join("compiler/props/tests/forms.scn");
    let (dir, generic) = (out_dir("props"), out_dir("props_generic"));
    build(&file, &dir, &["--steps", "16"]);
    build(&file, &generic, &["--steps", "16", "--mlir-form", "generic"]);
    let mlir = mlir_file(&dir);
    let text = std::fs::read_to_string(dir.join(&mlir)).unwrap();
    assert!(text.contains("hw.module @scn_props_Forms(") && text.contains("ltl.implication"), "{mlir}");
    let flow = common::root().join("tests/mlir/circt_flow.py");
    let generic_mlir = generic.join(mlir_file(&generic));
    let args = [flow.to_str().unwrap(), mlir.as_str(), "design.sv", generic_mlir.to_str().unwrap()];
    let (ok, out) = run(&dir, python(), &args);
    assert!(ok, "CIRCT rejects the properties' MLIR:\n{out}");
    tool(
        &generic,
        "mlir-opt-19",
        &["--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null", &mlir_file(&generic)],
    );

    // The checks the monitor module covers, and those a spike trace decides.
    let net = hw::lower(&file);
    let lowered = scn_hw::lower_network(&net).unwrap();
    let analysis = {
        let src = std::fs::read_to_string(&file).unwrap();
        scn_sema::check_source("forms.scn", src, file.parent(), &scn_sema::Disk)
    };
    let monitors = scn_props::lower_properties(&analysis, &net).unwrap();
    let circuit = scn_props::circuit::build(&monitors, &lowered.layout, &scn_props::circuit::scales(&net));
    let covered: Vec<usize> = (0..monitors.len()).filter(|&k| circuit.covered[k].is_ok()).collect();
    assert!(covered.len() >= 28, "{:?}", circuit.covered);

    // CIRCT's SVA: one labelled concurrent assertion or cover per covered check, with the
    // temporal forms as sequences; pyslang elaborates it without errors.
    let sva = std::fs::read_to_string(dir.join("design.sv")).unwrap();
    for &k in &covered {
        let verb = if monitors[k].role == scn_props::Role::Cover { "cover" } else { "assert" };
        let label = format!("p_{k}:");
        let at = sva.find(&label).unwrap_or_else(|| panic!("no `{label}` in CIRCT's SystemVerilog"));
        let statement = sva[at..].split(';').next().unwrap();
        assert!(statement.contains(&format!("{verb} property (@(posedge clk) disable iff (rst)")), "{statement}");
    }
    assert!(sva.contains("|-> ##1") && sva.contains("|-> ##0"), "implications with delays");
    let check = common::root().join("compiler/props/tests/check_sva.py");
    let (ok, out) = run(&dir, python(), &[check.to_str().unwrap(), "design.sv"]);
    assert!(ok, "pyslang rejects CIRCT's SVA:\n{out}");

    // The monitor logic under Icarus against the replayer, on random traces.
    let checked: Vec<usize> = covered
        .iter()
        .copied()
        .filter(|&k| monitors[k].form.spikes_only() && monitors[k].role == scn_props::Role::Assert)
        .collect();
    let layout = &lowered.layout;
    let total: u64 = layout.pops.iter().map(|p| p.size).sum();
    let mut rng = rng::Rng(0x0C1C);
    let mut hex = String::new();
    let mut traces = Vec::new();
    for _ in 0..TRACES {
        let p = 0.02 + 0.4 * rng.unit();
        let mut csv = String::from("step,time_ms,population,neuron\n");
        for t in 0..STEPS {
            let (mut word, mut bit) = (0u64, 0);
            for (pi, pop) in layout.pops.iter().enumerate() {
                for n in 0..pop.size {
                    if rng.unit() < p {
                        word |= 1 << bit;
                        let _ = writeln!(csv, "{t},,{},{n}", net.populations[pi].name);
                    }
                    bit += 1;
                }
            }
            let _ = writeln!(hex, "{word:x}");
        }
        traces.push(scn_props::trace::Trace::from_csv(&net, &csv, Some(STEPS)).unwrap());
    }
    let (mut ports, mut wires, mut offset) = (String::from(".clk(clk), .rst(rst)"), String::new(), 0);
    for p in &layout.pops {
        let _ = write!(ports, ", .s_{0}(word[{1}:{2}])", p.spike_port, offset + p.size - 1, offset);
        offset += p.size;
        for s in &p.states {
            let _ = write!(ports, ", .s_{}({}'d0)", s.port, p.size as u32 * s.width);
        }
    }
    for &k in &checked {
        let _ = writeln!(wires, "    wire ok_{k};");
        let _ = write!(ports, ", .s_ok_{k}(ok_{k})");
    }
    let oks: Vec<String> = checked.iter().rev().map(|k| format!("ok_{k}")).collect();
    let tb = format!(
        "module tb;\n    reg clk = 0;\n    reg rst = 1;\n    reg [{w}:0] mem [0:{last}];\n    reg [{w}:0] word = 0;\n{wires}    scn_props_Forms props ({ports});\n    integer r, t;\n    initial begin\n        $readmemh(\"stim.hex\", mem);\n        for (r = 0; r < {TRACES}; r = r + 1) begin\n            rst = 1; word = 0; #1 clk = 1; #1 clk = 0; rst = 0;\n            for (t = 0; t < {STEPS}; t = t + 1) begin\n                word = mem[r * {STEPS} + t];\n                #1 $display(\"%0d %0d %b\", r, t, {{{oks}}});\n                clk = 1; #1 clk = 0;\n            end\n        end\n        $finish;\n    end\nendmodule\n",
        w = total - 1,
        last = TRACES as u64 * STEPS - 1,
        oks = oks.join(", ")
    );
    std::fs::write(dir.join("props_tb.v"), tb).unwrap();
    std::fs::write(dir.join("stim.hex"), hex).unwrap();
    tool(&dir, "iverilog", &["-g2012", "-o", "props.vvp", "-s", "tb", "design.sim.sv", "props_tb.v"]);
    let out = tool(&dir, "vvp", &["-n", "props.vvp"]);
    let mut first = vec![vec![None; checked.len()]; TRACES];
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [r, t, bits] = f[..] else { continue };
        let (r, t): (usize, u64) = (r.parse().unwrap(), t.parse().unwrap());
        for (i, b) in bits.chars().rev().enumerate() {
            if b == '0' && first[r][i].is_none() {
                first[r][i] = Some(t);
            }
        }
    }
    let chosen: Vec<scn_props::Monitor> = checked.iter().map(|&k| monitors[k].clone()).collect();
    let mut fails = vec![0; checked.len()];
    for (r, trace) in traces.iter().enumerate() {
        let outcomes = scn_props::replay::check_trace(&net, &chosen, trace);
        for (i, (o, m)) in outcomes.iter().zip(&chosen).enumerate() {
            let step = o.violation.as_ref().map(|v| v.step);
            assert_eq!(first[r][i], step, "trace {r}, `{}`: CIRCT's Verilog vs the replayer ({})", m.text, o.evidence);
            fails[i] += usize::from(step.is_some());
        }
    }
    let both = fails.iter().filter(|&&f| f > 0 && f < TRACES).count();
    assert!(both >= checked.len() / 2, "the traces exercise both verdicts of most checks: {fails:?}");
    let _ = std::fs::remove_dir_all(&generic);
}
