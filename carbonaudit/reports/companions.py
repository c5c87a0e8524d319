"""The files beside an inventory.json that its report reads: results.csv and findings.json.

`assess` writes the three as one set and records, in inventory.json's `outputs`, the
SHA-256 and row count of results.csv and the SHA-256 of findings.json.  A companion whose
hash differs comes from another run (or was changed or damaged), so the report is refused
rather than drawn from a mixed set.  A document written before sets were recorded gets the
checks its content allows: results.csv must be a carbonaudit results table with one row per
row read, and findings.json must parse.  A missing companion is not an error: the report
says it was not found.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from carbonaudit.errors import CarbonAuditError

# Columns every results.csv carbonaudit has written holds (outputs.RESULT_COLUMNS).
_RESULTS_KEYS = {"source_file", "sheet", "row", "status", "co2e_kg"}
_ADVICE = ("re-run `carbonaudit assess` to write the set again, or move the file away to "
           "report without it")


class MismatchedCompanion(CarbonAuditError):
    """A file beside the document is not the one the document was written with (exit 1)."""


@dataclass(frozen=True)
class Companions:
    results_csv: Path | None  # None: not beside the document
    findings: list[dict] | None  # findings.json's list; None: not beside the document


def companions(doc: dict, folder: Path | None) -> Companions:
    """The checked companions of an inventory document read from folder."""
    if folder is None:
        return Companions(None, None)
    recorded = doc.get("outputs")
    results = folder / "results.csv"
    findings = folder / "findings.json"
    if results.is_file():
        if recorded:
            _check_results_hash(results, recorded["results_csv"])
        else:
            _check_results_shape(results, doc["rows"]["read"])
    found = None
    if findings.is_file():
        if recorded:
            _check_hash(findings, recorded["findings_json"]["sha256"])
        found = _findings(findings)
    return Companions(results if results.is_file() else None, found)


def _check_results_hash(path: Path, expected: dict) -> None:
    from carbonaudit.outputs import file_sha256

    digest = file_sha256(path)
    if digest == expected["sha256"]:
        return
    rows = _count_rows(path)
    has = f"{rows} rows" if isinstance(rows, int) else rows
    raise MismatchedCompanion(
        f"{path} is not the results.csv this inventory was written with (it has {has} and "
        f"SHA-256 {digest[:12]}…; inventory.json expects {expected['rows']} rows and "
        f"{expected['sha256'][:12]}…): it comes from another run or was changed; {_ADVICE}")


def _check_hash(path: Path, expected: str) -> None:
    from carbonaudit.outputs import file_sha256

    digest = file_sha256(path)
    if digest != expected:
        raise MismatchedCompanion(
            f"{path} is not the findings.json this inventory was written with (SHA-256 "
            f"{digest[:12]}…, expected {expected[:12]}…): it comes from another run or was "
            f"changed; {_ADVICE}")


def _check_results_shape(path: Path, rows_read: int) -> None:
    """For a document without recorded hashes: our header, and one row per row read."""
    rows = _count_rows(path)
    if not isinstance(rows, int):
        raise MismatchedCompanion(f"{path} is not a carbonaudit results.csv ({rows}); {_ADVICE}")
    if rows != rows_read:
        raise MismatchedCompanion(
            f"{path} has {rows} rows but this inventory read {rows_read}: it comes from "
            f"another run; {_ADVICE}")


def _count_rows(path: Path) -> int | str:
    """Data rows of a results.csv, or why it is not one (damaged, foreign, not UTF-8)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            head = next(reader, None)
            if head is None or not set(head) >= _RESULTS_KEYS:
                return "its header is not that of a results table"
            return sum(1 for _ in reader)
    except UnicodeDecodeError:
        return "it is not UTF-8 text"
    except csv.Error as exc:
        return f"it is not a readable CSV: {exc}"


def _findings(path: Path) -> list[dict]:
    from carbonaudit.jsonio import parse

    doc, problems = parse(path.read_bytes())
    found = doc.get("findings") if isinstance(doc, dict) else None
    if problems or not isinstance(found, list):
        why = problems[0].message if problems else "it has no findings list"
        raise MismatchedCompanion(f"{path} is not a carbonaudit findings.json ({why}); "
                                  f"{_ADVICE}")
    return [f for f in found if isinstance(f, dict)]
