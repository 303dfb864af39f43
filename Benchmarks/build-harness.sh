#!/usr/bin/env bash
# Sourced by the benchmark scripts: build_harness NAME builds Benchmarks/NAME in release mode into
# .build-bench/<name>. A harness built before a source file was added to the library can keep the
# library's old file list (SwiftPM does not always rescan a path dependency) and then fails to
# compile: the build is then made again from scratch.
build_harness() {
    local scratch=".build-bench/$(echo "$1" | tr '[:upper:]' '[:lower:]')"
    swift build -c release --package-path "Benchmarks/$1" --scratch-path "$scratch" \
        || { echo "building Benchmarks/$1 again from scratch" >&2; rm -rf "$scratch"; swift build -c release --package-path "Benchmarks/$1" --scratch-path "$scratch"; }
}
