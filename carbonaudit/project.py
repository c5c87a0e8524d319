"""Assessment projects: `carbonaudit.toml` written by `init_project` and read by `load_config`.

The config file is written as commented text rather than serialised from a dict, because the
comments are the documentation a user reads when editing it.  Reading is strict: an unknown key
is almost always a typo, and a typo silently ignored would change a reported number, so every
problem raises `UsageError` naming the key.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonaudit.audit.intensity import KEYS as INTENSITY_KEYS
from carbonaudit.audit.intensity import Denominators, parse_intensity
from carbonaudit.errors import UsageError
from carbonaudit.factors.vocab import SECTORS
from carbonaudit.inventory.standards.registry import GRID_FACTORS, STANDARDS
from carbonaudit.templates.activity import write_activity_template

CONFIG_NAME = "carbonaudit.toml"
TEMPLATE_NAME = "activity.xlsx"

APPROACHES = ("operational_control", "financial_control", "equity_share")
GWP_SETS = ("AR4", "AR5", "AR6")

# Allowed keys per table; anything else is reported rather than ignored.
_SCHEMA: dict[str, tuple[str, ...]] = {
    "organisation": ("name", "consolidation_approach"),
    "period": ("start", "end"),
    "intensity": INTENSITY_KEYS,  # revenue (with currency), floor area, headcount, t
    "assessment": ("gwp", "factor_sets", "extra_factors", "default_sector", "inputs",
                   "standard", "grid_factor"),
}


@dataclass(frozen=True, slots=True)
class Config:
    """One assessment's settings; paths are already resolved against the config file."""

    organisation: str = "Example Ltd"
    consolidation_approach: str = "operational_control"
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    gwp: str = "AR6"
    factor_sets: tuple[str, ...] = ()
    extra_factors: tuple[Path, ...] = ()
    default_sector: str = "manufacturing"
    inputs: tuple[Path, ...] = ()
    path: Path | None = None
    standard: str = "ghg-protocol"
    grid_factor: str = "mee"
    intensity: Denominators | None = None  # the [intensity] denominators

    @classmethod
    def default(cls) -> Config:
        """Settings used when no config file is given: no period, AR6, all shipped sets."""
        return cls()


# --------------------------------------------------------------------------- init

def init_project(directory: Path, *, organisation: str = "Example Ltd",
                 year: int | None = None) -> list[Path]:
    """Create `directory` with a commented `carbonaudit.toml` and a blank `activity.xlsx`.

    `year` defaults to last calendar year, the usual subject of an annual inventory.
    Returns the paths written.  An existing non-empty folder is refused so nothing a user
    made is overwritten.
    """
    directory = Path(directory)
    year = dt.date.today().year - 1 if year is None else year
    _check_init_target(directory)
    if not 1900 <= year <= 2200:
        raise UsageError(f"year {year} is not a plausible reporting year")
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / CONFIG_NAME
    config_path.write_text(render_config(organisation=organisation, year=year),
                           encoding="utf-8")
    template_path = write_activity_template(directory / TEMPLATE_NAME)
    return [config_path, template_path]


def _check_init_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise UsageError(f"{directory} is not empty; choose a new or empty folder")


def _toml_string(text: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX) are all valid in TOML basic strings.
    return json.dumps(text, ensure_ascii=False)


def render_config(*, organisation: str, year: int) -> str:
    """The commented TOML text `init_project` writes."""
    return f"""\
# carbonaudit assessment configuration
# Paths are relative to this file. Dates are ISO (YYYY-MM-DD).

[organisation]
name = {_toml_string(organisation)}
# operational_control | financial_control | equity_share
consolidation_approach = "operational_control"

[period]
# The reporting period; activity rows outside it are reported as findings.
start = "{year}-01-01"
end = "{year}-12-31"

[assessment]
gwp = "AR6"                      # AR4 | AR5 | AR6
factor_sets = []                 # empty = all shipped sets; or e.g. ["ipcc2006", "hk_utilities"]
extra_factors = []               # user factor files (csv/xlsx), paths relative to this file
# stationary-combustion CH4/N2O defaults: energy | manufacturing | commercial | residential
default_sector = "manufacturing"
inputs = ["{TEMPLATE_NAME}"]     # activity files, relative to this file
# accounting standard: ghg-protocol | iso14064 | gbt32150 (Mainland industrial enterprises)
# | hk-epd (HK EPD/EMSD buildings guidelines)
standard = "ghg-protocol"
# GB/T 32150 electricity: mee (MEE/NBS factor of the year and province) | ets (national
# enterprise-reporting factor)
grid_factor = "mee"

# Intensity (inventory.json, HKEX Part D, HK EPD): uncomment the denominators you report,
# for the same reporting period.
# [intensity]
# revenue = 120500000            # in revenue_currency
# revenue_currency = "HKD"       # ISO 4217 code, required with revenue
# floor_area_m2 = 2500
# headcount = 85
# production_t = 10000
"""


# --------------------------------------------------------------------------- load

def load_config(path: Path) -> Config:
    """Read and check a `carbonaudit.toml`; raise `UsageError` naming the offending key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"config {path} is not UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config {path} is not valid TOML: {exc}") from exc
    return _build_config(data, path)


def _build_config(data: dict[str, Any], path: Path) -> Config:
    _check_keys(data)
    org = data.get("organisation", {})
    period = data.get("period", {})
    assessment = data.get("assessment", {})
    base = path.resolve().parent
    start = _date(period, "start")
    end = _date(period, "end")
    if (start is None) != (end is None):
        raise UsageError("period.start and period.end must be given together")
    if start and end and end < start:
        raise UsageError(f"period.end ({end}) is before period.start ({start})")
    default = Config.default()
    return Config(
        organisation=_string(org, "organisation.name", "name", default.organisation),
        consolidation_approach=_choice(org, "organisation.consolidation_approach",
                                       "consolidation_approach", APPROACHES,
                                       default.consolidation_approach),
        period_start=start,
        period_end=end,
        gwp=_choice(assessment, "assessment.gwp", "gwp", GWP_SETS, default.gwp, upper=True),
        factor_sets=_strings(assessment, "assessment.factor_sets", "factor_sets"),
        extra_factors=_paths(assessment, "assessment.extra_factors", "extra_factors", base),
        default_sector=_choice(assessment, "assessment.default_sector", "default_sector",
                               SECTORS, default.default_sector),
        inputs=_paths(assessment, "assessment.inputs", "inputs", base),
        path=path.resolve(),
        standard=_choice(assessment, "assessment.standard", "standard", STANDARDS,
                         default.standard),
        grid_factor=_choice(assessment, "assessment.grid_factor", "grid_factor", GRID_FACTORS,
                            default.grid_factor),
        intensity=parse_intensity(data.get("intensity")),
    )


def _check_keys(data: dict[str, Any]) -> None:
    for table, value in data.items():
        if table not in _SCHEMA:
            raise UsageError(f"unknown config key {table!r}; expected one of "
                             f"{', '.join(_SCHEMA)}")
        if not isinstance(value, dict):
            raise UsageError(f"config key {table!r} must be a table ([{table}])")
        for key in value:
            if key not in _SCHEMA[table]:
                raise UsageError(f"unknown config key {table}.{key}; expected one of "
                                 f"{', '.join(_SCHEMA[table])}")


def _string(table: dict, name: str, key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name} must be a non-empty text value")
    return value.strip()


def _choice(table: dict, name: str, key: str, allowed: tuple[str, ...], default: str,
            *, upper: bool = False) -> str:
    value = table.get(key, default)
    if isinstance(value, str):
        value = value.strip().upper() if upper else value.strip().lower()
    if value not in allowed:
        raise UsageError(f"{name} = {value!r} is not allowed; use one of {' | '.join(allowed)}")
    return value


def _date(table: dict, key: str) -> dt.date | None:
    name = f"period.{key}"
    value = table.get(key)
    if value is None:
        return None
    # TOML has native dates (start = 2025-01-01); quoted ISO strings are accepted too.
    if isinstance(value, dt.datetime):
        raise UsageError(f"{name} must be a date without a time, e.g. 2025-01-01")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"{name} = {value!r} is not a date; write it as YYYY-MM-DD")


def _strings(table: dict, name: str, key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"{name} must be a list of text values, e.g. [\"a\", \"b\"]")
    return tuple(v.strip() for v in value)


def _paths(table: dict, name: str, key: str, base: Path) -> tuple[Path, ...]:
    return tuple((base / Path(v)).resolve() for v in _strings(table, name, key))
