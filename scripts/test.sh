#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need, checks
# formatting and lints, then runs the whole workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools the tests call. Each later backend adds its packages here; a missing tool is a failure,
# never a silent skip.
need_apt=()
# Python 3 with venv, for the Brian2 and SC-NeuroCore comparisons (tests/compare_brian2.rs,
# tests/compare_sc_neurocore.rs).
if ! command -v python3 >/dev/null || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    need_apt+=(python3 python3-venv)
fi
# Node.js and npm for the VS Code extension's grammar test and packaging, Neovim (0.7+) for the
# headless editor test (tests/editors.rs).
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v nvim >/dev/null || need_apt+=(neovim)
# tmux drives `scn repl` in a terminal for its end-to-end tests (tests/repl.rs).
command -v tmux >/dev/null || need_apt+=(tmux)
# RTL simulation, lint, synthesis and place and route for the hardware backend
# (tests/build_verilog.rs): Icarus Verilog, Verilator, Yosys, nextpnr-ice40 and IceStorm.
command -v iverilog >/dev/null || need_apt+=(iverilog)
command -v verilator >/dev/null || need_apt+=(verilator)
command -v yosys >/dev/null || need_apt+=(yosys)
command -v nextpnr-ice40 >/dev/null || need_apt+=(nextpnr-ice40)
command -v icepack >/dev/null || need_apt+=(fpga-icestorm)
# Stock MLIR's parser and verifier for the generic form of the MLIR backend
# (tests/build_mlir.rs runs `mlir-opt-19 --allow-unregistered-dialect --verify-each`); the
# `circt` wheel of tests/compare/requirements.txt checks and exports the custom form.
command -v mlir-opt-19 >/dev/null || need_apt+=(mlir-19-tools)
# The SMT solver of SymbiYosys's smtbmc engine for `@bmc`/`@prove` (compiler/props/tests/formal.rs).
command -v z3 >/dev/null || need_apt+=(z3)
# HDF5 (with pkg-config to find it) for the NIR reader and writer (compiler/nir, tests/nir.rs).
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
pkg-config --exists hdf5 2>/dev/null || need_apt+=(libhdf5-dev)
# LLVM 19 for the LLVM backend (compiler/llvm, `--features llvm`: tests/run_llvm.rs) and a C
# compiler to link its native libraries and build examples/native/run_model.c.
command -v llvm-config-19 >/dev/null || need_apt+=(llvm-19-dev libpolly-19-dev libzstd-dev)
command -v cc >/dev/null || need_apt+=(gcc)
command -v nm >/dev/null || need_apt+=(binutils)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# Brian2, SC-NeuroCore, numpy and CIRCT, pinned, in the project-local .venv (gitignored); reinstalled only when
# tests/compare/requirements.txt changes. The comparison tests run $SCN_PYTHON.
requirements=tests/compare/requirements.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.scn-requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" >"$stamp"
fi
export SCN_PYTHON="$PWD/.venv/bin/python"

# The VS Code extension's npm packages, pinned by editors/vscode/package-lock.json, in its
# node_modules (gitignored); reinstalled only when the lock file changes.
lock=editors/vscode/package-lock.json
stamp=editors/vscode/node_modules/.scn-lock.sha256
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
fi

export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --workspace --all-targets --features llvm --locked -- -D warnings
cargo test --workspace --locked
# The LLVM engine and native libraries (the default build and tests above need no LLVM feature).
cargo test -p scn --features llvm --test run_llvm --locked
