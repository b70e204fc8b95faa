//! Reading a recorded spike trace for `stimulus spikes(load("times.csv"))`.
//!
//! The file has the trace schema of `spikes.csv` (DESIGN §7): a header
//! `step,time_ms,population,neuron` and one row per spike. A row's step is its `step` when
//! given, else `time_ms / dt` rounded half to even. With one population name the sources are
//! the neuron indices (as many as the largest index + 1); with several, each distinct
//! `(population, neuron)` pair is one source, numbered in order of first appearance.

use std::collections::HashMap;
use std::path::Path;

/// A trace turned into sources.
#[derive(Debug, PartialEq)]
pub(crate) struct Trace {
    /// Number of sources.
    pub n: u64,
    /// `(step, source)` pairs, sorted, without duplicates.
    pub spikes: Vec<(u64, u64)>,
}

const HEADER: [&str; 4] = ["step", "time_ms", "population", "neuron"];

/// Reads the trace at `path` (`shown` names it in messages) for a network with time step `dt`
/// seconds (`clocked`: no physical time, so every row needs its `step`).
pub(crate) fn read_trace(path: &Path, shown: &str, dt: f64, clocked: bool) -> Result<Trace, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    parse_trace(&text, shown, dt, clocked)
}

/// [`read_trace`] of a text.
pub(crate) fn parse_trace(text: &str, shown: &str, dt: f64, clocked: bool) -> Result<Trace, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((hl, header)) = lines.next() else {
        return Err(format!("`{shown}` is empty: it needs the header `step,time_ms,population,neuron`"));
    };
    let cells: Vec<&str> = header.split(',').map(str::trim).collect();
    if cells != HEADER {
        return Err(format!(
            "`{shown}` line {}: the header is `{}`, expected `step,time_ms,population,neuron`",
            hl + 1,
            header.trim()
        ));
    }
    let mut rows: Vec<(u64, String, u64)> = Vec::new();
    for (k, line) in lines {
        let line_no = k + 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 4 {
            return Err(format!(
                "`{shown}` line {line_no}: {} fields, expected 4 (step,time_ms,population,neuron)",
                cells.len()
            ));
        }
        let field = |name: &str, what: &str, value: &str| {
            format!("`{shown}` line {line_no}, field `{name}`: `{value}` is not {what}")
        };
        let step = if !cells[0].is_empty() {
            cells[0].parse::<u64>().map_err(|_| field("step", "a whole number ≥ 0", cells[0]))?
        } else if clocked {
            return Err(format!(
                "`{shown}` line {line_no}, field `step`: empty, but a clocked network has no physical time"
            ));
        } else if cells[1].is_empty() {
            return Err(format!("`{shown}` line {line_no}: both `step` and `time_ms` are empty"));
        } else {
            let ms = cells[1].parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
            let ms = ms.ok_or_else(|| field("time_ms", "a time in ms ≥ 0", cells[1]))?;
            (ms * 1e-3 / dt).round_ties_even() as u64
        };
        if !cells[1].is_empty() && !cells[0].is_empty() && cells[1].parse::<f64>().is_err() {
            return Err(field("time_ms", "a time in ms", cells[1]));
        }
        if cells[2].is_empty() {
            return Err(format!("`{shown}` line {line_no}, field `population`: empty"));
        }
        let neuron = cells[3].parse::<u64>().map_err(|_| field("neuron", "a whole number ≥ 0", cells[3]))?;
        rows.push((step, cells[2].to_string(), neuron));
    }
    let first = rows.first().map(|r| r.1.clone());
    let single = rows.iter().all(|r| Some(&r.1) == first.as_ref());
    let mut spikes = Vec::with_capacity(rows.len());
    let n = if single {
        for (step, _, neuron) in &rows {
            spikes.push((*step, *neuron));
        }
        rows.iter().map(|r| r.2 + 1).max().unwrap_or(0)
    } else {
        let mut ids: HashMap<(String, u64), u64> = HashMap::new();
        for (step, pop, neuron) in rows {
            let next = ids.len() as u64;
            let id = *ids.entry((pop, neuron)).or_insert(next);
            spikes.push((step, id));
        }
        ids.len() as u64
    };
    spikes.sort_unstable();
    spikes.dedup();
    Ok(Trace { n, spikes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_population_numbers_by_neuron() {
        let t = parse_trace("step,time_ms,population,neuron\n5,,a,3\n,0.25,a,0\n5,,a,3\n", "t.csv", 1e-4, false);
        assert_eq!(t, Ok(Trace { n: 4, spikes: vec![(2, 0), (5, 3)] }));
    }

    #[test]
    fn several_populations_number_pairs() {
        let t = parse_trace("step,time_ms,population,neuron\n1,,b,7\n2,,a,7\n3,,b,7\n", "t.csv", 1e-4, false);
        assert_eq!(t, Ok(Trace { n: 2, spikes: vec![(1, 0), (2, 1), (3, 0)] }));
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = parse_trace("step,time_ms,population,neuron\n1,,a,x\n", "t.csv", 1e-4, false).unwrap_err();
        assert!(e.contains("line 2") && e.contains("`neuron`"), "{e}");
        let e = parse_trace("neuron,step\n", "t.csv", 1e-4, false).unwrap_err();
        assert!(e.contains("header"), "{e}");
    }
}
