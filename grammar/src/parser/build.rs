//! Small constructors and checks used by the grammar's actions.

use crate::ast::*;
use crate::lexer::token::Tok;
use lalrpop_util::{ErrorRecovery, ParseError};
use scn_diagnostics::Span;

/// What one parser run produces: an item (header only for items with bodies) or a member.
#[derive(Clone, Debug)]
pub enum Piece {
    /// An item.
    Item(Item),
    /// A member.
    Member(Member),
}

/// Errors found by grammar actions (the syntax is fine, the form is not).
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxError {
    /// An ODE whose left side is not `dX/dt`.
    BadDerivative {
        /// The left-hand side.
        span: Span,
        /// What was written.
        written: String,
    },
    /// An assignment to something that is not a place.
    BadTarget {
        /// The target.
        span: Span,
    },
}

type Errors<'e, 'a> = &'e mut Vec<ErrorRecovery<usize, Tok<'a>, SyntaxError>>;

fn user_error(errors: Errors<'_, '_>, error: SyntaxError) {
    errors.push(ErrorRecovery { error: ParseError::User { error }, dropped_tokens: Vec::new() });
}

/// A binary expression spanning `l..r`.
pub fn binary(op: BinOp, a: Expr, b: Expr, l: usize, r: usize) -> Expr {
    Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), Span::new(l, r))
}

/// A unary expression spanning `l..r`.
pub fn unary(op: UnaryOp, e: Expr, l: usize, r: usize) -> Expr {
    Expr::new(ExprKind::Unary(op, Box::new(e)), Span::new(l, r))
}

/// `dX/dt = rhs`: checks the form and names the state `X`.
pub fn ode(errors: Errors<'_, '_>, num: Ident, den: Ident, lhs: Span, rhs: Expr) -> MemberKind {
    let ok = num.name.len() > 1 && num.name.starts_with('d') && den.name == "dt";
    if !ok {
        user_error(errors, SyntaxError::BadDerivative { span: lhs, written: format!("{}/{}", num.name, den.name) });
    }
    let var = if num.name.len() > 1 && num.name.starts_with('d') {
        Ident { name: num.name[1..].to_string(), span: Span::new(num.span.start + 1, num.span.end) }
    } else {
        num
    };
    MemberKind::Ode { var, lhs, rhs }
}

/// Whether an expression is a place that can be assigned: a name, a field or an index of one.
pub fn is_place(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) => true,
        ExprKind::Field(base, _) | ExprKind::Index(base, _) => is_place(base),
        _ => false,
    }
}

/// `target op= value`, reporting a target that is not a place.
pub fn assign(errors: Errors<'_, '_>, target: Expr, op: AssignOp, value: Expr) -> StmtKind {
    if !is_place(&target) {
        user_error(errors, SyntaxError::BadTarget { span: target.span });
    }
    StmtKind::Assign { target, op, value }
}
