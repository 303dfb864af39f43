#!/usr/bin/env python3
"""Instructions one evaluation of an expression costs, for the steps the default mapping is made of.

Each expression E is timed as `map(&(E), [N zeros])` under `valgrind --tool=callgrind` for two values of
N; the difference, divided by the difference in N, is what one more evaluation costs (start-up, parsing
the command line and compiling the expression cancel out). The first row, a literal, is the cost of
`map` itself and is subtracted from the others. Instruction counts do not depend on the machine's load.

Usage (from the project's root, after `swift build -c release`):
    python3 Benchmarks/step-costs.py                      # the built-in list
    python3 Benchmarks/step-costs.py 'lower($.a)' ...     # other expressions
"""
import os
import re
import subprocess
import sys
import tempfile

BINARY = ".build/release/dlbridge"
DOCUMENT = '{"a":"x","b":{"c":"y"},"n":3,"timestamp":1714521600949}'
STEPS = [
    "$.a",
    "$.b.c",
    "$.a == 'x'",
    "$.a && $.n",
    "$.x == `null` ? `null` : $.a",
    "let $v = $.a in $v",
    "$.n + `1`",
    "coalesce($.a, $.n)",
    "to_number($.n)",
    "to_string($.n)",
    "contains($.a, 'x')",
    "contains(['page_view', 'view_item'], $.a)",
    "lookup($.b, 'c')",
    "[$.a, $.n]",
    "{p: $.a, q: $.n}",
    "from_items(items({p: $.a, q: $.x})[?[1] != `null`])",
    "floor(seconds($.timestamp))",
]


def instructions(expression, count, document):
    zeros = ",".join(["`0`"] * count)
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", BINARY, "eval",
         f"map(&({expression}), [{zeros}])", document],
        capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def per_evaluation(expression, document):
    return (instructions(expression, 1100, document) - instructions(expression, 100, document)) / 1000


def main():
    steps = sys.argv[1:] or STEPS
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        handle.write(DOCUMENT)
        document = handle.name
    try:
        base = per_evaluation("`0`", document)
        print(f"| expression (over {DOCUMENT}) | instructions per evaluation |")
        print("|---|---:|")
        for expression in steps:
            cost = per_evaluation(expression, document) - base
            print(f"| `` {expression} `` | {cost:,.0f} |")
    finally:
        os.unlink(document)


if __name__ == "__main__":
    main()
