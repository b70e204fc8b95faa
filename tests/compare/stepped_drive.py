"""The stepped input the SC-NeuroCore comparison drivers share (sc_neurocore_neurons.py,
sc_neurocore_stdlib_cases.py), and the unit factors that turn the references' ms/mV/pA/nA into
the SI values SCN writes."""

DT_MS = 0.1
STEPS = 5000
MV, PA, NA = 1e-3, 1e-12, 1e-9


def stepped(levels, steps=STEPS, dt_ms=DT_MS):
    """The input of every step: `levels` is [(amplitude, start_ms, stop_ms)], summed over the
    windows active at step k (start <= k*dt < stop, on whole steps)."""
    out = []
    for k in range(steps):
        total = 0.0
        for amp, start, stop in levels:
            if round(start / dt_ms) <= k < round(stop / dt_ms):
                total += amp
        out.append(total)
    return out
