#!/usr/bin/env bash
# The ceiling experiment: the Node peer's transform written by hand over the library's tape and writer
# (Benchmarks/Ceiling, one thread, no JSONValue, no evaluator, no validator), timed side by side with the
# Node peer by ../shared/bench/compare.py. It shows what a mapping compiled to tape-level code could reach.
# Usage: Benchmarks/ceiling.sh [ROUNDS]   (run from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/build-harness.sh
build_harness Ceiling
exec python3 ../shared/bench/compare.py --bridge .build-bench/ceiling/release/ceiling --peers node --rounds "${1:-5}"
