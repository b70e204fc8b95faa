"""Conductance-based neurons in Brian2, for comparison with SCN's channel models.

Each case mirrors a network of SCN and writes `spikes.csv`, `states.csv` (v at every step) and
`summary.json` in SCN's formats, so that tests/compare_brian2.rs compares both with the same
code.

Cases:
  hh   examples/hodgkin_huxley.scn: one Hodgkin-Huxley (1952) cell, 10 uA/cm^2 from 20 ms to
       180 ms, dt = 0.01 ms, 200 ms; a spike is the upward crossing of 0 mV.
  wb   stdlib Wang-Buzsaki (1996) cell of tests/compare/wang_buzsaki.scn: 1 uA/cm^2 from
       10 ms to 90 ms, dt = 0.01 ms, 100 ms; a spike is the upward crossing of -20 mV.
  ml   stdlib Morris-Lecar (1981) cell of tests/compare/morris_lecar.scn (Rinzel-Ermentrout
       parameters): 100 uA/cm^2 from 50 ms to 950 ms, dt = 0.05 ms, 1 s, `method='rk4'` as
       the SCN model; a spike is the upward crossing of 0 mV.

For hh and wb Brian2 integrates with `method='exponential_euler'`: each gate
x' = a(v)(1 - x) - b(v) x is advanced exactly with v frozen (x_inf + (x - x_inf)
exp(-(a + b) dt)), and v by exponential Euler, which is what SCN's `solver rush_larsen` does
(for wb, whose sodium activation is instantaneous, the two linearise v's equation
differently; see tests/compare_brian2.rs). The current step is applied by running the network in three
segments, so its edges fall on exact step boundaries. A spike is `v > V_SPIKE` with
`refractory='v > V_SPIKE'`: one spike per upward crossing, as SCN's `on rise(v > …)`.

Usage: python brian2_hh.py CASE OUTDIR
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

# Every constant is a float literal in SI units (F/m^2, S/m^2, V, A/m^2, Hz): the f64 SCN folds
# its rational constants to.
HH = """
dv/dt = (I - g_na * m**3 * h * (v - e_na) - g_k * n**4 * (v - e_k) - g_l * (v - e_l)) / c_m : volt
dm/dt = alpha_m * (1 - m) - beta_m * m : 1
dh/dt = alpha_h * (1 - h) - beta_h * h : 1
dn/dt = alpha_n * (1 - n) - beta_n * n : 1
alpha_m = 1000.0 / second / exprel(-(v + 0.04 * volt) / (0.01 * volt)) : Hz
beta_m = 4000.0 / second * exp(-(v + 0.065 * volt) / (0.018 * volt)) : Hz
alpha_h = 70.0 / second * exp(-(v + 0.065 * volt) / (0.02 * volt)) : Hz
beta_h = 1000.0 / second / (1 + exp(-(v + 0.035 * volt) / (0.01 * volt))) : Hz
alpha_n = 100.0 / second / exprel(-(v + 0.055 * volt) / (0.01 * volt)) : Hz
beta_n = 125.0 / second * exp(-(v + 0.065 * volt) / (0.08 * volt)) : Hz
I : amp / meter ** 2
"""
HH_PARAMS = dict(
    c_m=0.01 * b2.farad / b2.meter**2,
    g_na=1200.0 * b2.siemens / b2.meter**2,
    e_na=0.05 * b2.volt,
    g_k=360.0 * b2.siemens / b2.meter**2,
    e_k=-0.077 * b2.volt,
    g_l=3.0 * b2.siemens / b2.meter**2,
    e_l=-0.054387 * b2.volt,
)

# Wang & Buzsaki (1996): m instantaneous, h and n with the temperature factor phi = 5.
WB = """
dv/dt = (I - g_na * m_inf**3 * h * (v - e_na) - g_k * n**4 * (v - e_k) - g_l * (v - e_l)) / c_m : volt
dh/dt = phi * (alpha_h * (1 - h) - beta_h * h) : 1
dn/dt = phi * (alpha_n * (1 - n) - beta_n * n) : 1
m_inf = alpha_m / (alpha_m + beta_m) : 1
alpha_m = 1000.0 / second / exprel(-(v + 0.035 * volt) / (0.01 * volt)) : Hz
beta_m = 4000.0 / second * exp(-(v + 0.06 * volt) / (0.018 * volt)) : Hz
alpha_h = 70.0 / second * exp(-(v + 0.058 * volt) / (0.02 * volt)) : Hz
beta_h = 1000.0 / second / (1 + exp(-(v + 0.028 * volt) / (0.01 * volt))) : Hz
alpha_n = 100.0 / second / exprel(-(v + 0.034 * volt) / (0.01 * volt)) : Hz
beta_n = 125.0 / second * exp(-(v + 0.044 * volt) / (0.08 * volt)) : Hz
I : amp / meter ** 2
"""
WB_PARAMS = dict(
    c_m=0.01 * b2.farad / b2.meter**2,
    g_na=350.0 * b2.siemens / b2.meter**2,
    e_na=0.055 * b2.volt,
    g_k=90.0 * b2.siemens / b2.meter**2,
    e_k=-0.09 * b2.volt,
    g_l=1.0 * b2.siemens / b2.meter**2,
    e_l=-0.065 * b2.volt,
    phi=5.0,
)

# Morris & Lecar (1981) with the parameters of Rinzel & Ermentrout (1989); w starts at w_inf(v0).
ML = """
dv/dt = (I - g_ca * m_inf * (v - e_ca) - g_k * w * (v - e_k) - g_l * (v - e_l)) / c_m : volt
dw/dt = (w_inf - w) / tau_w : 1
m_inf = (1 + tanh((v - v1) / v2)) / 2 : 1
w_inf = (1 + tanh((v - v3) / v4)) / 2 : 1
tau_w = 2 / (phi * (exp((v - v3) / (2 * v4)) + exp(-(v - v3) / (2 * v4)))) : second
I : amp / meter ** 2
"""
ML_PARAMS = dict(
    c_m=0.2 * b2.farad / b2.meter**2,
    g_ca=44.0 * b2.siemens / b2.meter**2,
    e_ca=0.12 * b2.volt,
    g_k=80.0 * b2.siemens / b2.meter**2,
    e_k=-0.084 * b2.volt,
    g_l=20.0 * b2.siemens / b2.meter**2,
    e_l=-0.06 * b2.volt,
    v1=-0.0012 * b2.volt,
    v2=0.018 * b2.volt,
    v3=0.002 * b2.volt,
    v4=0.03 * b2.volt,
    phi=40.0 / b2.second,
)

# case: (equations, parameters, method, dt, gates (rate form) to start at steady state,
# v0, spike threshold, amplitude, start, stop, end), SI units.
CASES = {
    "hh": (HH, HH_PARAMS, "exponential_euler", 1e-5, ("m", "h", "n"), -0.065, 0.0, 0.1, 0.02, 0.18, 0.2),
    "wb": (WB, WB_PARAMS, "exponential_euler", 1e-5, ("h", "n"), -0.065, -0.02, 0.01, 0.01, 0.09, 0.1),
    "ml": (ML, ML_PARAMS, "rk4", 5e-5, (), -0.06, 0.0, 1.0, 0.05, 0.95, 1.0),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("out")
    args = ap.parse_args()
    eqs, params, method, dt, gates, v0, threshold, amp, start, stop, end = CASES[args.case]
    DT = dt * b2.second

    b2.defaultclock.dt = DT
    b2.start_scope()
    cell = b2.NeuronGroup(
        1,
        eqs,
        threshold="v > v_spike",
        refractory="v > v_spike",
        method=method,
        namespace=dict(params, v_spike=threshold * b2.volt),
        name="cell",
    )
    cell.v = v0 * b2.volt
    # Gates start at their steady state at v0, as SCN's gates do.
    for g in gates:
        a, b = getattr(cell, f"alpha_{g}")[0], getattr(cell, f"beta_{g}")[0]
        setattr(cell, g, float(a / (a + b)))
    if "w_inf" in eqs:
        cell.w = float(cell.w_inf[0])
    spikes = b2.SpikeMonitor(cell)
    state = b2.StateMonitor(cell, "v", record=[0], dt=DT)
    net = b2.Network(cell, spikes, state)
    steps = [int(round(x / float(DT / b2.second))) for x in (start, stop, end)]
    t0 = time.perf_counter()
    net.run(steps[0] * DT)
    cell.I = amp * b2.amp / b2.meter**2
    net.run((steps[1] - steps[0]) * DT)
    cell.I = 0 * b2.amp / b2.meter**2
    net.run((steps[2] - steps[1]) * DT)
    run_s = time.perf_counter() - t0

    os.makedirs(args.out, exist_ok=True)
    ms = float(DT / b2.ms)
    with open(os.path.join(args.out, "spikes.csv"), "w") as f:
        f.write("step,time_ms,population,neuron\n")
        for k in np.rint(np.asarray(spikes.t / DT)).astype(np.int64):
            f.write(f"{k},{k * ms:.12g},cell,0\n")
    with open(os.path.join(args.out, "states.csv"), "w") as f:
        f.write("step,time_ms,population,neuron,variable,value\n")
        for k, v in enumerate(np.asarray(state.v_)[0]):
            f.write(f"{k},{k * ms:.12g},cell,0,v,{float(v)!r}\n")
    summary = {
        "simulator": f"brian2 {b2.__version__} (numpy {np.__version__}, runtime, numpy target)",
        "case": args.case,
        "steps": steps[2],
        "duration_s": end,
        "run_s": run_s,
        "populations": [{"name": "cell", "size": 1, "spikes": int(spikes.num_spikes)}],
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary), file=sys.stdout)


if __name__ == "__main__":
    main()
