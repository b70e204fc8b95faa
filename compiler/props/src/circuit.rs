//! The monitors as a module of the hardware IR (`scn_hw::ir`): the same counters and
//! comparators as the Verilog monitors of [`crate::hdl`], built with the IR's builder so that
//! every hardware emitter (CIRCT MLIR with `ltl`/`verif` directives) and the IR's own cycle
//! evaluator share one circuit. The module `props_NETWORK` reads the generated top's traced
//! ports (spikes of a step, states at the start of a step, under the same names) and drives one
//! output `ok_K` per monitor it covers, low in a cycle where the check is violated; its
//! [`Directive`]s assert (assume, cover) those bits, or for the forms that read naturally as
//! temporal formulas (refractory, response, silence after coactivation) the formula itself.

use crate::hdl::{bits_for, integer_bound};
use crate::monitor::{Cmp, Form, Monitor, Pred, Role, Target};
use scn_hw::assertion::{self, Directive, Ltl};
use scn_hw::builder::{ModuleBuilder, konst, signed_width};
use scn_hw::ir::{Module, Pred as IPred, Value};
use scn_hw::trace::TraceLayout;
use scn_runtime::ir::Network;

/// The monitor module of a network and its verification directives.
pub struct Circuit {
    /// The module: inputs are the traced ports, outputs `ok_K` per covered monitor.
    pub module: Module,
    /// One directive per covered monitor, labelled `p_K` after the monitor's index.
    pub directives: Vec<Directive>,
    /// Per monitor: `Ok(())` when the module checks it, or why it cannot.
    pub covered: Vec<Result<(), String>>,
}

/// Per population, each state's SI scale `(num, den)` (the fixed-point model's), as the
/// monitors compare states on the integer grid.
pub fn scales(net: &Network) -> Vec<Vec<(i64, i64)>> {
    net.populations
        .iter()
        .map(|p| net.models[p.model].fixed.as_ref().map(|f| f.state_scale.clone()).unwrap_or_default())
        .collect()
}

/// The name of the monitor module of a network (emitters add their prefix).
pub fn module_name(network: &str) -> String {
    format!("props_{network}")
}

/// Builds the monitor module of `monitors` over the traced ports of `layout`.
pub fn build(monitors: &[Monitor], layout: &TraceLayout, scales: &[Vec<(i64, i64)>]) -> Circuit {
    let doc = format!("the property monitors of network {}, over the traced ports of its top", layout.network);
    let mut b = ModuleBuilder::new(&module_name(&layout.network), &doc);
    let mut spikes = Vec::new();
    let mut states = Vec::new();
    for p in &layout.pops {
        spikes.push(b.input(&p.spike_port, p.size as u32));
        states.push(p.states.iter().map(|s| b.input(&s.port, p.size as u32 * s.width)).collect::<Vec<_>>());
    }
    let mut g = Gen { b, layout, scales, spikes, states };
    let mut directives = Vec::new();
    let mut covered = Vec::new();
    for (k, m) in monitors.iter().enumerate() {
        match g.form(&m.form) {
            Ok(ok) => {
                g.b.output(&format!("ok_{k}"), ok);
                let formula = g.temporal(&m.form).unwrap_or(Ltl::Bool(ok));
                let role = match m.role {
                    Role::Assert => assertion::Role::Assert,
                    Role::Assume => assertion::Role::Assume,
                    Role::Cover => assertion::Role::Cover,
                };
                directives.push(Directive { label: format!("p_{k}"), text: m.text.clone(), role, formula });
                covered.push(Ok(()));
            }
            Err(why) => covered.push(Err(why)),
        }
    }
    let mut module = g.b.finish();
    // The directives are clocked and reset even when no monitor needs a register.
    module.clocked = true;
    Circuit { module, directives, covered }
}

struct Gen<'a> {
    b: ModuleBuilder,
    layout: &'a TraceLayout,
    scales: &'a [Vec<(i64, i64)>],
    /// The spike port of every population.
    spikes: Vec<Value>,
    /// The state ports of every population.
    states: Vec<Vec<Value>>,
}

const T: Value = Value::Const(scn_hw::ir::Const { width: 1, bits: 1 });
const F: Value = Value::Const(scn_hw::ir::Const { width: 1, bits: 0 });

fn ipred(op: Cmp, signed: bool) -> Option<IPred> {
    Some(match (op, signed) {
        (Cmp::Eq, _) => IPred::Eq,
        (Cmp::Ne, _) => IPred::Ne,
        (Cmp::Lt, true) => IPred::Slt,
        (Cmp::Le, true) => IPred::Sle,
        (Cmp::Gt, true) => IPred::Sgt,
        (Cmp::Ge, true) => IPred::Sge,
        (Cmp::Lt, false) => IPred::Ult,
        (Cmp::Ge, false) => IPred::Uge,
        (Cmp::Le | Cmp::Gt, false) => return None,
    })
}

impl Gen<'_> {
    fn spike(&mut self, pop: usize, n: u64) -> Value {
        let name = format!("{}_{n}", self.layout.pops[pop].spike_port);
        self.b.extract(&name, self.spikes[pop], n as u32, 1)
    }

    fn target_bits(&mut self, t: &Target) -> Vec<Value> {
        match t.neuron {
            Some(n) => vec![self.spike(t.pop, n)],
            None => (0..self.layout.pops[t.pop].size).map(|n| self.spike(t.pop, n)).collect(),
        }
    }

    fn bits(&mut self, ts: &[Target]) -> Vec<Value> {
        ts.iter().flat_map(|t| self.target_bits(t)).collect()
    }

    fn any(&mut self, ts: &[Target]) -> Value {
        let bits = self.bits(ts);
        bits.into_iter().reduce(|a, b| self.b.or("any", a, b)).unwrap_or(F)
    }

    fn all(&mut self, parts: Vec<Value>) -> Value {
        parts.into_iter().reduce(|a, b| self.b.and("all", a, b)).unwrap_or(T)
    }

    /// The number of set bits, `width` bits wide.
    fn popcount(&mut self, bits: &[Value], width: u32) -> Value {
        let mut sum = konst(width, 0);
        for &bit in bits {
            let x = self.b.zext("bit", bit, width);
            sum = self.b.add("count", sum, x);
        }
        sum
    }

    /// `v + add OP k` for an unsigned `v`, compared exactly (zero-extended to a width that
    /// holds both sides).
    fn compare(&mut self, v: Value, add: u64, op: Cmp, k: i128) -> Value {
        let w = self.b.width(v);
        let wide = w.max(signed_width(k.min(0), k.max(0).saturating_add(add as i128))).max(1) + 2;
        let x = self.b.zext("wide", v, wide);
        let x = if add == 0 { x } else { self.b.add("plus", x, konst(wide, add as i128)) };
        let p = ipred(op, true).expect("signed predicates cover every comparison");
        self.b.icmp("cmp", p, x, konst(wide, k))
    }

    fn is_zero(&mut self, v: Value) -> Value {
        let w = self.b.width(v);
        self.b.icmp("zero", IPred::Eq, v, konst(w, 0))
    }

    /// A register with reset value `reset`, whose next value `next` computes from its output.
    fn reg(&mut self, hint: &str, width: u32, reset: i128, next: impl FnOnce(&mut Self, Value) -> Value) -> Value {
        let r = self.b.reg(hint, width, konst(width, reset));
        let n = next(self, Value::Net(r));
        self.b.set_next(r, n);
        Value::Net(r)
    }

    /// A saturating count of the steps since the last `event`, as of the previous step:
    /// before the first event it counts from `cap + 1` ("never") or, with `from_start`, from 0.
    fn since_from(&mut self, event: Value, cap: u64, from_start: bool) -> Value {
        let w = bits_for(cap + 1);
        let reset = if from_start { 0 } else { i128::from(cap) + 1 };
        self.reg("since", w, reset, |g, r| {
            let below = g.compare(r, 0, Cmp::Le, i128::from(cap));
            let inc = g.b.add("since_inc", r, konst(w, 1));
            let counted = g.b.mux("since_count", below, inc, r);
            g.b.mux("since_next", event, konst(w, 0), counted)
        })
    }

    fn state(&mut self, pop: usize, n: u64, state: u16, op: Cmp, bound: f64) -> Value {
        let s = &self.layout.pops[pop].states[state as usize];
        let (width, signed, frac) = (s.width, s.signed, s.frac);
        let slice =
            self.b.extract(&format!("{}_{n}", s.port), self.states[pop][state as usize], n as u32 * width, width);
        let (num, den) = self.scales[pop][state as usize];
        // raw = value / (num/den) · 2^F, compared exactly on the integer grid.
        let raw = bound * den as f64 / num as f64 * f64::from(1u32 << frac.min(31));
        let (k, op) = integer_bound(raw, op);
        let k = i128::from(k);
        let wide = (width + 1).max(signed_width(k.min(0), k.max(0))) + 1;
        let x = if signed { self.b.sext("state", slice, wide) } else { self.b.zext("state", slice, wide) };
        let p = ipred(op, true).expect("signed predicates cover every comparison");
        self.b.icmp("state_cmp", p, x, konst(wide, k))
    }

    fn pred(&mut self, p: &Pred, me: Option<u64>) -> Result<Value, String> {
        Ok(match p {
            Pred::Const(c) => {
                if *c {
                    T
                } else {
                    F
                }
            }
            Pred::Spike(t) => match t.neuron.or(me) {
                Some(n) => self.spike(t.pop, n),
                None => self.any(&[*t]),
            },
            Pred::Stimulus(_) => return Err("stimuli are internal to the generated design".into()),
            Pred::State { pop, neuron, state, op, bound } => {
                self.state(*pop, neuron.or(me).unwrap_or(0), *state, *op, *bound)
            }
            Pred::Not(x) => {
                let v = self.pred(x, me)?;
                self.b.not("not", v)
            }
            Pred::And(a, c) => {
                let (x, y) = (self.pred(a, me)?, self.pred(c, me)?);
                self.b.and("and", x, y)
            }
            Pred::Or(a, c) => {
                let (x, y) = (self.pred(a, me)?, self.pred(c, me)?);
                self.b.or("or", x, y)
            }
            Pred::Rise(x) => {
                let now = self.pred(x, me)?;
                let before = self.reg("before", 1, 0, |_, _| now);
                let fresh = self.b.not("not_before", before);
                self.b.and("rise", now, fresh)
            }
        })
    }

    /// The `ok` bit of one form.
    fn form(&mut self, f: &Form) -> Result<Value, String> {
        Ok(match f {
            Form::Always { pred, over } => {
                let who: Vec<Option<u64>> = match over {
                    Some((_, size)) => (0..*size).map(Some).collect(),
                    None => vec![None],
                };
                let parts = who.into_iter().map(|me| self.pred(pred, me)).collect::<Result<Vec<_>, _>>()?;
                self.all(parts)
            }
            Form::Refractory { target, min } => {
                let mut parts = Vec::new();
                for bit in self.target_bits(target) {
                    let gap = self.since_from(bit, *min, false);
                    let long = self.compare(gap, 1, Cmp::Ge, i128::from(*min));
                    let quiet = self.b.not("quiet", bit);
                    parts.push(self.b.or("refractory_ok", quiet, long));
                }
                self.all(parts)
            }
            Form::Exclusive { targets } => {
                let bits = self.bits(targets);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                self.compare(c, 0, Cmp::Le, 1)
            }
            Form::Active { targets, op, bound } => {
                let bits = self.bits(targets);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                self.compare(c, 0, *op, i128::from(*bound))
            }
            Form::Separated { a, b, gap } => {
                let (xa, xb) = (self.any(&[*a]), self.any(&[*b]));
                let (sa, sb) = (self.since_from(xa, *gap, false), self.since_from(xb, *gap, false));
                let (near_a, near_b) =
                    (self.compare(sa, 1, Cmp::Le, i128::from(*gap)), self.compare(sb, 1, Cmp::Le, i128::from(*gap)));
                let b_close = self.b.or("b_close", xb, near_b);
                let bad_a = self.b.and("bad_a", xa, b_close);
                let bad_b = self.b.and("bad_b", xb, near_a);
                let bad = self.b.or("bad", bad_a, bad_b);
                self.b.not("separated_ok", bad)
            }
            Form::Inactivity { targets, max } => {
                let x = self.any(targets);
                let s = self.since_from(x, *max, true);
                let short = self.compare(s, 1, Cmp::Le, i128::from(*max));
                self.b.or("inactivity_ok", x, short)
            }
            Form::SilentAfter { trigger, at_least, silent, steps } => {
                let bits = self.bits(trigger);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                let fired = self.compare(c, 0, Cmp::Ge, i128::from(*at_least));
                let quiet = self.any(silent);
                let w = bits_for(*steps);
                let left = self.reg("silence_left", w, 0, |g, r| {
                    let z = g.is_zero(r);
                    let dec = g.b.sub("silence_dec", r, konst(w, 1));
                    let counted = g.b.mux("silence_count", z, r, dec);
                    g.b.mux("silence_next", fired, konst(w, i128::from(*steps)), counted)
                });
                let z = self.is_zero(left);
                let waiting = self.b.not("silence_on", z);
                let bad = self.b.and("bad", waiting, quiet);
                self.b.not("silent_ok", bad)
            }
            Form::Window { targets, per_neuron, sliding, length, op, bound } => {
                if !op.is_upper() {
                    return Err("only upper window bounds have a hardware monitor".into());
                }
                let k = if *op == Cmp::Lt { bound.ceil() - 1 } else { bound.floor() };
                let groups: Vec<Vec<Value>> = if *per_neuron {
                    self.bits(targets).into_iter().map(|b| vec![b]).collect()
                } else {
                    vec![self.bits(targets)]
                };
                let cw = bits_for(length * groups.iter().map(Vec::len).max().unwrap_or(1) as u64);
                let len = *length;
                // Tumbling windows: the position in the window and whether this is its last step.
                let last = (!*sliding).then(|| {
                    let w = bits_for(len);
                    let p = self.b.reg("window_pos", w, konst(w, 0));
                    let last = self.b.icmp("window_last", IPred::Eq, Value::Net(p), konst(w, i128::from(len) - 1));
                    let inc = self.b.add("window_inc", Value::Net(p), konst(w, 1));
                    let next = self.b.mux("window_next", last, konst(w, 0), inc);
                    self.b.set_next(p, next);
                    last
                });
                let mut parts = Vec::new();
                for group in groups {
                    let now = self.popcount(&group, cw);
                    let total = match last {
                        Some(last) => {
                            let count = self.reg("window_count", cw, 0, |g, c| {
                                let sum = g.b.add("window_sum", c, now);
                                g.b.mux("window_count_next", last, konst(cw, 0), sum)
                            });
                            let (c, n) =
                                (self.b.zext("count_wide", count, cw + 1), self.b.zext("now_wide", now, cw + 1));
                            self.b.add("window_total", c, n)
                        }
                        None => {
                            // The last length-1 steps' counts in a shift register of counts.
                            let mut total = now;
                            let mut from = now;
                            for _ in 1..len {
                                let h = self.reg("window_hist", cw, 0, |_, _| from);
                                total = self.b.add("window_total", total, h);
                                from = h;
                            }
                            total
                        }
                    };
                    parts.push(if k < 0 { F } else { self.compare(total, 0, Cmp::Le, k) });
                }
                self.all(parts)
            }
            Form::Response { cause, response, within } => {
                let (c, r) = (self.pred(cause, None)?, self.pred(response, None)?);
                let w = bits_for(*within + 1);
                let pend_reg = self.b.reg("pending", 1, F);
                let age_reg = self.b.reg("age", w, konst(w, 0));
                let (pend, age) = (Value::Net(pend_reg), Value::Net(age_reg));
                // if r: pend <= 0; else if pend: age <= age + 1; else if c: pend <= 1, age <= 0.
                let unanswered = self.b.not("unanswered", r);
                let idle = self.b.not("idle", pend);
                let start = {
                    let s = self.b.and("start", idle, c);
                    self.b.and("start_now", s, unanswered)
                };
                let inc = self.b.add("age_inc", age, konst(w, 1));
                let aging = self.b.and("aging", pend, unanswered);
                let aged = self.b.mux("age_aged", aging, inc, age);
                let age_next = self.b.mux("age_next", start, konst(w, 0), aged);
                let pend_kept = self.b.or("pend_kept", pend, start);
                let pend_next = self.b.mux("pend_next", r, F, pend_kept);
                self.b.set_next(pend_reg, pend_next);
                self.b.set_next(age_reg, age_next);
                let late = self.compare(age, 1, Cmp::Ge, i128::from(*within));
                let overdue = self.b.and("overdue", pend, late);
                let immediate = if *within == 0 { self.b.and("immediate", idle, c) } else { F };
                let missed = self.b.or("missed", overdue, immediate);
                let bad = self.b.and("bad", unanswered, missed);
                self.b.not("response_ok", bad)
            }
            Form::Precedence { event, cause, within } => {
                let (e, c) = (self.pred(event, None)?, self.pred(cause, None)?);
                let s = self.since_from(c, *within, false);
                let recent = self.compare(s, 1, Cmp::Le, i128::from(*within));
                let none = self.b.not("no_event", e);
                self.b.or("precedence_ok", none, recent)
            }
            Form::NoOverflow { pop, state } => {
                let mut parts = Vec::new();
                for n in 0..self.layout.pops[*pop].size {
                    let s = &self.layout.pops[*pop].states[*state as usize];
                    let (width, signed) = (s.width, s.signed);
                    let slice = self.b.extract(
                        &format!("{}_{n}", s.port),
                        self.states[*pop][*state as usize],
                        n as u32 * width,
                        width,
                    );
                    let (min, max) = if signed {
                        (konst(width, -(1i128 << (width - 1))), konst(width, (1i128 << (width - 1)) - 1))
                    } else {
                        (konst(width, 0), konst(width, -1))
                    };
                    let not_min = self.b.icmp("not_min", IPred::Ne, slice, min);
                    let not_max = self.b.icmp("not_max", IPred::Ne, slice, max);
                    parts.push(self.b.and("in_range", not_min, not_max));
                }
                self.all(parts)
            }
            Form::Prob { .. } | Form::Scc { .. } => {
                return Err("a statistical bound has no hardware monitor (check it by simulation)".into());
            }
        })
    }

    /// A temporal formula for the forms that read naturally with implication and delays.
    fn temporal(&mut self, f: &Form) -> Option<Ltl> {
        match f {
            Form::Refractory { target, min } if *min >= 2 => {
                let bits = self.target_bits(target);
                let parts: Vec<Ltl> = bits
                    .into_iter()
                    .map(|bit| {
                        let quiet = self.b.not("quiet", bit);
                        Ltl::next_implies(bit, Ltl::repeat(quiet, min - 1))
                    })
                    .collect();
                Some(if parts.len() == 1 { parts.into_iter().next()? } else { Ltl::And(parts) })
            }
            Form::Response { cause, response, within } => {
                let c = self.pred(cause, None).ok()?;
                let r = self.pred(response, None).ok()?;
                let later = Ltl::Delay { seq: Box::new(Ltl::Bool(r)), min: 0, length: Some(*within) };
                Some(Ltl::Implication(Box::new(Ltl::Bool(c)), Box::new(later)))
            }
            Form::SilentAfter { trigger, at_least, silent, steps } if *steps >= 1 => {
                let bits = self.bits(trigger);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                let fired = self.compare(c, 0, Cmp::Ge, i128::from(*at_least));
                let quiet = self.any(silent);
                let none = self.b.not("quiet", quiet);
                Some(Ltl::next_implies(fired, Ltl::repeat(none, *steps)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_hw::eval::{Sim, output};
    use scn_hw::trace::PopLayout;

    fn layout(size: u64) -> TraceLayout {
        TraceLayout {
            network: "N".into(),
            pops: vec![PopLayout { name: "n".into(), size, spike_port: "spikes_n".into(), states: vec![] }],
            outputs: vec![],
            frame_port: None,
            frame: 0,
        }
    }

    /// Runs the module over per-step spike words; returns the first step whose `ok_0` is low.
    fn first_failure(m: &Module, words: &[u128]) -> Option<usize> {
        let mut sim = Sim::new(m);
        words.iter().position(|&w| output(m, &sim.cycle(&[w]), 0) == 0)
    }

    fn monitor(form: Form) -> Monitor {
        Monitor { property: "p".into(), text: "t".into(), role: Role::Assert, methods: vec![], depth: None, form }
    }

    #[test]
    fn a_refractory_monitor_fails_at_the_second_spike_of_a_short_interval() {
        let m = monitor(Form::Refractory { target: Target { pop: 0, neuron: Some(0) }, min: 3 });
        let c = build(&[m], &layout(1), &[vec![]]);
        assert_eq!(c.covered, vec![Ok(())]);
        assert_eq!(first_failure(&c.module, &[1, 0, 0, 1, 0, 0, 1]), None);
        assert_eq!(first_failure(&c.module, &[1, 0, 0, 1, 0, 1]), Some(5));
        let Ltl::Implication(..) = &c.directives[0].formula else { panic!("{:?}", c.directives[0]) };
    }

    #[test]
    fn statistical_bounds_are_refused_with_a_reason() {
        let m = monitor(Form::Prob { pred: Pred::Const(true), lo: 0.0, hi: 1.0 });
        let c = build(&[m], &layout(1), &[vec![]]);
        assert!(c.covered[0].as_ref().is_err_and(|w| w.contains("simulation")));
        assert!(c.module.outputs.is_empty() && c.directives.is_empty());
    }

    #[test]
    fn an_exclusive_monitor_counts_coincident_spikes() {
        let targets = vec![Target { pop: 0, neuron: None }];
        let c = build(&[monitor(Form::Exclusive { targets })], &layout(3), &[vec![]]);
        assert_eq!(first_failure(&c.module, &[0b001, 0b100, 0b000, 0b110]), Some(3));
        assert_eq!(c.directives[0].formula, Ltl::Bool(c.module.outputs[0].value));
    }
}
