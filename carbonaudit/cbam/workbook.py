"""carbonaudit's own CBAM installation workbook: a blank template, a writer and a reader.

The official Commission template is one fixed grid of 19 sheets; ours is a set of plain tables
(one header row, one record per row) that a factory's staff can fill in, sort and paste into:

    Installation   field | value   (name, address, country, UNLOCODE, coordinates, period,
                                    verifier)
    SourceStreams  B_EmInst (a)    PFC  B_EmInst (b)    CEMS  B_EmInst (c)
    Processes      one row per production process (A_InstData 4(b) + D_Processes scalars)
    Production     process | route | quantity   (D_Processes (a), long format)
    Precursors     one row per purchased precursor (A_InstData 5 + E_PurchPrec scalars)
    Purchases      precursor | route | quantity (E_PurchPrec (a))
    ProcessFlows   from | to | quantity: a process's output consumed by another process
                   (D_Processes (c)) or a precursor consumed by a process (E_PurchPrec (b))
    Products       process | cn_code | name | qualifying | carbon price columns
    DataQuality    field | value
    Instructions   English, Traditional and Simplified Chinese, with the examples
    Lists          hidden; the dropdown sources

Columns are found by their header (case-insensitive), so re-ordered columns still read.  No
example row sits in the data area: examples are on the Instructions sheet, so nothing has to
be skipped.  Processes and precursors may be referred to by id or by name.  Every bad cell
becomes a finding at its cell (codes shared with `official`: `cbam-read-…`, plus
`cbam-read-sheet-missing`, `cbam-read-unknown-column`, `cbam-read-unknown-reference`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

from carbonaudit.cbam import official as o
from carbonaudit.cbam import reference
from carbonaudit.cbam.model import (
    CarbonPrice,
    CemsSource,
    DataQuality,
    Installation,
    PfcSource,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
    Verifier,
    Where,
)
from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning
from carbonaudit.templates.workbooks import LANGS, atomic_workbook

SOURCE_KIND = "carbonaudit"
MARKER_SHEETS = ("Installation", "Processes")
PINNED_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)

# Field names on the two key/value sheets: (field, model attribute path, kind)
INSTALLATION_FIELDS = (
    ("name", "name", "text"), ("name_local", "name_local", "text"),
    ("street", "street", "text"), ("economic_activity", "economic_activity", "text"),
    ("post_code", "post_code", "text"), ("po_box", "po_box", "text"),
    ("city", "city", "text"), ("country", "country", "country"),
    ("unlocode", "unlocode", "text"), ("latitude", "latitude", "number"),
    ("longitude", "longitude", "number"), ("representative", "representative", "text"),
    ("email", "email", "text"), ("phone", "phone", "text"),
    ("period_start", "period_start", "date"), ("period_end", "period_end", "date"),
    *((f"verifier_{n}", f"verifier.{n}", "text") for n in (
        "name", "street", "city", "post_code", "country", "representative", "email",
        "phone", "accreditation_state", "accreditation_body", "registration_number")),
)
DQ_FIELDS = (("general", "list:quality"), ("default_justification", "list:justification"),
             ("quality_assurance", "list:assurance"), ("indirect_total", "number"))

# Table sheets: column -> kind.  Kinds: text, number, bool, list:<name>, good, country, id.
TABLES: dict[str, dict[str, str]] = {
    "SourceStreams": {
        "id": "text", "method": "list:method", "name": "text", "activity_data": "number",
        "ad_unit": "list:ad_unit", "ncv": "number", "ef": "number", "ef_unit": "list:ef_unit",
        "carbon_content": "number", "oxidation_factor": "number",
        "conversion_factor": "number", "biomass": "number"},
    "PFC": {
        "id": "text", "method": "list:pfc_method", "technology": "text",
        "production_t": "number", "frequency": "number", "duration": "number",
        "sef_cf4": "number", "aeo": "number", "current_efficiency": "number", "ovc": "number",
        "f_c2f6": "number", "collection_efficiency": "number"},
    "CEMS": {
        "id": "text", "name": "text", "gas": "list:gas", "biomass": "number",
        "concentration": "number", "hours": "number", "flow": "number"},
    "Processes": {
        "id": "text", "name": "text", "good": "good", "included": "included",
        "to_market": "number", "non_cbam": "number", "heat_relevant": "bool",
        "waste_gas_relevant": "bool", "direct_emissions": "number",
        "heat_imported": "number", "heat_imported_ef": "number", "heat_exported": "number",
        "heat_exported_ef": "number", "waste_gas_imported": "number",
        "waste_gas_exported": "number", "electricity_consumed": "number",
        "electricity_ef": "number", "electricity_ef_source": "list:elec_source",
        "electricity_exported": "number", "electricity_exported_ef": "number"},
    "Production": {"process": "text", "route": "text", "quantity": "number"},
    "Precursors": {
        "id": "text", "name": "text", "good": "good", "country": "country",
        "routes": "text", "other_uses": "number", "see_direct": "number",
        "see_direct_source": "list:see_source", "specific_electricity": "number",
        "specific_electricity_source": "list:see_source", "electricity_ef": "number",
        "electricity_ef_source": "list:elec_source", "justification": "text"},
    "Purchases": {"precursor": "text", "route": "text", "quantity": "number"},
    "ProcessFlows": {"from": "text", "to": "text", "quantity": "number"},
    "Products": {
        "process": "text", "cn_code": "text", "name": "text", "qualifying": "text",
        "cp_instrument": "list:cp_type", "cp_share_covered": "number",
        "cp_currency": "list:currency", "cp_price_due_per_t": "number",
        "cp_rebate_type": "list:rebate_type", "cp_rebate_share": "number",
        "cp_rebate_per_t": "number"},
}
CARBON_PRICE_FIELDS = ("instrument", "share_covered", "currency", "price_due_per_t",
                       "rebate_type", "rebate_share", "rebate_per_t")

# Dropdown vocabularies: the template's spellings (methods and units exactly as in v2.1.1).
LISTS: dict[str, tuple[str, ...]] = {
    "method": tuple(o.METHOD_SPELLING), "ad_unit": o.AD_UNITS, "ef_unit": o.EF_UNITS,
    "pfc_method": tuple(o.PFC_SPELLING), "gas": ("CO2", "N2O"),
    "good": tuple(reference.goods()), "elec_source": o.ELEC_SOURCES,
    "see_source": o.SEE_SOURCES, "bool": ("TRUE", "FALSE"),
    "quality": o.DATA_QUALITY, "justification": o.JUSTIFICATIONS,
    "assurance": o.QUALITY_ASSURANCE, "cp_type": o.CARBON_PRICE_TYPES,
    "rebate_type": o.REBATE_TYPES, "currency": (),  # filled lazily (reference data)
    "country": (),
}


def _list(name: str) -> tuple[str, ...]:
    if name == "currency":
        return tuple(reference.currencies())
    if name == "country":
        return tuple(sorted(c.name for c in reference.countries().values()))
    if name == "included":
        return (o.ONLY_DIRECT, *reference.goods())
    return LISTS[name]


# --------------------------------------------------------------------------- writing

def write_installation_template(path: Path | str, lang: str = "en", *,
                                overwrite: bool = False) -> Path:
    """Write a blank installation workbook (tables, Instructions, hidden Lists)."""
    return write_installation_workbook(path, None, lang=lang, overwrite=overwrite)


def write_installation_workbook(path: Path | str, inst: Installation | None = None, *,
                                lang: str = "en", overwrite: bool = False,
                                created: dt.datetime = PINNED_DATE) -> Path:
    """Write the workbook, with `inst`'s data when given (samples, exports).

    The created date is pinned so the same input gives byte-identical files.
    """
    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    path = Path(path)
    props = {"title": "CBAM installation data", "author": "carbonaudit", "created": created}
    with atomic_workbook(path, overwrite=overwrite, properties=props) as wb:
        fmt = _formats(wb)
        instructions = wb.add_worksheet("Instructions")
        sheets = {"Installation": wb.add_worksheet("Installation")}
        for name in ("SourceStreams", "PFC", "CEMS", "Processes", "Production", "Precursors",
                     "Purchases", "ProcessFlows", "Products"):
            sheets[name] = wb.add_worksheet(name)
        sheets["DataQuality"] = wb.add_worksheet("DataQuality")
        lists = wb.add_worksheet("Lists")
        ranges = _write_lists(lists)
        lists.hide()
        _write_key_values(sheets["Installation"], fmt, ranges, _installation_rows(inst),
                          INSTALLATION_FIELDS)
        dq_fields = tuple((n, n, k) for n, k in DQ_FIELDS)
        _write_key_values(sheets["DataQuality"], fmt, ranges, _dq_rows(inst), dq_fields)
        rows = _table_rows(inst)
        for name, columns in TABLES.items():
            _write_table(sheets[name], fmt, ranges, columns, rows.get(name, []))
        _write_instructions(instructions, fmt, lang)
        sheets["Installation"].activate()
    return path


def _formats(wb) -> dict:
    return {
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "text": wb.add_format({"num_format": "@"}),
    }


def _write_lists(sheet) -> dict[str, str]:
    ranges = {}
    names = [*LISTS, "included"]
    for col, name in enumerate(names):
        values = _list(name)
        sheet.write_string(0, col, f"{name} list")
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        letter = column_letter(col)
        ranges[name] = f"=Lists!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return ranges


def _validation(kind: str, ranges: dict[str, str]) -> dict | None:
    if kind.startswith("list:"):
        return {"validate": "list", "source": ranges[kind[5:]], "error_type": "warning"}
    if kind == "good":
        return {"validate": "list", "source": ranges["good"], "error_type": "warning"}
    if kind == "country":
        return {"validate": "list", "source": ranges["country"], "error_type": "warning"}
    if kind == "bool":
        return {"validate": "list", "source": ["TRUE", "FALSE"], "error_type": "warning"}
    if kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": -1e12,
                "maximum": 1e12, "error_type": "warning", "error_title": "Not a number",
                "error_message": "Enter a number such as 1234.5"}
    return None


def _write_key_values(sheet, fmt, ranges, values: dict[str, object], fields) -> None:
    sheet.write_row(0, 0, ("field", "value"), fmt["header"])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    for row, (field, _attr, kind) in enumerate(fields, start=1):
        sheet.write_string(row, 0, field)
        rule = _validation(kind, ranges)
        if rule:
            sheet.data_validation(row, 1, row, 1, rule)
        _write_value(sheet, row, 1, values.get(field), fmt)
    sheet.freeze_panes(1, 0)


def _write_table(sheet, fmt, ranges, columns: dict[str, str], rows: list[dict]) -> None:
    for col, (name, kind) in enumerate(columns.items()):
        sheet.write_string(0, col, name, fmt["header"])
        sheet.set_column(col, col, 30 if kind in ("text", "good", "included") else 16,
                         fmt["text"] if name == "cn_code" else None)
        rule = _validation(kind, ranges)
        if rule:
            sheet.data_validation(1, col, 1000, col, rule)
    for r, record in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            _write_value(sheet, r, col, record.get(name), fmt)
    sheet.freeze_panes(1, 0)


def _write_value(sheet, row: int, col: int, value: object, fmt) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt["date"])
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def _installation_rows(inst: Installation | None) -> dict[str, object]:
    if inst is None:
        return {}
    values = {}
    for field, attr, kind in INSTALLATION_FIELDS:
        obj = inst.site
        if attr.startswith("verifier."):
            obj, attr = inst.site.verifier, attr.split(".", 1)[1]
        value = getattr(obj, attr)
        if kind == "country" and value and reference.find_country(value):
            value = reference.find_country(value).name
        values[field] = value
    return values


def _dq_rows(inst: Installation | None) -> dict[str, object]:
    if inst is None:
        return {}
    return {n: getattr(inst.data_quality, n) for n, _ in DQ_FIELDS}


def _table_rows(inst: Installation | None) -> dict[str, list[dict]]:
    if inst is None:
        return {}
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for name, items in (("SourceStreams", inst.streams), ("PFC", inst.pfc),
                        ("CEMS", inst.cems)):
        for item in items:
            record = {c: getattr(item, c) for c in TABLES[name]}
            if name == "SourceStreams":
                record["method"] = _spell(o.METHOD_SPELLING, item.method)
            if name == "PFC":
                record["method"] = _spell(o.PFC_SPELLING, item.method)
            rows[name].append(record)
    for proc in inst.processes:
        record = {c: getattr(proc, c) for c in TABLES["Processes"] if c != "included"}
        record["included"] = "; ".join(proc.included) or None
        rows["Processes"].append(record)
        rows["Production"] += [{"process": proc.id, "route": r, "quantity": q}
                               for r, q in proc.production.items()]
        rows["ProcessFlows"] += [{"from": proc.id, "to": _id_of(inst, t), "quantity": q}
                                 for t, q in proc.consumed_in.items()]
    for prec in inst.precursors:
        record = {c: getattr(prec, c) for c in TABLES["Precursors"] if c != "routes"}
        record["routes"] = "; ".join(prec.routes) or None
        rows["Precursors"].append(record)
        rows["Purchases"] += [{"precursor": prec.id, "route": r, "quantity": q}
                              for r, q in prec.purchased.items()]
        rows["ProcessFlows"] += [{"from": prec.id, "to": _id_of(inst, t), "quantity": q}
                                 for t, q in prec.consumed_in.items()]
    for product in inst.products:
        record = {"process": product.process, "cn_code": product.cn_code,
                  "name": product.name,
                  "qualifying": "; ".join(f"{k}={v}" for k, v in product.qualifying.items())
                  or None}
        if product.carbon_price:
            record |= {f"cp_{f}": getattr(product.carbon_price, f) for f in CARBON_PRICE_FIELDS}
        rows["Products"].append(record)
    return rows


def _spell(table: dict[str, str], key: str | None) -> str | None:
    return next((k for k, v in table.items() if v == key), key)


def _id_of(inst: Installation, name: str) -> str:
    return next((p.id for p in inst.processes if p.name == name), name)


# --------------------------------------------------------------------------- instructions

_INSTRUCTIONS = {
    "en": (
        "CBAM installation workbook: how to fill it in",
        "One sheet per table; keep the header in row 1. Columns may be re-ordered; extra "
        "columns are ignored. Do not leave example rows in the tables.",
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


def _write_instructions(sheet, fmt, lang: str) -> None:
    sheet.set_column(0, 0, 140, fmt["wrap"])
    row = 0
    for code in [lang, *(c for c in LANGS if c != lang)]:
        title, *lines = _INSTRUCTIONS[code]
        sheet.write_string(row, 0, title, fmt["title"])
        for line in lines:
            row += 1
            sheet.write_string(row, 0, line)
        row += 2


# --------------------------------------------------------------------------- reading

def is_installation_workbook(names: list[str]) -> bool:
    return all(n in names for n in MARKER_SHEETS)


def read_installation_workbook(path: Path | str) -> tuple[Installation, list[Finding]]:
    """Read our installation workbook into an Installation plus findings."""
    shown = str(path)
    path = Path(path)
    sheets = o.load_sheets(path, shown)
    if not is_installation_workbook(list(sheets)):
        raise InputUnreadable(shown, "this is not a carbonaudit installation workbook "
                              "(no Installation/Processes sheets)")
    cells = o.Cells(path, shown, sheets)
    inst = Installation(site=_read_site(cells), source_kind=SOURCE_KIND, source_path=shown)
    inst.data_quality = _read_dq(cells)
    tables = {name: _Table(cells, name) for name in TABLES}
    inst.streams = [_stream(t, r) for t in [tables["SourceStreams"]] for r in t.rows()]
    inst.pfc = [_pfc(t, r) for t in [tables["PFC"]] for r in t.rows()]
    inst.cems = [_cems(t, r) for t in [tables["CEMS"]] for r in t.rows()]
    inst.processes = _processes(tables["Processes"])
    inst.precursors = _precursors(tables["Precursors"], inst.processes)
    _production(tables["Production"], inst.processes, "process", "production")
    _production(tables["Purchases"], inst.precursors, "precursor", "purchased")
    _flows(tables["ProcessFlows"], inst)
    inst.products = _products(tables["Products"], inst.processes)
    inst.goods = _goods(inst.processes)
    return inst, cells.findings


def _goods(processes):
    from carbonaudit.cbam.fill import (
        goods_from_processes,  # the derivation fill uses, so both agree
    )

    return goods_from_processes(processes)


def _key_values(cells: o.Cells, sheet: str) -> dict[str, str]:
    """field name -> value cell (`B7`) on a field/value sheet."""
    rows = cells.sheets.get(sheet)
    if rows is None:
        cells.findings.append(error("cbam-read-sheet-missing", f"sheet {sheet!r} is missing",
                                    Location(cells.file, sheet)))
        return {}
    refs = {}
    for r, line in enumerate(rows, start=1):
        if line and isinstance(line[0], str) and line[0].strip():
            refs[o.fold(line[0])] = f"B{r}"
    return refs


def _read_site(cells: o.Cells) -> Site:
    sheet = "Installation"
    refs = _key_values(cells, sheet)
    site = Site(verifier=Verifier())
    for field, attr, kind in INSTALLATION_FIELDS:
        ref = refs.get(field)
        if ref is None:
            continue
        obj = site
        if attr.startswith("verifier."):
            obj, attr = site.verifier, attr.split(".", 1)[1]
        site.where.fields[attr if obj is site else f"verifier.{attr}"] = cells.loc(sheet, ref)
        setattr(obj, attr, _convert(cells, sheet, ref, kind))
    site.where.row = cells.loc(sheet, refs.get("name", "B2"))
    return site


def _read_dq(cells: o.Cells) -> DataQuality:
    sheet = "DataQuality"
    if sheet not in cells.sheets:
        return DataQuality()
    refs = _key_values(cells, sheet)
    dq = DataQuality()
    for field, kind in DQ_FIELDS:
        if field in refs:
            dq.where.fields[field] = cells.loc(sheet, refs[field])
            setattr(dq, field, _convert(cells, sheet, refs[field], kind))
    return dq


def _convert(cells: o.Cells, sheet: str, ref: str, kind: str) -> object:
    if kind == "number":
        return cells.number(sheet, ref)
    if kind == "date":
        return cells.date(sheet, ref)
    if kind == "bool":
        return cells.boolean(sheet, ref)
    if kind == "country":
        return o._country(cells, sheet, ref)
    if kind == "good":
        return o._good(cells, sheet, ref)
    if kind == "list:method":
        options = {**o.METHOD_SPELLING, **{v: v for v in o.METHOD_SPELLING.values()}}
        return cells.choice(sheet, ref, options, "method")
    if kind == "list:pfc_method":
        options = {**o.PFC_SPELLING, **{v: v for v in o.PFC_SPELLING.values()}}
        return cells.choice(sheet, ref, options, "PFC method")
    if kind.startswith("list:"):
        name = kind[5:]
        return cells.choice(sheet, ref, _list(name), name.replace("_", " "))
    return cells.text(sheet, ref)


class _Table:
    """A header-addressed table: column by folded header name."""

    def __init__(self, cells: o.Cells, name: str) -> None:
        self.cells, self.name = cells, name
        self.kinds = TABLES[name]
        rows = cells.sheets.get(name)
        self.lines = rows or []
        self.columns: dict[str, str] = {}
        if rows is None:
            cells.findings.append(info("cbam-read-sheet-missing",
                                       f"sheet {name!r} is missing; read as empty",
                                       Location(cells.file, name)))
            return
        header = rows[0] if rows else []
        unknown = []
        for c, label in enumerate(header):
            key = o.fold(label).replace(" ", "_") if isinstance(label, str) else ""
            if key in self.kinds:
                self.columns[key] = column_letter(c)
            elif key:
                unknown.append((c, label))
        missing = [k for k in self.kinds if k not in self.columns]
        for c, label in unknown:
            near = difflib.get_close_matches(o.fold(label).replace(" ", "_"), missing, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            cells.findings.append(info(
                "cbam-read-unknown-column", f"column {label!r} is not used{hint}",
                Location(cells.file, name, f"{column_letter(c)}1")))
        if missing and len(rows) > 1:
            # One finding for the header, so that the empty cells every row then reports
            # have their cause named once.
            cells.findings.append(warning(
                "cbam-read-missing-column",
                f"the header row has no {', '.join(repr(m) for m in missing)} column; "
                "those values are read as empty on every row (the column names of "
                "`carbonaudit template installation` are expected)",
                Location(cells.file, name, "A1")))

    def rows(self) -> list[int]:
        """Sheet row numbers that hold any value in a known column."""
        return [r for r in range(2, len(self.lines) + 1)
                if any(not self.cells.blank(self.name, f"{c}{r}")
                       for c in self.columns.values())]

    def ref(self, column: str, row: int) -> str | None:
        col = self.columns.get(column)
        return f"{col}{row}" if col else None

    def loc(self, column: str, row: int) -> Location:
        return self.cells.loc(self.name, self.ref(column, row) or f"A{row}")

    def get(self, column: str, row: int) -> object:
        ref = self.ref(column, row)
        if ref is None:
            return None
        kind = self.kinds[column]
        if kind == "included":
            text = self.cells.text(self.name, ref)
            return [s.strip() for s in (text or "").split(";") if s.strip()]
        return _convert(self.cells, self.name, ref, kind)

    def record(self, row: int, skip: tuple[str, ...] = ()) -> tuple[dict, Where]:
        values = {c: self.get(c, row) for c in self.kinds if c not in skip}
        where = Where(row=self.cells.loc(self.name, f"A{row}"),
                      fields={c: self.loc(c, row) for c in self.columns if c not in skip})
        return values, where


def _stream(t: _Table, row: int) -> SourceStream:
    values, where = t.record(row)
    values["id"] = values["id"] or f"SS{row - 1}"
    return SourceStream(where=where, **values)


def _pfc(t: _Table, row: int) -> PfcSource:
    values, where = t.record(row)
    values["id"] = values["id"] or f"PFC{row - 1}"
    return PfcSource(where=where, **values)


def _cems(t: _Table, row: int) -> CemsSource:
    values, where = t.record(row)
    values["id"] = values["id"] or f"CEMS{row - 1}"
    return CemsSource(where=where, **values)


def _processes(t: _Table) -> list[Process]:
    processes, seen = [], {}
    for n, row in enumerate(t.rows(), start=1):
        values, where = t.record(row)
        ident = values.pop("id") or f"P{n}"
        name = _record_name(t, row, ident, values.pop("name"), values.get("good"))
        _check_unique(t, row, ident, name, seen)
        processes.append(Process(ident, name, where=where, **values))
    return processes


def _record_name(t: _Table, row: int, ident: str, name: str | None, good: str | None) -> str:
    """The typed name, or the template's stand-in "<ID> - <category>" with an error: the
    official template shows 'Incomplete!' for a record without a name."""
    if name is not None:
        return name
    name = f"{ident} - {good or ''}".rstrip(" -")
    t.cells.findings.append(error("cbam-read-unnamed",
                                  f"{ident} has no name (the official template shows "
                                  f"'Incomplete!'); give it one; until then it is read as "
                                  f"{name!r}", t.loc("name", row)))
    return name


def _check_unique(t: _Table, row: int, ident: str, name: str, seen: dict[str, str]) -> None:
    for key, what in ((o.fold(name), "name"), (o.fold(ident), "id")):
        if key in seen:
            t.cells.findings.append(error(
                "cbam-read-duplicate-name",
                f"{what} {(name if what == 'name' else ident)!r} of {ident} is already used by "
                f"{seen[key]}; processes and precursors are linked by name, so each must be "
                "unique", t.loc(what, row)))
        else:
            seen[key] = ident


def _precursors(t: _Table, processes: list[Process]) -> list[Precursor]:
    result = []
    seen = {o.fold(p.name): p.id for p in processes} | {o.fold(p.id): p.id for p in processes}
    for k, row in enumerate(t.rows(), start=1):
        values, where = t.record(row)
        ident = values.pop("id") or f"PP{k}"
        name = _record_name(t, row, ident, values.pop("name"), values.get("good"))
        _check_unique(t, row, ident, name, seen)
        routes = _precursor_routes(t, row, values.pop("routes"), values.get("good"))
        result.append(Precursor(ident, name, values.pop("good"), values.pop("country"),
                                routes, where=where, **values))
    return result


def _precursor_routes(t: _Table, row: int, text: str | None, good: str | None) -> list[str]:
    """'Route A; Route B' as the good's own route names; one that is not its route is an
    error at the cell, as the template's 'Inconsistent!' (A_InstData N102)."""
    known = reference.goods()[good].routes if good in reference.goods() else ()
    routes = []
    for given in (s.strip() for s in (text or "").split(";") if s.strip()):
        match = next((r for r in known if o.fold(r) == o.fold(given)), None)
        if match is None and known:
            t.cells.findings.append(error(
                "cbam-read-unknown-route",
                f"route {given!r} is not a production route of {good!r} ({', '.join(known)})",
                t.loc("routes", row)))
            continue
        routes.append(match or given)
    return routes


def _lookup(records: list, text: str | None) -> object | None:
    if text is None:
        return None
    key = o.fold(text)
    return next((r for r in records if o.fold(r.id) == key or o.fold(r.name) == key), None)


def _unknown(t: _Table, column: str, row: int, text: str, what: str) -> None:
    t.cells.findings.append(error(
        "cbam-read-unknown-reference", f"{text!r} is not the id or name of any {what}",
        t.loc(column, row)))


def _production(t: _Table, owners: list, column: str, attr: str) -> None:
    for row in t.rows():
        text = t.get(column, row)
        owner = _lookup(owners, text)
        if owner is None:
            _unknown(t, column, row, str(text), column)
            continue
        route = t.get("route", row) or o.ALL_ROUTES
        known = reference.goods()[owner.good].routes if owner.good in reference.goods() else ()
        match = next((r for r in known if o.fold(r) == o.fold(route)), None)
        if known and match is None:
            t.cells.findings.append(error(
                "cbam-read-unknown-route",
                f"route {route!r} is not a production route of {owner.good!r} "
                f"({', '.join(known)})", t.loc("route", row)))
            continue
        getattr(owner, attr)[match or route] = t.get("quantity", row)
        owner.where.fields[f"{attr}.{match or route}"] = t.loc("quantity", row)


def _flows(t: _Table, inst: Installation) -> None:
    for row in t.rows():
        source_text, target_text = t.get("from", row), t.get("to", row)
        source = _lookup(inst.processes, source_text) or _lookup(inst.precursors, source_text)
        target = _lookup(inst.processes, target_text)
        if source is None:
            _unknown(t, "from", row, str(source_text), "process or precursor")
            continue
        if target is None or target is source:
            _unknown(t, "to", row, str(target_text), "other process")
            continue
        source.consumed_in[target.name] = t.get("quantity", row)
        source.where.fields[f"consumed_in.{target.name}"] = t.loc("quantity", row)


def _products(t: _Table, processes: list[Process]) -> list[Product]:
    products = []
    for row in t.rows():
        values, where = t.record(row)
        proc = _lookup(processes, values["process"])
        if proc is None and values["process"] is not None:
            _unknown(t, "process", row, str(values["process"]), "process")
        ref = t.ref("cn_code", row)
        cn = o._cn_code(t.cells, t.name, ref) if ref else None
        cp = {f: values.get(f"cp_{f}") for f in CARBON_PRICE_FIELDS}
        products.append(Product(
            process=proc.name if proc else (values["process"] or ""), cn_code=cn,
            name=values["name"], qualifying=_qualifying(t, row, values["qualifying"]),
            carbon_price=CarbonPrice(**cp) if any(v is not None for v in cp.values())
            else None, where=where))
    return products


def _qualifying(t: _Table, row: int, text: str | None) -> dict[str, object]:
    result: dict[str, object] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            t.cells.findings.append(error(
                "cbam-read-not-in-list",
                f"qualifying parameter {part.strip()!r} must be written as name=value",
                t.loc("qualifying", row)))
            continue
        parsed = o._parse_number(value)
        result[name.strip()] = parsed if parsed is not None else value.strip()
    return result
