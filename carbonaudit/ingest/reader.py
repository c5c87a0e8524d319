"""Read activity spreadsheets (.xlsx and .csv) into `Table`s without losing track of any cell.

`read_activity_files` is the door of `carbonaudit.ingest`: it tells workbooks from CSV files
by their bytes, then hands each to its reader (`ingest.xlsx`, `ingest.csv_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding
from carbonaudit.ingest.csv_text import read_csv
from carbonaudit.ingest.tables import SourceFile, Table, UnreadSheet
from carbonaudit.ingest.xlsx import read_workbook

_XLSX_EXT = {".xlsx", ".xlsm"}
_CSV_EXT = {".csv", ".txt"}
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0")  # zip, empty zip, OLE


@dataclass
class IngestResult:
    """Everything read from the activity files: tables, layout findings, the files."""

    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    unread_sheets: list[UnreadSheet] = field(default_factory=list)

    @property
    def rows_not_read(self) -> int:
        """Data rows on sheets that were not read (each one also a `sheet-not-read` warning)."""
        return sum(u.rows for u in self.unread_sheets)


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
            tables, findings, source, unread = read_workbook(path, shown, sheet, report)
            result.unread_sheets.extend(unread)
        else:
            report(f"Reading {shown}")
            tables, findings, source = read_csv(path, shown, encoding)
        result.sources.append(source)
        result.tables.extend(tables)
        result.findings.extend(findings)
    return result


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
