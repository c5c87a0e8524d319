"""CBAM imports: reading, de minimis, FAA, certificates, cost, outputs, template and sample.

Workbooks are written with xlsxwriter and read back through `read_imports`; every expected
number is hand arithmetic from values written out in the test: the default values and
marked-up totals as IR (EU) 2025/2621 prints them (the shipped CSV's rows), the benchmarks of
IR (EU) 2025/2620 and the CBAM factors of DOMAIN.md §1.9.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from carbonaudit.cbam.benchmarks import cbam_factor_pct
from carbonaudit.cbam.defaults import load_defaults
from carbonaudit.cbam.imports import assess_imports
from carbonaudit.cbam.imports_columns import COLUMNS
from carbonaudit.cbam.imports_reader import read_imports
from carbonaudit.cbam.imports_results import write_imports_results
from carbonaudit.cbam.imports_template import write_imports_template
from carbonaudit.errors import UsageError
from carbonaudit.findings import Severity

HEAD = ["date", "cn_code", "country", "net_mass", "see_direct", "see_indirect", "see_total",
        "communication_file", "route"]


def _xlsx(path: Path, rows: list[list[object]], head: list[str] = HEAD) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Imports")
    sheet.write_row(0, 0, head)
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(v, dt.time()))
            else:
                sheet.write(r, c, v)
    book.close()
    return path


def _run(tmp_path: Path, rows: list[list[object]], year: int | None = 2026,
         cscf: float | None = None):
    data, findings = read_imports(_xlsx(tmp_path / "imports.xlsx", rows))
    return assess_imports(data, year, cscf=cscf, read_findings=findings)


def _codes(result) -> set[str]:
    return {f.code for f in result.findings}


D = dt.date(2026, 3, 31)


# ------------------------------------------------------------------------- de minimis

def test_exactly_50_t_is_exempt_even_with_float_noise(tmp_path: Path) -> None:
    # Spreadsheet formulas leave noise such as 5.000000000000001; ten of them sum above 50.
    noisy = 5.000000000000001
    assert math.fsum([noisy] * 10) > 50.0
    result = _run(tmp_path, [[D, "72011011", "BR", noisy]] * 10)
    assert result.de_minimis.counted_mass_t == 50.0
    assert result.de_minimis.exempt
    assert {line.status for line in result.lines} == {"exempt-de-minimis"}
    assert all(line.certificates_t == 0.0 for line in result.lines)
    assert "cbam-import-de-minimis-exempt" in _codes(result)
    assert "cbam-import-de-minimis-near" in _codes(result)  # 50 > 45


def test_50_001_t_puts_the_whole_year_in_scope(tmp_path: Path) -> None:
    result = _run(tmp_path, [[dt.date(2026, 1, 5), "72011011", "BR", 0.001],
                             [dt.date(2026, 12, 1), "72011011", "BR", 50.0]])
    assert result.de_minimis.counted_mass_t == pytest.approx(50.001)
    assert not result.de_minimis.exempt
    # The January line, before the threshold was crossed, is in scope too.
    assert [line.status for line in result.lines] == ["in-scope", "in-scope"]
    # Brazil's pig iron prints 1.625 with the 2026 mark-up (1.478 before it).
    assert result.lines[0].embedded_t == pytest.approx(0.001 * 1.625)
    assert "cbam-import-de-minimis-exceeded" in _codes(result)
    assert "cbam-import-de-minimis-near" not in _codes(result)


def test_hydrogen_is_never_exempt_and_not_counted(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "28041000", "AU", 1.0], [D, "72011011", "BR", 10.0]],
                  cscf=0.9)
    assert result.de_minimis.counted_mass_t == 10.0
    assert result.de_minimis.always_in_scope_mass == 1.0
    assert result.de_minimis.exempt
    hydrogen, pig = result.lines
    assert hydrogen.status == "in-scope" and pig.status == "exempt-de-minimis"
    embedded = 1.0 * 11.902          # Australia's hydrogen, 10.82 + 10 % as printed
    faa = 0.975 * 0.9 * 5.089 * 1.0
    assert hydrogen.embedded_t == pytest.approx(embedded)
    assert hydrogen.faa_t == pytest.approx(faa)
    assert hydrogen.certificates_t == pytest.approx(embedded - faa)
    assert result.totals["certificates_t"] == pytest.approx(embedded - faa)


def test_46_t_warns_45_t_does_not(tmp_path: Path) -> None:
    near = _run(tmp_path, [[D, "72011011", "BR", 46.0]])
    assert near.de_minimis.exempt and near.de_minimis.near_threshold
    warn = [f for f in near.findings if f.code == "cbam-import-de-minimis-near"]
    assert warn and warn[0].severity is Severity.WARNING
    (tmp_path / "b").mkdir()
    at = _run(tmp_path / "b", [[D, "72011011", "BR", 45.0]])
    assert not at.de_minimis.near_threshold
    assert "cbam-import-de-minimis-near" not in _codes(at)


def test_electricity_is_never_exempt_and_has_zero_faa(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "27160000", "UA", 100.0, None, None, 0.5]])
    (line,) = result.lines
    assert result.de_minimis.counted_mass_t == 0.0
    assert line.status == "in-scope"
    assert line.faa_t == 0.0  # zero by rule, even without a CSCF
    assert line.certificates_t == pytest.approx(100.0 * 0.5)
    assert "cbam-import-see-total-only" in _codes(result)  # electricity: see_total alone


def test_invalid_lines_make_an_exemption_unconfirmed(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72011011", "BR", 10.0], [D, "72011011", "BR", "ten"]])
    assert result.de_minimis.exempt
    assert result.de_minimis.lines_not_counted == 1
    assert "cbam-import-de-minimis-incomplete" in _codes(result)


# ------------------------------------------------------------------------- FAA and certificates

# DRI from China: China has no 7203 row, so 'other countries': 1.325 before mark-up,
# printed 1.458 / 1.590 / 1.723 with the 2026 / 2027 / 2028-on mark-up.
@pytest.mark.parametrize(("year", "marked", "factor"), [(2026, 1.458, 0.975),
                                                        (2027, 1.590, 0.95),
                                                        (2030, 1.723, 0.515)])
def test_dri_default_faa_with_cscf(tmp_path: Path, year: int, marked: float,
                                   factor: float) -> None:
    result = _run(tmp_path, [[dt.date(year, 5, 1), "72031000", "CN", 60.0]], year=year,
                  cscf=0.9)
    (line,) = result.lines
    embedded = 60.0 * marked
    faa = factor * 0.9 * 0.397 * 60.0     # Column B for default values
    assert line.basis == "default"
    assert line.benchmark == 0.397 and line.benchmark_column == "B"
    assert line.embedded_t == pytest.approx(embedded)
    assert line.embedded_unmarked_t == pytest.approx(60.0 * 1.325)
    assert line.faa_t == pytest.approx(faa)
    assert line.certificates_t == pytest.approx(embedded - faa)
    assert "cbam-default-fallback-other" in _codes(result)


def test_certificates_never_negative(tmp_path: Path) -> None:
    # Actual hydrogen 1.0 t/t: embedded 60 t, FAA 0.975 x 1.0 x 5.089 x 60 = 297.2 t.
    result = _run(tmp_path, [[D, "28041000", "AU", 60.0, None, None, 1.0]], cscf=1.0)
    (line,) = result.lines
    assert line.basis == "actual" and line.benchmark_column == "A"
    assert line.faa_t == pytest.approx(0.975 * 1.0 * 5.089 * 60.0)
    assert line.certificates_t == 0.0
    assert result.totals["certificates_t"] == 0.0


def test_without_cscf_faa_is_not_computed_not_zero(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72031000", "CN", 60.0]])
    (line,) = result.lines
    assert line.faa_t is None and line.certificates_t is None
    assert result.totals["faa_t"] is None and result.totals["certificates_t"] is None
    assert result.totals["certificates_before_faa_t"] == pytest.approx(60.0 * 1.458)
    assert "cbam-import-cscf-missing" in _codes(result)


def test_actual_values_for_goods_with_precursors_do_not_get_an_faa(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72083600", "CN", 60.0, 1.9, 0.4]], cscf=0.9)
    (line,) = result.lines
    assert line.see_used == 1.9            # Annex II good: direct only
    assert line.embedded_t == pytest.approx(60.0 * 1.9)
    assert line.faa_t is None
    assert "cbam-import-faa-needs-precursors" in _codes(result)


def test_benchmark_route_with_a_user_defaults_table(tmp_path: Path) -> None:
    table_path = tmp_path / "defaults.csv"
    table_path.write_text("cn_code,country,total\n7208,OTHER,1.9\n", "utf-8")
    table = load_defaults(table_path)
    assert table.findings == []
    rows = [[D, "72083600", "CN", 30.0, None, None, None, None, "scrap/EAF"],
            [D, "72083600", "CN", 30.0]]
    data, findings = read_imports(_xlsx(tmp_path / "i.xlsx", rows))
    result = assess_imports(data, 2026, table, cscf=0.9, read_findings=findings)
    routed, unrouted = result.lines
    assert routed.benchmark == 0.072
    assert routed.faa_t == pytest.approx(0.975 * 0.9 * 0.072 * 30.0)
    assert routed.certificates_t == pytest.approx(30 * 1.9 * 1.1 - 0.975 * 0.9 * 0.072 * 30)
    assert unrouted.embedded_t == pytest.approx(30 * 1.9 * 1.1)
    assert unrouted.faa_t is None and unrouted.certificates_t is None
    assert "cbam-import-benchmark-route-needed" in _codes(result)
    assert result.totals["certificates_t"] is None
    assert result.totals["certificates_computed_lines_t"] == pytest.approx(
        routed.certificates_t)


def test_no_default_value_is_an_error_at_the_line(tmp_path: Path) -> None:
    # Brazil's DRI row is a dash: no default applies (never 'other countries').
    result = _run(tmp_path, [[D, "72031000", "BR", 60.0]], cscf=0.9)
    assert result.lines[0].embedded_t is None
    assert result.lines[0].note == "no default value"
    (finding,) = [f for f in result.findings if f.code == "cbam-default-no-value"]
    assert finding.location.cell == "B2" and "dash" in finding.message
    assert result.totals["certificates_t"] is None


def test_indirect_counted_goods_need_indirect(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "26011200", "BR", 1.0, 0.2],
                             [D, "26011200", "BR", 60.0, 0.2, 0.05]], cscf=0.9)
    first, second = result.lines
    assert first.status == "invalid"
    assert "cbam-import-see-incomplete" in _codes(result)
    assert second.see_used == pytest.approx(0.25)  # sinter: direct + indirect
    assert second.faa_t == pytest.approx(0.975 * 0.9 * 0.086 * 60.0)
    assert second.certificates_t == pytest.approx(60 * 0.25 - 0.975 * 0.9 * 0.086 * 60)


def test_inconsistent_total_warns(tmp_path: Path) -> None:
    # see_total means direct + indirect: 1.5 + 0.2 = 1.7 is consistent, 1.9 is not.
    consistent = _run(tmp_path, [[D, "72011011", "BR", 60.0, 1.5, 0.2, 1.7]])
    assert "cbam-import-see-inconsistent" not in _codes(consistent)
    (tmp_path / "b").mkdir()
    result = _run(tmp_path / "b", [[D, "72011011", "BR", 60.0, 1.5, 0.2, 1.9]])
    (line,) = result.lines
    assert line.see_used == 1.5               # pig iron (Annex II): the direct part counts
    assert "cbam-import-see-inconsistent" in _codes(result)


def test_groups_sum_lines(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72011011", "BR", 30.0], [D, "7201 10 11", "BR", 25.0],
                             [D, "72011011", "AU", 5.0]])
    br, au = result.groups
    assert (br["cn_code"], br["country"], br["lines"], br["mass"]) == ("72011011", "BR", 2,
                                                                        55.0)
    assert br["embedded_t"] == pytest.approx(55.0 * 1.625)
    assert au["embedded_t"] == pytest.approx(5.0 * 3.069)
    assert result.totals["embedded_t"] == pytest.approx(55 * 1.625 + 5 * 3.069)


# ------------------------------------------------------------------------- bad input

def test_every_bad_row_is_a_finding_at_its_cell(tmp_path: Path) -> None:
    rows = [
        [D, "73181500", "CN", 1.0],          # 2 not Annex I
        [D, "73181558", "XX", 1.0],          # 3 unknown country
        [D, "73181558", "CN", -2.0],         # 4 negative mass
        [D, "73181558", "CN", None],         # 5 missing mass
        [D, "73181558", "CN", "twelve"],     # 6 text in a number cell
        ["03/04/2026", "73181558", "CN", 1.0],  # 7 ambiguous date
        [None, "73181558", "CN", 1.0],       # 8 missing date
        [D, "7318", "CN", 1.0],              # 9 heading only
        [D, None, "CN", 1.0],                # 10 missing CN
        [D, "73181558", None, 1.0],          # 11 missing country
        [D, "73181558", "CN", "5 m3"],       # 12 wrong unit
        [D, "73181558", "CN", 1.0, "abc"],   # 13 text in SEE
        [D, "73181558", "CN", 1.0, -1.0],    # 14 negative SEE
    ]
    data, findings = read_imports(_xlsx(tmp_path / "bad.xlsx", rows))
    got = {(f.code, f.location.cell) for f in findings if f.severity is Severity.ERROR}
    assert got == {
        ("cbam-import-cn-unknown", "B2"), ("cbam-import-country-unknown", "C3"),
        ("cbam-import-negative-mass", "D4"), ("cbam-import-missing-mass", "D5"),
        ("cbam-import-not-a-number", "D6"), ("cbam-import-bad-date", "A7"),
        ("cbam-import-missing-date", "A8"), ("cbam-import-cn-unknown", "B9"),
        ("cbam-import-missing-cn", "B10"), ("cbam-import-missing-country", "C11"),
        ("cbam-import-mass-unit", "D12"), ("cbam-import-not-a-number", "E13"),
        ("cbam-import-negative-value", "E14"),
    }
    assert all(f.location.sheet == "Imports" for f in findings)
    assert len(data.lines) == len(rows)            # no row dropped
    assert all(not line.valid for line in data.lines)
    result = assess_imports(data, 2026, read_findings=findings)
    assert {line.status for line in result.lines} == {"invalid"}


def test_units_kg_and_quarters(tmp_path: Path) -> None:
    result = _run(tmp_path, [["2026-Q3", "72011011", "BR", "1,200 kg"],
                             ["Q4 2026", "72011011", "BR", "2 t"],
                             ["2026-05", "72011011", "BR", 3]])
    assert [line.mass for line in result.lines] == [1.2, 2.0, 3.0]
    assert [line.quarter for line in result.lines] == [3, 4, 2]


def test_other_years_are_left_out(tmp_path: Path) -> None:
    result = _run(tmp_path, [[dt.date(2025, 12, 31), "72011011", "BR", 60.0],
                             [dt.date(2026, 1, 2), "72011011", "BR", 10.0]])
    assert [line.status for line in result.lines] == ["other-year", "exempt-de-minimis"]
    assert "cbam-import-other-year" in _codes(result)


def test_eu_origin_is_not_subject(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72011011", "DE", 60.0]])
    assert result.lines[0].status == "not-subject"
    assert result.de_minimis.counted_mass_t == 0.0


def test_year_choice(tmp_path: Path) -> None:
    data, _ = read_imports(_xlsx(tmp_path / "y.xlsx", [[D, "72011011", "BR", 1.0],
                                                       ["2027-Q1", "72011011", "BR", 1.0]]))
    with pytest.raises(UsageError):
        assess_imports(data)
    with pytest.raises(UsageError):
        assess_imports(data, 2025)
    with pytest.raises(UsageError):
        assess_imports(data, 2026, cscf=1.5)
    assert assess_imports(data, 2027).year == 2027


def test_missing_required_column(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "c.xlsx", [["72011011", "BR", 1.0]],
                 head=["cn_code", "country", "net_mass"])
    data, findings = read_imports(path)
    assert data.lines == []
    assert [f.code for f in findings] == ["cbam-import-missing-column"]


def test_csv_reads_like_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["日期", "CN code", "原產國", "淨重"])
        w.writerow(["2026-02-01", "7201 10 11", "Brazil", "60"])
    data, findings = read_imports(path)
    result = assess_imports(data, read_findings=findings)
    assert result.lines[0].embedded_t == pytest.approx(60 * 1.625)
    assert result.lines[0].country == "BR"


# ------------------------------------------------------------------------- communication JSON

def _communication(path: Path, products: list[dict], year: int = 2026) -> None:
    path.write_text(json.dumps({"document_type": "cbam-communication",
                                "period": {"year": year}, "products": products}), "utf-8")


def test_communication_file(tmp_path: Path) -> None:
    _communication(tmp_path / "hm.json", [
        {"cn_code": "73181558", "name": "Hex bolts", "see_direct": 2.0, "see_indirect": 0.6,
         "see_total": 2.6},
        {"cn_code": "76042910", "name": "Profiles", "see_direct": 1.8, "see_indirect": 6.0}])
    rows = [[D, "73181558", "CN", 40.0, None, None, None, "hm.json"],
            [D, "76042910", "CN", 20.0, None, None, None, "hm.json"],
            [D, "73181520", "CN", 1.0, None, None, None, "hm.json"],
            [D, "73181558", "CN", 1.0, None, None, None, "missing.json"],
            [D, "73181558", "CN", 1.0, 2.0, None, None, "hm.json"]]
    result = _run(tmp_path, rows)
    bolts, profiles, *_ = result.lines
    # Definitive rule: Annex II goods count direct emissions only (transitional see_total 2.6).
    assert bolts.see_used == 2.0 and bolts.embedded_t == pytest.approx(80.0)
    assert bolts.see_source == "hm.json#/products/0"
    assert profiles.embedded_t == pytest.approx(20.0 * 1.8)
    errors = {(f.code, f.location.cell) for f in result.findings
              if f.severity is Severity.ERROR}
    assert errors == {("cbam-import-communication-no-product", "H4"),
                      ("cbam-import-communication-missing", "H5"),
                      ("cbam-import-see-conflict", "H6")}


def test_communication_other_period_and_ambiguity(tmp_path: Path) -> None:
    _communication(tmp_path / "old.json", [
        {"cn_code": "73181558", "name": "A", "see_direct": 2.0, "see_indirect": 0.1},
        {"cn_code": "73181558", "name": "B", "see_direct": 3.0, "see_indirect": 0.1}], 2025)
    _communication(tmp_path / "last_year.json", [
        {"cn_code": "73181558", "name": "A", "see_direct": 2.0, "see_indirect": 0.1}], 2025)
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    result = _run(tmp_path, [[D, "73181558", "CN", 60.0, None, None, None, "old.json"],
                             [D, "73181558", "CN", 1.0, None, None, None, "bad.json"],
                             [D, "73181558", "CN", 1.0, None, None, None, "last_year.json"]])
    codes = _codes(result)
    assert {"cbam-import-communication-ambiguous", "cbam-import-communication-period",
            "cbam-import-communication-unreadable"} <= codes


# ------------------------------------------------------------------------- outputs

def test_results_files_are_deterministic(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "72031000", "CN", 60.0], [D, "28041000", "IN", 1.0]],
                  cscf=0.9)
    a = write_imports_results(result, tmp_path / "a")
    b = write_imports_results(result, tmp_path / "b")
    assert [p.name for p in a] == ["cbam-imports.json", "cbam-imports-lines.csv",
                                   "cbam-imports-groups.csv"]
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()
    doc = json.loads(a[0].read_text("utf-8"))
    assert doc["year"] == 2026 and doc["parameters"]["cscf"] == 0.9
    # DRI from China (other countries, 1.458 with mark-up); hydrogen from India's own row.
    assert doc["totals"]["certificates_t"] == pytest.approx(
        (60 * 1.458 - 0.975 * 0.9 * 0.397 * 60) + (15.433 - 0.975 * 0.9 * 5.089))
    # The JSON keeps to totals and groups; the lines are in their own table.
    assert doc["lines"] == {"count": 2, "columns": doc["lines"]["columns"],
                            "file": "cbam-imports-lines.csv"}
    with a[1].open(encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert [line["row"] for line in lines] == ["2", "3"]
    assert float(lines[1]["embedded_t"]) == pytest.approx(15.433)


def test_cbam_factor_schedule() -> None:
    expected = {2025: None, 2026: 97.5, 2027: 95.0, 2028: 90.0, 2029: 77.5, 2030: 51.5,
                2031: 39.0, 2032: 26.5, 2033: 14.0, 2034: 0.0, 2050: 0.0}
    assert {y: cbam_factor_pct(y) for y in expected} == expected


def test_faa_is_zero_from_2034(tmp_path: Path) -> None:
    result = _run(tmp_path, [[dt.date(2034, 1, 1), "28041000", "AU", 1.0]], year=2034,
                  cscf=0.9)
    assert result.lines[0].faa_t == 0.0
    assert result.lines[0].certificates_t == pytest.approx(14.066)   # printed 2028 on


# ------------------------------------------------------------------------- template and sample

def test_template_has_header_dropdown_and_reads_back_empty(tmp_path: Path) -> None:
    path = write_imports_template(tmp_path / "t.xlsx")
    data, findings = read_imports(path)
    assert data.sheet == "Imports" and data.header_row == 1
    assert list(data.columns) == list(COLUMNS)
    assert [f.code for f in findings] == ["cbam-import-no-lines"]
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        instructions = zf.read("xl/sharedStrings.xml").decode()
    assert "Lists!$A$2:$A$" in sheet
    assert "微量豁免" in instructions and "De minimis" in instructions
    with pytest.raises(UsageError):
        write_imports_template(path)


def test_sample_workbook(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_imports", Path(__file__).parent.parent / "samples" / "make_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.write(tmp_path / "a.xlsx")
    second = module.write(tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    data, findings = read_imports(first)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    result = assess_imports(data, read_findings=findings)
    assert result.de_minimis.counted_mass_t == pytest.approx(18.4 + 16.2 + 9.6 + 12.0)
    assert not result.de_minimis.exempt
    # Hydrogen from India: India's own row of the full table (the excerpt lacked it).
    assert "cbam-default-fallback-other" not in _codes(result)
    assert result.lines[-1].see_used == pytest.approx(15.433)


def test_file_without_a_header_is_unreadable_not_a_year_question(tmp_path: Path) -> None:
    from carbonaudit.errors import InputUnreadable

    path = _xlsx(tmp_path / "h.xlsx", [["nothing", "here"]], head=["foo", "bar"])
    data, findings = read_imports(path)
    assert [f.code for f in findings] == ["cbam-import-no-header"]
    assert "carbonaudit template imports" in findings[0].message   # a command that exists
    with pytest.raises(InputUnreadable, match="no import lines could be read"):
        assess_imports(data, read_findings=findings)
    # With the year given, the result must not claim an exemption it cannot know.
    result = assess_imports(data, 2026, read_findings=findings)
    assert "cbam-import-de-minimis-incomplete" in [f.code for f in result.findings]


# ------------------------------------------------------------------------- definitive period

def _shipped(name: str) -> list[dict[str, str]]:
    from importlib import resources

    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_published_worked_example_100_t_of_7207_11_11_from_turkiye(tmp_path: Path) -> None:
    # The table values behind the published example, read from the shipped CSVs directly.
    (row,) = [r for r in _shipped("default_values_2621.csv")
              if (r["cn_code"], r["country"]) == ("72071111", "TR")]
    assert (row["route"], row["total"], row["total_2026"]) == ("C", "2.310", "2.541")
    (bench,) = [r for r in _shipped("benchmarks_2620.csv")
                if (r["cn_code"], r["column"], r["route"]) == ("72071111", "B", "C")]
    assert bench["benchmark"] == "1.364" and cbam_factor_pct(2026) == 97.5
    # Published: embedded 254.1 t, adjustment 100 x 1.364 x 97.5 % = 132.99 t,
    # 121.11 certificates, EUR 9,688.80 at EUR 80.
    data, findings = read_imports(_xlsx(tmp_path / "ex.xlsx", [[D, "7207 11 11", "TR", 100]]))
    result = assess_imports(data, 2026, cscf=1.0, price=80, read_findings=findings)
    (line,) = result.lines
    assert line.embedded_t == pytest.approx(254.1)
    assert line.faa_t == pytest.approx(132.99)
    assert line.certificates_t == pytest.approx(121.11)
    assert line.cost_eur == pytest.approx(9688.80)
    assert (line.basis, line.benchmark_column, line.benchmark_route) == ("default", "B", "C")
    assert line.benchmark == 1.364 and line.price_eur == 80
    assert result.totals["cost_eur"] == pytest.approx(9688.80)
    assert result.totals["certificates_t"] == pytest.approx(121.11)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


def test_price_per_quarter_and_a_line_without_a_quarter(tmp_path: Path) -> None:
    rows = [[dt.date(2026, 2, 1), "72071111", "TR", 20.0],
            ["2026-Q2", "72071111", "TR", 20.0],
            ["2026", "72071111", "TR", 20.0]]           # a year only: no quarter, no price
    data, findings = read_imports(_xlsx(tmp_path / "q.xlsx", rows))
    result = assess_imports(data, 2026, cscf=1.0, price={"Q1": 75.36, "2026-Q2": 75.28},
                            read_findings=findings)
    q1, q2, year_only = result.lines
    certs = 20 * 2.541 - 0.975 * 1.364 * 20
    assert q1.cost_eur == pytest.approx(certs * 75.36)
    assert q2.cost_eur == pytest.approx(certs * 75.28)
    assert year_only.cost_eur is None and year_only.certificates_t == pytest.approx(certs)
    assert result.totals["cost_eur"] is None
    assert result.totals["cost_computed_lines_eur"] == pytest.approx(certs * (75.36 + 75.28))
    (missing,) = [f for f in result.findings if f.code == "cbam-import-price-missing"]
    assert missing.location.cell == "A4"
    with pytest.raises(UsageError):
        assess_imports(data, 2026, price={"Q5": 1.0})


def test_carbon_price_paid_is_deducted_on_actual_values_only(tmp_path: Path) -> None:
    head = [*HEAD, "carbon_price_paid"]
    rows = [[D, "28041000", "AU", 10.0, 9.0, None, None, None, None, 100.0],
            [D, "72071111", "TR", 60.0, None, None, None, None, None, 100.0]]
    data, findings = read_imports(_xlsx(tmp_path / "cp.xlsx", rows, head=head))
    result = assess_imports(data, 2026, cscf=1.0, price=80, read_findings=findings)
    actual, default = result.lines
    actual_certs = 10 * 9.0 - 0.975 * 1.0 * 5.089 * 10      # Column A for actual hydrogen
    assert actual.benchmark_column == "A"
    assert actual.carbon_price_deducted_eur == 100.0
    assert actual.cost_eur == pytest.approx(actual_certs * 80 - 100.0)
    assert default.carbon_price_deducted_eur is None
    assert default.cost_eur == pytest.approx((60 * 2.541 - 0.975 * 1.364 * 60) * 80)
    (kept,) = [f for f in result.findings if f.code == "cbam-import-carbon-price-not-deducted"]
    assert kept.location.cell == "J3" and "Art. 9" in kept.message


def test_benchmark_with_two_periods_is_taken_for_the_year_and_flagged(tmp_path: Path) -> None:
    # Stainless semi-finished 7218 10 00 from China: Column B 1.419 (2026-2027), 1.381 later.
    early = _run(tmp_path, [[D, "72181000", "CN", 60.0]], cscf=1.0)
    (line,) = early.lines
    assert (line.benchmark, line.benchmark_status) == (1.419, "unverified")
    assert line.faa_t == pytest.approx(0.975 * 1.419 * 60)
    assert line.see_used == 6.215                          # China's row, 5.65 + 10 %
    assert "cbam-import-benchmark-status" in _codes(early)
    (tmp_path / "late").mkdir()
    late = _run(tmp_path / "late", [[dt.date(2029, 5, 1), "72181000", "CN", 60.0]],
                year=2029, cscf=1.0)
    assert late.lines[0].benchmark == 1.381


def test_current_urea_codes_and_codes_outside_annex_i(tmp_path: Path) -> None:
    result = _run(tmp_path, [[D, "3102 10 12", "EG", 60.0], [D, "7204 10 00", "EG", 1.0]],
                  cscf=1.0)
    urea, scrap = result.lines
    assert urea.status == "in-scope" and urea.see_used == 0.465   # Egypt's row, +1 %
    assert scrap.status == "invalid" and scrap.note == "cbam-import-cn-unknown"
    (finding,) = [f for f in result.findings if f.code == "cbam-import-cn-unknown"]
    assert "closest Annex I heading is 7203" in finding.message


def test_one_finding_per_distinct_problem_listing_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "cn_code", "country", "net_mass"])
        for i in range(25):
            w.writerow(["2026-03-01", "8407 32 90" if i % 2 else "7207 11 11", "TR", "1"])
    data, findings = read_imports(path)
    (finding,) = [f for f in findings if f.code == "cbam-import-cn-unknown"]
    assert finding.location.cell == "B3"
    assert "(rows 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 and 2 more)" in finding.message
    assert len(data.lines) == 25                      # no row dropped
    assert sum(not line.valid for line in data.lines) == 12
    assert {line.problems for line in data.lines if not line.valid} == {
        "cbam-import-cn-unknown"}


def test_lines_as_parquet_hold_the_same_rows(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    result = _run(tmp_path, [[D, "72071111", "TR", 100.0], [D, "72031000", "BR", 1.0]],
                  cscf=1.0)
    paths = write_imports_results(result, tmp_path / "p", lines_format="parquet")
    assert paths[1].name == "cbam-imports-lines.parquet"
    table = pq.read_table(paths[1]).to_pylist()
    assert [r["row"] for r in table] == [2, 3]
    assert table[0]["embedded_t"] == pytest.approx(254.1)
    assert table[1]["note"] == "no default value"


def test_csv_with_a_blank_line_and_a_ragged_row_keeps_row_numbers(tmp_path: Path) -> None:
    regular = tmp_path / "regular.csv"
    regular.write_text("date,cn_code,country,net_mass\n2026-03-01,72071111,TR,1\n\n"
                       "2026-03-01,72071111,TR,x\n", "utf-8")
    ragged = tmp_path / "ragged.csv"     # a short row: read by the csv module, not Arrow
    ragged.write_text("date,cn_code,country,net_mass\n2026-03-01,72071111,TR,1\n\n"
                      "2026-03-01,72071111,TR,x\n2026-03-01,72071111\n", "utf-8")
    for path in (regular, ragged):
        data, findings = read_imports(path)
        assert [line.row for line in data.lines][:2] == [2, 4]
        bad = [f for f in findings if f.code == "cbam-import-not-a-number"]
        assert [f.location.cell for f in bad] == ["D4"]
