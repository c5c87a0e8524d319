"""What a result document says about one product, before the products sheet adds its facts.

`Basis` is the common ground of the two readers of result documents (`from_cbam.py`,
`from_inventory.py`) and of `footprint.py`, which turns a Basis and a sheet row into a
ProductFootprint.  The two findings every stage may raise live here too: an empty sheet cell
that a footprint needs, and a result document without a reporting period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carbonaudit.findings import Finding, Location, error
from carbonaudit.pact.products import ProductRow, ProductSheet


@dataclass
class Basis:
    """What the result document says about one product, before the sheet's facts are added."""

    per_unit: float              # kg CO2e per declared unit in the GHG totals (no biogenic CO2)
    biogenic_nonco2: float       # part of per_unit from biogenic CH4/N2O
    biogenic_co2: float | None   # biogenic CO2 per declared unit (outside totals); None unknown
    declared_unit: str
    amount: float
    mass_per_unit: float | None
    gwp: str | None
    start: dt.date
    end: dt.date                 # inclusive last day
    primary_share: float | None
    country: str | None
    company_name: str | None
    allocation_text: str


def missing_value(sheet: ProductSheet, row: ProductRow, column: str, what: str) -> Finding:
    """`pact-sheet-missing-value` at the cell of `column` (its row, when the column is absent)."""
    where = sheet.loc(row, column) if column in sheet.columns else sheet.loc(row, None)
    suffix = "" if column in sheet.columns else " (add the column)"
    return error("pact-sheet-missing-value", f"{column} is empty{suffix}: {what}.", where)



def document_period(period: dict | None, found: list[Finding]) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the result document's period, or a finding and None."""
    try:
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
    except (TypeError, KeyError, ValueError):
        found.append(error("pact-no-period", "The result document has no reporting period "
                           "(period.start and period.end); set it in the assessment.",
                           Location(pointer="/period")))
        return None
    return start, end

