//! Diagnostic snapshots for modelling mistakes the semantic checker must catch
//! (`tests/ui/check/*.scn`).
//!
//! Each file is a small model that parses but contains a real modelling mistake. Its first
//! line is `// expect: CODE, CODE…`: the codes the file must produce, in source order. Every
//! diagnostic must carry a help line and a span inside the file; the snapshot holds the
//! rendered report, so a change in wording or placement shows up in review.

mod common;

use scn_diagnostics::{SourceFile, render_human};

fn expected_codes(src: &str) -> Vec<String> {
    let first = src.lines().next().unwrap_or_default();
    let list = first
        .strip_prefix("// expect:")
        .unwrap_or_else(|| panic!("first line must be `// expect: …`, found {first:?}"));
    list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect()
}

#[test]
fn check_errors() {
    let mut count = 0;
    insta::glob!("ui/check/*.scn", |path| {
        count += 1;
        let src = std::fs::read_to_string(path).unwrap();
        let diags = scn_cli::check_source(&src);
        let codes: Vec<String> = diags.iter().map(|d| d.code.to_string()).collect();
        assert_eq!(codes, expected_codes(&src), "codes of {}", path.display());
        for d in &diags {
            let span = d.primary.span;
            assert!(span.start <= span.end && span.end <= src.len(), "span {span:?} outside {}", path.display());
            assert!(d.help.is_some(), "{} in {} has no help line", d.code, path.display());
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = render_human(&SourceFile::new(name, src.clone()), &diags, false);
        insta::assert_snapshot!(report);
    });
    assert!(count >= 55, "only {count} modelling mistakes");
}
