#!/usr/bin/env python3
"""Validate every shipped mapping (mappings/**/*.jsonc) against mappings/schema/mapping.schema.json.

The schema is what editors use to validate and autocomplete; this keeps it honest about the
mappings we ship. Comments and trailing commas are removed by `dlbridge fmt --relaxed` (run `swift build`
first).
Exit status 1 when any mapping (or the schema itself) is invalid.
"""
import json
import pathlib
import subprocess
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]


def jsonc_to_json(path):
    """Strict JSON from a JSONC file, by our own relaxed parser (`dlbridge fmt --relaxed`)."""
    binary = ROOT / ".build/debug/dlbridge"
    run = subprocess.run([str(binary), "fmt", "--relaxed", "--compact", str(path)], capture_output=True, text=True)
    if run.returncode != 0:
        raise ValueError(run.stderr.strip())
    return json.loads(run.stdout)


def main():
    schema = json.loads((ROOT / "mappings/schema/mapping.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    mappings = sorted(p for p in (ROOT / "mappings").rglob("*.jsonc"))
    if not mappings:
        print("check-mapping-schema: no mappings found under mappings/", file=sys.stderr)
        return 1
    failures = 0
    for path in mappings:
        name = path.relative_to(ROOT)
        try:
            document = jsonc_to_json(path)
        except ValueError as error:
            print(f"{name}: not JSONC: {error}", file=sys.stderr)
            failures += 1
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            pointer = "".join(f"/{part}" for part in error.absolute_path)
            print(f"{name}: {pointer or '/'}: {error.message}", file=sys.stderr)
        failures += bool(errors)
        if not errors:
            print(f"{name}: valid")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
