"""Reading a CBAM imports file (workbook or CSV, one row per import line), every cell checked.

`read_imports` finds the header by column names (`imports_columns`), then reads the file
column by column: each distinct CN code, origin, date or quarter and net mass is checked
once and the answer is spread to its lines with numpy, so a million lines cost seconds, not
minutes.  The supplier's actual SEE (cells, or a supplier's `cbam-communication.json`) is read
by `imports_see`.  Every bad cell is a finding at the user's cell (one finding per distinct
problem, listing its rows: `row_findings`); a line with an error is kept, marked
`valid=False`, so nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.grid import Header, Sheet, factorize, find_header, read_sheet
from carbonaudit.cbam.imports_columns import ALIASES, REQUIRED
from carbonaudit.cbam.imports_see import read_see
from carbonaudit.cbam.row_findings import RowFindings, group_positions
from carbonaudit.findings import Finding, Location, column_letter, error, info
from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities

# Units a net-mass cell may carry; the column's own unit is t (MWh for electricity).
_MASS_UNITS = {"t": 1.0, "tonne": 1.0, "tonnes": 1.0, "ton": 1.0, "tons": 1.0, "kg": 0.001}
_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))\s*$",
                      re.IGNORECASE)


@dataclass(slots=True)
class ImportLine:
    """One import line as read, with every cell's value checked (None where unusable)."""

    row: int
    cn_raw: str
    cn8: str | None = None
    category: str = ""
    sector: str = ""
    country: str | None = None
    year: int | None = None
    quarter: int | None = None
    period: str = ""
    mass: float | None = None
    supplier: str = ""
    route: str = ""
    see_direct: float | None = None
    see_indirect: float | None = None
    see_total: float | None = None      # actual direct + indirect, where known
    see_counted: float | None = None    # the certificate basis the definitive rule counts
    see_source: str = ""
    carbon_price_paid: float | None = None
    reference: str = ""
    valid: bool = True                  # False when an error makes the line unusable
    problems: str = ""                  # the first error's code

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


LINE_FIELDS = tuple(f.name for f in fields(ImportLine))


class Lines(Sequence[ImportLine]):
    """The rows of a line table seen as `ImportLine`s, each made when it is asked for."""

    def __init__(self, table: pd.DataFrame | None, make=ImportLine) -> None:
        self.table, self.make = table, make

    def __len__(self) -> int:
        return 0 if self.table is None else len(self.table)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        assert self.table is not None
        record = self.table.iloc[index]
        return self.make(**{k: _plain(record[k]) for k in self.table.columns})

    def __iter__(self) -> Iterator[ImportLine]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def empty_table() -> pd.DataFrame:
    """A line table without lines, with the column types of a read one."""
    floats = ("mass", "see_direct", "see_indirect", "see_total", "see_counted",
              "carbon_price_paid")
    columns: dict[str, object] = {}
    for name in LINE_FIELDS:
        if name == "row":
            columns[name] = np.array([], dtype=np.int64)
        elif name in ("year", "quarter"):
            columns[name] = pd.array([], dtype="Int64")
        elif name in floats:
            columns[name] = np.array([], dtype=float)
        elif name == "valid":
            columns[name] = np.array([], dtype=bool)
        else:
            columns[name] = pd.Categorical([])
    return pd.DataFrame(columns)


def _plain(value: object) -> object:
    """A table cell as the Python value an ImportLine holds (NaN and NA are None)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class ImportsData:
    path: str
    sha256: str
    kind: str
    sheet: str
    header_row: int
    columns: dict[str, str]              # canonical column -> letter
    table: pd.DataFrame | None = field(default=None, repr=False)   # one row per line

    @property
    def lines(self) -> Lines:
        return Lines(self.table)

    def loc(self, column: str, row: int) -> Location:
        letter = self.columns.get(column, "A")
        return Location(file=self.path, sheet=self.sheet, cell=f"{letter}{row}")

    def to_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "kind": self.kind,
                "sheet": self.sheet, "header_row": self.header_row, "columns": self.columns,
                "lines": len(self.lines)}


def _accepts(rows: list[list[object]]) -> bool:
    return find_header(rows, ALIASES, ("cn_code", "net_mass")) is not None


def read_imports(path: str | Path) -> tuple[ImportsData, list[Finding]]:
    """Read an imports file; every bad cell becomes a finding at the user's cell.

    Raises `InputUnreadable` only for a file that cannot be opened at all.
    """
    sheet = read_sheet(path, _accepts)
    header = find_header(sheet.head, ALIASES, ("cn_code", "net_mass"))
    if header is None:
        data = ImportsData(sheet.path, sheet.sha256, sheet.kind, sheet.sheet, 0, {})
        return data, [error(
            "cbam-import-no-header",
            "No header row naming at least cn_code and net_mass was found in the first 30 "
            "rows; use the layout of `carbonaudit template imports`.", sheet.loc("A1"))]
    columns = {name: column_letter(pos) for name, pos in header.positions.items()}
    data = ImportsData(sheet.path, sheet.sha256, sheet.kind, sheet.sheet, header.index + 1,
                       columns)
    findings = _header_findings(sheet, header)
    if any(name not in header.positions for name in REQUIRED):
        return data, findings
    rows, cells = sheet.body(header.index, list(header.positions.values()))
    reader = _Reader(data, rows, {n: cells[p] for n, p in header.positions.items()},
                     Path(path).resolve().parent)
    data.table = reader.table()
    findings.extend(reader.issues.flush())
    if not len(rows):
        findings.append(error("cbam-import-no-lines",
                              "The file has a header but no import lines below it.",
                              sheet.loc(f"A{header.index + 2}")))
    return data, findings


def _header_findings(sheet: Sheet, header: Header) -> list[Finding]:
    found: list[Finding] = []
    row = header.index + 1
    for name in REQUIRED:
        if name not in header.positions:
            found.append(error(
                "cbam-import-missing-column",
                f"The header in row {row} has no '{name}' column; it is required "
                f"({', '.join(REQUIRED)}).", sheet.loc(f"A{row}")))
    if header.unknown:
        names = ", ".join(f"'{n}'" for n in header.unknown)
        found.append(info("cbam-import-unknown-column",
                          f"These columns are not import columns and are not used: {names}.",
                          sheet.loc(f"A{row}")))
    return found


class _Reader:
    """Turns the columns below the header into the line table, one column at a time."""

    def __init__(self, data: ImportsData, rows: np.ndarray, cells: dict[str, pd.Series],
                 base: Path) -> None:
        self.data, self.rows, self.base = data, rows, base
        self.n = len(rows)
        self.cells = cells
        self.issues = RowFindings(data.loc, self.n)
        self.valid = np.ones(self.n, dtype=bool)

    def column(self, name: str) -> pd.Series:
        found = self.cells.get(name)
        return found if found is not None else pd.Series([None] * self.n, dtype=object)

    def bad(self, code: str, message: str, name: str, positions, severity: str = "error"
            ) -> None:
        self.issues.add(code, message, name, positions, self.rows, severity)
        if severity == "error":
            self.valid[np.asarray(positions, dtype=np.int64)] = False

    def table(self) -> pd.DataFrame:
        out: dict[str, object] = {"row": self.rows}
        out |= self._cn()
        out |= self._country()
        out |= self._periods()
        out["mass"] = self._mass(out["sector"])
        for name in ("supplier", "route", "reference"):
            out[name] = _texts(self.column(name))
        see = read_see(self, out)
        out |= see
        out["valid"] = self.valid
        problem = self.issues.problem
        out["problems"] = pd.Categorical(np.where(problem == None, "", problem))  # noqa: E711
        frame = pd.DataFrame(out, index=pd.RangeIndex(self.n))
        return frame[list(LINE_FIELDS)]

    # -- one concern per method -----------------------------------------------------------

    def _cn(self) -> dict[str, object]:
        codes, uniques = factorize(self.column("cn_code"))
        texts = [_text(u) for u in uniques]
        found = [reference.cn_codes().get(reference.normalise_cn(t) or "") for t in texts]
        for k, positions in group_positions(codes, np.array(
                [f is None for f in found], dtype=bool)[codes]).items():
            self._cn_problem(texts[k], positions)
        return {"cn_raw": _categorical(codes, texts),
                "cn8": _categorical(codes, [f.cn8 if f else None for f in found]),
                "category": _categorical(codes, [f.category if f else "" for f in found]),
                "sector": _categorical(codes, [f.sector if f else "" for f in found])}

    def _cn_problem(self, text: str, positions: np.ndarray) -> None:
        digits = reference.normalise_cn(text)
        if not text:
            self.bad("cbam-import-missing-cn", "The CN code is empty; enter the 8-digit CN "
                     "code from the customs declaration.", "cn_code", positions)
        elif digits and len(digits) < 8 and reference.cn_matches(digits):
            self.bad("cbam-import-cn-unknown", f"CN code '{text}' is only a heading; enter "
                     "the full 8-digit CN code from the customs declaration.", "cn_code",
                     positions)
        else:
            near = reference.closest_hint(digits)
            self.bad("cbam-import-cn-unknown", f"CN code '{text}' is not one of the "
                     f"{len(reference.cn_codes())} eight-digit CN codes of Annex I (Reg. (EU) "
                     "2023/956); goods outside Annex I are not CBAM goods, so remove the line "
                     f"or correct the code.{near}", "cn_code", positions)

    def _country(self) -> dict[str, object]:
        codes, uniques = factorize(self.column("country"))
        texts = [_text(u) for u in uniques]
        found = [reference.find_country(t) for t in texts]
        for k, positions in group_positions(codes, np.array(
                [f is None for f in found], dtype=bool)[codes]).items():
            if not texts[k]:
                self.bad("cbam-import-missing-country", "The country of origin is empty; "
                         "enter its ISO code (for example CN) as on the customs declaration.",
                         "country", positions)
            else:
                self.bad("cbam-import-country-unknown", f"Country '{texts[k]}' is not an ISO "
                         "3166 alpha-2 code or a country name the CBAM code list knows; write "
                         "the ISO code, for example CN, TR or IN.", "country", positions)
        return {"country": _categorical(codes, [f.code if f else None for f in found])}

    def _periods(self) -> dict[str, object]:
        """Year, quarter (or None) and period text per line, each distinct cell read once."""
        codes, uniques = factorize(self.column("date"))
        years = np.zeros(len(uniques), dtype=np.int64)
        quarters = np.zeros(len(uniques), dtype=np.int64)
        texts: list[str] = [""] * len(uniques)
        problems: list[str | None] = [None] * len(uniques)
        rest = []
        for k, value in enumerate(uniques):
            match = _QUARTER.match(value) if isinstance(value, str) else None
            if match:
                years[k] = int(match[1] or match[4])
                quarters[k] = int(match[2] or match[3])
                texts[k] = f"{years[k]}-Q{quarters[k]}"
            else:
                rest.append(k)
        if rest:
            parsed = parse_dates(pd.Series(["" if uniques[k] is None else uniques[k]
                                            for k in rest], dtype=object))
            for j, k in enumerate(rest):
                problems[k] = parsed.problem[j]
                if not np.isnat(parsed.start[j]):
                    years[k], quarter, texts[k] = _period_of(parsed.start[j], parsed.end[j])
                    quarters[k] = quarter or 0
        missing = years == 0
        for k, positions in group_positions(codes, missing[codes]).items():
            if problems[k] is None:
                self.bad("cbam-import-missing-date", "The date is empty; enter the customs "
                         "release date (2026-03-31) or at least the quarter (2026-Q1): the de "
                         "minimis test is per calendar year.", "date", positions)
            else:
                self.bad("cbam-import-bad-date", cell_problem_message(problems[k], uniques[k])
                         + " A quarter may be written 2026-Q1.", "date", positions)
        year = pd.array(years[codes], dtype="Int64")
        year[missing[codes]] = pd.NA
        quarter = pd.array(quarters[codes], dtype="Int64")
        quarter[quarters[codes] == 0] = pd.NA
        return {"year": year, "quarter": quarter, "period": _categorical(codes, texts)}

    def _mass(self, sector: pd.Categorical) -> np.ndarray:
        codes, uniques = factorize(self.column("net_mass"))
        parsed = parse_quantities(pd.Series(["" if u is None else u for u in uniques],
                                            dtype=object))
        value = parsed.value.astype(float)
        mass = value[codes].copy()
        problem = np.array([p is not None for p in parsed.problem], dtype=bool)
        for k, positions in group_positions(codes, problem[codes]).items():
            code = parsed.problem[k]
            self.bad("cbam-import-missing-mass" if code == "missing-quantity"
                     else "cbam-import-not-a-number",
                     "The net mass is empty; enter the net mass in tonnes (MWh for "
                     "electricity) from the customs declaration."
                     if code == "missing-quantity" else cell_problem_message(code, uniques[k]),
                     "net_mass", positions)
        mass[problem[codes]] = np.nan
        electricity = np.asarray(sector == "electricity", dtype=bool)
        with_unit = np.array([u is not None for u in parsed.unit_text], dtype=bool)
        for k, positions in group_positions(codes, with_unit[codes] & ~problem[codes]).items():
            for elec in (False, True):
                part = positions[electricity[positions] == elec]
                scale = _mass_scale(parsed.unit_text[k], elec)
                if scale is None:
                    wanted = "MWh" if elec else "t (or kg)"
                    self.bad("cbam-import-mass-unit", f"The unit '{parsed.unit_text[k]}' "
                             f"cannot be used for net mass here; write the amount in {wanted}.",
                             "net_mass", part)
                    mass[part] = np.nan
                else:
                    mass[part] = value[k] * scale
        negative = mass < 0          # NaN (no usable number) compares False
        for k, positions in group_positions(codes, negative).items():
            self.bad("cbam-import-negative-mass", f"The net mass {value[k]:g} is negative; "
                     "imported quantities cannot be below zero.", "net_mass", positions)
        mass[negative] = np.nan
        self.bad("cbam-import-zero-mass", "The net mass is 0; the line adds nothing. Check "
                 "the customs declaration.", "net_mass", np.flatnonzero(mass == 0),
                 severity="warning")
        return mass


def _mass_scale(unit: str, electricity: bool) -> float | None:
    folded = unit.strip().casefold()
    if electricity:
        return 1.0 if folded == "mwh" else None
    return _MASS_UNITS.get(folded)


def _categorical(codes: np.ndarray, values: list) -> pd.Categorical:
    """Per-line values from one value per distinct cell (None stays missing)."""
    categories = sorted({v for v in values if v is not None})
    index = {c: i for i, c in enumerate(categories)}
    remap = np.array([-1 if v is None else index[v] for v in values], dtype=np.int64)
    return pd.Categorical.from_codes(remap[codes], categories=categories)


def _texts(series: pd.Series) -> pd.Categorical:
    codes, uniques = factorize(series)
    return _categorical(codes, [_text(u) for u in uniques])


def _period_of(start: np.datetime64, end: np.datetime64) -> tuple[int, int | None, str]:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    quarter = (s.month - 1) // 3 + 1
    same = e.year == s.year and (e.month - 1) // 3 + 1 == quarter
    if s == e:
        text = s.strftime("%Y-%m-%d")
    elif s.month == e.month and s.year == e.year:
        text = s.strftime("%Y-%m")
    else:
        text = str(s.year)
    return s.year, quarter if same else None, text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a CN code typed as a number reads back as 73181558.0
    return str(value).strip()

