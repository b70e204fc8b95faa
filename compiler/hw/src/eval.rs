//! A cycle-level evaluator of the hardware IR, for unit tests of the lowering without external
//! simulators (and, later, as a reference for the other hardware emitters): every net's value
//! in one cycle from the input ports and the registers.

use crate::ir::{Module, NetKind, Op, Pred, Value, mask};

fn sext(bits: u128, width: u32) -> i128 {
    let sh = 128 - width;
    ((bits << sh) as i128) >> sh
}

/// The value of every net of `m` (flat modules only) in a cycle, given each input port's bits
/// (in port order) and each register's bits (in net order, registers only).
pub fn eval_cycle(m: &Module, inputs: &[u128], regs: &[u128]) -> Vec<u128> {
    let mut vals = vec![0u128; m.nets.len()];
    let mut next_input = inputs.iter();
    let mut next_reg = regs.iter();
    for (id, net) in m.nets.iter().enumerate() {
        match net.kind {
            NetKind::Input => vals[id] = next_input.next().copied().unwrap_or(0) & mask(net.width),
            NetKind::Reg { .. } => vals[id] = next_reg.next().copied().unwrap_or(0) & mask(net.width),
            _ => {}
        }
    }
    for (id, net) in m.nets.iter().enumerate() {
        let NetKind::Wire(op) = &net.kind else { continue };
        let w = net.width;
        let v = |x: &Value| match x {
            Value::Net(n) => vals[*n],
            Value::Const(c) => c.bits,
        };
        let wv = |x: &Value| m.width(*x);
        let r = match op {
            Op::Id(a) => v(a),
            Op::Add(a, b) => v(a).wrapping_add(v(b)),
            Op::Sub(a, b) => v(a).wrapping_sub(v(b)),
            Op::Mul(a, b) => v(a).wrapping_mul(v(b)),
            Op::And(a, b) => v(a) & v(b),
            Op::Or(a, b) => v(a) | v(b),
            Op::Xor(a, b) => v(a) ^ v(b),
            Op::Not(a) => !v(a),
            Op::Icmp(p, a, b) => {
                let (x, y) = (v(a), v(b));
                let (sx, sy) = (sext(x, wv(a)), sext(y, wv(b)));
                u128::from(match p {
                    Pred::Eq => x == y,
                    Pred::Ne => x != y,
                    Pred::Ult => x < y,
                    Pred::Uge => x >= y,
                    Pred::Slt => sx < sy,
                    Pred::Sle => sx <= sy,
                    Pred::Sgt => sx > sy,
                    Pred::Sge => sx >= sy,
                })
            }
            Op::Mux(s, a, b) => {
                if v(s) & 1 == 1 {
                    v(a)
                } else {
                    v(b)
                }
            }
            Op::Extract(a, lo) => v(a) >> lo,
            Op::Concat(parts) => parts.iter().fold(0u128, |acc, p| (acc << wv(p)) | v(p)),
            Op::Replicate(a, n) => (0..*n).fold(0u128, |acc, _| (acc << wv(a)) | v(a)),
            Op::MemRead(mem, a) => m.memories[*mem].words.get(v(a) as usize).copied().unwrap_or(0),
        };
        vals[id] = r & mask(w);
    }
    vals
}

/// The value of output `k` in a cycle.
pub fn output(m: &Module, vals: &[u128], k: usize) -> u128 {
    match m.outputs[k].value {
        Value::Net(n) => vals[n],
        Value::Const(c) => c.bits,
    }
}

/// A clocked simulation of a flat module: registers start at their reset values (as after a
/// reset cycle) and load their next values on every [`Sim::cycle`].
pub struct Sim<'m> {
    m: &'m Module,
    regs: Vec<u128>,
}

impl<'m> Sim<'m> {
    /// The module out of reset.
    pub fn new(m: &'m Module) -> Self {
        let regs = m
            .nets
            .iter()
            .filter_map(|n| match &n.kind {
                NetKind::Reg { reset: Value::Const(c), .. } => Some(c.bits),
                NetKind::Reg { .. } => Some(0),
                _ => None,
            })
            .collect();
        Sim { m, regs }
    }

    /// One cycle with these input bits (in port order): every net's value before the clock
    /// edge; then the registers load their next values.
    pub fn cycle(&mut self, inputs: &[u128]) -> Vec<u128> {
        let vals = eval_cycle(self.m, inputs, &self.regs);
        self.regs = self
            .m
            .nets
            .iter()
            .filter_map(|n| match &n.kind {
                NetKind::Reg { next: Value::Net(k), .. } => Some(vals[*k]),
                NetKind::Reg { next: Value::Const(c), .. } => Some(c.bits),
                _ => None,
            })
            .collect();
        vals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arith::{Arith, Fmt};
    use crate::builder::ModuleBuilder;
    use proptest::prelude::*;
    use scn_runtime::fixed::{Exact, Fix, Overflow, Rounding, requantize};

    /// Builds `a OP b` re-quantised, evaluates it, and returns the raw result.
    fn hardware(fmt: Fmt, op: u8, a: i128, b: i128) -> i128 {
        let mut mb = ModuleBuilder::new("t", "test");
        let (x, y) = (mb.input("a", fmt.width), mb.input("b", fmt.width));
        let mut ar = Arith { b: &mut mb, fmt };
        let (x, y) = (ar.from_storage(x), ar.from_storage(y));
        let exact = match op {
            0 => ar.exact_addsub(x, y, false),
            1 => ar.exact_addsub(x, y, true),
            _ => ar.exact_mul(x, y),
        };
        let r = ar.requant(exact);
        mb.output("r", r);
        let m = mb.finish();
        let vals = eval_cycle(&m, &[(a as u128) & mask(fmt.width), (b as u128) & mask(fmt.width)], &[]);
        let bits = output(&m, &vals, 0);
        if fmt.signed { sext(bits, fmt.width) } else { bits as i128 }
    }

    fn reference(fmt: Fmt, op: u8, a: i128, b: i128) -> i128 {
        let (x, y) = (Exact::new(a, fmt.frac), Exact::new(b, fmt.frac));
        let e = match op {
            0 => x.checked_add(y),
            1 => x.checked_sub(y),
            _ => x.checked_mul(y),
        }
        .unwrap();
        let f = Fix::new(fmt.signed, fmt.width, fmt.frac).unwrap();
        requantize(e, f, fmt.rounding, fmt.overflow, 0).unwrap().raw()
    }

    #[test]
    fn known_roundings_and_overflows() {
        let q88 = |overflow, rounding| Fmt { signed: true, width: 16, frac: 8, overflow, rounding };
        let (sat, wrap) = (Overflow::Saturate, Overflow::Wrap);
        // 1.5 LSB and 2.5 LSB products: ties.
        assert_eq!(hardware(q88(sat, Rounding::NearestEven), 2, 384, 1), 2);
        assert_eq!(hardware(q88(sat, Rounding::NearestEven), 2, 640, 1), 2);
        assert_eq!(hardware(q88(sat, Rounding::NearestAway), 2, 640, 1), 3);
        assert_eq!(hardware(q88(sat, Rounding::NearestAway), 2, -640, 1), -3);
        assert_eq!(hardware(q88(sat, Rounding::NearestEven), 2, -640, 1), -2);
        assert_eq!(hardware(q88(sat, Rounding::Floor), 2, -640, 1), -3);
        // Overflowing sums and products.
        assert_eq!(hardware(q88(sat, Rounding::Floor), 0, 32000, 1000), 32767);
        assert_eq!(hardware(q88(wrap, Rounding::Floor), 0, 32000, 1000), 33000 - 65536);
        assert_eq!(hardware(q88(sat, Rounding::Floor), 1, -32000, 1000), -32768);
        assert_eq!(hardware(q88(wrap, Rounding::Floor), 2, 256 * 100, 256 * 2), 51200 - 65536);
        let u = Fmt { signed: false, width: 8, frac: 4, overflow: sat, rounding: Rounding::NearestEven };
        assert_eq!(hardware(u, 1, 3, 200), 0, "unsigned saturates at 0");
        assert_eq!(hardware(u, 0, 200, 100), 255);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn arithmetic_matches_the_runtime_requantisation(
            signed in any::<bool>(),
            width in 2u32..=32,
            frac_pick in 0u32..32,
            overflow in prop_oneof![Just(Overflow::Saturate), Just(Overflow::Wrap)],
            rounding in prop_oneof![Just(Rounding::Floor), Just(Rounding::NearestEven), Just(Rounding::NearestAway)],
            op in 0u8..3,
            ra in any::<u64>(),
            rb in any::<u64>(),
        ) {
            let frac = frac_pick % width;
            let fmt = Fmt { signed, width, frac, overflow, rounding };
            let span = (fmt.max_raw() - fmt.min_raw() + 1) as u128;
            let a = fmt.min_raw() + (u128::from(ra) % span) as i128;
            let b = fmt.min_raw() + (u128::from(rb) % span) as i128;
            prop_assert_eq!(hardware(fmt, op, a, b), reference(fmt, op, a, b), "{:?} op {} on {} {}", fmt, op, a, b);
        }
    }
}
