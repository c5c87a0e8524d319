"""Base-year recalculation tests (GHG Protocol Corporate Standard, chapter 5).

A base year is recalculated when a structural change (acquisition, divestment, a site in
or out of the boundary), a change of calculation method (GWP set, factor sets, standard,
consolidation approach) or a discovered error is significant, that is, at or above the
company's threshold, individually or together (DOMAIN.md section 3.1).  From two documents
the tool can see:

* sites and Scope 3 categories present in one year only (structural and boundary changes);
  an added site's effect is its current-year emissions, the best proxy the documents give
  for the base-year emissions the acquisition brings in;
* a different GWP set, quantified exactly by restating the base year (restate.py);
* different factor sets or editions, a different standard or consolidation approach:
  method changes the documents cannot quantify (re-run the base-year data to do so);
* discovered errors: not visible in two documents, so never claimed.

Each test is a finding (warning at or above the threshold, info below); one more finding
gives the verdict.  Effects are % of the base-year total (Scopes 1, 2 location-based and 3).
"""

from __future__ import annotations

from carbonaudit.findings import Finding, Location, info, warning

RESTATABLE = ("scope_1", "scope_2_location", "scope_3")


def recalculation_tests(base: dict, current: dict, comparison: dict, threshold: float,
                        base_total: float) -> tuple[dict, list[Finding]]:
    """The `base_year_recalculation` section of a comparison and its findings."""
    names = (comparison["base"]["file"], comparison["current"]["file"])
    tests: list[dict] = []
    findings: list[Finding] = []

    def add(kind, what, effect, where, fix):
        pct = None if effect is None or not base_total else abs(effect) / abs(base_total) * 100
        triggered = None if pct is None else pct >= threshold
        tests.append({"kind": kind, "what": what, "effect_kgco2e": effect, "effect_pct": pct,
                      "quantified": effect is not None, "triggered": triggered})
        size = ("not quantifiable from the two documents" if pct is None else
                f"{effect / 1000:+,.1f} t CO2e, {pct:.1f} % of the base-year total")
        verdict = ("at or above" if triggered else "below") + f" the {threshold:g} % threshold"
        decided = triggered is False
        text = f"{what}: {size}" + ("" if pct is None else f", {verdict}") + "." + (
            "" if decided else f" {fix}")
        make = info if decided else warning
        findings.append(make(f"base-year-{kind}-change", text, where))

    _sites(base, current, names, add)
    _categories(base, current, names, add)
    _gwp(base, comparison, names, add)
    _methods(base, current, names, add)
    quantified = [t for t in tests if t["quantified"]]
    cumulative = sum(abs(t["effect_kgco2e"]) for t in quantified)
    cumulative_pct = cumulative / abs(base_total) * 100 if base_total else None
    triggered = any(t["triggered"] for t in quantified) or (
        cumulative_pct is not None and cumulative_pct >= threshold)
    unquantified = [t for t in tests if not t["quantified"]]
    section = {
        "standard": "GHG Protocol Corporate Standard, chapter 5 (recalculating base-year "
                    "emissions)",
        "threshold_pct": threshold,
        "base_total_kgco2e": base_total,
        "tests": tests,
        "cumulative_effect_kgco2e": cumulative,
        "cumulative_effect_pct": cumulative_pct,
        "recalculation_triggered": triggered,
        "unquantified_changes": len(unquantified),
        "not_tested": "discovered errors (compare the base year's verified figures)",
    }
    where = Location(file=names[1], pointer="/")
    if triggered:
        findings.append(warning(
            "base-year-recalculation-triggered",
            f"Changes of {cumulative / 1000:,.1f} t CO2e ({cumulative_pct:.1f} % of the "
            f"base-year total) meet the {threshold:g} % significance threshold: recalculate "
            "the base year for them before comparing the years.", where))
    elif unquantified:
        findings.append(warning(
            "base-year-recalculation-undecided",
            f"No quantified change reaches the {threshold:g} % threshold, but "
            f"{len(unquantified)} method change(s) could not be quantified from the documents; "
            "re-run the base-year data with the current method to decide.", where))
    else:
        findings.append(info(
            "base-year-recalculation-not-triggered",
            f"No structural or method change reaches the {threshold:g} % threshold "
            f"(cumulative {cumulative_pct or 0:.1f} %); the base year stands.", where))
    return section, findings


def _sites(base, current, names, add) -> None:
    a = {e["site"]: (i, e) for i, e in enumerate(base["by_site"])}
    b = {e["site"]: (i, e) for i, e in enumerate(current["by_site"])}
    for site in sorted(b.keys() - a.keys()):
        i, e = b[site]
        add("structural", f"Site {site!r} is in the current year only (acquired or newly in "
                          "the boundary; its current-year emissions stand in for its "
                          "base-year emissions)",
            sum(e[k] for k in RESTATABLE), Location(file=names[1], pointer=f"/by_site/{i}"),
            "If it was acquired, add its base-year emissions to the base year.")
    for site in sorted(a.keys() - b.keys()):
        i, e = a[site]
        add("structural", f"Site {site!r} is in the base year only (divested, closed or out "
                          "of the boundary)",
            -sum(e[k] for k in RESTATABLE), Location(file=names[0], pointer=f"/by_site/{i}"),
            "If it was divested, take its emissions out of the base year.")


def _categories(base, current, names, add) -> None:
    a = {e["category"]: (i, e) for i, e in enumerate(base["by_scope3_category"])}
    b = {e["category"]: (i, e) for i, e in enumerate(current["by_scope3_category"])}
    for c in sorted(b.keys() - a.keys()):
        i, e = b[c]
        add("boundary", f"Scope 3 category {c} ({e['label']}) is reported in the current year "
                        "only", e["kgco2e"],
            Location(file=names[1], pointer=f"/by_scope3_category/{i}"),
            "Add the category to the base year, or disclose why it is new.")
    for c in sorted(a.keys() - b.keys()):
        i, e = a[c]
        add("boundary", f"Scope 3 category {c} ({e['label']}) is reported in the base year "
                        "only", -e["kgco2e"],
            Location(file=names[0], pointer=f"/by_scope3_category/{i}"),
            "Report it this year too, or take it out of the base year.")


def _gwp(base, comparison, names, add) -> None:
    gwp = comparison["gwp"]
    if not gwp["differs"] and base["gwp_set"] == gwp["common"]:
        return
    if base["gwp_set"] == gwp["common"]:
        return  # the base year is already on the common set; the current one was restated
    restated = gwp["restated_kgco2e"]["base"]
    reported = sum(base["totals_kgco2e"][k] for k in RESTATABLE)
    if restated:
        effect = sum(restated.get(k, 0.0) for k in RESTATABLE) - reported
    else:
        effect = gwp["base_total_restated"]["kgco2e"] - reported
    add("gwp", f"The base year uses {base['gwp_set']} GWP values and the comparison "
               f"{gwp['common']}", effect, Location(file=names[0], pointer="/gwp_set"),
        f"Recalculate the base year on {gwp['common']} (the comparison already restates it).")


def _methods(base, current, names, add) -> None:
    a = {(s["name"], s["edition"]) for s in base["factor_sets"] if not s.get("user")}
    b = {(s["name"], s["edition"]) for s in current["factor_sets"] if not s.get("user")}
    if a != b:
        changed = sorted({n for n, _ in a ^ b})
        add("method", f"Factor sets or editions differ ({', '.join(changed)})", None,
            Location(file=names[1], pointer="/factor_sets"),
            "Re-run the base-year activity data with the current factor sets (carbonaudit "
            "assess) to quantify the change.")
    std = ((base.get("standard") or {}).get("name", "ghg-protocol"),
           (current.get("standard") or {}).get("name", "ghg-protocol"))
    if std[0] != std[1]:
        add("method", f"The standard changed from {std[0]} to {std[1]}", None,
            Location(file=names[1], pointer="/standard"),
            "Compare years under one standard: re-run one of them with --standard.")
    ca = (base["organisation"]["consolidation_approach"],
          current["organisation"]["consolidation_approach"])
    if ca[0] != ca[1]:
        add("method", f"The consolidation approach changed from {ca[0]} to {ca[1]}", None,
            Location(file=names[1], pointer="/organisation/consolidation_approach"),
            "Recalculate the base year under the current approach.")
