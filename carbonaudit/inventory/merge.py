"""Findings of many batches made into the findings of one whole run.

Most findings are about one row and pass through.  Three kinds need every row:

* grouped notes (`unverified-factor`, `missing-period`...: every warning and info that
  engine.compute returns stands for many rows): one per (severity, code, message, file,
  sheet) over all batches, rebuilt by `grouped` from the rows of every batch;
* notes of the row checks that count rows of one spelling (`(12 rows)`): one per
  spelling and sheet, first location, rows added up;
* `duplicate-row`: a row repeating any earlier row of the run, whichever batch that was in
  (`DuplicateIndex`, keyed by a 64-bit hash of the compared cells).
"""

from __future__ import annotations

import re

import numpy as np

from carbonaudit.findings import Finding, Location, Severity, sort_key, warning
from carbonaudit.inventory.grouped import GroupedFinding, grouped

_NOTE = re.compile(r" \((?:[\d,]+ rows: .*)\)$")
_COUNT = re.compile(r" \((\d+) rows\)")
DUPLICATE_KEYS = ["activity_given", "item_given", "quantity_given", "unit_given", "site",
                  "region", "period_start", "period_end", "factor_id", "reference",
                  "supplier_factor", "supplier_factor_unit"]


class GroupedNotes:
    """Grouped findings of every batch, merged by what they say and the sheet they are on."""

    def __init__(self) -> None:
        self.notes: dict[tuple, list] = {}

    def add(self, f: Finding) -> None:
        if isinstance(f, GroupedFinding):
            base, rows = _NOTE.sub("", f.message), f.rows
        else:
            base, rows = f.message, np.array([_row_of(f.location)], dtype=np.int64)
        loc = f.location
        key = (str(f.severity), f.code, base, loc.file, loc.sheet)
        entry = self.notes.setdefault(key, [loc, []])
        if sort_key(Finding(f.code, f.severity, "", loc)) < sort_key(
                Finding(f.code, f.severity, "", entry[0])):
            entry[0] = loc
        entry[1].append(np.asarray(rows, dtype=np.int64))

    def findings(self) -> list[Finding]:
        return [grouped(sev, code, base, loc, np.concatenate(rows))
                for (sev, code, base, _, _), (loc, rows) in self.notes.items()]


class CountedNotes:
    """Notes that say how many rows of a spelling they stand for: counts added up."""

    def __init__(self) -> None:
        self.notes: dict[tuple, list] = {}

    def add(self, f: Finding) -> None:
        m = _COUNT.search(f.message)
        n = int(m[1]) if m else 1
        base = _COUNT.sub("", f.message, count=1)
        key = (str(f.severity), f.code, base, f.location.file, f.location.sheet)
        entry = self.notes.get(key)
        if entry is None:
            self.notes[key] = [f, n]
        else:
            entry[1] += n

    def findings(self) -> list[Finding]:
        out = []
        for f, n in self.notes.values():
            m = _COUNT.search(f.message)
            if m:
                text = _COUNT.sub(f" ({n} rows)", f.message, count=1)
            else:  # one row in the first batch: the count goes where the notes put it
                text = f.message if n == 1 else _insert_count(f.message, n)
            out.append(Finding(f.code, f.severity, text, f.location))
        return out


def _insert_count(message: str, n: int) -> str:
    # local_names puts the count just before ';' or before the final period
    i = message.find(";")
    i = i if i >= 0 else (len(message) - 1 if message.endswith(".") else len(message))
    return f"{message[:i]} ({n} rows){message[i:]}"


COUNTED_CODES = frozenset({"activity-names-item", "towngas-units", "gas-volume-reference",
                           "region-from-supplier", "supplier-not-a-grid"})


def _row_of(loc: Location) -> int:
    digits = "".join(ch for ch in (loc.cell or "") if ch.isdigit())
    return int(digits) if digits else 0


class DuplicateIndex:
    """Every distinct row key seen so far (hash -> first sheet and row), sorted."""

    def __init__(self) -> None:
        self.hashes = np.zeros(0, dtype=np.uint64)
        self.where = np.zeros(0, dtype=np.int64)  # sheet number << 40 | row
        self.sheets: list[str] = []
        self._sheet_ids: dict[str, int] = {}

    def check(self, df, tables, hashes) -> list[Finding]:
        """Warnings for the rows of df (one batch, in order) that repeat an earlier row."""
        from carbonaudit.inventory.activity import row_location

        if not len(df):
            return []
        sheet_ids = np.array([self._sheet_id(s) for s in df["_sheet"].astype(str)],
                             dtype=np.int64) if df["_sheet"].nunique() > 1 else np.full(
            len(df), self._sheet_id(str(df["_sheet"].iloc[0])), dtype=np.int64)
        where = (sheet_ids << 40) | df["_row"].to_numpy(dtype=np.int64)
        import pandas as pd

        codes, uniques = pd.factorize(hashes)
        first_local = np.full(len(uniques), len(df), dtype=np.int64)
        np.minimum.at(first_local, codes, np.arange(len(df)))
        pos = np.searchsorted(self.hashes, uniques)
        pos_c = np.minimum(pos, max(len(self.hashes) - 1, 0))
        seen = (self.hashes[pos_c] == uniques) if len(self.hashes) else np.zeros(
            len(uniques), dtype=bool)
        first_where = np.where(seen, self.where[pos_c] if len(self.where) else 0,
                               where[first_local])
        is_first = (np.arange(len(df)) == first_local[codes]) & ~seen[codes]
        dup = ~is_first & df["quantity_given"].ne("").to_numpy(dtype=bool)
        out = []
        for i in np.flatnonzero(dup):
            w = int(first_where[codes[i]])
            out.append(warning(
                "duplicate-row",
                f"This row repeats {self.sheets[w >> 40]} row {w & ((1 << 40) - 1)} exactly; "
                f"check it is not counted twice.",
                row_location(df, df.index[i], tables, "quantity")))
        new = ~seen
        if new.any():
            h = np.concatenate([self.hashes, uniques[new]])
            w = np.concatenate([self.where, where[first_local[new]]])
            order = np.argsort(h, kind="stable")
            self.hashes, self.where = h[order], w[order]
        return out

    def _sheet_id(self, name: str) -> int:
        if name not in self._sheet_ids:
            self._sheet_ids[name] = len(self.sheets)
            self.sheets.append(name)
        return self._sheet_ids[name]


def row_hashes(df):
    """A 64-bit hash per row of the cells duplicate-row compares."""
    import pandas as pd

    if not len(df):
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(df[DUPLICATE_KEYS], index=False).to_numpy(
        dtype=np.uint64)


def is_error(f: Finding) -> bool:
    return f.severity is Severity.ERROR
