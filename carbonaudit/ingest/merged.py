"""Merged cells: every cell of a merged range reads as the value the sheet shows there.

A workbook stores a merged range's value in its top-left cell only; the others are empty.
A site name merged down A6:A17 would leave eleven rows without a site, and their emissions
would land on "(no site)" without a word.  So ranges below the header are filled with their
top-left value, and each filled range is named in an info finding.  Ranges in or above the
header row (titles, grouped headings) are left alone: filling them would invent header cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, column_letter, info

Range = tuple[tuple[int, int], tuple[int, int]]  # ((row, col), (row, col)), 0-based, inclusive


def fill_merged(rows: list[list[object]], ranges: Sequence[Range] | None, first_data_row: int,
                loc: Callable[[str], Location], shown: str) -> list[Finding]:
    """Fill, in place, merged ranges that start at or below `first_data_row` (0-based).

    Only rows that hold something of their own are filled: a merged site name running past
    the last data row does not turn blank rows into rows with only a site.
    """
    if not ranges:
        return []
    clipped = []
    for (top, left), (bottom, right) in ranges:
        if top < first_data_row or top >= len(rows):
            continue
        bottom = min(bottom, len(rows) - 1)
        width = len(rows[top])
        right = min(right, width - 1)
        if left <= right:
            clipped.append((top, left, bottom, right))
    grid = sum(len(r) for r in rows)
    if sum((b - t + 1) * (r - c + 1) for t, c, b, r in clipped) > grid:
        # Excel refuses such a file; filling overlapping ranges could cost ranges x cells.
        raise InputUnreadable(shown, "its merged cell ranges overlap, which Excel itself does "
                              "not allow; the workbook is damaged: open it and save it again")
    own = [any(c is not None and c != "" for c in row) for row in rows]
    found: list[Finding] = []
    for top, left, bottom, right in clipped:
        value = rows[top][left]
        if value is None or value == "":
            continue
        filled = 0
        for r in range(top, bottom + 1):
            if not own[r]:
                continue
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if (r, c) != (top, left):
                    row[c] = value
                    filled += 1
        if filled:
            ref = f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom + 1}"
            found.append(info(
                "merged-cells-filled",
                f"Cells {ref} are merged; each of them is read as '{value}', the value the "
                "sheet shows there.",
                loc(ref),
            ))
    return found
