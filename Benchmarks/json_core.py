#!/usr/bin/env python3
"""JSON core benchmark: parse + validate + compact re-write of every line of the bench corpus, one core.

Runs `dlbridge fmt --ndjson` next to `jq -c .` and a Node script doing JSON.parse + JSON.stringify per
line, round by round in rotating order, and prints medians as a Markdown table. The corpus is the bench
generator's (seed 42) with --malformed-rate 0, because jq stops at the first malformed line.

Usage (from the package root):
    swift build -c release
    python3 Benchmarks/json_core.py                      # 180,000 lines, 5 rounds
    python3 Benchmarks/json_core.py --lines 20000 --rounds 3
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH = os.path.join(os.path.dirname(ROOT), "shared", "bench")
NODE_ROUNDTRIP = os.path.join(HERE, "peers", "json_roundtrip.js")


def corpus(cache, lines, seed):
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f"clean-{lines}-s{seed}.ndjson")
    if not os.path.exists(path):
        with open(path + ".tmp", "wb") as out:
            subprocess.run([sys.executable, os.path.join(BENCH, "gen_corpus.py"), "--lines", str(lines),
                            "--seed", str(seed), "--malformed-rate", "0"], stdout=out, check=True)
        os.replace(path + ".tmp", path)
    return path


def run(cmd, path):
    with open(path, "rb") as stdin, open(os.devnull, "wb") as devnull:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=devnull, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        return time.monotonic() - start, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=180000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "dlbridge-bench"))
    args = ap.parse_args()

    path = corpus(args.cache, args.lines, args.seed)
    size = os.path.getsize(path)
    commands = {
        "dlbridge fmt --ndjson": [os.path.join(ROOT, ".build/release/dlbridge"), "fmt", "--ndjson"],
        "jq -c .": ["jq", "-c", "."],
        "node JSON.parse+stringify": ["node", NODE_ROUNDTRIP],
    }
    names = list(commands)
    for name in names:
        run(commands[name], path)  # warm-up
    walls = {name: [] for name in names}
    peaks = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            wall, peak, code = run(commands[name], path)
            if code != 0:
                sys.exit(f"{name} exited {code}")
            walls[name].append(wall)
            peaks[name].append(peak)

    print(f"corpus: {size / 1e6:.1f} MB, {args.lines} lines, {args.rounds} rounds (medians)\n")
    print("| command | wall s | MB/s | × jq | × node | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        med = statistics.median(walls[name])
        vs_jq = statistics.median(j / w for j, w in zip(walls["jq -c ."], walls[name]))
        vs_node = statistics.median(n / w for n, w in zip(walls["node JSON.parse+stringify"], walls[name]))
        print(f"| `{name}` | {med:.3f} | {size / 1e6 / med:.0f} | {vs_jq:.2f} | {vs_node:.2f} | {max(peaks[name]):.0f} |")


if __name__ == "__main__":
    main()
