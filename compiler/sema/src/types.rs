//! Turning written types (`voltage`, `[mS/cm^2]`, `fix<16,8>`, `bits<unipolar, L>`) into [`Ty`].

use crate::checker::{Checker, Cx};
use crate::ty::{Encoding, Provenance, Ty};
use scn_diagnostics::Diagnostic;
use scn_grammar::ast::{Type, TypeArg, TypeKind};

/// The type names other than dimension names.
pub const TYPE_NAMES: &[&str] = &["prob", "bipolar", "bool", "int", "fix", "ufix", "bits", "count", "spike"];

impl<'p> Checker<'p> {
    /// Resolves a written type, reporting unknown names and malformed arguments.
    pub fn resolve_type(&mut self, t: &Type, cx: &Cx<'p>) -> Ty {
        match &t.kind {
            TypeKind::Named(n) => match n.name.as_str() {
                "prob" => Ty::Prob,
                "bipolar" => Ty::Bipolar,
                "bool" => Ty::Bool,
                "int" => Ty::Int,
                name => match scn_units::by_name(name) {
                    Some(d) => Ty::Real(d),
                    None => {
                        let mut names: Vec<&str> = TYPE_NAMES.to_vec();
                        names.extend(scn_units::NAMED_DIMS.iter().map(|(n, _)| *n));
                        let mut d = crate::hints::unknown("E0108", name, n.span, "type", &names);
                        if scn_grammar::parser::closest(name, names.iter().copied()).is_none() {
                            d.help = Some(
                                "a type is a dimension (`time`, `voltage`, `current`, `conductance`, …), a unit in \
                                 brackets (`[mS/cm^2]`), `prob`, `bipolar`, `bool`, `int` or `fix<W, F>`"
                                    .into(),
                            );
                        }
                        self.report(d);
                        Ty::Error
                    }
                },
            },
            TypeKind::Unit(u) => match scn_units::unit_value(u) {
                Ok(v) => Ty::Real(v.dim),
                Err(_) => Ty::Error,
            },
            TypeKind::QFormat(q) => {
                let (i, f) = q[1..].split_once('.').unwrap_or(("0", "0"));
                let (i, f): (u32, u32) = (i.parse().unwrap_or(0), f.parse().unwrap_or(0));
                self.fix_type(true, i + f, f, t)
            }
            TypeKind::Generic(n, args) => self.generic_type(n, args, t, cx),
            TypeKind::Apply(n, inner) if n.name == "spike" => Ty::Spike(Box::new(self.resolve_type(inner, cx))),
            TypeKind::Apply(n, _) => {
                self.report(
                    Diagnostic::error(
                        "E0108",
                        format!("`{}(…)` is not a type", n.name),
                        n.span,
                        "unknown type constructor",
                    )
                    .with_help("the only parameterised type written with parentheses is `spike(T)`"),
                );
                Ty::Error
            }
            TypeKind::Array(inner, n) => {
                let elem = self.resolve_type(inner, cx);
                let len = self.const_value(cx, n).and_then(|v| v.as_int());
                match len {
                    Some(l) if l > 0 => Ty::Array(Box::new(elem), Some(l as u64)),
                    _ => {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                "array length must be a positive integer constant",
                                n.span,
                                "not a positive constant",
                            )
                            .with_help("write a number such as `16` or the name of an integer constant"),
                        );
                        Ty::Array(Box::new(elem), None)
                    }
                }
            }
        }
    }

    fn generic_type(&mut self, n: &scn_grammar::ast::Ident, args: &[TypeArg], t: &Type, cx: &Cx<'p>) -> Ty {
        let int_arg = |this: &mut Self, a: &TypeArg| -> Option<u64> {
            match a {
                TypeArg::Int(text, _) => scn_grammar::lexer::parse_int(text),
                TypeArg::Name(id) => {
                    let v = crate::value::Names::value_of(
                        &crate::checker::EnvNames { checker: this, env: &cx.env },
                        &id.name,
                        0,
                    );
                    v.and_then(|v| v.as_int()).and_then(|i| u64::try_from(i).ok())
                }
            }
        };
        let arity = |this: &mut Self, want: usize, form: &str| -> bool {
            if args.len() == want {
                return true;
            }
            this.report(
                Diagnostic::error(
                    "E0203",
                    format!("`{}` takes {want} type argument(s), found {}", n.name, args.len()),
                    t.span,
                    "wrong number of arguments",
                )
                .with_help(format!("write `{form}`")),
            );
            false
        };
        match n.name.as_str() {
            "fix" | "ufix" => {
                if !arity(self, 2, &format!("{}<W, F>", n.name)) {
                    return Ty::Error;
                }
                let (w, f) = (int_arg(self, &args[0]), int_arg(self, &args[1]));
                match (w, f) {
                    (Some(w), Some(f)) => {
                        self.fix_type(n.name == "fix", w.min(u32::MAX as u64) as u32, f.min(u32::MAX as u64) as u32, t)
                    }
                    _ => {
                        self.report(
                            Diagnostic::error(
                                "E0405",
                                "fixed-point widths must be integer constants",
                                t.span,
                                "not constant",
                            )
                            .with_help("write `fix<16, 8>` for 16 bits with 8 fractional"),
                        );
                        Ty::Error
                    }
                }
            }
            "bits" => {
                if !arity(self, 2, "bits<unipolar, L>") {
                    return Ty::Error;
                }
                let encoding = match &args[0] {
                    TypeArg::Name(id) if id.name == "unipolar" => Encoding::Unipolar,
                    TypeArg::Name(id) if id.name == "bipolar" => Encoding::Bipolar,
                    _ => {
                        self.report(
                            Diagnostic::error(
                                "E0203",
                                "a stream's encoding is `unipolar` or `bipolar`",
                                t.span,
                                "unknown encoding",
                            )
                            .with_help("write `bits<unipolar, 256>`"),
                        );
                        Encoding::Unipolar
                    }
                };
                let len = int_arg(self, &args[1]);
                Ty::Bits { encoding, len, prov: Provenance { roots: Vec::new(), negated: false } }
            }
            "count" => {
                if !arity(self, 1, "count<N>") {
                    return Ty::Error;
                }
                Ty::Count(int_arg(self, &args[0]))
            }
            other => {
                self.report(
                    Diagnostic::error(
                        "E0108",
                        format!("`{other}` takes no type arguments"),
                        n.span,
                        "not a generic type",
                    )
                    .with_help("the generic types are `fix<W,F>`, `ufix<W,F>`, `bits<E, L>` and `count<N>`"),
                );
                Ty::Error
            }
        }
    }

    fn fix_type(&mut self, signed: bool, width: u32, frac: u32, t: &Type) -> Ty {
        if width == 0 || width > 64 || frac > 64 || (signed && width < 2) {
            self.report(
                Diagnostic::error("E0405", format!("impossible fixed-point format: {width} bits with {frac} fractional"), t.span, "not a valid format")
                    .with_help("widths run from 1 (2 when signed) to 64 bits, with at most 64 fractional bits; Q8.8 is `fix<16, 8>`"),
            );
            return Ty::Error;
        }
        Ty::Fix { signed, width, frac }
    }
}
