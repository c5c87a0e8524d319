"""Rules a communication document must meet before it goes to the EU importer.

These are the checks of DOMAIN.md §1.12 that apply to the *result* (the JSON document, or a
communication workbook read back into the same shape), as opposed to the checks on an
installation's inputs, which `compute` makes.  Each finding points at the JSON pointer of the
value, or at the workbook cell when the document came from a workbook (`where`).
"""

from __future__ import annotations

import re
from datetime import date

from carbonaudit.cbam import reference
from carbonaudit.cbam.model import ELECTRICITY_EF_SOURCES
from carbonaudit.cbam.regime_checks import check_regime
from carbonaudit.findings import Finding, Location, error, info, warning

# Rounding the importer's systems apply to SEE (t CO2e/t to 6 decimals, or the template's
# display precision): disagreements smaller than this are not worth a finding.
SEE_TOLERANCE = 5e-6
GRID_EF_MAX = 1.5        # t CO2/MWh; above this a grid factor is almost surely in kg
_UNLOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


class _Ctx:
    """Where findings point: a workbook cell when known, else the JSON pointer."""

    def __init__(self, file: str | None, where: dict[str, Location] | None) -> None:
        self.file = file
        self.where = where or {}
        self.findings: list[Finding] = []

    def loc(self, pointer: str) -> Location:
        return self.where.get(pointer) or Location(self.file, pointer=pointer)

    def add(self, make, code: str, message: str, pointer: str) -> None:
        self.findings.append(make(code, message, self.loc(pointer)))


def check_document(doc: dict, *, file: str | None = None,
                   where: dict[str, Location] | None = None) -> list[Finding]:
    """Every pre-shipment rule that can be judged from the document alone."""
    ctx = _Ctx(file, where)
    regime = (doc.get("period") or {}).get("regime", "definitive")
    legacy = doc.get("schema_version") == "1.0"
    if legacy:
        ctx.add(info, "cbam-comm-schema-1", "a schema 1.0 document: its see_total is the "
                "amount the regime counts (schema 2.0 calls that see_counted and keeps "
                "see_total = direct + indirect, as the Regulation and the template do)",
                "/schema_version")
    _check_period(ctx, doc.get("period") or {})
    check_regime(ctx, doc, _date((doc.get("period") or {}).get("start")))
    _check_installation(ctx, doc.get("installation") or {})
    for i, product in enumerate(doc.get("products") or []):
        _check_product(ctx, product, f"/products/{i}", regime, legacy)
    for i, prec in enumerate(doc.get("precursors") or []):
        _check_precursor(ctx, prec, f"/precursors/{i}")
    for i, proc in enumerate(doc.get("processes") or []):
        _check_ef(ctx, proc.get("electricity_ef"), proc.get("electricity_ef_source"),
                  f"/processes/{i}")
    if not doc.get("products"):
        ctx.add(error, "cbam-comm-no-products", "the communication lists no products", "/products")
    _check_justification(ctx, doc)
    return ctx.findings


def _check_period(ctx: _Ctx, period: dict) -> None:
    start, end = _date(period.get("start")), _date(period.get("end"))
    if start is None or end is None:
        ctx.add(error, "cbam-comm-period-missing", "the reporting period needs a start and an "
                "end date (YYYY-MM-DD)", "/period")
        return
    if start >= end:
        ctx.add(error, "cbam-comm-period-order", f"the reporting period starts {start} but ends "
                f"{end}", "/period/end")
    year = period.get("year")
    if period.get("regime") == "definitive" and year and start.year != int(year):
        ctx.add(warning, "cbam-comm-period-year", f"the reporting period starts in {start.year} "
                f"but the declaration year is {year}", "/period/start")


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _check_installation(ctx: _Ctx, inst: dict) -> None:
    if not inst.get("name"):
        ctx.add(error, "cbam-comm-installation-name", "the installation's English name is "
                "missing", "/installation/name")
    country = inst.get("country")
    if not country or reference.find_country(country) is None:
        ctx.add(error, "cbam-comm-country", f"installation country {country!r} is not an ISO "
                "3166 alpha-2 code", "/installation/country")
    code = str(inst.get("unlocode") or "").replace(" ", "").upper()
    if not code:
        ctx.add(error, "cbam-comm-unlocode-missing", "the installation's UN/LOCODE is missing "
                "(mandatory since template v1.0)", "/installation/unlocode")
    elif not _UNLOCODE.match(code):
        ctx.add(error, "cbam-comm-unlocode-format", f"UN/LOCODE {code!r} should be a country "
                "code and three letters or digits, e.g. CNDGG", "/installation/unlocode")
    elif country and code[:2] != str(country).upper():
        ctx.add(warning, "cbam-comm-unlocode-country", f"UN/LOCODE {code} is not in the "
                f"installation's country {country}", "/installation/unlocode")


def _check_product(ctx: _Ctx, p: dict, ptr: str, regime: str, legacy: bool = False) -> None:
    cn = reference.normalise_cn(p.get("cn_code"))
    known = reference.cn_codes().get(cn or "")
    if known is None:
        ctx.add(error, "cbam-comm-cn-unknown", f"CN code {p.get('cn_code')!r} is not an "
                "eight-digit code of Annex I to Reg. (EU) 2023/956."
                + reference.closest_hint(p.get("cn_code")), f"{ptr}/cn_code")
    elif p.get("good") and reference.fold(known.category) != reference.fold(p["good"]):
        ctx.add(error, "cbam-comm-cn-category", f"CN code {cn} belongs to "
                f"{known.category!r}, not to {p['good']!r}", f"{ptr}/cn_code")
    _check_see(ctx, p, ptr, regime, known, legacy)
    _check_unit(ctx, p, ptr, known)
    share = p.get("share_default_pct")
    if share is not None and not 0 <= share <= 100:
        ctx.add(error, "cbam-comm-share-range", f"share of default values {share} is outside "
                "0-100 %", f"{ptr}/share_default_pct")
    _check_ef(ctx, p.get("electricity_ef"), p.get("electricity_ef_source"), ptr)
    _check_carbon_price(ctx, p.get("carbon_price") or {}, f"{ptr}/carbon_price")


def _check_see(ctx: _Ctx, p: dict, ptr: str, regime: str, known, legacy: bool) -> None:
    direct, indirect, total = p.get("see_direct"), p.get("see_indirect"), p.get("see_total")
    keys = ("see_direct", "see_total") if legacy else ("see_direct", "see_total", "see_counted")
    for key in keys:
        value = p.get(key)
        if value is None:
            ctx.add(error, "cbam-comm-see-missing", f"{key} is missing", f"{ptr}/{key}")
        elif value < 0:
            ctx.add(error, "cbam-comm-see-negative", f"{key} {value} is negative",
                    f"{ptr}/{key}")
    if direct is None:
        return
    counted = p.get("indirect_counted")
    if "see_indirect_counted" in p:  # a chain can carry non-Annex-II precursors' indirect part
        part = p.get("see_indirect_counted") or 0.0
        expected, how = direct + part, "direct + indirect counted"
    else:
        expected = direct + (indirect or 0.0) if counted else direct
        how = "direct + indirect" if counted else "direct (indirect not counted)"
    if legacy:
        _check_sum(ctx, total, expected, f"SEE total {total!r} is not {how}", "cbam-comm-see-sum",
                   f"{ptr}/see_total")
    else:
        _check_sum(ctx, total, None if indirect is None else direct + indirect,
                   f"SEE total {total!r} is not direct + indirect", "cbam-comm-see-sum",
                   f"{ptr}/see_total")
        _check_sum(ctx, p.get("see_counted"), expected, f"SEE counted "
                   f"{p.get('see_counted')!r} is not {how}", "cbam-comm-see-counted-sum",
                   f"{ptr}/see_counted")
    if regime == "definitive" and counted and known is not None:
        good = reference.find_good(known.category)
        if good is not None and not good.indirect_counted_definitive:
            ctx.add(error, "cbam-comm-indirect-not-counted", f"{known.category} is an Annex II "
                    "good: in the definitive period only direct emissions count (Art. 7(1) of "
                    "Reg. 2023/956)", f"{ptr}/indirect_counted")


def _check_sum(ctx: _Ctx, value: float | None, expected: float | None, what: str, code: str,
               pointer: str) -> None:
    if value is None or expected is None:
        return
    if abs(value - expected) > SEE_TOLERANCE * max(1.0, abs(expected)):
        ctx.add(error, code, f"{what} = {expected:g}", pointer)


def _check_unit(ctx: _Ctx, p: dict, ptr: str, known) -> None:
    unit = str(p.get("unit") or "").replace(" ", "")
    expected = "tCO2e/MWh" if known is not None and known.sector == "electricity" else "tCO2e/t"
    if unit != expected:
        ctx.add(error, "cbam-comm-unit", f"SEE unit {p.get('unit')!r} should be {expected}",
                f"{ptr}/unit")


def _check_ef(ctx: _Ctx, ef, source, ptr: str) -> None:
    if source is not None and source not in ELECTRICITY_EF_SOURCES:
        ctx.add(error, "cbam-comm-ef-source", f"electricity EF source {source!r} is not one of "
                f"{', '.join(ELECTRICITY_EF_SOURCES)}", f"{ptr}/electricity_ef_source")
    if ef is not None and not 0 <= ef <= GRID_EF_MAX:
        ctx.add(warning, "cbam-comm-ef-implausible", f"electricity EF {ef:g} t CO2/MWh is "
                f"outside 0-{GRID_EF_MAX}; is it in kg/kWh or kg/MWh?",
                f"{ptr}/electricity_ef")


def _check_carbon_price(ctx: _Ctx, cp: dict, ptr: str) -> None:
    for key in ("share_covered", "rebate_share"):
        value = cp.get(key)
        if value is not None and not 0 <= value <= 1:
            ctx.add(error, "cbam-comm-cp-share", f"{key} {value} must be a fraction 0-1",
                    f"{ptr}/{key}")
    due = cp.get("price_due_per_t") or 0.0
    if due > 0 and not cp.get("currency"):
        ctx.add(error, "cbam-comm-cp-currency", "a carbon price is given without its currency",
                f"{ptr}/currency")
    currency = cp.get("currency")
    if currency and currency not in reference.currencies():
        ctx.add(error, "cbam-comm-cp-currency", f"currency {currency!r} is not ISO 4217",
                f"{ptr}/currency")
    eff = cp.get("effective_per_t")
    if eff is not None and abs(eff - (due - (cp.get("rebate_per_t") or 0.0))) > 1e-6:
        ctx.add(error, "cbam-comm-cp-effective", f"effective carbon price {eff:g} is not the "
                "price due minus the rebate", f"{ptr}/effective_per_t")


def _check_precursor(ctx: _Ctx, prec: dict, ptr: str) -> None:
    country = prec.get("country")
    if country and reference.find_country(country) is None:
        ctx.add(error, "cbam-comm-country", f"precursor country {country!r} is not an ISO 3166 "
                "alpha-2 code", f"{ptr}/country")
    if prec.get("see_direct_source") == "Default" and not prec.get("justification"):
        ctx.add(error, "cbam-comm-default-justification", f"precursor {prec.get('name')!r} "
                "uses a default value without a justification", f"{ptr}/justification")


def _check_justification(ctx: _Ctx, doc: dict) -> None:
    """A product with a share of defaults needs a justification somewhere in the document."""
    uses_defaults = any((p.get("share_default_pct") or 0) > 0 for p in doc.get("products") or [])
    if not uses_defaults:
        return
    dq = (doc.get("methodology") or {}).get("data_quality") or {}
    justified = dq.get("default_justification") or any(
        p.get("justification") for p in doc.get("precursors") or [])
    if justified:
        ctx.add(info, "cbam-comm-defaults-used", "some embedded emissions come from default "
                "values; the importer sees their share per product", "/products")
    elif "methodology" in doc:  # a workbook read back carries no methodology to look in
        ctx.add(error, "cbam-comm-default-justification", "products use default values but no "
                "justification is given (data quality, or per precursor)",
                "/methodology/data_quality/default_justification")
