"""Load the packaged JSON Schemas and turn validation errors into findings.

Validators are built once per schema (jsonschema.validate() rebuilds one per call, which
STACK.md measured at 42x slower) with the format checker on, so dates are checked.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from carbonaudit.findings import Finding, Location, error


@cache
def load_schema(name: str) -> dict:
    text = files("carbonaudit").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def validator(name: str):
    from jsonschema.validators import validator_for

    schema = load_schema(name)
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def pointer(path) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)


def validate_document(doc: dict, name: str, file: str | None = None) -> list[Finding]:
    """Every schema violation of doc as an error finding with its JSON pointer."""
    v = validator(name)
    errs = sorted(v.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)),
                                                      e.validator))
    return [error(f"schema-{e.validator}", e.message,
                  Location(file=file, pointer=pointer(e.absolute_path) or "/"))
            for e in errs]
