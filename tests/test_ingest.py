"""Tests for carbonaudit.ingest and carbonaudit.xlsx_safety, on real files written to tmp_path."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Severity
from carbonaudit.ingest.columns import CANONICAL, REQUIRED, match_header
from carbonaudit.ingest.reader import IngestResult, read_activity_files
from carbonaudit.ingest.xlsx_safety import check_workbook, formula_cells_without_value

HEADER = ["Activity", "Fuel", "Quantity", "Unit", "Site", "Cost (HKD)"]


def _write_xlsx(path: Path, sheets: dict[str, dict[str, object]]) -> Path:
    """sheets: name -> {cell ref: value} written with xlsxwriter (cached values included)."""
    book = xlsxwriter.Workbook(path)
    for name, cells in sheets.items():
        sheet = book.add_worksheet(name)
        for ref, value in cells.items():
            sheet.write(ref, value)
    book.close()
    return path


def _rows(first_row: int, rows: list[list[object]]) -> dict[str, object]:
    cells: dict[str, object] = {}
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                cells[f"{chr(65 + col)}{first_row + offset}"] = value
    return cells


def _codes(result: IngestResult) -> list[str]:
    return [f.code for f in result.findings]


def _finding(result: IngestResult, code: str):
    matches = [f for f in result.findings if f.code == code]
    assert matches, f"no {code} finding in {_codes(result)}"
    return matches[0]


# --- columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("Quantity", "quantity"), ("qty", "quantity"), ("數量", "quantity"), ("数量", "quantity"),
     ("消耗量", "quantity"), ("單位", "unit"), ("UOM", "unit"), ("地點", "site"),
     ("厂区", "site"), ("Activity Type", "activity"), ("排放源類別", "activity"),
     ("燃料", "item"), ("Start Date", "period_start"), ("開始日期", "period_start"),
     ("結束日期", "period_end"), ("年度", "year"), ("Grid Region", "region"), ("电网", "region"),
     ("EF ID", "factor_id"), ("排放因子編號", "factor_id"), ("Market factor", "supplier_factor"),
     ("供应商因子", "supplier_factor"), ("Invoice", "reference"), ("憑證", "reference"),
     ("  ＱＵＡＮＴＩＴＹ ", "quantity"), ("period_start", "period_start"),
     ("Quantity (kWh)", "quantity"), ("用量（度）", "quantity")],
)
def test_match_header(text: str, canonical: str) -> None:
    assert match_header(text) == canonical


@pytest.mark.parametrize("text", ["Cost", "", "   ", None, 2025, "Notes about the quantity"])
def test_unknown_headers(text: object) -> None:
    assert match_header(text) is None


def test_canonical_and_required() -> None:
    assert set(REQUIRED) <= set(CANONICAL)
    assert all(match_header(name) == name for name in CANONICAL)


# --- xlsx ------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    data = _rows(1, [
        ["Monthly activity data 2025"],
        ["Kwun Tong office and Dongguan plant"],
        HEADER,
        ["purchased_electricity", "grid", 1200, "kWh", "Kwun Tong", 1500],
        [None],
        ["stationary_combustion", "natural_gas", "350", "m3", "Dongguan", None],
        [None],
        [None],
        ["mobile_combustion", "diesel", 80.5, "L", "Dongguan", 900],
    ])
    chinese = _rows(1, [["活動", "項目", "數量", "單位", "地點"],
                        ["外購電力", "電網", 300, "kWh", "觀塘"]])
    return _write_xlsx(tmp_path / "activity.xlsx", {
        "Instructions": {"A1": "Fill in one row per invoice.", "A2": "Units: kWh, m3, L"},
        "Activity": data,
        "工廠": chinese,
    })


def test_workbook_tables_title_rows_and_row_numbers(workbook: Path) -> None:
    messages: list[str] = []
    result = read_activity_files([str(workbook)], progress=messages.append)
    assert [t.sheet for t in result.tables] == ["Activity", "工廠"]
    table = result.tables[0]
    assert table.header_row == 3
    assert table.columns == {"activity": "A", "item": "B", "quantity": "C", "unit": "D",
                             "site": "E"}
    assert table.unknown_headers == ["Cost (HKD)"]
    assert table.df["_row"].tolist() == [4, 6, 9]
    assert table.blank_rows == 3
    assert table.df["quantity"].tolist() == [1200.0, "350", 80.5]
    assert list(table.df.columns) == ["activity", "item", "quantity", "unit", "site", "_row"]
    assert table.source.kind == "xlsx" and table.source.encoding is None
    assert table.source.sha256 == hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert result.sources == [table.source]
    assert result.tables[1].df["site"].tolist() == ["觀塘"]
    assert len(messages) == 3 and all(str(workbook) in m for m in messages)


def test_instructions_sheet_is_skipped_with_info(workbook: Path) -> None:
    result = read_activity_files([workbook])
    skipped = _finding(result, "sheet-skipped")
    assert skipped.severity is Severity.INFO
    assert skipped.location.sheet == "Instructions"
    unknown = _finding(result, "unknown-column")
    assert unknown.severity is Severity.INFO
    assert (unknown.location.sheet, unknown.location.cell) == ("Activity", "F3")
    assert "Cost (HKD)" in unknown.message
    assert not any(f.severity is Severity.ERROR for f in result.findings)


def test_named_sheet(workbook: Path) -> None:
    result = read_activity_files([workbook], sheet="工廠")
    assert [t.sheet for t in result.tables] == ["工廠"]
    assert "sheet-skipped" not in _codes(result)


def test_named_sheet_without_header_is_an_error(workbook: Path) -> None:
    result = read_activity_files([workbook], sheet="Instructions")
    assert result.tables == []
    finding = _finding(result, "no-header-row")
    assert finding.severity is Severity.ERROR
    assert (finding.location.sheet, finding.location.cell) == ("Instructions", "A1")


def test_unknown_sheet_is_a_usage_error(workbook: Path) -> None:
    with pytest.raises(UsageError) as caught:
        read_activity_files([workbook], sheet="Data")
    assert "'Activity'" in str(caught.value) and "'Instructions'" in str(caught.value)


def test_workbook_without_any_header(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "notes.xlsx", {"Notes": {"A1": "hello", "B2": "world"}})
    result = read_activity_files([path])
    finding = _finding(result, "no-header-row")
    assert finding.severity is Severity.ERROR
    assert finding.location.file == str(path)


def test_empty_sheet(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "empty.xlsx", {"Data": {}})
    result = read_activity_files([path])
    finding = _finding(result, "empty-sheet")
    assert finding.severity is Severity.ERROR
    assert finding.location.sheet == "Data"
    assert result.tables == []


def test_formula_without_cached_value(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["activity", "quantity", "unit", "reference"])
    sheet.append(["purchased_electricity", 100, "kWh", "INV-1"])
    sheet.append(["purchased_electricity", "=B2*2", "kWh", "=D2"])
    sheet.append(["stationary_combustion", 5, "m3", "INV-3"])
    sheet["H9"] = "=SUM(B2:B4)"  # outside the activity columns: not reported
    path = tmp_path / "formulas.xlsx"
    book.save(path)

    assert sorted(formula_cells_without_value(path, "Data")) == ["B3", "D3", "H9"]
    result = read_activity_files([path])
    found = [f for f in result.findings if f.code == "formula-without-value"]
    assert [(f.location.sheet, f.location.cell) for f in found] == [("Data", "B3"),
                                                                   ("Data", "D3")]
    assert all(f.severity is Severity.ERROR for f in found)
    df = result.tables[0].df
    assert df.loc[df["_row"] == 3, "quantity"].tolist() == [""]


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cached.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    sheet.write_row("A1", ["activity", "quantity", "unit"])
    sheet.write_row("A2", ["purchased_electricity"])
    sheet.write_formula("B2", "=40+2", None, 42)
    sheet.write("C2", "kWh")
    book.close()
    result = read_activity_files([path])
    assert result.tables[0].df["quantity"].tolist() == [42]
    assert "formula-without-value" not in _codes(result)
    assert formula_cells_without_value(path, "Data") == []


def test_sheet_without_formulas_skips_xml_parse(workbook: Path) -> None:
    assert formula_cells_without_value(workbook, "Activity") == []
    assert formula_cells_without_value(workbook, "No such sheet") == []


def test_duplicate_column_in_workbook(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "dup.xlsx", {"Data": _rows(2, [
        ["activity", "quantity", "unit", "數量"],
        ["purchased_electricity", 1, "kWh", 2],
    ])})
    result = read_activity_files([path])
    finding = _finding(result, "duplicate-column")
    assert finding.severity is Severity.ERROR
    assert (finding.location.sheet, finding.location.cell) == ("Data", "D2")
    assert result.tables[0].df["quantity"].tolist() == [1]


# --- xlsx safety -----------------------------------------------------------------------------


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(InputUnreadable) as caught:
        read_activity_files([path])
    assert caught.value.path == str(path)


def test_truncated_zip_is_corrupt(workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(workbook.read_bytes()[:300])
    with pytest.raises(InputUnreadable, match="corrupt"):
        read_activity_files([path])


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
                     + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    with pytest.raises(InputUnreadable, match="password-protected"):
        read_activity_files([path])


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    with pytest.raises(InputUnreadable, match="legacy .xls"):
        read_activity_files([path])


def _bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * size + b">")
    return path


def test_zip_bomb_refused_before_parsing(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 20 * 1024**2)
    with pytest.raises(InputUnreadable, match="expands beyond a sane size"):
        read_activity_files([path])
    with pytest.raises(InputUnreadable, match="expands beyond a sane size"):
        check_workbook(path, max_ratio=1000.0, max_uncompressed=10 * 1024**2)
    check_workbook(path, max_ratio=1e9)  # within both limits once they are raised


def test_total_size_limit(workbook: Path) -> None:
    check_workbook(workbook)
    with pytest.raises(InputUnreadable, match="sane size"):
        check_workbook(workbook, max_uncompressed=1000)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputUnreadable, match="not an Excel workbook"):
        read_activity_files([path])


# --- csv -------------------------------------------------------------------------------------


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_title_rows_blank_rows_and_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path / "activity.csv",
                "Activity data 2025,,\n"
                "\n"
                "activity,quantity,unit,site,Cost\n"
                "purchased_electricity,\"1,200\",kWh,HQ,5\n"
                ",,,,\n"
                "\n"
                "stationary_combustion,0350,m3,Plant,\n")
    result = read_activity_files([path])
    table = result.tables[0]
    assert table.sheet == "activity.csv"
    assert table.header_row == 3
    assert table.df["_row"].tolist() == [4, 7]
    assert table.blank_rows == 2
    assert table.df["quantity"].tolist() == ["1,200", "0350"]  # raw text, not parsed
    assert table.source.kind == "csv" and table.source.encoding == "utf-8"
    assert table.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    unknown = _finding(result, "unknown-column")
    assert (unknown.location.file, unknown.location.sheet, unknown.location.cell) == (
        str(path), "activity.csv", "E3")


def test_csv_ragged_rows_keep_every_row(tmp_path: Path) -> None:
    path = _csv(tmp_path / "ragged.csv",
                "activity,quantity,unit\n"
                "purchased_electricity,10\n"
                "stationary_combustion,5,m3,stray\n")
    result = read_activity_files([path])
    df = result.tables[0].df
    assert df["unit"].tolist() == ["", "m3"]
    assert df["_row"].tolist() == [2, 3]
    stray = _finding(result, "unlabelled-cells")
    assert stray.location.cell == "D3"


def test_csv_quoted_line_break_keeps_row_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path / "quoted.csv",
                "\"Title\nover two lines\",\n"
                "activity,quantity,description\n"
                "purchased_electricity,1,\"note with\nbreak\"\n"
                "purchased_electricity,2,x\n")
    table = read_activity_files([path]).tables[0]
    assert table.header_row == 2
    assert table.df["quantity"].tolist() == ["1", "2"]
    assert table.df["_row"].tolist() == [3, 4]


def test_semicolon_csv(tmp_path: Path) -> None:
    path = _csv(tmp_path / "eu.csv", "activity;quantity;unit\nprocess;1,5;t\n")
    table = read_activity_files([path]).tables[0]
    assert table.df["quantity"].tolist() == ["1,5"]


def test_gb18030_csv_detected(tmp_path: Path) -> None:
    path = _csv(tmp_path / "dongguan.csv",
                "2025年度活动数据,,,,\n"
                "活动,燃料,数量,单位,地点\n"
                "外购电力,电网,1200,kWh,东莞工厂\n"
                "固定燃烧,天然气,350,m3,东莞工厂\n", "gb18030")
    table = read_activity_files([path]).tables[0]
    assert table.source.encoding == "gb18030"
    assert set(table.columns) == {"activity", "item", "quantity", "unit", "site"}
    assert table.df["site"].tolist() == ["东莞工厂", "东莞工厂"]
    assert table.header_row == 2


def test_big5_csv_detected(tmp_path: Path) -> None:
    path = _csv(tmp_path / "kwuntong.csv",
                "活動,項目,數量,單位,地點\n"
                "外購電力,電網,1200,kWh,觀塘辦公室\n"
                "固定燃燒,煤氣,35,單位,觀塘辦公室\n", "big5")
    table = read_activity_files([path]).tables[0]
    assert table.source.encoding == "big5"
    assert set(table.columns) == {"activity", "item", "quantity", "unit", "site"}
    assert table.df["site"].tolist() == ["觀塘辦公室", "觀塘辦公室"]
    assert table.df["activity"].tolist() == ["外購電力", "固定燃燒"]


def test_mixed_header_csv(tmp_path: Path) -> None:
    path = _csv(tmp_path / "mixed.csv", "數量,单位,地點,activity\n1,kWh,觀塘,x\n", "utf-8")
    table = read_activity_files([path]).tables[0]
    assert table.columns == {"activity": "D", "quantity": "A", "unit": "B", "site": "C"}


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = _csv(tmp_path / "export.csv", "活動,數量,單位\n外購電力,5,kWh\n", "utf-16")
    table = read_activity_files([path]).tables[0]
    assert table.source.encoding == "utf-16"
    assert table.df["activity"].tolist() == ["外購電力"]


def test_utf8_sig(tmp_path: Path) -> None:
    path = _csv(tmp_path / "excel.csv", "activity,quantity,unit\nprocess,5,t\n", "utf-8-sig")
    for encoding in (None, "utf-8"):
        table = read_activity_files([path], encoding=encoding).tables[0]
        assert table.source.encoding == "utf-8-sig"
        assert table.columns["activity"] == "A"


def test_explicit_wrong_encoding(tmp_path: Path) -> None:
    path = _csv(tmp_path / "gb.csv", "活动,数量,单位\n外购电力,5,kWh\n", "gb18030")
    with pytest.raises(InputUnreadable, match="--encoding"):
        read_activity_files([path], encoding="utf-8")


def test_explicit_encoding_is_used(tmp_path: Path) -> None:
    path = _csv(tmp_path / "gb.csv", "活动,数量,单位\n外购电力,5,kWh\n", "gb18030")
    table = read_activity_files([path], encoding="GBK").tables[0]
    assert table.source.encoding == "gbk"
    assert table.df["activity"].tolist() == ["外购电力"]


def test_unknown_encoding_name_is_a_usage_error(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", "activity,quantity\nx,1\n")
    with pytest.raises(UsageError):
        read_activity_files([path], encoding="no-such-codec")


def test_two_header_candidates_warn(tmp_path: Path) -> None:
    path = _csv(tmp_path / "twice.csv",
                "activity,quantity,unit\n"
                "purchased_electricity,1,kWh\n"
                "activity,quantity,unit\n"
                "purchased_electricity,2,kWh\n")
    result = read_activity_files([path])
    assert result.tables[0].header_row == 1
    finding = _finding(result, "multiple-header-rows")
    assert finding.severity is Severity.WARNING
    assert "1" in finding.message and "3" in finding.message
    assert finding.location.cell == "A3"


def test_duplicate_column_in_csv(tmp_path: Path) -> None:
    path = _csv(tmp_path / "dup.csv", "activity,quantity,unit,qty\nx,1,kWh,2\n")
    result = read_activity_files([path])
    finding = _finding(result, "duplicate-column")
    assert finding.severity is Severity.ERROR
    assert finding.location.cell == "D1"
    assert "quantity" in finding.message


def test_empty_csv(tmp_path: Path) -> None:
    for text in ("", "\n\n", ",,,\n,,\n"):
        path = _csv(tmp_path / "empty.csv", text)
        result = read_activity_files([path])
        assert result.tables == []
        assert _finding(result, "empty-file").severity is Severity.ERROR
        assert len(result.sources) == 1


def test_header_without_rows_is_an_empty_file(tmp_path: Path) -> None:
    path = _csv(tmp_path / "head.csv", "Fuel log 2025\nactivity,quantity,unit\n")
    result = read_activity_files([path])
    finding = _finding(result, "empty-file")
    assert finding.severity is Severity.ERROR
    assert finding.location.cell == "A2" and "row 2" in finding.message


def test_header_only_sheet_beside_data_is_a_note(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "two.xlsx", {
        "Data": {"A1": "activity", "B1": "quantity", "C1": "unit",
                 "A2": "purchased_electricity", "B2": 10, "C2": "kWh"},
        "Spare": {"A1": "activity", "B1": "quantity"},
    })
    result = read_activity_files([path])
    note = _finding(result, "empty-sheet")
    assert note.severity is Severity.INFO and note.location.sheet == "Spare"
    assert sum(len(t.df) for t in result.tables) == 1


def test_workbook_of_header_only_sheets_is_an_error(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "blank.xlsx", {"Activity": {"A1": "activity", "B1": "quantity"},
                                                 "Spare": {}})
    result = read_activity_files([path])
    found = [f for f in result.findings if f.code == "empty-sheet"]
    assert {f.location.sheet for f in found} == {"Activity", "Spare"}
    assert all(f.severity is Severity.ERROR for f in found)


def test_csv_without_header(tmp_path: Path) -> None:
    path = _csv(tmp_path / "nohead.csv", "a,b,c\n1,2,3\n")
    result = read_activity_files([path])
    finding = _finding(result, "no-header-row")
    assert finding.severity is Severity.ERROR
    assert (finding.location.sheet, finding.location.cell) == ("nohead.csv", "A1")


def test_header_only_csv(tmp_path: Path) -> None:
    path = _csv(tmp_path / "head.csv", "activity,quantity\n")
    table = read_activity_files([path]).tables[0]
    assert len(table.df) == 0 and table.blank_rows == 0


# --- dispatch --------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputUnreadable, match="no such file"):
        read_activity_files([tmp_path / "nope.csv"])


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(InputUnreadable, match="unsupported"):
        read_activity_files([path])


def test_workbook_saved_with_csv_name(workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "actually.csv"
    path.write_bytes(workbook.read_bytes())
    result = read_activity_files([path])
    assert result.sources[0].kind == "xlsx"


def test_several_files(workbook: Path, tmp_path: Path) -> None:
    csv_path = _csv(tmp_path / "more.csv", "activity,quantity\nx,1\n")
    result = read_activity_files([workbook, csv_path])
    assert [s.kind for s in result.sources] == ["xlsx", "csv"]
    assert len(result.tables) == 3
