"""Nothing lost quietly: merged cells, sheets that are not read, cells past the header.

Workbooks are written by xlsxwriter in the test, CSV files as text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Severity
from carbonaudit.ingest.reader import IngestResult, read_activity_files


def _found(result: IngestResult, code: str) -> list:
    return [f for f in result.findings if f.code == code]


# --- merged cells ----------------------------------------------------------------------------


def _merged_workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Activity")
    sheet.merge_range("A1:D1", "Activity data 2025")           # a title above the header
    sheet.write_row("A5", ["site", "activity", "quantity", "unit"])
    sheet.merge_range("A6:A17", "Kwun Tong")                    # one site for twelve rows
    for row in range(6, 18):
        sheet.write_row(f"B{row}", ["purchased_electricity", row * 10, "kWh"])
    sheet.merge_range("A19:A23", "Shenzhen")                    # over rows 21 and 23 too,
    for row in (19, 20, 22):                                      # which hold nothing else
        sheet.write_row(f"B{row}", ["purchased_electricity", row, "kWh"])
    sheet.write_row("A24", ["Dongguan", "purchased_electricity", 5, "kWh"])
    book.close()
    return path


def test_merged_range_is_read_with_its_top_left_value(tmp_path: Path) -> None:
    result = read_activity_files([_merged_workbook(tmp_path / "merged.xlsx")])
    df = result.tables[0].df
    assert df["_row"].tolist() == [*range(6, 18), 19, 20, 22, 24]
    assert df["site"].tolist() == ["Kwun Tong"] * 12 + ["Shenzhen"] * 3 + ["Dongguan"]
    assert df["quantity"].tolist() == [r * 10 for r in range(6, 18)] + [19, 20, 22, 5]
    notes = _found(result, "merged-cells-filled")
    assert [(f.location.sheet, f.location.cell) for f in notes] == [
        ("Activity", "A6:A17"), ("Activity", "A19:A23")]
    assert all(f.severity is Severity.INFO for f in notes)
    assert "Kwun Tong" in notes[0].message
    assert str(notes[0].location).endswith("Activity!A6:A17")
    # Rows 21 and 23 hold nothing but the merged name: blank, not rows with only a site.
    assert result.tables[0].blank_rows == 3  # 18, 21, 23


def test_merged_title_above_the_header_is_left_alone(tmp_path: Path) -> None:
    result = read_activity_files([_merged_workbook(tmp_path / "merged.xlsx")])
    assert result.tables[0].header_row == 5
    assert not any(f.location.cell == "A1:D1" for f in result.findings)


def test_merged_ranges_piled_on_each_other_are_refused(tmp_path: Path) -> None:
    """Ranges that overlap over more cells than the sheet has (Excel refuses to open such
    a file) would cost ranges x cells to fill: a refusal, not a long loop."""
    src = _merged_workbook(tmp_path / "merged.xlsx")
    dst = tmp_path / "piled.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</mergeCells>", b'<mergeCell ref="A6:D24"/>' * 5
                                    + b"</mergeCells>")
            zout.writestr(item.filename, data)
    with pytest.raises(InputUnreadable, match="merged cell ranges overlap"):
        read_activity_files([dst])


# --- sheets that are not read ------------------------------------------------------------------


def test_sheet_with_data_rows_but_one_recognised_column_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(path)
    data = book.add_worksheet("Activity")
    data.write_row(0, 0, ["activity", "quantity", "unit"])
    data.write_row(1, 0, ["purchased_electricity", 10, "kWh"])
    fuel = book.add_worksheet("Fuel")
    fuel.write_row(0, 0, ["Fuel type", "Litres", "Month"])
    for r, (item, litres) in enumerate([("diesel", 120), ("diesel", 95), ("petrol", 40),
                                        ("diesel", "1,200")], start=1):
        fuel.write_row(r, 0, [item, litres, f"2025-0{r}"])
    notes = book.add_worksheet("Instructions")
    notes.write_column(0, 0, ["Fill in one row per invoice.", "Units: kWh, m3, L"])
    book.close()

    result = read_activity_files([path])
    (warned,) = _found(result, "sheet-not-read")
    assert warned.severity is Severity.WARNING
    assert (warned.location.sheet, warned.location.cell) == ("Fuel", "A1")
    assert "4 data row(s)" in warned.message and "'Fuel type'" in warned.message
    assert [(u.sheet, u.rows) for u in result.unread_sheets] == [("Fuel", 4)]
    assert result.rows_not_read == 4
    # A sheet of instructions (text only) is still just a note.
    (skipped,) = _found(result, "sheet-skipped")
    assert skipped.location.sheet == "Instructions" and skipped.severity is Severity.INFO
    assert sum(len(t.df) for t in result.tables) == 1


def test_our_own_template_has_no_unread_sheets(tmp_path: Path) -> None:
    from carbonaudit.templates.activity import write_activity_template

    path = write_activity_template(tmp_path / "template.xlsx")
    result = read_activity_files([path])
    assert result.unread_sheets == []
    assert _found(result, "sheet-not-read") == []


# --- cells past the header in a CSV ------------------------------------------------------------


def test_csv_cell_past_the_header_in_the_first_data_row(tmp_path: Path, capfd) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("activity,quantity,unit,reference\n"
                    "purchased_electricity,10,kWh,R1,EXTRA\n"
                    "purchased_electricity,11,kWh,R2\n", encoding="utf-8")
    result = read_activity_files([path])
    df = result.tables[0].df
    assert df["reference"].tolist() == ["R1", "R2"]
    assert df["quantity"].tolist() == ["10", "11"]
    (stray,) = _found(result, "unlabelled-cells")
    assert (stray.location.sheet, stray.location.cell) == ("extra.csv", "E2")
    assert stray.severity is Severity.WARNING and "1 value(s)" in stray.message
    assert "Warning" not in capfd.readouterr().err


def test_csv_cells_past_the_header_on_every_row(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("activity,quantity\n" + "purchased_electricity,1,kWh,note\n" * 3,
                    encoding="utf-8")
    result = read_activity_files([path])
    cells = sorted((f.location.cell, f.message) for f in _found(result, "unlabelled-cells"))
    assert [c for c, _ in cells] == ["C2", "D2"]
    assert all("3 value(s)" in m for _, m in cells)
    assert len(result.tables[0].df) == 3


# --- encodings ---------------------------------------------------------------------------------

_ENGLISH_HEADER = "activity,quantity,unit,site\n"


def _sites_csv(path: Path, sites: list[str], encoding: str, rows: int = 40) -> Path:
    lines = [f"purchased_electricity,{100 + i},kWh,{sites[i % len(sites)]}\n"
             for i in range(rows)]
    path.write_bytes((_ENGLISH_HEADER + "".join(lines)).encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "recorded", "sites"), [
    ("big5", "big5", ["觀塘辦公室", "荃灣倉庫", "沙田廠房", "將軍澳數據中心"]),
    ("shift_jis", "cp932", ["東京本社", "大阪工場", "横浜センター", "福岡支店"]),
    ("gb18030", "gb18030", ["东莞工厂", "深圳总部", "广州仓库", "佛山车间"]),
    ("cp1252", "cp1252", ["Zürich Büro", "Köln Werk", "Café Lyon", "Málaga Straße"]),
])
def test_legacy_csv_with_english_header_is_read_in_its_own_encoding(
        tmp_path: Path, encoding: str, recorded: str, sites: list[str]) -> None:
    path = _sites_csv(tmp_path / "sites.csv", sites, encoding)
    table = read_activity_files([path]).tables[0]
    assert table.source.encoding == recorded
    assert table.df["site"].tolist()[:4] == sites


@pytest.mark.parametrize(("encoding", "sites"), [
    ("big5", ["觀塘辦公室"]), ("shift_jis", ["東京本社"]), ("gb18030", ["东莞工厂"]),
    ("cp1252", ["São Paulo", "Århus"]),     # read differently as cp1250: not a guess
])
def test_too_little_evidence_is_a_refusal_asking_for_encoding(
        tmp_path: Path, encoding: str, sites: list[str]) -> None:
    path = _sites_csv(tmp_path / "few.csv", sites, encoding, rows=1 if encoding != "cp1252"
                      else 40)
    with pytest.raises(InputUnreadable, match="--encoding") as caught:
        read_activity_files([path])
    assert "cannot tell the text encoding" in str(caught.value)
    # and with the encoding given, the same file reads as written
    given = "cp932" if encoding == "shift_jis" else encoding
    table = read_activity_files([path], encoding=given).tables[0]
    assert table.df["site"].tolist()[: len(sites)] == sites


def test_one_big5_line_at_the_end_of_a_utf8_file_is_refused(tmp_path: Path) -> None:
    text = _ENGLISH_HEADER + "".join(f"purchased_electricity,{i},kWh,觀塘辦公室\n"
                                     for i in range(30))
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode("utf-8")
                     + "purchased_electricity,9,kWh,荃灣倉庫\n".encode("big5"))
    with pytest.raises(InputUnreadable, match="UTF-8 up to line 32") as caught:
        read_activity_files([path])
    assert "another encoding" in str(caught.value)


def test_utf16_without_mark_is_not_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "u16.csv"
    path.write_bytes((_ENGLISH_HEADER + "purchased_electricity,1,kWh,HQ\n").encode("utf-16-le"))
    with pytest.raises(InputUnreadable, match="utf-16-le"):
        read_activity_files([path])
    table = read_activity_files([path], encoding="utf-16-le").tables[0]
    assert table.df["site"].tolist() == ["HQ"]
