//! Diagnostic snapshots for modelling mistakes the semantic checker must catch
//! (`tests/ui/check/*.scn`).
//!
//! Each file is a small model that parses but contains a real modelling mistake. Its first
//! line is `// expect: CODE, CODE…`: the codes the file must produce, in source order. Every
//! diagnostic must carry a help line and a span inside the file; the snapshot holds the
//! rendered report, so a change in wording or placement shows up in review.

mod common;

#[test]
fn check_errors() {
    let mut count = 0;
    insta::glob!("ui/check/*.scn", |path| {
        count += 1;
        let report = common::check_corpus_file(path);
        insta::assert_snapshot!(report);
    });
    assert!(count >= 55, "only {count} modelling mistakes");
}
