"""Reading a CSV file: the delimiter, the header, and every record below it as text.

The head of the file (decoded by `carbonaudit.ingest.encodings`) decides the delimiter and
the header; the body is read by Arrow's fast reader, or by pandas when rows are ragged.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, error
from carbonaudit.ingest.columns import match_header
from carbonaudit.ingest.encodings import HEAD_BYTES, hash_and_decode, head_text
from carbonaudit.ingest.header import (
    NO_HEADER,
    find_header,
    header_layout,
    header_only,
    layout_findings,
)
from carbonaudit.ingest.tables import SourceFile, Table, build_table

_DELIMITERS = (",", ";", "\t", "|")


def read_csv(path: Path, shown: str, encoding: str | None,
             ) -> tuple[list[Table], list[Finding], SourceFile]:
    """One CSV file as one table (named after the file), with its layout findings."""
    digest, used, quoted = hash_and_decode(path, shown, encoding)
    source = SourceFile(shown, digest, "csv", used)
    sheet = path.name

    def loc(cell: str) -> Location:
        return Location(file=shown, sheet=sheet, cell=cell)

    head = head_text(path, used)
    delimiter, rows, line_ends = _choose_delimiter(head)
    header, had_content = find_header(rows)
    if not had_content:
        return [], [error("empty-file", f"{sheet} is empty: it has no data at all.",
                          loc("A1"))], source
    if header is None:
        return [], [error("no-header-row", NO_HEADER, loc("A1"))], source

    layout = header_layout(header.cells)
    findings = layout_findings(layout, header, header.cells, loc)
    # As wide as the widest record seen below the header: given fewer names than the first
    # data row has cells, pandas drops the extra ones with only a warning on stderr.
    width = max([len(header.cells), *map(len, rows[header.index + 1:])])
    data = _read_csv_body(path, shown, used, delimiter, header.index + 1,
                          line_ends[header.index], width, quoted)
    table, more = build_table(source, sheet, header, layout, data, loc)
    findings.extend(more)
    if table.df.empty:
        findings.append(error("empty-file", header_only(sheet, header),
                              loc(f"A{header.index + 1}")))
    return [table], findings, source


def _choose_delimiter(text: str) -> tuple[str, list[list[str]], list[int]]:
    """The delimiter under which the header scores best (ties: comma first).

    Also returns, per record, how many physical lines had been read once it ended: a quoted
    cell may span lines, and the fast reader skips lines while people count records.
    """
    # No field of the head can be longer than the head itself; without this the csv
    # module's 128 KiB default stops at the first long note cell.  Raising a process-wide
    # limit only ever loosens it, and only up to HEAD_BYTES.
    if csv.field_size_limit() < HEAD_BYTES:
        csv.field_size_limit(HEAD_BYTES)
    best: tuple[int, str, list[list[str]], list[int]] | None = None
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        line_ends: list[int] = []
        for record in reader:  # the head only: at most HEAD_BYTES of text
            rows.append(record)
            line_ends.append(reader.line_num)
        header, _ = find_header(rows)
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
            with warnings.catch_warnings():
                # "Length of header or names does not match length of data": cells would be
                # dropped; widen and read again instead.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(
                    path, sep=delimiter, encoding=encoding, encoding_errors="strict",
                    dtype=str, keep_default_na=False, na_filter=False, header=None,
                    skiprows=skip, names=list(range(width)), skip_blank_lines=False,
                    index_col=False, engine="c",
                )
        except pd.errors.ParserWarning:
            width *= 2
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
