//! What the SC-NeuroCore comparison tests share: the checked `$SCN_PYTHON`, running `scn run`
//! and the Python drivers of `tests/compare/`, and reading the `spikes.csv` / `states.csv`
//! both sides write.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common;

/// `$SCN_PYTHON`, checked once to import SC-NeuroCore and its engine.
pub fn python() -> &'static Path {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let py = std::env::var_os("SCN_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
            panic!(
                "SCN_PYTHON is not set. These tests compare SCN with SC-NeuroCore and need a Python \
                 that imports sc_neurocore and sc_neurocore_engine: run scripts/test.sh (it makes .venv \
                 with tests/compare/requirements.txt and sets SCN_PYTHON=$PWD/.venv/bin/python), or set \
                 SCN_PYTHON yourself"
            )
        });
        let out = Command::new(&py)
            .args(["-c", "import sc_neurocore, sc_neurocore_engine; print(sc_neurocore_engine.__version__)"])
            .output()
            .unwrap_or_else(|e| panic!("cannot run SCN_PYTHON={}: {e}", py.display()));
        assert!(
            out.status.success(),
            "SCN_PYTHON={} cannot import sc_neurocore and sc_neurocore_engine (install \
             tests/compare/requirements.txt into it):\n{}",
            py.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        py
    })
}

/// A fresh scratch directory for one comparison.
pub fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("sc-neurocore", tag)
}

/// Panics with both output streams unless the process succeeded.
pub fn check(what: &str, out: &Output) {
    let (stdout, stderr) = common::text(out);
    assert!(out.status.success(), "{what} failed ({}):\n{stdout}\n{stderr}", out.status);
}

/// Runs `tests/compare/SCRIPT ARGS…` with `$SCN_PYTHON`.
pub fn run_python(script: &str, args: &[&Path]) {
    let o = Command::new(python())
        .arg(common::root().join("tests/compare").join(script))
        .args(args)
        .current_dir(common::root())
        .output()
        .expect("python runs");
    check(&format!("{script} {args:?}"), &o);
}

/// Runs `scn run FILE -o OUT ARGS…`.
pub fn scn_run(file: &Path, out: &Path, args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_scn"))
        .arg("run")
        .arg(file)
        .arg("-o")
        .arg(out)
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .output()
        .expect("scn runs");
    check(&format!("scn run {}", file.display()), &o);
}

/// A JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A spike: its step and the spiking neuron as `population/index`.
pub type Spike = (u64, String);

/// The spikes of a `spikes.csv` in file order (by step); none when the run monitored no
/// spikes.
pub fn spikes(out: &Path) -> Vec<Spike> {
    let Ok(text) = std::fs::read_to_string(out.join("spikes.csv")) else { return Vec::new() };
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,time_ms,population,neuron"), "{}", out.display());
    let mut out: Vec<Spike> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), format!("{}/{}", f[2], f[3]))
        })
        .collect();
    out.sort();
    out
}

/// The states of a `states.csv`: every variable sampled every `stride` steps from step 0.
pub struct Sampled {
    /// Steps between two samples (1 unless the monitor had `every = …`).
    pub stride: u64,
    /// Variable → value per sample.
    pub values: BTreeMap<String, Vec<f64>>,
}

/// `states.csv` as variable → value per sample; no variables when the run monitored no states.
/// The samples of a variable must be evenly spaced from step 0.
pub fn traces(out: &Path) -> Sampled {
    let Ok(text) = std::fs::read_to_string(out.join("states.csv")) else {
        return Sampled { stride: 1, values: BTreeMap::new() };
    };
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,time_ms,population,neuron,variable,value"), "{}", out.display());
    let mut m: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut stride = None;
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        let v = m.entry(f[4].to_string()).or_default();
        let step = f[0].parse::<u64>().unwrap();
        if v.len() == 1 {
            stride.get_or_insert(step);
        }
        let every = if v.is_empty() { 0 } else { *stride.get_or_insert(step) };
        assert_eq!(v.len() as u64 * every, step, "evenly spaced samples from step 0 in {}", out.display());
        v.push(f[5].parse().unwrap());
    }
    Sampled { stride: stride.unwrap_or(1).max(1), values: m }
}

/// How closely two runs must agree.
#[derive(Clone, Copy, Debug)]
pub enum Tolerance {
    /// |SCN − SC-NeuroCore| ≤ this fraction of the variable's largest magnitude in the run.
    Relative(f64),
    /// Identical values (fixed point, maps).
    Exact,
    /// Different integrators on the two sides: the same number of spikes, each within
    /// `spike_steps` steps of the other's, and states within `relative` of the variable's
    /// largest magnitude, away from the spikes (where one side has reset and the other not).
    Solver {
        /// How many steps apart two corresponding spikes may be.
        spike_steps: u64,
        /// The allowed state difference, as a fraction of the variable's range.
        relative: f64,
    },
    /// Random generators on both sides (different streams): per population, the spike counts
    /// a and b may differ by this many standard deviations of the difference of two
    /// independent Poisson counts, sqrt(a + b). States are not compared.
    Counts(f64),
}

impl Tolerance {
    /// Whether a difference `d` of a variable whose largest magnitude is `scale` is allowed.
    pub fn allows(self, d: f64, scale: f64) -> bool {
        match self {
            Tolerance::Relative(r) => d <= r * scale,
            Tolerance::Exact => d == 0.0,
            Tolerance::Solver { relative, .. } => d <= relative * scale,
            Tolerance::Counts(_) => true,
        }
    }
}

/// Two runs of one model side by side: spike steps and monitored variables of each.
pub struct Runs {
    /// SCN's spikes.
    pub ours: Vec<Spike>,
    /// SC-NeuroCore's spikes.
    pub theirs: Vec<Spike>,
    /// Variable → (SCN trace, SC-NeuroCore trace).
    pub traces: BTreeMap<String, (Vec<f64>, Vec<f64>)>,
    /// Steps between two samples of the traces.
    pub stride: u64,
}

/// How far two runs agree.
#[derive(Debug)]
pub struct Agreement {
    /// Per variable: the largest |difference| divided by the variable's largest magnitude.
    pub worst: Vec<(String, f64)>,
    /// The largest distance in steps between corresponding spikes.
    pub spike_shift: u64,
    /// Per population, for `Tolerance::Counts`: (SCN's spikes, SC-NeuroCore's spikes, their
    /// difference in standard deviations).
    pub counts: Vec<(String, usize, usize, f64)>,
    /// The first step at which a spike or a variable disagrees beyond the tolerance (step 0
    /// for counts outside their tolerance).
    pub first_divergence: Option<usize>,
}

impl Runs {
    /// Reads the `spikes.csv` and `states.csv` of both directories; the monitored variables, the
    /// sampling intervals and the numbers of samples must match. States sampled every `stride`
    /// steps compare spikes at that resolution: a spike counts at the first step of its interval
    /// (a reference whose call advances `stride` steps reports its spikes per call).
    pub fn read(ours: &Path, theirs: &Path) -> Runs {
        let (t_ours, mut t_theirs) = (traces(ours), traces(theirs));
        assert_eq!(
            t_ours.values.keys().collect::<Vec<_>>(),
            t_theirs.values.keys().collect::<Vec<_>>(),
            "monitored variables"
        );
        assert_eq!(t_ours.stride, t_theirs.stride, "sampling intervals");
        let stride = t_ours.stride;
        let traces = t_ours
            .values
            .into_iter()
            .map(|(k, a)| {
                let b = t_theirs.values.remove(&k).unwrap();
                assert_eq!(a.len(), b.len(), "{k}: samples");
                (k, (a, b))
            })
            .collect();
        let per_interval =
            |spikes: Vec<Spike>| -> Vec<Spike> { spikes.into_iter().map(|(k, n)| (k - k % stride, n)).collect() };
        Runs { ours: per_interval(spikes(ours)), theirs: per_interval(spikes(theirs)), traces, stride }
    }

    /// The agreement under `tol`. States are sampled at the start of a step, so a spike in step
    /// k shows in the states from the next sample: a spike difference at step k diverges at
    /// k + stride. Divergences are reported as steps.
    pub fn agreement(&self, tol: Tolerance) -> Agreement {
        if let Tolerance::Counts(sigmas) = tol {
            return self.count_agreement(sigmas);
        }
        let mut first: Option<usize> = None;
        let mut note = |k: usize| first = Some(first.map_or(k, |f| f.min(k)));
        let stride = self.stride as usize;
        let apart = if let Tolerance::Solver { spike_steps, .. } = tol { spike_steps } else { 0 };
        let differ = |(a, b): (&Spike, &Spike)| a.1 != b.1 || a.0.abs_diff(b.0) > apart;
        if let Some(k) = self.ours.iter().zip(&self.theirs).position(differ) {
            note(self.ours[k].0.min(self.theirs[k].0) as usize + stride);
        } else if self.ours.len() != self.theirs.len() {
            let n = self.ours.len().min(self.theirs.len());
            let extra = self.ours.get(n).or(self.theirs.get(n)).unwrap();
            note(extra.0 as usize + stride);
        }
        // With different integrators a spike may come a few steps earlier on one side: the
        // states around it (its steps ± `apart`, and the sample after) are not compared.
        let near_spike = |k: usize| {
            let step = (k * stride) as u64;
            apart > 0 && self.ours.iter().chain(&self.theirs).any(|(s, _)| step.abs_diff(*s) <= apart + self.stride)
        };
        let mut worst = Vec::new();
        for (var, (a, b)) in &self.traces {
            let scale = a.iter().chain(b).fold(0.0f64, |m, x| m.max(x.abs()));
            let compared =
                || a.iter().zip(b).enumerate().filter(|(k, _)| !near_spike(*k)).map(|(k, (x, y))| (k, (x - y).abs()));
            if let Some((k, _)) = compared().find(|(_, d)| !tol.allows(*d, scale)) {
                note(k * stride);
            }
            let w = compared().map(|(_, d)| d).fold(0.0f64, f64::max);
            worst.push((var.clone(), if scale > 0.0 { w / scale } else { w }));
        }
        let spike_shift = self.ours.iter().zip(&self.theirs).map(|(a, b)| a.0.abs_diff(b.0)).max().unwrap_or(0);
        Agreement { worst, spike_shift, counts: Vec::new(), first_divergence: first }
    }

    /// Spike counts per population, within `sigmas` standard deviations.
    fn count_agreement(&self, sigmas: f64) -> Agreement {
        let count = |spikes: &[Spike]| {
            let mut m: BTreeMap<String, usize> = BTreeMap::new();
            for (_, n) in spikes {
                *m.entry(n.split('/').next().unwrap().to_string()).or_default() += 1;
            }
            m
        };
        let (ours, theirs) = (count(&self.ours), count(&self.theirs));
        let pops: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
        let mut counts = Vec::new();
        let mut within = true;
        for p in pops {
            let (a, b) = (ours.get(p).copied().unwrap_or(0), theirs.get(p).copied().unwrap_or(0));
            let z = (a as f64 - b as f64) / ((a + b) as f64).sqrt().max(1.0);
            within &= z.abs() <= sigmas;
            counts.push((p.clone(), a, b, z));
        }
        Agreement { worst: Vec::new(), spike_shift: 0, counts, first_divergence: if within { None } else { Some(0) } }
    }
}
