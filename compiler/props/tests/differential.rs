//! The hardware monitors against the replayer: 200 random spike traces per property form of
//! tests/forms.scn, each fed to the open-tool monitor module simulated with Icarus Verilog and
//! to the replayer; the first failing step must agree (or both must not fail).

use scn_props::formal::design;
use scn_props::replay::check_trace;
use scn_props::trace::Trace;
use scn_props::{Monitor, lower_properties};
use std::fmt::Write as _;

const TRACES: usize = 200;
const STEPS: u64 = 48;

/// A small deterministic generator (splitmix64), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn hardware_monitors_and_the_replayer_agree_on_random_traces() {
    let dir_tests = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{dir_tests}/forms.scn")).expect("forms.scn");
    let analysis = scn_sema::check_source("forms.scn", text, None, &scn_sema::Disk);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let all = lower_properties(&analysis, &net).expect("monitors");
    let d = design(&net).expect("hardware");
    // Every check that a spike trace decides and that has a hardware monitor.
    let candidates: Vec<Monitor> =
        all.into_iter().filter(|m| m.form.spikes_only() && m.role == scn_props::Role::Assert).collect();
    let emitted = d.immediate(&candidates);
    let monitors: Vec<Monitor> =
        candidates.iter().zip(&emitted.covered).filter(|(_, c)| c.is_ok()).map(|(m, _)| m.clone()).collect();
    let kinds: std::collections::BTreeSet<&str> = monitors.iter().map(|m| m.form.kind()).collect();
    assert!(kinds.len() >= 10, "{kinds:?}");
    let module = d.immediate(&monitors).text;
    let layout = d.layout();
    // Random traces: per trace a spike probability, per step and neuron a draw.
    let mut rng = Rng(0x5EED);
    let widths: Vec<u64> = layout.pops.iter().map(|p| p.size).collect();
    let total: u64 = widths.iter().sum();
    let mut hex = String::new();
    let mut traces = Vec::new();
    for _ in 0..TRACES {
        let p = 0.02 + 0.4 * rng.unit();
        let mut csv = String::from("step,time_ms,population,neuron\n");
        for t in 0..STEPS {
            let mut word = 0u64;
            let mut bit = 0;
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
        traces.push(Trace::from_csv(&net, &csv, Some(STEPS)).expect("trace"));
    }
    // The testbench drives the spike ports from the table, holds states at 0 and prints the
    // monitors' `ok` bits every step.
    let mut ports = String::from(".clk(clk), .rst(rst)");
    let mut regs = String::new();
    let mut assigns = String::new();
    let mut offset = 0;
    for p in &layout.pops {
        let _ = write!(ports, ", .s_{}(s_{})", p.spike_port, p.spike_port);
        let _ = writeln!(regs, "    wire [{}:0] s_{};", p.size - 1, p.spike_port);
        let _ = writeln!(assigns, "    assign s_{} = word[{}:{}];", p.spike_port, offset + p.size - 1, offset);
        offset += p.size;
        for s in &p.states {
            let _ = write!(ports, ", .s_{}({}'d0)", s.port, p.size as u32 * s.width);
        }
    }
    let oks: Vec<String> = (0..monitors.len()).rev().map(|k| format!("props.ok_{k}")).collect();
    let tb = format!(
        "module tb;\n    reg clk = 0;\n    reg rst = 1;\n    reg [{}:0] mem [0:{}];\n    reg [{}:0] word = 0;\n{regs}{assigns}    {} props ({ports});\n    integer r, t;\n    initial begin\n        $readmemh(\"stim.hex\", mem);\n        for (r = 0; r < {TRACES}; r = r + 1) begin\n            rst = 1; word = 0; #1 clk = 1; #1 clk = 0; rst = 0;\n            for (t = 0; t < {STEPS}; t = t + 1) begin\n                word = mem[r * {STEPS} + t];\n                #1 $display(\"%0d %0d %b\", r, t, {{{}}});\n                clk = 1; #1 clk = 0;\n            end\n        end\n        $finish;\n    end\nendmodule\n",
        total - 1,
        TRACES as u64 * STEPS - 1,
        total - 1,
        scn_props::hdl::module_name(&layout.network),
        oks.join(", ")
    );
    let dir = std::env::temp_dir().join(format!("scn-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("props.v"), &module).unwrap();
    std::fs::write(dir.join("tb.v"), tb).unwrap();
    std::fs::write(dir.join("stim.hex"), hex).unwrap();
    let build = std::process::Command::new("iverilog")
        .current_dir(&dir)
        .args(["-g2005", "-o", "sim.vvp", "-s", "tb", "props.v", "tb.v"])
        .output()
        .expect("iverilog runs (scripts/test.sh installs it)");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let run = std::process::Command::new("vvp").current_dir(&dir).args(["-n", "sim.vvp"]).output().expect("vvp");
    let out = String::from_utf8_lossy(&run.stdout);
    // First failing step per trace and monitor, from the hardware.
    let mut hw = vec![vec![None; monitors.len()]; TRACES];
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [r, t, bits] = f[..] else { continue };
        let (r, t): (usize, u64) = (r.parse().unwrap(), t.parse().unwrap());
        for (k, b) in bits.chars().rev().enumerate() {
            if b == '0' && hw[r][k].is_none() {
                hw[r][k] = Some(t);
            }
        }
    }
    let mut fails = vec![0; monitors.len()];
    for (r, trace) in traces.iter().enumerate() {
        let sw = check_trace(&net, &monitors, trace);
        for (k, (o, m)) in sw.iter().zip(&monitors).enumerate() {
            let step = o.violation.as_ref().map(|v| v.step);
            assert_eq!(hw[r][k], step, "trace {r}, `{}`: hardware vs replayer ({})", m.text, o.evidence);
            fails[k] += usize::from(step.is_some());
        }
    }
    eprintln!("{} monitors, {kinds:?}, failures per monitor over {TRACES} traces: {fails:?}", monitors.len());
    // The random traces exercise both verdicts of most checks.
    let both = fails.iter().filter(|&&f| f > 0 && f < TRACES).count();
    assert!(both >= monitors.len() / 2, "{fails:?}");
    let _ = std::fs::remove_dir_all(dir);
}
