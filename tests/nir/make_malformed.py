"""Writes NIR files that `scn import` must refuse with a diagnostic naming node and field
(tests/nir.rs snapshots them). Uses h5py directly, in NIR's layout, to break one thing each.

Usage: python make_malformed.py OUT_DIR
"""
import sys
from pathlib import Path

import h5py
import numpy as np

STR = h5py.string_dtype()


def graph(path, nodes, edges):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.8", dtype=STR)
        g = f.create_group("node")
        g.create_dataset("type", data="NIRGraph", dtype=STR)
        ns = g.create_group("nodes")
        for name, fields in nodes.items():
            n = ns.create_group(name)
            for k, v in fields.items():
                if isinstance(v, str):
                    n.create_dataset(k, data=v, dtype=STR)
                else:
                    n.create_dataset(k, data=np.asarray(v))
        g.create_dataset("edges", data=np.array(edges, dtype=object), dtype=STR)


def nested_without_input(path):
    """A nested graph that an edge enters although it has no `Input` node."""
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.8", dtype=STR)
        g = f.create_group("node")
        g.create_dataset("type", data="NIRGraph", dtype=STR)
        ns = g.create_group("nodes")
        for name, n in io(2).items():
            grp = ns.create_group(name)
            grp.create_dataset("type", data=n["type"], dtype=STR)
            grp.create_dataset("shape", data=np.asarray(n["shape"]))
        sub = ns.create_group("block")
        sub.create_dataset("type", data="NIRGraph", dtype=STR)
        inner = sub.create_group("nodes").create_group("lif")
        for k, v in lif().items():
            inner.create_dataset(k, data=v, dtype=STR) if isinstance(v, str) else inner.create_dataset(k, data=v)
        sub.create_dataset("edges", data=np.zeros((0, 2), dtype=object), dtype=STR)
        g.create_dataset("edges", data=np.array([["input", "block"], ["block", "output"]], dtype=object), dtype=STR)


def lif(**drop):
    f = {"type": "LIF", "tau": [0.01, 0.01], "r": [1.0, 1.0], "v_leak": [0.0, 0.0],
         "v_threshold": [1.0, 1.0], "v_reset": [0.0, 0.0]}
    for k in drop:
        del f[k]
    return f


def io(n):
    return {"input": {"type": "Input", "shape": [n]}, "output": {"type": "Output", "shape": [2]}}


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    chain = [["input", "fc"], ["fc", "lif"], ["lif", "output"]]
    graph(out / "missing_tau.nir", {**io(2), "fc": {"type": "Linear", "weight": np.eye(2)}, "lif": lif(tau=1)}, chain)
    graph(out / "unknown_type.nir", {**io(2), "fc": {"type": "Dropout", "p": 0.5}, "lif": lif()}, chain)
    graph(out / "bad_weight.nir", {**io(3), "fc": {"type": "Linear", "weight": np.eye(2)}, "lif": lif()}, chain)
    graph(out / "string_tau.nir", {**io(2), "fc": {"type": "Linear", "weight": np.eye(2)},
                                   "lif": {**lif(), "tau": "fast"}}, chain)
    graph(out / "dangling_edge.nir", {**io(2), "fc": {"type": "Linear", "weight": np.eye(2)}, "lif": lif()},
          chain + [["lif", "nowhere"]])
    graph(out / "li_feeds_layer.nir", {**io(2), "li": {"type": "LI", "tau": [0.01, 0.01], "r": [1.0, 1.0],
                                                       "v_leak": [0.0, 0.0]},
                                       "fc": {"type": "Linear", "weight": np.eye(2)}, "lif": lif()},
          [["input", "li"], ["li", "fc"], ["fc", "lif"], ["lif", "output"]])
    graph(out / "threshold_without_threshold.nir",
          {**io(2), "fc": {"type": "Linear", "weight": np.eye(2)}, "step": {"type": "Threshold"}},
          [["input", "fc"], ["fc", "step"], ["step", "output"]])
    nested_without_input(out / "nested_without_input.nir")
    (out / "not_hdf5.nir").write_text("this is not HDF5\n")


if __name__ == "__main__":
    main()
