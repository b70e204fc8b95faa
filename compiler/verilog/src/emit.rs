//! One hardware module as Verilog-2005 text: declarations, continuous assignments, one
//! clocked block for every register (synchronous, active-high reset), instances, and
//! read-only memories loaded with `$readmemh`. Every operand of an operator has the operator's
//! width, so Verilog's context-dependent sizing never changes a result.

use crate::ident;
use scn_hw::ir::{Const, Design, Module, NetKind, Op, Pred, Value};
use scn_hw::prune::reads;
use std::fmt::Write as _;

/// The hex file of memory `mem` of module `m`, relative to the output directory.
pub fn memory_file(m: &Module, mem: usize) -> String {
    format!("rtl/{}_{}.hex", ident::module(&m.name), m.memories[mem].name)
}

fn range(width: u32) -> String {
    if width == 1 { String::new() } else { format!("[{}:0] ", width - 1) }
}

fn konst(c: Const) -> String {
    format!("{}'h{:x}", c.width, c.bits)
}

fn addr_width(depth: usize) -> u32 {
    let mut w = 1;
    while (1usize << w) < depth {
        w += 1;
    }
    w
}

struct Printer<'a> {
    m: &'a Module,
}

impl Printer<'_> {
    fn val(&self, v: Value) -> String {
        match v {
            Value::Net(n) => ident::signal(&self.m.nets[n].name),
            Value::Const(c) => konst(c),
        }
    }

    fn op(&self, op: &Op, width: u32) -> String {
        let v = |x: &Value| self.val(*x);
        match op {
            Op::Id(a) => v(a),
            Op::Add(a, b) => format!("{} + {}", v(a), v(b)),
            Op::Sub(a, b) => format!("{} - {}", v(a), v(b)),
            Op::Mul(a, b) => format!("{} * {}", v(a), v(b)),
            Op::And(a, b) => format!("{} & {}", v(a), v(b)),
            Op::Or(a, b) => format!("{} | {}", v(a), v(b)),
            Op::Xor(a, b) => format!("{} ^ {}", v(a), v(b)),
            Op::Not(a) => format!("~{}", v(a)),
            Op::Icmp(p, a, b) => {
                let (x, y) = (v(a), v(b));
                match p {
                    Pred::Eq => format!("{x} == {y}"),
                    Pred::Ne => format!("{x} != {y}"),
                    Pred::Ult => format!("{x} < {y}"),
                    Pred::Uge => format!("{x} >= {y}"),
                    Pred::Slt => format!("$signed({x}) < $signed({y})"),
                    Pred::Sle => format!("$signed({x}) <= $signed({y})"),
                    Pred::Sgt => format!("$signed({x}) > $signed({y})"),
                    Pred::Sge => format!("$signed({x}) >= $signed({y})"),
                }
            }
            Op::Mux(s, a, b) => format!("{} ? {} : {}", v(s), v(a), v(b)),
            Op::Extract(a, lo) => {
                if width == 1 {
                    format!("{}[{lo}]", v(a))
                } else {
                    format!("{}[{}:{lo}]", v(a), lo + width - 1)
                }
            }
            Op::Concat(parts) => format!("{{{}}}", parts.iter().map(v).collect::<Vec<_>>().join(", ")),
            Op::Replicate(a, n) => format!("{{{n}{{{}}}}}", v(a)),
            Op::MemRead(mem, a) => {
                let depth = self.m.memories[*mem].words.len();
                let addr = match a {
                    Value::Const(c) => konst(Const { width: addr_width(depth), bits: c.bits }),
                    Value::Net(_) => v(a),
                };
                format!("{}[{addr}]", ident::signal(&self.m.memories[*mem].name))
            }
        }
    }
}

/// Which bits of each net something reads (bit masks; nets wider than 128 bits count whole).
fn read_bits(m: &Module) -> Vec<u128> {
    let mut used = vec![0u128; m.nets.len()];
    let full = |w: u32| scn_hw::ir::mask(w);
    let mark = |v: Value, bits: u128, used: &mut Vec<u128>| {
        if let Value::Net(n) = v {
            used[n] |= bits;
        }
    };
    for net in &m.nets {
        match &net.kind {
            NetKind::Wire(Op::Extract(a, lo)) => {
                if let Value::Net(n) = a {
                    used[*n] |= full(net.width) << lo;
                }
            }
            kind => {
                for r in reads(kind) {
                    let w = m.width(r);
                    mark(r, full(w), &mut used);
                }
            }
        }
    }
    for o in &m.outputs {
        mark(o.value, full(o.width), &mut used);
    }
    for inst in &m.instances {
        for (_, v) in &inst.inputs {
            let w = m.width(*v);
            mark(*v, full(w), &mut used);
        }
    }
    used
}

/// The Verilog text of module `index` of the design.
pub fn module(design: &Design, index: usize, header: &str) -> String {
    let m = &design.modules[index];
    let p = Printer { m };
    let mut s = String::new();
    let _ = writeln!(s, "{header}");
    let _ = writeln!(s, "// {}", m.doc);
    let _ = writeln!(s, "`timescale 1ns/1ps\n`default_nettype none");
    let _ = writeln!(s, "module {} (", ident::module(&m.name));
    let mut ports = Vec::new();
    if m.clocked {
        ports.push("    input  wire clk".to_string());
        ports.push("    input  wire rst".to_string());
    }
    for &i in &m.inputs {
        let n = &m.nets[i];
        ports.push(format!("    input  wire {}{}", range(n.width), ident::signal(&n.name)));
    }
    for o in &m.outputs {
        ports.push(format!("    output wire {}{}", range(o.width), ident::signal(&o.name)));
    }
    let _ = writeln!(s, "{}\n);", ports.join(",\n"));
    // Declarations.
    for mem in &m.memories {
        let _ =
            writeln!(s, "    reg {}{} [0:{}];", range(mem.width), ident::signal(&mem.name), mem.words.len().max(1) - 1);
    }
    for (k, _) in m.memories.iter().enumerate() {
        let _ =
            writeln!(s, "    initial $readmemh(\"{}\", {});", memory_file(m, k), ident::signal(&m.memories[k].name));
    }
    for n in &m.nets {
        match n.kind {
            NetKind::Input => {}
            NetKind::Reg { .. } => {
                let _ = writeln!(s, "    reg  {}{};", range(n.width), ident::signal(&n.name));
            }
            _ => {
                let _ = writeln!(s, "    wire {}{};", range(n.width), ident::signal(&n.name));
            }
        }
    }
    // Combinational logic.
    for n in &m.nets {
        if let NetKind::Wire(op) = &n.kind {
            let _ = writeln!(s, "    assign {} = {};", ident::signal(&n.name), p.op(op, n.width));
        }
    }
    for o in &m.outputs {
        let _ = writeln!(s, "    assign {} = {};", ident::signal(&o.name), p.val(o.value));
    }
    // Registers.
    let regs: Vec<_> = m.nets.iter().filter(|n| matches!(n.kind, NetKind::Reg { .. })).collect();
    if !regs.is_empty() {
        let _ = writeln!(s, "    always @(posedge clk) begin\n        if (rst) begin");
        for n in &regs {
            if let NetKind::Reg { reset, .. } = n.kind {
                let _ = writeln!(s, "            {} <= {};", ident::signal(&n.name), p.val(reset));
            }
        }
        let _ = writeln!(s, "        end else begin");
        for n in &regs {
            if let NetKind::Reg { next, .. } = n.kind {
                let _ = writeln!(s, "            {} <= {};", ident::signal(&n.name), p.val(next));
            }
        }
        let _ = writeln!(s, "        end\n    end");
    }
    // Instances.
    for (ii, inst) in m.instances.iter().enumerate() {
        let sub = &design.modules[inst.module];
        let mut conns = Vec::new();
        if sub.clocked {
            conns.push("        .clk(clk)".to_string());
            conns.push("        .rst(rst)".to_string());
        }
        for (port, v) in &inst.inputs {
            conns.push(format!("        .{}({})", ident::signal(port), p.val(*v)));
        }
        for o in &sub.outputs {
            let net = m
                .nets
                .iter()
                .find(|n| matches!(&n.kind, NetKind::InstanceOutput { inst: i, port } if *port == o.name && *i == ii));
            if let Some(n) = net {
                conns.push(format!("        .{}({})", ident::signal(&o.name), ident::signal(&n.name)));
            }
        }
        let _ = writeln!(
            s,
            "    {} {} (\n{}\n    );",
            ident::module(&sub.name),
            ident::signal(&inst.name),
            conns.join(",\n")
        );
    }
    // Bits computed but not needed: read here so that lint sees every bit used.
    let used = read_bits(m);
    let mut unused = Vec::new();
    for (k, n) in m.nets.iter().enumerate() {
        let full = scn_hw::ir::mask(n.width);
        if n.width <= 128 && used[k] & full != full {
            unused.push(ident::signal(&n.name));
        }
    }
    if m.clocked && m.nets.iter().all(|n| !matches!(n.kind, NetKind::Reg { .. })) && m.instances.is_empty() {
        unused.push("clk".into());
        unused.push("rst".into());
    }
    if !unused.is_empty() {
        let _ = writeln!(s, "    wire s_unused_ok = &{{1'b0, {}}};", unused.join(", "));
    }
    let _ = writeln!(s, "endmodule\n`default_nettype wire");
    s
}

/// A memory's `$readmemh` file: one word per line, in hex.
pub fn memory_hex(m: &Module, mem: usize) -> String {
    let mem = &m.memories[mem];
    let digits = mem.width.div_ceil(4) as usize;
    let mut s = String::new();
    for w in &mem.words {
        let _ = writeln!(s, "{w:0digits$x}");
    }
    s
}
