"""Build PACT ProductFootprints (v2.3 or v3.0) from a result document and a products sheet.

Two inputs are understood:

* a CBAM communication (`document_type: cbam-communication`, see cbam/COMMUNICATION.md):
  each product's specific embedded emissions in t CO2e/t are kg CO2e/kg, so the footprint per
  kilogram is see_direct + see_indirect (a PCF counts electricity whether or not CBAM does);
* a carbonaudit inventory (`document_type: carbonaudit.inventory`): the emissions of a site
  (scope 1 + scope 2 market- or location-based + optionally its scope 3) are allocated to the
  sheet's products at that site by mass, by economic value or by given shares, then divided
  by the production in declared units.

Numbers in footprints are decimal strings (10 significant digits).  Output is deterministic:
ids are uuid5 of product id, period and spec version; `created` is the end of the reference
period unless the caller gives `now`.  Facts the inputs cannot know come from the sheet; when
a required one is missing the product gets a finding and no footprint, never a guess.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from carbonaudit.errors import UsageError
from carbonaudit.factors.gwp import GWP_SETS
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import Finding, Location, error, has_errors, warning
from carbonaudit.pact.products import ProductRow, ProductSheet, products_from_records
from carbonaudit.pact.validate import validate_one
from carbonaudit.schemas import pointer

SPECS = {"2.3": "2.3.0", "3.0": "3.0.0"}
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://carbonaudit.example/pact")
V2_STANDARDS = {"ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0",
                "PACT-2.0", "PACT-3.0"}
# The deprecated v2 field crossSectoralStandardsUsed only knows three standards.
V2_USED = {"GHGP-Product": "GHG Protocol Product standard", "ISO14067": "ISO Standard 14067",
           "ISO14040-44": "ISO Standard 14044"}
UNITS = {"v2": ("liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule",
                "ton kilometer", "square meter"),
         "v3": ("liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule",
                "ton kilometer", "square meter", "piece", "hour", "megabit second")}
ALLOCATION = {"mass": "mass", "physical": "mass", "economic": "economic", "value": "economic",
              "economic value": "economic", "share": "share", "shares": "share",
              "given": "share"}
# Scope 3 categories that do not belong in a cradle-to-gate product boundary.
OUTSIDE_GATE = {6, 7, 9, 10, 11, 12, 13, 14, 15}
N2O_GWP = {298: "AR4", 265: "AR5", 273: "AR6"}


@dataclass
class Basis:
    """What the result document says about one product, before the sheet's facts are added."""

    per_unit: float              # kg CO2e per declared unit in the GHG totals (no biogenic CO2)
    biogenic_nonco2: float       # part of per_unit from biogenic CH4/N2O
    biogenic_co2: float | None   # biogenic CO2 per declared unit (outside totals); None unknown
    declared_unit: str
    amount: float
    mass_per_unit: float | None
    gwp: str | None
    start: dt.date
    end: dt.date                 # inclusive last day
    primary_share: float | None
    country: str | None
    company_name: str | None
    allocation_text: str


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
    found = input_shape_findings(result_doc, kind, source)
    if found:
        return [], found
    by_product = _product_rows(sheet)
    repeated = {r for rows in by_product.values() if len(rows) > 1 for r in rows}
    if kind == "cbam-communication":
        bases = _cbam_bases(result_doc, sheet, spec, found)
    else:
        bases = _inventory_bases(result_doc, sheet, found, repeated)
    # Findings about the result document (a JSON pointer, no file yet) name its file.
    found = [replace(f, location=replace(f.location, file=source))
             if f.location.pointer is not None and f.location.file is None else f
             for f in found]
    found += _sheet_problems(sheet, by_product)
    footprints = []
    for row in sheet.rows:
        if row.row not in bases or row.row in repeated:
            continue
        fp, problems = _footprint(row, bases[row.row], sheet, spec, now)
        found += problems
        if fp is not None:
            footprints.append(fp)
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


# ---------------------------------------------------------------------------------------------
# The result document's shape

_NUM = {"type": "number"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def _LIST_OF(item: dict) -> dict:  # noqa: N802 - reads as a type in the shapes below
    return {"type": "array", "items": item}


# Only the fields export reads, with the types it relies on: a hand-edited or foreign file
# of the wrong shape becomes findings at JSON pointers instead of a traceback.  The full
# document schemas (inventory, cbam-communication) require much that export never reads.
INPUT_SHAPES = {
    "carbonaudit.inventory": {"type": "object", "properties": {
        "gwp_set": {"enum": list(GWP_SETS) + [None]},
        "organisation": {"type": "object", "properties": {"name": _TEXT_OR_NULL}},
        "totals_kgco2e": {"type": "object",
                          "properties": {"biogenic_co2_outside_scopes": _NUM_OR_NULL}},
        "by_gas": {"type": "object", "properties": {"ch4_nonfossil_kg": _NUM_OR_NULL}},
        "by_site": _LIST_OF({"type": "object", "required": [
            "site", "scope_1", "scope_2_location", "scope_2_market", "scope_3"], "properties": {
            "site": {"type": "string"}, "scope_1": _NUM, "scope_2_location": _NUM,
            "scope_2_market": _NUM, "scope_3": _NUM}}),
        "by_scope3_category": _LIST_OF({"type": "object", "required": [
            "category", "kgco2e"], "properties": {"category": {"type": "integer"},
                                                  "label": {"type": "string"},
                                                  "kgco2e": _NUM}}),
        "top_sources": _LIST_OF({"type": "object", "required": ["site", "activity", "kgco2e"],
                                 "properties": {"site": _TEXT_OR_NULL,
                                                "activity": {"type": "string"},
                                                "kgco2e": _NUM}}),
    }, "required": ["by_site"]},
    "cbam-communication": {"type": "object", "properties": {
        "installation": {"type": "object", "properties": {"country": _TEXT_OR_NULL}},
        "totals_t": {"type": "object", "properties": {"biogenic_co2": _NUM_OR_NULL}},
        "methodology": {"type": "object", "properties": {"gwp": {
            "type": "object", "properties": {"N2O": _NUM_OR_NULL,
                                             "source": _TEXT_OR_NULL}}}},
        "products": _LIST_OF({"type": "object", "required": ["cn_code", "see_direct",
                                                             "see_indirect"], "properties": {
            "cn_code": {"type": ["string", "integer", "null"]}, "name": _TEXT_OR_NULL,
            "process": _TEXT_OR_NULL, "unit": _TEXT_OR_NULL, "see_direct": _NUM_OR_NULL,
            "see_indirect": _NUM_OR_NULL, "share_default_pct": _NUM_OR_NULL}}),
    }, "required": ["products"]},
}


def input_shape_findings(doc: dict, kind: str, source: str | None) -> list[Finding]:
    """`pact-input-invalid` at the JSON pointer of every value export cannot read."""
    errs = sorted(_shape_validator(kind).iter_errors(doc),
                  key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for e in errs:
        path = list(e.absolute_path)
        if e.validator == "required":  # point at the missing member itself
            path.append(str(e.message).split("'")[1])
        what = "a CBAM communication" if kind == "cbam-communication" else "an inventory"
        out.append(error("pact-input-invalid", f"This is not {what} as carbonaudit writes "
                         f"it: {e.message}. Re-run the assessment rather than editing the "
                         "file.", Location(file=source, pointer=pointer(path) or "/")))
    return out


@cache
def _shape_validator(kind: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(INPUT_SHAPES[kind])


# ---------------------------------------------------------------------------------------------
# CBAM communication


def _cbam_bases(doc: dict, sheet: ProductSheet, spec: str, found: list[Finding],
                ) -> dict[int, Basis]:
    period = _doc_period(doc.get("period"), found)
    if period is None:
        return {}
    gwp = _cbam_gwp(doc)
    installation = doc.get("installation") or {}
    biogenic_t = float((doc.get("totals_t") or {}).get("biogenic_co2") or 0.0)
    goods = doc.get("products") or []
    out = {}
    for row in sheet.rows:
        product = _cbam_product(row, goods, sheet, found)
        if product is None:
            continue
        if biogenic_t > 0 and not _cbam_biogenic_ok(row, sheet, spec, biogenic_t, found):
            continue
        if not _cbam_see_known(product, goods.index(product), row, sheet, found):
            continue
        electricity = str(product.get("unit", "")).endswith("/MWh")
        # t CO2e per t == kg CO2e per kg; t CO2e per MWh == kg CO2e per kWh.
        direct, indirect = float(product["see_direct"]), float(product["see_indirect"])
        per_base = direct + indirect
        unit = "kilowatt hour" if electricity else "kilogram"
        if not _unit_matches(row, sheet, unit, found):
            continue
        amount = row.get("declared_unit_amount", 1.0)
        out[row.row] = Basis(
            per_unit=per_base * amount, biogenic_nonco2=0.0,
            biogenic_co2=None if biogenic_t > 0 else 0.0,
            declared_unit=unit, amount=amount, mass_per_unit=0.0 if electricity else amount,
            gwp=gwp, start=period[0], end=period[1],
            primary_share=_cbam_primary_share(product, direct, per_base),
            country=installation.get("country"), company_name=None,
            allocation_text=(f"CBAM specific embedded emissions of {product.get('name')} (CN "
                             f"{product.get('cn_code')}, process {product.get('process')}): "
                             f"direct {product.get('see_direct')} + indirect "
                             f"{product.get('see_indirect')} {product.get('unit')}, as "
                             "attributed by the CBAM methodology."))
    return out


def _cbam_primary_share(product: dict, direct: float, total: float) -> float:
    """Percent of the footprint not from default values.

    CBAM states the share of defaults as a share of the direct SEE only (Summary_Processes);
    the footprint is direct + indirect, and the indirect part comes from the installation's
    own metered electricity, so only the defaulted part of the direct SEE is secondary data.
    """
    share = float(product.get("share_default_pct") or 0.0)
    if not total:  # nothing emitted: the stated share is all there is to go on
        return 100.0 - share
    return 100.0 * (1.0 - share / 100.0 * direct / total)


def _cbam_product(row: ProductRow, goods: list[dict], sheet: ProductSheet,
                  found: list[Finding]) -> dict | None:
    cn = row.get("cn_code")
    if cn is None:
        found.append(_missing(sheet, row, "cn_code", "the CN code of the CBAM product"))
        return None
    matches = [g for g in goods if str(g.get("cn_code")) == cn]
    if row.get("cbam_product") is not None:
        matches = [g for g in matches if g.get("name") == row.get("cbam_product")]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(sorted({str(g.get("cn_code")) for g in goods})) or "none"
        found.append(error("pact-unknown-cn-code", f"No product with CN code {cn} (and name "
                           f"{row.get('cbam_product') or 'any'}) in the CBAM result; its CN "
                           f"codes are: {known}.", sheet.loc(row, "cn_code")))
    else:
        names = ", ".join(str(g.get("name")) for g in matches)
        found.append(error("pact-ambiguous-cbam-product", f"CN code {cn} matches several CBAM "
                           f"products ({names}); name one in the cbam_product column.",
                           sheet.loc(row, "cn_code")))
    return None


def _cbam_see_known(product: dict, index: int, row: ProductRow, sheet: ProductSheet,
                    found: list[Finding]) -> bool:
    # null is how the communication says "could not be computed" (its reason is a CBAM
    # error finding); reading it as zero would publish a footprint of nothing.
    missing = [k for k in ("see_direct", "see_indirect") if product.get(k) is None]
    for key in missing:
        found.append(error("pact-cbam-see-unknown", f"The CBAM result has no {key} for "
                           f"{product.get('name')} (CN {product.get('cn_code')}): it could not "
                           "be computed; fix the CBAM errors first. The product in row "
                           f"{row.row} is not exported.",
                           Location(pointer=f"/products/{index}/{key}")))
    return not missing


def _cbam_biogenic_ok(row: ProductRow, sheet: ProductSheet, spec: str, biogenic_t: float,
                      found: list[Finding]) -> bool:
    # CBAM counts biomass CO2 as zero, and the communication does not split it by product.
    if spec == "2.3":  # v2 PCF values exclude biogenic CO2 anyway; say what is left out
        found.append(warning("pact-biogenic-not-attributed", f"The installation emitted "
                             f"{biogenic_t} t biogenic CO2, which CBAM does not attribute to "
                             "products; pCfIncludingBiogenic is left out.",
                             sheet.loc(row, "cn_code")))
        return True
    found.append(error("pact-biogenic-unattributable", f"The installation emitted {biogenic_t} "
                       "t biogenic CO2, which PACT v3 counts in pcfExcludingBiogenicUptake but "
                       "the CBAM result does not split by product; export v2.3 instead.",
                       sheet.loc(row, "cn_code")))
    return False


def _cbam_gwp(doc: dict) -> str | None:
    gwp = ((doc.get("methodology") or {}).get("gwp")) or {}
    if gwp.get("N2O") in N2O_GWP:
        return N2O_GWP[gwp["N2O"]]
    source = str(gwp.get("source", ""))
    return next((s for s in ("AR6", "AR5", "AR4") if s in source), None)


def _unit_matches(row: ProductRow, sheet: ProductSheet, unit: str, found: list[Finding]) -> bool:
    given = row.get("declared_unit")
    if given is None or given == unit:
        return True
    found.append(error("pact-declared-unit-mismatch", f"The CBAM value is per {unit.split()[-1]}"
                       f"; declared_unit must be {unit} (or blank), not {given}.",
                       sheet.loc(row, "declared_unit")))
    return False


# ---------------------------------------------------------------------------------------------
# Inventory


def _inventory_bases(doc: dict, sheet: ProductSheet, found: list[Finding],
                     repeated: set[int]) -> dict[int, Basis]:
    period = _doc_period(doc.get("period"), found)
    if period is None:
        return {}
    sites = {s["site"]: s for s in doc.get("by_site") or []}
    groups: dict[str, list[ProductRow]] = {}
    for row in sheet.rows:
        site = row.get("site")
        if site is None:
            found.append(_missing(sheet, row, "site", "the inventory site that makes it"))
        elif site not in sites:
            found.append(error("pact-unknown-site", f"Site '{site}' is not in the inventory; its "
                               f"sites are: {', '.join(sites) or 'none'}.", sheet.loc(row, "site")))
        else:
            groups.setdefault(site, []).append(row)
    out = {}
    for site, rows in groups.items():
        if any(row.row in repeated for row in rows):
            # A product listed twice would take two shares; the others' shares are unknown.
            _incomplete(site, rows, {r.row for r in rows if r.row not in repeated}, sheet,
                        found)
            continue
        shares = _shares(site, rows, sheet, found)
        warned = False
        for row in rows:
            if row.row not in shares:
                continue
            basis = _inventory_basis(doc, sites, site, row, shares[row.row], period, sheet,
                                     found)
            if basis is None:
                continue
            if row.get("include_scope3", True) and not warned:
                found += _outside_gate(doc, site, row, sheet)
                warned = True
            out[row.row] = basis
    return out


def _inventory_basis(doc: dict, sites: dict, site: str, row: ProductRow,
                     share: tuple[float, str], period: tuple[dt.date, dt.date],
                     sheet: ProductSheet, found: list[Finding]) -> Basis | None:
    s = sites[site]
    basis2 = str(row.get("scope2_basis", "market")).lower().replace("-based", "")
    if basis2 not in {"market", "location"}:
        found.append(error("pact-invalid-value", f"scope2_basis must be market or location, "
                           f"not {row.get('scope2_basis')}.", sheet.loc(row, "scope2_basis")))
        return None
    include3 = row.get("include_scope3", True)
    own = s["scope_1"] + s[f"scope_2_{basis2}"]
    total = own + (s["scope_3"] if include3 else 0.0)
    if total <= 0:
        found.append(error("pact-site-without-emissions", f"Site '{site}' has no emissions in "
                           "the inventory to allocate.", sheet.loc(row, "site")))
        return None
    bio = _inventory_biogenic(doc, sites, row, sheet, found)
    quantity = _production(row, sheet, found)
    if bio is None or quantity is None:
        return None
    fraction, how = share
    amount = row.get("declared_unit_amount")
    if amount is None:
        found.append(_missing(sheet, row, "declared_unit_amount", "how many declared units "
                              "the footprint is for (usually 1)"))
        return None
    unit = row.get("declared_unit")
    scale = fraction / quantity * amount  # site kg -> kg per declared unit of this product
    scopes = f"scope 1, scope 2 {basis2}-based" + (", scope 3" if include3 else "")
    return Basis(
        per_unit=total * scale, biogenic_nonco2=bio[1] * scale, biogenic_co2=bio[0] * scale,
        declared_unit=unit, amount=amount,
        mass_per_unit=amount if unit == "kilogram" else row.get("product_mass_per_declared_unit"),
        gwp=doc.get("gwp_set"), start=period[0], end=period[1],
        primary_share=own / total * 100.0,
        country=None, company_name=(doc.get("organisation") or {}).get("name"),
        allocation_text=(f"Emissions of site {site} ({scopes}; {_num(total)} kg CO2e) "
                         f"allocated {how}; divided by {_num(quantity)} {unit or 'units'} "
                         "produced in the reference period."))


def _shares(site: str, rows: list[ProductRow], sheet: ProductSheet, found: list[Finding],
            ) -> dict[int, tuple[float, str]]:
    """Row -> (fraction of the site's emissions, how it was derived)."""
    methods = {}
    for row in rows:
        text = str(row.get("allocation", "")).strip().lower()
        if text not in ALLOCATION:
            found.append(error("pact-invalid-value", "allocation must be mass, economic or share"
                               f"{'' if not text else f', not {text}'}.",
                               sheet.loc(row, "allocation")))
            continue
        methods[row.row] = ALLOCATION[text]
    if len(methods) < len(rows):
        return _incomplete(site, rows, methods, sheet, found)
    kinds = set(methods.values())
    if len(kinds) > 1:
        found.append(error("pact-allocation-mixed", f"Products of site '{site}' use different "
                           f"allocation methods ({', '.join(sorted(kinds))}); use one.",
                           sheet.loc(rows[0], "allocation")))
        return {}
    method = kinds.pop()
    column = {"mass": "mass_kg", "economic": "economic_value", "share": "share_pct"}[method]
    values = {}
    for row in rows:
        v = row.get(column)
        if v is None:
            found.append(_missing(sheet, row, column, f"needed for {method} allocation"))
        elif v <= 0 or (method == "share" and v > 100):
            found.append(error("pact-sheet-out-of-range", f"{column} must be greater than zero"
                               f"{' and at most 100' if method == 'share' else ''}; it is {v}.",
                               sheet.loc(row, column)))
        else:
            values[row.row] = v
    if len(values) < len(rows):
        return _incomplete(site, rows, values, sheet, found)
    if method == "share":
        if sum(values.values()) > 100 + 1e-9:
            found.append(error("pact-shares-exceed-100", f"The shares of site '{site}' add up "
                               f"to {sum(values.values())}%, more than 100%.",
                               sheet.loc(rows[0], "share_pct")))
            return {}
        return {r: (v / 100, f"by a given share of {_num(v)}%") for r, v in values.items()}
    whole = sum(values.values())
    what = "mass" if method == "mass" else "economic value"
    unit = " kg" if method == "mass" else ""
    return {r: (v / whole, f"by {what}: {_num(v)}{unit} of {_num(whole)}{unit} "
                f"({_num(v / whole * 100, 4)}%)") for r, v in values.items()}


def _incomplete(site: str, rows: list[ProductRow], ok: dict, sheet: ProductSheet,
                found: list[Finding]) -> dict:
    # Shares depend on every product of the site: one bad row stops the others too.
    for row in rows:
        if row.row in ok:
            found.append(error("pact-allocation-incomplete", f"Not exported: the allocation "
                               f"of site '{site}' needs every product's value.",
                               sheet.loc(row, "allocation")))
    return {}


def _production(row: ProductRow, sheet: ProductSheet, found: list[Finding]) -> float | None:
    quantity = row.get("production_quantity")
    if quantity is None and row.get("declared_unit") == "kilogram":
        quantity = row.get("mass_kg")  # a kilogram-declared product: its mass is its output
    if quantity is None:
        found.append(_missing(sheet, row, "production_quantity", "the amount produced in the "
                              "reference period, in declared units"))
        return None
    if quantity <= 0:
        found.append(error("pact-sheet-out-of-range", f"production_quantity must be greater "
                           f"than zero; it is {quantity}.", sheet.loc(row, "production_quantity")))
        return None
    return quantity


def _inventory_biogenic(doc: dict, sites: dict, row: ProductRow, sheet: ProductSheet,
                        found: list[Finding]) -> tuple[float, float] | None:
    """(biogenic CO2 kg, biogenic CH4 kg CO2e) of the product's site, when it can be known."""
    co2 = float((doc.get("totals_kgco2e") or {}).get("biogenic_co2_outside_scopes") or 0.0)
    ch4 = float((doc.get("by_gas") or {}).get("ch4_nonfossil_kg") or 0.0)
    if co2 == 0 and ch4 == 0:
        return 0.0, 0.0
    if len(sites) == 1:  # one site: the organisation's biogenic emissions are that site's
        from carbonaudit.factors.gwp import gwp_table

        return co2, ch4 * gwp_table(doc.get("gwp_set") or "AR6").ch4_nonfossil
    found.append(error("pact-biogenic-unattributable", f"The inventory has {_num(co2)} kg "
                       f"biogenic CO2 and {_num(ch4)} kg non-fossil CH4 but does not say at "
                       "which site; assess each site separately to export it.",
                       sheet.loc(row, "site")))
    return None


def _outside_gate(doc: dict, site: str, row: ProductRow, sheet: ProductSheet) -> list[Finding]:
    """Scope 3 categories beyond the factory gate that may sit in this site's scope 3."""
    out = []
    for cat in doc.get("by_scope3_category") or []:
        if cat["category"] not in OUTSIDE_GATE or cat["kgco2e"] <= 0:
            continue
        # The top sources tell where most emissions happened: if all of the category is
        # accounted for at other sites, this site's scope 3 holds none of it.
        elsewhere = sum(t["kgco2e"] for t in doc.get("top_sources") or []
                        if t["site"] != site and t["activity"] in ACTIVITIES
                        and ACTIVITIES[t["activity"]].scope3_category == cat["category"])
        if elsewhere >= cat["kgco2e"] * (1 - 1e-9):
            continue
        out.append(warning("pact-scope3-outside-gate", f"The inventory has scope 3 category "
                           f"{cat['category']} ({cat['label']}); whatever of it occurred at "
                           f"'{site}' is in this footprint. Set include_scope3 to no, or keep "
                           "those rows out of the site.", sheet.loc(row, "include_scope3")))
    return out


# ---------------------------------------------------------------------------------------------
# One footprint


def _footprint(row: ProductRow, b: Basis, sheet: ProductSheet, spec: str,
               now: dt.datetime | str | None) -> tuple[dict | None, list[Finding]]:
    found: list[Finding] = []
    v = "v2" if spec == "2.3" else "v3"
    _check_period(row, b, sheet, found)
    common = _common(row, b, sheet, spec, found)
    pcf = _pcf_v2(row, b, sheet, found) if v == "v2" else _pcf_v3(row, b, sheet, found)
    if has_errors(found):
        return None, found
    period_end = _stamp(b.end + dt.timedelta(days=1))
    fp = {
        "id": str(uuid.uuid5(NAMESPACE, f"{common['productIds'][0]}|{_stamp(b.start)}|"
                             f"{period_end}|{SPECS[spec]}")),
        "specVersion": SPECS[spec],
        **({"version": int(row.get("version", 1))} if v == "v2" else {}),
        "created": _created(now, period_end),
        "status": "Active",
        **common,
        "pcf": pcf,
    }
    problems = [f for f in validate_one(fp, []) if str(f.severity) == "error"]
    if problems:  # a sheet value PACT does not accept (a bad URN, a country name...)
        return None, found + [error(f.code, f"Not exported: {f.location.pointer}: {f.message}",
                                    sheet.loc(row, "product_id")) for f in problems]
    return fp, found


def _check_period(row: ProductRow, b: Basis, sheet: ProductSheet, found: list[Finding]) -> None:
    """A period in the sheet must be the result's: the numbers are for that period only."""
    for column, expected in (("period_start", b.start), ("period_end", b.end)):
        given = row.get(column)
        if given is not None and given != expected:
            found.append(error("pact-period-mismatch", f"{column} is {given} but the result "
                               f"document covers {b.start} to {b.end}; the footprint can only "
                               "be for the assessed period.", sheet.loc(row, column)))


def _common(row: ProductRow, b: Basis, sheet: ProductSheet, spec: str,
            found: list[Finding]) -> dict:
    out: dict = {}
    name = row.get("company_name", b.company_name)
    if name is None:
        found.append(_missing(sheet, row, "company_name", "the reporting company's name"))
    out["companyName"] = name
    out["companyIds"] = _urns(row, "company_ids", sheet, found, required=True)
    out["productDescription"] = _required(row, "product_description", sheet, found)
    out["productIds"] = _urns(row, "product_id", sheet, found, required=True)
    cpc = row.get("cpc_code")
    classes = _urns(row, "classification_ids", sheet, found, required=False)
    if spec == "2.3":
        if cpc is None:
            found.append(_missing(sheet, row, "cpc_code", "the UN CPC code (PACT v2 requires "
                                  "productCategoryCpc)"))
        out["productCategoryCpc"] = cpc
    elif cpc is not None:
        classes = [f"urn:pact:productclassification:un-cpc:{cpc}", *classes]
    if classes:
        out["productClassifications"] = classes
    out["productNameCompany"] = _required(row, "product_name", sheet, found)
    out["comment"] = row.get("comment", "")
    return out


def _shared_pcf(row: ProductRow, b: Basis, sheet: ProductSheet, found: list[Finding]) -> dict:
    """Values both versions need, as floats/strings, keyed by our own names."""
    unit = b.declared_unit
    if unit is None:
        found.append(_missing(sheet, row, "declared_unit", "kilogram, liter, kilowatt hour..."))
    standards = row.list("cross_sectoral_standards")
    if not standards:
        found.append(_missing(sheet, row, "cross_sectoral_standards", "the standards followed, "
                              "e.g. ISO14067; GHGP-Product"))
    gwp = row.get("ipcc_characterization_factors", b.gwp)
    if gwp is None:
        found.append(_missing(sheet, row, "ipcc_characterization_factors", "the GWP set (AR5, "
                              "AR6) used; the result document does not say"))
    for column, what in (("fossil_carbon_content", "kg fossil carbon per declared unit"),
                         ("biogenic_carbon_content", "kg biogenic carbon per declared unit"),
                         ("exempted_emissions_percent", "share of emissions left out, 0-100")):
        if row.get(column) is None:
            found.append(_missing(sheet, row, column, what))
    geo = {k: row.get(f"geography_{c}") for k, c in (
        ("geographyCountry", "country"), ("geographyRegionOrSubregion", "region"),
        ("geographyCountrySubdivision", "subdivision"))}
    geo = {k: g for k, g in geo.items() if g is not None}
    if len(geo) > 1:  # PACT: one granularity (region, country or subdivision) per footprint
        columns = [c for c in ("geography_region", "geography_country", "geography_subdivision")
                   if row.get(c) is not None]
        found.append(error("pact-geography-conflict", f"Fill only one of {', '.join(columns)}: "
                           "a footprint is for one region, one country or one subdivision.",
                           sheet.loc(row, columns[1])))
    if not geo and b.country:
        geo = {"geographyCountry": b.country}
    uptake = row.get("biogenic_co2_uptake")
    if uptake is None and row.get("biogenic_carbon_content") == 0:
        uptake = 0.0  # nothing biogenic in the product: nothing taken up into it
    return {"unit": unit, "standards": standards, "gwp": gwp, "geo": geo, "uptake": uptake}


def _pcf_v2(row: ProductRow, b: Basis, sheet: ProductSheet, found: list[Finding]) -> dict:
    s = _shared_pcf(row, b, sheet, found)
    if s["gwp"] is not None and s["gwp"] not in {"AR5", "AR6"}:
        found.append(error("pact-gwp-not-allowed", f"PACT v2 accepts AR5 or AR6 "
                           f"characterization factors, not {s['gwp']}; export --spec 3.0 or "
                           "reassess with AR6.", sheet.loc(row, "product_id")))
    for column in ("boundary_processes_description", "packaging_included"):
        if row.get(column) is None:
            found.append(_missing(sheet, row, column, "required by PACT v2"))
    excl = _dec(b.per_unit)
    pcf = {
        "declaredUnit": s["unit"],
        "unitaryProductAmount": _dec(b.amount),
        **({"productMassPerDeclaredUnit": _dec(b.mass_per_unit)}
           if b.mass_per_unit is not None else {}),
        "pCfExcludingBiogenic": excl,
        "fossilGhgEmissions": _dec(b.per_unit - b.biogenic_nonco2),
        "fossilCarbonContent": _dec(row.get("fossil_carbon_content", 0)),
        "biogenicCarbonContent": _dec(row.get("biogenic_carbon_content", 0)),
        "otherBiogenicGhgEmissions": _dec(b.biogenic_nonco2),
        "characterizationFactors": s["gwp"],
        "ipccCharacterizationFactorsSources": [s["gwp"]],
        "crossSectoralStandardsUsed": sorted({V2_USED[x] for x in s["standards"]
                                              if x in V2_USED}),
        "crossSectoralStandards": [x for x in s["standards"] if x in V2_STANDARDS],
        "boundaryProcessesDescription": row.get("boundary_processes_description"),
        "referencePeriodStart": _stamp(b.start),
        "referencePeriodEnd": _stamp(b.end + dt.timedelta(days=1)),
        **s["geo"],
        "exemptedEmissionsPercent": row.get("exempted_emissions_percent"),
        "exemptedEmissionsDescription": row.get("exempted_emissions_description", ""),
        "packagingEmissionsIncluded": row.get("packaging_included"),
        "allocationRulesDescription": _allocation(row, b),
        "primaryDataShare": round(row.get("primary_data_share", b.primary_share), 4),
    }
    if s["uptake"] is not None and b.biogenic_co2 is not None:
        withdrawal = _dec(s["uptake"])
        pcf["biogenicCarbonWithdrawal"] = withdrawal
        pcf["pCfIncludingBiogenic"] = _plain(Decimal(excl) + Decimal(_dec(b.biogenic_co2))
                                             + Decimal(withdrawal))
    _aircraft(row, pcf)
    dqi = _dqi(row, sheet, found, version=2)
    if dqi:
        pcf["dqi"] = dqi
    elif b.end >= dt.date(2025, 1, 1):
        found.append(_missing(sheet, row, "dqr_technological", "data quality ratings (dqi) "
                              "are required from reference periods including 2025"))
    _unknown_standards(row, s["standards"], V2_STANDARDS, sheet, found)
    return pcf


def _pcf_v3(row: ProductRow, b: Basis, sheet: ProductSheet, found: list[Finding]) -> dict:
    s = _shared_pcf(row, b, sheet, found)
    mass = b.mass_per_unit
    if mass is None:
        found.append(_missing(sheet, row, "product_mass_per_declared_unit", "kg per declared "
                              "unit, 0 when mass is not relevant (PACT v3 requires it)"))
    if s["uptake"] is None:
        found.append(_missing(sheet, row, "biogenic_co2_uptake", "kg CO2 per declared unit "
                              "(zero or negative) taken up by the product's biogenic carbon"))
    excl = _dec(b.per_unit + (b.biogenic_co2 or 0.0))
    uptake = _dec(s["uptake"] or 0.0)
    pcf = {
        "declaredUnitOfMeasurement": s["unit"],
        "declaredUnitAmount": _dec(b.amount),
        "productMassPerDeclaredUnit": _dec(mass or 0.0),
        "referencePeriodStart": _stamp(b.start),
        "referencePeriodEnd": _stamp(b.end + dt.timedelta(days=1)),
        **s["geo"],
        **({"boundaryProcessesDescription": row.get("boundary_processes_description")}
           if row.get("boundary_processes_description") is not None else {}),
        "pcfExcludingBiogenicUptake": excl,
        "pcfIncludingBiogenicUptake": _plain(Decimal(excl) + Decimal(uptake)),
        "fossilCarbonContent": _dec(row.get("fossil_carbon_content", 0)),
        "biogenicCarbonContent": _dec(row.get("biogenic_carbon_content", 0)),
        "fossilGhgEmissions": _dec(b.per_unit - b.biogenic_nonco2),
        "biogenicCO2Uptake": uptake,
        "biogenicNonCO2Emissions": _dec(b.biogenic_nonco2),
        **({"packagingEmissionsIncluded": row.get("packaging_included")}
           if row.get("packaging_included") is not None else {}),
        "ipccCharacterizationFactors": [s["gwp"]],
        "crossSectoralStandards": s["standards"],
        "exemptedEmissionsPercent": _dec(row.get("exempted_emissions_percent", 0)),
        **({"exemptedEmissionsDescription": row.get("exempted_emissions_description")}
           if row.get("exempted_emissions_description") is not None else {}),
        "allocationRulesDescription": _allocation(row, b),
        "primaryDataShare": _dec(round(row.get("primary_data_share", b.primary_share), 4)),
    }
    _aircraft(row, pcf)
    dqi = _dqi(row, sheet, found, version=3)
    if dqi:
        pcf["dqi"] = dqi
    return pcf


def _aircraft(row: ProductRow, pcf: dict) -> None:
    if row.get("aircraft_kgco2e") is not None:
        pcf["aircraftGhgEmissions"] = _dec(row.get("aircraft_kgco2e"))


def _allocation(row: ProductRow, b: Basis) -> str:
    extra = row.get("allocation_description")
    return b.allocation_text + (f" {extra}" if extra else "")


_DQI_V2 = (("coveragePercent", "dqi_coverage_pct"), ("technologicalDQR", "dqr_technological"),
           ("temporalDQR", "dqr_temporal"), ("geographicalDQR", "dqr_geographical"),
           ("completenessDQR", "dqr_completeness"), ("reliabilityDQR", "dqr_reliability"))
_DQI_V3 = (("technologicalDQR", "dqr_technological"), ("geographicalDQR", "dqr_geographical"),
           ("temporalDQR", "dqr_temporal"))


def _dqi(row: ProductRow, sheet: ProductSheet, found: list[Finding], version: int) -> dict:
    fields = _DQI_V2 if version == 2 else _DQI_V3
    given = {k: row.get(c) for k, c in fields}
    if all(v is None for v in given.values()):
        return {}
    for key, column in fields:
        if given[key] is None:
            found.append(_missing(sheet, row, column, "every data quality rating of the dqi "
                                  "is needed once one is given"))
    if version == 2:
        return given
    return {k: _dec(v) for k, v in given.items() if v is not None}


def _unknown_standards(row: ProductRow, standards: list[str], known: set[str],
                       sheet: ProductSheet, found: list[Finding]) -> None:
    for x in standards:
        if x not in known:
            found.append(warning("pact-standard-not-in-v2", f"{x} is not a PACT v2.3 "
                                 f"cross-sectoral standard; it is left out of "
                                 "crossSectoralStandards.", sheet.loc(row,
                                                                       "cross_sectoral_standards")))


# ---------------------------------------------------------------------------------------------
# Small helpers


def _missing(sheet: ProductSheet, row: ProductRow, column: str, what: str) -> Finding:
    where = sheet.loc(row, column) if column in sheet.columns else sheet.loc(row, None)
    suffix = "" if column in sheet.columns else " (add the column)"
    return error("pact-sheet-missing-value", f"{column} is empty{suffix}: {what}.", where)


def _required(row: ProductRow, column: str, sheet: ProductSheet, found: list[Finding]) -> str:
    value = row.get(column)
    if value is None:
        found.append(_missing(sheet, row, column, "required in every footprint"))
    return value


def _urns(row: ProductRow, column: str, sheet: ProductSheet, found: list[Finding], *,
          required: bool) -> list[str]:
    items = row.list(column)
    if not items and required:
        found.append(_missing(sheet, row, column, "one or more URNs (urn:...)"))
    bad = [x for x in items if not x.lower().startswith("urn:")]
    if bad:
        found.append(error("pact-sheet-not-a-urn", f"{', '.join(bad)} is not a URN; write ids "
                           "as urn:... (several separated by ;).", sheet.loc(row, column)))
    return items


def _doc_period(period: dict | None, found: list[Finding]) -> tuple[dt.date, dt.date] | None:
    try:
        start = dt.date.fromisoformat(period["start"])
        end = dt.date.fromisoformat(period["end"])
    except (TypeError, KeyError, ValueError):
        found.append(error("pact-no-period", "The result document has no reporting period "
                           "(period.start and period.end); set it in the assessment.",
                           Location(pointer="/period")))
        return None
    return start, end


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _created(now: dt.datetime | str | None, period_end: str) -> str:
    if now is None:
        return period_end
    if isinstance(now, str):
        return now
    stamp = now.astimezone(dt.UTC) if now.tzinfo else now.replace(tzinfo=dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dec(x: float | None) -> str:
    """A float as a PACT decimal string: 10 significant digits, no exponent, no '-0'."""
    return _plain(Decimal(f"{float(x or 0.0):.10g}"))


def _plain(d: Decimal) -> str:
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _num(x: float, digits: int = 10) -> str:
    return f"{x:,.{digits}g}" if abs(x) < 1e15 else f"{x:.6e}"
