//! Diagnostic snapshots for malformed inputs (`tests/ui/**/*.scn`).
//!
//! Each file's first line is `// expect: CODE, CODE…`: the codes the file must produce, in
//! source order. The snapshot holds the rendered report, so a change in wording or placement
//! shows up in review.

mod common;

#[test]
fn parse_errors() {
    let mut count = 0;
    insta::glob!("ui/parse/*.scn", |path| {
        count += 1;
        let report = common::check_corpus_file(path);
        insta::assert_snapshot!(report);
    });
    assert!(count >= 40, "only {count} malformed inputs");
}
