"""The blank CBAM imports workbook of `carbonaudit template imports`: Imports, Instructions, Lists.

Its header is the canonical columns of `imports_columns`, each with its help as a comment; the
hidden Lists sheet feeds the country and CN code drop-downs.
"""

from __future__ import annotations

from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.imports_columns import COLUMNS, HELP, REQUIRED

_INSTRUCTIONS = (
    "CBAM imports: one row per import line (customs declaration item).",
    "Keep the header in row 1. Do not leave example rows in the Imports sheet: every row is "
    "counted.",
    "Numbers: 1,234.5 (comma thousands, point decimal). Net mass in tonnes; kg allowed as "
    "'1200 kg'; electricity in MWh.",
    "Embedded emissions: give the supplier's actual SEE (see_direct / see_indirect / "
    "see_total, t CO2e per t) or a communication_file; leave them blank to use the default "
    "value (with mark-up).",
    "De minimis: up to 50 t net mass a year (hydrogen and electricity excluded) is exempt; "
    "above 50 t the whole year is in scope.",
    "CBAM 進口：每行一項進口（報關單項目）。請保留第 1 行欄位名稱；"
    "每一行都會計入，請勿保留示例行。",
    "CBAM 进口：每行一项进口（报关单项目）。请保留第 1 行列名；"
    "每一行都会计入，请勿保留示例行。",
    "隱含排放：填供應商提供的實際數值或 communication_file；留空則使用默認值（含加成）。",
    "微量豁免：每年淨重不超過 50 噸（不含氫及電力）可豁免；超過 50 噸則全年受 CBAM 約束。",
)

_EXAMPLE = ("2026-03-31", "7318 15 58", "CN", 12.5, "Harbour Metals, Dongguan", "", 2.1, 0.5,
            "", "", "", "MRN 26DE000000000001", "Example only: not read from this sheet")


def write_imports_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a blank imports workbook: Imports (header only), Instructions, hidden Lists."""
    from carbonaudit.outputs import atomic_workbook

    path = Path(path)
    with atomic_workbook(path, overwrite=overwrite) as workbook:
        sheet = workbook.add_worksheet("Imports")
        notes = workbook.add_worksheet("Instructions")
        lists = workbook.add_worksheet("Lists")
        _write_lists(lists)
        lists.hide()
        _write_imports_sheet(workbook, sheet)
        _write_instructions(workbook, notes)
        sheet.activate()
    return path


def _write_lists(sheet) -> None:
    # "Country list" / "CN list" headers, not import column names: the reader must never
    # take this sheet for data.
    sheet.write_row(0, 0, ["Country list", "Country name", "CN list", "CN category"])
    for row, country in enumerate(sorted(reference.countries().values(),
                                         key=lambda c: c.code), start=1):
        sheet.write_row(row, 0, [country.code, country.name])
    for row, code in enumerate(reference.cn_codes().values(), start=1):
        sheet.write_row(row, 2, [code.formatted, code.category])


def _write_imports_sheet(workbook, sheet) -> None:
    header = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    for col, name in enumerate(COLUMNS):
        sheet.write_string(0, col, name, header)
        en, zh = HELP[name]
        sheet.write_comment(0, col, f"{en}\n{zh}", {"x_scale": 2, "y_scale": 1.5})
        sheet.set_column(col, col, 22 if name in ("supplier", "communication_file",
                                                  "description", "reference") else 13)
    sheet.freeze_panes(1, 0)
    last = 10_000
    n_countries = len(reference.countries())
    n_cn = len(reference.cn_codes())
    sheet.data_validation(1, COLUMNS.index("country"), last, COLUMNS.index("country"), {
        "validate": "list", "source": f"=Lists!$A$2:$A${n_countries + 1}",
        "error_title": "Unknown country", "error_message": "Pick an ISO code from the list."})
    sheet.data_validation(1, COLUMNS.index("cn_code"), last, COLUMNS.index("cn_code"), {
        "validate": "list", "source": f"=Lists!$C$2:$C${n_cn + 1}", "error_type": "warning",
        "error_title": "Not an Annex I CN code",
        "error_message": "CBAM covers the Annex I CN codes listed on the Lists sheet."})
    sheet.data_validation(1, COLUMNS.index("net_mass"), last, COLUMNS.index("net_mass"), {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_title": "Negative mass", "error_message": "Net mass cannot be negative."})


def _write_instructions(workbook, sheet) -> None:
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 2, 70, wrap)
    row = 0
    for line in _INSTRUCTIONS:
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    sheet.write_row(row, 0, ["Column", "Meaning", "說明 / 说明"], bold)
    for name in COLUMNS:
        row += 1
        en, zh = HELP[name]
        sheet.write_row(row, 0, [name + (" *" if name in REQUIRED else ""), en, zh])
    row += 2
    sheet.write_string(row, 0, "Example row (type your own rows on the Imports sheet):", bold)
    # Written as one text cell so this sheet can never be mistaken for import data.
    sheet.write_string(row + 1, 0, " | ".join(str(v) for v in _EXAMPLE))
