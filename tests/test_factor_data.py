"""Integrity and arithmetic checks for the shipped emission-factor data files.

The files are read as plain CSV/JSON by path; the only carbonaudit import is used to locate
the package directory. Literal numbers below are copied from the cited documents (DOMAIN.md
section 5, IPCC 2006 Vol. 2, DESNZ 2025 and EPA hub 2025 publications) so that the data files
are checked against an independent statement of the same facts.
"""

from __future__ import annotations

import csv
import json
import math
import re
from datetime import date
from pathlib import Path

import globalwarmingpotentials as gwp
import pytest

import carbonaudit

FACTORS = Path(carbonaudit.__file__).parent / "factors"
DATA = FACTORS / "data"

COLUMNS = [
    "id",
    "activity",
    "item",
    "region",
    "sector",
    "valid_from",
    "valid_to",
    "vintage",
    "unit",
    "co2_fossil",
    "co2_biogenic",
    "ch4_fossil",
    "ch4_nonfossil",
    "n2o",
    "other_gas",
    "other_gas_kg",
    "co2e_unsplit",
    "co2e_unsplit_gwp",
    "basis",
    "scope",
    "scope3_category",
    "source",
    "edition",
    "licence",
    "status",
    "notes",
]
NUMERIC = [
    "co2_fossil",
    "co2_biogenic",
    "ch4_fossil",
    "ch4_nonfossil",
    "n2o",
    "other_gas_kg",
    "co2e_unsplit",
]
GAS_COLUMNS = [
    "co2_fossil",
    "co2_biogenic",
    "ch4_fossil",
    "ch4_nonfossil",
    "n2o",
    "other_gas_kg",
    "co2e_unsplit",
]
ACTIVITIES = {
    "stationary_combustion",
    "mobile_combustion",
    "process",
    "fugitive",
    "purchased_electricity",
    "purchased_heat",
    "purchased_steam",
    "purchased_cooling",
    "purchased_goods",
    "capital_goods",
    "fuel_energy_related",
    "upstream_transport",
    "waste",
    "water",
    "business_travel",
    "employee_commuting",
}
UNITS = {
    "TJ",
    "GJ",
    "MJ",
    "kWh",
    "MWh",
    "t",
    "kg",
    "short_ton",
    "L",
    "m3",
    "Nm3",
    "gal",
    "UK_gal",
    "mmBtu",
    "scf",
    "passenger_km",
    "passenger_mile",
    "vehicle_km",
    "vehicle_mile",
    "tonne_km",
    "short_ton_mile",
    "room_night",
    "towngas_unit",
}
STATUSES = {"verified", "derived", "unverified"}
SECTORS = {"", "energy", "manufacturing", "commercial", "residential"}
BASES = {"", "NCV", "GCV"}
ITEM_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
REGION_RE = re.compile(r"^(GLOBAL|[A-Z]{2}(-[A-Za-z0-9]+)?)$")


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


SETS = json.loads((FACTORS / "sets.json").read_text(encoding="utf-8"))
FACTOR_SETS = [s for s in SETS if s["kind"] == "factors"]


def _all_factor_rows() -> list[dict[str, str]]:
    rows = []
    for s in FACTOR_SETS:
        _, r = read_csv(FACTORS / s["file"])
        for row in r:
            rows.append({**row, "_set": s["name"]})
    return rows


ROWS = _all_factor_rows()
_, FUEL_PROPS = read_csv(DATA / "fuel_properties.csv")
_, BLENDS = read_csv(DATA / "refrigerant_blends.csv")
_, GWP_SUPP = read_csv(DATA / "gwp_supplement.csv")
AR = {"AR4": gwp.data["AR4GWP100"], "AR5": gwp.data["AR5GWP100"], "AR6": gwp.data["AR6GWP100"]}


def one(**match: str) -> dict[str, str]:
    hits = [r for r in ROWS if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, [h["id"] for h in hits])
    return hits[0]


def prop(item: str, name: str) -> float:
    hits = [p for p in FUEL_PROPS if p["item"] == item and p["property"] == name]
    assert len(hits) == 1, (item, name)
    return float(hits[0]["value"])


def blend_gwp(blend: str, ar: str) -> float:
    return sum(
        float(b["mass_fraction"]) * AR[ar][b["component"]] for b in BLENDS if b["blend"] == blend
    )


# ------------------------------------------------------------------ structure


def test_sets_json_lists_existing_files():
    kinds = {s["kind"] for s in SETS}
    assert kinds == {"factors", "properties", "blends", "gwp"}
    names = [s["name"] for s in SETS]
    assert len(names) == len(set(names))
    for s in SETS:
        for key in (
            "name",
            "file",
            "title",
            "publisher",
            "edition",
            "licence",
            "description",
            "kind",
        ):
            assert s.get(key), (s.get("name"), key)
        assert (FACTORS / s["file"]).is_file(), s["file"]
    for expected in (
        "ipcc2006",
        "us_epa_hub",
        "uk_desnz",
        "hk_utilities",
        "cn_mee",
        "materials",
        "process_stoichiometric",
    ):
        assert expected in names


@pytest.mark.parametrize("name", [s["name"] for s in FACTOR_SETS])
def test_factor_columns_exact_order(name):
    header, rows = read_csv(DATA / f"{name}.csv")
    assert header == COLUMNS
    assert rows, name


def test_ids_unique_across_sets():
    ids = [r["id"] for r in ROWS] + [p["id"] for p in FUEL_PROPS]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes


def test_no_duplicate_lookup_keys():
    keys = [
        (r["activity"], r["item"], r["region"], r["sector"], r["valid_from"], r["unit"])
        for r in ROWS
    ]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes


def test_row_values_are_well_formed():
    for r in ROWS:
        rid = r["id"]
        assert r["activity"] in ACTIVITIES, rid
        assert ITEM_RE.match(r["item"]), rid
        assert REGION_RE.match(r["region"]), rid
        assert r["sector"] in SECTORS, rid
        if r["sector"]:
            assert r["activity"] == "stationary_combustion", rid
        assert r["unit"] in UNITS, (rid, r["unit"])
        assert r["basis"] in BASES, rid
        assert r["source"].strip() and r["licence"].strip(), rid
        assert r["status"] in STATUSES, rid
        for col in ("valid_from", "valid_to"):
            if r[col]:
                date.fromisoformat(r[col])
        if r["vintage"]:
            assert 1990 <= int(r["vintage"]) <= 2100, rid
        if r["valid_from"] and r["vintage"]:
            assert int(r["valid_from"][:4]) >= int(r["vintage"]), rid
        for col in NUMERIC:
            if r[col]:
                assert math.isfinite(float(r[col])) and float(r[col]) >= 0, (rid, col)
        assert any(r[c] for c in GAS_COLUMNS), rid
        if r["co2e_unsplit"]:
            assert r["co2e_unsplit_gwp"], rid
        if r["other_gas"]:
            assert r["other_gas_kg"], rid
        if r["scope"]:
            assert r["scope"] in {"1", "2", "3"}, rid
        if r["scope3_category"]:
            assert 1 <= int(r["scope3_category"]) <= 15, rid


def test_reference_ids_carried_over():
    ids = {r["id"] for r in ROWS}
    for rid in (
        "ipcc2006.sc.natural_gas.tj",
        "ipcc2006.sc_commercial.lpg.tj",
        "ipcc2006.mob.cng_road.tj",
        "epa_hub.natural_gas",
        "hk.hkelectric.2019",
        "cn.mee_nbs.2023.national_avg",
        "uk.desnz.2025.air.longhaul.economy.rf",
        "stoich.process.caco3",
    ):
        assert rid in ids
    # skipped on purpose: GWP rows, CBAM rows, derived per-tonne IPCC rows, energy-intensity rows
    assert not any(i.startswith(("gwp.", "eu_cbam.", "hk.wsd.", "hk.dsd.")) for i in ids)
    assert not any(i.startswith("ipcc2006.") and i.endswith(".t") for i in ids)


def test_reference_flags_ship_unverified():
    flagged = [
        "uk.desnz.2024.grid_electricity",
        "uk.desnz.2024.natural_gas_kwh_gross",
        "cn.mee.grid_avg_2022_ets",
        "cn.mee_nbs.power_avg_2021",
        "cn.mee_nbs.power_avg_2022",
        "worldsteel.2023.global_avg_crude_steel",
        "iai.2022.primary_aluminium_global",
        "hk.clp.2019.co2_per_kwh_sold",
        "cn.mee_nbs.2022.region.south",
    ]
    for rid in flagged:
        assert one(id=rid)["status"] == "unverified", rid


def test_fugitive_rows_are_unit_mass_balance():
    expected = {
        "r410a": "R410A",
        "r404a": "R404A",
        "r407c": "R407C",
        "r32": "HFC32",
        "r134a": "HFC134a",
        "r22": "HCFC22",
        "sf6": "SF6",
    }
    for item, gas in expected.items():
        r = one(activity="fugitive", item=item, region="GLOBAL", unit="kg")
        assert (
            r["other_gas"] == gas and float(r["other_gas_kg"]) == 1.0 and r["status"] == "verified"
        )


def test_other_gas_is_known_species_or_blend():
    species = set(gwp.data["AR6GWP100"])
    blends = {b["blend"] for b in BLENDS}
    for r in ROWS:
        if r["other_gas"]:
            assert r["other_gas"] in species or r["other_gas"] in blends, r["id"]


# ------------------------------------------------------------------ blends and GWPs


def test_blend_file_and_fractions():
    header, _ = read_csv(DATA / "refrigerant_blends.csv")
    assert header == ["blend", "component", "mass_fraction", "source", "status"]
    species = set(gwp.data["AR6GWP100"])
    totals: dict[str, float] = {}
    for b in BLENDS:
        assert b["component"] in species, b
        assert b["status"] in STATUSES and b["source"]
        totals[b["blend"]] = totals.get(b["blend"], 0.0) + float(b["mass_fraction"])
    assert set(totals) == {"R410A", "R404A", "R407C"}
    for blend, total in totals.items():
        assert total == pytest.approx(1.0, abs=1e-9), blend


@pytest.mark.parametrize(
    ("blend", "ar", "expected"),
    [  # DOMAIN.md section 5 GWP100 table
        ("R410A", "AR4", 2087.5),
        ("R410A", "AR5", 1923.5),
        ("R410A", "AR6", 2255.5),
        ("R404A", "AR4", 3921.6),
        ("R404A", "AR5", 3942.8),
        ("R404A", "AR6", 4728.0),
        ("R407C", "AR4", 1773.85),
        ("R407C", "AR5", 1624.21),
        ("R407C", "AR6", 1907.93),
    ],
)
def test_blend_gwp_matches_domain_table(blend, ar, expected):
    assert blend_gwp(blend, ar) == pytest.approx(expected, abs=0.006)


def test_gwp_supplement_only_adds_missing_species():
    header, _ = read_csv(DATA / "gwp_supplement.csv")
    assert header == ["gwp_set", "species", "value", "source", "status"]
    values = {(g["gwp_set"], g["species"]): float(g["value"]) for g in GWP_SUPP}
    assert values == {("AR6GWP100", "CH4_fossil"): 29.8, ("AR6GWP100", "CH4_nonfossil"): 27.0}
    for g in GWP_SUPP:
        assert g["species"] not in gwp.data[g["gwp_set"]]
    # the package's generic AR6 methane is the 27.9 quoted in DOMAIN.md
    assert gwp.data["AR6GWP100"]["CH4"] == pytest.approx(27.9)


# ------------------------------------------------------------------ fuel properties


def test_fuel_properties_structure():
    header, _ = read_csv(DATA / "fuel_properties.csv")
    assert header == [
        "id",
        "item",
        "property",
        "value",
        "unit",
        "basis",
        "source",
        "licence",
        "status",
        "notes",
    ]
    units = {"ncv": {"GJ/t", "MJ/Nm3"}, "gcv": {"mmBtu/gal", "mmBtu/scf", "mmBtu/short_ton"},
             "density": {"kg/L", "kg/m3"}, "ncv_per_gcv": {"GJ/GJ"}}
    basis = {"ncv": "NCV", "gcv": "GCV", "density": "", "ncv_per_gcv": ""}
    for p in FUEL_PROPS:
        assert p["property"] in units
        assert p["source"] and p["licence"] and p["status"] in STATUSES, p["id"]
        assert float(p["value"]) > 0
        assert p["unit"] in units[p["property"]]
        assert p["basis"] == basis[p["property"]], p["id"]  # a heating value names its basis
        if p["status"] != "verified":
            assert p["notes"], p["id"]
    for item in ("diesel", "gasoline", "lpg", "kerosene", "jet_kerosene", "fuel_oil"):
        assert 0.45 < prop(item, "density") < 1.0, item


def test_every_ipcc_item_has_an_ncv():
    for r in ROWS:
        if r["_set"] == "ipcc2006":
            assert prop(r["item"], "ncv") > 0, r["item"]


@pytest.mark.parametrize(
    ("item", "ncv", "co2_per_tj", "co2_per_t"),
    [  # DOMAIN.md section 5 (NCV TJ/Gg, CO2 kg/TJ); per-tonne products as in starter_factors.csv
        ("natural_gas", 48.0, 56100, 2692.8),
        ("diesel", 43.0, 74100, 3186.3),
        ("gasoline", 44.3, 69300, 3069.99),
        ("lpg", 47.3, 63100, 2984.63),
        ("fuel_oil", 40.4, 77400, 3126.96),
        ("jet_kerosene", 44.1, 71500, 3153.15),
        ("coal_bituminous", 25.8, 94600, 2440.68),
        ("coal_sub_bituminous", 18.9, 96100, 1816.29),
        ("anthracite", 26.7, 98300, 2624.61),
        ("coking_coal", 28.2, 94600, 2667.72),
        ("coke", 28.2, 107000, 3017.4),
        ("lignite", 11.9, 101000, 1201.9),
        ("petroleum_coke", 32.5, 97500, 3168.75),
    ],
)
def test_ipcc_per_tonne_bridge(item, ncv, co2_per_tj, co2_per_t):
    assert prop(item, "ncv") == pytest.approx(ncv)
    for sector in ("energy", "manufacturing", "commercial", "residential"):
        r = one(
            activity="stationary_combustion", item=item, region="GLOBAL", sector=sector, unit="TJ"
        )
        assert float(r["co2_fossil"]) == co2_per_tj
        assert r["basis"] == "NCV"
    # kg CO2/TJ x GJ/t / 1000 GJ per TJ = kg CO2 per tonne of fuel
    assert co2_per_tj * prop(item, "ncv") / 1000 == pytest.approx(co2_per_t, rel=1e-9)


@pytest.mark.parametrize(
    ("family_item", "energy", "manufacturing", "commercial", "residential"),
    [  # (CH4, N2O) kg/TJ: DOMAIN.md section 5 for E/M/C; residential per IPCC Table 2.5
        ("natural_gas", (1, 0.1), (1, 0.1), (5, 0.1), (5, 0.1)),
        ("diesel", (3, 0.6), (3, 0.6), (10, 0.6), (10, 0.6)),
        ("coal_bituminous", (1, 1.5), (10, 1.5), (10, 1.5), (300, 1.5)),
    ],
)
def test_ipcc_sector_non_co2(family_item, energy, manufacturing, commercial, residential):
    for sector, (ch4, n2o) in zip(
        ("energy", "manufacturing", "commercial", "residential"),
        (energy, manufacturing, commercial, residential),
        strict=True,
    ):
        r = one(
            activity="stationary_combustion",
            item=family_item,
            region="GLOBAL",
            sector=sector,
            unit="TJ",
        )
        assert float(r["ch4_fossil"]) == ch4 and float(r["n2o"]) == n2o


def test_ipcc_starter_co2e_reproduced_with_ar6_split():
    # starter_factors.csv natural gas (manufacturing): 56 157.1 kg CO2e/TJ
    # with CH4 fossil 29.8 and N2O 273 (AR6)
    r = one(id="ipcc2006.sc.natural_gas.tj")
    co2e = float(r["co2_fossil"]) + 29.8 * float(r["ch4_fossil"]) + 273 * float(r["n2o"])
    assert co2e == pytest.approx(56157.1)
    r = one(id="ipcc2006.mob.cng_road.tj")
    co2e = float(r["co2_fossil"]) + 29.8 * float(r["ch4_fossil"]) + 273 * float(r["n2o"])
    assert co2e == pytest.approx(59660.6)


# ------------------------------------------------------------------ published totals


@pytest.mark.parametrize(
    ("rid", "published_co2e"),
    [  # DESNZ 2025 published kg CO2e per unit (AR5: CH4 28, N2O 265)
        ("uk.desnz.2025.air.longhaul.economy.rf", 0.11704),
        ("uk.desnz.2025.air.shorthaul.economy.norf", 0.07435),
        ("uk.desnz.2025.freight.hgv_diesel.all.avg_laden", 0.10163),
        ("uk.desnz.2025.rail.national_rail", 0.03546),
        ("uk.desnz.2025.td.uk_electricity", 0.01853),
    ],
)
def test_desnz_split_recombines_to_published_total(rid, published_co2e):
    r = one(id=rid)
    co2e = float(r["co2_fossil"]) + 28 * float(r["ch4_fossil"]) + 265 * float(r["n2o"])
    assert co2e == pytest.approx(published_co2e, abs=2e-5)
    assert r["co2e_unsplit"] == ""


@pytest.mark.parametrize(
    ("rid", "co2_kg", "ch4_g", "n2o_g"),
    [  # EPA hub 2025 Table 10 / Table 8 (CO2 kg, CH4 g, N2O g per unit)
        ("us.epa_hub.2025.air.short_haul", 0.207, 0.0064, 0.0066),
        ("us.epa_hub.2025.air.long_haul", 0.163, 0.0006, 0.0052),
        ("us.epa_hub.2025.freight.truck_mhd.ton_mile", 0.186, 0.0016, 0.0054),
    ],
)
def test_epa_gas_masses(rid, co2_kg, ch4_g, n2o_g):
    r = one(id=rid)
    assert float(r["co2_fossil"]) == pytest.approx(co2_kg)
    assert float(r["ch4_fossil"]) == pytest.approx(ch4_g / 1000)
    assert float(r["n2o"]) == pytest.approx(n2o_g / 1000)


def test_epa_waste_is_kg_per_short_ton():
    # hub Table 9: mixed MSW landfilled 0.58 t CO2e per short ton
    r = one(id="us.epa_hub.2025.waste.mixed_msw.landfilled")
    assert r["unit"] == "short_ton" and float(r["co2e_unsplit"]) == pytest.approx(0.58 * 1000)
    assert r["co2e_unsplit_gwp"] == "AR4"


def test_china_2023_national_factor_change():
    # MEE/NBS 2023 annex: national average 0.5306, down 1.1% on 2022's 0.5366
    new = float(one(id="cn.mee_nbs.2023.national_avg")["co2_fossil"])
    old = float(one(id="cn.mee_nbs.power_avg_2022")["co2_fossil"])
    assert new == 0.5306 and old == 0.5366
    assert round((new / old - 1) * 100, 1) == -1.1


def test_grid_rows_per_region():
    assert (
        float(
            one(
                activity="purchased_electricity",
                item="grid",
                region="HK-HKE",
                valid_from="2019-01-01",
            )["co2e_unsplit"]
        )
        == 0.81
    )
    assert (
        float(
            one(activity="purchased_electricity", item="grid", region="HK", valid_from="")[
                "co2e_unsplit"
            ]
        )
        == 0.7
    )
    assert (
        float(one(activity="purchased_electricity", item="grid", region="HK-CLP")["co2_fossil"])
        == 0.49
    )


@pytest.mark.parametrize(
    ("item", "carbonate_molar_mass", "co2_per_mol"),
    [  # standard atomic weights: C 12.011, O 15.999, Ca 40.078, Mg 24.305, Na 22.990, Fe 55.845
        ("caco3", 40.078 + 12.011 + 3 * 15.999, 1),
        ("mgco3", 24.305 + 12.011 + 3 * 15.999, 1),
        ("dolomite", 40.078 + 24.305 + 2 * (12.011 + 3 * 15.999), 2),
        ("na2co3", 2 * 22.990 + 12.011 + 3 * 15.999, 1),
        ("feco3", 55.845 + 12.011 + 3 * 15.999, 1),
    ],
)
def test_stoichiometric_process_factors(item, carbonate_molar_mass, co2_per_mol):
    co2 = 12.011 + 2 * 15.999
    expected = co2_per_mol * co2 / carbonate_molar_mass * 1000  # kg CO2 per t carbonate
    r = one(activity="process", item=item, region="GLOBAL", unit="t")
    assert float(r["co2_fossil"]) == pytest.approx(expected, rel=0.005)
