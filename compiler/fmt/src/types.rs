//! Types and units: `voltage`, `fix<16, 8>`, `spike(voltage)`, `[mS/cm^2]`, `Q8.8`, `T[N]`.

use crate::Formatter;
use crate::doc::{Doc, concat, text};
use scn_grammar::ast::*;

/// A bracketed unit type's text, `1/ms` when the first atom divides.
pub fn unit_type(u: &Unit) -> String {
    let mut out = String::new();
    for (k, atom) in u.atoms.iter().enumerate() {
        if k > 0 {
            out.push(if atom.divide { '/' } else { '*' });
        } else if atom.divide {
            out.push_str("1/");
        }
        out.push_str(&atom.name);
        if atom.power != 1 {
            out.push_str(&format!("^{}", atom.power));
        }
    }
    out
}

impl Formatter<'_> {
    /// A type.
    pub fn ty(&self, t: &Type) -> Doc {
        match &t.kind {
            TypeKind::Named(n) => text(&n.name),
            TypeKind::Generic(n, args) => {
                let args: Vec<&str> = args
                    .iter()
                    .map(|a| match a {
                        TypeArg::Int(i, _) => i.as_str(),
                        TypeArg::Name(n) => n.name.as_str(),
                    })
                    .collect();
                text(format!("{}<{}>", n.name, args.join(", ")))
            }
            TypeKind::Apply(n, inner) => concat(vec![text(format!("{}(", n.name)), self.ty(inner), text(")")]),
            TypeKind::Unit(u) => text(format!("[{}]", unit_type(u))),
            TypeKind::QFormat(q) => text(q),
            TypeKind::Array(inner, n) => concat(vec![self.ty(inner), text("["), self.expr(n), text("]")]),
        }
    }

    /// `: T` when there is a type.
    pub fn ascription(&self, t: Option<&Type>) -> Doc {
        match t {
            Some(t) => concat(vec![text(": "), self.ty(t)]),
            None => Doc::Nil,
        }
    }
}
