"""Read activity spreadsheets (.xlsx and .csv) into `Table`s without losing track of any cell.

What this layer does, and nothing more:

* refuses files it cannot read safely (`InputUnreadable`: missing, corrupt, encrypted,
  legacy .xls, zip bombs, undecodable text) before parsing them;
* finds the header row (title rows above it are fine) and maps header texts in English or
  Chinese to canonical columns (`carbonaudit.columns`);
* keeps every non-blank data row with its raw cell values and the row number a person sees
  in Excel, so later checks can point at `Sheet!D7`;
* reports layout problems as findings (`empty-file`, `empty-sheet`, `no-header-row`,
  `sheet-skipped`, `multiple-header-rows`, `duplicate-column`, `unknown-column`,
  `unlabelled-cells`, `formula-without-value`).

Parsing the values themselves (numbers, dates, units) is `carbonaudit.numbers`' job.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.factors.vocab import fold
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.ingest import xlsx_safety
from carbonaudit.ingest.columns import CANONICAL, CHINESE_ALIASES, match_header

HEADER_WINDOW = 30        # non-empty rows scanned for the header
MIN_HEADER_SCORE = 2      # a header must name at least two activity columns
_CHUNK = 1024**2
_HEAD_BYTES = 256 * 1024  # enough text for 30 rows of any sane activity sheet
_XLSX_EXT = {".xlsx", ".xlsm"}
_CSV_EXT = {".csv", ".txt"}
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0")  # zip, empty zip, OLE
_DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class SourceFile:
    """An input file as the user named it, with its content hash for the report."""

    path: str
    sha256: str
    kind: str  # "xlsx" | "csv"
    encoding: str | None


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


@dataclass
class IngestResult:
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)


def read_activity_files(
    paths: Sequence[str | Path],
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read every activity file; raise `InputUnreadable` for a file that cannot be read at all.

    `sheet` restricts workbooks to one named sheet (`UsageError` if it does not exist).
    `encoding` forces the text encoding of CSV files; otherwise it is detected.
    """
    result = IngestResult()
    report = progress or (lambda _message: None)
    for given in paths:
        shown = str(given)
        path = Path(given)
        kind = _file_kind(path, shown)
        if kind == "xlsx":
            tables, findings, source = _read_workbook(path, shown, sheet, report)
        else:
            report(f"Reading {shown}")
            tables, findings, source = _read_csv(path, shown, encoding)
        result.sources.append(source)
        result.tables.extend(tables)
        result.findings.extend(findings)
    return result


# ---------------------------------------------------------------------------------------------
# Dispatch and hashing


def _file_kind(path: Path, shown: str) -> str:
    if not path.exists():
        raise InputUnreadable(shown, "no such file")
    if not path.is_file():
        raise InputUnreadable(shown, "not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputUnreadable(shown, f"cannot open the file ({exc.strerror or exc})") from exc
    ext = path.suffix.lower()
    # Magic bytes win over the name: a workbook saved as "data.csv" is still a workbook, and
    # an .xls/OLE file gets the specific "legacy .xls" or "password-protected" message.
    if ext in _XLSX_EXT or ext == ".xls" or head.startswith(_WORKBOOK_MAGIC):
        return "xlsx"
    if ext in _CSV_EXT:
        return "csv"
    raise InputUnreadable(shown, f"unsupported file type '{ext or path.name}'; "
                          "give an .xlsx workbook or a .csv file")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Header detection (shared by xlsx and csv)


@dataclass
class _Header:
    index: int               # 0-based index into the sheet's rows
    cells: list[object]
    others: list[int]        # other rows in the window with the same score


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[_Header | None, bool]:
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
    return _Header(tied[0], list(rows[tied[0]]), tied[1:]), True


def _row_has_content(cells: Sequence[object]) -> bool:
    return any(c is not None and c != "" for c in cells)


@dataclass
class _Layout:
    positions: dict[str, int]          # canonical -> 0-based column
    unknown: list[tuple[int, str]]     # (column, header text)
    duplicates: list[tuple[int, str, int]]  # (column, canonical, first column)
    labelled: set[int]


def _layout(cells: Sequence[object]) -> _Layout:
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
    return _Layout(positions, unknown, duplicates, labelled)


def _layout_findings(layout: _Layout, header: _Header, cells: Sequence[object],
                     loc: Callable[[str], Location]) -> list[Finding]:
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


# ---------------------------------------------------------------------------------------------
# Building a Table from a frame of raw cells (shared)


def _build_table(
    source: SourceFile, sheet: str, header: _Header, layout: _Layout,
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


def _unlabelled_findings(empty: list[np.ndarray], blank: np.ndarray, layout: _Layout,
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


# ---------------------------------------------------------------------------------------------
# XLSX


def _read_workbook(path: Path, shown: str, sheet: str | None, report: Callable[[str], None],
                   ) -> tuple[list[Table], list[Finding], SourceFile]:
    xlsx_safety.check_workbook(path)  # raises before any parsing
    source = SourceFile(shown, _sha256(path), "xlsx", None)
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
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:
                raise InputUnreadable(shown, f"sheet '{name}' could not be read ({exc})"
                                      ) from exc
            table, sheet_findings, had_content = _sheet_table(
                source, name, rows, formulas[name].result(), named=sheet is not None)
            findings.extend(sheet_findings)
            if table is not None:
                tables.append(table)
            elif had_content:
                skipped_with_content += 1
    if sheet is None and not any(len(t.df) for t in tables):
        findings = _promote_missing_headers(findings, shown, skipped_with_content and not tables)
    return tables, findings, source


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
                 formula_refs: list[str], *, named: bool
                 ) -> tuple[Table | None, list[Finding], bool]:
    def loc(cell: str) -> Location:
        return Location(file=source.path, sheet=name, cell=cell)

    header, had_content = _find_header(rows)
    if not had_content:
        make = error if named else info
        return None, [make("empty-sheet", f"Sheet '{name}' is empty.", loc("A1"))], False
    if header is None:
        if named:
            return None, [error("no-header-row", _NO_HEADER, loc("A1"))], True
        return None, [info(
            "sheet-skipped",
            f"Sheet '{name}' was skipped: no activity columns found in its first "
            f"{HEADER_WINDOW} rows.",
            loc("A1"),
        )], True

    layout = _layout(header.cells)
    findings = _layout_findings(layout, header, header.cells, loc)
    data = _xlsx_columns(rows[header.index + 1:], len(header.cells))
    table, more = _build_table(source, name, header, layout, data, loc)
    findings.extend(more)
    findings.extend(_formula_findings(formula_refs, table, layout, loc))
    if table.df.empty:
        # Like an empty sheet: a note among other sheets, an error when it is all there is.
        findings.append((error if named else info)(
            "empty-sheet", _header_only(f"Sheet '{name}'", header), loc(f"A{header.index + 1}")))
    return table, findings, True


def _header_only(what: str, header: _Header) -> str:
    return (f"{what} has a header on row {header.index + 1} but no data rows under it; "
            "add the activity rows below the header.")


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


_NO_HEADER = ("No header row found: none of the first 30 rows names at least two activity "
              "columns (for example activity and quantity); add a header row above the data.")


def _formula_findings(refs: list[str], table: Table, layout: _Layout,
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


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(path: Path, shown: str, encoding: str | None,
              ) -> tuple[list[Table], list[Finding], SourceFile]:
    digest, used, quoted = _hash_and_decode(path, shown, encoding)
    source = SourceFile(shown, digest, "csv", used)
    sheet = path.name

    def loc(cell: str) -> Location:
        return Location(file=shown, sheet=sheet, cell=cell)

    head = _head_text(path, used)
    delimiter, rows, line_ends = _choose_delimiter(head)
    header, had_content = _find_header(rows)
    if not had_content:
        return [], [error("empty-file", f"{sheet} is empty: it has no data at all.",
                          loc("A1"))], source
    if header is None:
        return [], [error("no-header-row", _NO_HEADER, loc("A1"))], source

    layout = _layout(header.cells)
    findings = _layout_findings(layout, header, header.cells, loc)
    data = _read_csv_body(path, shown, used, delimiter, header.index + 1,
                          line_ends[header.index], len(header.cells), quoted)
    table, more = _build_table(source, sheet, header, layout, data, loc)
    findings.extend(more)
    if table.df.empty:
        findings.append(error("empty-file", _header_only(sheet, header),
                              loc(f"A{header.index + 1}")))
    return [table], findings, source


def _hash_and_decode(path: Path, shown: str, encoding: str | None) -> tuple[str, str, bool]:
    """One streamed pass: SHA-256, a strict decode with the likely encoding, any quote char.

    Returns (sha256, encoding, whether the file contains a double quote at all).
    """
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError as exc:
            raise UsageError(f"unknown text encoding '{encoding}'") from exc
    with path.open("rb") as fh:
        head = fh.read(4)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if encoding == "utf-8" and bom == "utf-8-sig":
        encoding = bom  # same encoding; the -sig codec just drops the byte-order mark
    candidate = encoding or bom or "utf-8"
    digest, ok, where, quoted = _hash_and_check(path, candidate)
    if ok:
        return digest, candidate, quoted
    if encoding is not None or bom is not None:
        raise InputUnreadable(shown, f"the file is not valid {candidate} text (byte {where}); "
                              "check --encoding, or leave it out to detect the encoding")
    for guess in _chinese_encodings(path):
        if _decodes(path, guess):
            return digest, guess, quoted
    raise InputUnreadable(shown, "could not work out the text encoding (tried UTF-8, GB18030 "
                          "and Big5); save the file as UTF-8 or pass --encoding")


def _hash_and_check(path: Path, encoding: str) -> tuple[str, bool, int, bool]:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    ok, offset, where, quoted = True, 0, -1, False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            quoted = quoted or b'"' in chunk
            if ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    ok, where = False, offset + exc.start
            offset += len(chunk)
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok, where = False, offset
    return digest.hexdigest(), ok, where, quoted


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _chinese_encodings(path: Path) -> list[str]:
    """GB18030 and Big5, most plausible first.

    Each happily decodes much of the other's bytes into nonsense, so "decodes without error"
    is not enough: the decoding whose header cells read as known Chinese column names wins.
    """
    with path.open("rb") as fh:
        sample = fh.read(_HEAD_BYTES)
    if len(sample) == _HEAD_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # "\n" never occurs inside these encodings
    scores = []
    for order, name in enumerate(("gb18030", "big5")):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            scores.append((-1, order, name))
            continue
        cells = re.split(r"[,;\t|\r\n\"]+", text[:20000])
        scores.append((sum(fold(c) in CHINESE_ALIASES for c in cells), -order, name))
    scores.sort(reverse=True)
    return [name for _, _, name in scores]


def _head_text(path: Path, encoding: str) -> str:
    """The first lines of the file as text (a possibly cut final line is dropped)."""
    with path.open("rb") as fh:
        raw = fh.read(_HEAD_BYTES)
        complete = not fh.read(1)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=complete)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _choose_delimiter(text: str) -> tuple[str, list[list[str]], list[int]]:
    """The delimiter under which the header scores best (ties: comma first).

    Also returns, per record, how many physical lines had been read once it ended: a quoted
    cell may span lines, and the fast reader skips lines while people count records.
    """
    best: tuple[int, str, list[list[str]], list[int]] | None = None
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        line_ends: list[int] = []
        for record in reader:  # the head only: at most _HEAD_BYTES of text
            rows.append(record)
            line_ends.append(reader.line_num)
        header, _ = _find_header(rows)
        score = 0 if header is None else sum(match_header(c) is not None for c in header.cells)
        if best is None or score > best[0]:
            best = (score, delimiter, rows, line_ends)
    assert best is not None
    return best[1], best[2], best[3]


def _read_csv_body(path: Path, shown: str, encoding: str, delimiter: str, skip_records: int,
                   skip_lines: int, width: int, quoted: bool) -> pd.DataFrame | pa.Table:
    """Everything below the header as strings (blank cells ""), columns numbered from 0."""
    width = max(width, 1)
    try:
        return _read_csv_arrow(path, encoding, delimiter, skip_lines, width, quoted)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        # Ragged rows or a late decoding problem: the pandas reader copes with the first
        # and names the second.
        return _read_csv_pandas(path, shown, encoding, delimiter, skip_records, width)


def _read_csv_arrow(path: Path, encoding: str, delimiter: str, skip_lines: int,
                    width: int, quoted: bool) -> pa.Table:
    """The fast path: Arrow's multi-threaded reader, every column kept as text."""
    names = [f"c{i}" for i in range(width)]
    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(
            skip_rows=skip_lines, column_names=names,
            # Arrow reads UTF-8 natively (and drops a UTF-8 BOM); others go through codecs.
            encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        ),
        parse_options=pa_csv.ParseOptions(
            # Only a quoted cell can hold a line break; without any quote the reader may
            # split the file into blocks at any newline, which is ~40% faster.
            delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),  # what pandas stores
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    )
    return table


def _read_csv_pandas(path: Path, shown: str, encoding: str, delimiter: str, skip: int,
                     width: int) -> pd.DataFrame:
    """The robust path: pandas' C parser.

    Rows longer than the header make it stop; then the width is widened to what it saw and
    the read repeated, so no cell is dropped.
    """
    for _attempt in range(8):
        try:
            return pd.read_csv(
                path, sep=delimiter, encoding=encoding, encoding_errors="strict", dtype=str,
                keep_default_na=False, na_filter=False, header=None, skiprows=skip,
                names=list(range(width)), skip_blank_lines=False, index_col=False,
                engine="c",
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=list(range(width)), dtype=str)
        except pd.errors.ParserError as exc:
            saw = re.search(r"saw (\d+)", str(exc))
            if not saw:
                raise InputUnreadable(shown, f"the CSV could not be parsed ({exc})") from exc
            width = max(width * 2, int(saw[1]))
        except UnicodeDecodeError as exc:
            raise InputUnreadable(shown, f"the file is not valid {encoding} text; "
                                  "pass the right --encoding") from exc
    raise InputUnreadable(shown, "the CSV rows have wildly different numbers of cells")
