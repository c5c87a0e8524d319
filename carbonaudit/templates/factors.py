"""The blank user-factor workbook: the factor columns, one example row, and instructions."""

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
