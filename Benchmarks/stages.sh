#!/usr/bin/env bash
# Per-stage throughput of `dlbridge convert`'s per-record work on one core: read + split, parse, normalise,
# map, validate, write (cumulative), median of 5 runs each, plus the real StreamConverter with one job.
# Usage: Benchmarks/stages.sh [CORPUS.ndjson [RUNS]]   (run from anywhere; without a corpus, generates the
# 180,000-line bench corpus under .build-bench/ once)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-bench
corpus=${1:-.build-bench/corpus-180000-s42.ndjson}
if [ ! -s "$corpus" ]; then
    python3 ../shared/bench/gen_corpus.py --lines 180000 --seed 42 > "$corpus"
fi
source Benchmarks/build-harness.sh
build_harness Stages
exec taskset -c 0 .build-bench/stages/release/stages "$corpus" "${2:-5}"
