"""Writes the small NIR graphs the tests import (tests/nir.rs), with the `nir` package only
(pinned in tests/compare/requirements.txt), so CI needs no PyTorch.

Usage: python make_fixtures.py OUT_DIR
"""
import sys
from pathlib import Path

import nir
import numpy as np


def dense_lif():
    """Input(3) -> Affine -> LIF(4) -> Linear -> LIF(2) -> Output: a small dense SNN."""
    rng = np.random.default_rng(1)
    w1 = rng.uniform(-0.2, 0.8, (4, 3))
    b1 = np.array([0.0, 0.05, 0.0, 0.1])
    w2 = rng.uniform(0.0, 0.9, (2, 4))
    lif1 = nir.LIF(tau=np.array([0.01, 0.02, 0.01, 0.005]), r=np.ones(4), v_leak=np.zeros(4),
                   v_threshold=np.array([0.2, 0.3, 0.2, 0.25]), v_reset=np.zeros(4))
    lif2 = nir.LIF(tau=np.full(2, 0.01), r=np.full(2, 2.0), v_leak=np.zeros(2),
                   v_threshold=np.full(2, 0.3), v_reset=np.zeros(2))
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([3])), "fc1": nir.Affine(weight=w1, bias=b1),
               "lif1": lif1, "fc2": nir.Linear(weight=w2), "lif2": lif2,
               "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "lif2"), ("lif2", "output")],
    )


def cuba_li():
    """Input(2) -> Linear -> CubaLIF(3) -> Scale -> Affine -> LI(2) -> Output."""
    rng = np.random.default_rng(2)
    cuba = nir.CubaLIF(tau_mem=np.full(3, 0.02), tau_syn=np.full(3, 0.005), r=np.ones(3),
                       v_leak=np.zeros(3), v_threshold=np.full(3, 0.1), v_reset=np.zeros(3),
                       w_in=np.ones(3))
    li = nir.LI(tau=np.full(2, 0.01), r=np.ones(2), v_leak=np.zeros(2))
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([2])),
               "syn": nir.Linear(weight=rng.uniform(0.5, 2.0, (3, 2))), "cuba": cuba,
               "gain": nir.Scale(scale=np.array([1.0, 0.5, 2.0])),
               "readout": nir.Affine(weight=rng.uniform(-1, 1, (2, 3)), bias=np.array([0.01, -0.01])),
               "li": li, "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "syn"), ("syn", "cuba"), ("cuba", "gain"), ("gain", "readout"),
               ("readout", "li"), ("li", "output")],
    )


def if_integrator():
    """Input(2) -> Linear -> IF(3) -> Delay(2 ms) -> Linear -> I(2) -> Output: the two neurons
    without leak, and a delay."""
    rng = np.random.default_rng(4)
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([2])),
               "w1": nir.Linear(weight=rng.uniform(0.5, 3.0, (3, 2))),
               "if1": nir.IF(r=np.array([1.0, 2.0, 0.5]), v_threshold=np.full(3, 0.01), v_reset=np.zeros(3)),
               "wait": nir.Delay(delay=np.full(3, 0.002)),
               "w2": nir.Linear(weight=rng.uniform(-1.0, 1.0, (2, 3))),
               "acc": nir.I(r=np.ones(2)), "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "w1"), ("w1", "if1"), ("if1", "wait"), ("wait", "w2"), ("w2", "acc"), ("acc", "output")],
    )


def conv_snn():
    """A small convolutional SNN in the shape snnTorch and Norse export (conv -> LIF -> pool ->
    flatten -> dense -> LIF): Input(1, 6, 6) -> Conv2d(2 channels, 3x3, padding 1) ->
    LIF(2, 6, 6) -> SumPool2d(2) -> Flatten -> Affine(3) -> LIF(3) -> Output."""
    rng = np.random.default_rng(3)
    shape = (2, 6, 6)
    conv = nir.Conv2d(input_shape=(6, 6), weight=rng.uniform(-0.2, 0.8, (2, 1, 3, 3)), stride=1,
                      padding=1, dilation=1, groups=1, bias=np.array([0.02, -0.01]))
    lif1 = nir.LIF(tau=np.full(shape, 0.005), r=np.ones(shape), v_leak=np.zeros(shape),
                   v_threshold=np.full(shape, 0.15), v_reset=np.zeros(shape))
    pool = nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0]))
    flat = nir.Flatten(input_type={"input": np.array([2, 3, 3])}, start_dim=0, end_dim=-1)
    fc = nir.Affine(weight=rng.uniform(-0.1, 0.4, (3, 18)), bias=np.zeros(3))
    lif2 = nir.LIF(tau=np.full(3, 0.01), r=np.ones(3), v_leak=np.zeros(3), v_threshold=np.full(3, 0.2),
                   v_reset=np.zeros(3))
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([1, 6, 6])), "conv": conv, "lif1": lif1,
               "pool": pool, "flat": flat, "fc": fc, "lif2": lif2,
               "output": nir.Output(output_type=np.array([3]))},
        edges=[("input", "conv"), ("conv", "lif1"), ("lif1", "pool"), ("pool", "flat"), ("flat", "fc"),
               ("fc", "lif2"), ("lif2", "output")],
        type_check=False,
    )


def threshold_net():
    """Input(3) -> Affine -> Threshold(4) -> Linear -> LIF(2) -> Output: a stateless threshold
    layer between two weight layers."""
    rng = np.random.default_rng(5)
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([3])),
               "fc1": nir.Affine(weight=rng.uniform(-0.5, 1.5, (4, 3)), bias=np.array([0.0, 0.2, -0.1, 0.0])),
               "step": nir.Threshold(threshold=np.array([0.5, 0.8, 0.3, 1.0])),
               "fc2": nir.Linear(weight=rng.uniform(0.0, 0.6, (2, 4))),
               "lif": nir.LIF(tau=np.full(2, 0.01), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.full(2, 0.1),
                              v_reset=np.zeros(2)),
               "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "fc1"), ("fc1", "step"), ("step", "fc2"), ("fc2", "lif"), ("lif", "output")],
    )


def hidden_layer():
    """The Linear -> LIF(4) layer that `nested` wraps in a graph of its own."""
    rng = np.random.default_rng(6)
    return {"w": nir.Linear(weight=rng.uniform(-0.2, 0.8, (4, 3))),
            "lif": nir.LIF(tau=np.full(4, 0.01), r=np.ones(4), v_leak=np.zeros(4), v_threshold=np.full(4, 0.2),
                           v_reset=np.zeros(4))}


def readout():
    """The Linear -> LIF(2) readout after the hidden layer."""
    rng = np.random.default_rng(7)
    return {"fc": nir.Linear(weight=rng.uniform(0.0, 0.9, (2, 4))),
            "out_lif": nir.LIF(tau=np.full(2, 0.01), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.full(2, 0.3),
                               v_reset=np.zeros(2))}


def nested():
    """Input(3) -> hidden (a NIRGraph: input -> w -> lif -> output) -> fc -> out_lif -> Output."""
    layer = hidden_layer()
    hidden = nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([3])), **layer, "output": nir.Output(output_type=np.array([4]))},
        edges=[("input", "w"), ("w", "lif"), ("lif", "output")],
    )
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([3])), "hidden": hidden, **readout(),
               "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "hidden"), ("hidden", "fc"), ("fc", "out_lif"), ("out_lif", "output")],
        type_check=False,
    )


def nested_flat():
    """`nested` flattened by hand: the hidden graph's nodes named `hidden.NODE`."""
    layer = {f"hidden.{k}": v for k, v in hidden_layer().items()}
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([3])), **layer, **readout(),
               "output": nir.Output(output_type=np.array([2]))},
        edges=[("input", "hidden.w"), ("hidden.w", "hidden.lif"), ("hidden.lif", "fc"), ("fc", "out_lif"),
               ("out_lif", "output")],
    )


def wide_dense():
    """Input(300) -> Linear(300 x 300: 90,000 weights, more than fit an inline lookup) -> LIF(300)
    -> Output."""
    rng = np.random.default_rng(8)
    n = 300
    return nir.NIRGraph(
        nodes={"input": nir.Input(input_type=np.array([n])), "fc": nir.Linear(weight=rng.uniform(-0.02, 0.05, (n, n))),
               "lif": nir.LIF(tau=np.full(n, 0.01), r=np.ones(n), v_leak=np.zeros(n), v_threshold=np.full(n, 0.3),
                              v_reset=np.zeros(n)),
               "output": nir.Output(output_type=np.array([n]))},
        edges=[("input", "fc"), ("fc", "lif"), ("lif", "output")],
    )


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    nir.write(out / "dense_lif.nir", dense_lif())
    nir.write(out / "cuba_li.nir", cuba_li())
    nir.write(out / "conv_snn.nir", conv_snn())
    nir.write(out / "if_integrator.nir", if_integrator())
    nir.write(out / "threshold_net.nir", threshold_net())
    nir.write(out / "nested.nir", nested())
    nir.write(out / "nested_flat.nir", nested_flat())
    nir.write(out / "wide_dense.nir", wide_dense())


if __name__ == "__main__":
    main()
