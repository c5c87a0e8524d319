"""[intensity] in carbonaudit.toml, intensities in inventory.json, and assess --uncertainty."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonaudit.audit.intensity import parse_intensity
from carbonaudit.cli import app
from carbonaudit.errors import UsageError
from carbonaudit.project import load_config

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "harbour_metals"
runner = CliRunner()
CSV = ("activity,item,quantity,unit,site,period_start,period_end,region\n"
       "stationary_combustion,natural_gas,1,TJ,F,2025-01-01,2025-01-31,\n"
       "purchased_electricity,grid,1000,kWh,O,2025-01-01,2025-01-31,HK-HKE\n")


def config(tmp_path, intensity: str) -> Path:
    (tmp_path / "a.csv").write_text(CSV, encoding="utf-8")
    path = tmp_path / "carbonaudit.toml"
    path.write_text('[period]\nstart = "2025-01-01"\nend = "2025-01-31"\n'
                    '[assessment]\ninputs = ["a.csv"]\n' + intensity, encoding="utf-8")
    return path


def test_intensities_are_the_totals_over_the_denominators(tmp_path):
    cfg = config(tmp_path, '[intensity]\nrevenue = 2500000\nrevenue_currency = "hkd"\n'
                           "floor_area_m2 = 400\nheadcount = 20\nproduction_t = 125.5\n")
    r = runner.invoke(app, ["assess", "--config", str(cfg), "--out", str(tmp_path / "o"),
                            "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["inventory"]
    totals = doc["totals_kgco2e"]
    # 1 TJ natural gas (IPCC manufacturing, AR6) and 1,000 kWh at HK Electric's 0.81 kg/kWh
    assert totals["scope_1"] == pytest.approx(56100 + 29.8 + 0.1 * 273)
    assert totals["scope_2_location"] == pytest.approx(810)
    metrics = {m["metric"]: m for m in doc["intensity"]["metrics"]}
    assert metrics["revenue"]["denominator_unit"] == "million HKD"
    assert metrics["revenue"]["denominator"] == 2.5
    s12 = totals["scope_1"] + totals["scope_2_location"]
    assert metrics["revenue"]["kgco2e_per_unit"]["scopes_1_2_location"] == pytest.approx(s12 / 2.5)
    assert metrics["floor_area"]["kgco2e_per_unit"]["scope_1"] == pytest.approx(
        totals["scope_1"] / 400)
    assert metrics["headcount"]["kgco2e_per_unit"]["scope_2_market"] == pytest.approx(810 / 20)
    assert metrics["production"]["kgco2e_per_unit"]["scopes_1_2_3_location"] == pytest.approx(
        s12 / 125.5)


def test_no_intensity_table_no_section(tmp_path):
    r = runner.invoke(app, ["assess", "--config", str(config(tmp_path, "")), "--out",
                            str(tmp_path / "o"), "--json"])
    assert r.exit_code == 0 and "intensity" not in json.loads(r.stdout)["inventory"]


@pytest.mark.parametrize("table, says", [
    ({"revenue": 10}, "together"),
    ({"revenue_currency": "HKD"}, "together"),
    ({"revenue": 10, "revenue_currency": "dollars"}, "ISO 4217"),
    ({"floor_area_m2": -5}, "positive"),
    ({"headcount": True}, "positive"),
    ({"staff": 3}, "unknown config key intensity.staff"),
])
def test_bad_intensity_values_are_usage_errors(table, says):
    with pytest.raises(UsageError, match=says):
        parse_intensity(table)


def test_bad_intensity_in_the_config_file_exits_2(tmp_path):
    cfg = config(tmp_path, "[intensity]\nfloor_area_m2 = 0\n")
    with pytest.raises(UsageError):
        load_config(cfg)
    r = runner.invoke(app, ["assess", "--config", str(cfg), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "floor_area_m2" in r.stderr


def test_assess_uncertainty_writes_a_valid_section(tmp_path):
    r = runner.invoke(app, ["assess", "--config", str(SAMPLE / "carbonaudit.toml"), "--out",
                            str(tmp_path / "o"), "--uncertainty", "--draws", "2000", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    unc = out["inventory"]["uncertainty"]
    assert unc["approach_2"]["draws"] == 2000
    assert {e["scope"] for e in unc["approach_1"]["by_scope"]} == {
        "scope_1", "scope_2_location", "scope_3"}
    written = json.loads((tmp_path / "o" / "inventory.json").read_text(encoding="utf-8"))
    assert written["uncertainty"] == unc
    codes = {f["code"] for f in out["findings"]}
    assert "uncertainty-unverified-defaults" in codes  # placeholders are disclosed
    assert written["findings"]["info"] >= 1
    assert runner.invoke(app, ["assess", "--config", str(SAMPLE / "carbonaudit.toml"), "--out",
                               str(tmp_path / "p"), "--uncertainty", "--draws", "5"]
                         ).exit_code == 2
