//! Constant evaluation with exact rationals: sizes, seeds, durations, delays and type arguments
//! are folded at compile time, so `0.3 ms / 0.1 ms` is exactly 3.

use scn_grammar::ast::{BinOp, CmpOp, Expr, ExprKind, UnaryOp};
use scn_units::{Dim, Rational};

/// A compile-time value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An exact number in SI base units, with its dimension.
    Num(Rational, Dim),
    /// A truth value.
    Bool(bool),
    /// An array literal.
    Array(Vec<Value>),
}

impl Value {
    /// A dimensionless number.
    pub fn scalar(r: Rational) -> Value {
        Value::Num(r, Dim::DIMENSIONLESS)
    }

    /// The number, if this is one.
    pub fn num(&self) -> Option<(Rational, Dim)> {
        match self {
            Value::Num(r, d) => Some((*r, *d)),
            _ => None,
        }
    }

    /// The value as a whole dimensionless integer.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Num(r, d) if d.is_dimensionless() && r.is_integer() => Some(r.num()),
            _ => None,
        }
    }
}

/// Where constant evaluation looks names up.
pub trait Names {
    /// The constant value of a name, if it has one.
    fn value_of(&self, name: &str, depth: u32) -> Option<Value>;
}

/// No names at all.
pub struct NoNames;

impl Names for NoNames {
    fn value_of(&self, _: &str, _: u32) -> Option<Value> {
        None
    }
}

/// A rational as a decimal number for messages (`12.5`, not `25/2`).
pub fn decimal(r: Rational) -> String {
    r.to_f64().to_string()
}

/// The value of a number literal as written.
pub fn number(text: &str) -> Option<Rational> {
    Rational::parse_decimal(text)
}

/// Evaluates `e` if it is constant. `depth` bounds the chase through named constants.
pub fn eval(e: &Expr, names: &dyn Names, depth: u32) -> Option<Value> {
    if depth > 64 {
        return None;
    }
    match &e.kind {
        ExprKind::Number(text) => number(text).map(Value::scalar),
        ExprKind::Quantity { value, unit } => {
            let (v, u) = scn_units::quantity(value, unit).ok()?;
            Some(Value::Num(v, u.dim))
        }
        ExprKind::Bool(b) => Some(Value::Bool(*b)),
        ExprKind::Name(n) => names.value_of(&n.name, depth + 1),
        ExprKind::Paren(inner) => eval(inner, names, depth),
        ExprKind::Unary(op, inner) => {
            let v = eval(inner, names, depth)?;
            match (op, v) {
                (UnaryOp::Neg, Value::Num(r, d)) => Some(Value::Num(-r, d)),
                (UnaryOp::Not, Value::Bool(b)) => Some(Value::Bool(!b)),
                _ => None,
            }
        }
        ExprKind::Binary(op, a, b) => {
            let (x, dx) = eval(a, names, depth)?.num()?;
            let (y, dy) = eval(b, names, depth)?.num()?;
            binary(*op, x, dx, y, dy)
        }
        ExprKind::Compare(first, rest) => {
            let mut left = eval(first, names, depth)?.num()?;
            for (op, e) in rest {
                let right = eval(e, names, depth)?.num()?;
                if left.1 != right.1 {
                    return None;
                }
                let ok = match op {
                    CmpOp::Eq => left.0 == right.0,
                    CmpOp::Ne => left.0 != right.0,
                    CmpOp::Lt => left.0 < right.0,
                    CmpOp::Le => left.0 <= right.0,
                    CmpOp::Gt => left.0 > right.0,
                    CmpOp::Ge => left.0 >= right.0,
                };
                if !ok {
                    return Some(Value::Bool(false));
                }
                left = right;
            }
            Some(Value::Bool(true))
        }
        ExprKind::If(c, a, b) => match eval(c, names, depth)? {
            Value::Bool(true) => eval(a, names, depth),
            Value::Bool(false) => eval(b, names, depth),
            _ => None,
        },
        ExprKind::Array(items) => {
            items.iter().map(|i| eval(i, names, depth)).collect::<Option<Vec<_>>>().map(Value::Array)
        }
        ExprKind::Index(base, index) => {
            let Value::Array(items) = eval(base, names, depth)? else { return None };
            let i = eval(index, names, depth)?.as_int()?;
            usize::try_from(i).ok().and_then(|i| items.get(i).cloned())
        }
        ExprKind::Call(f, args) => {
            let ExprKind::Name(name) = &f.kind else { return None };
            let vals: Vec<(Rational, Dim)> = args
                .iter()
                .map(|a| match a {
                    scn_grammar::ast::Arg::Positional(e) => eval(e, names, depth)?.num(),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            call(&name.name, &vals)
        }
        _ => None,
    }
}

fn binary(op: BinOp, x: Rational, dx: Dim, y: Rational, dy: Dim) -> Option<Value> {
    let same = || (dx == dy).then_some(dx);
    let int = |r: Rational| r.is_integer().then(|| r.num());
    Some(match op {
        BinOp::Add => Value::Num(x.checked_add(y)?, same()?),
        BinOp::Sub => Value::Num(x.checked_sub(y)?, same()?),
        BinOp::Mul => Value::Num(x.checked_mul(y)?, dx.checked_mul(dy)?),
        BinOp::Div => Value::Num(x.checked_div(y)?, dx.checked_div(dy)?),
        BinOp::Rem => {
            same()?;
            let q = x.checked_div(y)?.floor();
            let q = Rational::new(q, 1)?;
            Value::Num(x.checked_sub(q.checked_mul(y)?)?, dx)
        }
        BinOp::Pow => {
            if !dy.is_dimensionless() || !y.is_integer() {
                return None;
            }
            let n = i32::try_from(y.num()).ok()?;
            Value::Num(x.checked_pow(n)?, dx.powi(n)?)
        }
        BinOp::Shl | BinOp::Shr | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => {
            if !dx.is_dimensionless() || !dy.is_dimensionless() {
                return None;
            }
            let (a, b) = (int(x)?, int(y)?);
            let r = match op {
                BinOp::Shl => a.checked_shl(u32::try_from(b).ok()?)?,
                BinOp::Shr => a >> u32::try_from(b).ok()?.min(127),
                BinOp::BitAnd => a & b,
                BinOp::BitOr => a | b,
                _ => a ^ b,
            };
            Value::scalar(Rational::new(r, 1)?)
        }
        BinOp::And | BinOp::Or => return None,
    })
}

fn call(name: &str, args: &[(Rational, Dim)]) -> Option<Value> {
    let one = |f: fn(Rational) -> Rational| -> Option<Value> {
        let [(x, d)] = args else { return None };
        Some(Value::Num(f(*x), *d))
    };
    match name {
        "abs" => one(Rational::abs),
        "floor" => one(|x| Rational::new(x.floor(), 1).unwrap_or(x)),
        "ceil" => one(|x| Rational::new(x.ceil(), 1).unwrap_or(x)),
        "round" => one(|x| Rational::new(x.round_half_even(), 1).unwrap_or(x)),
        "min" | "max" => {
            let (first, rest) = args.split_first()?;
            let mut best = *first;
            for &(x, d) in rest {
                if d != best.1 {
                    return None;
                }
                if (name == "min" && x < best.0) || (name == "max" && x > best.0) {
                    best = (x, d);
                }
            }
            Some(Value::Num(best.0, best.1))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_grammar::ast::ItemKind;

    fn value(src: &str) -> Option<Value> {
        let p = scn_grammar::parse(&format!("const X = {src}"));
        let ItemKind::Const(c) = &p.file.items[0].kind else { panic!() };
        eval(&c.value, &NoNames, 0)
    }

    #[test]
    fn durations_divide_exactly() {
        assert_eq!(value("0.3 ms / 0.1 ms"), Some(Value::scalar(Rational::from_int(3))));
        assert_eq!(value("1.5 ms / (0.1 ms)").unwrap().as_int(), Some(15));
    }

    #[test]
    fn seeds_fold_with_integer_operators() {
        assert_eq!(value("0xBEEF + 13 * (2 * 16 + 3)").unwrap().as_int(), Some(0xBEEF + 13 * 35));
        assert_eq!(value("1 << 4 | 1").unwrap().as_int(), Some(17));
    }

    #[test]
    fn mixing_dimensions_is_not_constant() {
        assert_eq!(value("1 ms + 1 mV"), None);
        assert_eq!(value("x + 1"), None);
    }
}
