#!/usr/bin/env bash
# Per-push latency of Bridge.convert (median and p99), one core, on pushes of the bench corpus; then
# two tasks on both cores through one shared bridge against a copy each.
# Usage: Benchmarks/latency.sh   (run from anywhere; writes .build-bench/corpus.ndjson once)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-bench
corpus=.build-bench/corpus.ndjson
if [ ! -s "$corpus" ]; then
    python3 ../shared/bench/gen_corpus.py --lines 20000 --seed 42 > "$corpus"
fi
source Benchmarks/build-harness.sh
build_harness Latency
taskset -c 0 .build-bench/latency/release/latency "$corpus"
# Both cores: two tasks through one shared bridge against a copy each.
.build-bench/latency/release/latency "$corpus" --shared-vs-copies
