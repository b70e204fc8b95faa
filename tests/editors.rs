//! Editor support (`editors/`): the VS Code grammar test, packaging the VS Code extension, and
//! the headless Neovim test against the built `scn lsp`.
//!
//! They need `node`, `npx` with `npm ci` run in `editors/vscode`, and `nvim` (0.7+);
//! `scripts/test.sh` installs them. A missing tool is a failure, never a skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `cmd` and panics with its output unless it succeeds.
fn run(mut cmd: Command, what: &str, hint: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {what} ({hint}): {e}"));
    let (stdout, stderr) = common::text(&out);
    assert!(out.status.success(), "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}", out.status);
    out
}

/// `editors/vscode`, after checking that `npm ci` has been run there.
fn vscode_dir() -> PathBuf {
    let dir = common::root().join("editors/vscode");
    for package in ["vscode-textmate", "vscode-oniguruma", "@vscode/vsce", "vscode-languageclient"] {
        assert!(
            dir.join("node_modules").join(package).join("package.json").is_file(),
            "editors/vscode/node_modules/{package} is missing: run `npm ci` in editors/vscode \
             (scripts/test.sh does)"
        );
    }
    dir
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("editors").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn vscode_grammar_scopes_and_keywords() {
    let dir = vscode_dir();
    let mut cmd = Command::new("node");
    cmd.arg("test/grammar.test.js").current_dir(&dir);
    let out = run(cmd, "node editors/vscode/test/grammar.test.js", "is node installed?");
    let (stdout, _) = common::text(&out);
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), 3, "{stdout}");
}

#[test]
fn vscode_extension_packages_into_a_vsix() {
    let dir = vscode_dir();
    let out_dir = scratch("vsix");
    let vsix = out_dir.join("scn.vsix");
    let mut cmd = Command::new("npx");
    cmd.args(["--no-install", "@vscode/vsce", "package", "--allow-missing-repository", "--out"])
        .arg(&vsix)
        .current_dir(&dir);
    run(cmd, "npx --no-install @vscode/vsce package", "is npm installed and `npm ci` run?");
    let bytes = std::fs::read(&vsix).unwrap_or_else(|e| panic!("no {}: {e}", vsix.display()));
    // A .vsix is a zip archive holding the manifest, the grammar and the client.
    assert!(bytes.starts_with(b"PK"), "{} is not a zip archive", vsix.display());
    let names = String::from_utf8_lossy(&bytes);
    for entry in [
        "extension/package.json",
        "extension/syntaxes/scn.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/src/extension.js",
        "extension/node_modules/vscode-languageclient/",
    ] {
        assert!(names.contains(entry), "{entry} is not in the .vsix");
    }
    assert!(!names.contains("extension/node_modules/vscode-textmate/"), "test-only packages went into the .vsix");
}

#[test]
fn neovim_shows_diagnostics_from_scn_lsp() {
    let root = common::root();
    let home = scratch("nvim-home");
    let mut cmd = Command::new("nvim");
    cmd.args(["--headless", "-n", "-i", "NONE", "-u", "editors/nvim/test/init.lua"])
        .arg("editors/nvim/test/fixtures/unit_error.scn")
        .current_dir(&root)
        .env("SCN_BIN", env!("CARGO_BIN_EXE_scn"))
        .env("SCN_EXPECT_CODE", "E0201")
        // Keep the user's configuration, state and the server's std cache out of the test.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"));
    let out = run(cmd, "nvim --headless -u editors/nvim/test/init.lua", "is neovim installed?");
    let (stdout, _) = common::text(&out);
    assert!(stdout.contains("ok   nvim:"), "{stdout}");
    assert!(stdout.contains("dimension mismatch"), "{stdout}");
    // The hover Neovim received for `tau` in the ODE: its type and doc comment.
    let hover = stdout.lines().find(|l| l.starts_with("hover: ")).unwrap_or_else(|| panic!("no hover: {stdout}"));
    assert!(hover.contains("tau: time (s)") && hover.contains("Membrane time constant."), "{hover}");
    // After the injected edit, the one diagnostic is on the parameter's line.
    let injected: Vec<&str> = stdout.lines().filter(|l| l.starts_with("injected: ")).collect();
    assert_eq!(injected.len(), 1, "{stdout}");
    assert!(injected[0].starts_with("injected: E0201 at 6:"), "{}", injected[0]);
}
