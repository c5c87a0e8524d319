"""Time the Excel and PDF reports on a synthetic 100,000-row inventory.

Targets (issue): Excel under 15 s for 100k rows; PDF under 5 s whatever the size.
The folder is built from the real sample assessment: its inventory.json (with many sites
and months added) and a results.csv with the real columns, repeated to N rows.

    python benchmarks/bench_reports.py [ROWS]
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def make_folder(folder: Path, rows: int) -> Path:
    from test_reports_excel import assess_sample

    inv = assess_sample(folder / "sample")
    doc = json.loads(inv.read_text("utf-8"))
    with open(inv.parent / "results.csv", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        sample = list(reader)
    site = header.index("site")
    row = header.index("row")
    with open(folder / "results.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(rows):
            r = list(sample[i % len(sample)])
            r[row] = str(i + 2)
            r[site] = f"Site {i % 500:03d}"
            w.writerow(r)
    base = doc["by_site"][0]
    doc["by_site"] = [{**base, "site": f"Site {i:03d}", "rows": rows // 500}
                      for i in range(500)]
    doc["rows"].update(read=rows, assessed=rows, rejected=0)
    (folder / "inventory.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    shutil_copy(inv.parent / "findings.json", folder / "findings.json")
    return folder / "inventory.json"


def shutil_copy(a: Path, b: Path) -> None:
    b.write_bytes(a.read_bytes())


def main() -> None:
    from carbonaudit.reports import render_report

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        inv = make_folder(Path(tmp), rows)
        for fmt, lang in (("xlsx", "en"), ("pdf", "en"), ("pdf", "zh-Hant")):
            t0 = time.perf_counter()
            out = render_report(inv, fmt, Path(tmp) / f"report-{lang}.{fmt}", lang=lang)
            dt = time.perf_counter() - t0
            print(f"{fmt:4} {lang:7} {rows:>9,} rows  {dt:6.2f} s  "
                  f"{out.stat().st_size / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
