//! What a monitor sees of one step: the spikes, the stimuli that fired and, when the source
//! has them (a simulation, not a spike trace), the states.

/// States at the end of a step, as an engine exposes them.
pub trait States {
    /// The value of a state in SI units.
    fn value(&self, pop: usize, neuron: u64, state: u16) -> f64;
    /// Whether a state is at a limit of its number format (or not finite, for `f64`).
    fn at_limit(&self, pop: usize, neuron: u64, state: u16) -> bool;
}

/// One step as the monitors see it.
pub struct Step<'a> {
    /// The step number.
    pub step: u64,
    /// The spikes of this step, `(population, neuron)`, sorted.
    pub spikes: &'a [(usize, u64)],
    /// Per projection: whether its source emitted in this step.
    pub stimuli: &'a [bool],
    /// The states, if the source has them.
    pub states: Option<&'a dyn States>,
}

impl Step<'_> {
    /// Whether neuron `neuron` of `pop` spiked.
    pub fn spiked(&self, pop: usize, neuron: u64) -> bool {
        self.spikes.binary_search(&(pop, neuron)).is_ok()
    }
}
