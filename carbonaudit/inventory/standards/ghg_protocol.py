"""GHG Protocol Corporate Standard: scope totals, Scope 2 dual reporting, Scope 3 categories."""

from __future__ import annotations

from carbonaudit.inventory.sums import f as _f
from carbonaudit.inventory.sums import total as _sum

SCOPE3_LABELS = {
    1: "Purchased goods and services", 2: "Capital goods",
    3: "Fuel- and energy-related activities", 4: "Upstream transportation and distribution",
    5: "Waste generated in operations", 6: "Business travel", 7: "Employee commuting",
    8: "Upstream leased assets", 9: "Downstream transportation and distribution",
    10: "Processing of sold products", 11: "Use of sold products",
    12: "End-of-life treatment of sold products", 13: "Downstream leased assets",
    14: "Franchises", 15: "Investments",
}


def totals(ok) -> dict:
    """Scope 1, Scope 2 (both ways), Scope 3, and what is reported outside the scopes."""
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


def scope_2(ok) -> dict:
    """Scope 2 location- and market-based, with how many rows had a contractual factor.

    `ok` is the grouped assessed rows (summary.py): `_n` counts the rows of each group.
    """
    s2 = ok[ok["scope"] == 2]
    supplier = s2["market_basis"] == "supplier-specific"
    return {
        "location_based_kgco2e": _sum(s2, "co2e_kg"),
        "market_based_kgco2e": _sum(s2, "co2e_market_kg"),
        "rows_with_contractual_factor": int(s2.loc[supplier, "_n"].sum()),
        "rows_using_grid_average_for_market": int(s2.loc[~supplier, "_n"].sum()),
        "note": "Market-based uses each row's supplier or contractual factor where given; "
                "rows without one use the location-based grid factor, as disclosed here.",
    }


def by_scope3_category(ok) -> list[dict]:
    """Scope 3 kg CO2e per category 1-15 present in the rows."""
    s3 = ok[ok["scope"] == 3]
    sums = s3.groupby("scope3_category")["co2e_kg"].sum()
    return [{"category": int(c), "label": SCOPE3_LABELS[int(c)], "kgco2e": _f(v)}
            for c, v in sorted(sums.items())]
