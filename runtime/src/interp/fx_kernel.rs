//! The replaceable per-population code of a fixed-point population (a model with a
//! `precision` member): the raw-integer arrays a compiled kernel works on and the trait it
//! implements. A kernel must compute exactly what `fixed_eval` computes, faults included.

use super::fixed_eval::Fault;
use super::sim::Spike;

/// The arrays of one fixed-point population that a kernel reads and writes, element-major as
/// in [`super::PopView`]; values are raw integers (`raw · 2^-F` in scaled units, exact
/// integers for `int` slots).
pub struct FxView<'a> {
    /// Index of the population in the network.
    pub pop: usize,
    /// Number of elements.
    pub size: usize,
    /// Parameters, element-major.
    pub params: &'a [i128],
    /// States, element-major.
    pub states: &'a mut [i128],
    /// Continuous inputs of this step, element-major.
    pub inputs: &'a [i128],
    /// Summed spike-port weights of this step, element-major.
    pub port_sum: &'a mut [i128],
    /// Whether a spike port received anything this step, element-major.
    pub port_hit: &'a mut [bool],
    /// Refractory while `step < refractory_until[i]`.
    pub refractory_until: &'a mut [u64],
    /// The states clamped during the refractory period, one bit per slot.
    pub held: &'a mut [u64],
    /// Each condition's value at the last step, element-major.
    pub last_cond: &'a mut [bool],
    /// Whether the element emitted a spike this step.
    pub spiked: &'a mut [bool],
    /// The draw entity of element 0.
    pub entity_base: u64,
    /// For the port handlers: every element with a port hit this step, ascending.
    pub hit: &'a [u32],
}

/// Why a fixed-point kernel stopped at an element.
#[derive(Clone, Debug, PartialEq)]
pub struct FxFailure {
    /// The element.
    pub element: u64,
    /// The fault, or `None` when an invariant failed.
    pub fault: Option<Fault>,
}

/// One fixed-point population's steps 3–5 and port handlers, as a replaceable kernel (the
/// fixed-point counterpart of [`super::PopKernel`]).
pub trait FxKernel {
    /// Steps 3 and 4: `next` updates, held states, invariants.
    fn integrate(&mut self, view: &mut FxView<'_>, step: u64) -> Result<(), FxFailure>;
    /// Step 5: conditions, their bodies, spikes appended in emission order.
    fn conditions(&mut self, view: &mut FxView<'_>, step: u64, spikes: &mut Vec<Spike>) -> Result<(), FxFailure>;
    /// Step 6: the port handlers of the elements in `view.hit`; every port of those elements
    /// is cleared afterwards.
    fn handlers(&mut self, view: &mut FxView<'_>, step: u64) -> Result<(), FxFailure>;
}
