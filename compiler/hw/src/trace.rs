//! The per-cycle trace that RTL co-simulation compares: its layout (which top-level ports
//! hold what) and the same trace computed by the reference interpreter.
//!
//! The text format (one line per cycle, then the outputs of each completed frame):
//!
//! ```text
//! # scn-trace 1 network=QNet cycles=3
//! # columns: cycle spikes(n) n.v[0] n.v[1]
//! 0 00 0 0
//! 1 00 1024 1024
//! 2 00 1984 1984
//! ```
//!
//! A spike column has one character per neuron, neuron 0 first; a state column holds the raw
//! integer of the state at the start of the cycle (value · 2^F in scaled units, F given in the
//! header). An output line `out CYCLE NAME N0 N1 …` follows the last cycle of each frame; the
//! output's value is `Nk / DEN` with DEN from the header.

use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;
use std::fmt::Write as _;

/// A traced state of a population.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateLayout {
    /// The state's name.
    pub name: String,
    /// The top-level port (neuron i at bits i·width …).
    pub port: String,
    /// Bits per neuron.
    pub width: u32,
    /// Printed as a signed number.
    pub signed: bool,
    /// Fractional bits of the raw value.
    pub frac: u32,
}

/// A traced population.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PopLayout {
    /// Its name.
    pub name: String,
    /// Number of neurons.
    pub size: u64,
    /// The top-level spike port (bit i = neuron i).
    pub spike_port: String,
    /// Its states.
    pub states: Vec<StateLayout>,
}

/// A network output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutputLayout {
    /// Its name.
    pub name: String,
    /// One top-level port per element (row-major), each a signed numerator.
    pub ports: Vec<String>,
    /// Width of each port.
    pub width: u32,
    /// The common denominator.
    pub den: i128,
}

/// What the testbench traces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceLayout {
    /// The network.
    pub network: String,
    /// Populations, in declaration order.
    pub pops: Vec<PopLayout>,
    /// Outputs, in declaration order.
    pub outputs: Vec<OutputLayout>,
    /// The port that is high on the last cycle of each frame (with outputs only).
    pub frame_port: Option<String>,
    /// The frame length (0 without streams).
    pub frame: u64,
}

impl TraceLayout {
    /// The header lines of a trace of `cycles` cycles.
    pub fn header(&self, cycles: u64) -> String {
        let mut s = format!("# scn-trace 1 network={} cycles={cycles}\n# columns: cycle", self.network);
        for p in &self.pops {
            let _ = write!(s, " spikes({})", p.name);
        }
        for p in &self.pops {
            for st in &p.states {
                let _ = write!(s, " {}.{}[0..{}]/2^{}", p.name, st.name, p.size, st.frac);
            }
        }
        s.push('\n');
        for o in &self.outputs {
            let _ = writeln!(s, "# output {}[0..{}] = numerator/{}", o.name, o.ports.len(), o.den);
        }
        s
    }
}

/// An output numerator: exact, or (when the interpreter's value is not `N / DEN`) the value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// `value = N / DEN` exactly.
    Exact(i128),
    /// A value no numerator represents (never equal to a hardware trace).
    Inexact(f64),
}

/// One cycle: spikes per population and neuron; states per population, state and neuron.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cycle {
    /// Spikes emitted in the cycle.
    pub spikes: Vec<Vec<bool>>,
    /// Raw states at the start of the cycle.
    pub states: Vec<Vec<Vec<i128>>>,
}

/// The outputs of one completed frame.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameOutputs {
    /// The frame's last cycle.
    pub cycle: u64,
    /// Per output, per element.
    pub values: Vec<Vec<Num>>,
}

/// A whole trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// Every cycle.
    pub cycles: Vec<Cycle>,
    /// Every completed frame's outputs.
    pub frames: Vec<FrameOutputs>,
}

impl Trace {
    /// The text form (see the module documentation).
    pub fn text(&self, layout: &TraceLayout) -> String {
        let mut out = layout.header(self.cycles.len() as u64);
        let mut frames = self.frames.iter().peekable();
        for (t, c) in self.cycles.iter().enumerate() {
            let _ = write!(out, "{t}");
            for bits in &c.spikes {
                out.push(' ');
                out.extend(bits.iter().map(|&b| if b { '1' } else { '0' }));
            }
            for pop in &c.states {
                for st in pop {
                    for v in st {
                        let _ = write!(out, " {v}");
                    }
                }
            }
            out.push('\n');
            while let Some(f) = frames.next_if(|f| f.cycle == t as u64) {
                for (o, vals) in layout.outputs.iter().zip(&f.values) {
                    let _ = write!(out, "out {t} {}", o.name);
                    for v in vals {
                        match v {
                            Num::Exact(n) => write!(out, " {n}"),
                            Num::Inexact(x) => write!(out, " {x:?}"),
                        }
                        .unwrap_or(());
                    }
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// The interpreter's trace of `cycles` steps.
pub fn interpreter_trace(net: &Network, layout: &TraceLayout, cycles: u64) -> Result<Trace, String> {
    let mut sim = Simulation::new(net);
    let mut trace = Trace::default();
    let mut seen_spikes = 0usize;
    for t in 0..cycles {
        let mut states = Vec::with_capacity(layout.pops.len());
        for (pi, p) in layout.pops.iter().enumerate() {
            let mut per_state = Vec::with_capacity(p.states.len());
            for s in 0..p.states.len() {
                let mut vals = Vec::with_capacity(p.size as usize);
                for i in 0..p.size {
                    vals.push(sim.raw_state(pi, i, s as u16).ok_or("a population without fixed point")?);
                }
                per_state.push(vals);
            }
            states.push(per_state);
        }
        sim.step_once().map_err(|e| e.to_string())?;
        let mut spikes: Vec<Vec<bool>> = layout.pops.iter().map(|p| vec![false; p.size as usize]).collect();
        for sp in &sim.spikes[seen_spikes..] {
            spikes[sp.pop][sp.neuron as usize] = true;
        }
        seen_spikes = sim.spikes.len();
        trace.cycles.push(Cycle { spikes, states });
        if layout.frame > 0 && (t + 1) % layout.frame == 0 && !layout.outputs.is_empty() {
            let frame = sim.outputs.last().ok_or("no outputs at the end of a frame")?;
            let values = layout
                .outputs
                .iter()
                .zip(frame)
                .map(|(o, vals)| vals.iter().map(|&v| numerator(v, o.den)).collect())
                .collect();
            trace.frames.push(FrameOutputs { cycle: t, values });
        }
    }
    Ok(trace)
}

/// `Exact(v · den)` when that integer divided by `den` gives back `v` exactly.
fn numerator(v: f64, den: i128) -> Num {
    let n = (v * den as f64).round();
    if n.abs() < 2f64.powi(62) && ((n as i128) as f64 / den as f64).to_bits() == v.to_bits() {
        Num::Exact(n as i128)
    } else {
        Num::Inexact(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerators_are_exact_or_visible() {
        assert_eq!(numerator(1.5, 256), Num::Exact(384));
        assert_eq!(numerator(0.1, 256), Num::Inexact(0.1));
        assert_eq!(numerator(-0.25, 4), Num::Exact(-1));
    }
}
