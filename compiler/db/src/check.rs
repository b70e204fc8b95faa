//! Checking: each item on its own (on a synthetic source made of the file's imports, the item
//! and the items it depends on), the imports on their own, and a whole file as the union.

use crate::inputs::{File, ItemKey, PathKey, file_at};
use crate::items::{closure, import_texts, item_index, item_layout, item_names, item_text, parse, plain_name};
use crate::synthetic::{Anchor, Anchored, Synthetic};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::Ident;
use scn_sema::SourceProvider;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Sibling files as the checker reads them: from the database, so that reading one is a
/// tracked dependency. A file that was never given to the database is missing.
struct DbFiles<'a> {
    db: &'a dyn salsa::Database,
}

impl SourceProvider for DbFiles<'_> {
    fn read(&self, path: &Path) -> Result<String, String> {
        match file_at(self.db, PathKey::new(self.db, path.to_path_buf())) {
            Some(file) => Ok(file.text(self.db).clone()),
            None => Err(format!("`{}` is not loaded", path.display())),
        }
    }
}

/// Runs the checker on a synthetic source standing in for `file` (same name, same directory),
/// and returns the diagnostics about it (not about the modules it imports).
fn run(db: &dyn salsa::Database, file: File, source: &Synthetic) -> Vec<Diagnostic> {
    let path = file.path(db);
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let analysis = scn_sema::check_source(&name, source.text.clone(), path.parent(), &DbFiles { db });
    analysis.diagnostics.into_iter().filter(|(m, _)| *m == 0).map(|(_, d)| d).collect()
}

/// The diagnostics of one item, with spans relative to the item's start (and, for labels that
/// point elsewhere, to the item or import they point into). Depends only on texts: the item's,
/// those of the items in its [`closure`], and the imports'. Moving the item leaves it valid.
///
/// The check runs `scn_sema::check_source` on the file's imports followed by the closure in file
/// order (file order matters: constant cycles are reported where the checker first meets them),
/// and keeps what falls inside the item. Two things the closure cannot see are handled here:
/// names defined twice are left to [`check_file`], and when a name is not found ("cannot
/// find …") the check runs again with a stub `const NAME = 0` for every other name of the file,
/// so that "did you mean" help and candidate lists see every name (the item then also depends
/// on [`item_names`]).
#[salsa::tracked]
pub fn check_item<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Vec<Anchored> {
    let file = key.file(db);
    let root = key.name(db);
    if item_text(db, key).is_none() {
        return Vec::new();
    }
    let keys = closure(db, key);
    let mut source = Synthetic::default();
    for (k, text) in import_texts(db, file).iter().enumerate() {
        source.push(Anchor::Import(k), text);
    }
    for k in keys {
        let text = item_text(db, ItemKey::new(db, file, k.clone()));
        source.push(Anchor::Item(k.clone()), text.as_deref().unwrap_or_default());
    }
    let mine = Anchor::Item(root.clone());
    let twice = format!("`{}` is defined twice", plain_name(root));
    let keep = |source: &Synthetic| -> Vec<Anchored> {
        run(db, file, source)
            .iter()
            .filter(|d| !(d.code == "E0102" && d.message == twice))
            .filter_map(|d| source.anchor(d, |a| *a == mine))
            .collect()
    };
    let found = keep(&source);
    if !found.iter().any(|a| a.diagnostic.message.starts_with("cannot find")) {
        return found;
    }
    let present: HashSet<&str> = keys.iter().map(|k| plain_name(k)).collect();
    for name in item_names(db, file).iter().filter(|n| !present.contains(n.as_str())) {
        source.push(Anchor::Absolute, &format!("const {name} = 0"));
    }
    keep(&source)
}

/// Diagnostics about the file's imports (unknown modules, unknown imported names), relative to
/// each import. Runs the checker on the imports alone.
#[salsa::tracked]
pub fn import_diagnostics(db: &dyn salsa::Database, file: File) -> Vec<Anchored> {
    let mut source = Synthetic::default();
    for (k, text) in import_texts(db, file).iter().enumerate() {
        source.push(Anchor::Import(k), text);
    }
    if source.text.is_empty() {
        return Vec::new();
    }
    run(db, file, &source).iter().filter_map(|d| source.anchor(d, |a| matches!(a, Anchor::Import(_)))).collect()
}

/// Resolves anchored diagnostics of `file` to absolute spans.
fn resolve(db: &dyn salsa::Database, file: File, anchored: &[Anchored]) -> Vec<Diagnostic> {
    let layout = item_layout(db, file);
    let start_of = |a: &Anchor| match a {
        Anchor::Item(k) => layout.starts.get(k).copied(),
        Anchor::Import(i) => layout.imports.get(*i).copied(),
        Anchor::Absolute => Some(0),
    };
    anchored.iter().map(|a| a.resolve(start_of)).collect()
}

/// The diagnostics of one item with absolute spans: [`check_item`] placed at the item's current
/// position. Cheap; re-runs when items move, while `check_item` does not.
pub fn item_diagnostics<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Vec<Diagnostic> {
    resolve(db, key.file(db), check_item(db, key))
}

/// Names defined twice (E0102), worded as the checker words them.
fn defined_twice(db: &dyn salsa::Database, file: File) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, Span> = HashMap::new();
    let mut out = Vec::new();
    for item in &parse(db, file).file.items {
        let Some(Ident { name, span }) = scn_sema::scope::item_name(item) else { continue };
        match first.get(name.as_str()) {
            Some(prev) => out.push(
                Diagnostic::error("E0102", format!("`{name}` is defined twice"), *span, "defined again here")
                    .with_label(*prev, "first defined here")
                    .with_help("rename one of them; names are unique per module"),
            ),
            None => {
                first.insert(name, *span);
            }
        }
    }
    out
}

/// Every diagnostic about a file, sorted by position: what `scn_sema::check_source` reports
/// for it. Syntax diagnostics, import diagnostics, names defined twice, then (when the file
/// has no syntax error) every item's [`check_item`].
#[salsa::tracked]
pub fn check_file(db: &dyn salsa::Database, file: File) -> Vec<Diagnostic> {
    let parsed = parse(db, file);
    // Ties at one position keep the checker's order: loading, syntax, scopes, items.
    let (load, scopes): (Vec<Diagnostic>, Vec<Diagnostic>) =
        resolve(db, file, import_diagnostics(db, file)).into_iter().partition(|d| d.code == "E0103");
    let mut out = load;
    out.extend(parsed.diagnostics.iter().cloned());
    out.extend(defined_twice(db, file));
    out.extend(scopes);
    if !parsed.has_errors() {
        for key in &item_index(db, file).keys {
            out.extend(item_diagnostics(db, ItemKey::new(db, file, key.clone())));
        }
    }
    out.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    out.dedup();
    out
}
