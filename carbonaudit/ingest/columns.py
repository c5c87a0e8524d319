"""Canonical activity-row columns and the header spellings people actually use.

A header cell is matched after folding (case, full/half width, whitespace and light
punctuation are ignored, see `carbonaudit.vocab.fold`), so `Period Start`, `period_start`
and `ＰＥＲＩＯＤ－ＳＴＡＲＴ` all land on the same column.  Aliases cover English and both
Traditional and Simplified Chinese because the users' spreadsheets come from Hong Kong, the
Greater Bay Area and the Mainland.
"""

from __future__ import annotations

import re
import unicodedata

from carbonaudit.factors.vocab import fold

CANONICAL: tuple[str, ...] = (
    "activity", "item", "quantity", "unit", "site", "period_start", "period_end", "year",
    "region", "sector", "factor_id", "supplier_factor", "supplier_factor_unit", "scope",
    "scope3_category", "iso_category", "reference", "description", "claimed_kgco2e",
    "supplier", "data_origin", "ad_uncertainty_pct", "ef_uncertainty_pct",
)

REQUIRED: tuple[str, ...] = ("activity", "quantity")

# Canonical name -> extra spellings.  The canonical name itself always matches.
ALIASES: dict[str, tuple[str, ...]] = {
    "activity": (
        "activity type", "activity category", "source category", "emission source",
        "活動", "活动", "活動類型", "活动类型", "活動類別", "活动类别",
        "排放源類別", "排放源类别", "排放源", "排放類別", "排放类别",
        "類別", "类别", "類型", "类型", "排放活動", "排放活动", "能源類別", "能源类别",
        "category", "type",
    ),
    "item": (
        "fuel", "material", "fuel type", "material type", "refrigerant", "energy type",
        "項目", "项目", "燃料", "物料", "燃料類型", "燃料类型", "能源種類", "能源种类",
        "材料", "冷媒",
    ),
    "quantity": (
        "qty", "amount", "consumption", "usage", "value", "activity data", "activity amount",
        "數量", "数量", "用量", "消耗量", "使用量", "活動數據", "活动数据",
    ),
    "unit": (
        "units", "uom", "unit of measure", "quantity unit", "單位", "单位", "計量單位", "计量单位",
    ),
    "site": (
        "location", "facility", "plant", "building", "site name",
        "地點", "地点", "場所", "场所", "廠區", "厂区", "工廠", "工厂", "設施", "设施",
    ),
    "period_start": (
        "start date", "start", "from", "date", "period from", "begin date",
        "開始日期", "开始日期", "日期", "起始日期", "期間開始", "期间开始",
    ),
    "period_end": (
        "end date", "end", "to", "period to", "until",
        "結束日期", "结束日期", "終止日期", "终止日期", "期間結束", "期间结束",
    ),
    "year": ("reporting year", "fiscal year", "年份", "年度", "報告年度", "报告年度"),
    "region": (
        "grid region", "grid", "country", "country region", "地區", "地区", "電網", "电网",
        "國家", "国家", "區域", "区域",
    ),
    "sector": ("industry", "行業", "行业", "部門", "部门"),
    "factor_id": (
        "factor", "ef id", "emission factor id", "factor code", "ef",
        "排放因子編號", "排放因子编号", "排放因子", "因子編號", "因子编号",
    ),
    "supplier_factor": (
        "market factor", "contractual factor", "supplier ef", "market based factor",
        "供應商因子", "供应商因子", "供應商排放因子", "供应商排放因子",
    ),
    "supplier_factor_unit": (
        "market factor unit", "contractual factor unit", "supplier ef unit",
        "供應商因子單位", "供应商因子单位",
    ),
    "scope": ("ghg scope", "範疇", "范畴", "範圍", "范围"),
    "scope3_category": (
        "scope 3 category", "s3 category", "範疇三類別", "范畴三类别",
        "範疇3類別", "范畴3类别",
    ),
    "iso_category": (
        "iso 14064 category", "iso14064 category", "iso 類別", "iso 类别",
    ),
    "reference": (
        "ref", "evidence", "invoice", "invoice no", "document", "source document", "meter",
        "憑證", "凭证", "備註", "备注", "發票", "发票", "單據", "单据",
    ),
    "description": ("notes", "note", "comment", "comments", "remarks", "描述", "說明", "说明"),
    # The utility that sold the energy: it names the grid of an electricity row without a
    # region (中電 -> HK-CLP), see carbonaudit.factors.regions.
    "supplier": (
        "utility", "electricity supplier", "energy supplier", "power company", "vendor",
        "供應商", "供应商", "供電商", "供电商", "供電公司", "供电公司", "電力公司", "电力公司",
        "公用事業公司", "公用事业公司",
    ),
    # The client's own per-row figure, for `carbonaudit verify`.  Every spelling names kg:
    # a bare "emissions" or "排放量" could be in tonnes, and a unit guessed is a wrong number.
    "data_origin": (
        "data origin", "data source type", "origin of data", "數據來源", "数据来源",
        "數據類型", "数据类型",
    ),
    "ad_uncertainty_pct": (
        "activity data uncertainty", "activity data uncertainty (%)", "ad uncertainty",
        "ad uncertainty (%)", "活動數據不確定性 (%)", "活动数据不确定性 (%)",
    ),
    "ef_uncertainty_pct": (
        "emission factor uncertainty", "emission factor uncertainty (%)", "ef uncertainty",
        "ef uncertainty (%)", "排放因子不確定性 (%)", "排放因子不确定性 (%)",
    ),
    "claimed_kgco2e": (
        "claimed kgco2e", "claimed emissions (kgCO2e)", "reported emissions (kgCO2e)",
        "emissions (kgCO2e)", "emissions kgco2e", "ghg emissions (kgCO2e)", "kgco2e",
        "co2e (kg)", "排放量 (kgCO2e)", "碳排放量 (kgCO2e)", "申報排放量 (kgCO2e)",
        "申报排放量 (kgCO2e)", "溫室氣體排放量 (kgCO2e)", "温室气体排放量 (kgCO2e)",
        "排放量（千克二氧化碳當量）", "排放量（千克二氧化碳当量）", "排放量（公斤二氧化碳當量）",
    ),
}


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for name in CANONICAL:
        for spelling in (name, *ALIASES.get(name, ())):
            key = fold(spelling)
            # A duplicate key across columns would make matching order-dependent; fail loudly.
            if key in lookup and lookup[key] != name:
                raise ValueError(f"header alias {spelling!r} maps to {lookup[key]} and {name}")
            lookup[key] = name
    return lookup


_LOOKUP: dict[str, str] = _build_lookup()

# Every Chinese spelling, used by the CSV encoding guesser to score candidate decodings.
CHINESE_ALIASES: frozenset[str] = frozenset(
    key for key in _LOOKUP if any("\u4e00" <= ch <= "\u9fff" for ch in key)
)


def match_header(text: object) -> str | None:
    """Canonical column name for a header cell, or None when it is not an activity column."""
    if not isinstance(text, str):
        return None
    key = fold(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Quantity (kWh)" / "用量（度）": the bracketed note does not change the column's meaning.
    bare = _BRACKETED.sub("", unicodedata.normalize("NFKC", text))
    return _LOOKUP.get(fold(bare)) if bare.strip() else None


_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
