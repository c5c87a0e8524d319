"""Offline validation of PACT ProductFootprint documents (v2.x and v3.0.x).

A document may be one footprint, an array of them, or an API response `{"data": [...]}`.
Each footprint is checked against our own schema for its major version (chosen from
`specVersion`) and then against the cross-field rules in `rules.py`.  Findings carry the JSON
pointer of the value concerned (`/data/0/pcf/declaredUnitAmount`); codes are `pact-...`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, ValidationReport, error, warning
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


def validate_footprints(doc: object, file: str | None = None) -> list[Finding]:
    """Every schema and rule finding of a PACT document (single, array or `{"data": [...]}`)."""
    items, base, problem = _footprints(doc, file)
    if problem is not None:
        return [problem]
    if not isinstance(items, list):  # a lone footprint, at `base`
        return validate_one(items, base, file)
    if not items:  # valid JSON, but nothing for a recipient to use
        return [warning("pact-no-footprints", "The document holds no ProductFootprint.",
                        Location(file=file, pointer=pointer(base) or "/"))]
    found = duplicate_ids(items, base, file)
    for i, fp in enumerate(items):
        found += validate_one(fp, [*base, i], file)
    return found


def footprint_count(doc: object) -> int:
    items, _, problem = _footprints(doc, None)
    return 0 if problem is not None else len(items) if isinstance(items, list) else 1


def validate_one(fp: object, path: list, file: str | None = None) -> list[Finding]:
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
    return found + check_footprint(fp, major, path, file)


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
        if isinstance(data, list | dict):  # GET /footprints/{id} answers {"data": footprint}
            return data, ["data"], None
    if isinstance(doc, dict) and ("pcf" in doc or "specVersion" in doc):
        return doc, [], None
    return None, [], error(
        "pact-not-a-footprint-document",
        "This is not a PACT document: expected a ProductFootprint object, an array of them, "
        "or an API response {\"data\": [...]}.", Location(file=file, pointer="/"))


def _schema_findings(fp: dict, major: int, path: list, file: str | None) -> list[Finding]:
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
        for p in paths:
            doc, digest, problem = load_json(p)
            inputs.append({"path": str(p), "sha256": digest})
            if problem is not None:
                findings.append(problem)
                continue
            found = validate_footprints(doc, str(p))
            findings += found
            count = footprint_count(doc)
            total += count
            # A document that holds no footprint (not a PACT document) fails none of them.
            failing += min(count, len(_failing(found)))
        return ValidationReport(self.name, findings, {"footprints": total, "passing":
                                                      total - failing, "failing": failing},
                                inputs)


def _failing(found: list[Finding]) -> set[str]:
    """Pointers of footprints with at least one error ("/data/3" from "/data/3/pcf/x")."""
    out = set()
    for f in found:
        if str(f.severity) != "error" or not f.location.pointer:
            continue
        parts = f.location.pointer.split("/")
        # "/data/3/..." -> /data/3; "/3/..." -> /3; "/pcf/..." (single footprint) -> "".
        if len(parts) > 2 and parts[1] == "data" and parts[2].isdigit():
            out.add("/".join(parts[:3]))
        elif len(parts) > 1 and parts[1].isdigit():
            out.add("/".join(parts[:2]))
        else:
            out.add("")
    return out


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
        return json.loads(raw.decode("utf-8-sig")), digest, None
    except UnicodeDecodeError:
        return None, digest, error("pact-invalid-json", "The file is not UTF-8 text; PACT "
                                   "documents are UTF-8 JSON.", Location(file=shown))
    except json.JSONDecodeError as exc:
        return None, digest, error(
            "pact-invalid-json", f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.", Location(file=shown))
