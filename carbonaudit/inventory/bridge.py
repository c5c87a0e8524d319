"""Bridge an activity unit to a factor's unit through fuel properties, on the factor's basis.

Litres of diesel reach a per-TJ IPCC factor through a density and a net calorific value;
gallons reach a per-mmBtu EPA factor through EPA's gross heat content per gallon.  A heating
value is only combined with a factor of the same basis (NCV with NCV, GCV with GCV): mixing
them is a 5-10 % error.  Only when no heating value of the factor's basis is known for the
fuel is one of the other basis converted with the fuel's NCV/GCV ratio (the IPCC convention,
a property row like any other), and the ratio is named in the lineage and in a finding.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from carbonaudit.factors.heating import RATIO_PROPERTY, heating_basis, other_basis
from carbonaudit.factors.units import display_unit, get_ureg


@dataclass(frozen=True)
class Bridge:
    """How one activity unit reaches one factor's unit: multiplier, lineage, property ids."""

    multiplier: float
    text: str
    ids: tuple[str, ...]
    notes: tuple[tuple[str, str, str], ...] = ()  # (severity, code, message)


class PropertyBridges:
    """The fuel properties by item, and the search through one or two of them."""

    def __init__(self, properties) -> None:
        self.props: dict[str, list[dict]] = {}
        self.ratios: dict[str, dict] = {}
        if not len(properties):
            return
        for r in properties.to_dict("records"):
            if not r.get("unit_expr") or r.get("value_f") != r.get("value_f"):
                continue
            r["basis"] = heating_basis(r.get("basis"))
            if r["property"] == RATIO_PROPERTY:
                self.ratios.setdefault(r["item"], r)
            else:
                self.props.setdefault(r["item"], []).append(r)

    def find(self, rec: dict, unit_expr: str) -> Bridge | None:
        """The first bridge from `unit_expr` to factor `rec`'s unit, or None."""
        props = self.props.get(rec["item"], [])
        if not props or not rec["unit_expr"]:
            return None
        basis = heating_basis(rec.get("basis"))
        usable = [p for p in props if not p["basis"] or not basis or p["basis"] == basis]
        found = _search(usable, unit_expr, rec["unit_expr"])
        if found:
            mult, steps = found
            notes = ()
            if not basis and any(p["basis"] for p, _ in steps):
                notes = ((
                    "warning", "heating-value-basis-unknown",
                    f"Factor {rec['id']} does not say whether its energy is net or gross "
                    f"(NCV or GCV); {_names(steps)} was used to convert {rec['item']} — state "
                    f"the factor's basis."),)
            return Bridge(mult, _text(unit_expr, steps, rec["unit"]), _ids(steps), notes)
        return self._other_basis(rec, unit_expr, props, basis)

    def _other_basis(self, rec: dict, unit_expr: str, props: list[dict], basis: str):
        """A heating value of the other basis, converted with the fuel's NCV/GCV ratio."""
        ratio = self.ratios.get(rec["item"])
        if basis not in ("NCV", "GCV") or ratio is None:
            return None
        other = other_basis(basis)
        usable = [p for p in props if p["basis"] in ("", other)]
        # Only physical quantity -> energy (a heating value multiplied in) can be re-based; a
        # heating value divided out would turn the user's own energy figure into mass.
        found = _search(usable, unit_expr, rec["unit_expr"], forward_energy=True)
        if not found:
            return None
        mult, steps = found
        r = float(ratio["value_f"])
        mult = mult / r if basis == "GCV" else mult * r
        op = "/" if basis == "GCV" else "x"
        text = _text(unit_expr, steps, rec["unit"], f" {op} {RATIO_PROPERTY} {ratio['value']} "
                     f"[{ratio['id']}]")
        note = ("info", "heating-value-converted",
                f"Factor {rec['id']} is per {basis} energy but only {_names(steps)} is known "
                f"for {rec['item']}; it was converted with NCV = {ratio['value']} x GCV "
                f"({ratio['id']}). A {basis} value for the fuel would be more exact.")
        return Bridge(mult, text, (*_ids(steps), ratio["id"]), (note,))


def _search(props: list[dict], unit_expr: str, target_expr: str, *,
            forward_energy: bool = False):
    """One property, then two, each multiplied or divided, until the dimensions match."""
    ureg = get_ureg()
    target = ureg.Quantity(1.0, target_expr).dimensionality
    start = ureg.Quantity(1.0, unit_expr)
    for n in (1, 2):
        for combo in itertools.permutations(props, n):
            for signs in itertools.product((1, -1), repeat=n):
                energy = [s for p, s in zip(combo, signs, strict=True) if p["basis"]]
                if forward_energy and (not energy or -1 in energy):
                    continue
                q = start
                for p, s in zip(combo, signs, strict=True):
                    pq = ureg.Quantity(p["value_f"], p["unit_expr"])
                    q = q * pq if s == 1 else q / pq
                if q.dimensionality == target:
                    return float(q.to(target_expr).magnitude), list(zip(combo, signs,
                                                                        strict=True))
    return None


def _text(unit_expr: str, steps, factor_unit: str, extra: str = "") -> str:
    body = " ".join(f"{'x' if s == 1 else '/'} {p['property']} {p['value']} {p['unit']} "
                    f"[{p['id']}]" for p, s in steps)
    return f"{display_unit(unit_expr)} {body}{extra} -> {factor_unit}"


def _ids(steps) -> tuple[str, ...]:
    return tuple(p["id"] for p, _ in steps)


def _names(steps) -> str:
    return " and ".join(f"{p['basis'] or p['property']} {p['id']}" for p, _ in steps
                        if p["basis"]) or "a heating value"
