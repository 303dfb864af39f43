#!/usr/bin/env bash
# CI smoke run: every fuzz target for SECONDS each (default 8) from its seeds alone, in a scratch
# corpus, with the unoptimised build (DLB_FUZZ_BUILD=debug: ~15 s of compiler CPU instead of ~45 s),
# so CI stays near a minute on 2 cores. Fails on the first finding; the input is left in Fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in json records mapping expression; do
    if ! DLB_FUZZ_BUILD=debug DLB_FUZZ_CORPUS="$scratch/$target" bash Fuzz/run.sh "$target" "$seconds" -seed=1 > "$scratch/$target.log" 2>&1; then
        tail -40 "$scratch/$target.log" >&2
        echo "fuzz smoke: target $target found a problem" >&2
        exit 1
    fi
    echo "fuzz smoke: $target $(grep -o 'number_of_executed_units: [0-9]*' "$scratch/$target.log" | cut -d' ' -f2) executions, nothing found"
done
