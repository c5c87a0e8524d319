"""Strict, vectorised parsing of quantity and date cells.

Spreadsheet cells arrive as whatever the reader produced: floats and ints from xlsx number
cells, `datetime` objects from date cells, and text everywhere in CSV files.  This module
turns a whole column into numbers or dates at once (pyarrow compute kernels on the text,
numpy on the rest) and reports, per cell, why a value could not be trusted.  It never
guesses: `1,5` is not silently 1.5 or 15, and `03/04/2025` is not silently March or April.

Problem codes (stable, used as finding codes by the activity checks):
`missing-quantity`, `not-a-number`, `ambiguous-number`, `number-out-of-range` (a number
too large for a float: `1e309`, 400 digits), `not-a-date`, `ambiguous-date`.
"""

from __future__ import annotations

import datetime as _dt
import numbers as _numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_QUANTITY = "missing-quantity"
NOT_A_NUMBER = "not-a-number"
AMBIGUOUS_NUMBER = "ambiguous-number"
NUMBER_OUT_OF_RANGE = "number-out-of-range"
NOT_A_DATE = "not-a-date"
AMBIGUOUS_DATE = "ambiguous-date"

# ---------------------------------------------------------------------------------------------
# Regular expressions (RE2 syntax: they run inside pyarrow, not Python's `re`).

_EXP = r"(?:[eE][+-]?\d+)?"
# Default locale: "," only as a thousands separator in whole 3-digit groups, "." for decimals.
_NUM_DOT = (
    r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)" + _EXP
)
# Decimal-comma locale: ".", space or "'" group thousands, "," is the decimal mark.
_NUM_COMMA = (
    r"[+-]?(?:(?:\d{1,3}(?:[. ']\d{3})+|\d+)(?:,\d*)?|,\d+)" + _EXP
)
# A unit written after the number.  Digits may only appear as the 2/3 exponent of a length
# unit (m3, Nm3, km2, ft3) so that junk like "12kg3" is rejected rather than read as 12 kg^3.
_UNIT_WORD = r"(?:\p{L}*(?:m|ft|in|yd|mi)[23]|\p{L}+)"
_UNIT = _UNIT_WORD + r"(?:[ /·*.\-_]+" + _UNIT_WORD + r")*"


def _quantity_pattern(number: str) -> str:
    return rf"^(?P<num>{number})(?:\s*(?P<unit>{_UNIT}))?$"


_QTY_DOT = _quantity_pattern(_NUM_DOT)
_QTY_COMMA = _quantity_pattern(_NUM_COMMA)

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE = (
    r"^(?:(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?" + _TIME
    + r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4})" + _TIME
    + r"|(?P<serial>\d+(?:\.\d+)?))$"
)

# Superscript, subscript, circled and other "No" digits that NFKC would turn into plain
# digits (10² -> 102, ① -> 1) where they stand in the number: at the start, after a digit or
# decimal mark, or in an exponent.  After a letter they are a unit's power (m³) and stay.
_SIGNS = r"[+\-\x{2212}\x{207A}\x{207B}\x{208A}\x{208B}]"
_SPECIAL_DIGIT = (r"(?:^[\s" + _SIGNS[1:-1] + r"]*|[\p{Nd}.,]\s*|\p{Nd}[eE]" + _SIGNS
                  + r"?)\p{No}")

# Spaces that spreadsheets and locales use inside numbers; removed before parsing.
_ODD_SPACES = "[\u00a0\u2007\u2009\u202f\u200b]"

_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_YEAR_MIN, _YEAR_MAX = 1900, 2100
# datetime64[ns] covers 1677-09-21 .. 2262-04-11; dates outside cannot be represented.
_NS_MIN = np.datetime64("1677-09-22", "D")
_NS_MAX = np.datetime64("2262-04-10", "D")


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class QuantityParse:
    """Per-cell result of `parse_quantities`, aligned with the input."""

    value: np.ndarray      # float64, NaN where not parsed
    unit_text: np.ndarray  # object: the unit written in the cell, else None
    problem: np.ndarray    # object: None or a problem code


@dataclass
class DateParse:
    """Per-cell result of `parse_dates`: the period a cell covers (inclusive days)."""

    start: np.ndarray    # datetime64[ns], NaT where missing or not parsed
    end: np.ndarray      # datetime64[ns]
    problem: np.ndarray  # object: None, "not-a-date" or "ambiguous-date"


# ---------------------------------------------------------------------------------------------
# Cell classification


@dataclass
class _Kinds:
    missing: np.ndarray
    number: np.ndarray
    text: np.ndarray
    datetime: np.ndarray
    other: np.ndarray


def _kind_of_type(t: type) -> str:
    if t is type(None) or t is type(pd.NaT):
        return "missing"
    if issubclass(t, bool | np.bool_):
        return "other"
    if issubclass(t, _numbers.Real):
        return "number"
    if issubclass(t, str):
        return "text"
    if issubclass(t, _dt.date | np.datetime64):  # datetime and Timestamp are dates too
        return "datetime"
    return "other"


def _classify(values: pd.Series) -> _Kinds:
    n = len(values)
    none = np.zeros(n, dtype=bool)
    isna = values.isna().to_numpy()
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _Kinds(isna, none, none, none, ~isna)
    if pd.api.types.is_numeric_dtype(dtype):
        return _Kinds(isna, ~isna, none, none, none)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _Kinds(isna, none, none, ~isna, none)
    if isinstance(dtype, pd.StringDtype):
        return _Kinds(isna, none, ~isna, none, none)
    # Mixed object column (xlsx): classify once per distinct Python type, then broadcast.
    types = values.map(type)
    kinds = types.map({t: _kind_of_type(t) for t in types.unique()}).to_numpy()
    # pd.NA, NaT and NaN have their own types; whatever the type, a missing value is missing.
    return _Kinds(
        missing=isna | (kinds == "missing"),
        number=(kinds == "number") & ~isna,
        text=(kinds == "text") & ~isna,
        datetime=(kinds == "datetime") & ~isna,
        other=(kinds == "other") & ~isna,
    )


def _clean_text(values: pd.Series) -> pa.Array:
    """Text cells as an Arrow array: odd spaces removed, NFKC (full-width digits), trimmed."""
    arr = _to_arrow(values)
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = pc.replace_substring_regex(arr, _ODD_SPACES, "")
        arr = pc.utf8_normalize(arr, form="NFKC")
        arr = pc.replace_substring(arr, "\u2212", "-")  # typographic minus sign
    return pc.utf8_trim_whitespace(arr)


def _special_digits(values: pd.Series, pattern: str) -> np.ndarray | None:
    """Cells whose raw text matches `pattern` before NFKC folds special digits away."""
    arr = _to_arrow(values)
    if pc.all(pc.string_is_ascii(arr)).as_py():
        return None
    hit = _bool(pc.fill_null(pc.match_substring_regex(arr, pattern), False))
    return hit if hit.any() else None


def _to_arrow(values: pd.Series) -> pa.Array:
    source = values.array if isinstance(values.dtype, pd.StringDtype) else values.to_numpy()
    arr = pa.array(source, type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):  # Arrow-backed pandas strings come chunked
        arr = arr.combine_chunks()
    return arr


def _to_numpy_float(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype("float64", copy=False)


# ---------------------------------------------------------------------------------------------
# Quantities


def parse_quantities(values: pd.Series, *, decimal_comma: bool = False) -> QuantityParse:
    """Parse a column of quantity cells; see the module docstring for the problem codes.

    Numbers may carry a unit (`"1,200 kWh"`, `"35 m3"`); the unit text is returned as
    written.  Under the default locale `,` groups thousands and `.` is the decimal mark; with
    `decimal_comma=True` it is the other way round.  A string that only makes sense in the
    other locale is `ambiguous-number`, never guessed.
    """
    n = len(values)
    kinds = _classify(values)
    out = QuantityParse(value=np.full(n, np.nan), unit_text=np.full(n, None, dtype=object),
                        problem=np.full(n, None, dtype=object))
    out.problem[kinds.missing] = MISSING_QUANTITY
    out.problem[kinds.other | kinds.datetime] = NOT_A_NUMBER
    if kinds.number.any():
        out.value[kinds.number] = values[kinds.number].to_numpy(dtype="float64")
    if kinds.text.all():
        _parse_quantity_text(values, None, decimal_comma, out)
    elif kinds.text.any():
        pos = np.flatnonzero(kinds.text)
        _parse_quantity_text(values.iloc[pos], pos, decimal_comma, out)
    # `1e309` or 400 digits parse to infinity: never a number to compute with.
    huge = np.isinf(out.value)
    if huge.any():
        out.problem[huge] = NUMBER_OUT_OF_RANGE
        out.value[huge] = np.nan
    return out


def _parse_quantity_text(values: pd.Series, pos: np.ndarray | None, decimal_comma: bool,
                         out: QuantityParse) -> None:
    """Parse text cells into `out` at positions `pos` (None: every position)."""
    _parse_number_text(values, pos, decimal_comma, out)
    special = _special_digits(values, _SPECIAL_DIGIT)
    if special is not None:  # NFKC made 10² read as 102: never a number
        where = np.flatnonzero(special) if pos is None else pos[special]
        out.problem[where] = NOT_A_NUMBER
        out.value[where] = np.nan
        out.unit_text[where] = None


def _parse_number_text(values: pd.Series, pos: np.ndarray | None, decimal_comma: bool,
                       out: QuantityParse) -> None:
    arr = _clean_text(values)
    own, other = (_QTY_COMMA, _QTY_DOT) if decimal_comma else (_QTY_DOT, _QTY_COMMA)
    number = _NUM_COMMA if decimal_comma else _NUM_DOT
    where = np.arange(len(arr)) if pos is None else pos

    # Match-only kernels run as a fast DFA; capture groups are ~30x slower in RE2, so they
    # are used only on the cells that actually carry a unit.
    plain = _bool(pc.match_substring_regex(arr, f"^{number}$"))
    if plain.all():
        out.value[where] = _number_values(arr, decimal_comma)
        return
    if plain.any():
        out.value[where[plain]] = _number_values(arr.filter(pa.array(plain)), decimal_comma)

    rest = np.flatnonzero(~plain)
    rest_arr = arr.take(pa.array(rest))
    blank = _bool(pc.equal(rest_arr, ""))
    with_unit = _bool(pc.match_substring_regex(rest_arr, own))
    if with_unit.any():
        sub = rest_arr.filter(pa.array(with_unit))
        num = pc.extract_regex(sub, f"^(?P<num>{number})").field("num")
        target = where[rest[with_unit]]
        out.value[target] = _number_values(num, decimal_comma)
        unit = pc.replace_substring_regex(sub, rf"^{number}\s*", "")
        out.unit_text[target] = unit.to_numpy(zero_copy_only=False)

    failed = ~with_unit & ~blank
    if failed.any():
        ambiguous = _bool(pc.match_substring_regex(rest_arr.filter(pa.array(failed)), other))
        failed_at = where[rest[failed]]
        out.problem[failed_at[ambiguous]] = AMBIGUOUS_NUMBER
        out.problem[failed_at[~ambiguous]] = NOT_A_NUMBER
    out.problem[where[rest[blank]]] = MISSING_QUANTITY


def _number_values(text: pa.Array, decimal_comma: bool) -> np.ndarray:
    """Validated number text to float64: drop group separators, make the decimal mark a dot."""
    if decimal_comma:
        text = pc.replace_substring(pc.replace_substring_regex(text, "[. ']", ""), ",", ".")
    else:
        text = pc.replace_substring(text, ",", "")
    return _to_numpy_float(pc.cast(text, pa.float64()))


def _bool(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False).astype(bool, copy=False)


# ---------------------------------------------------------------------------------------------
# Dates


def parse_dates(values: pd.Series) -> DateParse:
    """Parse a column of date cells into the inclusive period each cell covers.

    Accepts date/datetime cells, Excel serial numbers (1900 date system), ISO `YYYY-MM-DD`
    or `YYYY/MM/DD`, a month `YYYY-MM` (first to last day) and a year `YYYY` (1900-2100,
    whole year).  `DD/MM/YYYY` vs `MM/DD/YYYY` is `ambiguous-date` unless a day above 12 (or
    equal day and month) settles it.  Blank cells are NaT with no problem: whether a date is
    required is the caller's decision.
    """
    n = len(values)
    kinds = _classify(values)
    start = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    end = start.copy()
    problem = np.full(n, None, dtype=object)
    problem[kinds.other] = NOT_A_DATE

    if kinds.datetime.any():
        days = pd.to_datetime(values[kinds.datetime].astype(object)).to_numpy()
        start[kinds.datetime] = days.astype("datetime64[D]")
        end[kinds.datetime] = start[kinds.datetime]

    num_pos = np.flatnonzero(kinds.number)
    if num_pos.size:
        _fill_numeric_dates(values.iloc[num_pos].to_numpy(dtype="float64"), num_pos,
                            start, end, problem)

    text_pos = np.flatnonzero(kinds.text)
    if text_pos.size:
        _fill_text_dates(values.iloc[text_pos], text_pos, start, end, problem)

    out_of_range = ~np.isnat(start) & ((start < _NS_MIN) | (end > _NS_MAX))
    problem[out_of_range] = NOT_A_DATE
    start[out_of_range] = np.datetime64("NaT")
    end[out_of_range] = np.datetime64("NaT")
    return DateParse(start=start.astype("datetime64[ns]"), end=end.astype("datetime64[ns]"),
                     problem=problem)


def _fill_numeric_dates(num: np.ndarray, pos: np.ndarray, start: np.ndarray, end: np.ndarray,
                        problem: np.ndarray) -> None:
    """Numbers are a year (whole number 1900-2100) or an Excel serial date."""
    is_year = (num == np.floor(num)) & (num >= _YEAR_MIN) & (num <= _YEAR_MAX)
    _set_periods(pos[is_year], *_year_period(num[is_year]), start, end)
    serial_pos = pos[~is_year]
    s, e, ok = _serial_period(num[~is_year])
    _set_periods(serial_pos[ok], s[ok], e[ok], start, end)
    problem[serial_pos[~ok]] = NOT_A_DATE


def _fill_text_dates(values: pd.Series, pos: np.ndarray, start: np.ndarray, end: np.ndarray,
                     problem: np.ndarray) -> None:
    """Parse each distinct text once (date columns repeat a lot), then broadcast."""
    encoded = pc.dictionary_encode(_to_arrow(values))
    uniq = encoded.dictionary.to_pandas(types_mapper={pa.large_string(): pd.StringDtype()}.get)
    u_start, u_end, u_problem = _parse_date_texts(uniq)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    start[pos] = u_start[codes]
    end[pos] = u_end[codes]
    problem[pos] = u_problem[codes]


def _parse_date_texts(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(values)
    start = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    end = start.copy()
    problem = np.full(n, None, dtype=object)
    pos = np.arange(n)
    arr = _clean_text(values)
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        # Chinese forms 2025年1月5日 / 2025年1月 / 2025年 become ISO-like text.
        arr = pc.replace_substring(arr, "日", "")
        arr = pc.replace_substring_regex(arr, "[年月]", "-")
        arr = pc.utf8_rtrim(arr, characters="-")
    blank = _bool(pc.equal(arr, ""))
    parts = pc.extract_regex(arr, _DATE)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    problem[~matched & ~blank] = NOT_A_DATE

    g = {name: _group_numbers(parts, name) for name in ("y", "m", "d", "a", "b", "y2")}
    serial = _group_numbers(parts, "serial", integer=False)
    y, m, d = g["y"], g["m"], g["d"]

    # Year alone: 1900-2100 is a reporting year; other bare 4-digit numbers are serials.
    year_only = ~np.isnan(y) & np.isnan(m)
    is_year = year_only & (y >= _YEAR_MIN) & (y <= _YEAR_MAX)
    serial = np.where(year_only & ~is_year, y, serial)
    _set_periods(pos[is_year], *_year_period(y[is_year]), start, end)

    month_only = ~np.isnan(m) & np.isnan(d)
    s, e, ok = _month_period(y[month_only], m[month_only])
    _apply(pos[month_only], s, e, ok, start, end, problem)

    full = ~np.isnan(d)
    s, ok = _make_date(y[full], m[full], d[full])
    _apply(pos[full], s, s, ok, start, end, problem)

    _fill_day_month(g["a"], g["b"], g["y2"], pos, start, end, problem)

    has_serial = ~np.isnan(serial)
    s, e, ok = _serial_period(serial[has_serial])
    _apply(pos[has_serial], s, e, ok, start, end, problem)
    # A date has no unit, so any superscript or circled digit (2025-0¹-05) is not a digit.
    special = _special_digits(values, r"\p{No}")
    if special is not None:
        problem[special] = NOT_A_DATE
        start[special] = np.datetime64("NaT")
        end[special] = np.datetime64("NaT")
    return start, end, problem


def _fill_day_month(a: np.ndarray, b: np.ndarray, y: np.ndarray, pos: np.ndarray,
                    start: np.ndarray, end: np.ndarray, problem: np.ndarray) -> None:
    """`a/b/yyyy`: decide day-first or month-first only when the numbers settle it."""
    present = ~np.isnan(a)
    day_first = present & (((a > 12) & (b <= 12)) | (a == b))
    month_first = present & (b > 12) & (a <= 12)
    ambiguous = present & (a <= 12) & (b <= 12) & (a != b)
    impossible = present & ~(day_first | month_first | ambiguous)
    problem[pos[ambiguous]] = AMBIGUOUS_DATE
    problem[pos[impossible]] = NOT_A_DATE
    for mask, day, month in ((day_first, a, b), (month_first, b, a)):
        s, ok = _make_date(y[mask], month[mask], day[mask])
        _apply(pos[mask], s, s, ok, start, end, problem)


def _group_numbers(parts: pa.StructArray, name: str, *, integer: bool = True) -> np.ndarray:
    """A regex group as float64 (NaN where the group did not take part in the match)."""
    text = parts.field(name)
    text = pc.if_else(pc.and_(parts.is_valid(), pc.not_equal(text, "")), text,
                      pa.scalar(None, text.type))
    return _to_numpy_float(pc.cast(text, pa.int64() if integer else pa.float64()))


def _year_period(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    years = (y.astype("int64") - 1970).astype("datetime64[Y]")
    return years.astype("datetime64[D]"), (years + 1).astype("datetime64[D]") - 1


def _month_period(y: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ok = (m >= 1) & (m <= 12)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype("int64").astype("datetime64[M]")
    return months.astype("datetime64[D]"), (months + 1).astype("datetime64[D]") - 1, ok


def _make_date(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first, last, ok = _month_period(y, m)
    day = np.where(ok, d, 1).astype("int64")
    date = first + (day - 1).astype("timedelta64[D]")
    # Day 31 in a 30-day month rolls into the next month: reject instead of wrapping.
    ok &= (d >= 1) & (date <= last)
    return date, ok


def _serial_period(serial: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Excel 1900-system serials; 60 is Excel's non-existent 1900-02-29."""
    days = np.floor(serial)
    ok = (days >= 1) & (days <= _EXCEL_MAX_SERIAL) & (days != 60)
    # Serials after the fake leap day are one too high relative to the real calendar.
    base = np.where(days > 60, np.datetime64("1899-12-30"), np.datetime64("1899-12-31"))
    date = base + np.where(ok, days, 0).astype("int64").astype("timedelta64[D]")
    return date, date, ok


def _set_periods(pos: np.ndarray, s: np.ndarray, e: np.ndarray, start: np.ndarray,
                 end: np.ndarray) -> None:
    start[pos] = s
    end[pos] = e


def _apply(pos: np.ndarray, s: np.ndarray, e: np.ndarray, ok: np.ndarray, start: np.ndarray,
           end: np.ndarray, problem: np.ndarray) -> None:
    _set_periods(pos[ok], s[ok], e[ok], start, end)
    problem[pos[~ok]] = NOT_A_DATE


# ---------------------------------------------------------------------------------------------
# Messages


def cell_problem_message(code: str, raw: object, decimal_comma: bool = False) -> str:
    """One plain-language sentence explaining a cell problem and how to fix it."""
    shown = _show(raw)
    if code == MISSING_QUANTITY:
        return "The quantity is empty; enter the measured or estimated amount, or remove the row."
    if code == NOT_A_NUMBER and _has_special_digit(raw):
        return (f"{shown} is not a number: superscript and other special digits (the ³ of "
                "10³) are not read as digits; write the number in full, e.g. 1000 for 10³.")
    if code == NOT_A_NUMBER:
        return (f"{shown} is not a number; enter a plain number such as 1234.5, optionally "
                "followed by its unit (for example 1,200 kWh).")
    if code == NUMBER_OUT_OF_RANGE:
        return (f"{shown} is too large to be a quantity (it overflows any calculation); "
                "check the cell: a number this size is a typing or export error.")
    if code == AMBIGUOUS_NUMBER and decimal_comma:
        return (f"{shown} uses a dot as the decimal mark but --decimal-comma is set; write it "
                "as 1234,5 or run without --decimal-comma.")
    if code == AMBIGUOUS_NUMBER:
        return (f"{shown} could be read two ways because of the comma; write it with a dot as "
                "the decimal mark (1234.5), or run with --decimal-comma if this file uses "
                "commas for decimals.")
    if code == NOT_A_DATE:
        return (f"{shown} is not a date; write dates as YYYY-MM-DD (for example 2025-01-31), "
                "a whole month as YYYY-MM or a whole year as YYYY.")
    if code == AMBIGUOUS_DATE:
        return (f"{shown} could be day/month or month/day; write it as YYYY-MM-DD "
                "(for example 2025-03-04) so the date cannot be misread.")
    raise ValueError(f"unknown cell problem code: {code}")


def _has_special_digit(raw: object) -> bool:
    import unicodedata

    return any(unicodedata.category(ch) == "No" for ch in str(raw))


def _show(raw: object) -> str:
    text = str(raw)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"'{text}'"
