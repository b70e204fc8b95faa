#!/usr/bin/env python3
"""Times `scn check` on a generated 10,000-line model file (release build).

Usage: python3 bench/check_speed.py [LINES]

The file holds many neurons (each with params, states, an ODE, handlers and a precision-free
body), synapses and networks that use them, so every checker pass runs on real structure.
Prints the file size and the best and median wall time over several runs.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def neuron(i: int) -> str:
    return f"""/// Generated neuron {i}.
neuron N{i} {{
    param tau_m: time = {10 + i % 20} ms
    param v_rest: voltage = -65 mV
    param v_th: voltage = -50 mV
    param v_reset: voltage = -70 mV
    param t_ref: time = 2 ms
    state v: voltage = -65 mV
    state ge: voltage = 0 mV
    input syn: spike(voltage)
    let drive = ge + (v_rest - v)
    on syn(w) {{ ge += w }}
    dv/dt = drive / tau_m
    dge/dt = -ge / 5 ms
    on v >= v_th {{ v = v_reset; emit spike; refractory t_ref clamp v }}
    solver exact
}}
"""


def network(i: int, n: int) -> str:
    a, b = i % n, (i * 7 + 3) % n
    return f"""network Net{i} {{
    dt = 0.1 ms
    duration = 100 ms
    pop a = N{a}[100]
    pop b = N{b}[50]
    connect a -> b.syn {{ p = 0.1, weight = 0.5 mV, delay = 1.5 ms }}
    stimulus poisson(rate = 10 Hz, n = 20) -> a.syn {{ p = 0.2, weight = 1 mV }}
    monitor spikes(a, b)
}}
"""


def generate(lines: int) -> str:
    parts, count, i = [], 0, 0
    neurons = max(1, lines // 25)
    while count < lines:
        if i < neurons:
            text = neuron(i)
        else:
            text = network(i, neurons)
        parts.append(text)
        count += text.count("\n")
        i += 1
    return "\n".join(parts)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    scn = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "scn")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.scn")
        text = generate(lines)
        with open(path, "w") as f:
            f.write(text)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            r = subprocess.run([scn, "check", path], capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                print(r.stderr[-2000:])
                sys.exit("the generated file does not check clean")
        print(f"file: {text.count(chr(10))} lines, {len(text)} bytes")
        print(f"scn check: best {min(times) * 1e3:.1f} ms, median {statistics.median(times) * 1e3:.1f} ms (7 runs, whole process)")


if __name__ == "__main__":
    main()
