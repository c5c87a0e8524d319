"""The blank claims workbook (`carbonaudit template claims`): the items a client can state,
a unit dropdown, and instructions in English, Traditional and Simplified Chinese.

Rows are left without a claimed value; the reader reports each one still blank (it is not
tested), so deleting an item and leaving it empty both say what they mean.
"""

from __future__ import annotations

from pathlib import Path

from carbonaudit.outputs import atomic_workbook

ITEMS = ("total", "scope_1", "scope_2_location", "scope_2_market", "scope_3",
         "scope_3_category_1", "scope_3_category_4", "scope_3_category_6", "site:Head office")
UNITS = ("t CO2e", "kg CO2e")
INSTRUCTIONS = (
    ("en", "One row per figure stated in the GHG statement. item: total (Scope 1 + Scope 2 "
           "location-based + Scope 3), total_market, scope_1, scope_2_location, "
           "scope_2_market, scope_3, scope_3_category_N (1-15) or site:NAME (the site's "
           "Scope 1 + 2 location-based + 3, NAME as in the activity data). claimed: the "
           "number as stated. unit: t CO2e or kg CO2e. Delete or leave blank what is not "
           "claimed."),
    ("zh-Hant", "每個已申報數字一行。item：total（範疇一 + 範疇二按地點 + 範疇三）、"
                "total_market、scope_1、scope_2_location、scope_2_market、scope_3、"
                "scope_3_category_N（1-15）或 site:名稱（與活動數據的地點名稱相同）。"
                "claimed：申報的數值。unit：t CO2e 或 kg CO2e。未申報的項目請刪除或留空。"),
    ("zh-Hans", "每个已申报数字一行。item：total（范畴一 + 范畴二基于位置 + 范畴三）、"
                "total_market、scope_1、scope_2_location、scope_2_market、scope_3、"
                "scope_3_category_N（1-15）或 site:名称（与活动数据的地点名称相同）。"
                "claimed：申报的数值。unit：t CO2e 或 kg CO2e。未申报的项目请删除或留空。"),
)


def write_claims_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write the blank claims workbook to path and return path."""
    path = Path(path)
    with atomic_workbook(path, overwrite=overwrite) as wb:
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        fill = wb.add_format({"bg_color": "#FFF2CC", "border": 1})
        ws = wb.add_worksheet("Claims")
        ws.write_row(0, 0, ("item", "claimed", "unit", "note"), head)
        for r, item in enumerate(ITEMS, start=1):
            ws.write_string(r, 0, item)
            ws.write_blank(r, 1, None, fill)
            ws.write_string(r, 2, UNITS[0], fill)
        last = 200
        ws.data_validation(1, 2, last, 2, {"validate": "list", "source": list(UNITS)})
        ws.data_validation(1, 0, last, 0, {
            "validate": "list", "source": list(ITEMS[:-1]), "error_type": "information",
            "error_message": "Other items: scope_3_category_N (1-15) or site:NAME."})
        ws.set_column(0, 0, 26)
        ws.set_column(1, 2, 14)
        ws.set_column(3, 3, 40)
        ws.freeze_panes(1, 0)
        info = wb.add_worksheet("Instructions")
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        info.set_column(0, 0, 10)
        info.set_column(1, 1, 100)
        for r, (lang, text) in enumerate(INSTRUCTIONS):
            info.write_string(r, 0, lang)
            info.write_string(r, 1, text, wrap)
        ws.activate()
    return path
