"""CBAM default values (IR (EU) 2025/2621 as corrected by IR (EU) 2026/1740) and their mark-ups.

The package ships only an EXCERPT of the Commission's table (`data/default_values.csv`, the
values DOMAIN.md §1.8 quotes); a user replaces it with the full current table through
`--defaults FILE` (format: `cbam/DEFAULTS.md`).  `load_defaults` validates a table row by row
and reports every problem at the user's cell; `lookup` answers "what default applies to this
CN code from this country in this year", including:

* the mark-up on the total (cement, iron & steel, aluminium, hydrogen +10 % 2026, +20 % 2027,
  +30 % from 2028; fertilisers +1 % from 2026; nothing before 2026 or for electricity);
* the Regulation's fallback to "other countries and territories" (`OTHER`) when the country is
  not listed or is listed without a value, always recorded as a finding;
* a clear finding when the table does not hold the CN code at all.

It also holds the small grid reader (CSV or xlsx, header found by column names) that the
imports reader shares.  Nothing here prints: results are plain data with `to_dict()`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.errors import CarbonAuditError, InputUnreadable
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.ingest import xlsx_safety
from carbonaudit.ingest.numbers import parse_quantities

OTHER = "OTHER"        # "other countries and territories" table of Annex I
UNKNOWN = "UNKNOWN"    # Annex IV: precursor whose country of origin is unknown
SHIPPED = "carbonaudit/cbam/data/default_values.csv"

# Mark-up on the total default value, percent, by sector; the last year listed applies to
# every later year.  IR (EU) 2025/2621 as corrected by IR (EU) 2026/1740 (DOMAIN.md §1.8).
MARKUPS: dict[str, tuple[tuple[int, float], ...]] = {
    "cement": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "iron_steel": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "aluminium": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "hydrogen": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "fertilisers": ((2026, 1.0),),
    "electricity": (),
}
MARKUP_SOURCE = ("IR (EU) 2025/2621 as corrected by IR (EU) 2026/1740; since the correction "
                 "the mark-up is applied by the CBAM Registry to the total default value")

# Cells the Regulation's tables use for "no value for this country".
_NO_VALUE = frozenset({"", "-", "–", "—", "n/a", "na", "n.a."})
_HEADER_WINDOW = 30


# ---------------------------------------------------------------------------------------------
# Errors a caller can turn into a one-line message (the CLI exits 1 on CarbonAuditError).


class CbamInputError(CarbonAuditError):
    """A CN code or country the caller gave cannot be used; `code` is the finding code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def to_finding(self) -> Finding:
        return error(self.code, str(self))


# ---------------------------------------------------------------------------------------------
# Grid reading shared with the imports reader


@dataclass
class Grid:
    """The cells of one sheet (or CSV file) as a person sees them, plus where they came from."""

    path: str
    sha256: str
    kind: str                 # "xlsx" | "csv"
    sheet: str
    rows: list[list[object]]

    def loc(self, cell: str) -> Location:
        return Location(file=self.path, sheet=self.sheet, cell=cell)


@dataclass
class Header:
    index: int                     # 0-based row index of the header
    positions: dict[str, int]      # canonical column -> 0-based column
    unknown: list[str]


def fold(text: object) -> str:
    """Header matching ignores case, spacing, underscores and brackets' units."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


def find_header(rows: Sequence[Sequence[object]], aliases: dict[str, str],
                required: Sequence[str]) -> Header | None:
    """The first row among the first 30 that names every required column."""
    for index, cells in enumerate(rows[:_HEADER_WINDOW]):
        positions: dict[str, int] = {}
        unknown: list[str] = []
        for col, cell in enumerate(cells):
            if cell is None or str(cell).strip() == "":
                continue
            name = aliases.get(fold(cell))
            if name is None:
                unknown.append(str(cell).strip())
            elif name not in positions:  # a repeated header keeps its first column
                positions[name] = col
        if all(r in positions for r in required):
            return Header(index, positions, unknown)
    return None


def read_grid(path: str | Path, accepts: Callable[[list[list[object]]], bool]) -> Grid:
    """Read a CSV or xlsx file; in a workbook, the first sheet `accepts` approves is used.

    Raises `InputUnreadable` for files that cannot be read at all.
    """
    shown = str(path)
    path = Path(path)
    if not path.is_file():
        raise InputUnreadable(shown, "no such file" if not path.exists() else "not a file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    ext = path.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls") or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, shown, digest, accepts)
    if ext not in (".csv", ".txt"):
        raise InputUnreadable(shown, f"unsupported file type '{ext or path.name}'; give an "
                              ".xlsx workbook or a .csv file")
    return _read_csv(data, shown, digest, path.name, accepts)


def _read_workbook(path: Path, shown: str, digest: str,
                   accepts: Callable[[list[list[object]]], bool]) -> Grid:
    xlsx_safety.check_workbook(path)
    import python_calamine  # heavy: only when a workbook is read

    try:
        book = python_calamine.load_workbook(str(path))
        sheets = [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in book.sheet_names]
    except Exception as exc:  # calamine has its own error types for every kind of damage
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    for name, rows in sheets:
        if accepts(rows):
            return Grid(shown, digest, "xlsx", name, rows)
    first = sheets[0] if sheets else ("Sheet1", [])
    return Grid(shown, digest, "xlsx", first[0], first[1])


def _read_csv(data: bytes, shown: str, digest: str, name: str,
              accepts: Callable[[list[list[object]]], bool]) -> Grid:
    text = _decode(data, shown)
    best: list[list[object]] | None = None
    for delimiter in (",", ";", "\t"):
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""),
                                                                 delimiter=delimiter)]
        if best is None:
            best = rows
        if accepts(rows):
            best = rows
            break
    return Grid(shown, digest, "csv", name, best or [])


def _decode(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputUnreadable(shown, "the file is neither UTF-8 nor GB18030 text; save it as UTF-8")


def parse_number_column(values: list[object]) -> tuple[list[float | None], list[str | None]]:
    """Strict numbers (no units) for one column: (value or None, problem code or None).

    Blank cells and the tables' "–" are (None, None): whether a value is required is the
    caller's decision.  Reuses `numbers.parse_quantities`, so "1,5" is ambiguous, never 1.5.
    """
    blank = [v is None or (isinstance(v, str) and v.strip().casefold() in _NO_VALUE)
             for v in values]
    cells = pd.Series(["" if b else v for v, b in zip(values, blank, strict=True)],
                      dtype=object)
    parsed = parse_quantities(cells)
    out: list[float | None] = []
    problems: list[str | None] = []
    for i, is_blank in enumerate(blank):
        problem = parsed.problem[i]
        if is_blank:
            out.append(None)
            problems.append(None)
        elif problem is not None or parsed.unit_text[i] is not None:
            out.append(None)
            problems.append(problem or "not-a-number")
        else:
            out.append(float(parsed.value[i]))
            problems.append(None)
    return out, problems


# ---------------------------------------------------------------------------------------------
# The defaults table


@dataclass(frozen=True)
class DefaultRow:
    cn_prefix: str
    country: str
    direct: float | None
    indirect: float | None
    total: float | None
    total_derived: bool
    route: str
    legal_source: str
    status: str
    notes: str
    where: str                     # file!row, for the audit trail

    @property
    def has_value(self) -> bool:
        return self.total is not None


@dataclass
class DefaultsTable:
    source: str
    sha256: str
    rows: list[DefaultRow]
    findings: list[Finding] = field(default_factory=list)
    shipped: bool = False
    # cn prefix -> country -> rows (several only when they differ by route)
    index: dict[str, dict[str, list[DefaultRow]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.index.setdefault(row.cn_prefix, {}).setdefault(row.country, []).append(row)

    def to_dict(self) -> dict:
        return {"source": self.source, "sha256": self.sha256, "shipped": self.shipped,
                "rows": len(self.rows)}


_DEFAULT_ALIASES = {
    "cn code": "cn_code", "cn": "cn_code", "cn8": "cn_code", "cn code (8 digits)": "cn_code",
    "country": "country", "country code": "country", "origin": "country",
    "direct": "direct", "direct emissions": "direct", "see direct": "direct",
    "indirect": "indirect", "indirect emissions": "indirect", "see indirect": "indirect",
    "total": "total", "total emissions": "total", "see total": "total",
    "route": "route", "production route": "route",
    "legal source": "legal_source", "source": "legal_source",
    "status": "status", "notes": "notes", "note": "notes",
}
_DEFAULT_REQUIRED = ("cn_code", "country", "total")


def _defaults_header(rows: list[list[object]]) -> bool:
    return find_header(rows, _DEFAULT_ALIASES, ("cn_code", "country")) is not None


@cache
def shipped_defaults() -> DefaultsTable:
    """The excerpt shipped with the package (read once)."""
    ref = resources.files("carbonaudit.cbam").joinpath("data", "default_values.csv")
    data = ref.read_bytes()
    rows = [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))]
    grid = Grid(SHIPPED, hashlib.sha256(data).hexdigest(), "csv", "default_values.csv", rows)
    table = _table_from_grid(grid)
    table.shipped = True
    return table


def load_defaults(path: str | Path | None = None) -> DefaultsTable:
    """The shipped excerpt (`path` None) or a user's table; problems are in `table.findings`.

    Rows with an error are left out of the table, each with an error finding at its cell;
    a file whose header lacks `cn_code`, `country` or `total` yields one error and no rows.
    """
    if path is None:
        return shipped_defaults()
    return _table_from_grid(read_grid(path, _defaults_header))


def _table_from_grid(grid: Grid) -> DefaultsTable:
    header = find_header(grid.rows, _DEFAULT_ALIASES, _DEFAULT_REQUIRED)
    if header is None:
        return DefaultsTable(grid.path, grid.sha256, [], [error(
            "cbam-default-file-columns",
            "No header row with the columns cn_code, country and total was found in the "
            "first 30 rows; see cbam/DEFAULTS.md for the format of a defaults table.",
            grid.loc("A1"))])
    body = grid.rows[header.index + 1:]
    columns = {name: [_cell(r, pos) for r in body] for name, pos in header.positions.items()}
    numbers = {name: parse_number_column(columns.get(name, [None] * len(body)))
               for name in ("direct", "indirect", "total")}
    rows: list[DefaultRow] = []
    findings: list[Finding] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, raw in enumerate(body):
        if not any(str(c).strip() for c in raw if c is not None):
            continue
        excel_row = header.index + 2 + i
        row, row_findings = _default_row(grid, header, columns, numbers, i, excel_row)
        findings.extend(row_findings)
        if row is None:
            continue
        key = (row.cn_prefix, row.country, row.route.casefold())
        if key in seen:
            findings.append(error(
                "cbam-default-row-duplicate",
                f"Row {excel_row} repeats CN {row.cn_prefix}, country {row.country}"
                f"{', route ' + row.route if row.route else ''} already given in row "
                f"{seen[key]}; the later row is ignored. Keep one row per CN code, country "
                "and route.", _at(grid, header, "cn_code", excel_row)))
            continue
        seen[key] = excel_row
        rows.append(row)
    return DefaultsTable(grid.path, grid.sha256, rows, findings)


def _cell(row: Sequence[object], pos: int) -> object:
    return row[pos] if pos < len(row) else None


def _at(grid: Grid, header: Header, name: str, excel_row: int) -> Location:
    col = header.positions.get(name, 0)
    return grid.loc(f"{column_letter(col)}{excel_row}")


def _text(columns: dict[str, list[object]], name: str, i: int) -> str:
    value = columns.get(name, [])
    cell = value[i] if i < len(value) else None
    return "" if cell is None else str(cell).strip()


def _default_row(grid: Grid, header: Header, columns: dict[str, list[object]],
                 numbers: dict[str, tuple[list, list]], i: int, excel_row: int,
                 ) -> tuple[DefaultRow | None, list[Finding]]:
    """One table row, or None with the error findings that explain why it is not used."""
    found: list[Finding] = []
    cn_cell = columns["cn_code"][i]
    prefix = reference.normalise_cn(cn_cell)
    if prefix is None or len(prefix) > 8 or len(prefix) % 2 or not reference.cn_matches(prefix):
        found.append(error(
            "cbam-default-row-cn-unknown",
            f"CN code '{_show(cn_cell)}' is not an Annex I CN code or heading of Reg. (EU) "
            "2023/956; write 8 digits (7201 10 11) or a 4- or 6-digit heading of an Annex I "
            "code.", _at(grid, header, "cn_code", excel_row)))
    country = _text(columns, "country", i).upper()
    if country not in (OTHER, UNKNOWN) and country not in reference.countries():
        found.append(error(
            "cbam-default-row-country-unknown",
            f"Country '{_show(columns['country'][i])}' is not an ISO 3166 alpha-2 code, "
            f"{OTHER} (other countries and territories) or {UNKNOWN} (Annex IV, precursor "
            "country unknown).", _at(grid, header, "country", excel_row)))
    values: dict[str, float | None] = {}
    for name in ("direct", "indirect", "total"):
        value, problem = numbers[name][0][i], numbers[name][1][i]
        raw = _cell_value(columns, name, i)
        if problem is not None:
            found.append(error(
                "cbam-default-row-not-a-number",
                f"The {name} value '{_show(raw)}' is not a plain number in t CO2e per t; "
                "write it like 1.325 (no unit), or leave it blank or '–' for no value.",
                _at(grid, header, name, excel_row)))
        elif value is not None and value < 0:
            found.append(error(
                "cbam-default-row-negative",
                f"The {name} value {value} is negative; default values are never below zero.",
                _at(grid, header, name, excel_row)))
            value = None
        values[name] = value
    if found:
        return None, found
    assert prefix is not None
    total, derived, more = _total(grid, header, prefix, values, excel_row)
    found.extend(more)
    return DefaultRow(
        cn_prefix=prefix, country=country, direct=values["direct"],
        indirect=values["indirect"], total=total, total_derived=derived,
        route=_text(columns, "route", i), legal_source=_text(columns, "legal_source", i),
        status=_text(columns, "status", i), notes=_text(columns, "notes", i),
        where=f"{grid.path}!{column_letter(header.positions['cn_code'])}{excel_row}",
    ), found


def _cell_value(columns: dict[str, list[object]], name: str, i: int) -> object:
    column = columns.get(name)
    return column[i] if column is not None and i < len(column) else None


def _total(grid: Grid, header: Header, prefix: str, values: dict[str, float | None],
           excel_row: int) -> tuple[float | None, bool, list[Finding]]:
    """The total as given, or derived from direct (+ indirect where Art. 7(1) counts it)."""
    direct, indirect, total = values["direct"], values["indirect"], values["total"]
    counted = _indirect_counted(prefix)
    if total is not None:
        expected = _expected_total(direct, indirect, counted)
        if expected is not None and abs(expected - total) > 0.0015:  # 3-decimal rounding
            return total, False, [warning(
                "cbam-default-row-inconsistent-total",
                f"The total {total} differs from direct {direct}"
                f"{' + indirect ' + str(indirect) if counted else ''} = {expected:.4g}; the "
                "total is used as given. Check the row against the Regulation.",
                _at(grid, header, "total", excel_row))]
        return total, False, []
    derived = _expected_total(direct, indirect, counted)
    return derived, derived is not None, []


def _expected_total(direct: float | None, indirect: float | None,
                    counted: bool | None) -> float | None:
    if direct is None or counted is None:
        return None
    if counted:
        return None if indirect is None else direct + indirect
    return direct


def _indirect_counted(prefix: str) -> bool | None:
    """Whether indirect emissions count (Art. 7(1)) for every code under `prefix`, else None."""
    flags = set()
    for code in reference.cn_matches(prefix):
        good = reference.find_good(code.category)
        flags.add(None if good is None else good.indirect_counted_definitive)
    return flags.pop() if len(flags) == 1 else None


def _show(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------------------------------------
# Mark-ups


def markup_pct(sector: str, year: int) -> float:
    """Mark-up on the total default value in percent (0 before 2026 and for electricity)."""
    rate = 0.0
    for start, pct in MARKUPS.get(sector, ()):
        if year >= start:
            rate = pct
    return rate


# ---------------------------------------------------------------------------------------------
# Lookup


@dataclass(frozen=True)
class DefaultValue:
    """The default value that applies to one CN code, origin and year, and how it was found."""

    cn_code: str
    cn_formatted: str
    category: str
    sector: str
    country: str                  # as requested (ISO-2, OTHER or UNKNOWN)
    country_used: str | None      # the table row's country (the country, OTHER or UNKNOWN)
    year: int
    direct: float | None = None
    indirect: float | None = None
    total: float | None = None    # before mark-up, t CO2e per t (per MWh for electricity)
    total_derived: bool = False
    markup_pct: float = 0.0
    route: str = ""
    legal_source: str = ""
    status: str = ""
    table_row: str = ""
    table_source: str = ""
    fallback: str | None = None   # why OTHER was used, when it was
    findings: tuple[Finding, ...] = ()

    @property
    def found(self) -> bool:
        return self.total is not None

    @property
    def total_marked_up(self) -> float | None:
        """The certificate basis: total x (1 + mark-up)."""
        if self.total is None:
            return None
        return self.total * (1.0 + self.markup_pct / 100.0)

    def to_dict(self) -> dict:
        return {
            "cn_code": self.cn_code, "cn_formatted": self.cn_formatted,
            "category": self.category, "sector": self.sector, "country": self.country,
            "country_used": self.country_used, "year": self.year, "found": self.found,
            "direct": self.direct, "indirect": self.indirect, "total": self.total,
            "total_derived": self.total_derived, "markup_pct": self.markup_pct,
            "total_marked_up": self.total_marked_up, "unit": _unit(self.sector),
            "route": self.route, "legal_source": self.legal_source, "status": self.status,
            "markup_source": MARKUP_SOURCE if self.markup_pct else None,
            "table_row": self.table_row, "table_source": self.table_source,
            "fallback": self.fallback,
            "findings": [f.to_dict() for f in self.findings],
        }


def _unit(sector: str) -> str:
    return "tCO2e/MWh" if sector == "electricity" else "tCO2e/t"


def check_cn(cn: object) -> reference.CnCode:
    """The Annex I code for `cn` (any spacing), or `CbamInputError`."""
    digits = reference.normalise_cn(cn)
    code = reference.cn_codes().get(digits or "")
    if code is None:
        raise CbamInputError(
            "cbam-default-cn-unknown",
            f"CN code '{_show(cn)}' is not one of the 569 eight-digit CN codes of Annex I "
            "(Reg. (EU) 2023/956); goods outside Annex I have no CBAM default value.")
    return code


def check_country(country: object, *, allow_table_keys: bool = True) -> str:
    """ISO-2 code for a code or name (OTHER/UNKNOWN too if allowed), or `CbamInputError`."""
    text = "" if country is None else str(country).strip()
    if allow_table_keys and text.upper() in (OTHER, UNKNOWN):
        return text.upper()
    found = reference.find_country(text)
    if found is None:
        extra = f", {OTHER} or {UNKNOWN}" if allow_table_keys else ""
        raise CbamInputError(
            "cbam-default-country-unknown",
            f"Country '{_show(country)}' is not an ISO 3166 alpha-2 code or a country name "
            f"the CBAM code list knows (for example CN, TR, IN){extra}.")
    return found.code


def lookup(cn: object, country: object, year: int,
           table: DefaultsTable | None = None, *, route: str | None = None) -> DefaultValue:
    """The default value for `cn` from `country` in `year`; findings explain every choice.

    Raises `CbamInputError` (a `CarbonAuditError`) for a CN code outside Annex I or an unknown
    country.  A code the table does not hold gives a DefaultValue with `found` False and an
    error finding pointing to `--defaults`.
    """
    code = check_cn(cn)
    iso = check_country(country)
    return resolve(code, iso, int(year), table or shipped_defaults(), route=route)


def resolve(code: reference.CnCode, country: str, year: int, table: DefaultsTable,
            *, route: str | None = None) -> DefaultValue:
    """`lookup` for inputs already checked (the imports calculation calls this per group)."""
    base = DefaultValue(code.cn8, code.formatted, code.category, code.sector, country, None,
                        year, markup_pct=markup_pct(code.sector, year),
                        table_source=table.source)
    exempt = _exempt_origin(code, country, base)
    if exempt is not None:
        return exempt
    own = _candidates(table, code.cn8, country, route)
    if isinstance(own, Finding):
        return _with(base, findings=(own,))
    if own is not None and own.has_value:
        return _from_row(base, own)
    if country in (OTHER, UNKNOWN):
        return _not_found(base, table, code, country)
    other = _candidates(table, code.cn8, OTHER, route)
    if isinstance(other, Finding):
        return _with(base, findings=(other,))
    if other is None or not other.has_value:
        return _not_found(base, table, code, country)
    reason = ("listed without a value" if own is not None else "not listed")
    note = warning(
        "cbam-default-fallback-other",
        f"{_country_name(country)} is {reason} for CN code {code.formatted} in the default-value "
        f"table ({table.source}); as IR (EU) 2025/2621 prescribes, the value for 'other "
        f"countries and territories' ({other.total:g} t CO2e/t before mark-up) is used.")
    return _from_row(_with(base, fallback=reason, findings=(note,)), other)


def _exempt_origin(code: reference.CnCode, country: str,
                   base: DefaultValue) -> DefaultValue | None:
    """EU and Annex III origins have no default: their goods are not CBAM imports."""
    found = reference.countries().get(country)
    if found is None or not (found.eu_member or found.annex_iii):
        return None
    why = ("an EU member state: goods originating there are not CBAM imports"
           if found.eu_member else
           "listed in Annex III of Reg. (EU) 2023/956: goods originating there are outside CBAM")
    return _with(base, findings=(warning(
        "cbam-default-origin-not-subject",
        f"{found.name} ({country}) is {why}, so no default value applies to CN "
        f"{code.formatted}."),))


def _candidates(table: DefaultsTable, cn8: str, country: str,
                route: str | None) -> DefaultRow | Finding | None:
    """The row with the longest CN prefix for `country` (and route), if any."""
    for length in (8, 6, 4, 2):
        rows = table.index.get(cn8[:length], {}).get(country)
        if not rows:
            continue
        if route:
            chosen = [r for r in rows if r.route.casefold() == route.casefold()]
            if not chosen:
                chosen = [r for r in rows if not r.route]
            rows = chosen or rows
        if len(rows) == 1:
            return rows[0]
        routes = ", ".join(sorted(r.route or "(no route)" for r in rows))
        return error(
            "cbam-default-route-needed",
            f"The default-value table holds several rows for CN {cn8} and {country} that "
            f"differ by production route ({routes}); give the route.")
    return None


def _not_found(base: DefaultValue, table: DefaultsTable, code: reference.CnCode,
               country: str) -> DefaultValue:
    what = ("the shipped table is only an EXCERPT of IR (EU) 2025/2621 (as corrected by IR "
            "(EU) 2026/1740) and does not hold it" if table.shipped else
            f"the table {table.source} does not hold it")
    wanted = "" if country in (OTHER, UNKNOWN) else f" for {country} nor for {OTHER}"
    return _with(base, findings=(error(
        "cbam-default-not-in-table",
        f"No default value for CN {code.formatted} ({code.category}){wanted}: {what}. Pass the "
        "Commission's current table with --defaults FILE (format: cbam/DEFAULTS.md)."),))


def _from_row(base: DefaultValue, row: DefaultRow) -> DefaultValue:
    findings = base.findings
    if row.country == UNKNOWN:
        # Annex IV values serve an operator's precursor calculation; the mark-up is for an
        # importer's certificate basis, so none is applied (inference, see DEFAULTS.md).
        findings = (*findings, info(
            "cbam-default-precursor-unknown-country",
            "This is the Annex IV value for a precursor whose country of origin is unknown; "
            "no mark-up is applied to it."))
    return _with(base, country_used=row.country, direct=row.direct, indirect=row.indirect,
                 total=row.total, total_derived=row.total_derived, route=row.route,
                 legal_source=row.legal_source, status=row.status, table_row=row.where,
                 markup_pct=0.0 if row.country == UNKNOWN else base.markup_pct,
                 findings=findings)


def _with(base: DefaultValue, **changes: object) -> DefaultValue:
    return replace(base, **changes)


def _country_name(code: str) -> str:
    found = reference.countries().get(code)
    return f"{found.name} ({code})" if found else code
