//! The monitor automaton: one step at a time, counters and comparators per form, a verdict at
//! the end. The interpreter hook and the trace replayer both drive this one implementation.

use crate::monitor::{Cmp, Form, Pred, Role, Target};
use crate::verdict::{Outcome, Violation};
use crate::view::Step;
use scn_units::Rational;
use std::collections::{HashMap, VecDeque};

/// A running monitor.
pub struct Engine<'m> {
    form: &'m Form,
    role: Role,
    sizes: Vec<u64>,
    names: Vec<String>,
    steps: u64,
    failed: Option<Violation>,
    covered: Option<u64>,
    /// `rise(e)`: the value of each `rise` node per neuron in the previous step.
    rise: HashMap<(usize, u64), bool>,
    /// Per neuron: the step of its last spike (refractory).
    last: HashMap<(usize, u64), u64>,
    /// Window counts per key, and the spikes still inside a sliding window.
    counts: HashMap<(usize, u64), u64>,
    window: VecDeque<(u64, (usize, u64))>,
    /// Last step of A and of B (separated), last cause (precedence).
    last_a: Option<u64>,
    last_b: Option<u64>,
    /// Open obligations: deadlines (response), the end of a required silence.
    pending: VecDeque<(u64, u64)>,
    silent_until: Option<(u64, u64)>,
    /// Consecutive silent steps (inactivity).
    silence: u64,
    /// Counts for `prob` and `scc`: steps where a, b, both hold.
    hits: (u64, u64, u64),
}

/// The neurons of a target list, expanded.
fn neurons(targets: &[Target], sizes: &[u64]) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    for t in targets {
        match t.neuron {
            Some(n) => out.push((t.pop, n)),
            None => out.extend((0..sizes[t.pop]).map(|n| (t.pop, n))),
        }
    }
    out
}

fn covered_spikes(targets: &[Target], step: &Step<'_>) -> Vec<(usize, u64)> {
    step.spikes.iter().copied().filter(|&(p, n)| targets.iter().any(|t| t.covers(p, n))).collect()
}

impl<'m> Engine<'m> {
    /// A monitor for a network whose populations have these sizes and names.
    pub fn new(form: &'m Form, role: Role, sizes: &[u64], names: &[String]) -> Self {
        Engine {
            form,
            role,
            sizes: sizes.to_vec(),
            names: names.to_vec(),
            steps: 0,
            failed: None,
            covered: None,
            rise: HashMap::new(),
            last: HashMap::new(),
            counts: HashMap::new(),
            window: VecDeque::new(),
            last_a: None,
            last_b: None,
            pending: VecDeque::new(),
            silent_until: None,
            silence: 0,
            hits: (0, 0, 0),
        }
    }

    /// Whether the monitor has already failed (later steps cannot change that).
    pub fn failed(&self) -> bool {
        self.failed.is_some()
    }

    fn who(&self, (p, n): (usize, u64)) -> String {
        format!("{}[{n}]", self.names[p])
    }

    /// Evaluates a predicate in a step; `me` is the neuron under consideration, if any.
    fn eval(&mut self, pred: &Pred, s: &Step<'_>, me: Option<u64>) -> bool {
        match pred {
            Pred::Const(b) => *b,
            Pred::Spike(t) => match t.neuron.or(me) {
                Some(n) => s.spiked(t.pop, n),
                None => s.spikes.iter().any(|&(p, _)| p == t.pop),
            },
            Pred::Stimulus(k) => s.stimuli.get(*k).copied().unwrap_or(false),
            Pred::State { pop, neuron, state, op, bound } => {
                let n = neuron.or(me).unwrap_or(0);
                s.states.is_some_and(|st| op.holds(st.value(*pop, n, *state), *bound))
            }
            Pred::Not(p) => !self.eval(p, s, me),
            Pred::And(a, b) => {
                let (x, y) = (self.eval(a, s, me), self.eval(b, s, me));
                x && y
            }
            Pred::Or(a, b) => {
                let (x, y) = (self.eval(a, s, me), self.eval(b, s, me));
                x || y
            }
            Pred::Rise(p) => {
                let now = self.eval(p, s, me);
                let key = (std::ptr::from_ref(pred) as usize, me.unwrap_or(0));
                let before = self.rise.insert(key, now).unwrap_or(false);
                now && !before
            }
        }
    }

    fn violate(&mut self, step: u64, neurons: Vec<(usize, u64)>, message: String) {
        if self.failed.is_none() {
            self.failed = Some(Violation { step, neurons, message });
        }
    }

    /// Feeds one step.
    pub fn step(&mut self, s: &Step<'_>) {
        self.steps = s.step + 1;
        if self.failed.is_some() || (s.states.is_none() && !self.form.spikes_only()) {
            return;
        }
        let t = s.step;
        match self.form {
            Form::Always { pred, over } => {
                let who: Vec<Option<u64>> = match over {
                    Some((_, size)) => (0..*size).map(Some).collect(),
                    None => vec![None],
                };
                for me in who {
                    let holds = self.eval(pred, s, me);
                    if self.role == Role::Cover {
                        if holds && self.covered.is_none() {
                            self.covered = Some(t);
                        }
                    } else if !holds {
                        let neurons = match (over, me) {
                            (Some((p, _)), Some(n)) => vec![(*p, n)],
                            _ => s.spikes.to_vec(),
                        };
                        let at = match (over, me) {
                            (Some((p, _)), Some(n)) => format!(" for {}", self.who((*p, n))),
                            _ if s.spikes.is_empty() => String::new(),
                            _ => {
                                let who: Vec<String> = s.spikes.iter().map(|&x| self.who(x)).collect();
                                format!(" (spikes: {})", who.join(", "))
                            }
                        };
                        self.violate(t, neurons, format!("the condition is false at step {t}{at}"));
                    }
                }
            }
            Form::Refractory { target, min } => {
                for (p, n) in covered_spikes(std::slice::from_ref(target), s) {
                    if let Some(prev) = self.last.insert((p, n), t)
                        && t - prev < *min
                    {
                        let msg = format!(
                            "{} spiked at steps {prev} and {t}, {} apart (< {min})",
                            self.who((p, n)),
                            t - prev
                        );
                        self.violate(t, vec![(p, n)], msg);
                    }
                }
            }
            Form::Window { targets, per_neuron, sliding, length, op, bound } => {
                for (p, n) in covered_spikes(targets, s) {
                    let key = if *per_neuron { (p, n) } else { (usize::MAX, 0) };
                    *self.counts.entry(key).or_insert(0) += 1;
                    if *sliding {
                        self.window.push_back((t, key));
                    }
                }
                if *sliding {
                    while let Some(&(at, key)) = self.window.front()
                        && at + length <= t
                    {
                        self.window.pop_front();
                        if let Some(c) = self.counts.get_mut(&key) {
                            *c -= 1;
                        }
                    }
                }
                let full = if *sliding { t + 1 >= *length } else { (t + 1).is_multiple_of(*length) };
                let start = if *sliding { (t + 1).saturating_sub(*length) } else { t - t % length };
                if full || op.is_upper() {
                    let keys: Vec<(usize, u64)> =
                        if *per_neuron { neurons(targets, &self.sizes) } else { vec![(usize::MAX, 0)] };
                    for key in keys {
                        let c = self.counts.get(&key).copied().unwrap_or(0);
                        if !op.holds(Rational::from_int(c as i64), *bound) {
                            let who = if key.0 == usize::MAX { "the neurons".to_string() } else { self.who(key) };
                            let culprits = if key.0 == usize::MAX { self.window_members(start) } else { vec![key] };
                            let msg = format!(
                                "{who}: {c} spikes in steps {start}..={t}, bound {} {}",
                                op_text(*op),
                                scn_sema::value::decimal(*bound)
                            );
                            self.violate(t, culprits, msg);
                            break;
                        }
                    }
                }
                if !*sliding && full {
                    self.counts.clear();
                }
            }
            Form::Exclusive { targets } => {
                let hit = covered_spikes(targets, s);
                if hit.len() > 1 {
                    let names: Vec<String> = hit.iter().map(|&x| self.who(x)).collect();
                    self.violate(t, hit, format!("{} spiked together at step {t}", names.join(" and ")));
                }
            }
            Form::Separated { a, b, gap } => {
                let ha = covered_spikes(std::slice::from_ref(a), s);
                let hb = covered_spikes(std::slice::from_ref(b), s);
                let close = |last: Option<u64>| last.is_some_and(|l| t - l <= *gap);
                if (!ha.is_empty() && (!hb.is_empty() || close(self.last_b))) || (!hb.is_empty() && close(self.last_a))
                {
                    let other = if ha.is_empty() { self.last_a } else { self.last_b };
                    let other = if ha.is_empty() == hb.is_empty() { Some(t) } else { other };
                    let mut culprits = ha.clone();
                    culprits.extend(&hb);
                    let msg = format!(
                        "spikes at steps {} and {t} are {} apart (must be > {gap})",
                        other.unwrap_or(t),
                        t - other.unwrap_or(t)
                    );
                    self.violate(t, culprits, msg);
                }
                if !ha.is_empty() {
                    self.last_a = Some(t);
                }
                if !hb.is_empty() {
                    self.last_b = Some(t);
                }
            }
            Form::Active { targets, op, bound } => {
                let hit = covered_spikes(targets, s);
                if !op.holds(hit.len() as u64, *bound) {
                    let msg = format!("{} neurons spiked at step {t}, bound {} {bound}", hit.len(), op_text(*op));
                    self.violate(t, hit, msg);
                }
            }
            Form::SilentAfter { trigger, at_least, silent, steps } => {
                let quiet = covered_spikes(silent, s);
                if let Some((from, until)) = self.silent_until
                    && t <= until
                    && !quiet.is_empty()
                {
                    let msg = format!(
                        "{} spiked at step {t}, within {steps} steps after coactivation at step {from}",
                        self.who(quiet[0])
                    );
                    self.violate(t, quiet, msg);
                }
                if covered_spikes(trigger, s).len() as u64 >= *at_least {
                    self.silent_until = Some((t, t + steps));
                }
            }
            Form::Inactivity { targets, max } => {
                if covered_spikes(targets, s).is_empty() {
                    self.silence += 1;
                    if self.silence > *max {
                        let msg = format!("no spike in steps {}..={t}, longer than {max} steps", t + 1 - self.silence);
                        self.violate(t, Vec::new(), msg);
                    }
                } else {
                    self.silence = 0;
                }
            }
            Form::Response { cause, response, within } => {
                if self.eval(cause, s, None) {
                    self.pending.push_back((t, t + within));
                }
                if self.eval(response, s, None) {
                    self.pending.clear();
                }
                if let Some(&(from, deadline)) = self.pending.front()
                    && deadline <= t
                {
                    let msg = format!("no response in steps {from}..={deadline} after the stimulus at step {from}");
                    self.violate(t, s.spikes.to_vec(), msg);
                }
            }
            Form::Precedence { event, cause, within } => {
                if self.eval(event, s, None) && self.last_a.is_none_or(|c| t - c > *within) {
                    let msg = match self.last_a {
                        Some(c) => format!(
                            "the event at step {t} comes {} steps after its cause at step {c} (> {within})",
                            t - c
                        ),
                        None => format!("the event at step {t} has no earlier cause"),
                    };
                    self.violate(t, s.spikes.to_vec(), msg);
                }
                if self.eval(cause, s, None) {
                    self.last_a = Some(t);
                }
            }
            Form::NoOverflow { pop, state } => {
                if let Some(st) = s.states {
                    for n in 0..self.sizes[*pop] {
                        if st.at_limit(*pop, n, *state) {
                            let msg = format!("{} reached the limit of its format at step {t}", self.who((*pop, n)));
                            self.violate(t, vec![(*pop, n)], msg);
                            break;
                        }
                    }
                }
            }
            Form::Prob { pred, .. } => {
                if self.eval(pred, s, None) {
                    self.hits.0 += 1;
                }
            }
            Form::Scc { a, b, .. } => {
                let (x, y) = (self.eval(a, s, None), self.eval(b, s, None));
                self.hits.0 += u64::from(x);
                self.hits.1 += u64::from(y);
                self.hits.2 += u64::from(x && y);
            }
        }
    }

    /// The neurons that spiked in the current window from step `start` (the window's spikes
    /// are kept only for sliding windows; tumbling names none).
    fn window_members(&self, start: u64) -> Vec<(usize, u64)> {
        let mut v: Vec<(usize, u64)> = self.window.iter().filter(|(at, _)| *at >= start).map(|&(_, k)| k).collect();
        v.sort_unstable();
        v.dedup();
        v.retain(|k| k.0 != usize::MAX);
        v
    }

    /// Records that the run stopped with a fixed-point overflow in `pop[neuron]` at `step`.
    pub fn overflowed(&mut self, pop: usize, neuron: u64, step: u64) {
        if let Form::NoOverflow { pop: p, .. } = self.form
            && *p == pop
        {
            let msg = format!("{} overflowed at step {step} and stopped the run", self.who((pop, neuron)));
            self.steps = step + 1;
            self.violate(step, vec![(pop, neuron)], msg);
        }
    }

    /// The verdict after the last step; `decides` says whether the source has everything
    /// the form reads (a spike trace has no states).
    pub fn finish(&self, decides: bool) -> Outcome {
        let n = self.steps;
        if let Some(v) = &self.failed {
            return Outcome::fail(n, v.clone());
        }
        if !decides {
            return Outcome::inconclusive(n, "the property reads states, which a spike trace does not record");
        }
        if n == 0 {
            return Outcome::inconclusive(0, "no steps were checked");
        }
        if self.role == Role::Cover {
            return match self.covered {
                Some(t) => Outcome::pass(n, format!("seen at step {t}")),
                None => Outcome::inconclusive(n, format!("not seen in {n} steps")),
            };
        }
        match self.form {
            Form::Window { sliding: true, length, .. } if n < *length => {
                Outcome::inconclusive(n, format!("the run is shorter than one window of {length} steps"))
            }
            Form::Window { sliding: false, length, .. } if !n.is_multiple_of(*length) => Outcome::inconclusive(
                n,
                format!("the last window (steps {}..{n}) was cut off by the end of the run", n - n % length),
            ),
            Form::SilentAfter { .. } if self.silent_until.is_some_and(|(_, u)| u >= n) => {
                let (from, until) = self.silent_until.unwrap_or_default();
                Outcome::inconclusive(
                    n,
                    format!("the silence after coactivation at step {from} runs to step {until}, past the end"),
                )
            }
            Form::Response { .. } if !self.pending.is_empty() => {
                let (from, deadline) = self.pending[0];
                Outcome::inconclusive(
                    n,
                    format!("the deadline {deadline} of the stimulus at step {from} is past the end"),
                )
            }
            Form::Prob { lo, hi, .. } => {
                let p = self.hits.0 as f64 / n as f64;
                let msg = format!("the event held in {} of {n} steps (p = {p:.4})", self.hits.0);
                if *lo <= p && p <= *hi {
                    Outcome::pass(n, msg)
                } else {
                    Outcome::fail(
                        n,
                        Violation { step: n - 1, neurons: Vec::new(), message: format!("{msg}, outside [{lo}, {hi}]") },
                    )
                }
            }
            Form::Scc { lo, hi, .. } => {
                let (a, b, ab) = self.hits;
                if a == 0 || b == 0 || a == n || b == n {
                    return Outcome::inconclusive(n, "an event is constant over the run, so its SCC is undefined");
                }
                let c = scn_runtime::sc::correlation::scc_from_counts(n, a, b, ab);
                let msg = format!("SCC = {c:.4} over {n} steps");
                if *lo <= c && c <= *hi {
                    Outcome::pass(n, msg)
                } else {
                    Outcome::fail(
                        n,
                        Violation { step: n - 1, neurons: Vec::new(), message: format!("{msg}, outside [{lo}, {hi}]") },
                    )
                }
            }
            _ => Outcome::pass(n, format!("no violation in {n} steps")),
        }
    }
}

/// The comparison as written.
pub fn op_text(op: Cmp) -> &'static str {
    match op {
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
        Cmp::Eq => "==",
        Cmp::Ne => "!=",
    }
}
