"""`carbonaudit verify`: reconciliation, materiality rules and verdicts against hand arithmetic.

The activity file has two rows whose emissions are known by hand (IPCC 2006 manufacturing
natural gas, AR6; HK Electric 2019):
  1 TJ natural gas: 56,100 kg CO2 + 1 kg CH4 x 29.8 + 0.1 kg N2O x 273 = 56,157.1 kg
  1,000 kWh HK-HKE at 0.81 kg/kWh                                     =     810.0 kg
  total                                                                = 56,967.1 kg
"""

import json

import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app

runner = CliRunner()
GAS = 56100 + 29.8 + 0.1 * 273
ELEC = 1000 * 0.81
TOTAL = GAS + ELEC
ACTIVITY = ("activity,item,quantity,unit,site,period_start,region,reference\n"
            "stationary_combustion,natural_gas,1,TJ,Plant,2025-01-01,,INV-1\n"
            "purchased_electricity,grid,1000,kWh,Office,2025-01-01,HK-HKE,BILL-1\n")


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def run(tmp_path, claims_text, *extra, activity=ACTIVITY):
    act = write(tmp_path, "activity.csv", activity)
    claims = write(tmp_path, "claims.csv", claims_text)
    out = tmp_path / "out"
    r = runner.invoke(app, ["verify", str(act), "--claimed", str(claims), "--seed", "1",
                            "--out", str(out), "--json", *extra])
    assert r.exit_code in (0, 1), r.output
    return r, json.loads(r.stdout)["verification"]


def test_a_claim_0_8_percent_off_is_not_material_at_5_percent(tmp_path):
    claimed = TOTAL * 1.008
    r, doc = run(tmp_path, f"item,claimed,unit\ntotal,{claimed!r},kg CO2e\n")
    item = doc["reconciliation"][0]
    assert item["recalculated_kgco2e"] == pytest.approx(TOTAL, rel=1e-12)
    assert item["difference_kgco2e"] == pytest.approx(TOTAL * 0.008, rel=1e-9)
    assert item["difference_pct_of_claimed"] == pytest.approx(0.8 / 1.008, rel=1e-9)
    test = doc["tests"][0]
    assert test["materiality"] == pytest.approx(0.05 * claimed, rel=1e-12)
    assert test["performance_materiality"] == pytest.approx(0.05 * 0.75 * claimed, rel=1e-12)
    assert test["aggregate_misstatement"] == pytest.approx(TOTAL * 0.008, rel=1e-9)
    assert test["verdict"] == "not material"
    assert doc["verdict"] == {"overall": "not material", "opinion": None,
                              "meaning": doc["verdict"]["meaning"]}
    assert r.exit_code == 0


def test_a_claim_6_percent_off_is_material(tmp_path):
    claimed = TOTAL * 1.06
    r, doc = run(tmp_path, f"item,claimed,unit\ntotal,{claimed / 1000!r},t CO2e\n")
    test = doc["tests"][0]
    # 0.06 x 56,967.1 = 3,418.03 kg against 5 % of 60,385.13 = 3,019.26 kg
    assert test["aggregate_misstatement"] == pytest.approx(0.06 * TOTAL, rel=1e-9)
    assert test["materiality"] == pytest.approx(0.05 * 1.06 * TOTAL, rel=1e-9)
    assert test["verdict"] == "material misstatement"
    assert doc["verdict"]["overall"] == "material misstatement"
    log = doc["misstatements"][0]
    assert (log["kind"], log["basis"], log["corrected"], log["tests"]) == (
        "misstatement", "factual", False, ["total"])
    assert r.exit_code == 1


def test_scopes_sites_and_categories_reconcile_and_only_the_total_is_tested(tmp_path):
    claims = ("item,claimed,unit\n"
              f"scope_1,{GAS!r},kg CO2e\n"
              f"scope_2_location,{ELEC + 81!r},kg CO2e\n"   # 10 % over
              "site:Office,0.891,t CO2e\n")
    _, doc = run(tmp_path, claims)
    by = {r["item"]: r for r in doc["reconciliation"]}
    assert by["scope_1"]["difference_kgco2e"] == pytest.approx(0, abs=1e-9)
    assert by["scope_2_location"]["difference_kgco2e"] == pytest.approx(81, rel=1e-9)
    assert by["site:Office"]["recalculated_kgco2e"] == pytest.approx(ELEC, rel=1e-12)
    test = doc["tests"][0]
    # No claimed total: the base is the sum of the claimed scopes; the site overlaps them.
    assert test["base"] == pytest.approx(GAS + ELEC + 81, rel=1e-12)
    assert test["base_from"] == "sum of claimed scope_1 + scope_2_location"
    assert test["aggregate_misstatement"] == pytest.approx(81, rel=1e-9)
    assert test["verdict"] == "not material"  # 81 kg against 5 % of 57,048 kg


def test_per_scope_makes_a_small_scope_material_on_its_own(tmp_path):
    claims = (f"item,claimed,unit\ntotal,{TOTAL + 81!r},kg CO2e\n"
              f"scope_1,{GAS!r},kg CO2e\nscope_2_location,{ELEC + 81!r},kg CO2e\n")
    _, doc = run(tmp_path, claims, "--per-scope")
    tests = {t["id"]: t for t in doc["tests"]}
    assert tests["total"]["verdict"] == "not material"
    # 81 kg against 5 % of 891 kg = 44.55 kg
    assert tests["scope_2_location"]["materiality"] == pytest.approx(0.05 * 891, rel=1e-9)
    assert tests["scope_2_location"]["verdict"] == "material misstatement"
    assert doc["verdict"]["overall"] == "material misstatement"


def test_ets_regime_takes_the_avr_threshold(tmp_path):
    _, doc = run(tmp_path, f"item,claimed,unit\ntotal,{TOTAL!r},kg CO2e\n", "--regime", "ets")
    rule = doc["materiality"]["rules"][0]
    assert (rule["regime"], rule["threshold_pct"], rule["scope_of_test"]) == (
        "eu-ets", 5.0, "total")  # 57 t is far below 500,000 t: category A/B
    r = runner.invoke(app, ["verify", str(tmp_path / "activity.csv"), "--claimed",
                            str(tmp_path / "claims.csv"), "--regime", "ets",
                            "--materiality", "3%", "--out", str(tmp_path / "o2")])
    assert r.exit_code == 2 and "leave out --materiality" in r.output


def test_ets_category_c_is_two_percent():
    from carbonaudit.audit.materiality import make_rules

    rule = make_rules(frozenset({"ets"}), None, False, 500_000_001 * 1.0)[0]
    assert rule.threshold_pct == 2.0
    assert make_rules(frozenset({"ets"}), None, False, 500_000_000.0)[0].threshold_pct == 5.0


def test_a_rejected_row_is_a_scope_limitation(tmp_path):
    activity = ACTIVITY + "stationary_combustion,natural_gas,n/a,TJ,Plant,2025-02-01,,INV-2\n"
    r, doc = run(tmp_path, f"item,claimed,unit\ntotal,{TOTAL!r},kg CO2e\n",
                 activity=activity)
    assert doc["reconciliation"][0]["status"] == "scope limitation"
    assert doc["reconciliation"][0]["rows_rejected"] == 1
    nc = [m for m in doc["misstatements"] if m["kind"] == "non_conformity"]
    assert len(nc) == 1 and nc[0]["rows"] == [f"{tmp_path / 'activity.csv'}:activity.csv!C4"]
    assert doc["tests"][0]["verdict"] == "scope limitation"
    assert r.exit_code == 1


def test_per_row_claimed_column_is_compared_row_by_row(tmp_path):
    activity = ("activity,item,quantity,unit,site,period_start,region,排放量 (kgCO2e)\n"
                f"stationary_combustion,natural_gas,1,TJ,Plant,2025-01-01,,{GAS!r}\n"
                "purchased_electricity,grid,1000,kWh,Office,2025-01-01,HK-HKE,900\n")
    _, doc = run(tmp_path, f"item,claimed,unit\ntotal,{GAS + 900!r},kg CO2e\n",
                 activity=activity)
    assert doc["row_claims"]["column_present"] is True
    assert doc["row_claims"]["rows_with_claim"] == 2
    assert doc["row_claims"]["difference_kgco2e"] == pytest.approx(90, rel=1e-9)
    rows = [m for m in doc["misstatements"] if m["item"] == "rows"]
    assert len(rows) == 1 and rows[0]["rows_count"] == 1 and rows[0]["tests"] == []
    assert rows[0]["delta_kgco2e"] == pytest.approx(90, rel=1e-9)
    assert doc["tests"][0]["aggregate_misstatement"] == pytest.approx(90, rel=1e-9)


def test_verify_help_explains():
    r = runner.invoke(app, ["verify", "--help"])
    assert r.exit_code == 0
    words = " ".join(r.output.split())
    for text in ("--claimed", "--materiality", "--evidence", "--seed", "J = TM / R",
                 "opinion fields stay blank", "Exit codes"):
        assert text in words


def test_uncertainty_of_the_recalculation_joins_verification_json(tmp_path):
    one_row = ("activity,item,quantity,unit,site,period_start,region,reference,"
               "ad_uncertainty_pct,ef_uncertainty_pct\n"
               "purchased_electricity,grid,1000,kWh,Office,2025-01-01,HK-HKE,BILL-1,5,7\n")
    r, doc = run(tmp_path, f"item,claimed,unit\ntotal,{ELEC!r},kg CO2e\n", "--uncertainty",
                 "--draws", "2000", activity=one_row)
    total = doc["uncertainty"]["approach_1"]["total"]["uncertainty_pct"]
    assert total["upper"] == pytest.approx((5 ** 2 + 7 ** 2) ** 0.5, abs=1e-3)
    assert doc["options"]["uncertainty_draws"] == 2000
    assert doc["uncertainty"]["approach_2"]["draws"] == 2000
    _, plain = run(tmp_path, f"item,claimed,unit\ntotal,{ELEC!r},kg CO2e\n", activity=one_row)
    assert "uncertainty" not in plain and plain["options"]["uncertainty_draws"] is None
