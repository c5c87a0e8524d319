"""The installation model every CBAM reader fills and every CBAM computation reads.

Readers (our workbook, the official template) produce the same dataclasses, each field's
origin kept in `where` (field name -> Location) so that a finding can name the cell the
user typed.  Percentages are stored as the user wrote them (0-100), as in the template.
Missing values are None, never a silent default; the computations decide what a blank
means (the template's rule: blank OxF/ConvF = 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from carbonaudit.findings import Location

# Methods as the template spells them, mapped to our keys by the readers.
COMBUSTION = "combustion"
PROCESS = "process"
MASS_BALANCE = "mass_balance"
METHODS = (COMBUSTION, PROCESS, MASS_BALANCE)

AD_UNITS = ("t", "1000Nm3")
EF_UNITS = ("tCO2/TJ", "tCO2/t", "tCO2/1000Nm3")
ELECTRICITY_EF_SOURCES = ("D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix")
SEE_SOURCES = ("Measured", "Default", "Unknown")
PFC_METHODS = ("slope", "overvoltage")
CEMS_GASES = ("CO2", "N2O")


@dataclass
class Where:
    """Locations of a record's fields; `row` is the record as a whole."""

    row: Location = field(default_factory=Location)
    fields: dict[str, Location] = field(default_factory=dict)

    def of(self, name: str) -> Location:
        return self.fields.get(name, self.row)


@dataclass
class Verifier:
    name: str | None = None
    street: str | None = None
    city: str | None = None
    post_code: str | None = None
    country: str | None = None
    representative: str | None = None
    email: str | None = None
    phone: str | None = None
    accreditation_state: str | None = None
    accreditation_body: str | None = None
    registration_number: str | None = None


@dataclass
class Site:
    """Section A: who and where the installation is, and the reporting period."""

    name: str | None = None              # English name (required)
    name_local: str | None = None
    street: str | None = None
    economic_activity: str | None = None
    post_code: str | None = None
    po_box: str | None = None
    city: str | None = None
    country: str | None = None           # ISO 3166 alpha-2
    unlocode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    representative: str | None = None
    email: str | None = None
    phone: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    verifier: Verifier = field(default_factory=Verifier)
    where: Where = field(default_factory=Where)


@dataclass
class GoodCategory:
    """An aggregated goods category produced (G1..G10) with its production routes."""

    id: str
    category: str                        # e.g. "Iron or steel products"
    routes: list[str] = field(default_factory=list)
    where: Where = field(default_factory=Where)


@dataclass
class SourceStream:
    """B_EmInst (a): one fuel or material with its calculation parameters."""

    id: str                              # "SS1"… or the template row number
    method: str | None                   # COMBUSTION | PROCESS | MASS_BALANCE
    name: str | None
    activity_data: float | None          # negative only for mass-balance outputs
    ad_unit: str | None                  # AD_UNITS
    ncv: float | None = None             # GJ/t or GJ/1000Nm3
    ef: float | None = None
    ef_unit: str | None = None           # EF_UNITS
    carbon_content: float | None = None  # tC/t or tC/1000Nm3 (mass balance)
    oxidation_factor: float | None = None   # % (blank = 100)
    conversion_factor: float | None = None  # % (blank = 100)
    biomass: float | None = None            # % of carbon that is biogenic
    where: Where = field(default_factory=Where)


@dataclass
class PfcSource:
    """B_EmInst (b): PFC emissions from primary aluminium cells."""

    id: str
    method: str | None                   # PFC_METHODS
    technology: str | None
    production_t: float | None           # t primary aluminium
    frequency: float | None = None       # A: anode effects per cell-day
    duration: float | None = None        # A: minutes per anode effect
    sef_cf4: float | None = None         # A: (kg CF4/t Al)/(AE-min/cell-day)
    aeo: float | None = None             # B: anode effect overvoltage, mV
    current_efficiency: float | None = None  # B: fraction
    ovc: float | None = None             # B: kg CF4/(t Al·mV)
    f_c2f6: float | None = None          # t C2F6 / t CF4
    collection_efficiency: float | None = None  # fraction (blank = 1)
    where: Where = field(default_factory=Where)


@dataclass
class CemsSource:
    """B_EmInst (c): a continuously measured emission point."""

    id: str
    name: str | None
    gas: str | None                      # CEMS_GASES
    biomass: float | None                # %
    concentration: float | None          # g/Nm3, hourly average
    hours: float | None                  # h in the period
    flow: float | None                   # 1000 Nm3/h, average
    where: Where = field(default_factory=Where)


@dataclass
class Process:
    """A production process (P1..P10) and its D_Processes block."""

    id: str
    name: str
    good: str | None                     # aggregated goods category it produces
    included: list[str] = field(default_factory=list)
    production: dict[str, float | None] = field(default_factory=dict)  # route -> t (or MWh)
    to_market: float | None = None
    consumed_in: dict[str, float | None] = field(default_factory=dict)  # process name -> t
    non_cbam: float | None = None
    heat_relevant: bool | None = None
    waste_gas_relevant: bool | None = None
    direct_emissions: float | None = None          # DirEm*, t CO2e
    heat_imported: float | None = None             # TJ
    heat_imported_ef: float | None = None          # t CO2/TJ
    heat_exported: float | None = None
    heat_exported_ef: float | None = None
    waste_gas_imported: float | None = None        # TJ
    waste_gas_exported: float | None = None        # TJ
    electricity_consumed: float | None = None      # MWh
    electricity_ef: float | None = None            # t CO2/MWh
    electricity_ef_source: str | None = None       # ELECTRICITY_EF_SOURCES
    electricity_exported: float | None = None      # MWh
    electricity_exported_ef: float | None = None   # t CO2/MWh
    where: Where = field(default_factory=Where)


@dataclass
class Precursor:
    """A purchased precursor (PP1..PP20) and its E_PurchPrec block."""

    id: str
    name: str
    good: str | None
    country: str | None                  # ISO 3166 alpha-2 of the producing installation
    routes: list[str] = field(default_factory=list)
    purchased: dict[str, float | None] = field(default_factory=dict)   # route -> t
    consumed_in: dict[str, float | None] = field(default_factory=dict)  # process name -> t
    other_uses: float | None = None
    see_direct: float | None = None                # t CO2e/t
    see_direct_source: str | None = None           # SEE_SOURCES
    specific_electricity: float | None = None      # MWh/t
    specific_electricity_source: str | None = None
    electricity_ef: float | None = None            # t CO2/MWh
    electricity_ef_source: str | None = None
    justification: str | None = None               # required when a default is used
    where: Where = field(default_factory=Where)


@dataclass
class CarbonPrice:
    """Carbon price paid in the country of production, per product (Summary_Products)."""

    instrument: str | None = None        # None | Carbon Tax | … | National ETS | …
    share_covered: float | None = None   # 0-1 of embedded emissions
    currency: str | None = None          # ISO 4217
    price_due_per_t: float | None = None  # per t CO2e
    rebate_type: str | None = None
    rebate_share: float | None = None
    rebate_per_t: float | None = None


@dataclass
class Product:
    """A product as the customer knows it: CN code, name, and the process that makes it."""

    process: str                         # process name
    cn_code: str | None                  # 8 digits as text
    name: str | None
    qualifying: dict[str, object] = field(default_factory=dict)
    carbon_price: CarbonPrice | None = None
    where: Where = field(default_factory=Where)


@dataclass
class DataQuality:
    general: str | None = None
    default_justification: str | None = None
    quality_assurance: str | None = None
    indirect_total: float | None = None  # C_Emissions&Energy M26, always manual
    where: Where = field(default_factory=Where)


@dataclass
class Installation:
    """Everything read from one installation file."""

    site: Site
    goods: list[GoodCategory] = field(default_factory=list)
    streams: list[SourceStream] = field(default_factory=list)
    pfc: list[PfcSource] = field(default_factory=list)
    cems: list[CemsSource] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)
    precursors: list[Precursor] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    data_quality: DataQuality = field(default_factory=DataQuality)
    source_kind: str = "carbonaudit"     # "carbonaudit" | "official-2.1.1"
    source_path: str | None = None
    source_sha256: str | None = None
    stated: list[Stated] = field(default_factory=list)  # cached results in an official file


@dataclass
class Stated:
    """A result the file itself states (an official template's cached formula value),
    kept so `validate --kind cbam` can recompute and compare."""

    what: str                            # e.g. "stream:SS3:co2e_fossil", "product:4:see_total"
    value: float | str | None
    where: Location = field(default_factory=Location)
