"""SC-NeuroCore's neuron models (PyPI `sc-neurocore`), for comparison with SCN.

Each case runs one neuron model of SC-NeuroCore's Python implementation with the stepped
input of the network of the same name in tests/compare/sc_neurocore_neurons.scn (or, for the
fixed-point case, tests/compare/sc_neurocore_fixed.scn) and writes what `scn run` writes:
`spikes.csv` (`step,time_ms,population,neuron`) and `states.csv`
(`step,time_ms,population,neuron,variable,value`, values in SI units, recorded at the start of
each step, before the update, as SCN's monitors do; a case may set its own dt, and the number
of SCN steps one of its calls advances when that is more than one). tests/compare_sc_neurocore.rs compares
both with the same code.

Step k of SCN integrates from k*dt to (k+1)*dt and then tests the threshold; the reference's
k-th call of `step(I)` does the same, so a spike in call k is a spike at step k. The input of
step k is the sum of the amplitudes of the stimuli active at step k (start <= k*dt < stop,
evaluated on whole steps).

The cases of the standard library's conformance table (tests/conformance.rs) are in
sc_neurocore_stdlib_cases.py; the list of cases is the union.

Case NoisyLif runs a population of noisy neurons instead and writes only their spikes: SCN
draws from Philox and SC-NeuroCore from NumPy, so only the statistics can agree.

Usage: python sc_neurocore_neurons.py CASE OUTDIR
"""

import os
import sys

import sc_neurocore_engine as engine

from sc_neurocore.neurons.fixed_point_lif import FixedPointLIFNeuron
from sc_neurocore.neurons.models.lapicque import LapicqueNeuron
from sc_neurocore.neurons.sc_izhikevich import SCIzhikevichNeuron
from sc_neurocore.neurons.stochastic_lif import StochasticLIFNeuron
from sc_neurocore_stdlib_cases import STDLIB_CASES, Raster

from stepped_drive import DT_MS, MV, stepped


def lapicque():
    """LapicqueNeuron (exact RC flow), R = 100 Mohm, current in nA (R*I in mV)."""
    n = LapicqueNeuron(v=-65.0, v_rest=-65.0, v_reset=-70.0, v_threshold=-50.0, tau=20.0, resistance=100.0, dt=DT_MS)
    drive = stepped([(0.120, 50, 500), (0.200, 150, 300), (0.080, 300, 400)])
    return n, drive, lambda: {"v": n.v * MV}


def izhikevich():
    """SCIzhikevichNeuron, regular spiking, RK4, input in mV/ms."""
    n = SCIzhikevichNeuron(a=0.02, b=0.2, c=-65.0, d=8.0, dt=DT_MS, noise_std=0.0, seed=1, integrator="rk4")
    drive = stepped([(4.0, 50, 500), (10.0, 150, 300), (3.0, 300, 400)])
    return n, drive, lambda: {"v": n.v * MV, "u": n.u * MV}


def fixed_lif():
    """FixedPointLIFNeuron (Q8.8, bit-true to the Verilog sc_lif_neuron): integers throughout.

    leak_k and gain_k are Q8.8 constants; the input I_t is in Q8.8 LSBs (1/256 mV in SCN). The
    network is clocked in SCN: step k is cycle k, and the windows are the same step indices."""
    n = FixedPointLIFNeuron(data_width=16, fraction=8, v_rest=0, v_reset=0, v_threshold=20 * 256, refractory_period=2)
    drive = [int(i) for i in stepped([(700, 50, 500), (900, 150, 300), (-400, 300, 400)])]
    leak_k, gain_k = 16, 128
    # The Rust engine's FixedPointLif runs alongside and must agree on every cycle.
    rust = engine.FixedPointLif(16, 8, 0, 0, 20 * 256, 2)

    def step(i):
        spike, v = n.step(leak_k=leak_k, gain_k=gain_k, I_t=i)
        assert rust.step(leak_k, gain_k, i) == (spike, v), "engine and Python model disagree"
        return spike

    n.step_current = step
    # raw / 256 mV in volts, as one correctly rounded division (as SCN reports Q8.8 states).
    return n, drive, lambda: {"v": n.v / 256000}


def noisy_lif_population(out):
    """200 StochasticLIFNeurons with noise (seeds 0..199) at dt = 1 ms for 2 s, drive
    150 pA / 250 pF: writes only spikes.csv (the comparison is statistical)."""
    neurons = [
        StochasticLIFNeuron(
            v_rest=-65.0,
            v_reset=-65.0,
            v_threshold=-50.0,
            tau_mem=20.0,
            dt=1.0,
            noise_std=1.5,
            resistance=1.0,
            refractory_period=2,
            seed=k,
        )
        for k in range(200)
    ]
    lines = ["step,time_ms,population,neuron"]
    for step in range(2000):
        for k, n in enumerate(neurons):
            if n.step(150.0 / 250.0):
                lines.append(f"{step},{float(step)!r},n,{k}")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "spikes.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")


CASES = {
    **STDLIB_CASES,
    "Lapicque": lapicque,
    "IzhikevichNet": izhikevich,
    "FixedLifNet": fixed_lif,
}


def main():
    case, out = sys.argv[1], sys.argv[2]
    if case == "NoisyLif":
        noisy_lif_population(out)
        return
    result = CASES[case]()
    if isinstance(result, Raster):
        result.write(out)
        return
    # Optional: the dt of a call in ms, and the SCN steps one call advances (states and
    # spikes are then written at SCN's step numbers, one sample per call).
    neuron, drive, state, *extra = result
    dt_ms = extra[0] if extra else DT_MS
    stride = extra[1] if len(extra) > 1 else 1
    step = getattr(neuron, "step_current", neuron.step)
    os.makedirs(out, exist_ok=True)
    spikes = ["step,time_ms,population,neuron"]
    states = ["step,time_ms,population,neuron,variable,value"]
    for k, i in enumerate(drive):
        for name, value in state().items():
            states.append(f"{k * stride},{k * dt_ms!r},n,0,{name},{float(value)!r}")
        fired = step(i)
        # Spiking models return 0 or 1; rate models return their rate (a float), not a spike.
        if isinstance(fired, int) and fired:
            spikes.append(f"{k * stride},{k * dt_ms!r},n,0")
    with open(os.path.join(out, "spikes.csv"), "w") as f:
        f.write("\n".join(spikes) + "\n")
    with open(os.path.join(out, "states.csv"), "w") as f:
        f.write("\n".join(states) + "\n")


if __name__ == "__main__":
    main()
