//! `scn repl`: an interactive session for experiments.
//!
//! Expressions are checked with the session's declarations and evaluated with their units
//! ([`eval`]), stochastic-computing expressions are run for one frame by the interpreter
//! ([`stream_eval`]), declarations persist in the [`session::Session`], and `:` commands
//! ([`commands`]) run, plot, load, save and verify. The line editor ([`editor`]) is rustyline
//! with SCN highlighting, completion, hints and multi-line input; history persists
//! ([`history`]).
//!
//! [`session::Session::execute`] is the whole behaviour without a terminal, so that tests drive
//! it directly; [`interactive`] wraps it in the line editor.

pub mod candidate;
pub mod commands;
pub mod editor;
pub mod eval;
pub mod history;
pub mod input;
pub mod interrupt;
pub mod interval;
pub mod names;
pub mod numeric;
pub mod quantity;
pub mod session;
pub mod simulate;
pub mod stream_eval;
pub mod verify;

pub use session::{Flow, Session};
pub use simulate::Plotter;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How the interactive session is set up.
pub struct Options {
    /// The history file (`None`: no history is kept).
    pub history: Option<PathBuf>,
    /// Colour diagnostics and highlight input.
    pub color: bool,
    /// Draws `:plot`.
    pub plotter: Option<Plotter>,
}

/// The prompt.
pub const PROMPT: &str = "scn> ";

/// Runs the session on the terminal until `:quit` or end of input. Returns the exit status.
pub fn interactive(options: Options) -> io::Result<i32> {
    let config = Config::builder()
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .max_history_size(5000)
        .map_err(io::Error::other)?
        .build();
    let mut editor: Editor<editor::ScnHelper, DefaultHistory> =
        Editor::with_config(config).map_err(io::Error::other)?;
    editor.set_helper(Some(editor::ScnHelper::new(options.color)));
    if let Some(path) = &options.history {
        // A missing history file is the normal first run.
        let _ = editor.load_history(path);
    }
    let dir = std::env::current_dir()?;
    let mut session = Session::new(dir).with_color(options.color);
    if let Some(p) = options.plotter {
        session = session.with_plotter(p);
    }
    interrupt::install();
    let mut out = io::stdout();
    writeln!(out, "SCN {} — type :help for commands, :quit to leave", env!("CARGO_PKG_VERSION"))?;
    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(io::Error::other(e)),
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
            if let Some(path) = &options.history {
                save_history(&mut editor, path, &mut out)?;
            }
        }
        let flow = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| session.execute(&line, &mut out)));
        out.flush()?;
        match flow {
            Ok(Ok(Flow::Quit)) => break,
            Ok(Ok(Flow::Continue)) => {}
            Ok(Err(e)) => writeln!(out, "error: {e}")?,
            Err(_) => writeln!(out, "internal error: this input crashed the compiler; the session is unchanged")?,
        }
        if let Some(h) = editor.helper_mut() {
            h.names = session.names();
        }
    }
    Ok(0)
}

/// Writes the history, creating its directory; a failure is reported once per input, not fatal.
fn save_history(
    editor: &mut Editor<editor::ScnHelper, DefaultHistory>,
    path: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(parent);
    }
    if let Err(e) = editor.save_history(path) {
        writeln!(out, "warning: cannot save the history to `{}`: {e}", path.display())?;
    }
    Ok(())
}
