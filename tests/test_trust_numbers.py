"""Numbers that must never be trusted: overflowing quantities and factor values (issue 9).

Every case is a real file written in the test and run through `assess` and `validate` the way
a user would; the expected outcome is stated from first principles (a float64 tops out near
1.8e308, so `1e309` cannot be a quantity), never copied from the tool's output.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.ingest.numbers import parse_quantities

runner = CliRunner()
HEADER = "activity,item,quantity,unit,site,period_start,region\n"
GOOD_ROW = "purchased_electricity,grid,100,kWh,A,2025-01-01,HK\n"


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("cell", ["1e309", "9" * 400, "-1e309", "1e309 kWh", "1,000e306"])
def test_overflowing_text_is_a_problem_not_infinity(cell):
    q = parse_quantities(pd.Series([cell], dtype=object))
    assert q.problem[0] == "number-out-of-range"
    assert np.isnan(q.value[0])


def test_an_infinite_number_cell_is_a_problem_too():
    # what a reader hands over for an xlsx number cell written as 1e309
    q = parse_quantities(pd.Series([float("inf"), 5.0], dtype=object))
    assert list(q.problem) == ["number-out-of-range", None]
    assert q.value[1] == 5.0


def _overflow_file(tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text(HEADER
                    + "purchased_electricity,grid,1e309,kWh,A,2025-01-01,HK\n"
                    + f"purchased_electricity,grid,{'9' * 400},kWh,A,2025-01-01,HK\n"
                    + "purchased_electricity,grid,1e308,MWh,A,2025-01-01,HK\n"
                    + GOOD_ROW, encoding="utf-8")
    return path


def test_assess_rejects_overflowing_quantities_at_their_cells(tmp_path):
    src = _overflow_file(tmp_path)
    out = tmp_path / "out"
    r = runner.invoke(app, ["assess", str(src), "--out", str(out), "--json"])
    assert r.exit_code == 1, r.output  # input read, has errors: no traceback
    doc = json.loads(r.stdout)
    errors = {f["where"] for f in doc["findings"]
              if f["code"] == "number-out-of-range" and f["severity"] == "error"}
    # quantity is column C; rows 2-4 of the file (1e308 MWh is 1e311 kWh: overflows)
    assert errors == {f"{src}!C2", f"{src}!C3", f"{src}!C4"}
    assert doc["inventory"]["rows"]["rejected"] == 3
    # the one good row: 100 kWh x the HK government default 0.7 kg CO2e/kWh
    assert doc["inventory"]["totals_kgco2e"]["scope_2_location"] == pytest.approx(70.0)
    rows = _rows(out / "results.csv")
    assert [r["status"] for r in rows] == ["rejected"] * 3 + ["assessed"]
    assert all(r["co2e_kg"] == "" for r in rows[:3])
    json.loads((out / "inventory.json").read_text(encoding="utf-8"))  # strict JSON, written


def test_validate_fails_the_same_file(tmp_path):
    src = _overflow_file(tmp_path)
    r = runner.invoke(app, ["validate", str(src), "--json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert doc["valid"] is False
    assert doc["rows"] == {"read": 4, "passing": 1, "failing": 3}
    assert sum(f["code"] == "number-out-of-range" for f in doc["findings"]) == 3


def test_finite_rows_whose_totals_would_overflow_are_rejected(tmp_path):
    # Each row is finite (1e308 kWh x 0.7), but three of them sum past float64's maximum,
    # and any one is far beyond the world's annual emissions (~5.7e13 kg CO2e).
    src = tmp_path / "activity.csv"
    src.write_text(HEADER + "purchased_electricity,grid,1e308,kWh,A,2025-01-01,HK\n" * 3
                   + "purchased_electricity,grid,2e15,kWh,A,2025-01-01,HK\n" + GOOD_ROW,
                   encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(app, ["assess", str(src), "--out", str(out), "--json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    bad = sorted(f["location"]["cell"] for f in doc["findings"]
                 if f["code"] == "number-out-of-range")
    assert bad == ["C2", "C3", "C4", "C5"]  # 2e15 kWh x 0.7 = 1.4e15 kg: over 1e15 too
    assert doc["inventory"]["totals_kgco2e"]["scope_2_location"] == pytest.approx(70.0)


def test_xlsx_number_cell_overflowing_after_conversion(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Activity"
    ws.append(["activity", "item", "quantity", "unit", "site", "period_start", "region"])
    ws.append(["purchased_electricity", "grid", 1e308, "MWh", "A", "2025-01-01", "HK"])
    ws.append(["purchased_electricity", "grid", 100, "kWh", "A", "2025-01-01", "HK"])
    src = tmp_path / "activity.xlsx"
    wb.save(src)
    r = runner.invoke(app, ["validate", str(src), "--json"])
    assert r.exit_code == 1, r.output
    found = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "number-out-of-range"]
    assert [f["where"] for f in found] == [f"{src}:Activity!C2"]


FACTOR_HEADER = "id,activity,item,unit,co2_fossil,ch4_fossil,n2o,vintage,source,status\n"


@pytest.mark.parametrize(("cell", "code"), [("nan", "not-a-number"), ("NaN", "not-a-number"),
                                            ("inf", "number-out-of-range"),
                                            ("-Infinity", "number-out-of-range"),
                                            ("1e309", "number-out-of-range")])
def test_non_finite_values_in_a_user_factor_file(tmp_path, cell, code):
    factors = tmp_path / "my_factors.csv"
    factors.write_text(FACTOR_HEADER
                       + f"my.boiler,stationary_combustion,natural_gas,GJ,56.1,{cell},0.0001,"
                         "2024,Meter supplier letter 2024,verified\n", encoding="utf-8")
    src = tmp_path / "activity.csv"
    src.write_text(HEADER + "stationary_combustion,natural_gas,10,GJ,A,2025-01-01,\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["validate", str(src), "--factors", str(factors), "--json"])
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    hits = [f for f in doc["findings"] if f["location"].get("file") == str(factors)]
    assert [(f["code"], f["location"]["cell"]) for f in hits] == [(code, "F2")]  # ch4_fossil


@pytest.mark.parametrize("cell", ["inf", "nan", "2024.5", "24"])
def test_a_vintage_that_is_not_a_year(tmp_path, cell):
    factors = tmp_path / "my_factors.csv"
    factors.write_text(FACTOR_HEADER
                       + f"my.boiler,stationary_combustion,natural_gas,GJ,56.1,,,{cell},"
                         "Meter supplier letter 2024,verified\n", encoding="utf-8")
    src = tmp_path / "activity.csv"
    src.write_text(HEADER + "stationary_combustion,natural_gas,10,GJ,A,2025-01-01,\n",
                   encoding="utf-8")
    r = runner.invoke(app, ["assess", str(src), "--factors", str(factors), "--out",
                            str(tmp_path / "out"), "--json"])
    assert r.exit_code == 1, r.output
    hits = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "not-a-year"]
    assert [f["location"]["cell"] for f in hits] == ["H2"]
