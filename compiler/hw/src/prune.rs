//! Dead-net removal: drops every wire and register that no output, instance input or live
//! register reads (the lowering builds some values that end up unused), and renumbers the rest.

use crate::ir::{Module, NetId, NetKind, Op, Value};

fn operands(op: &Op) -> Vec<Value> {
    match op {
        Op::Id(a) | Op::Not(a) | Op::Extract(a, _) | Op::Replicate(a, _) | Op::MemRead(_, a) => vec![*a],
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::And(a, b) | Op::Or(a, b) | Op::Xor(a, b) => {
            vec![*a, *b]
        }
        Op::Icmp(_, a, b) => vec![*a, *b],
        Op::Mux(s, a, b) => vec![*s, *a, *b],
        Op::Concat(parts) => parts.clone(),
    }
}

/// The operands a net's driver reads.
pub fn reads(kind: &NetKind) -> Vec<Value> {
    match kind {
        NetKind::Input | NetKind::InstanceOutput { .. } => Vec::new(),
        NetKind::Wire(op) => operands(op),
        NetKind::Reg { reset, next } => vec![*reset, *next],
    }
}

fn map_value(v: Value, map: &[Option<NetId>]) -> Value {
    match v {
        Value::Net(n) => Value::Net(map[n].expect("a live net reads only live nets")),
        c => c,
    }
}

fn map_op(op: &Op, map: &[Option<NetId>]) -> Op {
    let m = |v: &Value| map_value(*v, map);
    match op {
        Op::Id(a) => Op::Id(m(a)),
        Op::Add(a, b) => Op::Add(m(a), m(b)),
        Op::Sub(a, b) => Op::Sub(m(a), m(b)),
        Op::Mul(a, b) => Op::Mul(m(a), m(b)),
        Op::And(a, b) => Op::And(m(a), m(b)),
        Op::Or(a, b) => Op::Or(m(a), m(b)),
        Op::Xor(a, b) => Op::Xor(m(a), m(b)),
        Op::Not(a) => Op::Not(m(a)),
        Op::Icmp(p, a, b) => Op::Icmp(*p, m(a), m(b)),
        Op::Mux(s, a, b) => Op::Mux(m(s), m(a), m(b)),
        Op::Extract(a, lo) => Op::Extract(m(a), *lo),
        Op::Concat(parts) => Op::Concat(parts.iter().map(m).collect()),
        Op::Replicate(a, n) => Op::Replicate(m(a), *n),
        Op::MemRead(mem, a) => Op::MemRead(*mem, m(a)),
    }
}

/// Removes dead nets from a module.
pub fn prune(module: &mut Module) {
    let n = module.nets.len();
    let mut live = vec![false; n];
    let mut stack: Vec<NetId> = Vec::new();
    let push = |v: Value, stack: &mut Vec<NetId>| {
        if let Value::Net(id) = v {
            stack.push(id);
        }
    };
    for o in &module.outputs {
        push(o.value, &mut stack);
    }
    for inst in &module.instances {
        for (_, v) in &inst.inputs {
            push(*v, &mut stack);
        }
    }
    for (id, net) in module.nets.iter().enumerate() {
        if matches!(net.kind, NetKind::Input | NetKind::InstanceOutput { .. }) {
            stack.push(id);
        }
    }
    while let Some(id) = stack.pop() {
        if live[id] {
            continue;
        }
        live[id] = true;
        for v in reads(&module.nets[id].kind) {
            push(v, &mut stack);
        }
    }
    let mut map = vec![None; n];
    let mut k = 0;
    for (id, &l) in live.iter().enumerate() {
        if l {
            map[id] = Some(k);
            k += 1;
        }
    }
    let old = std::mem::take(&mut module.nets);
    for (id, mut net) in old.into_iter().enumerate() {
        if !live[id] {
            continue;
        }
        net.kind = match &net.kind {
            NetKind::Wire(op) => NetKind::Wire(map_op(op, &map)),
            NetKind::Reg { reset, next } => {
                NetKind::Reg { reset: map_value(*reset, &map), next: map_value(*next, &map) }
            }
            other => other.clone(),
        };
        module.nets.push(net);
    }
    module.inputs = module.inputs.iter().filter_map(|&i| map[i]).collect();
    for o in &mut module.outputs {
        o.value = map_value(o.value, &map);
    }
    for inst in &mut module.instances {
        for (_, v) in &mut inst.inputs {
            *v = map_value(*v, &map);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{ModuleBuilder, konst};

    #[test]
    fn dead_wires_go_and_live_ones_are_renumbered() {
        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 4);
        let _dead = b.add("dead", x, konst(4, 1));
        let live = b.add("live", x, konst(4, 2));
        let r = b.reg("r", 4, konst(4, 0));
        b.set_next(r, live);
        b.output("y", Value::Net(r));
        let mut m = b.finish();
        prune(&mut m);
        let names: Vec<&str> = m.nets.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["x", "live", "r"]);
        assert_eq!(m.outputs[0].value, Value::Net(2));
        assert_eq!(m.nets[2].kind, NetKind::Reg { reset: konst(4, 0), next: Value::Net(1) });
    }
}
