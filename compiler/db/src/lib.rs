//! The SCN incremental compiler database, on salsa.
//!
//! Source files are inputs ([`Database::set_file`]); parsing, splitting a file into items and
//! checking each item are tracked queries, so the language server and the REPL share the work
//! and an edit re-runs only what it touches. Checking an item runs the semantic checker on a
//! small source made of the file's imports, the item and the items it names (transitively),
//! and keeps the diagnostics inside the item with spans relative to it: editing one neuron
//! re-checks that neuron and the items that use it, and a comment added at the top of the file
//! re-checks nothing (the spans move, the results do not).
//!
//! ```
//! let mut db = scn_db::Database::default();
//! db.set_file("a.scn", "neuron A {\n    param x = 1\n}\n");
//! assert!(db.check_file(std::path::Path::new("a.scn")).is_empty());
//! ```

mod check;
mod database;
mod inputs;
mod items;
mod synthetic;

pub use check::{check_file, check_item, import_diagnostics, item_diagnostics};
pub use database::{Database, Execution};
pub use inputs::{File, ItemKey, PathKey, Workspace, file_at};
pub use items::{
    ItemIndex, ItemLayout, closure, import_texts, item_index, item_layout, item_names, item_order, item_text, mentions,
    parse, plain_name, sibling_imports, sub_parent, sub_parents,
};
pub use synthetic::{Anchor, Anchored};
