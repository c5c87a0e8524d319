"""Benchmark: validate 10,000 PACT v3 footprints (schema + rules) in one document.

    python benchmarks/bench_pact.py [--count 10000]

Builds the footprints from the hand-built test fixture with distinct ids, validates the
`{"data": [...]}` document once to warm the validator cache, then times a second run.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
import uuid
from pathlib import Path

from carbonaudit.pact.validate import validate_footprints

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pact" / "v3_full.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args(argv)
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))
    items = []
    for i in range(args.count):
        fp = copy.deepcopy(base)
        fp["id"] = str(uuid.UUID(int=i + 1))
        items.append(fp)
    validate_footprints({"data": items[:10]})  # build validators, import everything
    start = time.perf_counter()
    found = validate_footprints({"data": items})
    seconds = time.perf_counter() - start
    print(f"validated {args.count:,} PACT v3 footprints in {seconds:.2f} s "
          f"({args.count / seconds:,.0f} footprints/s), {len(found)} findings")
    return 0 if not found else 1


if __name__ == "__main__":
    raise SystemExit(main())
