#!/usr/bin/env bash
# Copies seed inputs for fuzz target $1 into corpus directory $2 (files named by content hash, so
# re-seeding is idempotent): the tests' fixtures, the shipped mapping, the bench generator's
# output when python3 is there, and ../shared/conformance when present.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
corpus=$2
shared=${DLB_SHARED:-../shared}
[ -d "$shared" ] || shared=/work/shared

seed() { # seed FILE [PREFIX-BYTES]: at most 8 KiB, the run's -max_len
    local staged="$corpus/.staged"
    { printf '%s' "${2:-}"; head -c 8192 "$1"; } > "$staged"
    truncate -s '<8192' "$staged"
    mv "$staged" "$corpus/seed-$(sha1sum < "$staged" | cut -c1-16)"
}

json_files() {
    find Tests/Fixtures -name '*.json' -o -name '*.ndjson' -o -name '*.jsonc'
    [ -d "$shared/conformance/json-test-suite" ] && find "$shared/conformance/json-test-suite" -name '*.json'
    true
}

case "$target" in
json)
    while read -r f; do seed "$f"; done < <(json_files)
    ;;
records)
    # Prefix bytes: format (0 auto, 1 ndjson, 2 array), size limit, four read sizes.
    while read -r f; do seed "$f" $'\x00\x40\x07\x01\x20\x03'; seed "$f" $'\x02\x05\x01\x02\x03\x04'; done \
        < <(find Tests/Fixtures -name '*.ndjson' -o -name '*.json' | head -200)
    if command -v python3 >/dev/null && [ -f "$shared/bench/gen_corpus.py" ]; then
        tmp=$(mktemp)
        python3 "$shared/bench/gen_corpus.py" --lines 60 --seed 7 --malformed-rate 0.1 > "$tmp" 2>/dev/null && seed "$tmp" $'\x01\x80\x10\x03\x40\x01'
        rm -f "$tmp"
    fi
    ;;
mapping)
    while read -r f; do
        while IFS= read -r line; do
            [ -n "$line" ] || continue
            tmp=$(mktemp); printf '%s' "$line" > "$tmp"; seed "$tmp"; rm -f "$tmp"
        done < "$f"
    done < <(find Tests/Fixtures/ga4-to-luigisbox -name '*.input.ndjson')
    ;;
expression)
    # Each case of the expression fixtures and the JMESPath suite: "EXPRESSION\nDOCUMENT".
    if command -v python3 >/dev/null; then
        python3 - "$corpus" Tests/Fixtures/expressions "$shared/conformance/jmespath/tests" <<'PY'
import hashlib, json, os, sys
corpus = sys.argv[1]
for folder in sys.argv[2:]:
    if not os.path.isdir(folder):
        continue
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith('.json'):
                continue
            try:
                groups = json.load(open(os.path.join(root, name)))
            except ValueError:
                continue
            groups = groups if isinstance(groups, list) else [groups]
            for group in groups:
                if not isinstance(group, dict):
                    continue
                given = json.dumps(group.get('given', None))
                for case in group.get('cases', []):
                    if isinstance(case, dict) and isinstance(case.get('expression'), str):
                        data = (case['expression'].replace('\n', ' ') + '\n' + given).encode()[:8192]
                        path = os.path.join(corpus, 'seed-' + hashlib.sha1(data).hexdigest()[:16])
                        open(path, 'wb').write(data)
PY
    fi
    ;;
esac
