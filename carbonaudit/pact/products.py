"""Read the products sheet that `carbonaudit pact export` needs next to a result document.

One row per product: its ids (URNs), names, classification, the site or CN code it comes
from, how the site's emissions are allocated to it, its declared unit, and the facts about
the product that no inventory or CBAM result can know (carbon content, standards used,
exemptions, data-quality ratings...).  This module only reads and types the cells; which
columns are required depends on the input and the PACT version, so the readers of result
documents (`from_cbam.py`, `from_inventory.py`) and `footprint.py` decide and report missing
values at the cell where they belong.

Header row: the first of the first 30 non-empty rows with a `product_id` cell.  Header texts
are matched case-insensitively with spaces, hyphens and units in brackets ignored
(`Mass (kg)` does not match `mass_kg`; write `mass_kg`).  Finding codes:
`pact-sheet-no-header`, `pact-sheet-unknown-column`, `pact-sheet-duplicate-column`,
`pact-sheet-not-a-number`, `pact-sheet-not-a-date`, `pact-sheet-not-yes-no`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, column_letter, error, info
from carbonaudit.ingest import xlsx_safety
from carbonaudit.ingest.numbers import cell_problem_message, parse_dates, parse_quantities

TEXT = ("product_id", "product_name", "product_description", "company_name", "company_ids",
        "cpc_code", "classification_ids", "site", "cn_code", "cbam_product", "allocation",
        "declared_unit", "cross_sectoral_standards", "boundary_processes_description",
        "exempted_emissions_description", "geography_country", "geography_region",
        "geography_subdivision", "scope2_basis", "ipcc_characterization_factors", "comment",
        "allocation_description")
NUMBER = ("mass_kg", "economic_value", "share_pct", "production_quantity",
          "declared_unit_amount", "product_mass_per_declared_unit", "fossil_carbon_content",
          "biogenic_carbon_content", "exempted_emissions_percent", "primary_data_share",
          "dqi_coverage_pct", "dqr_technological", "dqr_temporal", "dqr_geographical",
          "dqr_completeness", "dqr_reliability", "aircraft_kgco2e", "biogenic_co2_uptake",
          "version")
DATE = ("period_start", "period_end")
BOOL = ("packaging_included", "include_scope3")
COLUMNS = TEXT + NUMBER + DATE + BOOL
_YES = {"yes", "y", "true", "1", "是", "x"}
_NO = {"no", "n", "false", "0", "否"}
HEADER_WINDOW = 30


@dataclass
class ProductRow:
    """One product: typed values by column name (absent or blank cells are missing)."""

    row: int
    values: dict[str, object]

    def get(self, name: str, default=None):
        value = self.values.get(name)
        return default if value is None or value == "" else value

    def list(self, name: str) -> list[str]:
        """A cell holding several entries separated by ';', ',' or new lines."""
        text = self.get(name)
        if text is None:
            return []
        return [p.strip() for p in re.split(r"[;,\n]", str(text)) if p.strip()]


@dataclass
class ProductSheet:
    """Every product row, plus where each column is, so findings can name cells."""

    file: str | None
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    rows: list[ProductRow] = field(default_factory=list)
    sha256: str | None = None

    def loc(self, row: ProductRow | None, name: str | None = None) -> Location:
        """The cell of `name` in `row` (or its header cell, or the row's first cell)."""
        letter = self.columns.get(name or "", "A")
        number = row.row if row is not None else self.header_row
        return Location(file=self.file, sheet=self.sheet, cell=f"{letter}{number}")


def products_from_records(records: list[dict], file: str | None = None) -> ProductSheet:
    """A ProductSheet built in code (tests, library callers): row n+2 under a header in row 1."""
    names = list(dict.fromkeys(k for r in records for k in r))
    columns = {n: column_letter(i) for i, n in enumerate(names)}
    rows = [ProductRow(i + 2, dict(r)) for i, r in enumerate(records)]
    return ProductSheet(file, "Products", 1, columns, rows)


def read_products(path: str | Path, sheet: str | None = None) -> tuple[ProductSheet, list[Finding]]:
    """Read and type the products sheet (.xlsx or .csv); raise InputUnreadable if unreadable."""
    shown = str(path)
    path = Path(path)
    if not path.is_file():
        raise InputUnreadable(shown, "no such file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if path.suffix.lower() in {".csv", ".txt"}:
        name, grid = path.name, _csv_rows(path, shown)
    else:
        name, grid = _workbook_rows(path, shown, sheet)
    result, found = _typed_sheet(grid, shown, name)
    result.sha256 = digest
    return result, found


def _csv_rows(path: Path, shown: str) -> list[list[object]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputUnreadable(shown, "the file is not UTF-8 text; save it as UTF-8") from None
    return [list(r) for r in csv.reader(text.splitlines())]


def _workbook_rows(path: Path, shown: str, sheet: str | None) -> tuple[str, list[list[object]]]:
    xlsx_safety.check_workbook(path)
    import python_calamine  # heavy: only when a workbook is read

    try:
        wb = python_calamine.load_workbook(str(path))
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine has its own error types for every kind of damage
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc
    if sheet is not None and sheet not in names:
        raise UsageError(f"{shown} has no sheet named '{sheet}'; its sheets are: "
                         f"{', '.join(names)}")
    # Prefer the named sheet, then one called "Products", then the first with a header.
    order = [sheet] if sheet else sorted(names, key=lambda n: n.lower() != "products")
    grids = {}
    for name in order:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if _header_index(grid) is not None:
            return name, grid
        grids[name] = grid
    return order[0], grids[order[0]]


def _norm(cell: object) -> str:
    text = re.sub(r"\(.*?\)", "", str(cell or "")).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _header_index(grid: list[list[object]]) -> int | None:
    seen = 0
    for i, cells in enumerate(grid):
        if not any(c not in (None, "") for c in cells):
            continue
        if any(_norm(c) == "product_id" for c in cells):
            return i
        seen += 1
        if seen == HEADER_WINDOW:
            break
    return None


def _typed_sheet(grid: list[list[object]], file: str, name: str,
                 ) -> tuple[ProductSheet, list[Finding]]:
    head = _header_index(grid)
    if head is None:
        return ProductSheet(file, name, 1, {}), [error(
            "pact-sheet-no-header", "No header row with a product_id column in the first 30 "
            "rows; add one (see carbonaudit/pact/SPEC.md for the columns).",
            Location(file=file, sheet=name, cell="A1"))]
    columns, found = _columns(grid[head], file, name, head + 1)
    sheet = ProductSheet(file, name, head + 1, {n: column_letter(i) for n, i in columns.items()})
    body = [(head + 2 + k, cells) for k, cells in enumerate(grid[head + 1:])
            if any(c not in (None, "") for c in cells)]
    raw = {n: pd.Series([_cell(cells, i) for _, cells in body], dtype=object)
           for n, i in columns.items()}
    typed = {n: _typed_column(n, raw[n], [r for r, _ in body], sheet, found) for n in columns}
    sheet.rows = [ProductRow(r, {n: typed[n][k] for n in columns}) for k, (r, _) in
                  enumerate(body)]
    return sheet, found


def _cell(cells: list[object], i: int) -> object:
    value = cells[i] if i < len(cells) else None
    return None if value == "" else value


def _columns(header: list[object], file: str, sheet: str, row: int,
             ) -> tuple[dict[str, int], list[Finding]]:
    columns: dict[str, int] = {}
    found: list[Finding] = []
    unknown = []
    for i, cell in enumerate(header):
        key = _norm(cell)
        if not key:
            continue
        where = Location(file=file, sheet=sheet, cell=f"{column_letter(i)}{row}")
        if key not in COLUMNS:
            unknown.append((where, str(cell)))
        elif key in columns:
            found.append(error("pact-sheet-duplicate-column", f"Column {column_letter(i)} "
                               f"repeats {key} (first in column {column_letter(columns[key])}); "
                               "it is ignored.", where))
        else:
            columns[key] = i
    if unknown:
        names = ", ".join(f"'{t}'" for _, t in unknown)
        found.append(info("pact-sheet-unknown-column", f"These columns are not used: {names}.",
                          unknown[0][0]))
    return columns, found


def _typed_column(name: str, values: pd.Series, rows: list[int], sheet: ProductSheet,
                  found: list[Finding]) -> list[object]:
    letter = sheet.columns[name]

    def at(k: int) -> Location:
        return Location(file=sheet.file, sheet=sheet.sheet, cell=f"{letter}{rows[k]}")

    present = values.notna().to_numpy()
    if name in NUMBER:
        parsed = parse_quantities(values)
        out: list[object] = []
        for k, ok in enumerate(present):
            problem = parsed.problem[k] if ok else None
            if problem is None and ok and parsed.unit_text[k] is not None:
                problem = "not-a-number"  # units belong in the header, not in the cell
            if problem is not None:
                found.append(error("pact-sheet-not-a-number",
                                   cell_problem_message(problem, values.iloc[k]), at(k)))
            out.append(float(parsed.value[k]) if ok and problem is None else None)
        return out
    if name in DATE:
        parsed = parse_dates(values)
        out = []
        for k, ok in enumerate(present):
            problem = parsed.problem[k] if ok else None
            if problem is not None:
                found.append(error("pact-sheet-not-a-date",
                                   cell_problem_message(problem, values.iloc[k]), at(k)))
            # A month or year cell covers a span: a start takes its first day, an end its last.
            stamp = parsed.start[k] if name == "period_start" else parsed.end[k]
            out.append(pd.Timestamp(stamp).date() if ok and problem is None else None)
        return out
    if name in BOOL:
        return [_yes_no(v, at(k), found) if ok else None for k, (v, ok) in
                enumerate(zip(values, present, strict=True))]
    return [_text(v) if ok else None for v, ok in zip(values, present, strict=True)]


def _text(value: object) -> str:
    # Codes typed into number cells (CPC 41532) come back as 41532.0: keep them as written.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _yes_no(value: object, where: Location, found: list[Finding]) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    found.append(error("pact-sheet-not-yes-no", f"'{value}' is not yes or no.", where))
    return None
