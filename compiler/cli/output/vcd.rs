//! `scn run --vcd FILE.vcd`: the recorded spikes and states as a Value Change Dump
//! (IEEE 1364 §18), for GTKWave and other waveform viewers.
//!
//! - One time unit of the dump is the largest VCD unit (`1`, `10` or `100` of s, ms, us, ns,
//!   ps, fs) that divides `dt` exactly, so `dt = 0.1 ms` gives `$timescale 100 us` and one tick
//!   per step, `dt = 0.05 ms` gives `10 us` and five ticks per step. A clocked network has one
//!   tick of `1 ns` per cycle (nothing is measured in seconds there; the unit only has to exist).
//! - `$scope module NETWORK`, inside it one scope per population (or projection), inside that
//!   one scope `spike` with a 1-bit `wire` per neuron of a spike-monitored population, and one
//!   scope per monitored state with a `real` per recorded element; the names are `n0`, `n1`, …
//! - A spike wire is 1 for the whole step in which the neuron spiked and 0 otherwise: the wire
//!   read at the start of each step is the spike train, so back-to-back spikes keep it high.
//! - A real changes when a sample differs from the last value written; it holds between
//!   samples (`monitor … every N`).
//! - No `$date`: the same run gives the same bytes.
//!
//! The dump is streamed: memory is one entry per variable, whatever the length of the run.

use super::{Owner, Recorded};
use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::io::{self, Write};

/// The VCD time unit for a step of `dt` seconds (a cycle if `clocked`): its text and the
/// ticks per step.
pub fn timescale(dt: f64, clocked: bool) -> (String, u64) {
    if clocked {
        return ("1 ns".into(), 1);
    }
    const UNITS: [(&str, i32); 6] = [("s", 0), ("ms", -3), ("us", -6), ("ns", -9), ("ps", -12), ("fs", -15)];
    for (unit, exp) in UNITS {
        for (m, mexp) in [(100, 2), (10, 1), (1, 0)] {
            let tick = 10f64.powi(exp + mexp);
            let ratio = dt / tick;
            let whole = ratio.round();
            if whole >= 1.0 && (ratio - whole).abs() <= 1e-9 * whole {
                return (format!("{m} {unit}"), whole as u64);
            }
        }
    }
    // dt is not a whole number of femtoseconds: round to them.
    ("1 fs".into(), (dt / 1e-15).round().max(1.0) as u64)
}

/// The short identifier of variable `n`: base 94 over the printable characters `!`..`~`.
fn code(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push(char::from(b'!' + (n % 94) as u8));
        n /= 94;
        if n == 0 {
            return s;
        }
        n -= 1;
    }
}

/// Writes the dump of a finished run of `steps` steps.
pub fn write(net: &Network, sim: &Simulation<'_>, rec: &Recorded, steps: u64, w: &mut dyn Write) -> io::Result<()> {
    let (unit, per_step) = timescale(net.dt, net.clocked);
    let step_text = if net.clocked { "cycles".to_string() } else { format!("steps of dt = {} s", net.dt) };
    writeln!(w, "$comment scn run: network {}, seed {}, {steps} {step_text} $end", net.name, net.seed)?;
    writeln!(w, "$version scn {} $end", env!("CARGO_PKG_VERSION"))?;
    writeln!(w, "$timescale {unit} $end")?;
    writeln!(w, "$scope module {} $end", net.name)?;

    // Variables: spike wires first (population-major), then reals in trace order.
    let mut wire_base = vec![0usize; net.populations.len()];
    let mut next = 0usize;
    for &p in &rec.spike_pops {
        wire_base[p] = next;
        next += net.populations[p].size as usize;
    }
    let wires = next;
    let mut real_base = Vec::with_capacity(rec.traces.len());
    for t in &rec.traces {
        real_base.push(next);
        next += t.elements.len();
    }
    // Scopes per owner: populations in network order, then projections.
    let mut owners: Vec<Owner> = rec.spike_pops.iter().map(|&p| Owner::Pop(p)).collect();
    owners.extend(rec.traces.iter().map(|t| t.owner));
    owners.sort_unstable();
    owners.dedup();
    for owner in owners {
        let name = match owner {
            Owner::Pop(p) => &net.populations[p].name,
            Owner::Proj(p) => &net.projections[p].name,
        };
        writeln!(w, "$scope module {name} $end")?;
        if let Owner::Pop(p) = owner
            && rec.spike_recorded[p]
        {
            writeln!(w, "$scope module spike $end")?;
            for n in 0..net.populations[p].size as usize {
                writeln!(w, "$var wire 1 {} n{n} $end", code(wire_base[p] + n))?;
            }
            writeln!(w, "$upscope $end")?;
        }
        for (t, trace) in rec.traces.iter().enumerate().filter(|(_, t)| t.owner == owner) {
            writeln!(w, "$scope module {} $end", trace.var)?;
            for (k, e) in trace.elements.iter().enumerate() {
                writeln!(w, "$var real 64 {} n{e} $end", code(real_base[t] + k))?;
            }
            writeln!(w, "$upscope $end")?;
        }
        writeln!(w, "$upscope $end")?;
    }
    writeln!(w, "$upscope $end")?;
    writeln!(w, "$enddefinitions $end")?;

    // Value changes, merged in step order from the spikes and the samples (both in step order).
    let tick = |step: u64| u128::from(step) * u128::from(per_step);
    let mut spikes = sim.spikes.iter().filter(|s| rec.spike_recorded[s.pop]).peekable();
    let mut samples = sim.samples.iter().peekable();
    // Wires that are 1 during step `high_step`, sorted.
    let (mut high, mut high_step) = (Vec::<usize>::new(), 0u64);
    let mut now = Vec::new();
    let mut reals: Vec<Option<u64>> = vec![None; next - wires];
    let mut changes = String::new();
    let mut first = true;
    loop {
        let step = if first {
            0
        } else {
            let next_spike = spikes.peek().map(|s| s.step);
            let next_sample = samples.peek().map(|s| s.step);
            let fall = (!high.is_empty()).then_some(high_step + 1);
            match [next_spike, next_sample, fall].into_iter().flatten().min() {
                Some(s) => s,
                None => break,
            }
        };
        now.clear();
        while let Some(s) = spikes.next_if(|s| s.step == step) {
            now.push(wire_base[s.pop] + s.neuron as usize);
        }
        now.sort_unstable();
        now.dedup();
        changes.clear();
        while let Some(s) = samples.next_if(|s| s.step == step) {
            let Some(Some(t)) = rec.monitor_trace.get(s.monitor) else { continue };
            let Ok(k) = rec.traces[*t].elements.binary_search(&s.neuron) else { continue };
            let id = real_base[*t] + k;
            let bits = s.value.to_bits();
            if reals[id - wires] != Some(bits) {
                reals[id - wires] = Some(bits);
                changes.push_str(&format!("r{:e} {}\n", s.value, code(id)));
            }
        }
        writeln!(w, "#{}", tick(step))?;
        if first {
            writeln!(w, "$dumpvars")?;
            for id in 0..wires {
                let v = u8::from(now.binary_search(&id).is_ok());
                writeln!(w, "{v}{}", code(id))?;
            }
            write!(w, "{changes}")?;
            writeln!(w, "$end")?;
            first = false;
        } else {
            for &id in high.iter().filter(|id| now.binary_search(id).is_err()) {
                writeln!(w, "0{}", code(id))?;
            }
            for &id in now.iter().filter(|id| high.binary_search(id).is_err()) {
                writeln!(w, "1{}", code(id))?;
            }
            write!(w, "{changes}")?;
        }
        std::mem::swap(&mut high, &mut now);
        high_step = step;
    }
    // The end of the run, so that viewers show its whole length.
    if steps > high_step {
        writeln!(w, "#{}", tick(steps))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timescales_divide_the_step() {
        assert_eq!(timescale(1e-4, false), ("100 us".into(), 1));
        assert_eq!(timescale(5e-5, false), ("10 us".into(), 5));
        assert_eq!(timescale(1e-3, false), ("1 ms".into(), 1));
        assert_eq!(timescale(0.025e-3, false), ("1 us".into(), 25));
        assert_eq!(timescale(1.0, true), ("1 ns".into(), 1));
    }

    #[test]
    fn codes_are_distinct_and_printable() {
        let codes: Vec<String> = (0..20_000).map(code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert!(codes.iter().all(|c| c.bytes().all(|b| (b'!'..=b'~').contains(&b))));
        assert_eq!((code(0).as_str(), code(93).len(), code(94).len()), ("!", 1, 2));
    }
}
