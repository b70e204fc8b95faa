"""The CUBA benchmark (Brette et al. 2007, Benchmark 2) in Brian2, for comparison with SCN.

Each case mirrors a network of tests/compare/*.scn (or examples/cuba.scn) and writes the
spikes in SCN's `spikes.csv` format (`step,time_ms,population,neuron`, in emission order) plus
a `summary.json` with the population sizes, spike counts and rates, so that the Rust test
(tests/compare_brian2.rs) compares both outputs with the same code.

Cases:
  deterministic  two populations with index-dependent initial states, all-to-all and
                 one-to-one connections (no randomness anywhere);
  stochastic     the real CUBA network: p = 0.02, 1.62 mV / -9 mV, v0 ~ U(-60 mV, -50 mV);
  reset          one neuron whose reset writes the state an input adds to, in the step in
                 which it spikes (DESIGN §3, the one known difference from Brian2);
  reset_keeps_input  the same with the input re-added by the reset (SCN's result).

Brian2 runs in runtime mode with the numpy code generation target (no C++ compiler needed),
`method='exact'`, dt = 0.1 ms and its default schedule (start, groups, thresholds, synapses,
resets, end), which SCN's step order mirrors.

Usage: python brian2_cuba.py CASE OUTDIR [--duration-ms D] [--seed S] [--record-v N]
                             [--connections DIR]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import brian2 as b2

b2.prefs.codegen.target = "numpy"
b2.prefs.logging.console_log_level = "WARNING"

EQS = """
dv/dt  = (ge + gi - (v - e_l)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
e_l : volt
"""
# Every constant is written as a float literal in SI units: that is exactly the f64 SCN folds
# its rational constants to, while Brian2's `1.62 * mV` is 1.62 * 0.001, one rounding away.
VOLT, SECOND = b2.volt, b2.second
DT = 0.0001 * SECOND
PARAMS = dict(taum=0.02 * SECOND, taue=0.005 * SECOND, taui=0.01 * SECOND)
V_TH = -0.05 * VOLT
V_RESET = -0.06 * VOLT
T_REF = 0.005 * SECOND


def group(n, name, e_l=-0.049 * VOLT):
    g = b2.NeuronGroup(
        n,
        EQS,
        threshold="v > v_th",
        reset="v = v_reset",
        refractory=T_REF,
        method="exact",
        namespace=dict(PARAMS, v_th=V_TH, v_reset=V_RESET),
        name=name,
        dt=DT,
    )
    g.e_l = e_l
    return g


def deterministic(net, _args):
    """Mirror of tests/compare/cuba_deterministic.scn."""
    n_a, n_b = 100, 100
    a = group(n_a, "a")
    b = group(n_b, "b", e_l=-0.052 * VOLT)
    idx_a = np.arange(n_a, dtype=np.float64)
    idx_b = np.arange(n_b, dtype=np.float64)
    # The same arithmetic as SCN's overrides, in SI units.
    a.v = (-0.06 + 0.01 * idx_a / n_a) * VOLT
    a.ge = (0.002 * idx_a / n_a) * VOLT
    a.gi = (-0.003 * (n_a - idx_a) / n_a) * VOLT
    b.v = (-0.06 + 0.01 * (n_b - 1 - idx_b) / n_b) * VOLT
    # a -> b.exc, all to all, 0.5 mV; b -> b.inh, all to all without autapses, -0.2 mV;
    # a -> a.inh, one to one, -1 mV.
    ab = b2.Synapses(a, b, on_pre="ge_post += 0.0005*volt", name="ab", dt=DT)
    ab.connect()
    bb = b2.Synapses(b, b, on_pre="gi_post += -0.0002*volt", name="bb", dt=DT)
    bb.connect(condition="i != j")
    aa = b2.Synapses(a, a, on_pre="gi_post += -0.001*volt", name="aa", dt=DT)
    aa.connect(j="i")
    net.add(a, b, ab, bb, aa)
    return [a, b]


def stochastic(net, args):
    """Mirror of examples/cuba.scn. The initial potentials are Brian2's own draws. The
    connections are Brian2's own p = 0.02 draws too, unless `connections` names a folder with
    SCN's (`projections.json` plus one `i,j,w` CSV per projection, written by the Rust test
    from SCN's connectivity builder): the rate of a CUBA network depends on its connectivity
    realisation by several per cent, so comparing one SCN run with one Brian2 run is only
    sound on the same graph."""
    connections = args.connections
    b2.seed(args.seed)
    exc = group(3200, "exc")
    inh = group(800, "inh")
    for g in (exc, inh):
        g.v = "-60*mV + rand() * 10*mV"
    pops = {"exc": exc, "inh": inh}
    state_of = {"exc": "ge", "inh": "gi"}
    syns = []
    if connections is None:
        w_e, w_i = 0.00162 * VOLT, -0.009 * VOLT
        for src, w, port in ((exc, w_e, "exc"), (inh, w_i, "inh")):
            for tgt in (exc, inh):
                s = b2.Synapses(src, tgt, on_pre=f"{state_of[port]}_post += w", namespace=dict(w=w), dt=DT)
                if src is tgt:
                    s.connect(condition="i != j", p=0.02)
                else:
                    s.connect(p=0.02)
                syns.append(s)
    else:
        with open(os.path.join(connections, "projections.json")) as f:
            projections = json.load(f)
        for pr in projections:
            table = np.loadtxt(os.path.join(connections, pr["file"]), delimiter=",", skiprows=1, ndmin=2)
            s = b2.Synapses(
                pops[pr["source"]],
                pops[pr["target"]],
                model="w : volt",
                on_pre=f"{state_of[pr['port']]}_post += w",
                dt=DT,
            )
            s.connect(i=table[:, 0].astype(np.int64), j=table[:, 1].astype(np.int64))
            s.w = table[:, 2] * VOLT
            syns.append(s)
    net.add(exc, inh, *syns)
    return [exc, inh]


def reset(net, _args, keep_input=False):
    """Mirror of tests/compare/reset_vs_input.scn: one self-driven neuron feeds its spikes back
    to itself without delay, as an input added to v, so its own spike's input meets its reset.

    With `keep_input`, the reset re-adds that input (`v = v_reset + w`), which is what SCN's
    order (reset, then the port handler) computes; the two must then agree exactly."""
    eqs = """
    dv/dt = (e_l - v) / taum : volt (unless refractory)
    e_l : volt
    """
    w = 0.004 * VOLT
    g = b2.NeuronGroup(
        1,
        eqs,
        threshold="v > v_th",
        reset="v = v_reset + w" if keep_input else "v = v_reset",
        refractory=0.002 * SECOND,
        method="exact",
        namespace=dict(taum=0.02 * SECOND, v_th=V_TH, v_reset=V_RESET, w=w),
        name="n",
        dt=DT,
    )
    g.e_l = -0.049 * VOLT
    g.v = -0.06 * VOLT
    s = b2.Synapses(g, g, on_pre="v_post += w", namespace=dict(w=w), name="self_input", dt=DT)
    s.connect(j="i")
    net.add(g, s)
    return [g]


CASES = {
    "deterministic": deterministic,
    "stochastic": stochastic,
    "reset": reset,
    "reset_keeps_input": lambda net, args: reset(net, args, keep_input=True),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("out")
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--record-v", type=int, default=0, metavar="N", help="write v of the first N neurons of each group")
    ap.add_argument("--connections", help="stochastic: a folder with SCN's connections")
    args = ap.parse_args()

    b2.defaultclock.dt = DT
    b2.start_scope()
    net = b2.Network()
    groups = CASES[args.case](net, args)
    mons = [b2.SpikeMonitor(g) for g in groups]
    states = [b2.StateMonitor(g, "v", record=range(min(args.record_v, len(g))), dt=DT) for g in groups]
    states = states if args.record_v else []
    net.add(*mons, *states)
    t0 = time.perf_counter()
    steps = int(round(args.duration_ms / 0.1))  # dt = 0.1 ms
    net.run(steps * DT)
    run_s = time.perf_counter() - t0

    os.makedirs(args.out, exist_ok=True)
    rows = []
    for g, m in zip(groups, mons):
        st = np.rint(np.asarray(m.t / DT)).astype(np.int64)
        for k, i in zip(st, np.asarray(m.i)):
            rows.append((int(k), g.name, int(i)))
    # Emission order: by step, then population declaration order, then neuron index.
    order = {g.name: n for n, g in enumerate(groups)}
    rows.sort(key=lambda r: (r[0], order[r[1]], r[2]))
    with open(os.path.join(args.out, "spikes.csv"), "w") as f:
        f.write("step,time_ms,population,neuron\n")
        for k, name, i in rows:
            f.write(f"{k},{k * float(DT / b2.ms):.12g},{name},{i}\n")
    if states:
        with open(os.path.join(args.out, "states.csv"), "w") as f:
            f.write("step,time_ms,population,neuron,variable,value\n")
            for g, sm in zip(groups, states):
                v = np.asarray(sm.v_)
                for k in range(v.shape[1]):
                    for i in range(v.shape[0]):
                        f.write(f"{k},{k * float(DT / b2.ms):.12g},{g.name},{i},v,{float(v[i, k])!r}\n")
    summary = {
        "simulator": f"brian2 {b2.__version__} (numpy {np.__version__}, runtime, numpy target)",
        "case": args.case,
        "seed": args.seed,
        "connections": "scn" if args.connections else "brian2",
        "steps": steps,
        "duration_s": steps * float(DT / SECOND),
        "run_s": run_s,
        "populations": [
            {
                "name": g.name,
                "size": len(g),
                "spikes": int(m.num_spikes),
                "rate_hz": m.num_spikes / len(g) / (steps * float(DT / SECOND)),
            }
            for g, m in zip(groups, mons)
        ],
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary), file=sys.stdout)


if __name__ == "__main__":
    main()
