"""CBAM default values: shipped excerpt, user tables, mark-ups and the OTHER fallback.

Every expected number is computed here by hand from the values DOMAIN.md §1.8 quotes, not
taken from the code under test.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter

from carbonaudit.cbam.defaults import (
    CbamInputError,
    load_defaults,
    lookup,
    markup_pct,
    shipped_defaults,
)
from carbonaudit.errors import CarbonAuditError, InputUnreadable
from carbonaudit.findings import Severity


def _codes(findings) -> list[str]:
    return [f.code for f in findings]


def _write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["cn_code", "country", "direct", "indirect", "total", "route", "legal_source",
          "status"]


# ------------------------------------------------------------------------- shipped excerpt

def test_shipped_excerpt_loads_cleanly_with_only_the_quoted_values() -> None:
    table = shipped_defaults()
    assert table.findings == []
    assert table.shipped
    got = {(r.cn_prefix, r.country): (r.direct, r.indirect, r.total) for r in table.rows}
    assert got == {
        ("7203", "OTHER"): (None, None, 1.325),
        ("28041000", "AU"): (None, None, 10.82),
        ("28041000", "BR"): (None, None, 10.82),
        ("28041000", "OTHER"): (None, None, 17.74),
        ("26011200", "AU"): (0.070, 0.020, pytest.approx(0.070 + 0.020)),
        ("26011200", "BR"): (0.190, 0.010, pytest.approx(0.190 + 0.010)),
        ("7201", "AU"): (None, None, 2.790),
        ("7201", "BR"): (None, None, 1.478),
        ("7203", "UNKNOWN"): (None, None, 4.200),
        ("28041000", "UNKNOWN"): (None, None, 26.64),
    }
    assert all(r.status == "secondary" for r in table.rows)
    assert all("EXCERPT" in r.legal_source for r in table.rows)


@pytest.mark.parametrize(("year", "factor"), [(2025, 1.00), (2026, 1.10), (2027, 1.20),
                                              (2028, 1.30), (2029, 1.30), (2040, 1.30)])
def test_pig_iron_australia_mark_up_by_year(year: int, factor: float) -> None:
    value = lookup("72011011", "AU", year)
    assert value.total == 2.790
    assert value.total_marked_up == pytest.approx(2.790 * factor)
    assert value.country_used == "AU"
    assert value.findings == ()


def test_pig_iron_2026_is_3_069() -> None:
    assert lookup("7201 10 11", "AU", 2026).total_marked_up == pytest.approx(3.069)


@pytest.mark.parametrize("cn", ["7201 20 00", "7201.20.00", 72012000, 72012000.0])
def test_cn_spellings_and_heading_rows(cn: object) -> None:
    assert lookup(cn, "BR", 2027).total_marked_up == pytest.approx(1.478 * 1.20)


def test_country_by_name() -> None:
    assert lookup("28041000", "Brazil", 2026).total == 10.82


def test_hydrogen_unlisted_country_falls_back_to_other_with_a_warning() -> None:
    value = lookup("2804 10 00", "UA", 2026)
    assert value.country_used == "OTHER"
    assert value.total == 17.74
    assert value.total_marked_up == pytest.approx(17.74 * 1.10)
    assert value.fallback == "not listed"
    (finding,) = value.findings
    assert finding.code == "cbam-default-fallback-other"
    assert finding.severity is Severity.WARNING
    assert "Ukraine" in finding.message


def test_listed_country_is_not_a_fallback() -> None:
    value = lookup("28041000", "AU", 2028)
    assert value.country_used == "AU"
    assert value.fallback is None
    assert value.total_marked_up == pytest.approx(10.82 * 1.30)


def test_dri_other_countries() -> None:
    value = lookup("72039000", "CN", 2026)
    assert (value.country_used, value.total) == ("OTHER", 1.325)
    assert value.total_marked_up == pytest.approx(1.325 * 1.10)


def test_pellets_total_derived_from_direct_plus_indirect() -> None:
    value = lookup("26011200", "BR", 2026)
    assert value.direct == 0.190 and value.indirect == 0.010
    assert value.total == pytest.approx(0.200)
    assert value.total_derived
    assert value.total_marked_up == pytest.approx(0.200 * 1.10)


def test_precursor_country_unknown_annex_iv_without_mark_up() -> None:
    value = lookup("72031000", "UNKNOWN", 2027)
    assert value.total == 4.200
    assert value.markup_pct == 0.0
    assert value.total_marked_up == pytest.approx(4.200)
    assert _codes(value.findings) == ["cbam-default-precursor-unknown-country"]
    assert lookup("28041000", "unknown", 2026).total == 26.64


def test_code_in_annex_i_but_not_in_the_excerpt() -> None:
    value = lookup("7318 15 58", "CN", 2026)
    assert not value.found
    assert value.total_marked_up is None
    (finding,) = value.findings
    assert finding.code == "cbam-default-not-in-table"
    assert finding.severity is Severity.ERROR
    assert "--defaults" in finding.message and "EXCERPT" in finding.message


def test_listed_heading_without_other_row_does_not_invent_a_fallback() -> None:
    # Pig iron: only AU and BR in the excerpt, no OTHER row -> nothing, not AU's value.
    value = lookup("72011011", "CN", 2026)
    assert not value.found
    assert _codes(value.findings) == ["cbam-default-not-in-table"]


def test_unknown_cn_code_raises_a_carbonaudit_error() -> None:
    with pytest.raises(CbamInputError) as caught:
        lookup("73181500", "CN", 2026)
    assert caught.value.code == "cbam-default-cn-unknown"
    assert isinstance(caught.value, CarbonAuditError) and caught.value.exit_code == 1
    assert "\n" not in str(caught.value)
    assert caught.value.to_finding().severity is Severity.ERROR


@pytest.mark.parametrize("cn", ["7201", "", "abc", "7204 10 00"])
def test_headings_scrap_and_junk_are_not_annex_i_codes(cn: str) -> None:
    with pytest.raises(CbamInputError):
        lookup(cn, "CN", 2026)


@pytest.mark.parametrize("country", ["XX", "", "Atlantis"])
def test_unknown_country_raises(country: str) -> None:
    with pytest.raises(CbamInputError) as caught:
        lookup("28041000", country, 2026)
    assert caught.value.code == "cbam-default-country-unknown"


@pytest.mark.parametrize("country", ["DE", "NO", "CH"])
def test_eu_and_annex_iii_origins_have_no_default(country: str) -> None:
    value = lookup("28041000", country, 2026)
    assert not value.found
    assert _codes(value.findings) == ["cbam-default-origin-not-subject"]


@pytest.mark.parametrize(("sector", "year", "pct"), [
    ("cement", 2025, 0.0), ("cement", 2026, 10.0), ("aluminium", 2027, 20.0),
    ("hydrogen", 2028, 30.0), ("iron_steel", 2033, 30.0),
    ("fertilisers", 2025, 0.0), ("fertilisers", 2026, 1.0), ("fertilisers", 2030, 1.0),
    ("electricity", 2026, 0.0), ("electricity", 2030, 0.0),
])
def test_markup_table(sector: str, year: int, pct: float) -> None:
    assert markup_pct(sector, year) == pct


def test_to_dict_is_plain_data() -> None:
    d = lookup("28041000", "IN", 2026).to_dict()
    assert d["country_used"] == "OTHER"
    assert d["total_marked_up"] == pytest.approx(19.514)
    assert d["findings"][0]["code"] == "cbam-default-fallback-other"
    assert d["unit"] == "tCO2e/t"


# ------------------------------------------------------------------------- user tables

def test_user_csv_fertiliser_one_percent(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [HEADER, ["3102 10 10", "EG", "", "", "2.5", "",
                                                     "my transcription", "verified"]])
    table = load_defaults(path)
    assert table.findings == []
    value = lookup("31021010", "EG", 2026, table)
    assert value.total_marked_up == pytest.approx(2.5 * 1.01)
    assert lookup("31021010", "EG", 2025, table).total_marked_up == pytest.approx(2.5)
    assert value.status == "verified"


def test_listed_without_value_falls_back(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [
        HEADER, ["2523 10 00", "TR", "–", "–", "–", "", "s", "x"],
        ["252310", "OTHER", "0.9", "0.05", "0.95", "", "s", "x"]])
    table = load_defaults(path)
    assert table.findings == []
    value = lookup("25231000", "TR", 2027, table)
    assert value.country_used == "OTHER"
    assert value.fallback == "listed without a value"
    assert value.total_marked_up == pytest.approx(0.95 * 1.20)
    assert "listed without a value" in value.findings[0].message


def test_longest_prefix_wins(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [
        HEADER, ["7201", "IN", "", "", "2.0", "", "", ""],
        ["72015010", "IN", "", "", "3.0", "", "", ""]])
    table = load_defaults(path)
    assert lookup("72015010", "IN", 2025, table).total == 3.0
    assert lookup("72015090", "IN", 2025, table).total == 2.0


def test_route_rows(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [
        HEADER, ["7206", "IN", "", "", "2.0", "BF/BOF", "", ""],
        ["7206", "IN", "", "", "0.5", "scrap/EAF", "", ""]])
    table = load_defaults(path)
    value = lookup("72061000", "IN", 2026, table)
    assert not value.found and _codes(value.findings) == ["cbam-default-route-needed"]
    routed = lookup("72061000", "IN", 2026, table, route="scrap/eaf")
    assert routed.total == 0.5


def test_bad_rows_are_reported_at_their_cells_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "defaults.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Table")
    sheet.write_row(0, 0, ["Defaults transcribed from the OJ"])
    rows = [
        HEADER,
        ["73181500", "CN", None, None, 1.0],          # 3: not Annex I
        ["73181558", "XX", None, None, 1.0],          # 4: unknown country
        ["73181558", "CN", None, None, "1,5"],        # 5: ambiguous number
        ["73181558", "TR", None, None, -1.0],         # 6: negative
        ["73181558", "IN", None, None, "2 t"],        # 7: unit in a number cell
        ["73181558", "CN", 2.0, 0.5, 2.0],            # 8: good (Annex II: total = direct)
        ["7318 15 58", "CN", None, None, 9.0],        # 9: duplicate of row 8
        ["73181558", "VN", 2.0, 0.5, 3.0],            # 10: inconsistent total (warning)
    ]
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            if v is not None:
                sheet.write(r, c, v)
    book.close()
    table = load_defaults(path)
    got = {(f.code, f.location.cell) for f in table.findings}
    assert got == {
        ("cbam-default-row-cn-unknown", "A3"),
        ("cbam-default-row-country-unknown", "B4"),
        ("cbam-default-row-not-a-number", "E5"),
        ("cbam-default-row-negative", "E6"),
        ("cbam-default-row-not-a-number", "E7"),
        ("cbam-default-row-duplicate", "A9"),
        ("cbam-default-row-inconsistent-total", "E10"),
    }
    assert all(f.location.sheet == "Table" for f in table.findings)
    assert sorted((r.country, r.total) for r in table.rows) == [("CN", 2.0), ("VN", 3.0)]
    assert lookup("73181558", "CN", 2026, table).total_marked_up == pytest.approx(2.2)


def test_file_without_the_required_columns(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [["cn_code", "country", "value"], ["7201", "AU", "1"]])
    table = load_defaults(path)
    assert table.rows == []
    assert _codes(table.findings) == ["cbam-default-file-columns"]
    assert str(table.findings[0].location) == f"{path}!A1"


def test_missing_file_is_input_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputUnreadable):
        load_defaults(tmp_path / "nope.csv")
