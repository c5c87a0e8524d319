"""Formula injection: text that a spreadsheet would run (= + - @, tab, CR, and their
full-width forms) is neutralised in every text column of results.csv, whichever file it
came from (an activity sheet or a user factor file), and stays inert text in the Excel
report; plain signed numbers are left alone."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.outputs import neutralise

runner = CliRunner()
# The test's own statement of the rule (OWASP's CSV injection list plus full-width forms).
LIVE = re.compile("^[=+\\-@\t\r\uff1d\uff0b\uff0d\uff20]")
NUMBER = re.compile(r"[+-]?\d[\d,.]*([eE][+-]?\d+)?")
HYPERLINK = '=HYPERLINK("http://evil.example","click")'
DDE = "=CMD|' /C calc'!A0"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """A real run: a user factor file whose id, region, source and edition are formulas,
    and an activity row whose site, region, reference and factor_id are too."""
    folder = tmp_path_factory.mktemp("inject")
    factors = folder / "factors.csv"
    with open(factors, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "activity", "item", "unit", "region", "co2_fossil", "source",
                    "status"])
        w.writerow([HYPERLINK, "stationary_combustion", "natural_gas", "TJ", "@SUM(A1)",
                    "56100", DDE, "derived"])
    activity = folder / "activity.csv"
    with open(activity, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["activity", "item", "quantity", "unit", "site", "period_start", "region",
                    "reference", "factor_id"])
        w.writerow(["stationary_combustion", "natural_gas", "2", "TJ", "\uff1dSUM(A1)",
                    "2025-01-01", "@SUM(A1)", "\t=1+1", HYPERLINK])  # the reader trims the tab
        w.writerow(["stationary_combustion", "natural_gas", "1", "TJ", "-Plant", "2025-01-01",
                    "@SUM(A1)", "+41 22 000", HYPERLINK])
    out = folder / "out"
    r = runner.invoke(app, ["assess", str(activity), "--factors", str(factors), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_no_cell_of_results_csv_is_live(hostile_run):
    found = rows(hostile_run / "results.csv")
    assert len(found) == 2
    live = [(k, v) for row in found for k, v in row.items()
            if LIVE.match(v) and not NUMBER.fullmatch(v)]
    assert live == []


def test_factor_file_text_reaches_results_csv_quoted(hostile_run):
    first, second = rows(hostile_run / "results.csv")
    assert first["factor_id"] == second["factor_id"] == "'" + HYPERLINK
    assert first["factor_region"] == "'@SUM(A1)"
    assert first["site"] == "'\uff1dSUM(A1)" and second["site"] == "'-Plant"
    assert first["reference"] == "'=1+1" and second["reference"] == "'+41 22 000"
    assert first["region"] == "'@SUM(A1)"
    # the numbers are untouched: 2 TJ x 56,100 kg/TJ
    assert float(first["co2e_kg"]) == 2 * 56100 and first["quantity_as_given"] == "2"


def test_the_excel_report_keeps_them_text_with_excels_quote_prefix(hostile_run):
    from openpyxl import load_workbook

    r = runner.invoke(app, ["report", str(hostile_run / "inventory.json"), "-f", "xlsx"])
    assert r.exit_code == 0, r.output
    wb = load_workbook(hostile_run / "report-en.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    live = [c for c in cells if isinstance(c.value, str) and LIVE.match(c.value)
            and not NUMBER.fullmatch(c.value)]
    assert {c.value for c in live} >= {HYPERLINK, DDE}  # the factor appendix names them
    assert all(c.quotePrefix for c in live)


@pytest.mark.parametrize(("given", "written"), [
    ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("+x", "'+x"), ("-x", "'-x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\uff1d1", "'\uff1d1"), ("\uff20x", "'\uff20x"),
    ("-3", "-3"), ("+1.5", "+1.5"), ("-1,234.5", "-1,234.5"), ("-2E5", "-2E5"),
    ("a=b", "a=b"), ("", ""), ("港灣", "港灣")])
@pytest.mark.parametrize("dtype", ["str", "category", "object"])
def test_neutralise_each_kind_of_text_column(given, written, dtype):
    series = pd.Series([given, "plain"], dtype=dtype)
    assert list(neutralise(series).astype(str)) == [written, "plain"]
