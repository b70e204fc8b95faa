//! An editor driving the server over an in-memory pipe, shared by the protocol tests.

#![allow(dead_code)]

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

/// An editor talking to a server over an in-memory pipe.
pub struct Editor {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    pub notifications: Vec<Value>,
}

impl Editor {
    pub async fn start() -> Editor {
        let (ours, theirs) = tokio::io::duplex(1 << 20);
        let (their_read, their_write) = tokio::io::split(theirs);
        let std_dir = std::env::temp_dir().join(format!("scn-lsp-e2e-{}", std::process::id()));
        tokio::spawn(scn_lsp::serve(their_read, their_write, std_dir));
        let (read, writer) = tokio::io::split(ours);
        let mut editor = Editor { reader: BufReader::new(read), writer, next_id: 1, notifications: Vec::new() };
        let init = editor.request("initialize", json!({ "capabilities": {} })).await;
        assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16");
        let legend = &init["result"]["capabilities"]["semanticTokensProvider"]["legend"];
        assert_eq!(legend["tokenTypes"][1], "parameter", "{legend}");
        editor.notify("initialized", json!({})).await;
        editor
    }

    pub async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.unwrap();
    }

    pub async fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        loop {
            let message = self.receive().await;
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
        {
            return self.notifications.remove(i)["params"].clone();
        }
        loop {
            let message = self.receive().await;
            if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                return message["params"].clone();
            }
            self.notifications.push(message);
        }
    }
}
