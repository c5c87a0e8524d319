"""GB/T 32150-2015 and the HK EPD/EMSD guidelines as selectable standards (issue 11, part 2).

Expected figures are worked by hand from the published parameters, typed here from the
NDRC default table (NCV, carbon content, oxidation rate), the MEE/NBS 2022 Guangdong factor
(0.4403 kg CO2/kWh), the MEE enterprise-reporting factor (0.5703 t/MWh) and the 0.11
tCO2/GJ heat default: consumption x NCV x carbon content x oxidation x 44/12.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.inventory.document import build_document
from carbonaudit.inventory.engine import AssessOptions, assess
from carbonaudit.project import Config

C_TO_CO2 = 44 / 12
runner = CliRunner()


def ndrc(ncv_gj, cc_tc_per_gj, oxidation_pct):
    """kg CO2 per unit of fuel whose NCV is ncv_gj GJ per unit."""
    return ncv_gj * cc_tc_per_gj * oxidation_pct / 100 * C_TO_CO2 * 1000


def _sheet(path: Path, header, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "能源消耗"
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


HEADER = ["类别", "项目", "数量", "单位", "地区", "开始日期", "结束日期", "厂区"]
Y = ["2022-01-01", "2022-12-31", "东莞工厂"]
GUANGDONG = [
    ["外购电力", "电网", 120.5, "万千瓦时", "广东", *Y],
    ["固定燃烧", "天然气", 8.2, "万立方米", "广东省", *Y],
    ["固定燃烧", "天然气", 15000, "立方米", "廣東", *Y],
    ["固定燃烧", "烟煤", 350, "吨", "广东", *Y],
    ["移动燃烧", "柴油", 12, "吨", "广东", *Y],
]
GAS = ndrc(389.31 / 1e4, 0.0153, 99)      # per Nm3 (389.31 GJ per 10^4 Nm3)
COAL = ndrc(23.204, 0.02618, 93)          # per t of bituminous coal
DIESEL = ndrc(43.33, 0.0202, 98)          # per t of diesel


def _run(tmp_path, rows, **cfg):
    path = _sheet(tmp_path / "gd.xlsx", HEADER, rows)
    a = assess([str(path)], Config(**cfg))
    return a, build_document(a)


def test_guangdong_under_gbt32150_matches_hand_arithmetic(tmp_path):
    a, doc = _run(tmp_path, GUANGDONG, standard="gbt32150")
    r = a.results
    assert list(r["status"]) == ["assessed"] * 5
    kg = list(r["co2e_kg"])
    assert kg[0] == pytest.approx(1_205_000 * 0.4403, rel=1e-12)
    assert kg[1] == pytest.approx(82_000 * GAS, rel=1e-9)
    assert kg[2] == pytest.approx(15_000 * GAS, rel=1e-9)
    assert kg[3] == pytest.approx(350 * COAL, rel=1e-9)
    assert kg[4] == pytest.approx(12 * DIESEL, rel=1e-9)
    # the worked check of CHINA_HK.md 4.2: 10^4 Nm3 of natural gas give 21.62 t CO2
    assert round(1e4 * GAS / 1000, 2) == 21.62
    assert (r["ch4_fossil_kg"] == 0).all() and (r["n2o_kg"] == 0).all()
    std = doc["standard"]
    assert std["name"] == "gbt32150"
    combustion = (82_000 + 15_000) * GAS + 350 * COAL + 12 * DIESEL
    assert std["breakdown_kgco2e"]["combustion"] == pytest.approx(combustion, rel=1e-9)
    assert std["breakdown_kgco2e"]["total"] == pytest.approx(combustion + 530_561.5, rel=1e-9)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(combustion, rel=1e-9)
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(530_561.5, rel=1e-12)
    assert std["electricity_factors"][0]["factor_id"] == "cn.mee_nbs.2022.province.guangdong"
    assert {x["set"] for x in doc["factors_used"]} == {"cn_ndrc", "cn_mee"}
    assert "ipcc2006" not in {s["name"] for s in doc["factor_sets"]}


def test_ets_grid_factor(tmp_path):
    a, doc = _run(tmp_path, GUANGDONG[:1], standard="gbt32150", grid_factor="ets")
    assert a.results["co2e_kg"].iloc[0] == pytest.approx(1_205_000 * 0.5703, rel=1e-12)
    assert doc["standard"]["grid_factor"] == "ets"


def test_heat_exports_and_default_region(tmp_path):
    rows = [
        ["外购电力", "电网", 120.5, "万千瓦时", "广东", *Y],
        ["外购热力", "", 5000, "GJ", "广东", *Y],
        ["输出电力", "", 10, "万度", "广东", *Y],
        ["输出热力", "", 1000, "吉焦", "广东", *Y],
        ["外购电力", "电网", 1000, "kWh", "", *Y],  # no region: national 2022 factor
    ]
    a, doc = _run(tmp_path, rows, standard="gbt32150")
    r = a.results
    assert list(r["status"]) == ["assessed"] * 5
    assert list(r["activity"])[2:4] == ["exported_electricity", "exported_heat"]
    parts = doc["standard"]["breakdown_kgco2e"]
    assert parts["purchased_heat"] == pytest.approx(5000 * 110)
    assert parts["exported_electricity"] == pytest.approx(-100_000 * 0.4403)
    assert parts["exported_heat"] == pytest.approx(-1000 * 110)
    assert parts["purchased_electricity"] == pytest.approx(1_205_000 * 0.4403 + 1000 * 0.5366)
    assert parts["total"] == pytest.approx(
        1_205_000 * 0.4403 + 1000 * 0.5366 + 5000 * 110 - 100_000 * 0.4403 - 1000 * 110)
    # Scope 2 keeps purchased energy only; the deduction is the standard's own
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(
        1_205_000 * 0.4403 + 1000 * 0.5366 + 5000 * 110)
    assert r["region"].iloc[4] == "CN"
    assert "region-assumed" in {f.code for f in a.findings}


def test_standard_from_config_and_cli(tmp_path):
    _sheet(tmp_path / "gd.xlsx", HEADER, GUANGDONG)
    (tmp_path / "carbonaudit.toml").write_text(
        '[assessment]\nstandard = "gbt32150"\ninputs = ["gd.xlsx"]\n', encoding="utf-8")
    res = runner.invoke(app, ["assess", "-c", str(tmp_path / "carbonaudit.toml"),
                              "-o", str(tmp_path / "out"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "out" / "inventory.json").read_text("utf-8"))
    assert doc["standard"]["name"] == "gbt32150"
    res = runner.invoke(app, ["assess", str(tmp_path / "gd.xlsx"), "--standard", "gb32150",
                              "-o", str(tmp_path / "o2")])
    assert res.exit_code == 2
    res = runner.invoke(app, ["assess", str(tmp_path / "gd.xlsx"), "--standard",
                              "ghg-protocol", "-o", str(tmp_path / "o3"), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "o3" / "inventory.json").read_text("utf-8"))
    assert doc["standard"]["name"] == "ghg-protocol" and doc["rows"]["rejected"] == 0


# ----------------------------------------------------------------- Hong Kong

HK_HEADER = ["類別", "項目", "數量", "單位", "供應商", "開始日期", "結束日期", "地點"]
HY = ["2024-01-01", "2024-12-31"]
HK_ROWS = [
    ["電力", "", 18500, "度", "中電", *HY, "觀塘辦公室"],
    ["電力", "", 6200, "度", "港燈", *HY, "灣仔門市"],
    ["煤氣", "", 1200, "單位", "", *HY, "灣仔門市"],
    ["柴油", "", 800, "公升", "", *HY, "觀塘辦公室"],
    ["冷媒", "R-410A", 3.5, "公斤", "", *HY, "觀塘辦公室"],
    ["水", "", 420, "立方米", "", *HY, "觀塘辦公室"],
]
# The user's factor file: what the guidelines' appendix and the utilities give (values
# chosen for the test; the arithmetic below uses the same numbers).
USER = [
    ["my.clp.2024", "purchased_electricity", "grid", "HK-CLP", "kWh", "", "", "", "0.39", "AR5"],
    ["my.hke.2024", "purchased_electricity", "grid", "HK-HKE", "kWh", "", "", "", "0.66", "AR5"],
    ["my.tg.comb", "stationary_combustion", "towngas", "HK", "towngas_unit", "2.55", "0.00004",
     "0.00001", "", ""],
    ["my.tg.prod", "purchased_towngas", "towngas", "HK", "towngas_unit", "", "", "", "0.59",
     "AR5"],
    ["my.diesel", "stationary_combustion", "diesel", "HK", "L", "2.61", "0.0001", "0.00002",
     "", ""],
]
USER_COLS = ["id", "activity", "item", "region", "unit", "co2_fossil", "ch4_fossil", "n2o",
             "co2e_unsplit", "co2e_unsplit_gwp"]


def _user_factors(path: Path, rows=USER) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*USER_COLS, "source", "status"])
        for r in rows:
            w.writerow([*r, "test figures", "unverified"])
    return path


def test_hk_sheet_under_hk_epd_fully_assessed(tmp_path):
    sheet = _sheet(tmp_path / "hk.xlsx", HK_HEADER, HK_ROWS)
    factors = _user_factors(tmp_path / "f.csv")
    a = assess([str(sheet)], Config(standard="hk-epd"), AssessOptions(factor_files=(factors,)))
    r = a.results
    assert list(r["status"]) == ["assessed"] * 6
    assert list(r["region"])[:3] == ["HK-CLP", "HK-HKE", "HK"]
    kg = list(r["co2e_kg"])
    ch4, n2o = 29.8, 273  # AR6 fossil CH4 and N2O
    assert kg[0] == pytest.approx(18500 * 0.39)
    assert kg[1] == pytest.approx(6200 * 0.66)
    assert kg[2] == pytest.approx(1200 * (2.55 + 0.00004 * ch4 + 0.00001 * n2o))
    assert kg[3] == pytest.approx(800 * (2.61 + 0.0001 * ch4 + 0.00002 * n2o))
    assert kg[4] == pytest.approx(3.5 * (0.5 * 771 + 0.5 * 3740))  # R-410A, AR6 GWPs
    # fresh water: 420 m3 x 0.612 kWh/m3 (WSD) x 0.7 kg/kWh (territory-wide default)
    assert kg[5] == pytest.approx(420 * 0.612 * 0.7)
    doc = build_document(a)
    std = doc["standard"]
    assert std["name"] == "hk-epd"
    assert std["scope_2_kgco2e"]["towngas_production"] == pytest.approx(1200 * 0.59)
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(
        18500 * 0.39 + 6200 * 0.66 + 1200 * 0.59)
    assert not [f for f in a.findings if f.severity == "error"]


def test_hk_epd_names_missing_guideline_factors(tmp_path):
    sheet = _sheet(tmp_path / "hk.xlsx", HK_HEADER, HK_ROWS[2:4])
    factors = _user_factors(tmp_path / "f.csv", USER[2:3])  # Towngas combustion only
    a = assess([str(sheet)], Config(standard="hk-epd"), AssessOptions(factor_files=(factors,)))
    missing = [f for f in a.findings if f.code == "hk-epd-factor-missing"]
    texts = " | ".join(f.message for f in missing)
    assert "hk_epd.towngas.production" in texts  # Scope 2 part of Towngas
    assert "hk_epd.diesel.stationary" in texts  # the diesel row's factor
    assert list(a.results["status"]) == ["assessed", "rejected"]


def test_hk_epd_factor_template_reads_back(tmp_path):
    from python_calamine import CalamineWorkbook

    from carbonaudit.factors.library import check_user_rows

    out = tmp_path / "hkf.xlsx"
    res = runner.invoke(app, ["template", "factors", "--standard", "hk-epd", "-o", str(out)])
    assert res.exit_code == 0, res.output
    raw = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Factors").to_python()
    ids = [row[0] for row in raw[1:]]
    assert "hk_epd.towngas.production" in ids and "hk_epd.grid.clp" in ids
    # unfilled, every row asks for its numbers; filled, the reader accepts it
    _, found = check_user_rows(raw, str(out), "Factors")
    assert {f.code for f in found} == {"empty-factor"}
    col = raw[0].index("co2_fossil")
    filled = [raw[0]] + [[*row[:col], 1.0, *row[col + 1:]] for row in raw[1:]]
    df, found = check_user_rows(filled, str(out), "Factors")
    assert not [f for f in found if f.severity == "error"] and len(df) == len(ids)


def test_shipped_samples_assess_whole(tmp_path):
    import sys

    samples = Path(__file__).resolve().parent.parent / "samples"
    sys.path.insert(0, str(samples))
    try:
        import make_china_hk
    finally:
        sys.path.remove(str(samples))
    gd, hk, factors = make_china_hk.main(["--out", str(tmp_path)])
    for shipped in (gd, hk, factors):  # the committed files are this script's output
        assert (samples / "china_hk" / shipped.name).read_bytes() == shipped.read_bytes()
    for standard in ("gbt32150", "ghg-protocol"):
        a = assess([str(gd)], Config(standard=standard))
        assert list(a.results["status"]) == ["assessed"] * 6, standard
    doc = build_document(assess([str(gd)], Config(standard="gbt32150")))
    steam = 5000 * 110  # 5000 GJ x 0.11 t/GJ
    combustion = (82_000 + 15_000) * GAS + 350 * COAL + 12 * DIESEL
    assert doc["standard"]["breakdown_kgco2e"]["total"] == pytest.approx(
        combustion + 1_205_000 * 0.4403 + steam, rel=1e-9)
    a = assess([str(hk)], Config(standard="hk-epd"), AssessOptions(factor_files=(factors,)))
    assert list(a.results["status"]) == ["assessed"] * 8
