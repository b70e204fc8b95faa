"""Compares a NIR graph exported by `scn build --target nir` with the graph it was imported
from (tests/nir.rs), after `nir.read`: every neuron node field by field, and the linear map
from each spike source into each neuron (the composed weights and biases; SCN folds chains of
Affine/Linear/Scale nodes into one). Exits non-zero with the first difference.

Usage: python nir_compare.py ORIGINAL.nir EXPORTED.nir
"""
import sys

import nir
import numpy as np

from nir_reference import conv2d, pool2d

NEURONS = (nir.LIF, nir.CubaLIF, nir.LI, nir.CubaLI, nir.IF, nir.I, nir.Threshold)
FIELDS = ("tau", "tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "v_reset", "w_in", "threshold")


def size_field(x):
    """The field whose shape is the node's (a Threshold has no `r`)."""
    return x.threshold if isinstance(x, nir.Threshold) else x.r


def preds_shape(g, preds, n):
    """The tensor shape a node outputs (for the pooling after a neuron or a flatten)."""
    x = g.nodes[n]
    if isinstance(x, nir.Input):
        return tuple(int(k) for k in x.input_type["input"])
    if isinstance(x, NEURONS):
        return np.shape(size_field(x))
    return preds_shape(g, preds, preds[n][0])


def affine_columns(x, w, b, shape):
    """Applies the affine node x (conv or pool) to a linear map (w, b) column by column."""
    f = (lambda v: conv2d(x, v)) if isinstance(x, nir.Conv2d) else (lambda v: pool2d(x, v.reshape(shape)))
    zero = np.ravel(f(np.zeros(w.shape[0])))
    cols = [np.ravel(f(w[:, j])) - zero for j in range(w.shape[1])]
    return np.stack(cols, axis=1), np.ravel(f(b))


def linear_maps(g):
    """{(source, neuron): (W, b)} for every spike source feeding every neuron."""
    preds = {n: [a for a, b in g.edges if b == n] for n in g.nodes}

    def maps(n):
        x = g.nodes[n]
        if isinstance(x, nir.Input):
            k = int(np.prod(x.input_type["input"]))
            return {n: (np.eye(k), np.zeros(k))}
        if isinstance(x, NEURONS):
            k = np.asarray(size_field(x)).size
            return {n: (np.eye(k), np.zeros(k))}
        acc = {}
        for p in preds[n]:
            for s, (w, b) in maps(p).items():
                if isinstance(x, nir.Affine):
                    w, b = x.weight @ w, x.weight @ b + x.bias
                elif isinstance(x, nir.Linear):
                    w, b = x.weight @ w, x.weight @ b
                elif isinstance(x, nir.Scale):
                    w, b = x.scale[:, None] * w, x.scale * b
                elif isinstance(x, (nir.Conv2d, nir.SumPool2d, nir.AvgPool2d)):
                    w, b = affine_columns(x, w, b, preds_shape(g, preds, p))
                elif not isinstance(x, (nir.Flatten, nir.Delay)):
                    raise ValueError(f"{n}: {type(x).__name__}")
                if s in acc:
                    acc[s] = (acc[s][0] + w, acc[s][1] + b)
                else:
                    acc[s] = (w, b)
        return acc

    out = {}
    for n, x in g.nodes.items():
        if isinstance(x, NEURONS):
            for p in preds[n]:
                for s, (w, b) in maps(p).items():
                    key = (s, n)
                    out[key] = (out[key][0] + w, out[key][1] + b) if key in out else (w, b)
    return out


def main():
    a, b = nir.read(sys.argv[1]), nir.read(sys.argv[2])
    na = {n: x for n, x in a.nodes.items() if isinstance(x, NEURONS)}
    nb = {n: x for n, x in b.nodes.items() if isinstance(x, NEURONS)}
    assert sorted(na) == sorted(nb), f"neuron nodes differ: {sorted(na)} vs {sorted(nb)}"
    compared = 0
    for n in na:
        assert type(na[n]) is type(nb[n]), f"{n}: {type(na[n]).__name__} vs {type(nb[n]).__name__}"
        for f in FIELDS:
            if hasattr(na[n], f):
                # SCN populations are flat: compare the row-major elements.
                x = np.ravel(np.broadcast_to(getattr(na[n], f), np.shape(size_field(na[n]))))
                y = np.ravel(getattr(nb[n], f))
                assert np.array_equal(x, y), f"{n}.{f}: {x} vs {y}"
                compared += 1
    ma, mb = linear_maps(a), linear_maps(b)
    assert sorted(ma) == sorted(mb), f"linear paths differ: {sorted(ma)} vs {sorted(mb)}"
    for k in ma:
        assert np.allclose(ma[k][0], mb[k][0], rtol=1e-12, atol=0), f"weights {k}"
        assert np.allclose(ma[k][1], mb[k][1], rtol=1e-12, atol=0), f"bias {k}"
        compared += 1
    print(f"compared {compared} fields and paths")


if __name__ == "__main__":
    main()
