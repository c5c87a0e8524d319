"""Pre-shipment: one SEE meaning, the regime checks, and the template/JSON agreement.

Documents come from `carbonaudit cbam assess` on the sample installation and are changed one
field at a time; the official template is filled by `cbam fill-template` and recalculated by
LibreOffice with the template's own formulas (skipped where LibreOffice is not installed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonaudit.cbam.checks import check_document
from carbonaudit.cli import app

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "harbour_metals" / \
    "installation_2026.xlsx"
runner = CliRunner()


@pytest.fixture(scope="module")
def sample_doc(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("assess")
    res = runner.invoke(app, ["cbam", "assess", str(SAMPLE), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return json.loads((out / "cbam-communication.json").read_text("utf-8"))


def _codes(doc: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in check_document(doc):
        out.setdefault(f.code, []).append(f.location.pointer or "")
    return out


def _copy(doc: dict) -> dict:
    return json.loads(json.dumps(doc))


# ------------------------------------------------------------------------- one SEE meaning

def test_see_total_is_direct_plus_indirect_and_counted_has_its_rule(sample_doc) -> None:
    assert sample_doc["schema_version"] == "2.0"
    for p in sample_doc["products"]:
        assert p["see_total"] == pytest.approx(p["see_direct"] + p["see_indirect"], rel=1e-12)
        assert p["see_counted"] == pytest.approx(p["see_direct"], rel=1e-12)  # Annex II goods
        assert p["see_counted_rule"].startswith("definitive period: direct only")
    bolts, profiles = sample_doc["products"]
    assert (round(bolts["see_total"], 2), round(bolts["see_counted"], 2)) == (2.98, 2.39)
    assert (round(profiles["see_total"], 2), round(profiles["see_counted"], 2)) == (10.5, 1.85)


def test_a_counted_amount_that_is_not_its_rule_is_an_error(sample_doc) -> None:
    doc = _copy(sample_doc)
    doc["products"][0]["see_counted"] = doc["products"][0]["see_total"]   # indirect counted
    assert _codes(doc)["cbam-comm-see-counted-sum"] == ["/products/0/see_counted"]


def test_a_schema_1_document_keeps_its_own_meaning(sample_doc) -> None:
    doc = _copy(sample_doc)
    doc["schema_version"] = "1.0"
    for p in doc["products"]:
        p["see_total"] = p.pop("see_counted")   # 1.0: see_total was the counted amount
        p.pop("see_counted_rule")
    codes = _codes(doc)
    assert "cbam-comm-schema-1" in codes and "cbam-comm-see-sum" not in codes


# ------------------------------------------------------------------------- regime checks

def test_definitive_rules_for_a_period_before_2026(sample_doc) -> None:
    doc = _copy(sample_doc)
    doc["period"] |= {"start": "2025-01-01", "end": "2025-12-31", "year": 2025}
    assert _codes(doc)["cbam-comm-regime-period"] == ["/period/regime"]
    doc["period"]["regime"] = "transitional"
    assert "cbam-comm-regime-period" not in _codes(doc)
    late = _copy(sample_doc)
    late["period"]["regime"] = "transitional"
    assert "cbam-comm-regime-period" in _codes(late)


def test_definitive_communication_without_a_verifier(sample_doc) -> None:
    from carbonaudit.findings import Severity

    (finding,) = [f for f in check_document(sample_doc)
                  if f.code == "cbam-comm-verifier-missing"]
    assert finding.severity is Severity.WARNING and "Art. 8" in finding.message
    doc = _copy(sample_doc)
    doc["installation"]["verifier"]["name"] = "Accredited Verifier GmbH (fictional)"
    assert "cbam-comm-verifier-missing" not in _codes(doc)


def test_default_share_above_the_transitional_limit(sample_doc) -> None:
    doc = _copy(sample_doc)
    doc["period"] |= {"regime": "transitional", "start": "2025-01-01", "end": "2025-12-31",
                      "year": 2025}
    for p in doc["products"]:   # transitional: the counted amount is direct + indirect
        p["see_counted"] = p["see_total"]
        p["see_indirect_counted"] = p["see_indirect"]
        p["indirect_counted"] = True
    # the profiles carry 89.9 % defaults: above 20 %; the bolts none
    assert _codes(doc)["cbam-comm-default-share"] == ["/products/1/share_default_pct"]
    doc["products"][1]["share_default_pct"] = 20.0
    assert "cbam-comm-default-share" not in _codes(doc)
    # The definitive period: no share limit in our sources, so no finding for 89.9 %.
    assert "cbam-comm-default-share" not in _codes(sample_doc)


def test_a_default_precursor_under_a_product_claiming_actual_values(sample_doc) -> None:
    doc = _copy(sample_doc)
    assert doc["precursors"][0]["see_direct_source"] == "Measured"
    assert "cbam-comm-precursor-default-undeclared" not in _codes(doc)
    doc["precursors"][0]["see_direct_source"] = "Default"      # bolts' wire rod
    assert _codes(doc)["cbam-comm-precursor-default-undeclared"] == [
        "/products/0/share_default_pct"]


# ------------------------------------------------------------------------- template and JSON

def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _recalculate(xlsx: Path, folder: Path) -> Path:
    """The template recalculated by LibreOffice with its own formulas (always on load)."""
    from test_audit_workpapers import _recalculate as recalculate  # one LibreOffice runner

    (out,) = recalculate([xlsx], folder)
    return out


def test_unrecalculated_template_is_said_not_compared(tmp_path, sample_doc) -> None:
    official = tmp_path / "official.xlsx"
    assert runner.invoke(app, ["cbam", "fill-template", str(SAMPLE), "-o",
                               str(official)]).exit_code == 0
    doc = tmp_path / "comm.json"
    doc.write_text(json.dumps(sample_doc), "utf-8")
    res = runner.invoke(app, ["validate", "--kind", "cbam", str(official), str(doc), "--json"])
    codes = [f["code"] for f in json.loads(res.stdout)["findings"]]
    assert "cbam-cross-not-recalculated" in codes and "cbam-cross-see-differs" not in codes


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed")
def test_recalculated_template_and_json_agree_on_the_sample(tmp_path, sample_doc) -> None:
    filled = tmp_path / "official.xlsx"
    assert runner.invoke(app, ["cbam", "fill-template", str(SAMPLE), "-o",
                               str(filled)]).exit_code == 0
    official = _recalculate(filled, tmp_path)
    from carbonaudit.cbam.official import read_official

    inst, _ = read_official(official)
    stated = {s.what: s.value for s in inst.stated}
    # The template's own formulas: SEE total = direct + indirect, the JSON's see_total.
    for row, product in zip((10, 11), sample_doc["products"], strict=True):
        for key in ("see_direct", "see_indirect", "see_total"):
            assert stated[f"product:{row}:{key}"] == pytest.approx(product[key], rel=1e-9)
    doc = tmp_path / "comm.json"
    doc.write_text(json.dumps(sample_doc), "utf-8")
    res = runner.invoke(app, ["validate", "--kind", "cbam", "--profile", "pre-shipment",
                              str(official), str(doc), "--json"])
    body = json.loads(res.stdout)
    assert not [f for f in body["findings"] if f["code"].startswith("cbam-cross")]
    tampered = _copy(sample_doc)
    tampered["products"][0]["see_total"] = tampered["products"][0]["see_counted"]  # 1.0 habit
    doc.write_text(json.dumps(tampered), "utf-8")
    res = runner.invoke(app, ["validate", "--kind", "cbam", "--profile", "pre-shipment",
                              str(official), str(doc), "--json"])
    body = json.loads(res.stdout)
    cross = [f for f in body["findings"] if f["code"] == "cbam-cross-see-differs"]
    assert [f["location"]["cell"] for f in cross] == ["K10"]
    assert body["pre_shipment"]["verdict"] == "fail"


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_report_shows_see_total_and_see_counted(tmp_path, sample_doc, lang) -> None:
    from python_calamine import CalamineWorkbook

    from carbonaudit.reports import render_report
    from carbonaudit.reports.labels import Labels

    doc = tmp_path / "comm.json"
    doc.write_text(json.dumps(sample_doc), "utf-8")
    out = render_report(doc, "xlsx", tmp_path / "r.xlsx", lang=lang)
    L = Labels(lang)
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(L("sheet.products")) \
        .to_python()
    header = next(r for r in rows if L("col.see_counted") in r)
    total, counted = header.index(L("col.see_total")), header.index(L("col.see_counted"))
    by_cn: dict = {}
    for r in rows[rows.index(header) + 1:]:   # the table's rows come first, then the chart's
        by_cn.setdefault(r[0], r)
    for p in sample_doc["products"]:
        assert by_cn[p["cn_code"]][total] == pytest.approx(p["see_direct"] + p["see_indirect"])
        assert by_cn[p["cn_code"]][counted] == pytest.approx(p["see_direct"])
