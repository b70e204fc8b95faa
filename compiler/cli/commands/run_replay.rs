//! `scn run --replay CEX.json`: a counterexample of `scn verify` run again. The network runs
//! (with the counterexample's seed) under the monitor of the check it violates; the run must
//! report the same violation at the same step with the same neurons. Its spikes up to that
//! step are compared with the counterexample's too, and `summary.json` gets both.

use crate::files;
use scn_props::cex::{Counterexample, NamedViolation};
use scn_props::sim::SimRun;
use scn_props::{Monitor, Status};
use scn_runtime::ir::Network;
use std::path::{Path, PathBuf};

/// A counterexample file to replay.
pub struct Replay {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its content.
    pub cex: Counterexample,
}

/// What the replayed run showed, against the counterexample.
pub struct Comparison {
    /// The run's verdict on the check.
    pub status: Status,
    /// The run's violation, if it failed.
    pub violation: Option<NamedViolation>,
    /// Whether it is the counterexample's violation: same step, same neurons.
    pub reproduced: bool,
    /// The first step at which the run's spikes differ from the counterexample's, if any.
    pub first_difference: Option<u64>,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

impl Replay {
    /// Reads a counterexample file.
    pub fn read(path: &Path) -> Result<Replay, String> {
        let text = files::read(path)?;
        let cex = Counterexample::from_json(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
        Ok(Replay { path: path.to_path_buf(), cex })
    }

    /// The monitor of the violated check among the properties of `net`.
    pub fn monitor(&self, analysis: &scn_sema::Analysis, net: &Network) -> Result<Monitor, String> {
        let monitors = scn_props::lower_properties(analysis, net).map_err(|d| d.message.clone())?;
        self.cex.monitor(&monitors).cloned().ok_or_else(|| {
            format!(
                "the model has no check `{}` in property `{}` of network `{}`",
                self.cex.check, self.cex.property, net.name
            )
        })
    }

    /// Compares the monitored run with the counterexample.
    pub fn compare(&self, net: &Network, run: &SimRun) -> Comparison {
        let outcome = &run.outcomes[0];
        let violation = outcome.violation.as_ref().map(|v| NamedViolation::new(net, v));
        let expected = &self.cex.violation;
        let reproduced = violation.as_ref().is_some_and(|v| v.step == expected.step && v.neurons == expected.neurons);
        let first_difference = self.cex.trace(net).ok().and_then(|cex| {
            let upto = |s: &[(u64, usize, u64)]| -> Vec<(u64, usize, u64)> {
                s.iter().copied().filter(|x| x.0 <= expected.step).collect()
            };
            let (a, b) = (upto(&cex.spikes), upto(&run.trace.spikes));
            let differs = |t: u64| a.iter().filter(|x| x.0 == t).ne(b.iter().filter(|x| x.0 == t));
            (0..=expected.step).find(|&t| differs(t))
        });
        Comparison { status: outcome.status, violation, reproduced, first_difference, stopped: run.stopped.clone() }
    }

    /// The `replay` object of `summary.json`.
    pub fn summary(&self, c: &Comparison) -> serde_json::Value {
        serde_json::json!({
            "counterexample": self.path.display().to_string(),
            "property": self.cex.property,
            "check": self.cex.check,
            "method": self.cex.method,
            "expected": self.cex.violation,
            "status": c.status,
            "violation": c.violation,
            "reproduced": c.reproduced,
            "spikes_match": c.first_difference.is_none(),
            "first_difference": c.first_difference,
            "stopped": c.stopped,
        })
    }

    /// The line printed after the run.
    pub fn message(&self, c: &Comparison) -> String {
        let what = format!(
            "`{}` (property {}, counterexample by {} from {})",
            self.cex.check,
            self.cex.property,
            self.cex.method,
            self.path.display()
        );
        let spikes = match c.first_difference {
            None => "the spikes match the counterexample's".to_string(),
            Some(t) => format!("the spikes differ from the counterexample's from step {t}"),
        };
        let expected = &self.cex.violation;
        match (&c.violation, c.reproduced) {
            (Some(v), true) => {
                format!("replay: {what} violated at step {}, as recorded: {}; {spikes}", v.step, v.message)
            }
            (Some(v), false) => format!(
                "the run violates {what} at step {} ({}), the counterexample at step {} ({}); {spikes}",
                v.step, v.message, expected.step, expected.message
            ),
            (None, _) => format!(
                "the run does not violate {what} ({}), the counterexample does at step {} ({}); {spikes}",
                c.status.word(),
                expected.step,
                expected.message
            ),
        }
    }
}
