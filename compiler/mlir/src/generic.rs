//! MLIR's generic operation form (`"dialect.op"(operands) <{properties}> {attributes} :
//! (types) -> types`), which any MLIR tool parses without CIRCT's dialects
//! (`mlir-opt --allow-unregistered-dialect`). The attributes and properties are those CIRCT
//! 1.62 itself prints, so the CIRCT wheel reads this form back into the same operations.

use crate::custom::constant_value;
use crate::ops::{HwModule, Kind, Operand, Operation, Ty};
use scn_hw::ir::Pred;
use std::fmt::Write as _;

/// The number of a `comb.icmp` predicate (`circt::comb::ICmpPredicate`).
pub fn predicate_number(p: Pred) -> u32 {
    match p {
        Pred::Eq => 0,
        Pred::Ne => 1,
        Pred::Slt => 2,
        Pred::Sle => 3,
        Pred::Sgt => 4,
        Pred::Sge => 5,
        Pred::Ult => 6,
        Pred::Uge => 9,
    }
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

fn quoted(names: &[String]) -> String {
    format!("[{}]", list(names, |n| format!("\"{n}\"")))
}

fn operation(op: &Operation) -> String {
    let mut operands: Vec<Operand> = Vec::new();
    let mut props = String::new();
    let mut attrs = String::new();
    let name = match &op.kind {
        Kind::Constant(c) => {
            attrs = format!(
                "value = {}{}",
                constant_value(*c),
                if c.width == 1 { String::new() } else { format!(" : i{}", c.width) }
            );
            "hw.constant".to_string()
        }
        Kind::Comb(name, args) => {
            operands.extend(args.iter().cloned());
            format!("comb.{name}")
        }
        Kind::Icmp(p, a, b) => {
            operands.extend([a.clone(), b.clone()]);
            props = format!("predicate = {} : i64", predicate_number(*p));
            "comb.icmp".into()
        }
        Kind::Mux(s, a, b) => {
            operands.extend([s.clone(), a.clone(), b.clone()]);
            "comb.mux".into()
        }
        Kind::Extract(a, lo) => {
            operands.push(a.clone());
            props = format!("lowBit = {lo} : i32");
            "comb.extract".into()
        }
        Kind::Concat(parts) => {
            operands.extend(parts.iter().cloned());
            "comb.concat".into()
        }
        Kind::Replicate(a) => {
            operands.push(a.clone());
            "comb.replicate".into()
        }
        Kind::ArrayCreate(elems) => {
            operands.extend(elems.iter().cloned());
            "hw.array_create".into()
        }
        Kind::ArrayGet(a, i) => {
            operands.extend([a.clone(), i.clone()]);
            "hw.array_get".into()
        }
        Kind::CompReg { next, reset } => {
            operands.extend([
                next.clone(),
                Operand { name: "clk".into(), ty: Ty::Clock },
                Operand { name: "rst".into(), ty: Ty::Int(1) },
                reset.clone(),
            ]);
            let name = op.results.first().cloned().unwrap_or_default();
            props = format!("name = \"{name}\", operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>");
            "seq.compreg".into()
        }
        Kind::FromClock(c) => {
            operands.push(c.clone());
            "seq.from_clock".into()
        }
        Kind::Delay(x, d, len) => {
            operands.push(x.clone());
            attrs = match len {
                Some(l) => format!("delay = {d} : i64, length = {l} : i64"),
                None => format!("delay = {d} : i64"),
            };
            "ltl.delay".into()
        }
        Kind::LtlConcat(parts) => {
            operands.extend(parts.iter().cloned());
            "ltl.concat".into()
        }
        Kind::Implication(a, b) => {
            operands.extend([a.clone(), b.clone()]);
            "ltl.implication".into()
        }
        Kind::LtlAnd(parts) => {
            operands.extend(parts.iter().cloned());
            "ltl.and".into()
        }
        Kind::Disable(p, c) => {
            operands.extend([p.clone(), c.clone()]);
            "ltl.disable".into()
        }
        Kind::Clock(p, c) => {
            operands.extend([p.clone(), c.clone()]);
            // `circt::ltl::ClockEdge::Pos`.
            attrs = "edge = 0 : i32".into();
            "ltl.clock".into()
        }
        Kind::Verif(role, p, label) => {
            operands.push(p.clone());
            props = format!("label = \"{label}\"");
            format!("verif.{}", role.keyword())
        }
        Kind::Instance { name, module, inputs, outputs } => {
            operands.extend(inputs.iter().map(|(_, v)| v.clone()));
            let args: Vec<String> = inputs.iter().map(|(p, _)| p.clone()).collect();
            attrs = format!(
                "argNames = {}, instanceName = \"{name}\", moduleName = @{module}, parameters = [], resultNames = {}",
                quoted(&args),
                quoted(outputs)
            );
            "hw.instance".into()
        }
    };
    if let Some(h) = op.name_hint() {
        attrs = format!("sv.namehint = \"{h}\"");
    }
    let lhs =
        if op.results.is_empty() { String::new() } else { format!("{} = ", list(&op.results, |r| format!("%{r}"))) };
    let props = if props.is_empty() { props } else { format!(" <{{{props}}}>") };
    let attrs = if attrs.is_empty() { attrs } else { format!(" {{{attrs}}}") };
    let results =
        if op.types.len() == 1 { op.types[0].to_string() } else { format!("({})", list(&op.types, Ty::to_string)) };
    format!(
        "{lhs}\"{name}\"({}){props}{attrs} : ({}) -> {results}",
        list(&operands, |o| format!("%{}", o.name)),
        list(&operands, |o| o.ty.to_string())
    )
}

/// One `hw.module` in the generic form, indented for a top-level `"builtin.module"`. The
/// block arguments carry `loc(unknown)` like the ports' (absent) locations, as CIRCT requires.
pub fn module(m: &HwModule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  // {}", m.doc);
    let _ = writeln!(s, "  \"hw.module\"() ({{");
    if !m.inputs.is_empty() {
        let args = list(&m.inputs, |p| format!("%{}: {} loc(unknown)", p.value.name, p.value.ty));
        let _ = writeln!(s, "  ^bb0({args}):");
    }
    for op in &m.body {
        let _ = writeln!(s, "    {}", operation(op));
    }
    let outs: Vec<Operand> = m.outputs.iter().map(|p| p.value.clone()).collect();
    let _ = writeln!(
        s,
        "    \"hw.output\"({}) : ({}) -> ()",
        list(&outs, |o| format!("%{}", o.name)),
        list(&outs, |o| o.ty.to_string())
    );
    let mut ports: Vec<String> = m.inputs.iter().map(|p| format!("input {} : {}", p.name, p.value.ty)).collect();
    ports.extend(m.outputs.iter().map(|p| format!("output {} : {}", p.name, p.value.ty)));
    let _ = writeln!(
        s,
        "  }}) {{module_type = !hw.modty<{}>, parameters = [], sym_name = \"{}\"}} : () -> ()",
        ports.join(", "),
        m.name
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_hw::ir::Const;

    fn int(name: &str, w: u32) -> Operand {
        Operand { name: name.into(), ty: Ty::Int(w) }
    }

    #[test]
    fn properties_attributes_and_types_are_those_circt_prints() {
        let ext = Operation { results: vec!["e".into()], types: vec![Ty::Int(3)], kind: Kind::Extract(int("a", 8), 5) };
        assert_eq!(
            operation(&ext),
            "%e = \"comb.extract\"(%a) <{lowBit = 5 : i32}> {sv.namehint = \"e\"} : (i8) -> i3"
        );
        let c =
            Operation { results: vec!["c".into()], types: vec![Ty::Int(4)], kind: Kind::Constant(Const::new(4, 3)) };
        assert_eq!(operation(&c), "%c = \"hw.constant\"() {value = 3 : i4} : () -> i4");
        let clock = Operation {
            results: vec!["k".into()],
            types: vec![Ty::Property],
            kind: Kind::Clock(Operand { name: "p".into(), ty: Ty::Property }, int("c", 1)),
        };
        assert_eq!(
            operation(&clock),
            "%k = \"ltl.clock\"(%p, %c) {edge = 0 : i32} : (!ltl.property, i1) -> !ltl.property"
        );
        let assert = Operation {
            results: vec![],
            types: vec![],
            kind: Kind::Verif(
                scn_hw::assertion::Role::Assert,
                Operand { name: "k".into(), ty: Ty::Property },
                "p_0".into(),
            ),
        };
        assert_eq!(operation(&assert), "\"verif.assert\"(%k) <{label = \"p_0\"}> : (!ltl.property) -> ()");
        let inst = Operation {
            results: vec!["y".into(), "z".into()],
            types: vec![Ty::Int(1), Ty::Int(2)],
            kind: Kind::Instance {
                name: "s_u".into(),
                module: "scn_M".into(),
                inputs: vec![("clk".into(), Operand { name: "clk".into(), ty: Ty::Clock })],
                outputs: vec!["s_y".into(), "s_z".into()],
            },
        };
        assert_eq!(
            operation(&inst),
            "%y, %z = \"hw.instance\"(%clk) {argNames = [\"clk\"], instanceName = \"s_u\", moduleName = @scn_M, \
             parameters = [], resultNames = [\"s_y\", \"s_z\"]} : (!seq.clock) -> (i1, i2)"
        );
    }
}
