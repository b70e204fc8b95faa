//! The server end to end: JSON-RPC over an in-memory pipe, as an editor drives it.

mod common;

use common::Editor;
use serde_json::{Value, json};

const URI: &str = "file:///scn-lsp-test/model.scn";

/// A wrong unit after non-ASCII text on the same line: `µ` is one UTF-16 unit (two bytes) and
/// the emoji two units (four bytes).
const WRONG_UNIT: &str = "// µ 🧠\nneuron A {\n    param tau_m: time /* µs 🧠 */ = 20 mV\n    state v: voltage = 0 mV\n    dv/dt = -v / tau_m\n}\n";

#[tokio::test]
async fn diagnostics_of_a_wrong_unit_have_utf16_ranges() {
    let mut editor = Editor::start().await;
    editor
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "scn", "version": 1, "text": WRONG_UNIT } }),
        )
        .await;
    let published = editor.diagnostics(URI).await;
    let diags = published["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{published}");
    let d = &diags[0];
    assert_eq!(d["code"], "E0201");
    assert!(d["message"].as_str().unwrap().starts_with("expected time, found voltage"), "{d}");
    // `    param tau_m: time /* µs 🧠 */ = ` is 39 bytes but 36 UTF-16 units.
    assert_eq!(d["range"], json!({ "start": { "line": 2, "character": 36 }, "end": { "line": 2, "character": 41 } }));
    assert_eq!(published["version"], 1);

    // Fixing the unit clears the diagnostic.
    let fixed = WRONG_UNIT.replace("20 mV", "20 ms");
    editor
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
        )
        .await;
    let published = editor.diagnostics(URI).await;
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(published["version"], 2);

    // Hover over `tau_m` in the ODE shows its dimension; definition jumps to the declaration.
    let at = json!({ "textDocument": { "uri": URI }, "position": { "line": 4, "character": 18 } });
    let hover = editor.request("textDocument/hover", at.clone()).await;
    let value = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(value.contains("tau_m: time"), "{hover}");
    let def = editor.request("textDocument/definition", at).await;
    assert_eq!(def["result"]["uri"], URI);
    assert_eq!(def["result"]["range"]["start"], json!({ "line": 2, "character": 10 }));

    let symbols = editor.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } })).await;
    assert_eq!(symbols["result"][0]["name"], "A");

    let formatted = editor
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
        )
        .await;
    let edits = formatted["result"].as_array().map_or(0, Vec::len);
    assert!(formatted.get("error").is_none() && edits <= 1, "{formatted}");

    // References, rename (accepted and refused) and semantic tokens.
    let refs = editor
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 4, "character": 18 },
                    "context": { "includeDeclaration": true } }),
        )
        .await;
    let refs = refs["result"].as_array().expect("locations");
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert_eq!(refs[0]["range"]["start"], json!({ "line": 2, "character": 10 }));
    let rename = |name: &str| json!({ "textDocument": { "uri": URI }, "position": { "line": 4, "character": 18 }, "newName": name });
    let renamed = editor.request("textDocument/rename", rename("tau_mem")).await;
    assert_eq!(renamed["result"]["changes"][URI].as_array().map(Vec::len), Some(2), "{renamed}");
    let refused = editor.request("textDocument/rename", rename("neuron")).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("keyword"), "{refused}");
    let tokens = editor.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": URI } })).await;
    assert!(tokens["result"]["data"].as_array().is_some_and(|d| !d.is_empty()), "{tokens}");

    let shutdown = editor.request("shutdown", Value::Null).await;
    assert!(shutdown.get("error").is_none(), "{shutdown}");
}

/// The examples, by name and text.
fn examples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    assert!(out.len() >= 5, "examples found: {}", out.len());
    out
}

/// Every request the server answers, at `position`, after the document has changed. Only
/// formatting and rename may refuse (syntax errors, nothing to rename); nothing may fail
/// otherwise, and every answer must come back.
async fn every_request(editor: &mut Editor, position: Value) {
    let doc = json!({ "uri": URI });
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 100000, "character": 0 } });
    let at = json!({ "textDocument": doc, "position": position });
    let requests = [
        ("textDocument/hover", at.clone()),
        ("textDocument/definition", at.clone()),
        ("textDocument/completion", at.clone()),
        (
            "textDocument/references",
            json!({ "textDocument": doc, "position": position, "context": { "includeDeclaration": true } }),
        ),
        ("textDocument/documentSymbol", json!({ "textDocument": doc })),
        ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
        ("textDocument/inlayHint", json!({ "textDocument": doc, "range": whole })),
        ("textDocument/codeAction", json!({ "textDocument": doc, "range": whole, "context": { "diagnostics": [] } })),
    ];
    for (method, params) in requests {
        let response = editor.request(method, params).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
    }
    for (method, params) in [
        ("textDocument/formatting", json!({ "textDocument": doc, "options": { "tabSize": 4, "insertSpaces": true } })),
        ("textDocument/rename", json!({ "textDocument": doc, "position": position, "newName": "renamed" })),
    ] {
        let response = editor.request(method, params).await;
        let refused = response["error"]["code"] == -32803;
        assert!(response.get("error").is_none() || refused, "{method}: {response}");
    }
}

/// Opens an empty document and then types `text` up to `cut` as one change.
async fn change_to_prefix(editor: &mut Editor, version: i32, text: &str, cut: usize) -> String {
    let cut = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap();
    let prefix = &text[..cut];
    editor
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": prefix }] }),
        )
        .await;
    let published = editor.diagnostics(URI).await;
    assert_eq!(published["version"], version);
    prefix.to_string()
}

async fn open_empty(editor: &mut Editor) {
    editor
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "scn", "version": 0, "text": "" } }),
        )
        .await;
    editor.diagnostics(URI).await;
}

#[tokio::test]
async fn half_typed_text_never_breaks_the_server() {
    let mut editor = Editor::start().await;
    open_empty(&mut editor).await;
    let mut version = 0;
    for (_, text) in examples() {
        // Every 97th prefix of every example, plus the whole text, through didChange.
        for cut in (0..=text.len()).step_by(97).chain([text.len()]) {
            version += 1;
            let prefix = change_to_prefix(&mut editor, version, &text, cut).await;
            let last = prefix.lines().count().saturating_sub(1);
            every_request(&mut editor, json!({ "line": last, "character": 3 })).await;
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// A random prefix of a random example, then every request at a random position of it.
    #[test]
    fn random_prefixes_and_positions_never_break_the_server(
        which in 0usize..64,
        cut in 0.0f64..=1.0,
        line in 0u32..200,
        character in 0u32..120,
    ) {
        let examples = examples();
        let (_, text) = &examples[which % examples.len()];
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut editor = Editor::start().await;
            open_empty(&mut editor).await;
            change_to_prefix(&mut editor, 1, text, (cut * text.len() as f64) as usize).await;
            every_request(&mut editor, json!({ "line": line, "character": character })).await;
        });
    }
}
