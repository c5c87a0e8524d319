"""Names and units whose meaning depends on the rest of the row, as Hong Kong and Mainland
sheets write them.

- a fuel or product named where the activity goes (`類別` = `柴油`) implies the item;
- `units`/`單位` on a Towngas row is the Towngas unit of 48 MJ, and a plain m³ of a fuel gas
  is read at the normal reference conditions (Nm³) that the heating values are given for;
- a region written as a name (`广东省`, `中電`) becomes its code, and a supplier column
  naming the utility gives an electricity row without a region its grid.

Every reading that is not written out in the row is disclosed by a finding, once per sheet
and spelling, so no default is silent.  The functions take the row checker (`fl`) of
`carbonaudit.inventory.activity` and add to its findings.
"""

from __future__ import annotations

from carbonaudit.factors.regions import region_code, utility_region
from carbonaudit.factors.units import display_unit
from carbonaudit.factors.vocab import implied_item, item_unit
from carbonaudit.findings import info, warning

# The other reading of a fuel named as the activity, for the finding's hint.
_OTHER_USE = {"stationary_combustion": ("mobile_combustion", "for vehicles"),
              "mobile_combustion": ("stationary_combustion", "for a generator or boiler")}

# Activities whose grid a supplier column can name.
_GRID_ACTIVITIES = frozenset({"purchased_electricity", "exported_electricity"})


def regions(series):
    """Region names to codes (`广东省` -> CN-GD), once per distinct spelling."""
    return map_distinct_text(series, region_code)


def implied_items(df, fl, activity_given, item_given) -> None:
    """Give rows whose activity cell names a fuel (`柴油`) and whose item is blank that item."""
    implied = map_distinct_text(activity_given, implied_item)
    use = item_given.eq("") & implied.notna() & df["activity"].notna()
    if not use.any():
        return
    df.loc[use, "item"] = implied[use]
    for spelling, group in df.loc[use].groupby(activity_given[use], sort=False):
        first = int(group["_row"].iloc[0])
        activity, item = group["activity"].iloc[0], group["item"].iloc[0]
        if spelling.strip().lower() in (activity, item):
            continue  # written in the vocabulary's own words: nothing was read into it
        other = _OTHER_USE.get(activity)
        hint = f" (e.g. {other[0]} and {item} {other[1]})" if other else ""
        fl.findings.append(info(
            "activity-names-item",
            f"{spelling!r} in the activity column is read as {activity} of {item}"
            f"{_rows(len(group))}; write the activity and the item in their own columns to "
            f"choose otherwise{hint}.",
            fl.cell("activity", first)))


def item_units(df, fl, unit_text) -> None:
    """Units that only the item makes definite: Towngas `units`, and m³ of a fuel gas."""
    import pandas as pd

    keys = df[["item", "unit_expr"]].astype(object).where(df[["item", "unit_expr"]].notna(), "")
    # the distinct (unit, item, unit expression) triples, found without a Python loop per row
    triples = pd.DataFrame({"u": unit_text.astype(object).to_numpy(), "i": keys["item"].to_numpy(),
                            "e": keys["unit_expr"].to_numpy()}).drop_duplicates()
    pairs = {(u, i, e) for u, i, e in triples.itertuples(index=False) if u}
    readings = {p: item_unit(*p) for p in pairs}
    if not any(readings.values()):
        return
    for (text, item, expr), reading in readings.items():
        if reading is None:
            continue
        new_expr, why = reading
        mask = unit_text.eq(text) & keys["item"].eq(item) & keys["unit_expr"].eq(expr)
        df.loc[mask, "unit_expr"] = new_expr
        first = int(df.loc[mask, "_row"].iloc[0])
        n = int(mask.sum())
        if why == "towngas-unit":
            fl.findings.append(info(
                "towngas-units",
                f"{text!r} on a Towngas row is read as Towngas units of 48 MJ{_rows(n)}.",
                fl.cell("unit", first)))
        else:
            fl.findings.append(warning(
                "gas-volume-reference",
                f"{item} given in {text!r} ({display_unit(expr)}) is read as normal cubic "
                f"metres ({display_unit(new_expr)}, 0 °C and 101.325 kPa), the basis of the "
                f"heating values used{_rows(n)}; a meter read at 20 °C gives 7.3 % more m³ "
                f"than Nm³ — write Nm3 or Sm3 to state the basis.",
                fl.cell("unit", first)))


def supplier_regions(df, fl) -> None:
    """An electricity row with no region takes the grid its supplier names (中電 -> HK-CLP)."""
    if "supplier" not in df.columns:
        return
    supplier = df["supplier"]
    candidates = supplier.ne("") & df["region"].eq("") & df["activity"].isin(_GRID_ACTIVITIES)
    if not candidates.any():
        return
    codes = map_distinct_text(supplier.where(candidates, ""), utility_region)
    use = candidates & codes.notna()
    df.loc[use, "region"] = codes[use]
    for name, group in df.loc[use].groupby(supplier[use], sort=False):
        fl.findings.append(info(
            "region-from-supplier",
            f"Supplier {name!r} sets the grid region {group['region'].iloc[0]} for electricity "
            f"without a region{_rows(len(group))}.",
            fl.cell("supplier", int(group["_row"].iloc[0]))))
    unknown = candidates & codes.isna()
    for name, group in df.loc[unknown].groupby(supplier[unknown], sort=False):
        fl.findings.append(info(
            "supplier-not-a-grid",
            f"Supplier {name!r} does not name a grid we know, so it sets no region"
            f"{_rows(len(group))}; write the region (e.g. HK-CLP, 广东) to match its grid "
            f"factor.",
            fl.cell("supplier", int(group["_row"].iloc[0]))))


def map_distinct_text(series, func):
    """func once per distinct text (spreadsheets repeat a few values over many rows)."""
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = pd.Series([func(u) for u in uniques], dtype=object)
    out = mapped.take(codes)
    out.index = series.index
    return out


def _rows(n: int) -> str:
    return f" ({n} rows)" if n > 1 else ""
