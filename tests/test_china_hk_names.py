"""Units, names and regions as Mainland and Hong Kong sheets write them (issue 11, part 1).

Conversions are checked against the definitions (万 = 10^4, GB/T 2589: 1 tce = 29.3076 GJ,
1 toe = 41.868 GJ, Towngas unit = 48 MJ); the Guangdong file's emissions against arithmetic
from the IPCC 2006 defaults, the NDRC natural-gas heating value and the MEE 2022 factor.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from carbonaudit.factors.regions import region_code, utility_region
from carbonaudit.factors.units import conversion_factor, display_unit, normalise_unit, unit_hint
from carbonaudit.ingest.columns import match_header
from carbonaudit.inventory.engine import assess
from carbonaudit.project import Config


@pytest.mark.parametrize(("spelling", "target", "factor"), [
    ("万千瓦时", "kWh", 1e4), ("萬千瓦時", "kWh", 1e4), ("万度", "kWh", 1e4), ("度", "kWh", 1),
    ("万立方米", "m**3", 1e4), ("万标准立方米", "Nm3", 1e4), ("万Nm3", "Nm3", 1e4),
    ("万Nm³", "Nm3", 1e4), ("万吨", "t", 1e4), ("千吨", "t", 1e3), ("kt", "t", 1e3), ("噸", "t", 1),
    ("吨标准煤", "GJ", 29.3076), ("tce", "GJ", 29.3076), ("kgce", "MJ", 29.3076),
    ("万吨标准煤", "GJ", 293076), ("吨油当量", "GJ", 41.868), ("升", "L", 1), ("公升", "L", 1),
])
def test_chinese_units(spelling, target, factor):
    expr = normalise_unit(spelling)
    assert expr is not None, spelling
    assert conversion_factor(expr, target) == pytest.approx(factor, rel=1e-12)


def test_units_are_shown_as_written_and_near_misses_suggested():
    assert display_unit("m**3") == "m³"
    assert display_unit("wan_kWh") == "万kWh"
    assert unit_hint("ltr") == "did you mean L?"
    assert unit_hint("kwhr") == "did you mean kWh?"
    assert "did you mean" not in unit_hint("furlong")


@pytest.mark.parametrize(("name", "code"), [
    ("广东", "CN-GD"), ("广东省", "CN-GD"), ("廣東", "CN-GD"), ("Guangdong", "CN-GD"),
    ("东莞", "CN-GD"), ("深圳市", "CN-GD"), ("香港", "HK"), ("中電", "HK-CLP"), ("中电", "HK-CLP"),
    ("CLP", "HK-CLP"), ("港燈", "HK-HKE"), ("港灯", "HK-HKE"), ("内蒙古自治区", "CN-NM"),
    ("南方电网", "CN-SOUTH"), ("全国", "CN"), ("gb", "GB"), ("CN-GD", "CN-GD"),
])
def test_region_names(name, code):
    assert region_code(name) == code


def test_suppliers_name_grids():
    assert utility_region("中電") == "HK-CLP"
    assert utility_region("HK Electric") == "HK-HKE"
    assert utility_region("广东电网") == "CN-GD"
    assert utility_region("某某物业") is None


def test_headers():
    for text, column in (("類別", "activity"), ("类别", "activity"), ("供應商", "supplier"),
                         ("供应商", "supplier"), ("Supplier", "supplier")):
        assert match_header(text) == column


def _sheet(path: Path, header: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "能源消耗"
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GUANGDONG = [  # the five rows of a Guangdong factory, 2022
    ["外购电力", "电网", 120.5, "万千瓦时", "广东", "2022-01-01", "2022-12-31", "东莞工厂"],
    ["固定燃烧", "天然气", 8.2, "万立方米", "广东省", "2022-01-01", "2022-12-31", "东莞工厂"],
    ["固定燃烧", "天然气", 15000, "立方米", "廣東", "2022-01-01", "2022-12-31", "东莞工厂"],
    ["固定燃烧", "烟煤", 350, "吨", "广东", "2022-01-01", "2022-12-31", "东莞工厂"],
    ["移动燃烧", "柴油", 12, "吨", "广东", "2022-01-01", "2022-12-31", "东莞工厂"],
]
HEADER_CN = ["类别", "项目", "数量", "单位", "地区", "开始日期", "结束日期", "厂区"]


def _results(out_rows) -> list[dict]:
    return out_rows.to_dict("records")


def test_guangdong_file_under_ghg_protocol_no_row_rejected(tmp_path):
    path = _sheet(tmp_path / "gd.xlsx", HEADER_CN, GUANGDONG)
    a = assess([str(path)], Config.default())
    rows = a.results
    assert list(rows["status"]) == ["assessed"] * 5
    assert list(rows["region"]) == ["CN-GD"] * 5
    co2e = list(rows["co2e_kg"])
    # electricity: 120.5 x 10^4 kWh x 0.4403 kg CO2/kWh (MEE/NBS 2022, Guangdong)
    assert co2e[0] == pytest.approx(1_205_000 * 0.4403, rel=1e-12)
    # natural gas: Nm3 x 38.931 MJ/Nm3 (NDRC 389.31 GJ/10^4 Nm3) x IPCC manufacturing
    # defaults per TJ: CO2 56 100 kg, CH4 1 kg (AR6 fossil 29.8), N2O 0.1 kg (AR6 273)
    per_tj = 56_100 + 1 * 29.8 + 0.1 * 273
    assert co2e[1] == pytest.approx(82_000 * 38.931e-6 * per_tj, rel=1e-9)
    assert co2e[2] == pytest.approx(15_000 * 38.931e-6 * per_tj, rel=1e-9)
    # bituminous coal: 350 t x 25.8 GJ/t x (94 600 + 10 x 29.8 + 1.5 x 273) kg/TJ
    assert co2e[3] == pytest.approx(350 * 25.8e-3 * (94_600 + 10 * 29.8 + 1.5 * 273), rel=1e-9)
    codes = {f.code for f in a.findings}
    assert "gas-volume-reference" in codes  # m³ read as Nm³, disclosed
    assert "unknown-unit" not in codes and "no-factor" not in codes


def _hk_rows(tmp_path, rows, header=("類別", "項目", "數量", "單位", "供應商", "日期")):
    return _sheet(tmp_path / "hk.xlsx", list(header), rows)


def test_fuel_named_as_activity_and_supplier_region(tmp_path):
    path = _hk_rows(tmp_path, [
        ["電力", "", 1000, "度", "中電", "2024-01-01"],
        ["柴油", "", 200, "公升", "", "2024-01-01"],
        ["煤氣", "", 300, "單位", "", "2024-01-01"],
    ])
    a = assess([str(path)], Config.default())
    r = a.results
    assert list(r["activity"]) == ["purchased_electricity", "stationary_combustion",
                                   "stationary_combustion"]
    assert list(r["item"]) == ["grid", "diesel", "towngas"]
    assert r["region"].iloc[0] == "HK-CLP"
    assert r["unit_expr"].iloc[2] == "towngas_unit"
    codes = [f.code for f in a.findings]
    assert "region-from-supplier" in codes and "activity-names-item" in codes
    assert "towngas-units" in codes and "unknown-unit" not in codes


def test_unknown_unit_suggests(tmp_path):
    path = _hk_rows(tmp_path, [["柴油", "", 200, "ltr", "", "2024-01-01"]])
    a = assess([str(path)], Config.default())
    bad = [f for f in a.findings if f.code == "unknown-unit"]
    assert bad and "did you mean L?" in bad[0].message
    assert bad[0].location.cell == "D2"


def test_results_csv_keeps_units_as_written(tmp_path):
    from carbonaudit.inventory.document import build_document
    from carbonaudit.outputs import write_assessment

    path = _sheet(tmp_path / "gd.xlsx", HEADER_CN, GUANGDONG[:1])
    a = assess([str(path)], Config.default())
    write_assessment(a, build_document(a), tmp_path / "out")
    with open(tmp_path / "out" / "results.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["unit_as_given"] == "万千瓦时"
    assert row["conversion"] == "万kWh -> kWh x10000"


def test_heating_value_bridges_only_to_its_basis(tmp_path):
    # The NDRC heating value is net (NCV); DESNZ's natural-gas factor is per kWh gross (GCV):
    # a GB row in Nm³ must not be converted with the net value.
    path = _sheet(tmp_path / "gb.xlsx", ["activity", "item", "quantity", "unit", "region"],
                  [["stationary_combustion", "natural_gas", 1000, "Nm3", "GB"]])
    a = assess([str(path)], Config(factor_sets=("uk_desnz",)))
    row = a.results.iloc[0]
    assert "cn.ndrc.ncv.natural_gas_nm3" not in str(row["properties_used"])
    if row["status"] == "assessed":  # through a gross heating value, never the net one
        assert "gcv" in str(row["conversion"]).lower()
