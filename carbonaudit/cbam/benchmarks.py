"""The free-allocation side of CBAM: the CBAM factor schedule and the IR (EU) 2025/2620 benchmarks.

Both ship as CSVs in `cbam/data/` with their source and status per row (format in
`cbam/DEFAULTS.md`): the benchmarks are the full IR (EU) 2025/2620 table, 2,465 rows, Column A
(process benchmark, for actual values) and Column B (whole good, for default values), per CN
code and production route.  `find_benchmark` picks the row for a good, column, route and
year of import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Benchmark:
    cn_prefix: str
    column: str          # A | B
    route: str           # a route letter of `reference.routes()`, or "" for every route
    value: float
    legal_source: str
    status: str
    years: tuple[int, int] | None = None   # the production years a split value applies to
    notes: str = ""


@cache
def cbam_factor_schedule() -> tuple[tuple[int, int | None, float, str], ...]:
    """(year_from, year_to or None, CBAM factor %, source) rows of the shipped schedule."""
    return tuple((int(r["year_from"]), int(r["year_to"]) if r["year_to"] else None,
                  float(r["cbam_factor_pct"]), r["legal_source"])
                 for r in _data_rows("cbam_factor_schedule.csv"))


def cbam_factor_pct(year: int) -> float | None:
    """Share of free allocation retained in `year` (Directive 2003/87/EC Art. 10a(1a))."""
    for start, end, pct, _source in cbam_factor_schedule():
        if start <= year and (end is None or year <= end):
            return pct
    return None


@cache
def benchmarks() -> dict[tuple[str, str], tuple[Benchmark, ...]]:
    """Every shipped benchmark, by (CN code or heading, column) (read once)."""
    out: dict[tuple[str, str], list[Benchmark]] = {}
    for r in _data_rows("benchmarks_2620.csv"):
        years = tuple(int(y) for y in r["years"].split("-")) if r["years"] else None
        out.setdefault((r["cn_code"], r["column"]), []).append(Benchmark(
            r["cn_code"], r["column"], r["route"], float(r["benchmark"]), r["legal_source"],
            r["status"], years, r["notes"]))  # type: ignore[arg-type]
    return {k: tuple(v) for k, v in out.items()}


def find_benchmark(cn8: str, column: str, route: str = "", year: int | None = None
                   ) -> Benchmark | list[Benchmark] | None:
    """The benchmark for the longest matching CN prefix, column, route and year of import.

    A list when the table splits the good by route and `route` does not pick one (the caller
    says which routes there are); None when the table has no benchmark for it.  A route
    spelling is read as its letter ('scrap/EAF' -> 'E').
    """
    from carbonaudit.cbam.reference import find_route

    for length in (8, 6, 4, 2):
        rows = list(benchmarks().get((cn8[:length], column), ()))
        if not rows:
            continue
        if year is not None:
            rows = [b for b in rows if b.years is None or b.years[0] <= year <= b.years[1]
                    or (year > b.years[1] == max(x.years[1] for x in rows if x.years))]
        routes = {b.route for b in rows}
        if routes != {""}:
            letter = (find_route(route) or route).casefold() if route else ""
            chosen = [b for b in rows if b.route.casefold() == letter] if letter else []
            if not chosen:
                return rows
            rows = chosen
        return rows[0] if len(rows) == 1 else rows
    return None


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))
