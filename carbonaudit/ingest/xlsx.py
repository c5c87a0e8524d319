"""Reading an .xlsx workbook: each sheet with an activity header becomes a table.

`carbonaudit.ingest.xlsx_safety` refuses hostile files before calamine parses a byte;
calamine gives the cell values (cached formula results included); formulas without a cached
result are found by a second pass over the sheet XML and reported, never evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.ingest import xlsx_safety
from carbonaudit.ingest.columns import match_header
from carbonaudit.ingest.header import (
    HEADER_WINDOW,
    NO_HEADER,
    Layout,
    find_header,
    header_layout,
    header_only,
    layout_findings,
)
from carbonaudit.ingest.merged import Range, fill_merged
from carbonaudit.ingest.tables import SourceFile, Table, UnreadSheet, build_table, file_sha256


def read_workbook(path: Path, shown: str, sheet: str | None, report: Callable[[str], None],
                  ) -> tuple[list[Table], list[Finding], SourceFile, list[UnreadSheet]]:
    """Every sheet with a header as a table (or only `sheet`), refusing unsafe files first;
    also the sheets with data rows that could not be read."""
    # raises before any parsing; a sheet the user did not ask for cannot stop the one they did
    xlsx_safety.check_workbook(path, sheets=None if sheet is None else [sheet])
    source = SourceFile(shown, file_sha256(path), "xlsx", None)
    import python_calamine  # heavy: imported only when a workbook is actually read

    try:
        workbook = python_calamine.load_workbook(str(path))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    if sheet is not None and sheet not in names:
        listed = ", ".join(f"'{n}'" for n in names)
        raise UsageError(f"{shown} has no sheet named '{sheet}'; its sheets are: {listed}")

    tables: list[Table] = []
    findings: list[Finding] = []
    unread: list[UnreadSheet] = []
    skipped_with_content = 0
    wanted = [sheet] if sheet is not None else names
    # calamine releases the GIL while it parses, so the formula scan (a second pass over
    # each sheet's XML) runs beside it on the other core instead of after it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        formulas = {name: pool.submit(xlsx_safety.formula_cells_without_value, path, name)
                    for name in wanted}
        for name in wanted:
            report(f"Reading {shown}: sheet {name}")
            try:
                sheet_data = workbook.get_sheet_by_name(name)
                rows = sheet_data.to_python(skip_empty_area=False)
                merged = sheet_data.merged_cell_ranges
                del sheet_data  # calamine's copy of the grid: not needed beside the rows
            except Exception as exc:
                raise InputUnreadable(shown, f"sheet '{name}' could not be read ({exc}); the "
                                      "workbook is damaged: open it in Excel and save it again"
                                      ) from exc
            table, sheet_findings, had_content = _sheet_table(
                source, name, rows, merged, formulas[name].result(), named=sheet is not None)
            findings.extend(sheet_findings)
            if table is not None:
                tables.append(table)
            elif had_content:
                skipped_with_content += 1
                if sheet is None and (rows_unread := _data_rows(rows)):
                    unread.append(UnreadSheet(shown, name, rows_unread))
                    findings[-1] = _not_read(name, rows, rows_unread, sheet_findings[-1])
    if sheet is None and not any(len(t.df) for t in tables):
        findings = _promote_missing_headers(findings, shown, skipped_with_content and not tables)
    return tables, findings, source, unread


def _best_row(rows: list[list[object]]) -> tuple[int, list[str]]:
    """The first row with the most recognised header cells, and those cells' texts."""
    best, cells, seen = 0, [], 0
    for index, row in enumerate(rows):
        if not any(c is not None and c != "" for c in row):
            continue
        known = [str(c).strip() for c in row if match_header(c) is not None]
        if len(known) > len(cells) or (seen == 0):
            best, cells = index, known
        seen += 1
        if seen == HEADER_WINDOW:
            break
    return best, cells


def _data_rows(rows: list[list[object]]) -> int:
    """Non-empty rows below the best header candidate, if the sheet holds values (numbers,
    dates, numbers written as text); 0 for sheets of text only, like instructions."""
    if not any(_is_value(c) for row in rows for c in row):
        return 0
    start, _ = _best_row(rows)
    return sum(1 for row in rows[start + 1:] if any(c is not None and c != "" for c in row))


_NUMBER_TEXT = re.compile(r"\s*[-+]?\d[\d,]*(?:\.\d+)?\s*")


def _is_value(cell: object) -> bool:
    if isinstance(cell, str):
        return bool(_NUMBER_TEXT.fullmatch(cell))
    return cell is not None


def _not_read(name: str, rows: list[list[object]], count: int, skipped: Finding) -> Finding:
    """The sheet-skipped note of a sheet that holds data rows, as the warning it deserves."""
    _, known = _best_row(rows)
    recognised = (f" (only {', '.join(repr(k) for k in known)} is an activity column)"
                  if known else "")
    return warning(
        "sheet-not-read",
        f"Sheet '{name}' was not read: none of its first {HEADER_WINDOW} rows names two "
        f"activity columns{recognised}. Its {count} data row(s) are not in the results; "
        "rename its headers (for example activity, quantity, unit) or move the rows to a "
        "sheet that has them.",
        skipped.location,
    )


def _promote_missing_headers(findings: list[Finding], shown: str,
                             skipped_with_content: int) -> list[Finding]:
    """No sheet gave a single row: the skipped or empty-sheet notes become errors."""
    if skipped_with_content:
        findings.append(error(
            "no-header-row",
            "No sheet in this workbook has a header row naming at least two activity columns "
            "(for example activity and quantity); add a header row above the data.",
            Location(file=shown),
        ))
    else:
        # Every sheet was empty: the per-sheet notes are errors, not mere skips.
        findings = [
            error(f.code, f.message, f.location) if f.code == "empty-sheet" else f
            for f in findings
        ]
    return findings


def _sheet_table(source: SourceFile, name: str, rows: list[list[object]],
                 merged: list[Range] | None, formula_refs: list[str], *, named: bool
                 ) -> tuple[Table | None, list[Finding], bool]:
    def loc(cell: str) -> Location:
        return Location(file=source.path, sheet=name, cell=cell)

    header, had_content = find_header(rows)
    if not had_content:
        make = error if named else info
        return None, [make("empty-sheet", f"Sheet '{name}' is empty.", loc("A1"))], False
    if header is None:
        if named:
            return None, [error("no-header-row", NO_HEADER, loc("A1"))], True
        return None, [info(
            "sheet-skipped",
            f"Sheet '{name}' was skipped: no activity columns found in its first "
            f"{HEADER_WINDOW} rows.",
            loc("A1"),
        )], True

    layout = header_layout(header.cells)
    findings = layout_findings(layout, header, header.cells, loc)
    findings.extend(fill_merged(rows, merged, header.index + 1, loc, source.path))
    data = _xlsx_columns(rows[header.index + 1:], len(header.cells))
    table, more = build_table(source, name, header, layout, data, loc)
    findings.extend(more)
    findings.extend(_formula_findings(formula_refs, table, layout, loc))
    if table.df.empty:
        # Like an empty sheet: a note among other sheets, an error when it is all there is.
        findings.append((error if named else info)(
            "empty-sheet", header_only(f"Sheet '{name}'", header), loc(f"A{header.index + 1}")))
    return table, findings, True


def _xlsx_columns(rows: list[list[object]], header_width: int) -> list[pa.Array | np.ndarray]:
    """The cells below the header, column by column.

    A column of text only (blank cells are "") becomes an Arrow string array, exactly what a
    CSV column is, so it takes the same fast paths; a column that holds numbers, dates or
    booleans stays as Python objects for the cell-by-cell rules (Excel dates, numeric cells).
    """
    lengths = set(map(len, rows))
    width = max([header_width, *lengths])
    if lengths - {width}:  # ragged rows: a missing cell is a blank one
        rows = [[*r, *([""] * (width - len(r)))] for r in rows]
    return [_xlsx_column([r[j] for r in rows]) for j in range(width)]


def _xlsx_column(values: list) -> pa.Array | np.ndarray:
    try:
        return pa.array(values, type=pa.large_string())  # raises at the first non-text cell
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return np.array(values, dtype=object)


def _formula_findings(refs: list[str], table: Table, layout: Layout,
                      loc: Callable[[str], Location]) -> list[Finding]:
    """Formulas with no cached result read as empty; never evaluate them, tell the user."""
    if not refs:
        return []
    by_letter = {column_letter(pos): name for name, pos in layout.positions.items()}
    found: list[Finding] = []
    blanked: dict[str, list[int]] = {}
    for ref in refs:
        match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        if not match or match[1] not in by_letter or int(match[2]) <= table.header_row:
            continue
        column = by_letter[match[1]]
        blanked.setdefault(column, []).append(int(match[2]))
        found.append(error(
            "formula-without-value",
            f"Cell {ref} holds a formula with no saved result (the file was written by a "
            "program that does not calculate formulas); open it in Excel, let it "
            "recalculate and save, or type the value.",
            loc(ref),
        ))
    for column, rows in blanked.items():
        table.df.loc[table.df["_row"].isin(rows), column] = ""
    return found
