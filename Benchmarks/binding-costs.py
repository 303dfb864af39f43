#!/usr/bin/env python3
"""Instructions a mapping spends per `let` binding and per emitted member, around the expression itself.

A rule is run over the bench corpus's page_view pushes twice, with none and with 40 copies of the
same `let` binding (or emitted member); the difference, per push and per copy, is what one more
costs under `valgrind --tool=callgrind`. Start-up, parsing and the rest of the push cancel out.
`` `null` `` as the expression leaves the mapping's own work per evaluation: setting up the
evaluation, binding or placing the value, and (for members) writing it out.

Usage (from the project's root, after `swift build -c release`):
    python3 Benchmarks/binding-costs.py [CORPUS]    # default /tmp/dlbridge-bench/corpus-180000-s42.ndjson
"""
import json
import os
import re
import subprocess
import sys
import tempfile

BINARY = ".build/release/dlbridge"
COPIES = 40
EXPRESSIONS = ["`null`", "event", "event == 'x' ? `1` : `null`"]


def mapping(lets, members):
    emit = {"a": {"@expr": "event"}}
    emit.update(members)
    return {"name": "costs", "rules": [{"name": "r", "match": "`true`", "let": lets, "emit": emit}]}


def instructions(document, pushes):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(document, handle)
        path = handle.name
    try:
        out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", BINARY, "convert",
                              "--jobs", "1", "--quiet", "--mapping", path, pushes],
                             capture_output=True, text=True, check=True)
        return int(re.search(r"Collected : (\d+)", out.stderr).group(1))
    finally:
        os.unlink(path)


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "/tmp/dlbridge-bench/corpus-180000-s42.ndjson"
    with open(corpus) as source:
        lines = [line for line in source if '"event":"page_view"' in line][:5000]
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as handle:
        handle.writelines(lines)
        pushes = handle.name
    try:
        base = instructions(mapping({}, {}), pushes)
        print(f"| expression ({len(lines)} page_view pushes, {COPIES} copies) | per `let` | per emitted member |")
        print("|---|---:|---:|")
        for expression in EXPRESSIONS:
            lets = instructions(mapping({f"v{i}": expression for i in range(COPIES)}, {}), pushes)
            members = instructions(mapping({}, {f"f{i}": {"@expr": expression} for i in range(COPIES)}), pushes)
            per_let = (lets - base) / len(lines) / COPIES
            per_member = (members - base) / len(lines) / COPIES
            print(f"| `` {expression} `` | {per_let:,.0f} | {per_member:,.0f} |")
    finally:
        os.unlink(pushes)


if __name__ == "__main__":
    main()
