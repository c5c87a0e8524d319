"""Benchmark `carbonaudit verify` on a large activity file, stage by stage.

    python benchmarks/verify.py                         # 200,000-row xlsx (made if missing)
    python benchmarks/verify.py --rows 1000000 --format csv
    python benchmarks/verify.py --rows 20000 --repeat 1  # a quick check

Measures, in one process after the imports: `assess()` alone (the recalculation verify
repeats unchanged) and then `verify()` with `write_outputs()`, split into its stages
(assess with the second read beside it, reconciliation and sample, each output file), and
the peak RSS of the process.  The claims state the recalculated total plus 1 % so that the
misstatement log is not empty.  Data from make_data.py (seed 42); results are printed and
written to benchmarks/results_verify.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _data(rows: int, fmt: str) -> Path:
    import make_data

    path = HERE / "_data" / f"activity_{rows}.{fmt}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        cols = make_data.generate(rows)
        (make_data.write_csv if fmt == "csv" else make_data.write_xlsx)(cols, path)
    return path


def _timed(fn):
    """(result, (wall seconds, CPU seconds of every thread)): on a shared machine the CPU
    time is the steadier of the two."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, (time.perf_counter() - t, time.process_time() - c)


def run_once(path: Path, out: Path) -> dict[str, float]:
    from carbonaudit.audit import verify as run
    from carbonaudit.audit.sample_table import sample_csv, sample_rows
    from carbonaudit.audit.statement import write_statement
    from carbonaudit.audit.workpapers import write_workpapers
    from carbonaudit.inventory.document import build_document
    from carbonaudit.inventory.engine import assess
    from carbonaudit.outputs import atomic_write, dumps, findings_document
    from carbonaudit.project import Config

    cfg = Config.default()
    times: dict[str, float] = {}
    a, times["assess() alone"] = _timed(lambda: assess([str(path)], cfg))
    doc = build_document(a)
    t = doc["totals_kgco2e"]
    total = (t["scope_1"] + t["scope_2_location"] + t["scope_3"]) * 1.01
    claims = out / "claims.csv"
    claims.write_text(f"item,claimed,unit\ntotal,{total!r},kg CO2e\n", encoding="utf-8")
    options = run.VerifyOptions(claimed=str(claims), seed=42)
    v, times["verify() (assess + second read + checks)"] = _timed(
        lambda: run.verify([str(path)], cfg, options))
    rows, times["sample rows"] = _timed(lambda: sample_rows(v.sample, v.population.frame))
    _, times["verification.json"] = _timed(
        lambda: atomic_write(out / "verification.json", dumps(v.document)))
    _, times["findings.json"] = _timed(lambda: atomic_write(
        out / "findings.json", dumps(findings_document(run.all_findings(v)))))
    _, times["sample.csv"] = _timed(lambda: atomic_write(out / "sample.csv", sample_csv(rows)))
    _, times["workpapers.xlsx"] = _timed(
        lambda: write_workpapers(v, rows, out / "workpapers.xlsx"))
    _, times["statement-en.pdf"] = _timed(lambda: write_statement(v, out / "statement.pdf"))
    parts = [s for k, s in times.items() if k != "assess() alone"]
    times["verify end to end (verify() + outputs)"] = (sum(w for w, _ in parts),
                                                        sum(c for _, c in parts))
    times["_selected"] = (float(len(v.sample.selected)), 0.0)
    times["_workpapers_mb"] = ((out / "workpapers.xlsx").stat().st_size / 1e6, 0.0)
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-write", action="store_true", help="print only")
    a = p.parse_args(argv)
    path = _data(a.rows, a.format)
    import carbonaudit.audit.verify  # noqa: F401 - imports outside the timings
    import carbonaudit.inventory.engine  # noqa: F401
    from carbonaudit.inventory.engine import assess
    from carbonaudit.project import Config

    assess([str(path)], Config.default())  # warm-up: first-use costs (pint, factor caches)
    runs = []
    for _ in range(a.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(run_once(path, Path(tmp)))
    keys = [k for k in runs[0] if not k.startswith("_")]
    med = {k: statistics.median(r[k][0] for r in runs) for k in keys}
    cpu = {k: statistics.median(r[k][1] for r in runs) for k in keys}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base, cbase = med["assess() alone"], cpu["assess() alone"]
    lines = [f"# verify benchmark: {a.rows:,}-row {a.format} ({path.stat().st_size / 1e6:.1f} MB)",
             "", f"Medians of {a.repeat} runs in one process (imports excluded); "
             f"peak RSS {peak:,.0f} MB; {int(runs[0]['_selected'][0])} rows sampled; "
             f"workpapers.xlsx {runs[0]['_workpapers_mb'][0]:.1f} MB.", "",
             "| stage | wall s | × assess() | CPU s | × assess() |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {k} | {med[k]:.2f} | {med[k] / base:.2f} | {cpu[k]:.2f} | "
              f"{cpu[k] / cbase:.2f} |" for k in keys]
    text = "\n".join(lines) + "\n"
    print(text)
    if not a.no_write:
        (HERE / "results_verify.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
