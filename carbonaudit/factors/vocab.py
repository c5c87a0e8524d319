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
    # Hong Kong Towngas production upstream of the customer: Scope 3 category 3 under the GHG
    # Protocol; the HK EPD/EMSD guidelines count it in Scope 2 (inventory.standards.hk_epd).
    "purchased_towngas": ActivityClass(3, 3, 4, "Purchased Towngas (upstream production)"),
    # Energy sold to others: deducted under GB/T 32150 only (inventory.standards.gbt32150).
    "exported_electricity": ActivityClass(2, None, 2, "Exported electricity"),
    "exported_heat": ActivityClass(2, None, 2, "Exported heat"),
}

# Activities whose amount is taken off the total by the standards that deduct them.
EXPORTED_ACTIVITIES = frozenset({"exported_electricity", "exported_heat"})

# Scope 2 activities are the ones reported both location- and market-based.
SCOPE2_ACTIVITIES = frozenset(a for a, c in ACTIVITIES.items()
                              if c.scope == 2 and a not in EXPORTED_ACTIVITIES)

# Spellings people write in spreadsheets, English and Chinese (Traditional and Simplified).
ACTIVITY_ALIASES: dict[str, str] = {
    "electricity": "purchased_electricity",
    "purchased electricity": "purchased_electricity",
    "外購電力": "purchased_electricity",
    "外购电力": "purchased_electricity",
    "外購電": "purchased_electricity",
    "外购电": "purchased_electricity",
    "電力": "purchased_electricity",
    "电力": "purchased_electricity",
    "用電": "purchased_electricity",
    "用电": "purchased_electricity",
    "電": "purchased_electricity",
    "电": "purchased_electricity",
    "耗電": "purchased_electricity",
    "耗电": "purchased_electricity",
    "電費": "purchased_electricity",
    "电费": "purchased_electricity",
    "固定燃燒": "stationary_combustion",
    "固定燃烧": "stationary_combustion",
    "固定源燃燒": "stationary_combustion",
    "固定源燃烧": "stationary_combustion",
    "燃料燃燒": "stationary_combustion",
    "燃料燃烧": "stationary_combustion",
    "移動燃燒": "mobile_combustion",
    "移动燃烧": "mobile_combustion",
    "移動源燃燒": "mobile_combustion",
    "移动源燃烧": "mobile_combustion",
    "車輛": "mobile_combustion",
    "车辆": "mobile_combustion",
    "逸散": "fugitive",
    "逸散排放": "fugitive",
    "冷媒": "fugitive",
    "雪種": "fugitive",
    "制冷劑": "fugitive",
    "製冷劑": "fugitive",
    "制冷剂": "fugitive",
    "製程排放": "process",
    "过程排放": "process",
    "過程排放": "process",
    "工業過程": "process",
    "工业过程": "process",
    "外購熱力": "purchased_heat",
    "外购热力": "purchased_heat",
    "熱力": "purchased_heat",
    "热力": "purchased_heat",
    "外購蒸汽": "purchased_steam",
    "外购蒸汽": "purchased_steam",
    "蒸汽": "purchased_steam",
    "輸出電力": "exported_electricity",
    "输出电力": "exported_electricity",
    "外供電力": "exported_electricity",
    "外供电力": "exported_electricity",
    "上網電量": "exported_electricity",
    "上网电量": "exported_electricity",
    "輸出熱力": "exported_heat",
    "输出热力": "exported_heat",
    "外供熱力": "exported_heat",
    "外供热力": "exported_heat",
    "採購商品": "purchased_goods",
    "采购商品": "purchased_goods",
    "上游運輸": "upstream_transport",
    "上游运输": "upstream_transport",
    "廢棄物": "waste",
    "废弃物": "waste",
    "用水": "water",
    "水": "water",
    "食水": "water",
    "自來水": "water",
    "自来水": "water",
    "污水": "water",
    "排污": "water",
    "商務差旅": "business_travel",
    "商务差旅": "business_travel",
    "商務旅行": "business_travel",
    "商务旅行": "business_travel",
    "員工通勤": "employee_commuting",
    "员工通勤": "employee_commuting",
    "fuel_and_energy_related": "fuel_energy_related",
    # A fuel or product named where the activity goes (a Hong Kong SME sheet's 類別 column):
    # the activity it most often is; the item is implied too, see IMPLIED_ITEMS.
    "柴油": "stationary_combustion",
    "diesel": "stationary_combustion",
    "汽油": "mobile_combustion",
    "無鉛汽油": "mobile_combustion",
    "无铅汽油": "mobile_combustion",
    "petrol": "mobile_combustion",
    "gasoline": "mobile_combustion",
    "煤氣": "stationary_combustion",
    "煤气": "stationary_combustion",
    "towngas": "stationary_combustion",
    "town gas": "stationary_combustion",
    "石油氣": "stationary_combustion",
    "石油气": "stationary_combustion",
    "液化石油氣": "stationary_combustion",
    "液化石油气": "stationary_combustion",
    "lpg": "stationary_combustion",
    "天然氣": "stationary_combustion",
    "天然气": "stationary_combustion",
    "natural gas": "stationary_combustion",
    "煤油": "stationary_combustion",
    "燃料油": "stationary_combustion",
    "重油": "stationary_combustion",
    "原煤": "stationary_combustion",
    "煙煤": "stationary_combustion",
    "烟煤": "stationary_combustion",
    "無煙煤": "stationary_combustion",
    "无烟煤": "stationary_combustion",
    "焦炭": "stationary_combustion",
    "紙": "purchased_goods",
    "纸": "purchased_goods",
    "紙張": "purchased_goods",
    "纸张": "purchased_goods",
    "廢紙": "waste",
    "废纸": "waste",
}

# The item a fuel- or product-named activity implies when the row names no item.
IMPLIED_ITEMS: dict[str, str] = {
    "電力": "grid", "电力": "grid", "用電": "grid", "用电": "grid", "外購電力": "grid",
    "外购电力": "grid", "外購電": "grid", "外购电": "grid", "電": "grid", "电": "grid",
    "耗電": "grid", "耗电": "grid", "電費": "grid", "电费": "grid", "electricity": "grid",
    "purchased electricity": "grid", "purchased_electricity": "grid",
    "輸出電力": "grid", "输出电力": "grid", "外供電力": "grid", "外供电力": "grid",
    "上網電量": "grid", "上网电量": "grid", "exported_electricity": "grid",
    "熱力": "heat", "热力": "heat", "外購熱力": "heat", "外购热力": "heat",
    "輸出熱力": "heat", "输出热力": "heat", "外供熱力": "heat", "外供热力": "heat",
    "exported_heat": "heat", "蒸汽": "steam", "外購蒸汽": "steam", "外购蒸汽": "steam",
    "柴油": "diesel", "diesel": "diesel",
    "汽油": "gasoline", "無鉛汽油": "gasoline", "无铅汽油": "gasoline", "petrol": "gasoline",
    "gasoline": "gasoline",
    "煤氣": "towngas", "煤气": "towngas", "towngas": "towngas", "town gas": "towngas",
    "石油氣": "lpg", "石油气": "lpg", "液化石油氣": "lpg", "液化石油气": "lpg", "lpg": "lpg",
    "天然氣": "natural_gas", "天然气": "natural_gas", "natural gas": "natural_gas",
    "煤油": "kerosene", "燃料油": "fuel_oil", "重油": "fuel_oil", "原煤": "raw_coal",
    "煙煤": "coal_bituminous", "烟煤": "coal_bituminous", "無煙煤": "anthracite",
    "无烟煤": "anthracite", "焦炭": "coke",
    "水": "water_supply", "用水": "water_supply", "食水": "water_supply",
    "自來水": "water_supply", "自来水": "water_supply", "污水": "water_treatment",
    "排污": "water_treatment",
    "紙": "paper", "纸": "paper", "紙張": "paper", "纸张": "paper",
    "廢紙": "paper_landfill", "废纸": "paper_landfill",
}

ITEM_ALIASES: dict[str, str] = {
    "柴油": "diesel",
    "汽油": "gasoline",
    "無鉛汽油": "gasoline",
    "无铅汽油": "gasoline",
    "petrol": "gasoline",
    "液化石油氣": "lpg",
    "液化石油气": "lpg",
    "石油氣": "lpg",
    "石油气": "lpg",
    "天然氣": "natural_gas",
    "天然气": "natural_gas",
    "管道天然氣": "natural_gas",
    "管道天然气": "natural_gas",
    "液化天然氣": "lng",
    "液化天然气": "lng",
    "壓縮天然氣": "cng",
    "压缩天然气": "cng",
    "煤氣": "towngas",
    "煤气": "towngas",
    "town gas": "towngas",
    "電網": "grid",
    "电网": "grid",
    "市電": "grid",
    "市电": "grid",
    "電力": "grid",
    "电力": "grid",
    "電網電力": "grid",
    "电网电力": "grid",
    "gas_diesel_oil": "diesel",
    "gas oil": "diesel",
    "煤油": "kerosene",
    "一般煤油": "kerosene",
    "噴氣煤油": "jet_kerosene",
    "喷气煤油": "jet_kerosene",
    "航空煤油": "jet_kerosene",
    "航煤": "jet_kerosene",
    "重油": "fuel_oil",
    "燃料油": "fuel_oil",
    "原煤": "raw_coal",
    "煙煤": "coal_bituminous",
    "烟煤": "coal_bituminous",
    "bituminous coal": "coal_bituminous",
    "無煙煤": "anthracite",
    "无烟煤": "anthracite",
    "褐煤": "lignite",
    "洗精煤": "washed_coal",
    "其它洗煤": "other_washed_coal",
    "其他洗煤": "other_washed_coal",
    "型煤": "briquettes",
    "焦炭": "coke",
    "原油": "crude_oil",
    "石腦油": "naphtha",
    "石脑油": "naphtha",
    "石油焦": "petroleum_coke",
    "其它石油製品": "other_oil_products",
    "其它石油制品": "other_oil_products",
    "其他石油制品": "other_oil_products",
    "焦油": "tar",
    "粗苯": "crude_benzol",
    "煉廠乾氣": "refinery_gas",
    "炼厂干气": "refinery_gas",
    "焦爐煤氣": "coke_oven_gas",
    "焦炉煤气": "coke_oven_gas",
    "高爐煤氣": "blast_furnace_gas",
    "高炉煤气": "blast_furnace_gas",
    "轉爐煤氣": "converter_gas",
    "转炉煤气": "converter_gas",
    "密閉電石爐爐氣": "carbide_furnace_gas",
    "密闭电石炉炉气": "carbide_furnace_gas",
    "其它煤氣": "other_gas",
    "其它煤气": "other_gas",
    "其他煤气": "other_gas",
    "熱力": "heat",
    "热力": "heat",
    "熱水": "heat",
    "热水": "heat",
    "蒸汽": "steam",
    "水": "water_supply",
    "自來水": "water_supply",
    "自来水": "water_supply",
    "食水": "water_supply",
    "污水": "water_treatment",
    "紙": "paper",
    "纸": "paper",
    "紙張": "paper",
    "纸张": "paper",
    "廢紙": "paper_landfill",
    "废纸": "paper_landfill",
    "鋼材": "steel",
    "钢材": "steel",
    "鋼": "steel",
    "钢": "steel",
}

# Gases whose volume a bill gives in plain m³ at the reference conditions of the heating
# values used (see volume_reading).
GAS_ITEMS = frozenset({
    "natural_gas", "cng", "coke_oven_gas", "blast_furnace_gas", "converter_gas",
    "carbide_furnace_gas", "other_gas", "biogas",
})

# Towngas is billed in "units" of 48 MJ; on a Towngas row these words can only mean that.
TOWNGAS_UNIT_WORDS = frozenset({"unit", "units", "單位", "单位", "煤氣單位", "煤气单位"})

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


def implied_item(activity_text: str) -> str | None:
    """The item a fuel- or product-named activity (`柴油`, `電力`) implies, or None."""
    return _IMPLIED.get(fold(activity_text)) if activity_text else None


_IMPLIED = {fold(k): v for k, v in IMPLIED_ITEMS.items()}
_TOWNGAS_WORDS = {fold(w) for w in TOWNGAS_UNIT_WORDS}


def item_unit(unit_text: str, item: str, unit_expr: str | None) -> tuple[str, str] | None:
    """A unit whose meaning depends on the item: (pint expression, why) or None.

    `units`/`單位` on a Towngas row is the Towngas unit of 48 MJ; a plain m³ of a fuel gas
    is read at the normal reference conditions (Nm³) that the heating values are given for.
    """
    if item == "towngas" and fold(unit_text) in _TOWNGAS_WORDS:
        return "towngas_unit", "towngas-unit"
    if item in GAS_ITEMS and unit_expr in ("m**3", "wan_m3"):
        return ("Nm3" if unit_expr == "m**3" else "wan_Nm3"), "gas-volume-normal"
    return None
