#!/usr/bin/env python3
"""Times diagnostics after one-character edits in `scn lsp` (release build), over stdio.

Usage: python3 bench/lsp_latency.py [LINES]

Opens a generated model file of LINES lines (default 5,000; the generator of
bench/check_speed.py), then sends 21 `didChange` notifications that alternately introduce and
remove a unit error in the middle of the file, and times each from the notification to the
`publishDiagnostics` of its version. Also times a whole `scn check` of the same file, the
cold-start cost an editor without a language server would pay per edit, and prints the ratio
against the 50 ms target.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_speed import ROOT, generate  # noqa: E402

TARGET_MS = 50.0


class Server:
    """`scn lsp` on stdio, with Content-Length framing."""

    def __init__(self, scn: str):
        self.proc = subprocess.Popen([scn, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self) -> dict:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("scn lsp closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.receive()
            if m.get("id") == self.next_id:
                return m

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> list:
        while True:
            m = self.receive()
            p = m.get("params", {})
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri:
                if p.get("version", version) == version:
                    return p["diagnostics"]

    def close(self) -> None:
        self.request("shutdown", {})
        self.notify("exit", {})
        self.proc.wait(timeout=10)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    scn = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "scn")
    text = generate(lines)
    uri = "file:///scn-bench/big.scn"
    server = Server(scn)
    server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    server.notify("initialized", {})
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "scn", "version": 1, "text": text}})
    assert server.diagnostics(uri, 1) == [], "the generated file checks clean"
    needle = "param v_th: voltage = -50 mV"
    unit = text.index(needle, len(text) // 2) + len(needle) - 1
    times = []
    for version in range(2, 23):
        broken = version % 2 == 0
        edited = text[:unit] + "s" + text[unit + 1 :] if broken else text
        t0 = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]},
        )
        diags = server.diagnostics(uri, version)
        times.append((time.perf_counter() - t0) * 1e3)
        assert [d["code"] for d in diags] == (["E0201"] if broken else []), diags
    server.close()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.scn")
        with open(path, "w") as f:
            f.write(text)
        cold = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([scn, "check", path], check=True, capture_output=True)
            cold.append((time.perf_counter() - t0) * 1e3)
    median = statistics.median(times)
    print(f"{len(text.splitlines())} lines, {len(text)} bytes, 21 one-character edits")
    print(f"scn lsp  diagnostics after an edit: median {median:.1f} ms, worst {max(times):.1f} ms")
    print(f"scn check (whole file, cold):       median {statistics.median(cold):.1f} ms")
    print(f"ratio lsp / cold check:             {median / statistics.median(cold):.2f}")
    print(f"ratio lsp / {TARGET_MS:.0f} ms target:           {median / TARGET_MS:.2f}")


if __name__ == "__main__":
    main()
