//! `scn run --plot FILE.svg`: a spike raster and, below it, one panel of traces per monitored
//! state variable, as a self-contained SVG.
//!
//! The bytes depend only on the network and the recorded data. The raster draws every
//! spike as a short vertical tick, one `M x y v h` segment per spike in one path per
//! population; past [`MAX_SPIKES`] it draws every k-th spike and says so. Traces are thinned
//! to the minimum and maximum per pixel column and show at most [`MAX_LINES`] elements.

use super::{Recorded, Trace, decimal};
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use scn_units::Dim;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The most spikes drawn; more are thinned to every k-th spike.
pub const MAX_SPIKES: usize = 200_000;
/// The most lines drawn in one trace panel.
pub const MAX_LINES: usize = 16;

/// Colours (Tableau 10), one per population or trace line, cycling.
const PALETTE: [&str; 10] =
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const WIDTH: f64 = 960.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 120.0;
const TITLE: f64 = 56.0;
const RASTER: f64 = 320.0;
const BAND_MIN: f64 = 24.0;
const BAND_GAP: f64 = 6.0;
const AXIS: f64 = 56.0;
const PANEL: f64 = 180.0;

/// A step to mark across the plot (a property's violation), with its label.
pub struct Mark {
    /// The step.
    pub step: u64,
    /// What happened there.
    pub label: String,
}

/// Writes the plot of a finished run of `steps` steps, with `marks` drawn across it.
pub fn write(
    net: &Network,
    sim: &Simulation<'_>,
    rec: &Recorded,
    steps: u64,
    marks: &[Mark],
    w: &mut dyn Write,
) -> io::Result<()> {
    let x0 = LEFT;
    let x1 = WIDTH - RIGHT;
    let span = if net.clocked { steps as f64 } else { steps as f64 * net.dt * 1e3 };
    let time =
        Axis { x0, x1, span: span.max(f64::MIN_POSITIVE), per_step: if net.clocked { 1.0 } else { net.dt * 1e3 } };
    let raster_h = RASTER.max(rec.spike_pops.len() as f64 * (BAND_MIN + BAND_GAP));
    let height = TITLE + raster_h + AXIS + rec.traces.len() as f64 * (PANEL + AXIS) + 8.0;

    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">"#,
        W = decimal(WIDTH, 0),
        H = decimal(height, 0)
    )?;
    let duration = if net.clocked {
        format!("{steps} cycles")
    } else if span >= 1000.0 {
        format!("{} s", decimal(span / 1e3, 6))
    } else {
        format!("{} ms", decimal(span, 6))
    };
    writeln!(w, "<!-- scn run: network {}, {duration}, seed {} -->", escape(&net.name), net.seed)?;
    writeln!(w, r#"<rect width="100%" height="100%" fill="white"/>"#)?;
    writeln!(
        w,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{} — {duration}, seed {}</text>"#,
        decimal((x0 + x1) / 2.0, 1),
        escape(&net.name),
        net.seed
    )?;
    let time_label = if net.clocked { "time (cycles)" } else { "time (ms)" };

    // The raster.
    let (top, bottom) = (TITLE, TITLE + raster_h);
    writeln!(w, r#"<g id="raster">"#)?;
    frame(w, x0, top, x1, bottom)?;
    time.ticks(w, bottom)?;
    text(w, (x0 + x1) / 2.0, bottom + 36.0, "middle", None, time_label)?;
    vertical_label(w, 24.0, (top + bottom) / 2.0, "neuron")?;
    raster(w, net, sim, rec, &time, top, bottom)?;
    writeln!(w, "</g>")?;

    // One panel per monitored state variable.
    let per_trace = samples_by_trace(sim, rec);
    for (i, (trace, lines)) in rec.traces.iter().zip(&per_trace).enumerate() {
        let top = TITLE + raster_h + AXIS + i as f64 * (PANEL + AXIS);
        panel(w, trace, lines, &time, top, top + PANEL, time_label)?;
    }
    let last =
        TITLE + raster_h + rec.traces.len() as f64 * (PANEL + AXIS) + if rec.traces.is_empty() { 0.0 } else { AXIS };
    for m in marks {
        mark(w, m, &time, TITLE, last)?;
    }
    writeln!(w, "</svg>")
}

/// A dashed red line through the raster and the panels at the middle of the marked step, with
/// its label at the top.
fn mark(w: &mut dyn Write, m: &Mark, time: &Axis, top: f64, bottom: f64) -> io::Result<()> {
    let x = (time.x(m.step) + time.x(m.step + 1)) / 2.0;
    writeln!(w, r#"<g class="violation" data-step="{}">"#, m.step)?;
    writeln!(
        w,
        r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="4 3"/>"##,
        decimal(top, 2),
        decimal(bottom, 2),
        x = decimal(x, 2)
    )?;
    let anchor = if x > (time.x0 + time.x1) / 2.0 { "end" } else { "start" };
    let dx = if anchor == "end" { -4.0 } else { 4.0 };
    text(w, x + dx, top + 12.0, anchor, Some("#d62728"), &m.label)?;
    writeln!(w, "</g>")
}

/// The shared time axis: `span` (ms or cycles) across `x0..x1`.
struct Axis {
    x0: f64,
    x1: f64,
    span: f64,
    per_step: f64,
}

impl Axis {
    fn x(&self, step: u64) -> f64 {
        self.x0 + step as f64 * self.per_step / self.span * (self.x1 - self.x0)
    }

    fn ticks(&self, w: &mut dyn Write, y: f64) -> io::Result<()> {
        let (ticks, decimals) = nice_ticks(0.0, self.span, 8);
        for t in ticks {
            let x = self.x0 + t / self.span * (self.x1 - self.x0);
            tick(w, x, y, x, y + 5.0)?;
            text(w, x, y + 17.0, "middle", None, &decimal(t, decimals))?;
        }
        Ok(())
    }
}

fn raster(
    w: &mut dyn Write,
    net: &Network,
    sim: &Simulation<'_>,
    rec: &Recorded,
    time: &Axis,
    top: f64,
    bottom: f64,
) -> io::Result<()> {
    let pops = &rec.spike_pops;
    if pops.is_empty() {
        return text(w, (time.x0 + time.x1) / 2.0, (top + bottom) / 2.0, "middle", None, "no spike monitors");
    }
    let total: u64 = pops.iter().map(|&p| net.populations[p].size.max(1)).sum();
    let free = (bottom - top) - pops.len() as f64 * (BAND_MIN + BAND_GAP) + BAND_GAP;
    // Band of each population: top and height.
    let mut bands = vec![(0.0, 0.0); net.populations.len()];
    let mut y = top;
    for &p in pops {
        let h = BAND_MIN + free * net.populations[p].size.max(1) as f64 / total as f64;
        bands[p] = (y, h);
        y += h + BAND_GAP;
    }
    let recorded = sim.spikes.iter().filter(|s| rec.spike_recorded[s.pop]).count();
    let stride = recorded.div_ceil(MAX_SPIKES).max(1);
    if stride > 1 {
        let shown = recorded.div_ceil(stride);
        writeln!(w, "<!-- thinned: 1 in {stride} spikes, {shown} of {recorded} drawn -->")?;
        text(
            w,
            time.x1,
            top - 6.0,
            "end",
            Some("#555"),
            &format!("thinned: 1 in {stride} spikes drawn ({shown} of {recorded})"),
        )?;
    }
    // Row height, mark length and the path of each population, filled in one pass.
    let geometry = |p: usize| {
        let (band_top, h) = bands[p];
        let row = h / net.populations[p].size.max(1) as f64;
        (band_top, h, row, row.clamp(1.0, 8.0))
    };
    let mut paths: Vec<(usize, String)> = vec![(0, String::new()); net.populations.len()];
    for (i, s) in sim.spikes.iter().filter(|s| rec.spike_recorded[s.pop]).enumerate() {
        if i % stride != 0 {
            continue;
        }
        let (band_top, h, row, mark) = geometry(s.pop);
        let y = band_top + h - (s.neuron as f64 + 0.5) * row - mark / 2.0;
        let (drawn, d) = &mut paths[s.pop];
        *drawn += 1;
        let _ = write!(d, "M{} {}v{}", decimal(time.x(s.step), 2), decimal(y, 2), decimal(mark, 2));
    }
    for (k, &p) in pops.iter().enumerate() {
        let pop = &net.populations[p];
        let (band_top, h, row, _) = geometry(p);
        let colour = PALETTE[k % PALETTE.len()];
        let y_of = |n: u64| band_top + h - (n as f64 + 0.5) * row;
        // Neuron ticks at the edges of the band.
        let last = pop.size.saturating_sub(1);
        // Neuron 0 sits on the bottom edge, the last one hangs from the top edge, so that the
        // labels of neighbouring bands do not meet.
        let bottom_label = if last == 0 { y_of(0) + 4.0 } else { band_top + h - 1.0 };
        for (n, y) in [(0, bottom_label), (last, band_top + 9.0)] {
            tick(w, time.x0 - 5.0, y_of(n), time.x0, y_of(n))?;
            text(w, time.x0 - 8.0, y, "end", None, &n.to_string())?;
            if last == 0 {
                break;
            }
        }
        let label_y = band_top + h / 2.0;
        text(w, time.x1 + 8.0, label_y, "start", Some(colour), &pop.name)?;
        text(
            w,
            time.x1 + 8.0,
            label_y + 13.0,
            "start",
            Some("#555"),
            &format!("{} neuron{}", pop.size, if pop.size == 1 { "" } else { "s" }),
        )?;
        let (drawn, d) = &paths[p];
        writeln!(
            w,
            r#"<path class="spikes" data-population="{}" data-spikes="{drawn}" stroke="{colour}" stroke-width="1" fill="none" d="{d}"/>"#,
            escape(&pop.name)
        )?;
    }
    Ok(())
}

/// Per trace, the drawn elements with their `(step, value)` points, in step order.
type Lines = Vec<(u64, Vec<(u64, f64)>)>;

fn samples_by_trace(sim: &Simulation<'_>, rec: &Recorded) -> Vec<Lines> {
    let mut out: Vec<Lines> =
        rec.traces.iter().map(|t| t.elements.iter().take(MAX_LINES).map(|&e| (e, Vec::new())).collect()).collect();
    for s in &sim.samples {
        let Some(Some(t)) = rec.monitor_trace.get(s.monitor) else { continue };
        let lines = &mut out[*t];
        let Ok(k) = lines.binary_search_by_key(&s.neuron, |(e, _)| *e) else { continue };
        let points = &mut lines[k].1;
        // Two monitors of the same variable record the same value in the same step.
        if points.last().is_none_or(|&(step, _)| step < s.step) {
            points.push((s.step, s.value));
        }
    }
    out
}

fn panel(
    w: &mut dyn Write,
    trace: &Trace,
    lines: &Lines,
    time: &Axis,
    top: f64,
    bottom: f64,
    time_label: &str,
) -> io::Result<()> {
    let name = format!("{}.{}", trace.owner_name, trace.var);
    writeln!(w, r#"<g id="trace-{}">"#, escape(&name))?;
    frame(w, time.x0, top, time.x1, bottom)?;
    time.ticks(w, bottom)?;
    text(w, (time.x0 + time.x1) / 2.0, bottom + 36.0, "middle", None, time_label)?;
    let values = lines.iter().flat_map(|(_, p)| p.iter().map(|&(_, v)| v)).filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (symbol, factor) = unit_of(&trace.unit, lo.abs().max(hi.abs()));
    let label = if symbol.is_empty() { name.clone() } else { format!("{name} ({symbol})") };
    vertical_label(w, 24.0, (top + bottom) / 2.0, &label)?;
    if !lo.is_finite() {
        text(w, (time.x0 + time.x1) / 2.0, (top + bottom) / 2.0, "middle", None, "no samples")?;
        return writeln!(w, "</g>");
    }
    let (mut lo, mut hi) = (lo * factor, hi * factor);
    if hi - lo < 1e-12 * hi.abs().max(1e-300) || hi == lo {
        let pad = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        (lo, hi) = (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let y_of = |v: f64| bottom - (v * factor - lo) / (hi - lo) * (bottom - top);
    let (ticks, decimals) = nice_ticks(lo, hi, 6);
    for t in ticks {
        let y = bottom - (t - lo) / (hi - lo) * (bottom - top);
        tick(w, time.x0 - 5.0, y, time.x0, y)?;
        text(w, time.x0 - 8.0, y + 4.0, "end", None, &decimal(t, decimals))?;
    }
    for (k, (element, points)) in lines.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut d = String::new();
        let mut pen_down = false;
        for (step, v) in thin(points, time) {
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let _ =
                write!(d, "{}{} {}", if pen_down { 'L' } else { 'M' }, decimal(time.x(step), 2), decimal(y_of(v), 2));
            pen_down = true;
        }
        writeln!(
            w,
            r#"<path class="trace" data-element="{element}" stroke="{colour}" stroke-width="1" fill="none" d="{d}"/>"#
        )?;
        text(w, time.x1 + 8.0, top + 10.0 + k as f64 * 11.0, "start", Some(colour), &format!("#{element}"))?;
    }
    if trace.elements.len() > lines.len() {
        text(
            w,
            time.x1,
            top - 6.0,
            "end",
            Some("#555"),
            &format!("showing {} of {} recorded elements", lines.len(), trace.elements.len()),
        )?;
    }
    writeln!(w, "</g>")
}

/// Keeps, per pixel column, the first, lowest, highest and last point, in step order.
fn thin(points: &[(u64, f64)], time: &Axis) -> Vec<(u64, f64)> {
    let columns = (time.x1 - time.x0) as usize;
    if points.len() <= 4 * columns {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(4 * columns + 4);
    let mut i = 0;
    while i < points.len() {
        let column = time.x(points[i].0).floor();
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && time.x(points[j].0).floor() == column {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = usize::MAX;
        for k in keep {
            if k != last {
                out.push(points[k]);
                last = k;
            }
        }
        i = j;
    }
    out
}

/// Symbols of the named SI units, with the factor from the SI base value.
fn named_unit(si: &str) -> Option<(&'static str, f64)> {
    const UNITS: [(&str, Dim, f64); 11] = [
        ("V", Dim::VOLTAGE, 1.0),
        ("A", Dim::CURRENT, 1.0),
        ("S", Dim::CONDUCTANCE, 1.0),
        ("F", Dim::CAPACITANCE, 1.0),
        ("Ω", Dim::RESISTANCE, 1.0),
        ("Hz", Dim::FREQUENCY, 1.0),
        ("s", Dim::TIME, 1.0),
        ("M", Dim::CONCENTRATION, 1e-3),
        ("C", Dim::CHARGE, 1.0),
        ("J", Dim::ENERGY, 1.0),
        ("W", Dim::POWER, 1.0),
    ];
    UNITS.iter().find(|(_, d, _)| d.si_string() == si).map(|&(s, _, f)| (s, f))
}

/// The axis unit for values of SI unit `si` up to `max` in magnitude: a prefixed symbol
/// (`mV`) and the factor from SI values to axis values.
fn unit_of(si: &str, max: f64) -> (String, f64) {
    if si == "1" || si.is_empty() {
        return (String::new(), 1.0);
    }
    let Some((symbol, base)) = named_unit(si) else { return (si.to_string(), 1.0) };
    const PREFIXES: [(i32, &str); 10] =
        [(-15, "f"), (-12, "p"), (-9, "n"), (-6, "µ"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G"), (12, "T")];
    let max = max * base;
    let exp = if max.is_finite() && max > 0.0 { ((max.log10() / 3.0).floor() as i32 * 3).clamp(-15, 12) } else { 0 };
    let prefix = PREFIXES.iter().find(|(e, _)| *e == exp).map_or("", |(_, p)| p);
    (format!("{prefix}{symbol}"), base / 10f64.powi(exp))
}

/// Round tick positions (1, 2 or 5 times a power of ten apart) covering `lo..=hi`, at most
/// about `n`, and the decimals their labels need.
fn nice_ticks(lo: f64, hi: f64, n: usize) -> (Vec<f64>, usize) {
    let span = hi - lo;
    if span.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !span.is_finite() {
        return (vec![lo], 0);
    }
    let raw = span / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw * (1.0 - 1e-9)).unwrap_or(10.0 * mag);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), decimals)
}

fn frame(w: &mut dyn Write, x0: f64, y0: f64, x1: f64, y1: f64) -> io::Result<()> {
    writeln!(
        w,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333"/>"##,
        decimal(x0, 2),
        decimal(y0, 2),
        decimal(x1 - x0, 2),
        decimal(y1 - y0, 2)
    )
}

fn tick(w: &mut dyn Write, x0: f64, y0: f64, x1: f64, y1: f64) -> io::Result<()> {
    writeln!(
        w,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>"##,
        decimal(x0, 2),
        decimal(y0, 2),
        decimal(x1, 2),
        decimal(y1, 2)
    )
}

fn text(w: &mut dyn Write, x: f64, y: f64, anchor: &str, fill: Option<&str>, body: &str) -> io::Result<()> {
    let fill = fill.map_or(String::new(), |f| format!(r#" fill="{f}""#));
    writeln!(
        w,
        r#"<text x="{}" y="{}" text-anchor="{anchor}"{fill}>{}</text>"#,
        decimal(x, 2),
        decimal(y, 2),
        escape(body)
    )
}

fn vertical_label(w: &mut dyn Write, x: f64, y: f64, body: &str) -> io::Result<()> {
    let (x, y) = (decimal(x, 2), decimal(y, 2));
    writeln!(w, r#"<text x="{x}" y="{y}" text-anchor="middle" transform="rotate(-90 {x} {y})">{}</text>"#, escape(body))
}

/// Escapes text for XML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 50.0, 8), (vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0], 0));
        let (t, d) = nice_ticks(-72.0, -48.0, 5);
        assert_eq!(t, vec![-70.0, -65.0, -60.0, -55.0, -50.0]);
        assert_eq!(d, 0);
        let (t, d) = nice_ticks(0.0, 0.3, 3);
        assert_eq!(t.len(), 4);
        assert_eq!(d, 1);
    }

    #[test]
    fn units_get_readable_prefixes() {
        let volt = Dim::VOLTAGE.si_string();
        assert_eq!(unit_of(&volt, 0.065), ("mV".to_string(), 1e3));
        assert_eq!(unit_of(&Dim::CONDUCTANCE.si_string(), 3e-9).0, "nS");
        assert_eq!(unit_of(&Dim::CURRENT.si_string(), 2e-10).0, "pA");
        assert_eq!(unit_of("1", 5.0), (String::new(), 1.0));
        assert_eq!(unit_of("m^-1", 5.0), ("m^-1".to_string(), 1.0));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape(r#"a<b & "c""#), "a&lt;b &amp; &quot;c&quot;");
    }
}
