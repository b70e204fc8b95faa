//! Every example and every standard-library module passes `scn check`.

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
