"""PACT export: inventory allocation and CBAM conversion checked against arithmetic written
here, findings at sheet cells for what is missing, determinism, and round trips through the
validator (hand-built CBAM communication and the Harbour Metals sample)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carbonaudit.pact.export import export_footprints
from carbonaudit.pact.products import products_from_records, read_products
from carbonaudit.pact.validate import validate_footprints

FIXTURES = Path(__file__).parent / "fixtures" / "pact"
ROOT = Path(__file__).resolve().parents[1]

INVENTORY = {
    "document_type": "carbonaudit.inventory",
    "gwp_set": "AR6",
    "organisation": {"name": "Test Metals Ltd", "consolidation_approach": "operational_control"},
    "period": {"start": "2025-01-01", "end": "2025-12-31", "source": "configuration"},
    "totals_kgco2e": {"scope_1": 1100.0, "scope_2_location": 5200.0, "scope_2_market": 3100.0,
                      "scope_3": 6000.0, "biogenic_co2_outside_scopes": 0.0},
    "by_gas": {"co2_fossil_kg": 9000.0, "co2_biogenic_kg": 0.0, "ch4_nonfossil_kg": 0.0},
    "by_site": [
        {"site": "Plant A", "scope_1": 1000.0, "scope_2_location": 5000.0,
         "scope_2_market": 3000.0, "scope_3": 6000.0, "rows": 10},
        {"site": "Office", "scope_1": 100.0, "scope_2_location": 200.0, "scope_2_market": 100.0,
         "scope_3": 0.0, "rows": 3},
    ],
    "by_scope3_category": [{"category": 1, "label": "Purchased goods and services",
                            "kgco2e": 6000.0}],
    "top_sources": [],
}
BASE = {
    "company_ids": "urn:pact:test.example:company:1",
    "site": "Plant A", "declared_unit": "kilogram", "declared_unit_amount": 1,
    "cross_sectoral_standards": "ISO14067; GHGP-Product",
    "boundary_processes_description": "Cradle to gate.", "exempted_emissions_percent": 0,
    "packaging_included": False, "fossil_carbon_content": 0.0, "biogenic_carbon_content": 0.0,
    "dqi_coverage_pct": 80, "dqr_technological": 2, "dqr_temporal": 1,
    "dqr_geographical": 2, "dqr_completeness": 2, "dqr_reliability": 2,
}


def product(n: int, **extra) -> dict:
    return {"product_id": f"urn:pact:test.example:product:{n}", "product_name": f"Product {n}",
            "product_description": f"Test product {n}", "cpc_code": "41532", **BASE, **extra}


def num(text: str) -> float:
    return float(text)


def cells(found) -> list[tuple[str, str | None]]:
    return [(f.code, f.location.cell) for f in found if str(f.severity) == "error"]


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_economic_allocation_per_declared_unit(spec):
    rows = [product(1, allocation="economic", economic_value=100.0, mass_kg=3000.0),
            product(2, allocation="economic", economic_value=300.0, mass_kg=1000.0,
                    declared_unit_amount=1000)]
    fps, found = export_footprints(INVENTORY, rows, spec)
    assert found == []
    assert validate_footprints(fps) == []
    site_total = 1000.0 + 3000.0 + 6000.0  # scope 1 + scope 2 market + scope 3 of Plant A
    p1 = site_total * (100 / 400) / 3000.0
    p2 = site_total * (300 / 400) / 1000.0 * 1000
    key = "pCfExcludingBiogenic" if spec == "2.3" else "pcfExcludingBiogenicUptake"
    assert num(fps[0]["pcf"][key]) == pytest.approx(p1, rel=1e-9)
    assert num(fps[1]["pcf"][key]) == pytest.approx(p2, rel=1e-9)
    assert num(fps[0]["pcf"]["fossilGhgEmissions"]) == pytest.approx(p1, rel=1e-9)
    share = fps[0]["pcf"]["primaryDataShare"]
    assert float(share) == pytest.approx((1000.0 + 3000.0) / site_total * 100)
    assert fps[0]["companyName"] == "Test Metals Ltd"
    assert fps[0]["pcf"]["referencePeriodStart"] == "2025-01-01T00:00:00Z"
    assert fps[0]["pcf"]["referencePeriodEnd"] == "2026-01-01T00:00:00Z"
    assert fps[0]["specVersion"] == ("2.3.0" if spec == "2.3" else "3.0.0")


def test_mass_allocation_location_based_without_scope3():
    rows = [product(1, allocation="mass", mass_kg=3000.0, scope2_basis="location",
                    include_scope3=False),
            product(2, allocation="mass", mass_kg=1000.0, scope2_basis="location",
                    include_scope3=False)]
    fps, found = export_footprints(INVENTORY, rows, "3.0")
    assert found == []
    expected = (1000.0 + 5000.0) * 0.75 / 3000.0
    assert num(fps[0]["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(expected)
    assert num(fps[0]["pcf"]["pcfIncludingBiogenicUptake"]) == pytest.approx(expected)
    assert fps[0]["pcf"]["primaryDataShare"] == "100"


def test_given_shares_with_pieces_v3():
    rows = [product(1, allocation="share", share_pct=40, declared_unit="piece",
                    production_quantity=2000, product_mass_per_declared_unit=0.5)]
    fps, found = export_footprints(INVENTORY, rows, "3.0")
    assert found == []
    assert num(fps[0]["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(10000 * 0.4 / 2000)
    assert fps[0]["pcf"]["declaredUnitOfMeasurement"] == "piece"
    assert fps[0]["pcf"]["productMassPerDeclaredUnit"] == "0.5"
    assert fps[0]["productClassifications"] == ["urn:pact:productclassification:un-cpc:41532"]


def test_ids_and_created_are_deterministic():
    rows = [product(1, allocation="mass", mass_kg=10.0)]
    first, _ = export_footprints(INVENTORY, rows, "2.3")
    again, _ = export_footprints(copy.deepcopy(INVENTORY), rows, "2.3")
    assert first == again
    ns = uuid.uuid5(uuid.NAMESPACE_URL, "https://carbonaudit.example/pact")
    expected = uuid.uuid5(ns, "urn:pact:test.example:product:1|2025-01-01T00:00:00Z|"
                              "2026-01-01T00:00:00Z|2.3.0")
    assert first[0]["id"] == str(expected)
    assert first[0]["created"] == "2026-01-01T00:00:00Z"
    other, _ = export_footprints(INVENTORY, rows, "3.0")
    assert other[0]["id"] != first[0]["id"]
    stamped, _ = export_footprints(INVENTORY, rows, "2.3", now="2026-03-01T12:00:00Z")
    assert stamped[0]["created"] == "2026-03-01T12:00:00Z"


def test_missing_facts_are_findings_at_cells_never_guesses():
    rows = [product(1, allocation="mass", mass_kg=10.0, fossil_carbon_content=None),
            product(2, allocation="mass", mass_kg=10.0, cross_sectoral_standards=None,
                    product_id="product-2")]
    fps, found = export_footprints(INVENTORY, rows, "2.3")
    assert fps == []
    got = cells(found)
    # products_from_records puts the columns in first-seen order: header row 1, data rows 2+.
    assert ("pact-sheet-missing-value", "M2") in got  # fossil_carbon_content of row 2
    assert ("pact-sheet-missing-value", "I3") in got  # cross_sectoral_standards of row 3
    assert ("pact-sheet-not-a-urn", "A3") in got


def test_v2_from_2025_needs_dqi_in_the_sheet():
    row = product(1, allocation="mass", mass_kg=10.0)
    for k in ("dqi_coverage_pct", "dqr_technological", "dqr_temporal", "dqr_geographical",
              "dqr_completeness", "dqr_reliability"):
        row.pop(k)
    fps, found = export_footprints(INVENTORY, [row], "2.3")
    assert fps == [] and [f.code for f in found] == ["pact-sheet-missing-value"]
    fps, found = export_footprints(INVENTORY, [row], "3.0")  # optional in v3
    assert found == [] and "dqi" not in fps[0]["pcf"]


@pytest.mark.parametrize(("extra", "code"), [
    ({"site": "Plant Z"}, "pact-unknown-site"),
    ({"mass_kg": None}, "pact-sheet-missing-value"),
    ({"mass_kg": -5.0}, "pact-sheet-out-of-range"),
    ({"allocation": "guess"}, "pact-invalid-value"),
    ({"period_end": __import__("datetime").date(2025, 6, 30)}, "pact-period-mismatch"),
    ({"scope2_basis": "residual"}, "pact-invalid-value"),
    ({"geography_country": "CN", "geography_region": "Eastern Asia"},
     "pact-geography-conflict"),
])
def test_bad_sheet_values(extra, code):
    row = product(1, **{"allocation": "mass", "mass_kg": 10.0, **extra})
    fps, found = export_footprints(INVENTORY, [row], "2.3")
    assert fps == []
    assert code in [f.code for f in found]
    assert all(f.location.cell or f.location.pointer for f in found)


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_sheet_with_two_geographies_is_refused_at_the_cell(spec):
    row = product(1, allocation="mass", mass_kg=10.0, geography_country="CN",
                  geography_subdivision="CN-GD")
    fps, found = export_footprints(INVENTORY, [row], spec)
    assert fps == []
    subdivision = products_from_records([row]).columns["geography_subdivision"]
    assert cells(found) == [("pact-geography-conflict", f"{subdivision}2")]


def test_a_product_listed_twice_is_not_exported():
    # Two rows with one product id would give two footprints with the same id.
    rows = [product(1, allocation="mass", mass_kg=10.0), product(2, allocation="mass",
                                                               mass_kg=10.0),
            product(1, allocation="mass", mass_kg=10.0, product_name="Copy")]
    fps, found = export_footprints(INVENTORY, rows, "2.3")
    # Product 2's mass share depends on whether the copy is real: its site stops too.
    assert fps == []
    allocation = products_from_records(rows).columns["allocation"]
    assert cells(found) == [("pact-allocation-incomplete", f"{allocation}3"),
                            ("pact-sheet-duplicate-product", "A4")]
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    rows = cbam_rows()
    fps, found = export_footprints(doc, [*rows, rows[0]], "2.3")  # no allocation in CBAM
    assert [fp["productIds"][0] for fp in fps] == ["urn:pact:test.example:product:2"]
    assert cells(found) == [("pact-sheet-duplicate-product", "A4")]
    assert validate_footprints(fps) == []


def test_header_without_products(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("title\n\nproduct_id,site\n", encoding="utf-8")
    sheet, found = read_products(path)
    fps, more = export_footprints(INVENTORY, sheet, "3.0")
    assert fps == [] and found == []
    assert [(f.code, f.location.cell) for f in more] == [("pact-sheet-no-products", "A3")]


def test_mixed_methods_and_shares_over_100():
    rows = [product(1, allocation="mass", mass_kg=1.0), product(2, allocation="share",
                                                                  share_pct=50)]
    assert [f.code for f in export_footprints(INVENTORY, rows, "3.0")[1]] == [
        "pact-allocation-mixed"]
    rows = [product(1, allocation="share", share_pct=60), product(2, allocation="share",
                                                                    share_pct=50)]
    assert [f.code for f in export_footprints(INVENTORY, rows, "3.0")[1]] == [
        "pact-shares-exceed-100"]


def test_biogenic_emissions_single_site_and_unattributable():
    doc = copy.deepcopy(INVENTORY)
    doc["totals_kgco2e"]["biogenic_co2_outside_scopes"] = 400.0
    rows = [product(1, allocation="mass", mass_kg=1000.0)]
    fps, found = export_footprints(doc, rows, "3.0")
    assert fps == [] and [f.code for f in found] == ["pact-biogenic-unattributable"]
    doc["by_site"] = doc["by_site"][:1]
    fps, found = export_footprints(doc, rows, "3.0")
    assert found == []
    assert num(fps[0]["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(
        (10000.0 + 400.0) / 1000.0)
    assert num(fps[0]["pcf"]["fossilGhgEmissions"]) == pytest.approx(10000.0 / 1000.0)
    fps, _ = export_footprints(doc, rows, "2.3")  # v2 keeps biogenic CO2 out of pCfExcl...
    assert num(fps[0]["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(10.0)
    assert num(fps[0]["pcf"]["pCfIncludingBiogenic"]) == pytest.approx(10.4)


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.pop("by_site"), "/by_site"),
    (lambda d: d.update(by_site="Plant A"), "/by_site"),
    (lambda d: d["by_site"][0].pop("scope_1"), "/by_site/0/scope_1"),
    (lambda d: d["by_site"][1].update(scope_3="6000"), "/by_site/1/scope_3"),
    (lambda d: d.update(gwp_set="SAR"), "/gwp_set"),
    (lambda d: d["by_scope3_category"][0].update(kgco2e=None), "/by_scope3_category/0/kgco2e"),
])
def test_inventory_of_the_wrong_shape_is_a_finding_at_its_pointer(change, where):
    doc = copy.deepcopy(INVENTORY)
    change(doc)
    fps, found = export_footprints(doc, [product(1, allocation="mass", mass_kg=10.0)], "3.0",
                                   source="inv.json")
    assert fps == []
    assert [(f.code, f.location.file, f.location.pointer) for f in found] == [
        ("pact-input-invalid", "inv.json", where)]


def test_cbam_communication_of_the_wrong_shape_is_a_finding_at_its_pointer():
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    doc["products"][1]["see_direct"] = "1.85"
    fps, found = export_footprints(doc, cbam_rows(), "2.3")
    assert fps == []
    assert [(f.code, f.location.pointer) for f in found] == [
        ("pact-input-invalid", "/products/1/see_direct")]


def test_cbam_see_that_could_not_be_computed_is_not_exported_as_zero():
    # COMMUNICATION.md: a number that cannot be computed is null (with a CBAM error).
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    doc["products"][1]["see_indirect"] = None
    fps, found = export_footprints(doc, cbam_rows(), "3.0", source="comm.json")
    assert [fp["productIds"] for fp in fps] == [["urn:pact:test.example:product:1"]]
    assert [(f.code, f.location.file, f.location.pointer) for f in found] == [
        ("pact-cbam-see-unknown", "comm.json", "/products/1/see_indirect")]


def test_unknown_input_document():
    fps, found = export_footprints({"document_type": "something"}, [product(1)], "2.3")
    assert fps == [] and [f.code for f in found] == ["pact-unknown-input"]


# ---------------------------------------------------------------------------------------------
# CBAM round trip


def cbam_rows(**extra) -> list[dict]:
    rows = []
    for n, cn in ((1, "73181558"), (2, "73181900")):
        row = product(n, cn_code=cn, company_name="Harbour Metals Holdings Ltd", **extra)
        for k in ("site", "declared_unit", "declared_unit_amount"):
            row.pop(k)
        rows.append(row)
    return rows


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_cbam_round_trip(spec):
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    fps, found = export_footprints(doc, cbam_rows(), spec)
    assert found == []
    assert validate_footprints({"data": fps}) == []
    key = "pCfExcludingBiogenic" if spec == "2.3" else "pcfExcludingBiogenicUptake"
    # 2.1 t + 0.5 t CO2e per t of bolts = 2.6 kg CO2e per kg (indirect counts in a PCF).
    assert num(fps[0]["pcf"][key]) == pytest.approx(2.1 + 0.5)
    assert num(fps[1]["pcf"][key]) == pytest.approx(1.85 + 0.42)
    # 12.5 % of the 2.1 t direct SEE is from defaults: 0.2625 t of the 2.6 t footprint
    assert float(fps[0]["pcf"]["primaryDataShare"]) == pytest.approx(
        100 * (1 - 0.125 * 2.1 / 2.6), abs=1e-4)
    assert fps[0]["pcf"]["geographyCountry"] == "CN"
    gwp_key = "ipccCharacterizationFactorsSources" if spec == "2.3" else \
        "ipccCharacterizationFactors"
    assert fps[0]["pcf"][gwp_key] == ["AR5"]  # N2O 265 in the communication
    unit = "declaredUnit" if spec == "2.3" else "declaredUnitOfMeasurement"
    assert fps[0]["pcf"][unit] == "kilogram"
    assert fps[0]["pcf"]["referencePeriodEnd"] == "2027-01-01T00:00:00Z"


def test_cbam_product_matching_findings():
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    rows = cbam_rows()
    rows[0]["cn_code"] = "99999999"
    doc["products"][1]["cn_code"] = "73181558"
    rows[1]["cn_code"] = "73181558"
    rows[1]["declared_unit"] = "liter"
    fps, found = export_footprints(doc, rows, "3.0")
    assert fps == []
    assert [f.code for f in found] == ["pact-unknown-cn-code", "pact-ambiguous-cbam-product"]


def test_cbam_biogenic_blocks_v3_only():
    doc = json.loads((FIXTURES / "cbam_communication.json").read_text(encoding="utf-8"))
    doc["totals_t"]["biogenic_co2"] = 12.0
    fps, found = export_footprints(doc, cbam_rows(), "3.0")
    assert fps == [] and {f.code for f in found} == {"pact-biogenic-unattributable"}
    fps, found = export_footprints(doc, cbam_rows(), "2.3")
    assert len(fps) == 2 and {f.code for f in found} == {"pact-biogenic-not-attributed"}
    assert "pCfIncludingBiogenic" not in fps[0]["pcf"]


# ---------------------------------------------------------------------------------------------
# Products sheet and the sample


def test_read_products_reports_cells(tmp_path):
    import xlsxwriter

    path = tmp_path / "p.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Products")
    ws.write_row(0, 0, ["Our products"])
    ws.write_row(2, 0, ["Product ID", "mass_kg", "packaging_included", "period_start", "notes"])
    ws.write_row(3, 0, ["urn:x:1", "1,200.5", "yes", "2025-01-01", "n"])
    ws.write_row(4, 0, ["urn:x:2", "12 kg", "maybe", "2025-13-01"])
    wb.close()
    sheet, found = read_products(path)
    assert sheet.header_row == 3
    assert [r.values["mass_kg"] for r in sheet.rows] == [1200.5, None]
    assert sheet.rows[0].values["packaging_included"] is True
    got = {(f.code, f.location.cell) for f in found}
    assert got == {("pact-sheet-unknown-column", "E3"), ("pact-sheet-not-a-number", "B5"),
                   ("pact-sheet-not-yes-no", "C5"), ("pact-sheet-not-a-date", "D5")}


def test_read_products_without_header(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _, found = read_products(path)
    assert [(f.code, f.location.cell) for f in found] == [("pact-sheet-no-header", "A1")]


def test_sample_products_sheet_is_byte_stable(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_products",
                                                  ROOT / "samples" / "make_products.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.write(tmp_path / "products.xlsx")
    assert out.read_bytes() == (ROOT / "samples" / "harbour_metals" /
                                "products_2025.xlsx").read_bytes()
    out = module.write_cbam(tmp_path / "products_cbam.xlsx")
    assert out.read_bytes() == (ROOT / "samples" / "harbour_metals" /
                                "products_cbam_2026.xlsx").read_bytes()


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_sample_cbam_route_exports_and_validates(tmp_path, spec, monkeypatch):
    from carbonaudit.cli import app

    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    out = tmp_path / "cbam"
    result = runner.invoke(app, ["cbam", "assess", "samples/harbour_metals/installation_2026.xlsx",
                                 "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "footprints.json"
    result = runner.invoke(app, ["pact", "export", "--from", str(out / "cbam-communication.json"),
                                 "--product", "samples/harbour_metals/products_cbam_2026.xlsx",
                                 "--spec", spec, "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    fps = json.loads(target.read_text(encoding="utf-8"))
    assert validate_footprints(fps) == []
    comm = json.loads((out / "cbam-communication.json").read_text(encoding="utf-8"))
    key = "pCfExcludingBiogenic" if spec == "2.3" else "pcfExcludingBiogenicUptake"
    for fp, cn in zip(fps, ("73181558", "76042990"), strict=True):
        p = next(x for x in comm["products"] if x["cn_code"] == cn)
        total = p["see_direct"] + p["see_indirect"]  # t CO2e/t is kg CO2e/kg
        assert float(fp["pcf"][key]) == pytest.approx(total, rel=1e-6)
        defaulted = p["share_default_pct"] / 100 * p["see_direct"]
        assert float(fp["pcf"]["primaryDataShare"]) == pytest.approx(
            100 * (total - defaulted) / total, abs=1e-4)
    assert fps[0]["companyName"] == "Harbour Metals Holdings Ltd"


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_sample_enterprise_exports_and_validates(tmp_path, spec, monkeypatch):
    from carbonaudit.cli import app as main_app
    from carbonaudit.cli.pact import pact_app

    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    out = tmp_path / "assess"
    result = runner.invoke(main_app, ["assess", "--config", "samples/harbour_metals/"
                                      "carbonaudit.toml", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    app = typer.Typer()
    app.add_typer(pact_app, name="pact")
    app.callback()(lambda: None)
    target = tmp_path / "footprints.json"
    result = runner.invoke(app, ["pact", "export", "--from", str(out / "inventory.json"),
                                 "--product", "samples/harbour_metals/products_2025.xlsx",
                                 "--spec", spec, "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["footprints"] == 2
    fps = json.loads(target.read_text(encoding="utf-8"))
    assert validate_footprints(fps) == []
    inventory = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    site = next(s for s in inventory["by_site"] if s["site"] == "Dongguan factory")
    per_kg = (site["scope_1"] + site["scope_2_market"] + site["scope_3"]) / (10_805_000
                                                                              + 1_875_000)
    key = "pCfExcludingBiogenic" if spec == "2.3" else "pcfExcludingBiogenicUptake"
    assert [num(fp["pcf"][key]) for fp in fps] == pytest.approx([per_kg, per_kg], rel=1e-9)


def test_cli_export_reports_findings_and_exit_codes(tmp_path):
    from carbonaudit.cli.pact import pact_app

    app = typer.Typer()
    app.add_typer(pact_app, name="pact")
    app.callback()(lambda: None)
    runner = CliRunner()
    inv = tmp_path / "inventory.json"
    inv.write_text(json.dumps(INVENTORY), encoding="utf-8")
    sheet = tmp_path / "p.csv"
    row = product(1, allocation="mass", mass_kg=10.0, fossil_carbon_content="")
    sheet.write_text(",".join(row) + "\n" + ",".join(str(v) for v in row.values()) + "\n",
                     encoding="utf-8")
    target = tmp_path / "fp.json"
    result = runner.invoke(app, ["pact", "export", "--from", str(inv), "--product", str(sheet),
                                 "-o", str(target), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["footprints"] == 0 and not target.exists()
    assert [f["code"] for f in doc["findings"]] == ["pact-sheet-missing-value"]
    bad = runner.invoke(app, ["pact", "export", "--from", str(inv), "--product", str(sheet),
                              "-o", str(target), "--spec", "2.0"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["pact", "export", "--from", str(tmp_path / "no.json"),
                                  "--product", str(sheet), "-o", str(target)])
    assert missing.exit_code == 3


def test_an_output_path_under_a_file_is_exit_3_in_one_line(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.chdir(ROOT)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "carbonaudit", "pact", "export", "--from",
                          str(ROOT / "tests/fixtures/reports/cbam_communication.json"),
                          "--product", "samples/harbour_metals/products_cbam_2026.xlsx",
                          "-o", str(blocker / "footprints.json")],
                         capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr
    assert str(blocker) in run.stderr
