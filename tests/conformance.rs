//! The standard library's conformance with SC-NeuroCore (issue 9): every model of `stdlib/`
//! is in the registry (`tests/support/conformance_registry.rs`) with its SC-NeuroCore
//! counterpart and its comparison, or the reason it has none (the registry has no way to name
//! a counterpart without a comparison); every model with a counterpart is run beside it on
//! the same parameters and input, and `docs/conformance.md` is generated from the measured
//! results (`SCN_UPDATE_DOCS=1 cargo test --test conformance` rewrites it; otherwise a stale
//! table fails). Needs `$SCN_PYTHON` like the other comparison tests; never skips.

mod common;
#[path = "support/conformance_registry.rs"]
mod registry;
#[path = "support/sc_neurocore.rs"]
mod sc_neurocore;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use registry::{Check, Counterpart, Entry, REGISTRY};
use sc_neurocore::{Runs, Tolerance};

/// Every `kind.module.Model` (neuron, synapse, channel) of the standard library.
fn stdlib_models() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (module, src) in scn_stdlib::MODULES {
        for line in src.lines() {
            let mut words = line.split_whitespace();
            let (Some(kind), Some(name)) = (words.next(), words.next()) else { continue };
            if ["neuron", "synapse", "channel"].contains(&kind) {
                out.insert(format!("{module}.{}", name.trim_end_matches('{')));
            }
        }
    }
    out
}

#[test]
fn every_stdlib_model_is_in_the_registry_once() {
    let listed: Vec<&str> = REGISTRY.iter().map(|e| e.model).collect();
    let unique: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
    assert_eq!(unique.len(), listed.len(), "a model is listed twice");
    let models = stdlib_models();
    let missing: Vec<&String> = models.difference(&unique).collect();
    let stale: Vec<&String> = unique.difference(&models).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/support/conformance_registry.rs must list every standard-library model with its \
         SC-NeuroCore counterpart (and a comparison) or the reason it has none.\nmissing: {missing:?}\nnot in \
         the standard library: {stale:?}"
    );
}

/// Every counterpart named in the registry exists in the installed SC-NeuroCore, so a row
/// cannot cite a class that is not there.
#[test]
fn every_named_counterpart_exists_in_sc_neurocore() {
    let classes: Vec<&str> = REGISTRY
        .iter()
        .filter_map(|e| match &e.counterpart {
            Counterpart::Class(c, _) => Some(*c),
            Counterpart::None(_) => None,
        })
        .collect();
    let script = "import importlib, sys\nfor spec in sys.argv[1:]:\n    m, c = spec.rsplit('.', 1)\n    \
                  getattr(importlib.import_module('sc_neurocore.' + m), c)\n";
    let out = std::process::Command::new(sc_neurocore::python())
        .args(["-c", script])
        .args(&classes)
        .output()
        .expect("python runs");
    sc_neurocore::check("importing the counterparts", &out);
}

/// `QifExactFlow` (tests/compare/conformance.scn) writes SC-NeuroCore's exact QIF flow with
/// the `atan` and `tan` built-ins: it matches the reference to rounding, and the JIT (which
/// calls the interpreter's functions) writes the same bytes as the interpreter.
#[test]
fn qif_exact_flow_matches_sc_neurocore_on_both_engines() {
    let d = sc_neurocore::dir("qif-exact");
    let file = common::root().join("tests/compare/conformance.scn");
    let (interp, jit, theirs) = (d.join("interp"), d.join("jit"), d.join("sc-neurocore"));
    sc_neurocore::scn_run(&file, &interp, &["--network", "StdQifExact", "--engine", "interp"]);
    sc_neurocore::scn_run(&file, &jit, &["--network", "StdQifExact", "--engine", "jit"]);
    let summary = sc_neurocore::json(&jit.join("summary.json"));
    assert_eq!(summary["engine"]["populations"]["n"], "jit", "the JIT compiles the atan/tan model: {summary}");
    for csv in ["spikes.csv", "states.csv"] {
        assert!(
            std::fs::read(interp.join(csv)).unwrap() == std::fs::read(jit.join(csv)).unwrap(),
            "{csv} differs between engines"
        );
    }
    sc_neurocore::run_python("sc_neurocore_neurons.py", &[Path::new("StdQifExact"), &theirs]);
    let runs = Runs::read(&interp, &theirs);
    let agreement = runs.agreement(Tolerance::Relative(1e-12));
    assert!(runs.ours.len() >= 10, "{} spikes", runs.ours.len());
    assert_eq!(agreement.first_divergence, None, "{agreement:?}");
    println!("exact QIF flow: {} spikes on the same steps; {}", runs.ours.len(), worst_text(&agreement));
    let _ = std::fs::remove_dir_all(&d);
}

/// The measured result of one comparison, or why it failed.
struct Outcome {
    /// The result column of the table.
    text: String,
    /// Why the comparison failed, if it did.
    failure: Option<String>,
}

/// `x` with two significant digits.
fn sci(x: f64) -> String {
    if x == 0.0 { "0".to_string() } else { format!("{x:.1e}") }
}

/// The first spike steps of a train, for messages.
fn head(spikes: &[sc_neurocore::Spike]) -> String {
    let shown: Vec<String> = spikes.iter().take(12).map(|(s, n)| format!("{s} {n}")).collect();
    format!("{} spikes [{}{}]", spikes.len(), shown.join(", "), if spikes.len() > 12 { ", …" } else { "" })
}

/// The largest relative difference of every variable, as table text.
fn worst_text(a: &sc_neurocore::Agreement) -> String {
    let parts: Vec<String> = a.worst.iter().map(|(v, w)| format!("{v} {}", sci(*w))).collect();
    parts.join(", ")
}

/// Runs the standard-library network `network` of `file` into `out`.
fn run_scn(file: &str, network: &str, out: &Path) {
    sc_neurocore::scn_run(&common::root().join(file), out, &["--network", network]);
}

/// Runs one comparison and measures it.
fn compare(model: &str, check: &Check) -> Outcome {
    let d = sc_neurocore::dir(&format!("conformance-{}", check.network));
    let (ours, theirs) = (d.join("scn"), d.join("sc-neurocore"));
    run_scn(check.file, check.network, &ours);
    sc_neurocore::run_python("sc_neurocore_neurons.py", &[Path::new(check.case.unwrap_or(check.network)), &theirs]);
    let runs = Runs::read(&ours, &theirs);
    let agreement = runs.agreement(check.tol);
    let mut failure = None;
    let text = match check.differs {
        None => {
            if let Some(k) = agreement.first_divergence {
                failure = Some(format!(
                    "{model}: SCN and SC-NeuroCore diverge at step {k}; {} vs {}; {}",
                    head(&runs.ours),
                    head(&runs.theirs),
                    worst_text(&agreement)
                ));
            } else if runs.ours.len() < check.min_spikes {
                failure = Some(format!("{model}: the input should make it fire ({} spikes)", runs.ours.len()));
            }
            let spikes = if !agreement.counts.is_empty() {
                let parts: Vec<String> = agreement
                    .counts
                    .iter()
                    .map(|(p, a, b, z)| format!("{p}: {a} vs {b} spikes ({z:+.2} s.d.)"))
                    .collect();
                parts.join(", ")
            } else if runs.ours.is_empty() {
                "no spikes (rate model)".to_string()
            } else if agreement.spike_shift == 0 {
                format!("{} spikes on the same steps", runs.ours.len())
            } else {
                format!("{} spikes, at most {} steps apart", runs.ours.len(), agreement.spike_shift)
            };
            if agreement.worst.is_empty() {
                spikes
            } else {
                format!("{spikes}; max |Δ| / range: {}", worst_text(&agreement))
            }
        }
        Some((variant, difference)) => {
            let v_out = d.join("variant");
            run_scn(check.file, variant, &v_out);
            let v_runs = Runs::read(&v_out, &theirs);
            let v_agree = v_runs.agreement(check.tol);
            let steps = runs.traces.values().next().map_or(0, |(a, _)| a.len()) * runs.stride as usize;
            match (agreement.first_divergence, v_agree.first_divergence) {
                (None, _) => {
                    failure = Some(format!("{model}: expected to differ from SC-NeuroCore ({difference}), but agrees"))
                }
                (_, Some(k)) => {
                    failure = Some(format!(
                        "{model}: the variant with SC-NeuroCore's behaviour ({difference}) diverges at step {k}; {} vs {}; {}",
                        head(&v_runs.ours),
                        head(&v_runs.theirs),
                        worst_text(&v_agree)
                    ))
                }
                _ => {}
            }
            format!(
                "differs: {difference}. Std model: {} vs {} spikes, identical until step {} of {steps}. \
                 Variant `{variant}`: {} spikes on the same steps; max |Δ| / range: {}",
                runs.ours.len(),
                runs.theirs.len(),
                agreement.first_divergence.unwrap_or(steps),
                v_runs.ours.len(),
                worst_text(&v_agree)
            )
        }
    };
    if failure.is_none() {
        let _ = std::fs::remove_dir_all(&d);
    }
    Outcome { text, failure }
}

/// The tolerance column.
fn tolerance_text(tol: Tolerance) -> String {
    match tol {
        Tolerance::Exact => "bit for bit".to_string(),
        Tolerance::Relative(r) => format!("spikes identical; states within {} of range", sci(r)),
        Tolerance::Solver { spike_steps, relative } => {
            format!("as many spikes, each within {spike_steps} steps; states within {} of range", sci(relative))
        }
        Tolerance::Counts(z) => format!("spike count per population within {z} s.d. of a Poisson difference"),
    }
}

/// Runs every comparison of the registry, two at a time.
fn run_all() -> Vec<Option<Outcome>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..REGISTRY.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(Entry { model, counterpart }) = REGISTRY.get(i) else { break };
                    if let Counterpart::Class(_, check) = counterpart {
                        let outcome = compare(model, check);
                        println!("{model}: {}", outcome.text);
                        results.lock().unwrap()[i] = Some(outcome);
                    }
                }
            });
        }
    });
    results.into_inner().unwrap()
}

/// The generated `docs/conformance.md`.
fn table(outcomes: &[Option<Outcome>]) -> String {
    let mut md = String::from(
        "# Conformance of the standard library with SC-NeuroCore\n\n\
         Generated by `tests/conformance.rs` from its registry (`tests/support/conformance_registry.rs`)\n\
         and the results it measures: do not edit by hand; `SCN_UPDATE_DOCS=1 cargo test --test\n\
         conformance` rewrites it, and the test fails when it is stale. Each model of the standard\n\
         library is listed with its counterpart in SC-NeuroCore 3.16.0 (PyPI `sc-neurocore`, used as a\n\
         reference only) or \"none\". A comparison runs `scn run` on the standard-library model and the\n\
         Python driver `tests/compare/sc_neurocore_neurons.py` on the counterpart with the same\n\
         parameters and the same input per step, and compares the spike steps and every state at\n\
         every step (SCN in SI units; \"max |Δ| / range\" is the largest difference divided by the\n\
         variable's largest magnitude). Where the two integrate differently the tolerance allows the\n\
         solver's error (spikes a few steps apart, states compared away from the spikes); random\n\
         generators are compared by spike counts. Where SCN follows the paper and SC-NeuroCore does not, the row\n\
         says how they differ; a test-local variant with SC-NeuroCore's behaviour must then agree with\n\
         it, which shows that the difference is the whole difference.\n\n\
         | model | SC-NeuroCore | method | tolerance | result |\n|---|---|---|---|---|\n",
    );
    for (entry, outcome) in REGISTRY.iter().zip(outcomes) {
        let (class, method, tol, result) = match (&entry.counterpart, outcome) {
            (Counterpart::None(why), _) => ("none".to_string(), "—".to_string(), "—".to_string(), why.to_string()),
            (Counterpart::Class(c, check), Some(o)) => {
                (format!("`{c}`"), check.method.to_string(), tolerance_text(check.tol), o.text.clone())
            }
            (Counterpart::Class(..), None) => unreachable!("every comparison runs"),
        };
        let cells = [format!("`std.{}`", entry.model), class, method, tol, result];
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        writeln!(md, "| {} |", cells.join(" | ")).unwrap();
    }
    md
}

#[test]
fn every_counterpart_conforms_and_docs_conformance_md_is_current() {
    let outcomes = run_all();
    let failures: Vec<&str> = outcomes.iter().flatten().filter_map(|o| o.failure.as_deref()).collect();
    assert!(failures.is_empty(), "{} comparisons failed:\n{}", failures.len(), failures.join("\n"));
    let text = table(&outcomes);
    let path = common::root().join("docs/conformance.md");
    if std::env::var_os("SCN_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == text,
        "docs/conformance.md is out of date: run `SCN_UPDATE_DOCS=1 cargo test --test conformance`"
    );
}
