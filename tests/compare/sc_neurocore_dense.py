"""SC-NeuroCore's dense stochastic-computing layer, for bit-for-bit comparison with SCN.

tests/compare_sc_neurocore.rs writes a case as JSON and the same layer as a `.scn` network;
this script computes, with SC-NeuroCore (PyPI), what `scn run` must write to `outputs.json`:

  y[o]     = sum_i popcount(W[o][i] AND X[i]) / L   (sc_forward_numpy itself)
  px[i]    = popcount(X[i])                         (the input streams alone)
  pw[o][i] = popcount(W[o][i] AND X[i])             (every product stream)

where X[i] is SC-NeuroCore's input encoding (LFSR-16 comparator, seed `x_seed + i` modulo
2^16 with 0 becoming 1) and W[o][i] the weight stream, encoded by the Rust engine's
`BitstreamEncoder` on seed `w_seed + w_stride * (o * n_in + i)` (same wrap rule) and packed by
the engine's `pack_bitstream_numpy` (p = 1, threshold 2^16, does not fit the encoder's
16-bit input and is all ones). The per-input and per-product counts also go through
`sc_forward_numpy`, with weight matrices that select one input (all-ones streams for px, one
weight stream for pw), so every number comes from SC-NeuroCore's reference path. The weight
encoder is cross-checked against the engine's `Lfsr16` register sequence.

Usage: python sc_neurocore_dense.py CASE.json OUT.json
CASE: {"x": [...], "w": [[...], ...], "length": L, "x_seed": S, "w_seed": S, "w_stride": K}
"""

import json
import sys

import numpy as np
import sc_neurocore_engine as engine
from sc_neurocore.accel.sc_inference import sc_forward_numpy

LFSR_SCALE = 1 << 16


def wrapped_seed(s):
    """A computed seed modulo 2^16, 0 becoming 1 (SC-NeuroCore's rule)."""
    s %= 1 << 16
    return 1 if s == 0 else s


def threshold(p):
    """The comparator threshold of probability p: round half to even of p * 2^16, clipped."""
    return int(np.clip(np.rint(p * LFSR_SCALE), 0, LFSR_SCALE))


def engine_stream(p, seed, length):
    """`length` bits of the engine's BitstreamEncoder on `seed` at probability `p`, packed."""
    enc = engine.BitstreamEncoder(16, seed)
    lfsr = engine.Lfsr16(seed)
    t = threshold(p)
    bits = np.empty(length, dtype=np.uint8)
    for k in range(length):
        # The encoder compares the register before advancing it; the plain register must agree.
        assert enc.reg == lfsr.reg, (seed, k, enc.reg, lfsr.reg)
        if t < LFSR_SCALE:
            bits[k] = enc.step(t)
        else:
            # p = 1: the threshold 2^16 exceeds the encoder's 16-bit input; every register
            # value is below it, so the bit is 1 (as in sc_forward's own input encoder).
            bits[k] = 1
            enc.step(0)
        lfsr.step()
    return np.asarray(engine.pack_bitstream_numpy(bits), dtype=np.uint64)


def main():
    case = json.load(open(sys.argv[1]))
    x = np.asarray(case["x"], dtype=np.float64)
    w = np.asarray(case["w"], dtype=np.float64)
    length, x_seed = case["length"], case["x_seed"]
    n_out, n_in = w.shape
    words = (length + 63) // 64
    packed = np.zeros((n_out, n_in, words), dtype=np.uint64)
    for o in range(n_out):
        for i in range(n_in):
            seed = wrapped_seed(case["w_seed"] + case["w_stride"] * (o * n_in + i))
            packed[o, i] = engine_stream(w[o, i], seed, length)
    y = sc_forward_numpy(packed, x, length, seed=x_seed)

    # Inputs alone: row i of an n_in x n_in matrix is an all-ones stream at input i only.
    ones = np.asarray(engine.pack_bitstream_numpy(np.ones(length, dtype=np.uint8)), dtype=np.uint64)
    select = np.zeros((n_in, n_in, words), dtype=np.uint64)
    for i in range(n_in):
        select[i, i] = ones
    px = sc_forward_numpy(select, x, length, seed=x_seed) * length

    # Every product: row (o, i) keeps weight stream (o, i) at input i only.
    single = np.zeros((n_out * n_in, n_in, words), dtype=np.uint64)
    for o in range(n_out):
        for i in range(n_in):
            single[o * n_in + i, i] = packed[o, i]
    pw = sc_forward_numpy(single, x, length, seed=x_seed) * length

    def counts(a):
        # count / L * L is the count up to one rounding of the division.
        assert np.all(np.abs(a - np.rint(a)) < 1e-9), "popcounts are integers"
        return [int(v) for v in np.rint(a)]

    out = {
        "y": [float(v) for v in y],
        "px": counts(px),
        "pw": counts(pw),
        "thresholds": [threshold(p) for p in x],
    }
    json.dump(out, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
