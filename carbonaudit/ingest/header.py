"""Finding the header row of a sheet and what each header cell means.

Shared by the xlsx and CSV readers: title rows above the header are fine, the header is the
row (among the first `HEADER_WINDOW` non-empty ones) that names the most activity columns,
and at least `MIN_HEADER_SCORE` of them.  Header texts map to canonical columns through
`carbonaudit.ingest.columns`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.ingest.columns import match_header

HEADER_WINDOW = 30        # non-empty rows scanned for the header
MIN_HEADER_SCORE = 2      # a header must name at least two activity columns


@dataclass
class Header:
    """The row chosen as a table's header."""

    index: int               # 0-based index into the sheet's rows
    cells: list[object]
    others: list[int]        # other rows in the window with the same score


def find_header(rows: Sequence[Sequence[object]]) -> tuple[Header | None, bool]:
    """Best header among the first non-empty rows; also whether any row was non-empty."""
    scored: list[tuple[int, int]] = []  # (score, index)
    for index, cells in enumerate(rows):
        if not _row_has_content(cells):
            continue
        scored.append((sum(match_header(c) is not None for c in cells), index))
        if len(scored) == HEADER_WINDOW:
            break
    if not scored:
        return None, False
    best = max(score for score, _ in scored)
    if best < MIN_HEADER_SCORE:
        return None, True
    tied = [index for score, index in scored if score == best]
    return Header(tied[0], list(rows[tied[0]]), tied[1:]), True


def _row_has_content(cells: Sequence[object]) -> bool:
    return any(c is not None and c != "" for c in cells)


@dataclass
class Layout:
    """What each header cell means: activity columns by position, and the rest."""

    positions: dict[str, int]          # canonical -> 0-based column
    unknown: list[tuple[int, str]]     # (column, header text)
    duplicates: list[tuple[int, str, int]]  # (column, canonical, first column)
    labelled: set[int]


def header_layout(cells: Sequence[object]) -> Layout:
    """Map header cells to canonical columns; keep unknown and duplicate ones to report."""
    positions: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str, int]] = []
    labelled: set[int] = set()
    for col, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        labelled.add(col)
        canonical = match_header(cell) if isinstance(cell, str) else None
        if canonical is None:
            unknown.append((col, text))
        elif canonical in positions:
            duplicates.append((col, canonical, positions[canonical]))
        else:
            positions[canonical] = col
    return Layout(positions, unknown, duplicates, labelled)


def layout_findings(layout: Layout, header: Header, cells: Sequence[object],
                    loc: Callable[[str], Location]) -> list[Finding]:
    """Findings about the header itself: a second header row, duplicate and unknown columns."""
    row = header.index + 1
    found: list[Finding] = []
    for other in header.others:
        found.append(warning(
            "multiple-header-rows",
            f"Rows {row} and {other + 1} both look like header rows; row {row} is used and "
            f"row {other + 1} is read as data. Delete the extra header row or move the "
            "second table to its own sheet.",
            loc(f"A{other + 1}"),
        ))
    for col, canonical, first in layout.duplicates:
        found.append(error(
            "duplicate-column",
            f"Column {column_letter(col)} ('{cells[col]}') and column {column_letter(first)} "
            f"('{cells[first]}') both mean '{canonical}'; column {column_letter(col)} is "
            "ignored. Rename or remove one of them.",
            loc(f"{column_letter(col)}{row}"),
        ))
    if layout.unknown:
        names = ", ".join(f"'{text}'" for _, text in layout.unknown)
        found.append(info(
            "unknown-column",
            f"These columns are not activity columns and are not used: {names}.",
            loc(f"{column_letter(layout.unknown[0][0])}{row}"),
        ))
    return found


NO_HEADER = ("No header row found: none of the first 30 rows names at least two activity "
             "columns (for example activity and quantity); add a header row above the data.")


def header_only(what: str, header: Header) -> str:
    """Message for a table that has a header but no data rows under it."""
    return (f"{what} has a header on row {header.index + 1} but no data rows under it; "
            "add the activity rows below the header.")
