"""Generate a deterministic, realistic activity file for the benchmarks.

    python benchmarks/make_data.py --rows 1000000 --format csv \
        --out benchmarks/_data/activity_1000000.csv
    python benchmarks/make_data.py --rows 200000 --format xlsx \
        --out benchmarks/_data/activity_200000.xlsx
    python benchmarks/make_data.py --rows 1000000 --format parquet \
        --out benchmarks/_data/activity_1000000.parquet
    python benchmarks/make_data.py --rows 4000000 --format csv --parts 4 \
        --out benchmarks/_data/parts   # part-0.csv ... part-3.csv, for --engine dask

Large files are generated in chunks of a million rows (seeds 42, 43, ...), so memory
stays bounded and a 10M-row file takes about a minute a million rows.

Columns: activity,item,quantity,unit,site,period_start,period_end,region,reference.
Every row matches a shipped factor except ~0.1% deliberately bad rows (text in the
quantity, or a unit nobody knows), which `assess` must reject without failing.
Quantities are text; about one in five carries thousands separators ("1,234.5").
In xlsx the plain quantities are numeric cells, the separated ones text cells, and the
periods are real date cells.  Same seed (42) -> same file.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from pathlib import Path

import numpy as np

COLUMNS = ["activity", "item", "quantity", "unit", "site", "period_start", "period_end",
           "region", "reference"]

# (activity, item, units, regions, quantity scale, weight)
KINDS = [
    ("stationary_combustion", "natural_gas", ["GJ", "TJ"], [""], 500.0, 0.12),
    ("stationary_combustion", "diesel", ["L", "t"], [""], 2000.0, 0.08),
    ("mobile_combustion", "diesel", ["L"], [""], 800.0, 0.15),
    ("purchased_electricity", "grid", ["kWh", "MWh"], ["CN-GD", "HK-HKE"], 50000.0, 0.30),
    ("fugitive", "r410a", ["kg"], [""], 5.0, 0.05),
    ("business_travel", "air_long_haul_economy_rf", ["passenger_km"], ["GB"], 9000.0, 0.15),
    ("upstream_transport", "hgv_diesel", ["tonne_km"], ["GB"], 20000.0, 0.15),
]
# The larger unit of a pair gets a smaller quantity so totals stay plausible.
UNIT_SCALE = {"TJ": 1e-3, "MWh": 1e-3, "t": 8.4e-4}
BAD_RATE = 0.001
BAD_QUANTITIES = np.array(["n/a", "approx 12", "see invoice", "TBC", "12 litres?"])
BAD_UNITS = np.array(["gallonz", "bbl_oil_eq", "kWhr", "tonnes-ish"])
N_SITES = 120


def generate(rows: int, seed: int = 42) -> dict[str, np.ndarray]:
    """Column arrays (object/str) for `rows` activity rows."""
    rng = np.random.default_rng(seed)
    weights = np.array([k[5] for k in KINDS])
    kind = rng.choice(len(KINDS), size=rows, p=weights / weights.sum())
    activity = np.empty(rows, dtype=object)
    item = np.empty(rows, dtype=object)
    unit = np.empty(rows, dtype=object)
    region = np.empty(rows, dtype=object)
    qty = np.empty(rows, dtype=float)
    for k, (act, itm, units, regions, scale, _) in enumerate(KINDS):
        sel = np.flatnonzero(kind == k)
        activity[sel] = act
        item[sel] = itm
        u = np.array(units, dtype=object)[rng.integers(0, len(units), size=len(sel))]
        unit[sel] = u
        region[sel] = np.array(regions, dtype=object)[rng.integers(0, len(regions), len(sel))]
        q = rng.lognormal(mean=np.log(scale), sigma=0.8, size=len(sel))
        q *= np.array([UNIT_SCALE.get(x, 1.0) for x in u])
        qty[sel] = q
    # Round to 1-3 decimals, then render as text; ~20% with thousands separators.
    decimals = rng.integers(1, 4, size=rows)
    qty_text = np.empty(rows, dtype=object)
    sep = rng.random(rows) < 0.2
    for d in (1, 2, 3):
        for use_sep in (False, True):
            sel = np.flatnonzero((decimals == d) & (sep == use_sep))
            fmt = f"{{:,.{d}f}}" if use_sep else f"{{:.{d}f}}"
            qty_text[sel] = [fmt.format(x) for x in np.round(qty[sel], d)]
    site_ids = rng.integers(1, N_SITES + 1, size=rows)
    site = np.array([f"SITE-{i:03d}" for i in range(N_SITES + 1)], dtype=object)[site_ids]
    month = rng.integers(1, 13, size=rows)
    starts = np.array([""] + [f"2025-{m:02d}-01" for m in range(1, 13)], dtype=object)
    ends = np.array([""] + [f"2025-{m:02d}-{calendar.monthrange(2025, m)[1]:02d}"
                            for m in range(1, 13)], dtype=object)
    reference = np.array([f"INV-{i:07d}" for i in range(1, rows + 1)], dtype=object)
    # Deliberately bad rows: half with text in the quantity, half with an unknown unit.
    bad = np.flatnonzero(rng.random(rows) < BAD_RATE)
    bad_qty, bad_unit = bad[::2], bad[1::2]
    qty_text[bad_qty] = BAD_QUANTITIES[rng.integers(0, len(BAD_QUANTITIES), len(bad_qty))]
    unit[bad_unit] = BAD_UNITS[rng.integers(0, len(BAD_UNITS), len(bad_unit))]
    return {
        "activity": activity, "item": item, "quantity": qty_text, "unit": unit, "site": site,
        "period_start": starts[month], "period_end": ends[month], "region": region,
        "reference": reference, "_month": month, "_plain": ~sep,
        "_bad_qty": np.isin(np.arange(rows), bad_qty),
    }


def write_csv(cols: dict, out: Path, header: bool = True, mode: str = "w") -> None:
    import pandas as pd

    pd.DataFrame({c: cols[c] for c in COLUMNS}).to_csv(out, index=False, lineterminator="\n",
                                                       header=header, mode=mode)


CHUNK = 1_000_000


def chunks(rows: int, seed: int):
    """Column arrays of at most CHUNK rows; references continue across chunks."""
    done = 0
    k = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        cols = generate(n, seed + k)
        cols["reference"] = np.array([f"INV-{i:08d}" for i in range(done + 1, done + n + 1)],
                                     dtype=object) if rows > CHUNK else cols["reference"]
        yield cols
        done += n
        k += 1


def write_big(rows: int, seed: int, out: Path, fmt: str) -> None:
    """CSV or Parquet (all text columns, as a CSV reads) of any size, chunk by chunk."""
    if fmt == "csv":
        for k, cols in enumerate(chunks(rows, seed)):
            write_csv(cols, out, header=k == 0, mode="w" if k == 0 else "a")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for cols in chunks(rows, seed):
        table = pa.table({c: pa.array(cols[c].astype(str), pa.string()) for c in COLUMNS})
        writer = writer or pq.ParquetWriter(str(out), table.schema, compression="zstd")
        writer.write_table(table, row_group_size=100_000)
    writer.close()


def write_xlsx(cols: dict, out: Path) -> None:
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Activity")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, COLUMNS)
    starts = [None] + [dt.datetime(2025, m, 1) for m in range(1, 13)]
    ends = [None] + [dt.datetime(2025, m, calendar.monthrange(2025, m)[1]) for m in range(1, 13)]
    plain = cols["_plain"] & ~cols["_bad_qty"]
    for r in range(len(cols["activity"])):
        row = r + 1
        ws.write_string(row, 0, cols["activity"][r])
        ws.write_string(row, 1, cols["item"][r])
        q = cols["quantity"][r]
        if plain[r]:
            ws.write_number(row, 2, float(q))
        else:
            ws.write_string(row, 2, q)
        ws.write_string(row, 3, cols["unit"][r])
        ws.write_string(row, 4, cols["site"][r])
        m = cols["_month"][r]
        ws.write_datetime(row, 5, starts[m], date_fmt)
        ws.write_datetime(row, 6, ends[m], date_fmt)
        if cols["region"][r]:
            ws.write_string(row, 7, cols["region"][r])
        ws.write_string(row, 8, cols["reference"][r])
    wb.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
    p.add_argument("--parts", type=int, default=1,
                   help="write this many files into the folder --out (rows split evenly)")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args(argv)
    out = a.out or Path(__file__).parent / "_data" / f"activity_{a.rows}.{a.format}"
    if a.parts > 1:
        out.mkdir(parents=True, exist_ok=True)
        each = a.rows // a.parts
        for k in range(a.parts):
            n = each if k < a.parts - 1 else a.rows - each * (a.parts - 1)
            write_big(n, a.seed + 100 * k, out / f"part-{k}.{a.format}", a.format)
        print(f"wrote {a.parts} files in {out} ({a.rows:,} rows)", file=sys.stderr)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    if a.format == "xlsx":
        write_xlsx(generate(a.rows, a.seed), out)
    elif a.rows <= CHUNK and a.format == "csv":
        write_csv(generate(a.rows, a.seed), out)
    else:
        write_big(a.rows, a.seed, out, a.format)
    print(f"wrote {out} ({a.rows:,} rows, {out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
