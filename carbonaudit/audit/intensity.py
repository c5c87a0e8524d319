"""Emission intensities: kg CO2e per unit of revenue, floor area, headcount or production.

The denominators come from the `[intensity]` table of carbonaudit.toml:

    [intensity]
    revenue = 250000000          # in revenue_currency, for the reporting period
    revenue_currency = "HKD"     # ISO 4217 code, required with revenue
    floor_area_m2 = 1200
    headcount = 85               # people (or FTE) in the boundary
    production_t = 14500         # tonnes of product

Revenue intensities are per million of the currency, the form HKEX and HK EPD readers
quote; the others are per m², per person and per tonne.  Every value is checked when the
config is read (a typo would change a reported ratio), so a bad one is a UsageError.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from carbonaudit.errors import UsageError

KEYS = ("revenue", "revenue_currency", "floor_area_m2", "headcount", "production_t")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# metric -> (config key, unit shown, divisor applied to the configured value)
METRICS = {
    "revenue": ("revenue", "million {currency}", 1e6),
    "floor_area": ("floor_area_m2", "m2", 1.0),
    "headcount": ("headcount", "person", 1.0),
    "production": ("production_t", "t", 1.0),
}
# Totals of the document they are computed for (keys of totals_kgco2e, or sums of them).
BASES = {
    "scope_1": ("scope_1",),
    "scope_2_location": ("scope_2_location",),
    "scope_2_market": ("scope_2_market",),
    "scope_3": ("scope_3",),
    "scopes_1_2_location": ("scope_1", "scope_2_location"),
    "scopes_1_2_market": ("scope_1", "scope_2_market"),
    "scopes_1_2_3_location": ("scope_1", "scope_2_location", "scope_3"),
}


@dataclass(frozen=True, slots=True)
class Denominators:
    """The `[intensity]` table, checked; None where a denominator is not given."""

    revenue: float | None = None
    revenue_currency: str | None = None
    floor_area_m2: float | None = None
    headcount: float | None = None
    production_t: float | None = None


def parse_intensity(table) -> Denominators | None:
    """Check an `[intensity]` table (a dict, or None when absent)."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError("config key 'intensity' must be a table ([intensity])")
    for key in table:
        if key not in KEYS:
            raise UsageError(f"unknown config key intensity.{key}; expected one of "
                             f"{', '.join(KEYS)}")
    values = {k: _positive(table, k) for k in KEYS if k != "revenue_currency"}
    currency = table.get("revenue_currency")
    if currency is not None:
        if not isinstance(currency, str) or not _CURRENCY.match(currency.strip().upper()):
            raise UsageError(f"intensity.revenue_currency = {currency!r} is not a three-letter "
                             "ISO 4217 code such as HKD, CNY, USD or EUR")
        currency = currency.strip().upper()
    if (values["revenue"] is None) != (currency is None):
        raise UsageError("intensity.revenue and intensity.revenue_currency must be given "
                         "together (a revenue without its currency cannot be compared)")
    return Denominators(revenue_currency=currency, **values)


def _positive(table: dict, key: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value) or value <= 0:
        raise UsageError(f"intensity.{key} = {value!r} must be a positive number")
    return float(value)


def intensity_section(denominators: Denominators | None, totals: dict) -> dict | None:
    """The `intensity` section of inventory.json, or None when no denominator is given.

    `totals` is the document's totals_kgco2e.
    """
    if denominators is None:
        return None
    metrics = []
    for metric, (key, unit, divisor) in METRICS.items():
        value = getattr(denominators, key)
        if value is None:
            continue
        per = value / divisor
        shown = unit.format(currency=denominators.revenue_currency)
        metrics.append({
            "metric": metric,
            "denominator": per,
            "denominator_unit": shown,
            "as_configured": {"key": f"intensity.{key}", "value": value},
            "kgco2e_per_unit": {name: sum(float(totals.get(k, 0.0)) for k in parts) / per
                                for name, parts in BASES.items()},
        })
    if not metrics:
        return None
    return {"basis": "the document's totals_kgco2e divided by the [intensity] denominators "
                     "of carbonaudit.toml for the same reporting period",
            "metrics": metrics}
