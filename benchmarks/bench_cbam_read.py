"""Time reading CBAM installation files: official template (calamine vs openpyxl) and ours.

    python benchmarks/bench_cbam_read.py [--repeat 5]

The official template is filled with the Harbour Metals sample (fill_template), then read
three ways: `read_official` (calamine, every sheet, values only), a bare calamine load of all
sheets, and openpyxl `load_workbook(data_only=True, read_only=True)` iterating every cell
(values only, the cheapest openpyxl mode).  Our own workbook is read with
`read_installation_workbook`.  Imports are done before timing; the median of the runs is
printed with the spread.  Everything is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _sample():
    spec = importlib.util.spec_from_file_location("make_installation",
                                                  ROOT / "samples" / "make_installation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


def _openpyxl_values(path: Path) -> int:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
        n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                for v in row if v is not None)
        wb.close()
    return n


def _calamine_all(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from carbonaudit.cbam.fill import fill_template
    from carbonaudit.cbam.official import read_official
    from carbonaudit.cbam.workbook_reader import read_installation_workbook

    sample = _sample()
    with tempfile.TemporaryDirectory() as tmp:
        ours = sample.write(Path(tmp) / "ours.xlsx")
        official = Path(tmp) / "official.xlsx"
        fill_template(sample.installation(), official)
        cases = {
            "read_official (calamine, model + findings)": lambda: read_official(official),
            "calamine, all 19 sheets, values": lambda: _calamine_all(official),
            "openpyxl read_only data_only, all cells": lambda: _openpyxl_values(official),
            "read_installation_workbook (ours)": lambda: read_installation_workbook(ours),
        }
        print(f"python {sys.version.split()[0]}, {args.repeat} runs each, median (min-max)")
        print(f"official file {official.stat().st_size:,} bytes; ours {ours.stat().st_size:,}")
        for label, fn in cases.items():
            runs = _time(fn, args.repeat)
            print(f"{label:48s} {statistics.median(runs) * 1000:8.1f} ms "
                  f"({min(runs) * 1000:.1f}-{max(runs) * 1000:.1f})")


if __name__ == "__main__":
    main()
