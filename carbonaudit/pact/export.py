"""Build PACT ProductFootprints (v2.3 or v3.0) from a result document and a products sheet.

Two inputs are understood: a CBAM communication (`from_cbam.py`) and a carbonaudit inventory
(`from_inventory.py`).  This module checks the input's shape (`input_shapes.py`), asks the
matching reader for a Basis per sheet row, reports sheet-wide problems (no products, a product
listed twice) and lets `footprint.py` build and validate each footprint; an inventory's
rejected rows are named on the footprints they may leave short (`rejected_rows.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from carbonaudit.errors import UsageError
from carbonaudit.findings import Finding, Location, error
from carbonaudit.pact.footprint import SPECS, build_footprint
from carbonaudit.pact.from_cbam import cbam_bases
from carbonaudit.pact.from_inventory import inventory_bases
from carbonaudit.pact.input_shapes import INPUT_SHAPES, input_shape_findings
from carbonaudit.pact.products import ProductSheet, products_from_records
from carbonaudit.pact.rejected_rows import rejected_findings
from carbonaudit.pact.validate import non_finite_findings


def export_footprints(result_doc: dict, products: ProductSheet | list[dict],
                      spec: str = "2.3", *, now: dt.datetime | str | None = None,
                      source: str | None = None) -> tuple[list[dict], list[Finding]]:
    """Footprints for every product row that has all it needs, and findings for the rest.

    `source` names the result document's file in findings about it.
    """
    if spec not in SPECS:
        raise UsageError(f"unknown PACT version {spec!r}; choose 2.3 or 3.0")
    sheet = products if isinstance(products, ProductSheet) else products_from_records(products)
    kind = result_doc.get("document_type") if isinstance(result_doc, dict) else None
    if kind not in INPUT_SHAPES:
        return [], [error("pact-unknown-input", "The result document is neither a carbonaudit "
                          "inventory (inventory.json) nor a CBAM communication "
                          "(cbam-communication.json).",
                          Location(file=source, pointer="/document_type"))]
    found = non_finite_findings(result_doc, source) or input_shape_findings(result_doc, kind,
                                                                              source)
    if found:  # NaN kg would become a footprint of "NaN"
        return [], found
    by_product = _product_rows(sheet)
    repeated = {r for rows in by_product.values() if len(rows) > 1 for r in rows}
    if kind == "cbam-communication":
        bases = cbam_bases(result_doc, sheet, spec, found)
    else:
        bases = inventory_bases(result_doc, sheet, found, repeated)
    # Findings about the result document (a JSON pointer, no file yet) name its file.
    found = [replace(f, location=replace(f.location, file=source))
             if f.location.pointer is not None and f.location.file is None else f
             for f in found]
    found += _sheet_problems(sheet, by_product)
    footprints, exported = [], []
    for row in sheet.rows:
        if row.row not in bases or row.row in repeated:
            continue
        fp, problems = build_footprint(row, bases[row.row], sheet, spec, now)
        found += problems
        if fp is not None:
            footprints.append(fp)
            exported.append(row)
    if kind == "carbonaudit.inventory":
        found += rejected_findings(result_doc, source, sheet, exported)
    return footprints, found


def _sheet_problems(sheet: ProductSheet, by_product: dict[str, list[int]]) -> list[Finding]:
    """A header with no product under it, and products listed twice."""
    if not sheet.rows and sheet.columns:  # (no header at all is already a finding)
        return [error("pact-sheet-no-products", "The products sheet has a header but no "
                      "product rows under it.", sheet.loc(None, "product_id"))]
    return [error("pact-sheet-duplicate-product", f"Product {first} is listed in rows "
                  f"{', '.join(map(str, rows))}; a product needs one row (its footprint id is "
                  "made from its first product id). None of them is exported.",
                  sheet.loc(next(r for r in sheet.rows if r.row == rows[1]), "product_id"))
            for first, rows in by_product.items() if len(rows) > 1]


def _product_rows(sheet: ProductSheet) -> dict[str, list[int]]:
    """Sheet rows by first product id (the footprint id is made from it)."""
    out: dict[str, list[int]] = {}
    for row in sheet.rows:
        ids = row.list("product_id")
        if ids:
            out.setdefault(ids[0], []).append(row.row)
    return out

