"""Reading a CBAM imports file (workbook or CSV, one row per import line), every cell checked.

`read_imports` finds the header by column names (`imports_columns`), reads each line's CN code,
origin, date or quarter, net mass and the supplier's actual SEE (cells, or a supplier's
`cbam-communication.json`), and reports every bad cell as a finding at the user's cell.  A line
with an error is kept, marked `valid=False`, so nothing is dropped silently.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.grid import Grid, Header, find_header, parse_number_column, read_grid
from carbonaudit.cbam.imports_columns import ALIASES, COLUMNS, REQUIRED
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities
from carbonaudit.jsonio import loads

# Units a net-mass cell may carry; the column's own unit is t (MWh for electricity).
_MASS_UNITS = {"t": 1.0, "tonne": 1.0, "tonnes": 1.0, "ton": 1.0, "tons": 1.0, "kg": 0.001}
_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))\s*$",
                      re.IGNORECASE)
_TOL = 0.0015                       # three-decimal rounding of published SEE values


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
        doc = loads(path.read_bytes())  # safe loader: NaN, duplicate keys, depth
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
