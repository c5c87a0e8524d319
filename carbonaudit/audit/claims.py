"""The client's stated figures (the claims file): one row per claimed item, value and unit.

Columns `item`, `claimed`, `unit` (CSV or xlsx; header in the first 20 rows).  Items:
`total` (Scope 1 + Scope 2 location-based + Scope 3), `total_market` (the same with Scope 2
market-based), `scope_1`, `scope_2_location`, `scope_2_market`, `scope_3`,
`scope_3_category_N` (1-15) and `site:NAME`.  Units: `t CO2e` or `kg CO2e` (spelled out:
a bare `t` is refused, as everywhere in carbonaudit, rather than guessed).  Every problem is
a finding at its cell; a claim that cannot be read is not tested, and the run exits 1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.factors.vocab import fold
from carbonaudit.findings import Finding, Location, column_letter, error, warning

SCOPE_ITEMS = ("scope_1", "scope_2_location", "scope_2_market", "scope_3")
FIXED_ITEMS = ("total", "total_market", *SCOPE_ITEMS)
_HEADER_WINDOW = 20

# Folded spelling -> canonical item (the canonical names fold to themselves too).
_ITEM_SPELLINGS = {
    **{fold(i): i for i in FIXED_ITEMS},
    "scope1total": "scope_1", "scope2": "scope_2_location",
    "scope2locationbased": "scope_2_location", "scope2marketbased": "scope_2_market",
    "grandtotal": "total", "totallocationbased": "total", "totalmarketbased": "total_market",
    "總計": "total", "总计": "total", "範疇一": "scope_1", "范畴一": "scope_1",
    "範疇三": "scope_3", "范畴三": "scope_3",
}
_CATEGORY = re.compile(r"^scope3(?:category|cat)(\d{1,2})$")
_SITE = re.compile(r"^\s*site\s*[:：]\s*(.*?)\s*$", re.IGNORECASE)

# Folded unit -> kilograms per unit.
_UNITS = {
    **dict.fromkeys(("tco2e", "tco2eq", "tonneco2e", "tonnesco2e", "tonnesco2eq", "mtco2e",
                     "噸二氧化碳當量", "吨二氧化碳当量", "公噸二氧化碳當量", "公吨二氧化碳当量"),
                    1000.0),
    **dict.fromkeys(("kgco2e", "kgco2eq", "kilogramsco2e", "千克二氧化碳當量",
                     "千克二氧化碳当量", "公斤二氧化碳當量"), 1.0),
}
_COLUMNS = {
    "item": ("item", "claimed item", "項目", "项目"),
    "claimed": ("claimed", "claimed value", "reported", "stated", "value",
                "申報值", "申报值", "聲明值", "声明值"),
    "unit": ("unit", "units", "單位", "单位"),
}
_COLUMN_LOOKUP = {fold(s): name for name, spellings in _COLUMNS.items() for s in spellings}


@dataclass(frozen=True)
class Claim:
    """One claimed figure, in kg CO2e, with where it was written."""

    item: str                 # canonical: "total", "scope_3_category_4", "site:Dongguan factory"
    kind: str                 # the item without its key: "scope_3_category", "site", "total"...
    key: int | str | None     # the category number or the site name
    claimed_kg: float
    given: str                # the value and unit as written, for the report
    location: Location


@dataclass
class ClaimsFile:
    """What was read from a claims file: the claims, the findings, the file's identity."""

    path: str
    sha256: str
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def parse_item(text: str) -> tuple[str, str, int | str | None] | None:
    """(canonical item, kind, key) for an item as written, or None when it is not one."""
    site = _SITE.match(text)
    if site:
        name = site.group(1)
        return (f"site:{name}", "site", name) if name else None
    key = fold(text)
    if key in _ITEM_SPELLINGS:
        item = _ITEM_SPELLINGS[key]
        return item, item, None
    cat = _CATEGORY.match(key)
    if cat and 1 <= int(cat.group(1)) <= 15:
        n = int(cat.group(1))
        return f"scope_3_category_{n}", "scope_3_category", n
    return None


def unit_to_kg(text: str) -> float | None:
    """kg per claimed unit (`t CO2e` -> 1000), or None for anything else."""
    return _UNITS.get(fold(text))


def read_claims(path: str | Path, *, decimal_comma: bool = False) -> ClaimsFile:
    """Read a claims file (.csv or .xlsx); InputUnreadable when it cannot be read at all."""
    from carbonaudit.ingest.tables import file_sha256

    shown = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputUnreadable(shown, "no such file")
    with p.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK") or p.suffix.lower() in (".xlsx", ".xlsm"):
        sheet, rows = _xlsx_rows(p, shown)
    else:
        sheet, rows = p.name, _csv_rows(p, shown)
    out = ClaimsFile(shown, file_sha256(p))
    _read_rows(out, shown, sheet, rows, decimal_comma)
    return out


def _xlsx_rows(path: Path, shown: str) -> tuple[str, list[list]]:
    from carbonaudit.ingest import xlsx_safety

    xlsx_safety.check_workbook(path)
    import python_calamine

    try:
        book = python_calamine.load_workbook(str(path))
        names = list(book.sheet_names)
        # The template's sheet first; otherwise the first sheet with a claims header.
        order = sorted(names, key=lambda n: n.lower() != "claims")
        for name in order:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if _find_header(rows) is not None:
                return name, rows
    except Exception as exc:  # calamine has its own error type for every kind of damage
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    return (order[0] if names else ""), []


def _csv_rows(path: Path, shown: str) -> list[list]:
    from carbonaudit.ingest.encodings import hash_and_decode

    _, encoding, _ = hash_and_decode(path, shown, None)
    text = path.read_bytes().decode(encoding)
    first = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:_HEADER_WINDOW]):
        cols = {}
        for j, cell in enumerate(row):
            name = _COLUMN_LOOKUP.get(fold(str(cell))) if isinstance(cell, str) else None
            if name and name not in cols:
                cols[name] = j
        if "item" in cols and "claimed" in cols:
            return i, cols
    return None


def _read_rows(out: ClaimsFile, shown: str, sheet: str, rows: list[list],
               decimal_comma: bool) -> None:
    def loc(col: int, row: int) -> Location:
        return Location(shown, sheet, f"{column_letter(col)}{row + 1}")

    found = _find_header(rows)
    if found is None:
        out.findings.append(error(
            "claims-no-header",
            f"No header with 'item' and 'claimed' columns in the first {_HEADER_WINDOW} rows; "
            "write one (carbonaudit template claims -o FILE gives a filled-in example).",
            Location(shown, sheet, "A1")))
        return
    header, cols = found
    if "unit" not in cols:
        out.findings.append(error(
            "claims-missing-column",
            "The claims have no 'unit' column; say for every figure whether it is t CO2e or "
            "kg CO2e.", loc(cols["claimed"], header)))
        return
    seen: dict[str, Location] = {}
    for r in range(header + 1, len(rows)):
        row = rows[r]

        def cell(name: str, row=row) -> object:
            j = cols[name]
            return row[j] if j < len(row) else ""

        item_text, value, unit = (str(cell("item")).strip(), cell("claimed"),
                                  str(cell("unit")).strip())
        if not item_text and _blank(value) and not unit:
            continue
        if item_text and _blank(value):  # a template row left unfilled: said, not guessed
            out.findings.append(warning(
                "claims-blank", f"{item_text} has no claimed value; it is not tested.",
                loc(cols["claimed"], r)))
            continue
        claim = _claim(out, item_text, value, unit, r, cols, loc, decimal_comma)
        if claim is None:
            continue
        if claim.item in seen:
            out.findings.append(error(
                "claims-duplicate-item",
                f"{claim.item} is claimed again (first at {seen[claim.item]}); this row is not "
                "tested — keep one figure per item.", claim.location))
            continue
        seen[claim.item] = claim.location
        out.claims.append(claim)
    if not out.claims:
        out.findings.append(error("claims-empty", "The claims file states no figure to verify.",
                                  loc(cols["item"], header)))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == ""


def _claim(out, item_text, value, unit, r, cols, loc, decimal_comma) -> Claim | None:
    parsed = parse_item(item_text)
    if parsed is None:
        out.findings.append(error(
            "claims-unknown-item",
            f"Item {item_text!r} is not one of total, total_market, scope_1, scope_2_location, "
            "scope_2_market, scope_3, scope_3_category_N (1-15) or site:NAME.",
            loc(cols["item"], r)))
        return None
    number = parse_number(value, decimal_comma)
    if number is None:
        out.findings.append(error(
            "claims-not-a-number",
            f"The claimed value {value!r} of {parsed[0]} is not a plain number (1,234.5).",
            loc(cols["claimed"], r)))
        return None
    per = unit_to_kg(unit)
    if per is None:
        out.findings.append(error(
            "claims-unknown-unit",
            f"Unit {unit!r} of {parsed[0]} is not 't CO2e' or 'kg CO2e'.", loc(cols["unit"], r)))
        return None
    item, kind, key = parsed
    return Claim(item, kind, key, number * per, f"{value} {unit}", loc(cols["claimed"], r))


def parse_number(value: object, decimal_comma: bool = False) -> float | None:
    """A number cell, or text under the same strict rules as quantities (1,234.5); None for
    anything else, blanks included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value else None
    if value is None or not str(value).strip():
        return None
    import pandas as pd

    from carbonaudit.ingest.numbers import parse_quantities

    q = parse_quantities(pd.Series([str(value).strip()], dtype=object),
                         decimal_comma=decimal_comma)
    if q.problem[0] is not None or q.unit_text[0] is not None:
        return None
    return float(q.value[0])
