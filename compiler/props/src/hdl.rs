//! The monitors as hardware: a module `scn_props_NETWORK` that watches the traced ports of the
//! generated top (`s_spikes_P`, `s_P_x`) and computes one `ok_K` bit per check from counters
//! and comparators, then asserts it either as an immediate assertion in a clocked block (the
//! open-tool form SymbiYosys proves or refutes) or as concurrent SVA (`assert property` with
//! clocking and `disable iff`, for commercial tools). The hardware reads states at the start
//! of a step (what the state ports carry), spikes in the step.

use crate::monitor::{Cmp, Form, Monitor, Pred, Role, Target};
use scn_hw::trace::TraceLayout;
use std::fmt::Write as _;

/// Which assertion style to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `always @(posedge clk) if (!rst) assert (ok);` under `` `ifdef FORMAL ``.
    Immediate,
    /// `assert property (@(posedge clk) disable iff (rst) …);`
    Concurrent,
}

/// The module, and per monitor whether it has a hardware form (and why not).
pub struct Emitted {
    /// The Verilog/SystemVerilog text.
    pub text: String,
    /// Per monitor: `Ok(())` when asserted in the module, or why it is not.
    pub covered: Vec<Result<(), String>>,
}

/// The module name of a network's monitors.
pub fn module_name(network: &str) -> String {
    format!("scn_props_{}", scn_verilog_ident(network))
}

fn scn_verilog_ident(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

fn port(name: &str) -> String {
    format!("s_{}", scn_verilog_ident(name))
}

pub(crate) fn bits_for(n: u64) -> u32 {
    (64 - n.leading_zeros()).max(1) + 1
}

struct Gen<'a> {
    layout: &'a TraceLayout,
    decls: String,
    logic: String,
    fresh: usize,
    /// The deepest `$past` look-back of the concurrent properties (0: no `m_live` counter).
    live: u64,
}

impl Gen<'_> {
    fn spike(&self, pop: usize, n: u64) -> String {
        format!("{}[{n}]", port(&self.layout.pops[pop].spike_port))
    }

    fn target_bits(&self, t: &Target) -> Vec<String> {
        match t.neuron {
            Some(n) => vec![self.spike(t.pop, n)],
            None => (0..self.layout.pops[t.pop].size).map(|n| self.spike(t.pop, n)).collect(),
        }
    }

    fn bits(&self, ts: &[Target]) -> Vec<String> {
        ts.iter().flat_map(|t| self.target_bits(t)).collect()
    }

    fn any(&self, ts: &[Target]) -> String {
        let b = self.bits(ts);
        if b.is_empty() { "1'b0".into() } else { format!("({})", b.join(" | ")) }
    }

    fn popcount(&mut self, bits: &[String], width: u32) -> String {
        let w = self.wire(width);
        let sum = if bits.is_empty() { "0".to_string() } else { bits.join(" + ") };
        let _ = writeln!(self.logic, "    assign {w} = {sum};");
        w
    }

    fn wire(&mut self, width: u32) -> String {
        self.fresh += 1;
        let name = format!("m_w{}", self.fresh);
        let _ = writeln!(self.decls, "    wire [{}:0] {name};", width - 1);
        name
    }

    fn reg(&mut self, width: u32, reset: u64) -> (String, String) {
        self.fresh += 1;
        let name = format!("m_r{}", self.fresh);
        let _ = writeln!(self.decls, "    reg [{}:0] {name};", width - 1);
        (name, format!("{width}'d{reset}"))
    }

    /// A saturating "steps since the last event, as of the previous step" counter; before
    /// the first event it counts from `cap + 1` ("never") or, with `from_start`, from 0.
    fn since_from(&mut self, event: &str, cap: u64, from_start: bool) -> String {
        let w = bits_for(cap + 1);
        let (r, reset) = self.reg(w, if from_start { 0 } else { cap + 1 });
        let _ = writeln!(
            self.logic,
            "    always @(posedge clk) if (rst) {r} <= {reset}; else if ({event}) {r} <= {w}'d0; else if ({r} <= {w}'d{cap}) {r} <= {r} + {w}'d1;"
        );
        r
    }

    fn since(&mut self, event: &str, cap: u64) -> String {
        self.since_from(event, cap, false)
    }

    fn state(&self, pop: usize, n: u64, state: u16) -> Result<(String, &scn_hw::trace::StateLayout), String> {
        let s = &self.layout.pops[pop].states[state as usize];
        let lo = n as u32 * s.width;
        let slice = format!("{}[{}:{}]", port(&s.port), lo + s.width - 1, lo);
        Ok((if s.signed { format!("$signed({slice})") } else { slice }, s))
    }

    fn pred(&mut self, p: &Pred, me: Option<u64>, scales: &[Vec<(i64, i64)>]) -> Result<String, String> {
        Ok(match p {
            Pred::Const(b) => if *b { "1'b1" } else { "1'b0" }.into(),
            Pred::Spike(t) => match t.neuron.or(me) {
                Some(n) => self.spike(t.pop, n),
                None => self.any(&[*t]),
            },
            Pred::Stimulus(_) => return Err("stimuli are internal to the generated design".into()),
            Pred::State { pop, neuron, state, op, bound } => {
                let n = neuron.or(me).unwrap_or(0);
                let (sig, s) = self.state(*pop, n, *state)?;
                let (num, den) = scales[*pop][*state as usize];
                // raw = value / (num/den) · 2^F, compared exactly on the integer grid.
                let raw = bound * den as f64 / num as f64 * f64::from(1u32 << s.frac.min(31));
                let (k, op) = integer_bound(raw, *op);
                let lit = if k < 0 { format!("-{}'sd{}", s.width + 1, -k) } else { format!("{}'sd{k}", s.width + 1) };
                format!("({sig} {} {lit})", crate::engine::op_text(op))
            }
            Pred::Not(x) => format!("!{}", self.pred(x, me, scales)?),
            Pred::And(a, b) => format!("({} && {})", self.pred(a, me, scales)?, self.pred(b, me, scales)?),
            Pred::Or(a, b) => format!("({} || {})", self.pred(a, me, scales)?, self.pred(b, me, scales)?),
            Pred::Rise(x) => {
                let now = self.pred(x, me, scales)?;
                let (r, reset) = self.reg(1, 0);
                let _ = writeln!(self.logic, "    always @(posedge clk) if (rst) {r} <= {reset}; else {r} <= {now};");
                format!("({now} && !{r})")
            }
        })
    }

    /// The `ok` expression of one form.
    fn form(&mut self, f: &Form, scales: &[Vec<(i64, i64)>]) -> Result<String, String> {
        Ok(match f {
            Form::Always { pred, over } => {
                let who: Vec<Option<u64>> = match over {
                    Some((_, size)) => (0..*size).map(Some).collect(),
                    None => vec![None],
                };
                let parts: Result<Vec<String>, String> =
                    who.into_iter().map(|me| self.pred(pred, me, scales)).collect();
                format!("({})", parts?.join(" && "))
            }
            Form::Refractory { target, min } => {
                let mut parts = Vec::new();
                for b in self.target_bits(target) {
                    let gap = self.since(&b, *min);
                    parts.push(format!("(!{b} || {gap} + 1 >= {min})"));
                }
                format!("({})", parts.join(" && "))
            }
            Form::Exclusive { targets } => {
                let bits = self.bits(targets);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                format!("({c} <= 1)")
            }
            Form::Active { targets, op, bound } => {
                let bits = self.bits(targets);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                format!("({c} {} {bound})", crate::engine::op_text(*op))
            }
            Form::Separated { a, b, gap } => {
                let (xa, xb) = (self.any(&[*a]), self.any(&[*b]));
                let (sa, sb) = (self.since(&xa, *gap), self.since(&xb, *gap));
                format!("(!({xa} && ({xb} || {sb} + 1 <= {gap})) && !({xb} && {sa} + 1 <= {gap}))")
            }
            Form::Inactivity { targets, max } => {
                let x = self.any(targets);
                let s = self.since_from(&x, *max, true);
                format!("({x} || {s} + 1 <= {max})")
            }
            Form::SilentAfter { trigger, at_least, silent, steps } => {
                let bits = self.bits(trigger);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                let quiet = self.any(silent);
                let w = bits_for(*steps);
                let (r, reset) = self.reg(w, 0);
                let _ = writeln!(
                    self.logic,
                    "    always @(posedge clk) if (rst) {r} <= {reset}; else if ({c} >= {at_least}) {r} <= {w}'d{steps}; else if ({r} != 0) {r} <= {r} - 1;"
                );
                format!("!({r} != 0 && {quiet})")
            }
            Form::Window { targets, per_neuron, sliding, length, op, bound } => {
                if !op.is_upper() {
                    return Err("only upper window bounds have a hardware monitor".into());
                }
                let k = if *op == Cmp::Lt { bound.ceil() - 1 } else { bound.floor() };
                let groups: Vec<Vec<String>> = if *per_neuron {
                    self.bits(targets).into_iter().map(|b| vec![b]).collect()
                } else {
                    vec![self.bits(targets)]
                };
                let cw = bits_for(length * groups.iter().map(Vec::len).max().unwrap_or(1) as u64);
                let mut parts = Vec::new();
                let pos = if *sliding {
                    None
                } else {
                    let w = bits_for(*length);
                    let (p, reset) = self.reg(w, 0);
                    let _ = writeln!(
                        self.logic,
                        "    always @(posedge clk) if (rst) {p} <= {reset}; else if ({p} == {w}'d{}) {p} <= {reset}; else {p} <= {p} + 1;",
                        length - 1
                    );
                    Some(p)
                };
                for g in groups {
                    let now = self.popcount(&g, cw);
                    if let Some(p) = &pos {
                        let (c, reset) = self.reg(cw, 0);
                        let _ = writeln!(
                            self.logic,
                            "    always @(posedge clk) if (rst) {c} <= {reset}; else if ({p} == {}'d{}) {c} <= {reset}; else {c} <= {c} + {now};",
                            bits_for(*length),
                            length - 1
                        );
                        parts.push(format!("({c} + {now} <= {k})"));
                    } else {
                        // The last length-1 steps' counts in a shift register of counts.
                        let hist: Vec<String> = (0..length - 1).map(|_| self.reg(cw, 0).0).collect();
                        for (i, h) in hist.iter().enumerate() {
                            let from = if i == 0 { now.clone() } else { hist[i - 1].clone() };
                            let _ = writeln!(
                                self.logic,
                                "    always @(posedge clk) if (rst) {h} <= 0; else {h} <= {from};"
                            );
                        }
                        let total = self.wire(cw + 6);
                        let mut terms = vec![now.clone()];
                        terms.extend(hist);
                        let _ = writeln!(self.logic, "    assign {total} = {};", terms.join(" + "));
                        parts.push(format!("({total} <= {k})"));
                    }
                }
                format!("({})", parts.join(" && "))
            }
            Form::Response { cause, response, within } => {
                let (c, r) = (self.pred(cause, None, scales)?, self.pred(response, None, scales)?);
                let w = bits_for(*within + 1);
                let (pend, _) = self.reg(1, 0);
                let (age, _) = self.reg(w, 0);
                let _ = writeln!(
                    self.logic,
                    "    always @(posedge clk) if (rst) begin {pend} <= 0; {age} <= 0; end else if ({r}) {pend} <= 0; else if ({pend}) {age} <= {age} + 1; else if ({c}) begin {pend} <= 1; {age} <= 0; end"
                );
                format!("!(!{r} && (({pend} && {age} + 1 >= {within}) || (!{pend} && {c} && {within} == 0)))")
            }
            Form::Precedence { event, cause, within } => {
                let (e, c) = (self.pred(event, None, scales)?, self.pred(cause, None, scales)?);
                let s = self.since(&c, *within);
                format!("(!{e} || {s} + 1 <= {within})")
            }
            Form::NoOverflow { pop, state } => {
                let mut parts = Vec::new();
                for n in 0..self.layout.pops[*pop].size {
                    let s = &self.layout.pops[*pop].states[*state as usize];
                    let lo = n as u32 * s.width;
                    let slice = format!("{}[{}:{}]", port(&s.port), lo + s.width - 1, lo);
                    let (min, max) = if s.signed {
                        (
                            format!("{{1'b1, {{{}{{1'b0}}}}}}", s.width - 1),
                            format!("{{1'b0, {{{}{{1'b1}}}}}}", s.width - 1),
                        )
                    } else {
                        (format!("{}'d0", s.width), format!("{{{}{{1'b1}}}}", s.width))
                    };
                    parts.push(format!("({slice} != {min} && {slice} != {max})"));
                }
                format!("({})", parts.join(" && "))
            }
            Form::Prob { .. } | Form::Scc { .. } => {
                return Err("a statistical bound has no hardware monitor (check it by simulation)".into());
            }
        })
    }
}

impl Gen<'_> {
    /// `$past(x, i)` where step `i` back lies after the last reset (`m_live` counts the steps
    /// since reset, saturating at the deepest look-back), so a property never reads across a
    /// reset, as `disable iff (rst)` would not.
    fn past(&mut self, x: &str, i: u64) -> String {
        self.live = self.live.max(i);
        format!("(m_live >= {i} && $past({x}, {i}))")
    }

    /// Concurrent properties with implication and `$past`, for the forms that read naturally in
    /// SVA (the others assert their monitor's `ok` bit), one per watched neuron where the form
    /// is per neuron. Each fails in the step where the monitor's violation becomes certain.
    /// Only Boolean consequents are used (no `##[m:n]` delays or `[*n]` repetition, which
    /// Verilator 5.006 does not parse); every property equals the sequence form in its comment.
    fn temporal(&mut self, f: &Form, scales: &[Vec<(i64, i64)>]) -> Option<Vec<(String, String)>> {
        match f {
            Form::Refractory { target, min } if *min >= 2 => Some(
                self.target_bits(target)
                    .iter()
                    .map(|b| {
                        let before: Vec<String> = (1..*min).map(|i| self.past(b, i)).collect();
                        (format!("{b} |-> !({})", before.join(" || ")), format!("{b} |=> !{b} [*{}]", min - 1))
                    })
                    .collect(),
            ),
            Form::Response { cause, response, within } => {
                let c = self.pred(cause, None, scales).ok()?;
                let r = self.pred(response, None, scales).ok()?;
                let sequence = format!("{c} |-> ##[0:{within}] {r}");
                if *within == 0 {
                    return Some(vec![(format!("{c} |-> {r}"), sequence)]);
                }
                let mut seen = vec![r.clone()];
                seen.extend((1..=*within).map(|i| format!("$past({r}, {i})")));
                let started = self.past(&c, *within);
                Some(vec![(format!("{started} |-> ({})", seen.join(" || ")), sequence)])
            }
            Form::SilentAfter { trigger, at_least, silent, steps } if *steps >= 1 => {
                let bits = self.bits(trigger);
                let c = self.popcount(&bits, bits_for(bits.len() as u64));
                let quiet = self.any(silent);
                let fired = format!("({c} >= {at_least})");
                let before: Vec<String> = (1..=*steps).map(|i| self.past(&fired, i)).collect();
                Some(vec![(
                    format!("{quiet} |-> !({})", before.join(" || ")),
                    format!("{fired} |=> !{quiet} [*{steps}]"),
                )])
            }
            _ => None,
        }
    }
}

/// The tightest integer bound equivalent to `x OP raw` for an integer x.
pub(crate) fn integer_bound(raw: f64, op: Cmp) -> (i64, Cmp) {
    match op {
        Cmp::Le => (raw.floor() as i64, Cmp::Le),
        Cmp::Lt => (raw.ceil() as i64 - 1, Cmp::Le),
        Cmp::Ge => (raw.ceil() as i64, Cmp::Ge),
        Cmp::Gt => (raw.floor() as i64 + 1, Cmp::Ge),
        Cmp::Eq | Cmp::Ne if raw.fract() != 0.0 => (0, if op == Cmp::Eq { Cmp::Ne } else { Cmp::Eq }),
        other => (raw as i64, other),
    }
}

/// Emits the monitor module for a network's hardware layout. `scales` holds, per population,
/// each state's SI scale `(num, den)` as in the fixed-point model.
pub fn emit(monitors: &[Monitor], layout: &TraceLayout, scales: &[Vec<(i64, i64)>], style: Style) -> Emitted {
    let mut g = Gen { layout, decls: String::new(), logic: String::new(), fresh: 0, live: 0 };
    let mut asserts = String::new();
    let mut covered = Vec::new();
    for (k, m) in monitors.iter().enumerate() {
        if style == Style::Concurrent
            && let Some(props) = g.temporal(&m.form, scales)
        {
            let verb = if m.role == Role::Cover { "cover" } else { "assert" };
            let _ = writeln!(asserts, "    // {}", m.text);
            let many = props.len() > 1;
            for (n, (prop, sequence)) in props.iter().enumerate() {
                let label = if many { format!("p_{k}_{n}") } else { format!("p_{k}") };
                let _ = writeln!(asserts, "    // as a sequence: {sequence}");
                let _ = writeln!(asserts, "    {label}: {verb} property (@(posedge clk) disable iff (rst) {prop});");
            }
            covered.push(Ok(()));
            continue;
        }
        match g.form(&m.form, scales) {
            Ok(ok) => {
                let _ = writeln!(g.decls, "    wire ok_{k}; // {}", m.text);
                let _ = writeln!(g.logic, "    assign ok_{k} = {ok};");
                let verb = match m.role {
                    Role::Assert => "assert",
                    Role::Assume => "assume",
                    Role::Cover => "cover",
                };
                let expr = format!("ok_{k}");
                match style {
                    Style::Immediate => {
                        let _ = writeln!(asserts, "        if (!rst) {verb} ({expr}); // {}", m.text);
                    }
                    Style::Concurrent => {
                        let _ = writeln!(
                            asserts,
                            "    p_{k}: {verb} property (@(posedge clk) disable iff (rst) {expr}); // {}",
                            m.text
                        );
                    }
                }
                covered.push(Ok(()));
            }
            Err(why) => covered.push(Err(why)),
        }
    }
    let mut ports = vec!["    input wire clk".to_string(), "    input wire rst".to_string()];
    for p in &layout.pops {
        ports.push(format!("    input wire [{}:0] {}", p.size - 1, port(&p.spike_port)));
        for s in &p.states {
            ports.push(format!("    input wire [{}:0] {}", p.size as u32 * s.width - 1, port(&s.port)));
        }
    }
    let mut text = String::new();
    let _ = writeln!(text, "// Generated by scn verify: the property monitors of network {}.", layout.network);
    let _ = writeln!(text, "module {} (\n{}\n);", module_name(&layout.network), ports.join(",\n"));
    text.push_str(&g.decls);
    if g.live > 0 {
        let w = bits_for(g.live);
        let _ = writeln!(text, "    reg [{}:0] m_live; // steps since reset, up to {}", w - 1, g.live);
        let _ = writeln!(
            text,
            "    always @(posedge clk) if (rst) m_live <= {w}'d0; else if (m_live < {w}'d{}) m_live <= m_live + {w}'d1;",
            g.live
        );
    }
    text.push_str(&g.logic);
    match style {
        Style::Immediate => {
            let _ = writeln!(text, "`ifdef FORMAL\n    always @(posedge clk) begin\n{asserts}    end\n`endif");
        }
        Style::Concurrent => text.push_str(&asserts),
    }
    text.push_str("endmodule\n");
    Emitted { text, covered }
}
