//! References and rename across the open documents: a declaration is named by its module's
//! home and span ([`GlobalDecl`]), so that every open file's analysis can find its own uses of
//! it, whichever file declares it.

use crate::navigate::analyse;
use crate::position::LineIndex;
use crate::refs::{GlobalDecl, Home, check_new_name, global_target, home, normalize, uses_in};
use scn_sema::{Analysis, SourceProvider};
use std::collections::HashMap;
use std::path::Path;
use tower_lsp_server::ls_types::{Location, TextEdit, Uri};

/// An open document.
pub struct OpenDoc<'a> {
    /// Its URI.
    pub uri: &'a Uri,
    /// The path the compiler knows it by.
    pub path: &'a Path,
    /// The editor's text.
    pub text: &'a str,
}

/// The locations naming the declaration under byte `offset` of `current`: uses in every open
/// document (`current` and `others`), and the declaration itself when `include_declaration`
/// (in a file that is not open too). Sorted by document and position.
pub fn references(
    current: &OpenDoc<'_>,
    others: &[OpenDoc<'_>],
    files: &dyn SourceProvider,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let analysis = analyse(current.path, current.text, files);
    let Some(target) = global_target(&analysis, offset) else { return Vec::new() };
    let mut out = Vec::new();
    let mut declaring_file_open = false;
    for (i, doc) in std::iter::once(current).chain(others).enumerate() {
        let other;
        let an = if i == 0 {
            &analysis
        } else {
            other = analyse(doc.path, doc.text, files);
            &other
        };
        if home(an, 0).as_ref() == Some(&target.0) {
            declaring_file_open = true;
        }
        let index = LineIndex::new(doc.text);
        out.extend(
            uses_in(an, &target, include_declaration)
                .into_iter()
                .map(|s| Location::new(doc.uri.clone(), index.range(s))),
        );
    }
    if include_declaration
        && !declaring_file_open
        && let Some(loc) = declaration_in_file(&analysis, &target)
    {
        out.push(loc);
    }
    out.sort_by(|a, b| (a.uri.as_str(), a.range.start).cmp(&(b.uri.as_str(), b.range.start)));
    out.dedup();
    out
}

/// The location of a declaration that lies in a file of `analysis`'s program.
fn declaration_in_file(analysis: &Analysis, target: &GlobalDecl) -> Option<Location> {
    let Home::File(path) = &target.0 else { return None };
    let m = (0..analysis.program.modules.len()).find(|&m| home(analysis, m).as_ref() == Some(&target.0))?;
    let text = &analysis.program.modules[m].source.text;
    let path = if path.is_absolute() { path.clone() } else { normalize(&std::env::current_dir().ok()?.join(path)) };
    Some(Location::new(Uri::from_file_path(path)?, LineIndex::new(text).range(target.1)))
}

/// The edits, per document, that rename the declaration under byte `offset` of `current` and
/// its uses in every open document to `new_name`. Refused for invalid names, for nothing to
/// rename and for standard-library declarations.
pub fn rename(
    current: &OpenDoc<'_>,
    others: &[OpenDoc<'_>],
    files: &dyn SourceProvider,
    offset: usize,
    new_name: &str,
) -> Result<HashMap<Uri, Vec<TextEdit>>, String> {
    check_new_name(new_name)?;
    let analysis = analyse(current.path, current.text, files);
    let target = global_target(&analysis, offset).ok_or("no name to rename here")?;
    if let Home::Std(dotted) = &target.0 {
        return Err(format!("the declaration is in the standard library (std.{dotted})"));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for loc in references(current, others, files, offset, true) {
        changes.entry(loc.uri).or_default().push(TextEdit { range: loc.range, new_text: new_name.to_string() });
    }
    Ok(changes)
}
