//! `scn repl` end to end: the real binary in a tmux pane, driven by keystrokes, with
//! assertions on the captured screen. Each test has its own tmux server (`-L`), history file
//! and working directory; every wait polls the screen with a deadline instead of sleeping.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How long one expected output may take to appear.
const DEADLINE: Duration = Duration::from_secs(60);

/// One `scn repl` running in a detached tmux session.
struct Pane {
    socket: String,
}

impl Pane {
    /// Starts `scn repl` in `dir` with the history file `history`.
    fn start(socket: &str, dir: &Path, history: &Path) -> Pane {
        let pane = Pane { socket: format!("{socket}-{}", std::process::id()) };
        let _ = pane.tmux(&["kill-server"]);
        let bin = env!("CARGO_BIN_EXE_scn");
        let status = Command::new("tmux")
            .env_remove("TMUX")
            .args(["-L", &pane.socket, "-f", "/dev/null", "new-session", "-d", "-s", "repl", "-x", "150", "-y", "50"])
            .args(["-c", &dir.display().to_string()])
            .args(["-e", &format!("SCN_REPL_HISTORY={}", history.display()), "-e", "NO_COLOR=1", "-e", "TERM=xterm"])
            .arg(format!("'{bin}' repl"))
            .status()
            .expect("tmux runs (install the Debian package `tmux`)");
        assert!(status.success(), "tmux could not start the session");
        pane.tmux(&["set-option", "-t", "repl", "remain-on-exit", "on"]);
        pane.wait_for("scn> ");
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out =
            Command::new("tmux").args(["-L", &self.socket]).args(args).env_remove("TMUX").output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "repl", "-l", text]);
    }

    /// Presses a key (`Enter`, `Up`, `Tab`).
    fn key(&self, key: &str) {
        self.tmux(&["send-keys", "-t", "repl", key]);
    }

    /// Types a line and presses Enter.
    fn line(&self, text: &str) {
        self.type_text(text);
        self.key("Enter");
    }

    /// Everything the pane shows, scrollback included.
    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-t", "repl", "-S", "-"])
    }

    /// Waits until the screen contains `needle` `times` times in all; returns the screen.
    fn wait_for_count(&self, needle: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(needle).count() >= times {
                return screen;
            }
            assert!(start.elapsed() < DEADLINE, "`{needle}` did not appear {times} times; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains `needle`; returns the screen.
    fn wait_for(&self, needle: &str) -> String {
        self.wait_for_count(needle, 1)
    }

    /// Waits until the REPL has exited.
    fn wait_exit(&self) {
        let start = Instant::now();
        while self.tmux(&["display-message", "-p", "-t", "repl", "#{pane_dead}"]).trim() != "1" {
            assert!(start.elapsed() < DEADLINE, "the REPL did not exit; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// A fresh working directory for one test.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-repl-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn expressions_with_units_streams_and_an_error_with_recovery() {
    let dir = workdir("expr");
    let pane = Pane::start("scn-repl-expr", &dir, &dir.join("history"));
    pane.line("20 ms * 3");
    pane.wait_for("60 ms");
    pane.line("popcount(encode(0.3, lfsr16(seed = 1), length = 256))");
    pane.wait_for("91 of 256 ones (count<256>); decoded 0.35546875, expected 0.3 ± 0.0286");
    pane.line(":type uniform(-65 mV, -50 mV)");
    pane.wait_for("interval: [-65 mV, -50 mV]");
    pane.line("1 mV + 2 ms");
    let screen = pane.wait_for("Help: check the units");
    assert!(screen.contains("[E0201] Error: dimension mismatch in `+`: voltage and time"), "{screen}");
    assert!(screen.contains("<repl>:1:8"), "the error points into the typed line:\n{screen}");
    pane.line("5 mV * 2");
    pane.wait_for("10 mV");
    // An open parenthesis continues the expression on the next line.
    pane.line("clip(7 mV,");
    pane.line("0 mV, 3 mV)");
    pane.wait_for("\n3 mV\n");
    pane.line(":bogus");
    pane.wait_for("unknown command `:bogus`");
    pane.line(":help");
    pane.wait_for(":verify                     check");
    pane.line(":quit");
    pane.wait_exit();
}

#[test]
fn multi_line_declarations_run_plot_save_load_verify_reset() {
    let dir = workdir("decls");
    std::fs::write(dir.join("props.scn"), "property calm for Net {\n    assert refractory(exc) >= 2 ms @sim\n}\n")
        .unwrap();
    let pane = Pane::start("scn-repl-decls", &dir, &dir.join("history"));
    pane.line("import std.neurons.lif");
    pane.wait_for("import std.neurons.lif\nimport std.neurons.lif");
    for line in [
        "network Net {",
        "    dt = 0.1 ms",
        "    duration = 50 ms",
        "    pop exc = Lif[20]",
        "    stimulus poisson(rate = 50 Hz, n = 100) -> exc.syn { p = 0.2, weight = 2 mV }",
        "    monitor spikes(exc)",
    ] {
        pane.line(line);
    }
    // The open brace keeps the input going: nothing is declared before the closing one.
    assert!(!pane.screen().contains("defined Net"), "{}", pane.screen());
    pane.line("}");
    let screen = pane.wait_for("defined Net");
    assert!(!screen.contains("nothing was declared") && !screen.contains("Error"), "{screen}");
    pane.line(":run Net 100 ms");
    let screen = pane.wait_for("ran Net for 1000 steps");
    let row = screen.lines().find(|l| l.starts_with("exc ")).expect("a rate row");
    assert_eq!(row.split_whitespace().nth(1), Some("20"), "{row}");
    pane.line(":plot");
    pane.wait_for("Net.svg");
    let svg = std::fs::read_to_string(dir.join("Net.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{}", &svg[..svg.len().min(80)]);
    pane.line(":load props.scn");
    pane.wait_for("loaded ");
    pane.line(":verify");
    pane.wait_for("holds in simulation (500 steps)");
    pane.line(":list");
    pane.wait_for("property calm for Net {");
    pane.line(":save session_out.scn");
    pane.wait_for("saved 3 declarations");
    let check = common::scn(&["check", &dir.join("session_out.scn").display().to_string()]);
    assert!(check.status.success(), "scn check of the saved file: {:?}", common::text(&check));
    pane.line(":reset");
    pane.wait_for("session cleared");
    pane.line("Net");
    pane.wait_for("E0101");
    pane.line(":load session_out.scn");
    pane.wait_for_count("loaded ", 2);
    pane.line(":run Net");
    pane.wait_for("ran Net for 500 steps");
    // Ctrl-C stops a long run and the session goes on.
    pane.line(":run Net 1000 s");
    pane.wait_for("running Net for 10000000 steps (Ctrl-C stops it)");
    pane.key("C-c");
    pane.wait_for("interrupted: Net ran for");
    pane.line("2 * 21 ms");
    pane.wait_for("42 ms");
    pane.line(":quit");
    pane.wait_exit();
}

#[test]
fn history_is_kept_between_sessions_and_completion_works() {
    let dir = workdir("history");
    let history = dir.join("state").join("history");
    let first = Pane::start("scn-repl-hist1", &dir, &history);
    first.line("const remembered = 42 ms");
    first.wait_for("defined remembered");
    first.line(":quit");
    first.wait_exit();
    drop(first);
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("const remembered = 42 ms"), "{saved}");

    let second = Pane::start("scn-repl-hist2", &dir, &history);
    // The history hints the rest of an earlier input.
    second.type_text("const rem");
    second.wait_for("scn> const remembered = 42 ms");
    second.key("C-u");
    second.key("Up");
    second.key("Up");
    second.wait_for("scn> const remembered = 42 ms");
    second.key("Enter");
    second.wait_for("defined remembered");
    second.type_text("remem");
    second.key("Tab");
    second.type_text(" * 2");
    second.key("Enter");
    second.wait_for("84 ms");
    // After a number, Tab lists the unit atoms.
    second.type_text("20 m");
    second.key("Tab");
    second.key("Tab");
    let screen = second.wait_for("mHz");
    assert!(screen.contains("mV") && screen.contains("ms"), "{screen}");
    second.key("C-u");
    second.line(":quit");
    second.wait_exit();
}

#[test]
fn piped_input_runs_as_a_script() {
    use std::io::Write;
    let dir = workdir("piped");
    let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["repl", "--no-history"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("scn runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"const tau = 20 ms\nneuron A {\n    state v: voltage = 0 mV\n    dv/dt = -v / tau\n}\ntau * 3\n:quit\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("defined tau\ndefined A\n60 ms\n"), "{text}");
}
