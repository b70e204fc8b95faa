//! The command line as a user sees it.

mod common;

#[test]
fn no_arguments_prints_help() {
    let out = common::scn(&[]);
    let (stdout, stderr) = common::text(&out);
    let all = stdout + &stderr;
    assert!(all.contains("Usage: scn"), "{all}");
    for sub in ["check", "fmt", "explain"] {
        assert!(all.contains(sub), "help lists `{sub}`: {all}");
    }
}

#[test]
fn check_reports_errors_and_exits_one() {
    let dir = tempdir("check");
    let file = dir.join("bad.scn");
    std::fs::write(&file, "neuron A {\n    param tau: time = 20 msec\n}\n").unwrap();
    let out = common::scn(&["check", file.to_str().unwrap()]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("[E0010] Error: unexpected name `msec`"), "{err}");
    assert!(err.contains("did you mean `ms`?"), "{err}");
    assert!(err.contains("bad.scn:2:"), "{err}");
    assert!(err.contains("checked 1 file: 1 error, 0 warnings"), "{err}");
}

#[test]
fn check_json_is_one_object_per_line() {
    let dir = tempdir("json");
    let file = dir.join("two.scn");
    std::fs::write(&file, "const A = 0x\nconst B = (1\n").unwrap();
    let out = common::scn(&["check", "--message-format", "json", file.to_str().unwrap()]);
    let (stdout, _) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["code"], "E0005");
    assert_eq!(lines[0]["primary"]["start"]["line"], 1);
    assert_eq!(lines[1]["code"], "E0012");
    assert_eq!(lines[1]["primary"]["start"]["line"], 2);
    assert!(lines.iter().all(|l| l["file"].as_str().unwrap().ends_with("two.scn")));
}

#[test]
fn check_missing_file_is_an_error_not_a_panic() {
    let out = common::scn(&["check", "no/such/file.scn"]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("error[E0801]: cannot read `no/such/file.scn`"), "{err}");
    assert!(err.contains("= help: check the path"), "{err}");
}

#[test]
fn check_rejects_binary_files() {
    let dir = tempdir("binary");
    let file = dir.join("blob.scn");
    std::fs::write(&file, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let out = common::scn(&["check", file.to_str().unwrap()]);
    let (_, err) = common::text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("error[E0801]") && err.contains("is not UTF-8 text"), "{err}");
}

#[test]
fn explain_prints_the_page() {
    let out = common::scn(&["explain", "e0012"]);
    let (stdout, _) = common::text(&out);
    assert!(out.status.success());
    assert!(stdout.starts_with("E0012: unclosed or unmatched delimiter"), "{stdout}");
    assert!(stdout.contains("Fix:"), "{stdout}");
    let out = common::scn(&["explain", "E9999"]);
    assert_eq!(out.status.code(), Some(1));
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-cli-test-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
