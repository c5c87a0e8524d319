"""Per-row uncertainty columns read from a real activity file reach `assess --uncertainty`."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app


def _assess(tmp_path, header: str, row: str) -> dict:
    path = tmp_path / "activity.csv"
    path.write_text(f"activity,item,quantity,unit,region,period_start,period_end,{header}\n"
                    f"purchased_electricity,grid,12000,kWh,HK-CLP,2025-01-01,2025-01-31,{row}\n",
                    encoding="utf-8")
    res = CliRunner().invoke(app, ["assess", str(path), "--uncertainty", "--out",
                                   str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["inventory"]


def test_row_cells_override_the_defaults(tmp_path):
    doc = _assess(tmp_path, "ad_uncertainty_pct,ef_uncertainty_pct", "5,7")
    total = doc["uncertainty"]["approach_1"]["total"]["uncertainty_pct"]
    # one row: the product rule, sqrt(5^2 + 7^2)
    assert total["upper"] == pytest.approx(math.sqrt(25 + 49), abs=1e-3)
    assert total["lower"] == pytest.approx(math.sqrt(25 + 49), abs=1e-3)


def test_chinese_headers_name_the_same_columns(tmp_path):
    doc = _assess(tmp_path, "活動數據不確定性 (%),排放因子不確定性 (%)", "3,4")
    total = doc["uncertainty"]["approach_1"]["total"]["uncertainty_pct"]
    assert total["upper"] == pytest.approx(5.0, abs=1e-3)  # 3-4-5


def test_an_unreadable_cell_is_a_finding_at_that_cell(tmp_path):
    path = tmp_path / "activity.csv"
    path.write_text("activity,item,quantity,unit,region,period_start,period_end,"
                    "ad_uncertainty_pct\n"
                    "purchased_electricity,grid,12000,kWh,HK-CLP,2025-01-01,2025-01-31,lots\n",
                    encoding="utf-8")
    res = CliRunner().invoke(app, ["assess", str(path), "--uncertainty", "--out",
                                   str(tmp_path / "out"), "--json"])
    findings = json.loads(res.stdout)["findings"]
    cells = [f["location"].get("cell") for f in findings if "uncertainty" in f["code"]]
    assert "H2" in cells, findings


def test_data_origin_from_the_file_sets_the_measured_and_estimated_shares(tmp_path):
    path = tmp_path / "activity.csv"
    rows = ["activity,item,quantity,unit,region,period_start,period_end,data_origin"]
    rows += [f"purchased_electricity,grid,12000,kWh,HK-CLP,2025-{m:02d}-01,2025-{m:02d}-28,{o}"
             for m, o in ((1, "metered"), (2, "estimated"))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["assess", str(path), "--out", str(tmp_path / "out"),
                                   "--json"])
    overall = json.loads(res.stdout)["inventory"]["data_quality"]["overall"]
    # two rows of equal emissions: one metered, one estimated
    assert overall["components"]["measured"] == pytest.approx(0.5)
    assert overall["estimated_share"] == pytest.approx(0.5)
