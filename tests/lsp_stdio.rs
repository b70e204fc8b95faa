//! `scn lsp` over standard input and output, as an editor drives it: open an example, inject an
//! error and take it back, hover, go to definition, complete, rename, format, inlay hints and
//! code actions. Each example's answers are summarised in a transcript snapshot
//! (`tests/snapshots/lsp_stdio__*.snap`); quick fixes are applied and the result must check
//! clean.

mod common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A client of one `scn lsp` process.
struct Client {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications that arrived while waiting for a response.
    pending: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let home = std::env::temp_dir().join(format!("scn-lsp-stdio-{}", std::process::id()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("scn lsp starts");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut client = Client { child, input, output, next_id: 1, pending: Vec::new() };
        let init = client.request("initialize", json!({ "capabilities": {} }));
        let caps = &init["result"]["capabilities"];
        assert_eq!(caps["inlayHintProvider"], true, "{caps}");
        assert_eq!(caps["codeActionProvider"]["codeActionKinds"], json!(["quickfix"]), "{caps}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(self.output.read_line(&mut line).unwrap() > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.output.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.pending.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let wanted = |n: &Value| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri;
        if let Some(i) = self.pending.iter().position(wanted) {
            return self.pending.remove(i)["params"].clone();
        }
        loop {
            let message = self.receive();
            if wanted(&message) {
                return message["params"].clone();
            }
            self.pending.push(message);
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        let doc = json!({ "uri": uri, "languageId": "scn", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        self.diagnostics(uri)
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) -> Value {
        let params =
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
        self.notify("textDocument/didChange", params);
        self.diagnostics(uri)
    }

    fn stop(mut self) {
        let shutdown = self.request("shutdown", Value::Null);
        assert!(shutdown.get("error").is_none(), "{shutdown}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "scn lsp exited with {status}");
    }
}

/// The LSP position (UTF-16) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].encode_utf16().count();
    json!({ "line": line, "character": col })
}

/// `line:col` of an LSP position, 1-based as editors show it.
fn at(p: &Value) -> String {
    format!("{}:{}", p["line"].as_u64().unwrap() + 1, p["character"].as_u64().unwrap() + 1)
}

/// The byte offset of an LSP position in `text`.
fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let rest = &text[start..];
    let mut units = 0;
    for (i, c) in rest.char_indices() {
        if units >= p["character"].as_u64().unwrap() as usize || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies a list of LSP text edits to `text`.
fn apply(text: &str, edits: &Value) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().into(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, new) in spans {
        out.replace_range(a..b, &new);
    }
    out
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// What one example is probed with.
struct Probe {
    example: &'static str,
    /// `(from, to)`: a one-place edit that introduces an error with code `code`.
    inject: (&'static str, &'static str),
    code: &'static str,
    /// Hovered and jumped from: the first occurrence of the needle (cursor on its second byte).
    hover: &'static str,
    /// Completion right after this text (its first occurrence).
    complete_after: &'static str,
    /// Renamed: `(needle, new name)`.
    rename: (&'static str, &'static str),
}

const PROBES: &[Probe] = &[
    Probe {
        example: "cuba.scn",
        inject: ("{ p = 0.02, weight = w_e }", "{ p = 0.02, weight = w_e, delay = 1.25 ms }"),
        code: "E0503",
        hover: "CubaLif[3200]",
        complete_after: "pop inh = CubaLif[800] { ",
        rename: ("w_e }", "w_exc"),
    },
    Probe {
        example: "sc_dense.scn",
        inject: ("lfsr16(seed = 0xACE1 + i)", "lfsr16(seed = 0xBEEF + 13 * i)"),
        code: "E0302",
        hover: "sel, ws",
        complete_after: "output z = decode(",
        rename: ("L = 256\n", "FRAME"),
    },
    Probe {
        example: "stdp.scn",
        inject: ("{ all, weight = -1 mV }", "{ all, weight = -1 mV, delay = 0.05 ms }"),
        code: "E0503",
        hover: "Stdp(",
        complete_after: "via Stdp(a_pre = 0.005, ",
        rename: ("input_rate }", "nu_in"),
    },
    Probe {
        example: "lif_q88.scn",
        inject: ("param v_th: voltage = 20 mV", "param v_th: voltage = 20 ms"),
        code: "E0201",
        hover: "v_th {",
        complete_after: "on x(w) { v += ",
        rename: ("v_th: voltage", "theta"),
    },
];

fn transcript(client: &mut Client, probe: &Probe) -> String {
    let path = common::root().join("examples").join(probe.example);
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = format!("file://{}", path.display());
    let doc = json!({ "uri": uri });
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };

    let opened = client.open(&uri, &text);
    assert_eq!(codes(&opened), Vec::<String>::new(), "{} checks clean", probe.example);
    line(format!("open: {} diagnostics", codes(&opened).len()));

    // Inject an error, then take it back.
    assert!(text.contains(probe.inject.0), "{}: {}", probe.example, probe.inject.0);
    let broken = text.replacen(probe.inject.0, probe.inject.1, 1);
    let published = client.change(&uri, 2, &broken);
    assert!(codes(&published).contains(&probe.code.to_string()), "{published}");
    for d in published["diagnostics"].as_array().unwrap() {
        let first = d["message"].as_str().unwrap().lines().next().unwrap();
        line(format!("change: {} {} at {}", d["code"].as_str().unwrap(), first, at(&d["range"]["start"])));
    }
    // The quick fixes for the injected error, each applied and checked.
    let range = published["diagnostics"][0]["range"].clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": doc, "range": range, "context": { "diagnostics": published["diagnostics"] } }),
    );
    for action in actions["result"].as_array().unwrap() {
        let edits = &action["edit"]["changes"][&uri];
        let fixed = apply(&broken, edits);
        let after = client.change(&uri, 3, &fixed);
        line(format!(
            "codeAction: {}{} -> {} diagnostics after applying",
            action["title"].as_str().unwrap(),
            if action["isPreferred"] == true { " (preferred)" } else { "" },
            codes(&after).len()
        ));
        assert_eq!(codes(&after), Vec::<String>::new(), "{}: {} leaves errors", probe.example, action["title"]);
        client.change(&uri, 2, &broken);
    }
    let restored = client.change(&uri, 4, &text);
    assert_eq!(codes(&restored), Vec::<String>::new());
    line("change back: 0 diagnostics".into());

    // Hover and definition.
    let hover_at = position(&text, text.find(probe.hover).unwrap() + 1);
    let hover = client.request("textDocument/hover", json!({ "textDocument": doc, "position": hover_at }));
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("(none)");
    let shown: Vec<&str> = value.lines().filter(|l| !l.starts_with("```") && !l.is_empty()).take(3).collect();
    line(format!("hover {}: {}", at(&hover_at), shown.join(" | ")));
    let def = client.request("textDocument/definition", json!({ "textDocument": doc, "position": hover_at }));
    let target = def["result"]["uri"].as_str().unwrap_or("(none)");
    let shown = if target == uri {
        "this file".to_string()
    } else {
        target.rsplit("/scn/").next().unwrap_or(target).to_string()
    };
    line(format!(
        "definition: {} {}",
        shown,
        def["result"]["range"]["start"].as_object().map_or("-".into(), |_| at(&def["result"]["range"]["start"]))
    ));

    // Completion.
    let c_at = position(&text, text.find(probe.complete_after).unwrap() + probe.complete_after.len());
    let completion = client.request("textDocument/completion", json!({ "textDocument": doc, "position": c_at }));
    let labels: Vec<&str> =
        completion["result"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).take(12).collect();
    line(format!("completion {}: {}", at(&c_at), labels.join(", ")));

    // Rename: the result checks clean.
    let r_at = position(&text, text.find(probe.rename.0).unwrap());
    let renamed = client
        .request("textDocument/rename", json!({ "textDocument": doc, "position": r_at, "newName": probe.rename.1 }));
    let edits = &renamed["result"]["changes"][&uri];
    let new_text = apply(&text, edits);
    line(format!("rename {} -> {}: {} edits", at(&r_at), probe.rename.1, edits.as_array().map_or(0, Vec::len)));
    assert_eq!(codes(&client.change(&uri, 5, &new_text)), Vec::<String>::new(), "renamed text checks clean");
    client.change(&uri, 6, &text);

    // Formatting: the examples are canonical, a mangled copy is formatted back.
    let options = json!({ "tabSize": 4, "insertSpaces": true });
    let formatted = client.request("textDocument/formatting", json!({ "textDocument": doc, "options": options }));
    line(format!("formatting: {}", formatted["result"]));
    let mangled = text.replace("\n    ", "\n  ");
    client.change(&uri, 7, &mangled);
    let formatted = client.request("textDocument/formatting", json!({ "textDocument": doc, "options": options }));
    assert_eq!(apply(&mangled, &formatted["result"]), text, "formatting restores the example");
    line("formatting a re-indented copy: restores the example".into());
    client.change(&uri, 8, &text);

    // Inlay hints over the whole file.
    let end = position(&text, text.len());
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": doc, "range": { "start": { "line": 0, "character": 0 }, "end": end } }),
    );
    for h in hints["result"].as_array().unwrap() {
        line(format!("inlayHint {}: {}", at(&h["position"]), h["label"].as_str().unwrap()));
    }
    client.notify("textDocument/didClose", json!({ "textDocument": doc }));
    client.diagnostics(&uri);
    out
}

#[test]
fn scn_lsp_over_stdio_on_the_examples() {
    let mut client = Client::start();
    for probe in PROBES {
        let t = transcript(&mut client, probe);
        insta::assert_snapshot!(Path::new(probe.example).file_stem().unwrap().to_str().unwrap(), t);
    }
    client.stop();
}
