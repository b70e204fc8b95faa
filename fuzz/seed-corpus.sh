#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the repository's SCN sources: examples/*.scn,
# stdlib/**/*.scn and tests/ui/parse/*.scn. The corpus is not committed (see .gitignore);
# run this before `cargo fuzz run`. Existing corpus entries are kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
seeds=$( { ls examples/*.scn tests/ui/parse/*.scn; find stdlib -name '*.scn'; } | sort)
for target in parse lex; do
    dir="$here/corpus/$target"
    mkdir -p "$dir"
    for f in $seeds; do
        cp "$f" "$dir/seed-$(echo "$f" | tr '/' '_')"
    done
    echo "$dir: $(echo "$seeds" | wc -l) seeds, $(ls "$dir" | wc -l) files"
done
