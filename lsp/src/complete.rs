//! Completions that need the checked program: the parameters (and initial states) of the model
//! being instantiated in `pop x = Model[n] { … }`, `sub x = Model { … }` and `via Model(…)`,
//! and standard-library module paths after `import`.

use crate::navigate::resolve_item_name;
use scn_grammar::ast::{self, DeclKind, MemberKind};
use scn_sema::Analysis;
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind};

/// The innermost `{` or `(` before `offset` that is still open there, with its byte offset.
fn open_delimiter(text: &str, offset: usize) -> Option<(usize, char)> {
    let mut depth = [0usize; 3]; // `}` `)` `]` seen unmatched, scanning backwards
    for (i, c) in text[..offset].char_indices().rev() {
        match c {
            '}' => depth[0] += 1,
            ')' => depth[1] += 1,
            ']' => depth[2] += 1,
            '{' | '(' | '[' => {
                let k = match c {
                    '{' => 0,
                    '(' => 1,
                    _ => 2,
                };
                if depth[k] > 0 {
                    depth[k] -= 1;
                } else if c == '[' {
                    return None;
                } else {
                    return Some((i, c));
                }
            }
            _ => {}
        }
    }
    None
}

/// The byte offset of the model name instantiated by the delimiter at `open`, if the text
/// before it is `pop NAME = Model[…]`, `sub NAME = Model` (for `{`) or `via Model` (for `(`).
fn instantiated_model(text: &str, open: usize, delim: char) -> Option<usize> {
    let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    let head = text[line_start..open].trim_end();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    // Drop a trailing `[size]`.
    let head = if head.ends_with(']') { head[..head.rfind('[')?].trim_end() } else { head };
    let name_start = head.trim_end_matches(is_word).len();
    if name_start == head.len() {
        return None;
    }
    let before = head[..name_start].trim_end_matches('.').trim_end_matches(is_word).trim_end();
    let statement = head.trim_start();
    let ok = match delim {
        '{' => (statement.starts_with("pop ") || statement.starts_with("sub ")) && before.ends_with('='),
        _ => before.ends_with("via"),
    };
    ok.then_some(line_start + name_start)
}

/// The names already set between the delimiter and the cursor (`name =` at the start of an
/// entry).
fn written_names(text: &str) -> Vec<&str> {
    text.split([',', '\n', '{', '(', ';'])
        .filter_map(|part| {
            let (name, _) = part.split_once('=')?;
            let name = name.trim();
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(name)
        })
        .collect()
}

/// Whether the cursor, after the entries `typed` so far, is in a value (`tau_m = 1|`) rather
/// than at the start of an entry.
fn in_value(typed: &str) -> bool {
    typed.rsplit([',', '\n', ';']).next().is_some_and(|entry| entry.contains('='))
}

/// Completions for the parameters and states of the model instantiated around `offset` of
/// module 0, or `None` when the cursor is not inside such an instantiation.
pub fn model_parameters(analysis: &Analysis, offset: usize) -> Option<Vec<CompletionItem>> {
    let root = analysis.program.modules.first()?;
    let text = root.source.text.as_str();
    let offset = (0..=offset.min(text.len())).rev().find(|&i| text.is_char_boundary(i))?;
    let (open, delim) = open_delimiter(text, offset)?;
    let name_at = instantiated_model(text, open, delim)?;
    if in_value(&text[open + 1..offset]) {
        return None;
    }
    let (_, (m, name_span)) = resolve_item_name(analysis, name_at)?;
    let module = analysis.program.modules.get(m)?;
    let item = module
        .parsed
        .file
        .items
        .iter()
        .find(|i| crate::navigate::item_name(i).is_some_and(|(n, _)| n.span == name_span))?;
    let ast::ItemKind::Model(model) = &item.kind else { return None };
    let written = written_names(&text[open + 1..offset]);
    let source = module.source.text.as_str();
    let mut out = Vec::new();
    for member in &model.body.members {
        let MemberKind::Decl(d) = &member.kind else { continue };
        let rank = match d.kind {
            DeclKind::Param => "0",
            DeclKind::State if delim == '{' => "1",
            _ => continue,
        };
        if written.contains(&d.name.name.as_str()) {
            continue;
        }
        let declared = source.get(member.span.start..member.span.end).unwrap_or("").lines().next().unwrap_or("");
        out.push(CompletionItem {
            label: d.name.name.clone(),
            kind: Some(if rank == "0" { CompletionItemKind::PROPERTY } else { CompletionItemKind::VARIABLE }),
            detail: Some(declared.trim().to_string()),
            documentation: member.doc.as_ref().map(|doc| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: doc.trim().to_string(),
                })
            }),
            insert_text: Some(format!("{} = ", d.name.name)),
            sort_text: Some(format!("{rank}{}", d.name.name)),
            ..Default::default()
        });
    }
    Some(out)
}

/// Standard-library module paths (`std.neurons.lif`) when the cursor is in an `import` path.
pub fn import_paths(text: &str, offset: usize) -> Option<Vec<CompletionItem>> {
    let offset = (0..=offset.min(text.len())).rev().find(|&i| text.is_char_boundary(i))?;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let path = line.trim_start().strip_prefix("import ")?.trim_start();
    if path.contains(['{', ' ']) {
        return None;
    }
    Some(
        scn_stdlib::MODULES
            .iter()
            .map(|(module, source)| {
                let first = source.lines().next().unwrap_or("").trim_start_matches('/').trim();
                CompletionItem {
                    label: format!("std.{module}"),
                    kind: Some(CompletionItemKind::MODULE),
                    detail: (!first.is_empty()).then(|| first.to_string()),
                    ..Default::default()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_open_brace_is_found() {
        let text = "pop a = Lif[3] { tau_m = f(1), ";
        assert_eq!(open_delimiter(text, text.len()), Some((15, '{')));
        assert_eq!(instantiated_model(text, 15, '{'), Some(8));
        assert_eq!(written_names(&text[16..]), ["tau_m"]);
        assert!(!in_value(&text[16..]), "after a comma: a new entry");
        assert!(in_value(" tau_m = 1"), "after `=`: a value");
        let text = "connect a -> b { p = 0.1, ";
        let (open, c) = open_delimiter(text, text.len()).unwrap();
        assert_eq!(instantiated_model(text, open, c), None, "rules are not a model");
        let text = "connect a -> b via std_syn.Stdp( ";
        let (open, c) = open_delimiter(text, text.len()).unwrap();
        assert_eq!(instantiated_model(text, open, c), Some(text.find("Stdp").unwrap()));
    }
}
