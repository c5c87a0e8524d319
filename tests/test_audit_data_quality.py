"""Data-quality findings on built workbooks: monthly gaps, overlaps, outliers, the score."""

import calendar
import datetime as dt

import pytest
import xlsxwriter

from carbonaudit.audit.data_quality import data_quality_section
from carbonaudit.inventory.engine import assess
from carbonaudit.project import Config

YEAR = Config(period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
HEADER = ["activity", "item", "quantity", "unit", "site", "period_start", "period_end",
          "region", "reference"]


def month(m):
    return dt.datetime(2025, m, 1), dt.datetime(2025, m, calendar.monthrange(2025, m)[1])


def workbook(path, rows):
    """rows: (activity, item, quantity, unit, site, start, end, region, reference)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bills")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    for r, values in enumerate(rows, start=1):
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, date)
            elif v != "":
                ws.write(r, c, v)
    wb.close()
    return path


def bills(site, months, quantity=10_000.0, item="grid", activity="purchased_electricity",
          unit="kWh", region="HK-HKE"):
    return [(activity, item, quantity(m) if callable(quantity) else quantity, unit, site,
             *month(m), region, f"bill {site} {m}") for m in months]


def findings(a, code):
    return [f for f in a.findings if f.code == code]


def test_eleven_of_twelve_bills_is_a_warning_naming_the_missing_month(tmp_path):
    rows = bills("Office A", [m for m in range(1, 13) if m != 7]) + bills("Office B",
                                                                         range(1, 13))
    a = assess([str(workbook(tmp_path / "a.xlsx", rows))], YEAR)
    gaps = findings(a, "monthly-gap")
    assert len(gaps) == 1
    g = gaps[0]
    assert str(g.severity) == "warning"
    assert "Office A" in g.message and "2025-07" in g.message and "11 of 12" in g.message
    assert (g.location.sheet, g.location.cell) == ("Bills", "F2")  # the series' first row
    # Office B is complete, so only Office A's 11 rows are marked incomplete
    dq = data_quality_section(a.results)
    assert dq["series"]["with_gaps"] == 1
    scope2 = next(s for s in dq["by_scope"] if s["scope"] == "scope_2_location")
    office_a = sum(10_000.0 for _ in range(11))
    assert scope2["components"]["complete"] == pytest.approx(12 * 10_000 / (12 * 10_000
                                                                            + office_a))


def test_a_site_with_one_bill_misses_eleven_months_and_a_year_row_is_not_a_series(tmp_path):
    rows = bills("Kiosk", [3]) + [("purchased_electricity", "grid", 120_000.0, "kWh", "Depot",
                                  dt.datetime(2025, 1, 1), dt.datetime(2025, 12, 31),
                                  "HK-HKE", "annual statement")]
    a = assess([str(workbook(tmp_path / "b.xlsx", rows))], YEAR)
    gaps = findings(a, "monthly-gap")
    assert len(gaps) == 1 and "Kiosk" in gaps[0].message and "1 of 12" in gaps[0].message
    assert "2025-01, 2025-02, 2025-04" in gaps[0].message


def test_one_month_ten_times_the_others_is_an_outlier_at_its_quantity_cell(tmp_path):
    rows = bills("Plant", range(1, 13), quantity=lambda m: 50_000.0 if m == 4 else 5_000.0 + m,
                 activity="stationary_combustion", item="natural_gas", unit="GJ", region="")
    a = assess([str(workbook(tmp_path / "c.xlsx", rows))], YEAR)
    out = findings(a, "outlier-period")
    assert len(out) == 1
    assert (out[0].location.sheet, out[0].location.cell) == ("Bills", "C5")  # April's row
    assert "2025-04-01 to 2025-04-30" in out[0].message and "50000 GJ" in out[0].message
    # April is ~10x per day of the other months' median (independent arithmetic)
    others = sorted((5_000.0 + m) / calendar.monthrange(2025, m)[1] for m in range(1, 13)
                    if m != 4)
    assert f"{(50_000 / 30) / _median([*others, 50_000 / 30]):.1f}x" in out[0].message
    dq = data_quality_section(a.results)
    assert dq["series"]["outlier_periods"] == 1
    plausible = dq["by_scope"][0]["components"]["plausible"]
    total = 50_000 + sum(5_000.0 + m for m in range(1, 13) if m != 4)
    assert plausible == pytest.approx(1 - 50_000 / total)


def _median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def test_steady_seasonal_series_are_not_outliers(tmp_path):
    rows = bills("Office", range(1, 13), quantity=lambda m: 10_000.0 * (1.5 if 6 <= m <= 9
                                                                        else 1.0))
    a = assess([str(workbook(tmp_path / "d.xlsx", rows))], YEAR)
    assert findings(a, "outlier-period") == [] and findings(a, "monthly-gap") == []


def test_overlapping_bills_are_a_warning_but_parallel_meters_are_not(tmp_path):
    rows = bills("Shop", range(1, 13)) + bills("Shop", range(1, 13), quantity=2_000.0)
    rows.append(("purchased_electricity", "grid", 300.0, "kWh", "Shop",
                 dt.datetime(2025, 3, 15), dt.datetime(2025, 4, 14), "HK-HKE", "extra"))
    a = assess([str(workbook(tmp_path / "e.xlsx", rows))], YEAR)
    over = findings(a, "overlapping-periods")
    assert len(over) == 1
    assert "2025-03-15 to 2025-04-14" in over[0].message and "2025-03-31" in over[0].message
    assert over[0].location.cell == "F26"


def test_score_is_normalised_so_more_rows_do_not_lower_it(tmp_path):
    one = bills("Office", [m for m in range(1, 13) if m != 2])
    a = assess([str(workbook(tmp_path / "one.xlsx", one))], YEAR)
    b = assess([str(workbook(tmp_path / "ten.xlsx", one * 10))], YEAR)
    sa = data_quality_section(a.results)["overall"]
    sb = data_quality_section(b.results)["overall"]
    assert sa["score"] == pytest.approx(sb["score"])
    # the factor is unverified (0), evidence given (1), plausible (1), a gap (0): 50
    assert sa["score"] == pytest.approx(50.0)
    assert sa["components"]["measured"] is None and sa["estimated_share"] is None


def test_the_sample_has_no_gaps_and_names_its_summer_generator_peaks():
    from pathlib import Path

    from carbonaudit.project import load_config

    root = Path(__file__).resolve().parent.parent / "samples" / "harbour_metals"
    cfg = load_config(root / "carbonaudit.toml")
    a = assess([str(p) for p in cfg.inputs], cfg)
    assert findings(a, "monthly-gap") == [] and findings(a, "overlapping-periods") == []
    peaks = findings(a, "outlier-period")
    assert [f.location.cell for f in peaks] == ["C48", "C56", "C64"]  # June-August diesel
    assert all("stationary_combustion diesel" in f.message for f in peaks)


def test_without_a_reporting_period_only_gaps_inside_a_series_count(tmp_path):
    rows = bills("Office", [1, 2, 3, 5, 6]) + bills("Annex", [9])
    a = assess([str(workbook(tmp_path / "f.xlsx", rows))], Config())
    gaps = findings(a, "monthly-gap")
    assert len(gaps) == 1 and "Office" in gaps[0].message
    assert "no row for 2025-04 (5 of 6 months from its first to its last" in gaps[0].message
    # rows with a start date only are events, not billing periods: no gap check
    events = [("purchased_electricity", "grid", 100.0, "kWh", "Kiosk", dt.datetime(2025, m, 1),
               "", "HK-HKE", "") for m in (1, 6)]
    b = assess([str(workbook(tmp_path / "g.xlsx", events))], YEAR)
    assert findings(b, "monthly-gap") == []


def test_data_origin_gives_the_measured_and_estimated_shares(tmp_path):
    rows = bills("Office", range(1, 13), quantity=1_000.0)
    a = assess([str(workbook(tmp_path / "h.xlsx", rows))], YEAR)
    # the column does not reach the results from a workbook yet (not a canonical column),
    # so it is set on the results frame: three months estimated, one unreadable
    origin = ["invoiced"] * 8 + ["estimate", "估算", "Estimated", "guess"]
    a.results["data_origin"] = origin
    dq = data_quality_section(a.results)
    scope2 = dq["by_scope"][0]
    assert dq["data_origin_stated"] is True
    assert scope2["estimated_share"] == pytest.approx(3 / 12)
    assert scope2["components"]["measured"] == pytest.approx(8 / 12)
