//! Three-valued verdicts with their method, bound and evidence.

use serde::Serialize;

/// Pass, fail or inconclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No violation within the bound (for a cover: the event was seen).
    Pass,
    /// A violation, with a counterexample.
    Fail,
    /// The bound does not decide it (a window or deadline cut off by the end of the run, a
    /// state a spike trace does not record, a cover not seen).
    Inconclusive,
}

impl Status {
    /// The word printed in tables.
    pub fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::Inconclusive => "inconclusive",
        }
    }
}

/// Where and why a property failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The step at which the violation became certain.
    pub step: u64,
    /// The neurons involved, `(population, neuron)`.
    pub neurons: Vec<(usize, u64)>,
    /// What happened.
    pub message: String,
}

/// The outcome of one monitor over one run or trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The verdict.
    pub status: Status,
    /// How many steps were checked.
    pub bound: u64,
    /// Why this verdict (for a fail, the violation's message).
    pub evidence: String,
    /// The violation, for a fail.
    pub violation: Option<Violation>,
}

impl Outcome {
    /// A pass over `bound` steps.
    pub fn pass(bound: u64, evidence: impl Into<String>) -> Self {
        Outcome { status: Status::Pass, bound, evidence: evidence.into(), violation: None }
    }

    /// An inconclusive verdict over `bound` steps.
    pub fn inconclusive(bound: u64, evidence: impl Into<String>) -> Self {
        Outcome { status: Status::Inconclusive, bound, evidence: evidence.into(), violation: None }
    }

    /// A fail at a violation.
    pub fn fail(bound: u64, v: Violation) -> Self {
        Outcome { status: Status::Fail, bound, evidence: v.message.clone(), violation: Some(v) }
    }
}
