"""CBAM default values (IR (EU) 2025/2621): which table, and what applies to a code, origin, year.

The package ships the full Annex I table (11,391 rows, all five sectors) and Annex IV
(precursors whose country of origin is unknown), status `secondary` (`data/README.md`); a user
may pass the Commission's current table instead (`--defaults FILE`, format `cbam/DEFAULTS.md`).
`lookup` answers "what default applies to this CN code from this country in this year":

* the row for the longest CN heading (8, 6 or 4 digits) the country is listed under;
* "other countries and territories" (`OTHER`) only when the country has no row for the code
  at all, always said in a warning;
* a dash in the country's row: no default value applies, with the reason (error);
* the total with the year's mark-up as the table publishes it (its own rounded column; 2028
  on = 2028's), not total x factor; computed only for a user's table without those columns;
* rows split by production route: the route given selects one, or the routes are listed;
* `UNKNOWN` (Annex IV) for a precursor whose country of origin is unknown.

Rows are read and checked by `defaults_table`.  Nothing here prints: results are plain data
with `to_dict()`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.defaults_table import (
    OTHER,
    PUBLISHED_YEARS,
    UNKNOWN,
    DefaultRow,
    DefaultsTable,
    defaults_header,
    shipped_rows,
    table_from_grid,
)
from carbonaudit.cbam.grid import read_grid, short_text
from carbonaudit.cbam.markups import MARKUP_SOURCE, markup_pct
from carbonaudit.errors import CarbonAuditError
from carbonaudit.findings import Finding, error, info, warning

SHIPPED_FILES = ("default_values_2621.csv", "precursor_defaults_2621.csv")
SHIPPED = "carbonaudit/cbam/data/default_values_2621.csv + precursor_defaults_2621.csv"
ELECTRICITY = "27160000"

__all__ = ["OTHER", "UNKNOWN", "CbamInputError", "DefaultValue", "check_cn", "check_country",
           "load_defaults", "lookup", "markup_pct", "resolve", "shipped_defaults"]


class CbamInputError(CarbonAuditError):
    """A CN code or country the caller gave cannot be used; `code` is the finding code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def to_finding(self) -> Finding:
        return error(self.code, str(self))


@cache
def shipped_defaults() -> DefaultsTable:
    """IR (EU) 2025/2621 Annex I and Annex IV as shipped with the package (read once)."""
    digest = hashlib.sha256()
    rows: list[DefaultRow] = []
    for name in SHIPPED_FILES:
        data = resources.files("carbonaudit.cbam").joinpath("data", name).read_bytes()
        digest.update(data)
        found, _not_annex_i = shipped_rows(data.decode("utf-8"), name)
        rows.extend(found)
    table = DefaultsTable(SHIPPED, digest.hexdigest(), rows)
    table.shipped = True
    return table


def load_defaults(path: str | Path | None = None) -> DefaultsTable:
    """The shipped tables (`path` None) or a user's table; problems are in `table.findings`.

    Rows with an error are left out of the table, each with an error finding at its cell;
    a file whose header lacks `cn_code`, `country` or `total` yields one error and no rows.
    """
    if path is None:
        return shipped_defaults()
    return table_from_grid(read_grid(path, defaults_header))


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
    markup_pct: float = 0.0       # the nominal mark-up of the sector and year
    marked_up: float | None = None          # the certificate basis: total with mark-up
    marked_up_source: str = ""    # "published" (the table's column) | "computed" | ""
    route: str = ""
    routes: tuple[str, ...] = ()  # the table's routes, when one must be chosen
    legal_source: str = ""
    status: str = ""
    notes: str = ""
    description: str = ""
    table_row: str = ""
    table_source: str = ""
    fallback: str | None = None   # why OTHER was used, when it was
    no_default: str | None = None  # why no default value applies (a dash, ...), when none does
    findings: tuple[Finding, ...] = ()

    @property
    def found(self) -> bool:
        return self.total is not None

    @property
    def total_marked_up(self) -> float | None:
        """The certificate basis: the total with the year's mark-up."""
        return self.marked_up

    def to_dict(self) -> dict:
        return {
            "cn_code": self.cn_code, "cn_formatted": self.cn_formatted,
            "category": self.category, "sector": self.sector, "country": self.country,
            "country_used": self.country_used, "year": self.year, "found": self.found,
            "direct": self.direct, "indirect": self.indirect, "total": self.total,
            "total_derived": self.total_derived, "markup_pct": self.markup_pct,
            "total_marked_up": self.total_marked_up,
            "total_marked_up_source": self.marked_up_source or None,
            "unit": _unit(self.sector), "route": self.route,
            "route_meaning": _route_meaning(self.route), "routes": list(self.routes),
            "legal_source": self.legal_source, "status": self.status, "notes": self.notes,
            "description": self.description,
            "markup_source": MARKUP_SOURCE if self.markup_pct else None,
            "table_row": self.table_row, "table_source": self.table_source,
            "fallback": self.fallback, "no_default": self.no_default,
            "findings": [f.to_dict() for f in self.findings],
        }


def _unit(sector: str) -> str:
    return "tCO2e/MWh" if sector == "electricity" else "tCO2e/t"


def _route_meaning(route: str) -> str | None:
    found = reference.routes().get(route)
    return found.meaning if found else None


def check_cn(cn: object) -> reference.CnCode:
    """The Annex I code for `cn` (any spacing), or `CbamInputError` naming the closest heading."""
    digits = reference.normalise_cn(cn)
    code = reference.cn_codes().get(digits or "")
    if code is not None:
        return code
    count = len(reference.cn_codes())
    if digits and len(digits) < 8 and reference.cn_matches(digits):
        example = reference.cn_matches(digits)[0].formatted
        raise CbamInputError(
            "cbam-default-cn-unknown",
            f"CN code '{short_text(cn)}' is a heading, not an eight-digit code; give the code "
            f"from the customs declaration (for example {example}).")
    hint = reference.closest_hint(digits)
    raise CbamInputError(
        "cbam-default-cn-unknown",
        f"CN code '{short_text(cn)}' is not one of the {count} eight-digit CN codes of Annex I "
        "(Reg. (EU) 2023/956); goods outside Annex I have no CBAM default value." + hint)


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
    country.  No default value (a dash, a route to choose, a code the table does not hold)
    gives a DefaultValue with `found` False and an error finding saying why.
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
    value = _resolve_row(base, code, country, table, route)
    if route and value.route and value.found and (
            reference.find_route(route) or route).casefold() != value.route.casefold():
        value = _with(value, findings=(*value.findings, info(
            "cbam-default-route-of-row",
            f"The table has one row for {_who(value.country_used or country)} and CN "
            f"{code.formatted}, for route {reference.route_label(value.route)}; it applies "
            f"whatever the route ('{route}' given), and its route is the one the benchmark "
            "of a default value follows.")))
    return value


def _resolve_row(base: DefaultValue, code: reference.CnCode, country: str,
                 table: DefaultsTable, route: str | None) -> DefaultValue:
    own = _candidates(table, code, country, route)
    if isinstance(own, Finding):
        return _with(base, findings=(own,))
    if own is not None:
        return _from_row(base, own)
    if country in (OTHER, UNKNOWN):
        return _not_found(base, table, code, country)
    other = _candidates(table, code, OTHER, route)
    if isinstance(other, Finding):
        return _with(base, findings=(other,))
    if other is None:
        return _not_found(base, table, code, country)
    value = _from_row(_with(base, fallback="not listed"), other)
    if not value.found:
        return value
    note = warning(
        "cbam-default-fallback-other",
        f"{_country_name(country)} is not listed for CN code {code.formatted} in the default-"
        f"value table ({table.source}); as IR (EU) 2025/2621 Annex I prescribes for a country "
        f"not listed, the value for 'other countries and territories' ({other.total:g} t "
        "CO2e/t before mark-up) is used.")
    return _with(value, findings=(note, *value.findings))


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


def _candidates(table: DefaultsTable, code: reference.CnCode, country: str,
                route: str | None) -> DefaultRow | Finding | None:
    """The country's row with the longest CN heading for the code (and route), if any.

    A heading with one row for the country gives that row whatever route was asked for: the
    Regulation sets one default per country there, the route says how it was derived.
    """
    for length in (8, 6, 4, 2):
        rows = table.index.get(code.cn8[:length], {}).get(country)
        if not rows:
            continue
        if len(rows) == 1:
            return rows[0]
        listed = ", ".join(_route_text(r) for r in rows)
        if not route:
            return error(
                "cbam-default-route-needed",
                f"The default-value table gives {_who(country)} several rows for CN "
                f"{code.formatted} that differ by production route: {listed}. Give the route "
                "(--route, or the route column of the imports file).")
        letter = reference.find_route(route) or route
        chosen = [r for r in rows if r.route.casefold() == letter.casefold()]
        if len(chosen) == 1:
            return chosen[0]
        return error(
            "cbam-default-route-not-in-table",
            f"Route '{route}' is not one of the routes the default-value table gives "
            f"{_who(country)} for CN {code.formatted}: {listed}.")
    return None


def _who(country: str) -> str:
    return {OTHER: "'other countries and territories'", UNKNOWN: "Annex IV (country unknown)"
            }.get(country, _country_name(country))


def _route_text(row: DefaultRow) -> str:
    label = reference.route_label(row.route) if row.route else "no route"
    if row.dash:
        return f"{label}: dash (no default value)"
    return f"{label}: {row.total:g}" if row.total is not None else f"{label}: no value"


def _not_found(base: DefaultValue, table: DefaultsTable, code: reference.CnCode,
               country: str) -> DefaultValue:
    if code.cn8 == ELECTRICITY and table.shipped:
        return _with(base, no_default="electricity factors not shipped", findings=(error(
            "cbam-default-electricity-not-shipped",
            "Default values for electricity (IR (EU) 2025/2621 Annexes II and III) are IEA data "
            "licensed CC BY-NC-SA and are not shipped; give the supplier's actual value or "
            "pass a table holding the factor with --defaults FILE."),))
    what = (f"the shipped table ({table.source}) does not hold it" if table.shipped else
            f"the table {table.source} does not hold it")
    if not code.current:
        what += (f"; {code.formatted} is not a code of the CN the 2025 tables use (3102 10 10 "
                 "was split into 3102 10 12, 3102 10 15 and 3102 10 19): give the current code")
    wanted = "" if country in (OTHER, UNKNOWN) else f" for {country} nor for {OTHER}"
    return _with(base, no_default="not in the table", findings=(error(
        "cbam-default-not-in-table",
        f"No default value for CN {code.formatted} ({code.category}){wanted}: {what}. Pass the "
        "Commission's current table with --defaults FILE (format: cbam/DEFAULTS.md)."),))


def _from_row(base: DefaultValue, row: DefaultRow) -> DefaultValue:
    value = _with(base, country_used=row.country, direct=row.direct, indirect=row.indirect,
                  total=row.total, total_derived=row.total_derived, route=row.route,
                  legal_source=row.legal_source, status=row.status, notes=row.notes,
                  description=row.description, table_row=row.where)
    if row.total is None:
        return _no_value(value, row)
    marked, source = _marked_up(row, base.year, base.markup_pct)
    findings = list(base.findings)
    if row.country == UNKNOWN:
        findings.append(info(
            "cbam-default-precursor-unknown-country",
            "This is the Annex IV value for a precursor whose country of origin is unknown: "
            "the highest value of any country (IR (EU) 2025/2621 Annex IV)."))
    if row.status not in ("secondary", "verified") and row.status:
        findings.append(warning(
            "cbam-default-row-status", f"The table's row is '{row.status}': {row.notes}"))
    return _with(value, marked_up=marked, marked_up_source=source, findings=tuple(findings))


def _no_value(value: DefaultValue, row: DefaultRow) -> DefaultValue:
    """The country's row holds no number: a dash, a defective row, or a blank."""
    where = f"{_who(row.country)} and CN {value.cn_formatted}"
    if row.dash:
        reason = "the table prints a dash"
        message = (f"The default-value table prints a dash for {where}"
                   f"{' (route ' + reference.route_label(row.route) + ')' if row.route else ''}"
                   ": no default value applies to goods of this origin (IR (EU) 2025/2621 "
                   "Annex I); declare the supplier's verified actual embedded emissions.")
    elif row.notes:
        reason = "the row has no usable value"
        message = f"The default-value table's row for {where} has no usable value: {row.notes}."
    else:
        reason = "listed without a value"
        message = (f"The default-value table lists {where} without a value: no default value "
                   "applies; check the table against the Regulation.")
    return _with(value, no_default=reason,
                 findings=(*value.findings, error("cbam-default-no-value", message)))


def _marked_up(row: DefaultRow, year: int, pct: float) -> tuple[float | None, str]:
    """The published total with the year's mark-up, else total x (1 + mark-up)."""
    assert row.total is not None
    if year < PUBLISHED_YEARS[0]:
        return row.total, "computed" if pct else ""
    index = min(year, PUBLISHED_YEARS[-1]) - PUBLISHED_YEARS[0]
    published = row.published[index]
    if published is not None:
        return published, "published"
    return row.total * (1.0 + pct / 100.0), "computed"


def _with(base: DefaultValue, **changes: object) -> DefaultValue:
    return replace(base, **changes)


def _country_name(code: str) -> str:
    found = reference.countries().get(code)
    return f"{found.name} ({code})" if found else code
