"""assess() end to end on real CSV/xlsx files, numbers checked by independent arithmetic.

Expected values are computed here from published figures (IPCC 2006 defaults, IPCC GWP
tables as quoted in DOMAIN.md section 5, HK Electric's published kg CO2e/kWh), never from
the engine's own output.
"""

import datetime as dt

import pytest

from carbonaudit.inventory.document import build_document
from carbonaudit.inventory.engine import AssessOptions, assess
from carbonaudit.project import Config
from carbonaudit.schemas import validate_document

HEADER = "activity,item,quantity,unit,site,period_start,period_end,region,sector,factor_id," \
         "supplier_factor,supplier_factor_unit,reference\n"

# IPCC 2006 Vol.2: natural gas 56,100 kg CO2/TJ; manufacturing CH4 1, N2O 0.1 kg/TJ;
# gas/diesel oil 74,100 kg CO2/TJ, CH4 3, N2O 0.6 (manufacturing); NCV diesel 43.0 GJ/t.
GWP = {  # DOMAIN.md section 5 table
    "AR4": {"CH4": 25, "N2O": 298, "R410A": 2087.5, "R404A": 3921.6, "R407C": 1773.85},
    "AR5": {"CH4": 28, "N2O": 265, "R410A": 1923.5, "R404A": 3942.8, "R407C": 1624.21},
    "AR6": {"CH4_fossil": 29.8, "N2O": 273, "R410A": 2255.5, "R404A": 4728.0,
            "R407C": 1907.93},
}


def run(tmp_path, body: str, *, gwp="AR6", config=None, name="activity.csv", **opts):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    cfg = config or Config(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    result = assess([str(path)], cfg, AssessOptions(gwp=gwp, **opts))
    return result, build_document(result)


def codes(result):
    return sorted({f.code for f in result.findings})


@pytest.mark.parametrize("gwp", ["AR4", "AR5", "AR6"])
def test_natural_gas_per_tj_with_each_gwp_set(tmp_path, gwp):
    result, doc = run(tmp_path, "stationary_combustion,natural_gas,2,TJ,F,2025-01-01,"
                                "2025-01-31,,,,,,\n", gwp=gwp)
    ch4 = GWP[gwp].get("CH4_fossil", GWP[gwp].get("CH4"))
    expected = 2 * (56100 + 1 * ch4 + 0.1 * GWP[gwp]["N2O"])
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(expected, rel=1e-12)
    row = result.results.iloc[0]
    assert row["co2_fossil_kg"] == pytest.approx(112200)
    assert row["ch4_fossil_kg"] == pytest.approx(2.0)
    assert row["factor_id_used"] == "ipcc2006.sc.natural_gas.tj"
    assert validate_document(doc, "inventory") == []


def test_sector_selects_commercial_defaults(tmp_path):
    # IPCC commercial/institutional natural gas: CH4 5 kg/TJ (Table 2.4)
    result, doc = run(tmp_path, "stationary_combustion,natural_gas,1,TJ,Office,2025-03-01,,,"
                                "commercial,,,,\n")
    assert result.results.iloc[0]["ch4_fossil_kg"] == pytest.approx(5.0)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(56100 + 5 * 29.8 + 0.1 * 273)


def test_tonnes_of_diesel_bridge_through_ncv(tmp_path):
    result, doc = run(tmp_path, "stationary_combustion,diesel,10,t,F,2025-02-01,,,,,,,\n")
    tj = 10 * 43.0 / 1000  # t x GJ/t -> TJ
    expected = tj * (74100 + 3 * 29.8 + 0.6 * 273)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(expected, rel=1e-12)
    row = result.results.iloc[0]
    assert row["converted_quantity"] == pytest.approx(tj)
    assert "ipcc2006.ncv.diesel" in row["properties_used"]


def test_litres_of_diesel_bridge_through_density_and_ncv(tmp_path):
    result, doc = run(tmp_path, "stationary_combustion,diesel,1000,L,F,2025-02-01,,,,,,,\n")
    density = 0.8425  # kg/L, DUKES 2005 Annex A (1,187 L per tonne), see fuel_properties.csv
    tj = 1000 * density / 1000 * 43.0 / 1000
    assert result.results.iloc[0]["converted_quantity"] == pytest.approx(tj, rel=1e-12)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(
        tj * (74100 + 3 * 29.8 + 0.6 * 273), rel=1e-12)
    used = result.results.iloc[0]["properties_used"].split(";")
    assert sorted(used) == ["dukes2005.density.diesel", "ipcc2006.ncv.diesel"]


def test_us_and_uk_gallons_differ_by_their_definitions(tmp_path):
    result, _ = run(tmp_path, "stationary_combustion,diesel,1,gal,F,2025-02-01,,,,,,,\n"
                              "stationary_combustion,diesel,1,UK_gal,F,2025-02-01,,,,,,,\n")
    us, uk = result.results["converted_quantity"]
    assert uk / us == pytest.approx(4.54609 / 3.785411784, rel=1e-12)


def test_scope2_dual_reporting(tmp_path):
    # HK Electric 2019: 0.81 kg CO2e per kWh sold (sustainability report KPI)
    body = ("purchased_electricity,grid,10000,kWh,Office,2019-01-01,2019-01-31,HK-HKE,,,,,\n"
            "purchased_electricity,grid,2,MWh,Office,2019-02-01,2019-02-28,HK-HKE,,,0.5,"
            "kgCO2e/kWh,\n")
    cfg = Config(period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31))
    result, doc = run(tmp_path, body, config=cfg)
    location = 10000 * 0.81 + 2000 * 0.81
    market = 10000 * 0.81 + 2000 * 0.5
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(location)
    assert doc["totals_kgco2e"]["scope_2_market"] == pytest.approx(market)
    assert doc["scope_2"]["rows_with_contractual_factor"] == 1
    assert doc["scope_2"]["rows_using_grid_average_for_market"] == 1
    assert list(result.results["market_basis"]) == [
        "grid average (no contractual instrument given)", "supplier-specific"]
    assert doc["by_iso_category"] == [{"category": 2,
                                       "label": "Indirect GHG emissions from imported energy",
                                       "kgco2e": pytest.approx(location)}]
    # each month both ways, in calendar order
    assert doc["by_month"] == [
        {"month": "2019-01", "kgco2e_location": pytest.approx(10000 * 0.81),
         "kgco2e_market": pytest.approx(10000 * 0.81)},
        {"month": "2019-02", "kgco2e_location": pytest.approx(2000 * 0.81),
         "kgco2e_market": pytest.approx(2000 * 0.5)}]


@pytest.mark.parametrize("gwp", ["AR4", "AR5", "AR6"])
@pytest.mark.parametrize("blend", ["R410A", "R404A", "R407C"])
def test_refrigerant_blends(tmp_path, gwp, blend):
    result, doc = run(tmp_path, f"fugitive,{blend.lower()},12.5,kg,F,2025-05-01,,,,,,,\n",
                      gwp=gwp)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(12.5 * GWP[gwp][blend], rel=1e-9)
    assert doc["by_gas"]["hfc_kg"] == pytest.approx(12.5)


def test_vintage_older_than_row_year_is_a_warning_not_a_guess(tmp_path):
    result, doc = run(tmp_path, "purchased_electricity,grid,100,kWh,O,2025-01-01,,HK-HKE,,,,,\n")
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(100 * 0.81)
    assert "factor-vintage-older" in codes(result)


def test_scope3_and_iso_classification(tmp_path):
    body = ("business_travel,air_long_haul_economy_rf,1000,passenger_km,HQ,2025-06-01,,GB,,,,,\n"
            "purchased_electricity,grid,100,kWh,O,2019-06-01,,HK-HKE,,,,,\n")
    result, doc = run(tmp_path, body, config=Config())
    cats = {c["category"]: c for c in doc["by_scope3_category"]}
    assert list(cats) == [6]
    assert doc["by_iso_category"][-1]["category"] == 3
    assert result.results.iloc[1]["scope"] == 2


def test_row_override_of_scope_category(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("activity,item,quantity,unit,period_start,region,scope3_category\n"
                    "upstream_transport,hgv_diesel,100,tonne_km,2025-01-01,GB,9\n",
                    encoding="utf-8")
    result = assess([str(path)], Config(), AssessOptions())
    assert result.results.iloc[0]["scope3_category"] == 9
    assert result.results.iloc[0]["iso_category"] == 3


def test_row_accounting_on_mixed_file(tmp_path):
    body = ("stationary_combustion,natural_gas,1,TJ,F,2025-01-01,,,,,,,\n"
            "stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,,,,,,,\n"
            "stationary_combustion,natural_gas,1,furlong,F,2025-01-01,,,,,,,\n"
            ",,,,,,,,,,,,\n"
            "purchased_electricity,grid,-5,kWh,F,2025-01-01,,HK-HKE,,,,,\n"
            "purchased_electricity,grid,5,L,F,2025-01-01,,HK-HKE,,,,,\n"
            "stationary_combustion,unobtainium,1,t,F,2025-01-01,,,,,,,\n"
            "stationary_combustion,natural_gas,1,TJ,F,2025-01-01,,,,,,,\n")
    result, doc = run(tmp_path, body)
    rows = doc["rows"]
    assert rows == {"read": 7, "assessed": 2, "rejected": 5, "blank_skipped": 1}
    assert rows["read"] == rows["assessed"] + rows["rejected"]
    found = {(f.code, f.location.cell) for f in result.findings}
    assert ("not-a-number", "C3") in found
    assert ("unknown-unit", "D4") in found
    assert ("negative-quantity", "C6") in found
    assert ("unit-mismatch", "D7") in found
    assert ("no-factor", "B8") in found
    assert ("duplicate-row", "C9") in found
    assert list(result.results["status"]) == [
        "assessed", "rejected", "rejected", "rejected", "rejected", "rejected", "assessed"]


def test_no_factor_lists_nearest_candidates(tmp_path):
    result, _ = run(tmp_path, "stationary_combustion,natral_gas,1,TJ,F,2025-01-01,,,,,,,\n")
    msg = next(f.message for f in result.findings if f.code == "no-factor")
    assert "natural_gas" in msg


def test_missing_required_column_is_one_finding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("activity,item,unit\nstationary_combustion,diesel,L\n"
                    "stationary_combustion,diesel,L\n", encoding="utf-8")
    result = assess([str(path)], Config(), AssessOptions())
    missing = [f for f in result.findings if f.code == "missing-column"]
    assert len(missing) == 1
    assert (result.results["status"] == "rejected").all()


def test_period_outside_reporting_period_warns(tmp_path):
    result, doc = run(tmp_path, "stationary_combustion,natural_gas,1,TJ,F,2024-12-01,"
                                "2024-12-31,,,,,,\n")
    assert "period-outside-reporting" in codes(result)
    assert doc["rows"]["assessed"] == 1


def test_pinned_factor_id_and_unknown_id(tmp_path):
    body = ("purchased_electricity,grid,100,kWh,O,2019-01-01,,,,hk.hkelectric.2019,,,\n"
            "purchased_electricity,grid,100,kWh,O,2019-01-01,,,,hk.nothing.2019,,,\n")
    cfg = Config(period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31))
    result, doc = run(tmp_path, body, config=cfg)
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(81.0)
    assert "unknown-factor-id" in codes(result)


def test_user_factor_overrides_shipped_by_id(tmp_path):
    user = tmp_path / "mine.csv"
    user.write_text("id,activity,item,region,unit,co2_fossil,source,status\n"
                    "hk.hkelectric.2019,purchased_electricity,grid,HK-HKE,kWh,0.7,"
                    "Supplier letter 2019,verified\n", encoding="utf-8")
    cfg = Config(period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31),
                 extra_factors=(user,))
    result, doc = run(tmp_path, "purchased_electricity,grid,100,kWh,O,2019-01-01,,HK-HKE,,,"
                                ",,\n", config=cfg)
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(70.0)
    assert result.results.iloc[0]["factor_set"] == "user:mine.csv"


def test_determinism_byte_identical_outputs(tmp_path):
    from carbonaudit.outputs import write_assessment

    body = ("stationary_combustion,natural_gas,1,TJ,F,2025-01-01,,,,,,,\n"
            "fugitive,r410a,3,kg,F,2025-02-01,,,,,,,\n"
            "stationary_combustion,natural_gas,x,TJ,F,2025-01-01,,,,,,,\n")
    outs = []
    for n in (1, 2):
        result, doc = run(tmp_path, body)
        written = write_assessment(result, doc, tmp_path / f"out{n}")
        outs.append({k: p.read_bytes() for k, p in written.items()})
    assert outs[0] == outs[1]


def test_number_cells_strict_parsing(tmp_path):
    body = ('stationary_combustion,natural_gas,,TJ,F,2025-01-01,,,,,,,\n'
            'stationary_combustion,natural_gas,"1,5",TJ,F,2025-01-02,,,,,,,\n'
            'stationary_combustion,natural_gas,"1,000.5 GJ",GJ,F,2025-01-03,,,,,,,\n'
            'stationary_combustion,natural_gas,"2 GJ",TJ,F,2025-01-04,,,,,,,\n')
    result, doc = run(tmp_path, body)
    found = {(f.code, f.location.cell) for f in result.findings}
    assert {("missing-quantity", "C2"), ("ambiguous-number", "C3"),
            ("unit-conflict", "C5")} <= found
    assert doc["rows"]["assessed"] == 1
    assert result.results.iloc[2]["converted_quantity"] == pytest.approx(1.0005)


def test_decimal_comma_only_when_declared(tmp_path):
    body = 'stationary_combustion,natural_gas,"1.234,5",GJ,F,2025-01-01,,,,,,,\n'
    result, _ = run(tmp_path, body)
    assert "ambiguous-number" in codes(result)
    result, doc = run(tmp_path, body, decimal_comma=True)
    assert result.results.iloc[0]["converted_quantity"] == pytest.approx(1.2345)


def test_gb18030_csv_with_chinese_headers_end_to_end(tmp_path):
    path = tmp_path / "zh.csv"
    text = ("活动,项目,数量,单位,地点,开始日期\n"
            "固定燃烧,天然气,2,TJ,东莞工厂,2025-01-01\n"
            "外购电力,电网,1000,千瓦时,东莞工厂,2025-01-01\n")
    path.write_bytes(text.encode("gb18030"))
    cfg = Config()
    result = assess([str(path)], cfg, AssessOptions())
    doc = build_document(result)
    # natural gas: 2 TJ x IPCC manufacturing defaults; electricity has no region -> no-factor
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(2 * (56100 + 29.8 + 27.3))
    assert "no-factor" in codes(result)
    assert doc["inputs"][0]["encoding"] == "gb18030"
    assert doc["by_site"][0]["site"] == "东莞工厂"


def test_workbook_with_title_rows_and_several_sheets(tmp_path):
    import xlsxwriter

    path = tmp_path / "wb.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("Notes")
    notes.write(0, 0, "Read me first")
    fuel = wb.add_worksheet("Fuel")
    fuel.write_row(0, 0, ["Acme Ltd fuel log 2025"])
    fuel.write_row(1, 0, ["Prepared by finance"])
    fuel.write_row(3, 0, ["activity", "item", "quantity", "unit", "year"])
    fuel.write_row(4, 0, ["stationary_combustion", "natural_gas", 1, "TJ", 2025])
    elec = wb.add_worksheet("Power")
    elec.write_row(0, 0, ["活動", "項目", "數量", "單位", "地區", "年份"])
    elec.write_row(1, 0, ["purchased_electricity", "grid", 1000, "kWh", "HK-HKE", 2019])
    elec.write_row(2, 0, ["purchased_electricity", "grid", "abc", "kWh", "HK-HKE", 2019])
    wb.close()
    result = assess([str(path)], Config(), AssessOptions())
    doc = build_document(result)
    assert doc["rows"] == {"read": 3, "assessed": 2, "rejected": 1, "blank_skipped": 0}
    assert doc["totals_kgco2e"]["scope_2_location"] == pytest.approx(810.0)
    bad = [f for f in result.findings if f.code == "not-a-number"][0]
    assert (bad.location.sheet, bad.location.cell) == ("Power", "C3")
    assert list(result.results["_row"]) == [5, 2, 3]


def test_formula_like_text_is_neutralised_in_results_csv(tmp_path):
    import csv

    from carbonaudit.outputs import write_assessment

    body = 'stationary_combustion,natural_gas,1,TJ,"=HYPERLINK(""http://x"")",2025-01-01,,,,,,,' \
           '@SUM(A1)\n'
    result, doc = run(tmp_path, body)
    written = write_assessment(result, doc, tmp_path / "o")
    with open(written["results"], encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh))
    assert row["site"] == "'=HYPERLINK(\"http://x\")"
    assert row["reference"] == "'@SUM(A1)"
    assert row["quantity_as_given"] == "1"


def test_biogenic_co2_is_reported_outside_the_scopes(tmp_path):
    # IPCC 2006 wood: 112,000 kg CO2/TJ and CH4 30 kg/TJ (Vol.2 Tab.2.3); NCV 15.6 GJ/t.
    # Per tonne: CO2 1,747.2 kg (biogenic) and CH4 0.468 kg (non-fossil, AR6 GWP 27.0).
    user = tmp_path / "wood.csv"
    user.write_text("id,activity,item,unit,co2_biogenic,ch4_nonfossil,source,status\n"
                    "my.wood,stationary_combustion,wood_pellets,t,1747.2,0.468,"
                    "IPCC 2006 Vol.2 Tab.2.3 with NCV 15.6,derived\n", encoding="utf-8")
    cfg = Config(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
                 extra_factors=(user,))
    _, doc = run(tmp_path, "stationary_combustion,wood_pellets,10,t,F,2025-01-01,,,,,,,\n",
                 config=cfg)
    assert doc["totals_kgco2e"]["biogenic_co2_outside_scopes"] == pytest.approx(17472.0)
    assert doc["totals_kgco2e"]["scope_1"] == pytest.approx(10 * 0.468 * 27.0)
