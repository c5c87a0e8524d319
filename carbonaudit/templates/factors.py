"""The blank user-factor workbooks: the factor columns, one example row, and instructions;
and, for the HK EPD/EMSD guidelines, one row per guideline factor for the user to fill."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carbonaudit.factors.library import FACTOR_COLUMNS
from carbonaudit.outputs import atomic_workbook

FACTOR_EXAMPLE: dict[str, object] = {
    "id": "user.example.diesel.2025",
    "activity": "stationary_combustion",
    "item": "diesel",
    "region": "HK",
    "sector": "manufacturing",
    "valid_from": dt.date(2025, 1, 1),
    "valid_to": dt.date(2025, 12, 31),
    "vintage": 2025,
    "unit": "L",
    "co2_fossil": 2.68,
    "ch4_fossil": 0.0001,
    "n2o": 0.00002,
    "source": "Supplier fuel certificate FC-2025-001 (example)",
    "edition": "2025",
    "licence": "own data",
    "status": "unverified",
    "notes": "Example row: replace it with your own factor",
}

# Column meanings for the factor template's Instructions sheet (the reader's contract is
# carbonaudit.factors.library; this only explains it).
FACTOR_COLUMN_HELP: dict[str, str] = {
    "id": "Required. Unique id. Use a shipped id to replace that shipped factor.",
    "activity": "Required. Activity from the vocabulary, e.g. stationary_combustion.",
    "item": "Required. Fuel, material, refrigerant, grid or mode, e.g. diesel.",
    "region": "Region code, e.g. HK, HK-CLP, CN, GB; blank means GLOBAL.",
    "sector": "energy | manufacturing | commercial | residential, or blank for any.",
    "valid_from": "First day the factor applies (date); blank = always.",
    "valid_to": "Last day the factor applies (date); blank = until superseded.",
    "vintage": "Year the factor describes, e.g. 2025.",
    "unit": "Required. Activity unit the factor is per, e.g. L, kWh, t, tonne_km.",
    "co2_fossil": "kg fossil CO2 per unit.",
    "co2_biogenic": "kg biogenic CO2 per unit (reported separately).",
    "ch4_fossil": "kg fossil CH4 per unit.",
    "ch4_nonfossil": "kg non-fossil CH4 per unit.",
    "n2o": "kg N2O per unit.",
    "other_gas": "Name of one other gas (e.g. HFC-134a, SF6) for other_gas_kg.",
    "other_gas_kg": "kg of other_gas per unit.",
    "co2e_unsplit": "kg CO2e per unit, only when the publisher gives no per-gas split.",
    "co2e_unsplit_gwp": "GWP set behind co2e_unsplit: AR4 | AR5 | AR6.",
    "basis": "Heating-value basis for energy units: NCV or GCV.",
    "scope": "Optional scope override (1, 2, 3).",
    "scope3_category": "Optional Scope 3 category override (1-15).",
    "source": "Required. Publisher, document, table.",
    "edition": "Edition or version of the source.",
    "licence": "Licence of the source data.",
    "status": "verified | derived | unverified (blank = unverified).",
    "notes": "Free text.",
}

_FACTOR_HELP = (
    "A user factor file adds factors to the shipped sets. A row whose id equals a shipped "
    "factor id replaces that factor in this assessment.",
    "Gas columns hold kilograms of each gas per one activity unit (the unit column), not "
    "CO2e, so any GWP set can be applied. Leave a gas blank when it does not apply.",
    "Only the first sheet is read; keep the header in row 1. Dates are ISO (2025-01-01) or "
    "Excel dates. Replace the example in row 2.",
    "List the file in carbonaudit.toml under [assessment] extra_factors.",
    "用戶排放因子檔案會加入內置因子集；id 與內置因子相同的行會取代該內置因子。"
    "氣體欄位填每單位活動的公斤數（非 CO2e）。請以您的數據取代第 2 行示例。",
    "用户排放因子文件会加入内置因子集；id 与内置因子相同的行会替换该内置因子。"
    "气体列填每单位活动的千克数（非 CO2e）。请用您的数据替换第 2 行示例。",
)


def write_factor_template(path: Path, *, overwrite: bool = False) -> Path:
    """Write a blank user-factor workbook (Factors first, then Instructions) to `path`."""
    path = Path(path)
    with atomic_workbook(path, overwrite=overwrite) as workbook:
        _write_factor_sheet(workbook, workbook.add_worksheet("Factors"))
        _write_factor_instructions(workbook, workbook.add_worksheet("Instructions"))
    return path


def _write_factor_sheet(workbook, sheet) -> None:
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, FACTOR_COLUMNS, header_fmt)
    for col, name in enumerate(FACTOR_COLUMNS):
        sheet.set_column(col, col, 30 if name in ("id", "source", "notes") else 13)
        value = FACTOR_EXAMPLE.get(name)
        if isinstance(value, dt.date):
            sheet.write_datetime(1, col, dt.datetime.combine(value, dt.time()), date_fmt)
        elif isinstance(value, int | float):
            sheet.write_number(1, col, value)
        elif value is not None:
            sheet.write_string(1, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.activate()


def _write_factor_instructions(workbook, sheet) -> None:
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 100)
    for row, line in enumerate(_FACTOR_HELP):
        sheet.write_string(row, 0, line)
    row = len(_FACTOR_HELP) + 1
    sheet.write_row(row, 0, ["column", "meaning"], bold)
    for name in FACTOR_COLUMNS:
        row += 1
        sheet.write_row(row, 0, [name, FACTOR_COLUMN_HELP.get(name, "")])


_HK_EPD_HELP = (
    "HK EPD/EMSD Guidelines to Account for and Report on GHG Emissions and Removals for "
    "Buildings in Hong Kong (2010): the factors of the guidelines' appendix that carbonaudit "
    "does not ship, because no source we hold lets us verify them.",
    "Fill the gas columns of each row you use (kg of each gas per unit) from the guidelines' "
    "appendix or your utility's report for the reporting year, and put the table or page in "
    "source. Delete the rows you do not use: a row without a gas amount is reported as an error.",
    "Then run: carbonaudit assess activity.xlsx --standard hk-epd --factors this-file.xlsx",
    "Towngas bought counts twice: its combustion (Scope 1) and its production by the supplier "
    "(Scope 2); fill both Towngas rows. Refrigerants, fresh water and sewage need no row here.",
    "請按《香港建築物溫室氣體排放及減除的核算和報告指引》（2010）附錄填寫各行的氣體數值（每單位的公斤數）"
    "並註明出處；不用的行請刪除。煤氣須填兩行：燃燒（範圍一）及生產（範圍二）。",
)


def write_factor_template_for(standard: str | None, path: Path, *,
                              overwrite: bool = False) -> Path:
    """The factor workbook for a standard: hk-epd asks for the guideline factors; any other
    standard (or none) gets the blank template."""
    if standard in (None, "ghg-protocol", "iso14064", "gbt32150"):
        return write_factor_template(path, overwrite=overwrite)
    if standard != "hk-epd":
        from carbonaudit.errors import UsageError

        raise UsageError(f"--standard takes hk-epd, ghg-protocol, iso14064 or gbt32150, "
                         f"not {standard!r}")
    from carbonaudit.inventory.standards.hk_epd import GUIDELINE_FACTORS

    path = Path(path)
    with atomic_workbook(path, overwrite=overwrite) as workbook:
        sheet = workbook.add_worksheet("Factors")
        header_fmt = workbook.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1})
        fill_fmt = workbook.add_format({"bg_color": "#FFF2CC", "border": 1})
        columns = [*FACTOR_COLUMNS, "guideline_item"]
        sheet.write_row(0, 0, columns, header_fmt)
        gas = {"co2_fossil", "ch4_fossil", "n2o", "co2e_unsplit"}
        for r, slot in enumerate(GUIDELINE_FACTORS, start=1):
            values = {
                "id": slot.id, "activity": slot.activity, "item": slot.item,
                "region": slot.region, "unit": slot.unit, "basis": "",
                "source": "EPD/EMSD Guidelines (2010), Appendix: give the table and page",
                "edition": "2010", "licence": "HKSAR Government publication; factual figures",
                "status": "unverified", "notes": f"Scope {slot.scope}",
                "guideline_item": f"{slot.label_en} / {slot.label_zh}",
            }
            for c, name in enumerate(columns):
                if name in gas:
                    sheet.write_blank(r, c, None, fill_fmt)
                elif values.get(name):
                    sheet.write_string(r, c, values[name])
        for c, name in enumerate(columns):
            wide = name in ("id", "source", "notes", "guideline_item")
            sheet.set_column(c, c, 34 if wide else 13)
        sheet.freeze_panes(1, 0)
        sheet.activate()
        help_sheet = workbook.add_worksheet("Instructions")
        help_sheet.set_column(0, 0, 120)
        for row, line in enumerate(_HK_EPD_HELP):
            help_sheet.write_string(row, 0, line)
    return path
