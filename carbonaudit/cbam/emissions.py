"""Installation emissions: source streams, PFC and CEMS, as the Commission template computes
them (B_EmInst, DOMAIN.md §1.4).

The formulas are the template's cell formulas (AU-AY, AN-AU, AD-AV), including its
conventions: percentages 0-100, a blank oxidation or conversion factor means 100 %, mass
balance uses 3.664 t CO2 per t C (not 44/12), outputs of a mass balance have negative
activity data.  The template's "Inconsistent!" / "Incomplete!" cells become findings at the
cell the reader recorded; such a row gets no number (None), never a guessed one.
"""

from __future__ import annotations

import math

from carbonaudit.cbam.model import (
    AD_UNITS,
    CEMS_GASES,
    COMBUSTION,
    EF_UNITS,
    MASS_BALANCE,
    METHODS,
    PFC_METHODS,
    PROCESS,
    CemsSource,
    PfcSource,
    SourceStream,
)
from carbonaudit.cbam.results import CemsResult, PfcResult, StreamResult
from carbonaudit.findings import Finding, error, warning

CO2_PER_C = 3.664          # t CO2 / t C, as the template and the EU MRR (not 44/12)
GWP_N2O = 265.0            # IPCC AR5, as the template (CONST_GWP_N2O)
GWP_CF4 = 6630.0           # IPCC AR5, as the template (CONST_GWP_CF4)
GWP_C2F6 = 11100.0         # IPCC AR5, as the template (CONST_GWP_C2F6)
GWP_SOURCE = "IPCC AR5 (100-year), as the Commission CBAM communication template v2.1.1"

EF_PER_TJ = "tCO2/TJ"
# Which AD unit each mass- or volume-based EF unit needs (the template's BR column).
_EF_NEEDS_AD = {"tCO2/t": "t", "tCO2/1000Nm3": "1000Nm3"}


def _num(value: float | None) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _pct(value: float | None) -> float:
    """A percentage the template leaves blank for 100 %."""
    return 100.0 if value is None else float(value)


# --------------------------------------------------------------------------- source streams


def stream_missing(s: SourceStream) -> list[str]:
    """Fields the template's completeness check (BS-BU) wants but the row lacks."""
    if s.method == MASS_BALANCE:
        wanted = {"name": s.name, "ad_unit": s.ad_unit, "activity_data": s.activity_data,
                  "carbon_content": s.carbon_content}
    else:
        wanted = {"method": s.method, "name": s.name, "ad_unit": s.ad_unit,
                  "ef_unit": s.ef_unit, "activity_data": s.activity_data, "ef": s.ef}
        if s.ef_unit == EF_PER_TJ:
            wanted["ncv"] = s.ncv
    numeric = ("activity_data", "ef", "ncv", "carbon_content")
    return [key for key, value in wanted.items()
            if (not _num(value) if key in numeric else not str(value or "").strip())]


def units_consistent(s: SourceStream) -> bool:
    """The template's BR check: EF per TJ fits any AD unit; EF per t needs AD in t; EF per
    1000 Nm3 needs AD in 1000 Nm3; a mass balance has no EF and is always consistent."""
    if s.method == MASS_BALANCE:
        return True
    if s.ef_unit == EF_PER_TJ:
        return True
    return s.ef_unit in _EF_NEEDS_AD and s.ad_unit == _EF_NEEDS_AD[s.ef_unit]


def check_stream(s: SourceStream) -> list[Finding]:
    """Every reason the stream's number cannot be trusted, at the cell the user typed."""
    out: list[Finding] = []
    label = _label(s)
    if s.method is not None and s.method not in METHODS:
        out.append(error("cbam-stream-method-unknown",
                         f"{label}: monitoring method {s.method!r} is not one of Combustion, "
                         "Process emissions, Mass balance; choose one of them.",
                         s.where.of("method")))
    if s.method is None:
        out.append(error("cbam-stream-incomplete",
                         f"{label}: no monitoring method; enter Combustion, Process emissions "
                         "or Mass balance.", s.where.of("method")))
    elif s.method in METHODS:
        out.extend(_completeness(s, label))
        if s.ef_unit is not None and s.method != MASS_BALANCE and not units_consistent(s):
            out.append(_inconsistent(s, label))
    if s.ad_unit is not None and s.ad_unit not in AD_UNITS:
        out.append(error("cbam-stream-unit-unknown",
                         f"{label}: activity data unit {s.ad_unit!r} is not t or 1000Nm3; "
                         "convert the activity data to one of them.", s.where.of("ad_unit")))
    if _num(s.activity_data) and s.activity_data < 0 and s.method in (COMBUSTION, PROCESS):
        out.append(error("cbam-stream-negative-activity",
                         f"{label}: activity data {s.activity_data:g} is negative; only "
                         "mass-balance outputs may be negative. Enter the consumed amount.",
                         s.where.of("activity_data")))
    out.extend(_percent_checks(s, label))
    return out


def _completeness(s: SourceStream, label: str) -> list[Finding]:
    missing = stream_missing(s)
    if not missing:
        return []
    return [error("cbam-stream-incomplete",
                  f"{label} is incomplete (the template shows 'Incomplete!'): missing "
                  f"{', '.join(missing)}. Fill these cells.", s.where.of(missing[0]))]


def _inconsistent(s: SourceStream, label: str) -> Finding:
    if s.ef_unit not in EF_UNITS:
        why = f"emission factor unit {s.ef_unit!r} is not one of {', '.join(EF_UNITS)}"
    else:
        why = (f"emission factor unit {s.ef_unit} does not fit activity data in "
               f"{s.ad_unit or '(no unit)'}")
    return error("cbam-stream-inconsistent-units",
                 f"{label}: {why} (the template shows 'Inconsistent!'). Use tCO2/TJ with an "
                 "NCV, tCO2/t with AD in t, or tCO2/1000Nm3 with AD in 1000Nm3.",
                 s.where.of("ef_unit"))


def _percent_checks(s: SourceStream, label: str) -> list[Finding]:
    out = []
    for key, value in (("oxidation_factor", s.oxidation_factor),
                       ("conversion_factor", s.conversion_factor), ("biomass", s.biomass)):
        if _num(value) and not 0 <= value <= 100:
            out.append(error("cbam-stream-percent-out-of-range",
                             f"{label}: {key.replace('_', ' ')} {value:g} is outside 0-100 %; "
                             "enter a percentage (e.g. 99.5, not 0.995 or 995).",
                             s.where.of(key)))
    return out


def _label(s: SourceStream) -> str:
    return f"Source stream {s.id}" + (f" ({s.name})" if s.name else "")


def stream_emissions(s: SourceStream) -> StreamResult:
    """The template's AU-AY for one stream, without any checks (see `check_stream`).

    Combustion with EF per TJ: AD x NCV/1000 x EF x OxF/100 x (1 - BioC/100);
    EF per t or per 1000 Nm3 ignores the NCV; process emissions use ConvF instead of OxF;
    mass balance: AD x C x 3.664 x (1 - BioC/100).  The biogenic part replaces
    (1 - BioC/100) by BioC/100.  Returns None emissions when an input is missing.
    """
    bio = s.biomass / 100.0 if _num(s.biomass) else 0.0
    r = StreamResult(s.id, s.name, s.method)
    if s.method == COMBUSTION:
        r.oxidation_factor = _pct(s.oxidation_factor)
        base = _ef_based(s, r.oxidation_factor)
    elif s.method == PROCESS:
        r.conversion_factor = _pct(s.conversion_factor)
        base = _ef_based(s, r.conversion_factor)
    elif s.method == MASS_BALANCE and _num(s.activity_data) and _num(s.carbon_content):
        base = s.activity_data * s.carbon_content * CO2_PER_C
    else:
        base = None
    if base is not None:
        r.co2e_fossil = base * (1.0 - bio)
        r.co2e_bio = base * bio
    if _num(s.activity_data) and s.method is not None:
        # The template computes energy content for every row; a row without NCV has none.
        energy = s.activity_data * (s.ncv if _num(s.ncv) else 0.0) / 1000.0
        r.energy_fossil_tj = energy * (1.0 - bio)
        r.energy_bio_tj = energy * bio
    return r


def _ef_based(s: SourceStream, factor_pct: float) -> float | None:
    if not (_num(s.activity_data) and _num(s.ef)):
        return None
    if s.ef_unit == EF_PER_TJ:
        if not _num(s.ncv):
            return None
        amount = s.activity_data * s.ncv / 1000.0  # GJ -> TJ
    else:
        amount = s.activity_data
    return amount * s.ef * factor_pct / 100.0


def compute_stream(s: SourceStream) -> tuple[StreamResult, list[Finding]]:
    """Checks plus emissions; a stream with an error finding gets no emission number."""
    findings = check_stream(s)
    result = stream_emissions(s)
    values = (result.co2e_fossil, result.co2e_bio, result.energy_fossil_tj, result.energy_bio_tj)
    if not findings and any(isinstance(v, float) and not math.isfinite(v) for v in values):
        # Absurd inputs (1e308 t) overflow to inf, which no total or JSON can carry.
        findings = [error("cbam-stream-not-finite",
                          f"{_label(s)}: the emissions overflow (the "
                          "inputs are far too large); check the activity data and factors.",
                          s.where.of("activity_data"))]
        result.energy_fossil_tj = result.energy_bio_tj = None
    if findings:
        result.co2e_fossil = result.co2e_bio = None
        if any(f.code in ("cbam-stream-negative-activity", "cbam-stream-percent-out-of-range",
                          "cbam-stream-inconsistent-units") for f in findings):
            result.energy_fossil_tj = result.energy_bio_tj = None
    return result, findings


# --------------------------------------------------------------------------------------- PFC


def pfc_emissions(p: PfcSource) -> tuple[PfcResult, list[Finding]]:
    """PFC from primary aluminium (template B_EmInst (b), AR5 GWPs).

    Slope: CF4 = Prod x AEF x AED x SEF / 1000; overvoltage: CF4 = Prod x AEO/CE x OVC / 1000;
    C2F6 = CF4 x F(C2F6); CO2e = (CF4 x 6630 + C2F6 x 11100) / collection efficiency.
    """
    r = PfcResult(p.id, p.method, p.technology, p.production_t)
    label = f"PFC source {p.id}" + (f" ({p.technology})" if p.technology else "")
    findings = _pfc_checks(p, label)
    if any(f.severity == "error" for f in findings):
        return r, findings
    if p.method == "slope":
        cf4 = p.production_t * p.frequency * p.duration * p.sef_cf4 / 1000.0
    else:
        cf4 = p.production_t * (p.aeo / p.current_efficiency) * p.ovc / 1000.0
    collection = 1.0 if p.collection_efficiency is None else p.collection_efficiency
    r.cf4_t = cf4
    r.c2f6_t = cf4 * (p.f_c2f6 if _num(p.f_c2f6) else 0.0)
    r.cf4_co2e = r.cf4_t * GWP_CF4
    r.c2f6_co2e = r.c2f6_t * GWP_C2F6
    r.co2e = (r.cf4_co2e + r.c2f6_co2e) / collection
    return r, findings


def _pfc_checks(p: PfcSource, label: str) -> list[Finding]:
    if p.method not in PFC_METHODS:
        return [error("cbam-pfc-method-unknown",
                      f"{label}: method {p.method!r} is not 'Slope method' or 'Overvoltage "
                      "method'; choose one.", p.where.of("method"))]
    needed = {"production_t": p.production_t}
    if p.method == "slope":
        needed |= {"frequency": p.frequency, "duration": p.duration, "sef_cf4": p.sef_cf4}
    else:
        needed |= {"aeo": p.aeo, "current_efficiency": p.current_efficiency, "ovc": p.ovc}
    out = _missing_or_negative("cbam-pfc", label, needed, p.where)
    if p.method == "overvoltage" and _num(p.current_efficiency) and not (
            0 < p.current_efficiency <= 1):
        out.append(error("cbam-pfc-current-efficiency",
                         f"{label}: current efficiency {p.current_efficiency:g} must be a "
                         "fraction above 0 and at most 1 (e.g. 0.95).",
                         p.where.of("current_efficiency")))
    ce = p.collection_efficiency
    if ce is not None and not (_num(ce) and 0 < ce <= 1):
        out.append(error("cbam-pfc-collection-efficiency",
                         f"{label}: collection efficiency {ce!r} must be a fraction above 0 "
                         "and at most 1 (e.g. 0.98), or blank for 1.",
                         p.where.of("collection_efficiency")))
    if not _num(p.f_c2f6):
        out.append(warning("cbam-pfc-c2f6-missing",
                           f"{label}: no C2F6 factor F(C2F6); C2F6 emissions are taken as 0 "
                           "as in the template. Enter the t C2F6 per t CF4 factor.",
                           p.where.of("f_c2f6")))
    return out


# -------------------------------------------------------------------------------------- CEMS


def cems_emissions(c: CemsSource) -> tuple[CemsResult, list[Finding]]:
    """Measured emissions: conc [g/Nm3] x hours x flow [1000 Nm3/h] / 1000 gives t of gas;
    fossil part x (1 - bio/100), biogenic part x bio/100; CO2e with GWP 1 (CO2) or 265 (N2O)."""
    r = CemsResult(c.id, c.name, c.gas)
    label = f"Measured source {c.id}" + (f" ({c.name})" if c.name else "")
    findings = _cems_checks(c, label)
    if any(f.severity == "error" for f in findings):
        return r, findings
    r.gwp = GWP_N2O if c.gas == "N2O" else 1.0
    total = c.concentration * c.hours * c.flow / 1000.0
    bio = c.biomass / 100.0 if _num(c.biomass) else 0.0
    r.gas_t = total * (1.0 - bio)
    r.co2e_fossil = r.gas_t * r.gwp
    r.co2e_bio = total * bio * r.gwp
    return r, findings


def _cems_checks(c: CemsSource, label: str) -> list[Finding]:
    out = []
    if c.gas not in CEMS_GASES:
        out.append(error("cbam-cems-gas-unknown",
                         f"{label}: greenhouse gas {c.gas!r} is not CO2 or N2O.",
                         c.where.of("gas")))
    needed = {"concentration": c.concentration, "hours": c.hours, "flow": c.flow}
    out.extend(_missing_or_negative("cbam-cems", label, needed, c.where))
    if _num(c.biomass) and not 0 <= c.biomass <= 100:
        out.append(error("cbam-cems-percent-out-of-range",
                         f"{label}: biomass fraction {c.biomass:g} is outside 0-100 %.",
                         c.where.of("biomass")))
    return out


def _missing_or_negative(prefix: str, label: str, needed: dict, where) -> list[Finding]:
    """`<prefix>-incomplete` for blank inputs, `<prefix>-negative-value` for negative ones."""
    out = []
    missing = [k for k, v in needed.items() if not _num(v)]
    if missing:
        out.append(error(f"{prefix}-incomplete",
                         f"{label} is incomplete: missing {', '.join(missing)}.",
                         where.of(missing[0])))
    negative = [k for k, v in needed.items() if _num(v) and v < 0]
    if negative:
        out.append(error(f"{prefix}-negative-value",
                         f"{label}: {', '.join(negative)} must not be negative.",
                         where.of(negative[0])))
    return out
