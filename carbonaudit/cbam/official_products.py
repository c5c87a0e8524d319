"""The official template's products: Summary_Products rows.

Each row: process, CN code, product name, qualifying parameters and carbon price.

Part of the v2.1.1 reader (`official.read_official` calls `read_products`).
"""

from __future__ import annotations

from carbonaudit.cbam import reference
from carbonaudit.cbam.cells import Cells, cn_cell
from carbonaudit.cbam.model import CarbonPrice, Process, Product, Where
from carbonaudit.cbam.reference import fold
from carbonaudit.cbam.template_layout import (
    CARBON_PRICE_COLS,
    CARBON_PRICE_TYPES,
    PRODUCT_ROWS,
    QUALIFYING_COLS,
    REBATE_TYPES,
)
from carbonaudit.findings import error


def read_products(cells: Cells, processes: list[Process]) -> list[Product]:
    sheet = "Summary_Products"
    names = {fold(p.name): p.name for p in processes}
    labels = {col: cells.text(sheet, f"{col}8") or col for col in QUALIFYING_COLS}
    products = []
    for row in PRODUCT_ROWS:
        inputs = ("D", "F", "H", *QUALIFYING_COLS, *CARBON_PRICE_COLS.values())
        if all(cells.blank(sheet, f"{c}{row}") for c in inputs):
            continue
        where = Where(row=cells.loc(sheet, f"D{row}"))
        for name, col in (("process", "D"), ("cn_code", "F"), ("name", "H")):
            where.fields[name] = cells.loc(sheet, f"{col}{row}")
        process = _product_process(cells, sheet, f"D{row}", names)
        qualifying = {}
        for col in QUALIFYING_COLS:
            value = cells.raw(sheet, f"{col}{row}")
            if value is not None:
                qualifying[labels[col]] = value
                where.fields[f"qualifying.{labels[col]}"] = cells.loc(sheet, f"{col}{row}")
        products.append(Product(
            process=process or "", cn_code=cn_cell(cells, sheet, f"F{row}"),
            name=cells.text(sheet, f"H{row}"), qualifying=qualifying,
            carbon_price=_carbon_price(cells, sheet, row, where), where=where))
    return products


def _product_process(cells: Cells, sheet: str, ref: str, names: dict[str, str]) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    if fold(text) in names:
        return names[fold(text)]
    cells.findings.append(error(
        "cbam-read-unknown-process",
        f"product names process {text!r}, which is not a production process in A_InstData",
        cells.loc(sheet, ref)))
    return text


def _carbon_price(cells: Cells, sheet: str, row: int, where: Where) -> CarbonPrice | None:
    if all(cells.blank(sheet, f"{c}{row}") for c in CARBON_PRICE_COLS.values()):
        return None
    values = {}
    for name, col in CARBON_PRICE_COLS.items():
        ref = f"{col}{row}"
        where.fields[f"carbon_price.{name}"] = cells.loc(sheet, ref)
        if name == "instrument":
            values[name] = cells.choice(sheet, ref, CARBON_PRICE_TYPES, "carbon price type")
        elif name == "rebate_type":
            values[name] = cells.choice(sheet, ref, REBATE_TYPES, "rebate type")
        elif name == "currency":
            values[name] = cells.choice(sheet, ref, tuple(reference.currencies()), "currency")
        else:
            values[name] = cells.number(sheet, ref)
    return CarbonPrice(**values)
