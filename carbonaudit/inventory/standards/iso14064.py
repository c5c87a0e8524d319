"""ISO 14064-1:2018: emissions by category 1-6."""

from __future__ import annotations

from carbonaudit.inventory.sums import f as _f

ISO_LABELS = {
    1: "Direct GHG emissions and removals",
    2: "Indirect GHG emissions from imported energy",
    3: "Indirect GHG emissions from transportation",
    4: "Indirect GHG emissions from products used by the organisation",
    5: "Indirect GHG emissions associated with the use of products from the organisation",
    6: "Indirect GHG emissions from other sources",
}


def by_category(ok) -> list[dict]:
    """kg CO2e per ISO 14064-1 category present in the rows."""
    sums = ok.groupby("iso_category")["co2e_kg"].sum()
    return [{"category": int(c), "label": ISO_LABELS[int(c)], "kgco2e": _f(v)}
            for c, v in sorted(sums.items())]
