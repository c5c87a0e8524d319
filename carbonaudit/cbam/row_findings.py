"""Findings about rows of a large table: one per distinct problem, at its first cell, rows listed.

A million import lines with the same bad CN code are one finding ("... (rows 2, 9, 16 ... and
999,990 more)") at the first row's cell, not a million; every line still carries its own
problem code in the line table, so no row's problem is lost.  Distinct problems (another
value, another column) stay distinct findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from carbonaudit.findings import Finding, Location, error, info, warning

ROWS_LISTED = 10          # rows named in a finding that covers many lines
_MAKERS = {"error": error, "warning": warning, "info": info}


@dataclass
class RowFindings:
    """Collects (code, message, column, severity) -> row numbers; `flush` makes the findings.

    `problem[i]` keeps the first error code of line i (the line table's `problems` column).
    """

    loc: Callable[[str, int], Location]
    n: int
    groups: dict[tuple[str, str, str, str], list[np.ndarray]] = field(default_factory=dict)
    problem: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.problem = np.full(self.n, None, dtype=object)

    def add(self, code: str, message: str, column: str, positions: np.ndarray | list[int],
            rows: np.ndarray, severity: str = "error") -> None:
        """Record a problem for the lines at `positions` (indexes into the table); `rows`
        maps a position to its sheet row."""
        positions = np.asarray(positions, dtype=np.int64)
        if positions.size == 0:
            return
        self.groups.setdefault((code, message, column, severity), []).append(rows[positions])
        if severity == "error":
            free = positions[self.problem[positions] == None]  # noqa: E711 (elementwise)
            self.problem[free] = code

    def flush(self) -> list[Finding]:
        out = []
        for (code, message, column, severity), parts in self.groups.items():
            rows = np.sort(np.concatenate(parts))
            out.append(_MAKERS[severity](code, message + rows_suffix(rows),
                                         self.loc(column, int(rows[0]))))
        self.groups.clear()
        return out


def rows_suffix(rows: np.ndarray | list[int]) -> str:
    """'' for one row, else ' (rows 2, 5 and 7)' / ' (rows 2, 5, ... and 120 more)'."""
    rows = list(rows)
    if len(rows) <= 1:
        return ""
    listed = ", ".join(str(int(r)) for r in rows[:ROWS_LISTED])
    more = len(rows) - ROWS_LISTED
    return f" (rows {listed}{f' and {more:,} more' if more > 0 else ''})"


def group_positions(keys: np.ndarray, wanted: np.ndarray) -> dict[int, np.ndarray]:
    """Positions of each key value among the rows where `wanted` holds, in one sort."""
    positions = np.flatnonzero(wanted)
    if positions.size == 0:
        return {}
    order = positions[np.argsort(keys[positions], kind="stable")]
    values, starts = np.unique(keys[order], return_index=True)
    ends = [*starts[1:], order.size]
    return {int(v): order[s:e] for v, s, e in zip(values, starts, ends, strict=True)}
