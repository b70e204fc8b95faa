//! Every ```scn block in `docs/` is a complete file that checks without an error (and parses
//! without any diagnostic; a semantic warning may be the point of an example).

mod common;

/// The ```scn blocks of a markdown text with their first line numbers.
fn scn_blocks(md: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let fence = line.trim_start();
        match &mut current {
            None if fence.starts_with("```scn") && fence.trim_end() == "```scn" => {
                current = Some((i + 2, String::new()))
            }
            Some(_) if fence.starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "unclosed ```scn block");
    blocks
}

#[test]
fn language_reference_examples_parse() {
    let mut total = 0;
    for entry in std::fs::read_dir(common::root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let md = std::fs::read_to_string(&path).unwrap();
        for (line, block) in scn_blocks(&md) {
            total += 1;
            let parsed = scn_grammar::parse(&block);
            assert!(parsed.diagnostics.is_empty(), "{}:{line}: {:#?}", path.display(), parsed.diagnostics);
            let errors: Vec<_> = scn_cli::check_source(&block).into_iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{}:{line}: {:#?}", path.display(), errors);
        }
    }
    assert!(total >= 30, "docs hold only {total} scn examples");
}

#[test]
fn every_diagnostic_code_is_documented() {
    let md = std::fs::read_to_string(common::root().join("docs/diagnostics.md")).unwrap();
    for code in scn_diagnostics::CODES {
        assert!(md.contains(&format!("| {} |", code.code)), "docs/diagnostics.md lacks a row for {}", code.code);
    }
}
