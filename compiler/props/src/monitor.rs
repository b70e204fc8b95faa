//! The monitor form of a property: every LANGUAGE §9 form lowered to counters, comparators and
//! a verdict over whole steps, with populations, neurons, states and stimuli resolved to the
//! indices of a lowered network. Every checking method reads this one form.

use scn_units::Rational;
use serde::Serialize;

/// Spikes of one neuron, or of every neuron of a population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The population (index into the network's populations).
    pub pop: usize,
    /// One neuron, or all of them.
    pub neuron: Option<u64>,
}

impl Target {
    /// Whether this target covers neuron `neuron` of population `pop`.
    pub fn covers(&self, pop: usize, neuron: u64) -> bool {
        self.pop == pop && self.neuron.is_none_or(|n| n == neuron)
    }
}

/// A comparison, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cmp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Cmp {
    /// Whether `a OP b` holds.
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }

    /// Whether a growing count can only break the bound (an upper bound), so a partial window
    /// that already breaks it is a violation.
    pub fn is_upper(self) -> bool {
        matches!(self, Cmp::Lt | Cmp::Le)
    }
}

/// A condition on one step, evaluated for one neuron of the quantified population.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Pred {
    /// A constant.
    Const(bool),
    /// The target spiked in this step (any of its neurons; an unindexed target of the
    /// quantified population means the neuron under consideration).
    Spike(Target),
    /// The spiking stimulus (a projection index) emitted in this step.
    Stimulus(usize),
    /// `pop[neuron].state OP bound`, the state at the end of the step in SI units.
    State {
        /// The population.
        pop: usize,
        /// One neuron, or the neuron under consideration.
        neuron: Option<u64>,
        /// The state index in the population's model.
        state: u16,
        /// The comparison.
        op: Cmp,
        /// The bound, SI.
        bound: f64,
    },
    /// Negation.
    Not(Box<Pred>),
    /// Conjunction.
    And(Box<Pred>, Box<Pred>),
    /// Disjunction.
    Or(Box<Pred>, Box<Pred>),
    /// The condition holds now and did not in the previous step (false in step 0).
    Rise(Box<Pred>),
}

impl Pred {
    /// Whether the predicate reads a state (so a spike trace cannot decide it).
    pub fn reads_state(&self) -> bool {
        match self {
            Pred::State { .. } => true,
            Pred::Not(p) | Pred::Rise(p) => p.reads_state(),
            Pred::And(a, b) | Pred::Or(a, b) => a.reads_state() || b.reads_state(),
            Pred::Const(_) | Pred::Spike(_) | Pred::Stimulus(_) => false,
        }
    }
}

/// How the property is checked, one monitor per form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Form {
    /// `always(e)` / `never(e)`: the predicate holds in every step, for every neuron of
    /// `over` when it names a population.
    Always {
        /// The predicate that must hold.
        pred: Pred,
        /// The population whose neurons are quantified over, if any.
        over: Option<(usize, u64)>,
    },
    /// `refractory(P) >= D`: every inter-spike interval of every neuron is at least `min` steps.
    Refractory {
        /// The watched neurons.
        target: Target,
        /// The shortest allowed interval, steps.
        min: u64,
    },
    /// `rate(P) per W D OP K` (per neuron) or `count(P…) per W D OP K` (summed).
    Window {
        /// The counted neurons.
        targets: Vec<Target>,
        /// Count each neuron on its own (`rate`) or all together (`count`).
        per_neuron: bool,
        /// Sliding (every window of `length` steps) or tumbling (aligned to step 0).
        sliding: bool,
        /// Window length, steps.
        length: u64,
        /// The comparison.
        op: Cmp,
        /// The bound as a spike count per window (a rate bound times the window time, exact).
        bound: Rational,
    },
    /// `exclusive(P…)`: at most one of the neurons spikes in any step.
    Exclusive {
        /// The neurons.
        targets: Vec<Target>,
    },
    /// `separated(A, B) > D`: a spike of A and a spike of B are always more than `gap` steps apart.
    Separated {
        /// First group.
        a: Target,
        /// Second group.
        b: Target,
        /// The gap that must be exceeded, steps.
        gap: u64,
    },
    /// `active(P…) OP K`: the number of neurons spiking in one step.
    Active {
        /// The neurons.
        targets: Vec<Target>,
        /// The comparison.
        op: Cmp,
        /// The bound.
        bound: u64,
    },
    /// `after(active(P…) >= K) silent(Q…) for D`: after a step with at least `at_least` of P
    /// spiking, Q does not spike in the next `steps` steps.
    SilentAfter {
        /// The trigger neurons.
        trigger: Vec<Target>,
        /// How many of them must spike together.
        at_least: u64,
        /// The neurons that must then be silent.
        silent: Vec<Target>,
        /// For how many steps.
        steps: u64,
    },
    /// `silent(P…) at_most D`: never more than `max` consecutive steps without a spike of P.
    Inactivity {
        /// The neurons.
        targets: Vec<Target>,
        /// The longest allowed silence, steps.
        max: u64,
    },
    /// `E within D of C`: every step where C holds is followed by E within `within` steps
    /// (in the same step or up to `within` steps later).
    Response {
        /// The stimulus event.
        cause: Pred,
        /// The response.
        response: Pred,
        /// The deadline, steps.
        within: u64,
    },
    /// `E preceded_by C within D`: every step where E holds has C in one of the `within`
    /// steps before it (strictly earlier).
    Precedence {
        /// The later event.
        event: Pred,
        /// The required earlier event.
        cause: Pred,
        /// How far back, steps.
        within: u64,
    },
    /// `no_overflow(P.x)`: the state never reaches the limits of its fixed-point format (where
    /// saturation clamps and wrapping folds) nor stops the run with an overflow; an `f64`
    /// state stays finite.
    NoOverflow {
        /// The population.
        pop: usize,
        /// The state index.
        state: u16,
    },
    /// `prob(e) in [lo, hi]`: the fraction of steps in which e holds.
    Prob {
        /// The event.
        pred: Pred,
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// `scc(a, b) in [lo, hi]`: the stochastic cross-correlation of the two events' per-step
    /// bit sequences over the whole run.
    Scc {
        /// First event.
        a: Pred,
        /// Second event.
        b: Pred,
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
}

impl Form {
    /// A short name of the form, for tables and JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Form::Always { .. } => "always",
            Form::Refractory { .. } => "refractory",
            Form::Window { sliding: true, .. } => "window-sliding",
            Form::Window { .. } => "window-tumbling",
            Form::Exclusive { .. } => "exclusive",
            Form::Separated { .. } => "separated",
            Form::Active { .. } => "active",
            Form::SilentAfter { .. } => "silent-after",
            Form::Inactivity { .. } => "inactivity",
            Form::Response { .. } => "response",
            Form::Precedence { .. } => "precedence",
            Form::NoOverflow { .. } => "no-overflow",
            Form::Prob { .. } => "prob",
            Form::Scc { .. } => "scc",
        }
    }

    /// How many steps back the monitor looks (its longest window, deadline or gap): the
    /// default k-induction depth is one more.
    pub fn horizon(&self) -> u64 {
        match self {
            Form::Refractory { min: d, .. }
            | Form::Window { length: d, .. }
            | Form::SilentAfter { steps: d, .. }
            | Form::Inactivity { max: d, .. }
            | Form::Response { within: d, .. }
            | Form::Precedence { within: d, .. } => *d,
            Form::Separated { gap, .. } => gap + 1,
            _ => 1,
        }
    }

    /// Whether a spike trace alone decides this form (no states are read).
    pub fn spikes_only(&self) -> bool {
        match self {
            Form::Always { pred, .. } | Form::Prob { pred, .. } => !pred.reads_state(),
            Form::Response { cause, response: e, .. } | Form::Precedence { event: e, cause, .. } => {
                !cause.reads_state() && !e.reads_state()
            }
            Form::Scc { a, b, .. } => !a.reads_state() && !b.reads_state(),
            Form::NoOverflow { .. } => false,
            _ => true,
        }
    }
}

/// Assert, assume or cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Must hold.
    Assert,
    /// Assumed (constrains the formal methods; checked like an assert in simulation).
    Assume,
    /// Must be reachable: "pass" means it was seen.
    Cover,
}

/// One check of a property: its text, role, requested methods and monitor form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Monitor {
    /// The property it belongs to.
    pub property: String,
    /// The check as written (`refractory(n) >= 3 cycles`).
    pub text: String,
    /// Assert, assume or cover.
    pub role: Role,
    /// The methods after `@` (`sim`, `bmc`, `prove`, `static`, `cover`).
    pub methods: Vec<String>,
    /// A `bmc(depth = N)` depth, if given.
    pub depth: Option<u64>,
    /// The monitor.
    pub form: Form,
}
