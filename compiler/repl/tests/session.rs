//! The session without a terminal: every kind of input through `Session::execute`.

use scn_repl::{Flow, Session};
use std::path::{Path, PathBuf};

/// A fresh directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-repl-session-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs each input in turn and returns everything printed.
fn session_output(session: &mut Session, inputs: &[&str]) -> String {
    let mut out = Vec::new();
    for input in inputs {
        session.execute(input, &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn run(inputs: &[&str]) -> String {
    session_output(&mut Session::new(temp_dir("run")), inputs)
}

const NETWORK: &str = "network Net {
    dt = 0.1 ms
    pop exc = Lif[20]
    stimulus poisson(rate = 50 Hz, n = 100) -> exc.syn { p = 0.2, weight = 2 mV }
    monitor spikes(exc)
}";

#[test]
fn quantities_keep_their_units() {
    assert_eq!(run(&["20 ms * 3"]), "60 ms\n");
    assert_eq!(run(&["-65 mV + 15 mV"]), "-50 mV\n");
    assert_eq!(run(&["1 / 20 ms"]), "50 Hz\n");
    assert_eq!(run(&["0.3 ms / 0.1 ms"]), "3\n");
    assert_eq!(run(&["exp(0)"]), "1\n");
    assert_eq!(run(&["sqrt(2)"]), "1.414213562\n");
    assert_eq!(run(&["1 mV < 2 mV"]), "true\n");
    assert_eq!(run(&["10 ** 100"]), "1e100\n");
    assert_eq!(run(&["1 / 0"]), "dimensionless with no finite value (inf): a division by zero or an overflow\n");
}

#[test]
fn a_stray_character_gets_its_diagnostic() {
    let out = run(&["é"]);
    assert!(out.contains("Error") && out.contains("<repl>:1:1"), "{out}");
}

#[test]
fn suggestions_do_not_name_the_repl_wrappers() {
    let out = run(&["tua"]);
    assert!(out.contains("E0101") && !out.contains("__repl"), "{out}");
}

#[test]
fn constants_persist_and_feed_expressions() {
    assert_eq!(run(&["const tau = 20 ms", "tau * 3"]), "defined tau\n60 ms\n");
}

#[test]
fn stream_expressions_run_one_frame_bit_exactly() {
    let out = run(&["popcount(encode(0.3, lfsr16(seed = 1), length = 256))"]);
    // 91 ones is what `scn run` computes for the same output in a network (outputs.json).
    assert!(out.starts_with("91 of 256 ones (count<256>); decoded 0.35546875, expected 0.3 ± 0.0286"), "{out}");
    let out = run(&["decode(encode(0.5, lfsr16(seed = 0xACE1), length = 1024))"]);
    assert!(out.contains("(prob), expected 0.5 ± 0.015625"), "{out}");
}

#[test]
fn fixed_point_casts_quantise() {
    assert_eq!(run(&["0.3 as fix<16,8>"]), "0.30078125 (fix<16,8>, raw 77, nearest even, saturating)\n");
    assert_eq!(run(&["1000 as Q8.8"]), "127.99609375 (fix<16,8>, raw 32767, nearest even, saturating)\n");
    assert!(run(&[":type 0.3 as fix<16,8>"]).contains("interval: [0.30078125]"));
    // Arithmetic on quantised values is not mistaken for exact arithmetic.
    let out = run(&["(0.3 as fix<16,8>) * 2"]);
    assert!(out.contains("fixed-point arithmetic runs in a network") && !out.contains("0.6"), "{out}");
    let out = run(&["const q: fix<16,8> = 0.3", "q > 0.2", "q * 1.0", "q"]);
    assert!(!out.contains("true") && !out.contains("0.3\n"), "{out}");
    assert!(out.ends_with("0.30078125 (fix<16,8>, raw 77, nearest even, saturating)\n"), "{out}");
}

#[test]
fn type_shows_type_unit_and_interval() {
    let out = run(&[":type uniform(-65 mV, -50 mV)"]);
    assert_eq!(out, "type: voltage\nunit: V (voltage, in SI m^2*kg*s^-3*A^-1)\ninterval: [-65 mV, -50 mV]\n");
    let out = run(&[":type popcount(encode(0.3, lfsr16(seed = 1), length = 256))"]);
    assert!(out.contains("type: count<256>") && out.contains("interval: [0, 256]"), "{out}");
}

#[test]
fn errors_point_into_the_typed_line_and_change_nothing() {
    let mut s = Session::new(temp_dir("errors"));
    let out = session_output(&mut s, &["const a = 1 mV", "a + 2 ms"]);
    assert!(out.contains("E0201") && out.contains("<repl>:1:5"), "{out}");
    let out = session_output(&mut s, &["const b = a + 2 ms", "neuron {"]);
    assert!(out.contains("nothing was declared"), "{out}");
    assert_eq!(s.names(), vec!["a".to_string()]);
    assert_eq!(session_output(&mut s, &["a * 2"]), "2 mV\n");
}

#[test]
fn several_items_on_one_line_become_separate_declarations() {
    let mut s = Session::new(temp_dir("several"));
    let out = session_output(&mut s, &["const a = 1 ms; const b = a * 2", "b"]);
    assert_eq!(out, "defined a\ndefined b\n2 ms\n");
    let texts: Vec<&str> = s.decls().iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["const a = 1 ms", "const b = a * 2"]);
}

#[test]
fn a_declaration_replaces_the_earlier_one_of_its_name() {
    let mut s = Session::new(temp_dir("replace"));
    let out = session_output(&mut s, &["const a = 1 mV", "const a = 3 mV", "a"]);
    assert_eq!(out, "defined a\nreplaced a\n3 mV\n");
    assert_eq!(s.decls().len(), 1);
}

#[test]
fn networks_run_and_print_rates() {
    let out = run(&["import std.neurons.lif", NETWORK, ":run Net 100 ms"]);
    assert!(out.contains("defined Net"), "{out}");
    let table = out.lines().find(|l| l.starts_with("exc")).expect(&out);
    let cols: Vec<&str> = table.split_whitespace().collect();
    assert_eq!(cols[1], "20");
    assert!(cols[2].parse::<u64>().unwrap() > 0, "{out}");
    assert!(out.contains("ran Net for 1000 steps"), "{out}");
}

#[test]
fn run_reports_a_missing_duration_and_unknown_networks() {
    let out = run(&["import std.neurons.lif", NETWORK, ":run Net", ":run Nope 1 ms", ":run Net 5 mV"]);
    assert!(out.contains("[E0704] Error: network `Net` has no `duration`"), "{out}");
    assert!(out.contains("E0702"), "{out}");
    assert!(out.contains("[E0704] Error: invalid duration `5 mV`"), "{out}");
    assert!(out.contains("it must be a time, found voltage"), "{out}");
}

#[test]
fn save_writes_a_formatted_file_that_checks() {
    let dir = temp_dir("save");
    let mut s = Session::new(dir.clone());
    let out = session_output(&mut s, &["import std.neurons.lif", "const   tau=20 ms", NETWORK, ":save saved.scn"]);
    assert!(out.contains("saved 3 declarations"), "{out}");
    let text = std::fs::read_to_string(dir.join("saved.scn")).unwrap();
    assert!(text.contains("const tau = 20 ms"), "{text}");
    let analysis = scn_sema::check_source("saved.scn", text, Some(&dir), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let mut again = Session::new(dir);
    let out = session_output(&mut again, &[":load saved.scn", ":run Net 10 ms"]);
    assert!(out.contains("loaded") && out.contains("ran Net"), "{out}");
}

#[test]
fn verify_reports_what_it_checked_and_what_not() {
    let dir = temp_dir("verify");
    let mut s = Session::new(dir);
    let with_duration = NETWORK.replace("dt = 0.1 ms", "dt = 0.1 ms\n    duration = 50 ms");
    let out = session_output(
        &mut s,
        &[
            "import std.neurons.lif",
            &with_duration,
            "property p for Net {\n    assert refractory(exc) >= 2 ms @sim\n    assert rate(exc) per sliding 10 ms <= 500 Hz @sim, bmc(depth = 20)\n}",
            ":verify",
        ],
    );
    assert_eq!(out.matches("holds in simulation (500 steps)").count(), 2, "{out}");
    assert!(out.contains("not checked here: @bmc (run `scn verify`)"), "{out}");
    let out = session_output(&mut s, &["property q for Net {\n    assert refractory(exc) >= 30 ms @sim\n}", ":verify"]);
    assert!(out.contains("FAILS in simulation: exc["), "{out}");
}

#[test]
fn reset_help_quit_and_unknown_commands() {
    let mut s = Session::new(temp_dir("commands"));
    let out = session_output(&mut s, &["const a = 1", ":reset", "a"]);
    assert!(out.contains("session cleared") && out.contains("E0101"), "{out}");
    assert!(s.decls().is_empty());
    assert!(session_output(&mut s, &[":help"]).contains(":verify"));
    assert!(session_output(&mut s, &[":nope"]).contains("unknown command `:nope`"));
    assert_eq!(s.execute(":quit", &mut Vec::new()).unwrap(), Flow::Quit);
    assert_eq!(s.execute("1", &mut Vec::new()).unwrap(), Flow::Continue);
}

#[test]
fn plot_without_a_run_or_plotter_says_so() {
    let dir = temp_dir("plot");
    let mut s = Session::new(dir.clone());
    assert!(session_output(&mut s, &[":plot"]).contains("nothing has run yet"));
    fn plotter(
        net: &scn_runtime::ir::Network,
        sim: &scn_runtime::interp::Simulation<'_>,
        steps: u64,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        write!(w, "<svg>{} {} {}</svg>", net.name, sim.spikes.len(), steps)
    }
    let mut s = Session::new(dir.clone()).with_plotter(plotter);
    let out = session_output(&mut s, &["import std.neurons.lif", NETWORK, ":run Net 10 ms", ":plot r.svg"]);
    assert!(out.contains("wrote ") && out.contains("r.svg"), "{out}");
    let svg = std::fs::read_to_string(Path::new(&dir).join("r.svg")).unwrap();
    assert!(svg.starts_with("<svg>Net ") && svg.ends_with(" 100</svg>"), "{svg}");
}
