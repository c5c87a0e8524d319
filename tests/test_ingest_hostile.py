"""Hostile and damaged input files: a clean refusal or a finding, never a traceback.

Every file is built in the test: a real workbook written by xlsxwriter, then one XML part
of its zip changed the way a broken or malicious producer would.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import column_letter
from carbonaudit.ingest import xlsx_limits
from carbonaudit.ingest.reader import read_activity_files
from carbonaudit.ingest.xlsx_safety import check_workbook

SHEET = "xl/worksheets/sheet1.xml"


def _base(path: Path) -> Path:
    """A small activity workbook whose sheet holds a formula, so the formula scan reads it."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Activity")
    sheet.write_row("A1", ["activity", "quantity", "unit", "site"])
    sheet.write_row("A2", ["purchased_electricity", 100, "kWh", "HQ"])
    sheet.write_row("A3", ["purchased_electricity"])
    sheet.write_formula("B3", "=B2*2", None, 200)
    sheet.write("C3", "kWh")
    book.close()
    return path


def _patched(src: Path, dst: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == part else data)
    return dst


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(InputUnreadable) as caught:
        read_activity_files([path])
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    return message


# --- 1. XML the parser refuses -----------------------------------------------------------

_BROKEN_SHEETS = {
    "unbound-prefix": lambda d: d.replace(b"<sheetData>", b"<sheetData><q:x/>", 1),
    "duplicate-attribute": lambda d: d.replace(b'<c r="A1"', b'<c r="A1" r="A1"', 1),
    "missing-end-tag": lambda d: d.replace(b"</sheetData>", b"", 1),
    "control-character": lambda d: d.replace(b"<sheetData>", b"<sheetData>\x01", 1),
}


@pytest.mark.parametrize("damage", sorted(_BROKEN_SHEETS))
def test_sheet_xml_the_parser_refuses_is_unreadable(tmp_path: Path, damage: str) -> None:
    path = _patched(_base(tmp_path / "base.xlsx"), tmp_path / f"{damage}.xlsx", SHEET,
                    _BROKEN_SHEETS[damage])
    _refused(path, "open it in Excel and save it again")


def test_entity_declaration_in_workbook_xml_is_refused(tmp_path: Path) -> None:
    path = _patched(_base(tmp_path / "base.xlsx"), tmp_path / "entity.xlsx", "xl/workbook.xml",
                    lambda d: d.replace(b"?>", b'?><!DOCTYPE workbook [<!ENTITY x "y">]>', 1))
    _refused(path, "xl/workbook.xml", "entities")


def test_refusals_exit_3_with_one_line(tmp_path: Path) -> None:
    base = _base(tmp_path / "base.xlsx")
    cases = [
        _patched(base, tmp_path / "entity.xlsx", "xl/workbook.xml",
                 lambda d: d.replace(b"?>", b'?><!DOCTYPE workbook [<!ENTITY x "y">]>', 1)),
        _patched(base, tmp_path / "unbound.xlsx", SHEET, _BROKEN_SHEETS["unbound-prefix"]),
    ]
    runner = CliRunner()
    for path in cases:
        result = runner.invoke(app, ["assess", str(path), "-o", str(tmp_path / "out")])
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.output
        assert not isinstance(result.exception, (ValueError, SyntaxError))


# --- CSV cells longer than the csv module's field limit -------------------------------------


@pytest.mark.parametrize("quote", ["", '"'])
def test_csv_cell_over_128_kib_is_read_whole(tmp_path: Path, quote: str) -> None:
    note = "x" * 200_000
    path = tmp_path / "long.csv"
    path.write_text("activity,quantity,unit,description\n"
                    f"purchased_electricity,10,kWh,{quote}{note}{quote}\n"
                    "purchased_electricity,11,kWh,short\n", encoding="utf-8")
    table = read_activity_files([path]).tables[0]
    assert table.df["description"].tolist() == [note, "short"]
    assert table.df["quantity"].tolist() == ["10", "11"]


def test_csv_cell_of_megabytes_below_the_head_is_read_whole(tmp_path: Path) -> None:
    note = "y" * 3_000_000
    path = tmp_path / "late.csv"
    path.write_text("activity,quantity,unit,description\n"
                    + "purchased_electricity,10,kWh,a\n" * 5000
                    + f'purchased_electricity,12,kWh,"{note}"\n', encoding="utf-8")
    table = read_activity_files([path]).tables[0]
    assert len(table.df) == 5001
    assert table.df["description"].iloc[-1] == note
    assert table.df["_row"].iloc[-1] == 5002


# --- --encoding that cannot decode text -----------------------------------------------------


@pytest.mark.parametrize("codec", ["hex", "base64", "zlib", "rot13", "bz2", "uu", "quopri"])
def test_encoding_that_is_not_a_text_encoding_is_a_usage_error(tmp_path: Path,
                                                                codec: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text("activity,quantity\npurchased_electricity,1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a text encoding"):
        read_activity_files([path], encoding=codec)
    result = CliRunner().invoke(app, ["assess", str(path), "--encoding", codec,
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("codec", ["utf-16", "UTF16", "utf-32"])
def test_utf16_without_byte_order_mark_is_refused(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("activity,quantity\npurchased_electricity,1\n".encode("utf-16-le"))
    with pytest.raises(InputUnreadable, match="byte-order mark"):
        read_activity_files([path], encoding=codec)


def test_explicit_byte_order_of_a_file_with_its_mark(tmp_path: Path) -> None:
    text = "activity,quantity,unit\npurchased_electricity,5,kWh\n"
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    for codec in (None, "utf-16", "utf-16-le"):
        table = read_activity_files([path], encoding=codec).tables[0]
        assert table.source.encoding == "utf-16"
        assert table.columns == {"activity": "A", "quantity": "B", "unit": "C"}
    without = tmp_path / "le.csv"
    without.write_bytes(text.encode("utf-16-le"))
    table = read_activity_files([without], encoding="utf-16-le").tables[0]
    assert table.df["quantity"].tolist() == ["5"]


def test_utf32_byte_order_mark_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = tmp_path / "u32.csv"
    path.write_bytes("activity,quantity\n外購電力,5\n".encode("utf-32"))
    table = read_activity_files([path]).tables[0]
    assert table.source.encoding == "utf-32"
    assert table.df["activity"].tolist() == ["外購電力"]


# --- 2. bounded memory: sheets that would materialise far more than the file holds ----------


def _workbook(path: Path, extra: Callable | None = None, *, header: list[str] | None = None
              ) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Activity")
    sheet.write_row(0, 0, header or ["activity", "quantity", "unit", "site", "description"])
    sheet.write_row(1, 0, ["purchased_electricity", 100, "kWh", "HQ"])
    if extra is not None:
        extra(sheet)
    book.close()
    return path


_MIB_TEXT = b"x" * 1024**2


def _shared_mib(tmp_path: Path, cells: int = 1500) -> Path:
    """`cells` rows whose description is one shared string, grown to 1 MiB in the zip
    (xlsxwriter itself stops at Excel's 32,767 characters)."""
    def rows(sheet) -> None:
        for r in range(1, cells + 1):
            sheet.write_row(r, 0, ["purchased_electricity", 1, "kWh", "HQ", "x" * 32767])
    small = _workbook(tmp_path / "shared_small.xlsx", rows)
    return _patched(small, tmp_path / "shared_mib.xlsx", "xl/sharedStrings.xml",
                    lambda d: d.replace(b"x" * 32767, _MIB_TEXT))


def _hostile_files(tmp_path: Path) -> dict[str, Path]:
    far_5000 = _workbook(tmp_path / "far_5000.xlsx", lambda s: s.write_number(4999, 16383, 1))
    return {
        "XFD1048576": _workbook(tmp_path / "far_max.xlsx",
                                lambda s: s.write_number(1048575, 16383, 1)),
        "XFD5000": far_5000,
        "XFD5000, dimension says A1:D2": _patched(
            far_5000, tmp_path / "lying.xlsx", SHEET,
            lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D2"/>', d)),
        "XFD1 and a cell without reference on row 1048576": _patched(
            _workbook(tmp_path / "plain.xlsx"), tmp_path / "noref.xlsx", SHEET,
            lambda d: d.replace(b"</sheetData>", b'<row r="3"><c r="XFD3"><v>2</v></c></row>'
                                b'<row r="1048576"><c><v>1</v></c></row></sheetData>')),
        "1 MiB shared string in 1,500 cells": _shared_mib(tmp_path),
    }


def test_hostile_sheets_are_refused_naming_the_limit(tmp_path: Path) -> None:
    files = _hostile_files(tmp_path)
    message = _refused(files["XFD1048576"], "A1:XFD1048576", "17,179,869,184 cells",
                       "(XFD1048576)", "5,000,000 cells")
    assert "sheet 'Activity'" in message
    _refused(files["XFD5000"], "A1:XFD5000", f"{16384 * 5000:,} cells", "(XFD5000)")
    _refused(files["XFD5000, dimension says A1:D2"], "A1:XFD5000", "(XFD5000)")
    _refused(files["XFD1 and a cell without reference on row 1048576"], "A1:XFD1048576",
             "XFD3", "A1048576")
    text = _refused(files["1 MiB shared string in 1,500 cells"], "repeats shared text",
                    "134,217,728 bytes")
    copied = int(re.search(r"text into its cells, ([\d,]+) bytes", text)[1].replace(",", ""))
    # each of the 1,500 rows copies the 1 MiB text and three short ones (markup included)
    assert 1500 * 1024**2 <= copied <= 1500 * (1024**2 + 4 * 64) + 10_000


def test_hostile_sheets_exit_3(tmp_path: Path) -> None:
    path = _hostile_files(tmp_path)["XFD1048576"]
    result = CliRunner().invoke(app, ["assess", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "XFD1048576" in result.output and "Traceback" not in result.output


_PEAK = """
import json, re, sys
from carbonaudit.errors import InputUnreadable
from carbonaudit.ingest.reader import read_activity_files
peaks = {}
for name, path in json.loads(sys.argv[1]).items():
    try:
        read_activity_files([path])
        outcome = "read"
    except InputUnreadable:
        outcome = "refused"
    # VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec
    status = open("/proc/self/status").read()
    peaks[name] = [outcome, int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) / 1024]
print(json.dumps(peaks))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_hostile_sheets_peak_memory(tmp_path: Path) -> None:
    """All files read in one fresh process: its peak (MB, imports included: ~110 MB) bounds
    the peak of each."""
    import json
    import subprocess
    import sys

    files = {name: str(path) for name, path in _hostile_files(tmp_path).items()}
    out = subprocess.run([sys.executable, "-c", _PEAK, json.dumps(files)],
                         capture_output=True, text=True, check=True, timeout=120)
    peaks = json.loads(out.stdout)
    print("peak RSS (MB) after each file:", {n: round(mb) for n, (_, mb) in peaks.items()})
    assert all(outcome == "refused" for outcome, _ in peaks.values()), peaks
    assert max(mb for _, mb in peaks.values()) < 1536, peaks


def test_grid_limit_edges(tmp_path: Path) -> None:
    """304 x 16,384 = 4,980,736 cells is under the 5,000,000 floor; 306 rows are over it."""
    under = _workbook(tmp_path / "under.xlsx", lambda s: s.write_number(303, 16383, 1))
    over = _workbook(tmp_path / "over.xlsx", lambda s: s.write_number(305, 16383, 1))
    check_workbook(under)
    with pytest.raises(InputUnreadable, match="A1:XFD306"):
        check_workbook(over)


def test_a_sheet_not_asked_for_does_not_stop_the_one_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(path)
    data = book.add_worksheet("Activity")
    data.write_row(0, 0, ["activity", "quantity", "unit"])
    data.write_row(1, 0, ["purchased_electricity", 5, "kWh"])
    book.add_worksheet("Notes").write_number(4999, 16383, 1)
    book.close()
    _refused(path, "sheet 'Notes'")
    table = read_activity_files([path], sheet="Activity").tables[0]
    assert table.df["quantity"].tolist() == [5]


def test_a_long_sheet_that_holds_its_cells_passes(tmp_path: Path, monkeypatch) -> None:
    """The rule at a scale a test can write: with the floor at 50,000 cells, 5,000 rows under
    a 20-column header with only two columns filled (100,000 grid cells) still pass, as a
    1,048,576 x 20 sheet does at full scale; a stray value at XFD of the same table does not."""
    monkeypatch.setattr(xlsx_limits, "AREA_FLOOR", 50_000)
    header = [f"column {i}" for i in range(18)] + ["activity", "quantity"]

    def rows(sheet) -> None:
        for r in range(1, 5000):
            sheet.write_row(r, 18, ["purchased_electricity", r])
    path = _workbook(tmp_path / "long.xlsx", rows, header=header)
    (size,) = [s for s in _sizes(path) if s.name == "Activity"]
    assert (size.rows, size.cols) == (5000, 20)
    assert size.area > xlsx_limits.AREA_FLOOR
    assert len(read_activity_files([path]).tables[0].df) == 4999

    # (patched in: xlsxwriter would loop over all 16,384 columns of every row)
    stray = _patched(path, tmp_path / "stray.xlsx", SHEET, lambda d: d.replace(
        b'</c></row><row r="4"',
        b'</c><c r="XFD3" t="inlineStr"><is><t>checked</t></is></c></row><row r="4"', 1))
    with pytest.raises(InputUnreadable, match=r"A1:XFD5000 .*\(XFD3 and S5000\)"):
        check_workbook(stray)


def _sizes(path: Path) -> list[xlsx_limits.SheetSize]:
    with zipfile.ZipFile(path) as zf:
        return xlsx_limits.check_sizes(zf, str(path), [("Activity", SHEET)],
                                       ["xl/sharedStrings.xml"])


def test_claimed_dimension_is_checked_across_piece_seams(tmp_path: Path, monkeypatch) -> None:
    """A cell beyond the claimed dimension is seen wherever the pieces of the XML are cut:
    the measure falls back to the exact pass, which finds the real width (5, not 4)."""
    monkeypatch.setattr(xlsx_limits, "_CHUNK", 64)
    plain = _workbook(tmp_path / "plain.xlsx")
    for pad in range(0, 70, 3):
        def widen(d: bytes, pad: int = pad) -> bytes:
            d = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D2"/>', d)
            filler = b'<c r="A3" t="inlineStr"><is><t>' + b"p" * pad + b"</t></is></c>"
            return d.replace(b"</sheetData>", b'<row r="3">' + filler
                             + b'<c r="E3"><v>1</v></c></row></sheetData>')
        path = _patched(plain, tmp_path / f"seam{pad}.xlsx", SHEET, widen)
        (size,) = _sizes(path)
        assert (size.rows, size.cols) == (3, 5), pad


def test_contradiction_pattern_flags_exactly_the_cells_beyond() -> None:
    import random

    rng = random.Random(9)
    for _ in range(300):
        cols, rows = rng.randint(1, 16384), rng.randint(1, 1048576)
        letters, digits = column_letter(cols - 1), str(rows)
        pattern = xlsx_limits._contradiction(letters, digits)
        for _ in range(20):
            col = rng.choice([cols, cols + 1, max(1, cols - 1), rng.randint(1, 20000)])
            row = rng.choice([rows, rows + 1, max(1, rows - 1), rng.randint(1, 2_000_000)])
            cell = f'<c r="{column_letter(col - 1)}{row}" s="1"><v>1</v></c>'.encode()
            assert xlsx_limits._matches(cell, pattern) == (col > cols or row > rows), (
                letters, digits, cell)
    pattern = xlsx_limits._contradiction("Z", "99")
    for odd in (b"<c><v>1</v></c>", b'<c s="1" r="A1">', b'<x:c r="A1">', b'<c r="a1">',
                b'<c r="$A$1">', b'<c\nr="A1">', b'<c r="A001">'):
        assert xlsx_limits._matches(odd, pattern), odd


@pytest.mark.parametrize("form", [
    b'<c r="E2" t="s"><v>{i}</v></c>',
    b'<c t="s" r="E2"><v>{i}</v></c>',           # attribute order: the exact pass
    b'<c r="E2" s="0" t="s"><v>{i}</v></c>',
])
def test_shared_text_is_counted_in_every_form(tmp_path: Path, form: bytes) -> None:
    path = _shared_mib(tmp_path, cells=3)
    with zipfile.ZipFile(path) as zf:
        sst = zf.read("xl/sharedStrings.xml")
    index = sst[: sst.index(_MIB_TEXT)].count(b"<si>") - 1
    cell = form.replace(b"{i}", str(index).encode())
    copies = b"".join(b'<row r="%d">' % r + cell.replace(b"E2", b"E%d" % r) + b"</row>"
                      for r in range(10, 110))
    hostile = _patched(path, tmp_path / "many.xlsx", SHEET,
                       lambda d: d.replace(b"</sheetData>", copies + b"</sheetData>"))
    (size,) = _sizes(hostile)
    assert 103 * 1024**2 <= size.text_bytes <= 103 * (1024**2 + 64) + 4 * 64 * 3 + 1000
