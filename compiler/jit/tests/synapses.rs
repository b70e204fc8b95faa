//! Synapse ODEs advanced by JIT kernels (the connections as the elements of a population)
//! against the interpreter's solver: the same spikes and the same recorded synapse and neuron
//! states, bit for bit, for plastic synapses on the exact solver and on a noisy Euler model.

use scn_runtime::interp::Simulation;
use scn_runtime::ir::Network;

const NET: &str = "import std.neurons.cuba_lif.{CubaLif}
import std.synapses.stdp.{Stdp}

/// A trace that decays with noise, integrated by Euler steps.
synapse NoisyTrace {
    param tau: time = 10 ms
    param w0: voltage = 1 mV
    state w: voltage = 1 mV
    state x: dimensionless = 0
    dx/dt = -x / tau + noise(3 / sqrt(tau))
    on pre { x += 1; deliver w0 * clip(x, 0, 2) }
    solver euler
}

network Plastic {
    dt = 0.1 ms
    seed = 9
    pop a = CubaLif[30] { v = uniform(-60 mV, -50 mV), t_ref = 1 ms }
    pop b = CubaLif[20] { v = uniform(-60 mV, -50 mV), t_ref = 1 ms }
    stimulus current(amplitude = 12 mV, start = 0 ms, stop = 300 ms) -> a.i_ext, b.i_ext
    connect stdp = a -> b.exc via Stdp(a_pre = 0.01, a_post = -0.0105, w_max = 2 mV) {
        p = 0.4,
        weight = uniform(0 mV, 2 mV),
        delay = 0.5 ms,
    }
    connect noisy = b -> a.exc via NoisyTrace(tau = uniform(5 ms, 15 ms)) { p = 0.3 }
    monitor spikes(a, b)
    monitor state(b[0..20].ge, a[0..30].ge)
    monitor state(stdp[0..200].w, stdp[0..200].apre, stdp[0..200].apost)
    monitor state(noisy[0..150].x)
}
";

fn network() -> Network {
    let analysis = scn_sema::check_source("plastic.scn", NET.to_string(), None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    scn_lower::lower_network(&analysis, None).expect("the network lowers")
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn synapse_odes_on_kernels_are_bit_identical_to_the_interpreter() {
    let net = network();
    let mut interp = Simulation::new(&net);
    interp.run(3000, |_| {}).unwrap();
    let mut jit = Simulation::new(&net);
    let attached = scn_jit::attach(&net, &mut jit);
    assert_eq!(attached.synapse_projections, 2, "both synapse models run on kernels");
    jit.run(3000, |_| {}).unwrap();
    assert!(interp.spikes.len() > 300, "only {} spikes", interp.spikes.len());
    assert!(interp.spikes == jit.spikes, "the spikes differ");
    assert_eq!(interp.samples.len(), jit.samples.len());
    let plastic = net.monitors.len() - 2;
    let mut changed = 0;
    for (i, j) in interp.samples.iter().zip(&jit.samples) {
        assert_eq!((i.step, i.monitor, i.neuron), (j.step, j.monitor, j.neuron));
        assert!(same(i.value, j.value), "{i:?} vs {j:?}");
        changed += usize::from(i.monitor >= plastic && i.value != 0.0);
    }
    assert!(changed > 1000, "the synapse states should move: {changed} nonzero samples");
}

#[test]
fn a_synapse_model_with_a_varying_input_stays_on_the_interpreter() {
    let text = NET.replace("dx/dt = -x / tau + noise(3 / sqrt(tau))", "dx/dt = (post.v / 1 mV - x) / tau");
    let analysis = scn_sema::check_source("plastic.scn", text, None, &scn_sema::Disk);
    assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
    let net = scn_lower::lower_network(&analysis, None).expect("the network lowers");
    let mut interp = Simulation::new(&net);
    interp.run(1000, |_| {}).unwrap();
    let mut jit = Simulation::new(&net);
    assert_eq!(scn_jit::attach(&net, &mut jit).synapse_projections, 1, "only the STDP synapses run on kernels");
    jit.run(1000, |_| {}).unwrap();
    assert!(interp.spikes == jit.spikes, "the spikes differ");
    assert_eq!(interp.samples.len(), jit.samples.len());
    assert!(interp.samples.iter().zip(&jit.samples).all(|(i, j)| same(i.value, j.value)));
}
