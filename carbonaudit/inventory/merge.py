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
        self.add_rows((str(f.severity), f.code, base, loc.file, loc.sheet), loc, rows)

    def add_rows(self, key: tuple, loc: Location, rows) -> None:
        """Add rows to the note `key` (severity, code, message, file, sheet)."""
        entry = self.notes.setdefault(key, [loc, []])
        if sort_key(Finding(key[1], key[0], "", loc)) < sort_key(
                Finding(key[1], key[0], "", entry[0])):
            entry[0] = loc
        entry[1].append(np.asarray(rows, dtype=np.int32))  # sheet rows; half the memory

    def findings(self) -> list[Finding]:
        return [grouped(sev, code, base, loc, np.concatenate(rows))
                for (sev, code, base, _, _), (loc, rows) in self.notes.items()]


class CountedNotes:
    """Notes that say how many rows of a spelling they stand for: counts added up."""

    def __init__(self) -> None:
        self.notes: dict[tuple, list] = {}

    def add(self, f: Finding) -> None:
        m = _COUNT.search(f.message)
        self.add_counted(f, int(m[1]) if m else 1)

    def add_counted(self, f: Finding, n: int) -> None:
        """Add a note standing for n rows (the earliest finding of a kind is kept)."""
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
    """Every distinct row key seen so far (hash -> first sheet and row), sorted.

    `check` finds the repeats of one batch against everything before it; `merge_after`
    joins the index of a later partition read on its own (Dask), re-pointing its repeats
    at rows of earlier partitions.
    """

    def __init__(self) -> None:
        # Sorted runs of (hash, where: sheet number << 40 | row, counted: the first row has
        # a quantity, so it can repeat), merged when a run grows to the size of the one
        # before it: each batch costs a sort of its own keys, not of the whole index.
        self.runs: list[tuple] = []
        self.sheets: list[tuple[str, str, str]] = []  # (file, sheet, quantity column letter)
        self._sheet_ids: dict[tuple, int] = {}
        self.repeats: list[tuple[int, int]] = []  # (hash, where) of each repeat reported

    def check(self, df, tables, hashes) -> list[Finding]:
        """Warnings for the rows of df (one batch, in order) that repeat an earlier row."""
        import pandas as pd

        if not len(df):
            return []
        t = df["_t"].to_numpy(dtype=np.int64)
        ids = {}
        for k in np.unique(t):
            tab = tables[int(k)]
            ids[int(k)] = self._sheet_id(tab.source.path, tab.sheet,
                                         tab.columns.get("quantity") or "A")
        sheet_ids = np.array([ids[int(k)] for k in t], dtype=np.int64) if len(ids) > 1 else \
            np.full(len(df), next(iter(ids.values())), dtype=np.int64)
        where = (sheet_ids << 40) | df["_row"].to_numpy(dtype=np.int64)
        counted = df["quantity_given"].ne("").to_numpy(dtype=bool)
        codes, uniques = pd.factorize(hashes)
        uniques = np.asarray(uniques, dtype=np.uint64)
        first_local = np.full(len(uniques), len(df), dtype=np.int64)
        np.minimum.at(first_local, codes, np.arange(len(df)))
        seen, found = self._find(uniques)
        first_where = np.where(seen, found, where[first_local])
        is_first = (np.arange(len(df)) == first_local[codes]) & ~seen[codes]
        dup = ~is_first & counted
        out = []
        for i in np.flatnonzero(dup):
            out.append(self._finding(int(where[i]), int(first_where[codes[i]])))
            self.repeats.append((int(uniques[codes[i]]), int(where[i])))
        new = ~seen
        if new.any():
            self._add(uniques[new], where[first_local[new]], counted[first_local[new]])
        return out

    def merge_after(self, other: DuplicateIndex) -> list[Finding]:
        """Join a later partition's index; the findings that change (old ones to drop are
        the repeats of `other` re-pointed here, returned as (drop, add) lists)."""
        remap = np.array([self._sheet_id(*s) for s in other.sheets], dtype=np.int64)

        def moved(w):
            return (remap[w >> 40] << 40) | (w & ((1 << 40) - 1))

        drop, add = [], []
        o_hash, o_where, o_counted = other._compact()
        seen, found = self._find(o_hash)
        for h, w in other.repeats:  # repeats of a row of an earlier partition: re-pointed
            k = int(np.searchsorted(o_hash, np.uint64(h)))
            if seen[k]:
                drop.append(other._finding(w, int(o_where[k])))
                add.append(self._finding(int(moved(w)), int(found[k])))
            self.repeats.append((h, int(moved(w))))
        for k in np.flatnonzero(seen & o_counted):  # its first rows repeat earlier ones
            w = int(moved(o_where[k]))
            add.append(self._finding(w, int(found[k])))
            self.repeats.append((int(o_hash[k]), w))
        new = ~seen
        if new.any():
            self._add(o_hash[new], moved(o_where[new]), o_counted[new])
        return drop, add

    def _find(self, hashes):
        """(seen, where of the first row) for each hash."""
        seen = np.zeros(len(hashes), dtype=bool)
        found = np.zeros(len(hashes), dtype=np.int64)
        for h, w, _ in self.runs:
            at = np.minimum(np.searchsorted(h, hashes), len(h) - 1)
            hit = (h[at] == hashes) & ~seen
            found[hit] = w[at[hit]]
            seen |= hit
        return seen, found

    def _add(self, hashes, where, counted) -> None:
        order = np.argsort(hashes, kind="stable")
        self.runs.append((hashes[order], where[order], counted[order]))
        while len(self.runs) > 1 and len(self.runs[-1][0]) * 2 >= len(self.runs[-2][0]):
            b, a = self.runs.pop(), self.runs.pop()
            self.runs.append(_merge_runs(a, b))

    def _compact(self):
        """Every run as one: (hashes, where, counted)."""
        while len(self.runs) > 1:
            b, a = self.runs.pop(), self.runs.pop()
            self.runs.append(_merge_runs(a, b))
        if not self.runs:
            return (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64),
                    np.zeros(0, dtype=bool))
        return self.runs[0]

    def _finding(self, where: int, first: int) -> Finding:
        file, sheet, letter = self.sheets[where >> 40]
        row = where & ((1 << 40) - 1)
        return warning(
            "duplicate-row",
            f"This row repeats {self.sheets[first >> 40][1]} row {first & ((1 << 40) - 1)} "
            f"exactly; check it is not counted twice.",
            Location(file, sheet, f"{letter}{row}"))

    def _sheet_id(self, file: str, sheet: str, letter: str) -> int:
        key = (file, sheet, letter)
        if key not in self._sheet_ids:
            self._sheet_ids[key] = len(self.sheets)
            self.sheets.append(key)
        return self._sheet_ids[key]


def _merge_runs(a, b):
    h = np.concatenate([a[0], b[0]])
    order = np.argsort(h, kind="stable")
    return h[order], np.concatenate([a[1], b[1]])[order], np.concatenate([a[2], b[2]])[order]


def row_hashes(df):
    """A 64-bit hash per row of the cells duplicate-row compares."""
    import pandas as pd

    if not len(df):
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(df[DUPLICATE_KEYS], index=False).to_numpy(
        dtype=np.uint64)


def is_error(f: Finding) -> bool:
    return f.severity is Severity.ERROR
