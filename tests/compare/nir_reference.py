"""Reference simulation of a NIR graph, computed from the NIR definitions with numpy, for the
import tests (tests/nir.rs).

Every neuron node integrates its NIR ODE with forward Euler at step `dt`; its input current in
step t is the graph's linear nodes (Affine, Linear, Scale, Flatten, Conv2d, pooling) applied to
the outputs its sources (Input spikes, spiking neurons) produced in step t - 1 (t - 1 - k after
a Delay of k steps), as in SCN's schedule
(docs/nir.md). A spike is v > v_threshold, followed by v = v_reset (or subtraction with
--reset subtract); a Threshold node spikes wherever its input of the step exceeds `threshold`. States start at zero; they are recorded at the start of each step.

Usage: python nir_reference.py FILE.nir DT_S STEPS INPUT_TRACE.csv OUT.json [subtract]
Writes {"spikes": [[step, node, index], ...], "states": {node: [[v per neuron] per step]}}.
"""
import csv
import json
import sys

import nir
import numpy as np

SPIKING = (nir.LIF, nir.CubaLIF, nir.IF, nir.Threshold)
NEURONS = SPIKING + (nir.LI, nir.CubaLI, nir.I)


def size(node):
    for f in ("v_threshold", "threshold", "tau", "tau_mem", "r"):
        if hasattr(node, f):
            return np.asarray(getattr(node, f)).size
    raise ValueError(node)


def pair(v):
    v = np.atleast_1d(np.asarray(v)).astype(int)
    return (int(v[0]), int(v[-1]))


def conv2d(x, inp):
    """NIR Conv2d (PyTorch conventions, groups = 1) on a (C, H, W) input, with explicit loops."""
    c_out, c_in, kh, kw = x.weight.shape
    inp = np.asarray(inp).reshape(c_in, int(x.input_shape[0]), int(x.input_shape[1]))
    (sh, sw), (ph, pw), (dh, dw) = pair(x.stride), pair(x.padding), pair(x.dilation)
    padded = np.pad(inp, ((0, 0), (ph, ph), (pw, pw)))
    ho = (inp.shape[1] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (inp.shape[2] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((c_out, ho, wo))
    for o in range(c_out):
        for y in range(ho):
            for z in range(wo):
                patch = padded[:, y * sh:y * sh + dh * (kh - 1) + 1:dh, z * sw:z * sw + dw * (kw - 1) + 1:dw]
                out[o, y, z] = np.sum(patch * x.weight[o]) + x.bias[o]
    return out


def pool2d(x, inp):
    """NIR SumPool2d / AvgPool2d on a (C, H, W) input."""
    (kh, kw), (sh, sw), (ph, pw) = pair(x.kernel_size), pair(x.stride), pair(x.padding)
    padded = np.pad(inp, ((0, 0), (ph, ph), (pw, pw)))
    ho, wo = (inp.shape[1] + 2 * ph - kh) // sh + 1, (inp.shape[2] + 2 * pw - kw) // sw + 1
    out = np.zeros((inp.shape[0], ho, wo))
    for y in range(ho):
        for z in range(wo):
            out[:, y, z] = padded[:, y * sh:y * sh + kh, z * sw:z * sw + kw].sum(axis=(1, 2))
    return out / (kh * kw) if isinstance(x, nir.AvgPool2d) else out


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
    shape = {n: np.shape(x.threshold if isinstance(x, nir.Threshold) else x.r) for n, x in neurons.items()}
    shape.update({n: tuple(int(k) for k in g.nodes[n].input_type["input"]) for n in inputs})
    v = {n: np.zeros(shape[n]) for n in neurons}
    i_syn = {n: np.zeros(shape[n]) for n in neurons}
    # Outputs of the sources in the previous step (zero before step 0).
    prev = {n: np.zeros(shape[n]) for n in list(neurons) + list(inputs)}

    history = {n: [] for n in prev}

    def value(n, lag=0):
        """The output of node n in terms of the sources' outputs `lag` steps before the last."""
        x = g.nodes[n]
        if n in prev:
            k = len(history[n]) - 1 - lag
            return history[n][k] if k >= 0 else np.zeros(shape[n])
        if isinstance(x, nir.Delay):
            return sum(value(p, lag + int(round(float(np.ravel(x.delay)[0]) / dt))) for p in preds[n])
        total = sum(value(p, lag) for p in preds[n])
        if isinstance(x, nir.Affine):
            return x.weight @ total + x.bias
        if isinstance(x, nir.Linear):
            return x.weight @ total
        if isinstance(x, nir.Scale):
            return x.scale * total
        if isinstance(x, nir.Flatten):
            return total.reshape(-1)
        if isinstance(x, nir.Conv2d):
            return conv2d(x, total)
        if isinstance(x, (nir.SumPool2d, nir.AvgPool2d)):
            return pool2d(x, total)
        raise ValueError(f"reference: node {n} ({type(x).__name__}) not supported")

    spikes, states = [], {n: [] for n in neurons}
    for t in range(steps):
        for n in neurons:
            states[n].append(v[n].reshape(-1).tolist())
        current = {n: np.reshape(sum(value(p) for p in preds[n]), shape[n]) for n in neurons}
        new_prev = {}
        for n, x in neurons.items():
            i = current[n]
            if isinstance(x, (nir.LIF, nir.LI)):
                v[n] = v[n] + dt * ((x.v_leak - v[n]) + x.r * i) / x.tau
            elif isinstance(x, (nir.CubaLIF, nir.CubaLI)):
                syn = i_syn[n]
                i_syn[n] = syn + dt * (x.w_in * i - syn) / x.tau_syn
                v[n] = v[n] + dt * ((x.v_leak - v[n]) + x.r * syn) / x.tau_mem
            elif isinstance(x, nir.Threshold):
                # Stateless: a spike wherever this step's input exceeds the threshold.
                v[n] = i
            else:
                v[n] = v[n] + dt * x.r * i
            if isinstance(x, nir.Threshold):
                fired = v[n] > x.threshold
                spikes += [[t, n, int(k)] for k in np.flatnonzero(fired.reshape(-1))]
                new_prev[n] = fired.astype(float)
            elif isinstance(x, SPIKING):
                fired = v[n] > x.v_threshold
                if subtract:
                    v[n] = np.where(fired, v[n] - (x.v_threshold - x.v_reset), v[n])
                else:
                    v[n] = np.where(fired, x.v_reset, v[n])
                spikes += [[t, n, int(k)] for k in np.flatnonzero(fired.reshape(-1))]
                new_prev[n] = fired.astype(float)
        for n in inputs:
            s = np.zeros(prev[n].size)
            s[in_spikes.get(t, [])] = 1.0
            new_prev[n] = s.reshape(shape[n])
        prev.update(new_prev)
        for n in history:
            history[n].append(prev[n])
    with open(out, "w") as f:
        json.dump({"spikes": spikes, "states": states}, f)


if __name__ == "__main__":
    main()
