"""Excel reports: every headline number and the row count read back equal to the document,
text never becomes a formula, and the same document gives the same workbook."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from carbonaudit.errors import CarbonAuditError
from carbonaudit.reports import render_document, render_report
from carbonaudit.reports.labels import LANGUAGES, Labels

ROOT = Path(__file__).resolve().parents[1]
CBAM = ROOT / "tests/fixtures/reports/cbam_communication.json"
HOSTILE = ['=HYPERLINK("http://x","y")', "<b>bold</b> & Co", "A" * 500, "港灣金屬控股有限公司"]


def assess_sample(out: Path) -> Path:
    """Run the real assessment of the shipped sample into out; the inventory.json path."""
    import os

    from carbonaudit.inventory.document import build_document
    from carbonaudit.inventory.engine import AssessOptions, assess
    from carbonaudit.outputs import write_assessment
    from carbonaudit.project import load_config

    cwd = os.getcwd()
    os.chdir(ROOT)  # the sample config names its inputs relative to the project
    try:
        cfg = load_config(Path("samples/harbour_metals/carbonaudit.toml"))
        result = assess([str(p) for p in cfg.inputs], cfg, AssessOptions(gwp=cfg.gwp))
        write_assessment(result, build_document(result), out)
    finally:
        os.chdir(cwd)
    return out / "inventory.json"


@pytest.fixture(scope="module")
def inventory(tmp_path_factory) -> Path:
    return assess_sample(tmp_path_factory.mktemp("assess"))


def sheet_rows(path: Path, name: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def pairs(rows: list[list]) -> dict:
    """First column -> second column for two-column blocks."""
    return {r[0]: r[1] for r in rows if len(r) > 1 and isinstance(r[0], str) and r[0]}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("standard", ["ghg-protocol", "iso14064"])
def test_headline_numbers_equal_the_document(inventory, tmp_path, lang, standard):
    doc = json.loads(inventory.read_text("utf-8"))
    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx", lang=lang, standard=standard)
    L = Labels(lang)
    summary = pairs(sheet_rows(out, L("sheet.summary")))
    tot = doc["totals_kgco2e"]
    for key in ("scope_1", "scope_2_location", "scope_2_market", "scope_3"):
        assert summary[L(f"scope.{key}")] == pytest.approx(tot[key] / 1000, rel=1e-12)
    assert summary[L("scope.biogenic")] == pytest.approx(tot["biogenic_co2_outside_scopes"] / 1000)
    assert summary[L("total.location")] == pytest.approx(
        (tot["scope_1"] + tot["scope_2_location"] + tot["scope_3"]) / 1000, rel=1e-12)
    assert summary[L("rows.read")] == doc["rows"]["read"]
    assert summary[L("fact.organisation")] == doc["organisation"]["name"]
    for c in doc["by_iso_category"]:  # the Summary sheet carries the ISO 14064-1 categories
        assert summary[L(f"iso.{c['category']}")] == pytest.approx(c["kgco2e"] / 1000)
    breakdown = pairs(sheet_rows(out, L("sheet.breakdown")))
    for c in doc["by_iso_category"]:
        assert breakdown[L(f"iso.{c['category']}")] == pytest.approx(c["kgco2e"] / 1000)
    results = sheet_rows(out, L("sheet.results"))
    assert len(results) - 1 == doc["rows"]["read"]


def test_iso_standard_leads_with_categories(inventory, tmp_path):
    L = Labels("en")
    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx", standard="iso14064")
    titles = [r[0] for r in sheet_rows(out, L("sheet.breakdown"))]
    assert titles.index(L("table.iso.iso14064")) < titles.index(L("table.scopes.iso14064"))


def test_result_rows_match_results_csv(inventory, tmp_path):
    import csv

    from openpyxl import load_workbook

    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx")
    with open(inventory.parent / "results.csv", encoding="utf-8") as fh:
        csv_rows = list(csv.reader(fh))
    rows = sheet_rows(out, "Result rows")
    assert rows[0] == csv_rows[0]
    i = csv_rows[0].index("co2e_kg")
    assert [r[i] for r in rows[1:]] == [float(r[i]) for r in csv_rows[1:]]
    wb = load_workbook(out)  # openpyxl is the stricter reader: the package must be valid
    ws = wb["Result rows"]
    assert ws.freeze_panes == "A2"
    assert "Results" in ws.tables and ws.tables["Results"].ref.endswith(str(len(rows)))
    assert ws.page_setup.orientation == "landscape"


def test_by_site_and_by_month_tables(inventory, tmp_path):
    doc = json.loads(inventory.read_text("utf-8"))
    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx")
    sites: dict = {}
    for r in sheet_rows(out, "By site"):  # the first table; the chart's data follows it
        sites.setdefault(r[0], r)
    for s in doc["by_site"]:
        assert sites[s["site"]][1] == pytest.approx(s["scope_1"] / 1000)
        assert sites[s["site"]][5] == s["rows"]
    months = pairs(sheet_rows(out, "By month"))
    for m in doc["by_month"]:
        assert months[m["month"]] == pytest.approx(m["kgco2e_location"] / 1000)


def test_same_document_same_workbook(inventory, tmp_path):
    a = render_report(inventory, "xlsx", tmp_path / "a.xlsx", lang="zh-Hant")
    b = render_report(inventory, "xlsx", tmp_path / "b.xlsx", lang="zh-Hant")
    assert a.read_bytes() == b.read_bytes()


def test_hostile_text_stays_text(inventory, tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "inv"
    shutil.copytree(inventory.parent, folder)
    doc = json.loads(inventory.read_text("utf-8"))
    for name in HOSTILE:
        doc["organisation"]["name"] = name
        doc["by_site"][0]["site"] = name
        (folder / "inventory.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        out = render_report(folder / "inventory.json", "xlsx", tmp_path / "h.xlsx")
        ws = load_workbook(out)["Summary"]
        cells = [c for row in ws.iter_rows() for c in row if c.value == name]
        assert cells and all(c.data_type == "s" for c in cells), name
        assert sheet_rows(out, "Summary")[1][0] == name


def test_missing_results_csv_is_said_in_the_sheet(inventory, tmp_path):
    folder = tmp_path / "only"
    folder.mkdir()
    shutil.copy(inventory, folder / "inventory.json")
    out = render_report(folder / "inventory.json", "xlsx", tmp_path / "r.xlsx")
    text = sheet_rows(out, "Result rows")
    assert "results.csv was not found" in text[1][0]
    assert "findings.json was not found" in str(sheet_rows(out, "Findings"))


def test_invalid_document_is_refused_with_findings(inventory, tmp_path):
    doc = json.loads(inventory.read_text("utf-8"))
    bad = copy.deepcopy(doc)
    bad["totals_kgco2e"]["scope_1"] = "lots"
    with pytest.raises(CarbonAuditError) as info:
        render_document(bad, "xlsx", tmp_path / "r.xlsx")
    assert "/totals_kgco2e/scope_1" in str(info.value)
    assert info.value.findings[0].location.pointer == "/totals_kgco2e/scope_1"
    assert not (tmp_path / "r.xlsx").exists()


def test_unknown_format_and_document_are_usage_errors(inventory, tmp_path):
    from carbonaudit.errors import UsageError

    with pytest.raises(UsageError):
        render_report(inventory, "docx", tmp_path / "r.docx")
    with pytest.raises(UsageError):
        render_document({"hello": 1}, "xlsx", tmp_path / "r.xlsx")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cbam_workbook_numbers_equal_the_document(tmp_path, lang):
    doc = json.loads(CBAM.read_text("utf-8"))
    out = render_report(CBAM, "xlsx", tmp_path / "c.xlsx", lang=lang)
    L = Labels(lang)
    summary = pairs(sheet_rows(out, L("sheet.summary")))
    for key, value in doc["totals_t"].items():
        assert summary[L(f"cbam.total.{key}")] == pytest.approx(value)
    products: dict = {}
    for r in sheet_rows(out, L("sheet.products")):
        products.setdefault(r[0], r)
    for p in doc["products"]:
        row = products[p["cn_code"]]
        assert row[4:7] == [pytest.approx(p["see_direct"]), pytest.approx(p["see_indirect"]),
                            pytest.approx(p["see_total"])]
    price = str(sheet_rows(out, L("sheet.carbon_price")))
    assert "National ETS" in price


def test_cbam_fixture_matches_the_schema():
    from carbonaudit.schemas import validate_document

    assert validate_document(json.loads(CBAM.read_text("utf-8")), "cbam-communication") == []


def _shipped_factor(factor_id: str) -> dict:
    """The factor's row as published in the shipped CSV, read with the csv module."""
    import csv

    for path in sorted((ROOT / "carbonaudit/factors/data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("id") == factor_id:
                    return row
    raise AssertionError(f"{factor_id} is in no shipped factor file")


def test_factor_appendix_shows_each_factors_values_as_published(inventory, tmp_path):
    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx")
    L = Labels("en")
    rows = sheet_rows(out, L("sheet.factors"))
    header = next(r for r in rows if L("col.factor_id") in r)
    id_col, values_col = header.index(L("col.factor_id")), header.index(L("col.factor_values"))
    shown = {r[id_col]: r[values_col] for r in rows[rows.index(header) + 1:]
             if len(r) > values_col and str(r[id_col]).count(".") >= 2}
    used = json.loads(inventory.read_text("utf-8"))["factors_used"]
    checked = 0
    for f in used:
        published = _shipped_factor(f["id"])
        parts = dict(p.rsplit(" kg/", 1)[0].split(" ") for p in shown[f["id"]].split("; "))
        gases = {g for g in ("co2_fossil", "co2_biogenic", "ch4_fossil", "ch4_nonfossil", "n2o",
                             "co2e_unsplit") if published.get(g, "").strip()}
        assert set(parts) >= gases, f["id"]
        for gas in gases:
            assert float(parts[gas]) == pytest.approx(float(published[gas]), rel=1e-12)
            checked += 1
    assert checked >= 5  # the sample uses several factors with several gases


def test_results_sheet_factor_values_are_numbers(inventory, tmp_path):
    out = render_report(inventory, "xlsx", tmp_path / "r.xlsx")
    rows = sheet_rows(out, Labels("en")("sheet.results"))
    header = next(r for r in rows if "factor_co2_fossil" in r)
    col = header.index("factor_co2_fossil")
    values = [r[col] for r in rows[rows.index(header) + 1:] if len(r) > col and r[col] != ""]
    assert values and all(isinstance(v, float) for v in values)


def test_intensity_table_divides_the_totals_by_the_configured_denominators(tmp_path):
    from typer.testing import CliRunner

    from carbonaudit.cli import app

    sample = ROOT / "samples/harbour_metals"
    shutil.copy(sample / "activity_2025.xlsx", tmp_path / "activity_2025.xlsx")
    config = (sample / "carbonaudit.toml").read_text(encoding="utf-8")
    (tmp_path / "carbonaudit.toml").write_text(
        config + '\n[intensity]\nrevenue = 480000000\nrevenue_currency = "HKD"\n'
                 "floor_area_m2 = 12500\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["assess", "-c", str(tmp_path / "carbonaudit.toml"), "--out",
                                   str(tmp_path / "out"), "--report", "xlsx"])
    assert res.exit_code in (0, 1), res.output
    doc = json.loads((tmp_path / "out/inventory.json").read_text("utf-8"))
    tot = doc["totals_kgco2e"]
    rows = sheet_rows(tmp_path / "out/report-en.xlsx", Labels("en")("sheet.summary"))
    per = {r[0]: r[1:] for r in rows if r and str(r[0]).startswith("per ")}
    revenue, area = per["per million HKD"], per["per m2"]
    assert revenue[0] == pytest.approx(tot["scope_1"] / 1000 / 480)
    assert area[4] == pytest.approx((tot["scope_1"] + tot["scope_2_location"]) / 1000 / 12500)
    assert area[5] == pytest.approx(
        (tot["scope_1"] + tot["scope_2_location"] + tot["scope_3"]) / 1000 / 12500)
