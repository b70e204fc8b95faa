//! Every example and every standard-library module passes `scn check`, and every example runs.

mod common;

#[test]
fn examples_and_stdlib_check_clean() {
    let out = common::scn(&["check", "examples", "stdlib"]);
    let (_, err) = common::text(&out);
    assert!(out.status.success(), "{err}");
    let files = common::scn_files(&common::root().join("examples")).len()
        + common::scn_files(&common::root().join("stdlib")).len();
    assert!(err.contains(&format!("checked {files} files: 0 errors, 0 warnings")), "{err}");
    assert!(common::scn_files(&common::root().join("examples")).len() >= 5);
}

#[test]
fn stdlib_embeds_every_module() {
    let on_disk = common::scn_files(&common::root().join("stdlib"));
    assert_eq!(scn_stdlib::MODULES.len(), on_disk.len());
    for (path, text) in scn_stdlib::MODULES {
        let file = common::root().join("stdlib").join(path.replace('.', "/")).with_extension("scn");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), *text, "{path}");
    }
}

#[test]
fn examples_and_stdlib_are_formatted() {
    let out = common::scn(&["fmt", "--check", "examples", "stdlib"]);
    let (stdout, stderr) = common::text(&out);
    assert!(out.status.success(), "unformatted files:\n{stdout}{stderr}");
}

/// Every example simulates: 200 steps each (enough to pass the start of every stimulus would
/// make the suite slow; the examples' own behaviour is tested where each feature is).
#[test]
fn every_example_runs() {
    for file in common::scn_files(&common::root().join("examples")) {
        let out = std::env::temp_dir().join(format!(
            "scn-example-{}-{}",
            file.file_stem().unwrap().to_string_lossy(),
            std::process::id()
        ));
        let run = common::scn(&["run", file.to_str().unwrap(), "--steps", "200", "-o", out.to_str().unwrap()]);
        let (_, err) = common::text(&run);
        assert!(run.status.success(), "{}: {err}", file.display());
        assert!(out.join("spikes.csv").exists() && out.join("summary.json").exists(), "{}", file.display());
        let _ = std::fs::remove_dir_all(&out);
    }
}
