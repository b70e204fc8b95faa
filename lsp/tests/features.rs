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
        let _ = scn_lsp::refs::references(&an, at, true);
        let _ = scn_lsp::refs::rename(&an, at, "renamed");
    }
    let _ = symbols::document_symbols(text);
    let _ = symbols::format(text);
    let _ = scn_lsp::refs::semantic_tokens(&an);
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

/// Applies non-overlapping single-document edits to `text`.
fn apply(text: &str, edits: &[tower_lsp_server::ls_types::TextEdit]) -> String {
    let index = LineIndex::new(text);
    let mut spans: Vec<_> = edits.iter().map(|e| (index.span(e.range), e.new_text.as_str())).collect();
    spans.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
    let mut out = text.to_string();
    for (s, new) in spans {
        out.replace_range(s.start..s.end, new);
    }
    out
}

#[test]
fn references_of_tau_m_find_the_declaration_and_its_uses() {
    let text = "neuron Leaky {\n    param tau_m: time = 20 ms\n    state v: voltage = -65 mV\n    dv/dt = -v / tau_m\n    on v > -50 mV {\n        v = -65 mV + 0 * tau_m / tau_m\n    }\n}\n";
    let an = analyse("/m/lif.scn", text);
    let uses = [nth(text, "tau_m", 1), nth(text, "tau_m", 2), nth(text, "tau_m", 3)];
    let decl = nth(text, "tau_m", 0);
    for at in [decl, uses[0] + 2, uses[2] + 5] {
        let with = scn_lsp::refs::references(&an, at, true);
        let starts: Vec<usize> = with.iter().map(|s| s.start).collect();
        assert_eq!(starts, [decl, uses[0], uses[1], uses[2]], "from {at}");
        assert!(with.iter().all(|s| &text[s.start..s.end] == "tau_m"));
        let without: Vec<usize> = scn_lsp::refs::references(&an, at, false).iter().map(|s| s.start).collect();
        assert_eq!(without, uses);
    }
    // In the small LIF model: the declaration and both uses (`v` includes the `v` of `dv/dt`).
    let an = analyse("/m/lif.scn", LIF);
    let found = scn_lsp::refs::references(&an, nth(LIF, "tau_m", 1), true);
    assert_eq!(found.iter().map(|s| s.start).collect::<Vec<_>>(), [nth(LIF, "tau_m", 0), nth(LIF, "tau_m", 1)]);
    let v = scn_lsp::refs::references(&an, nth(LIF, "-v", 0) + 1, true);
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(scn_lsp::refs::references(&an, nth(LIF, "=", 0), true).is_empty());
}

#[test]
fn rename_tau_m_gives_a_file_that_checks_clean() {
    let an = analyse("/m/lif.scn", LIF);
    assert!(!an.has_errors());
    let edits = scn_lsp::refs::rename(&an, nth(LIF, "tau_m", 1), "tau_mem").expect("edits");
    assert_eq!(edits.len(), 2);
    let renamed = apply(LIF, &edits);
    assert_eq!(renamed, LIF.replace("tau_m", "tau_mem"));
    let after = analyse("/m/lif.scn", &renamed);
    assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
    // Renaming the state also renames the `v` of `dv/dt`.
    let edits = scn_lsp::refs::rename(&an, nth(LIF, "state v", 0) + 6, "vm").expect("edits");
    let renamed = apply(LIF, &edits);
    assert!(renamed.contains("dvm/dt = -vm / tau_m"), "{renamed}");
    assert!(analyse("/m/lif.scn", &renamed).diagnostics.is_empty());
}

#[test]
fn rename_to_a_keyword_or_a_non_identifier_is_refused() {
    let an = analyse("/m/lif.scn", LIF);
    let at = nth(LIF, "tau_m", 1);
    let err = scn_lsp::refs::rename(&an, at, "neuron").unwrap_err();
    assert!(err.contains("keyword"), "{err}");
    for bad in ["", "1tau", "tau-m", "tau m", "µ"] {
        assert!(scn_lsp::refs::rename(&an, at, bad).is_err(), "{bad:?}");
    }
    assert!(scn_lsp::refs::rename(&an, nth(LIF, "=", 0), "x").is_err(), "nothing to rename");
}

#[test]
fn semantic_tokens_classify_names_in_utf16_deltas() {
    use scn_lsp::refs::{TOKEN_TYPES, semantic_tokens};
    use tower_lsp_server::ls_types::SemanticTokenType;
    // `µ` is two bytes and one UTF-16 unit; the emoji is four bytes and two units.
    let text =
        "neuron N {\n    param tau_m: time = 20 ms\n    state v: voltage = 0 mV\n    /* µ🧠 */ dv/dt = -v / tau_m\n}\n";
    let an = analyse("/m/n.scn", text);
    let tokens = semantic_tokens(&an);
    // Decode to absolute (line, character, length, type).
    let (mut line, mut col) = (0, 0);
    let mut abs = Vec::new();
    for t in &tokens {
        if t.delta_line > 0 {
            col = 0;
        }
        line += t.delta_line;
        col += t.delta_start;
        abs.push((line, col, t.length, TOKEN_TYPES[t.token_type as usize].clone(), t.token_modifiers_bitset));
    }
    let find = |l: u32, c: u32| abs.iter().find(|t| t.0 == l && t.1 == c).cloned();
    assert_eq!(find(0, 0).unwrap().3, SemanticTokenType::KEYWORD);
    assert_eq!(find(0, 7).unwrap().3, SemanticTokenType::TYPE);
    let decl = find(1, 10).expect("tau_m declaration");
    assert_eq!((decl.2, decl.3.clone(), decl.4 & 1), (5, SemanticTokenType::PARAMETER, 1));
    assert_eq!(find(1, 24).map(|t| (t.2, t.3)), Some((5, SemanticTokenType::NUMBER)), "`20 ms` is one number");
    assert_eq!(find(2, 10).map(|t| t.3), Some(SemanticTokenType::VARIABLE));
    // Line 3: `    /* µ🧠 */ dv/dt = -v / tau_m`: `-v` at UTF-16 column 23 (bytes: 25).
    let line3 = text.lines().nth(3).unwrap();
    assert_eq!(line3.find("-v").unwrap(), 25);
    let v = find(3, 23).expect("v use");
    assert_eq!((v.2, v.3, v.4), (1, SemanticTokenType::VARIABLE, 0));
    let tau = find(3, 27).expect("tau_m use");
    assert_eq!((tau.2, tau.3, tau.4), (5, SemanticTokenType::PARAMETER, 0));
}
