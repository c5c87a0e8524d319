"""carbonaudit benchmarks: CLI start-up, 1M-row CSV and 200k-row xlsx assessments.

    python benchmarks/run.py            # full size: 1,000,000 CSV rows, 200,000 xlsx rows
    python benchmarks/run.py --rows-csv 100000 --rows-xlsx 20000   # quick run

Every measurement runs in a fresh subprocess, so import costs are either included (CLI
wall times) or deliberately excluded (in-process timings import everything first).
Missing data files are generated with make_data.py into benchmarks/_data/.
Prints a table and writes benchmarks/results.md and benchmarks/profile_csv.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
DATA = HERE / "_data"
PY = sys.executable
CLI = shutil.which("carbonaudit", path=str(Path(PY).parent)) or shutil.which("carbonaudit")
HEAVY = ("pandas", "pint", "openpyxl", "reportlab", "xlsxwriter", "numpy")
TARGETS = {"csv_ratio": 4.0, "peak_rss_mb": 2048.0, "xlsx_ratio": 2.0}


# ----------------------------------------------------------------------------- workers
# `run.py --worker NAME ...` runs one measurement inside a fresh process and prints JSON.

def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def worker_read_csv(path: str) -> dict:
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_csv(path)
    return {"seconds": time.perf_counter() - t, "rows": len(df), "peak_rss_mb": _peak_rss_mb()}


def worker_calamine(path: str) -> dict:
    from python_calamine import load_workbook

    t = time.perf_counter()
    wb = load_workbook(path)
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    return {"seconds": time.perf_counter() - t, "rows": len(rows) - 1,
            "peak_rss_mb": _peak_rss_mb()}


def worker_write_floor(results_csv: str) -> dict:
    """Arrow writing an already-built results table: the least `assess` can spend on its output.

    The table is read back from a results.csv that `assess` wrote, so it has the real 39
    columns and row count; only the write is timed.
    """
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(results_csv)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        pacsv.write_csv(table, str(Path(tmp, "results.csv")),
                        pacsv.WriteOptions(quoting_style="needed"))
        seconds = time.perf_counter() - t
    return {"seconds": seconds, "bytes": Path(results_csv).stat().st_size}


def _imports():
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    from carbonaudit import outputs, project, schemas
    from carbonaudit.factors import load_library
    from carbonaudit.ingest import reader as ingest
    from carbonaudit.inventory import activity, engine
    from carbonaudit.inventory import document as inventory

    with contextlib.suppress(ImportError):  # imported lazily by ingest; keep it out of timings
        import python_calamine  # noqa: F401
    return activity, engine, ingest, inventory, outputs, project, schemas, load_library


def worker_assess(path: str, out: str) -> dict:
    """engine.assess() + build_document + write_assessment, imports excluded."""
    t0 = time.perf_counter()
    _, engine, _, inventory, outputs, project, _, _ = _imports()
    t_import = time.perf_counter() - t0
    t = time.perf_counter()
    a = engine.assess([path], project.Config.default(), engine.AssessOptions())
    t_assess = time.perf_counter() - t
    doc = inventory.build_document(a)
    t_doc = time.perf_counter() - t
    outputs.write_assessment(a, doc, Path(out))
    total = time.perf_counter() - t
    return {"import_seconds": t_import, "assess_seconds": t_assess,
            "assess_doc_seconds": t_doc, "seconds": total, "rows": doc["rows"],
            "peak_rss_mb": _peak_rss_mb()}


def worker_stages(path: str, out: str) -> dict:
    """The steps of engine.assess() and of the CLI's `assess`, timed one by one."""
    t0 = time.perf_counter()
    activity, engine, ingest, inventory, outputs, project, schemas, load_library = _imports()
    stages = {"imports (excluded from total)": time.perf_counter() - t0}
    config, options = project.Config.default(), engine.AssessOptions()
    from carbonaudit.factors.gwp import gwp_table

    def timed(name, fn, *args, **kw):
        t = time.perf_counter()
        value = fn(*args, **kw)
        stages[name] = time.perf_counter() - t
        return value

    gwp = timed("gwp_table", gwp_table, options.gwp)
    library, findings = timed("load_library", load_library, list(config.factor_sets) or None,
                              [*config.extra_factors, *options.factor_files])
    ingested = timed("ingest.read_activity_files", ingest.read_activity_files, [path],
                     sheet=options.sheet, encoding=options.encoding)
    rows = timed("activity.prepare_rows", activity.prepare_rows, ingested.tables,
                 decimal_comma=options.decimal_comma, default_sector=config.default_sector,
                 period=(config.period_start, config.period_end) if config.period_start
                 else None, items=set(library.factors["item"]))
    results, found = timed("engine.compute", engine.compute, rows.df, library, gwp, config,
                           ingested.tables)
    a = engine.Assessment(results, [*findings, *ingested.findings, *rows.findings, *found],
                          ingested.sources, library, gwp.gwp_set, config, rows.blank_rows)
    doc = timed("inventory.build_document", inventory.build_document, a)
    problems = timed("schemas.validate_document", schemas.validate_document, doc, "inventory")
    timed("outputs.write_assessment", outputs.write_assessment, a, doc, Path(out))
    total = sum(v for k, v in stages.items() if not k.startswith("imports"))
    return {"stages": stages, "total": total, "rows": doc["rows"],
            "schema_problems": len(problems), "peak_rss_mb": _peak_rss_mb()}


def worker_profile(path: str, out: str, report: str) -> dict:
    import cProfile
    import io
    import pstats

    _, engine, _, inventory, outputs, project, schemas, _ = _imports()
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    a = engine.assess([path], project.Config.default(), engine.AssessOptions())
    doc = inventory.build_document(a)
    schemas.validate_document(doc, "inventory")
    outputs.write_assessment(a, doc, Path(out))
    prof.disable()
    seconds = time.perf_counter() - t
    text = io.StringIO()
    text.write(f"cProfile of assess()+build_document+validate_document+write_assessment on "
               f"{path}\nwall time under the profiler: {seconds:.2f} s "
               "(profiling overhead included)\n\n")
    for key in ("cumulative", "tottime"):
        text.write(f"=== top 25 by {key} time ===\n")
        pstats.Stats(prof, stream=text).strip_dirs().sort_stats(key).print_stats(25)
    st = pstats.Stats(prof)
    top, own = [], []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():
        entry = {"func": f"{Path(file).name}:{line}({func})", "tottime": tt, "cumtime": ct,
                 "ncalls": nc}
        top.append(entry)
        if f"{os.sep}carbonaudit{os.sep}" in file:
            own.append(entry)
    own.sort(key=lambda x: -x["cumtime"])
    text.write("=== carbonaudit's own functions, top 25 by cumulative time ===\n")
    text.write(f"{'ncalls':>10} {'tottime':>9} {'cumtime':>9}  function\n")
    for x in own[:25]:
        text.write(f"{x['ncalls']:>10} {x['tottime']:>9.3f} {x['cumtime']:>9.3f}  {x['func']}\n")
    Path(report).write_text(text.getvalue(), encoding="utf-8")
    return {"seconds": seconds,
            "by_cum": sorted(top, key=lambda x: -x["cumtime"])[:25],
            "by_tot": sorted(top, key=lambda x: -x["tottime"])[:25],
            "own": own[:25]}


def worker_imports() -> dict:
    t = time.perf_counter()
    import carbonaudit.cli  # noqa: F401

    return {"seconds": time.perf_counter() - t,
            "heavy": [m for m in HEAVY if m in sys.modules]}


WORKERS = {"read_csv": worker_read_csv, "calamine": worker_calamine, "assess": worker_assess,
           "write_floor": worker_write_floor,
           "stages": worker_stages, "profile": worker_profile, "imports": worker_imports}


# ----------------------------------------------------------------------------- driver

# Runs a command as the only child of a small Python wrapper, so RUSAGE_CHILDREN of the
# wrapper is exactly that command's peak RSS (Linux: KiB).  Wall time includes start-up.
_WRAPPER = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    rc = subprocess.call(sys.argv[3:], stdout=out, stderr=err)
wall = time.perf_counter() - t
print(json.dumps({"rc": rc, "wall": wall,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(cmd: list[str]) -> dict:
    """Run `cmd` in a fresh process; wall time, exit code, peak RSS, stdout and stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp, "out"), Path(tmp, "err")
        env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
        p = subprocess.run([PY, "-c", _WRAPPER, str(out), str(err), *cmd], env=env,
                           capture_output=True, text=True, check=True)
        info = json.loads(p.stdout)
        info["stdout"] = out.read_text(errors="replace")
        info["stderr"] = err.read_text(errors="replace")
    return info


def worker(name: str, *args: str) -> dict:
    info = measure([PY, str(Path(__file__).resolve()), "--worker", name, *args])
    if info["rc"] != 0:
        raise RuntimeError(f"worker {name} failed (exit {info['rc']}):\n{info['stderr']}")
    result = json.loads(info["stdout"].strip().splitlines()[-1])
    result["process_wall"] = info["wall"]
    result["process_peak_rss_mb"] = info["peak_rss_mb"]
    return result


def ensure_data(rows: int, fmt: str) -> Path:
    path = DATA / f"activity_{rows}.{fmt}"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        subprocess.run([PY, str(HERE / "make_data.py"), "--rows", str(rows), "--format", fmt,
                        "--out", str(path)], check=True)
    return path


def median_wall(cmd: list[str], n: int) -> tuple[float, list[float]]:
    measure(cmd)  # warm-up: bytecode caches and the OS file cache
    walls = []
    for _ in range(n):
        info = measure(cmd)
        if info["rc"] != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {info['rc']}:\n{info['stderr']}")
        walls.append(info["wall"])
    return statistics.median(walls), walls


def run_cli_assess(path: Path, out: Path) -> dict:
    info = measure([CLI, "assess", str(path), "--out", str(out)])
    # Exit 1 is expected: the generated data holds deliberately bad rows.
    if info["rc"] not in (0, 1) or not (out / "inventory.json").exists():
        raise RuntimeError(f"carbonaudit assess {path} exited {info['rc']}:\n"
                           f"{info['stderr']}\n{info['stdout'][-4000:]}")
    info["rows"] = json.loads((out / "inventory.json").read_text())["rows"]
    return info


def fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows-csv", type=int, default=1_000_000)
    p.add_argument("--rows-xlsx", type=int, default=200_000)
    p.add_argument("--startup-runs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=1,
                   help="runs of each heavy measurement (median reported)")
    p.add_argument("--baseline-repeat", type=int, default=5,
                   help="runs of the read_csv / calamine baselines (median reported)")
    p.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        print(json.dumps(WORKERS[a.worker[0]](*a.worker[1:])))
        return 0
    if not CLI:
        sys.exit("the `carbonaudit` command is not installed next to this Python")

    rows_md: list[tuple[str, str, str]] = []  # (measurement, value, target)
    rep = max(1, a.repeat)

    def med(fn, key, times=None):
        runs = [fn() for _ in range(times or rep)]
        runs.sort(key=lambda r: r[key])
        return runs[len(runs) // 2]

    # --- start-up -------------------------------------------------------------------
    print("start-up ...", file=sys.stderr)
    v_med, v_all = median_wall([CLI, "--version"], a.startup_runs)
    h_med, h_all = median_wall([CLI, "--help"], a.startup_runs)
    imp = worker("imports")
    rows_md += [
        (f"`carbonaudit --version` wall (median of {a.startup_runs})", fmt_s(v_med), ""),
        (f"`carbonaudit --help` wall (median of {a.startup_runs})", fmt_s(h_med), ""),
        ("`import carbonaudit.cli` (in-process)", fmt_s(imp["seconds"]), ""),
        ("heavy modules imported by `import carbonaudit.cli`",
         ", ".join(imp["heavy"]) or "none",
         f"none ({verdict(not imp['heavy'])}); checked: {', '.join(HEAVY)}"),
    ]

    # --- CSV ------------------------------------------------------------------------
    csv_path = ensure_data(a.rows_csv, "csv")
    work = Path(tempfile.mkdtemp(prefix="carbonaudit-bench-"))
    try:
        n = f"{a.rows_csv:,}"
        print(f"CSV {n} rows: pandas.read_csv ...", file=sys.stderr)
        rc = med(lambda: worker("read_csv", str(csv_path)), "seconds",
                 a.baseline_repeat)
        print(f"CSV {n} rows: carbonaudit assess (CLI) ...", file=sys.stderr)
        cli = med(lambda: run_cli_assess(csv_path, work / "cli_csv"), "wall")
        print(f"CSV {n} rows: results.csv write floor ...", file=sys.stderr)
        floor = med(lambda: worker("write_floor", str(work / "cli_csv" / "results.csv")),
                    "seconds", a.baseline_repeat)
        print(f"CSV {n} rows: assess in-process ...", file=sys.stderr)
        inp = med(lambda: worker("assess", str(csv_path), str(work / "inproc_csv")), "seconds")
        print(f"CSV {n} rows: per-stage breakdown ...", file=sys.stderr)
        stg = worker("stages", str(csv_path), str(work / "stages_csv"))
        prof = None
        if not a.no_profile:
            print(f"CSV {n} rows: cProfile ...", file=sys.stderr)
            prof = worker("profile", str(csv_path), str(work / "prof_csv"),
                          str(HERE / "profile_csv.txt"))
        ratio_cli = cli["wall"] / rc["seconds"]
        ratio_in = inp["seconds"] / rc["seconds"]
        rows_md += [
            (f"CSV {n} rows: `pandas.read_csv(path)` (call only, median of "
             f"{a.baseline_repeat})", fmt_s(rc["seconds"]), ""),
            (f"CSV {n} rows: `carbonaudit assess FILE --out DIR` process wall",
             fmt_s(cli["wall"]), ""),
            (f"CSV {n} rows: in-process assess()+build_document+write_assessment",
             fmt_s(inp["seconds"]),
             f"(assess() alone {fmt_s(inp['assess_seconds'])}; imports "
             f"{fmt_s(inp['import_seconds'])} excluded)"),
            ("CSV ratio: CLI wall / read_csv", f"{ratio_cli:.2f}x",
             f"<= {TARGETS['csv_ratio']:.0f}x ({verdict(ratio_cli <= TARGETS['csv_ratio'])})"),
            ("CSV ratio: in-process / read_csv", f"{ratio_in:.2f}x",
             f"<= {TARGETS['csv_ratio']:.0f}x ({verdict(ratio_in <= TARGETS['csv_ratio'])})"),
            (f"CSV floor: Arrow writing the {floor['bytes'] / 1e6:,.0f} MB results.csv alone "
             f"(median of {a.baseline_repeat})", fmt_s(floor["seconds"]),
             f"{floor['seconds'] / rc['seconds']:.2f}x read_csv before any checking or "
             "computing"),
            ("CSV: peak RSS of the `carbonaudit assess` process",
             f"{cli['peak_rss_mb']:,.0f} MB",
             f"< 2 GB ({verdict(cli['peak_rss_mb'] < TARGETS['peak_rss_mb'])})"),
            ("CSV: peak RSS of the in-process assess process",
             f"{inp['process_peak_rss_mb']:,.0f} MB", ""),
            ("CSV: peak RSS of `pandas.read_csv` process (reference)",
             f"{rc['peak_rss_mb']:,.0f} MB", ""),
            ("CSV: rows read / assessed / rejected",
             f"{cli['rows']['read']:,} / {cli['rows']['assessed']:,} / "
             f"{cli['rows']['rejected']:,}", ""),
        ]

        # --- xlsx ---------------------------------------------------------------------
        xlsx_path = ensure_data(a.rows_xlsx, "xlsx")
        n = f"{a.rows_xlsx:,}"
        print(f"xlsx {n} rows: python_calamine ...", file=sys.stderr)
        cal = med(lambda: worker("calamine", str(xlsx_path)), "seconds",
                  a.baseline_repeat)
        print(f"xlsx {n} rows: assess in-process ...", file=sys.stderr)
        xin = med(lambda: worker("assess", str(xlsx_path), str(work / "inproc_xlsx")),
                  "seconds")
        print(f"xlsx {n} rows: per-stage breakdown ...", file=sys.stderr)
        xstg = worker("stages", str(xlsx_path), str(work / "stages_xlsx"))
        xr = xin["assess_seconds"] / cal["seconds"]
        xr_all = xin["seconds"] / cal["seconds"]
        rows_md += [
            (f"xlsx {n} rows: python_calamine load_workbook+to_python (median of "
             f"{a.baseline_repeat})", fmt_s(cal["seconds"]),
             ""),
            (f"xlsx {n} rows: in-process assess()", fmt_s(xin["assess_seconds"]), ""),
            (f"xlsx {n} rows: in-process assess()+build_document+write_assessment",
             fmt_s(xin["seconds"]), ""),
            ("xlsx ratio: assess() / calamine", f"{xr:.2f}x",
             f"<= {TARGETS['xlsx_ratio']:.0f}x ({verdict(xr <= TARGETS['xlsx_ratio'])})"),
            ("xlsx ratio: assess()+outputs / calamine", f"{xr_all:.2f}x", "(information)"),
            ("xlsx: peak RSS of the in-process assess process",
             f"{xin['process_peak_rss_mb']:,.0f} MB", ""),
            ("xlsx: rows read / assessed / rejected",
             f"{xin['rows']['read']:,} / {xin['rows']['assessed']:,} / "
             f"{xin['rows']['rejected']:,}", ""),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # --- report ---------------------------------------------------------------------
    import importlib.metadata as md

    def ver(pkg):
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "-"

    env = (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
           f"{os.cpu_count()} CPUs; carbonaudit {ver('carbonaudit')}, pandas {ver('pandas')}, "
           f"numpy {ver('numpy')}, python-calamine {ver('python-calamine')}")
    w = max(len(r[0]) for r in rows_md)
    print()
    for m, v, t in rows_md:
        print(f"{m:<{w}}  {v:>14}  {t}")

    def stage_table(s):
        lines = ["| stage | seconds | share |", "|---|---:|---:|"]
        for k, v in s["stages"].items():
            share = "" if k.startswith("imports") else f"{100 * v / s['total']:.1f}%"
            lines.append(f"| {k} | {v:.3f} | {share} |")
        lines.append(f"| **total (excluding imports)** | **{s['total']:.3f}** | 100% |")
        lines.append(f"\nPeak RSS of this process: {s['peak_rss_mb']:,.0f} MB.")
        return "\n".join(lines)

    print("\nPer-stage breakdown, CSV:")
    for k, v in stg["stages"].items():
        print(f"  {k:<32} {v:8.3f} s")
    print(f"  {'total (excluding imports)':<32} {stg['total']:8.3f} s")
    print("\nPer-stage breakdown, xlsx:")
    for k, v in xstg["stages"].items():
        print(f"  {k:<32} {v:8.3f} s")
    print(f"  {'total (excluding imports)':<32} {xstg['total']:8.3f} s")

    md_lines = [
        "# carbonaudit benchmark results", "",
        f"Generated by `python benchmarks/run.py --rows-csv {a.rows_csv} "
        f"--rows-xlsx {a.rows_xlsx} --repeat {rep}` on {time.strftime('%Y-%m-%d')}; "
        f"each large-file figure is the median of {rep} run(s).", "", env, "",
        "| measurement | value | target |", "|---|---:|---|",
        *[f"| {m} | {v} | {t} |" for m, v, t in rows_md], "",
        f"Start-up runs (s): --version {', '.join(f'{x:.3f}' for x in v_all)}; "
        f"--help {', '.join(f'{x:.3f}' for x in h_all)}.", "",
        f"## Per-stage breakdown, CSV {a.rows_csv:,} rows (in-process)", "",
        stage_table(stg), "",
        f"## Per-stage breakdown, xlsx {a.rows_xlsx:,} rows (in-process)", "",
        stage_table(xstg), "",
    ]
    if prof:
        print("\nProfile hot spots (top 15 by own time; full list in profile_csv.txt):")
        for x in prof["by_tot"][:15]:
            print(f"  {x['tottime']:8.3f} s own  {x['cumtime']:8.3f} s cum  {x['func']}")
        print("\ncarbonaudit functions by cumulative time under the profiler (top 15):")
        for x in prof["own"][:15]:
            print(f"  {x['cumtime']:8.3f} s cum  {x['tottime']:8.3f} s own  {x['func']}")
        md_lines += [
            f"## cProfile, CSV {a.rows_csv:,} rows", "",
            f"Wall time under the profiler {prof['seconds']:.2f} s. Full output: "
            "[profile_csv.txt](profile_csv.txt).", "",
            "Top 15 by own time:", "", "| function | own s | cumulative s |", "|---|---:|---:|",
            *[f"| `{x['func']}` | {x['tottime']:.3f} | {x['cumtime']:.3f} |"
              for x in prof["by_tot"][:15]], "",
            "Top 25 by cumulative time:", "", "| function | own s | cumulative s |",
            "|---|---:|---:|",
            *[f"| `{x['func']}` | {x['tottime']:.3f} | {x['cumtime']:.3f} |"
              for x in prof["by_cum"]], "",
            "carbonaudit's own functions, top 25 by cumulative time:", "",
            "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|",
            *[f"| `{x['func']}` | {x['ncalls']:,} | {x['tottime']:.3f} | {x['cumtime']:.3f} |"
              for x in prof["own"]], "",
        ]
    (HERE / "results.md").write_text("\n".join(md_lines), encoding="utf-8")
    print(f"\nwrote {HERE / 'results.md'}" + (f" and {HERE / 'profile_csv.txt'}" if prof else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
