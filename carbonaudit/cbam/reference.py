"""Reference lists CBAM checks need: goods categories, Annex I CN codes, countries, currencies.

Each list ships as a CSV in `cbam/data/` with its source per row; they are small, so they are
read once with the csv module (no pandas) and cached.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Good:
    category: str
    sector: str     # cement | iron_steel | aluminium | fertilisers | hydrogen | electricity
    unit: str                       # t or MWh
    indirect_counted_definitive: bool   # Art. 7(1) / Annex II of Reg. 2023/956 as amended
    template_indirect_flag: bool        # what the Commission template v2.1.1 says
    routes: tuple[str, ...]
    relevant_precursors: tuple[str, ...]
    qualifying_parameters: tuple[str, ...]
    # Categories the template lets a process of this category include ("bubble"), besides
    # itself: Parameters_Constants AC89:AM106.  Any other is the template's "Inconsistent!".
    includable: tuple[str, ...] = ()


@dataclass(frozen=True)
class CnCode:
    cn8: str
    formatted: str
    category: str
    sector: str
    description: str


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    eu_member: bool
    annex_iii: bool


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("carbonaudit.cbam").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in value.split(";") if v)


@cache
def goods() -> dict[str, Good]:
    """Aggregated goods categories keyed by the template's spelling (trimmed)."""
    return {r["category"]: Good(
        r["category"], r["sector"], r["unit"], r["indirect_counted_definitive"] == "yes",
        r["template_indirect_flag_definitive"] == "yes", _split(r["routes"]),
        _split(r["relevant_precursors"]), _split(r["qualifying_parameters"]),
        _split(r["includable"]),
    ) for r in _rows("goods.csv")}


@cache
def good_by_folded_name() -> dict[str, Good]:
    """Goods keyed case- and space-insensitively, for reading what people type."""
    return {fold(k): g for k, g in goods().items()}


def find_good(name: str | None) -> Good | None:
    if not name:
        return None
    return good_by_folded_name().get(fold(name))


@cache
def cn_codes() -> dict[str, CnCode]:
    """Annex I CN codes (8 digits, no spaces) as listed in the Commission template."""
    return {r["cn8"]: CnCode(r["cn8"], r["cn_formatted"], r["aggregated_goods_category"].strip(),
                             r["sector"], r["description"]) for r in _rows("cn_codes.csv")}


def normalise_cn(value: object) -> str | None:
    """'7318 15 20', '7318.15.20', 73181520 -> '73181520'; None when it has no digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits or None


def cn_matches(prefix: str) -> list[CnCode]:
    """Annex I codes that start with the given digits (a 4- or 6-digit heading)."""
    return [c for k, c in cn_codes().items() if k.startswith(prefix)]


@cache
def countries() -> dict[str, Country]:
    return {r["code"]: Country(r["code"], r["name"], r["eu_member"] == "yes",
                               r["cbam_annex_iii"] == "yes") for r in _rows("countries.csv")}


@cache
def country_by_name() -> dict[str, Country]:
    return {fold(c.name): c for c in countries().values()}


def find_country(value: str | None) -> Country | None:
    """An ISO alpha-2 code or the template's country name."""
    if not value:
        return None
    text = str(value).strip()
    return countries().get(text.upper()) or country_by_name().get(fold(text))


@cache
def currencies() -> dict[str, str]:
    return {r["code"]: r["name"] for r in _rows("currencies.csv")}


def fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


# The template's entry for a process into which no other category is included (A_InstData
# 4(b)); any other entry must be a goods category.
ONLY_DIRECT = "Only direct production"
