"""workpapers.xlsx: the Recalculation formulas re-performed two ways.

1. Independently of any spreadsheet program: the formulas are read back with openpyxl and
   evaluated here (cell references replaced by the cells' values, then plain arithmetic).
2. By LibreOffice, when it is installed: a profile that recalculates on load, a control
   workbook proving it did, one factor changed to show the formulas are live, and the
   Summary's SUMIFS totals against the tool's.
The data is the Harbour Metals sample: unit conversions, fuel properties bridging litres to
TJ, refrigerant GWPs, CO2e-only flight factors, two sheets (one with Chinese headers).
"""

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from carbonaudit.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "harbour_metals"
runner = CliRunner()
_REF = re.compile(r"(?:(\w+)!)?\$?([A-Z]{1,3})\$?(\d+)")


@pytest.fixture(scope="module")
def workpapers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wp")
    claims = tmp / "claims.csv"
    claims.write_text("item,claimed,unit\ntotal,58280.456,t CO2e\nscope_1,2040.73,t CO2e\n"
                      "site:Kwun Tong office,97.05,t CO2e\n", encoding="utf-8")
    r = runner.invoke(app, ["verify", "--config", str(SAMPLE / "carbonaudit.toml"),
                            "--claimed", str(claims), "--seed", "1", "--out", str(tmp / "out")])
    assert r.exit_code == 0, r.output
    return tmp / "out" / "workpapers.xlsx"


def evaluate(book, sheet: str, formula: str) -> float:
    """A formula of + - * / ( ) and cell references, evaluated from the cells' values."""
    def value(m):
        ws = book[m.group(1) or sheet]
        v = ws[f"{m.group(2)}{m.group(3)}"].value
        if isinstance(v, str) and v.startswith("="):
            v = evaluate(book, m.group(1) or sheet, v)
        return repr(float(v or 0.0))

    expr = _REF.sub(value, formula.lstrip("="))
    assert re.fullmatch(r"[-+*/(). 0-9e]+", expr), expr  # arithmetic only, nothing else
    return eval(expr)  # noqa: S307 - checked above to be a bare arithmetic expression


def test_sheets_and_every_formula_re_performed(workpapers):
    book = openpyxl.load_workbook(workpapers)
    assert book.sheetnames == ["Summary", "Recalculation", "Sample", "Misstatements",
                               "Factors"]
    ws = book["Recalculation"]
    head = [c.value for c in ws[1]]
    q, tool = head.index("recalculated_kgco2e") + 1, head.index("tool_kgco2e") + 1
    checked = 0
    for r in range(2, ws.max_row + 1):
        formula = ws.cell(r, q).value
        if ws.cell(r, head.index("status") + 1).value != "assessed":
            continue
        assert isinstance(formula, str) and formula.startswith("=")
        assert evaluate(book, "Recalculation", formula) == pytest.approx(
            ws.cell(r, tool).value, rel=1e-9)
        checked += 1
    assert checked == 127  # every row of the sample workbook


def test_one_row_by_hand(workpapers):
    book = openpyxl.load_workbook(workpapers)
    ws = book["Recalculation"]
    head = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1)
               if ws.cell(r, head.index("cell") + 1).value == "Activity!C5")
    # Dongguan January: 512.4 MWh x 1,000 kWh/MWh x 0.4419 kg/kWh (MEE/NBS 2023 Guangdong)
    assert ws.cell(row, head.index("conversion") + 1).value == 1000.0
    assert evaluate(book, "Recalculation", ws.cell(row, head.index("recalculated_kgco2e") + 1)
                    .value) == pytest.approx(512.4 * 1000 * 0.4419, rel=1e-12)


def _libreoffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def _recalculate(sources: list[Path], tmp: Path) -> list[Path]:
    """Open and save each file in LibreOffice (one run), recalculating every formula."""
    profile = tmp / "lo-profile" / "user"
    profile.mkdir(parents=True, exist_ok=True)
    # Recalculate OOXML files on load (the default trusts their cached values).
    (profile / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items '
        'xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>'
        '</oor:items>', encoding="utf-8")
    out = tmp / "lo-out"
    subprocess.run([_libreoffice(), f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}",
                    "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out),
                    *map(str, sources)], check=True, capture_output=True, timeout=300)
    return [out / src.name for src in sources]


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_same_numbers(workpapers, tmp_path):
    import xlsxwriter

    control = tmp_path / "control.xlsx"
    wb = xlsxwriter.Workbook(str(control))
    wb.add_worksheet("S").write_formula(0, 0, "=1+1", None, 99)
    wb.close()
    # Double the CLP factor on the Factors sheet: its rows, and only those, must double.
    book = openpyxl.load_workbook(workpapers)
    fs = book["Factors"]
    fhead = [c.value for c in fs[7]]
    clp = next(r for r in range(8, fs.max_row + 1)
               if fs.cell(r, 1).value == "hk.clp.2019.co2_per_kwh_sold")
    co2 = fs.cell(clp, fhead.index("co2_fossil") + 1)
    co2.value = co2.value * 2
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    original = tmp_path / "original.xlsx"
    shutil.copyfile(workpapers, original)
    ctrl, changed, original = _recalculate([control, changed, original], tmp_path)

    assert CalamineWorkbook.from_path(str(ctrl)).get_sheet_by_name("S").to_python() == [[2.0]]
    rows = CalamineWorkbook.from_path(str(changed)).get_sheet_by_name(
        "Recalculation").to_python()
    head = rows[0]
    q, tool, fid = (head.index(c) for c in ("recalculated_kgco2e", "tool_kgco2e",
                                            "factor_id"))
    doubled = 0
    for r in rows[1:]:
        if r[head.index("status")] != "assessed":
            continue
        want = r[tool] * (2 if r[fid] == "hk.clp.2019.co2_per_kwh_sold" else 1)
        assert r[q] == pytest.approx(want, rel=1e-9), r[:3]
        doubled += r[fid] == "hk.clp.2019.co2_per_kwh_sold"
    assert doubled == 12

    # Unchanged workpapers: the Summary's live SUMIFS agree with the tool's totals.
    summary = CalamineWorkbook.from_path(str(original)).get_sheet_by_name("Summary").to_python()
    start = next(i for i, r in enumerate(summary) if r[0] == "item")
    live = {r[0]: (r[2], r[3]) for r in summary[start + 1:start + 4]}
    assert set(live) == {"total", "scope_1", "site:Kwun Tong office"}
    for tool_t, live_t in live.values():
        assert live_t == pytest.approx(tool_t, rel=1e-9)


def test_more_rows_than_a_sheet_holds_continue_on_the_next(tmp_path, monkeypatch):
    from carbonaudit.audit import workpapers_recalc

    monkeypatch.setattr(workpapers_recalc, "MAX_ROWS", 50)  # Excel's 1,048,576, scaled down
    monkeypatch.setattr(workpapers_recalc, "BLOCK", 7)  # rows generated 7 at a time
    claims = tmp_path / "claims.csv"
    claims.write_text("item,claimed,unit\ntotal,58280.456,t CO2e\n", encoding="utf-8")
    r = runner.invoke(app, ["verify", "--config", str(SAMPLE / "carbonaudit.toml"),
                            "--claimed", str(claims), "--seed", "1", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(tmp_path / "workpapers.xlsx")
    parts = [n for n in book.sheetnames if n.startswith("Recalculation")]
    assert parts == ["Recalculation", "Recalculation 2", "Recalculation 3"]  # 127 rows
    total = 0.0
    for name in parts:
        ws = book[name]
        head = [c.value for c in ws[1]]
        q = head.index("recalculated_kgco2e") + 1
        for row in range(2, ws.max_row + 1):
            total += evaluate(book, name, ws.cell(row, q).value)
    assert total == pytest.approx(58_280_455.696, rel=1e-9)
    summary = book["Summary"]
    live = next(summary.cell(r, 4).value for r in range(1, summary.max_row + 1)
                if summary.cell(r, 1).value == "total")
    assert live.count("SUMIFS(") == 9 and "'Recalculation 3'!" in live  # 3 scopes x 3 sheets
