"""Footprint bases from a CBAM communication (`document_type: cbam-communication`).

Each product's specific embedded emissions in t CO2e/t are kg CO2e/kg, so the footprint per
kilogram is see_direct + see_indirect (a PCF counts electricity whether or not CBAM does);
electricity goods are per kWh.  The products sheet names the CBAM product of each row by CN
code (and name, when a CN code has several).
"""

from __future__ import annotations

from carbonaudit.findings import Finding, Location, error, warning
from carbonaudit.pact.basis import Basis, document_period, missing_value
from carbonaudit.pact.products import ProductRow, ProductSheet

N2O_GWP = {298: "AR4", 265: "AR5", 273: "AR6"}


def cbam_bases(doc: dict, sheet: ProductSheet, spec: str, found: list[Finding],
               ) -> dict[int, Basis]:
    """Sheet row -> Basis for every row whose CBAM product is found and computed."""
    period = document_period(doc.get("period"), found)
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
        found.append(missing_value(sheet, row, "cn_code", "the CN code of the CBAM product"))
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

