"""The sheets and columns of our own CBAM installation workbook (its writer and reader share them).

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

Drop-down values use the official template's spellings (`template_layout`).
"""

from __future__ import annotations

import datetime as dt

from carbonaudit.cbam import reference
from carbonaudit.cbam import template_layout as layout

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
    "method": tuple(layout.METHOD_SPELLING), "ad_unit": layout.AD_UNITS, "ef_unit": layout.EF_UNITS,
    "pfc_method": tuple(layout.PFC_SPELLING), "gas": ("CO2", "N2O"),
    "good": tuple(reference.goods()), "elec_source": layout.ELEC_SOURCES,
    "see_source": layout.SEE_SOURCES, "bool": ("TRUE", "FALSE"),
    "quality": layout.DATA_QUALITY, "justification": layout.JUSTIFICATIONS,
    "assurance": layout.QUALITY_ASSURANCE, "cp_type": layout.CARBON_PRICE_TYPES,
    "rebate_type": layout.REBATE_TYPES, "currency": (),  # filled lazily (reference data)
    "country": (),
}


def list_values(name: str) -> tuple[str, ...]:
    """The drop-down values of one list (reference lists are read when asked for)."""
    if name == "currency":
        return tuple(reference.currencies())
    if name == "country":
        return tuple(sorted(c.name for c in reference.countries().values()))
    if name == "included":
        return (layout.ONLY_DIRECT, *reference.goods())
    return LISTS[name]


def is_installation_workbook(names: list[str]) -> bool:
    """Whether a workbook's sheet names are those of our installation workbook."""
    return all(n in names for n in MARKER_SHEETS)
