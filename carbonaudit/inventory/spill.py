"""Result rows of a batched run: spilled to disk per batch, written out once codes are known.

A row's `finding_codes` can depend on rows read later (a series check names the first row
of a series once every month is read; a duplicate names a row of an earlier batch), so the
batches are kept as Arrow IPC files (uncompressed: written and mapped back at memory
speed) in a private folder, and `write` streams them into results.csv or results.parquet
with every row's codes.  Only one batch is in memory at a time.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from carbonaudit.findings import Finding
from carbonaudit.outputs import marked_rows


@dataclass
class ResultSink:
    """Batches of result rows in a temporary folder, in the order of the rows."""

    folder: Path
    parts: list[Path] = field(default_factory=list)
    rows: int = 0
    schema: object = None

    @classmethod
    def create(cls, near: Path | None = None) -> ResultSink:
        """A sink whose folder is inside `near` (the output folder, same file system)."""
        base = None
        if near is not None:
            Path(near).mkdir(parents=True, exist_ok=True)
            base = str(near)
        return cls(Path(tempfile.mkdtemp(prefix=".carbonaudit-spill-", dir=base)))

    def add(self, table) -> None:
        import pyarrow as pa

        if table is None:
            return
        if self.schema is None:
            self.schema = table.schema
        elif table.schema != self.schema:
            table = table.cast(self.schema)
        path = self.folder / f"{len(self.parts):06d}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
        self.parts.append(path)
        self.rows += table.num_rows

    def tables(self):
        """Each batch back, memory-mapped."""
        import pyarrow as pa

        for path in self.parts:
            with pa.memory_map(str(path)) as source:
                yield pa.ipc.open_file(source).read_all()

    def write(self, path: Path, findings: list[Finding], fmt: str = "csv") -> int:
        """results.csv (or .parquet) at `path` with every row's finding codes; rows written."""
        import pyarrow as pa

        marks = CodeMarks(findings)
        writer = None
        rows = 0
        try:
            for table in self.tables():
                codes = marks.codes(table)
                i = table.schema.get_field_index("finding_codes")
                table = table.set_column(i, "finding_codes", pa.array(codes, pa.string()))
                if writer is None:
                    writer = _writer(path, table.schema, fmt)
                writer.write_table(table)
                rows += table.num_rows
            if writer is None:
                writer = _writer(path, self.schema or _empty_schema(), fmt)
        finally:
            if writer is not None:
                writer.close()
        return rows

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _writer(path, schema, fmt):
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetWriter(str(path), schema, compression="zstd")
    import pyarrow.csv as pacsv

    fields = [f.with_type(pa.string()) if f.name == "finding_codes" else f for f in schema]
    return pacsv.CSVWriter(str(path), pa.schema(fields),
                           write_options=pacsv.WriteOptions(quoting_style="needed"))


def _empty_schema():
    import pyarrow as pa

    from carbonaudit.outputs import RESULT_COLUMNS

    return pa.schema([(new, pa.string()) for _, new in RESULT_COLUMNS])


class CodeMarks:
    """Which rows each finding marks (its cell's row, or every row a grouped one lists)."""

    def __init__(self, findings: list[Finding]) -> None:
        per: dict[tuple, list] = {}
        codes = sorted({f.code for f in findings})
        self.names = codes
        index = {c: k for k, c in enumerate(codes)}
        for f in findings:
            rows = marked_rows(f)
            if rows is None:
                continue
            per.setdefault((f.location.file, f.location.sheet), []).append(
                (rows, index[f.code]))
        # Rows of single-row findings in one sorted array per sheet; a grouped finding's
        # rows (sorted already, possibly millions) stay its own array, sliced per batch:
        # concatenating them all would hold every row number of the run at once.
        self.marks = {}
        for key, parts in per.items():
            single = [(r, k) for r, k in parts if len(r) == 1]
            groups = [(r if (r[1:] >= r[:-1]).all() else np.sort(r), k)
                      for r, k in parts if len(r) > 1]
            rows = np.concatenate([r for r, _ in single]) if single else np.zeros(0, np.int64)
            code = np.array([k for _, k in single], dtype=np.int64)
            order = np.argsort(rows, kind="stable")
            self.marks[key] = [(rows[order], code[order]), *((r, np.full(1, k)) for r, k in
                                                             groups)]

    def codes(self, table) -> np.ndarray:
        """'code1;code2' per row of a results table (rows of one sheet in file order or not)."""
        n = table.num_rows
        out = np.full(n, "", dtype=object)
        if not n or not self.marks:
            return out
        files = table.column("source_file").to_numpy(zero_copy_only=False)
        sheets = table.column("sheet").to_numpy(zero_copy_only=False)
        row = table.column("row").to_numpy(zero_copy_only=False).astype(np.int64)
        bits = np.zeros((n, (len(self.names) + 62) // 63), dtype=np.int64)
        import pandas as pd

        fcode, fnames = pd.factorize(files)
        scode, snames = pd.factorize(sheets)
        pair = np.asarray(fcode, dtype=np.int64) * max(len(snames), 1) + scode
        for key in np.unique(pair):
            f, s = str(fnames[key // max(len(snames), 1)]), str(snames[key % max(len(snames), 1)])
            got = self._marks_for(f, s)
            if got is None:
                continue
            sel = np.flatnonzero(pair == key)
            lo, hi = int(row[sel].min()), int(row[sel].max())
            order = np.argsort(row[sel], kind="stable")
            srows = row[sel][order]
            for mrows, mcode in got:
                a, b = np.searchsorted(mrows, [lo, hi + 1])
                if a == b:
                    continue
                mrows = mrows[a:b]
                mcode = mcode[a:b] if len(mcode) > 1 else np.full(b - a, mcode[0])
                at = np.searchsorted(srows, mrows)
                hit = (at < len(srows)) & (srows[np.minimum(at, len(srows) - 1)] == mrows)
                targets = sel[order][at[hit]]  # a sheet row is one row
                for c in np.unique(mcode[hit]):
                    np.bitwise_or.at(bits[:, c // 63], targets[mcode[hit] == c],
                                     np.int64(1) << (int(c) % 63))
        if bits.shape[1] == 1:
            inverse, first = pd.factorize(bits[:, 0])
            patterns = first.reshape(-1, 1)
        else:
            patterns, inverse = np.unique(bits, axis=0, return_inverse=True)
        texts = np.array([";".join(c for k, c in enumerate(self.names)
                                   if p[k // 63] >> (k % 63) & 1) for p in patterns],
                         dtype=object)
        return texts[np.asarray(inverse).reshape(-1)]

    def _marks_for(self, file, sheet):
        # results.csv neutralises text a spreadsheet would run; the findings do not
        got = self.marks.get((file, sheet))
        if got is None and (file.startswith("'") or sheet.startswith("'")):
            got = self.marks.get((file[1:] if file.startswith("'") else file,
                                  sheet[1:] if sheet.startswith("'") else sheet))
        return got
