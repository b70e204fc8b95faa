//! Where the history of inputs is kept between sessions.

use std::path::PathBuf;

/// The variable that names the history file (tests point it at a temporary file).
pub const HISTORY_VAR: &str = "SCN_REPL_HISTORY";

/// The history file: `$SCN_REPL_HISTORY`, else `$XDG_STATE_HOME/scn/history`, else
/// `~/.local/state/scn/history`; `None` when none of these is set.
pub fn history_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = var(HISTORY_VAR) {
        return Some(p);
    }
    if let Some(state) = var("XDG_STATE_HOME") {
        return Some(state.join("scn").join("history"));
    }
    var("HOME").map(|home| home.join(".local").join("state").join("scn").join("history"))
}
