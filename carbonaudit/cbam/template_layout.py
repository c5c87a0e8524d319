"""Where things are in the Commission's CBAM template v2.1.1, and how it spells them.

The template is one fixed grid: its reader (`official`), its writer (`fill`) and our own
workbook (whose drop-downs use the template's spellings) share these facts, taken from
`shared/domain/cbam_template_cells.md` (every unlocked cell of v2.1.1) and the template's hidden
sheet Parameters_Constants.  Any other template version has other addresses.
"""

from __future__ import annotations

import datetime as dt

from carbonaudit.cbam import reference
from carbonaudit.cbam.model import COMBUSTION, MASS_BALANCE, PROCESS
from carbonaudit.findings import column_letter

SUPPORTED_TYPE = "CBAM communication SEE Version 2"
SUPPORTED_DATE = dt.date(2024, 12, 13)
SUPPORTED_VERSION = "2.1.1"

# Drop-down vocabularies as the template spells them (Parameters_Constants), mapped to ours.
METHOD_SPELLING = {"Combustion": COMBUSTION, "Process emissions": PROCESS,
                   "Mass Balance": MASS_BALANCE}
PFC_SPELLING = {"Slope method": "slope", "Overvoltage method": "overvoltage"}
AD_UNITS = ("t", "1000Nm3")
EF_UNITS = ("tCO2/TJ", "tCO2/t", "tCO2/1000Nm3")
ELEC_SOURCES = ("D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix")
SEE_SOURCES = ("Measured", "Default", "Unknown")
JUSTIFICATIONS = ("Unreasonable costs for more accurate monitoring", "Data gaps", "Other")
DATA_QUALITY = (
    "Mostly measurements & analyses",
    "Mostly measurements & national standard factors for e.g. the emission factor",
    "Mostly measurements & sector-specific standard factors for e.g. the emission factor",
    "Mostly measurements & international standard factors for e.g. the emission factor",
    "Mostly default values provided by the European Commission",
)
QUALITY_ASSURANCE = ("Third-party verification", "Internal audits", "Four eyes principle",
                     "None")
CARBON_PRICE_TYPES = ("Carbon Tax", "Carbon Levy", "Carbon Fee",
                      "National Emissions Trading System", "Regional Emissions Trading System",
                      "Combination", "Other")
REBATE_TYPES = ("Free allocation", "Financial compensation", "Tax deduction", "Combination",
                "Other")
ONLY_DIRECT = reference.ONLY_DIRECT  # re-exported: the readers and fill spell it so
ALL_ROUTES = "All production routes"
TEMPLATE_ERRORS = ("Incomplete!", "Inconsistent!", "Duplicate!", "Missing!")

# Row layout of v2.1.1 (cbam_template_cells.md).
STREAM_ROWS = range(17, 92)
PFC_ROWS = range(98, 108)
CEMS_ROWS = range(113, 123)
GOOD_ROWS = range(62, 72)
PROCESS_ROWS = range(83, 93)
PRECURSOR_ROWS = range(102, 122)
PRODUCT_ROWS = range(10, 110)
PROCESS_STRIDE = 65
PRECURSOR_STRIDE = 44
MAX_ROUTES = 8
ROUTE_COLS_GOOD = "IJKLMN"
ROUTE_COLS_PRECURSOR = "GHIJK"
INCLUDED_COLS = "FGHIJK"
QUALIFYING_COLS = tuple(column_letter(i) for i in range(15, 37))  # P..AK

SITE_CELLS = {
    "period_start": "I9", "period_end": "L9", "name_local": "I19", "name": "I20",
    "street": "I21", "economic_activity": "I22", "post_code": "I23", "po_box": "I24",
    "city": "I25", "country": "I26", "unlocode": "I27", "latitude": "I28",
    "longitude": "I29", "representative": "I30", "email": "I31", "phone": "I32",
}
VERIFIER_CELLS = {
    "name": "I37", "street": "I38", "city": "I39", "post_code": "I40", "country": "I41",
    "representative": "I45", "email": "I46", "phone": "I47",
    "accreditation_state": "I51", "accreditation_body": "I52", "registration_number": "I53",
}
STREAM_COLS = {"method": "D", "name": "E", "activity_data": "F", "ad_unit": "G", "ncv": "H",
               "ef": "J", "ef_unit": "K", "carbon_content": "L", "oxidation_factor": "N",
               "conversion_factor": "P", "biomass": "R"}
PFC_COLS = {"method": "D", "technology": "E", "production_t": "F", "frequency": "AG",
            "duration": "AH", "sef_cf4": "AI", "aeo": "AJ", "current_efficiency": "AK",
            "ovc": "AL", "f_c2f6": "AM", "collection_efficiency": "AT"}
CEMS_COLS = {"name": "D", "gas": "E", "biomass": "R", "concentration": "V", "hours": "X",
             "flow": "Z"}
DQ_CELLS = {"general": "H40", "default_justification": "H41", "quality_assurance": "H42",
            "indirect_total": "M26"}
# D_Processes cells for P1; add 65*(n-1) to the row for Pn.
PROCESS_CELLS = {
    "to_market": "L27", "non_cbam": "L41", "heat_relevant": "K50",
    "waste_gas_relevant": "L50", "direct_emissions": "L54", "heat_imported": "L57",
    "heat_exported": "M57", "heat_imported_ef": "L58", "heat_exported_ef": "M58",
    "waste_gas_imported": "L61", "waste_gas_exported": "M61", "electricity_consumed": "L65",
    "electricity_ef": "L66", "electricity_ef_source": "L67", "electricity_exported": "L71",
    "electricity_exported_ef": "L72",
}
PROCESS_BOOLS = ("heat_relevant", "waste_gas_relevant")
PROCESS_PRODUCTION_ROW = 16
PROCESS_CONSUMED_ROW = 32
# E_PurchPrec cells for PP1; add 44*(k-1).
PRECURSOR_CELLS = {
    "other_uses": "L38", "see_direct": "L49", "see_direct_source": "M49",
    "specific_electricity": "L50", "specific_electricity_source": "M50",
    "electricity_ef": "L51", "electricity_ef_source": "M51", "justification": "K54",
}
PRECURSOR_PURCHASED_ROW = 17
PRECURSOR_CONSUMED_ROW = 28
CARBON_PRICE_COLS = {"instrument": "AL", "share_covered": "AM", "currency": "AP",
                     "price_due_per_t": "AR", "rebate_type": "AT", "rebate_share": "AU",
                     "rebate_per_t": "AX"}
# Sheets scanned for the template's error strings; helper columns beyond AZ hold hidden
# flags that say "Incomplete!" even in the blank template, so they are left out.
ERROR_SHEETS = ("A_InstData", "B_EmInst", "C_Emissions&Energy", "D_Processes", "E_PurchPrec",
                "Summary_Processes", "Summary_Products")
ERROR_LAST_COL = 52


def other_process_ids(n: int, count: int = len(PROCESS_ROWS)) -> list[int]:
    """Process numbers listed in D_Processes (c) of Pn: all others, in ID order."""
    return [k for k in range(1, count + 1) if k != n]
