"""Restating an inventory on another GWP set, from the per-gas kilograms it records.

CO2e depends on the GWP set; kilograms of each gas do not.  `gases_by_scope` records, per
scope, the kilograms of CO2, fossil and non-fossil CH4, N2O and of every other species
(HFC blends by their own name), plus the CO2e of factors published only as CO2e
("unsplit", which no GWP set can restate).  `restate` recomputes each scope on any set:

    kg CO2 + kg CH4 (fossil) x GWP + kg CH4 (non-fossil) x GWP + kg N2O x GWP
    + sum over species of kg x GWP(species) + unsplit CO2e (carried unchanged)

HCFCs stay outside the scope totals (GHG Protocol), as in the engine.  Scope 2 is
location-based: market-based figures use contractual CO2e factors without gases.  A
document without `by_scope_gas` (written before it existed) can still be restated as a
whole from `by_gas`, but only partly: HFC and PFC kilograms there are sums of different
species and are carried at their reported CO2e, which `restate_total` says.
"""

from __future__ import annotations

from carbonaudit.audit.series_checks import assessed
from carbonaudit.factors.gwp import family, gwp_table

SCOPES = {1: "scope_1", 2: "scope_2_location", 3: "scope_3"}
_COLUMNS = ("scope", "co2_fossil_kg", "ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg",
            "co2e_unsplit_kg", "other_gas", "other_gas_kg_kg")


def gases_by_scope(results) -> list[dict]:
    """The `by_scope_gas` section: per scope, kilograms of each gas of the assessed rows."""
    import numpy as np

    ok = results.loc[assessed(results), list(_COLUMNS)]  # only the columns summed here
    out = []
    scope = ok["scope"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    for s, name in SCOPES.items():
        sel = ok[scope == s]
        if not len(sel):
            continue
        species = sel["other_gas"].astype(str)
        kg = sel["other_gas_kg_kg"].astype(float)
        others = kg[species.ne("") & kg.ne(0)].groupby(species[species.ne("")]).sum()
        out.append({
            "scope": name,
            "co2_fossil_kg": _sum(sel["co2_fossil_kg"]),
            "ch4_fossil_kg": _sum(sel["ch4_fossil_kg"]),
            "ch4_nonfossil_kg": _sum(sel["ch4_nonfossil_kg"]),
            "n2o_kg": _sum(sel["n2o_kg"]),
            "co2e_unsplit_kgco2e": _sum(sel["co2e_unsplit_kg"]),
            "other_gases": [{"species": str(k), "family": family(str(k)), "kg": float(v)}
                            for k, v in sorted(others.items())],
        })
    return out


def _sum(col) -> float:
    v = float(col.sum())
    return 0.0 if v != v or v == 0 else v


def restate(by_scope_gas: list[dict], gwp_set: str) -> dict:
    """kg CO2e per scope on `gwp_set`, and the unsplit part carried unchanged."""
    g = gwp_table(gwp_set)
    out = {}
    for entry in by_scope_gas:
        others = sum(o["kg"] * g.of(o["species"]) for o in entry["other_gases"]
                     if o["family"] != "hcfc")
        out[entry["scope"]] = {
            "kgco2e": (entry["co2_fossil_kg"] + entry["ch4_fossil_kg"] * g.ch4_fossil
                       + entry["ch4_nonfossil_kg"] * g.ch4_nonfossil
                       + entry["n2o_kg"] * g.of("N2O") + others
                       + entry["co2e_unsplit_kgco2e"]),
            "unsplit_kgco2e_not_restated": entry["co2e_unsplit_kgco2e"],
        }
    return out


def restate_total(by_gas: dict, gwp_set: str) -> dict:
    """The whole inventory (Scopes 1, 2 location-based and 3 together) restated from by_gas.

    SF6 and NF3 are single species and restate exactly; HFC and PFC kilograms mix species,
    so their reported CO2e is carried unchanged, as is the unsplit CO2e.
    """
    g = gwp_table(gwp_set)
    carried = by_gas.get("hfc_kgco2e", 0.0) + by_gas.get("pfc_kgco2e", 0.0)
    unsplit = by_gas.get("co2e_unsplit_kgco2e", 0.0)
    total = (by_gas["co2_fossil_kg"] + by_gas["ch4_fossil_kg"] * g.ch4_fossil
             + by_gas["ch4_nonfossil_kg"] * g.ch4_nonfossil + by_gas["n2o_kg"] * g.of("N2O")
             + by_gas.get("sf6_kg", 0.0) * g.of("SF6") + by_gas.get("nf3_kg", 0.0) * g.of("NF3")
             + carried + unsplit)
    return {"kgco2e": total, "unsplit_kgco2e_not_restated": unsplit,
            "hfc_pfc_kgco2e_not_restated": carried}
