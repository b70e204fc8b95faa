//! Building a [`Module`] operation by operation, with unique net names and width bookkeeping.

use crate::ir::{Const, Instance, Memory, Module, Net, NetId, NetKind, Op, Output, Pred, Value};
use std::collections::BTreeSet;

/// Builds one module.
pub struct ModuleBuilder {
    module: Module,
    names: BTreeSet<String>,
}

/// A constant operand.
pub fn konst(width: u32, value: i128) -> Value {
    Value::Const(Const::new(width, value))
}

impl ModuleBuilder {
    /// An empty module.
    pub fn new(name: &str, doc: &str) -> Self {
        let module = Module { name: name.to_string(), doc: doc.to_string(), ..Module::default() };
        let names = ["clk", "rst"].iter().map(|s| s.to_string()).collect();
        ModuleBuilder { module, names }
    }

    /// The module so far (for widths).
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The finished module.
    pub fn finish(self) -> Module {
        self.module
    }

    fn unique(&mut self, hint: &str) -> String {
        let base: String = hint.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
        let base = if base.is_empty() { "n".to_string() } else { base };
        let mut name = base.clone();
        let mut k = 1;
        while self.names.contains(&name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.names.insert(name.clone());
        name
    }

    fn push(&mut self, hint: &str, width: u32, kind: NetKind) -> NetId {
        let name = self.unique(hint);
        self.module.nets.push(Net { name, width, kind });
        self.module.nets.len() - 1
    }

    /// The width of an operand.
    pub fn width(&self, v: Value) -> u32 {
        self.module.width(v)
    }

    /// An input port.
    pub fn input(&mut self, name: &str, width: u32) -> Value {
        let id = self.push(name, width, NetKind::Input);
        self.module.inputs.push(id);
        Value::Net(id)
    }

    /// An output port.
    pub fn output(&mut self, name: &str, value: Value) {
        let width = self.width(value);
        let name = self.unique(name);
        self.module.outputs.push(Output { name, width, value });
    }

    /// A wire driven by `op`, `width` bits wide.
    pub fn wire(&mut self, hint: &str, width: u32, op: Op) -> Value {
        Value::Net(self.push(hint, width, NetKind::Wire(op)))
    }

    /// A register with a reset value; its next value is set later with [`Self::set_next`].
    pub fn reg(&mut self, hint: &str, width: u32, reset: Value) -> NetId {
        self.module.clocked = true;
        self.push(hint, width, NetKind::Reg { reset, next: reset })
    }

    /// Sets a register's next value.
    pub fn set_next(&mut self, reg: NetId, value: Value) {
        debug_assert_eq!(self.width(value), self.module.nets[reg].width, "register width");
        if let NetKind::Reg { next, .. } = &mut self.module.nets[reg].kind {
            *next = value;
        }
    }

    /// A read-only memory; returns its index.
    pub fn memory(&mut self, name: &str, width: u32, words: Vec<u128>) -> usize {
        let name = self.unique(name);
        self.module.memories.push(Memory { name, width, words });
        self.module.memories.len() - 1
    }

    /// Appends a word to a memory; returns its address.
    pub fn memory_push(&mut self, mem: usize, word: u128) -> usize {
        let words = &mut self.module.memories[mem].words;
        words.push(word);
        words.len() - 1
    }

    /// Connects input `port` of instance `inst` (replacing its placeholder).
    pub fn connect(&mut self, inst: usize, port: &str, value: Value) {
        if let Some(slot) = self.module.instances[inst].inputs.iter_mut().find(|(p, _)| p == port) {
            slot.1 = value;
        }
    }

    /// Number of instances so far (the index the next one gets).
    pub fn instance_count(&self) -> usize {
        self.module.instances.len()
    }

    /// A combinational memory read.
    pub fn mem_read(&mut self, hint: &str, mem: usize, addr: Value) -> Value {
        let width = self.module.memories[mem].width;
        self.wire(hint, width, Op::MemRead(mem, addr))
    }

    /// An instance of `module` (whose input ports are given in order); returns its outputs as
    /// nets, in the order of `outputs` (port name, width).
    pub fn instance(
        &mut self,
        name: &str,
        module: usize,
        inputs: Vec<(String, Value)>,
        outputs: &[(String, u32)],
    ) -> Vec<Value> {
        self.module.clocked = true;
        let inst = self.module.instances.len();
        let iname = self.unique(name);
        self.module.instances.push(Instance { name: iname, module, inputs });
        outputs
            .iter()
            .map(|(port, w)| {
                let kind = NetKind::InstanceOutput { inst, port: port.clone() };
                Value::Net(self.push(&format!("{name}_{port}"), *w, kind))
            })
            .collect()
    }

    /// `a + b` at the operands' (equal) width.
    pub fn add(&mut self, hint: &str, a: Value, b: Value) -> Value {
        let w = self.width(a);
        self.wire(hint, w, Op::Add(a, b))
    }

    /// `a - b` at the operands' (equal) width.
    pub fn sub(&mut self, hint: &str, a: Value, b: Value) -> Value {
        let w = self.width(a);
        self.wire(hint, w, Op::Sub(a, b))
    }

    /// `a * b` at the operands' (equal) width.
    pub fn mul(&mut self, hint: &str, a: Value, b: Value) -> Value {
        let w = self.width(a);
        self.wire(hint, w, Op::Mul(a, b))
    }

    /// A 1-bit comparison.
    pub fn icmp(&mut self, hint: &str, p: Pred, a: Value, b: Value) -> Value {
        self.wire(hint, 1, Op::Icmp(p, a, b))
    }

    /// `sel ? a : b`; constant selectors and equal arms fold.
    pub fn mux(&mut self, hint: &str, sel: Value, a: Value, b: Value) -> Value {
        if a == b {
            return a;
        }
        match sel {
            Value::Const(c) => {
                if c.bits != 0 {
                    a
                } else {
                    b
                }
            }
            Value::Net(_) => {
                let w = self.width(a);
                self.wire(hint, w, Op::Mux(sel, a, b))
            }
        }
    }

    /// Bitwise and of 1-bit (or equal-width) values; constants fold.
    pub fn and(&mut self, hint: &str, a: Value, b: Value) -> Value {
        match (a, b) {
            (Value::Const(c), x) | (x, Value::Const(c)) if c.bits == crate::ir::mask(c.width) => x,
            (Value::Const(c), _) | (_, Value::Const(c)) if c.bits == 0 => Value::Const(c),
            _ => {
                let w = self.width(a);
                self.wire(hint, w, Op::And(a, b))
            }
        }
    }

    /// Bitwise or; constants fold.
    pub fn or(&mut self, hint: &str, a: Value, b: Value) -> Value {
        match (a, b) {
            (Value::Const(c), x) | (x, Value::Const(c)) if c.bits == 0 => x,
            (Value::Const(c), _) | (_, Value::Const(c)) if c.bits == crate::ir::mask(c.width) => Value::Const(c),
            _ => {
                let w = self.width(a);
                self.wire(hint, w, Op::Or(a, b))
            }
        }
    }

    /// Bitwise exclusive or.
    pub fn xor(&mut self, hint: &str, a: Value, b: Value) -> Value {
        let w = self.width(a);
        self.wire(hint, w, Op::Xor(a, b))
    }

    /// Bitwise not; constants fold.
    pub fn not(&mut self, hint: &str, a: Value) -> Value {
        match a {
            Value::Const(c) => Value::Const(Const { width: c.width, bits: !c.bits & crate::ir::mask(c.width) }),
            Value::Net(_) => {
                let w = self.width(a);
                self.wire(hint, w, Op::Not(a))
            }
        }
    }

    /// Bits `lo .. lo + width`; constants fold, a full-width extract is the value itself.
    pub fn extract(&mut self, hint: &str, v: Value, lo: u32, width: u32) -> Value {
        if lo == 0 && width == self.width(v) {
            return v;
        }
        match v {
            Value::Const(c) => Value::Const(Const { width, bits: (c.bits >> lo) & crate::ir::mask(width) }),
            Value::Net(_) => self.wire(hint, width, Op::Extract(v, lo)),
        }
    }

    /// Sign extension (or truncation) to `width`.
    pub fn sext(&mut self, hint: &str, v: Value, width: u32) -> Value {
        let w = self.width(v);
        if width <= w {
            return self.extract(hint, v, 0, width);
        }
        if let Value::Const(c) = v {
            return Value::Const(Const::new(width, c.signed()));
        }
        let sign = self.extract(&format!("{hint}_sign"), v, w - 1, 1);
        let fill = self.wire(&format!("{hint}_fill"), width - w, Op::Replicate(sign, width - w));
        self.wire(hint, width, Op::Concat(vec![fill, v]))
    }

    /// Zero extension (or truncation) to `width`.
    pub fn zext(&mut self, hint: &str, v: Value, width: u32) -> Value {
        let w = self.width(v);
        if width <= w {
            return self.extract(hint, v, 0, width);
        }
        if let Value::Const(c) = v {
            return Value::Const(Const { width, bits: c.bits });
        }
        self.wire(hint, width, Op::Concat(vec![konst(width - w, 0), v]))
    }

    /// `v << k` at the same width (zeros in).
    pub fn shl(&mut self, hint: &str, v: Value, k: u32) -> Value {
        let w = self.width(v);
        if k == 0 {
            return v;
        }
        if k >= w {
            return konst(w, 0);
        }
        let low = self.extract(&format!("{hint}_low"), v, 0, w - k);
        self.wire(hint, w, Op::Concat(vec![low, konst(k, 0)]))
    }

    /// Arithmetic `v >>> k` at the same width.
    pub fn shra(&mut self, hint: &str, v: Value, k: u32) -> Value {
        let w = self.width(v);
        if k == 0 {
            return v;
        }
        let k = k.min(w - 1);
        let high = self.extract(&format!("{hint}_high"), v, k, w - k);
        self.sext(hint, high, w)
    }
}

/// The width needed to hold every value in `lo..=hi` as a signed number.
pub fn signed_width(lo: i128, hi: i128) -> u32 {
    let bits = |v: i128| if v >= 0 { 129 - v.leading_zeros() } else { 129 - (!v).leading_zeros() };
    bits(lo).max(bits(hi)).max(1)
}

/// The width needed to hold `0..=max` unsigned.
pub fn unsigned_width(max: u128) -> u32 {
    (128 - max.leading_zeros()).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(signed_width(-32768, 32767), 16);
        assert_eq!(signed_width(0, 1), 2);
        assert_eq!(signed_width(-1, 0), 1);
        assert_eq!(unsigned_width(256), 9);
        assert_eq!(unsigned_width(0), 1);
    }

    #[test]
    fn names_are_unique_and_constants_fold() {
        let mut b = ModuleBuilder::new("m", "test");
        let a = b.input("clk", 4);
        let x = b.input("x", 4);
        let m = b.module();
        assert_eq!(m.nets[0].name, "clk_1", "clk is reserved");
        assert_eq!(m.nets[1].name, "x");
        assert_eq!(b.mux("m", konst(1, 1), a, x), a);
        assert_eq!(b.sext("s", konst(4, -2), 8), konst(8, -2));
        assert_eq!(b.extract("e", konst(8, 0xA5), 4, 4), konst(4, 0xA));
        assert_eq!(b.not("n", konst(2, 1)), konst(2, 2));
    }
}
