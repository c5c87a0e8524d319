"""Benchmark: validate 10,000 PACT footprints (schema + rules), target <= 2 s (issue 14, item 6).

    python benchmarks/bench_pact.py [--count 10000] [--failing 100] [--no-cli]

Builds the footprints from the hand-built test fixtures (half v2, half v3, distinct ids) and
makes `--failing` of them invalid in a schema-visible way, so the slow path (jsonschema's full
error list) runs too.  Times, in one process and after a warm-up, `validate_footprints` with
the compiled pre-check (fastjsonschema) and without it (jsonschema for every footprint), and
checks that both give the same findings.  Unless `--no-cli`, also times
`carbonaudit validate --kind pact` end to end (start-up, JSON reading, table) on the same
document, median of 3.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from carbonaudit.pact import validate as pact_validate
from carbonaudit.pact.fast_check import compiled

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pact"
TARGET_S = 2.0


def footprints(count: int, failing: int) -> list[dict]:
    bases = [json.loads((FIXTURES / f"{n}.json").read_text(encoding="utf-8"))
             for n in ("v2_full", "v3_full")]
    items = []
    every = count // failing if failing else 0
    for i in range(count):
        fp = copy.deepcopy(bases[i % 2])
        fp["id"] = str(uuid.UUID(int=i + 1))
        if every and i % every == every - 1:
            fp["companyIds"] = ["not-a-urn"]  # pact-invalid-urn
        items.append(fp)
    return items


def timed(doc: dict, fast: bool) -> tuple[float, list]:
    saved = pact_validate.compiled
    if not fast:
        pact_validate.compiled = lambda major: None
    try:
        start = time.perf_counter()
        found = pact_validate.validate_footprints(doc)
        return time.perf_counter() - start, found
    finally:
        pact_validate.compiled = saved


def cli_seconds(doc: dict, runs: int = 3) -> float:
    exe = Path(sys.executable).with_name("carbonaudit")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "footprints.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(exe), "validate", "--kind", "pact", str(path), "--json"],
                           stdout=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--failing", type=int, default=100)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args(argv)
    if compiled(2) is None:
        print("fastjsonschema is not installed: no compiled pre-check to measure")
        return 2
    doc = {"data": footprints(args.count, args.failing)}
    pact_validate.validate_footprints({"data": doc["data"][:10]})  # build validators, import
    fast, found_fast = timed(doc, fast=True)
    full, found_full = timed(doc, fast=False)
    same = found_fast == found_full
    errors = sum(1 for f in found_fast if str(f.severity) == "error")
    print(f"{args.count:,} PACT footprints (v2 and v3), {args.failing} invalid, "
          f"{errors} error findings")
    print(f"compiled pre-check + jsonschema for failing ones: {fast:.2f} s "
          f"({args.count / fast:,.0f} footprints/s)")
    print(f"jsonschema for every footprint:                   {full:.2f} s "
          f"({full / fast:.1f}x slower)")
    print(f"findings identical: {'yes' if same else 'NO'}")
    if not args.no_cli:
        print(f"`carbonaudit validate --kind pact` end to end: {cli_seconds(doc):.2f} s "
              "(median of 3)")
    verdict = "PASS" if fast <= TARGET_S and same else "FAIL"
    print(f"target <= {TARGET_S:.0f} s for validation: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
