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
    """Per-row uncertainty inputs as numpy arrays aligned with the rows they came from.

    Distributions are codes into DISTRIBUTIONS and sources codes into `source_ids`, so a
    million rows carry small integers rather than text.
    """

    ad_lower: object
    ad_upper: object
    ad_dist: object
    ad_source: object
    ef_lower: object
    ef_upper: object
    ef_dist: object
    ef_source: object
    origin: object  # codes into ORIGINS
    source_ids: list
    parameter_set: object  # one code per distinct (activity, item, origin, overrides)
    problems: list  # (row label, column, cell text, why): cells that were not understood

    def origin_names(self):
        """The data origin of each row as text."""
        import numpy as np

        return np.asarray(ORIGINS, dtype=object)[self.origin]


def row_parameters(rows, keys=None) -> RowParameters:
    """Uncertainty inputs for each row of `rows` (a results frame of assessed rows).

    A row's own `ad_uncertainty_pct` / `ef_uncertainty_pct` / `data_origin` cell wins when
    the frame carries those columns; a cell that cannot be read is listed in `problems` and
    the row keeps the default, so the caller can report it where the cell is.  Defaults are
    looked up once per distinct (activity, item, origin).  `keys` may pass the activity and
    item codes (frames.codes of each) when the caller has them already.
    """
    import numpy as np

    from carbonaudit.audit.distributions import DISTRIBUTIONS
    from carbonaudit.audit.frames import codes, combine, first_positions

    problems: list = []
    origin = _origins(rows, problems)
    (act, act_names), (item, item_names) = keys or (codes(rows["activity"]),
                                                    codes(rows["item"]))
    combo = combine(act, item, origin) if len(rows) else np.zeros(0, dtype=np.int64)
    n = int(combo.max()) + 1 if len(combo) else 0
    first = first_positions(combo, n)
    keys = [(act_names[act[f]], item_names[item[f]], ORIGINS[origin[f]]) for f in first]
    source_ids: list = ["row"]
    out = {}
    overridden = []
    for parameter, prefix in (("activity_data", "ad"), ("emission_factor", "ef")):
        found = [lookup(parameter, *k) for k in keys]
        for d in found:
            if d.id not in source_ids:
                source_ids.append(d.id)
        lower = np.array([d.lower for d in found] or [0.0])[combo]
        upper = np.array([d.upper for d in found] or [0.0])[combo]
        dist = np.array([DISTRIBUTIONS.index(d.distribution) for d in found] or [0],
                        dtype=np.int8)[combo]
        source = np.array([source_ids.index(d.id) for d in found] or [0],
                          dtype=np.int16)[combo]
        given = _overrides(rows, OVERRIDE_COLUMNS[parameter], problems)
        if given is not None:
            mask, lo, hi = given
            lower = np.where(mask, lo, lower)
            upper = np.where(mask, hi, upper)
            dist = dist.copy()
            dist[mask] = [DISTRIBUTIONS.index(choose(a, b))
                          for a, b in zip(lo[mask], hi[mask], strict=True)]
            source = np.where(mask, 0, source).astype(np.int16)
            overridden += [lower, upper, dist]
        out[prefix] = (lower, upper, dist, source)
    parameter_set = combine(combo, *overridden) if overridden and len(rows) else combo
    return RowParameters(*out["ad"], *out["ef"], origin, source_ids, parameter_set, problems)


def _origins(rows, problems: list):
    """Codes into ORIGINS per row; a value not understood is listed and counts unspecified."""
    import numpy as np

    from carbonaudit.audit.frames import codes

    unspecified = ORIGINS.index("unspecified")
    if ORIGIN_COLUMN not in rows.columns:
        return np.full(len(rows), unspecified, dtype=np.int64)
    text, uniques = codes(rows[ORIGIN_COLUMN].astype(object))
    mapped = [origin_of(u) for u in uniques]
    for k, (u, m) in enumerate(zip(uniques, mapped, strict=True)):
        if m is None and (hit := np.flatnonzero(text == k)).size:
            problems.append((rows.index[hit[0]], ORIGIN_COLUMN, u,
                             "is not metered, invoiced or estimated"))
    table = np.array([ORIGINS.index(m) if m else unspecified for m in mapped] or
                     [unspecified], dtype=np.int64)
    return table[text]


def _overrides(rows, column: str, problems: list):
    import numpy as np

    from carbonaudit.audit.frames import codes

    if column not in rows.columns:
        return None
    text, uniques = codes(rows[column].astype(object))
    parsed = []
    for k, raw in enumerate(uniques):
        u = raw.strip()
        value = parse_percent(u) if u else None
        why = None
        if u and value is None:
            why = "is not a percentage such as 5, ±5 % or -3/+8"
        elif value is not None:
            why = problem(value[0], value[1], choose(*value))
        if why:
            for i in np.flatnonzero(text == k):
                problems.append((rows.index[i], column, u, why))
            value = None
        parsed.append(value)
    mask = np.array([v is not None for v in parsed] or [False])[text]
    lo = np.array([v[0] if v else np.nan for v in parsed] or [np.nan])[text]
    hi = np.array([v[1] if v else np.nan for v in parsed] or [np.nan])[text]
    return mask, lo, hi
