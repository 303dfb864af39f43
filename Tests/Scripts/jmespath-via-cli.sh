#!/usr/bin/env bash
# Runs every JMESPath compliance case through the built `dlbridge eval` binary, one process per
# case, and exits 1 on any mismatch. Result cases must print an equal JSON value and exit 0; error
# cases must exit 1 with a message on stderr; benchmark cases without a result must exit 0.
#
# usage: Tests/Scripts/jmespath-via-cli.sh [TESTS_DIR]
#   TESTS_DIR defaults to ../shared/conformance/jmespath/tests beside the package;
#   DLBRIDGE overrides the binary (default .build/debug/dlbridge; run `swift build` first).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tests="${1:-$root/../shared/conformance/jmespath/tests}"
binary="${DLBRIDGE:-$root/.build/debug/dlbridge}"
[[ -x "$binary" ]] || { echo "jmespath-via-cli: $binary not found; run 'swift build' first" >&2; exit 2; }

exec python3 - "$tests" "$binary" <<'PYTHON'
import concurrent.futures, decimal, glob, json, os, subprocess, sys

tests, binary = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(tests, "*.json")))
if not files:
    sys.exit(f"jmespath-via-cli: no .json files in {tests}")

def exact(text):
    return json.loads(text, parse_float=decimal.Decimal)

def dump(value):
    """JSON text with Decimal numbers written as they were read, not as strings or floats."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + dump(item) for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)

cases = []
for path in files:
    with open(path, encoding="utf-8") as handle:
        for group_index, group in enumerate(exact(handle.read())):
            given = dump(group["given"])
            for case_index, case in enumerate(group["cases"]):
                cases.append((f"{os.path.basename(path)} #{group_index}.{case_index}", given, case))

def run(entry):
    name, given, case = entry
    process = subprocess.run([binary, "eval", case["expression"]], input=given.encode(), capture_output=True)
    stdout, stderr = process.stdout.decode(), process.stderr.decode().strip()
    if "error" in case:
        if process.returncode == 1 and stderr:
            return None
        return f"{name}: {case['expression']!r}: expected error {case['error']}, got status {process.returncode} {stdout.strip()}"
    if process.returncode != 0:
        return f"{name}: {case['expression']!r}: status {process.returncode}: {stderr}"
    if "result" not in case:
        return None
    if exact(stdout) != case["result"]:
        return f"{name}: {case['expression']!r}: expected {dump(case['result'])}, got {stdout.strip()}"
    return None

with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    failures = [failure for failure in pool.map(run, cases) if failure]
for failure in failures:
    print(failure)
print(f"jmespath-via-cli: {len(cases) - len(failures)}/{len(cases)} cases passed")
sys.exit(1 if failures else 0)
PYTHON
