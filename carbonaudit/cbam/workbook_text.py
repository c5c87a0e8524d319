"""The words of our CBAM installation workbook in English, Traditional and Simplified Chinese.

With `lang` zh-Hant or zh-Hans, `workbook.write_installation_workbook` writes the column
headers and field names in that language (the English key as the header cell's comment), and
the Instructions sheet in it first; `workbook_reader` reads headers in any of the three.  The
drop-down values stay the Commission template's English spellings: they are what the official
template and the registry take.
"""

from __future__ import annotations

from carbonaudit.cbam.reference import fold

# Column headers of the table sheets: key -> (Traditional, Simplified).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "id": ("編號", "编号"), "method": ("方法", "方法"), "name": ("名稱", "名称"),
    "activity_data": ("活動數據", "活动数据"), "ad_unit": ("活動數據單位", "活动数据单位"),
    "ncv": ("低位發熱量", "低位发热量"), "ef": ("排放因子", "排放因子"),
    "ef_unit": ("排放因子單位", "排放因子单位"), "carbon_content": ("含碳量", "含碳量"),
    "oxidation_factor": ("氧化因子 (%)", "氧化因子 (%)"),
    "conversion_factor": ("轉化因子 (%)", "转化因子 (%)"),
    "biomass": ("生物質比例 (%)", "生物质比例 (%)"), "technology": ("技術類型", "技术类型"),
    "production_t": ("鋁產量 (t)", "铝产量 (t)"),
    "frequency": ("陽極效應頻率", "阳极效应频率"),
    "duration": ("陽極效應持續時間", "阳极效应持续时间"),
    "sef_cf4": ("CF4 斜率排放因子", "CF4 斜率排放因子"),
    "aeo": ("陽極效應過電壓", "阳极效应过电压"), "current_efficiency": ("電流效率", "电流效率"),
    "ovc": ("過電壓係數", "过电压系数"), "f_c2f6": ("C2F6 重量比例", "C2F6 重量比例"),
    "collection_efficiency": ("收集效率", "收集效率"), "gas": ("溫室氣體", "温室气体"),
    "concentration": ("每小時濃度 (g/Nm3)", "每小时浓度 (g/Nm3)"),
    "hours": ("運行時數 (h)", "运行时数 (h)"),
    "flow": ("煙氣流量 (1000Nm3/h)", "烟气流量 (1000Nm3/h)"),
    "good": ("商品類別", "商品类别"), "included": ("納入的商品類別", "纳入的商品类别"),
    "to_market": ("出售量", "出售量"), "non_cbam": ("用於非 CBAM 貨品", "用于非 CBAM 货物"),
    "heat_relevant": ("涉及可計量熱", "涉及可计量热"),
    "waste_gas_relevant": ("涉及廢氣", "涉及废气"),
    "direct_emissions": ("直接排放 (t CO2e)", "直接排放 (t CO2e)"),
    "heat_imported": ("輸入熱 (TJ)", "输入热 (TJ)"),
    "heat_imported_ef": ("輸入熱排放因子", "输入热排放因子"),
    "heat_exported": ("輸出熱 (TJ)", "输出热 (TJ)"),
    "heat_exported_ef": ("輸出熱排放因子", "输出热排放因子"),
    "waste_gas_imported": ("輸入廢氣 (TJ)", "输入废气 (TJ)"),
    "waste_gas_exported": ("輸出廢氣 (TJ)", "输出废气 (TJ)"),
    "electricity_consumed": ("耗電量 (MWh)", "耗电量 (MWh)"),
    "electricity_ef": ("電力排放因子 (tCO2/MWh)", "电力排放因子 (tCO2/MWh)"),
    "electricity_ef_source": ("電力排放因子來源", "电力排放因子来源"),
    "electricity_exported": ("輸出電力 (MWh)", "输出电力 (MWh)"),
    "electricity_exported_ef": ("輸出電力排放因子", "输出电力排放因子"),
    "process": ("工序", "工序"), "route": ("生產路線", "生产路线"),
    "quantity": ("數量 (t)", "数量 (t)"), "country": ("國家", "国家"),
    "routes": ("生產路線（以 ; 分隔）", "生产路线（以 ; 分隔）"),
    "other_uses": ("其他用途", "其他用途"),
    "see_direct": ("直接隱含排放 (tCO2e/t)", "直接隐含排放 (tCO2e/t)"),
    "see_direct_source": ("直接排放數據來源", "直接排放数据来源"),
    "specific_electricity": ("單位耗電量 (MWh/t)", "单位耗电量 (MWh/t)"),
    "specific_electricity_source": ("耗電量數據來源", "耗电量数据来源"),
    "justification": ("使用默認值的理由", "使用默认值的理由"), "precursor": ("前體", "前体"),
    "from": ("來源", "来源"), "to": ("去向工序", "去向工序"),
    "cn_code": ("CN 編碼", "CN 编码"), "qualifying": ("限定參數", "限定参数"),
    "cp_instrument": ("碳價工具", "碳价工具"), "cp_share_covered": ("覆蓋比例", "覆盖比例"),
    "cp_currency": ("貨幣", "货币"), "cp_price_due_per_t": ("每噸產品應付碳價", "每吨产品应付碳价"),
    "cp_rebate_type": ("返還類型", "返还类型"), "cp_rebate_share": ("返還比例", "返还比例"),
    "cp_rebate_per_t": ("每噸產品返還", "每吨产品返还"),
}

# Field names of the Installation and DataQuality sheets: key -> (Traditional, Simplified).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("裝置名稱（英文）", "装置名称（英文）"),
    "name_local": ("裝置名稱（本地）", "装置名称（本地）"),
    "street": ("街道及門牌", "街道及门牌"), "economic_activity": ("經濟活動", "经济活动"),
    "post_code": ("郵政編碼", "邮政编码"), "po_box": ("郵政信箱", "邮政信箱"),
    "city": ("城市", "城市"), "country": ("國家", "国家"), "unlocode": ("UN/LOCODE", "UN/LOCODE"),
    "latitude": ("緯度", "纬度"), "longitude": ("經度", "经度"),
    "representative": ("授權代表", "授权代表"), "email": ("電郵", "电子邮件"),
    "phone": ("電話", "电话"), "period_start": ("報告期開始", "报告期开始"),
    "period_end": ("報告期結束", "报告期结束"),
    "verifier_name": ("核查機構名稱", "核查机构名称"),
    "verifier_street": ("核查機構街道", "核查机构街道"),
    "verifier_city": ("核查機構城市", "核查机构城市"),
    "verifier_post_code": ("核查機構郵政編碼", "核查机构邮政编码"),
    "verifier_country": ("核查機構國家", "核查机构国家"),
    "verifier_representative": ("核查機構授權代表", "核查机构授权代表"),
    "verifier_email": ("核查機構電郵", "核查机构电子邮件"),
    "verifier_phone": ("核查機構電話", "核查机构电话"),
    "verifier_accreditation_state": ("認可成員國", "认可成员国"),
    "verifier_accreditation_body": ("國家認可機構", "国家认可机构"),
    "verifier_registration_number": ("認可註冊編號", "认可注册编号"),
    "general": ("數據質量", "数据质量"),
    "default_justification": ("使用默認值的理由", "使用默认值的理由"),
    "quality_assurance": ("質量保證", "质量保证"),
    "indirect_total": ("裝置間接排放總量 (t CO2e)", "装置间接排放总量 (t CO2e)"),
}
PAIR_HEADER = {"en": ("field", "value"), "zh-Hant": ("欄位", "數值"), "zh-Hans": ("字段", "数值")}
_INDEX = {"zh-Hant": 0, "zh-Hans": 1}


def column_label(key: str, lang: str) -> str:
    """The header of column `key` in `lang` (the key itself in English)."""
    return COLUMN_LABELS[key][_INDEX[lang]] if lang in _INDEX else key


def field_label(key: str, lang: str) -> str:
    """The name of field `key` on a field/value sheet in `lang`."""
    return FIELD_LABELS[key][_INDEX[lang]] if lang in _INDEX else key


def column_keys(keys) -> dict[str, str]:
    """Folded header text in any language -> column key, for one table's keys."""
    return _keys(keys, COLUMN_LABELS)


def field_keys(keys) -> dict[str, str]:
    """Folded field name in any language -> field key, for one sheet's fields."""
    return _keys(keys, FIELD_LABELS)


def _keys(keys, labels: dict[str, tuple[str, str]]) -> dict[str, str]:
    out = {}
    for key in keys:
        out[fold(key).replace(" ", "_")] = key
        for text in labels.get(key, ()):
            out[fold(text)] = key
    return out


INSTRUCTIONS = {
    "en": (
        "CBAM installation workbook: how to fill it in",
        "One sheet per table; keep the header in row 1. Columns may be re-ordered; extra "
        "columns are ignored. Do not leave example rows in the tables.",
        "Headers may be in English, Traditional or Simplified Chinese (carbonaudit template "
        "installation --lang zh-Hant | zh-Hans); drop-down values keep the Commission "
        "template's English spellings, the only ones the official template takes.",
        "Installation and DataQuality: one value per field in column B. Country: a name or "
        "ISO code (China or CN). Dates: 2026-01-01.",
        "SourceStreams: method Combustion / Process emissions / Mass Balance; AD unit t or "
        "1000Nm3; EF unit tCO2/TJ (then NCV in GJ/t or GJ/1000Nm3 is required), tCO2/t or "
        "tCO2/1000Nm3. OxF, ConvF and biomass in % (blank = 100 % / 0 %). Example: "
        "Combustion | Natural gas | 1850 | 1000Nm3 | 34.5 | 56.1 | tCO2/TJ.",
        "Mobile machinery (forklifts, trucks) is outside the CBAM installation boundary: "
        "leave it out.",
        "Processes: id (P1…), unique name, aggregated goods category, included categories "
        "separated by ';' (or 'Only direct production'). Electricity EF source: D.4(a), "
        "D.4(b), D.4.1, D.4.2, D.4.3.1, D.4.3.2 or Mix.",
        "Production: one row per process and route, e.g. P1 | All production routes | 4200. "
        "Purchases: the same for precursors, e.g. PP1 | Electric arc furnace | 4400.",
        "ProcessFlows: from (a process or precursor id or name) | to (a process) | tonnes, "
        "e.g. PP1 | P1 | 4350.",
        "Products: process, 8-digit CN code as text (73181558), name; qualifying parameters "
        "as 'name=value; name=value' (e.g. '% Mn=0.6'); carbon price columns cp_… optional.",
    ),
    "zh-Hant": (
        "CBAM 裝置數據工作簿：填寫說明",
        "每個工作表是一個表格；請保留第 1 行的欄位名稱。欄位次序可以調整，多餘欄位會被忽略。",
        "欄位名稱可用中文或英文（見名稱上的批註）；下拉選單的選項保留歐盟委員會範本的英文寫法，"
        "因為官方範本及登記系統只接受這些寫法。",
        "Installation 與 DataQuality：每個欄位的數值填在 B 欄。國家可填名稱或 ISO 代碼"
        "（China 或 CN）。日期格式 2026-01-01。",
        "SourceStreams：方法 Combustion / Process emissions / Mass Balance；活動數據單位 t 或 "
        "1000Nm3；排放因子單位 tCO2/TJ（須填低位發熱量）、tCO2/t 或 tCO2/1000Nm3。",
        "流動機械（叉車、貨車）不屬於 CBAM 裝置邊界，請勿填入。",
        "Processes：編號（P1…）、唯一名稱、商品類別；Production 每行一個工序及路線的產量；"
        "ProcessFlows：來源（工序或前體）、去向工序、噸數。",
        "Products：工序、8 位 CN 編碼（文字）、產品名稱；碳價欄位 cp_… 選填。",
    ),
    "zh-Hans": (
        "CBAM 装置数据工作簿：填写说明",
        "每个工作表是一个表格；请保留第 1 行的列名。列的次序可以调整，多余的列会被忽略。",
        "列名可用中文或英文（见列名上的批注）；下拉选项保留欧盟委员会模板的英文写法，"
        "因为官方模板及登记系统只接受这些写法。",
        "Installation 与 DataQuality：每个字段的数值填在 B 列。国家可填名称或 ISO 代码"
        "（China 或 CN）。日期格式 2026-01-01。",
        "SourceStreams：方法 Combustion / Process emissions / Mass Balance；活动数据单位 t 或 "
        "1000Nm3；排放因子单位 tCO2/TJ（须填低位发热量）、tCO2/t 或 tCO2/1000Nm3。",
        "移动机械（叉车、货车）不属于 CBAM 装置边界，请勿填入。",
        "Processes：编号（P1…）、唯一名称、商品类别；Production 每行一个工序及路线的产量；"
        "ProcessFlows：来源（工序或前体）、去向工序、吨数。",
        "Products：工序、8 位 CN 编码（文本）、产品名称；碳价列 cp_… 选填。",
    ),
}
