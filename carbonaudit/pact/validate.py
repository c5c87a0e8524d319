"""Offline validation of PACT ProductFootprint documents (v2.x and v3.0.x).

A document may be one footprint, an array of them, an API response `{"data": [...]}` or
`{"data": {...}}`, or a RequestFulfilled event (`{"type": ..., "data": {"pfs": [...]}}`).
Each footprint is checked against our own schema for its major version (chosen from
`specVersion`) and then against the cross-field rules in `rules.py`.  Findings carry the JSON
pointer of the value concerned (`/data/0/pcf/declaredUnitAmount`); codes are `pact-...`.
A document valid under the official PACT schemas passes by default: rules only the
specification's prose states are warnings, errors with `strict`.  NaN or Infinity anywhere
(Python's json module reads them) is always an error.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import (
    Finding,
    Location,
    ValidationReport,
    error,
    has_errors,
    warning,
)
from carbonaudit.jsonio import loads
from carbonaudit.pact.fast_check import compiled
from carbonaudit.pact.rules import check_footprint, duplicate_ids
from carbonaudit.schemas import pointer, validator

# Schema keyword -> finding code, for errors whose subschema names no code of its own.
_KEYWORD_CODES = {
    "required": "pact-missing-field", "type": "pact-wrong-type", "enum": "pact-invalid-value",
    "minItems": "pact-empty-list", "minLength": "pact-empty-text",
    "minimum": "pact-out-of-range", "maximum": "pact-out-of-range",
    "uniqueItems": "pact-duplicate-item",
}
_READ_LIMIT = 64 * 1024


def validate_footprints(doc: object, file: str | None = None, *,
                        strict: bool = False) -> list[Finding]:
    """Every schema and rule finding of a PACT document (see the module docstring).

    `strict` makes the rules that only the specification's prose states errors.
    """
    return check_document(doc, file, strict=strict)[0]


def check_document(doc: object, file: str | None = None, *, strict: bool = False,
                   ) -> tuple[list[Finding], int, int]:
    """(findings, footprints in the document, footprints with at least one error)."""
    found = non_finite_findings(doc, file)
    items, base, problem = _footprints(doc, file)
    if problem is not None:
        return [*found, problem], 0, 0
    if not isinstance(items, list):  # a lone footprint, at `base`
        one = found + validate_one(items, base, file, strict=strict)
        return one, 1, int(has_errors(one))
    if not items:  # valid JSON, but nothing for a recipient to use
        return [*found, warning("pact-no-footprints", "The document holds no "
                                "ProductFootprint.", Location(file=file,
                                                              pointer=pointer(base) or "/"))], 0, 0
    failing = {_index_under(f, base) for f in found} - {None}
    for i, f in duplicate_ids(items, base, file, strict=strict):
        found.append(f)
        if str(f.severity) == "error":
            failing.add(i)
    for i, fp in enumerate(items):
        one = validate_one(fp, [*base, i], file, strict=strict)
        found += one
        if i not in failing and has_errors(one):
            failing.add(i)
    return found, len(items), len(failing)


def footprint_count(doc: object) -> int:
    """How many footprints the document holds (0 when it is not a PACT document)."""
    items, _, problem = _footprints(doc, None)
    return 0 if problem is not None else len(items) if isinstance(items, list) else 1


def non_finite_findings(doc: object, file: str | None = None) -> list[Finding]:
    """`pact-not-finite` at every NaN or Infinity: JSON has no such number, so no recipient
    can read it, and a footprint of NaN kg is no footprint."""
    if not _has_non_finite(doc):  # the common case: one flat pass, no paths kept
        return []
    return [error("pact-not-finite", f"{_NON_FINITE_TEXT.get(str(x), x)} is not a number a "
                  "PACT document can hold; give a finite value.",
                  Location(file=file, pointer=pointer(path) or "/"))
            for path, x in _non_finite(doc)]


_NON_FINITE_TEXT = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _has_non_finite(doc: object) -> bool:
    # A stack instead of recursion: as fast as json.dumps(allow_nan=False) without building
    # the text, and no depth limit.  x - x is NaN for NaN and for both infinities.
    stack = [doc]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is str or kind is int or node is None or kind is bool:
            continue
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, float) and node - node != 0.0:  # numpy floats too
            return True
    return False


def _non_finite(doc: object) -> list[tuple[list, float]]:
    """(JSON path, value) of every NaN or infinity, in document order."""
    out, stack = [], [(doc, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            out.append((path, node))
        elif isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in reversed(node.items()))
        elif isinstance(node, list | tuple):
            stack.extend((v, [*path, i]) for i, v in reversed(list(enumerate(node))))
    return out


def _index_under(f: Finding, base: list) -> int | None:
    """The footprint index of an error finding under the document's footprint list."""
    if str(f.severity) != "error" or f.location.pointer is None:
        return None
    parts = f.location.pointer.split("/")[1:]
    head = [str(p) for p in base]
    if parts[:len(head)] != head or len(parts) <= len(head):
        return None
    return int(parts[len(head)]) if parts[len(head)].isdigit() else None


def validate_one(fp: object, path: list, file: str | None = None, *,
                 strict: bool = False) -> list[Finding]:
    """Findings of one footprint at JSON path `path` of its document."""
    if not isinstance(fp, dict):
        return [error("pact-not-an-object", "A ProductFootprint must be a JSON object.",
                      Location(file=file, pointer=pointer(path) or "/"))]
    major = spec_major(fp)
    if major is None:
        shown = fp.get("specVersion")
        return [error("pact-unknown-spec-version",
                      f"specVersion {shown!r} is not a PACT version this tool knows (2.x.y or "
                      "3.0.y); the footprint was not checked further.",
                      Location(file=file, pointer=pointer([*path, "specVersion"])))]
    found = _schema_findings(fp, major, path, file)
    return found + check_footprint(fp, major, path, file, strict=strict)


def spec_major(fp: dict) -> int | None:
    """2 or 3 from specVersion; when it is missing, from the declared-unit field name."""
    version = fp.get("specVersion")
    if isinstance(version, str):
        head = version.split(".", 1)[0]
        return {"2": 2, "3": 3}.get(head)
    if version is not None:
        return None
    pcf = fp.get("pcf") if isinstance(fp.get("pcf"), dict) else {}
    if "declaredUnitOfMeasurement" in pcf:
        return 3
    return 2 if "declaredUnit" in pcf else None


def _footprints(doc: object, file: str | None) -> tuple[object, list, Finding | None]:
    """(an array of footprints or one footprint, its JSON path, or the problem)."""
    if isinstance(doc, list):
        return doc, [], None
    if isinstance(doc, dict) and "data" in doc and "pcf" not in doc:
        data = doc["data"]
        if isinstance(data, dict) and isinstance(data.get("pfs"), list) and "pcf" not in data:
            return data["pfs"], ["data", "pfs"], None  # a RequestFulfilled event
        if isinstance(data, list | dict):  # GET /footprints/{id} answers {"data": footprint}
            return data, ["data"], None
    if isinstance(doc, dict) and ("pcf" in doc or "specVersion" in doc):
        return doc, [], None
    return None, [], error(
        "pact-not-a-footprint-document",
        "This is not a PACT document: expected a ProductFootprint object, an array of them, "
        "an API response {\"data\": [...]} or an event {\"data\": {\"pfs\": [...]}}.",
        Location(file=file, pointer="/"))


def _schema_findings(fp: dict, major: int, path: list, file: str | None) -> list[Finding]:
    passes = compiled(major)
    if passes is not None and passes(fp):  # most footprints: no error list to build
        return []
    v = validator(f"pact-v{major}")
    errs = sorted(v.iter_errors(fp), key=lambda e: (list(map(str, e.absolute_path)),
                                                     e.validator))
    return [_finding(e, path, file) for e in errs]


def _finding(e, path: list, file: str | None) -> Finding:
    where = [*path, *e.absolute_path]
    schema = e.schema if isinstance(e.schema, dict) else {}
    if e.validator == "required":
        missing = str(e.message).split("'")[1] if "'" in e.message else ""
        loc = Location(file=file, pointer=pointer([*where, missing]) if missing else
                       (pointer(where) or "/"))
        return error("pact-missing-field", f"{missing} is required but missing.", loc)
    code = schema.get("x-finding") if e.validator in {"pattern", "format"} else None
    code = code or _KEYWORD_CODES.get(e.validator, f"pact-schema-{e.validator}")
    field = next((str(p) for p in reversed(e.absolute_path) if isinstance(p, str)), "value")
    if e.validator in {"pattern", "format"} and "title" in schema:
        message = f"{field}: {e.instance!r} is not a valid {schema['title']}."
    else:
        message = f"{field}: {e.message}"
    return error(code, message, Location(file=file, pointer=pointer(where) or "/"))


class PactKind:
    """`carbonaudit validate --kind pact`: PACT footprint JSON files (v2 and v3)."""

    name = "pact"
    description = "PACT product footprints (JSON; one, an array, or {\"data\": [...]}; v2/v3)"

    def detect(self, path: Path) -> bool:
        if path.suffix.lower() != ".json":
            return False
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                head = fh.read(_READ_LIMIT)
        except OSError:
            return False
        return '"specVersion"' in head and '"pcf"' in head

    def validate(self, paths: list[Path], context: dict) -> ValidationReport:
        findings: list[Finding] = []
        inputs = []
        total = failing = 0
        strict = bool(context.get("strict", False))
        for p in paths:
            doc, digest, problem = load_json(p)
            inputs.append({"path": str(p), "sha256": digest})
            if problem is not None:
                findings.append(problem)
                continue
            found, count, bad = check_document(doc, str(p), strict=strict)
            findings += found
            total += count
            failing += bad
        return ValidationReport(self.name, findings, {"footprints": total, "passing":
                                                      total - failing, "failing": failing},
                                inputs)


def load_json(path: Path) -> tuple[object, str, Finding | None]:
    """Parse a JSON file; a syntax error is a finding, a missing file is InputUnreadable."""
    shown = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputUnreadable(shown, "no such file") from None
    except OSError as exc:
        raise InputUnreadable(shown, f"cannot open the file ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return None, digest, error("pact-invalid-json", "The file is empty; a PACT document "
                                   "is a JSON object or array.", Location(file=shown))
    try:
        return loads(raw, allow_nan=True), digest, None  # NaN: pact-not-finite below
    except UnicodeDecodeError:
        return None, digest, error("pact-invalid-json", "The file is not UTF-8 text; PACT "
                                   "documents are UTF-8 JSON.", Location(file=shown))
    except json.JSONDecodeError as exc:
        return None, digest, error(
            "pact-invalid-json", f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.", Location(file=shown))
