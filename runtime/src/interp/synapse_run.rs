//! A compiled kernel advancing the synapse ODEs of one projection (DESIGN §3 step 3, "synapse
//! ODEs advance every step"): the connections run as the elements of a population. Element `c`
//! is connection `c`, with the synapse's parameters and states, the draw entity
//! `(1 << 48) | (k << 36) | c` of the interpreter, never refractory, and constant inputs.

use super::sim::{PopKernel, PopView};

/// The kernel and the population arrays it needs besides the synapse parameters and states.
pub(super) struct SynapseRun<'n> {
    kernel: Box<dyn PopKernel + 'n>,
    /// All zero: a synapse is never refractory, so no state is held.
    refractory_until: Vec<u64>,
    held: Vec<u64>,
    /// The constant inputs, connection-major.
    inputs: Vec<f64>,
    /// Unused by integration; sized so that every pointer the kernel gets is valid.
    port_sum: Vec<f64>,
    port_hit: Vec<bool>,
    last_cond: Vec<bool>,
    spiked: Vec<bool>,
}

/// Whether a kernel's integration computes exactly what the interpreter does for the synapses
/// of a model: its ODEs only (no `next`, no invariants, which the interpreter does not apply
/// to synapses), from inputs that stay constant. Returns those inputs, per input slot.
pub fn constant_inputs(model: &crate::ir::Model, inputs: &[crate::ir::SynapseInput]) -> Option<Vec<f64>> {
    if model.odes.is_empty() || !model.nexts.is_empty() || !model.invariants.is_empty() || model.fixed.is_some() {
        return None;
    }
    if inputs.len() != model.inputs.len() {
        return None;
    }
    inputs.iter().map(|i| if let crate::ir::SynapseInput::Const(v) = *i { Some(v) } else { None }).collect()
}

impl<'n> SynapseRun<'n> {
    /// Arrays for `n` connections whose inputs are `inputs` (per slot, the same for each).
    pub(super) fn new(kernel: Box<dyn PopKernel + 'n>, n: usize, inputs: &[f64], conditions: usize) -> Self {
        let ni = inputs.len();
        SynapseRun {
            kernel,
            refractory_until: vec![0; n],
            held: vec![0; n],
            inputs: inputs.iter().copied().cycle().take(n * ni).collect(),
            port_sum: vec![0.0; n * ni],
            port_hit: vec![false; n * ni],
            last_cond: vec![false; n * conditions],
            spiked: vec![false; n],
        }
    }

    /// Advances every connection's ODE states by one step.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn advance(
        &mut self,
        proj: usize,
        params: &[f64],
        states: &mut [f64],
        entity_base: u64,
        locals: &mut [f64],
        step: u64,
        t: f64,
    ) {
        let mut view = PopView {
            pop: proj,
            size: self.held.len(),
            params,
            states,
            inputs: &self.inputs,
            port_sum: &mut self.port_sum,
            port_hit: &mut self.port_hit,
            refractory_until: &mut self.refractory_until,
            held: &mut self.held,
            last_cond: &mut self.last_cond,
            spiked: &mut self.spiked,
            entity_base,
            locals,
            hit: &[],
        };
        // A model without invariants cannot fail its integration.
        let failed = self.kernel.integrate(&mut view, step, t);
        debug_assert!(failed.is_ok(), "a synapse model without invariants failed one");
    }
}
