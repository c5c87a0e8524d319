"""The communication workbook an exporter sends to the EU importer, and its reader.

One row per product with every Summary_Communication field of the Commission template
(DOMAIN.md §1.10), plus the installation data and the methodology, written with xlsxwriter
from the validated communication document.  The column list below is the single definition
both the writer and the reader use, so `validate --kind cbam` can read a workbook we wrote
back into the document's shape and check it the same way as the JSON.

Text cells are written with `write_string`, so a product name such as `=HYPERLINK(...)` stays
text in Excel.  The workbook's creation date comes from the reporting period, not the clock,
so two runs give the same cells.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carbonaudit.findings import Finding, Location, column_letter, error

PRODUCT_SHEET = "Products"
INSTALLATION_SHEET = "Installation"
METHODOLOGY_SHEET = "Methodology"

# (header, key in a product dict, kind). Kind: text | number | pct | bool. Carbon price
# fields live in product["carbon_price"] and are addressed as "carbon_price.<key>".
PRODUCT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Production process", "process", "text"),
    ("Aggregated goods category", "good", "text"),
    ("CN code", "cn_code", "text"),
    ("CN name", "cn_name", "text"),
    ("Product name", "name", "text"),
    ("SEE direct (tCO2e/t)", "see_direct", "number"),
    ("SEE indirect (tCO2e/t)", "see_indirect", "number"),
    ("SEE indirect counted (tCO2e/t)", "see_indirect_counted", "number"),
    ("SEE total (tCO2e/t)", "see_total", "number"),              # direct + indirect
    ("SEE counted (tCO2e/t)", "see_counted", "number"),          # what the regime counts
    ("SEE counted: rule", "see_counted_rule", "text"),
    ("Unit", "unit", "text"),
    ("Indirect emissions counted", "indirect_counted", "bool"),
    ("Share of emissions from default values (%)", "share_default_pct", "number"),
    ("Source of electricity EF", "electricity_ef_source", "text"),
    ("Embedded electricity (MWh/t)", "embedded_electricity_mwh_per_t", "number"),
    ("Electricity EF (tCO2/MWh)", "electricity_ef", "number"),
    ("Qualifying parameters", "qualifying", "params"),
    ("Carbon price instrument", "carbon_price.instrument", "text"),
    ("Share of embedded emissions covered", "carbon_price.share_covered", "number"),
    ("Currency", "carbon_price.currency", "text"),
    ("Carbon price due per t product", "carbon_price.price_due_per_t", "number"),
    ("Rebate type", "carbon_price.rebate_type", "text"),
    ("Share covered by rebate", "carbon_price.rebate_share", "number"),
    ("Rebate per t product", "carbon_price.rebate_per_t", "number"),
    ("Effective carbon price per t product", "carbon_price.effective_per_t", "number"),
)

LEGACY_ABSENT = ("SEE counted (tCO2e/t)", "SEE counted: rule")
HEADER_NOTES = {
    "SEE total (tCO2e/t)": "SEE direct + SEE indirect, as the Regulation and the Commission "
                           "template define the total.",
    "SEE counted (tCO2e/t)": "What the period counts for certificates: SEE direct + the "
                             "indirect part counted (next column: the rule).",
}

INSTALLATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("Installation name (English)", "name"), ("Installation name (local)", "name_local"),
    ("Street and number", "street"), ("Economic activity", "economic_activity"),
    ("Post code", "post_code"), ("City", "city"), ("Country (ISO 3166)", "country"),
    ("UNLOCODE", "unlocode"), ("Latitude", "latitude"), ("Longitude", "longitude"),
    ("Authorised representative", "representative"), ("Email", "email"),
    ("Telephone", "phone"),
)
# The verifier section (A_InstData 3): pairs under the installation's, keys of "verifier".
VERIFIER_FIELDS: tuple[tuple[str, str], ...] = (
    ("Verifier", "name"), ("Verifier country", "country"),
    ("Verifier accreditation member state", "accreditation_state"),
    ("Verifier accreditation body", "accreditation_body"),
    ("Verifier registration number", "registration_number"),
)
PERIOD_FIELDS: tuple[tuple[str, str], ...] = (
    ("Regime", "regime"), ("Year", "year"), ("Reporting period start", "start"),
    ("Reporting period end", "end"),
)


def _get(product: dict, key: str):
    if "." in key:
        outer, inner = key.split(".", 1)
        return (product.get(outer) or {}).get(inner)
    return product.get(key)


def _params_text(params: dict) -> str:
    return "; ".join(f"{k} = {v}" for k, v in sorted(params.items()))


def write_communication_workbook(doc: dict, path: Path) -> Path:
    """Write the importer's workbook for a validated communication document."""
    from carbonaudit.outputs import atomic_workbook

    created = _created(doc["period"])
    props = {"title": "CBAM communication of specific embedded emissions",
             "subject": doc["installation"].get("name") or "",
             "comments": f"carbonaudit {doc['tool_version']}; input sha256 "
                         f"{doc['input']['sha256']}",
             "created": created}
    with atomic_workbook(Path(path), overwrite=True, properties=props) as wb:
        fmt = _formats(wb)
        _write_products(wb.add_worksheet(PRODUCT_SHEET), doc, fmt)
        _write_installation(wb.add_worksheet(INSTALLATION_SHEET), doc, fmt)
        _write_methodology(wb.add_worksheet(METHODOLOGY_SHEET), doc, fmt)
    return Path(path)


def _created(period: dict) -> dt.datetime:
    # The creation date comes from the data, never the clock (identical runs, identical
    # bytes).  A workbook without a reporting period still gets written, with its findings,
    # so fall back to the start, then to a fixed date.
    for key in ("end", "start"):
        value = period.get(key)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                continue
    return dt.datetime(2000, 1, 1)


def _formats(wb) -> dict:
    return {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                   "valign": "top", "border": 1}),
            "num": wb.add_format({"num_format": "0.000000"}),
            "t": wb.add_format({"num_format": "#,##0.000"}),
            "bold": wb.add_format({"bold": True}),
            "title": wb.add_format({"bold": True, "font_size": 14})}


def _write_products(ws, doc: dict, fmt: dict) -> None:
    for c, (header, _, _) in enumerate(PRODUCT_COLUMNS):
        ws.write_string(0, c, header, fmt["head"])
        if header in HEADER_NOTES:
            ws.write_comment(0, c, HEADER_NOTES[header], {"x_scale": 2})
    for r, product in enumerate(doc["products"], start=1):
        for c, (_, key, kind) in enumerate(PRODUCT_COLUMNS):
            _write_value(ws, r, c, _get(product, key), kind, fmt)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 45)
    ws.set_column(0, len(PRODUCT_COLUMNS) - 1, 16)
    ws.set_column(3, 4, 32)
    if doc["products"]:
        ws.autofilter(0, 0, len(doc["products"]), len(PRODUCT_COLUMNS) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def _write_value(ws, r: int, c: int, value, kind: str, fmt: dict) -> None:
    if value is None:
        return
    if kind == "params":
        ws.write_string(r, c, _params_text(value))
    elif kind == "bool":
        ws.write_boolean(r, c, bool(value))
    elif kind == "number" and isinstance(value, int | float):
        ws.write_number(r, c, float(value), fmt["num"])
    else:
        ws.write_string(r, c, str(value))


def _write_installation(ws, doc: dict, fmt: dict) -> None:
    ws.write_string(0, 0, "Installation", fmt["title"])
    row = 2
    for label, key in PERIOD_FIELDS:
        _pair(ws, row, label, doc["period"].get(key), fmt)
        row += 1
    row += 1
    for label, key in INSTALLATION_FIELDS:
        _pair(ws, row, label, doc["installation"].get(key), fmt)
        row += 1
    verifier = doc["installation"].get("verifier") or {}
    for label, key in VERIFIER_FIELDS:
        _pair(ws, row, label, verifier.get(key), fmt)
        row += 1
    row += 1
    ws.write_string(row, 0, "Goods produced and routes", fmt["bold"])
    for good in doc.get("goods", []):
        row += 1
        _pair(ws, row, good["id"], f"{good['category']}: {', '.join(good['routes'])}", fmt)
    row += 2
    ws.write_string(row, 0, "Input file", fmt["bold"])
    _pair(ws, row + 1, "Path", doc["input"]["path"], fmt)
    _pair(ws, row + 2, "SHA-256", doc["input"]["sha256"], fmt)
    _pair(ws, row + 3, "Tool", f"carbonaudit {doc['tool_version']}", fmt)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 60)


def _pair(ws, row: int, label: str, value, fmt: dict) -> None:
    ws.write_string(row, 0, label, fmt["bold"])
    if isinstance(value, bool) or value is None:
        ws.write_string(row, 1, "" if value is None else str(value))
    elif isinstance(value, int | float):
        ws.write_number(row, 1, value)
    else:
        ws.write_string(row, 1, str(value))


def _write_methodology(ws, doc: dict, fmt: dict) -> None:
    meth = doc["methodology"]
    ws.write_string(0, 0, "Emissions by monitoring methodology (t CO2e)", fmt["title"])
    row = 2
    for key, value in meth["by_method_t"].items():
        ws.write_string(row, 0, key, fmt["bold"])
        ws.write_number(row, 1, value, fmt["t"])
        row += 1
    for key, value in doc["totals_t"].items():
        ws.write_string(row, 0, f"total {key}", fmt["bold"])
        ws.write_number(row, 1, value, fmt["t"])
        row += 1
    row += 1
    ws.write_string(row, 0, "Data quality", fmt["bold"])
    for key, value in (meth.get("data_quality") or {}).items():
        row += 1
        _pair(ws, row, key, value, fmt)
    row += 2
    headers = ("Source stream", "Method", "Activity data", "AD unit", "EF", "EF unit",
               "CO2e fossil (t)", "CO2e biogenic (t)")
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, fmt["head"])
    for s in meth["source_streams"]:
        row += 1
        values = (s.get("name"), s.get("method"), s.get("activity_data"), s.get("ad_unit"),
                  s.get("ef"), s.get("ef_unit"), s.get("co2e_fossil_t"), s.get("co2e_bio_t"))
        for c, v in enumerate(values):
            if isinstance(v, int | float):
                ws.write_number(row, c, v)
            elif v is not None:
                ws.write_string(row, c, str(v))
    ws.set_column(0, 0, 40)
    ws.set_column(1, 7, 16)


# --------------------------------------------------------------------------- reading back

def is_communication_workbook(sheet_names: list[str]) -> bool:
    return {PRODUCT_SHEET, INSTALLATION_SHEET, METHODOLOGY_SHEET} <= set(sheet_names)


def read_communication_workbook(path: Path) -> tuple[dict, list[Finding]]:
    """Products, installation and period from a workbook we wrote, with each cell's location.

    Returns a partial document: {"installation", "period", "products", "_where"} where
    `_where` maps "/products/3/see_total" style pointers to Locations for findings.
    """
    import python_calamine

    wb = python_calamine.load_workbook(str(path))
    findings: list[Finding] = []
    where: dict[str, Location] = {}
    rows = wb.get_sheet_by_name(PRODUCT_SHEET).to_python()
    header = [str(h).strip() for h in (rows[0] if rows else [])]
    columns = {h: i for i, h in enumerate(header)}
    # A workbook written before schema 2.0 has no 'SEE counted' columns; its SEE total is
    # then the counted amount, and it is checked as such.
    legacy = not any(h in columns for h in LEGACY_ABSENT)
    missing = [h for h, _, _ in PRODUCT_COLUMNS
               if h not in columns and not (legacy and h in LEGACY_ABSENT)]
    for h in missing:
        findings.append(error("cbam-comm-column-missing", f"column {h!r} is missing",
                              Location(str(path), PRODUCT_SHEET, "1")))
    products = []
    for r, row in enumerate(rows[1:], start=2):
        if not any(v not in ("", None) for v in row):
            continue
        product = _read_product(row, columns, path, r, len(products), where, findings)
        products.append(product)
    inst, period = _read_pairs(wb.get_sheet_by_name(INSTALLATION_SHEET).to_python())
    partial = {"installation": inst, "period": period, "products": products, "_where": where}
    if legacy:
        partial["schema_version"] = "1.0"
    justification = _read_default_justification(
        wb.get_sheet_by_name(METHODOLOGY_SHEET).to_python(), path, where)
    if justification:
        # Per-precursor justifications are not in the workbook, so only a stated one can be
        # judged: its absence proves nothing.
        partial["methodology"] = {"data_quality": {"default_justification": justification}}
    return partial, findings


def _read_default_justification(rows: list[list], path: Path, where: dict) -> str | None:
    """The data-quality pair `default_justification` the Methodology sheet carries."""
    for r, row in enumerate(rows, start=1):
        if len(row) >= 2 and row[0] == "default_justification" and row[1] not in ("", None):
            where["/methodology/data_quality/default_justification"] = Location(
                str(path), METHODOLOGY_SHEET, f"B{r}")
            return str(row[1])
    return None


def _read_product(row, columns: dict, path: Path, r: int, index: int,
                  where: dict, findings: list[Finding]) -> dict:
    product: dict = {"carbon_price": {}}
    for header, key, kind in PRODUCT_COLUMNS:
        c = columns.get(header)
        if c is None:
            continue
        loc = Location(str(path), PRODUCT_SHEET, f"{column_letter(c)}{r}")
        value = row[c] if c < len(row) else ""
        value = _cell_value(value, kind, loc, header, findings)
        if key.startswith("carbon_price."):
            product["carbon_price"][key.split(".", 1)[1]] = value
        else:
            product[key] = value
        where[f"/products/{index}/{key.replace('.', '/')}"] = loc
    return product


def _cell_value(value, kind: str, loc: Location, header: str, findings: list[Finding]):
    if value in ("", None):
        return None
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        findings.append(error("cbam-comm-not-a-number",
                              f"{header} should be a number, found {value!r}", loc))
        return None
    if kind == "bool":
        text = value if isinstance(value, bool) else str(value).strip().upper()
        if text in (True, False, "TRUE", "FALSE"):
            return text in (True, "TRUE")
        findings.append(error("cbam-comm-not-a-boolean",
                              f"{header} should be TRUE or FALSE, found {value!r}", loc))
        return None
    if kind == "params":
        return dict(p.split(" = ", 1) for p in str(value).split("; ") if " = " in p)
    if kind == "text" and isinstance(value, float) and value.is_integer():
        return str(int(value))  # a CN code typed as a number
    return str(value)


def _read_pairs(rows: list[list]) -> tuple[dict, dict]:
    labels = {label: key for label, key in INSTALLATION_FIELDS}
    period_labels = {label: key for label, key in PERIOD_FIELDS}
    verifier_labels = {label: key for label, key in VERIFIER_FIELDS}
    inst: dict = {}
    period: dict = {}
    for row in rows:
        if len(row) < 2 or not isinstance(row[0], str):
            continue
        value = None if row[1] in ("", None) else row[1]
        if row[0] in labels:
            inst[labels[row[0]]] = value
        elif row[0] in period_labels:
            period[period_labels[row[0]]] = value
        elif row[0] in verifier_labels:
            inst.setdefault("verifier", {})[verifier_labels[row[0]]] = value
    return inst, period
