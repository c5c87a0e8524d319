"""Per-row uncertainty inputs: the shipped default table, the data origin, row overrides.

Each assessed row gets an activity-data (AD) and an emission-factor (EF) uncertainty, as
`-lower/+upper` fractions at 95 % with a distribution, and the id of where they came from:
a row of `data/uncertainty_defaults.csv` (with its source and status), or `row` when the
row's own `ad_uncertainty_pct` / `ef_uncertainty_pct` cell gave it.  Defaults are chosen
by activity, item and data origin (metered, invoiced, estimated, or unspecified when the
row does not say), the most specific row winning.  Resolution runs once per distinct
(activity, item, origin), then is taken per row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from carbonaudit.audit.distributions import choose, problem
from carbonaudit.factors.vocab import fold

ORIGINS = ("metered", "invoiced", "estimated", "unspecified")
PARAMETERS = ("activity_data", "emission_factor")
STATUSES = ("verified", "secondary", "derived", "unverified")
OVERRIDE_COLUMNS = {"activity_data": "ad_uncertainty_pct", "emission_factor": "ef_uncertainty_pct"}
ORIGIN_COLUMN = "data_origin"

# Spellings of a data origin as people write them (English, Traditional, Simplified).
_ORIGIN_ALIASES = {
    "metered": ("metered", "meter", "measured", "meter reading", "計量", "计量", "抄表", "實測",
                "实测"),
    "invoiced": ("invoiced", "invoice", "bill", "billed", "statement", "發票", "发票", "帳單",
                 "账单"),
    "estimated": ("estimated", "estimate", "estimation", "calculated", "assumed", "apportioned",
                  "估算", "估計", "估计", "推算"),
}
_ORIGIN_LOOKUP = {fold(s): o for o, names in _ORIGIN_ALIASES.items() for s in names}


@dataclass(frozen=True, slots=True)
class Default:
    """One row of the default table; lower and upper are fractions (0.05 = 5 %)."""

    id: str
    parameter: str
    activity: str
    item: str
    data_origin: str
    lower: float
    upper: float
    distribution: str
    source: str
    status: str
    notes: str


@cache
def defaults() -> dict[str, Default]:
    """The shipped default table by id; a malformed row is a packaging bug and raises."""
    text = files("carbonaudit").joinpath("audit/data/uncertainty_defaults.csv").read_text(
        "utf-8")
    out: dict[str, Default] = {}
    for n, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        d = Default(row["id"], row["parameter"], row["activity"], row["item"],
                    row["data_origin"], float(row["lower_pct"]) / 100,
                    float(row["upper_pct"]) / 100, row["distribution"], row["source"],
                    row["status"], row["notes"])
        why = problem(d.lower, d.upper, d.distribution)
        bad = (why or (d.parameter not in PARAMETERS and "unknown parameter")
               or (d.status not in STATUSES and "unknown status")
               or (d.data_origin not in (*ORIGINS, "*") and "unknown data origin")
               or (d.id in out and "duplicate id") or (not d.source.strip() and "no source"))
        if bad:
            raise ValueError(f"uncertainty_defaults.csv line {n} ({d.id}): {bad}")
        out[d.id] = d
    for parameter in PARAMETERS:  # every row must find a default
        if not any(d.parameter == parameter and d.activity == d.item == "*"
                   and d.data_origin in ("*", "unspecified") for d in out.values()):
            raise ValueError(f"uncertainty_defaults.csv has no catch-all {parameter} row")
    return out


@cache
def lookup(parameter: str, activity: str, item: str, origin: str) -> Default:
    """The most specific default: activity and item beat activity alone beat the catch-all;
    at each level a row for the data origin beats a row for any origin."""
    origin = origin if parameter == "activity_data" else "*"
    table = [d for d in defaults().values() if d.parameter == parameter]
    for act, itm in ((activity, item), (activity, "*"), ("*", "*")):
        for org in (origin, "*"):
            for d in table:
                if d.activity == act and d.item == itm and d.data_origin == org:
                    return d
    if origin != "unspecified":  # an origin without its own row falls back to unspecified
        return lookup(parameter, activity, item, "unspecified")
    raise LookupError(f"no {parameter} default for {activity}/{item}")  # defaults() forbids


def origin_of(text: str) -> str | None:
    """The data origin a cell names; "unspecified" for a blank cell, None if not understood."""
    if not text or not str(text).strip():
        return "unspecified"
    return _ORIGIN_LOOKUP.get(fold(str(text)))


_NUMBER = r"(\d+(?:\.\d+)?)"
_SYMMETRIC = re.compile(rf"^(?:±|\+/-|\+-)?\s*{_NUMBER}\s*%?$")
_SPLIT = re.compile(rf"^-\s*{_NUMBER}\s*%?\s*(?:/|,|;|\s)\s*\+\s*{_NUMBER}\s*%?$")


def parse_percent(text) -> tuple[float, float] | None:
    """A cell's "5", "5 %", "±5", "+/-5" or "-3/+8" as (lower, upper) fractions; None if the
    text is none of these.  Numbers already stored as numbers are accepted too."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return (float(text) / 100, float(text) / 100) if text == text and text >= 0 else None
    s = str(text).strip().replace("\u2212", "-").replace("\uff05", "%").replace("\u00a0", " ")
    if m := _SYMMETRIC.match(s):
        v = float(m.group(1)) / 100
        return v, v
    if m := _SPLIT.match(s):
        return float(m.group(1)) / 100, float(m.group(2)) / 100
    return None


@dataclass
class RowParameters:
    """Per-row uncertainty inputs as numpy arrays aligned with the rows they came from."""

    ad_lower: object
    ad_upper: object
    ad_dist: object
    ad_source: object
    ef_lower: object
    ef_upper: object
    ef_dist: object
    ef_source: object
    origin: object
    problems: list  # (row label, column, cell text, why): cells that were not understood


def row_parameters(rows) -> RowParameters:
    """Uncertainty inputs for each row of `rows` (a results frame of assessed rows).

    A row's own `ad_uncertainty_pct` / `ef_uncertainty_pct` / `data_origin` cell wins when
    the frame carries those columns; a cell that cannot be read is listed in `problems` and
    the row keeps the default, so the caller can report it where the cell is.
    """
    import numpy as np
    import pandas as pd

    problems: list = []
    origin = _origins(rows, problems)
    out = {}
    for parameter, prefix in (("activity_data", "ad"), ("emission_factor", "ef")):
        keys = pd.DataFrame({"a": rows["activity"].astype(str).to_numpy(),
                             "i": rows["item"].astype(str).to_numpy(), "o": origin})
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
        found = [lookup(parameter, a, i, o) for a, i, o in uniques]
        lower = np.array([d.lower for d in found] or [0.0])[codes]
        upper = np.array([d.upper for d in found] or [0.0])[codes]
        dist = np.array([d.distribution for d in found] or [""], dtype=object)[codes]
        source = np.array([d.id for d in found] or [""], dtype=object)[codes]
        given = _overrides(rows, OVERRIDE_COLUMNS[parameter], problems)
        if given is not None:
            mask, lo, hi = given
            lower = np.where(mask, lo, lower)
            upper = np.where(mask, hi, upper)
            chosen = np.array([choose(a, b) for a, b in zip(lo[mask], hi[mask], strict=True)],
                              dtype=object)
            dist = dist.copy()
            dist[mask] = chosen
            source = np.where(mask, "row", source)
        out[prefix] = (lower, upper, dist, source)
    return RowParameters(*out["ad"], *out["ef"], origin, problems)


def _origins(rows, problems: list):
    import numpy as np
    import pandas as pd

    if ORIGIN_COLUMN not in rows.columns:
        return np.full(len(rows), "unspecified", dtype=object)
    text = rows[ORIGIN_COLUMN].fillna("").astype(str)
    codes, uniques = pd.factorize(text)
    mapped = [origin_of(u) for u in uniques]
    for k, (u, m) in enumerate(zip(uniques, mapped, strict=True)):
        if m is None:
            first = rows.index[np.flatnonzero(codes == k)[0]]
            problems.append((first, ORIGIN_COLUMN, u, "is not metered, invoiced or estimated"))
    return np.array([m or "unspecified" for m in mapped] or ["unspecified"],
                    dtype=object)[codes] if len(rows) else np.array([], dtype=object)


def _overrides(rows, column: str, problems: list):
    import numpy as np
    import pandas as pd

    if column not in rows.columns:
        return None
    text = rows[column].fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(text)
    parsed = []
    for k, u in enumerate(uniques):
        value = parse_percent(u) if u else None
        why = None
        if u and value is None:
            why = "is not a percentage such as 5, ±5 % or -3/+8"
        elif value is not None:
            why = problem(value[0], value[1], choose(*value))
        if why:
            for i in np.flatnonzero(codes == k):
                problems.append((rows.index[i], column, u, why))
            value = None
        parsed.append(value)
    mask = np.array([v is not None for v in parsed] or [False])[codes]
    lo = np.array([v[0] if v else np.nan for v in parsed] or [np.nan])[codes]
    hi = np.array([v[1] if v else np.nan for v in parsed] or [np.nan])[codes]
    return mask, lo, hi
