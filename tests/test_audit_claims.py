"""Reading the claims file: items, units, numbers, and a finding at the cell for each problem."""

import pytest
import xlsxwriter
from typer.testing import CliRunner

from carbonaudit.audit.claims import parse_item, read_claims
from carbonaudit.audit.claims_template import ITEMS
from carbonaudit.cli import app


def write(tmp_path, text, name="claims.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_items_and_units(tmp_path):
    f = read_claims(write(tmp_path, "item,claimed,unit\n"
                                    "total,\"1,234.5\",t CO2e\n"
                                    "Scope 1,500,kg CO2e\n"
                                    "scope_3_category_6,2,tCO2e\n"
                                    "site: Kwun Tong office,3.5,t CO2e\n"))
    assert f.findings == []
    got = [(c.item, c.kind, c.key, c.claimed_kg) for c in f.claims]
    assert got == [("total", "total", None, 1_234_500.0), ("scope_1", "scope_1", None, 500.0),
                   ("scope_3_category_6", "scope_3_category", 6, 2000.0),
                   ("site:Kwun Tong office", "site", "Kwun Tong office", 3500.0)]
    assert str(f.claims[0].location) == f"{tmp_path / 'claims.csv'}!B2"
    assert len(f.sha256) == 64


def test_every_problem_is_a_finding_at_its_cell(tmp_path):
    f = read_claims(write(tmp_path, "item,claimed,unit\n"
                                    "scope_4,1,t CO2e\n"          # no such item
                                    "total,1.234,t\n"              # bare t is refused
                                    "scope_1,about 3,t CO2e\n"     # not a number
                                    "scope_3,1,5,t CO2e\n"         # shifted columns
                                    "scope_2_market,,t CO2e\n"     # blank: not tested
                                    "scope_3_category_16,1,t CO2e\n"
                                    "scope_1,2,t CO2e\n"
                                    "scope_1,3,t CO2e\n"))         # duplicate
    codes = [(x.code, x.location.cell) for x in f.findings]
    assert codes == [("claims-unknown-item", "A2"), ("claims-unknown-unit", "C3"),
                     ("claims-not-a-number", "B4"), ("claims-unknown-unit", "C5"),
                     ("claims-blank", "B6"), ("claims-unknown-item", "A7"),
                     ("claims-duplicate-item", "B9")]
    assert [c.item for c in f.claims] == ["scope_1"]


def test_xlsx_claims_under_a_title_row(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Stated")
    ws.write_row(0, 0, ["Harbour Metals: GHG statement 2025"])
    ws.write_row(2, 0, ["項目", "claimed", "單位"])
    ws.write_row(3, 0, ["total", 58280.456, "t CO2e"])
    wb.close()
    f = read_claims(path)
    assert f.findings == []
    assert f.claims[0].claimed_kg == pytest.approx(58_280_456.0)
    assert str(f.claims[0].location).endswith("Stated!B4")


def test_template_round_trip(tmp_path):
    out = tmp_path / "claims.xlsx"
    r = CliRunner().invoke(app, ["template", "claims", "-o", str(out)])
    assert r.exit_code == 0, r.output
    f = read_claims(out)
    # Every item of the template is a valid item, left blank: one warning each, no claim.
    assert [x.code for x in f.findings] == ["claims-blank"] * len(ITEMS) + ["claims-empty"]
    assert all(parse_item(i) for i in ITEMS)


def test_missing_file_is_unreadable():
    from carbonaudit.errors import InputUnreadable

    with pytest.raises(InputUnreadable):
        read_claims("/nonexistent/claims.csv")


def test_the_sample_claims_file_is_what_its_script_writes():
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("make_claims", root / "samples" /
                                                  "make_claims.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    committed = (root / "samples" / "harbour_metals" / "claims_2025.csv").read_text("utf-8")
    assert mod.render() == committed
    f = read_claims(root / "samples" / "harbour_metals" / "claims_2025.csv")
    assert f.findings == []
    by = {c.item: c.claimed_kg for c in f.claims}
    # The statement's parts add up to its totals (0.1 t rounding aside).
    assert by["scope_1"] + by["scope_2_location"] + by["scope_3"] == pytest.approx(
        by["total"], abs=100.0)
    assert by["site:Kwun Tong office"] + by["site:Dongguan factory"] == pytest.approx(
        by["total"], abs=100.0)
