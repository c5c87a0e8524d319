"""Cell access to a workbook read with python-calamine, with findings at the cell.

`Cells` holds the sheets of one workbook (cached values only; formulas are never evaluated)
and converts a cell to a number, date, boolean or drop-down choice, appending a finding at the
cell for anything it cannot convert.  The official template's reader and our installation
workbook's reader both use it; `country_cell`, `good_cell` and `cn_cell` read the CBAM
reference lists' values the same way for both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.reference import fold
from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, error, warning

_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def split_cell(ref: str) -> tuple[str, int]:
    m = _CELL.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return m.group(1), int(m.group(2))


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def shift(ref: str, rows: int) -> str:
    col, row = split_cell(ref)
    return f"{col}{row + rows}"


class Cells:
    """Values of one workbook (calamine) plus the findings raised while converting them."""

    def __init__(self, path: Path, shown: str, sheets: dict[str, list[list]]) -> None:
        self.path = path
        self.file = shown
        self.sheets = sheets
        self.findings: list[Finding] = []

    def loc(self, sheet: str, ref: str) -> Location:
        return Location(self.file, sheet, ref)

    def raw(self, sheet: str, ref: str) -> object:
        rows = self.sheets.get(sheet) or []
        col, row = split_cell(ref)
        if row - 1 >= len(rows):
            return None
        line = rows[row - 1]
        c = col_index(col)
        value = line[c] if c < len(line) else None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def blank(self, sheet: str, ref: str) -> bool:
        return self.raw(sheet, ref) is None

    def text(self, sheet: str, ref: str) -> str | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return str(value).strip()

    def number(self, sheet: str, ref: str) -> float | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, bool):
            return self._bad_number(sheet, ref, value)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            parsed = parse_number_text(value)
            if parsed is None:
                return self._bad_number(sheet, ref, value)
            self.findings.append(warning(
                "cbam-read-number-as-text",
                f"{value!r} is stored as text; the template's formulas ignore text, so enter "
                "it as a number. It was read as " + f"{parsed:g}.", self.loc(sheet, ref)))
            return parsed
        return self._bad_number(sheet, ref, value)

    def _bad_number(self, sheet: str, ref: str, value: object) -> None:
        self.findings.append(error(
            "cbam-read-not-a-number", f"expected a number, found {value!r}",
            self.loc(sheet, ref)))
        return None

    def choice(self, sheet: str, ref: str, options: Iterable[str] | dict[str, str],
               what: str, *, strict: bool = True) -> str | None:
        """A drop-down cell: the canonical value for the typed text, case-insensitively."""
        text = self.text(sheet, ref)
        if text is None:
            return None
        table = options if isinstance(options, dict) else {o: o for o in options}
        folded = {fold(k): v for k, v in table.items()}
        if fold(text) in folded:
            return folded[fold(text)]
        allowed = ", ".join(f'"{k}"' for k in table)
        make = error if strict else warning
        self.findings.append(make(
            "cbam-read-not-in-list", f"{what} {text!r} is not in the template's list ({allowed})",
            self.loc(sheet, ref)))
        return None if strict else text

    def boolean(self, sheet: str, ref: str) -> bool | None:
        value = self.raw(sheet, ref)
        if value is None or isinstance(value, bool):
            return value
        text = fold(str(value))
        if text in ("true", "yes", "1", "wahr", "1.0"):
            return True
        if text in ("false", "no", "0", "falsch", "0.0"):
            return False
        self.findings.append(error("cbam-read-not-a-boolean",
                                   f"expected TRUE or FALSE, found {value!r}",
                                   self.loc(sheet, ref)))
        return None

    def date(self, sheet: str, ref: str) -> dt.date | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, float) and 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # Excel serial
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.findings.append(error("cbam-read-not-a-date",
                                       f"expected a date such as 2026-01-01, found {value!r}",
                                       self.loc(sheet, ref)))
            return None


def parse_number_text(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace(" ", "").rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        return None


def load_sheets(path: Path, shown: str, names: Iterable[str] | None = None
                ) -> dict[str, list[list]]:
    """Sheets as row lists anchored at A1 (calamine, cached values only)."""
    from python_calamine import CalamineWorkbook  # deferred: keeps CLI start-up fast

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        wanted = workbook.sheet_names if names is None else [
            n for n in names if n in workbook.sheet_names]
        return {n: workbook.get_sheet_by_name(n).to_python(skip_empty_area=False)
                for n in wanted}
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc


def sheet_names(path: Path, shown: str) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc


# --------------------------------------------------------------------------- reference values

def country_cell(cells: Cells, sheet: str, ref: str, *, strict: bool = True) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    country = reference.find_country(text)
    if country:
        return country.code
    if strict:
        cells.findings.append(error(
            "cbam-read-unknown-country",
            f"country {text!r} is neither a name from the template's list nor an ISO code",
            cells.loc(sheet, ref)))
        return None
    return text


def good_cell(cells: Cells, sheet: str, ref: str) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    good = reference.find_good(text)
    if good:
        return good.category
    cells.findings.append(error(
        "cbam-read-unknown-good",
        f"{text!r} is not an aggregated goods category of the template",
        cells.loc(sheet, ref)))
    return None


def cn_cell(cells: Cells, sheet: str, ref: str) -> str | None:
    """The code's digits, or the cell's text as written when it has none.

    Whether it is an Annex I code is checked once, with the product (cbam-cn-not-annex-i at
    this cell), so the reader reports nothing itself.
    """
    raw = cells.raw(sheet, ref)
    code = reference.normalise_cn(raw)
    if code is None and raw is not None and str(raw).strip():
        return str(raw).strip()
    return code
