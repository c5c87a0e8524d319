"""CBAM default values: the shipped IR 2025/2621 tables, user tables, mark-ups, the rules.

Expected numbers are the table's own printed values (written out here, and checked against
the shipped CSV read with the csv module), never the code's output pasted back.
"""

from __future__ import annotations

import csv
from importlib import resources
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


# ------------------------------------------------------------------------- shipped tables

def _csv_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_shipped_tables_are_the_full_annex_i_and_annex_iv() -> None:
    table = shipped_defaults()
    assert table.findings == [] and table.shipped
    annex_i = _csv_rows("default_values_2621.csv")
    annex_iv = _csv_rows("precursor_defaults_2621.csv")
    assert (len(annex_i), len(annex_iv)) == (11391, 260)
    # The four 7615 rows are not Annex I goods: shipped as transcribed, never looked up.
    assert sum(r["cn_code"].startswith("7615") for r in annex_i) == 4
    assert len(table.rows) == 11391 - 4 + 260
    assert {r["legal_source"] for r in annex_i} == {"IR (EU) 2025/2621 Annex I"}
    assert {r["legal_source"] for r in annex_iv} == {"IR (EU) 2025/2621 Annex IV"}
    status = {}
    for r in annex_i:
        status[r["status"]] = status.get(r["status"], 0) + 1
    assert status == {"secondary": 11277, "derived": 113, "unverified": 1}
    assert all(r["notes"] for r in annex_i if r["status"] != "secondary")
    from carbonaudit.cbam import reference

    sectors = {reference.cn_matches(r.cn_prefix)[0].sector for r in table.rows}
    assert sectors == {"cement", "iron_steel", "aluminium", "fertilisers", "hydrogen"}


@pytest.mark.parametrize(("cn", "country", "year", "total", "marked"), [
    ("2523 10 00", "AL", 2026, 0.870, 0.957),      # cement: grey clinker (route A)
    ("72071111", "TR", 2026, 2.310, 2.541),        # iron and steel, the worked example
    ("72071111", "TR", 2027, 2.310, 2.772),
    ("72071111", "TR", 2028, 2.310, 3.003),
    ("72071111", "TR", 2031, 2.310, 3.003),        # 2028's column from 2028 on
    ("72071111", "TR", 2025, 2.310, 2.310),        # no mark-up before 2026
    ("7203 10 00", "IN", 2026, 4.200, 4.620),      # India's own DRI row (not 1.325)
    ("28041000", "CN", 2026, 26.640, 29.304),      # China's own hydrogen row (not 17.74)
    ("76011010", "CN", 2026, 3.000, 3.300),        # aluminium, heading 7601
    ("31021012", "EG", 2026, 0.460, 0.465),        # fertilisers +1 %, CN 2026 urea code
    ("31051000", "EG", 2030, 0.800, 0.808),
    ("72011011", "BR", 2026, 1.478, 1.625),        # published 1.625, not 1.478 x 1.1
])
def test_every_sector_from_the_table_with_its_published_mark_up(
        cn: str, country: str, year: int, total: float, marked: float) -> None:
    value = lookup(cn, country, year, route="A" if cn.startswith("2523") else None)
    assert value.country_used == country and value.fallback is None
    assert value.total == pytest.approx(total)
    assert value.total_marked_up == pytest.approx(marked)
    assert value.status == "secondary"
    assert value.legal_source == "IR (EU) 2025/2621 Annex I"
    # The row it names is that printed row of the shipped CSV.
    line = int(value.table_row.rsplit("!", 1)[1])
    row = _csv_rows("default_values_2621.csv")[line - 2]
    assert (row["country"], float(row["total"])) == (country, total)
    assert cn.replace(" ", "").startswith(row["cn_code"])


def test_published_mark_up_is_used_as_printed() -> None:
    # Angola grey clinker: the table prints 1.525 for 2027 (1.26 x 1.1 x 1.1), not 1.512.
    value = lookup("25231000", "AO", 2027, route="A")
    assert value.total == 1.26 and value.markup_pct == 20.0
    assert value.total_marked_up == 1.525 and value.marked_up_source == "published"
    assert "1.512" in value.notes


def test_country_listed_elsewhere_but_not_for_the_code_takes_other_countries() -> None:
    value = lookup("28041000", "AM", 2026)   # Armenia has rows, none for hydrogen
    assert value.country_used == "OTHER" and value.fallback == "not listed"
    assert (value.total, value.total_marked_up) == (17.74, 19.514)
    (finding,) = value.findings
    assert finding.code == "cbam-default-fallback-other"
    assert finding.severity is Severity.WARNING and "Armenia" in finding.message


def test_country_not_in_the_table_at_all_takes_other_countries() -> None:
    value = lookup("2804 10 00", "AD", 2027)   # Andorra: no row anywhere
    assert (value.country_used, value.total_marked_up) == ("OTHER", 21.288)


def test_a_dash_is_no_default_value_never_a_fallback() -> None:
    value = lookup("72031000", "BR", 2026)   # Brazil's DRI row is a dash
    assert not value.found and value.country_used == "BR"
    assert value.no_default == "the table prints a dash"
    (finding,) = value.findings
    assert finding.code == "cbam-default-no-value" and finding.severity is Severity.ERROR
    assert "dash" in finding.message and "1.325" not in finding.message


def test_longest_heading_listed_for_the_country() -> None:
    # Thailand is listed under 761090 and under 76109090: the eight digits win.
    eight = lookup("76109090", "TH", 2026)
    assert eight.table_row.endswith(f"!{_line('76109090', 'TH')}")
    # Bolts are listed by the six-digit heading 7318 15, pig iron by the four-digit 7201.
    six = lookup("73181558", "TR", 2026)
    assert six.table_row.endswith(f"!{_line('731815', 'TR')}")
    four = lookup("72011011", "TR", 2026)
    assert four.table_row.endswith(f"!{_line('7201', 'TR')}")


def _line(cn: str, country: str) -> int:
    for i, r in enumerate(_csv_rows("default_values_2621.csv"), start=2):
        if (r["cn_code"], r["country"]) == (cn, country):
            return i
    raise AssertionError((cn, country))


def test_routes_listed_when_the_row_splits_and_none_is_given() -> None:
    value = lookup("25231000", "CN", 2026)
    assert not value.found
    (finding,) = value.findings
    assert finding.code == "cbam-default-route-needed"
    assert "A (grey clinker): 1.39" in finding.message
    assert "B (white clinker): 1.3" in finding.message
    assert lookup("25231000", "CN", 2026, route="white clinker").total_marked_up == 1.43
    assert lookup("25231000", "CN", 2026, route="A").total_marked_up == 1.529
    bad = lookup("25231000", "CN", 2026, route="E")
    assert [f.code for f in bad.findings] == ["cbam-default-route-not-in-table"]


def test_one_row_per_country_applies_whatever_route_is_given() -> None:
    value = lookup("72071111", "TR", 2026, route="scrap/EAF")
    assert (value.route, value.total_marked_up) == ("C", 2.541)
    assert _codes(value.findings) == ["cbam-default-route-of-row"]


def test_defective_transcribed_row_gives_no_value() -> None:
    value = lookup("25232100", "AL", 2026)
    assert not value.found and value.status == "unverified"
    assert "transcription defect" in value.findings[0].message


def test_precursor_country_unknown_annex_iv() -> None:
    value = lookup("72031000", "UNKNOWN", 2027)
    assert (value.total, value.total_marked_up) == (4.2, 5.04)   # the table's 2027 column
    assert value.legal_source == "IR (EU) 2025/2621 Annex IV"
    assert _codes(value.findings) == ["cbam-default-precursor-unknown-country"]
    assert lookup("28041000", "unknown", 2026).total == 26.64
    white = lookup("25231000", "UNKNOWN", 2026, route="B")
    assert (white.total, white.total_marked_up) == (1.41, 1.551)


def test_electricity_defaults_are_not_shipped() -> None:
    value = lookup("2716 00 00", "UA", 2026)
    assert not value.found
    assert _codes(value.findings) == ["cbam-default-electricity-not-shipped"]
    assert "CC BY-NC-SA" in value.findings[0].message


@pytest.mark.parametrize("cn", ["3102 10 12", "3102 10 15", "3102 10 19"])
def test_current_urea_codes_are_annex_i(cn: str) -> None:
    assert lookup(cn, "EG", 2026).found


def test_the_old_urea_code_says_it_was_split() -> None:
    value = lookup("3102 10 10", "EG", 2026)
    assert not value.found and "3102 10 12" in value.findings[0].message


@pytest.mark.parametrize(("cn", "closest"), [("7202 21 00", "7202 19"),
                                             ("7204 10 00", "7203"),
                                             ("7615 10 10", "7614")])
def test_code_outside_annex_i_names_the_closest_heading(cn: str, closest: str) -> None:
    with pytest.raises(CbamInputError) as caught:
        lookup(cn, "CN", 2026)
    assert f"closest Annex I heading is {closest}" in str(caught.value)


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
    # Brazil's 7201 row prints 1.773 for 2027 (1.478 x 1.2 = 1.7736 before its rounding).
    assert lookup(cn, "BR", 2027).total_marked_up == 1.773


def test_country_by_name() -> None:
    assert lookup("28041000", "Brazil", 2026).total == 10.82


def test_listed_country_is_not_a_fallback() -> None:
    value = lookup("28041000", "AU", 2028)
    assert value.country_used == "AU"
    assert value.fallback is None
    assert value.total_marked_up == pytest.approx(10.82 * 1.30)


def test_dri_of_a_country_not_listed_for_it_is_other_countries() -> None:
    value = lookup("72039000", "CN", 2026)      # China has no 7203 row
    assert (value.country_used, value.total) == ("OTHER", 1.325)
    assert value.total_marked_up == 1.458      # the table's 2026 column


def test_pellets_direct_plus_indirect() -> None:
    value = lookup("26011200", "BR", 2026)
    assert value.direct == 0.190 and value.indirect == 0.010
    assert value.total == pytest.approx(0.190 + 0.010)
    assert not value.total_derived               # the table prints the total
    assert value.total_marked_up == pytest.approx(0.200 * 1.10)


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
    assert d["country_used"] == "IN"           # India's own row (the excerpt fell back)
    assert d["total_marked_up"] == 15.433 and d["total_marked_up_source"] == "published"
    assert d["findings"] == []
    assert d["unit"] == "tCO2e/t"


def test_every_lookup_follows_the_rules_over_the_whole_table() -> None:
    """For every Annex I code and nine origins, check `lookup` against the CSV itself: the
    country's row of the longest listed heading, else OTHER's, and its printed values."""
    from carbonaudit.cbam import reference

    rows: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in _csv_rows("default_values_2621.csv"):
        rows.setdefault((r["cn_code"], r["country"]), []).append(r)
    checked = 0
    for cn8 in reference.cn_codes():
        for country in ("TR", "CN", "IN", "BR", "UA", "TH", "EG", "AL", "VN"):
            expected = _expected(rows, cn8, country)
            value = lookup(cn8, country, 2026)
            if expected is None or len(expected) != 1:
                assert not value.found
                continue
            (row,) = expected
            if row["total"] in ("–", ""):
                assert not value.found and value.country_used == row["country"]
                continue
            assert value.country_used == row["country"], (cn8, country)
            assert value.total == float(row["total"])
            assert value.total_marked_up == float(row["total_2026"])
            checked += 1
    assert checked > 3000


def _expected(rows, cn8: str, country: str):
    for who in (country, "OTHER"):
        for length in (8, 6, 4):
            found = rows.get((cn8[:length], who))
            if found:
                return found
    return None


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


def test_a_dash_in_a_user_table_is_no_default(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "d.csv", [
        HEADER, ["2523 10 00", "TR", "–", "–", "–", "", "s", "x"],
        ["252310", "OTHER", "0.9", "0.05", "0.95", "", "s", "x"],
        ["252310", "EG", "", "", "", "", "s", "x"]])
    table = load_defaults(path)
    assert table.findings == []
    dash = lookup("25231000", "TR", 2027, table)
    assert not dash.found and dash.no_default == "the table prints a dash"
    blank = lookup("25231000", "EG", 2027, table)
    assert not blank.found and blank.no_default == "listed without a value"
    other = lookup("25231000", "MA", 2027, table)   # not listed: OTHER, computed mark-up
    assert other.total_marked_up == pytest.approx(0.95 * 1.20)
    assert other.marked_up_source == "computed"


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
