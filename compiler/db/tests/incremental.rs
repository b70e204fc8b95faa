//! Incrementality: which `check_item` queries re-run after an edit, counted from salsa's
//! `WillExecute` events.

use scn_db::{Database, Execution};
use std::path::Path;

const FILE: &str = "model.scn";

const SOURCE: &str = "\
// A small model.

/// Neuron A.
neuron A {
    param tau: time = 10 ms
    state v: voltage = 0 mV
    input x: spike(voltage)
    on x(w) { v += w }
    dv/dt = -v / tau
}

/// Neuron B, with a unit mistake.
neuron B {
    param tau: time = 5 mV
    state v: voltage = 0 mV
}

/// A network of A neurons.
network N {
    dt = 0.1 ms
    duration = 100 ms
    pop a = A[4]
    monitor state(a.v)
}

/// A property of N.
property P for N {
    assert always(a.v <= 10 mV) @sim
}
";

/// Replaces the only occurrence of `from` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// The items `check_item` ran for, sorted.
fn checked(executions: &[Execution]) -> Vec<String> {
    Database::checked_items(executions)
}

/// The span of B's unit mistake (`5 mV` where a time is expected) in `text`.
fn b_mistake(text: &str) -> (usize, usize) {
    let start = text.find("5 mV").unwrap();
    (start, start + 4)
}

/// Checks the file, asserts the one known diagnostic and returns which items were re-checked.
fn check(db: &Database, text: &str) -> Vec<String> {
    let path = Path::new(FILE);
    let diags = db.check_file(path);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "E0201");
    assert_eq!((diags[0].primary.span.start, diags[0].primary.span.end), b_mistake(text));
    checked(&db.take_executions())
}

#[test]
fn editing_a_neuron_rechecks_it_and_its_users_only() {
    let mut db = Database::default();
    db.start_logging();
    db.set_file(FILE, SOURCE);
    let first = check(&db, SOURCE);
    assert_eq!(first, ["A", "B", "N", "P"]);
    eprintln!("initial check: {} check_item executions {first:?}", first.len());

    // A's parameter default changes: A, N (uses A) and P (on N) re-check; B does not.
    let text = edit(SOURCE, "10 ms", "12 ms");
    db.set_file(FILE, text.clone());
    let after_a = check(&db, &text);
    eprintln!("edit A: {} check_item executions {after_a:?}", after_a.len());
    assert_eq!(after_a, ["A", "N", "P"]);

    // B changes: only B re-checks.
    let text =
        edit(&text, "state v: voltage = 0 mV\n}\n\n/// A network", "state v: voltage = 1 mV\n}\n\n/// A network");
    db.set_file(FILE, text.clone());
    let after_b = check(&db, &text);
    eprintln!("edit B: {} check_item executions {after_b:?}", after_b.len());
    assert_eq!(after_b, ["B"]);

    // A comment at the top moves every item: nothing re-checks, the spans follow.
    let text = format!("// One more line of header,\n// and another.\n\n{text}");
    db.set_file(FILE, text.clone());
    let after_comment = check(&db, &text);
    eprintln!("edit top comment: {} check_item executions", after_comment.len());
    assert_eq!(after_comment, Vec::<String>::new());

    // Whitespace inside the file, between items, moves the items after it: nothing re-checks.
    let text = edit(&text, "}\n\n/// Neuron B", "}\n\n\n\n/// Neuron B");
    db.set_file(FILE, text.clone());
    let after_blank = check(&db, &text);
    assert_eq!(after_blank, Vec::<String>::new());

    // The same text again is no edit at all.
    db.set_file(FILE, text.clone());
    assert_eq!(check(&db, &text), Vec::<String>::new());
}

#[test]
fn editing_a_network_rechecks_its_properties_not_its_neurons() {
    let mut db = Database::default();
    db.set_file(FILE, SOURCE);
    db.check_file(Path::new(FILE));
    db.start_logging();
    let text = edit(SOURCE, "100 ms", "200 ms");
    db.set_file(FILE, text.clone());
    assert_eq!(check(&db, &text), ["N", "P"]);
}

#[test]
fn adding_an_item_rechecks_the_items_that_name_it() {
    let mut db = Database::default();
    let text = SOURCE.replace("pop a = A[4]", "pop a = A[4]\n    pop c = C[1]");
    db.set_file(FILE, text.clone());
    let before = db.check_file(Path::new(FILE));
    assert!(before.iter().any(|d| d.message == "cannot find item `C`"), "{before:#?}");
    db.start_logging();
    let text = format!("{text}\nneuron C {{\n    state v: voltage = 0 mV\n}}\n");
    db.set_file(FILE, text.clone());
    // N named the missing `C`, so it re-checks; P depends on N; C is new. A and B do not.
    assert_eq!(check(&db, &text), ["C", "N", "P"]);
}

/// A generated file of about 10,000 lines: 1,000 neurons of 8 lines and 100 networks that each
/// use ten of them.
fn generated() -> String {
    let mut s = String::from("// Generated.\n\n");
    for i in 0..1000 {
        s.push_str(&format!(
            "/// Neuron {i}.\nneuron N{i} {{\n    param tau: time = {t} ms\n    state v: voltage = 0 mV\n    \
             input x: spike(voltage)\n    on x(w) {{ v += w }}\n    dv/dt = -v / tau\n}}\n\n",
            t = 10 + i % 7
        ));
    }
    for k in 0..100 {
        s.push_str(&format!("/// Network {k}.\nnetwork Net{k} {{\n    dt = 0.1 ms\n    duration = 10 ms\n"));
        for j in 0..10 {
            s.push_str(&format!("    pop p{j} = N{}[1]\n", k * 10 + j));
        }
        s.push_str("}\n\n");
    }
    s
}

#[test]
fn one_edit_in_a_ten_thousand_line_file_rechecks_one_item() {
    let text = generated();
    let lines = text.lines().count();
    assert!(lines >= 10_000, "{lines} lines");
    let path = Path::new("big.scn");
    let mut db = Database::default();
    db.start_logging();
    let t0 = std::time::Instant::now();
    db.set_file(path, text.clone());
    assert_eq!(db.check_file(path), Vec::new());
    let first = checked(&db.take_executions());
    let initial = t0.elapsed();
    assert_eq!(first.len(), 1100);
    let reference = scn_sema::check_source("big.scn", text.clone(), None, &scn_sema::Disk);
    assert!(reference.diagnostics.is_empty());

    // Neuron N500 (used by Net50): N500 and Net50 re-check.
    let edited =
        edit(&text, "neuron N500 {\n    param tau: time = 13 ms", "neuron N500 {\n    param tau: time = 14 ms");
    let t1 = std::time::Instant::now();
    db.set_file(path, edited.clone());
    assert_eq!(db.check_file(path), Vec::new());
    let after = checked(&db.take_executions());
    let incremental = t1.elapsed();
    assert_eq!(after, ["N500", "Net50"]);

    // Net7 alone: only Net7 re-checks.
    let edited = edit(&edited, "network Net7 {\n    dt = 0.1 ms", "network Net7 {\n    dt = 0.2 ms");
    db.set_file(path, edited.clone());
    assert_eq!(db.check_file(path), Vec::new());
    let after_net = checked(&db.take_executions());
    assert_eq!(after_net, ["Net7"]);

    // A comment at the top: nothing re-checks.
    db.set_file(path, format!("// Edited.\n{edited}"));
    assert_eq!(db.check_file(path), Vec::new());
    let after_comment = checked(&db.take_executions());
    assert!(after_comment.is_empty());
    eprintln!(
        "{lines} lines: initial {} check_item executions in {initial:?}; edit N500 {} {after:?} in {incremental:?}; \
         edit Net7 {}; top comment {}",
        first.len(),
        after.len(),
        after_net.len(),
        after_comment.len()
    );
}
