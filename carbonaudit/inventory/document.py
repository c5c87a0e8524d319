"""Build the inventory report document (a plain dict) from an Assessment.

The document is what every output is rendered from; it is validated against
schemas/inventory.schema.json before it is written.  Numbers are full-precision floats
in kg CO2e: rounding happens only when a person is shown them.
"""

from __future__ import annotations

from carbonaudit import __version__
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import count_by_severity

SCOPE3_LABELS = {
    1: "Purchased goods and services", 2: "Capital goods",
    3: "Fuel- and energy-related activities", 4: "Upstream transportation and distribution",
    5: "Waste generated in operations", 6: "Business travel", 7: "Employee commuting",
    8: "Upstream leased assets", 9: "Downstream transportation and distribution",
    10: "Processing of sold products", 11: "Use of sold products",
    12: "End-of-life treatment of sold products", 13: "Downstream leased assets",
    14: "Franchises", 15: "Investments",
}
ISO_LABELS = {
    1: "Direct GHG emissions and removals",
    2: "Indirect GHG emissions from imported energy",
    3: "Indirect GHG emissions from transportation",
    4: "Indirect GHG emissions from products used by the organisation",
    5: "Indirect GHG emissions associated with the use of products from the organisation",
    6: "Indirect GHG emissions from other sources",
}
DOCUMENT_TYPE = "carbonaudit.inventory"
_NEEDED = ["scope", "scope3_category", "iso_category", "site", "activity", "item",
           "period_start", "period_end", "co2e_kg", "co2e_market_kg", "co2_fossil_kg",
           "co2_biogenic_kg", "ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg", "other_gas_kg_kg",
           "other_gas_co2e_kg", "co2e_unsplit_kg", "hcfc_co2e_kg_outside_scopes",
           "other_gas_family", "market_basis", "factor_id_used"]
SCHEMA_VERSION = "1.0"


def _f(x) -> float:
    """Plain float for JSON; -0.0 and NaN sums become 0.0 so output is stable."""
    v = float(x)
    return 0.0 if v != v or v == 0 else v


def build_document(a) -> dict:
    """The inventory report document for one Assessment."""
    df = a.results
    # A narrow copy of the assessed rows: every breakdown below filters it again.
    ok = df.loc[df["status"].to_numpy() == "assessed", _NEEDED]
    cfg = a.config
    read = int(len(df))
    assessed = int(len(ok))
    doc = {
        "document_type": DOCUMENT_TYPE,
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "gwp_set": a.gwp_set,
        "organisation": {
            "name": cfg.organisation,
            "consolidation_approach": cfg.consolidation_approach,
        },
        "period": _period(cfg, ok),
        "factor_sets": [
            {"name": s.name, "edition": s.edition, "sha256": s.sha256, "licence": s.licence,
             "publisher": s.publisher, "user": s.user}
            for s in a.library.sets
        ],
        "inputs": [
            {"path": s.path, "sha256": s.sha256, "kind": s.kind, "encoding": s.encoding}
            for s in a.sources
        ],
        "rows": {"read": read, "assessed": assessed, "rejected": read - assessed,
                 "blank_skipped": int(a.blank_rows)},
        "findings": count_by_severity(a.findings),
        "totals_kgco2e": _totals(ok),
        "scope_2": _scope2(ok),
        "by_scope3_category": _by_scope3(ok),
        "by_iso_category": _by_iso(ok),
        "by_site": _by_site(ok),
        "by_gas": _by_gas(ok),
        "by_month": _by_month(ok),
        "top_sources": _top_sources(ok),
        "factors_used": _factors_used(ok, a.library),
    }
    return doc


def _period(cfg, ok) -> dict:
    if cfg.period_start:
        return {"start": cfg.period_start.isoformat(), "end": cfg.period_end.isoformat(),
                "source": "configuration"}
    if len(ok) and ok["period_start"].notna().any():
        return {"start": ok["period_start"].min().date().isoformat(),
                "end": ok["period_end"].max().date().isoformat(), "source": "data"}
    return {"start": None, "end": None, "source": "unknown"}


def _sum(df, col: str) -> float:
    return _f(df[col].sum()) if len(df) else 0.0


def _totals(ok) -> dict:
    s1 = ok[ok["scope"] == 1]
    s2 = ok[ok["scope"] == 2]
    s3 = ok[ok["scope"] == 3]
    return {
        "scope_1": _sum(s1, "co2e_kg"),
        "scope_2_location": _sum(s2, "co2e_kg"),
        "scope_2_market": _sum(s2, "co2e_market_kg"),
        "scope_3": _sum(s3, "co2e_kg"),
        "biogenic_co2_outside_scopes": _sum(ok, "co2_biogenic_kg"),
        "hcfc_outside_scopes": _sum(ok, "hcfc_co2e_kg_outside_scopes"),
    }


def _scope2(ok) -> dict:
    s2 = ok[ok["scope"] == 2]
    supplier = s2["market_basis"] == "supplier-specific"
    return {
        "location_based_kgco2e": _sum(s2, "co2e_kg"),
        "market_based_kgco2e": _sum(s2, "co2e_market_kg"),
        "rows_with_contractual_factor": int(supplier.sum()),
        "rows_using_grid_average_for_market": int((~supplier).sum()),
        "note": "Market-based uses each row's supplier or contractual factor where given; "
                "rows without one use the location-based grid factor, as disclosed here.",
    }


def _by_scope3(ok) -> list[dict]:
    s3 = ok[ok["scope"] == 3]
    sums = s3.groupby("scope3_category")["co2e_kg"].sum()
    return [{"category": int(c), "label": SCOPE3_LABELS[int(c)], "kgco2e": _f(v)}
            for c, v in sorted(sums.items())]


def _by_iso(ok) -> list[dict]:
    sums = ok.groupby("iso_category")["co2e_kg"].sum()
    return [{"category": int(c), "label": ISO_LABELS[int(c)], "kgco2e": _f(v)}
            for c, v in sorted(sums.items())]


def _by_site(ok) -> list[dict]:
    if not len(ok):
        return []
    site = ok["site"].where(ok["site"].ne(""), "(no site)").rename("site_name")
    frame = ok.assign(site_name=site)
    loc = frame.pivot_table(index="site_name", columns="scope", values="co2e_kg",
                            aggfunc="sum", fill_value=0.0)
    mkt = frame[frame["scope"] == 2].groupby("site_name")["co2e_market_kg"].sum()
    counts = frame.groupby("site_name").size()
    out = []
    for name in sorted(counts.index):
        def get(scope, name=name):
            return _f(loc.at[name, scope]) if scope in loc.columns else 0.0

        out.append({
            "site": str(name), "scope_1": get(1), "scope_2_location": get(2),
            "scope_2_market": _f(mkt.get(name, 0.0)), "scope_3": get(3),
            "rows": int(counts[name]),
        })
    return out


def _by_gas(ok) -> dict:
    fam = ok["other_gas_family"]
    out = {
        "co2_fossil_kg": _sum(ok, "co2_fossil_kg"),
        "co2_biogenic_kg": _sum(ok, "co2_biogenic_kg"),
        "ch4_fossil_kg": _sum(ok, "ch4_fossil_kg"),
        "ch4_nonfossil_kg": _sum(ok, "ch4_nonfossil_kg"),
        "n2o_kg": _sum(ok, "n2o_kg"),
        "co2e_unsplit_kgco2e": _sum(ok, "co2e_unsplit_kg"),
    }
    for f in ("hfc", "pfc", "sf6", "nf3", "hcfc"):
        sel = ok[fam == f]
        out[f"{f}_kg"] = _sum(sel, "other_gas_kg_kg")
        col = "hcfc_co2e_kg_outside_scopes" if f == "hcfc" else "other_gas_co2e_kg"
        out[f"{f}_kgco2e"] = _sum(sel, col)
    return out


def _by_month(ok) -> list[dict]:
    dated = ok[ok["period_start"].notna()]
    if not len(dated):
        return []
    # Group on the month number and format the few distinct months, not a million dates.
    month = dated["period_start"].to_numpy().astype("datetime64[M]")
    sums = dated[["co2e_kg", "co2e_market_kg"]].groupby(month).sum()
    return [{"month": str(m)[:7], "kgco2e_location": _f(r.co2e_kg),
             "kgco2e_market": _f(r.co2e_market_kg)}
            for m, r in zip(sums.index.to_numpy(), sums.itertuples(index=False), strict=True)]


def _top_sources(ok, n: int = 10) -> list[dict]:
    if not len(ok):
        return []
    site = ok["site"].where(ok["site"].ne(""), "(no site)")
    g = ok.groupby([ok["activity"], ok["item"], site])["co2e_kg"].agg(["sum", "size"])
    g = g.reset_index().sort_values(["sum", "activity", "item"], ascending=[False, True, True])
    return [{"activity": r.activity, "item": r.item, "site": r.site, "kgco2e": _f(r[3]),
             "rows": int(r[4]), "label": ACTIVITIES[r.activity].label}
            for r in g.head(n).itertuples(index=False, name="Src")]


def _factors_used(ok, library) -> list[dict]:
    if not len(ok):
        return []
    counts = ok.groupby("factor_id_used").size()
    f = library.factors.set_index("id")
    out = []
    for fid, n in sorted(counts.items()):
        r = f.loc[fid]
        out.append({"id": fid, "set": r["set"], "edition": r["set_edition"],
                    "unit": r["unit"], "source": r["source"], "licence": r["licence"],
                    "status": r["status"], "rows": int(n)})
    return out
