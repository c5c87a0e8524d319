"""The series checks of a batched run from one small table of periods, not every row.

audit.series_checks works on the distinct periods of each series (site, activity, item,
factor unit, start, end): their summed quantity, their first row, and for an outlier the
period's smallest and largest row.  `Periods` keeps exactly that over the batches:

* the quantity of each period, added row by row in the order of the rows (np.add.at, the
  same sequence of additions as series_checks' np.bincount over a whole frame, so the same
  float to the last bit);
* the period's first row, its smallest row (the first of equal ones) and its largest (the
  last of equal ones), with the cells the checks quote;
* the order in which sites, activities and items first appear in the whole file, which
  numbers the series as a whole-file run numbers them.

`frame()` is a results-like frame of those few rows per period; the `_q_period` column
gives each period's quantity on its first row (0 on the others), which check_series sums
instead of the rows' own quantities.  Memory is per period, not per row.
"""

from __future__ import annotations

import numpy as np

# The columns the series checks (audit.series_checks) read from a row.
SERIES_COLUMNS = ("_file", "_sheet", "_row", "status", "site", "activity", "item",
                  "factor_unit", "period_start", "period_end", "converted_quantity",
                  "quantity_given", "unit_text")
_ORDERED = ("site", "activity", "item")
_NAT = np.iinfo(np.int64).min


class Periods:
    """Distinct periods of dated assessed rows, their quantities and their telling rows."""

    def __init__(self) -> None:
        self.ids: dict[tuple, int] = {}
        self.q = np.zeros(0)
        self.first = np.zeros(0, dtype=np.int64)
        self.min_q = np.zeros(0)
        self.min_at = np.zeros(0, dtype=np.int64)
        self.max_q = np.zeros(0)
        self.max_at = np.zeros(0, dtype=np.int64)
        self.rows: dict[int, tuple] = {}  # ordinal -> SERIES_COLUMNS values of a telling row
        self.order: dict[str, dict] = {c: {} for c in _ORDERED}  # first-appearance order
        self.unit_dtype = None

    def add(self, series, appear: dict, offset: int) -> None:
        """One batch: `series` its dated assessed rows (SERIES_COLUMNS, `_t`, and `_pos`, the
        row's place in the batch), `appear` its sites, activities and items in order of
        appearance over all its rows, `offset` the run's rows before it."""
        import pandas as pd

        for col in _ORDERED:  # every row counts, as in a whole-file factorize
            seen = self.order[col]
            for v in appear[col]:
                seen.setdefault(v, len(seen))
        if not len(series):
            return
        if self.unit_dtype is None and isinstance(series["factor_unit"].dtype,
                                                  pd.CategoricalDtype):
            self.unit_dtype = series["factor_unit"].dtype
        start = series["period_start"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        end = series["period_end"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        end = np.where(end != _NAT, end, start)  # as series_checks keys a lone date
        cols = [series["site"].astype(object).to_numpy(),
                series["activity"].astype(object).to_numpy(),
                series["item"].astype(object).to_numpy(),
                series["factor_unit"].astype(object).to_numpy(), start, end]
        local = np.zeros(len(series), dtype=np.int64)
        for col in cols:  # one dense code per distinct key, without grouping objects
            codes, uniq = pd.factorize(col, use_na_sentinel=False)
            local = pd.factorize(local * (len(uniq) + 1) + codes)[0].astype(np.int64)
        firsts = np.full(int(local.max()) + 1, len(local), dtype=np.int64)
        np.minimum.at(firsts, local, np.arange(len(local)))
        gid = np.empty(len(firsts), dtype=np.int64)
        values = zip(*(c[firsts].tolist() for c in cols), strict=True)
        for k, row in enumerate(values):
            gid[k] = self.ids.setdefault(row, len(self.ids))
        self._grow()
        g = gid[local]
        qty = series["converted_quantity"].to_numpy(dtype=float)
        ords = offset + series["_pos"].to_numpy(dtype=np.int64)
        np.add.at(self.q, g, qty)  # in row order: the additions a whole-file bincount makes
        np.minimum.at(self.first, g, ords)
        self._extremes(g, qty, ords)
        kept = np.unique(np.r_[self.first, self.min_at, self.max_at])
        keep = set(kept.tolist())
        take = np.flatnonzero(np.isin(ords, kept))
        cells = series.iloc[take][[*SERIES_COLUMNS, "_t"]]
        for o, row in zip(ords[take].tolist(), cells.itertuples(index=False, name=None),
                          strict=True):
            self.rows[o] = row
        self.rows = {o: r for o, r in self.rows.items() if o in keep}

    def _extremes(self, g, qty, ords) -> None:
        """The smallest (first of equals) and largest (last of equals) row of each period."""
        o = np.lexsort((ords, qty, g))
        head = np.r_[True, g[o][1:] != g[o][:-1]]
        tail = np.r_[g[o][1:] != g[o][:-1], True]
        lo, hi = o[head], o[tail]
        gl, gh = g[lo], g[hi]
        better = (qty[lo] < self.min_q[gl]) | self._fresh_min[gl]
        self.min_q[gl[better]], self.min_at[gl[better]] = qty[lo][better], ords[lo][better]
        better = (qty[hi] >= self.max_q[gh]) | self._fresh_max[gh]
        self.max_q[gh[better]], self.max_at[gh[better]] = qty[hi][better], ords[hi][better]
        self._fresh_min[gl] = False
        self._fresh_max[gh] = False

    def merge(self, other: Periods, offset: int, t_offset: int) -> None:
        """A later partition's periods (Dask): its quantities are added as partition sums,
        which may differ in the last bit from row-by-row additions over all partitions."""
        for col in _ORDERED:
            seen = self.order[col]
            for v in other.order[col]:
                seen.setdefault(v, len(seen))
        if self.unit_dtype is None:
            self.unit_dtype = other.unit_dtype
        if not other.ids:
            return
        remap = np.empty(len(other.ids), dtype=np.int64)
        for key, gid in other.ids.items():
            remap[gid] = self.ids.setdefault(key, len(self.ids))
        self._grow()
        np.add.at(self.q, remap, other.q)
        np.minimum.at(self.first, remap, other.first + offset)
        self._extremes(np.r_[remap, remap], np.r_[other.min_q, other.max_q],
                       np.r_[other.min_at, other.max_at] + offset)
        for o, row in other.rows.items():
            r = list(row)
            r[-1] = r[-1] + t_offset
            self.rows[o + offset] = tuple(r)
        keep = {int(x) for arr in (self.first, self.min_at, self.max_at) for x in arr.tolist()}
        self.rows = {o: r for o, r in self.rows.items() if o in keep}

    def _grow(self) -> None:
        n = len(self.ids)
        if len(self.q) >= n:
            return
        extra = n - len(self.q)
        self.q = np.r_[self.q, np.zeros(extra)]
        self.first = np.r_[self.first, np.full(extra, np.iinfo(np.int64).max)]
        self.min_q = np.r_[self.min_q, np.zeros(extra)]
        self.min_at = np.r_[self.min_at, np.full(extra, -1)]
        self.max_q = np.r_[self.max_q, np.zeros(extra)]
        self.max_at = np.r_[self.max_at, np.full(extra, -1)]
        self._fresh_min = np.r_[getattr(self, "_fresh_min", np.zeros(0, bool)),
                                np.ones(extra, bool)]
        self._fresh_max = np.r_[getattr(self, "_fresh_max", np.zeros(0, bool)),
                                np.ones(extra, bool)]

    def frame(self):
        """A results-like frame of the telling rows, by row order, with `_q_period`."""
        import pandas as pd

        ords = sorted(self.rows)
        cols = list(SERIES_COLUMNS) + ["_t"]
        data = list(zip(*(self.rows[o] for o in ords), strict=True)) if ords else [
            [] for _ in cols]
        out = pd.DataFrame({c: list(v) for c, v in zip(cols, data, strict=True)},
                           index=pd.Index(ords, dtype=np.int64))
        for col in _ORDERED:  # numbered in the order they appear in the whole file
            cats = list(self.order[col])
            out[col] = pd.Categorical(out[col].astype(object).where(out[col].notna(), ""),
                                      categories=cats)
        if self.unit_dtype is not None:
            out["factor_unit"] = out["factor_unit"].astype(self.unit_dtype)
        for col in ("period_start", "period_end"):
            out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]") if len(out) else \
                pd.Series(dtype="datetime64[ns]")
        out["converted_quantity"] = out["converted_quantity"].astype(float)
        q = np.zeros(len(out))
        at = {o: k for k, o in enumerate(ords)}
        for g, o in enumerate(self.first.tolist()):
            q[at[o]] = self.q[g]
        out["_q_period"] = q
        return out
