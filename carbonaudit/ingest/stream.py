"""Activity files read a batch of rows at a time: CSV and Parquet streamed, xlsx by sheet.

`open_inputs` gives one `TableStream` per sheet or file.  Its `batches(rows)` yields
`Table`s of at most about `rows` rows each (a CSV through Arrow's streaming reader, a
Parquet file through its record batches), with row numbers counted from the file's own
header as the whole-file readers count them, so every finding names the same cell.
Only one batch is in memory at a time.  A workbook is read whole (its size is bounded by
the sheet) and handed on in slices.

The layout findings of a stream (header, unknown columns) come with it; the findings
that need every row (`unlabelled-cells` counts, `empty-file`) are completed by
`finish_findings` once all batches are read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, error

PARQUET_EXT = {".parquet", ".pq"}


class WholeFileNeeded(Exception):
    """Arrow's streaming reader refused the CSV (ragged rows): read it whole instead."""


@dataclass
class TableStream:
    """One sheet or file whose rows come in batches."""

    source: object  # SourceFile
    sheet: str
    findings: list[Finding] = field(default_factory=list)
    _iter: object = None
    rows: int = 0
    blank_rows: int = 0
    unlabelled: dict = field(default_factory=dict)  # column letter -> [count, first, finding]
    header_text: str | None = None  # the empty-file message, when no row comes

    def batches(self, rows: int) -> Iterator[object]:
        """Tables of about `rows` rows (the last may be shorter)."""
        for table, found in self._iter(rows):
            self.rows += len(table.df)
            self.blank_rows += table.blank_rows
            for f in found:
                if f.code == "unlabelled-cells":
                    self._unlabelled(f)
                else:
                    self.findings.append(f)
            yield table

    def _unlabelled(self, f: Finding) -> None:
        letters = "".join(ch for ch in f.location.cell if ch.isalpha())
        count = int(re.search(r"has (\d+) value", f.message)[1])
        entry = self.unlabelled.get(letters)
        if entry is None:
            self.unlabelled[letters] = [count, f]
        else:
            entry[0] += count

    def finish_findings(self) -> list[Finding]:
        """Findings that needed every row: merged `unlabelled-cells`, `empty-file`."""
        out = []
        for count, f in self.unlabelled.values():
            message = re.sub(r"has \d+ value", f"has {count} value", f.message, count=1)
            out.append(dataclasses.replace(f, message=message))
        if self.rows == 0 and self.header_text is not None:
            out.append(error("empty-file", self.header_text[0], self.header_text[1]))
        return out


def open_inputs(paths, *, sheet: str | None = None, encoding: str | None = None,
                progress=None, whole: bool = False) -> tuple[list[TableStream], list[Finding],
                                                              list]:
    """A stream per table of every input, the files' findings so far, and the sources.

    `whole` reads every file with the whole-file readers (one batch per table).
    """
    from carbonaudit.ingest.reader import _file_kind, read_activity_files

    streams: list[TableStream] = []
    findings: list[Finding] = []
    sources = []
    for given in paths:
        path = Path(given)
        if path.suffix.lower() in PARQUET_EXT and path.is_file():
            stream = _parquet_stream(path, str(given))
            streams.append(stream)
            sources.append(stream.source)
            continue
        if whole or _file_kind(path, str(given)) == "xlsx":
            got = read_activity_files([given], sheet=sheet, encoding=encoding,
                                      progress=progress)
            findings.extend(got.findings)
            sources.extend(got.sources)
            streams.extend(_sliced(t) for t in got.tables)
            continue
        if progress:
            progress(f"Reading {given}")
        stream, found = _csv_stream(path, str(given), encoding)
        findings.extend(found)
        sources.append(stream.source)
        if stream._iter is not None:
            streams.append(stream)
    return streams, findings, sources


def _sliced(table) -> TableStream:
    """A table already read whole, handed on in slices of its rows."""
    stream = TableStream(table.source, table.sheet)

    def parts(rows: int):
        df = table.df
        blank = table.blank_rows
        if len(df) <= rows:
            yield table, []
            return
        for start in range(0, len(df), rows):
            part = df.iloc[start:start + rows].reset_index(drop=True)
            yield dataclasses.replace(table, df=part, blank_rows=blank if start == 0 else 0), []

    stream._iter = parts
    return stream


def _csv_stream(path: Path, shown: str, encoding: str | None):
    """The CSV's layout from its head (as csv_text.read_csv), then its body in batches."""
    from carbonaudit.ingest.csv_text import _choose_delimiter
    from carbonaudit.ingest.encodings import hash_and_decode, head_text
    from carbonaudit.ingest.header import (
        NO_HEADER,
        find_header,
        header_layout,
        header_only,
        layout_findings,
    )
    from carbonaudit.ingest.tables import SourceFile

    digest, used, quoted = hash_and_decode(path, shown, encoding)
    source = SourceFile(shown, digest, "csv", used)
    sheet = path.name

    def loc(cell: str) -> Location:
        return Location(file=shown, sheet=sheet, cell=cell)

    stream = TableStream(source, sheet)
    head = head_text(path, used)
    delimiter, rows, line_ends = _choose_delimiter(head)
    header, had_content = find_header(rows)
    if not had_content:
        return stream, [error("empty-file", f"{sheet} is empty: it has no data at all.",
                              loc("A1"))]
    if header is None:
        return stream, [error("no-header-row", NO_HEADER, loc("A1"))]
    layout = header_layout(header.cells)
    stream.findings = layout_findings(layout, header, header.cells, loc)
    stream.header_text = (header_only(sheet, header), loc(f"A{header.index + 1}"))
    # as csv_text.read_csv: as wide as the widest record of the head below the header
    width = max([len(header.cells), *map(len, rows[header.index + 1:]), 1])
    skip_lines = line_ends[header.index]
    # Arrow reads blocks of bytes: size them to hold about one batch of rows
    row_bytes = max(len(head.encode(used if used != "utf-8-sig" else "utf-8",
                                    errors="replace")) / max(len(rows), 1), 16.0)

    def parts(batch_rows: int):
        block = int(min(max(row_bytes * batch_rows, 1 << 20), 256 << 20))
        yield from _arrow_parts(path, used, delimiter, skip_lines, width, quoted, batch_rows,
                                source, sheet, header, layout, loc, block)

    stream._iter = parts
    return stream, []


def _arrow_parts(path, encoding, delimiter, skip_lines, width, quoted, batch_rows, source,
                 sheet, header, layout, loc, block):
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    from carbonaudit.ingest.header import Header
    from carbonaudit.ingest.tables import build_table

    names = [f"c{i}" for i in range(width)]
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(
                skip_rows=skip_lines, column_names=names, block_size=block,
                encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter,
                                              newlines_in_values=quoted,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise WholeFileNeeded(str(path)) from exc
    offset = 0
    pending: list = []
    count = 0

    def emit(batches, offset):
        data = pa.Table.from_batches(batches).combine_chunks()
        shifted = Header(header.index + offset, header.cells, header.others)
        table, found = build_table(source, sheet, shifted, layout, data, loc)
        return dataclasses.replace(table, header_row=header.index + 1), found

    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise WholeFileNeeded(str(path)) from exc
        pending.append(batch)
        count += batch.num_rows
        if count >= batch_rows:
            yield emit(pending, offset)
            offset += count
            pending, count = [], 0
    if pending or offset == 0:
        if not pending:
            schema = pa.schema([(n, pa.large_string()) for n in names])
            pending = [pa.RecordBatch.from_pylist([], schema=schema)]
        yield emit(pending, offset)


def _parquet_stream(path: Path, shown: str) -> TableStream:
    """A Parquet file: its column names are the header (row 1), its rows rows 2 onwards."""
    import pyarrow.parquet as pq

    from carbonaudit.ingest.header import Header, header_layout, layout_findings
    from carbonaudit.ingest.tables import SourceFile, file_sha256

    source = SourceFile(shown, file_sha256(path), "parquet", None)
    sheet = path.name

    def loc(cell: str) -> Location:
        return Location(file=shown, sheet=sheet, cell=cell)

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # Arrow raises its own types for every kind of damage
        raise InputUnreadable(shown, f"the Parquet file could not be read ({exc})") from exc
    names = list(pf.schema_arrow.names)
    header = Header(0, names, [])
    layout = header_layout(names)
    stream = TableStream(source, sheet, layout_findings(layout, header, names, loc))
    stream.header_text = (f"{sheet} has column names but no rows; add the activity rows.",
                          loc("A1"))

    def parts(batch_rows: int):
        from carbonaudit.ingest.tables import build_table

        offset = 0
        try:
            batches = pf.iter_batches(batch_size=batch_rows)
            for batch in batches:
                shifted = Header(offset, names, [])
                table, found = build_table(source, sheet, shifted, layout,
                                           _parquet_cells(batch), loc)
                yield dataclasses.replace(table, header_row=1), found
                offset += batch.num_rows
        except OSError as exc:
            raise InputUnreadable(shown, f"the Parquet file could not be read ({exc})") from exc
        if offset == 0:
            yield build_table(source, sheet, header, layout, [], loc)

    stream._iter = parts
    return stream


def _parquet_cells(batch) -> list:
    """Text columns stay Arrow strings; numbers and dates become Python cell values, as a
    workbook's numeric and date cells are, so the same readers check them."""
    import numpy as np
    import pyarrow as pa

    out = []
    for col in batch.columns:
        t = col.type
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
            out.append(col.cast(pa.large_string()))
        else:
            out.append(np.array(col.to_pylist(), dtype=object))
    return out
