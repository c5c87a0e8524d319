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
