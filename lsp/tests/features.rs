//! The language server's features as plain functions: hover, definition, symbols, formatting,
//! completion, and robustness on every prefix of the examples.

use scn_lsp::navigate::{self, Overlay};
use scn_lsp::position::LineIndex;
use scn_lsp::symbols;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{CompletionItemKind, Position, Uri};

const LIF: &str = "/// A leaky neuron.
neuron Leaky {
    /// Membrane time constant.
    param tau_m: time = 20 ms
    /// Membrane potential.
    state v: voltage = -65 mV
    dv/dt = -v / tau_m
}
";

fn analyse(path: &str, text: &str) -> scn_sema::Analysis {
    navigate::analyse(Path::new(path), text, &Overlay { open: &HashMap::new() })
}

fn nth(text: &str, needle: &str, n: usize) -> usize {
    text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("no {needle} #{n}")).0
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-lsp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn hover_over_tau_m_in_an_ode_shows_time_and_the_doc() {
    let an = analyse("/m/lif.scn", LIF);
    let at = nth(LIF, "tau_m", 1) + 2;
    let (span, text) = navigate::hover(&an, at).expect("a hover");
    assert_eq!(&LIF[span.start..span.end], "tau_m");
    assert!(text.contains("tau_m: time (s)"), "{text}");
    assert!(text.contains("Membrane time constant."), "{text}");
}

#[test]
fn hover_shows_the_type_of_the_smallest_expression() {
    let an = analyse("/m/lif.scn", LIF);
    let at = nth(LIF, "-v", 0) + 1; // on `v` of `-v`
    let (span, text) = navigate::hover(&an, at).expect("a hover");
    assert_eq!(&LIF[span.start..span.end], "v");
    assert!(text.contains("v: voltage"), "{text}");
    assert!(text.contains("Membrane potential."), "{text}");
}

#[test]
fn hover_on_a_declaration_name_shows_its_doc() {
    let an = analyse("/m/lif.scn", LIF);
    let (_, text) = navigate::hover(&an, nth(LIF, "Leaky", 0) + 1).expect("a hover");
    assert!(text.contains("neuron Leaky") && text.contains("A leaky neuron."), "{text}");
}

#[test]
fn definition_jumps_to_the_declaration() {
    let an = analyse("/m/lif.scn", LIF);
    let uri: Uri = "file:///m/lif.scn".parse().unwrap();
    let loc = navigate::definition(&an, nth(LIF, "tau_m", 1), &uri, &scratch_dir("def")).expect("a definition");
    assert_eq!(loc.uri, uri);
    let decl = nth(LIF, "tau_m", 0);
    let index = LineIndex::new(LIF);
    assert_eq!(loc.range.start, index.position(decl));
    assert_eq!(loc.range.end, index.position(decl + "tau_m".len()));
}

#[test]
fn definition_into_the_standard_library_uses_a_cached_copy() {
    let text = "import std.neurons.lif.{Lif}\n\nnetwork N {\n    dt = 0.1 ms\n    pop p = Lif[2]\n}\n";
    let an = analyse("/m/net.scn", text);
    let std_dir = scratch_dir("std");
    let uri: Uri = "file:///m/net.scn".parse().unwrap();
    let loc = navigate::definition(&an, nth(text, "Lif[", 0) + 1, &uri, &std_dir).expect("a definition");
    let path = loc.uri.to_file_path().unwrap().into_owned();
    assert_eq!(path, std_dir.join("neurons").join("lif.scn"));
    let copied = std::fs::read_to_string(&path).unwrap();
    assert_eq!(copied, scn_stdlib::source("neurons.lif").unwrap());
    let line = copied.lines().nth(loc.range.start.line as usize).unwrap();
    assert!(line.starts_with("neuron Lif"), "{line}");
    // Hover over the model name shows the stdlib doc comment.
    let (_, hover) = navigate::hover(&an, nth(text, "Lif[", 0) + 1).expect("a hover");
    assert!(hover.contains("Leaky integrate-and-fire"), "{hover}");
}

#[test]
fn document_symbols_list_items_and_members() {
    let symbols = symbols::document_symbols(LIF);
    assert_eq!(symbols.len(), 1);
    assert_eq!(symbols[0].name, "Leaky");
    let children: Vec<&str> = symbols[0].children.iter().flatten().map(|c| c.name.as_str()).collect();
    assert_eq!(children, ["tau_m", "v"]);
    let index = LineIndex::new(LIF);
    assert_eq!(symbols[0].selection_range.start, index.position(nth(LIF, "Leaky", 0)));
}

#[test]
fn formatting_returns_the_canonical_text() {
    let messy = "neuron   A {\n  param x = 1\n}";
    let edits = symbols::format(messy).unwrap().expect("edits");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, scn_fmt::format_source(messy).unwrap());
    assert_eq!(edits[0].new_text, "neuron A {\n    param x = 1\n}\n");
    assert_eq!(edits[0].range, LineIndex::new(messy).whole());
    // Canonical text needs no edit; broken text is refused.
    assert_eq!(symbols::format(&edits[0].new_text).unwrap(), None);
    assert!(symbols::format("neuron A {\n    param = \n}\n").is_err());
}

#[test]
fn completion_offers_keywords_names_builtins_and_units() {
    let text = "neuron A {\n    param tau: time = 20 m\n    state v = 0\n    dv/dt = \n}\n";
    let units = symbols::completion(text, nth(text, "20 m", 0) + 4);
    assert!(units.iter().all(|c| c.kind == Some(CompletionItemKind::UNIT)));
    assert!(units.iter().any(|c| c.label == "ms"));
    let at = nth(text, "dv/dt = ", 0) + 8;
    let items = symbols::completion(text, at);
    let has = |l: &str| items.iter().any(|c| c.label == l);
    assert!(has("param") && has("exp") && has("tau") && has("v") && has("A") && has("voltage"));
    assert!(!has("ms"));
}

/// Every feature on `text`, as the server would run it after each keystroke.
fn exercise(path: &str, text: &str, std_dir: &Path) {
    let mut db = scn_db::Database::default();
    db.set_file(path, text);
    let diags = db.check_file(Path::new(path));
    let uri: Uri = format!("file://{path}").parse().unwrap();
    let lsp = scn_lsp::diagnostics::to_lsp(&uri, text, &diags);
    assert_eq!(lsp.len(), diags.len());
    let an = analyse(path, text);
    for at in [0, text.len() / 2, text.len().saturating_sub(1), text.len()] {
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let _ = navigate::hover(&an, at);
        let _ = navigate::definition(&an, at, &uri, std_dir);
        let _ = symbols::completion(text, at);
    }
    let _ = symbols::document_symbols(text);
    let _ = symbols::format(text);
}

#[test]
fn prefixes_of_the_examples_never_panic() {
    let std_dir = scratch_dir("prefix");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for name in ["cuba.scn", "stdp.scn", "lif_q88.scn"] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let path = root.join(name).display().to_string();
        // Every 7th prefix plus the whole text: ~1,200 states of a half-typed file.
        let cuts: Vec<usize> = (0..text.len()).step_by(7).chain([text.len()]).collect();
        for cut in cuts {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap();
            exercise(&path, &text[..cut], &std_dir);
        }
    }
}

#[test]
fn positions_round_trip_through_non_ascii_text() {
    let text = "// µ 🧠\nneuron A {}\n";
    let index = LineIndex::new(text);
    assert_eq!(index.position(nth(text, "neuron", 0)), Position::new(1, 0));
    assert_eq!(index.offset(Position::new(0, 5)), nth(text, "🧠", 0));
}
