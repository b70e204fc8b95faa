"""CUBA (Brette et al. 2007, Benchmark 2; examples/cuba.scn) in Brian2 cpp_standalone on one
thread, for bench/jit_vs.sh. Prints `wall_s sim_s spikes`: wall time of the whole script
after the imports (code generation, C++ compilation, simulation) and the simulation alone
as Brian2's generated code measures it.

Usage: python brian2_cuba_standalone.py DURATION_S BUILD_DIR
"""

import sys
import time

import brian2 as b2

start = time.perf_counter()
duration, build_dir = float(sys.argv[1]), sys.argv[2]
b2.set_device("cpp_standalone", directory=build_dir)
b2.prefs.devices.cpp_standalone.openmp_threads = 0
b2.defaultclock.dt = 0.0001 * b2.second
eqs = """
dv/dt  = (ge + gi - (v - e_l)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
ns = dict(taum=0.02 * b2.second, taue=0.005 * b2.second, taui=0.01 * b2.second, e_l=-0.049 * b2.volt,
          v_th=-0.05 * b2.volt, v_reset=-0.06 * b2.volt)
P = b2.NeuronGroup(4000, eqs, threshold="v > v_th", reset="v = v_reset", refractory=0.005 * b2.second,
                   method="exact", namespace=ns)
P.v = "-0.06*volt + rand() * 0.01*volt"
Pe, Pi = P[:3200], P[3200:]
Ce = b2.Synapses(Pe, P, on_pre="ge += 0.00162*volt")
Ce.connect(p=0.02)
Ci = b2.Synapses(Pi, P, on_pre="gi -= 0.009*volt")
Ci.connect(p=0.02)
M = b2.SpikeMonitor(P)
b2.run(duration * b2.second)
wall = time.perf_counter() - start
print(f"{wall:.3f} {b2.device._last_run_time:.3f} {M.num_spikes}")
