"""A finding that stands for many rows of one sheet, with every row it stands for.

A warning such as `unverified-factor` can apply to thousands of rows; printing it thousands
of times would bury the other findings, so the terminal shows it once.  The rows are kept
all the same: results.csv marks each of them, and findings.json lists them as ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from carbonaudit.findings import Finding, Location, Severity


@dataclass(frozen=True, slots=True)
class GroupedFinding(Finding):
    """A Finding whose `location` is its first row and `rows` every row (sheet numbers)."""

    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64),
                             compare=False)

    def to_dict(self) -> dict:
        out = Finding.to_dict(self)
        if len(self.rows) > 1:
            out["row_count"] = int(len(self.rows))
            out["rows"] = row_ranges(self.rows)
        return out


def grouped(severity: str | Severity, code: str, message: str, location: Location,
            rows) -> Finding:
    """One finding for `rows` (sheet row numbers) of the sheet `location` names.

    The location moves to the first of the rows, and the message says how many there are;
    a single row gives an ordinary Finding.
    """
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    if len(rows) <= 1:
        return Finding(code, Severity(severity), message, location)
    letters = "".join(ch for ch in (location.cell or "A") if ch.isalpha()) or "A"
    first = Location(location.file, location.sheet, f"{letters}{rows[0]}", location.pointer)
    return GroupedFinding(code, Severity(severity), f"{message} ({rows_note(rows)})", first,
                          rows)


def row_ranges(rows: np.ndarray) -> str:
    """Sorted row numbers as `2-14,20,31-40`."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return ""
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = rows[np.r_[0, breaks + 1]]
    ends = rows[np.r_[breaks, len(rows) - 1]]
    return ",".join(str(s) if s == e else f"{s}-{e}"
                    for s, e in zip(starts.tolist(), ends.tolist(), strict=True))


def rows_note(rows: np.ndarray, shown: int = 3) -> str:
    """`13 rows: 2-14` or `1,204 rows: 2-5, 9, 12-900, …` (at most `shown` ranges)."""
    parts = row_ranges(rows).split(",")
    more = ", …" if len(parts) > shown else ""
    return f"{len(rows):,} rows: {', '.join(parts[:shown])}{more}"
