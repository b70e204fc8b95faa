//! Helpers shared by the formatter's integration tests.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A syntax tree as JSON with every span replaced by `null`.
pub fn tree(file: &scn_grammar::ast::File) -> Value {
    let mut v = serde_json::to_value(file).expect("the tree serialises");
    strip_spans(&mut v);
    v
}

/// Replaces every span (an object with exactly the keys `start` and `end`) by `null`.
pub fn strip_spans(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.len() == 2 && map.contains_key("start") && map.contains_key("end") {
                *v = Value::Null;
                return;
            }
            map.values_mut().for_each(strip_spans);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

/// Every `.scn` file under `dir`, sorted.
fn scn_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scn_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "scn") {
            out.push(p);
        }
    }
}

/// The `scn` code blocks of a Markdown file, with their first line numbers.
pub fn markdown_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```scn" => current = Some((n + 2, String::new())),
            Some(_) if line.trim_start().starts_with("```") => blocks.push(current.take().unwrap()),
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// The repository's SCN sources: examples, the standard library and the `scn` blocks of
/// `docs/language.md` (those without syntax errors; some show errors on purpose), as
/// `(name, text)`.
pub fn corpus() -> Vec<(String, String)> {
    let root = root();
    let mut files = Vec::new();
    scn_files(&root.join("examples"), &mut files);
    scn_files(&root.join("stdlib"), &mut files);
    let mut out: Vec<(String, String)> =
        files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap())).collect();
    assert!(out.len() >= 10, "the corpus has the examples and the standard library");
    let docs = root.join("docs/language.md");
    if let Ok(text) = std::fs::read_to_string(&docs) {
        for (line, block) in markdown_blocks(&text) {
            if !scn_grammar::parse(&block).has_errors() {
                out.push((format!("docs/language.md:{line}"), block));
            }
        }
    }
    out
}
