//! The hardware IR: a design is a list of modules; a module has ports, nets and instances.
//!
//! It is deliberately close to CIRCT's `hw`/`comb`/`seq` dialects so that every emitter can
//! translate it one operation at a time:
//!
//! - every net has an explicit width and no signedness: operators say how they read their
//!   operands ([`Op::Icmp`] has signed and unsigned predicates, extension is explicit);
//! - arithmetic ([`Op::Add`], [`Op::Sub`], [`Op::Mul`]) takes operands of the result's width
//!   and is modular (two's complement), like `comb.add`;
//! - operands are atoms ([`Value`]: a net or a constant), so the form is SSA and flat;
//! - registers ([`NetKind::Reg`]) share the module's one clock `clk` and synchronous,
//!   active-high reset `rst`, with a reset value, like `seq.compreg`;
//! - memories are read-only, initialised from a hex file, read combinationally.

/// Index of a net in its module.
pub type NetId = usize;

/// A constant bit pattern of a given width (bits above the width are zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Const {
    /// Width in bits (1..=128).
    pub width: u32,
    /// The bits, little-endian.
    pub bits: u128,
}

impl Const {
    /// The two's complement pattern of `value` in `width` bits (wrapping).
    pub fn new(width: u32, value: i128) -> Self {
        Const { width, bits: (value as u128) & mask(width) }
    }

    /// The value read as a signed number.
    pub fn signed(&self) -> i128 {
        let sh = 128 - self.width;
        ((self.bits << sh) as i128) >> sh
    }
}

/// All ones in the low `width` bits.
pub fn mask(width: u32) -> u128 {
    if width >= 128 { u128::MAX } else { (1u128 << width) - 1 }
}

/// An operand: a net or a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A net of the same module.
    Net(NetId),
    /// A constant.
    Const(Const),
}

/// Comparison predicates (`comb.icmp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pred {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Signed less than.
    Slt,
    /// Signed less or equal.
    Sle,
    /// Signed greater than.
    Sgt,
    /// Signed greater or equal.
    Sge,
    /// Unsigned less than.
    Ult,
    /// Unsigned greater or equal.
    Uge,
}

/// A combinational operator. Unless said otherwise, operands have the result's width.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A copy of a value (an alias or a constant driver).
    Id(Value),
    /// Modular sum.
    Add(Value, Value),
    /// Modular difference.
    Sub(Value, Value),
    /// Modular product (the low bits of the two's complement product).
    Mul(Value, Value),
    /// Bitwise and.
    And(Value, Value),
    /// Bitwise or.
    Or(Value, Value),
    /// Bitwise exclusive or.
    Xor(Value, Value),
    /// Bitwise not.
    Not(Value),
    /// A 1-bit comparison of two operands of equal width.
    Icmp(Pred, Value, Value),
    /// `sel ? a : b`, `sel` 1 bit.
    Mux(Value, Value, Value),
    /// Bits `lo .. lo + width` of the operand (the width is the net's).
    Extract(Value, u32),
    /// Concatenation, most significant operand first.
    Concat(Vec<Value>),
    /// The operand repeated `n` times (`comb.replicate`).
    Replicate(Value, u32),
    /// Element `addr` of a memory (combinational read).
    MemRead(usize, Value),
}

/// What drives a net.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetKind {
    /// An input port.
    Input,
    /// A combinational operator.
    Wire(Op),
    /// A register: its reset value and its value in the next cycle.
    Reg {
        /// Loaded while `rst` is high.
        reset: Value,
        /// Loaded on every other rising edge of `clk`.
        next: Value,
    },
    /// Output `port` of instance `inst`.
    InstanceOutput {
        /// The instance.
        inst: usize,
        /// The port name of the instantiated module.
        port: String,
    },
}

/// A named signal with a width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Net {
    /// Its name, unique in the module (already a valid identifier body; emitters add their
    /// fixed prefix or escape it).
    pub name: String,
    /// Width in bits.
    pub width: u32,
    /// Its driver.
    pub kind: NetKind,
}

/// An output port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// Port name.
    pub name: String,
    /// Width in bits.
    pub width: u32,
    /// What drives it.
    pub value: Value,
}

/// A read-only memory initialised from a hex file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Its name (also the stem of its hex file).
    pub name: String,
    /// Word width in bits.
    pub width: u32,
    /// The words, address 0 first.
    pub words: Vec<u128>,
}

/// An instance of another module of the design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Instance name.
    pub name: String,
    /// Index of the instantiated module in [`Design::modules`].
    pub module: usize,
    /// Values of its input ports, by port name, in the module's port order (`clk` and `rst`
    /// are connected implicitly).
    pub inputs: Vec<(String, Value)>,
}

/// A hardware module.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Module {
    /// Its name (unique in the design).
    pub name: String,
    /// A one-line description, emitted as a comment.
    pub doc: String,
    /// Whether it has registers or instances, and therefore `clk` and `rst` inputs.
    pub clocked: bool,
    /// Input ports besides `clk`/`rst`, in order (each is a net of kind [`NetKind::Input`]).
    pub inputs: Vec<NetId>,
    /// Output ports, in order.
    pub outputs: Vec<Output>,
    /// Every net, in definition order (a wire only reads nets defined before it, except
    /// register outputs, which may be read anywhere).
    pub nets: Vec<Net>,
    /// Memories.
    pub memories: Vec<Memory>,
    /// Instances.
    pub instances: Vec<Instance>,
}

impl Module {
    /// The width of an operand.
    pub fn width(&self, v: Value) -> u32 {
        match v {
            Value::Net(n) => self.nets[n].width,
            Value::Const(c) => c.width,
        }
    }
}

/// A whole design: its modules (instantiated modules come before their users) and the top.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Design {
    /// Modules, leaves first.
    pub modules: Vec<Module>,
    /// Index of the top module.
    pub top: usize,
}
