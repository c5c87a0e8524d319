"""Result dataclasses of the CBAM computation (`compute.compute` fills them).

Every emission is in tonnes CO2e, every specific value in t CO2e per unit of good (t or MWh).
A value is None when it cannot be computed from the input (the reason is a finding); a None
is never replaced by a silent zero.  `document.build_document` turns these into the
communication document described in COMMUNICATION.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.findings import Finding


@dataclass
class StreamResult:
    """One source stream of B_EmInst (a) with the template's computed columns AU-AY."""

    id: str
    name: str | None
    method: str | None
    co2e_fossil: float | None = None      # AU, t CO2e (None = "Incomplete!"/"Inconsistent!")
    co2e_bio: float | None = None         # AV, t CO2 biogenic (reported, not embedded)
    energy_fossil_tj: float | None = None  # AX
    energy_bio_tj: float | None = None     # AY
    oxidation_factor: float | None = None  # effective % applied (combustion), blank -> 100
    conversion_factor: float | None = None  # effective % applied (process), blank -> 100


@dataclass
class PfcResult:
    """One PFC source of B_EmInst (b)."""

    id: str
    method: str | None
    technology: str | None
    production_t: float | None
    cf4_t: float | None = None
    c2f6_t: float | None = None
    cf4_co2e: float | None = None
    c2f6_co2e: float | None = None
    co2e: float | None = None             # (CF4 + C2F6 in CO2e) / collection efficiency


@dataclass
class CemsResult:
    """One measured emission point of B_EmInst (c)."""

    id: str
    name: str | None
    gas: str | None
    gwp: float | None = None
    gas_t: float | None = None            # fossil part, t of the gas (template column AD)
    co2e_fossil: float | None = None
    co2e_bio: float | None = None


@dataclass
class PrecursorUse:
    """A precursor consumed by a process: another process of the installation or a
    purchased precursor."""

    name: str
    kind: str                             # "process" | "purchased"
    mass_t: float
    per_t: float | None                   # mass per unit of the consuming process's output
    see_direct: float | None
    see_indirect: float | None


@dataclass
class ProcessResult:
    """A production process after attribution (D_Processes) and SEE (InputOutput)."""

    id: str
    name: str
    good: str | None
    unit: str
    total_production: float | None
    to_market: float | None
    consumed_in_other: float
    non_cbam: float | None
    mass_balance_control: float | None
    direct_emissions: float | None        # DirEm*
    heat_t: float = 0.0
    waste_gas_t: float = 0.0
    electricity_exported_t: float = 0.0
    attributed_direct: float | None = None
    attributed_indirect: float | None = None
    electricity_consumed_mwh: float | None = None
    electricity_ef: float | None = None
    electricity_ef_source: str | None = None
    indirect_counted: bool = False
    se_direct: float | None = None
    se_indirect: float | None = None
    see_direct: float | None = None
    see_indirect: float | None = None
    see_indirect_counted: float | None = None  # the part of see_indirect the regime counts
    see_total: float | None = None             # direct + indirect, as the template shows it
    see_counted: float | None = None           # direct + indirect counted: the regime's amount
    see_counted_rule: str = ""                 # the rule that sets see_counted
    embedded_electricity_mwh_per_t: float | None = None
    share_default_pct: float | None = None
    precursors: list[PrecursorUse] = field(default_factory=list)


@dataclass
class PrecursorResult:
    """A purchased precursor (E_PurchPrec) with its balance and the SEE used."""

    id: str
    name: str
    good: str | None
    country: str | None
    total_purchased: float | None
    consumed: float
    other_uses: float | None
    mass_balance_control: float | None
    see_direct: float | None              # as used (0 when counted as zero)
    see_direct_source: str | None
    specific_electricity_mwh_per_t: float | None
    electricity_ef: float | None
    electricity_ef_source: str | None
    see_indirect: float | None            # MWh/t x EF, as used
    counted_as_zero: bool = False
    justification: str | None = None
    indirect_counted: bool = False


@dataclass
class ProductResult:
    """A product as communicated (Summary_Products): the SEE of its process."""

    process: str
    good: str | None
    cn_code: str | None
    cn_name: str | None
    name: str | None
    see_direct: float | None
    see_indirect: float | None
    see_indirect_counted: float | None
    see_total: float | None          # direct + indirect
    see_counted: float | None        # what the regime counts (certificate basis)
    see_counted_rule: str
    unit: str
    indirect_counted: bool
    share_default_pct: float | None
    electricity_ef_source: str | None
    embedded_electricity_mwh_per_t: float | None
    electricity_ef: float | None


@dataclass
class CbamResult:
    """Everything `compute` derives from one installation, plus its findings."""

    regime: str
    year: int | None
    streams: list[StreamResult] = field(default_factory=list)
    pfc: list[PfcResult] = field(default_factory=list)
    cems: list[CemsResult] = field(default_factory=list)
    processes: list[ProcessResult] = field(default_factory=list)
    precursors: list[PrecursorResult] = field(default_factory=list)
    products: list[ProductResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def calculation_t(self) -> float:
        return sum(s.co2e_fossil for s in self.streams if s.co2e_fossil is not None)

    @property
    def pfc_t(self) -> float:
        return sum(p.co2e for p in self.pfc if p.co2e is not None)

    @property
    def measurement_t(self) -> float:
        return sum(c.co2e_fossil for c in self.cems if c.co2e_fossil is not None)

    @property
    def direct_t(self) -> float:
        """Installation direct emissions: source streams + PFC + CEMS (fossil)."""
        return self.calculation_t + self.pfc_t + self.measurement_t

    @property
    def biogenic_t(self) -> float:
        return (sum(s.co2e_bio for s in self.streams if s.co2e_bio is not None)
                + sum(c.co2e_bio for c in self.cems if c.co2e_bio is not None))

    @property
    def attributed_direct_t(self) -> float:
        return sum(p.attributed_direct for p in self.processes if p.attributed_direct is not None)

    @property
    def attributed_indirect_t(self) -> float:
        return sum(p.attributed_indirect for p in self.processes
                   if p.attributed_indirect is not None)
