//! Quick fixes for the commonest diagnostics:
//!
//! - E0404 (fixed-point formats mixed without a cast): cast one operand to the other's format.
//! - E0301 (correlated operands) and E0302 (seed collision between stream families): give one
//!   of the two streams a free LFSR seed.
//! - E0503 (delay) and E0602 (property window or deadline) that are not a whole number of time
//!   steps: write the duration as the nearest whole number of `steps`.
//!
//! Every candidate is applied to the text and the file checked again; only edits that remove
//! the diagnostic without adding an error are offered.

use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, BinOp, Expr, ExprKind, Member, MemberKind};
use scn_sema::{Analysis, SourceProvider};
use std::path::Path;

/// One fix: a title and the edits (byte spans of the checked text and their replacements).
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// What the fix does, as the editor lists it.
    pub title: String,
    /// The diagnostic it fixes.
    pub diagnostic: Diagnostic,
    /// Non-overlapping replacements.
    pub edits: Vec<(Span, String)>,
    /// Whether the editor may apply it on "fix all" (the first verified candidate).
    pub preferred: bool,
}

/// A candidate fix before verification.
struct Candidate {
    title: String,
    edits: Vec<(Span, String)>,
    /// Alternatives of one group (seeds for the same stream) are tried in order; the first
    /// that verifies is offered and the rest dropped.
    group: usize,
}

/// The verified fixes for the diagnostics of module 0 whose primary span meets `range`.
/// `path` and `files` are what the text was checked with (imports are resolved the same way).
pub fn fixes(analysis: &Analysis, path: &Path, files: &dyn SourceProvider, range: Span) -> Vec<Fix> {
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    let text = root.source.text.as_str();
    let errors_before = analysis.diagnostics.iter().filter(|(_, d)| d.is_error()).count();
    let mut out = Vec::new();
    for (m, d) in &analysis.diagnostics {
        let s = d.primary.span;
        if *m != 0 || s.end < range.start || s.start > range.end {
            continue;
        }
        let candidates = match d.code {
            "E0404" => cast_candidates(analysis, d),
            "E0301" | "E0302" => seed_candidates(analysis, d),
            "E0503" | "E0602" => step_candidates(d),
            _ => Vec::new(),
        };
        let mut first = true;
        let mut done_groups = Vec::new();
        for c in candidates {
            if done_groups.contains(&c.group) {
                continue;
            }
            let fixed = apply(text, &c.edits);
            let after = crate::navigate::analyse(path, &fixed, files);
            let errors_after = after.diagnostics.iter().filter(|(_, x)| x.is_error()).count();
            let same_left = after.diagnostics.iter().filter(|(m, x)| *m == 0 && x.code == d.code).count();
            let same_before = analysis.diagnostics.iter().filter(|(m, x)| *m == 0 && x.code == d.code).count();
            if errors_after < errors_before && same_left < same_before {
                done_groups.push(c.group);
                out.push(Fix { title: c.title, diagnostic: d.clone(), edits: c.edits, preferred: first });
                first = false;
            }
        }
    }
    out
}

/// `text` with non-overlapping `edits` applied.
pub fn apply(text: &str, edits: &[(Span, String)]) -> String {
    let mut sorted: Vec<&(Span, String)> = edits.iter().collect();
    sorted.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
    let mut out = text.to_string();
    for (s, new) in sorted {
        if s.start <= s.end && s.end <= out.len() && out.is_char_boundary(s.start) && out.is_char_boundary(s.end) {
            out.replace_range(s.start..s.end, new);
        }
    }
    out
}

/// Whether `inner` lies inside `outer`.
fn within(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The two operands of the binary expression at exactly `span`: the longest typed
/// expressions that start at its start and end at its end.
fn operands(analysis: &Analysis, span: Span) -> Option<(Span, Span)> {
    let typed: Vec<Span> = analysis
        .tables
        .types
        .keys()
        .filter(|(m, s)| *m == 0 && within(span, *s) && *s != span)
        .map(|(_, s)| *s)
        .collect();
    let left = typed.iter().filter(|s| s.start == span.start).max_by_key(|s| s.len())?;
    let right = typed.iter().filter(|s| s.end == span.end && s.start >= left.end).max_by_key(|s| s.len())?;
    Some((*left, *right))
}

fn cast_candidates(analysis: &Analysis, d: &Diagnostic) -> Vec<Candidate> {
    let Some(text) = analysis.program.modules.first().map(|m| m.source.text.as_str()) else { return Vec::new() };
    let Some((left, right)) = operands(analysis, d.primary.span) else { return Vec::new() };
    let (Some(lt), Some(rt)) = (analysis.type_at(0, left), analysis.type_at(0, right)) else { return Vec::new() };
    let cast = |s: Span, to: String| {
        let source = &text[s.start..s.end];
        Candidate {
            title: format!("Cast `{source}` to {to}"),
            edits: vec![(s, format!("({source} as {to})"))],
            group: s.start,
        }
    };
    vec![cast(right, lt.to_string()), cast(left, rt.to_string())]
}

/// The streams to re-seed for E0301 (its two labelled operands) or E0302 (the two operands of
/// the expression it points at), the second one first.
fn seed_candidates(analysis: &Analysis, d: &Diagnostic) -> Vec<Candidate> {
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    let text = root.source.text.as_str();
    let ops: Vec<Span> = if d.code == "E0301" {
        d.secondary.iter().map(|l| l.span).collect()
    } else {
        operands(analysis, d.primary.span).map(|(a, b)| vec![a, b]).unwrap_or_default()
    };
    let used = seeds_in(&root.parsed.file);
    let mut out = Vec::new();
    for op in ops.iter().rev() {
        let Some((lit, value)) = seed_literal_of(analysis, &root.parsed.file, *op) else { continue };
        let name = stream_name(text, *op);
        for seed in free_seeds(value, &used).into_iter().take(16) {
            let written =
                if text[lit.start..lit.end].starts_with("0x") { format!("0x{seed:04X}") } else { seed.to_string() };
            out.push(Candidate {
                title: format!("Give `{name}` the free seed {written}"),
                edits: vec![(lit, written)],
                group: lit.start,
            });
        }
    }
    out
}

/// The leading name of an operand (`ws` of `ws[i]`), for the fix's title.
fn stream_name(text: &str, op: Span) -> &str {
    let s = &text[op.start..op.end];
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    if end == 0 { s } else { &s[..end] }
}

/// The span and value of the literal seed (or the literal base of `BASE + …`) that feeds the
/// stream operand at `op`: inside the operand itself, or in the `stream` declaration its
/// leading name resolves to.
fn seed_literal_of(analysis: &Analysis, file: &ast::File, op: Span) -> Option<(Span, u64)> {
    let names: Vec<Span> = analysis
        .tables
        .references
        .iter()
        .filter(|((m, s), (dm, _))| *m == 0 && *dm == 0 && s.start == op.start && within(op, *s))
        .map(|((_, s), _)| *s)
        .collect();
    if let Some(name) = names.iter().min_by_key(|s| s.len())
        && let Some((_, decl)) = analysis.definition_of(0, *name)
        && let Some(value) = stream_value(file, decl)
    {
        return seed_in(value);
    }
    let mut found = None;
    each_member_expr(file, &mut |e| {
        if e.span == op && found.is_none() {
            found = seed_in(e);
        }
    });
    found
}

/// The value of the `stream` whose name is declared at `decl`.
fn stream_value(file: &ast::File, decl: Span) -> Option<&Expr> {
    fn search(ms: &[Member], decl: Span) -> Option<&Expr> {
        ms.iter().find_map(|m| match &m.kind {
            MemberKind::Stream { name, value, .. } if name.span == decl => Some(value),
            MemberKind::Compartment { body, .. } => search(&body.members, decl),
            _ => None,
        })
    }
    file.items.iter().find_map(|i| search(crate::navigate::item_members(i), decl))
}

/// Calls `f` on every member's top-level expression (stream values, outputs, lets).
fn each_member_expr<'a>(file: &'a ast::File, f: &mut dyn FnMut(&'a Expr)) {
    fn visit<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
        f(e);
        match &e.kind {
            ExprKind::Unary(_, a) | ExprKind::Paren(a) | ExprKind::Cast(a, _) | ExprKind::Field(a, _) => visit(a, f),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) | ExprKind::Range(a, b) => {
                visit(a, f);
                visit(b, f);
            }
            ExprKind::Call(callee, args) => {
                visit(callee, f);
                for a in args {
                    match a {
                        Arg::Positional(v) | Arg::Named(_, v) => visit(v, f),
                        Arg::Binder(b) => visit(&b.range, f),
                    }
                }
            }
            ExprKind::If(a, b, c) => {
                visit(a, f);
                visit(b, f);
                visit(c, f);
            }
            ExprKind::Array(xs) => xs.iter().for_each(|x| visit(x, f)),
            ExprKind::Compare(a, rest) => {
                visit(a, f);
                rest.iter().for_each(|(_, x)| visit(x, f));
            }
            _ => {}
        }
    }
    fn members<'a>(ms: &'a [Member], f: &mut dyn FnMut(&'a Expr)) {
        for m in ms {
            match &m.kind {
                MemberKind::Stream { value, .. } | MemberKind::Let { value, .. } => visit(value, f),
                MemberKind::Decl(d) => {
                    if let Some(v) = &d.value {
                        visit(v, f);
                    }
                }
                MemberKind::Compartment { body, .. } => members(&body.members, f),
                _ => {}
            }
        }
    }
    for item in &file.items {
        members(crate::navigate::item_members(item), f);
    }
}

/// The first `seed = LITERAL` or `seed = LITERAL + …` argument inside `e`.
fn seed_in(e: &Expr) -> Option<(Span, u64)> {
    let mut found = None;
    visit_calls(e, &mut |args| {
        for a in args {
            if let Arg::Named(n, v) = a
                && n.name == "seed"
                && found.is_none()
            {
                let lit = match &v.kind {
                    ExprKind::Binary(BinOp::Add, l, _) => l,
                    _ => v,
                };
                if let ExprKind::Number(t) = &lit.kind {
                    found = parse_int(t).map(|x| (lit.span, x));
                }
            }
        }
    });
    found
}

fn visit_calls(e: &Expr, f: &mut dyn FnMut(&[Arg])) {
    match &e.kind {
        ExprKind::Call(callee, args) => {
            f(args);
            visit_calls(callee, f);
            for a in args {
                if let Arg::Positional(v) | Arg::Named(_, v) = a {
                    visit_calls(v, f);
                }
            }
        }
        ExprKind::Unary(_, a) | ExprKind::Paren(a) | ExprKind::Cast(a, _) => visit_calls(a, f),
        ExprKind::Binary(_, a, b) => {
            visit_calls(a, f);
            visit_calls(b, f);
        }
        _ => {}
    }
}

/// An integer literal as written (`42`, `0xACE1`, `0b101`, `1_000`).
pub fn parse_int(text: &str) -> Option<u64> {
    let t = text.replace('_', "");
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else {
        t.parse().ok()
    }
}

/// Every literal seed (or seed base) written in the file.
fn seeds_in(file: &ast::File) -> Vec<u64> {
    let mut out = Vec::new();
    each_member_expr(file, &mut |e| {
        if let ExprKind::Call(..) = &e.kind
            && let Some((_, v)) = seed_in(e)
        {
            out.push(v);
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

/// Seeds to try instead of `old`: steps of 0x100 away (so that a family `old + k·i` moves
/// clear of its neighbours), skipping zero (E0305) and seeds already written in the file.
fn free_seeds(old: u64, used: &[u64]) -> Vec<u64> {
    (1..=64u64).map(|k| (old + k * 0x100) % 0x1_0000).filter(|s| *s != 0 && !used.contains(s)).collect()
}

/// `N steps` for the nearest whole step counts of a duration, read from the diagnostic's
/// message (`… is 12.5 time steps, not a whole number`).
fn step_candidates(d: &Diagnostic) -> Vec<Candidate> {
    let Some(steps) = d
        .message
        .split(" is ")
        .nth(1)
        .and_then(|rest| rest.split(" time steps").next())
        .and_then(|n| n.trim().parse::<f64>().ok())
    else {
        return Vec::new();
    };
    let (lo, hi) = (steps.floor().max(0.0) as u64, steps.ceil().max(0.0) as u64);
    let nearest = if steps - steps.floor() < 0.5 { [lo, hi] } else { [hi, lo] };
    nearest
        .into_iter()
        .map(|n| {
            let steps = if n == 1 { "1 step".to_string() } else { format!("{n} steps") };
            Candidate {
                title: format!("Use a whole number of steps: {steps}"),
                edits: vec![(d.primary.span, steps)],
                group: n as usize,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_literals_in_every_base() {
        assert_eq!(parse_int("0xACE1"), Some(0xACE1));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("1.5"), None);
    }

    #[test]
    fn free_seeds_skip_zero_and_used_ones() {
        let seeds = free_seeds(0xFF00, &[0x0100]);
        assert!(!seeds.contains(&0) && !seeds.contains(&0x0100));
        assert_eq!(seeds[0], 0x0200);
    }

    #[test]
    fn edits_apply_back_to_front() {
        let edits = [(Span::new(0, 1), "xy".to_string()), (Span::new(2, 3), "z".to_string())];
        assert_eq!(apply("abc", &edits), "xybz");
    }
}
