"""Time the CBAM importer calculation: `assess_imports` on 100,000 lines, `lookup` x 10,000.

    python benchmarks/bench_cbam_imports.py [--lines 100000] [--lookups 10000]

Lines are generated in memory (fixed pattern, no randomness) as already-read `ImportLine`s,
so the figure is the calculation alone; a second figure times `read_imports` on the same
lines written to a CSV file.  Prints the figures; writes nothing but a temporary file.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.defaults import load_defaults, lookup
from carbonaudit.cbam.imports import assess_imports
from carbonaudit.cbam.imports_reader import ImportLine, ImportsData, read_imports

# (cn8, country, actual total SEE or None): defaults, fallbacks, actual values, electricity.
PATTERN = (
    ("72011011", "BR", None), ("72031000", "CN", None), ("28041000", "IN", None),
    ("26011200", "AU", None), ("73181558", "CN", 2.1), ("76042910", "CN", 1.85),
    ("28041000", "AU", 9.0), ("27160000", "UA", 0.45),
)


def make_lines(n: int) -> list[ImportLine]:
    lines = []
    for i in range(n):
        cn8, country, see = PATTERN[i % len(PATTERN)]
        code = reference.cn_codes()[cn8]
        lines.append(ImportLine(
            row=i + 2, cn_raw=code.formatted, cn8=cn8, category=code.category,
            sector=code.sector, country=country, year=2026, quarter=i % 4 + 1,
            period="2026", mass=0.5 + (i % 97) / 10, see_total=see, see_direct=see))
    return lines


def time_assess(n: int) -> float:
    data = ImportsData("generated", "", "memory", "Imports", 1,
                       {"date": "A", "cn_code": "B", "country": "C", "net_mass": "D"},
                       make_lines(n))
    start = time.perf_counter()
    result = assess_imports(data, 2026, load_defaults(), cscf=0.9)
    elapsed = time.perf_counter() - start
    assert len(result.lines) == n
    return elapsed


def time_read(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "imports.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["date", "cn_code", "country", "net_mass", "see_total"])
            for line in make_lines(n):
                writer.writerow([f"2026-Q{line.quarter}", line.cn_raw, line.country,
                                 line.mass, "" if line.see_total is None else line.see_total])
        start = time.perf_counter()
        data, _ = read_imports(path)
        elapsed = time.perf_counter() - start
        assert len(data.lines) == n
    return elapsed


def time_lookup(n: int) -> float:
    table = load_defaults()
    keys = [("7201 10 11", "BR"), ("72031000", "CN"), ("28041000", "IN"), ("26011200", "AU")]
    start = time.perf_counter()
    for i in range(n):
        cn, country = keys[i % len(keys)]
        lookup(cn, country, 2026 + i % 4, table)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=10_000)
    args = parser.parse_args()
    assess = time_assess(args.lines)
    read = time_read(args.lines)
    looked = time_lookup(args.lookups)
    print(f"assess_imports, {args.lines:,} lines: {assess:.3f} s "
          f"({args.lines / assess:,.0f} lines/s)")
    print(f"read_imports (CSV), {args.lines:,} lines: {read:.3f} s")
    print(f"lookup x {args.lookups:,}: {looked:.3f} s ({looked / args.lookups * 1e6:.1f} us each)")


if __name__ == "__main__":
    main()
