//! The values a synapse model's continuous inputs take for one connection (`input reward`,
//! `pre.x`, `post.v`; see [`crate::ir::SynapseInput`]).

use super::connect::Csr;
use crate::ir::{Projection, Source, SynapseInput};

/// The presynaptic element of connection `c` (the row of the CSR that holds it).
pub fn source_of(csr: &Csr, c: usize) -> usize {
    csr.offsets.partition_point(|&o| o <= c as u64) - 1
}

/// The inputs of connection `c` of `pr`, by input slot of its synapse model. `state(pop,
/// element, slot)` reads a neuron state as it is now (after this step's integration, resets
/// and handlers when the synapse code runs in the pre or post pathway).
pub fn inputs(pr: &Projection, csr: &Csr, c: usize, state: impl Fn(usize, usize, u16) -> f64) -> Vec<f64> {
    let mut out = Vec::with_capacity(pr.synapse_inputs.len());
    inputs_into(pr, csr, c, state, &mut out);
    out
}

/// [`inputs`], written into `out` (cleared first), so that a loop over connections reuses one
/// buffer.
pub fn inputs_into(pr: &Projection, csr: &Csr, c: usize, state: impl Fn(usize, usize, u16) -> f64, out: &mut Vec<f64>) {
    out.clear();
    out.extend(pr.synapse_inputs.iter().map(|input| match *input {
        SynapseInput::Const(v) => v,
        SynapseInput::Post(slot) => state(pr.target, csr.target[c] as usize, slot),
        SynapseInput::Pre(slot) => match pr.source {
            Source::Population(src) => state(src, source_of(csr, c), slot),
            // The lowering refuses `pre.x` on stimuli (E0706).
            _ => f64::NAN,
        },
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_of_finds_the_row() {
        let csr = Csr { offsets: vec![0, 2, 2, 5], target: vec![0; 5], weight: vec![0.0; 5], delay: vec![0; 5] };
        let rows: Vec<usize> = (0..5).map(|c| source_of(&csr, c)).collect();
        assert_eq!(rows, [0, 0, 2, 2, 2]);
    }
}
