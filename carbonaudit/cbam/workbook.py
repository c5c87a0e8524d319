"""Writing carbonaudit's own CBAM installation workbook: the blank template and a filled copy.

The official Commission template is one fixed grid of 19 sheets; ours is a set of plain tables
(one header row, one record per row, layout in `workbook_layout`) that a factory's staff can
fill in, sort and paste into.  No example row sits in the data area: examples are on the
Instructions sheet, so nothing has to be skipped when it is read (`workbook_reader`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam import template_layout as layout
from carbonaudit.cbam.model import Installation
from carbonaudit.cbam.workbook_layout import (
    CARBON_PRICE_FIELDS,
    DQ_FIELDS,
    INSTALLATION_FIELDS,
    LISTS,
    PINNED_DATE,
    TABLES,
    list_values,
)
from carbonaudit.cbam.workbook_text import INSTRUCTIONS, PAIR_HEADER, column_label, field_label
from carbonaudit.errors import UsageError
from carbonaudit.findings import column_letter
from carbonaudit.outputs import atomic_workbook
from carbonaudit.templates.vocabulary import LANGS


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
                          INSTALLATION_FIELDS, lang)
        dq_fields = tuple((n, n, k) for n, k in DQ_FIELDS)
        _write_key_values(sheets["DataQuality"], fmt, ranges, _dq_rows(inst), dq_fields, lang)
        rows = _table_rows(inst)
        for name, columns in TABLES.items():
            _write_table(sheets[name], fmt, ranges, columns, rows.get(name, []), lang)
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
        values = list_values(name)
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


def _write_key_values(sheet, fmt, ranges, values: dict[str, object], fields,
                      lang: str = "en") -> None:
    sheet.write_row(0, 0, PAIR_HEADER[lang], fmt["header"])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    for row, (field, _attr, kind) in enumerate(fields, start=1):
        sheet.write_string(row, 0, field_label(field, lang))
        if lang != "en":
            sheet.write_comment(row, 0, field)
        rule = _validation(kind, ranges)
        if rule:
            sheet.data_validation(row, 1, row, 1, rule)
        _write_value(sheet, row, 1, values.get(field), fmt)
    sheet.freeze_panes(1, 0)


def _write_table(sheet, fmt, ranges, columns: dict[str, str], rows: list[dict],
                 lang: str = "en") -> None:
    for col, (name, kind) in enumerate(columns.items()):
        sheet.write_string(0, col, column_label(name, lang), fmt["header"])
        if lang != "en":
            sheet.write_comment(0, col, name)   # the English key, for bilingual teams
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
                record["method"] = _spell(layout.METHOD_SPELLING, item.method)
            if name == "PFC":
                record["method"] = _spell(layout.PFC_SPELLING, item.method)
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

def _write_instructions(sheet, fmt, lang: str) -> None:
    sheet.set_column(0, 0, 140, fmt["wrap"])
    row = 0
    for code in [lang, *(c for c in LANGS if c != lang)]:
        title, *lines = INSTRUCTIONS[code]
        sheet.write_string(row, 0, title, fmt["title"])
        for line in lines:
            row += 1
            sheet.write_string(row, 0, line)
        row += 2
