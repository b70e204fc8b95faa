//! Document symbols (items and their members), formatting and completion.

use crate::navigate::{item_members, item_name, member_name};
use crate::position::LineIndex;
use scn_grammar::ast::{self, Member, MemberKind, ModelKind};
use tower_lsp_server::ls_types::{CompletionItem, CompletionItemKind, DocumentSymbol, SymbolKind, TextEdit};

fn item_kind(item: &ast::Item) -> SymbolKind {
    match &item.kind {
        ast::ItemKind::Const(_) => SymbolKind::CONSTANT,
        ast::ItemKind::Fn(_) => SymbolKind::FUNCTION,
        ast::ItemKind::Model(m) if m.kind == ModelKind::Synapse => SymbolKind::INTERFACE,
        ast::ItemKind::Model(_) => SymbolKind::CLASS,
        ast::ItemKind::Network(_) => SymbolKind::MODULE,
        ast::ItemKind::Property(_) => SymbolKind::EVENT,
        _ => SymbolKind::NULL,
    }
}

fn member_kind(kind: &MemberKind) -> SymbolKind {
    match kind {
        MemberKind::Decl(d) => match d.kind.keyword() {
            "param" => SymbolKind::CONSTANT,
            "state" => SymbolKind::VARIABLE,
            _ => SymbolKind::FIELD,
        },
        MemberKind::Const(_) => SymbolKind::CONSTANT,
        MemberKind::Fn(_) => SymbolKind::FUNCTION,
        MemberKind::Compartment { .. } => SymbolKind::STRUCT,
        MemberKind::Pop { .. } | MemberKind::Sub { .. } => SymbolKind::OBJECT,
        MemberKind::Connect { .. } | MemberKind::Stimulus { .. } => SymbolKind::OPERATOR,
        _ => SymbolKind::VARIABLE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be spelled out.
fn symbol(
    index: &LineIndex<'_>,
    name: &ast::Ident,
    keyword: &str,
    kind: SymbolKind,
    span: scn_diagnostics::Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let range = index.range(span.to(name.span));
    DocumentSymbol {
        name: name.name.clone(),
        detail: Some(keyword.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: index.range(name.span),
        children: (!children.is_empty()).then_some(children),
    }
}

fn member_symbols(index: &LineIndex<'_>, members: &[Member]) -> Vec<DocumentSymbol> {
    members
        .iter()
        .filter_map(|m| {
            let (name, keyword) = member_name(&m.kind)?;
            let children = match &m.kind {
                MemberKind::Compartment { body, .. } => member_symbols(index, &body.members),
                _ => Vec::new(),
            };
            Some(symbol(index, name, keyword, member_kind(&m.kind), m.span, children))
        })
        .collect()
}

/// The outline of a file: every named item with its named members.
pub fn document_symbols(text: &str) -> Vec<DocumentSymbol> {
    let parsed = scn_grammar::parse(text);
    let index = LineIndex::new(text);
    parsed
        .file
        .items
        .iter()
        .filter_map(|item| {
            let (name, keyword) = item_name(item)?;
            let children = member_symbols(&index, item_members(item));
            Some(symbol(&index, name, keyword, item_kind(item), item.span, children))
        })
        .collect()
}

/// The edit that formats the whole text, `None` when it is already canonical, or the syntax
/// errors that stop formatting (the formatter refuses to touch broken text).
pub fn format(text: &str) -> Result<Option<Vec<TextEdit>>, String> {
    match scn_fmt::format_source(text) {
        Ok(formatted) if formatted == text => Ok(None),
        Ok(formatted) => Ok(Some(vec![TextEdit::new(LineIndex::new(text).whole(), formatted)])),
        Err(diags) => Err(format!(
            "not formatted: the file has syntax errors ({})",
            diags.first().map_or_else(String::new, |d| format!("{}: {}", d.code, d.message))
        )),
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..Default::default()
    }
}

/// Every unit atom: bases, prefixed bases and counting atoms.
pub fn unit_atoms() -> Vec<CompletionItem> {
    use scn_grammar::lexer::units::{BASES, COUNTS, PREFIXES};
    let mut out = Vec::new();
    for (base, meaning) in BASES {
        out.push(item(base, CompletionItemKind::UNIT, meaning));
        for (p, e) in PREFIXES {
            let atom = format!("{p}{base}");
            // `mol` splits as a base only; skip prefixed forms that are themselves bases.
            if BASES.iter().any(|(b, _)| *b == atom) {
                continue;
            }
            out.push(item(&atom, CompletionItemKind::UNIT, &format!("{meaning} × 1e{e}")));
        }
    }
    for c in COUNTS {
        out.push(item(c, CompletionItemKind::UNIT, "clocked time"));
    }
    out
}

/// Completions at byte `offset`: unit atoms right after a number, otherwise keywords, built-in
/// functions, named dimensions, the file's items and imported names, and the members of the
/// item around the cursor.
pub fn completion(text: &str, offset: usize) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let word_start = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_').len();
    let word = &before[word_start..];
    let gap = before[..word_start].trim_end_matches([' ', '\t']);
    let prev_start = gap.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.').len();
    let prev_is_number = gap[prev_start..].starts_with(|c: char| c.is_ascii_digit());
    let after_number = word.starts_with(|c: char| c.is_ascii_digit()) || (gap.len() < word_start && prev_is_number);
    if after_number {
        return unit_atoms();
    }
    if gap.ends_with('.') && gap.len() == word_start {
        // A member access or a dotted import path: names there come from another item.
        return Vec::new();
    }
    let mut out: Vec<CompletionItem> = Vec::new();
    for (k, _) in scn_grammar::lexer::token::KEYWORDS {
        out.push(item(k, CompletionItemKind::KEYWORD, ""));
    }
    for f in scn_sema::BUILTINS {
        out.push(item(f, CompletionItemKind::FUNCTION, "built-in"));
    }
    for (d, _) in scn_units::NAMED_DIMS {
        out.push(item(d, CompletionItemKind::TYPE_PARAMETER, "dimension"));
    }
    let parsed = scn_grammar::parse(text);
    for it in &parsed.file.items {
        if let ast::ItemKind::Import(imp) = &it.kind {
            for n in imp.names.iter().flatten().chain(imp.alias.iter()) {
                out.push(item(&n.name, CompletionItemKind::MODULE, "imported"));
            }
        }
        if let Some((name, keyword)) = item_name(it) {
            let kind = match keyword {
                "fn" => CompletionItemKind::FUNCTION,
                "const" => CompletionItemKind::CONSTANT,
                _ => CompletionItemKind::CLASS,
            };
            out.push(item(&name.name, kind, keyword));
        }
        if it.span.start <= offset && offset <= it.span.end {
            push_members(&mut out, item_members(it));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.label.clone()));
    out
}

fn push_members(out: &mut Vec<CompletionItem>, members: &[Member]) {
    for m in members {
        if let Some((name, keyword)) = member_name(&m.kind) {
            out.push(item(&name.name, CompletionItemKind::FIELD, keyword));
        }
        if let MemberKind::Compartment { body, .. } = &m.kind {
            push_members(out, &body.members);
        }
    }
}
