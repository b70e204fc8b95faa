//! Four implementations of every spike-trace check of tests/forms.scn against each other on 200
//! random spike traces: the runtime monitor (the interpreter produces the trace through the
//! relay network of tests/relay.scn and its step hook feeds the monitors), the replayer, the
//! open-tool hardware monitors simulated with Icarus Verilog, and the concurrent SVA simulated
//! with Verilator `--assert`. Per trace and check, the first failing step must agree (or no
//! method fails). One Icarus and one Verilator build serve all traces: the testbenches read
//! them from a `$readmemh` table and reset the monitors between traces.

use scn_props::formal::design;
use scn_props::replay::check_trace;
use scn_props::sim::check_sim;
use scn_props::trace::Trace;
use scn_props::{Monitor, lower_properties};
use scn_runtime::ir::{Network, Source};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const TRACES: usize = 200;
const STEPS: u64 = 48;

/// The first failing step of every check on every trace, `[trace][check]`.
type FirstFailures = Vec<Vec<Option<u64>>>;

/// Random traces of `net`'s populations: per trace a spike probability, per step and neuron a
/// draw. Step 0 stays empty, since a relay spikes one step after its input at the earliest.
/// Also returns every step's spikes as one hexadecimal word (bit i: neuron i of the
/// populations in order), the testbenches' table.
fn random_traces(net: &Network) -> (Vec<Trace>, String) {
    let mut rng = Rng(0x5EED);
    let mut hex = String::new();
    let mut traces = Vec::new();
    for _ in 0..TRACES {
        let p = 0.02 + 0.4 * rng.unit();
        let mut csv = String::from("step,time_ms,population,neuron\n");
        for t in 0..STEPS {
            let mut word = 0u64;
            let mut bit = 0;
            for pop in &net.populations {
                for n in 0..pop.size {
                    if t > 0 && rng.unit() < p {
                        word |= 1 << bit;
                        let _ = writeln!(csv, "{t},,{},{n}", pop.name);
                    }
                    bit += 1;
                }
            }
            let _ = writeln!(hex, "{word:x}");
        }
        traces.push(Trace::from_csv(net, &csv, Some(STEPS)).expect("trace"));
    }
    (traces, hex)
}

/// The testbench of both simulators: per trace one reset cycle, then one clock per step with
/// the step's spikes on the ports, printing `step R T` before each edge and, with `oks`, the
/// monitors' `ok` bits after it. The table's words hold the spikes of every population, then,
/// with `states`, every state port (else the states are held at 0).
fn testbench(d: &scn_props::formal::Design, oks: Option<usize>, states: bool) -> String {
    let layout = d.layout();
    let spikes: u64 = layout.pops.iter().map(|p| p.size).sum();
    let total = if states { spikes + state_bits(d) } else { spikes };
    let mut state_offset = spikes;
    let mut ports = String::from(".clk(clk), .rst(rst)");
    let mut wires = String::new();
    let mut offset = 0;
    for p in &layout.pops {
        let _ = write!(ports, ", .s_{}(s_{})", p.spike_port, p.spike_port);
        let _ = writeln!(
            wires,
            "    wire [{}:0] s_{} = word[{}:{}];",
            p.size - 1,
            p.spike_port,
            offset + p.size - 1,
            offset
        );
        offset += p.size;
        for s in &p.states {
            let bits = p.size * u64::from(s.width);
            if states {
                let _ = write!(ports, ", .s_{}(word[{}:{}])", s.port, state_offset + bits - 1, state_offset);
                state_offset += bits;
            } else {
                let _ = write!(ports, ", .s_{}({bits}'d0)", s.port);
            }
        }
    }
    let show = match oks {
        Some(n) => {
            let bits: Vec<String> = (0..n).rev().map(|k| format!("props.ok_{k}")).collect();
            format!("#1 $display(\"ok %0d %0d %b\", r, t, {{{}}});", bits.join(", "))
        }
        None => "#1 $display(\"step %0d %0d\", r, t);".into(),
    };
    format!(
        "module tb;\n    reg clk = 0;\n    reg rst = 1;\n    reg [{w}:0] mem [0:{last}];\n    reg [{w}:0] word = 0;\n{wires}    {module} props ({ports});\n    integer r, t;\n    initial begin\n        $readmemh(\"stim.hex\", mem);\n        for (r = 0; r < {TRACES}; r = r + 1) begin\n            rst = 1; word = 0; #1 clk = 1; #1 clk = 0; rst = 0;\n            for (t = 0; t < {STEPS}; t = t + 1) begin\n                word = mem[r * {STEPS} + t];\n                {show}\n                clk = 1; #1 clk = 0;\n            end\n        end\n        $finish;\n    end\nendmodule\n",
        w = total - 1,
        last = TRACES as u64 * STEPS - 1,
        module = scn_props::hdl::module_name(&layout.network),
    )
}

/// The bits of every state port of the design's top.
fn state_bits(d: &scn_props::formal::Design) -> u64 {
    d.layout().pops.iter().map(|p| p.states.iter().map(|s| p.size * u64::from(s.width)).sum::<u64>()).sum()
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/test.sh installs it): {e}"));
    assert!(
        out.status.success(),
        "{program}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The open-tool monitors under Icarus: a check fails at the first step its `ok` bit is 0.
fn icarus(d: &scn_props::formal::Design, monitors: &[Monitor], hex: &str, dir: &Path, states: bool) -> FirstFailures {
    std::fs::write(dir.join("props.v"), d.immediate(monitors).text).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(d, Some(monitors.len()), states)).unwrap();
    std::fs::write(dir.join("stim.hex"), hex).unwrap();
    run(dir, "iverilog", &["-g2005", "-o", "sim.vvp", "-s", "tb", "props.v", "tb.v"]);
    let out = run(dir, "vvp", &["-n", "sim.vvp"]);
    let mut first = vec![vec![None; monitors.len()]; TRACES];
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let ["ok", r, t, bits] = f[..] else { continue };
        let (r, t): (usize, u64) = (r.parse().unwrap(), t.parse().unwrap());
        for (k, b) in bits.chars().rev().enumerate() {
            if b == '0' && first[r][k].is_none() {
                first[r][k] = Some(t);
            }
        }
    }
    first
}

/// The concurrent SVA under Verilator `--assert`: a check fails at the first step one of its
/// properties (`p_K` or `p_K_N`) reports a failed assertion.
fn verilator(
    d: &scn_props::formal::Design,
    monitors: &[Monitor],
    hex: &str,
    dir: &Path,
    states: bool,
) -> FirstFailures {
    let sva = d.sva(monitors);
    assert!(sva.covered.iter().all(Result::is_ok), "{:?}", sva.covered);
    std::fs::write(dir.join("props.sv"), sva.text).unwrap();
    std::fs::write(dir.join("tb.sv"), testbench(d, None, states)).unwrap();
    std::fs::write(dir.join("stim.hex"), hex).unwrap();
    run(
        dir,
        "verilator",
        &[
            "--binary",
            "--assert",
            "--timing",
            "-Wno-fatal",
            "-Wno-lint",
            "--top-module",
            "tb",
            "-o",
            "sim",
            "props.sv",
            "tb.sv",
        ],
    );
    // A failed assertion stops the simulation unless the error limit is raised.
    let out = run(dir, "obj_dir/sim", &["+verilator+error+limit+1000000"]);
    let mut first = vec![vec![None; monitors.len()]; TRACES];
    let mut at = (0, 0);
    let mut failures = 0;
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if let ["step", r, t] = f[..] {
            at = (r.parse().unwrap(), t.parse().unwrap());
        } else if let Some(label) = line.split("Assertion failed in TOP.tb.props.p_").nth(1) {
            let k: usize = label.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
            failures += 1;
            first[at.0][k].get_or_insert(at.1);
        }
    }
    assert!(failures > 0, "Verilator reported no assertion at all:\n{out}");
    first
}

/// The runtime monitors in the interpreter: the relay network reproduces each trace, and
/// `check_sim` watches it through the step hook.
fn runtime(forms: &Network, monitors: &[Monitor], traces: &[Trace], dir: &Path) -> FirstFailures {
    let tests = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let forms_text = std::fs::read_to_string(format!("{tests}/forms.scn")).unwrap();
    let properties = &forms_text[forms_text.find("/// Each form twice").expect("the property block")..];
    let text = std::fs::read_to_string(format!("{tests}/relay.scn")).unwrap() + "\n" + properties;
    for (pop, stimulus) in [("n", "relay_n.csv"), ("q", "relay_q.csv"), ("s", "relay_s.csv")] {
        let size = forms.populations.iter().find(|p| p.name == pop).unwrap().size;
        let rows: String = (0..size).map(|n| format!("0,,{pop},{n}\n")).collect();
        std::fs::write(dir.join(stimulus), format!("step,time_ms,population,neuron\n{rows}")).unwrap();
    }
    std::fs::write(dir.join("relay.scn"), &text).unwrap();
    let analysis = scn_sema::check_source("relay.scn", text, Some(dir), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let mut relay = scn_lower::lower_network(&analysis, Some("Forms")).expect("relay lowers");
    let names: Vec<&str> = relay.populations.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, forms.populations.iter().map(|p| p.name.as_str()).collect::<Vec<_>>());
    let all = lower_properties(&analysis, &relay).expect("relay monitors");
    let watched: Vec<Monitor> =
        monitors.iter().map(|m| all.iter().find(|r| r.text == m.text).expect("same check").clone()).collect();
    traces
        .iter()
        .map(|trace| {
            for proj in &mut relay.projections {
                let Source::Replay { spikes, .. } = &mut proj.source else { continue };
                // The relay spikes one step after its input.
                *spikes = trace.spikes.iter().filter(|s| s.1 == proj.target).map(|&(t, _, n)| (t - 1, n)).collect();
            }
            let run = check_sim(&relay, &watched, STEPS);
            assert_eq!(run.trace.spikes, trace.spikes, "the relay network reproduces the trace");
            run.outcomes.iter().map(|o| o.violation.as_ref().map(|v| v.step)).collect()
        })
        .collect()
}

#[test]
fn runtime_replayer_icarus_and_verilator_agree_on_random_traces() {
    let tests = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{tests}/forms.scn")).expect("forms.scn");
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
    let kinds: BTreeSet<&str> = monitors.iter().map(|m| m.form.kind()).collect();
    assert_eq!(kinds.len(), 11, "{kinds:?}");
    let (traces, hex) = random_traces(&net);
    let scratch = std::env::temp_dir().join(format!("scn-differential-{}", std::process::id()));
    let dirs = ["icarus", "verilator", "runtime"].map(|m| scratch.join(m));
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    let by_method = [
        ("runtime monitor", runtime(&net, &monitors, &traces, &dirs[2])),
        ("Icarus (open-tool form)", icarus(&d, &monitors, &hex, &dirs[0], false)),
        ("Verilator (concurrent SVA)", verilator(&d, &monitors, &hex, &dirs[1], false)),
    ];
    let mut fails = vec![0; monitors.len()];
    for (r, trace) in traces.iter().enumerate() {
        let replayed = check_trace(&net, &monitors, trace);
        for (k, (o, m)) in replayed.iter().zip(&monitors).enumerate() {
            let step = o.violation.as_ref().map(|v| v.step);
            for (method, first) in &by_method {
                assert_eq!(first[r][k], step, "trace {r}, `{}`: {method} vs replayer ({})", m.text, o.evidence);
            }
            fails[k] += usize::from(step.is_some());
        }
    }
    eprintln!("{} checks, {kinds:?}, failures per check over {TRACES} traces: {fails:?}", monitors.len());
    // The random traces exercise both verdicts of most checks.
    let both = fails.iter().filter(|&&f| f > 0 && f < TRACES).count();
    assert!(both >= monitors.len() / 2, "{fails:?}");
    let _ = std::fs::remove_dir_all(scratch);
}

/// Random raw state values, as the runtime monitor reads them (through the interpreter's own
/// raw-to-SI conversion) and as the hardware ports carry them.
struct RawStates<'a> {
    net: &'a Network,
    /// `[pop][neuron * states + state]` raw values of the step.
    raw: &'a [Vec<i128>],
}

impl scn_props::view::States for RawStates<'_> {
    fn value(&self, pop: usize, neuron: u64, state: u16) -> f64 {
        let model = &self.net.models[self.net.populations[pop].model];
        let fx = model.fixed.as_ref().expect("a fixed-point model");
        let ns = model.states.len();
        scn_runtime::interp::sim::fx_si(fx, state as usize, self.raw[pop][neuron as usize * ns + state as usize])
    }

    fn at_limit(&self, pop: usize, neuron: u64, state: u16) -> bool {
        let model = &self.net.models[self.net.populations[pop].model];
        let fx = model.fixed.as_ref().expect("a fixed-point model");
        let f = fx.spec.format();
        let r = self.raw[pop][neuron as usize * model.states.len() + state as usize];
        !fx.int_states[state as usize] && (r <= f.min_raw() || r >= f.max_raw())
    }
}

/// The checks that read states (`always` over states and `no_overflow`), on random state
/// traces: the runtime monitor's engine (what the interpreter's step hook drives) reads the
/// raw values through the interpreter's conversion, the open-tool monitors (Icarus) and the
/// concurrent SVA (Verilator) read the same raw values on the state ports; the first failing
/// step must agree. Per trace a spread of values (from near 0 to the whole format) and a rate
/// of values at the format's limits (sometimes none) give both verdicts of every check.
#[test]
fn state_checks_agree_between_the_runtime_monitor_icarus_and_verilator() {
    let tests = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{tests}/forms.scn")).expect("forms.scn");
    let analysis = scn_sema::check_source("forms.scn", text, None, &scn_sema::Disk);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let monitors: Vec<Monitor> = lower_properties(&analysis, &net)
        .expect("monitors")
        .into_iter()
        .filter(|m| !m.form.spikes_only() && m.role == scn_props::Role::Assert)
        .filter(|m| matches!(m.form, scn_props::Form::Always { .. } | scn_props::Form::NoOverflow { .. }))
        .collect();
    let kinds: BTreeSet<&str> = monitors.iter().map(|m| m.form.kind()).collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let d = design(&net).expect("hardware");
    let layout = d.layout();
    let spike_bits: u64 = layout.pops.iter().map(|p| p.size).sum();
    assert!(spike_bits + state_bits(&d) <= 128, "one table word per step");
    let mut rng = Rng(0x57A7E);
    let mut hex = String::new();
    let mut traces: Vec<Vec<Vec<Vec<i128>>>> = Vec::new();
    for _ in 0..TRACES {
        let spread = rng.unit();
        let at_limits = if rng.unit() < 0.3 { 0.0 } else { 0.02 * rng.unit() };
        let mut steps = Vec::new();
        for _ in 0..STEPS {
            let (mut word, mut at) = (0u128, spike_bits);
            let mut raw = Vec::new();
            for (p, pop) in layout.pops.iter().enumerate() {
                let model = &net.models[net.populations[p].model];
                let f = model.fixed.as_ref().expect("fixed point").spec.format();
                let mut values = vec![0i128; pop.size as usize * pop.states.len()];
                for (k, st) in pop.states.iter().enumerate() {
                    for n in 0..pop.size as usize {
                        let u = rng.unit();
                        let r = if u < at_limits / 2.0 {
                            f.min_raw()
                        } else if u < at_limits {
                            f.max_raw()
                        } else {
                            let span = (f.max_raw() - f.min_raw()) as f64 * spread;
                            let mid = (f.max_raw() + f.min_raw()) / 2;
                            (mid + ((rng.unit() - 0.5) * span) as i128).clamp(f.min_raw(), f.max_raw())
                        };
                        values[n * pop.states.len() + k] = r;
                        let bits = (r as u128) & ((1u128 << st.width) - 1);
                        word |= bits << (at + n as u64 * u64::from(st.width));
                    }
                    at += pop.size * u64::from(st.width);
                }
                raw.push(values);
            }
            let _ = writeln!(hex, "{word:x}");
            steps.push(raw);
        }
        traces.push(steps);
    }
    let scratch = std::env::temp_dir().join(format!("scn-differential-states-{}", std::process::id()));
    let dirs = ["icarus", "verilator"].map(|m| scratch.join(m));
    for d in &dirs {
        std::fs::create_dir_all(d).unwrap();
    }
    let by_method = [
        ("Icarus (open-tool form)", icarus(&d, &monitors, &hex, &dirs[0], true)),
        ("Verilator (concurrent SVA)", verilator(&d, &monitors, &hex, &dirs[1], true)),
    ];
    let sizes: Vec<u64> = net.populations.iter().map(|p| p.size).collect();
    let names: Vec<String> = net.populations.iter().map(|p| p.name.clone()).collect();
    let stimuli = vec![false; net.projections.len()];
    let mut fails = vec![0; monitors.len()];
    for (r, steps) in traces.iter().enumerate() {
        let mut engines: Vec<scn_props::engine::Engine<'_>> =
            monitors.iter().map(|m| scn_props::engine::Engine::new(&m.form, m.role, &sizes, &names)).collect();
        for (t, raw) in steps.iter().enumerate() {
            let states = RawStates { net: &net, raw };
            let view = scn_props::view::Step { step: t as u64, spikes: &[], stimuli: &stimuli, states: Some(&states) };
            for e in &mut engines {
                e.step(&view);
            }
        }
        for (k, (e, m)) in engines.iter().zip(&monitors).enumerate() {
            let o = e.finish(true);
            let step = o.violation.as_ref().map(|v| v.step);
            for (method, first) in &by_method {
                assert_eq!(
                    first[r][k], step,
                    "trace {r}, `{}`: {method} vs the runtime monitor ({})",
                    m.text, o.evidence
                );
            }
            fails[k] += usize::from(step.is_some());
        }
    }
    eprintln!("{} state checks, {kinds:?}, failures per check over {TRACES} traces: {fails:?}", monitors.len());
    assert!(fails.iter().all(|&f| f > 0 && f < TRACES), "both verdicts of every check: {fails:?}");
    let _ = std::fs::remove_dir_all(scratch);
}
