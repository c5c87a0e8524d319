"""What the blank workbooks offer: their languages and the dropdown lists (items, units,
regions) drawn from the factor files that ship with the package."""

from __future__ import annotations

import csv
from pathlib import Path

from carbonaudit.errors import UsageError
from carbonaudit.factors.vocab import ITEM_ALIASES

LANGS = ("en", "zh-Hant", "zh-Hans")

FACTOR_DATA_DIR = Path(__file__).parent.parent / "factors" / "data"

# Auxiliary tables beside the factor sets: they have no activity/item/unit rows to offer.
_NON_FACTOR_FILES = frozenset({"fuel_properties.csv", "refrigerant_blends.csv",
                               "gwp_supplement.csv"})

# Always offered even before any factor file ships, so the dropdowns are never empty.
# Spellings follow the closed unit vocabulary of STACK.md (no bare `m3`).
_BASE_UNITS = ("kWh", "MWh", "GJ", "TJ", "MJ", "L", "kg", "t", "Nm3", "towngas_unit",
               "tonne_km", "passenger_km", "km")
_BASE_REGIONS = ("HK-CLP", "HK-HKE", "CN", "CN-South", "GB", "US", "GLOBAL")


def check_lang(lang: str) -> None:
    """Refuse a language the workbooks are not written in (a usage error)."""
    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")


def _factor_files(data_dir: Path) -> list[Path]:
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.glob("*.csv") if p.name not in _NON_FACTOR_FILES)


def factor_vocabulary(data_dir: Path = FACTOR_DATA_DIR) -> dict[str, list[str]]:
    """Distinct item, unit and region values offered by the shipped factor files.

    The base units/regions and the canonical item names of the alias table are added so the
    dropdowns are useful even when a factor file is missing.  Values are sorted so the
    template is the same on every machine.
    """
    items = set(ITEM_ALIASES.values())
    units = set(_BASE_UNITS)
    regions = set(_BASE_REGIONS)
    for file in _factor_files(data_dir):
        with file.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _add(items, row.get("item"))
                _add(units, row.get("unit"))
                _add(regions, row.get("region"))
    return {"item": sorted(items, key=str.lower), "unit": sorted(units, key=str.lower),
            "region": sorted(regions, key=str.lower)}


def _add(bucket: set[str], value: str | None) -> None:
    # Wildcard or blank cells in factor files mean "any", not a value a user should pick.
    if value and value.strip() and value.strip() not in {"*", "any"}:
        bucket.add(value.strip())
