//! Verification directives over the nets of a hardware module: linear temporal formulas in the
//! shape of CIRCT's `ltl` dialect, asserted, assumed or covered as in its `verif` dialect.
//! Every directive is implicitly clocked on the rising edge of `clk` and disabled while `rst`
//! is high (SVA's `@(posedge clk) disable iff (rst)`).

use crate::ir::Value;

/// A temporal formula over 1-bit values of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ltl {
    /// A 1-bit value, true in the cycle where it is 1.
    Bool(Value),
    /// `##[min:min+length] s`: the sequence starts `min` to `min + length` cycles later
    /// (`None`: any number of cycles later).
    Delay {
        /// The delayed sequence.
        seq: Box<Ltl>,
        /// The shortest delay, cycles.
        min: u64,
        /// How many more cycles it may start later.
        length: Option<u64>,
    },
    /// The sequences one after another, each starting in the cycle where the previous ends.
    Concat(Vec<Ltl>),
    /// `a |-> b`: whenever the antecedent matches, the consequent holds from its last cycle.
    Implication(Box<Ltl>, Box<Ltl>),
    /// All of the formulas hold.
    And(Vec<Ltl>),
}

impl Ltl {
    /// `v[*n]`: the value holds in `n` consecutive cycles (`n >= 1`).
    pub fn repeat(v: Value, n: u64) -> Ltl {
        let mut parts = vec![Ltl::Bool(v)];
        for _ in 1..n {
            parts.push(Ltl::Delay { seq: Box::new(Ltl::Bool(v)), min: 1, length: Some(0) });
        }
        if parts.len() == 1 { parts.pop().unwrap_or(Ltl::Bool(v)) } else { Ltl::Concat(parts) }
    }

    /// `a |=> s`: whenever `a` holds, `s` holds from the next cycle.
    pub fn next_implies(a: Value, s: Ltl) -> Ltl {
        Ltl::Implication(Box::new(Ltl::Bool(a)), Box::new(Ltl::Delay { seq: Box::new(s), min: 1, length: Some(0) }))
    }

    /// The kind of formula: a plain value, a sequence or a property (as CIRCT types it).
    pub fn class(&self) -> LtlClass {
        match self {
            Ltl::Bool(_) => LtlClass::Bool,
            Ltl::Delay { .. } | Ltl::Concat(_) => LtlClass::Sequence,
            Ltl::Implication(..) => LtlClass::Property,
            Ltl::And(parts) => parts.iter().map(Ltl::class).max().unwrap_or(LtlClass::Bool),
        }
    }
}

/// The type of a formula, ordered from the most to the least specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LtlClass {
    /// A 1-bit value (`i1`).
    Bool,
    /// A sequence (`!ltl.sequence`).
    Sequence,
    /// A property (`!ltl.property`).
    Property,
}

/// What a directive asks of its formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// It must hold in every cycle out of reset.
    Assert,
    /// Formal tools may assume it.
    Assume,
    /// It must be reachable.
    Cover,
}

impl Role {
    /// The operation's name in CIRCT's `verif` dialect and the SVA keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Role::Assert => "assert",
            Role::Assume => "assume",
            Role::Cover => "cover",
        }
    }
}

/// One verification directive of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Its label (an SVA statement label).
    pub label: String,
    /// The property as the user wrote it, for comments.
    pub text: String,
    /// Assert, assume or cover.
    pub role: Role,
    /// The formula.
    pub formula: Ltl,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::konst;

    #[test]
    fn repetition_is_a_concatenation_of_unit_delays() {
        let v = konst(1, 1);
        assert_eq!(Ltl::repeat(v, 1), Ltl::Bool(v));
        let Ltl::Concat(parts) = Ltl::repeat(v, 3) else { panic!("a concatenation") };
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2], Ltl::Delay { seq: Box::new(Ltl::Bool(v)), min: 1, length: Some(0) });
    }

    #[test]
    fn classes_follow_circts_types() {
        let v = konst(1, 1);
        assert_eq!(Ltl::Bool(v).class(), LtlClass::Bool);
        assert_eq!(Ltl::repeat(v, 2).class(), LtlClass::Sequence);
        assert_eq!(Ltl::next_implies(v, Ltl::Bool(v)).class(), LtlClass::Property);
        assert_eq!(Ltl::And(vec![Ltl::Bool(v), Ltl::repeat(v, 2)]).class(), LtlClass::Sequence);
    }
}
