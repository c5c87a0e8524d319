"""One PACT ProductFootprint (v2.3 or v3.0) from a Basis and its products-sheet row.

Numbers are decimal strings (10 significant digits).  Output is deterministic: ids are uuid5
of product id, period and spec version; `created` is the end of the reference period unless
the caller gives `now`.  Facts the result cannot know come from the sheet; a required one that
is missing is a finding and no footprint.  Every built footprint is validated before it is
returned, so a sheet value PACT does not accept is a finding at its cell.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from carbonaudit.findings import Finding, error, has_errors, warning
from carbonaudit.pact.basis import Basis, missing_value
from carbonaudit.pact.products import ProductRow, ProductSheet
from carbonaudit.pact.validate import validate_one

SPECS = {"2.3": "2.3.0", "3.0": "3.0.0"}
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://carbonaudit.example/pact")
V2_STANDARDS = {"ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0",
                "PACT-2.0", "PACT-3.0"}
# The deprecated v2 field crossSectoralStandardsUsed only knows three standards.
V2_USED = {"GHGP-Product": "GHG Protocol Product standard", "ISO14067": "ISO Standard 14067",
           "ISO14040-44": "ISO Standard 14044"}


def build_footprint(row: ProductRow, b: Basis, sheet: ProductSheet, spec: str,
                    now: dt.datetime | str | None) -> tuple[dict | None, list[Finding]]:
    """The footprint of one sheet row (None when it has errors) and the findings about it."""
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
    # strict: what we write must pass even the rules only the specification's prose states.
    problems = [f for f in validate_one(fp, [], strict=True) if str(f.severity) == "error"]
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
        found.append(missing_value(sheet, row, "company_name", "the reporting company's name"))
    out["companyName"] = name
    out["companyIds"] = _urns(row, "company_ids", sheet, found, required=True)
    out["productDescription"] = _required(row, "product_description", sheet, found)
    out["productIds"] = _urns(row, "product_id", sheet, found, required=True)
    cpc = row.get("cpc_code")
    classes = _urns(row, "classification_ids", sheet, found, required=False)
    if spec == "2.3":
        if cpc is None:
            found.append(missing_value(sheet, row, "cpc_code", "the UN CPC code (PACT v2 requires "
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
        found.append(missing_value(sheet, row, "declared_unit",
                                   "kilogram, liter, kilowatt hour..."))
    standards = row.list("cross_sectoral_standards")
    if not standards:
        found.append(missing_value(sheet, row, "cross_sectoral_standards",
                                   "the standards followed, e.g. ISO14067; GHGP-Product"))
    gwp = row.get("ipcc_characterization_factors", b.gwp)
    if gwp is None:
        found.append(missing_value(sheet, row, "ipcc_characterization_factors", "the GWP set (AR5, "
                                   "AR6) used; the result document does not say"))
    for column, what in (("fossil_carbon_content", "kg fossil carbon per declared unit"),
                         ("biogenic_carbon_content", "kg biogenic carbon per declared unit"),
                         ("exempted_emissions_percent", "share of emissions left out, 0-100")):
        if row.get(column) is None:
            found.append(missing_value(sheet, row, column, what))
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
            found.append(missing_value(sheet, row, column, "required by PACT v2"))
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
        found.append(missing_value(sheet, row, "dqr_technological", "data quality ratings (dqi) "
                                   "are required from reference periods including 2025"))
    _unknown_standards(row, s["standards"], V2_STANDARDS, sheet, found)
    return pcf


def _pcf_v3(row: ProductRow, b: Basis, sheet: ProductSheet, found: list[Finding]) -> dict:
    s = _shared_pcf(row, b, sheet, found)
    mass = b.mass_per_unit
    if mass is None:
        found.append(missing_value(sheet, row, "product_mass_per_declared_unit", "kg per declared "
                                   "unit, 0 when mass is not relevant (PACT v3 requires it)"))
    if s["uptake"] is None:
        found.append(missing_value(sheet, row, "biogenic_co2_uptake", "kg CO2 per declared unit "
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
            found.append(missing_value(sheet, row, column, "every data quality rating of the dqi "
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


def _required(row: ProductRow, column: str, sheet: ProductSheet, found: list[Finding]) -> str:
    value = row.get(column)
    if value is None:
        found.append(missing_value(sheet, row, column, "required in every footprint"))
    return value


def _urns(row: ProductRow, column: str, sheet: ProductSheet, found: list[Finding], *,
          required: bool) -> list[str]:
    items = row.list(column)
    if not items and required:
        found.append(missing_value(sheet, row, column, "one or more URNs (urn:...)"))
    bad = [x for x in items if not x.lower().startswith("urn:")]
    if bad:
        found.append(error("pact-sheet-not-a-urn", f"{', '.join(bad)} is not a URN; write ids "
                           "as urn:... (several separated by ;).", sheet.loc(row, column)))
    return items



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

