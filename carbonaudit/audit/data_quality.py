"""Data quality of an assessment: always-on findings, and a normalised score per scope.

`check_data_quality` runs inside assess(): the series checks (monthly gaps, overlapping
periods, robust outliers; see series_checks.py) and the reading of the optional
`data_origin`, `ad_uncertainty_pct` and `ef_uncertainty_pct` cells.  It records per-row
flags in the results column `_dq` for the score.

`data_quality_section` is the `data_quality` part of inventory.json.  Its score is
normalised: each component is the share of the scope's emissions (|kg CO2e|) that passes
one test, so a file with a million rows is scored like one with ten, and the score is the
mean of the components, times 100.  The components:

* verified_factor: the row's factor has status `verified`;
* evidenced: the row names its evidence (`reference`);
* plausible: the row is not in an outlier period;
* complete: the row's series has no monthly gap and no overlapping period;
* measured: the row says it was metered or invoiced (only when a `data_origin` column
  exists; otherwise the component is left out and reported as not stated).

This is a data-quality indicator of carbonaudit's own design, kept apart from statistical
uncertainty as the GHG Protocol's uncertainty guidance asks (VERIFICATION.md section 2.4).
"""

from __future__ import annotations

from carbonaudit.audit.series_checks import GAP, OUTLIER, OVERLAP, assessed, check_series
from carbonaudit.audit.uncertainty_inputs import (
    ORIGIN_COLUMN,
    OVERRIDE_COLUMNS,
    row_parameters,
)
from carbonaudit.findings import Finding, error, warning
from carbonaudit.inventory.activity import row_location

FLAGS = "_dq"
SCOPES = {1: "scope_1", 2: "scope_2_location", 3: "scope_3"}
COMPONENTS = ("verified_factor", "evidenced", "plausible", "complete", "measured")


def check_data_quality(results, tables, config=None) -> list[Finding]:
    """Findings of the data-quality checks; adds the `_dq` flag column to `results`."""
    period = (config.period_start, config.period_end) if config is not None and getattr(
        config, "period_start", None) else None

    def locate(i, *columns):
        return row_location(results, i, tables, *columns)

    checked = check_series(results, locate, period)
    results[FLAGS] = checked.flags
    results.attrs["data_quality_counts"] = checked.counts
    return [*checked.findings, *_cell_findings(results, locate)]


def _cell_findings(results, locate) -> list[Finding]:
    present = [c for c in (ORIGIN_COLUMN, *OVERRIDE_COLUMNS.values()) if c in results.columns]
    if not present:
        return []
    ok = results[assessed(results)]
    out: list[Finding] = []
    for i, column, text, why in row_parameters(ok).problems:
        if column == ORIGIN_COLUMN:
            out.append(warning("unknown-data-origin",
                               f"Data origin {text!r} {why}; the row counts as unspecified "
                               "(rows with the same text are not listed again).",
                               locate(i, column)))
        else:
            out.append(error("bad-uncertainty-cell",
                             f"{column} {text!r} {why}; the row's uncertainty falls back to the "
                             "shipped default until it is corrected.", locate(i, column)))
    return out


def data_quality_section(results) -> dict:
    """The `data_quality` section of inventory.json for an assessment's results frame."""
    import numpy as np

    ok = assessed(results)  # a mask: the million-row frame is never copied here
    if FLAGS in results.columns:
        flags = results[FLAGS].to_numpy()[ok]
        counts = results.attrs.get("data_quality_counts", {})
    else:  # a frame that did not go through assess(): run the checks, locations unused
        from carbonaudit.findings import Location

        checked = check_series(results, lambda *_: Location(), None)
        flags, counts = checked.flags[ok], checked.counts
    weight = np.abs(results["co2e_kg"].to_numpy(dtype=float)[ok])
    weight = np.where(np.isfinite(weight), weight, 0.0)
    # A data_origin column that every row leaves blank states nothing (the template and
    # the reader always carry the column), so it must not count rows as "not measured".
    has_origin = (ORIGIN_COLUMN in results.columns
                  and bool(results[ORIGIN_COLUMN].fillna("").astype(str).str.strip()
                           .str.len().gt(0).any()))
    origin = row_parameters(results[ok]).origin_names() if has_origin else None
    reference = results["reference"].fillna("").astype(str).str.strip().str.len()
    passes = {
        "verified_factor": _equals(results["factor_status"], "verified")[ok],
        "evidenced": reference.to_numpy(dtype=float, na_value=0)[ok] > 0,
        "plausible": (flags & OUTLIER) == 0,
        "complete": (flags & (GAP | OVERLAP)) == 0,
    }
    if has_origin:
        passes["measured"] = np.isin(origin, ["metered", "invoiced"])
    scope = results["scope"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)[ok]
    by_scope = []
    for s, name in SCOPES.items():
        sel = scope == s
        if sel.any():
            by_scope.append({"scope": name, **_score(weight[sel], {k: v[sel] for k, v in
                                                                  passes.items()},
                                                     origin[sel] if has_origin else None)})
    every = np.isfinite(scope)
    return {
        "method": "emission-weighted shares of rows passing each test; score = 100 x their "
                  "mean (carbonaudit's indicator, not a statistical uncertainty)",
        "components": list(COMPONENTS),
        "series": counts,
        "data_origin_stated": has_origin,
        "by_scope": by_scope,
        "overall": _score(weight[every], {k: v[every] for k, v in passes.items()},
                          origin[every] if has_origin else None),
    }


def _equals(col, value: str):
    """col == value as a boolean array, on category codes when the column is categorical."""
    if hasattr(col, "cat"):
        cats = list(col.cat.categories)
        return col.cat.codes.to_numpy() == (cats.index(value) if value in cats else -2)
    return col.astype(str).to_numpy() == value


def _score(weight, passes: dict, origin) -> dict:
    import numpy as np

    total = float(weight.sum())
    shares = {k: (float(weight[v].sum() / total) if total else None) for k, v in passes.items()}
    shares.setdefault("measured", None)
    available = [v for v in shares.values() if v is not None]
    estimated = None
    if origin is not None and total:
        estimated = float(weight[np.asarray(origin) == "estimated"].sum() / total)
    return {
        "kgco2e_weight": total,
        "score": 100.0 * sum(available) / len(available) if available else None,
        "components": {k: shares[k] for k in COMPONENTS},
        "estimated_share": estimated,
    }
