"""`compute()`: one installation in, every CBAM number and finding out.

Orchestrates the installation checks, source streams / PFC / CEMS (`emissions`), attribution
to processes (`attribution`), precursors and SEE (`see`), and the per-product view the
communication document carries.  Bad input never raises: it becomes findings, and the
numbers that depend on it are left out (None).
"""

from __future__ import annotations

from carbonaudit.cbam import reference
from carbonaudit.cbam.attribution import attribute
from carbonaudit.cbam.emissions import cems_emissions, compute_stream, pfc_emissions
from carbonaudit.cbam.model import Installation, Product, Site
from carbonaudit.cbam.results import CbamResult, ProcessResult, ProductResult
from carbonaudit.cbam.see import DEFINITIVE, REGIMES, precursor_result, regime_findings, solve
from carbonaudit.findings import Finding, Location, error, sort_key, warning


def compute(inst: Installation, regime: str = DEFINITIVE, year: int | None = None) -> CbamResult:
    """Compute emissions, attribution and SEE for every process and product of `inst`.

    `regime` is "definitive" (from 2026; indirect emissions count only for cement,
    fertilisers and sintered ore) or "transitional"; `year` is the reporting year the period
    must match in the definitive regime (defaults to the period's start year).
    """
    findings: list[Finding] = []
    if regime not in REGIMES:
        findings.append(error("cbam-regime-unknown",
                              f"Regime {regime!r} is not 'definitive' or 'transitional'; "
                              "computed as definitive."))
        regime = DEFINITIVE
    site = inst.site
    if year is None and regime == DEFINITIVE and site.period_start is not None:
        year = site.period_start.year
    result = CbamResult(regime=regime, year=year)
    findings += check_site(site, regime, year)
    _emissions(inst, result, findings)
    _processes(inst, result, findings)
    findings += regime_findings([p.good for p in inst.processes]
                                + [pp.good for pp in inst.precursors], regime)
    included = {p.name: p.included for p in inst.processes}
    result.products = [_product(prod, result, included, findings) for prod in inst.products]
    if not inst.products:
        # where a person adds them: our Products sheet, or the template's Summary_Products
        sheet, cell = ("Products", "A2") if inst.source_kind == "carbonaudit" else (
            "Summary_Products", "D10")
        findings.append(error(
            "cbam-no-products",
            "The installation lists no products, so there is no SEE to communicate; give "
            "each good sent to the EU with its CN code and production process.",
            Location(inst.source_path or "", sheet, cell)))
    result.findings = sorted(findings, key=sort_key)
    return result


def check_site(site: Site, regime: str, year: int | None) -> list[Finding]:
    """Semantic checks of section A: name, country, UNLOCODE, reporting period."""
    out: list[Finding] = []
    w = site.where
    if not (site.name or "").strip():
        out.append(error("cbam-installation-name-missing",
                         "The installation's name in English is missing; enter it.",
                         w.of("name")))
    country = reference.find_country(site.country)
    if country is None:
        what = f"{site.country!r} is not an ISO 3166 alpha-2 code" if site.country else "missing"
        out.append(error("cbam-country-unknown",
                         f"The installation's country is {what}; enter e.g. CN or TR.",
                         w.of("country")))
    out.extend(_unlocode(site, country.code if country else None))
    out.extend(_period(site, regime, year))
    return out


def _unlocode(site: Site, country: str | None) -> list[Finding]:
    code = (site.unlocode or "").replace(" ", "").upper()
    where = site.where.of("unlocode")
    if not code:
        return [error("cbam-unlocode-missing",
                      "The installation's UN/LOCODE is missing (mandatory in the template); "
                      "enter the 5-character code of the nearest location, e.g. CNDGG.", where)]
    if len(code) != 5 or not code[:2].isalpha() or not code[2:].isalnum():
        return [error("cbam-unlocode-invalid",
                      f"UN/LOCODE {site.unlocode!r} is not 2 letters followed by 3 letters or "
                      "digits.", where)]
    if country and code[:2] != country:
        return [warning("cbam-unlocode-country-mismatch",
                        f"UN/LOCODE {site.unlocode!r} starts with {code[:2]} but the "
                        f"installation's country is {country}.", where)]
    return []


def _period(site: Site, regime: str, year: int | None) -> list[Finding]:
    start, end = site.period_start, site.period_end
    if start is None or end is None:
        return [error("cbam-period-missing",
                      "The reporting period needs a start and an end date.",
                      site.where.of("period_start" if start is None else "period_end"))]
    if start >= end:
        return [error("cbam-period-order",
                      f"The reporting period starts on {start.isoformat()}, not before its end "
                      f"{end.isoformat()}.", site.where.of("period_start"))]
    if regime == DEFINITIVE and year is not None and (start.year != year or end.year != year):
        return [error("cbam-period-year-mismatch",
                      f"The reporting period {start.isoformat()} to {end.isoformat()} is not "
                      f"within the declaration year {year}; definitive-period data refer to "
                      "one calendar year.", site.where.of("period_start"))]
    return []


def _emissions(inst: Installation, result: CbamResult, findings: list[Finding]) -> None:
    for source, fn, target in ((inst.streams, compute_stream, result.streams),
                               (inst.pfc, pfc_emissions, result.pfc),
                               (inst.cems, cems_emissions, result.cems)):
        for item in source:
            r, f = fn(item)
            target.append(r)
            findings.extend(f)


def _processes(inst: Installation, result: CbamResult, findings: list[Finding]) -> None:
    for p in inst.processes:
        r, f = attribute(p)
        result.processes.append(r)
        findings.extend(f)
    for pp in inst.precursors:
        r, f = precursor_result(pp, result.regime)
        result.precursors.append(r)
        findings.extend(f)
    findings.extend(solve(inst.processes, result.processes, inst.precursors,
                          result.precursors, result.regime))


def _product(prod: Product, result: CbamResult, included: dict[str, list[str]],
             findings: list[Finding]) -> ProductResult:
    proc = next((p for p in result.processes if p.name == prod.process), None)
    cn = _check_cn(prod, proc, included.get(prod.process, []), findings)
    unit = proc.unit if proc else "t"
    return ProductResult(
        # The good is the CN code's category (a bubbled category may differ from the
        # process's own good); the SEE is the process's, as in the template.
        process=prod.process, good=cn.category if cn else (proc.good if proc else None),
        cn_code=cn.cn8 if cn else reference.normalise_cn(prod.cn_code),
        cn_name=cn.description if cn else None, name=prod.name,
        see_direct=proc.see_direct if proc else None,
        see_indirect=proc.see_indirect if proc else None,
        see_indirect_counted=proc.see_indirect_counted if proc else None,
        see_total=proc.see_total if proc else None,
        see_counted=proc.see_counted if proc else None,
        see_counted_rule=proc.see_counted_rule if proc else "", unit=f"tCO2e/{unit}",
        indirect_counted=proc.indirect_counted if proc else False,
        share_default_pct=proc.share_default_pct if proc else None,
        electricity_ef_source=proc.electricity_ef_source if proc else None,
        embedded_electricity_mwh_per_t=proc.embedded_electricity_mwh_per_t if proc else None,
        electricity_ef=proc.electricity_ef if proc else None,
    )


def _check_cn(prod: Product, proc: ProcessResult | None, included: list[str],
              findings: list[Finding]) -> reference.CnCode | None:
    label = f"Product {prod.name or prod.cn_code or '(unnamed)'}"
    if proc is None:
        findings.append(error("cbam-unknown-process",
                              f"{label}: production process {prod.process!r} is not defined; "
                              "use a process name from section 4(b).", prod.where.of("process")))
    cn8 = reference.normalise_cn(prod.cn_code)
    cn = reference.cn_codes().get(cn8) if cn8 else None
    if cn is None:
        given = (f"CN code {prod.cn_code!r} is not an eight-digit code of Annex I of "
                 "Reg. 2023/956" if prod.cn_code else "the CN code is empty")
        hint = reference.closest_hint(prod.cn_code) if prod.cn_code else ""
        findings.append(error("cbam-cn-not-annex-i",
                              f"{label}: {given}; use the full 8-digit code, e.g. 73181558."
                              + hint, prod.where.of("cn_code")))
        return None
    if proc is not None and proc.good is not None:
        # The process's own good, or a category bubbled into it ("Only direct production"
        # is the template's marker for none).
        allowed = {reference.fold(proc.good)} | {
            reference.fold(g) for g in included
            if reference.fold(g) != reference.fold(reference.ONLY_DIRECT)}
        if reference.fold(cn.category) not in allowed:
            findings.append(error("cbam-route-category-mismatch",
                                  f"{label}: CN {cn.formatted} is {cn.category}, but process "
                                  f"{proc.name!r} makes {proc.good}; the route does not belong "
                                  "to its category. Assign the product to the right process.",
                                  prod.where.of("cn_code")))
    return cn

