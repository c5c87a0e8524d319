"""Reports from a failed run: a document with rejected rows or errors gives a report whose
every PDF page and every workbook sheet carries a visible DRAFT mark and the count of
rejected rows, in each language; a clean document has none; no title says None."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_reports_excel import CBAM, assess_sample
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.reports import render_document, render_report
from carbonaudit.reports.labels import LANGUAGES, Labels

runner = CliRunner()
HEADER = "activity,item,quantity,unit,site,period_start,region\n"


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


def not_none(text: str, lang: str) -> bool:
    """No Python None in the text (the label of an empty table, "None.", is English)."""
    return not re.search(r"\bNone\b", text.replace(Labels(lang)("report.no_rows"), ""))


def run(tmp_path: Path, body: str) -> Path:
    src = tmp_path / "activity.csv"
    src.write_text(HEADER + body, "utf-8")
    r = runner.invoke(app, ["assess", str(src), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1, r.output  # rows were rejected
    return tmp_path / "out" / "inventory.json"


@pytest.fixture(scope="module")
def all_rejected(tmp_path_factory) -> Path:
    """Every row rejected: no period, 0 t everywhere."""
    return run(tmp_path_factory.mktemp("failed"),
               "stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,\n"
               "stationary_combustion,natural_gas,,TJ,G,,\n")


@pytest.fixture(scope="module")
def partly_rejected(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("partly"),
               "stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,\n"
               "stationary_combustion,natural_gas,1,TJ,G,2025-01-01,\n"
               "stationary_combustion,natural_gas,2,TJ,G,2025-02-01,\n")


def banner(doc_path: Path, lang: str) -> str:
    doc = json.loads(doc_path.read_text("utf-8"))
    return Labels(lang)("report.draft.inventory", rejected=doc["rows"]["rejected"],
                        read=doc["rows"]["read"], errors=doc["findings"]["error"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pdf_page_of_a_failed_run_says_draft_and_rejected_rows(all_rejected, tmp_path,
                                                                      lang):
    out = render_report(all_rejected, "pdf", tmp_path / "r.pdf", lang=lang)
    pages = pdf_pages(out)
    said = flat(banner(all_rejected, lang))
    assert ("2" in said) and len(pages) >= 6
    for n, page in enumerate(pages, start=1):
        assert said in flat(page), n
        assert flat(Labels(lang)("report.draft")) in flat(page)
    assert not_none("".join(pages), lang)
    assert flat(Labels(lang)("value.unknown")) in flat(pages[0])  # the period, said plainly


def test_the_banner_sits_in_the_top_margin_of_each_page(partly_rejected, tmp_path):
    from pypdf import PdfReader

    out = render_report(partly_rejected, "pdf", tmp_path / "r.pdf")
    assert "1 of 3 rows were rejected" in " ".join(banner(partly_rejected, "en").split())
    for page in PdfReader(str(out)).pages:
        top = float(page.mediabox.top)
        heights = []

        def seen(text, cm, tm, font, size, heights=heights):
            if "rows were rejected" in text:
                heights.append(cm[5] + tm[5])

        page.extract_text(visitor_text=seen)
        assert heights and all(top - 16 * 72 / 25.4 < y < top for y in heights)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sheet_of_a_failed_run_says_draft(partly_rejected, tmp_path, lang):
    from openpyxl import load_workbook

    doc = json.loads(partly_rejected.read_text("utf-8"))
    out = render_report(partly_rejected, "xlsx", tmp_path / "r.xlsx", lang=lang)
    wb = load_workbook(out)
    said = banner(partly_rejected, lang)
    for ws in wb:
        top = [c.value for row in ws.iter_rows(max_row=3) for c in row if c.value]
        assert said in top, ws.title
        assert ws.sheet_properties.tabColor.rgb == "FFC00000"
        assert ws.oddHeader.center.text == Labels(lang)("report.draft")
    results = wb[Labels(lang)("sheet.results")]
    table = results.tables["Results"]
    assert table.ref.startswith("A3:")  # moved under the banner, every row still there
    head, *rows = results.iter_rows(min_row=3, values_only=True)
    assert len(rows) == doc["rows"]["read"] == 3
    status = head.index("status")
    assert sorted(r[status] for r in rows) == ["assessed", "assessed", "rejected"]


def test_a_clean_document_has_no_draft_mark(tmp_path):
    inventory = assess_sample(tmp_path / "clean")
    doc = json.loads(inventory.read_text("utf-8"))
    assert doc["rows"]["rejected"] == 0 and doc["findings"]["error"] == 0
    pdf = "".join(pdf_pages(render_report(inventory, "pdf", tmp_path / "r.pdf")))
    assert "DRAFT" not in pdf
    from openpyxl import load_workbook

    wb = load_workbook(render_report(inventory, "xlsx", tmp_path / "r.xlsx"))
    assert all(ws.sheet_properties.tabColor is None for ws in wb)
    assert wb["Result rows"].tables["Results"].ref.startswith("A1:")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_cbam_communication_with_errors_is_a_draft(tmp_path, lang):
    doc = json.loads(CBAM.read_text("utf-8"))
    doc["findings_summary"]["error"] = 2
    doc["period"]["start"] = doc["period"]["end"] = None
    pages = pdf_pages(render_document(doc, "pdf", tmp_path / "c.pdf", lang=lang))
    said = flat(Labels(lang)("report.draft.cbam", errors=2))
    assert all(said in flat(p) for p in pages)
    # the rebate type "None" is the document's own word; the period is never "None to None"
    assert flat(Labels(lang)("value.unknown")) in flat(pages[0])
    assert not re.search("None(to|至)", flat("".join(pages)))


def test_the_summary_on_screen_never_says_none(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text(HEADER + "stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,\n", "utf-8")
    r = runner.invoke(app, ["assess", str(src), "-o", str(tmp_path / "out")])
    assert r.exit_code == 1
    assert not re.search(r"\bNone\b", r.output)
    assert "period not stated" in " ".join(r.output.split())
