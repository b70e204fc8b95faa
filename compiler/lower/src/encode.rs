//! `stimulus encode(KIND, values = A, …)`: the seven spike encodings as stimulus sources
//! (LANGUAGE §6, docs/language.md "Stimuli").
//!
//! `values` names a network parameter array. Source i encodes element i (for `delta` and
//! `sigma_delta`, A is a signal of rows = steps and columns = channels, and source c encodes
//! column c). Step 0 of an encoding is the first step of the stimulus window (`start`), and
//! nothing is emitted outside the window. `rate` draws per step at run time (Philox, purpose
//! stimuli, like a Poisson source); the other six are deterministic and are computed here, by
//! `scn_runtime::spike_encoding`, into a replayed spike list.

use crate::{Lowerer, unsupported};
use scn_diagnostics::{Diagnostic, Span};
use scn_grammar::ast::{self, Arg, ExprKind};
use scn_runtime::ir::{ScArray, Source, Window};
use scn_runtime::spike_encoding::{self as enc, Raster, Signal};
use std::collections::HashMap;

/// The time base an encoding is laid out on.
pub(crate) struct Timing {
    /// The time step in seconds (1 in a clocked network).
    pub dt: f64,
    /// The time step as an exact rational (None in a clocked network).
    pub dt_exact: Option<scn_units::Rational>,
    /// Whether the network is clocked.
    pub clocked: bool,
    /// The network's duration in steps, when it has one.
    pub steps: Option<u64>,
    /// The stimulus window.
    pub window: Window,
}

fn named<'a>(args: &'a [Arg], key: &str) -> Option<&'a ast::Expr> {
    args.iter().find_map(|a| match a {
        Arg::Named(n, v) if n.name == key => Some(v),
        _ => None,
    })
}

impl<'p> Lowerer<'p> {
    /// The source of `encode(KIND, values = …, …)`.
    pub(crate) fn encode_stimulus(
        &self,
        consts: &HashMap<String, f64>,
        arrays: &[ScArray],
        kind: &'p ast::Ident,
        args: &'p [Arg],
        time: &Timing,
    ) -> Result<Source, Diagnostic> {
        let encoding = match args.first() {
            Some(Arg::Positional(ast::Expr { kind: ExprKind::Name(n), .. })) => n,
            _ => return Err(unsupported(kind.span, "`encode` without an encoding name")),
        };
        let values_e = named(args, "values").ok_or_else(|| unsupported(kind.span, "`encode` without `values`"))?;
        let values = match &values_e.kind {
            ExprKind::Name(n) => arrays.iter().find(|a| a.name == n.name),
            _ => None,
        }
        .ok_or_else(|| unsupported(values_e.span, "`values` other than a network parameter array"))?;
        let count = |key: &str, default: Option<u64>| -> Result<u64, Diagnostic> {
            match named(args, key) {
                Some(e) => self
                    .net_value_pub(consts, e)
                    .filter(|v| v.fract() == 0.0 && *v >= 0.0)
                    .map(|v| v as u64)
                    .ok_or_else(|| unsupported(e.span, &format!("`{key}` other than a constant whole number"))),
                None => default
                    .ok_or_else(|| unsupported(kind.span, &format!("`encode({})` without `{key}`", encoding.name))),
            }
        };
        // The length of a static encoding: `window = D`, else up to `stop`, else to the end.
        let length = || -> Result<u64, Diagnostic> {
            match named(args, "window") {
                Some(e) => self.steps_of(consts, e, time.dt_exact, time.clocked),
                None => {
                    let end = if time.window.stop != u64::MAX { Some(time.window.stop) } else { time.steps };
                    end.map(|e| e.saturating_sub(time.window.start)).ok_or_else(|| {
                        unsupported(kind.span, "an encoding without `window`, `stop` or a network duration")
                    })
                }
            }
        };
        let threshold = || -> Result<f64, Diagnostic> {
            let e = named(args, "threshold").ok_or_else(|| unsupported(kind.span, "`encode` without `threshold`"))?;
            self.net_value_pub(consts, e).ok_or_else(|| unsupported(e.span, "a threshold that is not constant"))
        };
        let v = &values.values;
        let raster = match encoding.name.as_str() {
            "rate" => return self.rate_source(consts, args, v, time, kind.span),
            "latency" => enc::latency(v, length()? as usize),
            "rank_order" => enc::rank_order(v, length()? as usize),
            "burst" => enc::burst(v, length()? as usize, count("max_burst", None)? as usize),
            "phase" => enc::phase(v, length()? as usize, count("period", None)? as usize),
            "delta" | "sigma_delta" => {
                let channels = if values.dims.len() == 2 { values.dims[1] as usize } else { 1 };
                let signal = Signal::new(v.clone(), channels);
                let t = threshold()?;
                signal.and_then(|s| if encoding.name == "delta" { enc::delta(&s, t) } else { enc::sigma_delta(&s, t) })
            }
            other => return Err(unsupported(encoding.span, &format!("the encoding `{other}`"))),
        }
        .map_err(|e| unsupported(values_e.span, &format!("these values ({e})")))?;
        Ok(replay(&raster, time.window))
    }

    /// `encode(rate, values = A[, max_rate = F])`: source i fires with probability
    /// clip(A[i], 0, 1) per step, or clip(A[i], 0, 1) · F · dt with `max_rate`.
    fn rate_source(
        &self,
        consts: &HashMap<String, f64>,
        args: &'p [Arg],
        values: &[f64],
        time: &Timing,
        span: Span,
    ) -> Result<Source, Diagnostic> {
        let scale = match named(args, "max_rate") {
            None => 1.0,
            Some(_) if time.clocked => return Err(unsupported(span, "`max_rate` in a clocked network")),
            Some(e) => {
                self.net_value_pub(consts, e).ok_or_else(|| unsupported(e.span, "a rate that is not constant"))?
                    * time.dt
            }
        };
        if values.iter().any(|v| v.is_nan()) {
            return Err(unsupported(span, "rate coding of a value that is not a number"));
        }
        let p = values.iter().map(|v| v.clamp(0.0, 1.0) * scale).collect();
        Ok(Source::Rate { p, window: time.window })
    }
}

/// The spikes of `raster` shifted to start at the window's first step, cut at its end.
fn replay(raster: &Raster, window: Window) -> Source {
    let mut spikes = Vec::new();
    for t in 0..raster.steps() {
        let step = window.start.saturating_add(t as u64);
        if !window.contains(step) {
            break;
        }
        for n in 0..raster.neurons() {
            if raster.get(t, n) {
                spikes.push((step, n as u64));
            }
        }
    }
    Source::Replay { n: raster.neurons() as u64, spikes }
}
