"""Build the CBAM communication document (COMMUNICATION.md) from a computed result.

The document is a plain dict of JSON types: floats stay at full precision (rounding happens
only when displayed), dates are ISO strings, lists keep the input order and keys a fixed
order, so the same input gives byte-identical JSON.  Its shape is fixed by
`schemas/cbam-communication.schema.json`.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from carbonaudit.cbam.emissions import GWP_C2F6, GWP_CF4, GWP_N2O, GWP_SOURCE
from carbonaudit.cbam.model import Installation, Product, Site
from carbonaudit.cbam.results import CbamResult, PrecursorResult, ProcessResult, ProductResult
from carbonaudit.findings import count_by_severity

DOCUMENT_TYPE = "cbam-communication"
# 2.0: see_total is direct + indirect (in 1.0 it was the counted amount); the counted amount
# is see_counted, with see_counted_rule.
SCHEMA_VERSION = "2.0"


def build_document(result: CbamResult, inst: Installation, *, tool_version: str) -> dict:
    """The communication document for the EU importer, exactly as COMMUNICATION.md."""
    return {
        "document_type": DOCUMENT_TYPE,
        "schema_version": SCHEMA_VERSION,
        "tool_version": tool_version,
        "period": _period(result, inst.site),
        "input": {"path": inst.source_path, "sha256": inst.source_sha256,
                  "kind": inst.source_kind},
        "installation": _installation(inst.site),
        "goods": [{"id": g.id, "category": g.category, "routes": list(g.routes)}
                  for g in inst.goods],
        "methodology": _methodology(result, inst),
        "totals_t": _totals(result, inst),
        "processes": [_process(p) for p in result.processes],
        "precursors": [_precursor(p) for p in result.precursors],
        "products": [_product(r, p) for r, p in zip(result.products, inst.products, strict=True)],
        "findings_summary": count_by_severity(result.findings),
    }


def _f(value: object) -> float | None:
    """A plain JSON float; None (null) for a missing or non-finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _iso(value: date | None) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else None


def _period(result: CbamResult, site: Site) -> dict:
    return {"regime": result.regime, "year": result.year,
            "start": _iso(site.period_start), "end": _iso(site.period_end)}


def _installation(site: Site) -> dict:
    v = site.verifier
    return {
        "name": site.name, "name_local": site.name_local, "street": site.street,
        "economic_activity": site.economic_activity, "post_code": site.post_code,
        "city": site.city, "country": site.country, "unlocode": site.unlocode,
        "latitude": _f(site.latitude), "longitude": _f(site.longitude),
        "representative": site.representative, "email": site.email, "phone": site.phone,
        "verifier": {
            "name": v.name, "street": v.street, "city": v.city, "post_code": v.post_code,
            "country": v.country, "representative": v.representative, "email": v.email,
            "phone": v.phone, "accreditation_state": v.accreditation_state,
            "accreditation_body": v.accreditation_body,
            "registration_number": v.registration_number,
        },
    }


def _methodology(result: CbamResult, inst: Installation) -> dict:
    dq = inst.data_quality
    return {
        "source_streams": [_stream(s, r) for s, r in zip(inst.streams, result.streams,
                                                          strict=True)],
        "pfc": [{"id": r.id, "method": r.method, "technology": r.technology,
                 "production_t": _f(r.production_t), "cf4_t": _f(r.cf4_t),
                 "c2f6_t": _f(r.c2f6_t), "co2e_t": _f(r.co2e)} for r in result.pfc],
        "cems": [{"id": r.id, "name": r.name, "gas": r.gas, "gas_t": _f(r.gas_t),
                  "co2e_fossil_t": _f(r.co2e_fossil), "co2e_bio_t": _f(r.co2e_bio)}
                 for r in result.cems],
        "by_method_t": {"calculation": _f(result.calculation_t), "pfc": _f(result.pfc_t),
                        "measurement": _f(result.measurement_t)},
        "gwp": {"N2O": GWP_N2O, "CF4": GWP_CF4, "C2F6": GWP_C2F6, "source": GWP_SOURCE},
        "data_quality": {"general": dq.general, "default_justification": dq.default_justification,
                         "quality_assurance": dq.quality_assurance},
    }


def _stream(s, r) -> dict:
    return {
        "id": s.id, "name": s.name, "method": s.method,
        "activity_data": _f(s.activity_data), "ad_unit": s.ad_unit, "ncv": _f(s.ncv),
        "ef": _f(s.ef), "ef_unit": s.ef_unit, "carbon_content": _f(s.carbon_content),
        # The factor actually applied (blank = 100 %) for the one the method uses.
        "oxidation_factor": _f(r.oxidation_factor if r.oxidation_factor is not None
                               else s.oxidation_factor),
        "conversion_factor": _f(r.conversion_factor if r.conversion_factor is not None
                                else s.conversion_factor),
        "biomass": _f(s.biomass),
        "co2e_fossil_t": _f(r.co2e_fossil), "co2e_bio_t": _f(r.co2e_bio),
        "energy_fossil_tj": _f(r.energy_fossil_tj), "energy_bio_tj": _f(r.energy_bio_tj),
    }


def _totals(result: CbamResult, inst: Installation) -> dict:
    # Installation indirect emissions are a manual entry in the template (M26); without it
    # the sum attributed to the processes is the best figure we have.
    manual = _f(inst.data_quality.indirect_total)
    return {"direct": _f(result.direct_t),
            "indirect": manual if manual is not None else _f(result.attributed_indirect_t),
            "biogenic_co2": _f(result.biogenic_t),
            "attributed_direct": _f(result.attributed_direct_t),
            "attributed_indirect": _f(result.attributed_indirect_t)}


def _process(p: ProcessResult) -> dict:
    return {
        "id": p.id, "name": p.name, "good": p.good, "unit": p.unit,
        "total_production": _f(p.total_production), "to_market": _f(p.to_market),
        "mass_balance_control": _f(p.mass_balance_control),
        "direct_emissions_t": _f(p.direct_emissions), "heat_t": _f(p.heat_t),
        "waste_gas_t": _f(p.waste_gas_t), "electricity_exported_t": _f(p.electricity_exported_t),
        "attributed_direct_t": _f(p.attributed_direct),
        "attributed_indirect_t": _f(p.attributed_indirect),
        "electricity_consumed_mwh": _f(p.electricity_consumed_mwh),
        "electricity_ef": _f(p.electricity_ef), "electricity_ef_source": p.electricity_ef_source,
        "se_direct": _f(p.se_direct), "se_indirect": _f(p.se_indirect),
        "see_direct": _f(p.see_direct), "see_indirect": _f(p.see_indirect),
        "see_indirect_counted": _f(p.see_indirect_counted), "see_total": _f(p.see_total),
        "see_counted": _f(p.see_counted), "see_counted_rule": p.see_counted_rule,
        "embedded_electricity_mwh_per_t": _f(p.embedded_electricity_mwh_per_t),
        "share_default_pct": _f(p.share_default_pct),
        "indirect_counted": p.indirect_counted,
        "precursors": [{"name": u.name, "kind": u.kind, "mass_t": _f(u.mass_t),
                        "per_t": _f(u.per_t), "see_direct": _f(u.see_direct),
                        "see_indirect": _f(u.see_indirect)} for u in p.precursors],
    }


def _precursor(p: PrecursorResult) -> dict:
    return {
        "id": p.id, "name": p.name, "good": p.good, "country": p.country,
        "total_purchased_t": _f(p.total_purchased),
        "mass_balance_control": _f(p.mass_balance_control),
        "see_direct": _f(p.see_direct), "see_direct_source": p.see_direct_source,
        "specific_electricity_mwh_per_t": _f(p.specific_electricity_mwh_per_t),
        "electricity_ef": _f(p.electricity_ef), "electricity_ef_source": p.electricity_ef_source,
        "see_indirect": _f(p.see_indirect), "counted_as_zero": p.counted_as_zero,
        "justification": p.justification,
    }


def _product(r: ProductResult, p: Product) -> dict:
    return {
        "process": r.process, "good": r.good, "cn_code": r.cn_code, "cn_name": r.cn_name,
        "name": r.name, "see_direct": _f(r.see_direct), "see_indirect": _f(r.see_indirect),
        "see_indirect_counted": _f(r.see_indirect_counted), "see_total": _f(r.see_total),
        "see_counted": _f(r.see_counted), "see_counted_rule": r.see_counted_rule,
        "unit": r.unit, "indirect_counted": r.indirect_counted,
        "share_default_pct": _f(r.share_default_pct),
        "electricity_ef_source": r.electricity_ef_source,
        "embedded_electricity_mwh_per_t": _f(r.embedded_electricity_mwh_per_t),
        "electricity_ef": _f(r.electricity_ef),
        "qualifying": {str(k): _json_value(v) for k, v in p.qualifying.items()},
        "carbon_price": _carbon_price(p),
    }


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _f(value)
    if isinstance(value, date):
        return _iso(value)
    return str(value)


def _carbon_price(p: Product) -> dict | None:
    cp = p.carbon_price
    if cp is None:
        return None
    due, rebate = _f(cp.price_due_per_t), _f(cp.rebate_per_t)
    effective = None if due is None else due - (rebate or 0.0)
    return {"instrument": cp.instrument, "share_covered": _f(cp.share_covered),
            "currency": cp.currency, "price_due_per_t": due, "rebate_type": cp.rebate_type,
            "rebate_share": _f(cp.rebate_share), "rebate_per_t": rebate,
            "effective_per_t": effective}
