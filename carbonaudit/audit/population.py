"""The recalculated rows as a verifier sees them: each with its cell, evidence reference,
emissions and, when the activity file has one, the client's own per-row claimed figure.

`assess` keeps no cell letters and drops the `claimed_kgco2e` column, so the activity files
are read a second time with the same reader (same tables, same row numbers) and joined back
on file, sheet and row.  The order of the frame is the input order (file as given, sheet as
read, row ascending), which is also the sampling order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.factors.vocab import fold
from carbonaudit.findings import Finding, Location, error

SORT_ORDER = "input order: files as given, sheets as read, rows ascending"
CLAIMED = "claimed_kgco2e"
# Results columns the verifier's tables use; others the engine may add are left alone.
_KEEP = ("_file", "_sheet", "_row", "status", "activity", "item", "site", "reference",
         "quantity", "unit_text", "factor_id_used", "factor_unit", "converted_quantity",
         "co2e_kg", "co2e_market_kg", "market_basis", "scope", "scope3_category",
         "supplier_factor", "supplier_factor_unit")
_KG_IN_CELL = {"kg", "kgco2e", "kgco2eq"}


@dataclass
class Population:
    """One row per input row (assessed or rejected), in input order."""

    frame: object  # pandas.DataFrame: the _KEEP columns plus cell, claimed_kg
    tables: dict = field(default_factory=dict)  # (file, sheet) -> Table of the second read
    findings: list[Finding] = field(default_factory=list)
    claimed_column: bool = False  # some table has a per-row claimed column


def build_population(assessment, paths, *, sheet=None, encoding=None,
                     decimal_comma: bool = False, tables=None) -> Population:
    """Join the assessment's rows with their cells and per-row claims.

    `tables` may be the result of an earlier `read_activity_files` of the same paths (the
    run reads them on a thread beside `assess`); otherwise they are read here.
    """
    import numpy as np
    import pandas as pd

    if tables is None:
        from carbonaudit.ingest.reader import read_activity_files

        tables = read_activity_files(paths, sheet=sheet, encoding=encoding).tables
    res = assessment.results
    frame = pd.DataFrame({c: res[c] for c in _KEEP if c in res.columns})
    by_key = {(t.source.path, t.sheet): t for t in tables}
    cell = np.empty(len(frame), dtype=object)
    claimed = np.full(len(frame), np.nan)
    findings: list[Finding] = []
    has_column = False
    files = frame["_file"].astype(str).to_numpy()
    sheets = frame["_sheet"].astype(str).to_numpy()
    rows = frame["_row"].to_numpy(dtype=np.int64)
    for (file, sheet_name), where in frame.groupby([files, sheets], sort=False).indices.items():
        t = by_key.get((file, sheet_name))
        letter = (t.columns.get("quantity") or "A") if t is not None else "A"
        cell[where] = [f"{sheet_name}!{letter}{r}" for r in rows[where]]
        if t is None or CLAIMED not in t.df.columns:
            continue
        has_column = True
        values, found = _claimed_values(t, rows[where], decimal_comma)
        claimed[where] = values
        findings.extend(found)
    frame["cell"] = cell
    frame["claimed_kg"] = claimed
    return Population(frame, by_key, findings, has_column)


def _claimed_values(table, rows, decimal_comma: bool):
    """Per-row claimed kg for the given row numbers of one table, and the cells' findings."""
    import numpy as np
    import pandas as pd

    from carbonaudit.ingest.numbers import parse_quantities

    df = table.df
    pos = pd.Series(np.arange(len(df)), index=df["_row"].to_numpy())
    q = parse_quantities(df[CLAIMED].reset_index(drop=True), decimal_comma=decimal_comma)
    letter = table.columns[CLAIMED]
    problem = pd.Series(q.problem, dtype=object)
    unit = pd.Series(q.unit_text, dtype=object)
    bad_number = problem.notna() & problem.ne("missing-quantity")
    kg_unit = unit.map(lambda u: u is None or fold(str(u)) in _KG_IN_CELL).astype(bool)
    bad_unit = problem.isna() & ~kg_unit
    good = (problem.isna() & kg_unit).to_numpy()
    out = np.where(good, q.value, np.nan)
    findings: list[Finding] = []
    given = df[CLAIMED].to_numpy(dtype=object)
    row_no = df["_row"].to_numpy()
    for i in np.flatnonzero(bad_number.to_numpy() | bad_unit.to_numpy()):
        where = Location(table.source.path, table.sheet, f"{letter}{int(row_no[i])}")
        if bad_number.iat[i]:
            findings.append(error(
                "claimed-not-a-number",
                f"The claimed emissions {given[i]!r} are not a plain number of kg CO2e; the "
                "row's claim is not compared.", where))
        else:
            findings.append(error(
                "claimed-unit-in-cell",
                f"The claimed-emissions column is in kg CO2e but this cell says "
                f"{unit.iat[i]!r}; write the number in kg CO2e.", where))
    take = pos.reindex(rows).to_numpy()
    ok = ~np.isnan(take.astype(float))
    values = np.full(len(rows), np.nan)
    values[ok] = out[take[ok].astype(np.int64)]
    return values, findings
