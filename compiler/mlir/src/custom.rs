//! MLIR's custom (pretty) form of the `hw`, `comb` and `seq` operations, as CIRCT 1.62 parses
//! it: `hw.module @name(in %a : i1, out y : i1)`, `seq.compreg %next, %clk reset %rst, %init`.

use crate::ops::{HwModule, Kind, Operand, Operation, Ty};
use scn_hw::ir::{Const, Pred};
use std::fmt::Write as _;

/// The keyword of a `comb.icmp` predicate.
pub fn predicate(p: Pred) -> &'static str {
    match p {
        Pred::Eq => "eq",
        Pred::Ne => "ne",
        Pred::Slt => "slt",
        Pred::Sle => "sle",
        Pred::Sgt => "sgt",
        Pred::Sge => "sge",
        Pred::Ult => "ult",
        Pred::Uge => "uge",
    }
}

/// A constant's value as MLIR prints an integer attribute: `true`/`false` for one bit, else
/// signed decimal.
pub fn constant_value(c: Const) -> String {
    if c.width == 1 { (if c.bits == 1 { "true" } else { "false" }).to_string() } else { c.signed().to_string() }
}

fn names(ops: &[Operand]) -> String {
    ops.iter().map(|o| format!("%{}", o.name)).collect::<Vec<_>>().join(", ")
}

fn types(ops: &[Operand]) -> String {
    ops.iter().map(|o| o.ty.to_string()).collect::<Vec<_>>().join(", ")
}

fn operation(op: &Operation) -> String {
    let lhs = if op.results.is_empty() {
        String::new()
    } else {
        format!("{} = ", op.results.iter().map(|r| format!("%{r}")).collect::<Vec<_>>().join(", "))
    };
    let ty = op.types.first().copied().unwrap_or(Ty::Int(1));
    // (the operation and its operands, the types after the attributes)
    let (body, sig) = match &op.kind {
        Kind::Constant(c) if c.width == 1 => return format!("{lhs}hw.constant {}", constant_value(*c)),
        Kind::Constant(c) => (format!("hw.constant {}", constant_value(*c)), ty.to_string()),
        Kind::Comb(name, args) => (format!("comb.{name} {}", names(args)), ty.to_string()),
        Kind::Icmp(p, a, b) => (format!("comb.icmp {} %{}, %{}", predicate(*p), a.name, b.name), a.ty.to_string()),
        Kind::Mux(s, a, b) => (format!("comb.mux %{}, %{}, %{}", s.name, a.name, b.name), ty.to_string()),
        Kind::Extract(a, lo) => (format!("comb.extract %{} from {lo}", a.name), format!("({}) -> {ty}", a.ty)),
        Kind::Concat(parts) => (format!("comb.concat {}", names(parts)), types(parts)),
        Kind::Replicate(a) => (format!("comb.replicate %{}", a.name), format!("({}) -> {ty}", a.ty)),
        Kind::ArrayCreate(elems) => {
            (format!("hw.array_create {}", names(elems)), elems.first().map_or(ty, |e| e.ty).to_string())
        }
        Kind::ArrayGet(a, i) => (format!("hw.array_get %{}[%{}]", a.name, i.name), format!("{}, {}", a.ty, i.ty)),
        Kind::CompReg { next, reset } => {
            (format!("seq.compreg %{}, %clk reset %rst, %{}", next.name, reset.name), ty.to_string())
        }
        Kind::FromClock(c) => return format!("{lhs}seq.from_clock %{}", c.name),
        Kind::Delay(x, d, len) => {
            let len = len.map_or(String::new(), |l| format!(", {l}"));
            (format!("ltl.delay %{}, {d}{len}", x.name), x.ty.to_string())
        }
        Kind::LtlConcat(parts) => (format!("ltl.concat {}", names(parts)), types(parts)),
        Kind::Implication(a, b) => (format!("ltl.implication %{}, %{}", a.name, b.name), format!("{}, {}", a.ty, b.ty)),
        Kind::LtlAnd(parts) => (format!("ltl.and {}", names(parts)), types(parts)),
        Kind::Disable(p, c) => (format!("ltl.disable %{} if %{}", p.name, c.name), p.ty.to_string()),
        Kind::Clock(p, c) => (format!("ltl.clock %{}, posedge %{}", p.name, c.name), p.ty.to_string()),
        Kind::Verif(role, p, label) => {
            return format!("verif.{} %{} label \"{label}\" : {}", role.keyword(), p.name, p.ty);
        }
        Kind::Instance { name, module, inputs, outputs } => {
            let ins: Vec<String> = inputs.iter().map(|(p, v)| format!("{p}: %{}: {}", v.name, v.ty)).collect();
            let outs: Vec<String> = outputs.iter().zip(&op.types).map(|(p, t)| format!("{p}: {t}")).collect();
            return format!("{lhs}hw.instance \"{name}\" @{module}({}) -> ({})", ins.join(", "), outs.join(", "));
        }
    };
    let attrs = op.name_hint().map_or(String::new(), |h| format!(" {{sv.namehint = \"{h}\"}}"));
    format!("{lhs}{body}{attrs} : {sig}")
}

/// One `hw.module` in the custom form, indented for a top-level `module { … }`.
pub fn module(m: &HwModule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  // {}", m.doc);
    let mut ports: Vec<String> = m.inputs.iter().map(|p| format!("in %{} : {}", p.value.name, p.value.ty)).collect();
    ports.extend(m.outputs.iter().map(|p| format!("out {} : {}", p.name, p.value.ty)));
    let _ = writeln!(s, "  hw.module @{}({}) {{", m.name, ports.join(", "));
    for op in &m.body {
        let _ = writeln!(s, "    {}", operation(op));
    }
    let outs: Vec<Operand> = m.outputs.iter().map(|p| p.value.clone()).collect();
    if outs.is_empty() {
        let _ = writeln!(s, "    hw.output");
    } else {
        let _ = writeln!(s, "    hw.output {} : {}", names(&outs), types(&outs));
    }
    let _ = writeln!(s, "  }}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(name: &str, w: u32) -> Operand {
        Operand { name: name.into(), ty: Ty::Int(w) }
    }

    #[test]
    fn registers_constants_and_comparisons_use_circts_syntax() {
        let reg = Operation {
            results: vec!["s_v".into()],
            types: vec![Ty::Int(16)],
            kind: Kind::CompReg { next: int("s_n", 16), reset: int("s_init", 16) },
        };
        assert_eq!(operation(&reg), "%s_v = seq.compreg %s_n, %clk reset %rst, %s_init : i16");
        let c =
            Operation { results: vec!["c".into()], types: vec![Ty::Int(8)], kind: Kind::Constant(Const::new(8, 255)) };
        assert_eq!(operation(&c), "%c = hw.constant -1 : i8");
        let b =
            Operation { results: vec!["t".into()], types: vec![Ty::Int(1)], kind: Kind::Constant(Const::new(1, 1)) };
        assert_eq!(operation(&b), "%t = hw.constant true");
        let cmp = Operation {
            results: vec!["lt".into()],
            types: vec![Ty::Int(1)],
            kind: Kind::Icmp(Pred::Sle, int("a", 8), int("b", 8)),
        };
        assert_eq!(operation(&cmp), "%lt = comb.icmp sle %a, %b {sv.namehint = \"lt\"} : i8");
    }

    #[test]
    fn temporal_operations_use_the_ltl_and_verif_syntax() {
        let seq = Operand { name: "s".into(), ty: Ty::Sequence };
        let prop = Operand { name: "p".into(), ty: Ty::Property };
        let op = |kind, ty: Option<Ty>| Operation {
            results: ty.map(|_| vec!["y".to_string()]).unwrap_or_default(),
            types: ty.into_iter().collect(),
            kind,
        };
        let delay = op(Kind::Delay(int("a", 1), 0, Some(4)), Some(Ty::Sequence));
        assert_eq!(operation(&delay), "%y = ltl.delay %a, 0, 4 : i1");
        let imp = op(Kind::Implication(int("a", 1), seq.clone()), Some(Ty::Property));
        assert_eq!(operation(&imp), "%y = ltl.implication %a, %s : i1, !ltl.sequence");
        let dis = op(Kind::Disable(prop.clone(), int("rst", 1)), Some(Ty::Property));
        assert_eq!(operation(&dis), "%y = ltl.disable %p if %rst : !ltl.property");
        let clk = op(Kind::Clock(prop.clone(), int("c", 1)), Some(Ty::Property));
        assert_eq!(operation(&clk), "%y = ltl.clock %p, posedge %c : !ltl.property");
        let cover = op(Kind::Verif(scn_hw::assertion::Role::Cover, prop, "p_3".into()), None);
        assert_eq!(operation(&cover), "verif.cover %p label \"p_3\" : !ltl.property");
    }
}
