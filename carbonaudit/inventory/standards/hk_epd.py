"""HK EPD/EMSD Guidelines to Account for and Report on GHG Emissions and Removals for
Buildings (Commercial, Residential or Institutional Purpose) in Hong Kong, 2010 edition.

Structure (CHINA_HK.md 3.1): Scope 1 stationary and mobile combustion and refrigerants;
Scope 2 electricity from CLP and HK Electric and, for Towngas bought, the upstream
production part (its combustion stays in Scope 1); Scope 3 optional: paper waste to landfill,
fresh water and sewage through the WSD/DSD electricity per m³, business air travel.

The guideline's appendix factors could not be verified from any source we hold, so none is
shipped: `carbonaudit template factors --standard hk-epd` writes a factor file asking for
them (GUIDELINE_FACTORS), and a factor that is missing is a finding naming it.  What is
shipped is sourced: the utilities' factors (`hk_utilities`), the refrigerant mass balance,
and the WSD/DSD kWh per m³ (`data/hk_water_energy.csv`), which this module multiplies by the
Hong Kong electricity factor the run resolves, recording both in the factor it builds.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib.resources import files

from carbonaudit.findings import error, info, warning
from carbonaudit.inventory.standards.regions import assume_region

TEMPLATE_COMMAND = "carbonaudit template factors --standard hk-epd"


@dataclass(frozen=True)
class Slot:
    """One factor the guidelines give that the user must supply."""

    id: str
    activity: str
    item: str
    region: str
    unit: str
    label_en: str
    label_zh: str
    scope: str


GUIDELINE_FACTORS: tuple[Slot, ...] = (
    Slot("hk_epd.diesel.stationary", "stationary_combustion", "diesel", "HK", "L",
         "Diesel oil, stationary combustion (CO2, CH4, N2O per litre)", "柴油（固定燃燒）", "1"),
    Slot("hk_epd.lpg.stationary", "stationary_combustion", "lpg", "HK", "kg",
         "LPG, stationary combustion (per kg)", "石油氣（固定燃燒）", "1"),
    Slot("hk_epd.kerosene.stationary", "stationary_combustion", "kerosene", "HK", "L",
         "Kerosene, stationary combustion (per litre)", "火水（固定燃燒）", "1"),
    Slot("hk_epd.towngas.stationary", "stationary_combustion", "towngas", "HK", "towngas_unit",
         "Towngas, stationary combustion (per unit of 48 MJ)", "煤氣燃燒", "1"),
    Slot("hk_epd.towngas.production", "purchased_towngas", "towngas", "HK", "towngas_unit",
         "Towngas purchased: production by the supplier (per unit; Scope 2 under the "
         "guidelines)", "煤氣生產（範圍二）", "2"),
    Slot("hk_epd.gasoline.mobile", "mobile_combustion", "gasoline", "HK", "L",
         "Unleaded petrol, vehicles (per litre)", "無鉛汽油（車輛）", "1"),
    Slot("hk_epd.diesel.mobile", "mobile_combustion", "diesel", "HK", "L",
         "Diesel oil, vehicles (per litre)", "柴油（車輛）", "1"),
    Slot("hk_epd.lpg.mobile", "mobile_combustion", "lpg", "HK", "L",
         "LPG, vehicles (per litre)", "石油氣（車輛）", "1"),
    Slot("hk_epd.grid.clp", "purchased_electricity", "grid", "HK-CLP", "kWh",
         "CLP Power electricity of the reporting year (per kWh)", "中電電力（報告年度）", "2"),
    Slot("hk_epd.grid.hke", "purchased_electricity", "grid", "HK-HKE", "kWh",
         "HK Electric electricity of the reporting year (per kWh)", "港燈電力（報告年度）", "2"),
    Slot("hk_epd.paper.landfill", "waste", "paper_landfill", "HK", "kg",
         "Paper waste disposed of at landfills (per kg)", "棄置於堆填區的廢紙", "3"),
)
_SLOTS = {(s.activity, s.item): s for s in GUIDELINE_FACTORS}
_WATER_ITEMS = ("water_supply", "water_treatment")


def prepare(df, library, config, tables) -> list:
    """Default region HK; fresh water and sewage factors from the WSD/DSD kWh per m³."""
    live = ~df["rejected"].astype(bool)
    findings = assume_region(
        df, live, tables, "HK",
        "Rows without a region are accounted as Hong Kong (HK) under the HK EPD/EMSD "
        "guidelines ({rows} rows); write HK-CLP or HK-HKE (or name the supplier) for a "
        "utility's electricity factor.")
    water = live & df["activity"].eq("water") & df["item"].isin(_WATER_ITEMS)
    if water.any():
        findings.extend(_water_factors(df, water, library, config, tables))
    return findings


def _intensities() -> list[dict]:
    text = files("carbonaudit").joinpath("factors/data/hk_water_energy.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _water_factors(df, water, library, config, tables) -> list:
    """Factors per m³ = WSD/DSD kWh per m³ x the Hong Kong electricity factor of the run."""
    import hashlib

    import pandas as pd

    from carbonaudit.factors.library import GAS_COLUMNS, FactorSet
    from carbonaudit.inventory.activity import row_location
    from carbonaudit.inventory.matching import Matcher

    dates = df.loc[water, "period_start"].dropna()
    date = dates.min() if len(dates) else (
        pd.Timestamp(config.period_start) if config.period_start else None)
    res = Matcher(library).resolve("purchased_electricity", "grid", "HK", "", date, "kWh", None)
    first = df.index[water][0]
    if res.factor_index is None:
        return [error("hk-epd-factor-missing",
                      "Fresh water and sewage are counted through the WSD/DSD electricity per m³ "
                      "times a Hong Kong electricity factor, and none is loaded for region HK; "
                      f"add one to your factor file ({TEMPLATE_COMMAND}).",
                      row_location(df, first, tables, "item"))]
    elec = library.factors.iloc[res.factor_index].to_dict()
    rows = []
    raw = files("carbonaudit").joinpath("factors/data/hk_water_energy.csv").read_bytes()
    for w in _intensities():
        k = float(w["kwh_per_m3"])
        status = "unverified" if "unverified" in (w["status"], elec["status"]) else "derived"
        row = {**elec, "id": f"hk_epd.{w['item']}.{w['year']}", "activity": "water",
               "item": w["item"], "region": "HK", "unit": "m3", "unit_expr": "m**3",
               "scope": "", "scope3_category": "", "status": status, "set": "hk_epd_water",
               "set_edition": w["year"], "rank": 1,
               "source": f"{w['source']} x electricity factor {elec['id']} ({elec['source']})",
               "notes": f"{k} kWh per m³ ({w['id']}) x factor {elec['id']} per kWh; HK EPD/"
                        f"EMSD guidelines method for Scope 3 water and sewage; {w['notes']}"}
        for col in GAS_COLUMNS:
            row[col] = float(elec[col]) * k
        rows.append(row)
    library.factors = pd.concat([library.factors, pd.DataFrame(rows)], ignore_index=True)
    library.sets.append(FactorSet(
        name="hk_epd_water", kind="factors", file="data/hk_water_energy.csv",
        sha256=hashlib.sha256(raw).hexdigest(),
        title="Fresh water and sewage per m³: WSD/DSD electricity per m³ x Hong Kong "
              "electricity factor", publisher="WSD; DSD (HKSAR)", edition="see rows",
        licence="HKSAR Government publication; factual figures"))
    return [info("water-through-electricity",
                 f"Fresh water and sewage are counted as the WSD/DSD electricity per m³ times the "
                 f"electricity factor {elec['id']} (HK EPD/EMSD method).",
                 row_location(df, first, tables, "item"))]


def finish(df, library, config, tables) -> list:
    """Towngas production into Scope 2, and each guideline factor still missing named."""
    findings = _towngas_production(df, library, tables)
    findings.extend(_missing(df, library, tables))
    return findings


def _towngas_production(df, library, tables) -> list:
    from carbonaudit.factors.gwp import gwp_table
    from carbonaudit.inventory.activity import row_location
    from carbonaudit.inventory.matching import Matcher

    df["towngas_production_kgco2e"] = 0.0
    df["towngas_production_factor"] = ""
    rows = (df["status"].to_numpy() == "assessed") & df["item"].eq("towngas").to_numpy() & (
        df["activity"].eq("stationary_combustion").to_numpy())
    if not rows.any():
        return []
    matcher = Matcher(library)
    g = gwp_table(str(df["gwp_set"].iloc[0]))
    findings = []
    sub = df.loc[rows, ["region", "_date", "unit_expr", "quantity"]]
    for (region, date, unit), group in sub.groupby(["region", "_date", "unit_expr"],
                                                   dropna=False, sort=False):
        res = matcher.resolve("purchased_towngas", "towngas", region, "",
                              None if date != date else date, unit, None)
        if res.factor_index is None:
            findings.append(error(
                "hk-epd-factor-missing",
                "Towngas bought counts twice under the HK EPD/EMSD guidelines: its combustion "
                "in Scope 1 and its production by the supplier in Scope 2. No factor for "
                "Towngas production (activity purchased_towngas, item towngas, per "
                f"towngas_unit) is loaded, so Scope 2 leaves it out ({len(group)} rows); fill "
                f"row hk_epd.towngas.production of `{TEMPLATE_COMMAND}`.",
                row_location(df, group.index[0], tables, "item")))
            continue
        fac = matcher.records[res.factor_index]
        per_unit = (fac["co2_fossil"] + fac["ch4_fossil"] * g.ch4_fossil
                    + fac["ch4_nonfossil"] * g.ch4_nonfossil + fac["n2o"] * g.of("N2O")
                    + fac["co2e_unsplit"])
        df.loc[group.index, "towngas_production_kgco2e"] = (
            group["quantity"].to_numpy(dtype=float) * res.multiplier * per_unit)
        df.loc[group.index, "towngas_production_factor"] = fac["id"]
        for severity, code, msg in res.notes:
            findings.append({"info": info, "warning": warning}.get(severity, warning)(
                code, msg, row_location(df, group.index[0], tables, "item")))
    return findings


def _missing(df, library, tables) -> list:
    """One finding per guideline factor a rejected row needed and no loaded set has."""
    from carbonaudit.inventory.activity import row_location

    have = set(zip(library.factors["activity"], library.factors["item"], strict=True))
    rejected = df[df["status"].to_numpy() == "rejected"]
    rejected = rejected[rejected["activity"].notna() & rejected["item"].ne("")]
    out = []
    for (activity, item), group in rejected.groupby(["activity", "item"], sort=False):
        if (activity, item) in have:
            continue
        slot = _SLOTS.get((activity, item))
        what = (f"{slot.label_en} ({slot.label_zh}), row {slot.id} of `{TEMPLATE_COMMAND}`"
                if slot else f"{activity} of {item}: add it to your factor file")
        out.append(error(
            "hk-epd-factor-missing",
            f"The HK EPD/EMSD guideline factor for {activity} of {item} is not shipped (its "
            f"appendix value could not be verified) and your factor files do not give it "
            f"({len(group)} rows rejected): {what}.",
            row_location(df, group.index[0], tables, "item")))
    return out


def breakdown(ok, a) -> dict:
    """Scopes 1-3 as the guidelines group them, with the Towngas production part."""
    from carbonaudit.inventory.sums import f, total

    def by(*activities, scope=None):
        sel = ok[ok["activity"].isin(activities)]
        return total(sel if scope is None else sel[sel["scope"] == scope], "co2e_kg")

    res = a.results
    assessed = res[res["status"].to_numpy() == "assessed"]
    tg = (assessed[assessed["towngas_production_factor"].ne("")]
          if "towngas_production_factor" in assessed.columns else assessed.iloc[:0])
    production = f(tg["towngas_production_kgco2e"].sum()) if len(tg) else 0.0
    paper = total(ok[(ok["activity"] == "waste") & ok["item"].str.startswith("paper")],
                  "co2e_kg")
    return {
        "scope_1_kgco2e": {
            "stationary_combustion": by("stationary_combustion", scope=1),
            "mobile_combustion": by("mobile_combustion", scope=1),
            "refrigerants": by("fugitive", scope=1),
            "process": by("process", scope=1),
        },
        "scope_2_kgco2e": {
            "electricity": by("purchased_electricity", scope=2),
            "towngas_production": production,
            "other_energy": by("purchased_heat", "purchased_steam", "purchased_cooling",
                               scope=2),
        },
        "scope_3_kgco2e": {
            "paper_waste": paper,
            "fresh_water_and_sewage": by("water", scope=3),
            "business_travel": by("business_travel", scope=3),
            "other": f(total(ok[ok["scope"] == 3], "co2e_kg") - by("water", scope=3)
                       - by("business_travel", scope=3) - paper),
        },
        "towngas_production": {
            "kgco2e": production, "rows": int(tg["_n"].sum()) if len(tg) else 0,
            "factor_ids": sorted(set(tg["towngas_production_factor"])) if len(tg) else [],
        },
        "notes": [
            "Scope 1 and Scope 2 must be reported; Scope 3 is optional.",
            "Towngas bought: combustion in Scope 1, production by the supplier in Scope 2 "
            "(included in totals_kgco2e.scope_2_location and scope_2_market; not in by_site "
            "or by_month, which are sums of rows).",
            "The guideline's appendix factors are not shipped; each one used comes from the "
            "factor files listed in factor_sets.",
        ],
    }


def adjust_totals(out: dict, a) -> None:
    """Add Towngas production to Scope 2 (both bases: it is not a grid purchase)."""
    res = a.results
    if "towngas_production_kgco2e" not in res.columns:
        return
    assessed = res["status"].to_numpy() == "assessed"
    extra = float(res.loc[assessed, "towngas_production_kgco2e"].sum())
    out["scope_2_location"] += extra
    out["scope_2_market"] += extra
