"""Match activity rows to emission factors, once per distinct key, never once per row.

A key is (activity, item, region, sector, date, unit, factor_id).  For each key the rules
are: an explicit factor_id wins; otherwise the factor of the same activity and item whose
region is the row's region or its nearest parent (HK-CLP -> HK -> GLOBAL), whose validity
covers the row's date, user factors before shipped ones and the newest vintage first; the
activity unit converts to the factor unit directly or through the item's fuel properties
(density, and a heating value of the factor's own basis: see bridge.py), each property used
recorded in the lineage.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field

from carbonaudit.factors.units import conversion_factor, convertible, display_unit
from carbonaudit.inventory.bridge import PropertyBridges


@dataclass(frozen=True)
class Resolution:
    """Outcome for one key: a factor and a multiplier, or a failure code and message."""

    factor_index: int | None = None
    multiplier: float = float("nan")
    conversion: str = ""
    properties: tuple[str, ...] = ()
    code: str | None = None
    message: str = ""
    notes: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)  # (severity, code, msg)


def region_chain(region: str) -> list[str]:
    """`HK-CLP` -> [HK-CLP, HK, GLOBAL]; blank -> [GLOBAL]."""
    chain = []
    r = region.strip().upper()
    while r:
        chain.append(r)
        r = r.rpartition("-")[0]
    chain.append("GLOBAL")
    return chain


class Matcher:
    """Index of the factor table by (activity, item) for fast per-key resolution."""

    def __init__(self, library) -> None:
        self.lib = library
        f = library.factors
        self.records = f.to_dict("records")
        self.by_key: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(self.records):
            self.by_key.setdefault((r["activity"], r["item"]), []).append(i)
        self.by_id = {r["id"]: i for i, r in enumerate(self.records)}
        self.items_by_activity: dict[str, set[str]] = {}
        for a, it in self.by_key:
            self.items_by_activity.setdefault(a, set()).add(it)
        self.bridges = PropertyBridges(library.properties)

    # ------------------------------------------------------------------ resolution
    def resolve(self, activity, item, region, sector, date, unit_expr, factor_id) -> Resolution:
        """Resolve one key; `date` may be a date, a Timestamp or None."""
        if date is not None:
            import pandas as pd

            date = pd.Timestamp(date)
        if factor_id:
            return self._pinned(activity, factor_id, date, unit_expr)
        cands = self.by_key.get((activity, item), [])
        if not cands:
            return Resolution(code="no-factor", message=self._nearest(activity, item, region))
        notes: list[tuple[str, str, str]] = []
        chain = region_chain(region or "")
        for r in chain:
            here = [i for i in cands if self.records[i]["region"] == r]
            if here:
                break
        else:
            regions = sorted({self.records[i]["region"] for i in cands})
            where = f"region {region}" if region else "no region"
            return Resolution(code="no-factor", message=(
                f"No {activity} factor for {item} in {where}; factors exist for "
                f"{', '.join(regions)} — set the region column or pin a factor_id."))
        if r != (region or "GLOBAL").upper() and region:
            notes.append(("info", "factor-region-fallback",
                          f"No {item} factor for region {region}; the {r} factor is used."))
        here = self._by_sector(here, sector)
        valid = [i for i in here if self._valid(i, date)]
        if not valid:
            spans = "; ".join(f"{self.records[i]['id']} ({self._span(i)})" for i in here[:5])
            return Resolution(code="no-factor-for-period", message=(
                f"No {item} factor in {r} is valid for {date:%Y-%m-%d}; candidates: {spans}."))
        return self._pick(valid, unit_expr, date, notes)

    def _pinned(self, activity, factor_id, date, unit_expr) -> Resolution:
        i = self.by_id.get(factor_id)
        if i is None:
            close = difflib.get_close_matches(factor_id, list(self.by_id), n=3, cutoff=0.5)
            hint = f" (nearest: {', '.join(close)})" if close else ""
            return Resolution(code="unknown-factor-id",
                              message=f"Factor id {factor_id!r} is not in the loaded sets{hint}.")
        rec = self.records[i]
        notes = []
        if activity and rec["activity"] != activity:
            notes.append(("warning", "factor-activity-mismatch",
                          f"The pinned factor {factor_id} is for {rec['activity']}, "
                          f"not {activity}."))
        if not self._valid(i, date):
            notes.append(("warning", "factor-out-of-period",
                          f"The pinned factor {factor_id} is valid {self._span(i)}, which does "
                          f"not cover {date:%Y-%m-%d}."))
        return self._pick([i], unit_expr, date, notes)

    def _by_sector(self, cands: list[int], sector: str) -> list[int]:
        with_sector = [i for i in cands if self.records[i]["sector"]]
        if not with_sector:
            return cands
        same = [i for i in with_sector if self.records[i]["sector"] == sector]
        return same or [i for i in cands if not self.records[i]["sector"]] or with_sector

    def _valid(self, i: int, date) -> bool:
        if date is None:
            return True
        rec = self.records[i]
        vf, vt = rec["valid_from"], rec["valid_to"]
        if vf == vf and vf is not None and date < vf:
            return False
        return not (vt == vt and vt is not None and date > vt)

    def _span(self, i: int) -> str:
        rec = self.records[i]
        vf, vt = rec["valid_from"], rec["valid_to"]
        start = f"from {vf:%Y-%m-%d}" if vf == vf and vf is not None else "from the start"
        end = f"to {vt:%Y-%m-%d}" if vt == vt and vt is not None else "until superseded"
        return f"valid {start} {end}"

    def _pick(self, cands: list[int], unit_expr: str, date, notes) -> Resolution:
        def order(i):
            vf = self.records[i]["valid_from"]
            stamp = vf.value if vf == vf and vf is not None else -(2**62)
            return (self.records[i]["rank"], -stamp)

        ranked = sorted(cands, key=order)
        for _, group in itertools.groupby(ranked, key=order):
            group = list(group)
            for i in group:
                fu = self.records[i]["unit_expr"]
                if fu and convertible(unit_expr, fu):
                    return self._done(i, conversion_factor(unit_expr, fu), (), date, notes,
                                      unit_expr)
            for i in group:
                bridged = self.bridges.find(self.records[i], unit_expr)
                if bridged:
                    return self._done(i, bridged.multiplier, bridged.ids, date,
                                      [*notes, *bridged.notes], unit_expr, bridged.text)
        rec = self.records[ranked[0]]
        return Resolution(code="unit-mismatch", message=(
            f"The unit {display_unit(unit_expr)} cannot be converted to {rec['unit']} (factor "
            f"{rec['id']}) and "
            f"no density or heating value is known for {rec['item']}; give the quantity in "
            f"{rec['unit']} or pin a factor with a matching unit."))

    def _done(self, i, mult, ids, date, notes, unit_expr, text="") -> Resolution:
        rec = self.records[i]
        notes = list(notes)
        vint = rec["vintage"]
        if date is not None and vint == vint and vint is not None and int(vint) < date.year:
            notes.append(("warning", "factor-vintage-older",
                          f"Factor {rec['id']} is from {int(vint)}; no newer vintage is loaded "
                          f"for {date.year} — supply the current factor if one is published."))
        if rec["status"] == "unverified":
            notes.append(("warning", "unverified-factor",
                          f"Factor {rec['id']} is marked unverified: its value could not be "
                          f"checked against the primary source; see `carbonaudit factors "
                          f"show {rec['id']}`."))
        conv = text or (f"{display_unit(unit_expr)} -> {display_unit(rec['unit_expr'])} "
                        f"x{mult:.10g}"
                        if unit_expr != rec["unit_expr"] else "")
        return Resolution(factor_index=i, multiplier=mult, conversion=conv, properties=ids,
                          notes=tuple(notes))

    def _nearest(self, activity, item, region) -> str:
        items = sorted(self.items_by_activity.get(activity, set()))
        close = difflib.get_close_matches(item, items, n=3, cutoff=0.4)
        near = close or items[:5]
        if not items:
            return f"No factor is loaded for activity {activity}."
        return (f"No {activity} factor for item {item!r}; nearest candidates: "
                f"{', '.join(near)}.")
