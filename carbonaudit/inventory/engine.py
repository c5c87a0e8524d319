"""assess(): activity rows -> matched factors -> per-gas kilograms -> CO2e, vectorised.

Factor matching runs once per distinct key (see matching.py); everything per row is numpy
arithmetic on whole columns.  Rows that fail a check stay in the result with status
`rejected` and the codes of their findings, so nothing read is ever lost.
"""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from carbonaudit.factors.gwp import family, gwp_table
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import Finding, error
from carbonaudit.inventory.activity import row_location
from carbonaudit.inventory.grouped import grouped
from carbonaudit.inventory.standards import registry as standards

# ISO 14064-1 category for a Scope 3 category (DOMAIN.md section 3.4, approximate mapping).
ISO_FOR_SCOPE3 = {1: 4, 2: 4, 3: 4, 4: 3, 5: 4, 6: 3, 7: 3, 8: 4, 9: 3, 10: 5, 11: 5, 12: 5,
                  13: 5, 14: 6, 15: 5}
KEY = ["activity", "item", "region", "sector", "_date", "unit_expr", "factor_id"]
GAS_OUT = ("co2_fossil", "co2_biogenic", "ch4_fossil", "ch4_nonfossil", "n2o", "other_gas_kg",
           "co2e_unsplit")
# The world emits about 5.7e13 kg CO2e a year (UNEP Emissions Gap Report 2023): a row above
# 1e15 kg is more than a decade of global emissions, a typing or unit error.  The bound also
# keeps every total finite: 1e8 rows of 1e15 kg are nowhere near float overflow.
ROW_LIMIT_KG = 1e15
_MASS_OUT = (*(f"{c}_kg" for c in GAS_OUT), "other_gas_co2e_kg", "hcfc_co2e_kg_outside_scopes",
             "co2e_kg", "co2e_market_kg")


@dataclass
class AssessOptions:
    gwp: str = "AR6"
    decimal_comma: bool = False
    sheet: str | None = None
    encoding: str | None = None
    factor_files: tuple[Path, ...] = ()


@dataclass
class Assessment:
    """Everything one run produced: result rows, findings, and what went in."""

    results: object  # pandas.DataFrame, one row per input row
    findings: list[Finding]
    sources: list
    library: object
    gwp_set: str
    config: object
    blank_rows: int = 0


def assess(paths, config, options: AssessOptions | None = None, progress=None) -> Assessment:
    """Run the whole pipeline on activity files with a loaded configuration."""
    with paused_gc():
        return _assess(paths, config, options, progress)


@contextmanager
def paused_gc():
    """Hold the cyclic garbage collector while the inputs are read, checked and computed.

    calamine hands over every cell as a Python object (1.8 million for 200,000 rows x 9);
    each allocation burst then sets off collections that walk all of them again, about a
    fifth of the reading time.  The pipeline makes no reference cycles worth collecting
    meanwhile: reference counting frees everything as before, and collection resumes after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _assess(paths, config, options: AssessOptions | None, progress) -> Assessment:
    from carbonaudit.audit.data_quality import check_data_quality
    from carbonaudit.factors import load_library
    from carbonaudit.factors.units import start_loading
    from carbonaudit.ingest.reader import read_activity_files
    from carbonaudit.inventory.activity import prepare_rows

    start_loading()  # the factor match needs pint; let it load while the files are read
    options = options or AssessOptions()
    step = progress or (lambda _msg: None)
    gwp = gwp_table(options.gwp)
    # Factors load on a second thread while the inputs are read: calamine and Arrow parse
    # without the GIL, so the two overlap instead of adding up.
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(load_library, standards.factor_sets(config),
                              [*config.extra_factors, *options.factor_files])
        ingested = read_activity_files(paths, sheet=options.sheet, encoding=options.encoding,
                                       progress=progress)
        step("loading factors")
        library, findings = loading.result()
    findings = [*findings, *ingested.findings]
    step("checking rows")
    rows = prepare_rows(
        ingested.tables, decimal_comma=options.decimal_comma,
        default_sector=config.default_sector,
        period=(config.period_start, config.period_end) if config.period_start else None,
        items=set(library.factors["item"]),
    )
    findings.extend(rows.findings)
    findings.extend(standards.prepare(rows.df, library, config, ingested.tables))
    step("matching factors and computing")
    results, found = compute(rows.df, library, gwp, config, ingested.tables)
    findings.extend(found)
    findings.extend(standards.finish(results, library, config, ingested.tables))
    step("checking data quality")
    findings.extend(check_data_quality(results, ingested.tables, config))
    return Assessment(results, findings, ingested.sources, library, gwp.gwp_set, config,
                      rows.blank_rows)


def check_only(paths, config, options: AssessOptions | None = None, progress=None):
    """Every check of assess(), factor matching included; `validate` writes no output.

    It runs the same pipeline on purpose: the factor match is a check, and a second code path
    for checking alone could drift from what assess() accepts.
    """
    return assess(paths, config, options, progress)


def compute(df, library, gwp, config, tables):
    """Match, convert and multiply; returns (results DataFrame, findings)."""
    import numpy as np
    import pandas as pd

    from carbonaudit.inventory.matching import Matcher

    findings: list[Finding] = []
    df = df.copy()
    default_date = pd.Timestamp(config.period_start) if config.period_start else pd.NaT
    df["_date"] = df["period_start"].fillna(default_date) if len(df) else pd.Series(
        dtype="datetime64[ns]")
    missing_period = ~df["rejected"].astype(bool) & df["period_start"].isna()
    findings.extend(_aggregate(df, missing_period, tables, "period_start", "warning",
                               "missing-period",
                               "No period is given; the row is counted for the whole reporting "
                               "period and matched to the factor valid at its start."))
    ok = ~df["rejected"].to_numpy(dtype=bool)
    n = len(df)
    fidx = np.full(n, -1, dtype=np.int64)
    key = np.full(n, -1, dtype=np.int64)
    res: list = []
    if ok.any():
        sub = df.loc[ok, KEY]
        codes = sub.groupby(KEY, dropna=False, sort=False).ngroup().to_numpy()
        firsts = pd.Series(np.arange(len(sub))).groupby(codes).first().to_numpy()
        positions = np.flatnonzero(ok)
        matcher = Matcher(library)
        for r in sub.iloc[firsts].itertuples(index=False):
            date = r._4 if not pd.isna(r._4) else None
            res.append(matcher.resolve(r.activity, r.item, r.region, r.sector, date,
                                       r.unit_expr, r.factor_id))
        key[positions] = codes
        fidx[positions] = np.array([x.factor_index if x.factor_index is not None else -1
                                    for x in res])[codes]
        findings.extend(_resolution_findings(df, positions, codes, firsts, res, tables))
    good = fidx >= 0
    df["rejected"] = df["rejected"].to_numpy(dtype=bool) | (ok & ~good)
    f = library.factors
    take = np.where(good, fidx, 0)
    kidx = np.where(good, key, 0)
    df["_fidx"] = fidx
    df["factor_id_used"] = _categorical(f["id"].to_numpy(), take, good)
    # the factor's own numbers, per gas and per factor unit, so any row can be recomputed
    for col in GAS_OUT:
        df[f"factor_{col}"] = np.where(good, f[col].to_numpy(dtype=float)[take], np.nan)
    df["input_cell"] = _input_cells(df, tables)
    for col, out in (("set", "factor_set"), ("set_edition", "factor_set_edition"),
                     ("region", "factor_region"), ("unit", "factor_unit"),
                     ("status", "factor_status"), ("other_gas", "other_gas"),
                     ("sector", "factor_sector")):
        df[out] = _categorical(f[col].to_numpy(), take, good)
    df["conversion"] = _categorical(np.array([x.conversion for x in res] or [""], dtype=object),
                                    kidx, good)
    df["properties_used"] = _categorical(
        np.array([";".join(x.properties) for x in res] or [""], dtype=object), kidx, good)
    mult = np.array([x.multiplier for x in res] or [np.nan])[kidx]
    # Overflow to inf (1e308 MWh in kWh) is caught row by row in _out_of_range, not warned.
    with np.errstate(over="ignore", invalid="ignore"):
        converted = np.where(good, df["quantity"].to_numpy(dtype=float) * mult, np.nan)
        df["converted_quantity"] = converted
        for col in GAS_OUT:
            df[f"{col}_kg"] = np.where(good, converted * f[col].to_numpy(dtype=float)[take],
                                       np.nan)
        _co2e(df, gwp, f, take, good)
        _classify(df, f, take, good)
        findings.extend(_market(df, good, tables))
        findings.extend(_out_of_range(df, good, tables))
    df["gwp_set"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [gwp.gwp_set])
    df["status"] = pd.Categorical.from_codes(df["rejected"].to_numpy(dtype=np.int8),
                                             ["assessed", "rejected"])
    return df, findings


def _input_cells(df, tables):
    """Each row's quantity cell as the user names it (`Activity!C7`, `fuel.csv!C7`)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(df):
        return pd.Series([], dtype=object)
    prefix = np.array([f"{t.sheet}!{t.columns.get('quantity') or 'A'}" for t in tables] or [""],
                      dtype=object)
    sheets = pa.array(prefix[df["_t"].to_numpy(dtype=np.int64)], type=pa.large_string())
    rows = pc.cast(pa.array(df["_row"].to_numpy(dtype=np.int64)), pa.large_string())
    cells = pc.binary_join_element_wise(sheets, rows, pa.scalar("", pa.large_string()))
    return pd.Series(cells.to_pandas(), index=df.index)


def _categorical(small, idx, good):
    """Per-row text taken from a small table, as a Categorical: no per-row strings are built."""
    import numpy as np
    import pandas as pd

    values = pd.Series(small, dtype=object).fillna("").astype(str)
    codes_small, uniques = pd.factorize(values)
    uniques = list(uniques)
    if "" not in uniques:
        uniques.append("")
    codes = np.where(good, codes_small[idx], uniques.index(""))
    return pd.Categorical.from_codes(codes, categories=uniques)


def _co2e(df, gwp, f, take, good) -> None:
    """CO2e with the chosen GWP set; the other-gas GWP is looked up once per factor."""
    import numpy as np

    species = f["other_gas"].to_numpy(dtype=object)
    fams = [family(s) if s else "" for s in species]
    g_small = np.array([gwp.of(s) if s else 0.0 for s in species] or [0.0])
    hcfc_small = np.array([fm == "hcfc" for fm in fams] or [False])
    other_co2e = df["other_gas_kg_kg"].to_numpy() * g_small[take]
    outside = hcfc_small[take] & good
    df["other_gas_co2e_kg"] = np.where(outside, 0.0, other_co2e)
    df["hcfc_co2e_kg_outside_scopes"] = np.where(outside, other_co2e, 0.0)
    total = (df["co2_fossil_kg"].to_numpy()
             + df["ch4_fossil_kg"].to_numpy() * gwp.ch4_fossil
             + df["ch4_nonfossil_kg"].to_numpy() * gwp.ch4_nonfossil
             + df["n2o_kg"].to_numpy() * gwp.of("N2O")
             + df["other_gas_co2e_kg"].to_numpy()
             + df["co2e_unsplit_kg"].to_numpy())
    df["co2e_kg"] = np.where(good, total, np.nan)
    df["other_gas_family"] = _categorical(np.array(fams or [""], dtype=object), take, good)


def _classify(df, f, take, good) -> None:
    import numpy as np
    import pandas as pd

    default_scope = df["activity"].map({a: c.scope for a, c in ACTIVITIES.items()})
    default_cat = df["activity"].map({a: c.scope3_category for a, c in ACTIVITIES.items()})
    # numbers per factor (a few hundred), then taken per row
    fscope = np.where(good, _factor_numbers(f["scope"])[take], np.nan)
    fcat = np.where(good, _factor_numbers(f["scope3_category"])[take], np.nan)
    scope = (df["scope_override"].astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    scope = np.where(np.isnan(scope), fscope, scope)
    scope = np.where(np.isnan(scope), default_scope.astype(float).to_numpy(), scope)
    cat = df["scope3_override"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    cat = np.where(np.isnan(cat), fcat, cat)
    cat = np.where(np.isnan(cat), default_cat.astype(float).to_numpy(), cat)
    cat = np.where(scope == 3, cat, np.nan)
    iso = df["iso_override"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    derived = np.where(scope == 1, 1.0, np.where(scope == 2, 2.0, np.nan))
    s3 = pd.Series(cat).map(ISO_FOR_SCOPE3).to_numpy(dtype=float)
    derived = np.where(scope == 3, s3, derived)
    iso = np.where(np.isnan(iso), derived, iso)
    df["scope"] = pd.array(np.where(np.isnan(scope), np.nan, scope), dtype="Float64").astype(
        "Int64")
    df["scope3_category"] = pd.array(cat, dtype="Float64").astype("Int64")
    df["iso_category"] = pd.array(iso, dtype="Float64").astype("Int64")


def _factor_numbers(column):
    """A factor-table text column ('1', '', '3') as floats, NaN where blank."""
    import pandas as pd

    return pd.to_numeric(column.replace("", None), errors="coerce").to_numpy(dtype=float)


# A supplier factor feeds only the market-based figure: when it cannot be used, the row keeps
# its location-based result and its market figure falls back to the grid factor, as the
# GHG Protocol's Scope 2 hierarchy does for a row without a usable contractual instrument;
# the error says so, so the fallback is never silent.
_MARKET_ONLY = (" Only the market-based figure is affected: the row keeps its location-based "
                "result, and its market-based figure uses the grid factor until this is fixed.")
MARKET_BASES = ["", "supplier-specific", "grid average (no contractual instrument given)",
                "grid average (supplier factor not usable, see findings)"]


def _market(df, good, tables) -> list[Finding]:
    """Scope 2 market-based: the row's contractual factor, else the grid factor (disclosed)."""
    import numpy as np
    import pandas as pd

    from carbonaudit.factors.units import conversion_factor, convertible, parse_rate_unit

    findings: list[Finding] = []
    scope2 = (df["scope"] == 2).fillna(False).to_numpy(dtype=bool) & good
    sf = df["supplier_factor"].to_numpy(dtype=float)
    has_sf = ~np.isnan(sf)
    problem = df["supplier_problem"].notna().to_numpy(dtype=bool)
    for i in df.index[scope2 & problem]:
        findings.append(error("bad-supplier-factor", df.at[i, "supplier_problem"] + _MARKET_ONLY,
                              row_location(df, i, tables, df.at[i, "supplier_problem_at"])))
    mult = np.full(len(df), np.nan)
    mismatch = np.zeros(len(df), dtype=bool)
    rows = np.flatnonzero(scope2 & has_sf)
    if len(rows):
        pairs = df.iloc[rows][["unit_expr", "supplier_factor_unit"]].astype(str)
        for (unit_expr, sunit), where in pairs.groupby(["unit_expr", "supplier_factor_unit"],
                                                       sort=False).indices.items():
            kg, den, _ = parse_rate_unit(sunit)
            if convertible(unit_expr, den):
                mult[rows[where]] = kg * conversion_factor(unit_expr, den)
            else:
                mismatch[rows[where]] = True
    supplied = df["quantity"].to_numpy() * sf * mult
    # an absurd supplier factor (1e300 kg/kWh) spoils the market figure, not the row
    absurd = scope2 & has_sf & ~mismatch & ~(np.abs(supplied) <= ROW_LIMIT_KG)
    for i in df.index[mismatch | absurd]:
        unit = df.at[i, "supplier_factor_unit"]
        text = (f"The supplier factor's unit {unit} does not fit the quantity's unit "
                f"{df.at[i, 'unit_text']}; give it per the same kind of unit (e.g. kg/kWh for "
                "kWh)." if mismatch[df.index.get_loc(i)] else
                f"The supplier factor {df.at[i, 'supplier_factor']:g} {unit} makes this row's "
                "market-based emissions impossibly large; check the factor and its unit.")
        at = "supplier_factor_unit" if mismatch[df.index.get_loc(i)] else "supplier_factor"
        findings.append(error("bad-supplier-factor", text + _MARKET_ONLY,
                              row_location(df, i, tables, at)))
    unusable = scope2 & (problem | mismatch | absurd)
    ignored = (has_sf | problem) & ~scope2 & good
    findings.extend(_aggregate(df, _series(df, ignored), tables, "supplier_factor", "warning",
                               "supplier-factor-ignored",
                               "A supplier factor only applies to Scope 2 energy; it is ignored "
                               "on this row."))
    used = scope2 & has_sf & ~unusable
    df["co2e_market_kg"] = np.where(good, np.where(used, supplied, df["co2e_kg"].to_numpy()),
                                    np.nan)
    basis = np.where(used, 1, np.where(unusable, 3, np.where(scope2, 2, 0))).astype(np.int8)
    df["market_basis"] = pd.Categorical.from_codes(basis, MARKET_BASES)
    return findings


def _out_of_range(df, good, tables) -> list[Finding]:
    """Reject rows whose converted quantity overflows or whose emissions are impossibly large.

    The cells themselves were finite (the reader refuses `1e309`), but `1e308 MWh` is infinite
    once in kWh, and a finite row can still be beyond any real activity; either would make
    the totals meaningless (or not even valid JSON), so the row is an error at its quantity.
    """
    import numpy as np

    live = good & ~df["rejected"].to_numpy(dtype=bool)
    if not live.any():
        return []
    bad = live & ~np.isfinite(df["converted_quantity"].to_numpy(dtype=float))
    for col in _MASS_OUT:
        bad |= live & ~(np.abs(df[col].to_numpy(dtype=float)) <= ROW_LIMIT_KG)  # NaN: bad too
    if not bad.any():
        return []
    out = []
    for i in df.index[bad]:
        given = f"{df.at[i, 'quantity_given']} {df.at[i, 'unit_text']}".strip()
        co2e = df.at[i, "co2e_kg"]
        size = (f"comes to {co2e:.3g} kg CO2e, more than ten years of the whole world's "
                "emissions" if np.isfinite(co2e) else "is too large to compute with once "
                f"converted to {df.at[i, 'factor_unit']}")
        out.append(error("number-out-of-range",
                         f"The quantity {given} {size}; check the quantity and its unit.",
                         row_location(df, i, tables, "quantity")))
    df["rejected"] = df["rejected"].to_numpy(dtype=bool) | bad
    for col in ("converted_quantity", *_MASS_OUT):
        df.loc[bad, col] = np.nan
    return out


def _series(df, mask):
    import pandas as pd

    return pd.Series(mask, index=df.index)


def _aggregate(df, mask, tables, column, severity, code, message) -> list[Finding]:
    """One finding per row for errors; for warnings and info one per file and sheet that
    names every row it stands for (grouped: results.csv marks each, findings.json lists them)."""
    idx = df.index[mask.fillna(False).astype(bool)] if hasattr(mask, "fillna") else df.index[mask]
    if len(idx) == 0:
        return []
    where = (column, "item", "activity")
    if severity == "error":
        return [error(code, message, row_location(df, i, tables, *where)) for i in idx]
    out = []
    sub = df.loc[idx]
    for _, group in sub.groupby(["_file", "_sheet"], sort=False, observed=True):
        out.append(grouped(severity, code, message, row_location(df, group.index[0], tables,
                                                                 *where),
                           group["_row"].to_numpy(dtype="int64")))
    return out


# Notes about a pinned factor point at the factor_id cell; the others at the item.
_NOTE_COLUMN = {"factor-activity-mismatch": "factor_id", "factor-out-of-period": "factor_id"}
_ERROR_COLUMN = {"unknown-factor-id": "factor_id", "unit-mismatch": "unit"}


def _resolution_findings(df, positions, codes, firsts, res, tables) -> list[Finding]:
    """Errors for every row of a failed key; each note once per file and sheet.

    The same note often comes from many keys (one unverified factor used every month), so
    notes are merged by (code, message, file, sheet), keeping the rows of every key.
    """
    import numpy as np

    out: list[Finding] = []
    failed = [k for k, r in enumerate(res) if r.code]
    if failed:  # one pass over the rows, not one per failed key
        for p in np.flatnonzero(np.isin(codes, failed)):
            r = res[codes[p]]
            column = _ERROR_COLUMN.get(r.code, "item")
            out.append(error(r.code, r.message,
                             row_location(df, df.index[positions[p]], tables, column, "item")))
    # the sheet rows of each key, from one stable sort of the key codes
    order = np.argsort(codes, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(res)))]
    sheet_rows = df["_row"].to_numpy(dtype="int64")[positions[order]]
    notes: dict[tuple, list] = {}
    for k, r in enumerate(res):
        first = df.index[positions[firsts[k]]]
        for severity, code, msg in r.notes:
            loc = row_location(df, first, tables, _NOTE_COLUMN.get(code, "item"), "item")
            entry = notes.setdefault((severity, code, msg, loc.file, loc.sheet), [loc, []])
            entry[1].append(sheet_rows[bounds[k]:bounds[k + 1]])
    for (severity, code, msg, _, _), (loc, rows) in notes.items():
        out.append(grouped(severity, code, msg, loc, np.concatenate(rows)))
    return out
