"""GB/T 32150-2015, GHG accounting and reporting by industrial enterprises (Mainland China).

The method (CHINA_HK.md 4.1):

    E = E_combustion + E_process + E_purchased_electricity + E_purchased_heat
        - E_exported_electricity - E_exported_heat
    E_combustion = consumption x NCV x carbon content x oxidation rate x 44/12

with the NDRC default fuel table (factor set `cn_ndrc`, one factor per tonne or Nm³ and
one per GJ, so the NCV is the table's own), no CH4 or N2O from combustion, purchased
electricity at the MEE/NBS factor of the reporting year for the row's province (national
where the row names none) or the enterprise-reporting factor with `grid_factor = "ets"`,
purchased heat at 0.11 tCO2/GJ, and biomass CO2 reported outside the total.

Exported energy goes through the engine as the energy it is (so it gets the same grid or
heat factor) and is then turned into a deduction: negative amounts, outside the scopes.
"""

from __future__ import annotations

from carbonaudit.factors.vocab import EXPORTED_ACTIVITIES
from carbonaudit.findings import info
from carbonaudit.inventory.standards.regions import assume_region

_AS_PURCHASED = {"exported_electricity": "purchased_electricity",
                 "exported_heat": "purchased_heat"}
_ELECTRICITY = ("purchased_electricity", "exported_electricity")
_COMBUSTION = ("stationary_combustion", "mobile_combustion")
_GASES = ("co2_fossil_kg", "co2_biogenic_kg", "ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg",
          "other_gas_kg_kg", "other_gas_co2e_kg", "co2e_unsplit_kg", "co2e_kg", "co2e_market_kg",
          "hcfc_co2e_kg_outside_scopes")


def prepare(df, library, config, tables) -> list:
    """Default region CN, the ETS grid factor when chosen, exported energy matched as the
    energy it is."""
    from carbonaudit.inventory.activity import row_location

    live = ~df["rejected"].astype(bool)
    findings = assume_region(
        df, live, tables, "CN",
        "Rows without a region are accounted as Mainland China (CN) under GB/T 32150 "
        "({rows} rows): national factors apply; write the province (e.g. 广东) for its grid "
        "factor.")
    if getattr(config, "grid_factor", "mee") == "ets":
        grid = live & df["activity"].isin(_ELECTRICITY) & df["item"].eq("grid")
        df.loc[grid, "item"] = "grid_ets"
        if grid.any():
            findings.append(info(
                "grid-factor-ets",
                f"Electricity is accounted with the national enterprise-reporting grid factor "
                f"of the MEE (grid_factor = ets) on {int(grid.sum())} rows, not the "
                f"provincial MEE/NBS factor.",
                row_location(df, grid[grid].index[0], tables, "item")))
    exported = live & df["activity"].isin(EXPORTED_ACTIVITIES)
    df["_exported_as"] = df["activity"].where(exported)
    df.loc[exported, "activity"] = df.loc[exported, "activity"].map(_AS_PURCHASED)
    return findings


def finish(df, library, config, tables) -> list:
    """Exported energy becomes a deduction; combustion CH4/N2O are taken out (not counted)."""
    import numpy as np
    import pandas as pd

    from carbonaudit.factors.gwp import gwp_table
    from carbonaudit.inventory.activity import row_location

    findings = []
    if "_exported_as" in df.columns:
        was = df["_exported_as"].notna().to_numpy()
        if was.any():
            df.loc[was, "activity"] = df.loc[was, "_exported_as"]
            for col in _GASES:
                df.loc[was, col] = -df.loc[was, col]
            for col in ("scope", "scope3_category", "iso_category"):
                df.loc[was, col] = pd.NA
    assessed = df["status"].to_numpy() == "assessed"
    comb = assessed & df["activity"].isin(_COMBUSTION).to_numpy()
    non_co2 = comb & ((df["ch4_fossil_kg"].fillna(0) + df["ch4_nonfossil_kg"].fillna(0)
                       + df["n2o_kg"].fillna(0)).to_numpy() != 0)
    if non_co2.any():
        g = gwp_table(str(df["gwp_set"].iloc[0]))
        taken = (df["ch4_fossil_kg"] * g.ch4_fossil + df["ch4_nonfossil_kg"] * g.ch4_nonfossil
                 + df["n2o_kg"] * g.of("N2O")).to_numpy()
        for col in ("co2e_kg", "co2e_market_kg"):
            df.loc[non_co2, col] = df.loc[non_co2, col].to_numpy() - taken[non_co2]
        for col in ("ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg"):
            df.loc[non_co2, col] = 0.0
        first = df.index[np.flatnonzero(non_co2)[0]]
        findings.append(info(
            "combustion-non-co2-not-counted",
            f"GB/T 32150 counts no CH4 or N2O from fuel combustion: the CH4 and N2O of "
            f"{int(non_co2.sum())} combustion rows (from user factors) are left out.",
            row_location(df, first, tables, "item")))
    return findings


def breakdown(ok, a) -> dict:
    """The standard's own breakdown, in kg CO2 (CO2e where a user factor gives other gases)."""
    from carbonaudit.inventory.sums import f, total

    def by(*activities):
        return total(ok[ok["activity"].isin(activities)], "co2e_kg")

    parts = {
        "combustion": by(*_COMBUSTION),
        "process": by("process", "fugitive"),
        "purchased_electricity": by("purchased_electricity"),
        "purchased_heat": by("purchased_heat", "purchased_steam", "purchased_cooling"),
        "exported_electricity": by("exported_electricity"),
        "exported_heat": by("exported_heat"),
    }
    net = f(sum(parts.values()))
    return {
        "grid_factor": getattr(a.config, "grid_factor", "mee"),
        "breakdown_kgco2e": {**parts, "total": net},
        "biomass_co2_outside_total_kg": total(ok, "co2_biogenic_kg"),
        "outside_standard_kgco2e": total(ok[ok["scope"] == 3], "co2e_kg"),
        "electricity_factors": _electricity_factors(ok, a.library),
        "notes": [
            "E = combustion + process + purchased electricity + purchased heat - exported "
            "electricity - exported heat; combustion CO2 = consumption x NCV x carbon content "
            "x oxidation rate x 44/12 (NDRC default table); CH4 and N2O from combustion are "
            "not counted.",
            "totals_kgco2e keeps scope_1 = combustion + process and scope_2_location = "
            "purchased electricity and heat; exported energy is deducted only in this "
            "breakdown's total.",
            "Biomass CO2 is reported outside the total; Scope 3 rows are outside GB/T 32150.",
        ],
    }


def _electricity_factors(ok, library) -> list[dict]:
    elec = ok[ok["activity"].isin(_ELECTRICITY)]
    if not len(elec):
        return []
    f = library.factors.set_index("id")
    out = []
    for fid, n in sorted(elec.groupby("factor_id_used", observed=True)["_n"].sum().items()):
        if not n:
            continue
        r = f.loc[fid]
        vintage = r["vintage"]
        out.append({"factor_id": str(fid), "region": str(r["region"]),
                    "vintage": None if vintage != vintage else int(vintage),
                    "kgco2_per_unit": float(r["co2_fossil"]), "unit": str(r["unit"]),
                    "status": str(r["status"]), "rows": int(n)})
    return out
