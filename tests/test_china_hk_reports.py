"""Reports for Mainland and Hong Kong users (issue 11, parts 2-4): the standard's chapter,
HKEX Part D (`report --format hkex`), and Chinese reports.  Real files are written and read
back with calamine and pypdf; figures are checked against the inputs' arithmetic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from carbonaudit.cli import app

runner = CliRunner()

HK_HEADER = ["類別", "項目", "數量", "單位", "供應商", "開始日期", "結束日期", "地點"]
HY = ["2024-01-01", "2024-12-31"]
HK_ROWS = [
    ["電力", "", 18500, "度", "中電", *HY, "觀塘辦公室"],
    ["煤氣", "", 1200, "單位", "", *HY, "灣仔門市"],
    ["廢紙", "", 650, "公斤", "", *HY, "觀塘辦公室"],
]
FACTORS = [
    ["id", "activity", "item", "region", "unit", "co2_fossil", "co2e_unsplit",
     "co2e_unsplit_gwp", "source", "status"],
    ["my.clp", "purchased_electricity", "grid", "HK-CLP", "kWh", "", "0.39", "AR5", "test", ""],
    ["my.tg", "stationary_combustion", "towngas", "HK", "towngas_unit", "2.5", "", "", "test", ""],
    ["my.tgp", "purchased_towngas", "towngas", "HK", "towngas_unit", "", "0.6", "AR5", "test", ""],
    ["my.paper", "waste", "paper_landfill", "HK", "kg", "", "4.8", "AR5", "test", ""],
]


def _project(tmp_path: Path, disclosure: str = "") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HK_HEADER)
    for r in HK_ROWS:
        ws.append(r)
    wb.save(tmp_path / "hk.xlsx")
    with open(tmp_path / "f.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(FACTORS)
    cfg = tmp_path / "carbonaudit.toml"
    cfg.write_text('[assessment]\nstandard = "hk-epd"\ninputs = ["hk.xlsx"]\n'
                   f'extra_factors = ["f.csv"]\n{disclosure}', encoding="utf-8")
    res = runner.invoke(app, ["assess", "-c", str(cfg), "-o", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    return tmp_path / "out" / "inventory.json"


def _cells(path: Path) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    return [[c for c in row if c != ""] for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()]


def test_hkex_part_d_workbook_and_pdf(tmp_path):
    doc_path = _project(tmp_path, "[intensity]\nrevenue = 35200000\nrevenue_currency = \"HKD\"\n"
                                  "floor_area_m2 = 850\n")
    res = runner.invoke(app, ["report", str(doc_path), "--format", "hkex", "--lang", "zh-Hant"])
    assert res.exit_code == 0, res.output
    xlsx = doc_path.with_name("report-zh-Hant-hkex.xlsx")
    pdf = xlsx.with_suffix(".pdf")
    assert len(PdfReader(str(pdf)).pages) >= 1
    rows = {r[0]: r[1:] for r in _cells(xlsx) if r}
    s1 = 1200 * 2.5 / 1000                       # Towngas combustion, t
    s2 = (18500 * 0.39 + 1200 * 0.6) / 1000      # CLP electricity + Towngas production, t
    assert rows["Scope 1 (direct) / 範圍一（直接）"][0] == pytest.approx(s1)
    assert rows["Scope 2, location-based / 範圍二（按地點）"][0] == pytest.approx(s2)
    per_revenue = rows["revenue (million HKD) / 收益（million HKD）"]
    assert per_revenue[0] == pytest.approx((s1 + s2) / 35.2)
    assert rows["floor area (m2) / 樓面面積（m2）"][0] == pytest.approx((s1 + s2) / 850)
    s3 = [k for k in rows if k.split(".")[0].isdigit() and " / " in k]
    assert len(s3) == 15  # every category, reported or to explain
    assert rows["5. Waste generated in operations / 5. 營運產生的廢棄物"][0] == pytest.approx(
        650 * 4.8 / 1000)


def test_hkex_without_denominators_says_where_to_give_them(tmp_path):
    doc_path = _project(tmp_path)
    res = runner.invoke(app, ["report", str(doc_path), "--format", "hkex"])
    assert res.exit_code == 0, res.output
    text = json.dumps(_cells(doc_path.with_name("report-en-hkex.xlsx")), ensure_ascii=False)
    assert "[intensity]" in text


def test_bad_intensity_is_a_usage_error(tmp_path):
    (tmp_path / "c.toml").write_text("[intensity]\nrevenue = -3\nrevenue_currency = \"HKD\"\n",
                                     encoding="utf-8")
    res = runner.invoke(app, ["assess", str(tmp_path / "x.xlsx"), "-c", str(tmp_path / "c.toml")])
    assert res.exit_code == 2
    assert "intensity.revenue" in res.output


def test_hk_epd_chapter_in_chinese_report(tmp_path):
    doc_path = _project(tmp_path)
    out = tmp_path / "r.xlsx"
    res = runner.invoke(app, ["report", str(doc_path), "--format", "xlsx", "--lang", "zh-Hant",
                              "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = {r[0]: r[1:] for r in _cells(out) if r}
    assert rows["煤氣生產"][0] == pytest.approx(1200 * 0.6 / 1000)
    assert rows["電力（中電、港燈）"][0] == pytest.approx(18500 * 0.39 / 1000)


# ----------------------------------------------------------------- fully in Chinese

GD_HEADER = ["类别", "项目", "数量", "单位", "地区", "开始日期", "结束日期"]
GD_ROWS = [
    ["外购电力", "电网", 120.5, "万千瓦时", "广东", "2022-01-01", "2022-12-31"],
    ["固定燃烧", "天然气", 8.2, "万立方米", "广东省", "2022-01-01", "2022-12-31"],
    ["固定燃烧", "烟煤", 350, "吨", "广东", "2022-01-01", "2022-12-31"],
    ["固定燃烧", "原煤", 10, "吨", "广东", "2022-01-01", "2022-12-31"],  # no NDRC factor
    ["柴油", "", 5, "ltr", "", "", ""],  # unknown unit
    ["固定燃烧", "天然气", 100, "Nm3", "", "", ""],  # no region, no period
]


def _english_fragments() -> list[str]:
    from carbonaudit.reports.finding_text import catalogue

    out = []
    for templates in catalogue("en").values():
        for t in templates:
            out += [p.strip() for p in __import__("re").split(r"\{\w+\}", t)
                    if len(p.strip()) >= 15]
    return out


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_chinese_report_has_no_english_finding_sentence(tmp_path, lang):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(GD_HEADER)
    for r in GD_ROWS:
        ws.append(r)
    wb.save(tmp_path / "gd.xlsx")
    res = runner.invoke(app, ["assess", str(tmp_path / "gd.xlsx"), "--standard", "gbt32150",
                              "-o", str(tmp_path / "out"), "--report", "xlsx", "--lang", lang],
                        env={"COLUMNS": "400"})
    assert res.exit_code == 1, res.output  # two rows are rejected, with their findings
    assert "不是可接受的单位" in res.output or "不是可接受的單位" in res.output
    cells = [str(c) for row in _cells(tmp_path / "out" / f"report-{lang}.xlsx") for c in row]
    found = json.loads((tmp_path / "out" / "findings.json").read_text("utf-8"))["findings"]
    assert {"unknown-unit", "no-factor", "unverified-factor", "gas-volume-reference",
            "missing-period", "region-assumed"} <= {f["code"] for f in found}
    fragments = _english_fragments()
    assert len(fragments) > 40
    leftover = [(c, frag) for c in cells for frag in fragments if frag in c]
    assert leftover == []
    assert any(("未核实" if lang == "zh-Hans" else "未核實") in c and "cn.ndrc" in c
               for c in cells)  # the unverified-factor message, translated
    assert "(no site)" not in cells and any("未填" in c for c in cells)
    assert ("烟煤（coal_bituminous）" if lang == "zh-Hans" else "煙煤（coal_bituminous）") in cells


def test_finding_catalogues_line_up():
    import re

    from carbonaudit.reports.finding_text import catalogue

    en = catalogue("en")
    for lang in ("zh-Hant", "zh-Hans"):
        zh = catalogue(lang)
        assert zh.keys() == en.keys()
        for code, templates in en.items():
            assert len(zh[code]) == len(templates), code
            for e, z in zip(templates, zh[code], strict=True):
                assert set(re.findall(r"\{(\w+)\}", z)) <= set(re.findall(r"\{(\w+)\}", e))
                assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}",
                                     re.sub(r"\{\w+\}|`[^`]*`|\([^)]*\)", "", z)), (code, z)
