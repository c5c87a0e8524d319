"""Build the inventory report document (a plain dict) from an Assessment.

The document is what every output is rendered from; it is validated against
schemas/inventory.schema.json before it is written.  Numbers are full-precision floats
in kg CO2e: rounding happens only when a person is shown them.
"""

from __future__ import annotations

from carbonaudit import __version__
from carbonaudit.audit.document_parts import document_parts
from carbonaudit.factors.library import GAS_COLUMNS
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import count_by_severity
from carbonaudit.inventory.standards import ghg_protocol, iso14064
from carbonaudit.inventory.standards import registry as standards
from carbonaudit.inventory.sums import f as _f
from carbonaudit.inventory.sums import total as _sum

DOCUMENT_TYPE = "carbonaudit.inventory"
_NEEDED = ["scope", "scope3_category", "iso_category", "site", "activity", "item",
           "period_start", "period_end", "co2e_kg", "co2e_market_kg", "co2_fossil_kg",
           "co2_biogenic_kg", "ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg", "other_gas_kg_kg",
           "other_gas_co2e_kg", "co2e_unsplit_kg", "hcfc_co2e_kg_outside_scopes",
           "other_gas_family", "market_basis", "factor_id_used"]
SCHEMA_VERSION = "1.0"


def build_document(a) -> dict:
    """The inventory report document for one Assessment (whole or batched).

    Every figure comes from the assessed rows grouped with exact sums (summary.py), so a
    file read whole, in batches or on Dask gives the same document to the last digit;
    `_n` is each group's row count.
    """
    from carbonaudit.inventory.summary import grouped_view

    a, read = grouped_view(a)
    ok = a.results
    cfg = a.config
    assessed = int(ok["_n"].sum())
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
        "standard": standards.document_part(ok, a),
        "totals_kgco2e": standards.totals(ok, a),
        "scope_2": ghg_protocol.scope_2(ok),
        "by_scope3_category": ghg_protocol.by_scope3_category(ok),
        "by_iso_category": iso14064.by_category(ok),
        "by_site": _by_site(ok),
        "by_gas": _by_gas(ok),
        "by_month": _by_month(ok),
        "top_sources": _top_sources(ok),
        "factors_used": _factors_used(ok, a.library),
    }
    doc.update(document_parts(a, doc))  # data quality, gases by scope, intensity (audit/)
    return doc


def _period(cfg, ok) -> dict:
    if cfg.period_start:
        return {"start": cfg.period_start.isoformat(), "end": cfg.period_end.isoformat(),
                "source": "configuration"}
    if len(ok) and ok["period_start"].notna().any():
        return {"start": ok["period_start"].min().date().isoformat(),
                "end": ok["period_end"].max().date().isoformat(), "source": "data"}
    return {"start": None, "end": None, "source": "unknown"}


def _by_site(ok) -> list[dict]:
    if not len(ok):
        return []
    site = ok["site"].where(ok["site"].ne(""), "(no site)").rename("site_name")
    frame = ok.assign(site_name=site)
    loc = frame.pivot_table(index="site_name", columns="scope", values="co2e_kg",
                            aggfunc="sum", fill_value=0.0)
    mkt = frame[frame["scope"] == 2].groupby("site_name")["co2e_market_kg"].sum()
    counts = frame.groupby("site_name")["_n"].sum()
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
    g = ok.groupby([ok["activity"], ok["item"], site]).agg(
        sum=("co2e_kg", "sum"), size=("_n", "sum"))
    g = g.reset_index().sort_values(["sum", "activity", "item"], ascending=[False, True, True])
    return [{"activity": r.activity, "item": r.item, "site": r.site, "kgco2e": _f(r[3]),
             "rows": int(r[4]), "label": ACTIVITIES[r.activity].label}
            for r in g.head(n).itertuples(index=False, name="Src")]


def _factors_used(ok, library) -> list[dict]:
    if not len(ok):
        return []
    counts = ok.groupby("factor_id_used")["_n"].sum()
    f = library.factors.set_index("id")
    out = []
    for fid, n in sorted(counts.items()):
        r = f.loc[fid]
        entry = {"id": fid, "set": r["set"], "edition": r["set_edition"],
                 "unit": r["unit"], "source": r["source"], "licence": r["licence"],
                 "status": r["status"], "rows": int(n),
                 # kg of each gas per unit (the gases the factor gives), for the appendix
                 "values": {g: float(r[g]) for g in GAS_COLUMNS if float(r[g]) != 0.0}}
        if r["basis"]:
            entry["basis"] = r["basis"]
        if r["other_gas"]:
            entry["other_gas"] = r["other_gas"]
        out.append(entry)
    return out
