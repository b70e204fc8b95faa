//! Hover and go-to-definition, read from the checker's side tables
//! ([`scn_sema::Analysis::type_at`] and [`scn_sema::Analysis::definition_of`]).

use crate::position::LineIndex;
use scn_diagnostics::Span;
use scn_grammar::ast::{self, Member, MemberKind};
use scn_sema::modules::Origin;
use scn_sema::ty::Ty;
use scn_sema::{Analysis, ModuleId, SourceProvider};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{Location, Range, Uri};

/// Reads imported files from the editor's open buffers first, then from disk.
pub struct Overlay<'a> {
    /// Open buffers by path.
    pub open: &'a HashMap<PathBuf, String>,
}

impl SourceProvider for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<String, String> {
        match self.open.get(path) {
            Some(text) => Ok(text.clone()),
            None => scn_sema::Disk.read(path),
        }
    }
}

/// Checks the file at `path` with text `text` (the root module, id 0).
pub fn analyse(path: &Path, text: &str, files: &dyn SourceProvider) -> Analysis {
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    scn_sema::check_source(&name, text.to_string(), path.parent(), files)
}

/// The smallest span among `spans` that contains `offset` (the character after the cursor; a
/// cursor just past the end of a name also counts).
fn smallest<'a>(spans: impl Iterator<Item = &'a Span>, offset: usize) -> Option<Span> {
    let inside = |s: &Span, o: usize| s.start <= o && o < s.end;
    let spans: Vec<Span> = spans.copied().collect();
    let pick = |o: usize| spans.iter().filter(|s| inside(s, o)).min_by_key(|s| (s.len(), s.start)).copied();
    pick(offset).or_else(|| offset.checked_sub(1).and_then(pick))
}

/// A declaration found by its name's span.
pub struct Declared<'a> {
    /// Its name.
    pub name: &'a str,
    /// What it is (`param`, `neuron`, …).
    pub keyword: &'static str,
    /// Its doc comment.
    pub doc: Option<&'a str>,
}

/// The name a member declares, with its keyword.
pub fn member_name(kind: &MemberKind) -> Option<(&ast::Ident, &'static str)> {
    Some(match kind {
        MemberKind::Decl(d) => (&d.name, d.kind.keyword()),
        MemberKind::Let { name, .. } => (name, "let"),
        MemberKind::Const(c) => (&c.name, "const"),
        MemberKind::Fn(f) => (&f.name, "fn"),
        MemberKind::Rng { name, .. } => (name, "rng"),
        MemberKind::Compartment { name, .. } => (name, "compartment"),
        MemberKind::Preset { name, .. } => (name, "preset"),
        MemberKind::Gate { name, .. } => (name, "gate"),
        MemberKind::Pop { name, .. } => (name, "pop"),
        MemberKind::Connect { name: Some(name), .. } => (name, "connect"),
        MemberKind::Stimulus { name: Some(name), .. } => (name, "stimulus"),
        MemberKind::Stream { name, .. } => (name, "stream"),
        MemberKind::Sub { name, .. } => (name, "sub"),
        _ => return None,
    })
}

/// The name an item declares, with its keyword.
pub fn item_name(item: &ast::Item) -> Option<(&ast::Ident, &'static str)> {
    Some(match &item.kind {
        ast::ItemKind::Const(c) => (&c.name, "const"),
        ast::ItemKind::Fn(f) => (&f.name, "fn"),
        ast::ItemKind::Model(m) => (&m.name, m.kind.keyword()),
        ast::ItemKind::Network(n) => (&n.name, "network"),
        ast::ItemKind::Property(p) => (&p.name, "property"),
        _ => return None,
    })
}

/// The members of an item, if it has a body.
pub fn item_members(item: &ast::Item) -> &[Member] {
    match &item.kind {
        ast::ItemKind::Model(m) => &m.body.members,
        ast::ItemKind::Network(n) => &n.body.members,
        ast::ItemKind::Property(p) => &p.body.members,
        _ => &[],
    }
}

fn find_in_members<'a>(members: &'a [Member], hit: &dyn Fn(Span) -> bool) -> Option<Declared<'a>> {
    for m in members {
        if let Some((name, keyword)) = member_name(&m.kind)
            && hit(name.span)
        {
            return Some(Declared { name: &name.name, keyword, doc: m.doc.as_deref() });
        }
        if let MemberKind::Compartment { body, .. } = &m.kind
            && let Some(found) = find_in_members(&body.members, hit)
        {
            return Some(found);
        }
    }
    None
}

/// The item or member whose name satisfies `hit`.
pub fn find_declaration<'a>(file: &'a ast::File, hit: &dyn Fn(Span) -> bool) -> Option<Declared<'a>> {
    for item in &file.items {
        if let Some((name, keyword)) = item_name(item)
            && hit(name.span)
        {
            return Some(Declared { name: &name.name, keyword, doc: item.doc.as_deref() });
        }
        if let Some(found) = find_in_members(item_members(item), hit) {
            return Some(found);
        }
    }
    None
}

/// Describes a type for a hover: its name and, for quantities, the SI dimension.
pub fn describe_type(ty: &Ty) -> String {
    match ty {
        Ty::Real(d) => {
            let name = scn_units::describe(*d);
            let si = d.si_string();
            if si.is_empty() || si == name { name } else { format!("{name} ({si})") }
        }
        t => t.to_string(),
    }
}

/// Hover text (Markdown) and the span it is about, for the byte `offset` of module 0.
pub fn hover(analysis: &Analysis, offset: usize) -> Option<(Span, String)> {
    let root = analysis.program.modules.first()?;
    let text = &root.source.text;
    let types = analysis.tables.types.keys().filter(|(m, _)| *m == 0).map(|(_, s)| s);
    let typed = smallest(types, offset);
    let refs = analysis.tables.references.keys().filter(|(m, _)| *m == 0).map(|(_, s)| s);
    let reference = smallest(refs, offset);
    let mut parts = Vec::new();
    let mut span = None;
    if let Some(s) = typed
        && let Some(ty) = analysis.type_at(0, s)
        && !ty.is_error()
    {
        let source = text.get(s.start..s.end).unwrap_or("");
        let shown = if source.len() <= 40 && !source.contains('\n') { source } else { "(expression)" };
        parts.push(format!("```scn\n{shown}: {}\n```", describe_type(ty)));
        parts.extend(crate::facts::stream_facts(ty));
        span = Some(s);
    }
    let resolved = reference
        .and_then(|r| analysis.definition_of(0, r).map(|d| (r, d)))
        .or_else(|| resolve_item_name(analysis, offset));
    let mut provenance = None;
    let mut fixed = None;
    let declared = match resolved {
        Some((r, (m, target))) => {
            span = Some(span.map_or(r, |s: Span| if r.len() < s.len() { r } else { s }));
            let module = analysis.program.modules.get(m)?;
            let file = &module.parsed.file;
            let found = find_declaration(file, &|s| s == target);
            if m == 0 {
                fixed = crate::facts::fixed_point_facts(analysis, target);
            }
            if let Origin::Std(dotted) = &module.origin
                && file.items.iter().any(|i| item_name(i).is_some_and(|(n, _)| n.span == target))
            {
                provenance = Some(stdlib_provenance(dotted, &module.source.text));
            }
            found
        }
        None => {
            // The cursor may be on a declaration's own name.
            let file = &root.parsed.file;
            let found = find_declaration(file, &|s| s.start <= offset && offset <= s.end);
            if let Some((name, _)) = found.as_ref().and(word_at(&root.source.text, offset)) {
                fixed = crate::facts::fixed_point_facts(analysis, name);
            }
            if found.is_some() && span.is_none() {
                span = Some(Span::point(offset));
            }
            found
        }
    };
    if let Some(d) = declared {
        if parts.is_empty() {
            parts.push(format!("```scn\n{} {}\n```", d.keyword, d.name));
        }
        if let Some(doc) = d.doc {
            parts.push(doc.trim().to_string());
        }
    }
    parts.extend(fixed);
    parts.extend(provenance);
    if parts.is_empty() {
        return None;
    }
    Some((span.unwrap_or(Span::point(offset)), parts.join("\n\n---\n\n")))
}

/// The provenance section of a hover over a standard-library item: its module path and the
/// module's header comment (the paper, year and DOI it follows).
pub fn stdlib_provenance(dotted: &str, source: &str) -> String {
    let header = scn_stdlib::header(source);
    if header.is_empty() {
        format!("*Provenance*: `std.{dotted}`")
    } else {
        format!("*Provenance* (`std.{dotted}`):\n\n{header}")
    }
}

/// The word (identifier) around byte `offset` of `text`, with its span.
pub fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset].trim_end_matches(is_word).len();
    let end = offset + text[offset..].len() - text[offset..].trim_start_matches(is_word).len();
    let word = &text[start..end];
    (!word.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit())).then_some((Span::new(start, end), word))
}

/// Resolves a top-level name written at `offset` of module 0 through the module's scope: what
/// the side tables do not record (model paths of `pop`, `via`, imported names).
pub fn resolve_item_name(analysis: &Analysis, offset: usize) -> Option<(Span, (ModuleId, Span))> {
    let root = analysis.program.modules.first()?;
    let (span, word) = word_at(&root.source.text, offset)?;
    let scope = analysis.scopes.first()?;
    let found = scope.defined.get(word).copied().or_else(|| scope.named.get(word).map(|(r, _)| *r)).or_else(|| {
        scope.globs.iter().find_map(|&g| analysis.scopes.get(g).and_then(|s| s.defined.get(word).copied()))
    })?;
    let item = analysis.program.modules.get(found.module)?.parsed.file.items.get(found.index)?;
    let (name, _) = item_name(item)?;
    Some((span, (found.module, name.span)))
}

/// Where a module's text can be opened: its own file, or for the standard library a copy
/// written below `std_dir`.
pub fn module_location(analysis: &Analysis, m: ModuleId, std_dir: &Path) -> Option<PathBuf> {
    let module = analysis.program.modules.get(m)?;
    match &module.origin {
        Origin::File(path) => Some(path.clone()),
        Origin::Std(dotted) => {
            let mut path = std_dir.to_path_buf();
            path.extend(dotted.split('.'));
            path.set_extension("scn");
            let text = &module.source.text;
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                std::fs::create_dir_all(path.parent()?).ok()?;
                std::fs::write(&path, text).ok()?;
            }
            Some(path)
        }
    }
}

/// The declaration the name at `offset` of module 0 resolves to. `root_uri` names module 0;
/// other modules are named by their file (see [`module_location`]).
pub fn definition(analysis: &Analysis, offset: usize, root_uri: &Uri, std_dir: &Path) -> Option<Location> {
    let refs = analysis.tables.references.keys().filter(|(m, _)| *m == 0).map(|(_, s)| s);
    let (m, target) = smallest(refs, offset)
        .and_then(|at| analysis.definition_of(0, at))
        .or_else(|| resolve_item_name(analysis, offset).map(|(_, d)| d))?;
    let module = analysis.program.modules.get(m)?;
    let range: Range = LineIndex::new(&module.source.text).range(target);
    let uri = if m == 0 {
        root_uri.clone()
    } else {
        let path = module_location(analysis, m, std_dir)?;
        let path = if path.is_absolute() { path } else { std::env::current_dir().ok()?.join(path) };
        Uri::from_file_path(path)?
    };
    Some(Location::new(uri, range))
}

/// The directory the standard library's sources are copied to for go-to-definition:
/// `$XDG_CACHE_HOME/scn/std-<version>`, else `$HOME/.cache/scn/std-<version>`, else the same
/// below the temporary directory.
pub fn default_std_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("scn").join(format!("std-{}", env!("CARGO_PKG_VERSION")))
}
