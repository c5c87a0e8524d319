"""An EU importer's CBAM position for a year: de minimis, embedded emissions, FAA, certificates.

`read_imports` reads an imports workbook or CSV (one row per import line; format on the
Instructions sheet of `write_imports_template`) and checks every cell; `assess_imports` then
works out, for one calendar year (definitive period, 2026 on):

* the 50-tonne de minimis test (Art. 2a and Annex VII of Reg. (EU) 2023/956 as amended by Reg.
  (EU) 2025/2083): cumulative net mass of all goods except hydrogen (2804 10 00) and
  electricity (2716 00 00), which are never exempt; <= 50 t exempts the year, > 50 t puts the
  WHOLE year in scope; above 90 % (45 t) a warning;
* embedded emissions per line: the supplier's actual SEE where given (cells, or a supplier's
  `cbam-communication.json`), otherwise the default value with its mark-up (the certificate
  basis) — each line says which;
* the free allocation adjustment, FAA = CBAM factor x CSCF x benchmark x mass (IR (EU)
  2025/2620; Column B for default values, Column A for actual values of goods without
  relevant precursors; 0 for electricity).  The CSCF is never invented: without it FAA is
  "not computed", never zero;
* estimated certificates = max(0, embedded - FAA) per line, summed.

Nothing prints; results are plain data with `to_dict()`, and `write_imports_results` writes
JSON and CSV files deterministically.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.defaults import (
    DefaultsTable,
    DefaultValue,
    Grid,
    Header,
    find_header,
    fold,
    load_defaults,
    parse_number_column,
    read_grid,
    resolve,
)
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, column_letter, error, info, sort_key, warning
from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities

DE_MINIMIS_T = 50.0
DE_MINIMIS_WARN_T = 45.0            # 90 % of the threshold: the Commission flags importers here
NEVER_EXEMPT = ("28041000", "27160000")   # hydrogen, electricity
FIRST_DEFINITIVE_YEAR = 2026
_MASS_DECIMALS = 6                  # 1 g: sums are rounded here before the threshold test
_ROWS_LISTED = 10                   # rows named in a finding that covers many lines

# Canonical import columns; the template writes them in this order.
COLUMNS = ("date", "cn_code", "country", "net_mass", "supplier", "route", "see_direct",
           "see_indirect", "see_total", "communication_file", "carbon_price_paid",
           "reference", "description")
REQUIRED = ("date", "cn_code", "country", "net_mass")

_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "import date", "quarter", "period", "customs date", "日期", "進口日期",
             "进口日期", "季度"),
    "cn_code": ("cn code", "cn", "cn8", "commodity code", "cn 編碼", "cn 编码", "商品編碼",
                "商品编码"),
    "country": ("country", "origin", "country of origin", "origin country", "原產國", "原产国"),
    "net_mass": ("net mass", "net mass t", "net mass (t)", "mass", "quantity", "淨重", "净重"),
    "supplier": ("supplier", "installation", "producer", "supplier/installation", "供應商",
                 "供应商"),
    "route": ("route", "production route", "生產路線", "生产路线"),
    "see_direct": ("see direct", "actual see direct", "直接排放", "直接隱含排放", "直接隐含排放"),
    "see_indirect": ("see indirect", "actual see indirect", "間接排放", "间接排放",
                     "間接隱含排放", "间接隐含排放"),
    "see_total": ("see total", "actual see total", "see", "總隱含排放", "总隐含排放"),
    "communication_file": ("communication file", "communication", "supplier communication",
                           "通訊文件", "通讯文件"),
    "carbon_price_paid": ("carbon price paid", "carbon price paid eur", "已付碳價", "已付碳价"),
    "reference": ("reference", "customs declaration", "mrn", "憑證", "凭证"),
    "description": ("description", "notes", "說明", "说明"),
}
ALIASES = {fold(alias): name for name, aliases in _ALIASES.items() for alias in aliases}

# Units a net-mass cell may carry; the column's own unit is t (MWh for electricity).
_MASS_UNITS = {"t": 1.0, "tonne": 1.0, "tonnes": 1.0, "ton": 1.0, "tons": 1.0, "kg": 0.001}
_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))\s*$",
                      re.IGNORECASE)
_TOL = 0.0015                       # three-decimal rounding of published SEE values


# ---------------------------------------------------------------------------------------------
# Reading


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
    see_total: float | None = None      # actual total per the definitive rule, if any
    see_source: str = ""
    carbon_price_paid: float | None = None
    reference: str = ""
    valid: bool = True                  # False when an error makes the line unusable

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass
class ImportsData:
    path: str
    sha256: str
    kind: str
    sheet: str
    header_row: int
    columns: dict[str, str]              # canonical column -> letter
    lines: list[ImportLine] = field(default_factory=list)

    def loc(self, column: str, row: int) -> Location:
        letter = self.columns.get(column, "A")
        sheet = self.sheet
        return Location(file=self.path, sheet=sheet, cell=f"{letter}{row}")

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
    grid = read_grid(path, _accepts)
    header = find_header(grid.rows, ALIASES, ("cn_code", "net_mass"))
    if header is None:
        data = ImportsData(grid.path, grid.sha256, grid.kind, grid.sheet, 0, {})
        return data, [error(
            "cbam-import-no-header",
            "No header row naming at least cn_code and net_mass was found in the first 30 "
            "rows; use the layout of `carbonaudit template imports`.", grid.loc("A1"))]
    columns = {name: column_letter(pos) for name, pos in header.positions.items()}
    data = ImportsData(grid.path, grid.sha256, grid.kind, grid.sheet, header.index + 1,
                       columns)
    findings = _header_findings(grid, header)
    if any(name not in header.positions for name in REQUIRED):
        return data, findings
    reader = _Reader(grid, header, data, Path(path).resolve().parent)
    data.lines = reader.lines()
    findings.extend(reader.findings)
    if not data.lines:
        findings.append(error("cbam-import-no-lines",
                              "The file has a header but no import lines below it.",
                              grid.loc(f"A{header.index + 2}")))
    return data, findings


def _header_findings(grid: Grid, header: Header) -> list[Finding]:
    found: list[Finding] = []
    row = header.index + 1
    for name in REQUIRED:
        if name not in header.positions:
            found.append(error(
                "cbam-import-missing-column",
                f"The header in row {row} has no '{name}' column; it is required "
                f"({', '.join(REQUIRED)}).", grid.loc(f"A{row}")))
    if header.unknown:
        names = ", ".join(f"'{n}'" for n in header.unknown)
        found.append(info("cbam-import-unknown-column",
                          f"These columns are not import columns and are not used: {names}.",
                          grid.loc(f"A{row}")))
    return found


class _Reader:
    """Turns the grid's data rows into ImportLines, column by column, then row by row."""

    def __init__(self, grid: Grid, header: Header, data: ImportsData, base: Path) -> None:
        self.grid, self.header, self.data, self.base = grid, header, data, base
        self.findings: list[Finding] = []
        self.communications: dict[str, dict | Finding] = {}
        self.date_problems: dict[int, str] = {}
        body = grid.rows[header.index + 1:]
        keep = [i for i, r in enumerate(body)
                if any(c is not None and str(c).strip() != "" for c in r)]
        self.rows = [header.index + 2 + i for i in keep]
        self.cells = {name: [_cell(body[i], pos) for i in keep]
                      for name, pos in header.positions.items()}
        absent: list[object] = [None] * len(self.rows)  # one shared list for missing columns
        for name in COLUMNS:
            self.cells.setdefault(name, absent)

    def column(self, name: str) -> list[object]:
        return self.cells[name]

    def at(self, name: str, row: int) -> Location:
        return self.data.loc(name, row)

    def add(self, code: str, message: str, name: str, row: int, *, severity=error) -> None:
        self.findings.append(severity(code, message, self.at(name, row)))

    def lines(self) -> list[ImportLine]:
        mass = parse_quantities(pd.Series(
            ["" if v is None else v for v in self.column("net_mass")], dtype=object))
        periods = self._periods()
        see = {n: parse_number_column(self.column(n))
               for n in ("see_direct", "see_indirect", "see_total", "carbon_price_paid")}
        out = []
        for i, row in enumerate(self.rows):
            line = ImportLine(row=row, cn_raw=_text(self.column("cn_code")[i]))
            self._cn(line)
            self._country(line, self.column("country")[i])
            self._period(line, periods, i)
            self._mass(line, mass, i)
            line.supplier = _text(self.column("supplier")[i])
            line.route = _text(self.column("route")[i])
            line.reference = _text(self.column("reference")[i])
            self._see(line, see, i, _text(self.column("communication_file")[i]))
            out.append(line)
        return out

    # -- one concern per method -----------------------------------------------------------

    def _cn(self, line: ImportLine) -> None:
        digits = reference.normalise_cn(line.cn_raw)
        code = reference.cn_codes().get(digits or "")
        if code is not None:
            line.cn8, line.category, line.sector = code.cn8, code.category, code.sector
            return
        line.valid = False
        if not line.cn_raw:
            self.add("cbam-import-missing-cn", "The CN code is empty; enter the 8-digit CN "
                     "code from the customs declaration.", "cn_code", line.row)
        elif digits and len(digits) < 8 and reference.cn_matches(digits):
            self.add("cbam-import-cn-unknown", f"CN code '{line.cn_raw}' is only a heading; "
                     "enter the full 8-digit CN code from the customs declaration.",
                     "cn_code", line.row)
        else:
            self.add("cbam-import-cn-unknown", f"CN code '{line.cn_raw}' is not one of the "
                     "569 eight-digit CN codes of Annex I (Reg. (EU) 2023/956); goods outside "
                     "Annex I are not CBAM goods, so remove the line or correct the code.",
                     "cn_code", line.row)

    def _country(self, line: ImportLine, raw: object) -> None:
        text = _text(raw)
        found = reference.find_country(text)
        if found is not None:
            line.country = found.code
            return
        line.valid = False
        if not text:
            self.add("cbam-import-missing-country", "The country of origin is empty; enter "
                     "its ISO code (for example CN) as on the customs declaration.",
                     "country", line.row)
        else:
            self.add("cbam-import-country-unknown", f"Country '{text}' is not an ISO 3166 "
                     "alpha-2 code or a country name the CBAM code list knows; write the ISO "
                     "code, for example CN, TR or IN.", "country", line.row)

    def _periods(self) -> dict[int, tuple[int, int | None, str]]:
        """Row position -> (year, quarter or None, text) for every cell that is a period."""
        raw = self.column("date")
        out: dict[int, tuple[int, int | None, str]] = {}
        rest: list[int] = []
        for i, value in enumerate(raw):
            match = _QUARTER.match(value) if isinstance(value, str) else None
            if match:
                year = int(match[1] or match[4])
                quarter = int(match[2] or match[3])
                out[i] = (year, quarter, f"{year}-Q{quarter}")
            else:
                rest.append(i)
        if rest:
            parsed = parse_dates(pd.Series(["" if raw[i] is None else raw[i] for i in rest],
                                           dtype=object))
            self.date_problems = {rest[k]: p for k, p in enumerate(parsed.problem) if p}
            for k, i in enumerate(rest):
                if not np.isnat(parsed.start[k]):
                    out[i] = _period_of(parsed.start[k], parsed.end[k])
        return out

    def _period(self, line: ImportLine, periods: dict, i: int) -> None:
        if i in periods:
            line.year, line.quarter, line.period = periods[i]
            return
        line.valid = False
        raw = self.column("date")[i]
        problem = self.date_problems.get(i)
        if problem is None:
            self.add("cbam-import-missing-date", "The date is empty; enter the customs "
                     "release date (2026-03-31) or at least the quarter (2026-Q1): the de "
                     "minimis test is per calendar year.", "date", line.row)
        else:
            self.add("cbam-import-bad-date", cell_problem_message(problem, raw)
                     + " A quarter may be written 2026-Q1.", "date", line.row)

    def _mass(self, line: ImportLine, mass, i: int) -> None:
        raw = self.column("net_mass")[i]
        problem = mass.problem[i]
        if problem is not None:
            line.valid = False
            code = ("cbam-import-missing-mass" if problem == "missing-quantity"
                    else "cbam-import-not-a-number")
            message = ("The net mass is empty; enter the net mass in tonnes (MWh for "
                       "electricity) from the customs declaration."
                       if problem == "missing-quantity" else cell_problem_message(problem, raw))
            self.add(code, message, "net_mass", line.row)
            return
        value = float(mass.value[i])
        scale = self._mass_scale(line, mass.unit_text[i])
        if scale is None:
            line.valid = False
            return
        if value < 0:
            line.valid = False
            self.add("cbam-import-negative-mass", f"The net mass {value:g} is negative; "
                     "imported quantities cannot be below zero.", "net_mass", line.row)
            return
        line.mass = value * scale
        if value == 0:
            self.add("cbam-import-zero-mass", "The net mass is 0; the line adds nothing. "
                     "Check the customs declaration.", "net_mass", line.row, severity=warning)

    def _mass_scale(self, line: ImportLine, unit: str | None) -> float | None:
        if unit is None:
            return 1.0
        folded = unit.strip().casefold()
        if line.sector == "electricity":
            if folded == "mwh":
                return 1.0
        elif folded in _MASS_UNITS:
            return _MASS_UNITS[folded]
        wanted = "MWh" if line.sector == "electricity" else "t (or kg)"
        self.add("cbam-import-mass-unit", f"The unit '{unit}' cannot be used for net mass "
                 f"here; write the amount in {wanted}.", "net_mass", line.row)
        return None

    def _see(self, line: ImportLine, see: dict, i: int, communication: str) -> None:
        values = {}
        for name in ("see_direct", "see_indirect", "see_total", "carbon_price_paid"):
            value, problem = see[name][0][i], see[name][1][i]
            if problem is not None:
                raw = self.column(name)[i]
                self.add("cbam-import-not-a-number", cell_problem_message(problem, raw),
                         name, line.row)
                line.valid = False
            elif value is not None and value < 0:
                self.add("cbam-import-negative-value", f"The {name} value {value:g} is "
                         "negative; it cannot be below zero.", name, line.row)
                line.valid = False
                value = None
            values[name] = value
        line.carbon_price_paid = values.pop("carbon_price_paid")
        given = any(v is not None for v in values.values())
        if communication and given:
            line.valid = False
            self.add("cbam-import-see-conflict", "The row gives actual SEE values and a "
                     "communication_file; keep one of them so it is clear which applies.",
                     "communication_file", line.row)
            return
        if communication:
            values = self._from_communication(line, communication)
            if values is None:
                return
        elif given:
            line.see_source = f"actual values in row {line.row}"
        if any(v is not None for v in values.values()):
            self._actual_total(line, values)

    def _actual_total(self, line: ImportLine, values: dict) -> None:
        """Actual total per Art. 7(1): direct, plus indirect only where indirect counts."""
        direct, indirect, total = (values["see_direct"], values["see_indirect"],
                                   values["see_total"])
        line.see_direct, line.see_indirect = direct, indirect
        counted = _indirect_counted(line)
        expected = None
        if direct is not None:
            expected = direct if not counted else (
                None if indirect is None else direct + indirect)
        if total is None and expected is None:
            line.valid = False
            need = "see_direct and see_indirect" if counted else "see_direct"
            self.add("cbam-import-see-incomplete", f"Actual values are incomplete: for "
                     f"{line.category or 'this good'} give {need} (or see_total) in t CO2e "
                     "per t.", "see_direct", line.row)
            return
        if total is not None and expected is not None and abs(total - expected) > _TOL:
            rule = "direct + indirect" if counted else "direct only (Annex II good)"
            self.add("cbam-import-see-inconsistent", f"see_total {total:g} differs from "
                     f"{rule} = {expected:g}; the given see_total is used. Check the supplier's "
                     "figures.", "see_total", line.row, severity=warning)
        line.see_total = total if total is not None else expected

    def _from_communication(self, line: ImportLine, name: str) -> dict | None:
        doc = self._communication(name, line.row)
        if doc is None:
            line.valid = False
            return None
        matches = [(k, p) for k, p in enumerate(doc.get("products") or [])
                   if isinstance(p, dict)
                   and reference.normalise_cn(p.get("cn_code")) == line.cn8]
        if not matches:
            line.valid = False
            self.add("cbam-import-communication-no-product", f"The communication {name} "
                     f"has no product with CN {line.cn8}; ask the supplier for it or enter "
                     "the actual values in the row.", "communication_file", line.row)
            return None
        keys = {(p.get("see_direct"), p.get("see_indirect")) for _, p in matches}
        if len(keys) > 1:
            line.valid = False
            names = ", ".join(str(p.get("name")) for _, p in matches)
            self.add("cbam-import-communication-ambiguous", f"The communication {name} has "
                     f"several products with CN {line.cn8} and different values ({names}); "
                     "enter the right product's values in the row.", "communication_file",
                     line.row)
            return None
        index, product = matches[0]
        period = (doc.get("period") or {}).get("year")
        if period is not None and line.year is not None and period != line.year:
            self.add("cbam-import-communication-period", f"The communication {name} covers "
                     f"{period}, the import is in {line.year}; check that the supplier's "
                     "values apply to this period.", "communication_file", line.row,
                     severity=warning)
        line.see_source = f"{name}#/products/{index}"
        # see_total is recomputed by the definitive rule: a transitional document counted
        # indirect emissions for every good.
        return {"see_direct": _number(product.get("see_direct")),
                "see_indirect": _number(product.get("see_indirect")), "see_total": None}

    def _communication(self, name: str, row: int) -> dict | None:
        if name not in self.communications:
            self.communications[name] = _load_communication(self.base / name, name)
        doc = self.communications[name]
        if isinstance(doc, Finding):
            self.add(doc.code, doc.message, "communication_file", row)
            return None
        return doc


def _load_communication(path: Path, name: str) -> dict | Finding:
    if not path.is_file():
        return error("cbam-import-communication-missing", f"The communication file {name} "
                     f"was not found (looked in {path.parent}); paths are relative to the "
                     "imports file.")
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return error("cbam-import-communication-unreadable", f"The communication file {name} "
                     f"is not readable JSON ({exc}).")
    if not isinstance(doc, dict) or doc.get("document_type") != "cbam-communication":
        return error("cbam-import-communication-unreadable", f"{name} is not a "
                     "cbam-communication document (document_type is missing or different); "
                     "see cbam/COMMUNICATION.md.")
    return doc


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


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


def _indirect_counted(line: ImportLine) -> bool:
    good = reference.find_good(line.category)
    return bool(good and good.indirect_counted_definitive)


def _cell(row: list[object], pos: int) -> object:
    return row[pos] if pos < len(row) else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a CN code typed as a number reads back as 73181558.0
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Reference tables: CBAM factor schedule and benchmarks


@dataclass(frozen=True)
class Benchmark:
    cn_prefix: str
    column: str          # A | B
    route: str
    value: float
    legal_source: str
    status: str


@cache
def cbam_factor_schedule() -> tuple[tuple[int, int | None, float, str], ...]:
    """(year_from, year_to or None, CBAM factor %, source) rows of the shipped schedule."""
    return tuple((int(r["year_from"]), int(r["year_to"]) if r["year_to"] else None,
                  float(r["cbam_factor_pct"]), r["legal_source"])
                 for r in _data_rows("cbam_factor_schedule.csv"))


def cbam_factor_pct(year: int) -> float | None:
    """Share of free allocation retained in `year` (Directive 2003/87/EC Art. 10a(1a))."""
    for start, end, pct, _source in cbam_factor_schedule():
        if start <= year and (end is None or year <= end):
            return pct
    return None


@cache
def benchmarks() -> tuple[Benchmark, ...]:
    return tuple(Benchmark(r["cn_code"], r["column"], r["route"], float(r["benchmark"]),
                           r["legal_source"], r["status"])
                 for r in _data_rows("benchmarks.csv"))


def find_benchmark(cn8: str, column: str, route: str = "") -> Benchmark | list[Benchmark] | None:
    """The benchmark for the longest matching CN prefix; a list when the route is needed."""
    for length in (8, 6, 4, 2):
        rows = [b for b in benchmarks() if b.cn_prefix == cn8[:length] and b.column == column]
        if not rows:
            continue
        if route:
            chosen = [b for b in rows if b.route.casefold() == route.casefold()]
            rows = chosen or rows
        return rows[0] if len(rows) == 1 else rows
    return None


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# ---------------------------------------------------------------------------------------------
# Assessment


@dataclass(slots=True)
class LineResult:
    row: int
    cn_code: str | None
    country: str | None
    year: int | None
    quarter: int | None
    mass: float | None
    status: str           # in-scope | exempt-de-minimis | not-subject | other-year | invalid
    basis: str = ""       # actual | default | ""
    see_used: float | None = None          # certificate basis, t CO2e per t (MWh)
    see_unmarked: float | None = None      # without mark-up (quarterly holding basis)
    markup_pct: float = 0.0
    embedded_t: float | None = None
    embedded_unmarked_t: float | None = None
    benchmark: float | None = None
    benchmark_column: str = ""
    faa_t: float | None = None
    certificates_t: float | None = None
    see_source: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass
class DeMinimis:
    year: int
    counted_mass_t: float
    threshold_t: float = DE_MINIMIS_T
    exempt: bool = False
    near_threshold: bool = False
    always_in_scope_mass: float = 0.0      # hydrogen t + electricity MWh, never exempt
    lines_not_counted: int = 0

    def to_dict(self) -> dict:
        return {"year": self.year, "counted_mass_t": self.counted_mass_t,
                "threshold_t": self.threshold_t, "exempt": self.exempt,
                "near_threshold": self.near_threshold,
                "always_in_scope_mass": self.always_in_scope_mass,
                "lines_not_counted": self.lines_not_counted,
                "complete": self.lines_not_counted == 0}


@dataclass
class ImportsResult:
    year: int
    source: dict
    cscf: float | None
    cbam_factor_pct: float | None
    defaults_source: str
    de_minimis: DeMinimis
    lines: list[LineResult]
    groups: list[dict]
    totals: dict
    findings: list[Finding]

    def to_dict(self) -> dict:
        return {
            "document_type": "cbam-imports-assessment",
            "year": self.year, "input": self.source,
            "parameters": {"cscf": self.cscf, "cbam_factor_pct": self.cbam_factor_pct,
                           "defaults_table": self.defaults_source,
                           "de_minimis_threshold_t": DE_MINIMIS_T},
            "de_minimis": self.de_minimis.to_dict(),
            "totals": self.totals, "groups": self.groups,
            "lines": [line.to_dict() for line in self.lines],
            "findings": [f.to_dict() for f in self.findings],
        }


def assess_imports(data: ImportsData, year: int | None = None,
                   defaults_table: DefaultsTable | None = None, cscf: float | None = None,
                   *, read_findings: Iterable[Finding] = ()) -> ImportsResult:
    """The importer's position for `year` (None: the one year present in the data)."""
    read_findings = list(read_findings)
    year = _choose_year(data, year, read_findings)
    if cscf is not None and not 0 < cscf <= 1:
        raise UsageError(f"the CSCF must be a fraction between 0 and 1 (for example 0.9), "
                         f"not {cscf}")
    table = defaults_table or load_defaults()
    run = _Assessment(data, year, table, cscf)
    run.classify()
    run.compute()
    findings = sorted([*read_findings, *run.findings], key=sort_key)
    return ImportsResult(
        year=year, source=data.to_dict(), cscf=cscf, cbam_factor_pct=run.factor_pct,
        defaults_source=table.source, de_minimis=run.de_minimis, lines=run.results,
        groups=_groups(run.results), totals=_totals(run.results, run.de_minimis),
        findings=findings)


def _choose_year(data: ImportsData, year: int | None, read_findings: list[Finding]) -> int:
    years = sorted({line.year for line in data.lines if line.year is not None})
    problems = [f for f in read_findings if str(f.severity) == "error"]
    if year is None and not data.lines and problems:
        # Nothing was read (no header, a required column missing): say why, not "give the
        # year", which would send the user looking in the wrong place.
        where = problems[0].location.cell
        raise InputUnreadable(data.path, "no import lines could be read"
                              + (f" ({where})" if where else "") + ": " + problems[0].message)
    if year is None:
        if len(years) != 1:
            shown = ", ".join(map(str, years)) or "none"
            raise UsageError(f"give the year to assess (the file holds years: {shown})")
        year = years[0]
    if year < FIRST_DEFINITIVE_YEAR:
        raise UsageError(f"{year} is before the CBAM definitive period (from 2026): there are "
                         "no certificates, de minimis or free allocation adjustment then")
    return year


class _Assessment:
    def __init__(self, data: ImportsData, year: int, table: DefaultsTable,
                 cscf: float | None) -> None:
        self.data, self.year, self.table, self.cscf = data, year, table, cscf
        self.factor_pct = cbam_factor_pct(year)
        self.findings: list[Finding] = []
        self.results: list[LineResult] = []
        self.defaults: dict[tuple[str, str, str], DefaultValue] = {}
        # (kind, cn8, country, route) -> rows: one finding per distinct problem
        self.grouped_notes: dict[tuple[str, str, str, str], list[int]] = {}
        self.de_minimis = DeMinimis(year, 0.0)

    # -- scope -------------------------------------------------------------------------

    def classify(self) -> None:
        counted: list[float] = []
        always: list[float] = []
        other_years: list[int] = []
        for line in self.data.lines:
            status = self._status(line, other_years)
            self.results.append(LineResult(line.row, line.cn8, line.country, line.year,
                                           line.quarter, line.mass, status,
                                           see_source=line.see_source))
            if status != "in-scope":
                if status == "invalid" and line.year in (None, self.year):
                    self.de_minimis.lines_not_counted += 1
                continue
            assert line.mass is not None
            (always if line.cn8 in NEVER_EXEMPT else counted).append(line.mass)
        self._de_minimis(counted, always)
        if other_years:
            self._note("cbam-import-other-year", warning, other_years, "date",
                       f"{len(other_years)} line(s) are dated outside {self.year} and are left "
                       "out of this year's de minimis test and certificates")

    def _status(self, line: ImportLine, other_years: list[int]) -> str:
        if not line.valid or line.cn8 is None or line.mass is None:
            return "invalid"
        if line.year != self.year:
            other_years.append(line.row)
            return "other-year"
        country = reference.countries()[line.country or ""]
        if country.eu_member or country.annex_iii:
            why = "an EU member state" if country.eu_member else "an Annex III country"
            self.findings.append(warning(
                "cbam-import-origin-not-subject",
                f"{country.name} ({country.code}) is {why}: goods originating there are not "
                "subject to CBAM; the line is left out of the de minimis test and "
                "certificates.", self.data.loc("country", line.row)))
            return "not-subject"
        return "in-scope"

    def _de_minimis(self, counted: list[float], always: list[float]) -> None:
        dm = self.de_minimis
        # Rounded to the gram so float noise in a sum (10.1 + 39.9) cannot cross 50 t.
        dm.counted_mass_t = round(math.fsum(counted), _MASS_DECIMALS)
        dm.always_in_scope_mass = round(math.fsum(always), _MASS_DECIMALS)
        dm.exempt = dm.counted_mass_t <= DE_MINIMIS_T
        dm.near_threshold = DE_MINIMIS_WARN_T < dm.counted_mass_t <= DE_MINIMIS_T
        where = Location(file=self.data.path)
        if dm.exempt:
            self.findings.append(info(
                "cbam-import-de-minimis-exempt",
                f"Cumulative net mass in {self.year} is {dm.counted_mass_t:g} t (hydrogen and "
                f"electricity excluded), not above {DE_MINIMIS_T:g} t: those imports are exempt "
                "(Art. 2a of Reg. (EU) 2023/956). Hydrogen and electricity are never exempt.",
                where))
        else:
            self.findings.append(info(
                "cbam-import-de-minimis-exceeded",
                f"Cumulative net mass in {self.year} is {dm.counted_mass_t:g} t, above "
                f"{DE_MINIMIS_T:g} t: ALL imports of the year are subject to CBAM, including "
                "those before the threshold was crossed.", where))
        if dm.near_threshold:
            self.findings.append(warning(
                "cbam-import-de-minimis-near",
                f"{dm.counted_mass_t:g} t is above 90 % of the {DE_MINIMIS_T:g} t threshold; "
                "the Commission flags such importers. One more consignment can bring the whole "
                "year into scope.", where))
        if dm.exempt and not self.data.lines:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                "No import lines were read from the file: the exemption cannot be confirmed "
                "until the file is corrected.", where))
        if dm.exempt and dm.lines_not_counted:
            self.findings.append(warning(
                "cbam-import-de-minimis-incomplete",
                f"{dm.lines_not_counted} line(s) of {self.year} could not be read and are not "
                "counted: the exemption cannot be confirmed until they are corrected.", where))

    # -- emissions, FAA, certificates ----------------------------------------------------------

    def compute(self) -> None:
        if self.cscf is None and any(r.status == "in-scope" for r in self.results):
            self.findings.append(warning(
                "cbam-import-cscf-missing",
                "No cross-sectoral correction factor (CSCF) was given, so the free allocation "
                "adjustment is NOT computed (it is not zero); certificates are shown before "
                "FAA only. Give the published CSCF for the year (--cscf).",
                Location(file=self.data.path)))
        for line, result in zip(self.data.lines, self.results, strict=True):
            if result.status != "in-scope":
                continue
            if self.de_minimis.exempt and line.cn8 not in NEVER_EXEMPT:
                # Exempt lines need no emissions: no default lookup, no spurious findings.
                result.status, result.certificates_t = "exempt-de-minimis", 0.0
                result.note = "exempt: de minimis"
                continue
            self._emissions(line, result)
            self._certificates(line, result)
        self._flush_defaults()

    def _emissions(self, line: ImportLine, result: LineResult) -> None:
        assert line.mass is not None and line.cn8 is not None
        if line.see_total is not None:
            result.basis = "actual"
            result.see_used = result.see_unmarked = line.see_total
        else:
            value = self._default(line)
            if not value.found:
                result.note = "no default value"
                return
            result.basis = "default"
            result.see_unmarked = value.total
            result.see_used = value.total_marked_up
            result.markup_pct = value.markup_pct
            result.see_source = f"default {value.country_used} ({value.table_row})"
        result.embedded_t = line.mass * result.see_used
        result.embedded_unmarked_t = line.mass * result.see_unmarked

    def _default(self, line: ImportLine) -> DefaultValue:
        key = (line.cn8 or "", line.country or "", line.route)
        value = self.defaults.get(key)
        if value is None:
            code = reference.cn_codes()[line.cn8 or ""]
            value = resolve(code, line.country or "", self.year, self.table,
                            route=line.route or None)
            self.defaults[key] = value
        self.grouped_notes.setdefault(("default", *key), []).append(line.row)
        return value

    def _certificates(self, line: ImportLine, result: LineResult) -> None:
        if result.embedded_t is None:
            return
        faa = self._faa(line, result)
        result.faa_t = faa
        if faa is not None:
            result.certificates_t = max(0.0, result.embedded_t - faa)

    def _faa(self, line: ImportLine, result: LineResult) -> float | None:
        assert line.cn8 is not None and line.mass is not None
        if line.sector == "electricity":
            return 0.0  # IR (EU) 2025/2620: no free allocation adjustment for electricity
        if self.cscf is None or self.factor_pct is None:
            return None
        column = "B" if result.basis == "default" else "A"
        if column == "A" and _has_precursors(line):
            self._group("faa-precursors", line)
            return None
        found = find_benchmark(line.cn8, column, line.route)
        if isinstance(found, list):
            self._group("benchmark-route", line)
            return None
        if found is None:
            self._group(f"benchmark-missing-{column}", line)
            return None
        result.benchmark, result.benchmark_column = found.value, column
        return self.factor_pct / 100.0 * self.cscf * found.value * line.mass

    def _group(self, kind: str, line: ImportLine) -> None:
        key = (kind, line.cn8 or "", line.country or "", "")
        self.grouped_notes.setdefault(key, []).append(line.row)

    def _flush_defaults(self) -> None:
        """One finding per distinct problem, at the first line it concerns, listing rows."""
        for key, rows in self.grouped_notes.items():
            kind, cn8, country = key[0], key[1], key[2]
            if kind == "default":
                for f in self.defaults[(cn8, country, key[3])].findings:
                    self._note(f.code, _maker(f), rows, "cn_code", f.message)
                continue
            code, make, message = _faa_note(kind, cn8, country)
            self._note(code, make, rows, "cn_code", message)

    def _note(self, code: str, make, rows: list[int], column: str, message: str) -> None:
        listed = ", ".join(map(str, rows[:_ROWS_LISTED]))
        more = f" and {len(rows) - _ROWS_LISTED} more" if len(rows) > _ROWS_LISTED else ""
        self.findings.append(make(code, f"{message} (row(s) {listed}{more}).",
                                  self.data.loc(column, rows[0])))


def _maker(f: Finding):
    return {"error": error, "warning": warning, "info": info}[str(f.severity)]


def _faa_note(kind: str, cn8: str, country: str) -> tuple:
    code = reference.cn_codes()[cn8].formatted
    if kind == "faa-precursors":
        return ("cbam-import-faa-needs-precursors", warning,
                f"FAA not computed for CN {code} from {country} with actual values: IR (EU) "
                "2025/2620 adds the precursors' adjustments (Column A benchmark + sum of m_i x "
                "SEFA_i), which the imports file does not carry")
    if kind == "benchmark-route":
        return ("cbam-import-benchmark-route-needed", warning,
                f"FAA not computed for CN {code}: the benchmark differs by production route; "
                "fill the route column (for example BF/BOF, DRI/EAF, scrap/EAF)")
    column = kind.rsplit("-", 1)[1]
    return ("cbam-import-benchmark-missing", warning,
            f"FAA not computed for CN {code}: the shipped benchmark list (an excerpt of IR (EU) "
            f"2025/2620) has no Column {column} benchmark for it")


def _has_precursors(line: ImportLine) -> bool:
    good = reference.find_good(line.category)
    return bool(good and good.relevant_precursors)


def _sum(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else math.fsum(v for v in values if v)


def _groups(results: list[LineResult]) -> list[dict]:
    """Per CN code and origin, in order of first appearance."""
    groups: dict[tuple[str, str], list[LineResult]] = {}
    for r in results:
        if r.cn_code and r.country and r.status in ("in-scope", "exempt-de-minimis"):
            groups.setdefault((r.cn_code, r.country), []).append(r)
    out = []
    for (cn8, country), rows in groups.items():
        bases = sorted({r.basis or "none" for r in rows})
        out.append({
            "cn_code": cn8, "cn_formatted": reference.cn_codes()[cn8].formatted,
            "category": reference.cn_codes()[cn8].category, "country": country,
            "lines": len(rows), "mass": math.fsum(r.mass or 0.0 for r in rows),
            "unit": "MWh" if cn8 == "27160000" else "t",
            "basis": bases[0] if len(bases) == 1 else "mixed",
            "status": ",".join(sorted({r.status for r in rows})),
            "embedded_t": _sum([r.embedded_t for r in rows]),
            "embedded_unmarked_t": _sum([r.embedded_unmarked_t for r in rows]),
            "faa_t": _sum([r.faa_t for r in rows if r.status == "in-scope"]),
            "certificates_t": _sum([r.certificates_t for r in rows]),
        })
    return out


def _totals(results: list[LineResult], dm: DeMinimis) -> dict:
    liable = [r for r in results if r.status == "in-scope"]
    computed = [r.certificates_t for r in liable if r.certificates_t is not None]
    return {
        "lines": len(results),
        "lines_by_status": {s: sum(r.status == s for r in results) for s in
                            ("in-scope", "exempt-de-minimis", "not-subject", "other-year",
                             "invalid")},
        "de_minimis_exempt": dm.exempt,
        "embedded_t": _sum([r.embedded_t for r in liable]),
        "embedded_unmarked_t": _sum([r.embedded_unmarked_t for r in liable]),
        "faa_t": _sum([r.faa_t for r in liable]),
        "certificates_t": _sum([r.certificates_t for r in liable]),
        "certificates_before_faa_t": _sum([r.embedded_t for r in liable]),
        "certificates_computed_lines_t": math.fsum(computed),
        "lines_certificates_not_computed": len(liable) - len(computed),
    }


# ---------------------------------------------------------------------------------------------
# Output files


def write_imports_results(result: ImportsResult, out_dir: str | Path) -> list[Path]:
    """Write cbam-imports.json, cbam-imports-lines.csv and cbam-imports-groups.csv."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = result.to_dict()
    paths = [out / "cbam-imports.json", out / "cbam-imports-lines.csv",
             out / "cbam-imports-groups.csv"]
    paths[0].write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    _write_csv(paths[1], doc["lines"], list(LineResult.__slots__))
    group_fields = list(doc["groups"][0]) if doc["groups"] else ["cn_code", "country"]
    _write_csv(paths[2], doc["groups"], group_fields)
    return paths


def _write_csv(path: Path, rows: list[dict], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in fields})


# ---------------------------------------------------------------------------------------------
# Template

_HELP: dict[str, tuple[str, str]] = {
    "date": ("Required. Customs release date (2026-03-31) or quarter (2026-Q1).",
             "必填。清關日期（2026-03-31）或季度（2026-Q1）。"),
    "cn_code": ("Required. 8-digit CN code of the good, e.g. 7318 15 58.",
                "必填。8 位 CN 編碼，例如 7318 15 58。"),
    "country": ("Required. Country of origin, ISO code (dropdown), e.g. CN.",
                "必填。原產國 ISO 代碼（下拉選擇），例如 CN。"),
    "net_mass": ("Required. Net mass in tonnes (MWh for electricity 2716 00 00).",
                 "必填。淨重（噸）；電力（2716 00 00）填兆瓦時。"),
    "supplier": ("Supplier or installation the good comes from.", "供應商或生產設施。"),
    "route": ("Production route when the benchmark depends on it: BF/BOF, DRI/EAF, scrap/EAF.",
              "生產路線（如基準值取決於路線）：BF/BOF、DRI/EAF、scrap/EAF。"),
    "see_direct": ("Actual specific direct embedded emissions, t CO2e/t (from the supplier).",
                   "實際直接隱含排放強度，t CO2e/t（供應商提供）。"),
    "see_indirect": ("Actual specific indirect embedded emissions, t CO2e/t.",
                     "實際間接隱含排放強度，t CO2e/t。"),
    "see_total": ("Actual total SEE, t CO2e/t. Leave all SEE blank to use default values.",
                  "實際總隱含排放強度；全部留空即使用默認值。"),
    "communication_file": ("Instead of SEE cells: the supplier's cbam-communication.json, "
                           "relative to this file; matched by CN code.",
                           "或填供應商的 cbam-communication.json 路徑（相對本檔案），"
                           "按 CN 編碼配對。"),
    "carbon_price_paid": ("Optional. Carbon price paid in the country of origin, EUR "
                          "(recorded; not deducted until the implementing act is adopted).",
                          "選填。原產國已付碳價（歐元）；實施細則通過前不作扣減。"),
    "reference": ("Customs declaration (MRN) or invoice number.", "報關單號（MRN）或發票號。"),
    "description": ("Free text.", "備註。"),
}

_INSTRUCTIONS = (
    "CBAM imports: one row per import line (customs declaration item).",
    "Keep the header in row 1. Do not leave example rows in the Imports sheet: every row is "
    "counted.",
    "Numbers: 1,234.5 (comma thousands, point decimal). Net mass in tonnes; kg allowed as "
    "'1200 kg'; electricity in MWh.",
    "Embedded emissions: give the supplier's actual SEE (see_direct / see_indirect / "
    "see_total, t CO2e per t) or a communication_file; leave them blank to use the default "
    "value (with mark-up).",
    "De minimis: up to 50 t net mass a year (hydrogen and electricity excluded) is exempt; "
    "above 50 t the whole year is in scope.",
    "CBAM 進口：每行一項進口（報關單項目）。請保留第 1 行欄位名稱；"
    "每一行都會計入，請勿保留示例行。",
    "CBAM 进口：每行一项进口（报关单项目）。请保留第 1 行列名；"
    "每一行都会计入，请勿保留示例行。",
    "隱含排放：填供應商提供的實際數值或 communication_file；留空則使用默認值（含加成）。",
    "微量豁免：每年淨重不超過 50 噸（不含氫及電力）可豁免；超過 50 噸則全年受 CBAM 約束。",
)

_EXAMPLE = ("2026-03-31", "7318 15 58", "CN", 12.5, "Harbour Metals, Dongguan", "", 2.1, 0.5,
            "", "", "", "MRN 26DE000000000001", "Example only: not read from this sheet")


def write_imports_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a blank imports workbook: Imports (header only), Instructions, hidden Lists."""
    from carbonaudit.outputs import atomic_workbook

    path = Path(path)
    with atomic_workbook(path, overwrite=overwrite) as workbook:
        sheet = workbook.add_worksheet("Imports")
        notes = workbook.add_worksheet("Instructions")
        lists = workbook.add_worksheet("Lists")
        _write_lists(lists)
        lists.hide()
        _write_imports_sheet(workbook, sheet)
        _write_instructions(workbook, notes)
        sheet.activate()
    return path


def _write_lists(sheet) -> None:
    # "Country list" / "CN list" headers, not import column names: the reader must never
    # take this sheet for data.
    sheet.write_row(0, 0, ["Country list", "Country name", "CN list", "CN category"])
    for row, country in enumerate(sorted(reference.countries().values(),
                                         key=lambda c: c.code), start=1):
        sheet.write_row(row, 0, [country.code, country.name])
    for row, code in enumerate(reference.cn_codes().values(), start=1):
        sheet.write_row(row, 2, [code.formatted, code.category])


def _write_imports_sheet(workbook, sheet) -> None:
    header = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, header)
        en, zh = _HELP[name]
        sheet.write_comment(0, col, f"{en}\n{zh}", {"x_scale": 2, "y_scale": 1.5})
        sheet.set_column(col, col, 22 if name in ("supplier", "communication_file",
                                                  "description", "reference") else 13)
    sheet.freeze_panes(1, 0)
    last = 10_000
    n_countries = len(reference.countries())
    n_cn = len(reference.cn_codes())
    sheet.data_validation(1, COLUMNS.index("country"), last, COLUMNS.index("country"), {
        "validate": "list", "source": f"=Lists!$A$2:$A${n_countries + 1}",
        "error_title": "Unknown country", "error_message": "Pick an ISO code from the list."})
    sheet.data_validation(1, COLUMNS.index("cn_code"), last, COLUMNS.index("cn_code"), {
        "validate": "list", "source": f"=Lists!$C$2:$C${n_cn + 1}", "error_type": "warning",
        "error_title": "Not an Annex I CN code",
        "error_message": "CBAM covers the Annex I CN codes listed on the Lists sheet."})
    sheet.data_validation(1, COLUMNS.index("net_mass"), last, COLUMNS.index("net_mass"), {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_title": "Negative mass", "error_message": "Net mass cannot be negative."})


def _write_instructions(workbook, sheet) -> None:
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 2, 70, wrap)
    row = 0
    for line in _INSTRUCTIONS:
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    sheet.write_row(row, 0, ["Column", "Meaning", "說明 / 说明"], bold)
    for name in COLUMNS:
        row += 1
        en, zh = _HELP[name]
        sheet.write_row(row, 0, [name + (" *" if name in REQUIRED else ""), en, zh])
    row += 2
    sheet.write_string(row, 0, "Example row (type your own rows on the Imports sheet):", bold)
    # Written as one text cell so this sheet can never be mistaken for import data.
    sheet.write_string(row + 1, 0, " | ".join(str(v) for v in _EXAMPLE))
