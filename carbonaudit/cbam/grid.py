"""A table read from a CSV file or a workbook sheet: cells as a person sees them, header by names.

The defaults-table reader and the imports reader share it: `read_grid` reads the file (the first
workbook sheet its caller accepts), `find_header` finds the header row among the first 30 by
column aliases, and `parse_number_column` reads one column as strict numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Location
from carbonaudit.ingest import xlsx_safety
from carbonaudit.ingest.numbers import parse_quantities

# Cells the Regulation's tables use for "no value for this country".
NO_VALUE = frozenset({"", "-", "–", "—", "n/a", "na", "n.a."})
_HEADER_WINDOW = 30


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
    shown = str(path)
    path = Path(path)
    if not path.is_file():
        raise InputUnreadable(shown, "no such file" if not path.exists() else "not a file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls") or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, shown, digest, accepts)
    if ext not in (".csv", ".txt"):
        raise InputUnreadable(shown, f"unsupported file type '{ext or path.name}'; give an "
                              ".xlsx workbook or a .csv file")
    return _read_csv(data, shown, digest, path.name, accepts)


def _read_workbook(path: Path, shown: str, digest: str,
                   accepts: Callable[[list[list[object]]], bool]) -> Grid:
    xlsx_safety.check_workbook(path)
    import python_calamine  # heavy: only when a workbook is read

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


def parse_number_column(values: list[object]) -> tuple[list[float | None], list[str | None]]:
    """Strict numbers (no units) for one column: (value or None, problem code or None).

    Blank cells and the tables' "–" are (None, None): whether a value is required is the
    caller's decision.  Reuses `numbers.parse_quantities`, so "1,5" is ambiguous, never 1.5.
    """
    blank = [v is None or (isinstance(v, str) and v.strip().casefold() in NO_VALUE)
             for v in values]
    cells = pd.Series(["" if b else v for v, b in zip(values, blank, strict=True)],
                      dtype=object)
    parsed = parse_quantities(cells)
    out: list[float | None] = []
    problems: list[str | None] = []
    for i, is_blank in enumerate(blank):
        problem = parsed.problem[i]
        if is_blank:
            out.append(None)
            problems.append(None)
        elif problem is not None or parsed.unit_text[i] is not None:
            out.append(None)
            problems.append(problem or "not-a-number")
        else:
            out.append(float(parsed.value[i]))
            problems.append(None)
    return out, problems


def short_text(value: object) -> str:
    """A cell value for a message: at most 40 characters."""
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
