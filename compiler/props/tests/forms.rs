//! Every property form on one network: the interpreter's monitors give the expected verdicts,
//! the replayer agrees with them on the run's own spike trace, and each counterexample replays
//! to the same violation.

use scn_props::replay::check_trace;
use scn_props::sim::check_sim;
use scn_props::trace::Trace;
use scn_props::{Monitor, Status, lower_properties};
use scn_runtime::ir::Network;

fn setup() -> (Network, Vec<Monitor>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{dir}/forms.scn")).expect("forms.scn");
    let analysis = scn_sema::check_source("forms.scn", text, Some(std::path::Path::new(dir)), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let monitors = lower_properties(&analysis, &net).expect("monitors");
    (net, monitors)
}

#[test]
fn each_form_has_a_passing_and_a_failing_bound() {
    let (net, monitors) = setup();
    let run = check_sim(&net, &monitors, 4096);
    let got: Vec<(&str, Status)> =
        monitors.iter().zip(&run.outcomes).map(|(m, o)| (m.text.as_str(), o.status)).collect();
    let checks = monitors.len() - 4;
    for pair in got[..checks].chunks(2) {
        assert_eq!(pair[0].1, Status::Pass, "{}", pair[0].0);
        assert_eq!(pair[1].1, Status::Fail, "{}", pair[1].0);
    }
    let kinds: std::collections::BTreeSet<&str> = monitors.iter().map(|m| m.form.kind()).collect();
    assert_eq!(kinds.len(), 14, "{kinds:?}");
    // The two `rise` checks hold; a cover is a pass when seen and inconclusive when not.
    let tail: Vec<Status> = got[checks..].iter().map(|g| g.1).collect();
    assert_eq!(tail, [Status::Pass, Status::Pass, Status::Pass, Status::Inconclusive]);
}

#[test]
fn the_replayer_agrees_with_the_runtime_monitor() {
    let (net, monitors) = setup();
    let run = check_sim(&net, &monitors, 4096);
    let csv = run.trace.to_csv(u64::MAX);
    let trace = Trace::from_csv(&net, &csv, Some(4096)).expect("reads its own trace");
    assert_eq!(trace, run.trace);
    let replayed = check_trace(&net, &monitors, &trace);
    for ((m, sim), rep) in monitors.iter().zip(&run.outcomes).zip(&replayed) {
        if m.form.spikes_only() {
            assert_eq!(sim, rep, "{}", m.text);
        } else {
            // States (and so their violations) are not in a spike trace.
            assert_eq!(rep.status, Status::Inconclusive, "{}", m.text);
        }
    }
}

#[test]
fn counterexamples_replay_to_the_same_violation() {
    let (net, monitors) = setup();
    let run = check_sim(&net, &monitors, 4096);
    let mut checked = 0;
    for (m, o) in monitors.iter().zip(&run.outcomes) {
        let Some(v) = &o.violation else { continue };
        if !m.form.spikes_only() || matches!(m.form, scn_props::Form::Prob { .. } | scn_props::Form::Scc { .. }) {
            continue;
        }
        let cex = Trace::from_csv(&net, &run.trace.to_csv(v.step), Some(v.step + 1)).expect("cex");
        let again = check_trace(&net, std::slice::from_ref(m), &cex);
        assert_eq!(again[0].violation.as_ref(), Some(v), "{}", m.text);
        checked += 1;
    }
    assert_eq!(checked, 13);
}

#[test]
fn a_window_or_deadline_cut_off_by_the_end_is_inconclusive() {
    let (net, monitors) = setup();
    let pick = |text: &str| monitors.iter().find(|m| m.text == text).cloned().expect(text);
    let tumbling = pick("rate(n[0]) per tumbling 64 cycles <= 16");
    let sliding = pick("rate(n) per sliding 64 cycles <= 16");
    let response = pick("spike(n[0]) within 10 cycles of stimulus(go)");
    let header = "step,time_ms,population,neuron\n";
    let short = Trace::from_csv(&net, header, Some(100)).expect("empty trace");
    let o = check_trace(&net, &[tumbling, sliding.clone()], &short);
    assert_eq!(o[0].status, Status::Inconclusive, "{}", o[0].evidence);
    assert_eq!(o[1].status, Status::Pass);
    let tiny = Trace::from_csv(&net, header, Some(10)).expect("empty trace");
    assert_eq!(check_trace(&net, &[sliding], &tiny)[0].status, Status::Inconclusive);
    let late = Trace::from_csv(&net, &format!("{header}95,,go,0\n"), Some(100)).expect("one stimulus");
    let o = check_trace(&net, std::slice::from_ref(&response), &late);
    assert_eq!(o[0].status, Status::Inconclusive, "{}", o[0].evidence);
    let answered = Trace::from_csv(&net, &format!("{header}95,,go,0\n99,,n,0\n"), Some(100)).expect("answered");
    assert_eq!(check_trace(&net, std::slice::from_ref(&response), &answered)[0].status, Status::Pass);
    let missed = Trace::from_csv(&net, &format!("{header}80,,go,0\n"), Some(100)).expect("missed");
    let o = check_trace(&net, &[response], &missed);
    assert_eq!((o[0].status, o[0].violation.as_ref().map(|v| v.step)), (Status::Fail, Some(90)));
}

#[test]
fn bad_traces_are_refused() {
    let (net, _) = setup();
    for (text, why) in [
        ("step,neuron\n", "header"),
        ("step,time_ms,population,neuron\n3,,n,7\n", "has 2 neurons"),
        ("step,time_ms,population,neuron\n3,,zz,0\n", "neither"),
        ("step,time_ms,population,neuron\n5,,n,0\n3,,n,0\n", "step order"),
    ] {
        let e = Trace::from_csv(&net, text, None).expect_err(why);
        assert!(e.contains(why), "{e}");
    }
}

#[test]
fn scc_is_monitored_between_events_and_refused_between_streams() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let text = std::fs::read_to_string(format!("{dir}/forms.scn")).expect("forms.scn");
    let streams = format!("{text}\nproperty streams for Forms {{\n    assert scc(src, src) in [0, 1] @sim\n}}\n");
    let analysis = scn_sema::check_source("forms.scn", streams, Some(std::path::Path::new(dir)), &scn_sema::Disk);
    assert!(!analysis.has_errors(), "the stream form checks: {:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, Some("Forms")).expect("lowers");
    let d = lower_properties(&analysis, &net).expect_err("streams are not monitored");
    assert_eq!(d.code, "E0605");
    assert!(d.message.contains("not between streams"), "{}", d.message);
    let (_, monitors) = setup();
    let scc: Vec<&Monitor> = monitors.iter().filter(|m| matches!(m.form, scn_props::Form::Scc { .. })).collect();
    assert_eq!(scc.len(), 2, "`scc(spike(…), spike(…))` reaches the correlation monitor");
}
