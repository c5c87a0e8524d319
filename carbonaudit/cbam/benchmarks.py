"""The free-allocation side of CBAM: the CBAM factor schedule and the IR (EU) 2025/2620 benchmarks.

Both ship as CSVs in `cbam/data/` with their source per row (format in `cbam/DEFAULTS.md`).
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
    route: str
    value: float
    legal_source: str
    status: str


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
def benchmarks() -> tuple[Benchmark, ...]:
    """Every shipped benchmark row (read once)."""
    return tuple(Benchmark(r["cn_code"], r["column"], r["route"], float(r["benchmark"]),
                           r["legal_source"], r["status"])
                 for r in _data_rows("benchmarks.csv"))


def find_benchmark(cn8: str, column: str, route: str = "") -> Benchmark | list[Benchmark] | None:
    """The benchmark for the longest matching CN prefix; a list when the route is needed."""
    for length in (8, 6, 4, 2):
        rows = [b for b in benchmarks() if b.cn_prefix == cn8[:length] and b.column == column]
        if not rows:
            continue
        if route:
            chosen = [b for b in rows if b.route.casefold() == route.casefold()]
            rows = chosen or rows
        return rows[0] if len(rows) == 1 else rows
    return None


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))
