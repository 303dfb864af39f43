#!/usr/bin/env python3
"""Validate every shipped mapping (mappings/**/*.jsonc) against mappings/schema/mapping.schema.json.

The schema is what editors use to validate and autocomplete; this keeps it honest about the
mappings we ship. JSONC comments and trailing commas are removed before validation.
Exit status 1 when any mapping (or the schema itself) is invalid.
"""
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]


def strip_jsonc(text):
    """JSON text from JSONC: comments removed (outside strings), then trailing commas."""
    out = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
            continue
        else:
            out.append(c)
        i += 1
    return remove_trailing_commas("".join(out))


def remove_trailing_commas(text):
    out = []
    in_string = False
    i = 0
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif c == ",":
            j = i + 1
            while j < len(text) and text[j] in " \t\r\n":
                j += 1
            if j >= len(text) or text[j] not in "]}":
                out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


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
            document = json.loads(strip_jsonc(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as error:
            print(f"{name}: not JSON after removing comments: {error}", file=sys.stderr)
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
