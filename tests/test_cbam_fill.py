"""fill_template: an Installation written into a copy of the official template (v2.1.1).

The copy must keep every zip part of the template, byte for byte, except the sheets that
receive values and workbook.xml; and `read_official` must read back the same model.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest
from test_cbam_readers import _sample_module, plain  # tests/ is on sys.path (rootdir)

from carbonaudit.cbam.fill import (
    cell_xml,
    default_template,
    fill_template,
    patch_sheet,
    set_full_calc_on_load,
)
from carbonaudit.cbam.model import Installation, Precursor, Process, Site
from carbonaudit.cbam.official import read_official
from carbonaudit.findings import Location
from carbonaudit.ingest.xlsx_safety import sheet_part

EDITED_SHEETS = ("A_InstData", "B_EmInst", "C_Emissions&Energy", "D_Processes", "E_PurchPrec",
                 "Summary_Products")


@pytest.fixture(scope="module")
def sample() -> Installation:
    return _sample_module().installation()


@pytest.fixture(scope="module")
def filled(tmp_path_factory, sample):
    path = tmp_path_factory.mktemp("fill") / "filled.xlsx"
    findings = fill_template(sample, path)
    assert findings == []
    return path


def test_fill_then_read_official_gives_the_same_model(filled, sample):
    inst, findings = read_official(filled)
    assert [f.code for f in findings] == ["cbam-read-not-recalculated"]
    assert plain(inst) == plain(sample)
    assert inst.stated == []  # the cache is the blank template's: not trusted
    assert [g.category for g in inst.goods] == ["Iron or steel products", "Aluminium products"]


def test_filled_file_gets_the_permissions_of_a_normal_file(filled):
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert filled.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_zip_parts_are_kept_byte_for_byte(filled):
    with zipfile.ZipFile(default_template()) as before, zipfile.ZipFile(filled) as after:
        assert before.namelist() == after.namelist()
        edited = {sheet_part(before, s) for s in EDITED_SHEETS} | {"xl/workbook.xml"}
        for name in before.namelist():
            same = before.read(name) == after.read(name)
            assert same != (name in edited), name
        assert re.search(rb'<calcPr[^>]*fullCalcOnLoad="1"', after.read("xl/workbook.xml"))


def test_cells_keep_their_style_and_use_template_spelling(filled):
    with zipfile.ZipFile(default_template()) as before, zipfile.ZipFile(filled) as after:
        part = sheet_part(before, "A_InstData")
        old, new = before.read(part), after.read(part)
    style = re.search(rb'<c r="I26" s="(\d+)"', old).group(1)
    assert re.search(rb'<c r="I26" s="' + style + rb'" t="inlineStr"><is><t[^>]*>China</t>',
                     new)
    assert b"<t xml:space=\"preserve\">Iron or steel products</t>" in new


def test_process_and_precursor_blocks_use_the_strides(tmp_path):
    procs = [Process(f"P{i}", f"Proc {i}", "Iron or steel products",
                     ["Only direct production"], {"All production routes": 10.0 * i})
             for i in (1, 2, 3)]
    procs[1].consumed_in = {"Proc 1": 1.5, "Proc 3": 2.5}   # P2 -> P1 (row 0), P3 (row 1)
    precs = [Precursor("PP1", "Rod", "Iron or steel products", "CN"),
             Precursor("PP2", "Billet", "Crude steel", "CN", ["Electric arc furnace"],
                       {"Electric arc furnace": 7.0}, {"Proc 3": 6.0}, other_uses=1.0)]
    inst = Installation(site=Site(name="x"), processes=procs, precursors=precs)
    path = tmp_path / "blocks.xlsx"
    assert fill_template(inst, path) == []
    with zipfile.ZipFile(path) as zf:
        d = zf.read(sheet_part(zf, "D_Processes"))
        e = zf.read(sheet_part(zf, "E_PurchPrec"))
    assert re.search(rb'<c r="L81"[^>]*><v>20.0</v>', d)      # P2 production: 16 + 65
    assert re.search(rb'<c r="L97"[^>]*><v>1.5</v>', d)       # P2 (c) first row: P1
    assert re.search(rb'<c r="L98"[^>]*><v>2.5</v>', d)       # P2 (c) second row: P3
    assert re.search(rb'<c r="L62"[^>]*><v>7.0</v>', e)       # PP2, EAF = route 2: 18 + 44
    assert re.search(rb'<c r="L74"[^>]*><v>6.0</v>', e)       # PP2 consumed in P3: 28+44+2
    back, _ = read_official(path)
    assert back.processes[1].consumed_in == {"Proc 1": 1.5, "Proc 3": 2.5}
    assert back.precursors[1].purchased == {"Electric arc furnace": 7.0}
    assert back.precursors[1].consumed_in == {"Proc 3": 6.0}


def test_unknown_route_and_process_are_findings_not_errors(tmp_path, sample):
    proc = dataclasses.replace(sample.processes[0], consumed_in={"Nowhere": 2.0})
    billet = dataclasses.replace(sample.precursors[1], purchased={"Blast furnace route": 1.0})
    inst = dataclasses.replace(sample, processes=[proc], precursors=[billet])
    findings = fill_template(inst, tmp_path / "x.xlsx")
    assert {f.code for f in findings} >= {"cbam-fill-unknown-route", "cbam-fill-unknown-process"}


def test_patch_sheet_inserts_missing_cells_and_spares_formulas():
    xml = (b'<worksheet><sheetData><row r="2" spans="1:3"><c r="A2" s="3"/>'
           b'<c r="C2"><f>A2*2</f><v>0</v></c></row><row r="5"><c r="B5"/></row>'
           b'</sheetData></worksheet>')
    findings = []
    out = patch_sheet(xml, {"A2": "hi & bye", "B2": 4, "C2": 1, "A3": True},
                      findings, Location("f.xlsx", "S"))
    assert b'<c r="A2" s="3" t="inlineStr"><is><t xml:space="preserve">hi &amp; bye</t>' in out
    assert b'<c r="B2"><v>4.0</v></c><c r="C2"><f>' in out
    assert b'<row r="3"><c r="A3" t="b"><v>1</v></c></row><row r="5">' in out
    assert [f.code for f in findings] == ["cbam-fill-formula-cell"]


def test_calc_pr_flag_and_date_cells():
    assert set_full_calc_on_load(b'<workbook><calcPr calcId="1"/></workbook>') == (
        b'<workbook><calcPr fullCalcOnLoad="1" calcId="1"/></workbook>')
    import datetime as dt

    assert cell_xml("I9", dt.date(2026, 1, 1), "7") == b'<c r="I9" s="7"><v>46023</v></c>'
