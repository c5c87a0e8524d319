"""Attribution of emissions to production processes (template D_Processes, DOMAIN.md §1.5)
and the CHP split tool (template F_Tools).

AttrEm_dir = DirEm* + heat imported x EF - heat exported x EF
             + 56.1 x waste gas imported [TJ] - 56.1 x 0.667 x waste gas exported [TJ]
             - electricity exported [MWh] x EF;
AttrEm_indir = electricity consumed [MWh] x EF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from carbonaudit.cbam import reference
from carbonaudit.cbam.model import ELECTRICITY_EF_SOURCES, Process
from carbonaudit.cbam.results import ProcessResult
from carbonaudit.findings import Finding, error, warning

EF_NATURAL_GAS = 56.1      # t CO2/TJ, the template's CONST_EFNatGas (waste-gas credit)
WASTE_GAS_EFFICIENCY = 0.667  # correction for exported waste gas (template T62)
MWH_TO_TJ = 3.6 / 1000.0


def is_number(value: object) -> bool:
    """A finite int or float (not a bool); readers may hand over anything a cell held."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _v(value: float | None) -> float:
    """A blank optional amount counts as 0, as in the template's sums."""
    return float(value) if is_number(value) else 0.0


def total_production(p: Process) -> float | None:
    """Sum of production over routes (the SEE denominator); None when nothing was entered."""
    values = [v for v in p.production.values() if is_number(v)]
    return float(sum(values)) if values else None


def heat_emissions(p: Process) -> float:
    return _v(p.heat_imported) * _v(p.heat_imported_ef) - _v(p.heat_exported) * _v(
        p.heat_exported_ef)


def waste_gas_emissions(p: Process) -> float:
    return (EF_NATURAL_GAS * _v(p.waste_gas_imported)
            - EF_NATURAL_GAS * WASTE_GAS_EFFICIENCY * _v(p.waste_gas_exported))


def electricity_exported_emissions(p: Process) -> float:
    return _v(p.electricity_exported) * _v(p.electricity_exported_ef)


def attribute(p: Process) -> tuple[ProcessResult, list[Finding]]:
    """Attributed direct and indirect emissions of one process, with its checks.

    The SEE fields are left for `see.solve`.
    """
    good = reference.find_good(p.good)
    total = total_production(p)
    consumed_other = sum(_v(v) for v in p.consumed_in.values())
    r = ProcessResult(
        id=p.id, name=p.name, good=good.category if good else p.good,
        unit=good.unit if good else "t", total_production=total, to_market=p.to_market,
        consumed_in_other=consumed_other, non_cbam=p.non_cbam, mass_balance_control=None,
        direct_emissions=p.direct_emissions,
        heat_t=heat_emissions(p), waste_gas_t=waste_gas_emissions(p),
        electricity_exported_t=electricity_exported_emissions(p),
        electricity_consumed_mwh=p.electricity_consumed, electricity_ef=p.electricity_ef,
        electricity_ef_source=p.electricity_ef_source,
    )
    r.attributed_direct = (_v(p.direct_emissions) + r.heat_t + r.waste_gas_t
                           - r.electricity_exported_t)
    r.attributed_indirect = _v(p.electricity_consumed) * _v(p.electricity_ef)
    if total is not None:
        # (e) control: total = to market + consumed in other processes + non-CBAM goods
        r.mass_balance_control = total - _v(p.to_market) - consumed_other - _v(p.non_cbam)
    return r, check_process(p, r, good)


def check_process(p: Process, r: ProcessResult, good: reference.Good | None) -> list[Finding]:
    label = f"Process {p.id} ({p.name})"
    out: list[Finding] = []
    if good is None:
        out.append(error("cbam-unknown-good",
                         f"{label}: aggregated goods category {p.good!r} is not a CBAM "
                         "category; choose one from the template's list.", p.where.of("good")))
    out.extend(_included_checks(p, good, label))
    if not r.total_production:
        out.append(error("cbam-process-no-production",
                         f"{label} has no production level (total production missing or 0), "
                         "so its specific emissions cannot be computed. Enter the production "
                         "of the reporting period.", p.where.of("production")))
    control = r.mass_balance_control
    if control is not None and abs(control) > _tolerance(r.total_production):
        out.append(warning("cbam-process-mass-balance",
                           f"{label}: production {r.total_production:g} does not equal "
                           f"to market + consumed in other processes + non-CBAM goods "
                           f"(difference {control:g}); the template's control must be 0.",
                           p.where.of("to_market")))
    if p.direct_emissions is None:
        out.append(warning("cbam-process-direct-missing",
                           f"{label}: no directly attributable emissions (DirEm*); taken as 0. "
                           "Enter 0 if that is right.", p.where.of("direct_emissions")))
    out.extend(_negative_checks(p, label))
    out.extend(_ef_checks(p, label))
    return out


def _included_checks(p: Process, good: reference.Good | None, label: str) -> list[Finding]:
    """A_InstData 4(b): the template shows "Incomplete!" for a process with no included
    category and "Inconsistent!" for one it does not allow to be bubbled into this one."""
    if good is None:
        return []
    if not p.included:
        return [error("cbam-process-included-missing",
                      f"{label} names no included goods category (the template shows "
                      f"'Incomplete!'); enter {reference.ONLY_DIRECT!r} or the categories "
                      "produced inside it.", p.where.of("included"))]
    allowed = {reference.fold(g)
               for g in (reference.ONLY_DIRECT, good.category, *good.includable)}
    out = []
    for i, name in enumerate(p.included):
        if reference.fold(name) not in allowed:
            out.append(error(
                "cbam-process-included-inconsistent",
                f"{label}: {name!r} cannot be included in a {good.category} process (the "
                f"template shows 'Inconsistent!'); allowed: "
                f"{', '.join([reference.ONLY_DIRECT, *good.includable])}.",
                p.where.fields.get(f"included.{i}", p.where.of("included"))))
    return out


def _tolerance(total: float | None) -> float:
    """Rounding tolerance for a mass balance: a millionth of the amount, at least 1e-6 t."""
    return 1e-6 * max(1.0, abs(total or 0.0))


def _negative_checks(p: Process, label: str) -> list[Finding]:
    amounts = {"heat_imported": p.heat_imported, "heat_exported": p.heat_exported,
               "waste_gas_imported": p.waste_gas_imported,
               "waste_gas_exported": p.waste_gas_exported,
               "electricity_consumed": p.electricity_consumed,
               "electricity_exported": p.electricity_exported, "to_market": p.to_market,
               "non_cbam": p.non_cbam, "electricity_ef": p.electricity_ef}
    amounts |= {f"production[{k}]": v for k, v in p.production.items()}
    amounts |= {f"consumed_in[{k}]": v for k, v in p.consumed_in.items()}
    return [error("cbam-negative-value", f"{label}: {key} is negative ({value:g}).",
                  p.where.of(key.split("[")[0]))
            for key, value in amounts.items() if is_number(value) and value < 0]


def _ef_checks(p: Process, label: str) -> list[Finding]:
    out = []
    if _v(p.electricity_consumed) > 0 and not is_number(p.electricity_ef):
        out.append(error("cbam-electricity-ef-missing",
                         f"{label}: electricity consumed but no emission factor; enter the "
                         "t CO2/MWh factor.", p.where.of("electricity_ef")))
    out.extend(ef_source_findings(p.electricity_ef_source, _v(p.electricity_consumed) > 0,
                                  label, p.where.of("electricity_ef_source")))
    for kind in ("heat_imported", "heat_exported", "electricity_exported"):
        if _v(getattr(p, kind)) > 0 and not is_number(getattr(p, f"{kind}_ef")):
            out.append(error("cbam-ef-missing",
                             f"{label}: {kind.replace('_', ' ')} without an emission factor; "
                             "enter it.", p.where.of(f"{kind}_ef")))
    return out


def ef_source_findings(source: str | None, required: bool, label: str,
                       location) -> list[Finding]:
    """The electricity EF source must be one of the template's seven codes."""
    if source is None:
        if not required:
            return []
        return [error("cbam-electricity-ef-source-missing",
                      f"{label}: no source for the electricity emission factor; choose one "
                      f"of {', '.join(ELECTRICITY_EF_SOURCES)}.", location)]
    if source not in ELECTRICITY_EF_SOURCES:
        return [error("cbam-electricity-ef-source-invalid",
                      f"{label}: electricity EF source {source!r} is not one of "
                      f"{', '.join(ELECTRICITY_EF_SOURCES)}.", location)]
    return []


# ----------------------------------------------------------------------------------- CHP tool


@dataclass(frozen=True)
class ChpSplit:
    """Result of the template's CHP tool: the share of CHP emissions that goes to heat."""

    eta_heat: float
    eta_el: float
    f_heat: float
    emissions_heat_t: float
    emissions_el_t: float
    ef_heat: float | None        # t CO2/TJ of heat
    ef_el: float | None          # t CO2/MWh of electricity
    fuel_heat_tj: float
    fuel_el_tj: float


DEFAULT_ETA_HEAT = 0.55  # template default when the heat efficiency cannot be measured
DEFAULT_ETA_EL = 0.25    # template default when the electrical efficiency cannot be measured


def chp_split(fuel_tj: float, emissions_t: float, heat_tj: float | None,
              electricity_mwh: float | None, *, eta_ref_heat: float,
              eta_ref_el: float) -> ChpSplit:
    """Split CHP emissions (fuel + flue-gas cleaning) between heat and electricity.

    eta_heat = Q_heat / Q_fuel, eta_el = E_el [TJ] / Q_fuel (defaults 0.55 / 0.25 when a
    quantity is not measured); F_heat = (eta_heat/ref_heat) / (eta_heat/ref_heat +
    eta_el/ref_el).  Reference efficiencies are the fuel's harmonised values (the template's
    example for hard coal: 0.88 heat, 0.442 electricity) and must be given explicitly.
    """
    eta_heat = heat_tj / fuel_tj if heat_tj is not None and fuel_tj else DEFAULT_ETA_HEAT
    el_tj = electricity_mwh * MWH_TO_TJ if electricity_mwh is not None else None
    eta_el = el_tj / fuel_tj if el_tj is not None and fuel_tj else DEFAULT_ETA_EL
    heat_term = eta_heat / eta_ref_heat
    el_term = eta_el / eta_ref_el
    f_heat = heat_term / (heat_term + el_term) if heat_term + el_term else 0.0
    em_heat = f_heat * emissions_t
    em_el = emissions_t - em_heat
    return ChpSplit(
        eta_heat=eta_heat, eta_el=eta_el, f_heat=f_heat,
        emissions_heat_t=em_heat, emissions_el_t=em_el,
        ef_heat=em_heat / heat_tj if heat_tj else None,
        ef_el=em_el / electricity_mwh if electricity_mwh else None,
        fuel_heat_tj=f_heat * fuel_tj, fuel_el_tj=fuel_tj - f_heat * fuel_tj,
    )
