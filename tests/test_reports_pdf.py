"""PDF reports: headline numbers, headings in each language, page count and footer, safe
rendering of hostile text, reproducibility, and the `report` command's error handling."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_reports_excel import CBAM, HOSTILE, assess_sample

from carbonaudit.reports import render_report
from carbonaudit.reports.labels import LANGUAGES, Labels

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def inventory(tmp_path_factory) -> Path:
    return assess_sample(tmp_path_factory.mktemp("assess_pdf"))


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headline_numbers_headings_and_pages(inventory, tmp_path, lang):
    doc = json.loads(inventory.read_text("utf-8"))
    out = render_report(inventory, "pdf", tmp_path / "r.pdf", lang=lang)
    pages = pdf_pages(out)
    text = flat("\n".join(pages))
    L = Labels(lang)
    tot = doc["totals_kgco2e"]
    for key in ("scope_1", "scope_2_location", "scope_2_market", "scope_3"):
        assert f"{tot[key] / 1000:,.3f}" in text, key
    total = (tot["scope_1"] + tot["scope_2_location"] + tot["scope_3"]) / 1000
    assert f"{total:,.3f}" in text
    for key in ("chapter.summary", "chapter.breakdown", "chapter.methodology",
                "chapter.quality", "chapter.factors", "chapter.provenance"):
        assert flat(L(key)) in text, key
    assert 6 <= len(pages) <= 16
    for n, page in enumerate(pages, start=1):
        assert flat(L("report.page", page=n)) in flat(page)
    digest = __import__("hashlib").sha256(inventory.read_bytes()).hexdigest()
    assert digest in flat(pages[-1])


def test_top_sources_not_every_row(inventory, tmp_path):
    doc = json.loads(inventory.read_text("utf-8"))
    text = flat("\n".join(pdf_pages(render_report(inventory, "pdf", tmp_path / "r.pdf"))))
    first = doc["top_sources"][0]
    assert f"{first['kgco2e'] / 1000:,.3f}" in text
    assert "CLPbill0512" not in text  # a result row's reference: rows stay in the workbook


def test_same_document_same_pdf(inventory, tmp_path):
    a = render_report(inventory, "pdf", tmp_path / "a.pdf", lang="zh-Hans")
    b = render_report(inventory, "pdf", tmp_path / "b.pdf", lang="zh-Hans")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_company_name_renders_literally(inventory, tmp_path, name):
    folder = tmp_path / "inv"
    shutil.copytree(inventory.parent, folder)
    doc = json.loads(inventory.read_text("utf-8"))
    doc["organisation"]["name"] = name
    doc["top_sources"][0]["site"] = name
    (folder / "inventory.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    for lang in ("en", "zh-Hant"):
        out = render_report(folder / "inventory.json", "pdf", tmp_path / f"{lang}.pdf", lang=lang)
        assert flat(name)[:80] in flat(pdf_pages(out)[0])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cbam_pdf(tmp_path, lang):
    doc = json.loads(CBAM.read_text("utf-8"))
    pages = pdf_pages(render_report(CBAM, "pdf", tmp_path / "c.pdf", lang=lang))
    text = flat("\n".join(pages))
    L = Labels(lang)
    for key in ("chapter.products", "chapter.processes", "chapter.cbam_methodology",
                "chapter.carbon_price", "chapter.quality", "chapter.provenance.cbam"):
        assert flat(L(key)) in text, key
    assert flat(L("chapter.provenance")) not in text  # no "Appendix B" without an A
    p = doc["products"][0]
    assert p["cn_code"] in text and f"{p['see_direct']:,.4f}" in text
    assert f"{doc['totals_t']['direct']:,.3f}" in text
    assert flat(doc["methodology"]["data_quality"]["general"]) in text
    assert 4 <= len(pages) <= 10


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="no CJK TrueType font on this machine")
def test_cjk_font_is_embedded(inventory, tmp_path):
    from pypdf import PdfReader

    out = render_report(inventory, "pdf", tmp_path / "r.pdf", lang="zh-Hant",
                        cjk_font=CJK_FONT)
    fonts = set()
    for page in PdfReader(str(out)).pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("+" in f for f in fonts), fonts  # a subset (embedded) font
    assert Labels("zh-Hant")("chapter.summary") in "".join(pdf_pages(out))


def _run_report(args: list[str]):
    import typer
    from typer.testing import CliRunner

    from carbonaudit.cli.report import report

    app = typer.Typer()
    app.command()(report)
    return CliRunner().invoke(app, args)


def test_command_writes_and_refuses_cleanly(inventory, tmp_path):
    ok = _run_report([str(inventory), "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
    assert ok.exit_code == 0 and (tmp_path / "r.pdf").is_file()
    bad = json.loads(inventory.read_text("utf-8"))
    bad["rows"]["read"] = -1
    (tmp_path / "bad.json").write_text(json.dumps(bad), "utf-8")
    refused = _run_report([str(tmp_path / "bad.json"), "--format", "xlsx"])
    assert refused.exit_code == 1 and "/rows/read" in refused.output
    assert "Traceback" not in refused.output and not (tmp_path / "report-en.xlsx").exists()
    missing = _run_report([str(tmp_path / "nope.json")])
    assert missing.exit_code == 3
    (tmp_path / "junk.json").write_text("{not json", "utf-8")
    assert _run_report([str(tmp_path / "junk.json")]).exit_code == 3
    assert _run_report([str(inventory), "--lang", "fr"]).exit_code == 2
    assert _run_report([str(inventory), "--cjk-font", str(tmp_path / "x.ttf")]).exit_code == 2


def test_standard_options_name_their_file_and_refuse_cbam(inventory, tmp_path):
    shutil.copy(inventory, tmp_path / "inventory.json")
    iso = _run_report([str(tmp_path / "inventory.json"), "--standard", "iso14064"])
    assert iso.exit_code == 0, iso.output
    ghg = _run_report([str(tmp_path / "inventory.json")])
    assert ghg.exit_code == 0, ghg.output
    # two orderings, two files: the second run does not overwrite the first
    assert (tmp_path / "report-en-iso14064.pdf").is_file()
    assert (tmp_path / "report-en.pdf").is_file()
    cbam = Path(__file__).parent / "fixtures" / "reports" / "cbam_communication.json"
    refused = _run_report([str(cbam), "--standard", "iso14064", "-o", str(tmp_path / "c.pdf")])
    assert refused.exit_code == 2 and "--standard" in refused.output
    assert not (tmp_path / "c.pdf").exists()
    page = pdf_pages(render_report(cbam, "pdf", tmp_path / "c.pdf"))
    assert "--standard" not in flat("".join(page))  # the command line shows what applies


def test_report_command_import_is_light():
    code = ("import sys, carbonaudit.cli.report; "
            "print(any(m.split('.')[0] in ('reportlab', 'xlsxwriter', 'pandas') "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def _lines(pages: list[str]) -> set[str]:
    return {line.strip() for page in pages for line in page.splitlines() if line.strip()}


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_wide_tables_keep_codes_and_words_whole(tmp_path, lang):
    """The 12- and 13-column CBAM tables once crushed CN codes into '731/815/58' and
    words into 'Comb/ustion'; each cell must come out as one line of extracted text."""
    doc = json.loads(CBAM.read_text("utf-8"))
    lines = _lines(pdf_pages(render_report(CBAM, "pdf", tmp_path / "c.pdf", lang=lang)))
    for p in doc["products"]:
        assert p["cn_code"] in lines, p["cn_code"]
        assert f"{p['see_direct']:,.4f}" in lines and f"{p['see_total']:,.4f}" in lines
    for p in doc["processes"]:
        assert p["id"] in lines and f"{p['total_production']:,.4f}" in lines
    L = Labels(lang)
    words = {w for line in lines for w in line.split()}
    for s in doc["methodology"]["source_streams"]:
        assert s["id"] in lines
        method = L.get(f"method.kind.{s['method']}", s["method"])
        assert set(method.split()) <= words if lang == "en" else method in "".join(lines)


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_no_page_holds_only_a_heading(inventory, tmp_path, lang):
    """A table too tall to keep with its chapter title once left the title alone on a page."""
    L = Labels(lang)
    out = render_report(inventory, "pdf", tmp_path / "r.pdf", lang=lang)
    digest = __import__("hashlib").sha256(inventory.read_bytes()).hexdigest()
    for n, page in enumerate(pdf_pages(out), start=1):
        body = [line for line in page.splitlines() if line.strip()
                and digest not in flat(line) and flat(line) != flat(L("report.page", page=n))]
        assert len(body) > 2, (n, body)


def test_small_values_get_decimal_axis_labels(tmp_path):
    """SEE values of a few t CO2e/t: whole-number axis labels read 0, 0, 1, 2, 2."""
    import re
    import zipfile

    doc = json.loads(CBAM.read_text("utf-8"))
    top = max(max(p["see_direct"], p["see_indirect"]) for p in doc["products"])
    assert 1 <= top < 10  # the fixture's SEE values: one decimal is enough and needed
    lines = _lines(pdf_pages(render_report(CBAM, "pdf", tmp_path / "c.pdf")))
    ticks = sorted(line for line in lines if re.fullmatch(r"\d\.\d", line))
    assert len(ticks) >= 3 and ticks[0] == "0.0", ticks
    xlsx = render_report(CBAM, "xlsx", tmp_path / "c.xlsx")
    title = Labels("en")("chart.see")
    with zipfile.ZipFile(xlsx) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    see = [c for c in charts if title.split(" (")[0] in c]
    assert see and re.search(r'<c:valAx>.*?formatCode="#,##0\.0"', see[0], re.S)


def test_same_cbam_document_same_bytes(tmp_path):
    for fmt in ("pdf", "xlsx"):
        a = render_report(CBAM, fmt, tmp_path / f"a.{fmt}", lang="zh-Hant")
        b = render_report(CBAM, fmt, tmp_path / f"b.{fmt}", lang="zh-Hant")
        assert a.read_bytes() == b.read_bytes(), fmt


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_installation_name_renders_literally(tmp_path, name):
    from python_calamine import CalamineWorkbook

    doc = json.loads(CBAM.read_text("utf-8"))
    doc["installation"]["name"] = name
    doc["products"][0]["name"] = name
    path = tmp_path / "cbam.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    pdf = render_report(path, "pdf", tmp_path / "c.pdf", lang="zh-Hant")
    assert flat(name)[:80] in flat(pdf_pages(pdf)[0])
    xlsx = render_report(path, "xlsx", tmp_path / "c.xlsx")
    summary = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Summary").to_python()
    assert summary[1][0] == name
