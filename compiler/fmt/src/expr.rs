//! Expressions and arguments. Parentheses are printed exactly where the tree has a `Paren`
//! node; others are added only where the tree could not be read back without them (which
//! never happens for a parsed tree).
//!
//! Spacing: one space around binary operators, comparisons, `as`, `=` in named arguments and
//! `in` in binders; none around `**` and `..`; none after a unary operator except `not`.

use crate::Formatter;
use crate::doc::{Doc, concat, flat_or, group, indent, text};
use scn_grammar::ast::*;

/// Precedence levels of LANGUAGE §2, as the grammar uses them (higher binds tighter).
pub mod level {
    /// `or`.
    pub const OR: u8 = 1;
    /// `not`.
    pub const NOT: u8 = 3;
    /// Comparisons.
    pub const CMP: u8 = 4;
    /// `|`, the operand level of comparisons and ranges.
    pub const BIT_OR: u8 = 5;
    /// `as`.
    pub const CAST: u8 = 11;
    /// Unary `-` and `!`.
    pub const UNARY: u8 = 12;
    /// `**`.
    pub const POWER: u8 = 13;
    /// Calls, indexing, fields.
    pub const POSTFIX: u8 = 14;
    /// Literals, names, parentheses, arrays, `if`.
    pub const PRIMARY: u8 = 15;
}

/// Hard keywords that make a line starting with them a new declaration, so that a line break
/// inside parentheses or brackets must never come right before one (the layout pass would
/// close the parentheses there).
const DECLARATION_KEYWORDS: &[&str] = &[
    "import",
    "const",
    "fn",
    "neuron",
    "synapse",
    "network",
    "property",
    "channel",
    "compartment",
    "preset",
    "use",
    "param",
    "state",
    "input",
    "output",
    "let",
    "next",
    "on",
    "emit",
    "deliver",
    "refractory",
    "solver",
    "precision",
    "invariant",
    "rng",
    "pop",
    "connect",
    "stimulus",
    "monitor",
    "stream",
    "sub",
    "assert",
    "assume",
    "cover",
];

/// The precedence level of an expression.
pub fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => op.level(),
        ExprKind::Unary(UnaryOp::Not, _) => level::NOT,
        ExprKind::Unary(..) => level::UNARY,
        ExprKind::Compare(..) | ExprKind::Range(..) => level::CMP,
        ExprKind::Cast(..) => level::CAST,
        ExprKind::Call(..) | ExprKind::Index(..) | ExprKind::Field(..) => level::POSTFIX,
        ExprKind::Number(_)
        | ExprKind::Quantity { .. }
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Name(_)
        | ExprKind::If(..)
        | ExprKind::Array(_)
        | ExprKind::Paren(_) => level::PRIMARY,
    }
}

/// The leftmost name of an expression, the first token printed if it is a name.
fn first_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) => Some(&n.name),
        ExprKind::Binary(_, a, _)
        | ExprKind::Compare(a, _)
        | ExprKind::Cast(a, _)
        | ExprKind::Call(a, _)
        | ExprKind::Index(a, _)
        | ExprKind::Field(a, _)
        | ExprKind::Range(a, _) => first_name(a),
        _ => None,
    }
}

fn starts_with_keyword(e: &Expr) -> bool {
    first_name(e).is_some_and(|n| DECLARATION_KEYWORDS.contains(&n))
}

fn arg_starts_with_keyword(a: &Arg) -> bool {
    match a {
        Arg::Positional(e) => starts_with_keyword(e),
        Arg::Named(n, _) | Arg::Binder(Binder { name: n, .. }) => DECLARATION_KEYWORDS.contains(&n.name.as_str()),
    }
}

/// A comma-separated list between `open` and `close`: flat when it fits, else one element per
/// line with a trailing comma. Lists that may not break (see [`DECLARATION_KEYWORDS`]) stay flat.
pub fn delimited(open: &str, items: Vec<Doc>, close: &str, breakable: bool) -> Doc {
    if items.is_empty() {
        return text(format!("{open}{close}"));
    }
    if !breakable {
        let mut parts = vec![text(open)];
        for (k, d) in items.into_iter().enumerate() {
            if k > 0 {
                parts.push(text(", "));
            }
            parts.push(d);
        }
        parts.push(text(close));
        return concat(parts);
    }
    let mut inner = vec![Doc::Soft];
    for (k, d) in items.into_iter().enumerate() {
        if k > 0 {
            inner.push(text(","));
            inner.push(Doc::Line);
        }
        inner.push(d);
    }
    inner.push(flat_or(Doc::Nil, text(",")));
    group(concat(vec![text(open), indent(concat(inner)), Doc::Soft, text(close)]))
}

impl Formatter<'_> {
    /// An expression in a position that accepts any expression.
    pub fn expr(&self, e: &Expr) -> Doc {
        self.expr_at(e, level::OR)
    }

    /// An expression in a position that needs at least precedence `min`.
    pub fn expr_at(&self, e: &Expr, min: u8) -> Doc {
        let doc = self.expr_bare(e);
        if precedence(e) < min { concat(vec![text("("), doc, text(")")]) } else { doc }
    }

    fn expr_bare(&self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Number(n) => text(n),
            ExprKind::Quantity { value, unit } => text(format!("{value} {unit}")),
            ExprKind::Str(s) => text(format!("\"{s}\"")),
            ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
            ExprKind::Name(n) => text(&n.name),
            ExprKind::Unary(op, x) => {
                let (sym, min) = match op {
                    UnaryOp::Neg => ("-", level::UNARY),
                    UnaryOp::BitNot => ("!", level::UNARY),
                    UnaryOp::Not => ("not ", level::NOT),
                };
                concat(vec![text(sym), self.expr_at(x, min)])
            }
            ExprKind::Binary(BinOp::Pow, a, b) => {
                concat(vec![self.expr_at(a, level::POSTFIX), text("**"), self.expr_at(b, level::UNARY)])
            }
            ExprKind::Binary(op, a, b) => concat(vec![
                self.expr_at(a, op.level()),
                text(format!(" {} ", op.symbol())),
                self.expr_at(b, op.level() + 1),
            ]),
            ExprKind::Compare(first, rest) => {
                let mut parts = vec![self.expr_at(first, level::BIT_OR)];
                for (op, x) in rest {
                    parts.push(text(format!(" {} ", op.symbol())));
                    parts.push(self.expr_at(x, level::BIT_OR));
                }
                concat(parts)
            }
            ExprKind::Cast(x, ty) => concat(vec![self.expr_at(x, level::CAST), text(" as "), self.ty(ty)]),
            ExprKind::Call(f, args) => concat(vec![self.expr_at(f, level::POSTFIX), self.args(args)]),
            ExprKind::Index(base, i) => {
                concat(vec![self.expr_at(base, level::POSTFIX), text("["), self.index(i), text("]")])
            }
            ExprKind::Field(base, name) => {
                concat(vec![self.expr_at(base, level::POSTFIX), text("."), text(&name.name)])
            }
            ExprKind::If(c, a, b) => {
                let mut parts = vec![text("if "), self.expr(c), text(" { "), self.expr(a), text(" } else ")];
                match &b.kind {
                    ExprKind::If(..) => parts.push(self.expr(b)),
                    _ => parts.extend([text("{ "), self.expr(b), text(" }")]),
                }
                concat(parts)
            }
            ExprKind::Array(items) => self.array(e, items),
            ExprKind::Range(a, b) => self.range(a, b),
            ExprKind::Paren(x) => concat(vec![text("("), self.expr(x), text(")")]),
        }
    }

    /// `a..b`.
    fn range(&self, a: &Expr, b: &Expr) -> Doc {
        concat(vec![self.expr_at(a, level::BIT_OR), text(".."), self.expr_at(b, level::BIT_OR)])
    }

    /// An index: an expression or a range.
    fn index(&self, i: &Expr) -> Doc {
        match &i.kind {
            ExprKind::Range(a, b) => self.range(a, b),
            _ => self.expr(i),
        }
    }

    /// An array literal. One written over several lines keeps its rows (a matrix stays a
    /// matrix); one written on one line is flat when it fits, else one element per line.
    fn array(&self, e: &Expr, items: &[Expr]) -> Doc {
        let breakable = !items.iter().any(starts_with_keyword);
        let mut prev = e.span.start + 1;
        let mut rows: Vec<Vec<Doc>> = Vec::new();
        for x in items {
            if rows.is_empty() || self.comments.newline_between(prev, x.span.start) {
                rows.push(Vec::new());
            }
            prev = x.span.end;
            rows.last_mut().expect("a row was pushed").push(self.expr(x));
        }
        let multiline = breakable && !items.is_empty() && self.comments.newline_between(e.span.start, e.span.end);
        if !multiline {
            return delimited("[", rows.into_iter().flatten().collect(), "]", breakable);
        }
        let mut inner = Vec::new();
        for row in rows {
            inner.push(Doc::Hard);
            let n = row.len();
            for (k, d) in row.into_iter().enumerate() {
                inner.push(d);
                inner.push(text(if k + 1 < n { ", " } else { "," }));
            }
        }
        concat(vec![text("["), indent(concat(inner)), Doc::Hard, text("]")])
    }

    /// A parenthesised argument list.
    pub fn args(&self, args: &[Arg]) -> Doc {
        let breakable = !args.iter().any(arg_starts_with_keyword);
        delimited("(", args.iter().map(|a| self.arg(a)).collect(), ")", breakable)
    }

    /// One argument.
    pub fn arg(&self, a: &Arg) -> Doc {
        match a {
            Arg::Positional(e) => self.expr(e),
            Arg::Named(n, e) => concat(vec![text(format!("{} = ", n.name)), self.expr(e)]),
            Arg::Binder(b) => self.binder_arg(b),
        }
    }

    /// `i in a..b`.
    pub fn binder_arg(&self, b: &Binder) -> Doc {
        concat(vec![text(format!("{} in ", b.name.name)), self.index(&b.range)])
    }

    /// A dotted path.
    pub fn path(&self, p: &Path) -> Doc {
        text(p.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("."))
    }
}
