//! Find references, rename and semantic tokens, read from the checker's reference table
//! ([`scn_sema::Analysis::definition_of`]) and the lexer's tokens.

use crate::navigate::{item_members, item_name, member_name, resolve_item_name};
use crate::position::LineIndex;
use scn_diagnostics::Span;
use scn_grammar::ast::{self, Member, MemberKind};
use scn_grammar::lexer::token::{keyword, keyword_text};
use scn_grammar::lexer::{Tok, lex};
use scn_sema::modules::Origin;
use scn_sema::{Analysis, ModuleId};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use tower_lsp_server::ls_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend, TextEdit,
};

/// Every declared name of a file (items and members, compartments nested) with its keyword.
pub fn declarations(file: &ast::File) -> HashMap<Span, &'static str> {
    fn members(ms: &[Member], out: &mut HashMap<Span, &'static str>) {
        for m in ms {
            if let Some((name, kw)) = member_name(&m.kind) {
                out.insert(name.span, kw);
            }
            if let MemberKind::Compartment { body, .. } = &m.kind {
                members(&body.members, out);
            }
        }
    }
    let mut out = HashMap::new();
    for item in &file.items {
        if let Some((name, kw)) = item_name(item) {
            out.insert(name.span, kw);
        }
        members(item_members(item), &mut out);
    }
    out
}

/// The declaration the name at byte `offset` of module 0 refers to, or whose own name it is.
pub fn target_at(analysis: &Analysis, offset: usize) -> Option<(ModuleId, Span)> {
    let inside = |s: &Span, o: usize| s.start <= o && o <= s.end;
    let refs = analysis.tables.references.keys().filter(|(m, s)| *m == 0 && inside(s, offset));
    if let Some(&(m, s)) = refs.min_by_key(|(_, s)| (s.len(), s.start)) {
        return analysis.definition_of(m, s);
    }
    let root = analysis.program.modules.first()?;
    if let Some(&span) = declarations(&root.parsed.file).keys().find(|s| inside(s, offset)) {
        return Some((0, span));
    }
    resolve_item_name(analysis, offset).map(|(_, d)| d)
}

/// Where a module's text lives, the same whichever file's analysis loaded it: a file (its
/// path with `.` and `..` resolved) or a standard-library module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Home {
    /// A file on disk or an open buffer.
    File(PathBuf),
    /// `std.<dotted>`.
    Std(String),
}

/// `path` with `.` and `..` components resolved lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The home of module `m`.
pub fn home(analysis: &Analysis, m: ModuleId) -> Option<Home> {
    Some(match &analysis.program.modules.get(m)?.origin {
        Origin::File(p) => Home::File(normalize(p)),
        Origin::Std(d) => Home::Std(d.clone()),
    })
}

/// A declaration named independently of the analysis that found it: its module's home and
/// its name's span there.
pub type GlobalDecl = (Home, Span);

/// The declaration under byte `offset` of module 0, as a [`GlobalDecl`].
pub fn global_target(analysis: &Analysis, offset: usize) -> Option<GlobalDecl> {
    let (m, span) = target_at(analysis, offset)?;
    Some((home(analysis, m)?, span))
}

/// The spans in module 0 that name the declaration under `offset`: every use, plus the
/// declaration itself when it is in module 0 and `include_declaration` is set. Sorted.
pub fn references(analysis: &Analysis, offset: usize, include_declaration: bool) -> Vec<Span> {
    match global_target(analysis, offset) {
        Some(target) => uses_in(analysis, &target, include_declaration),
        None => Vec::new(),
    }
}

/// The spans in module 0 of `analysis` that name `target` (found by another file's analysis
/// or this one's), plus the declaration when it lies in module 0 and `include_declaration`.
pub fn uses_in(analysis: &Analysis, target: &GlobalDecl, include_declaration: bool) -> Vec<Span> {
    let Some(m) = (0..analysis.program.modules.len()).find(|&m| home(analysis, m).as_ref() == Some(&target.0)) else {
        return Vec::new();
    };
    let target = (m, target.1);
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    let text = &root.source.text;
    let mut spans: Vec<Span> = analysis
        .tables
        .references
        .iter()
        .filter(|((m, _), d)| *m == 0 && **d == target)
        .map(|((_, s), _)| *s)
        .collect();
    spans.extend(scope_uses(analysis, target));
    if target.0 == 0 {
        spans.extend(derivative_uses(&root.parsed.file, text, target.1));
        if include_declaration {
            spans.push(target.1);
        }
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    spans
}

/// Names in module 0 that the side tables do not record but the module's scope resolves to
/// the item `target` (model paths of `pop`, `sub` and `via`, imported names).
fn scope_uses(analysis: &Analysis, target: (ModuleId, Span)) -> Vec<Span> {
    let Some(name) =
        analysis.program.modules.get(target.0).and_then(|m| m.source.text.get(target.1.start..target.1.end))
    else {
        return Vec::new();
    };
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    lex(&root.source.text)
        .tokens
        .iter()
        .filter(|t| t.tok == Tok::Ident(name) && !analysis.tables.references.contains_key(&(0, t.span)))
        .filter(|t| !(target.0 == 0 && t.span == target.1))
        .filter(|t| resolve_item_name(analysis, t.span.start).is_some_and(|(_, d)| d == target))
        .map(|t| t.span)
        .collect()
}

/// The `x` of `dx/dt` for a state `x` declared at `decl` (the checker records the derivative as
/// a whole, not as a use of `x`), within the item that declares it.
fn derivative_uses(file: &ast::File, text: &str, decl: Span) -> Vec<Span> {
    let Some(item) = file.items.iter().find(|i| i.span.start <= decl.start && decl.end <= i.span.end) else {
        return Vec::new();
    };
    let Some(name) = text.get(decl.start..decl.end) else { return Vec::new() };
    let tokens = lex(text).tokens;
    tokens
        .windows(3)
        .filter(|w| {
            matches!(w[0].tok, Tok::Ident(d) if d.strip_prefix('d') == Some(name))
                && w[1].tok == Tok::Slash
                && w[2].tok == Tok::Ident("dt")
                && item.span.start <= w[0].span.start
                && w[0].span.end <= item.span.end
        })
        .map(|w| Span::new(w[0].span.start + 1, w[0].span.end))
        .collect()
}

/// Whether `name` can be written as a new name: an identifier that is not a hard keyword.
pub fn check_new_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!("`{name}` is not a valid identifier"));
    }
    if keyword(name).is_some() || matches!(name, "true" | "false") {
        return Err(format!("`{name}` is a keyword"));
    }
    Ok(())
}

/// The edits that rename the declaration under byte `offset` of module 0 (and all its uses in
/// this document) to `new_name`. Refused for invalid names, for nothing to rename and for
/// declarations in other files.
pub fn rename(analysis: &Analysis, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, String> {
    check_new_name(new_name)?;
    let (m, _) = target_at(analysis, offset).ok_or("no name to rename here")?;
    if m != 0 {
        return Err("the declaration is in another file".to_string());
    }
    let root = analysis.program.modules.first().ok_or("no module")?;
    let index = LineIndex::new(&root.source.text);
    Ok(references(analysis, offset, true)
        .into_iter()
        .map(|s| TextEdit { range: index.range(s), new_text: new_name.to_string() })
        .collect())
}

/// The token types of [`semantic_tokens`], in legend order.
pub const TOKEN_TYPES: [SemanticTokenType; 7] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::TYPE,
    SemanticTokenType::NUMBER,
    SemanticTokenType::STRING,
];

/// The token modifiers of [`semantic_tokens`], in legend order (bit 0, bit 1).
pub const TOKEN_MODIFIERS: [SemanticTokenModifier; 2] =
    [SemanticTokenModifier::DECLARATION, SemanticTokenModifier::READONLY];

/// The legend the server announces.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TOKEN_TYPES.to_vec(), token_modifiers: TOKEN_MODIFIERS.to_vec() }
}

fn type_index(t: &SemanticTokenType) -> u32 {
    TOKEN_TYPES.iter().position(|x| x == t).unwrap_or(0) as u32
}

/// A declaration keyword's token type and modifiers.
fn classify(keyword: &str) -> Option<(SemanticTokenType, u32)> {
    const READONLY: u32 = 2;
    Some(match keyword {
        "param" => (SemanticTokenType::PARAMETER, 0),
        "state" | "let" | "input" | "output" | "rng" | "pop" | "sub" | "stream" | "connect" | "stimulus" | "gate" => {
            (SemanticTokenType::VARIABLE, 0)
        }
        "const" => (SemanticTokenType::VARIABLE, READONLY),
        "fn" => (SemanticTokenType::FUNCTION, 0),
        "neuron" | "synapse" | "channel" | "network" | "property" | "compartment" | "preset" => {
            (SemanticTokenType::TYPE, 0)
        }
        _ => return None,
    })
}

/// Semantic tokens for the whole of module 0, delta-encoded in UTF-16 units: keywords,
/// numbers (a quantity's number and unit are one token), strings, and names by what they
/// resolve to (parameter, variable, function, type), declarations marked as such. Names the
/// checker did not resolve are left to the editor's grammar.
pub fn semantic_tokens(analysis: &Analysis) -> Vec<SemanticToken> {
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    let text = root.source.text.as_str();
    let index = LineIndex::new(text);
    let own = declarations(&root.parsed.file);
    let mut foreign: HashMap<ModuleId, HashMap<Span, &'static str>> = HashMap::new();
    let mut out = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    for t in lex(text).tokens {
        let kind = match &t.tok {
            Tok::Int(_) | Tok::Float(_) | Tok::Quantity(_) => Some((SemanticTokenType::NUMBER, 0)),
            Tok::Str(_) => Some((SemanticTokenType::STRING, 0)),
            Tok::True | Tok::False => Some((SemanticTokenType::KEYWORD, 0)),
            Tok::Ident(_) => {
                if let Some(kw) = own.get(&t.span) {
                    classify(kw).map(|(ty, m)| (ty, m | 1))
                } else {
                    let target = analysis
                        .definition_of(0, t.span)
                        .or_else(|| resolve_item_name(analysis, t.span.start).map(|(_, d)| d));
                    target.and_then(|(m, s)| {
                        let kw = if m == 0 {
                            own.get(&s).copied()
                        } else {
                            let decls = foreign.entry(m).or_insert_with(|| {
                                analysis
                                    .program
                                    .modules
                                    .get(m)
                                    .map(|md| declarations(&md.parsed.file))
                                    .unwrap_or_default()
                            });
                            decls.get(&s).copied()
                        };
                        kw.and_then(classify)
                    })
                }
            }
            tok => keyword_text(tok).map(|_| (SemanticTokenType::KEYWORD, 0)),
        };
        let Some((ty, modifiers)) = kind else { continue };
        let (start, end) = (index.position(t.span.start), index.position(t.span.end));
        if start.line != end.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.character - col } else { start.character };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: type_index(&ty),
            token_modifiers_bitset: modifiers,
        });
        (line, col) = (start.line, start.character);
    }
    out
}
