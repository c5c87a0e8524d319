"""`carbonaudit cbam imports` on 1,000,000 import lines beside opencbam's `validate` of that file.

    python benchmarks/bench_cbam_imports.py [--lines 1000000] [--repeat 3] [--opencbam PATH]

Writes two CSV files into a temporary folder (fixed pattern, no randomness): one whose every
line carries the supplier's actual SEE (`see_direct`, `see_indirect`), which opencbam's
`validate` reads without errors (its columns: cn_code, country, a mass alias and an emissions
alias), and the same lines with the SEE left blank, which only carbonaudit can price (default
values). Each run is a fresh process; the figures are wall time and that process's peak RSS
(`wait4`), medians of `--repeat` runs. opencbam is a separate tool, not a dependency: give its
executable with `--opencbam` (e.g. from `pip install opencbam` into another venv), or it is
looked for on PATH; without it only carbonaudit's absolute figures are printed.

Also times `defaults.lookup` x 10,000 in this process. Prints a table and writes
benchmarks/results_cbam_imports.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLI = shutil.which("carbonaudit", path=str(Path(sys.executable).parent)) or "carbonaudit"
TARGET_RATIO = 2.0        # at least twice as fast as opencbam validate
TARGET_RSS_MB = 1024.0

# date, CN code, origin, actual SEE direct, indirect: defaults in every sector, routes,
# a fallback to 'other countries', a year-only date, quarters, kg.
PATTERN = (
    ("2026-01-15", "7201 10 11", "BR", "1.5", "0.1"),
    ("2026-02-10", "72031000", "CN", "1.2", "0.05"),
    ("2026-03-01", "28041000", "IN", "9.5", "0"),
    ("2026-04-20", "26011200", "AU", "0.09", "0.02"),
    ("2026-05-05", "7318 15 58", "CN", "2.1", "0.5"),
    ("2026-06-30", "76042910", "CN", "1.85", "6.1"),
    ("2026-Q3", "72071111", "TR", "2.2", "0.3"),
    ("2026-09-09", "31021019", "EG", "1.3", "0.08"),
    ("2026-11-11", "25231000", "CN", "0.82", "0.04"),
    ("2026-12-01", "28041000", "AM", "9.0", "0"),
)


def write_files(folder: Path, n: int) -> tuple[Path, Path]:
    actual, default = folder / "imports_actual.csv", folder / "imports_default.csv"
    with actual.open("w", newline="", encoding="utf-8") as fa, \
            default.open("w", newline="", encoding="utf-8") as fd:
        wa, wd = csv.writer(fa), csv.writer(fd)
        head = ["date", "cn_code", "country", "net_mass", "route", "see_direct",
                "see_indirect"]
        wa.writerow(head)
        wd.writerow(head)
        for i in range(n):
            date, cn, country, direct, indirect = PATTERN[i % len(PATTERN)]
            mass = f"{0.5 + (i % 97) / 10:.1f}"
            route = "A" if cn == "25231000" else ""
            wa.writerow([date, cn, country, mass, route, direct, indirect])
            wd.writerow([date, cn, country, mass, route, "", ""])
    return actual, default


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def median_run(cmd: list[str], repeat: int) -> dict:
    runs = [run(cmd) for _ in range(repeat)]
    return {"seconds": statistics.median(r[0] for r in runs),
            "rss_mb": statistics.median(r[1] for r in runs), "exit": runs[-1][2]}


def time_lookups(n: int) -> float:
    from carbonaudit.cbam.defaults import load_defaults, lookup

    table = load_defaults()
    keys = [("7201 10 11", "BR"), ("72031000", "CN"), ("28041000", "IN"), ("26011200", "AU"),
            ("72071111", "TR"), ("31021019", "EG")]
    start = time.perf_counter()
    for i in range(n):
        cn, country = keys[i % len(keys)]
        lookup(cn, country, 2026 + i % 4, table)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--opencbam", default=shutil.which("opencbam"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        actual, default = write_files(folder, args.lines)
        size = actual.stat().st_size / 1e6
        ours = [CLI, "cbam", "imports", "--year", "2026", "--cscf", "1", "--price", "80",
                "--out", str(folder / "out")]
        rows.append(("carbonaudit cbam imports (actual SEE)",
                     median_run([*ours, str(actual)], args.repeat)))
        rows.append(("carbonaudit cbam imports (default values)",
                     median_run([*ours, str(default)], args.repeat)))
        rows.append(("carbonaudit cbam imports --lines parquet (actual SEE)",
                     median_run([*ours, "--lines", "parquet", str(actual)], args.repeat)))
        if args.opencbam:
            rows.append(("opencbam validate (actual SEE file)",
                         median_run([args.opencbam, "validate", "--json", str(actual)],
                                    args.repeat)))
    lookups = time_lookups(10_000)
    report = _report(args, rows, size, lookups)
    print(report)
    (HERE / "results_cbam_imports.md").write_text(report + "\n", "utf-8")


def _report(args, rows: list[tuple[str, dict]], size: float, lookups: float) -> str:
    lines = [f"# cbam imports, {args.lines:,} lines ({size:.1f} MB CSV), medians of "
             f"{args.repeat}", "",
             f"{platform.platform()}, Python {platform.python_version()}, "
             f"{os.cpu_count()} CPUs", "",
             "| run | seconds | peak RSS MB | exit |", "|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['seconds']:.2f} | {r['rss_mb']:.0f} | {r['exit']} |")
    ours = rows[0][1]
    lines.append("")
    opencbam = next((r for n, r in rows if n.startswith("opencbam")), None)
    if opencbam:
        ratio = opencbam["seconds"] / ours["seconds"]
        verdict = "PASS" if ratio >= TARGET_RATIO and ours["rss_mb"] < TARGET_RSS_MB else "FAIL"
        lines.append(f"carbonaudit is {ratio:.1f}x faster than opencbam validate on the same "
                     f"file (target {TARGET_RATIO:g}x) at {ours['rss_mb']:.0f} MB (target < "
                     f"{TARGET_RSS_MB:.0f} MB): {verdict}")
    else:
        lines.append("opencbam not found (give --opencbam PATH): absolute figures only; "
                     f"peak RSS target < {TARGET_RSS_MB:.0f} MB: "
                     f"{'PASS' if ours['rss_mb'] < TARGET_RSS_MB else 'FAIL'}")
    lines.append(f"defaults.lookup x 10,000: {lookups:.3f} s "
                 f"({lookups / 10_000 * 1e6:.1f} us each)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
