//! SymbiYosys on the generated RTL: a k-induction proof of the refractory property of
//! examples/lif_q88.scn, and a bounded counterexample of its `never` property that replays to
//! the interpreter's own violation. The monitors in concurrent SVA pass `pyslang`.

use scn_props::formal::{Mode, design};
use scn_props::sim::check_sim;
use scn_props::{Monitor, Status, lower_properties};
use scn_runtime::ir::Network;
use std::path::PathBuf;

fn setup() -> (Network, Vec<Monitor>) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/examples/lif_q88.scn")).expect("example");
    let analysis = scn_sema::check_source("lif_q88.scn", text, None, &scn_sema::Disk);
    let net = scn_lower::lower_network(&analysis, None).expect("lowers");
    let monitors = lower_properties(&analysis, &net).expect("monitors");
    (net, monitors)
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scn-formal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// `$SCN_PYTHON`, the venv with the pinned YoWASP tools and pyslang (`scripts/test.sh`).
fn python() -> String {
    std::env::var("SCN_PYTHON").unwrap_or_else(|_| {
        panic!("set SCN_PYTHON to the venv of tests/compare/requirements.txt (scripts/test.sh does)")
    })
}

#[test]
fn refractory_is_proved_by_induction_and_never_gets_a_real_counterexample() {
    python();
    let (net, monitors) = setup();
    let d = design(&net).expect("hardware");
    let refractory = &monitors[0];
    assert_eq!(refractory.text, "refractory(n) >= 3 cycles");
    let dir = scratch("prove");
    let (o, _) = d.check(&net, refractory, Mode::Bmc(60), &dir).expect("sby runs");
    assert_eq!(o.status, Status::Pass, "{}", o.evidence);
    let never = &monitors[2];
    let dir2 = scratch("bmc");
    let (o, trace) = d.check(&net, never, Mode::Bmc(30), &dir2).expect("sby runs");
    assert_eq!(o.status, Status::Fail, "{}", o.evidence);
    let sim = check_sim(&net, std::slice::from_ref(never), 4096);
    let v = sim.outcomes[0].violation.as_ref().expect("the interpreter fails it too");
    assert_eq!(o.violation.as_ref().map(|x| x.step), Some(v.step), "{}", o.evidence);
    let trace = trace.expect("a witness");
    assert_eq!(
        trace.spikes.iter().filter(|s| s.0 <= v.step).collect::<Vec<_>>(),
        sim.trace.spikes.iter().filter(|s| s.0 <= v.step).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

#[test]
fn every_emitted_sva_file_passes_pyslang() {
    let forms_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{forms_dir}/forms.scn")).expect("forms.scn");
    let analysis = scn_sema::check_source("forms.scn", text, None, &scn_sema::Disk);
    let forms_net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let forms = lower_properties(&analysis, &forms_net).expect("monitors");
    let (net, monitors) = setup();
    let dir = scratch("sva");
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    // Without a hardware form: checks on stimuli (internal to the design) and statistical bounds.
    for (name, net, monitors, software_only) in [("q88", &net, &monitors, 1), ("forms", &forms_net, &forms, 6)] {
        let sva = design(net).expect("hardware").sva(monitors);
        let asserted = sva.covered.iter().filter(|c| c.is_ok()).count();
        assert!(sva.text.contains("assert property (@(posedge clk) disable iff (rst)"), "{}", sva.text);
        assert_eq!(asserted, monitors.len() - software_only, "{name}: {:?}", sva.covered);
        let p = dir.join(format!("{name}.sv"));
        std::fs::write(&p, &sva.text).unwrap();
        paths.push(p);
    }
    let q88 = std::fs::read_to_string(&paths[0]).unwrap();
    insta::assert_snapshot!("lif_q88_sva", q88);
    let out = std::process::Command::new(python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check_sva.py"))
        .args(&paths)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_broken_refractory_period_gets_a_counterexample_the_interpreter_reproduces() {
    python();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let text = std::fs::read_to_string(format!("{root}/examples/lif_q88.scn"))
        .expect("example")
        .replace("param v_th: voltage = 20 mV", "param v_th: voltage = 3 mV")
        .replace("refractory 3 cycles clamp v", "refractory 1 cycles clamp v");
    let analysis = scn_sema::check_source("broken.scn", text, None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("lowers");
    let monitors = lower_properties(&analysis, &net).expect("monitors");
    let refractory = &monitors[0];
    let dir = scratch("broken");
    let (o, trace) = design(&net).expect("hardware").check(&net, refractory, Mode::Bmc(60), &dir).expect("sby runs");
    assert_eq!(o.status, Status::Fail, "{}", o.evidence);
    let trace = trace.expect("a witness");
    let v = o.violation.as_ref().expect("violation");
    // The witness replays to the same violation, and the interpreter runs into it at that step.
    let replayed = scn_props::replay::check_trace(&net, std::slice::from_ref(refractory), &trace);
    assert_eq!(replayed[0].violation.as_ref(), Some(v));
    let sim = check_sim(&net, std::slice::from_ref(refractory), trace.steps);
    assert_eq!(sim.outcomes[0].violation.as_ref(), Some(v));
    let _ = std::fs::remove_dir_all(dir);
}
