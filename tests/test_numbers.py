"""Tests for carbonaudit.numbers: strict, vectorised quantity and date parsing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities


def _one(cell: object, *, decimal_comma: bool = False) -> tuple[float, object, object]:
    result = parse_quantities(pd.Series([cell], dtype=object), decimal_comma=decimal_comma)
    return result.value[0], result.unit_text[0], result.problem[0]


@pytest.mark.parametrize(
    ("cell", "value", "unit"),
    [
        ("1,234.5", 1234.5, None),
        ("1234.5", 1234.5, None),
        ("1,234", 1234.0, None),
        ("1,234,567", 1234567.0, None),
        ("-12.5", -12.5, None),
        ("+3", 3.0, None),
        ("1.2e3", 1200.0, None),
        (".5", 0.5, None),
        ("  42  ", 42.0, None),
        ("１２３４．５", 1234.5, None),          # full-width digits (NFKC)
        ("1\u00a0234.5", 1234.5, None),         # NBSP removed
        ("1\u2009234", 1234.0, None),           # thin space removed
        ("1,200 kWh", 1200.0, "kWh"),
        ("35 m3", 35.0, "m3"),
        ("500kg", 500.0, "kg"),
        ("1000 Nm3", 1000.0, "Nm3"),
        ("12.5 tonne-km", 12.5, "tonne-km"),
        ("5 千瓦時", 5.0, "千瓦時"),
        ("２００ ｋＷｈ", 200.0, "kWh"),
        (3, 3.0, None),
        (2.5, 2.5, None),
        (np.float64(7.25), 7.25, None),
        (np.int64(9), 9.0, None),
    ],
)
def test_quantities_default_locale(cell: object, value: float, unit: str | None) -> None:
    got, got_unit, problem = _one(cell)
    assert problem is None
    assert got == value
    assert got_unit == unit


@pytest.mark.parametrize("cell", ["1,5", "1.234,5", "12,34", "1,2345", "0,5 kWh"])
def test_comma_decimals_are_ambiguous_by_default(cell: str) -> None:
    value, _, problem = _one(cell)
    assert problem == "ambiguous-number"
    assert np.isnan(value)


@pytest.mark.parametrize(
    "cell", ["abc", "12kg3", "N/A", "(12)", "(1,234.5)", "1-2", "12..5", "kWh 12", "--5", True,
             False, dt.date(2025, 1, 1), "12 345.6"],
)
def test_junk_is_not_a_number(cell: object) -> None:
    value, unit, problem = _one(cell)
    assert problem == "not-a-number"
    assert np.isnan(value)
    assert unit is None


@pytest.mark.parametrize("cell", [None, float("nan"), "", "   ", "\u00a0", pd.NA])
def test_blank_is_missing(cell: object) -> None:
    assert _one(cell)[2] == "missing-quantity"


@pytest.mark.parametrize(
    ("cell", "value", "unit"),
    [
        ("1.234,5", 1234.5, None),
        ("1,5", 1.5, None),
        ("1 234,5", 1234.5, None),
        ("1'234,5", 1234.5, None),
        ("1.234", 1234.0, None),
        ("1234", 1234.0, None),
        ("1 200,5 kWh", 1200.5, "kWh"),
        ("1.200,5kWh", 1200.5, "kWh"),
        ("-0,75", -0.75, None),
        (12.5, 12.5, None),
    ],
)
def test_decimal_comma_locale(cell: object, value: float, unit: str | None) -> None:
    got, got_unit, problem = _one(cell, decimal_comma=True)
    assert problem is None
    assert got == value
    assert got_unit == unit


@pytest.mark.parametrize("cell", ["1,234.5", "1.5", "1234.5"])
def test_dot_decimals_are_ambiguous_under_decimal_comma(cell: str) -> None:
    assert _one(cell, decimal_comma=True)[2] == "ambiguous-number"


def test_mixed_column_is_aligned_with_input() -> None:
    cells = pd.Series(["1,200 kWh", 5.0, None, "1,5", "x", "7"], dtype=object,
                      index=[10, 11, 12, 13, 14, 15])
    result = parse_quantities(cells)
    assert result.value.dtype == np.float64
    np.testing.assert_array_equal(result.value[[0, 1, 5]], [1200.0, 5.0, 7.0])
    assert list(result.unit_text) == ["kWh", None, None, None, None, None]
    assert list(result.problem) == [None, None, "missing-quantity", "ambiguous-number",
                                    "not-a-number", None]


def test_arrow_string_column_from_csv() -> None:
    cells = pd.Series(["1", "2 kg", "", "x", "3,000"], dtype="str")
    result = parse_quantities(cells)
    np.testing.assert_array_equal(result.value[[0, 1, 4]], [1.0, 2.0, 3000.0])
    assert list(result.problem) == [None, None, "missing-quantity", "not-a-number", None]


def test_numeric_dtype_column() -> None:
    result = parse_quantities(pd.Series([1.5, np.nan, 3.0]))
    assert list(result.problem) == [None, "missing-quantity", None]


def test_ambiguous_message_suggests_decimal_comma() -> None:
    message = cell_problem_message("ambiguous-number", "1,5", False)
    assert "--decimal-comma" in message
    assert "'1,5'" in message
    assert "--decimal-comma" in cell_problem_message("ambiguous-number", "1.5", True)


@pytest.mark.parametrize("code", ["missing-quantity", "not-a-number", "not-a-date",
                                  "ambiguous-date"])
def test_every_code_has_a_message(code: str) -> None:
    message = cell_problem_message(code, "raw", False)
    assert message.endswith(".")


def test_unknown_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        cell_problem_message("no-such-code", "x")


# --- dates -----------------------------------------------------------------------------------


def _period(cell: object) -> tuple[object, object, object]:
    result = parse_dates(pd.Series([cell], dtype=object))
    assert result.start.dtype == np.dtype("datetime64[ns]")
    start, end = result.start[0], result.end[0]
    return _day(start), _day(end), result.problem[0]


def _day(value: np.datetime64) -> str | None:
    return None if np.isnat(value) else str(value.astype("datetime64[D]"))


@pytest.mark.parametrize(
    ("cell", "start", "end"),
    [
        (45658, "2025-01-01", "2025-01-01"),
        (45292, "2024-01-01", "2024-01-01"),
        (45658.75, "2025-01-01", "2025-01-01"),
        (61, "1900-03-01", "1900-03-01"),
        (59, "1900-02-28", "1900-02-28"),
        (1, "1900-01-01", "1900-01-01"),
        ("45658", "2025-01-01", "2025-01-01"),
        ("2025-01-31", "2025-01-31", "2025-01-31"),
        ("2025/03/04", "2025-03-04", "2025-03-04"),
        ("2025-3-4", "2025-03-04", "2025-03-04"),
        ("2025-01-31 00:00:00", "2025-01-31", "2025-01-31"),
        ("2025-02", "2025-02-01", "2025-02-28"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025", "2025-01-01", "2025-12-31"),
        (2024, "2024-01-01", "2024-12-31"),
        (2024.0, "2024-01-01", "2024-12-31"),
        ("31/01/2025", "2025-01-31", "2025-01-31"),
        ("01/31/2025", "2025-01-31", "2025-01-31"),
        ("05/05/2025", "2025-05-05", "2025-05-05"),
        ("２０２５－０１－３１", "2025-01-31", "2025-01-31"),
        ("2025年3月", "2025-03-01", "2025-03-31"),
        ("2025年3月5日", "2025-03-05", "2025-03-05"),
        (dt.datetime(2025, 5, 6, 13, 30), "2025-05-06", "2025-05-06"),
        (dt.date(2024, 1, 1), "2024-01-01", "2024-01-01"),
        (pd.Timestamp("2023-07-01"), "2023-07-01", "2023-07-01"),
    ],
)
def test_dates(cell: object, start: str, end: str) -> None:
    assert _period(cell) == (start, end, None)


@pytest.mark.parametrize("cell", ["03/04/2025", "12/01/2024", "1/2/2025"])
def test_day_month_order_is_ambiguous(cell: str) -> None:
    assert _period(cell) == (None, None, "ambiguous-date")


@pytest.mark.parametrize(
    "cell", ["xyz", "31/02/2025", "2025-13-01", "2025-02-30", "32/13/2025", 60, 0, -5,
             2958466, True, dt.time(12, 0), "Q1 2025"],
)
def test_not_a_date(cell: object) -> None:
    assert _period(cell) == (None, None, "not-a-date")


@pytest.mark.parametrize("cell", [None, "", "  ", float("nan")])
def test_blank_dates_are_not_problems(cell: object) -> None:
    assert _period(cell) == (None, None, None)


def test_repeated_date_texts_broadcast_correctly() -> None:
    cells = pd.Series(["2025-01-31", "2025-02", "2025-01-31", "bad", "2025-02"] * 3, dtype="str")
    result = parse_dates(cells)
    assert list(result.problem[:5]) == [None, None, None, "not-a-date", None]
    assert str(result.end[1].astype("datetime64[D]")) == "2025-02-28"
    assert str(result.start[12].astype("datetime64[D]")) == "2025-01-31"
