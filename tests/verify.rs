//! `scn verify`: the verdict table and JSON of the Q8.8 example, its exit status, and the
//! counterexamples, which `--method replay` turns back into the same failures and
//! `scn run --replay` reproduces in the interpreter (from a simulation and from a SymbiYosys
//! witness), printing the violation, recording it in `summary.json` and marking it in the plot.

mod common;

fn out_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-verify-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_q88_example_prints_a_verdict_per_check_and_method() {
    let dir = out_dir("table");
    let out = common::scn(&["verify", "examples/lif_q88.scn", "-o", dir.to_str().unwrap()]);
    let (stdout, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // Every row has its time (seconds, three decimals); the snapshot replaces the digits.
    let table = stdout.replace(dir.to_str().unwrap(), "OUT");
    let rows = table.lines().filter(|l| l.contains(" s  ")).count();
    assert_eq!(rows, 10, "a time on every row:\n{table}");
    let timeless: Vec<String> = table
        .lines()
        .map(|l| match l.find(" s  ") {
            Some(end) => {
                let start = l[..end].rfind(' ').map_or(0, |k| k + 1);
                assert!(l[start..end].parse::<f64>().is_ok(), "{l}");
                format!("{}{:>width$}{}", &l[..start], "T", &l[end..], width = end - start)
            }
            None => l.to_string(),
        })
        .collect();
    insta::assert_snapshot!(timeless.join("\n") + "\n");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verify.json")).unwrap()).unwrap();
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 10);
    assert!(checks.iter().all(|c| c["status"].is_string() && c["bound"].is_u64() && c["method"].is_string()));
    assert!(checks.iter().all(|c| c["seconds"].as_f64().is_some_and(|s| s >= 0.0)), "a time per check");
    // The failing `never` check's counterexample replays to the same violation.
    let cex = dir.join("cex-3-sim.json");
    let replay = common::scn(&[
        "verify",
        "examples/lif_q88.scn",
        "--method",
        "replay",
        "--trace",
        cex.to_str().unwrap(),
        "--json",
        "-o",
        dir.join("replay").to_str().unwrap(),
    ]);
    let (stdout, _) = common::text(&replay);
    assert_eq!(replay.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let never = &json["checks"][2];
    assert_eq!(never["check"], "never(spike(n[0]) and spike(n[1]))");
    assert_eq!(never["status"], "fail");
    let sim = checks.iter().find(|c| c["check"] == never["check"] && c["method"] == "sim").unwrap();
    assert_eq!(sim["status"], "fail");
    assert_eq!(never["violation"]["step"], sim["violation"]["step"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_trace_of_another_network_is_refused_with_status_2() {
    let dir = out_dir("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("t.csv");
    std::fs::write(&trace, "step,time_ms,population,neuron\n3,,exc,0\n").unwrap();
    let out =
        common::scn(&["verify", "examples/lif_q88.scn", "--method", "replay", "--trace", trace.to_str().unwrap()]);
    let (_, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("`exc` is neither a population nor a stimulus"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `scn run --replay CEX --plot` (without a model file: the counterexample names it) and
/// checks that the run shows the counterexample's violation: printed, in `summary.json`, and
/// marked in the plot. Returns the violation's step.
fn replay_reproduces(cex: &std::path::Path, dir: &std::path::Path) -> u64 {
    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(cex).unwrap()).unwrap();
    assert_eq!(recorded["schema"], "scn-counterexample/1");
    let step = recorded["violation"]["step"].as_u64().unwrap();
    assert_eq!(recorded["steps"].as_u64(), Some(step + 1));
    let (out, plot) = (dir.join("replayed"), dir.join("replayed.svg"));
    let run = common::scn(&[
        "run",
        "--replay",
        cex.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
    ]);
    let (_, stderr) = common::text(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&format!("violated at step {step}, as recorded")), "{stderr}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let replay = &summary["replay"];
    assert_eq!(replay["reproduced"], true, "{replay}");
    assert_eq!(replay["spikes_match"], true, "{replay}");
    assert_eq!(replay["violation"], recorded["violation"]);
    assert_eq!(summary["steps"].as_u64(), Some(step + 1));
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.contains(&format!(r#"<g class="violation" data-step="{step}">"#)), "the plot marks the step");
    step
}

#[test]
fn a_simulation_counterexample_replays_to_the_same_violation() {
    let dir = out_dir("replay-sim");
    let out = common::scn(&["verify", "examples/lif_q88.scn", "--method", "sim", "-o", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verify.json")).unwrap()).unwrap();
    let never = json["checks"].as_array().unwrap().iter().find(|c| c["kind"] == "always" && c["status"] == "fail");
    let never = never.expect("the `never` check fails");
    let step = replay_reproduces(&dir.join("cex-3-sim.json"), &dir);
    assert_eq!(never["violation"]["step"].as_u64(), Some(step));
    // The response deadline is a second kind of counterexample (a violation with no spike).
    let response = dir.join("response");
    std::fs::create_dir_all(&response).unwrap();
    replay_reproduces(&dir.join("cex-5-sim.json"), &response);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_symbiyosys_witness_replays_to_the_same_violation_in_the_interpreter() {
    assert!(std::env::var_os("SCN_PYTHON").is_some(), "set SCN_PYTHON to the venv of scripts/test.sh (yowasp-sby)");
    let dir = out_dir("replay-bmc");
    std::fs::create_dir_all(&dir).unwrap();
    // A refractory period of 1 cycle and a low threshold: the refractory check fails.
    let text = std::fs::read_to_string(common::root().join("examples/lif_q88.scn"))
        .unwrap()
        .replace("param v_th: voltage = 20 mV", "param v_th: voltage = 3 mV")
        .replace("refractory 3 cycles clamp v", "refractory 1 cycles clamp v");
    let model = dir.join("broken.scn");
    std::fs::write(&model, text).unwrap();
    let out = common::scn(&[
        "verify",
        model.to_str().unwrap(),
        "--method",
        "bmc",
        "--depth",
        "30",
        "-o",
        dir.join("v").to_str().unwrap(),
    ]);
    let (stdout, stderr) = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let cex = dir.join("v/cex-1-bmc.json");
    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cex).unwrap()).unwrap();
    assert_eq!((recorded["method"].as_str(), recorded["kind"].as_str()), (Some("bmc"), Some("refractory")));
    replay_reproduces(&cex, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_counterexample_the_run_does_not_show_is_reported() {
    let dir = out_dir("replay-bad");
    let out = common::scn(&["verify", "examples/lif_q88.scn", "--method", "sim", "-o", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // Moved one step later, the violation is not what the run shows: E0607, outputs written.
    let cex = dir.join("cex-3-sim.json");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cex).unwrap()).unwrap();
    let step = json["violation"]["step"].as_u64().unwrap();
    json["violation"]["step"] = (step + 1).into();
    json["steps"] = (step + 2).into();
    let moved = dir.join("moved.json");
    std::fs::write(&moved, json.to_string()).unwrap();
    let run = common::scn(&["run", "--replay", moved.to_str().unwrap(), "-o", dir.join("r").to_str().unwrap()]);
    let (_, stderr) = common::text(&run);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr.contains("error[E0607]"), "{stderr}");
    assert!(stderr.contains("the run violates `never(spike(n[0]) and spike(n[1]))`"), "{stderr}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["replay"]["reproduced"], false);
    assert_eq!(summary["replay"]["violation"]["step"].as_u64(), Some(step));
    // A spike trace is not a counterexample, and a check the model lacks cannot be replayed.
    let csv = dir.join("t.csv");
    std::fs::write(&csv, "step,time_ms,population,neuron\n").unwrap();
    json["check"] = "never(spike(n[1]))".into();
    let unknown = dir.join("unknown.json");
    std::fs::write(&unknown, json.to_string()).unwrap();
    for (file, why) in [(&csv, "not JSON"), (&unknown, "the model has no check `never(spike(n[1]))`")] {
        let run = common::scn(&["run", "--replay", file.to_str().unwrap(), "-o", dir.join("x").to_str().unwrap()]);
        let (_, stderr) = common::text(&run);
        assert_eq!(run.status.code(), Some(1));
        assert!(stderr.contains("error[E0606]") && stderr.contains(why), "{stderr}");
        assert!(!dir.join("x").exists(), "nothing is written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
