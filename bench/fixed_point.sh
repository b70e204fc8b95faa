#!/usr/bin/env bash
# The Cranelift JIT against the interpreter on a fixed-point network (bench/fixed_point.scn:
# 4000 std LifQ88 + 1000 std LifQ88Rtl neurons). Run by hand from the repository root (not in
# CI):
#
#   bash bench/fixed_point.sh [STEPS]      (default 2000)
#
# Prints the simulation time (summary.json timing.run_s) of each engine, the JIT's compile
# time and the ratio, after checking that both engines wrote the same spikes and states.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-2000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin scn
SCN="$CARGO_TARGET_DIR/release/scn"
timing() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timing'][sys.argv[2]])" "$1" "$2"; }
for engine in interp jit; do
  "$SCN" run bench/fixed_point.scn --steps "$STEPS" --engine "$engine" -o "$TMP/$engine" >/dev/null 2>&1
done
for f in spikes.csv states.csv; do
  cmp -s "$TMP/interp/$f" "$TMP/jit/$f" || { echo "$f differs between the engines" >&2; exit 1; }
done
ri=$(timing "$TMP/interp/summary.json" run_s)
rj=$(timing "$TMP/jit/summary.json" run_s)
cj=$(timing "$TMP/jit/summary.json" jit_compile_s)
echo "fixed-point network, $STEPS steps (identical spikes and states on both engines)"
printf '%-10s %12s %14s\n' engine run_s jit_compile_s
printf '%-10s %12.3f %14s\n' interp "$ri" -
printf '%-10s %12.3f %14.4f\n' jit "$rj" "$cj"
awk -v a="$ri" -v b="$rj" 'BEGIN { printf "jit speed-up: %.1fx\n", a / b }'
