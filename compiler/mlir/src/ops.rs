//! The MLIR operations of one hardware module, built once from the IR and printed in either
//! form ([`crate::custom`], [`crate::generic`]).
//!
//! The translation is one IR operation to one CIRCT operation, except: a copy (`Op::Id`) is no
//! operation (its readers use the copied value); `Op::Not` is `comb.xor` with all ones; a
//! memory is a `hw.array_create` of `hw.constant` words, padded with zeros to a power of two,
//! read with `hw.array_get` (an address wider than the array's index reads 0 beyond the end,
//! as the IR's evaluator does); every register is a `seq.compreg` on the module's `!seq.clock`
//! with the synchronous reset `rst` and its reset value.

use crate::names::Namer;
use scn_hw::assertion::{Directive, Ltl, LtlClass, Role};
use scn_hw::ir::{Const, Design, Module, NetKind, Op, Pred, Value};
use scn_verilog::ident;
use std::collections::BTreeMap;
use std::fmt;

/// The type of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A signless integer of this many bits (`iN`).
    Int(u32),
    /// The clock (`!seq.clock`).
    Clock,
    /// An array of `len` integers of `width` bits (`!hw.array<LENxiW>`).
    Array {
        /// Number of elements.
        len: usize,
        /// Element width.
        width: u32,
    },
    /// A temporal sequence (`!ltl.sequence`).
    Sequence,
    /// A temporal property (`!ltl.property`).
    Property,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int(w) => write!(f, "i{w}"),
            Ty::Clock => write!(f, "!seq.clock"),
            Ty::Array { len, width } => write!(f, "!hw.array<{len}xi{width}>"),
            Ty::Sequence => write!(f, "!ltl.sequence"),
            Ty::Property => write!(f, "!ltl.property"),
        }
    }
}

/// An operand: a value name (without `%`) and its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operand {
    /// The value's name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
}

/// What an operation computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `hw.constant`.
    Constant(Const),
    /// A `comb` operator with operands of the result's type: `add`, `sub`, `mul`, `and`, `or`,
    /// `xor`.
    Comb(&'static str, Vec<Operand>),
    /// `comb.icmp` of two operands of equal type.
    Icmp(Pred, Operand, Operand),
    /// `comb.mux sel, a, b`.
    Mux(Operand, Operand, Operand),
    /// `comb.extract` from bit `lo`.
    Extract(Operand, u32),
    /// `comb.concat`, most significant first.
    Concat(Vec<Operand>),
    /// `comb.replicate`.
    Replicate(Operand),
    /// `hw.array_create`, highest index first.
    ArrayCreate(Vec<Operand>),
    /// `hw.array_get array[index]`.
    ArrayGet(Operand, Operand),
    /// `seq.compreg next, clk reset rst, reset_value`, named after its result.
    CompReg {
        /// The value loaded on every clock edge without reset.
        next: Operand,
        /// The value loaded while `rst` is high.
        reset: Operand,
    },
    /// `hw.instance`: instance name, module symbol, inputs (port, value), output ports.
    Instance {
        /// The instance name.
        name: String,
        /// The instantiated module's symbol.
        module: String,
        /// Input ports with their values.
        inputs: Vec<(String, Operand)>,
        /// Output port names, one per result.
        outputs: Vec<String>,
    },
    /// `seq.from_clock`: the clock as an `i1`, which `ltl.clock` reads.
    FromClock(Operand),
    /// `ltl.delay input, delay, length` (`##[delay:delay+length]`; no length: unbounded).
    Delay(Operand, u64, Option<u64>),
    /// `ltl.concat`: sequences one after another.
    LtlConcat(Vec<Operand>),
    /// `ltl.implication antecedent, consequent`.
    Implication(Operand, Operand),
    /// `ltl.and`.
    LtlAnd(Vec<Operand>),
    /// `ltl.disable property if condition`.
    Disable(Operand, Operand),
    /// `ltl.clock property, posedge clock`.
    Clock(Operand, Operand),
    /// `verif.assert`/`assume`/`cover` of a property, with a label; no result.
    Verif(Role, Operand, String),
}

/// One operation: its results (names and types) and what it computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Result names, one per result type.
    pub results: Vec<String>,
    /// Result types.
    pub types: Vec<Ty>,
    /// The operation.
    pub kind: Kind,
}

impl Operation {
    /// The `sv.namehint` of a combinational or array operation: its result's name, which
    /// CIRCT's Verilog export then gives the wire (constants, registers and instances are
    /// named by their own syntax).
    pub fn name_hint(&self) -> Option<&str> {
        match self.kind {
            Kind::Comb(..)
            | Kind::Icmp(..)
            | Kind::Mux(..)
            | Kind::Extract(..)
            | Kind::Concat(_)
            | Kind::Replicate(_)
            | Kind::ArrayCreate(_)
            | Kind::ArrayGet(..) => self.results.first().map(String::as_str),
            _ => None,
        }
    }
}

/// A port: its name and the value name inside the module (inputs) or the value it outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// The port name.
    pub name: String,
    /// The value.
    pub value: Operand,
}

/// A `hw.module`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HwModule {
    /// Its symbol (the Verilog module name).
    pub name: String,
    /// The one-line description.
    pub doc: String,
    /// Input ports (`clk` and `rst` first when clocked).
    pub inputs: Vec<Port>,
    /// Output ports.
    pub outputs: Vec<Port>,
    /// The body (a graph region: a register may be read before its definition).
    pub body: Vec<Operation>,
}

/// The name of the clock input.
pub const CLOCK: &str = "clk";
/// The name of the reset input.
pub const RESET: &str = "rst";

/// Bits of an index into `depth` elements (at least 1, as `hw.array_get` needs).
pub fn index_width(depth: usize) -> u32 {
    let mut w = 1;
    while (1usize << w) < depth {
        w += 1;
    }
    w
}

/// Builds the operations of one module.
struct Builder<'a> {
    design: &'a Design,
    m: &'a Module,
    namer: Namer,
    /// Value name of every net.
    nets: Vec<String>,
    /// Value name of every constant, in (width, bits) order.
    consts: BTreeMap<Const, String>,
    /// Value name of every memory's array, once created.
    arrays: BTreeMap<usize, Operand>,
    body: Vec<Operation>,
    /// The value of every temporal subformula built so far.
    formulas: Vec<(Ltl, Operand)>,
}

impl Builder<'_> {
    fn konst(&mut self, c: Const) -> Operand {
        let name = match self.consts.get(&c) {
            Some(n) => n.clone(),
            None => {
                let n = self.namer.fresh(&format!("c{}_i{}", c.bits, c.width));
                self.consts.insert(c, n.clone());
                n
            }
        };
        Operand { name, ty: Ty::Int(c.width) }
    }

    fn val(&mut self, v: Value) -> Operand {
        match v {
            Value::Net(n) => Operand { name: self.nets[n].clone(), ty: Ty::Int(self.m.nets[n].width) },
            Value::Const(c) => self.konst(c),
        }
    }

    fn push(&mut self, result: String, ty: Ty, kind: Kind) {
        self.body.push(Operation { results: vec![result], types: vec![ty], kind });
    }

    /// A fresh helper value computed by `kind`.
    fn helper(&mut self, hint: &str, ty: Ty, kind: Kind) -> Operand {
        let name = self.namer.fresh(hint);
        self.push(name.clone(), ty, kind);
        Operand { name, ty }
    }

    /// The array of memory `mem` (created at its first read) and its length.
    fn array(&mut self, mem: usize) -> (Operand, usize) {
        let memory = &self.m.memories[mem];
        let (width, len) = (memory.width, 1usize << index_width(memory.words.len()));
        if let Some(a) = self.arrays.get(&mem) {
            return (a.clone(), len);
        }
        let words: Vec<u128> = memory.words.clone();
        let mut elems: Vec<Operand> =
            (0..len).map(|k| self.konst(Const { width, bits: words.get(k).copied().unwrap_or(0) })).collect();
        elems.reverse();
        let hint = format!("m_{}", clean(&memory.name));
        let a = self.helper(&hint, Ty::Array { len, width }, Kind::ArrayCreate(elems));
        self.arrays.insert(mem, a.clone());
        (a, len)
    }

    /// The read of memory `mem` at `addr` into the value `result`.
    fn mem_read(&mut self, result: String, mem: usize, addr: Value) {
        let width = self.m.memories[mem].width;
        let (array, len) = self.array(mem);
        let iw = index_width(len);
        let aw = self.m.width(addr);
        let addr = self.val(addr);
        let hint = format!("{result}_index");
        let get = |b: &mut Self, index: Operand, name: String| {
            b.push(name, Ty::Int(width), Kind::ArrayGet(array.clone(), index))
        };
        if aw == iw {
            get(self, addr, result);
        } else if aw < iw {
            let zeros = self.konst(Const { width: iw - aw, bits: 0 });
            let index = self.helper(&hint, Ty::Int(iw), Kind::Concat(vec![zeros, addr]));
            get(self, index, result);
        } else {
            let index = self.helper(&hint, Ty::Int(iw), Kind::Extract(addr.clone(), 0));
            let word = self.namer.fresh(&format!("{result}_word"));
            get(self, index, word.clone());
            let end = self.konst(Const { width: aw, bits: len as u128 });
            let inside = self.helper(&format!("{result}_inside"), Ty::Int(1), Kind::Icmp(Pred::Ult, addr, end));
            let zero = self.konst(Const { width, bits: 0 });
            let word = Operand { name: word, ty: Ty::Int(width) };
            self.push(result, Ty::Int(width), Kind::Mux(inside, word, zero));
        }
    }

    fn wire(&mut self, id: usize, op: &Op) {
        let width = self.m.nets[id].width;
        let result = self.nets[id].clone();
        let ty = Ty::Int(width);
        let kind = match op {
            Op::Id(_) => return,
            Op::Add(a, b) => Kind::Comb("add", vec![self.val(*a), self.val(*b)]),
            Op::Sub(a, b) => Kind::Comb("sub", vec![self.val(*a), self.val(*b)]),
            Op::Mul(a, b) => Kind::Comb("mul", vec![self.val(*a), self.val(*b)]),
            Op::And(a, b) => Kind::Comb("and", vec![self.val(*a), self.val(*b)]),
            Op::Or(a, b) => Kind::Comb("or", vec![self.val(*a), self.val(*b)]),
            Op::Xor(a, b) => Kind::Comb("xor", vec![self.val(*a), self.val(*b)]),
            Op::Not(a) => {
                let ones = self.konst(Const::new(width, -1));
                Kind::Comb("xor", vec![self.val(*a), ones])
            }
            Op::Icmp(p, a, b) => Kind::Icmp(*p, self.val(*a), self.val(*b)),
            Op::Mux(s, a, b) => Kind::Mux(self.val(*s), self.val(*a), self.val(*b)),
            Op::Extract(a, lo) => Kind::Extract(self.val(*a), *lo),
            Op::Concat(parts) => Kind::Concat(parts.iter().map(|p| self.val(*p)).collect()),
            Op::Replicate(a, _) => Kind::Replicate(self.val(*a)),
            Op::MemRead(mem, addr) => return self.mem_read(result, *mem, *addr),
        };
        self.push(result, ty, kind);
    }

    /// The value of a temporal formula (each distinct subformula computed once).
    fn formula(&mut self, f: &Ltl) -> Operand {
        if let Some((_, v)) = self.formulas.iter().find(|(g, _)| g == f) {
            return v.clone();
        }
        let v = self.new_formula(f);
        self.formulas.push((f.clone(), v.clone()));
        v
    }

    fn new_formula(&mut self, f: &Ltl) -> Operand {
        let ty = match f.class() {
            LtlClass::Bool => Ty::Int(1),
            LtlClass::Sequence => Ty::Sequence,
            LtlClass::Property => Ty::Property,
        };
        let kind = match f {
            Ltl::Bool(v) => return self.val(*v),
            Ltl::Delay { seq, min, length } => Kind::Delay(self.formula(seq), *min, *length),
            Ltl::Concat(parts) => Kind::LtlConcat(parts.iter().map(|p| self.formula(p)).collect()),
            Ltl::Implication(a, b) => Kind::Implication(self.formula(a), self.formula(b)),
            Ltl::And(parts) => Kind::LtlAnd(parts.iter().map(|p| self.formula(p)).collect()),
        };
        self.helper("ltl", ty, kind)
    }

    /// A directive, clocked on the rising edge of `clk` and disabled during reset.
    fn directive(&mut self, d: &Directive, clock: &Operand) {
        let f = self.formula(&d.formula);
        let reset = Operand { name: RESET.into(), ty: Ty::Int(1) };
        let hint = format!("{}_disabled", d.label);
        let disabled = self.helper(&hint, Ty::Property, Kind::Disable(f, reset));
        let hint = format!("{}_clocked", d.label);
        let clocked = self.helper(&hint, Ty::Property, Kind::Clock(disabled, clock.clone()));
        self.body.push(Operation {
            results: vec![],
            types: vec![],
            kind: Kind::Verif(d.role, clocked, d.label.clone()),
        });
    }

    fn instance(&mut self, k: usize) {
        let inst = &self.m.instances[k];
        let sub = &self.design.modules[inst.module];
        let mut inputs = Vec::new();
        if sub.clocked {
            inputs.push((CLOCK.to_string(), Operand { name: CLOCK.into(), ty: Ty::Clock }));
            inputs.push((RESET.to_string(), Operand { name: RESET.into(), ty: Ty::Int(1) }));
        }
        for (port, v) in &inst.inputs {
            inputs.push((ident::signal(port), self.val(*v)));
        }
        let mut results = Vec::new();
        let mut types = Vec::new();
        let mut outputs = Vec::new();
        for o in &sub.outputs {
            let net = self.m.nets.iter().position(
                |n| matches!(&n.kind, NetKind::InstanceOutput { inst: i, port } if *i == k && *port == o.name),
            );
            let name = match net {
                Some(n) => self.nets[n].clone(),
                None => self.namer.fresh(&format!("{}_{}", ident::signal(&inst.name), ident::signal(&o.name))),
            };
            results.push(name);
            types.push(Ty::Int(o.width));
            outputs.push(ident::signal(&o.name));
        }
        let kind =
            Kind::Instance { name: ident::signal(&inst.name), module: ident::module(&sub.name), inputs, outputs };
        self.body.push(Operation { results, types, kind });
    }
}

fn clean(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// The `hw.module` of module `index` of a design.
pub fn module(design: &Design, index: usize) -> HwModule {
    checked_module(design, index, &[])
}

/// The `hw.module` of module `index` of a design with verification directives over its nets
/// (`ltl` formulas under `verif.assert`, `verif.assume` or `verif.cover`).
pub fn checked_module(design: &Design, index: usize, directives: &[Directive]) -> HwModule {
    let m = &design.modules[index];
    let mut namer = Namer::default();
    let mut inputs = Vec::new();
    if m.clocked {
        inputs.push(Port { name: CLOCK.into(), value: Operand { name: namer.fresh(CLOCK), ty: Ty::Clock } });
        inputs.push(Port { name: RESET.into(), value: Operand { name: namer.fresh(RESET), ty: Ty::Int(1) } });
    }
    // Every net that an operation defines (or an input) gets its own name first, so that a
    // register or instance output can be read before its definition.
    let mut nets = vec![String::new(); m.nets.len()];
    for (k, n) in m.nets.iter().enumerate() {
        if !matches!(n.kind, NetKind::Wire(Op::Id(_))) {
            nets[k] = namer.fresh(&ident::signal(&n.name));
        }
    }
    for &i in &m.inputs {
        let n = &m.nets[i];
        inputs.push(Port {
            name: ident::signal(&n.name),
            value: Operand { name: nets[i].clone(), ty: Ty::Int(n.width) },
        });
    }
    let mut b = Builder {
        design,
        m,
        namer,
        nets,
        consts: BTreeMap::new(),
        arrays: BTreeMap::new(),
        body: Vec::new(),
        formulas: Vec::new(),
    };
    // Copies read a net defined before them (or a register), so one pass resolves them.
    for (k, n) in m.nets.iter().enumerate() {
        if let NetKind::Wire(Op::Id(v)) = n.kind {
            b.nets[k] = b.val(v).name;
        }
    }
    for (k, n) in m.nets.iter().enumerate() {
        match &n.kind {
            NetKind::Wire(op) => b.wire(k, op),
            NetKind::Reg { reset, next } => {
                let kind = Kind::CompReg { next: b.val(*next), reset: b.val(*reset) };
                let name = b.nets[k].clone();
                b.push(name, Ty::Int(n.width), kind);
            }
            NetKind::Input | NetKind::InstanceOutput { .. } => {}
        }
    }
    for k in 0..m.instances.len() {
        b.instance(k);
    }
    if !directives.is_empty() {
        let clock = b.helper("clk_edge", Ty::Int(1), Kind::FromClock(Operand { name: CLOCK.into(), ty: Ty::Clock }));
        for d in directives {
            b.directive(d, &clock);
        }
    }
    let outputs: Vec<Port> =
        m.outputs.iter().map(|o| Port { name: ident::signal(&o.name), value: b.val(o.value) }).collect();
    let mut body: Vec<Operation> = b
        .consts
        .iter()
        .map(|(c, n)| Operation { results: vec![n.clone()], types: vec![Ty::Int(c.width)], kind: Kind::Constant(*c) })
        .collect();
    body.append(&mut b.body);
    HwModule { name: ident::module(&m.name), doc: m.doc.clone(), inputs, outputs, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_hw::builder::ModuleBuilder;

    fn one(m: Module) -> HwModule {
        module(&Design { modules: vec![m], top: 0 }, 0)
    }

    #[test]
    fn index_widths_cover_the_depth_and_are_at_least_one_bit() {
        assert_eq!([1, 2, 3, 4, 5, 8, 9].map(index_width), [1, 1, 2, 2, 3, 3, 4]);
    }

    #[test]
    fn copies_are_aliases_and_not_is_xor_with_ones() {
        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 4);
        let y = b.wire("y", 4, Op::Id(x));
        let z = b.wire("z", 4, Op::Not(y));
        b.output("o", z);
        let h = one(b.finish());
        assert_eq!(h.body.len(), 2, "{h:?}");
        assert_eq!(h.body[0].kind, Kind::Constant(Const::new(4, -1)));
        let Kind::Comb("xor", ops) = &h.body[1].kind else { panic!("{h:?}") };
        assert_eq!(ops[0].name, "s_x", "the copy reads its source");
        assert_eq!(h.outputs[0].value.name, "s_z");
    }

    #[test]
    fn directives_are_disabled_by_reset_clocked_and_share_subformulas() {
        use scn_hw::assertion::{Directive, Ltl, Role};
        let mut b = ModuleBuilder::new("m", "test");
        let x = b.input("x", 1);
        let r = b.reg("r", 1, scn_hw::builder::konst(1, 0));
        b.set_next(r, x);
        let d = Directive {
            label: "p_0".into(),
            text: "t".into(),
            role: Role::Assert,
            formula: Ltl::next_implies(x, Ltl::repeat(x, 3)),
        };
        let h = checked_module(&Design { modules: vec![b.finish()], top: 0 }, 0, &[d]);
        let kinds: Vec<&Kind> = h.body.iter().map(|o| &o.kind).collect();
        let delays = kinds.iter().filter(|k| matches!(k, Kind::Delay(..))).count();
        assert_eq!(delays, 2, "one `##1 x` shared by the repetition, one for `|=>`: {kinds:?}");
        let n = kinds.len();
        assert!(matches!(kinds[n - 3], Kind::Disable(_, c) if c.name == RESET), "{kinds:?}");
        assert!(matches!(kinds[n - 2], Kind::Clock(p, c) if p.ty == Ty::Property && c.ty == Ty::Int(1)));
        assert!(matches!(kinds[n - 1], Kind::Verif(Role::Assert, p, l) if p.ty == Ty::Property && l == "p_0"));
        assert!(h.body[n - 1].results.is_empty());
    }

    #[test]
    fn wide_addresses_read_zero_beyond_the_padded_array() {
        let mut b = ModuleBuilder::new("m", "test");
        let a = b.input("a", 8);
        let mem = b.memory("w", 4, vec![1, 2, 3]);
        let r = b.wire("r", 4, Op::MemRead(mem, a));
        b.output("o", r);
        let h = one(b.finish());
        let array = h.body.iter().find(|o| matches!(o.kind, Kind::ArrayCreate(_))).unwrap();
        assert_eq!(array.types[0], Ty::Array { len: 4, width: 4 });
        let last = h.body.last().unwrap();
        assert!(matches!(last.kind, Kind::Mux(..)), "{last:?}");
        assert_eq!(last.results[0], "s_r");
    }
}
