//! Structural checks of a design, so that every emitter can rely on them: operand widths as
//! each operator requires (CIRCT's `comb` operators reject mismatches), nets defined before
//! the wires that read them (no combinational loop inside a module), and instances connected
//! port for port.

use crate::ir::{Design, Module, NetKind, Op, Value, mask};

fn width(m: &Module, v: Value) -> Result<u32, String> {
    match v {
        Value::Net(n) if n < m.nets.len() => Ok(m.nets[n].width),
        Value::Net(n) => Err(format!("net {n} does not exist")),
        Value::Const(c) if c.width == 0 || c.width > 128 || c.bits & !mask(c.width) != 0 => {
            Err(format!("malformed constant {c:?}"))
        }
        Value::Const(c) => Ok(c.width),
    }
}

fn check_op(m: &Module, op: &Op, w: u32) -> Result<(), String> {
    let same = |vals: &[Value]| -> Result<(), String> {
        for &v in vals {
            let vw = width(m, v)?;
            if vw != w {
                return Err(format!("operand of width {vw} where {w} is needed"));
            }
        }
        Ok(())
    };
    match op {
        Op::Id(a) | Op::Not(a) => same(&[*a]),
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::And(a, b) | Op::Or(a, b) | Op::Xor(a, b) => same(&[*a, *b]),
        Op::Icmp(_, a, b) => {
            if w != 1 || width(m, *a)? != width(m, *b)? {
                return Err("a comparison of unequal widths or not 1 bit wide".into());
            }
            Ok(())
        }
        Op::Mux(s, a, b) => {
            if width(m, *s)? != 1 {
                return Err("a multiplexer select wider than 1 bit".into());
            }
            same(&[*a, *b])
        }
        Op::Extract(a, lo) => {
            if lo + w > width(m, *a)? {
                return Err(format!("bits {lo}..{} of a {}-bit value", lo + w, width(m, *a)?));
            }
            Ok(())
        }
        Op::Concat(parts) => {
            let mut total = 0;
            for &p in parts {
                total += width(m, p)?;
            }
            if total != w {
                return Err(format!("a concatenation of {total} bits into {w}"));
            }
            Ok(())
        }
        Op::Replicate(a, n) => {
            if width(m, *a)? * n != w {
                return Err("a replication of the wrong width".into());
            }
            Ok(())
        }
        Op::MemRead(mem, addr) => {
            width(m, *addr)?;
            match m.memories.get(*mem) {
                Some(x) if x.width == w && !x.words.is_empty() => Ok(()),
                _ => Err(format!("a read of memory {mem} with the wrong width, or an empty memory")),
            }
        }
    }
}

fn check_module(design: &Design, k: usize) -> Result<(), String> {
    let m = &design.modules[k];
    for (id, net) in m.nets.iter().enumerate() {
        let at = |e: String| format!("module `{}`, net `{}`: {e}", m.name, net.name);
        match &net.kind {
            NetKind::Wire(op) => {
                check_op(m, op, net.width).map_err(at)?;
                for v in crate::prune::reads(&net.kind) {
                    if let Value::Net(n) = v
                        && n >= id
                        && matches!(m.nets[n].kind, NetKind::Wire(_))
                    {
                        return Err(at(format!("reads `{}`, a wire defined later", m.nets[n].name)));
                    }
                }
            }
            NetKind::Reg { reset, next } => {
                if width(m, *reset).map_err(at)? != net.width || width(m, *next).map_err(at)? != net.width {
                    return Err(at("a reset or next value of another width".into()));
                }
            }
            NetKind::InstanceOutput { inst, port } => {
                let sub = m
                    .instances
                    .get(*inst)
                    .map(|i| &design.modules[i.module])
                    .ok_or_else(|| at("no instance".into()))?;
                match sub.outputs.iter().find(|o| &o.name == port) {
                    Some(o) if o.width == net.width => {}
                    _ => return Err(at(format!("`{}` has no {}-bit output `{port}`", sub.name, net.width))),
                }
            }
            NetKind::Input => {}
        }
    }
    for o in &m.outputs {
        if width(m, o.value)? != o.width {
            return Err(format!("module `{}`: output `{}` driven at another width", m.name, o.name));
        }
    }
    for inst in &m.instances {
        if inst.module >= k {
            return Err(format!("module `{}`: instance `{}` of a later module", m.name, inst.name));
        }
        let sub = &design.modules[inst.module];
        let ports: Vec<(&str, u32)> =
            sub.inputs.iter().map(|&i| (sub.nets[i].name.as_str(), sub.nets[i].width)).collect();
        let given: Vec<(&str, u32)> =
            inst.inputs.iter().map(|(p, v)| Ok((p.as_str(), width(m, *v)?))).collect::<Result<_, String>>()?;
        if ports != given {
            return Err(format!(
                "module `{}`: instance `{}` does not connect `{}` port for port",
                m.name, inst.name, sub.name
            ));
        }
    }
    Ok(())
}

/// Checks every module of a design.
pub fn validate(design: &Design) -> Result<(), String> {
    if design.top >= design.modules.len() {
        return Err("no top module".into());
    }
    (0..design.modules.len()).try_for_each(|k| check_module(design, k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{ModuleBuilder, konst};

    fn design(m: Module) -> Design {
        Design { modules: vec![m], top: 0 }
    }

    #[test]
    fn well_formed_modules_pass_and_width_mismatches_fail() {
        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 8);
        let y = b.add("y", x, konst(8, 3));
        let c = b.icmp("c", crate::ir::Pred::Slt, y, x);
        let z = b.mux("z", c, x, y);
        b.output("o", z);
        assert_eq!(validate(&design(b.finish())), Ok(()));

        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 8);
        let _ = b.wire("bad", 8, Op::Add(x, konst(4, 1)));
        let e = validate(&design(b.finish())).unwrap_err();
        assert!(e.contains("operand of width 4 where 8 is needed"), "{e}");

        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 8);
        let _ = b.wire("bad", 4, Op::Extract(x, 6));
        assert!(validate(&design(b.finish())).unwrap_err().contains("bits 6..10"));
    }
}
