"""The documented activity vocabulary and its default GHG Protocol / ISO 14064-1 classification.

Sources: GHG Protocol Corporate Standard (scopes), Scope 3 Standard (categories 1-15),
ISO 14064-1:2018 categories 1-6 with the approximate mapping of DOMAIN.md section 3.4.
The classification here is only the default: a factor row may set its own scope or Scope 3
category, and an activity row may override all three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActivityClass:
    scope: int
    scope3_category: int | None
    iso_category: int
    label: str


ACTIVITIES: dict[str, ActivityClass] = {
    "stationary_combustion": ActivityClass(1, None, 1, "Stationary combustion"),
    "mobile_combustion": ActivityClass(1, None, 1, "Mobile combustion"),
    "process": ActivityClass(1, None, 1, "Process emissions"),
    "fugitive": ActivityClass(1, None, 1, "Fugitive emissions (refrigerants, SF6, leaks)"),
    "purchased_electricity": ActivityClass(2, None, 2, "Purchased electricity"),
    "purchased_heat": ActivityClass(2, None, 2, "Purchased heat"),
    "purchased_steam": ActivityClass(2, None, 2, "Purchased steam"),
    "purchased_cooling": ActivityClass(2, None, 2, "Purchased cooling"),
    "purchased_goods": ActivityClass(3, 1, 4, "Purchased goods and services"),
    "capital_goods": ActivityClass(3, 2, 4, "Capital goods"),
    "fuel_energy_related": ActivityClass(3, 3, 4, "Fuel- and energy-related activities"),
    "upstream_transport": ActivityClass(3, 4, 3, "Upstream transportation and distribution"),
    "waste": ActivityClass(3, 5, 4, "Waste generated in operations"),
    "water": ActivityClass(3, 1, 4, "Water supply and treatment"),
    "business_travel": ActivityClass(3, 6, 3, "Business travel"),
    "employee_commuting": ActivityClass(3, 7, 3, "Employee commuting"),
    "upstream_leased_assets": ActivityClass(3, 8, 4, "Upstream leased assets"),
    "downstream_transport": ActivityClass(3, 9, 3, "Downstream transportation and distribution"),
    "processing_of_sold_products": ActivityClass(3, 10, 5, "Processing of sold products"),
    "use_of_sold_products": ActivityClass(3, 11, 5, "Use of sold products"),
    "end_of_life": ActivityClass(3, 12, 5, "End-of-life treatment of sold products"),
    "downstream_leased_assets": ActivityClass(3, 13, 5, "Downstream leased assets"),
    "franchises": ActivityClass(3, 14, 6, "Franchises"),
    "investments": ActivityClass(3, 15, 5, "Investments"),
}

# Scope 2 activities are the ones reported both location- and market-based.
SCOPE2_ACTIVITIES = frozenset(a for a, c in ACTIVITIES.items() if c.scope == 2)

# Spellings people write in spreadsheets, English and Chinese (Traditional and Simplified).
ACTIVITY_ALIASES: dict[str, str] = {
    "electricity": "purchased_electricity",
    "purchased electricity": "purchased_electricity",
    "外購電力": "purchased_electricity",
    "外购电力": "purchased_electricity",
    "電力": "purchased_electricity",
    "电力": "purchased_electricity",
    "用電": "purchased_electricity",
    "用电": "purchased_electricity",
    "固定燃燒": "stationary_combustion",
    "固定燃烧": "stationary_combustion",
    "移動燃燒": "mobile_combustion",
    "移动燃烧": "mobile_combustion",
    "逸散排放": "fugitive",
    "製程排放": "process",
    "过程排放": "process",
    "外購熱力": "purchased_heat",
    "外购热力": "purchased_heat",
    "外購蒸汽": "purchased_steam",
    "外购蒸汽": "purchased_steam",
    "採購商品": "purchased_goods",
    "采购商品": "purchased_goods",
    "上游運輸": "upstream_transport",
    "上游运输": "upstream_transport",
    "廢棄物": "waste",
    "废弃物": "waste",
    "用水": "water",
    "商務差旅": "business_travel",
    "商务差旅": "business_travel",
    "員工通勤": "employee_commuting",
    "员工通勤": "employee_commuting",
    "fuel_and_energy_related": "fuel_energy_related",
}

ITEM_ALIASES: dict[str, str] = {
    "柴油": "diesel",
    "汽油": "gasoline",
    "petrol": "gasoline",
    "液化石油氣": "lpg",
    "液化石油气": "lpg",
    "天然氣": "natural_gas",
    "天然气": "natural_gas",
    "煤氣": "towngas",
    "煤气": "towngas",
    "town gas": "towngas",
    "電網": "grid",
    "电网": "grid",
    "市電": "grid",
    "市电": "grid",
    "gas_diesel_oil": "diesel",
    "gas oil": "diesel",
    "煤油": "kerosene",
    "重油": "fuel_oil",
    "燃料油": "fuel_oil",
}

SECTORS = ("energy", "manufacturing", "commercial", "residential")

# Towngas, refrigerant and grid names differ only by punctuation in practice
# ("R-410A", "r410a", "R 410 A"), so matching compares a folded key.
_FOLD = re.compile(r"[\s_\-./()]+")


def fold(text: str) -> str:
    """Case-, width- and punctuation-insensitive key for vocabulary matching."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", text).strip().lower())


def build_lookup(canonical: list[str] | set[str], aliases: dict[str, str]) -> dict[str, str]:
    """Map folded spellings (canonical names and aliases) to canonical names."""
    table = {fold(name): name for name in canonical}
    for alias, target in aliases.items():
        table.setdefault(fold(alias), target)
    return table
