//! The database: the salsa storage, the API the language server and the REPL call, and a log
//! of executed queries for tests.

use crate::check::{check_file, item_diagnostics};
use crate::inputs::{File, ItemKey, Workspace};
use crate::items::{item_index, item_text, parse, sibling_imports};
use salsa::plumbing::FromId;
use salsa::{Database as _, DatabaseKeyIndex, EventKind, Setter, Storage};
use scn_diagnostics::Diagnostic;
use scn_grammar::Parsed;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Queries whose key is an [`ItemKey`], so that a logged execution can name the item.
const ITEM_QUERIES: &[&str] = &["check_item", "item_text", "mentions", "closure", "sub_parent"];

/// Queries whose key is a [`File`].
const FILE_QUERIES: &[&str] = &[
    "parse",
    "item_index",
    "item_layout",
    "import_texts",
    "item_order",
    "item_names",
    "sub_parents",
    "sibling_imports",
    "import_diagnostics",
    "check_file",
];

/// The incremental compiler database. Cheap to clone: clones share the storage and serve as
/// snapshots for other threads (drop them before the next edit).
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: Storage<Self>,
    /// Keys of executed queries, while logging is on.
    log: Arc<Mutex<Option<Vec<DatabaseKeyIndex>>>>,
}

#[salsa::db]
impl salsa::Database for Database {}

impl Default for Database {
    fn default() -> Self {
        let log: Arc<Mutex<Option<Vec<DatabaseKeyIndex>>>> = Arc::default();
        let sink = log.clone();
        let storage = Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let EventKind::WillExecute { database_key } = event.kind
                && let Some(keys) = sink.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
            {
                keys.push(database_key);
            }
        })));
        let db = Database { storage, log };
        Workspace::new(&db, BTreeMap::new());
        db
    }
}

/// One execution of a query, as logged by [`Database::take_executions`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// The query's name, such as `check_item`.
    pub query: String,
    /// The item's key for per-item queries, the file's path for per-file queries, else the
    /// salsa id.
    pub key: String,
}

impl Database {
    /// Sets the text of the file at `path`, adding the file if it is new. Sibling files it
    /// imports that the database does not have yet are read from disk (once; after that, only
    /// `set_file` changes them). Returns the file's handle.
    pub fn set_file(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> File {
        let (path, text) = (path.into(), text.into());
        let file = match self.file(&path) {
            Some(file) => {
                if *file.text(self) != text {
                    file.set_text(self).to(text);
                }
                file
            }
            None => {
                let file = File::new(self, path.clone(), text);
                let ws = Workspace::get(self);
                let mut files = ws.files(self).clone();
                files.insert(path, file);
                ws.set_files(self).to(files);
                file
            }
        };
        self.load_siblings(file);
        file
    }

    /// Reads the file at `path` from disk into the database (see [`Database::set_file`]).
    pub fn load_file(&mut self, path: impl Into<PathBuf>) -> std::io::Result<File> {
        let path = path.into();
        let text = std::fs::read_to_string(&path)?;
        Ok(self.set_file(path, text))
    }

    /// Reads the sibling files `file` imports, transitively, that the database does not have.
    /// A sibling that cannot be read stays missing, and the import is reported.
    fn load_siblings(&mut self, file: File) {
        let mut todo = sibling_imports(self, file).clone();
        while let Some(path) = todo.pop() {
            if self.file(&path).is_some() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let ws = Workspace::get(self);
            let mut files = ws.files(self).clone();
            let sibling = File::new(self, path.clone(), text);
            files.insert(path, sibling);
            ws.set_files(self).to(files);
            todo.extend(sibling_imports(self, sibling).iter().cloned());
        }
    }

    /// The file at `path`, if the database has it.
    pub fn file(&self, path: &Path) -> Option<File> {
        Workspace::get(self).files(self).get(path).copied()
    }

    /// The file's syntax tree and syntax diagnostics.
    pub fn parse(&self, path: &Path) -> Option<&Parsed> {
        self.file(path).map(|f| parse(self, f))
    }

    /// Every diagnostic about the file at `path`, sorted by position (empty for an unknown
    /// path): the same as `scn_sema::check_source` reports for it.
    pub fn check_file(&self, path: &Path) -> Vec<Diagnostic> {
        self.file(path).map(|f| check_file(self, f).clone()).unwrap_or_default()
    }

    /// The keys of the file's items in file order: their names, with `#2`, `#3`, … appended
    /// to the second and later items of a name defined more than once.
    pub fn item_keys(&self, path: &Path) -> Vec<String> {
        self.file(path).map(|f| item_index(self, f).keys.clone()).unwrap_or_default()
    }

    /// The text of one item, doc comment included.
    pub fn item_text(&self, path: &Path, key: &str) -> Option<String> {
        let file = self.file(path)?;
        item_text(self, ItemKey::new(self, file, key.to_string())).clone()
    }

    /// The diagnostics of one item, with absolute spans. Semantic only: syntax and import
    /// diagnostics, and names defined twice, come with [`Database::check_file`].
    pub fn check_item(&self, path: &Path, key: &str) -> Vec<Diagnostic> {
        let Some(file) = self.file(path) else { return Vec::new() };
        item_diagnostics(self, ItemKey::new(self, file, key.to_string()))
    }

    /// Starts logging query executions (and clears the log).
    pub fn start_logging(&self) {
        *self.log.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    }

    /// The queries executed since logging started or since the last call, in order.
    pub fn take_executions(&self) -> Vec<Execution> {
        let keys = self.log.lock().unwrap_or_else(|e| e.into_inner()).as_mut().map(std::mem::take).unwrap_or_default();
        keys.into_iter()
            .map(|k| {
                let query = self.ingredient_debug_name(k.ingredient_index()).into_owned();
                let id = k.key_index();
                let key = if ITEM_QUERIES.contains(&query.as_str()) {
                    ItemKey::from_id(id).name(self).clone()
                } else if FILE_QUERIES.contains(&query.as_str()) {
                    File::from_id(id).path(self).display().to_string()
                } else {
                    format!("{id:?}")
                };
                Execution { query, key }
            })
            .collect()
    }

    /// The items `check_item` ran for, sorted: what the incrementality tests look at.
    pub fn checked_items(executions: &[Execution]) -> Vec<String> {
        let mut items: Vec<String> =
            executions.iter().filter(|e| e.query == "check_item").map(|e| e.key.clone()).collect();
        items.sort();
        items
    }
}
