"""Per import line: embedded emissions, free allocation adjustment, certificates and their cost.

* embedded = mass x SEE: the supplier's actual SEE as the definitive period counts it
  (`see_counted`), else the default value with the year's published mark-up (`defaults`), one
  look-up per distinct CN code, origin and route;
* FAA = CBAM factor x CSCF x benchmark x mass (IR (EU) 2025/2620): Column B for default values,
  with the route of the default value's row; Column A for actual values of goods without
  relevant precursors (with them, the precursors' adjustments would be needed: not computed);
  zero for electricity; not computed, never zero, without a CSCF;
* certificates = max(0, embedded - FAA);
* cost = max(0, certificates x price - carbon price paid), the carbon price deducted only on
  lines with actual values (Art. 9 of Reg. (EU) 2023/956: with default values the deduction
  needs the Commission's default carbon prices, which are not adopted).

Each line records the column, route and status of the benchmark it used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.benchmarks import Benchmark, find_benchmark
from carbonaudit.cbam.defaults import DefaultValue, resolve
from carbonaudit.cbam.imports_results import NEVER_EXEMPT
from carbonaudit.cbam.row_findings import group_positions
from carbonaudit.findings import Location, warning

ELECTRICITY = "27160000"


def certificates(run, status: np.ndarray) -> dict[str, object]:
    """The line-result columns (`imports_results.LineResult`) for every line."""
    lines = run.lines
    cn_codes = np.asarray(lines["cn8"].cat.codes, dtype=np.int64)
    mass = np.asarray(lines["mass"], dtype=float)
    never = np.asarray(lines["cn8"].isin(NEVER_EXEMPT), dtype=bool)
    in_scope = status == "in-scope"
    if run.de_minimis.exempt:
        status[in_scope & ~never] = "exempt-de-minimis"
    liable = status == "in-scope"
    if run.cscf is None and liable.any():
        run.findings.append(warning(
            "cbam-import-cscf-missing",
            "No cross-sectoral correction factor (CSCF) was given, so the free allocation "
            "adjustment is NOT computed (it is not zero); certificates are shown before FAA "
            "only. Give the published CSCF for the year (--cscf).",
            Location(file=run.data.path)))
    out = _columns(run, status)
    counted = np.asarray(lines["see_counted"], dtype=float)
    actual = liable & ~np.isnan(counted)
    out["basis"][actual] = "actual"
    out["see_used"][actual] = out["see_unmarked"][actual] = counted[actual]
    _defaults(run, liable & ~actual, cn_codes, out)
    out["embedded_t"] = mass * out["see_used"]
    out["embedded_unmarked_t"] = mass * out["see_unmarked"]
    _faa(run, liable, cn_codes, mass, out)
    embedded, faa = out["embedded_t"], out["faa_t"]
    out["certificates_t"] = np.where(np.isnan(embedded) | np.isnan(faa), np.nan,
                                     np.maximum(0.0, embedded - faa))
    out["certificates_t"][status == "exempt-de-minimis"] = 0.0
    _cost(run, liable, out)
    exempt = status == "exempt-de-minimis"
    out["note"][exempt] = "exempt: de minimis"
    if run.prices is not None:
        out["cost_eur"][exempt] = 0.0
    problems = np.asarray(lines["problems"].astype(object).fillna(""))
    invalid = status == "invalid"
    out["note"][invalid] = problems[invalid]
    return {k: _as_column(v) for k, v in out.items()}


def _columns(run, status: np.ndarray) -> dict[str, np.ndarray]:
    lines, n = run.lines, run.n
    text = {k: np.full(n, "", dtype=object) for k in (
        "basis", "benchmark_column", "benchmark_route", "benchmark_status", "default_row",
        "note")}
    nums = {k: np.full(n, np.nan) for k in (
        "see_used", "see_unmarked", "benchmark", "faa_t", "carbon_price_deducted_eur",
        "price_eur", "cost_eur")}
    return {"row": run.rows, "cn_code": lines["cn8"], "country": lines["country"],
            "year": lines["year"], "quarter": lines["quarter"],
            "mass": np.asarray(lines["mass"], dtype=float), "status": status,
            "route": np.asarray(lines["route"].astype(object).fillna("")),
            "markup_pct": np.zeros(n), "see_source": lines["see_source"],
            "carbon_price_paid_eur": np.asarray(lines["carbon_price_paid"], dtype=float),
            **text, **nums}


def _as_column(values: object) -> object:
    if isinstance(values, np.ndarray) and values.dtype == object:
        return pd.Categorical(values)
    return values


def _key(*codes: np.ndarray) -> np.ndarray:
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        key = key * (int(c.max(initial=0)) + 2) + (c + 1)
    return key


def _defaults(run, rows: np.ndarray, cn_codes: np.ndarray, out: dict) -> None:
    """Default values, one look-up per distinct (CN code, origin, route)."""
    lines = run.lines
    country = np.asarray(lines["country"].cat.codes, dtype=np.int64)
    route = np.asarray(lines["route"].cat.codes, dtype=np.int64)
    cats_cn, cats_country = lines["cn8"].cat.categories, lines["country"].cat.categories
    cats_route = lines["route"].cat.categories
    for _key_value, positions in group_positions(_key(cn_codes, country, route), rows).items():
        first = positions[0]
        code = reference.cn_codes()[cats_cn[cn_codes[first]]]
        given_route = str(cats_route[route[first]]) if route[first] >= 0 else ""
        value: DefaultValue = resolve(code, str(cats_country[country[first]]), run.year,
                                      run.table, route=given_route or None)
        for f in value.findings:
            run.issues.add(f.code, f.message, "cn_code", positions, run.rows,
                           severity=str(f.severity))
        if not value.found:
            out["note"][positions] = "no default value"
            continue
        out["basis"][positions] = "default"
        out["see_unmarked"][positions] = value.total
        out["see_used"][positions] = value.total_marked_up
        out["markup_pct"][positions] = value.markup_pct
        out["default_row"][positions] = f"{value.country_used} ({value.table_row})"
        # Column B follows the default value's route; a row without one, the line's route.
        out["benchmark_route"][positions] = value.route or given_route


def _faa(run, liable: np.ndarray, cn_codes: np.ndarray, mass: np.ndarray, out: dict) -> None:
    cats_cn = run.lines["cn8"].cat.categories
    electricity = liable & (np.asarray(run.lines["cn8"] == ELECTRICITY, dtype=bool))
    out["faa_t"][electricity] = 0.0   # IR (EU) 2025/2620: no adjustment for electricity
    if run.cscf is None or run.factor_pct is None:
        return
    rows = liable & ~electricity & (out["basis"] != "")
    basis = np.where(out["basis"] == "default", 1, 0).astype(np.int64)
    routes = out["benchmark_route"].copy()
    routes[out["basis"] == "actual"] = out["route"][out["basis"] == "actual"]
    route_codes, route_names = pd.factorize(pd.Series(routes, dtype=object))
    for _k, positions in group_positions(_key(cn_codes, basis, route_codes), rows).items():
        first = positions[0]
        cn8 = str(cats_cn[cn_codes[first]])
        column = "B" if basis[first] else "A"
        route = str(route_names[route_codes[first]])
        if column == "A" and _has_precursors(cn8):
            _note(run, positions, "cbam-import-faa-needs-precursors", cn8,
                  f"FAA not computed for CN {_formatted(cn8)} with actual values: IR (EU) "
                  "2025/2620 adds the precursors' adjustments (Column A benchmark + sum of m_i "
                  "x SEFA_i), which the imports file does not carry")
            continue
        found = find_benchmark(cn8, column, route, run.year)
        if isinstance(found, list):
            _route_needed(run, positions, cn8, column, route, found)
            continue
        if found is None:
            _note(run, positions, "cbam-import-benchmark-missing", cn8,
                  f"FAA not computed for CN {_formatted(cn8)}: IR (EU) 2025/2620 as shipped "
                  f"has no Column {column} benchmark for it")
            continue
        _apply(run, positions, found, column, mass, out)


def _apply(run, positions: np.ndarray, found: Benchmark, column: str, mass: np.ndarray,
           out: dict) -> None:
    out["benchmark"][positions] = found.value
    out["benchmark_column"][positions] = column
    out["benchmark_route"][positions] = found.route
    out["benchmark_status"][positions] = found.status
    out["faa_t"][positions] = (run.factor_pct / 100.0 * run.cscf * found.value
                               * mass[positions])
    if found.status != "secondary":
        run.issues.add("cbam-import-benchmark-status", f"The Column {column} benchmark "
                       f"{found.value:g} for CN {_formatted(found.cn_prefix)} is "
                       f"'{found.status}': {found.notes}", "cn_code", positions, run.rows,
                       severity="info")


def _route_needed(run, positions, cn8: str, column: str, route: str, found: list) -> None:
    listed = ", ".join(f"{reference.route_label(b.route)} {b.value:g}" for b in found)
    why = (f"route '{route}' is not one of them" if route else
           "give the route (the route column)" if column == "A" else
           "the default value's row names no route")
    _note(run, positions, "cbam-import-benchmark-route-needed", cn8,
          f"FAA not computed for CN {_formatted(cn8)}: the Column {column} benchmark differs "
          f"by production route ({listed}) and {why}")


def _note(run, positions: np.ndarray, code: str, cn8: str, message: str) -> None:
    run.issues.add(code, message, "cn_code", positions, run.rows, severity="warning")


def _cost(run, liable: np.ndarray, out: dict) -> None:
    """Cost in EUR at the certificate price, less the carbon price paid where deductible."""
    paid = out["carbon_price_paid_eur"]
    on_defaults = liable & ~np.isnan(paid) & (out["basis"] == "default")
    run.issues.add("cbam-import-carbon-price-not-deducted", "The carbon price paid is not "
                   "deducted on lines with default values: Art. 9 of Reg. (EU) 2023/956 allows "
                   "it there only at the Commission's default carbon prices, which are not "
                   "adopted; it is recorded", "carbon_price_paid",
                   np.flatnonzero(on_defaults), run.rows, severity="warning")
    if run.prices is None:
        return
    price = np.full(run.n, np.nan)
    if "all" in run.prices:
        price[:] = run.prices["all"]
    else:
        quarter = np.asarray(run.lines["quarter"].fillna(0), dtype=np.int64)
        for q in (1, 2, 3, 4):
            key = f"{run.year}-Q{q}"
            if key in run.prices:
                price[quarter == q] = run.prices[key]
        unpriced = liable & np.isnan(price)
        for q in sorted(set(quarter[unpriced].tolist())):
            what = (f"{run.year}-Q{q}, for which no price was given" if q else
                    "the year only, so no quarter and no quarter's price")
            run.issues.add("cbam-import-price-missing", f"No certificate price for these "
                           f"lines: they are dated {what}; give --price for every quarter "
                           "imported (Q1=75.36 ...), or one price for all", "date",
                           np.flatnonzero(unpriced & (quarter == q)), run.rows,
                           severity="warning")
    out["price_eur"] = np.where(liable, price, np.nan)
    gross = out["certificates_t"] * out["price_eur"]
    deductible = liable & ~np.isnan(paid) & (out["basis"] == "actual") & ~np.isnan(gross)
    deducted = np.where(deductible, np.minimum(paid, gross), np.nan)
    out["carbon_price_deducted_eur"] = deducted
    out["cost_eur"] = np.where(np.isnan(deducted), gross, gross - deducted)


def _has_precursors(cn8: str) -> bool:
    good = reference.find_good(reference.cn_codes()[cn8].category)
    return bool(good and good.relevant_precursors)


def _formatted(cn: str) -> str:
    code = reference.cn_codes().get(cn)
    return code.formatted if code else reference.format_heading(cn)
