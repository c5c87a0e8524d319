"""A table read from a CSV file or a workbook sheet: cells as a person sees them, header by names.

The defaults-table reader and the imports reader share it.  `read_grid` reads a small file
into rows (the first workbook sheet its caller accepts); `read_sheet` reads a large one into
columns (Arrow's CSV reader, every cell as text), so a million import lines never become a
million Python lists.  `find_header` finds the header row among the first 30 by column
aliases, and `parse_numbers` reads one column as strict numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Location

if TYPE_CHECKING:  # numpy, pandas and pyarrow load only when a table is read
    import numpy as np
    import pandas as pd

# Cells the Regulation's tables use for "no value for this country".
NO_VALUE = frozenset({"", "-", "–", "—", "n/a", "na", "n.a."})
_HEADER_WINDOW = 30
_HEAD_BYTES = 64 * 1024     # enough text to choose a CSV delimiter and find the header


@dataclass
class Grid:
    """The cells of one sheet (or CSV file) as a person sees them, plus where they came from."""

    path: str
    sha256: str
    kind: str                 # "xlsx" | "csv"
    sheet: str
    rows: list[list[object]]

    def loc(self, cell: str) -> Location:
        return Location(file=self.path, sheet=self.sheet, cell=cell)


@dataclass
class Header:
    index: int                     # 0-based row index of the header
    positions: dict[str, int]      # canonical column -> 0-based column
    unknown: list[str]


def fold(text: object) -> str:
    """Header matching ignores case, spacing, underscores and brackets' units."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


def find_header(rows: Sequence[Sequence[object]], aliases: dict[str, str],
                required: Sequence[str]) -> Header | None:
    """The first row among the first 30 that names every required column."""
    for index, cells in enumerate(rows[:_HEADER_WINDOW]):
        positions: dict[str, int] = {}
        unknown: list[str] = []
        for col, cell in enumerate(cells):
            if cell is None or str(cell).strip() == "":
                continue
            name = aliases.get(fold(cell))
            if name is None:
                unknown.append(str(cell).strip())
            elif name not in positions:  # a repeated header keeps its first column
                positions[name] = col
        if all(r in positions for r in required):
            return Header(index, positions, unknown)
    return None


def read_grid(path: str | Path, accepts: Callable[[list[list[object]]], bool]) -> Grid:
    """Read a CSV or xlsx file; in a workbook, the first sheet `accepts` approves is used.

    Raises `InputUnreadable` for files that cannot be read at all.
    """
    shown, path, data, digest, kind = _open(path)
    if kind == "xlsx":
        return _read_workbook(path, shown, digest, accepts)
    return _read_csv(data, shown, digest, path.name, accepts)


def _open(path: str | Path) -> tuple[str, Path, bytes, str, str]:
    """(name as given, path, bytes, SHA-256, "xlsx" | "csv"), or `InputUnreadable`."""
    shown = str(path)
    path = Path(path)
    if not path.is_file():
        raise InputUnreadable(shown, "no such file" if not path.exists() else "not a file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls") or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return shown, path, data, digest, "xlsx"
    if ext not in (".csv", ".txt"):
        raise InputUnreadable(shown, f"unsupported file type '{ext or path.name}'; give an "
                              ".xlsx workbook or a .csv file")
    return shown, path, data, digest, "csv"


def _read_workbook(path: Path, shown: str, digest: str,
                   accepts: Callable[[list[list[object]]], bool]) -> Grid:
    import python_calamine  # heavy: only when a workbook is read

    from carbonaudit.ingest import xlsx_safety

    xlsx_safety.check_workbook(path)

    try:
        book = python_calamine.load_workbook(str(path))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in book.sheet_names]
    except Exception as exc:  # calamine has its own error types for every kind of damage
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    for name, rows in sheets:
        if accepts(rows):
            return Grid(shown, digest, "xlsx", name, rows)
    first = sheets[0] if sheets else ("Sheet1", [])
    return Grid(shown, digest, "xlsx", first[0], first[1])


def _read_csv(data: bytes, shown: str, digest: str, name: str,
              accepts: Callable[[list[list[object]]], bool]) -> Grid:
    text = _decode(data, shown)
    best: list[list[object]] | None = None
    for delimiter in (",", ";", "\t"):
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""),
                                                                 delimiter=delimiter)]
        if best is None:
            best = rows
        if accepts(rows):
            best = rows
            break
    return Grid(shown, digest, "csv", name, best or [])


def _decode(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputUnreadable(shown, "the file is neither UTF-8 nor GB18030 text; save it as UTF-8")


def parse_numbers(values: Sequence[object] | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Strict numbers (no units) for one column: float64 values (NaN where none) and problem
    codes (None where fine), both as numpy arrays.

    Blank cells and the tables' "–" are (NaN, None): whether a value is required is the
    caller's decision.  Each distinct cell is parsed once, by `numbers.parse_quantities`, so
    "1,5" is ambiguous, never 1.5.
    """
    codes, uniques = factorize(values)
    value, problem = number_uniques(uniques)
    return value[codes], problem[codes]


def factorize(values: Sequence[object] | pd.Series) -> tuple[np.ndarray, list[object]]:
    """(codes, distinct values) with missing cells as the last code, len(distinct), whose
    value is None: per-cell work is then done once per distinct value."""
    import numpy as np
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    distinct = [None if v is pd.NA else v for v in uniques]
    codes = np.where(codes < 0, len(distinct), codes)
    return codes, [*distinct, None]


def number_uniques(uniques: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """`parse_numbers` for a list of distinct cell values."""
    import numpy as np
    import pandas as pd

    from carbonaudit.ingest.numbers import parse_quantities

    blank = np.array([_is_blank(v) for v in uniques], dtype=bool)
    parsed = parse_quantities(pd.Series(["" if b else v for v, b in zip(uniques, blank,
                                                                        strict=True)],
                                        dtype=object))
    bad = ~blank & (np.array([p is not None for p in parsed.problem], dtype=bool)
                    | np.array([u is not None for u in parsed.unit_text], dtype=bool))
    value = np.where(blank | bad, np.nan, parsed.value.astype(float))
    problem = np.array([None if not b else (p or "not-a-number")
                        for b, p in zip(bad, parsed.problem, strict=True)], dtype=object)
    return value, problem


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().casefold() in NO_VALUE)


def parse_number_column(values: list[object]) -> tuple[list[float | None], list[str | None]]:
    """`parse_numbers` as lists with None for no value (for the small tables' row checks)."""
    import math

    value, problem = parse_numbers(values)
    return [None if math.isnan(v) else float(v) for v in value], list(problem)


# ---------------------------------------------------------------------------------------------
# Large files, column by column


@dataclass
class Sheet:
    """One sheet or CSV file read for its columns: the head rows find the header, `body`
    gives the columns below it."""

    path: str
    sha256: str
    kind: str                 # "xlsx" | "csv"
    sheet: str
    head: list[list[object]]
    rows: list[list[object]] | None = None     # xlsx, or a CSV Arrow could not read
    table: object | None = None                # pyarrow.Table of text columns (CSV)
    width: int = 0
    extra: dict = field(default_factory=dict)

    def loc(self, cell: str) -> Location:
        return Location(file=self.path, sheet=self.sheet, cell=cell)

    def body(self, header_index: int, positions: Sequence[int]
             ) -> tuple[np.ndarray, dict[int, pd.Series]]:
        """Sheet row numbers (1-based, as Excel shows them) of the non-blank rows below the
        header, and the cells of each column in `positions` on those rows."""
        import numpy as np
        import pandas as pd

        start = header_index + 1
        if self.table is not None:
            import pyarrow as pa
            import pyarrow.compute as pc

            body = self.table.slice(start)
            empty = None
            for col in body.columns:
                blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True)
                empty = blank if empty is None else pc.and_(empty, blank)
            keep = (np.ones(body.num_rows, dtype=bool) if empty is None else
                    ~np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool))
            index = np.flatnonzero(keep)
            taken = body.take(pa.array(index)) if len(index) < body.num_rows else body
            columns = {}
            for pos in positions:
                if pos < taken.num_columns:
                    columns[pos] = taken.column(pos).to_pandas(types_mapper=pd.ArrowDtype)
                else:
                    columns[pos] = pd.Series([None] * len(index), dtype=object)
            return index + start + 1, columns
        rows = (self.rows or [])[start:]
        keep = [i for i, r in enumerate(rows)
                if any(c is not None and str(c).strip() != "" for c in r)]
        columns = {pos: pd.Series([rows[i][pos] if pos < len(rows[i]) else None
                                   for i in keep], dtype=object) for pos in positions}
        return np.asarray(keep, dtype=np.int64) + start + 1, columns


def read_sheet(path: str | Path, accepts: Callable[[list[list[object]]], bool]) -> Sheet:
    """Read a CSV or xlsx file for its columns; in a workbook, the first sheet `accepts`
    approves (judged on its first 30 rows) is used.

    Raises `InputUnreadable` for files that cannot be read at all.
    """
    shown, path, data, digest, kind = _open(path)
    if kind == "xlsx":
        grid = _read_workbook(path, shown, digest,
                              lambda rows: accepts(rows[:_HEADER_WINDOW]))
        return Sheet(grid.path, grid.sha256, "xlsx", grid.sheet, grid.rows[:_HEADER_WINDOW],
                     rows=grid.rows)
    encoding = _encoding(data, shown)
    head_text = data[:_HEAD_BYTES].decode(encoding, errors="ignore")
    delimiter, head = _delimiter(head_text, accepts)
    width = max((len(r) for r in head), default=0)
    table = _arrow_csv(data, encoding, delimiter, width) if width else None
    if table is not None:
        return Sheet(shown, digest, "csv", path.name, head, table=table, width=width)
    rows = [list(r) for r in csv.reader(io.StringIO(data.decode(encoding), newline=""),
                                        delimiter=delimiter)]
    return Sheet(shown, digest, "csv", path.name, rows[:_HEADER_WINDOW], rows=rows)


def _encoding(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputUnreadable(shown, "the file is neither UTF-8 nor GB18030 text; save it as UTF-8")


def _delimiter(text: str, accepts: Callable[[list[list[object]]], bool]
               ) -> tuple[str, list[list[object]]]:
    """The delimiter whose first rows `accepts` approves (else ','), and those rows."""
    lines = text.splitlines(keepends=True)
    sample = "".join(lines[:-1] if len(lines) > _HEADER_WINDOW else lines)
    best: tuple[str, list[list[object]]] | None = None
    for delimiter in (",", ";", "\t"):
        rows = [list(r) for r in csv.reader(io.StringIO(sample, newline=""),
                                            delimiter=delimiter)][:_HEADER_WINDOW]
        if best is None:
            best = (delimiter, rows)
        if accepts(rows):
            return delimiter, rows
    assert best is not None
    return best


def _arrow_csv(data: bytes, encoding: str, delimiter: str, width: int):
    """Every record as text, or None when Arrow cannot read the file exactly (rows of other
    widths): the csv module then reads it, slower but the same."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    names = [f"c{i}" for i in range(width)]
    try:
        return pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names,
                                            encoding="utf8" if encoding == "utf-8-sig"
                                            else encoding),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None


def short_text(value: object) -> str:
    """A cell value for a message: at most 40 characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
