"""Property-based tests (hypothesis): number, date and CSV reading never guess and never crash.

Oracles are independent of the parser: Python's own float formatting and `calendar` for the
round trips, `unicodedata` for which characters are special digits, and the line count of the
CSV text for the rows that must come back.  Example counts are bounded so the file runs in a
few seconds; `derandomize` keeps CI runs repeatable.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import math
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.ingest.numbers import parse_dates, parse_quantities
from carbonaudit.ingest.reader import read_activity_files

FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Characters people and exports put in number cells, plus the troublemakers: special digits
# (NFKC turns ² into 2), full-width digits, odd spaces, signs, letters of units and dates.
TRICKY = ("0123456789.,-+eE kWhLtgm³²¹⁰⁴①½₂⁻⁺１２．，\u00a0\u2009\u2212/年月日:T'"
          "abcxyzé千瓦時")
cells = st.text(alphabet=TRICKY, max_size=14)
columns = st.lists(st.one_of(cells, st.none(), st.floats(allow_nan=True),
                             st.integers(-10**20, 10**20)), min_size=1, max_size=30)


def _column(values) -> pd.Series:
    return pd.Series(values, dtype=object)


def _special_digit_in_number(text: str) -> bool:
    """A superscript/circled digit before any letter: it stands where the number is."""
    for ch in text:
        if unicodedata.category(ch) == "No":
            return True
        if ch.isalpha():
            return False
    return False


@FAST
@given(columns, st.booleans())
def test_quantities_never_raise_and_never_half_parse(values, decimal_comma):
    q = parse_quantities(_column(values), decimal_comma=decimal_comma)
    assert len(q.value) == len(q.problem) == len(q.unit_text) == len(values)
    for raw, value, problem in zip(values, q.value, q.problem, strict=True):
        if problem is None:
            assert math.isfinite(value), raw  # never inf, never a silent NaN
        else:
            assert math.isnan(value), (raw, problem)
        if isinstance(raw, str) and _special_digit_in_number(raw):
            assert problem is not None, raw  # 10² is never 102


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
       st.booleans(), st.sampled_from(["", " kWh", "kg", " m3"]))
def test_formatted_floats_read_back_exactly(x, decimal_comma, unit):
    text = f"{x:,}"  # Python groups thousands with ',' and shows the shortest round-trip digits
    if decimal_comma:
        text = text.translate(str.maketrans(",.", ".,"))
    q = parse_quantities(_column([text + unit]), decimal_comma=decimal_comma)
    assert q.problem[0] is None, text
    assert q.value[0] == x
    assert (q.unit_text[0] or "") == unit.strip()


@FAST
@given(st.integers(-10**15, 10**15), st.sampled_from(["²", "³", "¹", "⁰"]))
def test_superscript_after_digits_is_never_a_number(n, sup):
    q = parse_quantities(_column([f"{n}{sup}", f"{n}{sup} kWh", f"{n:,}{sup}"]))
    assert list(q.problem) == ["not-a-number"] * 3
    assert np.isnan(q.value).all()


dates = st.dates(min_value=dt.date(1678, 1, 1), max_value=dt.date(2262, 1, 1))


@FAST
@given(dates)
def test_dates_read_back_exactly(d):
    n = calendar.monthrange(d.year, d.month)[1]
    texts = [d.isoformat(), f"{d:%Y/%m/%d}", f"{d.year}-{d.month:02d}",
             f"{d.day}/{d.month}/{d.year}"]
    p = parse_dates(_column(texts))
    got = [(s.astype("datetime64[D]").item(), e.astype("datetime64[D]").item())
           for s, e in zip(p.start, p.end, strict=True)]
    assert got[0] == got[1] == (d, d)
    assert got[2] == (d.replace(day=1), d.replace(day=n)) and p.problem[2] is None
    # day/month/year: settled only when the day is above 12 or equals the month
    if d.day > 12 or d.day == d.month:
        assert got[3] == (d, d) and p.problem[3] is None
    else:
        assert p.problem[3] == "ambiguous-date" and np.isnat(p.start[3])


@FAST
@given(columns)
def test_dates_never_raise(values):
    p = parse_dates(_column(values))
    assert len(p.start) == len(p.end) == len(p.problem) == len(values)
    set_ = ~np.isnat(p.start)
    assert (np.isnat(p.end) == ~set_).all()
    assert (p.start[set_] <= p.end[set_]).all()
    for raw, start, problem in zip(values, p.start, p.problem, strict=True):
        if problem is not None:
            assert np.isnat(start), (raw, problem)
        if isinstance(raw, str) and any(unicodedata.category(c) == "No" for c in raw):
            assert np.isnat(start), raw


# ------------------------------------------------------------------------- CSV ingest

csv_cell = st.text(alphabet=st.characters(blacklist_characters="\r\n\"", codec="utf-8",
                                          blacklist_categories=("Cs",)), max_size=8)


@SLOW
@given(st.lists(st.lists(csv_cell, min_size=1, max_size=6), max_size=25))
def test_csv_rows_are_all_accounted_for(tmp_path_factory, body):
    """Under a recognised header, every data line comes back as a row or as a counted blank."""
    path = tmp_path_factory.mktemp("fuzz") / "activity.csv"
    lines = ["activity,item,quantity,unit"] + [",".join(r) for r in body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        got = read_activity_files([path])
    except (InputUnreadable, UsageError):
        return
    rows = sum(len(t.df) for t in got.tables)
    blank = sum(t.blank_rows for t in got.tables)
    assert got.tables, lines
    assert rows + blank == len(body)


@SLOW
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8",
                                                                              "surrogatepass")))
def test_arbitrary_bytes_are_read_or_refused(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "activity.csv"
    path.write_bytes(b"activity,quantity,unit\n" + data)
    with contextlib.suppress(InputUnreadable, UsageError):  # refusing is fine; crashing is not
        read_activity_files([path])


@pytest.mark.parametrize("cell", ["10²", "10³ kWh", "1e³", "①", "2,5³"])
def test_superscripts_are_findings_at_the_cell(tmp_path, cell):
    from carbonaudit.inventory.engine import assess
    from carbonaudit.project import Config

    path = tmp_path / "activity.csv"
    path.write_text("activity,item,quantity,unit,region\n"
                    f"purchased_electricity,grid,\"{cell}\",kWh,HK\n"
                    "purchased_electricity,grid,35,kWh,HK\n", encoding="utf-8")
    a = assess([str(path)], Config())
    found = [(f.code, f.location.cell) for f in a.findings if f.severity == "error"]
    assert found == [("not-a-number", "C2")]
    assert "³" in next(f.message for f in a.findings if f.code == "not-a-number")
    assert list(a.results["status"]) == ["rejected", "assessed"]
