"""Claimed against recalculated, item by item, and which rows each item covers.

The recalculated figures are the inventory document's (so verification.json and
inventory.json cannot disagree); the row masks say which rows make an item up and which
rejected rows might belong to it.  A rejected row whose scope or site is unknown could be in
any item that its known attributes do not rule out, so such an item cannot be recalculated:
a scope limitation, never a silently smaller total.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonaudit.audit.claims import Claim

LABELS = {
    "total": "Total (Scope 1 + Scope 2 location-based + Scope 3)",
    "total_market": "Total (Scope 1 + Scope 2 market-based + Scope 3)",
    "scope_1": "Scope 1", "scope_2_location": "Scope 2 (location-based)",
    "scope_2_market": "Scope 2 (market-based)", "scope_3": "Scope 3",
}
NO_SITE = "(no site)"


@dataclass
class Reconciled:
    """One claimed item against its recalculation."""

    claim: Claim
    label: str
    recalculated_kg: float
    rows: int            # assessed rows in the item
    rejected_rows: int   # rejected rows that may belong to it
    note: str = ""

    @property
    def difference_kg(self) -> float:
        """Claimed minus recalculated: positive when the claim overstates."""
        return self.claim.claimed_kg - self.recalculated_kg

    @property
    def pct_of_claimed(self) -> float | None:
        c = self.claim.claimed_kg
        return None if c == 0 else self.difference_kg / c * 100.0

    @property
    def limited(self) -> bool:
        """Whether the item cannot be recalculated in full (rows rejected)."""
        return self.rejected_rows > 0


def item_mask(frame, kind: str, key=None, *, rejected: bool = False):
    """Boolean rows of `frame` in an item: assessed rows (or, with rejected=True, the
    rejected rows that may belong to it because what would exclude them is unknown)."""
    import numpy as np

    want = (frame["status"] == ("rejected" if rejected else "assessed")).to_numpy(dtype=bool)
    scope = frame["scope"].to_numpy(dtype=float, na_value=np.nan)
    cat = frame["scope3_category"].to_numpy(dtype=float, na_value=np.nan)
    unknown = np.isnan(scope) if rejected else np.zeros(len(frame), dtype=bool)
    if kind in ("total", "total_market"):
        hit = np.isin(scope, (1.0, 2.0, 3.0)) | unknown
    elif kind == "scope_1":
        hit = (scope == 1) | unknown
    elif kind in ("scope_2_location", "scope_2_market"):
        hit = (scope == 2) | unknown
    elif kind == "scope_3":
        hit = (scope == 3) | unknown
    elif kind == "scope_3_category":
        cat_ok = (cat == key) | (np.isnan(cat) if rejected else False)
        hit = ((scope == 3) & cat_ok) | unknown
    elif kind == "site":
        site = frame["site"].astype(str).to_numpy()
        site = np.where(site == "", NO_SITE, site)
        hit = site == key
    else:
        raise ValueError(f"unknown item kind {kind!r}")
    return want & hit


def recalculated(doc: dict, claim: Claim) -> tuple[float, str]:
    """The inventory document's figure for a claimed item, and a note when it is absent."""
    t = doc["totals_kgco2e"]
    if claim.kind == "total":
        return t["scope_1"] + t["scope_2_location"] + t["scope_3"], ""
    if claim.kind == "total_market":
        return t["scope_1"] + t["scope_2_market"] + t["scope_3"], ""
    if claim.kind in t:
        return t[claim.kind], ""
    if claim.kind == "scope_3_category":
        for c in doc["by_scope3_category"]:
            if c["category"] == claim.key:
                return c["kgco2e"], ""
        return 0.0, f"no assessed row is in Scope 3 category {claim.key}"
    for s in doc["by_site"]:
        if s["site"] == claim.key:
            return s["scope_1"] + s["scope_2_location"] + s["scope_3"], ""
    names = ", ".join(s["site"] for s in doc["by_site"]) or "none"
    return 0.0, f"no assessed row has site {claim.key!r} (sites: {names})"


def reconcile(claims: list[Claim], doc: dict, frame) -> list[Reconciled]:
    """Every claim against the recalculated inventory, in the order claimed."""
    out = []
    for c in claims:
        value, note = recalculated(doc, c)
        label = LABELS.get(c.kind) or (f"Scope 3 category {c.key}" if c.kind ==
                                       "scope_3_category" else f"Site {c.key}")
        out.append(Reconciled(
            c, label, value, int(item_mask(frame, c.kind, c.key).sum()),
            int(item_mask(frame, c.kind, c.key, rejected=True).sum()), note))
    return out
