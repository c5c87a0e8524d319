"""The activity-row contract: turn ingested tables into typed rows, and check each row.

Checks are vectorised: each rule computes a boolean mask over all rows, and only the rows
it flags are turned into findings.  A row with any error is rejected; it stays in the
output with its findings, so rows read = rows assessed + rows rejected.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from carbonaudit.factors.vocab import ACTIVITIES, ACTIVITY_ALIASES, SECTORS, build_lookup, fold
from carbonaudit.findings import Finding, Location, error, make, warning
from carbonaudit.inventory import local_names

# Negative amounts are real data here: carbon leaving a process in products (mass balance)
# and returned goods or credit notes.  Anywhere else a negative is a typing error.
NEGATIVE_ALLOWED = frozenset({"process", "purchased_goods", "capital_goods"})

TEXT_COLUMNS = ("site", "region", "sector", "factor_id", "reference", "description",
                "supplier_factor_unit", "supplier",
                # read by assess --uncertainty (audit/uncertainty_inputs), which reports a cell
                # it cannot read at that cell
                "data_origin", "ad_uncertainty_pct", "ef_uncertainty_pct")


@dataclass
class ActivityRows:
    """All rows of all tables as one DataFrame, with the findings of the row checks."""

    df: object  # pandas.DataFrame
    findings: list[Finding] = field(default_factory=list)
    blank_rows: int = 0


def prepare_rows(tables, *, decimal_comma: bool = False, default_sector: str = "manufacturing",
                 period: tuple | None = None, items: set[str] | frozenset = frozenset(),
                 duplicates: bool = True) -> ActivityRows:
    """Normalise and check every row of the ingested tables.

    `duplicates` False leaves the duplicate-row check to the caller (a batched run checks
    repeats over every batch, inventory.merge.DuplicateIndex)."""
    import pandas as pd

    frames = []
    findings: list[Finding] = []
    blank = 0
    for n, t in enumerate(tables):
        frame, found = _table_rows(t, decimal_comma, default_sector, items)
        frame["_t"] = n
        frames.append(frame)
        findings.extend(found)
        blank += t.blank_rows
    df = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    for col in ("_file", "_sheet"):  # a handful of distinct values over many rows
        df[col] = df[col].astype("category")
    if duplicates:
        findings.extend(_duplicate_rows(df, tables))
    if period is not None:
        findings.extend(_outside_period(df, period, tables))
    return ActivityRows(df, findings, blank)


def _empty_frame():
    import pandas as pd

    cols = ["_file", "_sheet", "_row", "_t", "activity_given", "item_given",
            "quantity_given", "unit_given", "unit_text", "activity", "item", "quantity",
            "unit_expr",
            "period_start", "period_end", "supplier_factor", "supplier_problem",
            "supplier_problem_at", "scope_override",
            "scope3_override", "iso_override", "rejected", *TEXT_COLUMNS]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _col(df, name: str):
    import numpy as np
    import pandas as pd

    if name in df.columns:
        return df[name]
    return pd.Series(np.full(len(df), None, dtype=object), index=df.index)


def _text(series):
    """Cell values as stripped strings ('' for blank), whatever type calamine gave."""
    import pandas as pd
    import pyarrow as pa

    if series.dtype == object and len(series) and series.isna().all():  # an absent column
        blank = pa.repeat(pa.scalar("", pa.large_string()), len(series))
        return pa.chunked_array([blank]).to_pandas().set_axis(series.index)
    if isinstance(series.dtype, pd.StringDtype):  # CSV cells: already text, Arrow-backed
        return series.fillna("").str.strip()
    # Mixed xlsx cells: a quantity column has a distinct number on nearly every row, a date
    # column the same dozen dates, so numbers are written cell by cell and the rest once
    # per distinct value (keyed by type too: True == 1 == 1.0 would share one entry).
    memo: dict = {}

    def once(v):
        key = (type(v), v)
        if key not in memo:
            memo[key] = _cell_text(v)
        return memo[key]

    texts = [v if type(v) is str else _cell_text(v) if type(v) is float else once(v)
             for v in series.to_numpy(dtype=object)]
    arrow = pa.chunked_array([pa.array(texts, type=pa.large_string())])
    return arrow.to_pandas().set_axis(series.index).str.strip()


def _map_distinct(series, func):
    """Apply func once per distinct value (spreadsheets repeat the same few values)."""
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = [func(u) for u in uniques]
    out = pd.Series(mapped, dtype=object).take(codes)
    out.index = series.index
    return out


def _cell_text(v) -> str:
    if isinstance(v, float):
        if v != v:  # NaN: a blank cell in a frame pandas padded
            return ""
        if v.is_integer():
            return str(int(v))
    return "" if v is None else str(v)


class _Flagger:
    """Collects findings for masked rows of one table and marks them rejected."""

    def __init__(self, table, df):
        self.t = table
        self.df = df
        self.findings: list[Finding] = []
        import pandas as pd

        self.rejected = pd.Series(False, index=df.index)

    def cell(self, column: str, row: int) -> Location:
        letter = self.t.columns.get(column)
        if letter is None:
            letter = self.t.columns.get("quantity") or "A"
        return Location(self.t.source.path, self.t.sheet, f"{letter}{row}")

    def flag(self, mask, code: str, column: str, message, severity: str = "error") -> None:
        if not mask.any():
            return
        sub = self.df.loc[mask]
        for idx, row in zip(sub.index, sub["_row"], strict=True):
            text = message(idx) if callable(message) else message
            self.findings.append(make(severity, code, text, self.cell(column, int(row))))
        if severity == "error":
            self.rejected |= mask


def _table_rows(t, decimal_comma: bool, default_sector: str, items):
    from carbonaudit.factors.units import normalise_unit, unit_hint
    from carbonaudit.ingest.columns import REQUIRED
    from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities

    raw = t.df
    df = raw[["_row"]].copy()
    df["_file"] = t.source.path
    df["_sheet"] = t.sheet
    fl = _Flagger(t, df)
    missing_required = [c for c in REQUIRED if c not in t.columns]
    if missing_required:
        fl.findings.append(error(
            "missing-column",
            f"No {' or '.join(missing_required)} column was found under the header on row "
            f"{t.header_row}; every row of this sheet is rejected until it is added.",
            Location(t.source.path, t.sheet, f"A{t.header_row}"),
        ))
        fl.rejected |= True

    activity_given = _text(_col(raw, "activity"))
    item_given = _text(_col(raw, "item"))
    unit_given = _text(_col(raw, "unit"))
    df["activity_given"] = activity_given
    df["item_given"] = item_given
    df["unit_given"] = unit_given
    qraw = _col(raw, "quantity")
    df["quantity_given"] = _text(qraw)
    for c in TEXT_COLUMNS:
        df[c] = _text(_col(raw, c))
    df["region"] = local_names.regions(df["region"])  # 广东省 -> CN-GD, 中電 -> HK-CLP

    # activity
    lookup = build_lookup(list(ACTIVITIES), ACTIVITY_ALIASES)
    df["activity"] = _map_distinct(activity_given, lambda a: lookup.get(fold(a)) if a else None)
    if "activity" in t.columns:
        fl.flag(activity_given.eq(""), "missing-activity", "activity",
                "The activity is empty; write what happened, e.g. purchased_electricity.")
        bad = activity_given.ne("") & df["activity"].isna()
        fl.flag(bad, "unknown-activity", "activity",
                lambda i: f"Activity {activity_given[i]!r} is not in the vocabulary"
                          f"{_suggest(activity_given[i], list(ACTIVITIES))}.")

    # item: canonical when the folded spelling is known, else kept as written (folded),
    # so the factor match can report the nearest candidates.
    from carbonaudit.factors.vocab import ITEM_ALIASES

    item_lookup = build_lookup(set(items), ITEM_ALIASES)
    df["item"] = _map_distinct(
        item_given, lambda s: item_lookup.get(fold(s), s.strip().lower()) if s else "")
    local_names.implied_items(df, fl, activity_given, item_given)  # 類別 = 柴油
    local_names.supplier_regions(df, fl)

    # quantity and unit
    q = parse_quantities(qraw, decimal_comma=decimal_comma)
    df["quantity"] = q.value
    problem = pd_series(q.problem, df.index)
    if "quantity" in t.columns:
        for code in ("missing-quantity", "not-a-number", "ambiguous-number",
                     "number-out-of-range"):
            mask = problem.eq(code)
            fl.flag(mask, code, "quantity",
                    lambda i, code=code: cell_problem_message(code, df.at[i, "quantity_given"],
                                                              decimal_comma))
    cell_unit = pd_series(q.unit_text, df.index).fillna("").astype(object)
    unit_text = unit_given.where(unit_given.ne(""), cell_unit)
    df["unit_text"] = unit_text
    # One lookup per distinct spelling, shared by the unit column and units inside cells.
    distinct = {u: normalise_unit(u) for u in {*unit_text.unique(), *cell_unit.unique()} if u}
    df["unit_expr"] = unit_text.map(distinct).astype(object)
    local_names.item_units(df, fl, unit_text)  # Towngas `units`; m³ of a gas
    ok_qty = problem.isna()
    fl.flag(ok_qty & unit_text.eq(""), "missing-unit", "unit",
            "The unit is empty; write the unit of the quantity, e.g. kWh, L, t.")
    fl.flag(ok_qty & unit_text.ne("") & df["unit_expr"].isna(), "unknown-unit", "unit",
            lambda i: f"Unit {unit_text[i]!r} is not an accepted unit: {unit_hint(unit_text[i])}.")
    cell_expr = cell_unit.map(distinct).astype(object)
    conflict = ok_qty & cell_unit.ne("") & unit_given.ne("") & cell_expr.ne(df["unit_expr"])
    fl.flag(conflict, "unit-conflict", "quantity",
            lambda i: f"The quantity cell says {cell_unit[i]!r} but the unit column says "
                      f"{unit_given[i]!r}; make them agree.")
    neg = df["quantity"].lt(0) & ~df["activity"].isin(NEGATIVE_ALLOWED)
    fl.flag(neg, "negative-quantity", "quantity",
            lambda i: f"Quantity {df.at[i, 'quantity_given']} is negative, which "
                      f"{df.at[i, 'activity'] or 'this activity'} does not allow; enter the "
                      f"amount consumed as a positive number.")

    _periods(raw, df, fl, parse_dates, cell_problem_message)
    _overrides(raw, df, fl)
    _supplier(raw, df, fl, decimal_comma, parse_quantities)
    df["sector"] = df["sector"].str.lower()
    fl.flag(df["sector"].ne("") & ~df["sector"].isin(SECTORS), "unknown-sector", "sector",
            lambda i: f"Sector {df.at[i, 'sector']!r} is not one of {', '.join(SECTORS)}.")
    df["sector"] = df["sector"].where(df["sector"].ne(""), default_sector)
    df["rejected"] = fl.rejected
    return df, fl.findings


def pd_series(values, index):
    import pandas as pd

    if isinstance(values, pd.Series):
        return pd.Series(values.to_numpy(), index=index)
    return pd.Series(values, index=index)


def _periods(raw, df, fl, parse_dates, cell_problem_message) -> None:
    start = parse_dates(_col(raw, "period_start"))
    end = parse_dates(_col(raw, "period_end"))
    year = parse_dates(_col(raw, "year"))
    s_start = pd_series(start.start, df.index)
    s_end = pd_series(end.end, df.index)
    y_start = pd_series(year.start, df.index)
    y_end = pd_series(year.end, df.index)
    df["period_start"] = s_start.fillna(y_start)
    # A lone start date of a whole month or year covers that span.
    df["period_end"] = s_end.fillna(pd_series(start.end, df.index)).fillna(y_end)
    for name, parsed in (("period_start", start), ("period_end", end), ("year", year)):
        prob = pd_series(parsed.problem, df.index)
        if prob.isna().all():
            continue  # the cells' text is only wanted to quote a bad one
        given = _text(_col(raw, name))
        for code in ("not-a-date", "ambiguous-date"):
            fl.flag(prob.eq(code), code, name,
                    lambda i, given=given, name=name, code=code:
                    f"{name}: {cell_problem_message(code, given[i])}")
    backwards = df["period_end"].lt(df["period_start"])
    fl.flag(backwards, "period-end-before-start", "period_end",
            "The period ends before it starts; swap the dates.")


def _overrides(raw, df, fl) -> None:
    import numpy as np
    import pandas as pd

    for name, target, allowed in (("scope", "scope_override", {1, 2, 3}),
                                  ("scope3_category", "scope3_override", set(range(1, 16))),
                                  ("iso_category", "iso_override", set(range(1, 7)))):
        if name not in raw.columns:
            df[target] = pd.arrays.IntegerArray(np.zeros(len(df), dtype="int64"),
                                                np.ones(len(df), dtype=bool))
            continue
        # "Scope 3", "cat 6", "6": strip the word once per distinct spelling.
        given = _map_distinct(_text(raw[name]), _strip_label)
        num = pd.to_numeric(given.where(given.ne(""), None), errors="coerce")
        bad = given.ne("") & ~num.isin(list(allowed))
        fl.flag(bad, f"bad-{name.replace('_', '-')}", name,
                lambda i, given=given, name=name, allowed=allowed:
                f"{name} {given[i]!r} must be one of {min(allowed)}-{max(allowed)}.")
        df[target] = num.where(~bad).astype("Int64")
    wrong = df["scope3_override"].notna() & df["scope_override"].notna() & df[
        "scope_override"].ne(3)
    fl.flag(wrong.fillna(False).astype(bool), "bad-scope3-category", "scope3_category",
            "A Scope 3 category is given for a row whose scope is not 3.")


def _strip_label(text: str) -> str:
    import re

    return re.sub(r"(?i)^(scope|cat(egory)?)\s*", "", text)


def _supplier(raw, df, fl, decimal_comma, parse_quantities) -> None:
    """Read the supplier (market-based) factor; a bad one is noted, never a rejected row.

    The supplier factor feeds only the market-based Scope 2 figure, so its problems must not
    cost the row its location-based result: the message is kept in `supplier_problem` (and
    the cell's column in `supplier_problem_at`) for the engine, which knows the row's scope.
    """
    import numpy as np

    from carbonaudit.factors.units import parse_rate_unit
    from carbonaudit.ingest.numbers import cell_problem_message

    df["supplier_problem"] = pd_series(np.full(len(df), None, dtype=object), df.index)
    df["supplier_problem_at"] = df["supplier_problem"]
    if "supplier_factor" not in raw.columns:
        df["supplier_factor"] = float("nan")
        return
    given = _col(raw, "supplier_factor")
    q = parse_quantities(given, decimal_comma=decimal_comma)
    value = pd_series(q.value, df.index)
    prob = pd_series(q.problem, df.index)
    present = prob.ne("missing-quantity")
    # "0.39 kg/kWh" in the factor cell itself gives its unit when the unit column is blank
    cell_unit = pd_series(q.unit_text, df.index).fillna("").astype(object)
    unit = df["supplier_factor_unit"].where(df["supplier_factor_unit"].ne(""), cell_unit)
    df["supplier_factor_unit"] = unit
    parsed = {u: parse_rate_unit(u) for u in unit.unique() if u}
    unparsed = unit.map({u: r is None for u, r in parsed.items()}).astype(object)
    unparsed = unparsed.fillna(False).astype(bool)
    text = _text(given)
    number_ok = present & prob.isna()
    checks = (  # first problem wins: one message per cell
        (present & prob.notna(), "supplier_factor",
         lambda i: "Supplier factor: " + cell_problem_message(prob[i], text[i], decimal_comma)),
        (number_ok & unit.eq(""), "supplier_factor_unit",
         lambda i: "The supplier factor has no unit; write it in supplier_factor_unit, e.g. "
                   "kg/kWh or tCO2e/MWh."),
        (present & unit.ne("") & unparsed, "supplier_factor_unit",
         lambda i: f"Supplier factor unit {unit[i]!r} is not an emission rate; write e.g. "
                   "kg/kWh, kgCO2e/kWh, t/MWh or lb/MWh."),
        (number_ok & value.lt(0), "supplier_factor",
         lambda i: f"The supplier factor {text[i]} is negative."),
    )
    taken = pd_series(np.zeros(len(df), dtype=bool), df.index)
    for mask, column, message in checks:
        mask = mask & ~taken
        for i in df.index[mask.to_numpy(dtype=bool)]:
            df.at[i, "supplier_problem"] = message(i)
            df.at[i, "supplier_problem_at"] = column
        taken |= mask
    df["supplier_factor"] = value.where(number_ok & ~taken)


def _suggest(text: str, options: list[str]) -> str:
    close = difflib.get_close_matches(fold(text), options, n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def row_location(df, i, tables, *columns: str) -> Location:
    """The cell of row i in the first of `columns` its table has (else column A)."""
    cols = tables[int(df.at[i, "_t"])].columns if tables else {}
    letter = next((cols[c] for c in columns if cols.get(c)), "A")
    return Location(df.at[i, "_file"], df.at[i, "_sheet"], f"{letter}{df.at[i, '_row']}")


def _duplicate_rows(df, tables) -> list[Finding]:
    """Identical rows are often double counting; warn on each repeat, keep both."""
    keys = ["activity_given", "item_given", "quantity_given", "unit_given", "site", "region",
            "period_start", "period_end", "factor_id", "reference", "supplier_factor",
            "supplier_factor_unit"]
    if df.empty:
        return []
    dup = df.duplicated(keys, keep="first") & df["quantity_given"].ne("")
    if not dup.any():
        return []
    group = df.groupby(keys, dropna=False, sort=False).ngroup()
    first = df.index.to_series().groupby(group).transform("first")
    out = []
    for i in df.index[dup]:
        j = first[i]
        out.append(warning(
            "duplicate-row",
            f"This row repeats {df.at[j, '_sheet']} row {df.at[j, '_row']} exactly; check it "
            f"is not counted twice.",
            row_location(df, i, tables, "quantity"),
        ))
    return out


def _outside_period(df, period, tables) -> list[Finding]:
    import pandas as pd

    start, end = (pd.Timestamp(p) if p else None for p in period)
    if df.empty or (start is None and end is None):
        return []
    mask = pd.Series(False, index=df.index)
    if start is not None:
        mask |= df["period_start"].lt(start) | df["period_end"].lt(start)
    if end is not None:
        mask |= df["period_end"].gt(end + pd.Timedelta(hours=23, minutes=59)) | df[
            "period_start"].gt(end)
    out = []
    for i in df.index[mask.fillna(False).astype(bool)]:
        out.append(warning(
            "period-outside-reporting",
            "This row's period falls outside the reporting period in the configuration; "
            "it is still counted — remove it if it belongs to another year.",
            row_location(df, i, tables, "period_start", "year", "quantity"),
        ))
    return out
