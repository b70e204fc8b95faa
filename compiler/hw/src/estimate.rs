//! A resource estimate from the IR, printed before synthesis: flip-flops are the register
//! bits; LUTs are counted per operator bit with the usual costs of a 4-input-LUT fabric
//! (an adder costs one LUT per bit; a multiplexer or an ordered comparison, which synthesis
//! merges into neighbouring logic and carry chains, half a LUT per bit; an equality or a
//! bitwise gate a third; a product of two variables w²/2; wiring, constants and memories read
//! at constant addresses nothing), calibrated on the examples against Yosys `synth_ice40`.
//! Instances count once per instance.

use crate::ir::{Design, NetKind, Op, Pred, Value};

/// Estimated resources of a design.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    /// Flip-flops (register bits).
    pub ffs: u64,
    /// 4-input LUTs.
    pub luts: u64,
    /// Bits of read-only memory.
    pub memory_bits: u64,
}

fn module_cost(design: &Design, k: usize, memo: &mut Vec<Option<Estimate>>) -> Estimate {
    if let Some(e) = memo[k] {
        return e;
    }
    let m = &design.modules[k];
    let mut e = Estimate::default();
    for n in &m.nets {
        let w = u64::from(n.width);
        match &n.kind {
            NetKind::Reg { .. } => e.ffs += w,
            NetKind::Wire(op) => {
                e.luts += match op {
                    Op::Add(..) | Op::Sub(..) => w,
                    Op::Mux(..) => w.div_ceil(2),
                    Op::Mul(a, b) => {
                        if matches!(a, Value::Const(_)) || matches!(b, Value::Const(_)) {
                            w
                        } else {
                            w * w / 2
                        }
                    }
                    Op::Icmp(p, a, _) => {
                        let ow = u64::from(m.width(*a));
                        if matches!(p, Pred::Eq | Pred::Ne) { ow.div_ceil(3) } else { ow.div_ceil(2) }
                    }
                    Op::And(..) | Op::Or(..) | Op::Xor(..) => w.div_ceil(3),
                    Op::MemRead(_, Value::Net(_)) => w,
                    _ => 0,
                }
            }
            _ => {}
        }
    }
    for mem in &m.memories {
        e.memory_bits += u64::from(mem.width) * mem.words.len() as u64;
    }
    for inst in &m.instances {
        let sub = module_cost(design, inst.module, memo);
        e.ffs += sub.ffs;
        e.luts += sub.luts;
        e.memory_bits += sub.memory_bits;
    }
    memo[k] = Some(e);
    e
}

/// The estimate of the top module with everything it instantiates.
pub fn estimate(design: &Design) -> Estimate {
    let mut memo = vec![None; design.modules.len()];
    module_cost(design, design.top, &mut memo)
}
