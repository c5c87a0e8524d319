"""Global warming potentials: single gases from the CC0 `globalwarmingpotentials` package,
the AR6 fossil/non-fossil methane split from our supplement file, and refrigerant blends
computed by mass-weighting their components (so no blend value is typed by hand).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from carbonaudit.errors import UsageError

GWP_SETS = ("AR4", "AR5", "AR6")
_PACKAGE_COLUMN = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}

# Families used for the gas breakdown; HCFCs are Montreal Protocol gases that the GHG
# Protocol keeps out of the scope totals.
KYOTO_FAMILIES = ("co2", "ch4", "n2o", "hfc", "pfc", "sf6", "nf3")


@dataclass(frozen=True)
class GwpTable:
    gwp_set: str
    values: dict[str, float]
    sources: dict[str, str]

    def of(self, species: str) -> float:
        try:
            return self.values[species]
        except KeyError:
            raise UsageError(f"no {self.gwp_set} GWP is known for {species!r}") from None

    @property
    def ch4_fossil(self) -> float:
        return self.values.get("CH4_fossil", self.values["CH4"])

    @property
    def ch4_nonfossil(self) -> float:
        return self.values.get("CH4_nonfossil", self.values["CH4"])


def _read_csv(name: str) -> list[dict[str, str]]:
    path = files("carbonaudit").joinpath(f"factors/data/{name}")
    if not path.is_file():
        return []
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@cache
def blends() -> dict[str, dict[str, float]]:
    """Blend id -> {component species: mass fraction}."""
    out: dict[str, dict[str, float]] = {}
    for row in _read_csv("refrigerant_blends.csv"):
        out.setdefault(row["blend"], {})[row["component"]] = float(row["mass_fraction"])
    return out


@cache
def gwp_table(gwp_set: str) -> GwpTable:
    """All GWP100 values of one IPCC assessment report, blends included."""
    if gwp_set not in _PACKAGE_COLUMN:
        raise UsageError(f"unknown GWP set {gwp_set!r}; choose one of {', '.join(GWP_SETS)}")
    import globalwarmingpotentials as gwps

    column = gwps.data[_PACKAGE_COLUMN[gwp_set]]
    package = f"globalwarmingpotentials {gwps.__version__} ({_PACKAGE_COLUMN[gwp_set]}, CC0-1.0)"
    values = {"CO2": 1.0, **{k: float(v) for k, v in column.items() if v == v}}
    sources = {k: package for k in values}
    for row in _read_csv("gwp_supplement.csv"):
        if row["gwp_set"] in (gwp_set, _PACKAGE_COLUMN[gwp_set]):
            values[row["species"]] = float(row["value"])
            sources[row["species"]] = row["source"]
    for blend, parts in blends().items():
        if all(p in values for p in parts):
            values[blend] = sum(values[p] * share for p, share in parts.items())
            sources[blend] = "mass-weighted from components (refrigerant_blends.csv)"
    return GwpTable(gwp_set, values, sources)


def family(species: str) -> str:
    """Gas family of a species id: hfc, pfc, sf6, nf3, hcfc or other."""
    s = species.upper()
    if s == "SF6":
        return "sf6"
    if s == "NF3":
        return "nf3"
    if s.startswith("HCFC") or s in {"R22"}:
        return "hcfc"
    if s.startswith("HFC") or s.startswith("R4") or s.startswith("R5") or s in {"R32", "R134A"}:
        return "hfc"
    if s in {"CF4", "C2F6", "C3F8", "C4F10", "C5F12", "C6F14", "C4F8", "CC4F8"} or s.startswith(
        "PFC"
    ):
        return "pfc"
    return "other"
