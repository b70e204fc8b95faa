//! Handler blocks and statements.
//!
//! A block is `{ a; b; c }` on one line when that fits and it holds no comment and no `if`;
//! otherwise one statement per line. The branches of an `if` statement are always one
//! statement per line, with `} else {` and `} else if c {` joined.

use crate::Formatter;
use crate::doc::{Doc, concat, text};
use crate::lists::ListStyle;
use scn_grammar::ast::*;

impl Formatter<'_> {
    /// A handler block.
    pub fn block(&mut self, b: &Block) -> Doc {
        self.block_in(b, ListStyle::Statements)
    }

    fn block_in(&mut self, b: &Block, style: ListStyle) -> Doc {
        let (open, close) = (b.span.start, b.span.end.saturating_sub(1));
        let list = self.braced(open, close, &b.stmts, |s| s.span, |_| None, |f, s| f.stmt(s));
        self.layout_braced(list, style)
    }

    /// One statement.
    pub fn stmt(&mut self, s: &Stmt) -> Doc {
        match &s.kind {
            StmtKind::Assign { target, op, value } => concat(vec![
                self.expr_at(target, crate::expr::level::POSTFIX),
                text(format!(" {} ", op.symbol())),
                self.expr(value),
            ]),
            StmtKind::Let { name, value } => concat(vec![text(format!("let {} = ", name.name)), self.expr(value)]),
            StmtKind::Emit { name, arg } => match arg {
                Some(a) => concat(vec![text(format!("emit {}(", name.name)), self.expr(a), text(")")]),
                None => text(format!("emit {}", name.name)),
            },
            StmtKind::Deliver(e) => concat(vec![text("deliver "), self.expr(e)]),
            StmtKind::Refractory { duration, clamp } => {
                let mut parts = vec![text("refractory "), self.expr(duration)];
                if !clamp.is_empty() {
                    let names: Vec<&str> = clamp.iter().map(|n| n.name.as_str()).collect();
                    parts.push(text(format!(" clamp {}", names.join(", "))));
                }
                concat(parts)
            }
            StmtKind::If { cond, then, otherwise } => self.if_stmt(cond, then, otherwise.as_deref()),
            StmtKind::Error => text(self.source(s.span)),
        }
    }

    fn if_stmt(&mut self, cond: &Expr, then: &Block, otherwise: Option<&Else>) -> Doc {
        let mut parts = vec![text("if "), self.expr(cond), text(" ")];
        self.interior_before(then.span.start);
        parts.push(self.block_in(then, ListStyle::StatementLines));
        match otherwise {
            None => {}
            Some(Else::Block(b)) => {
                self.interior_before(b.span.start);
                parts.push(text(" else "));
                parts.push(self.block_in(b, ListStyle::StatementLines));
            }
            Some(Else::If(s)) => {
                self.interior_before(s.span.start);
                parts.push(text(" else "));
                match &s.kind {
                    StmtKind::If { cond, then, otherwise } => {
                        parts.push(self.if_stmt(cond, then, otherwise.as_deref()))
                    }
                    _ => parts.push(self.stmt(s)),
                }
            }
        }
        concat(parts)
    }
}
