"""The accounting standards `assess --standard` selects, and what each changes in a run.

A standard decides which factor sets are loaded (when the configuration names none), may
adjust the checked rows before factors are matched (a default region, the grid factor the
engagement uses), may complete the computed rows afterwards (GB/T 32150 deducts exported
energy; the HK EPD/EMSD guidelines add Towngas production to Scope 2), and adds its own
breakdown to the inventory document.  The engine calls the three hooks below; each
standard's rules live in its own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carbonaudit.errors import UsageError

STANDARDS = ("ghg-protocol", "iso14064", "gbt32150", "hk-epd")
GRID_FACTORS = ("mee", "ets")


@dataclass(frozen=True)
class Method:
    """One standard: its title, its factor sets, and the module holding its rules."""

    name: str
    title: str
    factor_sets: tuple[str, ...] | None  # None: every shipped set not reserved elsewhere
    module: str | None = None  # carbonaudit.inventory.standards.<module>


METHODS: dict[str, Method] = {
    "ghg-protocol": Method("ghg-protocol", "GHG Protocol Corporate Standard", None),
    "iso14064": Method("iso14064", "ISO 14064-1:2018", None),
    "gbt32150": Method(
        "gbt32150", "GB/T 32150-2015 General rules for GHG accounting and reporting by "
        "industrial enterprises", ("cn_ndrc", "cn_mee", "cn_heat"), "gbt32150"),
    "hk-epd": Method(
        "hk-epd", "EPD/EMSD Guidelines to Account for and Report on GHG Emissions and Removals "
        "for Buildings in Hong Kong (2010)", ("hk_utilities", "fugitive_mass_balance",
                                              "uk_desnz"), "hk_epd"),
}


def method(name: str | None) -> Method:
    """The standard named (default ghg-protocol); UsageError for an unknown name."""
    name = name or "ghg-protocol"
    if name not in METHODS:
        raise UsageError(f"--standard takes {' | '.join(STANDARDS)}, not {name!r}")
    return METHODS[name]


def _rules(config):
    """The module with the standard's rules, or None for the GHG Protocol and ISO 14064-1
    (they group the same rows differently and change nothing in the run)."""
    m = method(getattr(config, "standard", None))
    if m.module == "gbt32150":
        from carbonaudit.inventory.standards import gbt32150

        return gbt32150
    if m.module == "hk_epd":
        from carbonaudit.inventory.standards import hk_epd

        return hk_epd
    return None


def factor_sets(config) -> list[str] | None:
    """The sets to load: the configuration's list, else the standard's, else every shipped
    set except those reserved for another standard (None means all sets)."""
    if config.factor_sets:
        return list(config.factor_sets)
    m = method(getattr(config, "standard", None))
    if m.factor_sets is not None:
        return list(m.factor_sets)
    from carbonaudit.factors.library import shipped_sets_meta

    meta = [s for s in shipped_sets_meta() if s.get("kind", "factors") == "factors"]
    if not any(s.get("standards") for s in meta):
        return None
    return [s["name"] for s in meta if m.name in s.get("standards", [m.name])]


def prepare(df, library, config, tables) -> list:
    """Adjust the checked rows before factors are matched; returns findings."""
    rules = _rules(config)
    return rules.prepare(df, library, config, tables) if rules else []


def finish(df, library, config, tables) -> list:
    """Complete the computed rows (deductions, added parts); returns findings."""
    rules = _rules(config)
    return rules.finish(df, library, config, tables) if rules else []


def document_part(ok, a) -> dict[str, Any]:
    """The `standard` block of the inventory document: name, title and own breakdown."""
    m = method(getattr(a.config, "standard", None))
    part: dict[str, Any] = {"name": m.name, "title": m.title}
    rules = _rules(a.config)
    if rules:
        part.update(rules.breakdown(ok, a))
    return part


def totals(ok, a) -> dict:
    """`totals_kgco2e`: the GHG Protocol scope totals, completed by the standard if it adds
    parts that are not rows (HK EPD: Towngas production in Scope 2)."""
    from carbonaudit.inventory.standards import ghg_protocol

    out = ghg_protocol.totals(ok)
    rules = _rules(a.config)
    if rules and hasattr(rules, "adjust_totals"):
        rules.adjust_totals(out, a)
    return out
