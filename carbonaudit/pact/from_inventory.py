"""Footprint bases from a carbonaudit inventory (`document_type: carbonaudit.inventory`).

The emissions of a site (scope 1 + scope 2 market- or location-based + optionally its scope 3)
are allocated to the sheet's products at that site by mass, by economic value or by given
shares, then divided by the production in declared units.  Shares depend on every product of a
site, so one bad row stops the site's other rows too, each with a finding.
"""

from __future__ import annotations

import datetime as dt

from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import Finding, error, warning
from carbonaudit.pact.basis import Basis, document_period, missing_value
from carbonaudit.pact.products import ProductRow, ProductSheet

ALLOCATION = {"mass": "mass", "physical": "mass", "economic": "economic", "value": "economic",
              "economic value": "economic", "share": "share", "shares": "share",
              "given": "share"}
# Scope 3 categories that do not belong in a cradle-to-gate product boundary.
OUTSIDE_GATE = {6, 7, 9, 10, 11, 12, 13, 14, 15}


def inventory_bases(doc: dict, sheet: ProductSheet, found: list[Finding],
                    repeated: set[int]) -> dict[int, Basis]:
    """Sheet row -> Basis for every row whose site and allocation are complete."""
    period = document_period(doc.get("period"), found)
    if period is None:
        return {}
    sites = {s["site"]: s for s in doc.get("by_site") or []}
    groups: dict[str, list[ProductRow]] = {}
    for row in sheet.rows:
        site = row.get("site")
        if site is None:
            found.append(missing_value(sheet, row, "site", "the inventory site that makes it"))
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
        found.append(missing_value(sheet, row, "declared_unit_amount", "how many declared units "
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
            found.append(missing_value(sheet, row, column, f"needed for {method} allocation"))
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
        found.append(missing_value(sheet, row, "production_quantity", "the amount produced in the "
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



def _num(x: float, digits: int = 10) -> str:
    return f"{x:,.{digits}g}" if abs(x) < 1e15 else f"{x:.6e}"
