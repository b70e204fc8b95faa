//! `scn verify`: the verdict table and JSON of the Q8.8 example, its exit status, and the
//! counterexample traces, which `--method replay` turns back into the same failures.

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
    insta::assert_snapshot!(stdout.replace(dir.to_str().unwrap(), "OUT"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("verify.json")).unwrap()).unwrap();
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 10);
    assert!(checks.iter().all(|c| c["status"].is_string() && c["bound"].is_u64() && c["method"].is_string()));
    // The failing `never` check's counterexample replays to the same violation.
    let cex = dir.join("cex-3-sim.csv");
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
