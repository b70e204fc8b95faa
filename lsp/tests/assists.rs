//! Inlay hints, quick fixes, parameter completion, cross-file references and stdlib hover,
//! called as plain functions on the examples and the diagnostics corpus.

use scn_diagnostics::Span;
use scn_lsp::actions::{self, Fix};
use scn_lsp::navigate::{self, Overlay};
use scn_lsp::workspace::{self, OpenDoc};
use scn_lsp::{complete, hints};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::Uri;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn analyse(path: &Path, text: &str) -> scn_sema::Analysis {
    navigate::analyse(path, text, &Overlay { open: &HashMap::new() })
}

/// The fixes offered for the whole of a file of the diagnostics corpus, with the file's path.
fn fixes_for(name: &str) -> (PathBuf, String, Vec<Fix>) {
    let path = root().join("tests/ui/check").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let an = analyse(&path, &text);
    let fixes = actions::fixes(&an, &path, &Overlay { open: &HashMap::new() }, Span::new(0, text.len()));
    (path, text, fixes)
}

/// Applies the preferred fix and returns the errors left in the fixed text.
fn apply_preferred(name: &str, code: &str) -> (String, Vec<String>, Fix) {
    let (path, text, fixes) = fixes_for(name);
    let fix = fixes.iter().find(|f| f.preferred && f.diagnostic.code == code).cloned().unwrap_or_else(|| {
        panic!("no preferred fix for {code} in {name}: {:?}", fixes.iter().map(|f| &f.title).collect::<Vec<_>>())
    });
    let fixed = actions::apply(&text, &fix.edits);
    let after = analyse(&path, &fixed);
    let errors = after.diagnostics.iter().filter(|(_, d)| d.is_error()).map(|(_, d)| d.code.to_string()).collect();
    (fixed, errors, fix)
}

#[test]
fn mixed_fixed_point_formats_get_a_cast_that_checks_clean() {
    let (fixed, errors, fix) = apply_preferred("062_mixed_fixed_formats.scn", "E0404");
    assert_eq!(fix.title, "Cast `OFFSET` to fix<16,8>");
    assert!(fixed.contains("const TOTAL = GAIN + (OFFSET as fix<16,8>)"), "{fixed}");
    assert!(errors.is_empty(), "{errors:?}");
    // The other direction is offered too, and also checks clean.
    let (_, _, fixes) = fixes_for("062_mixed_fixed_formats.scn");
    assert_eq!(fixes.len(), 2, "{fixes:?}");
    assert_eq!(fixes[1].title, "Cast `GAIN` to fix<32,16>");
}

#[test]
fn correlated_operands_get_a_free_seed() {
    for name in ["043_and_of_same_seed.scn", "053_mux_select_shares_a_seed.scn"] {
        let (fixed, errors, fix) = apply_preferred(name, "E0301");
        assert!(errors.is_empty(), "{name}: {errors:?}\n{fixed}");
        assert!(fix.title.contains("the free seed 0x"), "{}", fix.title);
        assert_eq!(fix.edits.len(), 1);
    }
    let (fixed, _, fix) = apply_preferred("043_and_of_same_seed.scn", "E0301");
    assert_eq!(fix.title, "Give `ws` the free seed 0xADE1");
    assert!(fixed.contains("stream ws = encode(w, lfsr16(seed = 0xADE1), length = 256)"), "{fixed}");
}

#[test]
fn colliding_stream_families_get_a_free_base_seed() {
    for name in ["044_seed_collision_between_families.scn", "108_seed_collision_modulo.scn"] {
        let (fixed, errors, _) = apply_preferred(name, "E0302");
        assert!(errors.is_empty(), "{name}: {errors:?}\n{fixed}");
    }
}

#[test]
fn durations_become_whole_steps() {
    let (fixed, errors, fix) = apply_preferred("063_delay_not_a_multiple_of_dt.scn", "E0503");
    // 12.5 steps: rounding half up gives 13 first.
    assert_eq!(fix.title, "Use a whole number of steps: 13 steps");
    assert!(fixed.contains("delay = 13 steps"), "{fixed}");
    assert!(errors.is_empty(), "{errors:?}");
    let (fixed, errors, _) = apply_preferred("081_window_not_whole_steps.scn", "E0602");
    assert!(fixed.contains("per sliding 26 steps"), "{fixed}");
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn clean_files_get_no_fixes() {
    for name in ["cuba.scn", "sc_dense.scn", "stdp.scn", "lif_q88.scn"] {
        let path = root().join("examples").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let an = analyse(&path, &text);
        let fixes = actions::fixes(&an, &path, &Overlay { open: &HashMap::new() }, Span::new(0, text.len()));
        assert!(fixes.is_empty(), "{name}: {fixes:?}");
    }
}

#[test]
fn inlay_hints_show_inferred_types_of_unannotated_names() {
    let text = "neuron A {\n    param tau = 20 ms\n    param g: conductance = 1 nS\n    state v = -65 mV\n    let i = g * v\n    dv/dt = -v / tau\n    on v > 0 mV {\n        let drop = 10 mV\n        v -= drop\n    }\n}\nconst Q = 0.5\n";
    let an = analyse(Path::new("/m/a.scn"), text);
    assert!(!an.has_errors(), "{:?}", an.diagnostics);
    let found = hints::type_hints(&an, Span::new(0, text.len()));
    let shown: Vec<(&str, &str)> = found.iter().map(|h| (&text[h.name.start..h.name.end], h.label.as_str())).collect();
    assert_eq!(
        shown,
        [("tau", "time"), ("v", "voltage"), ("i", "current"), ("drop", "voltage"), ("Q", "dimensionless")]
    );
    let insertable: Vec<bool> = found.iter().map(|h| h.insertable).collect();
    assert_eq!(insertable, [true, true, true, false, true], "a handler `let` takes no annotation");
    // Inserting every insertable hint gives a file that checks the same.
    let edits: Vec<(Span, String)> =
        found.iter().filter(|h| h.insertable).map(|h| (Span::point(h.name.end), format!(": {}", h.label))).collect();
    let annotated = actions::apply(text, &edits);
    assert!(annotated.contains("param tau: time = 20 ms"), "{annotated}");
    let after = analyse(Path::new("/m/a.scn"), &annotated);
    assert!(!after.has_errors(), "{:?}\n{annotated}", after.diagnostics);
    // A range limits the hints to the names that start in it.
    let line3 = text.find("state").unwrap();
    let some = hints::type_hints(&an, Span::new(line3, line3 + 20));
    assert_eq!(some.len(), 1);
}

#[test]
fn inlay_hints_on_the_sc_dense_example_show_stream_types() {
    let path = root().join("examples/sc_dense.scn");
    let text = std::fs::read_to_string(&path).unwrap();
    let an = analyse(&path, &text);
    let found = hints::type_hints(&an, Span::new(0, text.len()));
    let sel = found.iter().find(|h| &text[h.name.start..h.name.end] == "sel").expect("a hint on `sel`");
    assert_eq!(sel.label, "bits<unipolar, 256>");
}

#[test]
fn completion_inside_a_population_offers_the_model_parameters() {
    let text =
        "import std.neurons.lif.{Lif}\n\nnetwork N {\n    dt = 0.1 ms\n    pop p = Lif[2] { tau_m = 10 ms, \n}\n";
    let an = analyse(Path::new("/m/n.scn"), text);
    let at = text.find("10 ms, ").unwrap() + 7;
    let items = complete::model_parameters(&an, at).expect("inside an instantiation");
    let labels: Vec<&str> = items.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"v_th") && labels.contains(&"t_ref") && labels.contains(&"v"), "{labels:?}");
    assert!(!labels.contains(&"tau_m"), "already written: {labels:?}");
    let v_th = items.iter().find(|c| c.label == "v_th").unwrap();
    assert_eq!(v_th.insert_text.as_deref(), Some("v_th = "));
    assert_eq!(v_th.detail.as_deref(), Some("param v_th: voltage = -50 mV"));
    // Outside the braces there is no model.
    assert!(complete::model_parameters(&an, text.find("dt").unwrap()).is_none());
}

#[test]
fn import_completion_lists_standard_library_modules() {
    let items = complete::import_paths("import std.ne", 13).expect("in an import");
    assert!(items.iter().any(|c| c.label == "std.neurons.lif"));
    assert!(complete::import_paths("pop p = Lif", 11).is_none());
}

#[test]
fn hover_over_a_stdlib_model_shows_doc_and_provenance() {
    let text =
        "import std.neurons.izhikevich.{Izhikevich}\n\nnetwork N {\n    dt = 0.1 ms\n    pop p = Izhikevich[2]\n}\n";
    let an = analyse(Path::new("/m/n.scn"), text);
    let (_, hover) = navigate::hover(&an, text.rfind("Izhikevich[").unwrap() + 2).expect("a hover");
    assert!(hover.contains("Izhikevich (2003) simple spiking neuron"), "{hover}");
    assert!(hover.contains("*Provenance* (`std.neurons.izhikevich`)"), "{hover}");
    assert!(hover.contains("IEEE Trans. Neural Networks"), "{hover}");
}

#[test]
fn references_and_rename_cross_open_files() {
    let dir = std::env::temp_dir().join(format!("scn-lsp-xfile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lib = "/// A leak.\nneuron Leak {\n    param tau: time = 10 ms\n    state v: voltage = 0 mV\n    dv/dt = -v / tau\n}\n";
    let net = "import leak.{Leak}\n\nnetwork N {\n    dt = 0.1 ms\n    pop a = Leak[3]\n    pop b = Leak[2] { tau = 5 ms }\n}\n";
    let (lib_path, net_path) = (dir.join("leak.scn"), dir.join("net.scn"));
    std::fs::write(&lib_path, lib).unwrap();
    let lib_uri = Uri::from_file_path(&lib_path).unwrap();
    let net_uri = Uri::from_file_path(&net_path).unwrap();
    let open = HashMap::from([(lib_path.clone(), lib.to_string()), (net_path.clone(), net.to_string())]);
    let files = Overlay { open: &open };
    let net_doc = OpenDoc { uri: &net_uri, path: &net_path, text: net };
    let lib_doc = OpenDoc { uri: &lib_uri, path: &lib_path, text: lib };
    // From a use in net.scn: the import, both populations, and the declaration in leak.scn.
    let at = net.find("Leak[3]").unwrap() + 1;
    let locs = workspace::references(&net_doc, &[], &files, at, true);
    let per_file = |uri: &Uri| locs.iter().filter(|l| &l.uri == uri).count();
    assert_eq!((per_file(&net_uri), per_file(&lib_uri)), (3, 1), "{locs:?}");
    // From the declaration in leak.scn with net.scn open: the same four.
    let at = lib.find("Leak").unwrap();
    let from_decl =
        workspace::references(&lib_doc, &[OpenDoc { uri: &net_uri, path: &net_path, text: net }], &files, at, true);
    assert_eq!(from_decl, locs);
    // Renaming renames in both files, and the result checks clean.
    let changes = workspace::rename(&net_doc, &[lib_doc], &files, net.find("Leak[2]").unwrap(), "Leaky").unwrap();
    assert_eq!(changes.len(), 2);
    let edit = |text: &str, uri: &Uri| {
        let index = scn_lsp::position::LineIndex::new(text);
        let edits: Vec<(Span, String)> =
            changes[uri].iter().map(|e| (index.span(e.range), e.new_text.clone())).collect();
        actions::apply(text, &edits)
    };
    let (lib2, net2) = (edit(lib, &lib_uri), edit(net, &net_uri));
    assert_eq!(net2, net.replace("Leak", "Leaky"));
    assert_eq!(lib2, lib.replace("neuron Leak", "neuron Leaky"));
    std::fs::write(&lib_path, &lib2).unwrap();
    let after = analyse(&net_path, &net2);
    assert!(!after.has_errors(), "{:?}", after.diagnostics);
    // Standard-library declarations cannot be renamed.
    let std_text = "import std.neurons.lif.{Lif}\n";
    let doc = OpenDoc { uri: &net_uri, path: &net_path, text: std_text };
    let err = workspace::rename(&doc, &[], &files, std_text.find("Lif}").unwrap(), "L").unwrap_err();
    assert!(err.contains("standard library"), "{err}");
}

#[test]
fn hover_shows_stream_provenance_and_expected_error() {
    let path = root().join("examples/sc_dense.scn");
    let text = std::fs::read_to_string(&path).unwrap();
    let an = analyse(&path, &text);
    let (_, hover) = navigate::hover(&an, text.find("sel, ws").unwrap() + 1).expect("a hover");
    assert!(hover.contains("stream from lfsr16 0x1D87"), "{hover}");
    assert!(hover.contains("expected error of the decoded value ≤ 0.031 (1/(2√256), one frame)"), "{hover}");
}

#[test]
fn hover_shows_fixed_point_format_and_proved_range() {
    let path = root().join("examples/lif_q88.scn");
    let text = std::fs::read_to_string(&path).unwrap();
    let an = analyse(&path, &text);
    // The state v: its format; the parameter v_th: its format, value range and smallest format.
    let (_, hover) = navigate::hover(&an, text.find("v >= v_th").unwrap()).expect("a hover");
    assert!(hover.contains("fixed point: fix<16,8> (saturate on overflow)"), "{hover}");
    let (_, hover) = navigate::hover(&an, text.find("v >= v_th").unwrap() + 6).expect("a hover");
    assert!(hover.contains("proved range [20, 20] × 1 mV; smallest format UQ5.0"), "{hover}");
}
