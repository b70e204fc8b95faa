#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need, checks
# formatting and lints, then runs the whole workspace's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools the tests call. Each later backend adds its packages here; a missing tool is a failure,
# never a silent skip.
need_apt=()
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
