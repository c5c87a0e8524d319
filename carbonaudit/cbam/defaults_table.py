"""A CBAM default-values table: the shipped legal tables, or a user's file checked row by row.

Format in `cbam/DEFAULTS.md`.  `table_from_grid` turns a user's `grid.Grid` into a
`DefaultsTable` (rows with an error are left out, each with an error finding at its cell);
`shipped_rows` reads the package's IR (EU) 2025/2621 Annex I and Annex IV tables, whose rows
were checked when they were built (`data/build_legal_tables.py`, tests).  `defaults.lookup`
then answers what applies to a CN code, country and year.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from carbonaudit.cbam import reference
from carbonaudit.cbam.grid import Grid, Header, find_header, parse_number_column, short_text
from carbonaudit.cbam.markups import markup_pct
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning

OTHER = "OTHER"        # "other countries and territories" table of Annex I
UNKNOWN = "UNKNOWN"    # Annex IV: precursor whose country of origin is unknown
PUBLISHED_YEARS = (2026, 2027, 2028)   # marked-up totals the table prints; 2028 on = 2028's
DASHES = frozenset({"-", "–", "—"})
# Direct and indirect are published to two decimals and the total is rounded on its own, so
# the Regulation's own rows differ from direct + indirect by up to 0.01.
TOTAL_TOLERANCE = 0.0105
MARKUP_TOLERANCE = 0.0015   # a published marked-up total is rounded to three decimals


@dataclass(slots=True)
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
    published: tuple[float | None, ...] = (None, None, None)  # totals with mark-up, 2026-28
    dash: bool = False             # the table prints a dash: no default value applies
    description: str = ""

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
    "total 2026": "total_2026", "total 2027": "total_2027", "total 2028": "total_2028",
    "route": "route", "production route": "route",
    "legal source": "legal_source", "source": "legal_source",
    "status": "status", "notes": "notes", "note": "notes", "description": "description",
}
_DEFAULT_REQUIRED = ("cn_code", "country", "total")
_NUMBERS = ("direct", "indirect", "total", "total_2026", "total_2027", "total_2028")


def defaults_header(rows: list[list[object]]) -> bool:
    """Whether a sheet has a defaults header (cn_code and country) in its first rows."""
    return find_header(rows, _DEFAULT_ALIASES, ("cn_code", "country")) is not None


# ---------------------------------------------------------------------------------------------
# The shipped tables


def _number(text: str) -> float | None:
    return None if not text or text == "NA" or text in DASHES else float(text)


def shipped_rows(text: str, name: str) -> tuple[list[DefaultRow], int]:
    """Rows of a shipped table in our format, and how many were left out as not Annex I.

    The shipped files were checked when they were built, so this reads them without the
    per-cell checks a user's file gets.
    """
    prefixes = reference.annex_i_prefixes()
    reader = csv.reader(io.StringIO(text, newline=""))
    head = next(reader)
    if tuple(head[:9]) != ("cn_code", "country", "route", "direct", "indirect", "total",
                           "total_2026", "total_2027", "total_2028"):
        raise ValueError(f"{name}: not a shipped defaults table (header {head[:9]})")
    rows, skipped = [], 0
    for line, (cn, country, route, direct, indirect, total, t26, t27, t28, description,
               source, status, notes) in enumerate(reader, start=2):
        if cn not in prefixes:
            skipped += 1    # heading 7615: transcribed but not an Annex I good
            continue
        rows.append(DefaultRow(
            cn, country, _number(direct), _number(indirect), _number(total), False, route,
            source, status, notes, f"{name}!{line}",
            (_number(t26), _number(t27), _number(t28)), total in DASHES, description))
    return rows, skipped


# ---------------------------------------------------------------------------------------------
# A user's table


def table_from_grid(grid: Grid) -> DefaultsTable:
    """The table in `grid`; problems are in `table.findings`."""
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
               for name in _NUMBERS}
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
    if (prefix is None or len(prefix) > 8 or len(prefix) % 2
            or prefix not in reference.annex_i_prefixes()):
        found.append(error(
            "cbam-default-row-cn-unknown",
            f"CN code '{short_text(cn_cell)}' is not an Annex I CN code or heading of Reg. "
            "(EU) 2023/956; write 8 digits (7201 10 11) or a 4- or 6-digit heading of an "
            "Annex I code.", _at(grid, header, "cn_code", excel_row)))
    country = _text(columns, "country", i).upper()
    if country not in (OTHER, UNKNOWN) and country not in reference.countries():
        found.append(error(
            "cbam-default-row-country-unknown",
            f"Country '{short_text(columns['country'][i])}' is not an ISO 3166 alpha-2 code, "
            f"{OTHER} (other countries and territories) or {UNKNOWN} (Annex IV, precursor "
            "country unknown).", _at(grid, header, "country", excel_row)))
    values: dict[str, float | None] = {}
    for name in _NUMBERS:
        value, problem = numbers[name][0][i], numbers[name][1][i]
        raw = _cell_value(columns, name, i)
        if problem is not None:
            found.append(error(
                "cbam-default-row-not-a-number",
                f"The {name} value '{short_text(raw)}' is not a plain number in t CO2e per t; "
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
    published = tuple(values[f"total_{y}"] for y in PUBLISHED_YEARS)
    found.extend(_published_findings(grid, header, prefix, total, published, excel_row))
    raw_total = _text(columns, "total", i)
    return DefaultRow(
        cn_prefix=prefix, country=country, direct=values["direct"],
        indirect=values["indirect"], total=total, total_derived=derived,
        route=_route(_text(columns, "route", i)),
        legal_source=_text(columns, "legal_source", i), status=_text(columns, "status", i),
        notes=_text(columns, "notes", i),
        where=f"{grid.path}!{column_letter(header.positions['cn_code'])}{excel_row}",
        published=published, dash=total is None and raw_total in DASHES,
        description=_text(columns, "description", i),
    ), found


def _route(text: str) -> str:
    """The table's route letter for a spelling it knows ('scrap/EAF' -> 'E'), else as written."""
    return reference.find_route(text) or text


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
        if expected is not None and abs(expected - total) > TOTAL_TOLERANCE:
            return total, False, [warning(
                "cbam-default-row-inconsistent-total",
                f"The total {total} differs from direct {direct}"
                f"{' + indirect ' + str(indirect) if counted else ''} = {expected:.4g}; the "
                "total is used as given. Check the row against the Regulation.",
                _at(grid, header, "total", excel_row))]
        return total, False, []
    derived = _expected_total(direct, indirect, counted)
    return derived, derived is not None, []


def _published_findings(grid: Grid, header: Header, prefix: str, total: float | None,
                        published: tuple[float | None, ...], excel_row: int) -> list[Finding]:
    """An info finding where a published marked-up total is not total x the mark-up."""
    sector = _sector(prefix)
    if total is None or sector is None:
        return []
    out = []
    for year, value in zip(PUBLISHED_YEARS, published, strict=True):
        expected = total * (1 + markup_pct(sector, year) / 100)
        if value is not None and abs(value - expected) > MARKUP_TOLERANCE:
            out.append(info(
                "cbam-default-row-markup-differs",
                f"The {year} total with mark-up {value:g} is not total {total:g} x "
                f"{1 + markup_pct(sector, year) / 100:g} = {expected:.4g}; the published "
                "value is used, as the Regulation's table prints it.",
                _at(grid, header, f"total_{year}", excel_row)))
    return out


def _sector(prefix: str) -> str | None:
    sectors = {c.sector for c in reference.cn_matches(prefix)}
    return sectors.pop() if len(sectors) == 1 else None


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
