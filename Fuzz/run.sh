#!/usr/bin/env bash
# Fuzz one target with libFuzzer: Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags…]
# TARGET: json | records | mapping | expression. Builds .build-fuzz/fuzz (the library sources plus
# Fuzz/Targets/*.swift, with -sanitize=fuzzer,address) when a source is newer than the binary, seeds
# a scratch corpus from Fuzz/seeds.sh, and keeps what libFuzzer finds in .build-fuzz/corpus/TARGET
# (grown across runs; DLB_FUZZ_CORPUS names another directory) and crashes in Fuzz/artifacts/. Exit status: 0 when nothing was found.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: Fuzz/run.sh TARGET SECONDS [libFuzzer flags]}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS [libFuzzer flags]}
shift 2
case "$target" in json|records|mapping|expression) ;; *) echo "unknown target '$target' (json, records, mapping, expression)" >&2; exit 2;; esac

# DLB_FUZZ_BUILD=debug builds without optimisation: about a third of the compile time for a few
# times fewer executions per second, the better trade for a short smoke run.
case "${DLB_FUZZ_BUILD:-release}" in
release) binary=.build-fuzz/fuzz; optimisation=(-O -wmo -num-threads 2) ;;
debug) binary=.build-fuzz/fuzz-debug; optimisation=(-Onone -j2) ;;
*) echo "DLB_FUZZ_BUILD must be release or debug" >&2; exit 2 ;;
esac
sources=$(find Sources/DataLayerBridge Fuzz/Targets -name '*.swift' | sort)
if [ ! -x "$binary" ] || [ -n "$(find Sources/DataLayerBridge Fuzz/Targets -name '*.swift' -newer "$binary")" ]; then
    mkdir -p .build-fuzz
    echo "compiling $binary" >&2
    # shellcheck disable=SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library "${optimisation[@]}" \
        -module-name DataLayerBridgeFuzz -package-name fuzz $sources -o "$binary" 2>&1 \
        | grep -v "ld.gold: warning: Cannot export local symbol" >&2 || true
    [ -x "$binary" ] || { echo "fuzz build failed" >&2; exit 1; }
fi

corpus=${DLB_FUZZ_CORPUS:-.build-fuzz/corpus/$target}
mkdir -p "$corpus" Fuzz/artifacts
bash Fuzz/seeds.sh "$target" "$corpus"

# The Swift runtime's crash reporter would wait on a terminal; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
export DLB_FUZZ_TARGET=$target
exec "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="Fuzz/artifacts/$target-" "$@" "$corpus"
