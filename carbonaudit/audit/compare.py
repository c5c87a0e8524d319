"""Year on year: two inventory documents side by side, on one GWP set.

`compare_documents(base, current)` lines the two documents up per scope, Scope 3
category, ISO 14064-1 category, site and top source (absolute and % change), restates
both on one GWP set where they differ (restate.py), and runs the base-year recalculation
tests (base_year.py).  Only what the documents hold is compared: a source outside one
document's top-ten list has no figure there (null), not zero.  Per-scope figures are
restated; breakdowns by category, site and source are as reported, and the comparison
says so when the GWP sets differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit import __version__
from carbonaudit.audit.base_year import recalculation_tests
from carbonaudit.audit.restate import restate, restate_total
from carbonaudit.findings import Finding

DOCUMENT_TYPE = "carbonaudit.comparison"
SCOPE_KEYS = ("scope_1", "scope_2_location", "scope_2_market", "scope_3")
RESTATABLE = ("scope_1", "scope_2_location", "scope_3")


@dataclass
class Comparison:
    """The comparison document (a plain dict, for --json) and its findings."""

    document: dict
    findings: list[Finding] = field(default_factory=list)


def compare_files(base: Path, current: Path, *, threshold_pct: float = 5.0,
                  gwp_set: str | None = None) -> Comparison:
    """Read, validate and compare two inventory.json files (base year first)."""
    from carbonaudit.errors import UsageError
    from carbonaudit.reports.render import check_document, load_document

    docs = []
    for path in (base, current):
        doc, _ = load_document(Path(path))
        if check_document(doc) != "inventory":
            raise UsageError(f"{path} is not an inventory document (inventory.json from "
                             "`carbonaudit assess`)")
        docs.append(doc)
    return compare_documents(*docs, threshold_pct=threshold_pct, gwp_set=gwp_set,
                             names=(str(base), str(current)))


def change(base: float | None, current: float | None) -> dict:
    """Absolute and % change; % is null when the base is zero or either side unknown."""
    if base is None or current is None:
        return {"base_kgco2e": base, "current_kgco2e": current, "change_kgco2e": None,
                "change_pct": None}
    return {"base_kgco2e": base, "current_kgco2e": current, "change_kgco2e": current - base,
            "change_pct": (current - base) / abs(base) * 100.0 if base else None}


def compare_documents(base: dict, current: dict, *, threshold_pct: float = 5.0,
                      gwp_set: str | None = None, names: tuple[str, str] = ("base", "current")
                      ) -> Comparison:
    """Compare two validated inventory documents; see the module docstring."""
    from carbonaudit.errors import UsageError
    from carbonaudit.factors.gwp import GWP_SETS

    common = (gwp_set or current["gwp_set"]).upper()
    if common not in GWP_SETS:
        raise UsageError(f"--gwp {gwp_set!r} is not one of {', '.join(GWP_SETS)}")
    if not 0 < threshold_pct < 100:
        raise UsageError(f"the threshold must be between 0 and 100 %, not {threshold_pct}")
    gwp = _gwp_part(base, current, common)
    scopes = {k: gwp["restated_kgco2e"]["base"].get(k, base["totals_kgco2e"][k])
              for k in SCOPE_KEYS}
    now = {k: gwp["restated_kgco2e"]["current"].get(k, current["totals_kgco2e"][k])
           for k in SCOPE_KEYS}
    by_scope = [{"key": k, **change(scopes[k], now[k]),
                 "basis": gwp["basis"][k]} for k in SCOPE_KEYS]
    total_key = "scopes_1_2_3_location"
    base_total = sum(scopes[k] for k in RESTATABLE)
    by_scope.append({"key": total_key, **change(base_total, sum(now[k] for k in RESTATABLE)),
                     "basis": gwp["basis"]["scope_1"]})
    doc = {
        "document_type": DOCUMENT_TYPE,
        "tool_version": __version__,
        "threshold_pct": threshold_pct,
        "base": _identity(base, names[0]),
        "current": _identity(current, names[1]),
        "gwp": gwp,
        "by_scope": by_scope,
        "breakdown_basis": (f"as reported: base {base['gwp_set']}, current "
                            f"{current['gwp_set']} (GWP sets differ; only by_scope is "
                            "restated)") if gwp["differs"] else f"as reported (both {common})",
        "by_scope3_category": _keyed(base["by_scope3_category"], current["by_scope3_category"],
                                     "category", "kgco2e"),
        "by_iso_category": _keyed(base["by_iso_category"], current["by_iso_category"],
                                  "category", "kgco2e"),
        "by_site": _sites(base["by_site"], current["by_site"]),
        "top_sources": _top_sources(base["top_sources"], current["top_sources"]),
    }
    doc["base_year_recalculation"], findings = recalculation_tests(
        base, current, doc, threshold_pct, base_total)
    return Comparison(doc, [*_identity_findings(base, current, names), *findings])


def _identity_findings(base: dict, current: dict, names: tuple[str, str]) -> list[Finding]:
    """Two documents that may not be two years of one inventory."""
    import datetime as dt

    from carbonaudit.findings import Location, warning

    out = []
    if base["organisation"]["name"] != current["organisation"]["name"]:
        out.append(warning(
            "comparison-organisation-differs",
            f"The documents name different organisations ({base['organisation']['name']!r} "
            f"and {current['organisation']['name']!r}); check they are two years of one "
            "inventory.", Location(file=names[1], pointer="/organisation/name")))
    lengths = []
    for doc in (base, current):
        p = doc["period"]
        lengths.append((dt.date.fromisoformat(p["end"]) - dt.date.fromisoformat(p["start"])).days
                       if p["start"] and p["end"] else None)
    if None not in lengths and abs(lengths[0] - lengths[1]) > 31:
        out.append(warning(
            "comparison-period-length-differs",
            f"The reporting periods differ in length ({lengths[0] + 1} and {lengths[1] + 1} "
            "days), so the change includes the difference in time covered.",
            Location(file=names[1], pointer="/period")))
    if base["period"]["start"] and current["period"]["start"] and \
            base["period"]["start"] > current["period"]["start"]:
        out.append(warning(
            "comparison-base-is-later",
            f"The base document's period starts {base['period']['start']}, after the current "
            f"one's ({current['period']['start']}); give the base year first.",
            Location(file=names[0], pointer="/period/start")))
    return out


def _identity(doc: dict, name: str) -> dict:
    return {"file": name, "organisation": doc["organisation"]["name"],
            "consolidation_approach": doc["organisation"]["consolidation_approach"],
            "period": {"start": doc["period"]["start"], "end": doc["period"]["end"]},
            "gwp_set": doc["gwp_set"], "tool_version": doc["tool_version"],
            "standard": (doc.get("standard") or {}).get("name", "ghg-protocol")}


def _gwp_part(base: dict, current: dict, common: str) -> dict:
    """Both documents on the common set: per scope where per-gas kg allow it."""
    part = {"base": base["gwp_set"], "current": current["gwp_set"], "common": common,
            "differs": base["gwp_set"] != current["gwp_set"],
            "restated_kgco2e": {"base": {}, "current": {}}, "notes": [],
            "basis": {k: f"as reported ({base['gwp_set']} and {current['gwp_set']})"
                      for k in SCOPE_KEYS}}
    restated_all = True
    for side, doc in (("base", base), ("current", current)):
        if doc["gwp_set"] == common:
            continue
        if doc.get("by_scope_gas"):
            values = restate(doc["by_scope_gas"], common)
            part["restated_kgco2e"][side] = {k: v["kgco2e"] for k, v in values.items()}
            unsplit = sum(v["unsplit_kgco2e_not_restated"] for v in values.values())
            for k in RESTATABLE:  # a scope without rows restates to zero
                part["restated_kgco2e"][side].setdefault(k, 0.0)
            part["notes"].append(
                f"The {side} document ({doc['gwp_set']}) is restated on {common} per scope "
                f"from its per-gas kilograms; {unsplit:,.0f} kg CO2e from factors published "
                "only as CO2e cannot be restated and is carried unchanged.")
        else:
            restated_all = False
            whole = restate_total(doc["by_gas"], common)
            part[f"{side}_total_restated"] = whole
            part["notes"].append(
                f"The {side} document ({doc['gwp_set']}) has no per-scope gas breakdown "
                "(written before carbonaudit recorded by_scope_gas), so only its whole "
                f"inventory is restated on {common}, from by_gas; HFC and PFC kilograms there "
                "mix species, so their reported CO2e is carried unchanged. Scope figures stay "
                "as reported.")
    if not part["differs"] and base["gwp_set"] == common:
        label = f"as reported (both {common})"
        part["basis"] = {k: label for k in SCOPE_KEYS}
    elif restated_all:
        label = f"restated on {common}"
        part["basis"] = {k: label for k in RESTATABLE}
        part["basis"]["scope_2_market"] = ("as reported (contractual CO2e factors carry no "
                                           "gases to restate)")
    return part


def _keyed(base: list[dict], current: list[dict], key: str, value: str) -> list[dict]:
    a = {e[key]: e for e in base}
    b = {e[key]: e for e in current}
    out = []
    for k in sorted(a.keys() | b.keys()):
        label = (b.get(k) or a.get(k)).get("label")
        out.append({"key": k, "label": label,
                    **change(a[k][value] if k in a else 0.0, b[k][value] if k in b else 0.0),
                    "in_base": k in a, "in_current": k in b})
    return out


def _site_total(e: dict) -> float:
    return e["scope_1"] + e["scope_2_location"] + e["scope_3"]


def _sites(base: list[dict], current: list[dict]) -> list[dict]:
    a = {e["site"]: e for e in base}
    b = {e["site"]: e for e in current}
    out = []
    for site in sorted(a.keys() | b.keys()):
        entry = {"site": site, "in_base": site in a, "in_current": site in b,
                 **change(_site_total(a[site]) if site in a else 0.0,
                          _site_total(b[site]) if site in b else 0.0)}
        entry["by_scope"] = {k: change(a[site][k] if site in a else 0.0,
                                       b[site][k] if site in b else 0.0)
                             for k in SCOPE_KEYS}
        out.append(entry)
    return out


def _top_sources(base: list[dict], current: list[dict]) -> list[dict]:
    def key(e):
        return (e["activity"], e["item"], e["site"])

    a = {key(e): e for e in base}
    b = {key(e): e for e in current}
    order = [key(e) for e in current] + [k for k in (key(e) for e in base) if k not in b]
    out = []
    for k in order:
        out.append({"activity": k[0], "item": k[1], "site": k[2],
                    **change(a[k]["kgco2e"] if k in a else None,
                             b[k]["kgco2e"] if k in b else None),
                    "in_base_top": k in a, "in_current_top": k in b})
    return out
