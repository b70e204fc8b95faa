//! Parsing a file and splitting it into items: the text of every item (doc comment included),
//! where each item starts, and which items an item's text mentions.
//!
//! Texts and positions are separate queries on purpose: an edit that only moves items (a
//! comment added at the top of the file) changes [`item_layout`] but not [`item_index`], so
//! nothing that depends on texts alone re-runs.

use crate::inputs::{File, ItemKey};
use scn_grammar::Parsed;
use scn_grammar::ast::{Item, ItemKind, MemberKind};
use scn_grammar::lexer::{CommentKind, Tok, lex};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;

/// The syntax tree and syntax diagnostics of a file. Every edit changes it (spans move), so it is
/// not compared: its readers are small queries whose own results are compared.
#[salsa::tracked(no_eq)]
pub fn parse(db: &dyn salsa::Database, file: File) -> Parsed {
    scn_grammar::parse(file.text(db))
}

/// The texts of a file's items, independent of where they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemIndex {
    /// Item keys in file order (see [`ItemKey`]).
    pub keys: Vec<String>,
    /// Each item's text, from its doc comment to its last token, by key.
    pub texts: HashMap<String, String>,
    /// The text of each import, in file order.
    pub imports: Vec<String>,
}

/// Where a file's items are: the only position-dependent part of the split.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemLayout {
    /// Byte offset of each item's text (its doc comment, or its first keyword), by key.
    pub starts: HashMap<String, usize>,
    /// Byte offset of each import, in file order.
    pub imports: Vec<usize>,
}

/// What an item of the file is, for the split.
enum Extent {
    /// A named item with its key.
    Named(String, Range<usize>),
    /// An import.
    Import(Range<usize>),
}

/// Every item of the file with its key; `None` for imports and items that did not parse.
fn keyed(parsed: &Parsed) -> Vec<(Option<String>, &Item)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(parsed.file.items.len());
    for item in &parsed.file.items {
        let key = scn_sema::scope::item_name(item).map(|name| {
            let count = seen.entry(name.name.as_str()).or_default();
            *count += 1;
            if *count == 1 { name.name.clone() } else { format!("{}#{count}", name.name) }
        });
        out.push((key, item));
    }
    out
}

/// The key and byte range of every named item, and the byte range of every import.
fn extents(parsed: &Parsed, src: &str) -> Vec<Extent> {
    keyed(parsed)
        .into_iter()
        .filter_map(|(key, item)| {
            let range = item_start(parsed, src, item)..item.span.end;
            match (key, &item.kind) {
                (Some(key), _) => Some(Extent::Named(key, range)),
                (None, ItemKind::Import(_)) => Some(Extent::Import(range)),
                (None, _) => None,
            }
        })
        .collect()
}

/// Where an item's text starts: at the run of `///` lines right before it (the comments the
/// parser attaches as its doc), else at its first keyword.
fn item_start(parsed: &Parsed, src: &str, item: &Item) -> usize {
    let mut start = item.span.start;
    let mut k = parsed.comments.partition_point(|c| c.span.end <= start);
    while k > 0 {
        let c = &parsed.comments[k - 1];
        if c.kind != CommentKind::Doc || !src[c.span.end..start].trim().is_empty() {
            break;
        }
        start = c.span.start;
        k -= 1;
    }
    start
}

/// The name part of a key (`N#2` is the second item called `N`).
pub fn plain_name(key: &str) -> &str {
    key.split_once('#').map_or(key, |(name, _)| name)
}

/// The texts of a file's items and imports. Re-runs on every edit of the file; its result
/// changes only when some item's text (or the set or order of items) does.
#[salsa::tracked]
pub fn item_index(db: &dyn salsa::Database, file: File) -> ItemIndex {
    let src = file.text(db);
    let mut index = ItemIndex::default();
    for extent in extents(parse(db, file), src) {
        match extent {
            Extent::Import(range) => index.imports.push(src[range].to_string()),
            Extent::Named(key, range) => {
                index.keys.push(key.clone());
                index.texts.insert(key, src[range].to_string());
            }
        }
    }
    index
}

/// Where a file's items and imports start. Changes with every edit that moves them.
#[salsa::tracked]
pub fn item_layout(db: &dyn salsa::Database, file: File) -> ItemLayout {
    let mut layout = ItemLayout::default();
    for extent in extents(parse(db, file), file.text(db)) {
        match extent {
            Extent::Import(range) => layout.imports.push(range.start),
            Extent::Named(key, range) => {
                layout.starts.insert(key, range.start);
            }
        }
    }
    layout
}

/// The text of one item (doc comment included), or `None` if the file defines no item of that
/// key. Every dependency lookup goes through this query, so a lookup is re-validated cheaply
/// and keeps its old result (is backdated) when other items change.
#[salsa::tracked]
pub fn item_text<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Option<String> {
    item_index(db, key.file(db)).texts.get(key.name(db)).cloned()
}

/// The texts of the file's imports, in file order.
#[salsa::tracked]
pub fn import_texts(db: &dyn salsa::Database, file: File) -> Vec<String> {
    item_index(db, file).imports.clone()
}

/// Each item's position in file order, by key. Changes only when items are added, removed or
/// reordered.
#[salsa::tracked]
pub fn item_order(db: &dyn salsa::Database, file: File) -> HashMap<String, usize> {
    item_index(db, file).keys.iter().enumerate().map(|(i, k)| (k.clone(), i)).collect()
}

/// The distinct names the file defines, sorted. Changes only when a name is added, removed or
/// renamed.
#[salsa::tracked]
pub fn item_names(db: &dyn salsa::Database, file: File) -> Vec<String> {
    let mut names: Vec<String> = item_index(db, file).keys.iter().map(|k| plain_name(k).to_string()).collect();
    names.sort();
    names.dedup();
    names
}

/// The distinct identifiers an item's text mentions, sorted: the candidates for the items it
/// depends on. Found with the lexer, so it costs no parse.
#[salsa::tracked]
pub fn mentions<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Vec<String> {
    let Some(text) = item_text(db, key) else { return Vec::new() };
    let mut names: Vec<String> = lex(text)
        .tokens
        .iter()
        .filter_map(|t| match t.tok {
            Tok::Ident(name) => Some(name.to_string()),
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// For each network name, the first network of the file that instantiates it with `sub`. The
/// checker treats a network instantiated that way differently (it takes its parent's `dt`),
/// so a network's check depends on its first parent: a reverse dependency.
#[salsa::tracked]
pub fn sub_parents(db: &dyn salsa::Database, file: File) -> BTreeMap<String, String> {
    let mut parents = BTreeMap::new();
    for (key, item) in keyed(parse(db, file)) {
        let (Some(key), ItemKind::Network(net)) = (key, &item.kind) else { continue };
        for m in &net.body.members {
            if let MemberKind::Sub { model, .. } = &m.kind
                && let Some(last) = model.last()
            {
                parents.entry(last.name.clone()).or_insert_with(|| key.clone());
            }
        }
    }
    parents
}

/// The first network that instantiates this item with `sub`, if any.
#[salsa::tracked]
pub fn sub_parent<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Option<String> {
    sub_parents(db, key.file(db)).get(plain_name(key.name(db))).cloned()
}

/// The keys of the items an item's check needs, in file order, the item itself included: every
/// item its text names, transitively, plus the network that instantiates it with `sub`.
#[salsa::tracked]
pub fn closure<'db>(db: &'db dyn salsa::Database, key: ItemKey<'db>) -> Vec<String> {
    let file = key.file(db);
    if item_text(db, key).is_none() {
        return Vec::new();
    }
    let root = key.name(db).clone();
    let mut seen: HashSet<String> = HashSet::from([root.clone()]);
    let mut queue = vec![root];
    if let Some(parent) = sub_parent(db, key)
        && seen.insert(parent.clone())
    {
        queue.push(parent.clone());
    }
    while let Some(next) = queue.pop() {
        for name in mentions(db, ItemKey::new(db, file, next)) {
            if !seen.contains(name) && item_text(db, ItemKey::new(db, file, name.clone())).is_some() {
                seen.insert(name.clone());
                queue.push(name.clone());
            }
        }
    }
    let order = item_order(db, file);
    let mut keys: Vec<String> = seen.into_iter().collect();
    keys.sort_by_key(|k| order.get(k).copied().unwrap_or(usize::MAX));
    keys
}

/// The sibling files the file imports (`import a.b` is `a/b.scn` beside it), as the checker
/// will ask for them.
#[salsa::tracked]
pub fn sibling_imports(db: &dyn salsa::Database, file: File) -> Vec<PathBuf> {
    let base = file.path(db).parent().map(std::path::Path::to_path_buf);
    parse(db, file)
        .file
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Import(imp) if imp.path.first().is_some_and(|p| p.name != "std") => {
                let rel: PathBuf = imp.path.iter().map(|p| p.name.as_str()).collect::<PathBuf>().with_extension("scn");
                Some(base.as_ref().map_or(rel.clone(), |b| b.join(&rel)))
            }
            _ => None,
        })
        .collect()
}
