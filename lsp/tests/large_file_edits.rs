//! Diagnostics after one-character edits in a 5,000-line file, over the protocol: every
//! `didChange` gets a `publishDiagnostics` of its version with exactly the right codes. The
//! time this takes is measured by `bench/lsp_latency.py` (benchmarks are not timed tests).

mod common;

use common::Editor;
use serde_json::json;

const URI: &str = "file:///scn-lsp-latency/big.scn";

/// A generated model file of at least `lines` lines: neurons with parameters, states, an ODE
/// and handlers, and a network every 20 neurons that instantiates and connects them.
fn generate(lines: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&format!(
            "/// Generated neuron {i}.
neuron N{i} {{
    param tau_m: time = {tau} ms
    param v_rest: voltage = -65 mV
    param v_th: voltage = -50 mV
    param v_reset: voltage = -70 mV
    param t_ref: time = 2 ms
    state v: voltage = -65 mV
    state ge: voltage = 0 mV
    input syn: spike(voltage)
    on syn(w) {{ ge += w }}
    dv/dt = (v_rest - v + ge) / tau_m
    dge/dt = -ge / 5 ms
    on v >= v_th {{ v = v_reset; emit spike; refractory t_ref clamp v }}
    solver exact
}}

",
            tau = 10 + i % 20
        ));
        if i % 20 == 19 {
            out.push_str(&format!(
                "network Net{i} {{\n    dt = 0.1 ms\n    duration = 100 ms\n    pop a = N{i}[100]\n    pop b = N{}[100]\n    connect a -> b.syn {{ p = 0.1, weight = 0.5 mV }}\n}}\n\n",
                i - 1
            ));
        }
        i += 1;
    }
    out
}

#[tokio::test(flavor = "current_thread")]
async fn diagnostics_follow_one_character_edits_in_a_5000_line_file() {
    let text = generate(5000);
    assert!(text.lines().count() >= 5000);
    let mut editor = Editor::start().await;
    editor
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "scn", "version": 1, "text": text } }),
        )
        .await;
    let first = editor.diagnostics(URI).await;
    assert_eq!(first["diagnostics"], json!([]), "the generated file checks clean");
    // Edit one character in the middle of the file: `= -50 mV` ↔ `= -50 ms` alternately, the
    // second a unit error that must be reported.
    let middle = text.len() / 2 + text[text.len() / 2..].find("v_th: voltage = -50 mV").unwrap();
    let unit = middle + "v_th: voltage = -50 m".len();
    for version in 2..23 {
        let mut edited = text.clone();
        let broken = version % 2 == 0;
        if broken {
            edited.replace_range(unit..unit + 1, "s");
        }
        editor
            .notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": edited }] }),
            )
            .await;
        let published = editor.diagnostics(URI).await;
        assert_eq!(published["version"], version);
        let codes: Vec<&str> =
            published["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, if broken { vec!["E0201"] } else { vec![] });
    }
}
