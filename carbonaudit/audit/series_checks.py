"""Checks on series of periodic rows: monthly gaps, overlapping periods, robust outliers.

A *series* is the rows of one site, activity and item: one meter, account or fuel card in
the user's terms.  Only assessed rows with a period take part.

* Gaps: a series of bills (rows of at least `MIN_BILL_DAYS` days, median period at most
  `PERIODIC_DAYS`) of a continuous supply (fuels, purchased energy, water) must cover every
  calendar month of the reporting period; with no reporting period configured, every month
  from the series' own first to its last.  Each uncovered month is named.
* Overlaps: two distinct periods of one series that share days (identical periods are
  parallel meters or accounts and are not overlaps; exact duplicates are reported by the
  row checks already).
* Outliers: per distinct period of a periodic series, quantity per day (converted to the
  factor's unit); a period is an outlier when its robust z-score (0.6745 (x - median) / MAD,
  Iglewicz and Hoaglin, threshold 3.5) exceeds the threshold *and* it is at least 3x or at
  most 1/3 of the median, so that a very steady series does not flag a 5 % wobble.  Series
  with fewer than `MIN_OUTLIER_PERIODS` periods are not tested.

Everything is grouped arithmetic over whole columns; findings are built only for what is
found, at most `MAX_LISTED` per check (one more finding says how many were not listed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.audit.frames import NAT as _NAT
from carbonaudit.audit.frames import assessed
from carbonaudit.audit.frames import codes as _codes
from carbonaudit.audit.frames import combine as _combine
from carbonaudit.audit.frames import days as _days
from carbonaudit.audit.frames import place as _at
from carbonaudit.findings import Finding, info, warning

__all__ = ["GAP", "OUTLIER", "OVERLAP", "SeriesResult", "assessed", "check_series"]

CONTINUOUS = frozenset({"stationary_combustion", "mobile_combustion", "purchased_electricity",
                        "purchased_heat", "purchased_steam", "purchased_cooling", "water"})
PERIODIC_DAYS = 93  # up to quarterly bills
MIN_BILL_DAYS = 7  # shorter rows take no part in the gap and overlap checks
MIN_OUTLIER_PERIODS = 6
Z_LIMIT = 3.5
RATIO_LIMIT = 3.0
MAX_MONTHS = 120  # a window longer than ten years is not a reporting period: no gap check
MAX_LISTED = 100
OUTLIER, GAP, OVERLAP = 1, 2, 4


@dataclass
class SeriesResult:
    """Findings, per-row flags (bit mask, aligned with the frame) and counts for the report."""

    findings: list[Finding] = field(default_factory=list)
    flags: object = None
    counts: dict = field(default_factory=dict)


def check_series(df, locate, period=None) -> SeriesResult:
    """Run the three checks over a results frame.

    `locate(index, *columns)` gives a finding's Location for a row of `df`; `period` is the
    reporting period (start, end) as dates, or None to use the span of the data.
    """
    import numpy as np

    out = SeriesResult(flags=np.zeros(len(df), dtype=np.int8))
    start = _days(df["period_start"])
    dated = assessed(df) & (start != _NAT)
    pos = np.flatnonzero(dated)
    empty = {"series": 0, "checked_for_gaps": 0, "with_gaps": 0, "with_overlaps": 0,
             "checked_for_outliers": 0, "outlier_periods": 0}
    if not len(pos):
        out.counts = empty
        return out
    end = _days(df["period_end"])[pos]
    start = start[pos]
    end = np.where(end != _NAT, end, start)
    act_codes, act_names = _codes(df["activity"])
    series = _combine(_codes(df["site"])[0][pos], act_codes[pos], _codes(df["item"])[0][pos])
    unit = _codes(df["factor_unit"])[0][pos]
    qty = df["converted_quantity"].to_numpy(dtype=float)[pos]
    # A batched run (inventory.periods) passes a few rows per period and the period's
    # quantity in `_q_period` on its first row: summed here instead of the rows' own.
    q_rows = df["_q_period"].to_numpy(dtype=float)[pos] if "_q_period" in df.columns else qty
    # Distinct periods of each series (and factor unit): every check works on these.
    pcode = _combine(series, unit, start, end)
    n_periods = int(pcode.max()) + 1
    first_pos = np.full(n_periods, len(df), dtype=np.int64)
    np.minimum.at(first_pos, pcode, pos)
    per = {
        "series": _at(series, pcode, n_periods), "unit": _at(unit, pcode, n_periods),
        "start": _at(start, pcode, n_periods), "end": _at(end, pcode, n_periods),
        "q": np.bincount(pcode, weights=q_rows, minlength=n_periods),
        "first": first_pos,
    }
    per["days"] = np.maximum(per["end"] - per["start"] + 1, 1)
    # a row of a day or a few (a lone date: a reading or a delivery) is not a billing period
    per["ended"] = per["days"] >= MIN_BILL_DAYS
    n_series = int(series.max()) + 1
    median_days = _group_median(per["days"].astype(float), per["series"], n_series)
    periodic = median_days <= PERIODIC_DAYS
    act_of_series = _at(act_codes[pos], series, n_series)
    continuous_act = np.isin(np.asarray(act_names, dtype=object), list(CONTINUOUS))
    continuous = periodic & continuous_act[act_of_series]
    index = df.index
    gap_series, gap_found = _gaps(per, continuous, df, index, locate, period)
    overlap_series, overlap_found = _overlaps(per, continuous, df, index, locate)
    outliers, outlier_found, tested = _outliers(per, periodic, pcode, pos, qty, df, locate,
                                                out.flags)
    out.findings = [*gap_found, *overlap_found, *outlier_found]
    for bad, bit in ((gap_series, GAP), (overlap_series, OVERLAP)):
        if bad:
            mark = np.zeros(n_series, dtype=bool)
            mark[list(bad)] = True
            out.flags[pos[mark[series]]] |= bit
    out.counts = {**empty, "series": n_series, "checked_for_gaps": int(continuous.sum()),
                  "with_gaps": len(gap_series), "with_overlaps": len(overlap_series),
                  "checked_for_outliers": tested, "outlier_periods": outliers}
    return out


def _group_median(values, groups, n):
    import numpy as np
    import pandas as pd

    med = pd.Series(values).groupby(groups).median()
    out = np.full(n, np.nan)
    out[med.index.to_numpy()] = med.to_numpy()
    return out


def _name(df, position: int) -> str:
    r = df.iloc[position]
    site = str(r["site"]) if "site" in r.index and str(r["site"]) else "(no site)"
    return f"{site} {r['activity']} {r['item']}"


def _capped(found: list[Finding], code: str, what: str) -> list[Finding]:
    if len(found) <= MAX_LISTED:
        return found
    rest = len(found) - MAX_LISTED
    return [*found[:MAX_LISTED], info(code, f"{rest} more {what} were found and not listed; "
                                            "the data_quality section of inventory.json counts "
                                            "them all.")]


def _months(days):
    """Months since 1970-01 of int64 day numbers."""
    import numpy as np

    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _month_name(index: int) -> str:
    return f"{1970 + index // 12:04d}-{index % 12 + 1:02d}"


def _first_of_series(per, keep):
    """Series code -> position of its first row (as read), over the periods kept."""
    import numpy as np

    n = int(per["series"].max()) + 1
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, per["series"][keep], per["first"][keep])
    return first


def _gaps(per, continuous, df, index, locate, period):
    import numpy as np

    keep = continuous[per["series"]] & per["ended"]
    if not keep.any():
        return set(), []
    start, end = _months(per["start"][keep]), _months(per["end"][keep])
    series, local = np.unique(per["series"][keep], return_inverse=True)
    configured = bool(period and period[0] and period[1])
    if configured:  # every series must cover the reporting period
        w = _months(np.array([period[0], period[1]], dtype="datetime64[D]").astype(np.int64))
        m0, m1 = int(w[0]), int(w[1])
        own_lo = np.zeros(len(series), dtype=np.int64)
        own_hi = np.full(len(series), m1 - m0, dtype=np.int64)
    else:  # no reporting period: only gaps inside each series' own first..last month
        m0, m1 = int(start.min()), int(end.max())
        own_lo = np.full(len(series), np.iinfo(np.int64).max, dtype=np.int64)
        own_hi = np.full(len(series), np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(own_lo, local, start - m0)
        np.maximum.at(own_hi, local, end - m0)
    width = m1 - m0 + 1
    if width <= 0 or width > MAX_MONTHS:
        return set(), []
    lo = np.clip(start - m0, 0, width)
    hi = np.clip(end - m0 + 1, 0, width)  # exclusive
    inside = hi > lo
    diff = np.zeros((len(series), width + 1), dtype=np.int64)
    np.add.at(diff, (local[inside], lo[inside]), 1)
    np.add.at(diff, (local[inside], hi[inside]), -1)
    covered = np.cumsum(diff, axis=1)[:, :width] > 0
    months_idx = np.arange(width)
    expected = (months_idx >= own_lo[:, None]) & (months_idx <= own_hi[:, None])
    missing = expected & ~covered
    first = _first_of_series(per, keep)
    found: list[Finding] = []
    with_gaps = set()
    span = "months of the reporting period" if configured else "months from its first to its last"
    for k in np.flatnonzero(missing.any(axis=1)):
        code = int(series[k])
        with_gaps.add(code)
        if len(found) > MAX_LISTED:
            found.append(None)  # counted, not built
            continue
        months = [_month_name(m0 + int(m)) for m in np.flatnonzero(missing[k])]
        shown = ", ".join(months[:12]) + (f" and {len(months) - 12} more" if len(months) > 12
                                           else "")
        found.append(warning(
            "monthly-gap",
            f"{_name(df, first[code])} has no row for {shown} "
            f"({int((covered[k] & expected[k]).sum())} of {int(expected[k].sum())} {span} "
            "covered); add the missing bill or reading, or explain the gap.",
            locate(index[first[code]], "period_start", "quantity")))
    return with_gaps, _capped(found, "monthly-gap", "series with monthly gaps")


def _overlaps(per, continuous, df, index, locate):
    import pandas as pd

    keep = continuous[per["series"]] & per["ended"]
    if not keep.any():
        return set(), []
    periods = pd.DataFrame({"series": per["series"][keep], "start": per["start"][keep],
                            "end": per["end"][keep], "first": per["first"][keep]})
    periods = periods.sort_values(["series", "start", "end", "first"], kind="stable")
    periods = periods.drop_duplicates(["series", "start", "end"])
    reach = periods.groupby("series")["end"].cummax()
    prev = reach.groupby(periods["series"]).shift(1)
    hit = (periods["start"] <= prev).to_numpy()
    found: list[Finding] = []
    with_overlaps = set()
    for code, group in periods[hit].groupby("series", sort=True):
        with_overlaps.add(int(code))
        r = group.iloc[0]
        until = _date(prev.loc[group.index[0]])
        n = len(group)
        more = f" ({n} overlapping periods in this series; first shown)" if n > 1 else ""
        found.append(warning(
            "overlapping-periods",
            f"{_name(df, int(r['first']))}: the period {_date(r['start'])} to "
            f"{_date(r['end'])} overlaps an earlier row of the same series that runs to "
            f"{until}; check the days are not counted twice{more}.",
            locate(index[int(r["first"])], "period_start", "quantity")))
    return with_overlaps, _capped(found, "overlapping-periods", "series with overlaps")


def _date(days) -> str:
    import numpy as np

    return str(np.datetime64(int(days), "D"))


def _outliers(per, periodic, pcode, pos, qty, df, locate, flags):
    import numpy as np
    import pandas as pd

    keep = periodic[per["series"]]
    if not keep.any():
        return 0, [], 0
    t = pd.DataFrame({"series": per["series"], "unit": per["unit"],
                      "rate": per["q"] / per["days"]})[keep]
    group = t.groupby(["series", "unit"])["rate"]
    t["n"] = group.transform("size")
    t["med"] = group.transform("median")
    t["dev"] = (t["rate"] - t["med"]).abs()
    dev = t.groupby(["series", "unit"])["dev"]
    t["mad"] = dev.transform("median")
    t["mean_ad"] = dev.transform("mean")
    diff = (t["rate"] - t["med"]).to_numpy()
    mad, mean_ad, med = t["mad"].to_numpy(), t["mean_ad"].to_numpy(), t["med"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(mad > 0, 0.6745 * diff / mad,
                     np.where(mean_ad > 0, diff / (1.253314 * mean_ad), 0.0))
        ratio = t["rate"].to_numpy() / med
    tested = t["n"].to_numpy() >= MIN_OUTLIER_PERIODS
    hit = tested & (med > 0) & (np.abs(z) > Z_LIMIT) & (
        (ratio >= RATIO_LIMIT) | (ratio <= 1 / RATIO_LIMIT))
    tested_series = int(t.loc[tested, "series"].nunique())
    if not hit.any():
        return 0, [], tested_series
    hit_periods = t.index.to_numpy()[hit]
    is_hit = np.zeros(len(per["q"]), dtype=bool)
    is_hit[hit_periods] = True
    members = is_hit[pcode]
    flags[pos[members]] |= OUTLIER
    # the row most likely at fault: the largest of a high period, the smallest of a low one
    m_code, m_pos, m_qty = pcode[members], pos[members], qty[members]
    order = np.lexsort((m_qty, m_code))
    lows = {}
    highs = {}
    for c, p in zip(m_code[order], m_pos[order], strict=True):
        lows.setdefault(int(c), int(p))
        highs[int(c)] = int(p)
    found: list[Finding] = []
    for k in np.flatnonzero(hit)[:MAX_LISTED + 1]:
        code = int(t.index[k])
        high = ratio[k] > 1
        row = highs[code] if high else lows[code]
        r = df.iloc[row]
        given = (f" (this row: {r['quantity_given']} {r['unit_text']})"
                 if "quantity_given" in r.index and "unit_text" in r.index else "")
        found.append(warning(
            "outlier-period",
            f"{_name(df, row)}{given}: {_date(per['start'][code])} to {_date(per['end'][code])}"
            f" comes to {ratio[k]:.1f}x the series' median quantity per day (robust z "
            f"{z[k]:.1f}); check the reading, the unit or the period.",
            locate(df.index[row], "quantity")))
    found += [None] * (int(hit.sum()) - len(found))
    return int(hit.sum()), _capped(found, "outlier-period", "outlier periods"), tested_series
