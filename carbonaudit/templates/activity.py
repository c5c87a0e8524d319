"""The blank activity workbook: one header row the reader recognises, dropdowns from a hidden
Lists sheet, Chinese names in header comments, and an Instructions sheet in three languages.

The template keeps exactly one header row (English canonical names) because the reader finds
the header by its column names; Chinese names live in cell comments and on the Instructions
sheet instead of a second header line.  Dropdowns point at ranges on a hidden `Lists` sheet
rather than inline strings: Excel caps an inline list at 255 characters, and the item, unit
and region lists follow whatever factor data files ship with the package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carbonaudit.factors.vocab import ACTIVITIES, SECTORS
from carbonaudit.findings import column_letter
from carbonaudit.ingest.columns import CANONICAL
from carbonaudit.outputs import atomic_workbook
from carbonaudit.templates.vocabulary import LANGS, check_lang, factor_vocabulary

# Rows carrying validation: enough for a year of monthly data across many sites.
_VALIDATED_ROWS = 10_000


# (English meaning, Traditional Chinese name + meaning, Simplified Chinese name + meaning).
# The Chinese names are header aliases the reader accepts (see carbonaudit.columns).
COLUMN_HELP: dict[str, tuple[str, str, str, str, str]] = {
    "activity": (
        "Required. What happened; pick from the dropdown (see the Lists sheet).",
        "活動", "必填。排放活動類別，請從下拉清單選擇。",
        "活动", "必填。排放活动类别，请从下拉列表选择。"),
    "item": (
        "The fuel, material, refrigerant, grid or transport mode, e.g. diesel, grid, r410a.",
        "項目", "燃料、物料、冷媒、電網或運輸方式，例如 diesel、grid、r410a。",
        "项目", "燃料、物料、冷媒、电网或运输方式，例如 diesel、grid、r410a。"),
    "quantity": (
        "Required. The amount, a number (1,234.5). Negative only for corrections or removals.",
        "數量", "必填。數值（1,234.5）。只有更正或移除量才可為負數。",
        "数量", "必填。数值（1,234.5）。只有更正或移除量才可为负数。"),
    "unit": (
        "Required. Unit of the quantity, e.g. kWh, L, kg, t, Nm3, GJ, tonne_km, passenger_km.",
        "單位", "必填。數量的單位，例如 kWh、L、kg、t、Nm3、GJ、tonne_km。",
        "单位", "必填。数量的单位，例如 kWh、L、kg、t、Nm3、GJ、tonne_km。"),
    "site": (
        "Recommended. Site, building or facility name.",
        "地點", "建議填寫。場所、大廈或設施名稱。",
        "地点", "建议填写。场所、大厦或设施名称。"),
    "period_start": (
        "Recommended. First day of the period (date, e.g. 2025-01-01).",
        "開始日期", "建議填寫。期間首日（日期，例如 2025-01-01）。",
        "开始日期", "建议填写。期间首日（日期，例如 2025-01-01）。"),
    "period_end": (
        "Recommended. Last day of the period (date, e.g. 2025-01-31).",
        "結束日期", "建議填寫。期間最後一日（日期，例如 2025-01-31）。",
        "结束日期", "建议填写。期间最后一日（日期，例如 2025-01-31）。"),
    "year": (
        "Reporting year (e.g. 2025) when no period dates are known.",
        "年份", "沒有期間日期時填報告年份（例如 2025）。",
        "年份", "没有期间日期时填报告年份（例如 2025）。"),
    "region": (
        "Needed for grid electricity: HK-CLP, HK-HKE, CN, CN-South, GB, US ...",
        "地區", "外購電力必填：HK-CLP、HK-HKE、CN、CN-South 等。",
        "地区", "外购电力必填：HK-CLP、HK-HKE、CN、CN-South 等。"),
    "sector": (
        "Optional. energy | manufacturing | commercial | residential (combustion CH4/N2O).",
        "行業", "選填。energy、manufacturing、commercial、residential。",
        "行业", "选填。energy、manufacturing、commercial、residential。"),
    "factor_id": (
        "Optional. Pin an exact factor id; overrides automatic matching.",
        "排放因子編號", "選填。指定排放因子編號，取代自動配對。",
        "排放因子编号", "选填。指定排放因子编号，取代自动配对。"),
    "supplier_factor": (
        "Optional. Contractual (market-based) factor from your supplier, Scope 2.",
        "供應商因子", "選填。供應商提供的合約（市場基準）排放因子，範疇二。",
        "供应商因子", "选填。供应商提供的合约（市场基准）排放因子，范畴二。"),
    "supplier_factor_unit": (
        "Unit of supplier_factor, e.g. kgCO2e/kWh.",
        "供應商因子單位", "供應商因子的單位，例如 kgCO2e/kWh。",
        "供应商因子单位", "供应商因子的单位，例如 kgCO2e/kWh。"),
    "supplier": (
        "Utility that sold the energy, e.g. CLP, HK Electric; it sets the grid region of an "
        "electricity row that gives none.",
        "供應商", "售電公司，例如中電、港燈；電力行未填地區時以此決定電網地區。",
        "供应商", "售电公司，例如中电、港灯、广东电网；电力行未填地区时以此决定电网地区。"),
    "scope": (
        "Optional override: 1, 2 or 3. Leave blank to use the activity's default.",
        "範疇", "選填：1、2 或 3。留空即按活動預設。",
        "范畴", "选填：1、2 或 3。留空即按活动默认。"),
    "scope3_category": (
        "Optional override: Scope 3 category 1-15.",
        "範疇三類別", "選填：範疇三類別 1-15。",
        "范畴三类别", "选填：范畴三类别 1-15。"),
    "iso_category": (
        "Optional override: ISO 14064-1 category 1-6.",
        "ISO 類別", "選填：ISO 14064-1 類別 1-6。",
        "ISO 类别", "选填：ISO 14064-1 类别 1-6。"),
    "reference": (
        "Evidence: invoice, bill, meter or document id.",
        "憑證", "證明文件：發票、賬單、電錶或文件編號。",
        "凭证", "证明文件：发票、账单、电表或文件编号。"),
    "description": (
        "Free text notes.",
        "說明", "備註文字。",
        "说明", "备注文字。"),
    "data_origin": (
        "Optional, for --uncertainty: metered, invoiced or estimated.",
        "數據來源", "選填，供不確定性分析：metered（計量）、invoiced（發票）或 estimated（估算）。",
        "数据来源",
        "选填，供不确定性分析：metered（计量）、invoiced（发票）或 estimated（估算）。"),
    "ad_uncertainty_pct": (
        "Optional, for --uncertainty: ± % of the quantity at 95 % (e.g. 5, or -5/+10).",
        "活動數據不確定性 (%)", "選填：數量的 ± 百分比（95% 置信），例如 5 或 -5/+10。",
        "活动数据不确定性 (%)", "选填：数量的 ± 百分比（95% 置信），例如 5 或 -5/+10。"),
    "ef_uncertainty_pct": (
        "Optional, for --uncertainty: ± % of the emission factor at 95 % (e.g. 7).",
        "排放因子不確定性 (%)", "選填：排放因子的 ± 百分比（95% 置信），例如 7。",
        "排放因子不确定性 (%)", "选填：排放因子的 ± 百分比（95% 置信），例如 7。"),
    "claimed_kgco2e": (
        "Optional, for verification: the emissions you reported for this row, in kg CO2e.",
        "排放量 (kgCO2e)", "選填，供核查用：此行已申報的排放量（千克二氧化碳當量）。",
        "排放量 (kgCO2e)", "选填，供核查用：此行已申报的排放量（千克二氧化碳当量）。"),
}

EXAMPLE_ROW: dict[str, object] = {
    "activity": "purchased_electricity",
    "item": "grid",
    "quantity": 12500,
    "unit": "kWh",
    "site": "Kwun Tong office",
    "period_start": dt.date(2025, 1, 1),
    "period_end": dt.date(2025, 1, 31),
    "region": "HK-CLP",
    "reference": "CLP bill 2025-01",
    "description": "Example row: replace it with your own data",
}

_COLUMN_WIDTHS = {"activity": 24, "item": 18, "site": 22, "period_start": 13,
                  "period_end": 13, "region": 12, "factor_id": 26, "supplier_factor_unit": 20,
                  "reference": 22, "description": 40}


def write_activity_template(path: Path, *, lang: str = "en", overwrite: bool = False) -> Path:
    """Write a blank activity workbook (Activity, Instructions, hidden Lists) to `path`.

    `lang` chooses the language of the header comments and which language leads on the
    Instructions sheet; all three (en, zh-Hant, zh-Hans) are always present.
    """
    check_lang(lang)
    path = Path(path)
    vocab = {"activity": list(ACTIVITIES), **factor_vocabulary()}
    with atomic_workbook(path, overwrite=overwrite) as workbook:
        activity = workbook.add_worksheet("Activity")
        instructions = workbook.add_worksheet("Instructions")
        lists = workbook.add_worksheet("Lists")
        ranges = _write_lists(lists, vocab)
        lists.hide()
        _write_activity_sheet(workbook, activity, ranges, lang)
        _write_instructions(workbook, instructions, vocab, lang)
        activity.activate()
    return path


def _write_lists(sheet, vocab: dict[str, list[str]]) -> dict[str, str]:
    """One column per list; returns the absolute range formula for each list name."""
    ranges: dict[str, str] = {}
    for col, (name, values) in enumerate(vocab.items()):
        # "Activity list", not "activity": a row naming two activity columns would make the
        # reader take this sheet for data.
        sheet.write_string(0, col, f"{name.capitalize()} list")
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        letter = column_letter(col)
        ranges[name] = f"=Lists!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_activity_sheet(workbook, sheet, ranges: dict[str, str], lang: str) -> None:
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    number_fmt = workbook.add_format({"num_format": "#,##0.###"})
    for col, name in enumerate(CANONICAL):
        sheet.write_string(0, col, name, header_fmt)
        sheet.write_comment(0, col, _comment(name, lang), {"x_scale": 2, "y_scale": 1.5})
        width = _COLUMN_WIDTHS.get(name, 12)
        fmt = date_fmt if name in ("period_start", "period_end") else None
        fmt = number_fmt if name in ("quantity", "supplier_factor") else fmt
        sheet.set_column(col, col, width, fmt)
    _write_example(sheet, date_fmt, number_fmt)
    sheet.freeze_panes(1, 0)
    _add_validations(sheet, ranges)


def _comment(name: str, lang: str) -> str:
    en, hant_name, hant, hans_name, hans = COLUMN_HELP[name]
    if lang == "zh-Hant":
        return f"{hant_name} / {hans_name}\n{hant}"
    if lang == "zh-Hans":
        return f"{hans_name} / {hant_name}\n{hans}"
    return f"{hant_name} / {hans_name}\n{en}"


def _write_example(sheet, date_fmt, number_fmt) -> None:
    for col, name in enumerate(CANONICAL):
        value = EXAMPLE_ROW.get(name)
        if isinstance(value, dt.date):
            sheet.write_datetime(1, col, dt.datetime.combine(value, dt.time()), date_fmt)
        elif isinstance(value, int | float):
            sheet.write_number(1, col, value, number_fmt)
        elif value is not None:
            sheet.write_string(1, col, str(value))


def _add_validations(sheet, ranges: dict[str, str]) -> None:
    col = {name: CANONICAL.index(name) for name in CANONICAL}
    last = _VALIDATED_ROWS

    def span(name: str) -> tuple[int, int, int, int]:
        return (1, col[name], last, col[name])

    for name in ("activity", "item", "unit", "region"):
        # Items, units and regions outside the list are legal (aliases, user factors), so
        # those dropdowns only warn; an unknown activity cannot be classified, so it stops.
        strict = name == "activity"
        sheet.data_validation(*span(name), {
            "validate": "list", "source": ranges[name],
            "error_type": "stop" if strict else "warning",
            "error_title": f"Unknown {name}",
            "error_message": f"Pick a {name} from the list (Lists sheet)."
            + ("" if strict else " Other values are allowed if a factor exists for them."),
        })
    sheet.data_validation(*span("quantity"), {
        "validate": "decimal", "criteria": ">=", "value": 0, "error_type": "warning",
        "error_title": "Negative quantity",
        "error_message": "Quantities are normally >= 0. Keep a negative value only for a "
                         "correction or a removal.",
    })
    for name in ("period_start", "period_end"):
        sheet.data_validation(*span(name), {
            "validate": "date", "criteria": "between",
            "minimum": dt.date(1990, 1, 1), "maximum": dt.date(2100, 12, 31),
            "error_type": "stop", "error_title": "Not a date",
            "error_message": "Enter a date such as 2025-01-31.",
        })
    sheet.data_validation(*span("year"), {
        "validate": "integer", "criteria": "between", "minimum": 1990, "maximum": 2100,
        "error_title": "Not a year", "error_message": "Enter a four-digit year such as 2025.",
    })
    sheet.data_validation(*span("sector"), {"validate": "list", "source": list(SECTORS)})
    sheet.data_validation(*span("scope"), {"validate": "list", "source": ["1", "2", "3"],
                                           "error_type": "warning"})
    for name, top in (("scope3_category", 15), ("iso_category", 6)):
        sheet.data_validation(*span(name), {
            "validate": "integer", "criteria": "between", "minimum": 1, "maximum": top,
            "error_title": "Out of range", "error_message": f"Enter a whole number 1-{top}.",
        })


# --------------------------------------------------------------------------- instructions

_GENERAL = {
    "en": [
        "How to fill in this workbook",
        "One row = one measured or estimated activity (a bill, a meter reading, an invoice).",
        "Keep the header in row 1 unchanged. Column names may also be written in Chinese "
        "(see below).",
        "The example in row 2 shows the format: replace it with your own data.",
        "Numbers: write 1,234.5 (comma thousands, point decimal). If your file uses 1.234,5 "
        "run carbonaudit with --decimal-comma. A cell may hold number and unit (\"1,200 kWh\").",
        "Dates: ISO dates (2025-01-31) or real Excel dates. If only the year is known, fill "
        "the year column and leave the dates empty.",
        "Dropdown values come from the hidden Lists sheet. Items, units and regions not in the "
        "list are accepted with a warning if a factor exists for them.",
    ],
    "zh-Hant": [
        "填寫說明",
        "每一行代表一項量度或估算的活動（一張賬單、一次電錶讀數、一張發票）。",
        "請勿修改第 1 行的欄位名稱；欄位名稱亦可用中文填寫（見下表）。",
        "第 2 行是示例，請以您的數據取代。",
        "數字格式：1,234.5（逗號分隔千位，小數點用句點）。如檔案使用 1.234,5，"
        "執行 carbonaudit 時請加上 --decimal-comma。",
        "日期：ISO 日期（2025-01-31）或 Excel 日期。若只知道年份，請填 year 欄並留空日期。",
        "下拉清單的選項來自隱藏的 Lists 工作表。",
    ],
    "zh-Hans": [
        "填写说明",
        "每一行代表一项计量或估算的活动（一张账单、一次电表读数、一张发票）。",
        "请勿修改第 1 行的列名；列名也可用中文填写（见下表）。",
        "第 2 行是示例，请用您的数据替换。",
        "数字格式：1,234.5（逗号分隔千位，小数点用句点）。如文件使用 1.234,5，"
        "运行 carbonaudit 时请加上 --decimal-comma。",
        "日期：ISO 日期（2025-01-31）或 Excel 日期。若只知道年份，请填 year 列并留空日期。",
        "下拉列表的选项来自隐藏的 Lists 工作表。",
    ],
}


def _lang_order(lang: str) -> list[str]:
    return [lang, *(other for other in LANGS if other != lang)]


def _write_instructions(workbook, sheet, vocab: dict[str, list[str]], lang: str) -> None:
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 4, 60, wrap)
    row = 0
    for code in _lang_order(lang):
        lines = _GENERAL[code]
        sheet.write_string(row, 0, lines[0], title)
        for line in lines[1:]:
            row += 1
            sheet.write_string(row, 0, line)
        row += 2
    row = _write_column_table(sheet, row, bold, lang)
    _write_allowed_values(sheet, row + 1, vocab, bold)


def _write_column_table(sheet, row: int, bold, lang: str) -> int:
    headers = ["column", "中文名稱 / 中文名称", "meaning", "繁體中文解釋", "简体中文解释"]
    sheet.write_row(row, 0, headers, bold)
    for name in CANONICAL:
        row += 1
        en, hant_name, hant, hans_name, hans = COLUMN_HELP[name]
        required = name in ("activity", "quantity", "unit")
        # Both Chinese names share one cell, always as "Traditional / Simplified": a row with
        # two header names in separate cells looks like a header row to the reader, which
        # would then read this sheet as data.
        names = f"{hant_name} / {hans_name}"
        sheet.write_row(row, 0, [name + (" *" if required else ""), names, en, hant, hans])
    return row + 1


def _write_allowed_values(sheet, row: int, vocab: dict[str, list[str]], bold) -> None:
    sheet.write_string(row, 0, "Allowed activities / 活動類別 / 活动类别", bold)
    for name, cls in ACTIVITIES.items():
        row += 1
        scope = f"Scope {cls.scope}" + (
            f", category {cls.scope3_category}" if cls.scope3_category else "")
        sheet.write_row(row, 0, [name, scope, f"ISO {cls.iso_category}", cls.label])
    row += 2
    for name in ("item", "unit", "region"):
        sheet.write_string(row, 0, f"Listed {name} values", bold)
        sheet.write_string(row, 3, ", ".join(vocab[name]))
        row += 1
