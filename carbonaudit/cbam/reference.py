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
    current: bool = True    # in the CN the 2025 legal tables use (3102 10 10 is not)


@dataclass(frozen=True)
class Route:
    """A production-route letter of the default-value and benchmark tables."""

    code: str
    meaning: str
    sector: str
    aliases: tuple[str, ...]
    source: str
    status: str


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
    """Annex I CN codes (8 digits, no spaces): the Commission template's list and the CN 2026
    codes the legal tables add (cn_codes.csv says which)."""
    return {r["cn8"]: CnCode(r["cn8"], r["cn_formatted"], r["aggregated_goods_category"].strip(),
                             r["sector"], r["description"], r["current_cn"] == "yes")
            for r in _rows("cn_codes.csv")}


def format_heading(digits: str) -> str:
    """'7202' -> '7202', '720211' -> '7202 11', '72021120' -> '7202 11 20'."""
    return " ".join(p for p in (digits[:4], digits[4:6], digits[6:8]) if p)


def closest_headings(digits: str, limit: int = 6) -> tuple[str, list[str]]:
    """For a code outside Annex I: the longest prefix (6, 4 or 2 digits) it shares with Annex I
    codes, and the Annex I headings one level below that prefix nearest to it by number,
    closest first (formatted), at most `limit` of them.

    '72022100' -> ('7202', ['7202 19', '7202 11', '7202 41', ...]); '7204 10 00' -> ('72',
    ['7203', '7205', ...]); an empty prefix when not even the chapter matches.
    """
    shared = ""
    for length in (6, 4, 2):
        if len(digits) >= length and cn_matches(digits[:length]):
            shared = digits[:length]
            break
    pool = cn_matches(shared) if shared else list(cn_codes().values())
    below = min(len(shared) + 2 if shared else 4, 8)
    target = int((digits + "0" * 8)[:below])
    headings = sorted({c.cn8[:below] for c in pool}, key=lambda h: (abs(int(h) - target), h))
    return shared, [format_heading(h) for h in headings[:limit]]


def closest_hint(value: object) -> str:
    """' The closest Annex I heading is 7203.' for a code outside Annex I ('' without digits),
    the sentence every refusal of a CN code ends with."""
    digits = normalise_cn(value)
    if not digits:
        return ""
    _shared, near = closest_headings(digits)
    return f" The closest Annex I heading is {near[0]}." if near else ""


@cache
def routes() -> dict[str, Route]:
    """Route letters A-L of IR 2025/2620 and 2025/2621, with their meaning and status."""
    return {r["code"]: Route(r["code"], r["meaning"], r["sector"], _split(r["aliases"]),
                             r["source"], r["status"]) for r in _rows("routes.csv")}


def find_route(text: str | None) -> str | None:
    """The route letter for a letter or an accepted spelling ('scrap/EAF' -> 'E'), else None."""
    if not text:
        return None
    key = fold(text)
    for route in routes().values():
        if key == fold(route.code) or key in {fold(a) for a in route.aliases}:
            return route.code
    return None


def route_label(code: str) -> str:
    """'C (carbon steel: blast furnace / basic oxygen furnace)', or the text as given."""
    route = routes().get(code)
    return f"{code} ({route.meaning})" if route else (code or "no route")


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
def annex_i_prefixes() -> frozenset[str]:
    """Every 2-, 4-, 6- and 8-digit prefix of an Annex I code: the headings a table may use."""
    return frozenset(k[:n] for k in cn_codes() for n in (2, 4, 6, 8))


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
