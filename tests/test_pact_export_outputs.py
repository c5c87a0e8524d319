"""pact export: rejected inventory rows are named on the footprints they leave short; the
output never replaces an input, is written atomically and never through a symbolic link."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carbonaudit.pact.export import export_footprints

ACTIVITY = """activity,item,quantity,unit,site,period_start,period_end,region
purchased_electricity,grid,100,MWh,Plant A,2025-01-01,2025-12-31,HK-HKE
stationary_combustion,natural_gas,0.5,TJ,Plant A,2025-01-01,2025-12-31,
stationary_combustion,natural_gas,abc,TJ,Plant A,2025-01-01,2025-12-31,
stationary_combustion,natural_gas,0.2,TJ,Office,2025-01-01,2025-12-31,
stationary_combustion,natural_gas,0.3,parsecs,,2025-01-01,2025-12-31,
"""
FACTS = {"company_ids": "urn:pact:test.example:company:1", "company_name": "Test Ltd",
         "declared_unit": "kilogram", "declared_unit_amount": 1, "allocation": "share",
         "share_pct": 100, "cross_sectoral_standards": "ISO14067", "cpc_code": "41532",
         "boundary_processes_description": "Cradle to gate.", "exempted_emissions_percent": 0,
         "packaging_included": False, "fossil_carbon_content": 0, "biogenic_carbon_content": 0,
         "dqi_coverage_pct": 80, "dqr_technological": 2, "dqr_temporal": 1,
         "dqr_geographical": 2, "dqr_completeness": 2, "dqr_reliability": 2}


def product(n: int, site: str) -> dict:
    return {"product_id": f"urn:pact:test.example:product:{n}", "product_name": f"P{n}",
            "product_description": f"Product {n}", "site": site, "production_quantity": 1000,
            **FACTS}


def write_sheet(path: Path, rows: list[dict]) -> Path:
    columns = list(rows[0])
    lines = [",".join(columns)] + [",".join(str(r[c]) for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> Path:
    """inventory.json and results.csv of a real run: 5 rows, 2 rejected (a bad number at
    Plant A, an unknown unit in a row without a site)."""
    from carbonaudit.cli import app

    folder = tmp_path_factory.mktemp("rejected")
    src = folder / "activity.csv"
    src.write_text(ACTIVITY, encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(src), "--out", str(folder / "out"),
                                      "--json"])
    assert result.exit_code == 1, result.output  # rows were rejected
    return folder / "out"


def rejected(found) -> dict[str, str]:
    return {f.location.cell: f.message for f in found if f.code == "pact-rejected-rows"}


def test_rejected_rows_are_named_on_the_footprints_of_their_site(assessed):
    doc = json.loads((assessed / "inventory.json").read_text(encoding="utf-8"))
    assert doc["rows"] == {"read": 5, "assessed": 3, "rejected": 2, "blank_skipped": 0}
    rows = [product(1, "Plant A"), product(2, "Office")]
    fps, found = export_footprints(doc, rows, "2.3", source=str(assessed / "inventory.json"))
    assert len(fps) == 2
    notes = rejected(found)  # column D of the products sheet is the site
    assert sorted(notes) == ["D2", "D3"]
    assert notes["D2"].startswith("1 activity row of site 'Plant A' rejected by the "
                                  "assessment: their emissions are in no total, so this "
                                  "footprint leaves them out. 1 activity row without a site "
                                  "also rejected.")
    assert notes["D3"].startswith("1 activity row without a site rejected by the assessment; "
                                  "if any belongs to 'Office'")
    assert all(str(f.severity) == "warning" for f in found if f.code == "pact-rejected-rows")


def test_a_results_csv_of_another_run_is_not_evidence(assessed, tmp_path):
    doc = json.loads((assessed / "inventory.json").read_text(encoding="utf-8"))
    doc["rows"] = {**doc["rows"], "read": 6, "rejected": 3}  # not what results.csv holds
    fps, found = export_footprints(doc, [product(1, "Office")], "2.3",
                                   source=str(assessed / "inventory.json"))
    assert len(fps) == 1
    assert rejected(found)["D2"].startswith("The inventory has 3 activity rows rejected and "
                                            "does not say at which sites")
    # Without any results.csv beside it, the same.
    _, found = export_footprints(doc, [product(1, "Office")], "2.3",
                                 source=str(tmp_path / "inventory.json"))
    assert list(rejected(found)) == ["D2"]


def test_counts_by_site_in_the_document_are_used_first(assessed):
    doc = json.loads((assessed / "inventory.json").read_text(encoding="utf-8"))
    for s in doc["by_site"]:
        s["rejected"] = 1 if s["site"] == "Office" else 0
    doc["rows"]["rejected"] = 1
    _, found = export_footprints(doc, [product(1, "Plant A"), product(2, "Office")], "3.0")
    assert list(rejected(found)) == ["D3"]  # only Office lost a row
    doc["rows"]["rejected"] = 0
    _, found = export_footprints(doc, [product(1, "Office")], "3.0")
    assert rejected(found) == {}


@pytest.fixture()
def cli(assessed, tmp_path):
    from carbonaudit.cli.pact import pact_app

    app = typer.Typer()
    app.add_typer(pact_app, name="pact")
    app.callback()(lambda: None)
    sheet = write_sheet(tmp_path / "products.csv", [product(1, "Office")])

    def run(output: Path, source: Path = assessed / "inventory.json"):
        return CliRunner().invoke(app, ["pact", "export", "--from", str(source), "--product",
                                        str(sheet), "-o", str(output), "--json"])
    return run, sheet


def test_output_over_an_input_is_a_usage_error(cli, assessed):
    run, sheet = cli
    before = (sheet.read_bytes(), (assessed / "inventory.json").read_bytes())
    assert run(sheet).exit_code == 2
    assert run(assessed / "inventory.json").exit_code == 2
    link = sheet.with_name("alias.csv")
    link.symlink_to(sheet)
    assert run(link).exit_code == 2  # a link to an input is the input
    assert (sheet.read_bytes(), (assessed / "inventory.json").read_bytes()) == before


def test_output_replaces_a_symlink_instead_of_writing_through_it(cli, tmp_path):
    run, _ = cli
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "fp.json"
    out.symlink_to(victim)
    result = run(out)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not out.is_symlink()
    assert json.loads(out.read_text(encoding="utf-8"))[0]["productNameCompany"] == "P1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".fp.json")] == []


def test_a_failed_export_leaves_the_previous_output(cli, tmp_path):
    run, _ = cli
    out = tmp_path / "fp.json"
    out.write_text("previous\n", encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"document_type": "carbonaudit.inventory",
                                  "by_site": "not a list"}), encoding="utf-8")
    result = run(out, broken)
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous\n"
    mode = os.stat(tmp_path / "products.csv").st_mode  # written by the test, for comparison
    assert run(out).exit_code == 0
    assert os.stat(out).st_mode == mode  # not mkstemp's 0600


def test_nan_in_the_inventory_is_an_error_at_its_pointer_not_a_footprint(assessed):
    doc = json.loads((assessed / "inventory.json").read_text(encoding="utf-8"))
    doc["by_site"][0]["scope_1"] = float("nan")
    fps, found = export_footprints(doc, [product(1, "Office")], "2.3", source="inv.json")
    assert fps == []
    assert [(f.code, f.location.file, f.location.pointer) for f in found] == [
        ("pact-not-finite", "inv.json", "/by_site/0/scope_1")]
