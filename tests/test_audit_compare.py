"""Year on year: two inventories of the sample, one with a site added; GWP restatement."""

import calendar
import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonaudit.audit.compare import compare_documents
from carbonaudit.audit.restate import restate, restate_total
from carbonaudit.cli import app
from carbonaudit.inventory.document import build_document
from carbonaudit.inventory.engine import AssessOptions, assess
from carbonaudit.project import load_config

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "harbour_metals"
WAREHOUSE_KWH = [40_000 + 100 * m for m in range(1, 13)]
runner = CliRunner()


def _warehouse(tmp: Path) -> Path:
    lines = ["activity,item,quantity,unit,site,period_start,period_end,region,reference"]
    for m, kwh in enumerate(WAREHOUSE_KWH, start=1):
        last = calendar.monthrange(2025, m)[1]
        lines.append(f"purchased_electricity,grid,{kwh},kWh,Tsuen Wan warehouse,2025-{m:02d}-01,"
                     f"2025-{m:02d}-{last},HK-CLP,CLP bill TW-{m:02d}")
    path = tmp / "warehouse.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """Base (the sample, AR5), current (the sample plus a warehouse, AR6), sample on AR6."""
    tmp = tmp_path_factory.mktemp("compare")
    cfg = load_config(SAMPLE / "carbonaudit.toml")
    workbook = str(SAMPLE / "activity_2025.xlsx")
    base = assess([workbook], cfg, AssessOptions(gwp="AR5"))
    current = assess([workbook, str(_warehouse(tmp))], cfg)
    same_ar6 = assess([workbook], cfg)
    out = {"base": build_document(base), "current": build_document(current),
           "sample_ar6": build_document(same_ar6), "tmp": tmp}
    for name in ("base", "current"):
        path = tmp / f"{name}.json"
        path.write_text(json.dumps(out[name]), encoding="utf-8")
        out[f"{name}_path"] = path
    return out


def test_site_added_is_a_structural_change_measured_against_the_base_year(docs):
    c = compare_documents(docs["base"], docs["current"])
    site = next(s for s in c.document["by_site"] if s["site"] == "Tsuen Wan warehouse")
    assert (site["in_base"], site["in_current"]) == (False, True)
    # independent: the warehouse's kWh times the CLP factor the office rows used
    office = next(s for s in docs["sample_ar6"]["by_site"] if s["site"] == "Kwun Tong office")
    office_kwh = [12_480, 12_050, 12_760, 13_420, 14_310, 14_960,
                  14_880, 14_920, 14_450, 13_610, 12_940, 12_700]
    per_kwh = office["scope_2_location"] / sum(office_kwh)
    assert site["current_kgco2e"] == pytest.approx(sum(WAREHOUSE_KWH) * per_kwh)
    scope2 = next(s for s in c.document["by_scope"] if s["key"] == "scope_2_location")
    assert scope2["change_kgco2e"] == pytest.approx(site["current_kgco2e"])
    test = next(t for t in c.document["base_year_recalculation"]["tests"]
                if t["kind"] == "structural")
    base_total = sum(docs["sample_ar6"]["totals_kgco2e"][k]
                     for k in ("scope_1", "scope_2_location", "scope_3"))
    assert test["effect_pct"] == pytest.approx(site["current_kgco2e"] / base_total * 100)
    assert test["triggered"] is False  # 0.41 % < 5 %
    codes = [f.code for f in c.findings]
    assert "base-year-structural-change" in codes
    assert "base-year-recalculation-not-triggered" in codes
    # the same change at a 0.3 % threshold triggers a recalculation
    low = compare_documents(docs["base"], docs["current"], threshold_pct=0.3)
    assert low.document["base_year_recalculation"]["recalculation_triggered"] is True
    warn = next(f for f in low.findings if f.code == "base-year-structural-change")
    assert str(warn.severity) == "warning" and warn.location.pointer.startswith("/by_site/")


def test_gwp_sets_are_stated_and_the_base_restated_on_the_current_set(docs):
    c = compare_documents(docs["base"], docs["current"])
    gwp = c.document["gwp"]
    assert (gwp["base"], gwp["current"], gwp["common"], gwp["differs"]) == (
        "AR5", "AR6", "AR6", True)
    # restating the AR5 run on AR6 gives what the engine computed on AR6 directly
    for key in ("scope_1", "scope_2_location", "scope_3"):
        assert gwp["restated_kgco2e"]["base"][key] == pytest.approx(
            docs["sample_ar6"]["totals_kgco2e"][key], rel=1e-12)
    scope1 = next(s for s in c.document["by_scope"] if s["key"] == "scope_1")
    assert scope1["change_kgco2e"] == pytest.approx(0.0, abs=1e-6)  # same rows, one set
    assert "as reported" in c.document["breakdown_basis"]
    # both restated on AR4 when asked
    ar4 = compare_documents(docs["base"], docs["current"], gwp_set="AR4").document["gwp"]
    assert set(ar4["restated_kgco2e"]["base"]) == set(ar4["restated_kgco2e"]["current"]) == {
        "scope_1", "scope_2_location", "scope_3"}


def test_restatement_by_hand():
    gases = [{"scope": "scope_1", "co2_fossil_kg": 1000.0, "ch4_fossil_kg": 1.0,
              "ch4_nonfossil_kg": 2.0, "n2o_kg": 1.0, "co2e_unsplit_kgco2e": 50.0,
              "other_gases": [{"species": "R410A", "family": "hfc", "kg": 1.0},
                              {"species": "HCFC22", "family": "hcfc", "kg": 5.0}]}]
    # AR5: CH4 28, N2O 265, R410A = 0.5 x 677 (HFC-32) + 0.5 x 3170 (HFC-125); HCFC outside
    expected = 1000 + 28 + 2 * 28 + 265 + 0.5 * 677 + 0.5 * 3170 + 50
    assert restate(gases, "AR5")["scope_1"]["kgco2e"] == pytest.approx(expected)
    by_gas = {"co2_fossil_kg": 1000.0, "ch4_fossil_kg": 1.0, "ch4_nonfossil_kg": 0.0,
              "n2o_kg": 1.0, "co2e_unsplit_kgco2e": 50.0, "hfc_kgco2e": 2000.0,
              "pfc_kgco2e": 0.0, "sf6_kg": 0.1, "nf3_kg": 0.0}
    whole = restate_total(by_gas, "AR4")  # CH4 25, N2O 298, SF6 22 800
    assert whole["kgco2e"] == pytest.approx(1000 + 25 + 298 + 2280 + 2000 + 50)
    assert whole["hfc_pfc_kgco2e_not_restated"] == 2000.0


def test_a_document_without_per_scope_gases_is_restated_only_as_a_whole(docs):
    old = copy.deepcopy(docs["base"])
    del old["by_scope_gas"]
    c = compare_documents(old, docs["current"])
    assert c.document["gwp"]["restated_kgco2e"]["base"] == {}
    assert "no per-scope gas breakdown" in " ".join(c.document["gwp"]["notes"])
    assert c.document["by_scope"][0]["basis"].startswith("as reported")
    test = next(t for t in c.document["base_year_recalculation"]["tests"] if t["kind"] == "gwp")
    assert test["quantified"] and test["effect_kgco2e"] == pytest.approx(
        c.document["gwp"]["base_total_restated"]["kgco2e"]
        - sum(old["totals_kgco2e"][k] for k in ("scope_1", "scope_2_location", "scope_3")))


def test_site_removed_and_method_changes(docs):
    c = compare_documents(docs["current"], docs["base"])  # the warehouse is gone
    test = next(t for t in c.document["base_year_recalculation"]["tests"]
                if t["kind"] == "structural")
    assert test["effect_kgco2e"] < 0 and "base year only" in test["what"]
    changed = copy.deepcopy(docs["current"])
    changed["organisation"]["consolidation_approach"] = "equity_share"
    c = compare_documents(docs["current"], changed)
    assert c.document["base_year_recalculation"]["unquantified_changes"] == 1
    assert "base-year-recalculation-undecided" in [f.code for f in c.findings]


def test_top_sources_outside_a_list_are_unknown_not_zero(docs):
    c = compare_documents(docs["base"], docs["current"])
    entries = {(s["activity"], s["item"], s["site"]): s for s in c.document["top_sources"]}
    new = entries[("purchased_electricity", "grid", "Tsuen Wan warehouse")]
    assert new["base_kgco2e"] is None and new["change_pct"] is None


def test_cli_compare_json_and_exit_codes(docs, tmp_path):
    r = runner.invoke(app, ["compare", str(docs["base_path"]), str(docs["current_path"]),
                            "--threshold", "0.3%", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["comparison"]["threshold_pct"] == 0.3
    assert out["comparison"]["base_year_recalculation"]["recalculation_triggered"] is True
    strict = runner.invoke(app, ["compare", str(docs["base_path"]), str(docs["current_path"]),
                                 "--threshold", "0.3", "--strict"])
    assert strict.exit_code == 1  # the triggered recalculation is a warning
    bad = runner.invoke(app, ["compare", str(docs["base_path"]), str(docs["current_path"]),
                              "--threshold", "five"])
    assert bad.exit_code == 2
    assert runner.invoke(app, ["compare", str(tmp_path / "missing.json"),
                               str(docs["current_path"])]).exit_code == 3
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**docs["base"], "gwp_set": "AR9"}), encoding="utf-8")
    assert runner.invoke(app, ["compare", str(broken), str(docs["current_path"])]).exit_code == 1
