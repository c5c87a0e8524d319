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

Rows are read and checked by `defaults_table`.  Nothing here prints: results are plain data
with `to_dict()`.
"""


from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.defaults_table import (
    OTHER,
    UNKNOWN,
    DefaultRow,
    DefaultsTable,
    defaults_header,
    table_from_grid,
)
from carbonaudit.cbam.grid import Grid, read_grid, short_text
from carbonaudit.errors import CarbonAuditError
from carbonaudit.findings import Finding, error, info, warning

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


# ---------------------------------------------------------------------------------------------
# Errors a caller can turn into a one-line message (the CLI exits 1 on CarbonAuditError).


class CbamInputError(CarbonAuditError):
    """A CN code or country the caller gave cannot be used; `code` is the finding code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def to_finding(self) -> Finding:
        return error(self.code, str(self))


@cache
def shipped_defaults() -> DefaultsTable:
    """The excerpt shipped with the package (read once)."""
    ref = resources.files("carbonaudit.cbam").joinpath("data", "default_values.csv")
    data = ref.read_bytes()
    rows = [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))]
    grid = Grid(SHIPPED, hashlib.sha256(data).hexdigest(), "csv", "default_values.csv", rows)
    table = table_from_grid(grid)
    table.shipped = True
    return table


def load_defaults(path: str | Path | None = None) -> DefaultsTable:
    """The shipped excerpt (`path` None) or a user's table; problems are in `table.findings`.

    Rows with an error are left out of the table, each with an error finding at its cell;
    a file whose header lacks `cn_code`, `country` or `total` yields one error and no rows.
    """
    if path is None:
        return shipped_defaults()
    return table_from_grid(read_grid(path, defaults_header))


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
            f"CN code '{short_text(cn)}' is not one of the 569 eight-digit CN codes of Annex I "
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
            f"Country '{short_text(country)}' is not an ISO 3166 alpha-2 code or a country name "
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
