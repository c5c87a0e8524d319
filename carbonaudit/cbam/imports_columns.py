"""The columns of a CBAM imports file: canonical names, the header spellings read, and their help.

`imports_reader` finds the header by these aliases (English, Traditional and Simplified
Chinese); `imports_template` writes the canonical names with the help texts.
"""

from __future__ import annotations

from carbonaudit.cbam.grid import fold

# Canonical import columns; the template writes them in this order.
COLUMNS = ("date", "cn_code", "country", "net_mass", "supplier", "route", "see_direct",
           "see_indirect", "see_total", "communication_file", "carbon_price_paid",
           "reference", "description")
REQUIRED = ("date", "cn_code", "country", "net_mass")

_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "import date", "quarter", "period", "customs date", "日期", "進口日期",
             "进口日期", "季度"),
    "cn_code": ("cn code", "cn", "cn8", "commodity code", "cn 編碼", "cn 编码", "商品編碼",
                "商品编码"),
    "country": ("country", "origin", "country of origin", "origin country", "原產國", "原产国"),
    "net_mass": ("net mass", "net mass t", "net mass (t)", "mass", "quantity", "淨重", "净重"),
    "supplier": ("supplier", "installation", "producer", "supplier/installation", "供應商",
                 "供应商"),
    "route": ("route", "production route", "生產路線", "生产路线"),
    "see_direct": ("see direct", "actual see direct", "直接排放", "直接隱含排放", "直接隐含排放"),
    "see_indirect": ("see indirect", "actual see indirect", "間接排放", "间接排放",
                     "間接隱含排放", "间接隐含排放"),
    "see_total": ("see total", "actual see total", "see", "總隱含排放", "总隐含排放"),
    "communication_file": ("communication file", "communication", "supplier communication",
                           "通訊文件", "通讯文件"),
    "carbon_price_paid": ("carbon price paid", "carbon price paid eur", "已付碳價", "已付碳价"),
    "reference": ("reference", "customs declaration", "mrn", "憑證", "凭证"),
    "description": ("description", "notes", "說明", "说明"),
}
ALIASES = {fold(alias): name for name, aliases in _ALIASES.items() for alias in aliases}

# Help per column: (English, Chinese), on the template's header comments and Instructions.
HELP: dict[str, tuple[str, str]] = {
    "date": ("Required. Customs release date (2026-03-31) or quarter (2026-Q1).",
             "必填。清關日期（2026-03-31）或季度（2026-Q1）。"),
    "cn_code": ("Required. 8-digit CN code of the good, e.g. 7318 15 58.",
                "必填。8 位 CN 編碼，例如 7318 15 58。"),
    "country": ("Required. Country of origin, ISO code (dropdown), e.g. CN.",
                "必填。原產國 ISO 代碼（下拉選擇），例如 CN。"),
    "net_mass": ("Required. Net mass in tonnes (MWh for electricity 2716 00 00).",
                 "必填。淨重（噸）；電力（2716 00 00）填兆瓦時。"),
    "supplier": ("Supplier or installation the good comes from.", "供應商或生產設施。"),
    "route": ("Production route where the default value or benchmark depends on it: a letter "
              "of IR 2025/2620 (C BF/BOF, D DRI/EAF, E scrap/EAF, K primary, L secondary "
              "aluminium, A grey, B white clinker) or its name, e.g. scrap/EAF.",
              "生產路線（如默認值或基準值取決於路線）：字母 C（BF/BOF）、D（DRI/EAF）、"
              "E（scrap/EAF）、K（原鋁）、L（再生鋁）、A（灰熟料）、B（白熟料）或其名稱。"),
    "see_direct": ("Actual specific direct embedded emissions, t CO2e/t (from the supplier).",
                   "實際直接隱含排放強度，t CO2e/t（供應商提供）。"),
    "see_indirect": ("Actual specific indirect embedded emissions, t CO2e/t.",
                     "實際間接隱含排放強度，t CO2e/t。"),
    "see_total": ("Actual total SEE = direct + indirect, t CO2e/t. Leave all SEE blank to use "
                  "default values. Certificates count direct only for iron, steel, aluminium, "
                  "hydrogen and electricity.",
                  "實際總隱含排放強度（直接 + 間接）；全部留空即使用默認值。鋼鐵、鋁、氫及電力"
                  "只按直接排放計算證書。"),
    "communication_file": ("Instead of SEE cells: the supplier's cbam-communication.json, "
                           "relative to this file; matched by CN code.",
                           "或填供應商的 cbam-communication.json 路徑（相對本檔案），"
                           "按 CN 編碼配對。"),
    "carbon_price_paid": ("Optional. Carbon price effectively paid in the country of origin "
                          "for the line, EUR, net of rebates; deducted from the cost on lines "
                          "with actual values (Art. 9), recorded on lines with default values.",
                          "選填。該行貨品在原產國實際已付碳價（歐元，扣除返還）；使用實際數值的"
                          "行從成本中扣減（第 9 條），使用默認值的行只作記錄。"),
    "reference": ("Customs declaration (MRN) or invoice number.", "報關單號（MRN）或發票號。"),
    "description": ("Free text.", "備註。"),
}
