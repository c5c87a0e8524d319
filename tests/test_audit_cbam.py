"""The CBAM per-good test (--regime cbam): a filled official template's stated SEE per good
against the recomputation from the template's own inputs, 5 % per good.

The template is the sample installation written by `cbam fill-template`.  Its stated SEE
(Summary_Products K10 and K11) are given two ways: typed in with openpyxl (3 % and 6 % above
the transitional SEE of `cbam assess`), and computed by the Commission template's own
formulas in LibreOffice, when it is installed.
"""

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "harbour_metals"
runner = CliRunner()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cbam")
    official = tmp / "official.xlsx"
    r = runner.invoke(app, ["cbam", "fill-template", str(SAMPLE / "installation_2026.xlsx"),
                            "-o", str(official)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["cbam", "assess", str(official), "--period", "transitional",
                            "--out", str(tmp / "assessed"), "--json"])
    see = [p["see_total"] for p in json.loads(r.stdout)["communication"]["products"]]
    return tmp, official, see


def verify(tmp, official, out):
    r = runner.invoke(app, ["verify", "--config", str(SAMPLE / "carbonaudit.toml"),
                            "--claimed", str(SAMPLE / "claims_2025.csv"), "--seed", "1",
                            "--regime", "cbam", "--cbam", str(official), "--out",
                            str(tmp / out), "--json"])
    return r.exit_code, json.loads(r.stdout)["verification"]


def test_stated_see_3_and_6_percent_off(template):
    tmp, official, see = template
    book = openpyxl.load_workbook(official)
    ws = book["Summary_Products"]
    ws["K10"].value = see[0] * 1.03
    ws["K11"].value = see[1] * 1.06
    book.calculation.fullCalcOnLoad = False  # as Excel saves it: the values are its results
    typed = tmp / "typed.xlsx"
    book.save(typed)
    code, doc = verify(tmp, typed, "o1")
    rule = next(r for r in doc["materiality"]["rules"] if r["scope_of_test"] == "per_good")
    assert (rule["regime"], rule["threshold_pct"]) == ("cbam", 5.0)
    goods = [t for t in doc["tests"] if t["rule"] == "cbam-per-good"]
    assert [t["unit"] for t in goods] == ["tCO2e/t", "tCO2e/t"]
    bolts, profiles = goods
    assert bolts["base"] == pytest.approx(see[0] * 1.03, rel=1e-12)
    assert bolts["materiality"] == pytest.approx(0.05 * 1.03 * see[0], rel=1e-12)
    assert bolts["aggregate_misstatement"] == pytest.approx(0.03 * see[0], rel=1e-9)
    assert bolts["verdict"] == "not material"
    assert profiles["aggregate_misstatement"] == pytest.approx(0.06 * see[1], rel=1e-9)
    assert profiles["verdict"] == "material misstatement"  # 0.06 > 0.05 x 1.06
    assert doc["verdict"]["overall"] == "material misstatement" and code == 1
    assert {i["role"] for i in doc["inputs"]} == {"activity", "claims", "cbam"}
    entries = [m for m in doc["misstatements"] if m["unit"] == "tCO2e/t"]
    assert [m["tests"] for m in entries] == [[bolts["id"]], [profiles["id"]]]


def test_an_unstated_see_is_a_scope_limitation(template):
    tmp, official, _ = template  # fill-template leaves the formulas uncalculated
    code, doc = verify(tmp, official, "o2")
    goods = [t for t in doc["tests"] if t["rule"] == "cbam-per-good"]
    assert [t["verdict"] for t in goods] == ["scope limitation"] * 2
    codes = [f["code"] for f in doc["findings"]["verification"]]
    assert codes.count("cbam-see-not-stated") == 2 and code == 1


def test_regime_cbam_needs_the_template(tmp_path):
    r = runner.invoke(app, ["verify", "--config", str(SAMPLE / "carbonaudit.toml"),
                            "--claimed", str(SAMPLE / "claims_2025.csv"), "--regime", "cbam",
                            "--out", str(tmp_path)])
    assert r.exit_code == 2 and "--cbam" in r.output


def _libreoffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed")
def test_the_templates_own_formulas_agree_with_the_recomputation(template):
    from test_audit_workpapers import _recalculate

    tmp, official, see = template
    (calculated,) = _recalculate([official], tmp / "lo")
    code, doc = verify(tmp, calculated, "o3")
    goods = doc["cbam"]["goods"]
    for g, want in zip(goods, see, strict=True):
        assert g["stated_see"] == pytest.approx(want, rel=1e-9)
        assert g["difference"] == pytest.approx(0.0, abs=1e-9)
    assert all(t["verdict"] == "not material" for t in doc["tests"]), doc["tests"]
    assert code == 0
