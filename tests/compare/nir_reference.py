"""Reference simulation of a NIR graph, computed from the NIR definitions with numpy, for the
import tests (tests/nir.rs).

Every neuron node integrates its NIR ODE with forward Euler at step `dt`; its input current in
step t is the graph's linear nodes (Affine, Linear, Scale, Flatten) applied to the outputs its
sources (Input spikes, spiking neurons) produced in step t - 1, as in SCN's schedule
(docs/nir.md). A spike is v > v_threshold, followed by v = v_reset (or subtraction with
--reset subtract). States start at zero; they are recorded at the start of each step.

Usage: python nir_reference.py FILE.nir DT_S STEPS INPUT_TRACE.csv OUT.json [subtract]
Writes {"spikes": [[step, node, index], ...], "states": {node: [[v per neuron] per step]}}.
"""
import csv
import json
import sys

import nir
import numpy as np

SPIKING = (nir.LIF, nir.CubaLIF, nir.IF)
NEURONS = SPIKING + (nir.LI, nir.CubaLI, nir.I)


def size(node):
    for f in ("v_threshold", "tau", "tau_mem", "r"):
        if hasattr(node, f):
            return np.asarray(getattr(node, f)).size
    raise ValueError(node)


def main():
    path, dt, steps, trace, out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    subtract = len(sys.argv) > 6 and sys.argv[6] == "subtract"
    g = nir.read(path)
    preds = {n: [a for a, b in g.edges if b == n] for n in g.nodes}
    inputs = {n for n, x in g.nodes.items() if isinstance(x, nir.Input)}
    in_spikes = {}
    with open(trace) as f:
        for row in csv.DictReader(f):
            in_spikes.setdefault(int(row["step"]), []).append(int(row["neuron"]))
    neurons = {n: x for n, x in g.nodes.items() if isinstance(x, NEURONS)}
    v = {n: np.zeros(size(x)) for n, x in neurons.items()}
    i_syn = {n: np.zeros(size(x)) for n, x in neurons.items()}
    # Outputs of the sources in the previous step (zero before step 0).
    prev = {n: np.zeros(size(x)) for n, x in neurons.items()}
    for n in inputs:
        prev[n] = np.zeros(int(np.prod(g.nodes[n].input_type["input"])))

    def value(n):
        """The output of node n in terms of the sources' previous outputs."""
        x = g.nodes[n]
        if n in prev:
            return prev[n]
        total = sum(value(p) for p in preds[n])
        if isinstance(x, nir.Affine):
            return x.weight @ total + x.bias
        if isinstance(x, nir.Linear):
            return x.weight @ total
        if isinstance(x, nir.Scale):
            return x.scale * total
        if isinstance(x, nir.Flatten):
            return total
        raise ValueError(f"reference: node {n} ({type(x).__name__}) not supported")

    spikes, states = [], {n: [] for n in neurons}
    for t in range(steps):
        for n in neurons:
            states[n].append(v[n].tolist())
        current = {n: sum(value(p) for p in preds[n]) for n in neurons}
        new_prev = {}
        for n, x in neurons.items():
            i = current[n]
            if isinstance(x, (nir.LIF, nir.LI)):
                v[n] = v[n] + dt * ((x.v_leak - v[n]) + x.r * i) / x.tau
            elif isinstance(x, (nir.CubaLIF, nir.CubaLI)):
                syn = i_syn[n]
                i_syn[n] = syn + dt * (x.w_in * i - syn) / x.tau_syn
                v[n] = v[n] + dt * ((x.v_leak - v[n]) + x.r * syn) / x.tau_mem
            else:
                v[n] = v[n] + dt * x.r * i
            if isinstance(x, SPIKING):
                fired = v[n] > x.v_threshold
                if subtract:
                    v[n] = np.where(fired, v[n] - (x.v_threshold - x.v_reset), v[n])
                else:
                    v[n] = np.where(fired, x.v_reset, v[n])
                spikes += [[t, n, int(k)] for k in np.flatnonzero(fired)]
                new_prev[n] = fired.astype(float)
        for n in inputs:
            s = np.zeros_like(prev[n])
            s[in_spikes.get(t, [])] = 1.0
            new_prev[n] = s
        prev.update(new_prev)
    with open(out, "w") as f:
        json.dump({"spikes": spikes, "states": states}, f)


if __name__ == "__main__":
    main()
