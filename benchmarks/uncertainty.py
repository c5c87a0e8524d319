"""Benchmark: uncertainty (Approach 1 and a 10,000-draw Monte Carlo) on a 1M-row inventory.

    python benchmarks/uncertainty.py [--rows 1000000] [--draws 10000] [--repeat 3]

The inventory is the benchmark activity file of make_data.py (generated if missing), run
through assess() once; the uncertainty is then timed on its results frame in three shapes:

* as generated: 120 sites, shipped defaults (normal activity data: series summed exactly);
* 100,000 sites: the same rows spread over 100,000 sites (100x the series);
* asymmetric: every row carries its own ad_uncertainty_pct of -5/+15 %, so every series is
  lognormal and drawn one by one (the 64 largest per source) or by the tail's normal.

It prints a table of medians and the uncertainty figures, and checks on the way that the
Monte Carlo total agrees with Approach 1 within one percentage point.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _data(rows: int) -> Path:
    path = HERE / "_data" / f"activity_{rows}.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_data.py"), "--rows", str(rows),
                        "--format", "csv", "--out", str(path)], check=True)
    return path


def _timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import numpy as np

    from carbonaudit.audit.uncertainty import assess_uncertainty
    from carbonaudit.inventory.engine import assess
    from carbonaudit.project import Config

    path = _data(args.rows)
    start = time.perf_counter()
    results = assess([str(path)], Config.default()).results
    print(f"assess() of {path.name}: {time.perf_counter() - start:.1f} s, "
          f"{len(results):,} rows", file=sys.stderr)
    spread = results.copy()
    spread["site"] = np.array([f"S{i:06d}" for i in range(100_000)], dtype=object)[
        np.random.default_rng(1).integers(0, 100_000, len(spread))]
    asymmetric = results.assign(ad_uncertainty_pct="-5/+15")
    shapes = (("as generated (120 sites)", results), ("100,000 sites", spread),
              ("asymmetric AD on every row", asymmetric))
    lines = ["| shape | Approach 1 only, s | with Monte Carlo, s | sources | series drawn "
             "one by one or merged | Approach 1 total | Monte Carlo total | converged |",
             "|---|---|---|---|---|---|---|---|"]
    for name, frame in shapes:
        a1_time, _ = _timed(lambda f=frame: assess_uncertainty(f, monte_carlo=False),
                            args.repeat)
        mc_time, u = _timed(lambda f=frame: assess_uncertainty(f, draws=args.draws),
                            args.repeat)
        s1 = u.section["approach_1"]["total"]["uncertainty_pct"]
        mc = u.section["approach_2"]["total"]
        s2 = mc["uncertainty_pct"]
        assert abs(s1["upper"] - s2["upper"]) < 1.0 and abs(s1["lower"] - s2["lower"]) < 1.0, (
            name, s1, s2)
        lines.append(
            f"| {name} | {a1_time:.2f} | {mc_time:.2f} | "
            f"{len(u.section['approach_1']['sources'])} | "
            f"{u.section['approach_2']['rows_approximated_by_normal']:,} rows in tail normals | "
            f"-{s1['lower']:.2f} / +{s1['upper']:.2f} % | -{s2['lower']:.2f} / "
            f"+{s2['upper']:.2f} % | {mc['convergence']['converged']} |")
    print(f"{args.rows:,} rows, {args.draws:,} draws, median of {args.repeat}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
