"""Hostile and damaged input files: a clean refusal or a finding, never a traceback.

Every file is built in the test: a real workbook written by xlsxwriter, then one XML part
of its zip changed the way a broken or malicious producer would.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.ingest.reader import read_activity_files

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
