"""Findings: the common currency of every check (code, severity, message, location).

A finding is data, not an exception: checks return them, outputs serialise them, and the
exit code is derived from their severities.  Codes are stable kebab-case strings; the
catalogue below documents each one so `--help`, the README and tests share one list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points, in the user's own terms.

    `cell` is an Excel-style reference with the row number a person sees (`D7`); for CSV
    files the same convention is used (row 1 is the first line of the file).  `pointer` is
    a JSON pointer for JSON documents.
    """

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        if self.pointer is not None:
            where = f"{self.file}#{self.pointer}" if self.file else self.pointer
            return where
        if self.file and self.sheet and self.cell and _basename(self.file) == self.sheet:
            return f"{self.file}!{self.cell}"  # a CSV: its one "sheet" is the file itself
        parts = []
        if self.file:
            parts.append(self.file)
        ref = ""
        if self.sheet and self.cell:
            ref = f"{self.sheet}!{self.cell}"
        elif self.sheet:
            ref = self.sheet
        elif self.cell:
            ref = self.cell
        if ref:
            parts.append(ref)
        return ":".join(parts)

    def to_dict(self) -> dict:
        return {k: v for k, v in (
            ("file", self.file), ("sheet", self.sheet), ("cell", self.cell),
            ("pointer", self.pointer),
        ) if v is not None}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "location": self.location.to_dict(),
            "where": str(self.location),
        }


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def error(code: str, message: str, location: Location | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, location or Location())


def warning(code: str, message: str, location: Location | None = None) -> Finding:
    return Finding(code, Severity.WARNING, message, location or Location())


def info(code: str, message: str, location: Location | None = None) -> Finding:
    return Finding(code, Severity.INFO, message, location or Location())


def make(severity: str | Severity, code: str, message: str,
         location: Location | None = None) -> Finding:
    """A finding of the given severity (for checks that choose it at run time)."""
    return Finding(code, Severity(severity), message, location or Location())


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(str(f.severity) for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_key(f: Finding) -> tuple:
    """Deterministic order: by file, sheet, row, column, then code."""
    loc = f.location
    row, col = _split_cell(loc.cell)
    return (loc.file or "", loc.sheet or "", row, len(col), col, loc.pointer or "", f.code,
            f.message)


def _split_cell(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, letters)


def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class ValidationReport:
    """What `validate` found in one kind of file: its findings, row counts and inputs."""

    kind: str
    findings: list[Finding] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)
