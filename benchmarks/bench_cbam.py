"""Benchmark: `cbam.compute` + `build_document` on a full-size installation, in memory.

The Commission template's limits: 75 source streams, 10 production processes and 20
purchased precursors.  Target: under 1 s for compute + document together.

    python benchmarks/bench_cbam.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from carbonaudit.cbam.compute import compute
from carbonaudit.cbam.document import build_document
from carbonaudit.cbam.model import (
    COMBUSTION,
    MASS_BALANCE,
    PROCESS,
    Installation,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
)

CHAIN = ["Pig iron", "Crude steel"] + ["Iron or steel products"] * 8
CN = "72171010"  # wire of iron or non-alloy steel (Iron or steel products)


def _streams() -> list[SourceStream]:
    out = []
    for k in range(75):
        if k % 3 == 0:
            s = SourceStream(f"SS{k + 1}", COMBUSTION, f"Fuel {k}", 1000.0 + k, "t", ncv=42.0,
                             ef=74.1, ef_unit="tCO2/TJ", oxidation_factor=99.0)
        elif k % 3 == 1:
            s = SourceStream(f"SS{k + 1}", PROCESS, f"Carbonate {k}", 500.0 + k, "t", ef=0.44,
                             ef_unit="tCO2/t")
        else:
            s = SourceStream(f"SS{k + 1}", MASS_BALANCE, f"Carbon {k}", -(100.0 + k), "t",
                             carbon_content=0.004)
        out.append(s)
    return out


def _processes() -> list[Process]:
    out = []
    for i, good in enumerate(CHAIN):
        nxt = {f"Process {i + 2}": 500.0} if i + 1 < len(CHAIN) else {}
        out.append(Process(
            f"P{i + 1}", f"Process {i + 1}", good, production={"All production routes": 1000.0},
            to_market=1000.0 - sum(nxt.values()), consumed_in=nxt, direct_emissions=100.0 * i,
            electricity_consumed=200.0, electricity_ef=0.6, electricity_ef_source="D.4(b)"))
    return out


def _precursors() -> list[Precursor]:
    return [Precursor(f"PP{k + 1}", f"Bought {k + 1}", "Sintered Ore", "CN",
                      purchased={"All production routes": 10.0},
                      consumed_in={f"Process {k % 10 + 1}": 10.0}, other_uses=0.0,
                      see_direct=0.2, see_direct_source="Default", justification="Data gaps",
                      specific_electricity=0.05, electricity_ef=0.6,
                      electricity_ef_source="D.4(a)") for k in range(20)]


def installation() -> Installation:
    site = Site(name="Benchmark Works", country="CN", unlocode="CNDGG",
                period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    products = [Product(f"Process {i}", CN, f"Product {i}") for i in range(3, 11)]
    return Installation(site=site, streams=_streams(), processes=_processes(),
                        precursors=_precursors(), products=products)


def run_once(inst: Installation) -> float:
    start = time.perf_counter()
    result = compute(inst, regime="definitive", year=2026)
    build_document(result, inst, tool_version="bench")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    inst = installation()
    cold = run_once(inst)  # first call also reads the reference CSVs (then cached)
    times = [run_once(inst) for _ in range(args.repeat)]
    median = statistics.median(times)
    print(f"cbam compute + build_document (75 streams, 10 processes, 20 precursors): "
          f"first call {cold * 1000:.2f} ms, then median {median * 1000:.2f} ms, "
          f"max {max(times) * 1000:.2f} ms over {args.repeat} runs; target < 1000 ms: "
          f"{'OK' if max(cold, median) < 1 else 'SLOW'}")

if __name__ == "__main__":
    main()
