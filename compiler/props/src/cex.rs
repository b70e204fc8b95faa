//! Counterexamples as files: the spike trace of a failing check, cut at its violation, with
//! what it violates and where it came from (schema `scn-counterexample/1`, docs/properties.md).
//! `scn verify` writes one per failure (from a simulation, a replay or a SymbiYosys witness);
//! `scn run --replay` runs the network again and compares.

use crate::monitor::Monitor;
use crate::trace::{Row, Trace};
use crate::verdict::Violation;
use scn_runtime::ir::Network;
use serde::{Deserialize, Serialize};

/// The schema tag of a counterexample file.
pub const SCHEMA: &str = "scn-counterexample/1";

/// A neuron by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeuronRef {
    /// The population.
    pub population: String,
    /// The neuron index.
    pub neuron: u64,
}

/// Where and why the check fails, with neurons by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedViolation {
    /// The step at which the violation became certain.
    pub step: u64,
    /// The neurons involved.
    pub neurons: Vec<NeuronRef>,
    /// What happened.
    pub message: String,
}

impl NamedViolation {
    /// A violation of `net` with its neurons named.
    pub fn new(net: &Network, v: &Violation) -> Self {
        NamedViolation {
            step: v.step,
            neurons: v
                .neurons
                .iter()
                .map(|&(p, n)| NeuronRef { population: net.populations[p].name.clone(), neuron: n })
                .collect(),
            message: v.message.clone(),
        }
    }
}

/// A counterexample file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counterexample {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The model file, as `scn verify` was given it (absolute when it could be resolved).
    pub model: String,
    /// The SHA-256 of the model file's text, so a replay can tell that the model changed.
    pub model_sha256: String,
    /// The network.
    pub network: String,
    /// The network seed of the run.
    pub seed: u64,
    /// The property.
    pub property: String,
    /// The check as written.
    pub check: String,
    /// The monitor form ([`crate::Form::kind`]).
    pub kind: String,
    /// The method that found it (`sim`, `replay`, `bmc`, `prove`).
    pub method: String,
    /// The trace's length in steps: the violation's step + 1.
    pub steps: u64,
    /// The violation.
    pub violation: NamedViolation,
    /// Spikes and stimulus emissions up to and including the violation's step, in the trace
    /// schema (a SymbiYosys witness holds the network's spikes only).
    pub trace: Vec<Row>,
}

/// Where a counterexample's model came from.
pub struct ModelFile<'a> {
    /// The path.
    pub path: &'a str,
    /// The SHA-256 of its text.
    pub sha256: &'a str,
}

impl Counterexample {
    /// The counterexample of `monitor` failing with `violation` on `trace` of `net`.
    pub fn new(
        model: &ModelFile<'_>,
        net: &Network,
        monitor: &Monitor,
        method: &str,
        violation: &Violation,
        trace: &Trace,
    ) -> Self {
        Counterexample {
            schema: SCHEMA.into(),
            model: model.path.into(),
            model_sha256: model.sha256.into(),
            network: net.name.clone(),
            seed: net.seed,
            property: monitor.property.clone(),
            check: monitor.text.clone(),
            kind: monitor.form.kind().into(),
            method: method.into(),
            steps: violation.step + 1,
            violation: NamedViolation::new(net, violation),
            trace: trace.rows(violation.step),
        }
    }

    /// The file's text (pretty JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a counterexample file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if value.get("schema").and_then(|s| s.as_str()) != Some(SCHEMA) {
            return Err(format!("not a counterexample: the field `schema` must be \"{SCHEMA}\""));
        }
        serde_json::from_value(value).map_err(|e| format!("not a counterexample of schema {SCHEMA}: {e}"))
    }

    /// The trace over `net`'s populations and stimuli, `steps` long.
    pub fn trace(&self, net: &Network) -> Result<Trace, String> {
        let rows = self
            .trace
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("trace row {i}"), r.step, r.population.clone(), r.neuron));
        Trace::from_rows(net, rows, Some(self.steps))
    }

    /// The monitor of the check this counterexample violates, among `monitors`.
    pub fn monitor<'m>(&self, monitors: &'m [Monitor]) -> Option<&'m Monitor> {
        monitors.iter().find(|m| m.property == self.property && m.text == self.check)
    }
}

/// A trace file for `net`: a counterexample (JSON) or a CSV in the trace schema. A
/// counterexample's length is its own; `steps` gives the length of a CSV trace.
pub fn read_trace(net: &Network, text: &str, steps: Option<u64>) -> Result<Trace, String> {
    if text.trim_start().starts_with('{') {
        let cex = Counterexample::from_json(text)?;
        if cex.network != net.name {
            return Err(format!("the counterexample is of network `{}`, not `{}`", cex.network, net.name));
        }
        cex.trace(net)
    } else {
        Trace::from_csv(net, text, steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = "neuron N {\n    state v: voltage = 0 mV\n    input x: spike(voltage)\n    on x(w) { v += w }\n    on v >= 1 mV { v = 0 mV; emit spike }\n}\nnetwork Net {\n    duration = 8 cycles\n    pop a = N[2]\n    stream s = encode(0.5, lfsr16(seed = 0xACE1), length = 8)\n    stimulus go = bits(s) -> a.x { all, weight = 1 mV }\n}\nproperty p for Net {\n    assert never(spike(a[0]))\n}\n";

    fn setup() -> (Network, Vec<Monitor>) {
        let analysis = scn_sema::check_source("m.scn", MODEL.into(), None, &scn_sema::Disk);
        assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
        let net = scn_lower::lower_network(&analysis, None).expect("lowers");
        let monitors = crate::lower_properties(&analysis, &net).expect("monitors");
        (net, monitors)
    }

    #[test]
    fn a_counterexample_round_trips_and_reads_as_a_trace() {
        let (net, monitors) = setup();
        let run = crate::sim::check_sim(&net, &monitors, 8);
        let v = run.outcomes[0].violation.clone().expect("a[0] spikes");
        let model = ModelFile { path: "m.scn", sha256: "00" };
        let cex = Counterexample::new(&model, &net, &monitors[0], "sim", &v, &run.trace);
        assert_eq!((cex.steps, cex.violation.step), (v.step + 1, v.step));
        // Both neurons see the same input; the violation names the step's spikes.
        let both: Vec<NeuronRef> = (0..2).map(|n| NeuronRef { population: "a".into(), neuron: n }).collect();
        assert_eq!(cex.violation.neurons, both);
        let back = Counterexample::from_json(&cex.to_json()).expect("reads its own file");
        assert_eq!(back, cex);
        assert_eq!(back.monitor(&monitors), Some(&monitors[0]));
        // The trace of the file and the CSV of the same rows are the same trace.
        let from_json = read_trace(&net, &cex.to_json(), None).expect("json");
        let from_csv = read_trace(&net, &run.trace.to_csv(v.step), Some(v.step + 1)).expect("csv");
        assert_eq!(from_json, from_csv);
        assert!(from_json.stimuli.iter().any(|&(_, k)| net.projections[k].name == "go"));
        let replayed = crate::replay::check_trace(&net, &monitors, &from_json);
        assert_eq!(replayed[0].violation.as_ref(), Some(&v));
    }

    #[test]
    fn other_files_are_refused_with_the_reason() {
        let (net, _) = setup();
        for (text, why) in [
            ("{\"schema\": \"other\"}", "must be \"scn-counterexample/1\""),
            ("{\"schema\": \"scn-counterexample/1\"}", "missing field"),
            ("{ not json", "not JSON"),
        ] {
            let e = read_trace(&net, text, None).expect_err(why);
            assert!(e.contains(why), "{e}");
        }
    }
}
