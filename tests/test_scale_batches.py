"""Batched assess (issue 14): the same findings, totals and bytes as the whole-file path.

The file is built to need every cross-batch merge: duplicates of rows several batches
earlier, grouped notes (missing periods, unverified factors, supplier factors ignored)
spread over batches, a monthly gap and an outlier month that the series checks find only
once every batch is read, values in a column without a header, bad rows.  Batches of 7
rows force a batch boundary through all of them.
"""

from __future__ import annotations

import csv
import filecmp
import math

import pandas as pd
import pytest

from carbonaudit.findings import sort_key
from carbonaudit.inventory.batches import run_batched
from carbonaudit.inventory.engine import assess
from carbonaudit.inventory.spill import ResultSink
from carbonaudit.inventory.summary import summarise
from carbonaudit.outputs import results_frame, write_csv
from carbonaudit.project import Config

HEADER = ["activity", "item", "quantity", "unit", "site", "period_start", "period_end",
          "region", "reference", "supplier_factor", "supplier_factor_unit", ""]


def messy_rows() -> list[list[str]]:
    rows = []
    for site in ("North", "South", "East"):
        for m in range(1, 13):
            if site == "South" and m == 5:
                continue  # a monthly gap
            qty = 40000.0 + 137.25 * m + len(site)
            if site == "East" and m == 9:
                qty *= 20  # an outlier month
            rows.append(["purchased_electricity", "grid", f"{qty:,.2f}", "kWh", site,
                         f"2025-{m:02d}-01", f"2025-{m:02d}-28", "CN-GD", f"E-{site}-{m}",
                         "", "", ""])
    for i in range(30):  # no period: grouped missing-period over many batches
        rows.append(["mobile_combustion", "diesel", f"{100 + i * 3.5}", "L", "Fleet", "", "",
                     "", f"D-{i}", "0.2" if i % 7 == 0 else "",
                     "kg/kWh" if i % 7 == 0 else "", "x" if i % 11 == 0 else ""])
    rows.append(["stationary_combustion", "natural_gas", "n/a", "GJ", "North", "2025-01-01",
                 "2025-01-31", "", "bad-1", "", "", ""])
    rows.append(["stationary_combustion", "natural_gas", "12", "gallonz", "North",
                 "2025-02-01", "2025-02-28", "", "bad-2", "", "", ""])
    rows.append(["purchased_heat", "heat", "15.5", "GJ", "Plant", "2025-03-01", "2025-03-31",
                 "CN", "H-1", "", "", ""])  # an unverified factor
    rows.append(["purchased_heat", "heat", "16.5", "GJ", "Plant", "2025-04-01", "2025-04-30",
                 "CN", "H-2", "", "", ""])
    rows.extend([rows[3], rows[40], rows[3]])  # repeats of rows many batches before
    return rows


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "activity.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(messy_rows())
    return path


def _findings(fs):
    return [f.to_dict() for f in sorted(fs, key=sort_key)]


def test_batches_reproduce_the_whole_file(messy, tmp_path):
    cfg = Config.default()
    whole = assess([str(messy)], cfg)
    codes = {f.code for f in whole.findings}
    # the file does exercise every merge
    assert {"duplicate-row", "missing-period", "monthly-gap", "outlier-period",
            "supplier-factor-ignored", "unlabelled-cells", "not-a-number",
            "unknown-unit"} <= codes
    expected, read = summarise(whole.results)
    whole_csv = tmp_path / "whole.csv"
    write_csv(results_frame(whole), str(whole_csv))
    for batch_rows in (7, 50, 10_000):
        sink = ResultSink.create(tmp_path)
        try:
            got = run_batched([str(messy)], cfg, batch_rows=batch_rows, sink=sink)
            assert _findings(got.findings) == _findings(whole.findings)
            assert got.rows_read == read == len(whole.results)
            pd.testing.assert_frame_equal(got.results, expected, check_exact=True)
            out = tmp_path / f"batch_{batch_rows}.csv"
            sink.write(out, got.findings)
            assert filecmp.cmp(out, whole_csv, shallow=False)
        finally:
            sink.close()


def test_summary_totals_are_the_correctly_rounded_sums(messy):
    """The summary's sums against math.fsum of the assessed rows (an independent exact sum)."""
    cfg = Config.default()
    whole = assess([str(messy)], cfg)
    frame, _ = summarise(whole.results)
    ok = whole.results[whole.results["status"] == "assessed"]
    for (site, month), rows in ok.groupby([ok["site"], ok["period_start"]], dropna=False):
        sel = frame[(frame["site"] == site) & (
            frame["period_start"].isna() if pd.isna(month) else frame["period_start"] == month)]
        assert int(sel["_n"].sum()) == len(rows)
        if len(sel) == 1:
            assert sel["co2e_kg"].iloc[0] == math.fsum(rows["co2e_kg"])
