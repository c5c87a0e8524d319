"""The tables that ingest hands on: source files, sheets of raw cells with their row numbers.

`build_table` turns the cells below a header (Arrow columns from CSV and text-only xlsx
columns, Python objects for xlsx columns with numbers or dates) into a `Table` whose
DataFrame holds only the activity columns, blank rows dropped and counted, and every row's
number as a person sees it in Excel.  Values in columns without a header are reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonaudit.findings import Finding, Location, column_letter, warning
from carbonaudit.ingest.columns import CANONICAL
from carbonaudit.ingest.header import Header, Layout

_CHUNK = 1024**2


@dataclass(frozen=True)
class SourceFile:
    """An input file as the user named it, with its content hash for the report."""

    path: str
    sha256: str
    kind: str  # "xlsx" | "csv"
    encoding: str | None


@dataclass(frozen=True)
class UnreadSheet:
    """A sheet holding data rows that was not read (no activity header): rows to account for."""

    file: str
    sheet: str
    rows: int  # non-empty rows below its best header candidate


@dataclass
class Table:
    """One sheet (or CSV file) of activity rows, with where each value came from."""

    source: SourceFile
    sheet: str
    header_row: int
    columns: dict[str, str]
    unknown_headers: list[str]
    df: pd.DataFrame
    blank_rows: int


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def build_table(
    source: SourceFile, sheet: str, header: Header, layout: Layout,
    data: pa.Table | pd.DataFrame | list[pa.Array | np.ndarray],
    loc: Callable[[str], Location],
) -> tuple[Table, list[Finding]]:
    """`data`: every row below the header, columns by position, blanks as "" (or None).

    CSV data stays an Arrow table until here so that only the activity columns are ever
    converted to pandas.
    """
    cells = _Cells(data)
    empty = [cells.empty(i) for i in range(cells.width)]
    blank = np.logical_and.reduce(empty) if empty else np.ones(cells.rows, dtype=bool)
    row_numbers = np.arange(cells.rows, dtype="int64") + header.index + 2
    findings = _unlabelled_findings(empty, blank, layout, row_numbers, loc)

    keep = ~blank
    ordered = [c for c in CANONICAL if c in layout.positions]
    df = pd.DataFrame({name: cells.column(layout.positions[name], keep) for name in ordered})
    df["_row"] = row_numbers[keep]
    table = Table(
        source=source,
        sheet=sheet,
        header_row=header.index + 1,
        columns={name: column_letter(layout.positions[name]) for name in ordered},
        unknown_headers=[text for _, text in layout.unknown],
        df=df,
        blank_rows=int(blank.sum()),
    )
    return table, findings


class _Cells:
    """Column access by position: Arrow string columns (csv, text-only xlsx columns) or
    arrays of Python cell values (xlsx columns holding numbers or dates)."""

    def __init__(self, data: pa.Table | pd.DataFrame | list[pa.Array | np.ndarray]) -> None:
        if isinstance(data, pd.DataFrame):  # the pandas CSV fallback: text cells, NaN past a row
            data = [pa.array(data.iloc[:, i].fillna("").to_numpy(dtype=object),
                             type=pa.large_string()) for i in range(data.shape[1])]
        self.columns = data.columns if isinstance(data, pa.Table) else data
        self.rows = data.num_rows if isinstance(data, pa.Table) else (
            len(data[0]) if data else 0)
        self.width = len(self.columns)

    def empty(self, position: int) -> np.ndarray:
        col = self.columns[position]
        if isinstance(col, np.ndarray):
            # one hash lookup per cell: about half the time of isna() | eq("") on objects
            return pd.Series(col, dtype=object, copy=False).isin(["", None, np.nan]).to_numpy(
                dtype=bool)
        blank = pc.equal(pc.fill_null(col, ""), "")
        return blank.to_numpy(zero_copy_only=False).astype(bool, copy=False)

    def column(self, position: int, keep: np.ndarray) -> pd.Series:
        """Kept rows of one column, blank cells as ""; a column past the data is all blank."""
        if position >= self.width:
            return pd.Series([""] * int(keep.sum()), dtype=object)
        everything = bool(keep.all())
        col = self.columns[position]
        if not isinstance(col, np.ndarray):
            col = pc.fill_null(col, "")
            if not everything:
                col = col.filter(pa.array(keep))
            return _as_text_series(col)
        series = pd.Series(col, dtype=object)
        if series.hasnans:  # ragged rows leave None where a person sees an empty cell
            series = series.where(series.notna(), "")
        return (series if everything else series[keep]).reset_index(drop=True)


def _as_text_series(col: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow string column as pandas' Arrow-backed str Series (what read_csv gives)."""
    if isinstance(col, pa.Array):
        col = pa.chunked_array([col])
    return col.to_pandas().reset_index(drop=True)


def _unlabelled_findings(empty: list[np.ndarray], blank: np.ndarray, layout: Layout,
                         rows: np.ndarray, loc: Callable[[str], Location]) -> list[Finding]:
    """Values in columns without a header would be silently ignored: say so once per column."""
    found: list[Finding] = []
    for col, col_empty in enumerate(empty):
        if col in layout.labelled:
            continue
        filled = ~col_empty & ~blank
        if not filled.any():
            continue
        first = rows[np.argmax(filled)]
        found.append(warning(
            "unlabelled-cells",
            f"Column {column_letter(col)} has {int(filled.sum())} value(s) but no header, so "
            "they are ignored; give the column a header or move the values.",
            loc(f"{column_letter(col)}{first}"),
        ))
    return found
