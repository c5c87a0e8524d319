"""End to end: `cbam assess`, `cbam fill-template` and `validate --kind cbam` on real files.

The sample installation's SEE values are checked against the arithmetic of DOMAIN.md §1.5-1.6
written out here from the figures in samples/make_installation.py, not against the tool.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonaudit.cbam.model import Installation, Site, SourceStream, Stated
from carbonaudit.cbam.stated import compare_stated
from carbonaudit.cli import app
from carbonaudit.findings import Location

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "harbour_metals" / \
    "installation_2026.xlsx"
runner = CliRunner()

# Independent arithmetic from the sample's inputs (make_installation.py):
# fasteners DirEm* = round(380 kNm3 x 35.9 GJ/kNm3 / 1000 x 56.1 + 85 t x 47.3 / 1000 x 63.1, 2)
FASTENER_DIREM = round(380 * 35.9 / 1000 * 56.1 + 85 * 47.3 / 1000 * 63.1, 2)   # 1019.01
FASTENER_SEE_DIRECT = (FASTENER_DIREM + 4400 * 2.05) / 4200
FASTENER_SEE_INDIRECT = (2950 * 0.5366 + 4400 * 0.38 * 0.5366) / 4200
PROFILE_DIREM = round(240 * 35.9 / 1000 * 56.1, 2)                                 # 483.36
PROFILE_SEE_DIRECT = (PROFILE_DIREM + 2700 * 1.6) / 2600
PROFILE_SEE_INDIRECT = (3600 * 0.5366 + 2700 * 14.2 * 0.5366) / 2600
PROFILE_DEFAULT_SHARE = 100 * 2700 * 1.6 / (PROFILE_DIREM + 2700 * 1.6)


def _assess(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "out"
    result = runner.invoke(app, ["cbam", "assess", str(SAMPLE), "--out", str(out), "--json",
                                 *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_sample_see_matches_hand_arithmetic(tmp_path):
    doc = _assess(tmp_path)["communication"]
    bolts, profiles = doc["products"]
    assert bolts["cn_code"] == "73181558"
    assert bolts["see_direct"] == pytest.approx(FASTENER_SEE_DIRECT, rel=1e-9)
    assert bolts["see_indirect"] == pytest.approx(FASTENER_SEE_INDIRECT, rel=1e-9)
    # Iron and steel products are Annex II goods: only direct emissions count from 2026.
    # One meaning per name: see_total is direct + indirect (2.98 t/t, as the template shows),
    # the counted amount is see_counted (2.39 t/t) with its rule.
    assert bolts["indirect_counted"] is False
    assert bolts["see_total"] == pytest.approx(FASTENER_SEE_DIRECT + FASTENER_SEE_INDIRECT,
                                               rel=1e-9)
    assert bolts["see_counted"] == pytest.approx(FASTENER_SEE_DIRECT, rel=1e-9)
    assert "direct only" in bolts["see_counted_rule"] and "Annex II" in bolts[
        "see_counted_rule"]
    assert profiles["see_total"] == pytest.approx(PROFILE_SEE_DIRECT + PROFILE_SEE_INDIRECT,
                                                  rel=1e-9)
    assert profiles["see_counted"] == pytest.approx(PROFILE_SEE_DIRECT, rel=1e-9)
    assert profiles["see_direct"] == pytest.approx(PROFILE_SEE_DIRECT, rel=1e-9)
    assert profiles["see_indirect"] == pytest.approx(PROFILE_SEE_INDIRECT, rel=1e-9)
    assert profiles["share_default_pct"] == pytest.approx(PROFILE_DEFAULT_SHARE, rel=1e-9)


def test_transitional_counts_indirect(tmp_path):
    doc = _assess(tmp_path, "--period", "transitional")["communication"]
    profiles = doc["products"][1]
    assert profiles["indirect_counted"] is True
    assert profiles["see_total"] == pytest.approx(PROFILE_SEE_DIRECT + PROFILE_SEE_INDIRECT,
                                                  rel=1e-9)
    assert profiles["see_counted"] == pytest.approx(profiles["see_total"], rel=1e-12)
    assert profiles["see_counted_rule"].startswith("transitional period: direct + indirect")


def test_workbook_agrees_with_json_and_runs_are_identical(tmp_path):
    import python_calamine

    _assess(tmp_path)
    out = tmp_path / "out"
    doc = json.loads((out / "cbam-communication.json").read_text("utf-8"))
    rows = python_calamine.load_workbook(str(out / "communication.xlsx")) \
        .get_sheet_by_name("Products").to_python()
    header = rows[0]
    for row, product in zip(rows[1:], doc["products"], strict=True):
        cells = dict(zip(header, row, strict=False))
        assert cells["CN code"] == product["cn_code"]
        # xlsxwriter stores 16 significant digits; JSON keeps the full double.
        assert cells["SEE direct (tCO2e/t)"] == pytest.approx(product["see_direct"], rel=1e-15)
        assert cells["SEE total (tCO2e/t)"] == pytest.approx(product["see_total"], rel=1e-15)
        assert cells["SEE counted (tCO2e/t)"] == pytest.approx(product["see_counted"],
                                                               rel=1e-15)
        assert cells["SEE counted: rule"] == product["see_counted_rule"]
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    _assess(tmp_path)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_unknown_period_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["cbam", "assess", str(SAMPLE), "--period", "final",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "transitional" in result.output


def test_preshipment_passes_our_output_and_fails_a_tampered_copy(tmp_path):
    _assess(tmp_path)
    good = tmp_path / "out" / "cbam-communication.json"
    ok = runner.invoke(app, ["validate", "--kind", "cbam", "--profile", "pre-shipment",
                             str(good), "--json"])
    assert ok.exit_code == 0, ok.output
    verdict = json.loads(ok.stdout)["pre_shipment"]
    assert verdict["verdict"] == "pass"
    import hashlib

    assert verdict["files"][0]["sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()

    doc = json.loads(good.read_text("utf-8"))
    doc["products"][0]["see_total"] += 0.5          # no longer direct + indirect
    doc["products"][1]["cn_code"] = "76042900"      # not an eight-digit Annex I code
    doc["installation"]["unlocode"] = "DONGGUAN"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    res = runner.invoke(app, ["validate", "--profile", "pre-shipment", str(bad), "--json"])
    assert res.exit_code == 1
    body = json.loads(res.stdout)
    assert body["kind"] == "cbam"          # chosen automatically from the document type
    found = {(f["code"], f["location"].get("pointer")) for f in body["findings"]}
    assert ("cbam-comm-see-sum", "/products/0/see_total") in found
    assert ("cbam-comm-cn-unknown", "/products/1/cn_code") in found
    assert ("cbam-comm-unlocode-format", "/installation/unlocode") in found
    assert body["pre_shipment"]["verdict"] == "fail"
    assert len(body["pre_shipment"]["fix_list"]) >= 3


def test_workbook_and_json_give_the_same_findings(tmp_path):
    # the aluminium profiles carry 89.9 % defaults, justified in the data-quality section
    _assess(tmp_path)
    codes = {}
    for name in ("cbam-communication.json", "communication.xlsx"):
        res = runner.invoke(app, ["validate", "--kind", "cbam", str(tmp_path / "out" / name),
                                  "--json"])
        assert res.exit_code == 0, res.output
        codes[name] = sorted(f["code"] for f in json.loads(res.stdout)["findings"])
    # The sample names no verifier: a warning in the definitive period (Art. 8).
    assert codes["communication.xlsx"] == codes["cbam-communication.json"] == [
        "cbam-comm-defaults-used", "cbam-comm-verifier-missing"]


def test_schema_failure_is_reported_with_pointer(tmp_path):
    _assess(tmp_path)
    doc = json.loads((tmp_path / "out" / "cbam-communication.json").read_text("utf-8"))
    doc["products"][0]["see_direct"] = "2.39"
    bad = tmp_path / "schema.json"
    bad.write_text(json.dumps(doc), "utf-8")
    res = runner.invoke(app, ["validate", "--kind", "cbam", str(bad), "--json"])
    assert res.exit_code == 1
    pointers = [f["location"].get("pointer") for f in json.loads(res.stdout)["findings"]]
    assert "/products/0/see_direct" in pointers


def test_communication_workbook_cell_errors_point_at_cells(tmp_path):
    import openpyxl

    _assess(tmp_path)
    path = tmp_path / "comm.xlsx"
    shutil.copy(tmp_path / "out" / "communication.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Products"]
    headers = [c.value for c in ws[1]]
    col = headers.index("SEE total (tCO2e/t)") + 1
    ws.cell(row=2, column=col).value = 9.99
    wb.save(path)
    res = runner.invoke(app, ["validate", "--kind", "cbam", str(path), "--json"])
    assert res.exit_code == 1
    codes = {(f["code"], f["location"].get("cell")) for f in json.loads(res.stdout)["findings"]}
    letter = openpyxl.utils.get_column_letter(col)
    assert ("cbam-comm-see-sum", f"{letter}2") in codes


def test_fill_template_round_trip_gives_the_same_see(tmp_path):
    official = tmp_path / "official.xlsx"
    res = runner.invoke(app, ["cbam", "fill-template", str(SAMPLE), "-o", str(official)])
    assert res.exit_code == 0, res.output
    again = runner.invoke(app, ["cbam", "assess", str(official), "--out", str(tmp_path / "o2"),
                                "--json"])
    assert again.exit_code == 0, again.output
    products = json.loads(again.stdout)["communication"]["products"]
    assert products[0]["see_direct"] == pytest.approx(FASTENER_SEE_DIRECT, rel=1e-9)
    assert products[1]["see_direct"] == pytest.approx(PROFILE_SEE_DIRECT, rel=1e-9)


def test_stated_values_are_compared_with_a_recomputation():
    # Template example Ex.1: 252000 t x 45 GJ/t / 1000 x 73 t CO2/TJ = 827820 t CO2.
    where = Location("official.xlsx", "B_EmInst", "AU17")
    inst = Installation(site=Site(), streams=[SourceStream(
        "SS1", "combustion", "Heavy fuel oil", 252000.0, "t", ncv=45.0, ef=73.0,
        ef_unit="tCO2/TJ", oxidation_factor=100.0)])
    inst.stated = [Stated("stream:SS1:co2e_fossil", 252000 * 45 / 1000 * 73, where)]
    assert compare_stated(inst) == []
    inst.stated = [Stated("stream:SS1:co2e_fossil", 827000.0, where)]
    (finding,) = compare_stated(inst)
    assert finding.code == "cbam-stated-differs"
    assert finding.location == where
    assert "827820" in finding.message


def test_defaults_command_marks_up_and_falls_back():
    res = runner.invoke(app, ["cbam", "defaults", "7201 10 11", "AU", "--year", "2027",
                              "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["total"] == pytest.approx(2.790)
    assert body["total_marked_up"] == pytest.approx(2.790 * 1.20)   # +20 % in 2027
    # Armenia is listed in the table, but not for hydrogen: 'other countries', 17.74 + 10 %.
    res = runner.invoke(app, ["cbam", "defaults", "28041000", "AM", "--json"])
    body = json.loads(res.stdout)
    assert body["country_used"] == "OTHER"
    assert body["total_marked_up"] == pytest.approx(19.514)
    assert "cbam-default-fallback-other" in {f["code"] for f in body["findings"]}


def test_defaults_command_rejects_unknown_codes_in_one_line():
    res = runner.invoke(app, ["cbam", "defaults", "73181500", "CN"])
    assert res.exit_code == 1
    assert "Annex I" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["cbam", "defaults", "73181558", "Atlantis"])
    assert res.exit_code == 1
    # no default value (a dash in Brazil's DRI row): the error alone, no table of blanks
    res = runner.invoke(app, ["cbam", "defaults", "72031000", "BR"])
    assert res.exit_code == 1 and "cbam-default-no-value" in res.output
    assert "Total with mark-up" not in res.output


def test_imports_command_on_the_sample(tmp_path):
    sample = SAMPLE.with_name("imports_2026.xlsx")
    res = runner.invoke(app, ["cbam", "imports", str(sample), "--out", str(tmp_path),
                              "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["de_minimis"]["exempt"] is False
    groups = {(g["cn_code"], g["country"]): g for g in body["groups"]}
    # Defaults with the 2026 mark-up as printed: pig iron BR 1.625 (1.478 + 10 %, rounded
    # by the table), hydrogen IN 15.433 (India's own row, 14.03 + 10 %).
    assert groups[("72011011", "BR")]["embedded_t"] == pytest.approx(12 * 1.625)
    assert groups[("28041000", "IN")]["embedded_t"] == pytest.approx(0.8 * 15.433)
    assert (tmp_path / "cbam-imports.json").exists()


def test_assess_with_reports_writes_both_formats(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    res = runner.invoke(app, ["cbam", "assess", str(SAMPLE), "--out", str(out),
                              "--report", "xlsx,pdf"])
    assert res.exit_code == 0, res.output
    text = "".join(page.extract_text() for page in PdfReader(out / "cbam-report-en.pdf").pages)
    assert "73181558" in text
    assert f"{FASTENER_SEE_DIRECT:.3f}" in text or f"{FASTENER_SEE_DIRECT:.4f}" in text
    assert (out / "cbam-report-en.xlsx").stat().st_size > 0
    bad = runner.invoke(app, ["cbam", "assess", str(SAMPLE), "--out", str(out),
                              "--report", "docx"])
    assert bad.exit_code == 2


@pytest.mark.parametrize("what", ["installation", "imports"])
def test_template_commands_write_workbooks(tmp_path, what):
    import python_calamine

    path = tmp_path / f"{what}.xlsx"
    res = runner.invoke(app, ["template", what, "-o", str(path)])
    assert res.exit_code == 0, res.output
    assert "Instructions" in python_calamine.load_workbook(str(path)).sheet_names
    again = runner.invoke(app, ["template", what, "-o", str(path)])
    assert again.exit_code == 2            # never overwrites a filled-in file silently


def test_communication_workbook_flag_must_be_true_or_false(tmp_path):
    import openpyxl

    _assess(tmp_path)
    path = tmp_path / "comm.xlsx"
    shutil.copy(tmp_path / "out" / "communication.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Products"]
    col = [c.value for c in ws[1]].index("Indirect emissions counted") + 1
    ws.cell(row=2, column=col).value = "yes"
    wb.save(path)
    res = runner.invoke(app, ["validate", "--kind", "cbam", str(path), "--json"])
    letter = openpyxl.utils.get_column_letter(col)
    found = {(f["code"], f["location"].get("cell")) for f in json.loads(res.stdout)["findings"]}
    assert ("cbam-comm-not-a-boolean", f"{letter}2") in found
    assert res.exit_code == 1


def test_quantity_in_a_route_row_the_good_does_not_have_is_reported(tmp_path):
    import openpyxl

    from carbonaudit.cbam.official import read_official

    official = tmp_path / "official.xlsx"
    assert runner.invoke(app, ["cbam", "fill-template", str(SAMPLE), "-o",
                               str(official)]).exit_code == 0
    wb = openpyxl.load_workbook(official)
    # P1 makes iron or steel products: one route, so only L16 is an active production row.
    wb["D_Processes"]["L17"] = 10.0
    wb.save(official)
    inst, findings = read_official(official)
    hits = [f for f in findings if f.code == "cbam-read-unknown-route"]
    assert [f.location.cell for f in hits] == ["L17"]
    assert inst.processes[0].production["route 2"] == 10.0


@pytest.mark.parametrize("blank", ["ours", "official"])
def test_blank_workbook_gives_findings_not_a_traceback(tmp_path, blank):
    # An installation without a reporting period used to crash while writing the
    # communication workbook (its creation date came from the period end).
    if blank == "ours":
        path = tmp_path / "blank.xlsx"
        assert runner.invoke(app, ["template", "installation", "-o", str(path)]).exit_code == 0
        period_cell = "B16"
    else:
        from carbonaudit.cbam.fill import default_template

        path = default_template()          # the shipped blank Commission template
        period_cell = "I9"
    out = tmp_path / "out"
    res = runner.invoke(app, ["cbam", "assess", str(path), "--out", str(out), "--json"])
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit)
    found = {(f["code"], f["location"].get("cell"))
             for f in json.loads(res.stdout)["findings"]}
    assert ("cbam-period-missing", period_cell) in found
    # nothing to communicate is said where the products go, not left to an empty table
    assert ("cbam-no-products", "A2" if blank == "ours" else "D10") in found
    assert (out / "communication.xlsx").exists()


def _assess_codes(path: Path, tmp_path: Path) -> tuple[int, set[tuple[str, str | None]]]:
    res = runner.invoke(app, ["cbam", "assess", str(path), "--out", str(tmp_path / "o"),
                              "--json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    found = json.loads(res.stdout)["findings"]
    return res.exit_code, {(f["code"], f["location"].get("cell")) for f in found
                           if f["severity"] == "error"}


# The template's own error conditions (A_InstData N83 / N102, E_PurchPrec U49 / U50), each in
# a copy of the sample: (our workbook sheet, cell, official sheet, cell, value, finding code).
TEMPLATE_CONDITIONS = [
    ("Processes", "D2", "A_InstData", "F83", None, "cbam-process-included-missing"),
    ("Processes", "D2", "A_InstData", "F83", "Cement", "cbam-process-included-inconsistent"),
    ("Precursors", "D2", "A_InstData", "F102", None, "cbam-precursor-country-missing"),
    ("Precursors", "H2", "E_PurchPrec", "M49", None, "cbam-precursor-see-source-missing"),
    ("Precursors", "J2", "E_PurchPrec", "M50", None,
     "cbam-precursor-electricity-source-missing"),
    ("Processes", "B2", "A_InstData", "L83", None, "cbam-read-unnamed"),
    ("Precursors", "B2", "A_InstData", "L102", None, "cbam-read-unnamed"),
    ("Precursors", "E2", "A_InstData", "G102", "Bananas", "cbam-read-unknown-route"),
]


@pytest.fixture(scope="module")
def clean_copies(tmp_path_factory) -> dict[str, Path]:
    """The sample as our workbook and as a filled official template, both assessing clean."""
    folder = tmp_path_factory.mktemp("clean")
    copies = {"ours": folder / "ours.xlsx", "official": folder / "official.xlsx"}
    shutil.copy(SAMPLE, copies["ours"])
    assert runner.invoke(app, ["cbam", "fill-template", str(SAMPLE), "-o",
                               str(copies["official"])]).exit_code == 0
    for path in copies.values():
        assert _assess_codes(path, folder)[0] == 0   # the sample itself is clean
    return copies


@pytest.fixture(scope="module")
def books(clean_copies):
    """Both copies opened once with openpyxl (the official one takes seconds to load)."""
    import openpyxl

    return {kind: openpyxl.load_workbook(path) for kind, path in clean_copies.items()}


def _save_with(book, sheet: str, cell: str, value, path: Path) -> None:
    """Save a copy of `book` with one cell changed, leaving the shared book as it was."""
    before = book[sheet][cell].value
    book[sheet][cell] = value
    try:
        book.save(path)
    finally:
        book[sheet][cell] = before


@pytest.mark.parametrize("kind", ["ours", "official"])
@pytest.mark.parametrize(("sheet", "cell", "osheet", "ocell", "value", "code"),
                         TEMPLATE_CONDITIONS)
def test_template_incomplete_and_inconsistent_conditions_are_errors_at_their_cell(
        tmp_path, books, kind, sheet, cell, osheet, ocell, value, code):
    path = tmp_path / "inst.xlsx"
    if kind == "official":
        sheet, cell = osheet, ocell
    _save_with(books[kind], sheet, cell, value, path)
    exit_code, found = _assess_codes(path, tmp_path)
    assert (code, cell) in found
    assert exit_code == 1


@pytest.mark.parametrize("kind", ["ours", "official"])
@pytest.mark.parametrize("value", ["bolts", "73181500"])
def test_cn_code_outside_annex_i_is_one_finding_naming_what_was_written(tmp_path, books,
                                                                         kind, value):
    path = tmp_path / "inst.xlsx"
    sheet, cell = ("Products", "B2") if kind == "ours" else ("Summary_Products", "F10")
    assert str(books[kind][sheet][cell].value).replace(" ", "") == "73181558"  # the bolts
    _save_with(books[kind], sheet, cell, value, path)
    res = runner.invoke(app, ["cbam", "assess", str(path), "--out", str(tmp_path / "o"),
                              "--json"])
    assert res.exit_code == 1, res.output
    at_cell = [f for f in json.loads(res.stdout)["findings"]
               if f["location"].get("sheet") == sheet and f["location"].get("cell") == cell]
    assert [f["code"] for f in at_cell] == ["cbam-cn-not-annex-i"]
    assert repr(value) in at_cell[0]["message"]


def test_absurd_activity_data_is_a_finding_not_an_internal_error(tmp_path):
    import openpyxl

    path = tmp_path / "inst.xlsx"
    shutil.copy(SAMPLE, path)
    wb = openpyxl.load_workbook(path)
    wb["SourceStreams"]["D2"] = 1e308        # overflows to inf once multiplied
    wb.save(path)
    exit_code, found = _assess_codes(path, tmp_path)
    assert ("cbam-stream-not-finite", "D2") in found
    assert exit_code == 1
