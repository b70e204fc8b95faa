//! docs/stdlib.md is the output of `scn doc --catalogue`: every model of the standard library
//! appears in it with its references, and it is regenerated when a source changes
//! (`SCN_UPDATE_DOCS=1 cargo test --test stdlib_catalogue` rewrites it).

mod common;

#[test]
fn docs_stdlib_md_is_the_generated_catalogue() {
    let out = common::scn(&["doc", "--catalogue"]);
    let (text, err) = common::text(&out);
    assert!(out.status.success(), "{err}");
    let path = common::root().join("docs/stdlib.md");
    if std::env::var_os("SCN_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == text, "docs/stdlib.md is out of date: run `scn doc --catalogue > docs/stdlib.md`");
}

#[test]
fn the_catalogue_lists_every_model_of_every_module() {
    let text = common::text(&common::scn(&["doc", "--catalogue"])).0;
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for dir in ["neurons", "channels", "synapses", "encoders"] {
        for file in common::scn_files(&common::root().join("stdlib").join(dir)) {
            let src = std::fs::read_to_string(&file).unwrap();
            let module = format!("{dir}.{}", file.file_stem().unwrap().to_string_lossy());
            for line in src.lines() {
                let mut words = line.split_whitespace();
                let (Some(kind), Some(name)) = (words.next(), words.next()) else { continue };
                if ["neuron", "synapse", "channel"].contains(&kind) {
                    let name = name.trim_end_matches('{');
                    let row = format!("| `{name}` | {kind} | `{module}` |");
                    assert!(text.contains(&row), "{row} missing from the catalogue");
                    *counts.entry(kind.to_string()).or_insert(0) += 1;
                }
            }
        }
    }
    // Issue 9's bar: at least 30 neuron models, 14 channels and 8 synapse rules.
    assert!(counts["neuron"] >= 30 && counts["channel"] >= 14 && counts["synapse"] >= 8, "{counts:?}");
}
