//! Inlay hints: the type the checker inferred for a name declared without an annotation
//! (`let`, `param`, `state`, `const`, `stream`, and `let` statements in handlers), shown after
//! the name as `: voltage`, `: fix<16,8>`, `: bits<unipolar, 256>`.

use crate::navigate::describe_type;
use scn_diagnostics::Span;
use scn_grammar::ast::{self, Block, Else, Expr, Ident, Member, MemberKind, Stmt, StmtKind};
use scn_sema::Analysis;
use scn_sema::ty::Ty;

/// One inferred type: where it goes (just after the name) and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeHint {
    /// The declared name.
    pub name: Span,
    /// The type as SCN writes it (`voltage`, `prob`, `fix<16,8>`).
    pub label: String,
    /// The type with its SI unit for quantities (`voltage (m^2*kg*s^-3*A^-1)`).
    pub detail: String,
    /// Whether `: label` can be inserted as the declaration's annotation as it stands (not for
    /// `let` statements in handlers, which take no annotation).
    pub insertable: bool,
}

/// The inferred types of every unannotated declaration of module 0 whose start lies in `range`
/// (byte offsets), in source order.
pub fn type_hints(analysis: &Analysis, range: Span) -> Vec<TypeHint> {
    let Some(root) = analysis.program.modules.first() else { return Vec::new() };
    let mut found = Vec::new();
    for item in &root.parsed.file.items {
        if item.span.end < range.start || item.span.start > range.end {
            continue;
        }
        match &item.kind {
            ast::ItemKind::Const(c) if c.ty.is_none() => found.push((&c.name, &c.value, true)),
            ast::ItemKind::Model(m) => members(&m.body.members, &mut found),
            ast::ItemKind::Network(n) => members(&n.body.members, &mut found),
            _ => {}
        }
    }
    found
        .into_iter()
        .filter(|(name, _, _)| range.start <= name.span.start && name.span.start <= range.end)
        .filter_map(|(name, value, annotatable)| {
            let ty = analysis.type_at(0, value.span)?;
            if ty.is_error() {
                return None;
            }
            Some(TypeHint {
                name: name.span,
                label: ty.to_string(),
                detail: describe_type(ty),
                insertable: annotatable && insertable(ty),
            })
        })
        .collect()
}

/// Whether a type's display is also valid annotation syntax: named dimensions and the scalar,
/// fixed-point and stream types (not `population of …`, `lfsr16 source`, unknown lengths).
fn insertable(ty: &Ty) -> bool {
    let text = ty.to_string();
    match ty {
        Ty::Real(_) => text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        Ty::Prob | Ty::Bipolar | Ty::Int | Ty::Bool | Ty::Fix { .. } => true,
        Ty::Bits { len: Some(_), .. } | Ty::Count(Some(_)) => true,
        _ => false,
    }
}

fn members<'a>(ms: &'a [Member], out: &mut Vec<(&'a Ident, &'a Expr, bool)>) {
    for m in ms {
        match &m.kind {
            MemberKind::Decl(d) if d.ty.is_none() && d.binders.is_empty() => {
                if let Some(v) = &d.value {
                    out.push((&d.name, v, true));
                }
            }
            MemberKind::Let { name, ty: None, value } => out.push((name, value, true)),
            MemberKind::Const(c) if c.ty.is_none() => out.push((&c.name, &c.value, true)),
            MemberKind::Stream { name, binders, ty: None, value } if binders.is_empty() => {
                out.push((name, value, true))
            }
            MemberKind::Compartment { body, .. } => members(&body.members, out),
            MemberKind::On { body, .. } => block(body, out),
            _ => {}
        }
    }
}

fn block<'a>(b: &'a Block, out: &mut Vec<(&'a Ident, &'a Expr, bool)>) {
    for s in &b.stmts {
        stmt(s, out);
    }
}

fn stmt<'a>(s: &'a Stmt, out: &mut Vec<(&'a Ident, &'a Expr, bool)>) {
    match &s.kind {
        // A `let` statement takes no annotation: the hint is for reading only.
        StmtKind::Let { name, value } => out.push((name, value, false)),
        StmtKind::If { then, otherwise, .. } => {
            block(then, out);
            match otherwise.as_deref() {
                Some(Else::Block(b)) => block(b, out),
                Some(Else::If(s)) => stmt(s, out),
                None => {}
            }
        }
        _ => {}
    }
}
