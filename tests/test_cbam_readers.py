"""Readers of CBAM installation files: our workbook, the official template, detection.

Every file is written by a real library (xlsxwriter via our writer, openpyxl for edits, our
zip patcher for the official template) and read back with the real readers.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from carbonaudit.cbam.fill import default_template, patch_package
from carbonaudit.cbam.model import Installation
from carbonaudit.cbam.official import read_official
from carbonaudit.cbam.read import read_installation
from carbonaudit.cbam.workbook import write_installation_template, write_installation_workbook
from carbonaudit.cbam.workbook_reader import read_installation_workbook
from carbonaudit.errors import InputUnreadable

ROOT = Path(__file__).resolve().parents[1]


def _sample_module():
    spec = importlib.util.spec_from_file_location(
        "make_installation", ROOT / "samples" / "make_installation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_installation", module)
    spec.loader.exec_module(module)
    return module


def plain(obj: object) -> object:
    """The model without locations and file stamps, for equality checks."""
    if dataclasses.is_dataclass(obj):
        skip = {"where", "source_path", "source_sha256", "source_kind", "goods", "stated"}
        return {k: plain(v) for k, v in vars(obj).items() if k not in skip}
    if isinstance(obj, list):
        return [plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    return obj


@pytest.fixture(scope="module")
def sample() -> Installation:
    return _sample_module().installation()


def codes(findings) -> list[str]:
    return [f.code for f in findings]


# --------------------------------------------------------------------------- our workbook

def test_blank_template_has_sheets_and_reads_empty(tmp_path):
    path = write_installation_template(tmp_path / "blank.xlsx", lang="zh-Hant")
    inst, findings = read_installation_workbook(path)
    assert inst.processes == [] and inst.streams == [] and inst.products == []
    assert not [f for f in findings if f.severity == "error"]
    from python_calamine import CalamineWorkbook
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    for sheet in ("Instructions", "Installation", "SourceStreams", "PFC", "CEMS", "Processes",
                  "Production", "Precursors", "Purchases", "ProcessFlows", "Products",
                  "DataQuality", "Lists"):
        assert sheet in names


def test_template_filled_with_openpyxl_reads_back(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_installation_template(tmp_path / "inst.xlsx")
    wb = openpyxl.load_workbook(path)
    kv = {wb["Installation"].cell(r, 1).value: r for r in range(2, 40)}
    wb["Installation"].cell(kv["name"], 2).value = "Test Works"
    wb["Installation"].cell(kv["country"], 2).value = "China"
    ss = wb["SourceStreams"]
    # Columns re-ordered on purpose: the reader goes by header.
    ss.insert_cols(1)
    ss["A1"] = "note"
    header = {c.value: c.column for c in ss[1] if c.value}
    row = {"method": "combustion", "name": "Natural gas", "activity_data": 100,
           "ad_unit": "1000nm3", "ncv": 35.9, "ef": 56.1, "ef_unit": "TCO2/TJ"}
    for key, value in row.items():
        ss.cell(2, header[key], value)
    pr = wb["Processes"]
    hp = {c.value: c.column for c in pr[1] if c.value}
    for key, value in {"id": "P1", "name": "Bolts", "good": "iron or steel products",
                       "included": "Only direct production", "to_market": 10}.items():
        pr.cell(2, hp[key], value)
    prod = wb["Production"]
    prod.append(["P1", "All production routes", 10])
    wb.save(path)
    inst, findings = read_installation_workbook(path)
    assert "cbam-read-not-a-number" not in codes(findings)
    assert inst.site.name == "Test Works" and inst.site.country == "CN"
    stream = inst.streams[0]
    assert (stream.method, stream.ad_unit, stream.ef_unit) == ("combustion", "1000Nm3",
                                                               "tCO2/TJ")
    assert stream.activity_data == 100.0
    proc = inst.processes[0]
    assert proc.good == "Iron or steel products" and proc.production == {
        "All production routes": 10.0}
    assert proc.where.fields["to_market"].sheet == "Processes"


def test_sample_round_trips_through_our_workbook(tmp_path, sample):
    path = write_installation_workbook(tmp_path / "hm.xlsx", sample)
    inst, findings = read_installation_workbook(path)
    assert not [f for f in findings if f.severity == "error"], findings
    assert plain(inst) == plain(sample)
    assert [g.category for g in inst.goods] == ["Iron or steel products", "Aluminium products"]


def test_sample_script_is_byte_stable(tmp_path):
    module = _sample_module()
    a, b = module.write(tmp_path / "a.xlsx"), module.write(tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    committed = ROOT / "samples" / "harbour_metals" / "installation_2026.xlsx"
    assert committed.read_bytes() == a.read_bytes()


def _sample_with(tmp_path, sample, sheet: str, header: str, row: int, value):
    """Our workbook of the sample with one cell of `header`'s column changed by openpyxl."""
    openpyxl = pytest.importorskip("openpyxl")
    path = write_installation_workbook(tmp_path / "hm.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = next(c.column_letter for c in ws[1] if c.value == header)
    ws[f"{col}{row}"] = value
    wb.save(path)
    return path, col


def test_text_in_number_cell_is_a_finding_at_the_cell(tmp_path, sample):
    path, col = _sample_with(tmp_path, sample, "SourceStreams", "activity_data", 2, "about 600")
    inst, findings = read_installation_workbook(path)
    bad = [f for f in findings if f.code == "cbam-read-not-a-number"]
    assert len(bad) == 1 and bad[0].location.sheet == "SourceStreams"
    assert bad[0].location.cell == f"{col}2"
    assert inst.streams[0].activity_data is None


def test_duplicate_process_name_in_our_workbook(tmp_path, sample):
    dup = dataclasses.replace(sample, processes=[
        sample.processes[0], dataclasses.replace(sample.processes[1],
                                                 name=sample.processes[0].name)])
    path = write_installation_workbook(tmp_path / "dup.xlsx", dup)
    _, findings = read_installation_workbook(path)
    hits = [f for f in findings if f.code == "cbam-read-duplicate-name"]
    assert hits and hits[0].location.sheet == "Processes" and hits[0].location.cell.endswith("3")


def test_renamed_header_is_named_once_with_a_hint(tmp_path, sample):
    path, col = _sample_with(tmp_path, sample, "SourceStreams", "activity_data", 1,
                             "Activity data (tonnes)")
    _, findings = read_installation_workbook(path)
    missing = [f for f in findings if f.code == "cbam-read-missing-column"]
    assert [(f.location.sheet, f.location.cell) for f in missing] == [("SourceStreams", "A1")]
    assert "'activity_data'" in missing[0].message
    unknown = next(f for f in findings if f.code == "cbam-read-unknown-column")
    assert unknown.location.cell == f"{col}1" and "did you mean 'activity_data'" in unknown.message


def test_workbook_without_its_processes_sheet_is_refused_naming_it(tmp_path, sample):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_installation_workbook(tmp_path / "hm.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    del wb["Processes"]
    wb.save(path)
    with pytest.raises(InputUnreadable) as caught:
        read_installation(path)
    assert "no Processes sheet" in str(caught.value)


def test_unknown_dropdown_value_is_a_finding(tmp_path, sample):
    openpyxl = pytest.importorskip("openpyxl")
    path = write_installation_workbook(tmp_path / "hm.xlsx", sample)
    wb = openpyxl.load_workbook(path)
    pr = wb["Processes"]
    col = next(c.column_letter for c in pr[1] if c.value == "electricity_ef_source")
    pr[f"{col}2"] = "grid average"
    wb.save(path)
    _, findings = read_installation_workbook(path)
    hit = [f for f in findings if f.code == "cbam-read-not-in-list"]
    assert hit and hit[0].location.cell == f"{col}2"


# --------------------------------------------------------------------------- official template

def test_shipped_template_reads_as_empty_installation():
    inst, findings = read_official(default_template())
    assert inst.source_kind == "official-2.1.1"
    assert inst.processes == [] and inst.streams == [] and inst.precursors == []
    assert inst.products == [] and inst.goods == []
    assert inst.site.name is None
    assert [f for f in findings if f.severity == "error"] == []


def test_template_example_rows_are_ignored():
    inst, _ = read_official(default_template())
    # Rows 14-16 (Ex.1-Ex.3), 97 and 111-112 hold examples; none may become a record.
    assert inst.streams == [] and inst.pfc == [] and inst.cems == []


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl drops the x14 extensions
def test_version_other_than_2_1_1_is_refused(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    path = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(default_template())
    ws = wb["VersionDocumentation"]
    assert ws["B3"].value == "Version:" or ws["C3"].value is not None
    ws["C3"] = dt.datetime(2024, 6, 5)
    wb.save(path)
    with pytest.raises(InputUnreadable) as info:
        read_official(path)
    message = str(info.value)
    assert "2024-06-05" in message and "2.1.1" in message


def test_text_in_number_cell_of_official_template(tmp_path):
    path = tmp_path / "bad.xlsx"
    patch_package(default_template(), path, {"B_EmInst": {
        "D17": "Combustion", "E17": "Diesel", "F17": "n/a", "G17": "t", "J17": 3.1,
        "K17": "tCO2/t"}})
    inst, findings = read_official(path)
    bad = [f for f in findings if f.code == "cbam-read-not-a-number"]
    assert len(bad) == 1
    assert str(bad[0].location).endswith("B_EmInst!F17")
    assert inst.streams[0].name == "Diesel" and inst.streams[0].activity_data is None


def test_duplicate_process_name_in_official_template(tmp_path):
    path = tmp_path / "dup.xlsx"
    patch_package(default_template(), path, {"A_InstData": {
        "E62": "Iron or steel products", "E83": "Iron or steel products",
        "F83": "Only direct production", "L83": "Bolts",
        "E84": "Iron or steel products", "F84": "Only direct production", "L84": "bolts"}})
    inst, findings = read_official(path)
    hits = [f for f in findings if f.code == "cbam-read-duplicate-name"]
    assert len(hits) == 1 and hits[0].location.cell == "L84"
    assert [p.id for p in inst.processes] == ["P1", "P2"]


def test_official_dropdown_spelling_is_case_insensitive(tmp_path):
    path = tmp_path / "case.xlsx"
    patch_package(default_template(), path, {"B_EmInst": {
        "D17": "process Emissions", "E17": "Limestone", "F17": 10.0, "G17": "t",
        "J17": 0.44, "K17": "TCO2/T", "D18": "mass balance", "E18": "Coke", "F18": 5,
        "G18": "t", "L18": 0.85, "D19": "Burning", "E19": "Wood"},
        "A_InstData": {"I26": "china", "I27": "CNDGG"}})
    inst, findings = read_official(path)
    assert [s.method for s in inst.streams] == ["process", "mass_balance", None]
    assert inst.streams[0].ef_unit == "tCO2/t"
    assert inst.site.country == "CN"
    bad = [f for f in findings if f.code == "cbam-read-not-in-list"]
    assert len(bad) == 1 and bad[0].location.cell == "D19"


# --------------------------------------------------------------------------- detection

def test_read_installation_detects_both_kinds(tmp_path, sample):
    ours = write_installation_workbook(tmp_path / "ours.xlsx", sample)
    inst, _ = read_installation(ours)
    assert inst.source_kind == "carbonaudit" and inst.source_path == str(ours)
    assert len(inst.source_sha256) == 64
    official = tmp_path / "official.xlsx"
    shutil.copy(default_template(), official)
    inst, _ = read_installation(str(official))
    assert inst.source_kind == "official-2.1.1" and inst.source_path == str(official)


def test_corrupt_file_is_input_unreadable(tmp_path):
    path = tmp_path / "broken.xlsx"
    data = default_template().read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputUnreadable):
        read_installation(path)
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(InputUnreadable):
        read_installation(text)


def test_unrelated_workbook_is_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "other.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Data").write(0, 0, "x")
    wb.close()
    with pytest.raises(InputUnreadable, match="neither"):
        read_installation(path)


@pytest.mark.parametrize(("lang", "header", "field"), [
    ("zh-Hans", "活动数据", "装置名称（英文）"), ("zh-Hant", "活動數據", "裝置名稱（英文）")])
def test_chinese_headers_write_and_read_back_the_same_installation(tmp_path, lang, header,
                                                                   field):
    """The sample installation written with Chinese headers reads back to the same
    installation: the same SEE per product as from the English workbook."""
    import python_calamine

    from carbonaudit.cbam.compute import compute

    sample = ROOT / "samples" / "harbour_metals" / "installation_2026.xlsx"
    english, found = read_installation_workbook(sample)
    assert not [f for f in found if f.severity == "error"]
    path = write_installation_workbook(tmp_path / f"{lang}.xlsx", english, lang=lang)
    book = python_calamine.load_workbook(str(path))
    streams = book.get_sheet_by_name("SourceStreams").to_python()
    assert header in streams[0] and "activity_data" not in streams[0]
    names = [r[0] for r in book.get_sheet_by_name("Installation").to_python()]
    assert field in names
    chinese, found = read_installation_workbook(path)
    assert not [f for f in found if f.severity == "error"], found
    assert not [f for f in found if f.code == "cbam-read-unknown-column"]
    assert chinese.site.name == english.site.name
    a = compute(english, regime="definitive", year=2026)
    b = compute(chinese, regime="definitive", year=2026)
    assert [(p.cn_code, p.see_direct, p.see_indirect) for p in a.products] == \
        [(p.cn_code, p.see_direct, p.see_indirect) for p in b.products]
    blank = write_installation_template(tmp_path / f"blank-{lang}.xlsx", lang)
    instructions = python_calamine.load_workbook(str(blank)).get_sheet_by_name(
        "Instructions").to_python()
    assert instructions[0][0].startswith("CBAM 裝置" if lang == "zh-Hant" else "CBAM 装置")
