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
    (out / "not_hdf5.nir").write_text("this is not HDF5\n")


if __name__ == "__main__":
    main()
