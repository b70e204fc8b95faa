//! The database's inputs (source files and the workspace that maps paths to them) and the
//! interned keys that name an item of a file.

// The salsa macros generate constructors, getters and setters without doc comments; every
// item written here is documented.
#![allow(missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One source file: its path and its current text (the editor's buffer or the file on disk).
#[salsa::input(debug)]
pub struct File {
    /// Where the file lives; relative imports resolve beside it.
    #[returns(ref)]
    pub path: PathBuf,
    /// Its current text.
    #[returns(ref)]
    pub text: String,
}

/// Every file the database knows, by path: what sibling imports resolve to.
#[salsa::input(singleton)]
pub struct Workspace {
    /// Files by path, exactly as they were given to [`crate::Database::set_file`].
    #[returns(ref)]
    pub files: BTreeMap<PathBuf, File>,
}

/// An item of a file, named by its key: the item's name, or `name#2`, `name#3`, … for the
/// second and later items of a name that is defined more than once.
#[salsa::interned(debug)]
pub struct ItemKey<'db> {
    /// The file.
    #[returns(copy)]
    pub file: File,
    /// The item's key.
    #[returns(ref)]
    pub name: String,
}

/// A path, interned so that a query can take it as an argument.
#[salsa::interned(debug)]
pub struct PathKey<'db> {
    /// The path.
    #[returns(ref)]
    pub path: PathBuf,
}

/// The file registered at `path`, if any. Re-runs whenever a file is added, but its result only
/// changes when `path` itself is added or replaced, so queries that read a sibling through it
/// do not re-run.
#[salsa::tracked]
pub fn file_at<'db>(db: &'db dyn salsa::Database, path: PathKey<'db>) -> Option<File> {
    Workspace::try_get(db).and_then(|ws| ws.files(db).get(path.path(db)).copied())
}
