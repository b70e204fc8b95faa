#!/usr/bin/env bash
# SCN's JIT side by side with the interpreter, Brian2 and SC-NeuroCore (issue 5). Run by hand
# from the repository root (not in CI; it takes a few minutes):
#
#   bash bench/jit_vs.sh [CUBA_SECONDS]      (default 10)
#
# 0. The compile time of the Cranelift JIT and of the LLVM engine for every example.
# 1. CUBA (examples/cuba.scn, 4000 neurons, dt 0.1 ms): SCN-JIT, SCN-LLVM, SCN-interp, the
#    native library of `scn build --target native` driven by examples/native/run_model.c, and
#    Brian2 cpp_standalone on one thread; wall time including checking/compiling, and
#    simulation only.
# 2. SC dense layer 256 inputs x 256 outputs, L = 1024: SCN per frame (one run of FRAMES frames,
#    simulation time / FRAMES, every weight and input stream encoded afresh in every frame) vs
#    SC-NeuroCore's Rust engine (`sc_neurocore_engine.DenseLayer.forward_fast`).
# 3. AND+popcount throughput in Gbit/s on cache-resident data: SCN's kernels vs a rustc
#    `-C target-cpu=native` loop.
# Needs: cargo, rustc, g++, llvm-19-dev (scn is built with `--features llvm`), and .venv (or $SCN_PYTHON) with tests/compare/requirements.txt and
# bench/requirements.txt installed.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
PY=${SCN_PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin scn --features llvm
cargo build --release --quiet -p scn-jit --example sc_throughput
SCN="$CARGO_TARGET_DIR/release/scn"
now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['timing'][sys.argv[2]])" "$1" "$2"; }

echo "== compile time per example (one step), seconds =="
printf '%-28s %12s %12s\n' example jit llvm
for f in examples/*.scn; do
  row=()
  for engine in jit llvm; do
    if "$SCN" run "$f" --steps 1 --engine "$engine" -o "$TMP/compile-$engine" >/dev/null 2>&1; then
      row+=("$(printf %.4f "$(field "$TMP/compile-$engine/summary.json" jit_compile_s)")")
    else
      row+=("-")
    fi
  done
  printf '%-28s %12s %12s\n' "$f" "${row[@]}"
done

echo "== CUBA, $SECS s of biological time =="
declare -A WALL SIM
for engine in jit llvm interp; do
  t0=$(now)
  "$SCN" run examples/cuba.scn --duration "${SECS}s" --engine "$engine" -o "$TMP/cuba-$engine" 2>/dev/null
  t1=$(now)
  WALL[$engine]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  SIM[$engine]=$(field "$TMP/cuba-$engine/summary.json" run_s)
  echo "scn-$engine: wall ${WALL[$engine]} s, simulation $(printf %.3f "${SIM[$engine]}") s, compile $(field "$TMP/cuba-$engine/summary.json" jit_compile_s) s"
done
for engine in jit llvm; do
  cmp -s "$TMP/cuba-$engine/spikes.csv" "$TMP/cuba-interp/spikes.csv" && echo "spikes.csv identical on $engine and interp" \
    || { echo "spikes.csv DIFFERS between $engine and interp"; exit 1; }
done
t0=$(now)
"$SCN" build examples/cuba.scn --target native -o "$TMP/native-lib" 2>/dev/null
cc -O2 -DSCN_NET=Cuba -I "$TMP/native-lib" examples/native/run_model.c -L "$TMP/native-lib" -lCuba -Wl,-rpath,"$TMP/native-lib" -o "$TMP/run_cuba"
t1=$(now)
STEPS=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['steps'])" "$TMP/cuba-interp/summary.json")
"$TMP/run_cuba" "$STEPS" >"$TMP/native.csv"
t2=$(now)
echo "native library: build $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s (scn build + cc), simulation $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }') s (whole C program)"
cmp -s "$TMP/native.csv" "$TMP/cuba-interp/spikes.csv" && echo "the C program prints scn run's spikes.csv" \
  || { echo "the C program's spikes DIFFER from scn run's"; exit 1; }
read -r BW BS BN < <("$PY" bench/brian2_cuba_standalone.py "$SECS" "$TMP/brian2" 2>/dev/null | tail -1)
echo "brian2 cpp_standalone (1 thread): wall $BW s, simulation $BS s, $BN spikes"
echo "ratios (higher = SCN-JIT faster): jit vs interp  wall $(ratio "${WALL[interp]}" "${WALL[jit]}")x  sim $(ratio "${SIM[interp]}" "${SIM[jit]}")x"
echo "                                  jit vs llvm    wall $(ratio "${WALL[llvm]}" "${WALL[jit]}")x  sim $(ratio "${SIM[llvm]}" "${SIM[jit]}")x"
echo "                                  jit vs brian2  wall $(ratio "$BW" "${WALL[jit]}")x  sim $(ratio "$BS" "${SIM[jit]}")x"
echo "                                  llvm vs brian2 wall $(ratio "$BW" "${WALL[llvm]}")x  sim $(ratio "$BS" "${SIM[llvm]}")x"

FRAMES=8
echo "== SC dense layer 256x256, L = 1024, $FRAMES frames =="
"$PY" - "$TMP" "$FRAMES" <<'PY'
import random, sys
d, frames = sys.argv[1], int(sys.argv[2])
random.seed(5)
with open(f"{d}/w.csv", "w") as f:
    for o in range(256):
        f.write(",".join(f"{random.random():.4f}" for _ in range(256)) + "\n")
xs = ", ".join(f"{random.random():.4f}" for _ in range(256))
open(f"{d}/dense.scn", "w").write(f"""network Dense {{
    const L = 1024
    duration = {1024 * frames} cycles
    param x: prob[256] = [{xs}]
    param w: prob[256][256] = load("w.csv")
    stream xs[i in 0..256] = encode(x[i], lfsr16(seed = 0xACE1 + i), length = L)
    stream ws[o in 0..256][i in 0..256] = encode(w[o][i], lfsr16(seed = 0xBEEF + 13 * (o * 256 + i)), length = L)
    output y[o in 0..256] = sum(i in 0..256, popcount(ws[o][i] & xs[i])) / L
}}
""")
PY
t0=$(now)
"$SCN" run "$TMP/dense.scn" -o "$TMP/dense" 2>/dev/null
t1=$(now)
SCN_DENSE=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
SCN_DENSE_SIM=$(awk -v a="$(field "$TMP/dense/summary.json" run_s)" -v n="$FRAMES" 'BEGIN { printf "%.6f", a / n }')
SCNC=$("$PY" - <<'PY'
import time, numpy as np, sc_neurocore_engine as e
layer = e.DenseLayer(256, 256, length=1024)
x = list(np.random.default_rng(5).random(256))
layer.forward_fast(x)
t = time.perf_counter(); n = 20
for _ in range(n):
    layer.forward_fast(x)
print(f"{(time.perf_counter() - t) / n:.6f}")
PY
)
echo "scn: wall $SCN_DENSE s for $FRAMES frames, simulation $SCN_DENSE_SIM s per frame"
echo "sc-neurocore engine forward_fast: $SCNC s per forward"
echo "ratio (higher = SCN faster): per frame $(ratio "$SCNC" "$SCN_DENSE_SIM")x"

echo "== AND+popcount, two 16 KiB streams (Gbit/s) =="
rustc -O -C target-cpu=native -o "$TMP/native" bench/and_popcount_native.rs
NATIVE=$("$TMP/native" | awk '{ print $2 }')
"$CARGO_TARGET_DIR/release/examples/sc_throughput" | while read -r name value; do
  if [ "$name" = chosen ]; then echo "chosen by measurement: $value"; continue; fi
  echo "$name: $value Gbit/s ($(ratio "$value" "$NATIVE")x of rustc-native $NATIVE Gbit/s)"
done
