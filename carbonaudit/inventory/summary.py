"""The assessed rows grouped: what inventory.json is built from, whether rows came in one
frame, in batches or from Dask partitions.

A group is one combination of everything a breakdown of the document filters or groups on
(scope, categories, site, activity, item, period, factor, market basis, gas, evidence);
each group carries its row count (`_n`) and the exact sums (see exact.py) of the mass
columns.  The groups do not depend on how the rows were split, and exact sums do not depend
on the order they were added in, so `Summary.frame()` is the same table for a file read
whole or in any batches, and so is every figure computed from it.
"""

from __future__ import annotations

import numpy as np

from carbonaudit.inventory.exact import _EXP_SPAN, ExactSums

KEY = ("scope", "scope3_category", "iso_category", "site", "activity", "item",
       "period_start", "period_end", "market_basis", "factor_id_used", "factor_status",
       "factor_unit", "other_gas", "other_gas_family")
OPTIONAL_KEY = ("data_origin", "towngas_production_factor")
SUMS = ("co2e_kg", "co2e_market_kg", "co2_fossil_kg", "co2_biogenic_kg", "ch4_fossil_kg",
        "ch4_nonfossil_kg", "n2o_kg", "other_gas_kg_kg", "other_gas_co2e_kg",
        "co2e_unsplit_kg", "hcfc_co2e_kg_outside_scopes")
OPTIONAL_SUMS = ("towngas_production_kgco2e",)
_INT_KEYS = ("scope", "scope3_category", "iso_category")
_DATE_KEYS = ("period_start", "period_end")


class Summary:
    """Running groups of assessed rows: counts and exact sums, mergeable."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.keys: list[str] | None = None
        self.sum_columns: list[str] | None = None
        self.sums: dict[str, ExactSums] = {}
        self.counts = np.zeros(0, dtype=np.int64)
        self.rows_read = 0
        self.assessed = 0

    def add(self, results, groups: bool = True) -> None:
        """Add the assessed rows of one results frame (engine.compute's output); with
        `groups` False only the rows are counted (validate reports no sums)."""
        import pandas as pd

        self.rows_read += len(results)
        ok = _assessed(results)
        self.assessed += int(ok.sum())
        if not groups:
            return
        frame = results.loc[ok] if not ok.all() else results
        keys = [*KEY, *(c for c in OPTIONAL_KEY if c in results.columns), "_evidenced"]
        sums = [*SUMS, *(c for c in OPTIONAL_SUMS if c in results.columns)]
        self._columns(keys, sums)
        if not len(frame):
            return
        local, firsts = _group_codes(frame, self.keys)
        gids = np.empty(len(firsts), dtype=np.int64)
        values = _key_values(frame, self.keys, firsts)
        for k, key in enumerate(values):
            gid = self.ids.get(key)
            if gid is None:
                gid = self.ids[key] = len(self.ids)
            gids[k] = gid
        self._grow()
        rows = gids[local]
        np.add.at(self.counts, rows, 1)
        for col in self.sum_columns:
            self.sums[col].add(rows, frame[col].to_numpy(dtype=float, na_value=np.nan))
        co2e = frame["co2e_kg"].to_numpy(dtype=float, na_value=np.nan)
        self.sums["_abs_co2e"].add(rows, np.abs(co2e))
        del pd

    def merge(self, other: Summary) -> None:
        """Add another Summary's groups (another batch or partition)."""
        self.rows_read += other.rows_read
        self.assessed += other.assessed
        if other.keys is None:
            return
        self._columns(other.keys, other.sum_columns)
        remap = np.empty(len(other.ids), dtype=np.int64)
        for key, gid in other.ids.items():
            mine = self.ids.get(key)
            if mine is None:
                mine = self.ids[key] = len(self.ids)
            remap[gid] = mine
        self._grow()
        np.add.at(self.counts, remap[np.arange(len(other.counts))], other.counts)
        for col, acc in other.sums.items():
            acc._flush()
            moved = ExactSums()
            moved.key = remap[acc.key // _EXP_SPAN] * _EXP_SPAN + acc.key % _EXP_SPAN
            moved.hi, moved.lo = acc.hi, acc.lo
            self.sums[col].merge(moved)

    def _columns(self, keys, sums) -> None:
        if self.keys is None:
            self.keys, self.sum_columns = list(keys), list(sums)
            self.sums = {c: ExactSums() for c in [*sums, "_abs_co2e"]}
        elif list(keys) != self.keys or list(sums) != self.sum_columns:
            raise ValueError("batches of one run must have the same result columns")

    def _grow(self) -> None:
        if len(self.counts) < len(self.ids):
            self.counts = np.r_[self.counts, np.zeros(len(self.ids) - len(self.counts),
                                                      dtype=np.int64)]

    def frame(self, flags=None):
        """The groups as a DataFrame sorted by key: key columns, `_n`, sums, `status`.

        `flags(frame)` may return the data-quality bit flags (`_dq`) of each group.
        """
        import pandas as pd

        keys = self.keys or [*KEY, "_evidenced"]
        sums = self.sum_columns or list(SUMS)
        order = sorted(self.ids.items(), key=lambda kv: _sortable(kv[0]))
        gids = np.array([g for _, g in order], dtype=np.int64)
        n = len(self.ids)
        data: dict = {}
        for k, col in enumerate(keys):
            vals = [key[k] for key, _ in order]
            if col in _INT_KEYS:
                data[col] = pd.array(vals, dtype="Int64")
            elif col in _DATE_KEYS:
                nat = np.iinfo(np.int64).min
                data[col] = np.array([nat if v is None else v for v in vals],
                                     dtype=np.int64).view("datetime64[ns]")
            elif col == "_evidenced":
                data["reference"] = np.array(["evidenced" if v else "" for v in vals],
                                             dtype=object)
            else:
                data[col] = np.array(["" if v is None else v for v in vals], dtype=object)
        data["_n"] = self.counts[gids] if n else np.zeros(0, dtype=np.int64)
        for col in [*sums, "_abs_co2e"]:
            acc = self.sums.get(col) or ExactSums()
            data[col] = acc.totals(max(n, 1))[gids] if n else np.zeros(0)
        out = pd.DataFrame(data)
        out["status"] = "assessed"
        out["_dq"] = (np.asarray(flags(out), dtype=np.int8) if flags is not None and n
                      else np.zeros(n, dtype=np.int8))
        return out


def _assessed(results):
    col = results["status"]
    return (col == "assessed").to_numpy(dtype=bool)


def _group_codes(frame, keys):
    """A dense group code per row over the key columns, and each group's first row."""
    import pandas as pd

    combined = np.zeros(len(frame), dtype=np.int64)
    for col in keys:
        codes = _codes(frame, col)
        width = int(codes.max()) + 1 if len(codes) else 1
        combined, _ = pd.factorize(combined * width + codes)
        combined = combined.astype(np.int64)
    n = int(combined.max()) + 1 if len(combined) else 0
    firsts = np.full(n, len(frame), dtype=np.int64)
    np.minimum.at(firsts, combined, np.arange(len(frame)))
    return combined, firsts


def _codes(frame, col):
    import pandas as pd

    if col == "_evidenced":
        return _evidenced(frame).astype(np.int64)
    s = frame[col]
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64) + 1
    if col in _DATE_KEYS:
        return pd.factorize(s.to_numpy(dtype="datetime64[ns]").view(np.int64))[0].astype(
            np.int64)
    codes, _ = pd.factorize(s, use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)


def _evidenced(frame):
    ref = frame["reference"].fillna("").astype(str).str.strip().str.len()
    return ref.to_numpy(dtype=float, na_value=0) > 0


def _key_values(frame, keys, firsts) -> list[tuple]:
    """Canonical Python values of each group's key (None for blank numbers and dates)."""
    import pandas as pd

    columns = []
    sub = frame.iloc[firsts]
    for col in keys:
        s = sub[col] if col != "_evidenced" else None
        if col == "_evidenced":
            columns.append(_evidenced(sub).tolist())
        elif col in _INT_KEYS:
            vals = s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            columns.append([None if v != v else int(v) for v in vals.tolist()])
        elif col in _DATE_KEYS:
            vals = s.to_numpy(dtype="datetime64[ns]").view(np.int64).tolist()
            nat = np.iinfo(np.int64).min
            columns.append([None if v == nat else v for v in vals])
        elif isinstance(s.dtype, pd.CategoricalDtype):
            cats = np.array(["" if c is None else str(c) for c in s.cat.categories] + [""],
                            dtype=object)
            columns.append(cats[s.cat.codes.to_numpy()].tolist())
        else:
            vals = s.astype(object).to_numpy()
            columns.append(["" if v is None or (isinstance(v, float) and v != v)
                            or v is pd.NA else str(v) for v in vals.tolist()])
    return list(zip(*columns, strict=True)) if columns else []


def _sortable(key: tuple):
    return tuple((0, "") if v is None else (1, v) for v in key)


def summarise(results, flags_column: str = "_dq"):
    """The summary frame of one whole results frame (the whole-file path of build_document).

    A `_dq` column (data-quality flags, one value per period of a series) is carried over.
    """
    s = Summary()
    s.add(results)
    if flags_column not in results.columns:
        return s.frame(), s.rows_read
    ok = _assessed(results)
    lookup = _flag_lookup(results.loc[ok], s.keys, results[flags_column].to_numpy()[ok])
    return s.frame(lambda out: [lookup.get(k, 0) for k in _frame_keys(out, s.keys)]), \
        s.rows_read


def _flag_lookup(frame, keys, flags) -> dict:
    if not len(frame):
        return {}
    local, firsts = _group_codes(frame, keys)
    values = _key_values(frame, keys, firsts)
    per = np.zeros(len(firsts), dtype=np.int64)
    np.bitwise_or.at(per, local, flags.astype(np.int64))
    return {k: int(f) for k, f in zip(values, per.tolist(), strict=True)}


def _frame_keys(out, keys) -> list[tuple]:
    """The key tuples of a summary frame's rows, as Summary stores them."""
    cols = []
    for col in keys:
        if col == "_evidenced":
            cols.append([bool(v) for v in out["reference"].ne("")])
        elif col in _INT_KEYS:
            cols.append([None if v is None or v is _NA() else int(v)
                         for v in out[col].astype(object)])
        elif col in _DATE_KEYS:
            vals = out[col].to_numpy(dtype="datetime64[ns]").view(np.int64)
            cols.append([None if v == np.iinfo(np.int64).min else int(v) for v in vals])
        else:
            cols.append(list(out[col]))
    return list(zip(*cols, strict=True)) if cols else []


def _NA():
    import pandas as pd

    return pd.NA


def grouped_view(a):
    """(the assessment with `results` as its grouped assessed rows, rows read).

    A batched run's results are grouped already; a whole run's rows are grouped here with
    the same exact sums, so both give the same document.
    """
    import dataclasses

    if getattr(a, "summary", None) is not None:
        return a, int(a.rows_read)
    frame, read = summarise(a.results)
    frame.attrs.update(a.results.attrs)  # e.g. the series-check counts of data_quality
    return dataclasses.replace(a, results=frame), read
