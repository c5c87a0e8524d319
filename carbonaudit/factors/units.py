"""The single pint registry and the closed vocabulary of unit spellings we accept.

Input spellings go through a closed table (`data/units/units.csv`) instead of straight to pint:
pint reads `ton` as the short ton, `bbl` as 31.5 gallons and `MBtu` as mega-Btu, and defining
`m3` as a unit makes `cm3` a centi-(m3).  The table says exactly what each accepted spelling
means.  Conversions are computed once per distinct unit pair and cached.
"""

from __future__ import annotations

import csv
import re
import threading
from functools import cache
from importlib.resources import files

# Spellings that look like units but mean different things to different people.
AMBIGUOUS: dict[str, str] = {
    "ton": "write `t` for metric tonnes or `short_ton` for US tons",
    "tons": "write `t` for metric tonnes or `short_ton` for US tons",
    "mt": "write `t` for metric tonnes (`Mt` would be megatonnes)",
    "bbl": "write `oil_barrel` for a 42-gallon barrel",
    "barrel": "write `oil_barrel` for a 42-gallon barrel",
    "mbtu": "write `mmBtu` for million Btu",
    "mcf": "write the gas volume in `scf` or `Nm3`",
    "unit": "name the unit (`units` alone is read as Towngas units of 48 MJ only on Towngas "
            "rows; elsewhere write kWh, L, kg …)",
    "units": "name the unit (`units` alone is read as Towngas units of 48 MJ only on Towngas "
             "rows; elsewhere write kWh, L, kg …)",
    "單位": "name the unit (單位 alone is read as Towngas units of 48 MJ only on 煤氣 rows; "
            "elsewhere write 度, 公升, 公斤 …)",
    "单位": "name the unit (单位 alone is read as Towngas units of 48 MJ only on 煤气 rows; "
            "elsewhere write 度, 升, 千克 …)",
}


@cache
def _vocabulary() -> tuple[dict[str, str], dict[str, str]]:
    text = files("carbonaudit").joinpath("factors/data/units/units.csv").read_text(encoding="utf-8")
    exact = {row["spelling"]: row["pint"] for row in csv.DictReader(text.splitlines())}
    by_lower: dict[str, set[str]] = {}
    for spelling, expr in exact.items():
        by_lower.setdefault(spelling.lower(), set()).add(expr)
    # Case-insensitive matching only where the lower-case spelling is unambiguous.
    lower = {k: next(iter(v)) for k, v in by_lower.items() if len(v) == 1}
    return exact, lower


def accepted_spellings() -> list[str]:
    """Every unit spelling the tool accepts, in the order of the vocabulary file."""
    return list(_vocabulary()[0])


_SPACES = re.compile(r"\s+")


def normalise_unit(text: str) -> str | None:
    """Return the pint expression for an accepted spelling, or None if it is not accepted."""
    exact, lower = _vocabulary()
    key = _SPACES.sub("", str(text)).replace("³", "3") if text is not None else ""
    if not key:
        return None
    if key in exact:
        return exact[key]
    original = _SPACES.sub("", str(text))
    if original in exact:
        return exact[original]
    return lower.get(key.lower())


# Abbreviations seen in spreadsheets that are not safe to accept silently but are
# near-certain in intent: suggested, never applied.
_NEAR_MISSES: dict[str, str] = {
    "ltr": "L", "ltrs": "L", "lt": "L", "lit": "L", "kwhr": "kWh", "kwhrs": "kWh",
    "kw-h": "kWh", "mwhr": "MWh", "cbm": "m3", "cum": "m3", "nm³": "Nm3", "kgs": "kg",
    "tonne(s)": "t", "tons(metric)": "t", "gallons": "gal", "gals": "gal", "therms": "therm",
    "公斤力": "kg", "千瓦": "kWh",
}


def unit_hint(text: str) -> str:
    """A plain-language hint for a spelling we do not accept, with a "did you mean" for
    near misses (`ltr` -> L)."""
    key = _SPACES.sub("", str(text)).lower()
    if key in AMBIGUOUS:
        return AMBIGUOUS[key]
    close = suggest_unit(text)
    if close:
        return f"did you mean {close}?"
    return "use one of the units listed by `carbonaudit factors units` (e.g. kWh, L, t, Nm3, GJ)"


def suggest_unit(text: str) -> str | None:
    """The accepted spelling a near miss most likely means, or None."""
    import difflib

    key = _SPACES.sub("", str(text)).lower()
    if not key:
        return None
    if key in _NEAR_MISSES:
        return _NEAR_MISSES[key]
    exact, _ = _vocabulary()
    lowered = {s.lower(): s for s in exact}
    close = difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.75)
    if not close:
        return None
    return display_unit(exact[lowered[close[0]]])


# How a pint expression is shown to a person: the way it is written on a bill.
_DISPLAY: dict[str, str] = {
    "m**3": "m³", "Nm3": "Nm³", "Sm3": "Sm³", "wan_kWh": "万kWh", "wan_m3": "万m³",
    "wan_Nm3": "万Nm³", "wan_t": "万t", "wan_tce": "万tce", "UK_gallon": "UK gal",
    "towngas_unit": "Towngas unit (48 MJ)", "passenger_km": "passenger-km",
    "tonne_km": "tonne-km", "vehicle_km": "vehicle-km", "MMBtu": "mmBtu",
}


def display_unit(expr: str) -> str:
    """A unit expression as people write it (`m**3` -> `m³`), for messages and lineage."""
    text = str(expr)
    if text in _DISPLAY:
        return _DISPLAY[text]
    return re.sub(r"\*\*3\b", "³", re.sub(r"\*\*2\b", "²", text)).replace(" * ", "·")


_UREG = None
_UREG_LOCK = threading.Lock()


def get_ureg():
    """The application's one UnitRegistry, built on first use (pint is slow to import).

    A lock rather than functools.cache: `start_loading` may be building it on another
    thread, and two registries would make quantities that cannot be mixed.
    """
    global _UREG
    if _UREG is None:
        with _UREG_LOCK:
            if _UREG is None:
                _UREG = _build_ureg()
    return _UREG


def _build_ureg():
    import pint

    ureg = pint.UnitRegistry(cache_folder=None)
    path = files("carbonaudit").joinpath("factors/data/units/units.txt")
    ureg.load_definitions(str(path))
    return ureg


def start_loading() -> None:
    """Build the registry on a background thread (0.7 s of pint) while input is being read:
    calamine and Arrow release the GIL as they parse, so the build costs no wall time."""
    if _UREG is None:
        # not a daemon: a run that never matches a factor must not exit mid-import of pint
        threading.Thread(target=get_ureg, name="carbonaudit-units").start()


@cache
def conversion_factor(from_expr: str, to_expr: str) -> float:
    """Multiplier taking a magnitude in `from_expr` to `to_expr` (pint expressions).

    Raises pint's DimensionalityError when the dimensions differ.
    """
    ureg = get_ureg()
    return float(ureg.Quantity(1.0, from_expr).to(to_expr).magnitude)


@cache
def dimensionality(expr: str) -> str:
    """A hashable, printable description of a unit's dimensions."""
    return str(get_ureg().Quantity(1.0, expr).dimensionality)


@cache
def convertible(from_expr: str, to_expr: str) -> bool:
    return dimensionality(from_expr) == dimensionality(to_expr)


# Supplier (market-based) factor units: a mass of emissions over an activity unit, written
# the ways suppliers and people write it: kg/kWh, kgCO2e/kWh, kg CO2/kWh, t/MWh, tCO2e/MWh,
# g/kWh, lb/MWh.  A bare mass (kg/kWh) is read as CO2e, the unit the market figure is in.
_EMISSION_MASSES: dict[str, float] = {
    "kg": 1.0, "kilogram": 1.0, "kilograms": 1.0, "g": 1e-3, "gram": 1e-3, "grams": 1e-3,
    "t": 1e3, "tonne": 1e3, "tonnes": 1e3, "lb": 0.45359237, "lbs": 0.45359237,
}
_GAS_SUFFIXES: tuple[tuple[str, bool], ...] = (("co2eq", True), ("co2e", True), ("co2", False))


def parse_rate_unit(text: str) -> tuple[float, str, bool] | None:
    """Parse an emission rate such as `kgCO2e/kWh` or `t/MWh` into (kg multiplier, activity
    expr, is_co2e).  Returns None when the text is not of that form or names a unit we do
    not accept (`ton` stays refused: short or metric?)."""
    if text is None or "/" not in str(text):
        return None
    num, _, den = str(text).partition("/")
    key = re.sub(r"[\s_\-]", "", num).replace("₂", "2").lower()
    is_co2e = True
    for suffix, co2e in _GAS_SUFFIXES:
        if key.endswith(suffix):
            key, is_co2e = key[: -len(suffix)], co2e
            break
    kg = _EMISSION_MASSES.get(key)
    expr = normalise_unit(den)
    if kg is None or expr is None:
        return None
    return kg, expr, is_co2e
