"""Rich tables for people: the uncertainty summary of `assess --uncertainty` and the
year-on-year comparison of `carbonaudit compare`.  Built from the documents only."""

from __future__ import annotations

SCOPE_LABELS = {"scope_1": "Scope 1", "scope_2_location": "Scope 2 (location-based)",
                "scope_2_market": "Scope 2 (market-based)", "scope_3": "Scope 3",
                "scopes_1_2_3_location": "Scopes 1+2+3 (location-based)"}


def _pm(pair: dict | None) -> str:
    if not pair or pair.get("lower") is None or pair.get("upper") is None:
        return "n/a"
    lo, hi = pair["lower"], pair["upper"]
    return f"±{hi:.1f} %" if abs(lo - hi) < 0.05 else f"-{lo:.1f} / +{hi:.1f} %"


def _t(kg: float | None) -> str:
    return "n/a" if kg is None else f"{kg / 1000:,.3f}"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.1f} %"


def uncertainty_tables(section: dict) -> list:
    """Per scope and total (both approaches), then the five sources that add most variance."""
    from rich.table import Table

    a1, a2 = section["approach_1"], section.get("approach_2") or {}
    mc = {e["scope"]: e for e in a2.get("by_scope", [])}
    table = Table(title="Uncertainty at 95 % (IPCC 2006 Vol 1 Ch 3)")
    for col in ("scope", "t CO2e", "Approach 1", "Monte Carlo", "rank"):
        table.add_column(col, justify="left" if col == "scope" else "right")
    rows = [(SCOPE_LABELS.get(e["scope"], e["scope"]), e, mc.get(e["scope"]))
            for e in a1["by_scope"]]
    if a1.get("total"):
        rows.append(("Total", a1["total"], a2.get("total")))
    for label, e, m in rows:
        table.add_row(label, _t(e["kgco2e"]), _pm(e["uncertainty_pct"]),
                      _pm(m["uncertainty_pct"]) if m else "not run",
                      (m or e)["rank"] or "n/a")
    top = Table(title="Where better data pays off: share of the total's variance")
    for col in ("source", "t CO2e", "AD", "EF", "share"):
        top.add_column(col, justify="left" if col == "source" else "right")
    ranked = sorted(a1["sources"], key=lambda s: s.get("variance_rank") or 10**9)[:5]
    for s in ranked:
        share = s.get("share_of_variance")
        top.add_row(f"{s['activity']} {s['item']}", _t(s["kgco2e"]),
                    _pm(s["ad_uncertainty_pct"]), _pm(s["ef_uncertainty_pct"]),
                    "n/a" if share is None else f"{100 * share:.1f} %")
    return [table, top]


def comparison_tables(doc: dict) -> list:
    """Scopes, sites and the base-year tests of a comparison document."""
    from rich.table import Table

    b, c = doc["base"], doc["current"]
    scopes = Table(title=f"{b['period']['start']} .. {b['period']['end']} -> "
                         f"{c['period']['start']} .. {c['period']['end']} "
                         f"(GWP {doc['gwp']['common']})")
    for col in ("scope", "base t", "current t", "change t", "change", "basis"):
        scopes.add_column(col, justify="left" if col in ("scope", "basis") else "right")
    for e in doc["by_scope"]:
        scopes.add_row(SCOPE_LABELS.get(e["key"], e["key"]), _t(e["base_kgco2e"]),
                       _t(e["current_kgco2e"]), _t(e["change_kgco2e"]), _pct(e["change_pct"]),
                       e["basis"])
    sites = Table(title=f"By site (Scopes 1+2 location+3), {doc['breakdown_basis']}")
    for col in ("site", "base t", "current t", "change"):
        sites.add_column(col, justify="left" if col == "site" else "right")
    for e in doc["by_site"]:
        note = "" if e["in_base"] and e["in_current"] else (
            " (new)" if e["in_current"] else " (gone)")
        sites.add_row(e["site"] + note, _t(e["base_kgco2e"]), _t(e["current_kgco2e"]),
                      _pct(e["change_pct"]))
    tests = Table(title=f"Base-year recalculation tests (threshold "
                        f"{doc['threshold_pct']:g} %)")
    for col in ("change", "effect t", "of base", "triggers"):
        tests.add_column(col, justify="left" if col == "change" else "right")
    rec = doc["base_year_recalculation"]
    for t in rec["tests"]:
        tests.add_row(t["what"], _t(t["effect_kgco2e"]),
                      "n/a" if t["effect_pct"] is None else f"{t['effect_pct']:.1f} %",
                      {True: "yes", False: "no", None: "undecided"}[t["triggered"]])
    if not rec["tests"]:
        tests.add_row("no structural or method change found", "", "", "no")
    return [scopes, sites, tests]
