"""Cross-field rules of PACT ProductFootprints that JSON Schema cannot express.

The schemas (schemas/pact-v2.schema.json, pact-v3.schema.json) check shapes, types, enums,
URN/UUID/date-time formats and that decimals are written as decimal strings.  This module adds
what needs arithmetic or several fields at once: the sign of decimal strings, ranges of
percentages and DQRs written as decimals, reference and validity period order, data quality
required from 2025 (v2), packaging, geography exclusivity, non-empty provider names, the v3
biogenic balance, unknown fields and duplicate ids.  Every finding carries the JSON pointer of
the offending value.

Two kinds of rule: what the official schemas state (signed decimal types such as
PositiveOrZeroDecimal) is an error; what only the specification's prose states is a warning
quoting it, an error with `strict` (see `spec_text.py`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from carbonaudit.findings import Finding, Location, error, warning
from carbonaudit.pact.spec_text import breach
from carbonaudit.schemas import load_schema, pointer

# Sign constraints per version: field -> ">0", ">=0" or "<=0" (kg per declared unit etc.), as
# the official schemas type them (PositiveNonZeroDecimal, PositiveOrZeroDecimal,
# NegativeOrZeroDecimal).  productMassPerDeclaredUnit is a plain Decimal there (a negative
# mass is a prose breach, below); technologicalCO2Removals is typed >= 0 in one v3 draft and
# <= 0 by the sign convention of removals, so its sign is not checked.
_SIGNS = {
    2: {
        "unitaryProductAmount": ">0",
        "pCfExcludingBiogenic": ">=0", "fossilGhgEmissions": ">=0",
        "fossilCarbonContent": ">=0", "biogenicCarbonContent": ">=0",
        "dLucGhgEmissions": ">=0", "otherBiogenicGhgEmissions": ">=0",
        "iLucGhgEmissions": ">=0", "biogenicCarbonWithdrawal": "<=0",
        "aircraftGhgEmissions": ">=0", "packagingGhgEmissions": ">=0",
    },
    3: {
        "declaredUnitAmount": ">0",
        "fossilGhgEmissions": ">=0", "fossilCarbonContent": ">=0",
        **{k: ">=0" for k in (
            "biogenicCarbonContent", "recycledCarbonContent", "landUseChangeGhgEmissions",
            "landCarbonLeakage", "landManagementFossilGhgEmissions",
            "landManagementBiogenicCO2Emissions", "biogenicNonCO2Emissions",
            "landAreaOccupation", "aircraftGhgEmissions", "packagingGhgEmissions",
            "packagingBiogenicCarbonContent", "outboundLogisticsGhgEmissions",
            "ccuCarbonContent")},
        **{k: "<=0" for k in ("landManagementBiogenicCO2Removals", "biogenicCO2Uptake",
                              "ccsTechnologicalCO2Capture")},
    },
}
# v3 writes percentages and DQRs as plain decimal strings (v2's schema types them as bounded
# numbers), so only its prose bounds them: DQRs from 1 to 5 ("MUST be between 1 and 5
# inclusive"; its official examples use 3.2 and 4.1), percentages from 0 to 100.
_V3_RANGES = {
    ("exemptedEmissionsPercent",): (0, 100, "exempted-percent"),
    ("primaryDataShare",): (0, 100, "primary-data-share"),
    ("dqi", "technologicalDQR"): (1, 5, "v3-dqr-range"),
    ("dqi", "geographicalDQR"): (1, 5, "v3-dqr-range"),
    ("dqi", "temporalDQR"): (1, 5, "v3-dqr-range"),
}
_GEOGRAPHY = ("geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision")
_DQ_FROM = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # v2: both primaryDataShare and dqi from 2025
_SIGN_TEXT = {">0": "greater than zero", ">=0": "zero or positive", "<=0": "zero or negative"}
_SIGN_CODE = {">0": "pact-not-positive", ">=0": "pact-negative-value",
              "<=0": "pact-positive-value"}


def check_footprint(fp: dict, major: int, base: list, file: str | None = None, *,
                    strict: bool = False) -> list[Finding]:
    """Every rule finding for one footprint; `base` is its JSON path inside the document.

    `strict` makes the prose rules errors instead of warnings.
    """
    pcf = fp.get("pcf") if isinstance(fp.get("pcf"), dict) else {}
    ptr = _Pointer(base, file, strict)
    found = _unknown_fields(fp, pcf, major, ptr)
    found += _signs(pcf, major, ptr)
    found += _mass(pcf, ptr)
    if major == 3:
        found += _ranges(pcf, ptr)
        found += _biogenic_balance(pcf, ptr)
    else:
        found += _data_quality_v2(pcf, ptr)
    found += _period_order(pcf, ("pcf",), "referencePeriodStart", "referencePeriodEnd",
                           "pact-period-order", "reference period", ptr)
    found += _period_order(fp, (), "validityPeriodStart", "validityPeriodEnd",
                           "pact-validity-order", "validity period", ptr)
    found += _packaging(pcf, major, ptr)
    found += _geography(pcf, major, ptr)
    found += _provider_name(pcf, major, ptr)
    return found


def duplicate_ids(items: list, base: list, file: str | None = None, *,
                  strict: bool = False) -> list[tuple[int, Finding]]:
    """(index, finding) for each footprint whose id an earlier one of the document has.

    The same id twice makes one of them unreachable by GetFootprint.
    """
    seen: dict[str, int] = {}
    found = []
    for i, fp in enumerate(items):
        fid = fp.get("id") if isinstance(fp, dict) else None
        if not isinstance(fid, str):
            continue
        if fid in seen:
            found.append((i, breach(
                "pact-duplicate-id", f"Footprint id {fid} is also used by footprint "
                f"{seen[fid]}; every footprint needs its own id.", "unique-id",
                Location(file=file, pointer=pointer([*base, i, "id"])), strict)))
        else:
            seen[fid] = i
    return found


class _Pointer:
    """Where the footprint sits (JSON path, file) and whether prose rules are errors."""

    def __init__(self, base: list, file: str | None, strict: bool = False) -> None:
        self.base = base
        self.file = file
        self.strict = strict

    def at(self, *path) -> Location:
        return Location(file=self.file, pointer=pointer([*self.base, *path]) or "/")


def decimal_value(text: object) -> Decimal | None:
    """A PACT decimal string as Decimal; None when it is not one (the schema reports that)."""
    if not isinstance(text, str) or not text or text[-1] == "." or "e" in text.lower():
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_datetime(text: object) -> dt.datetime | None:
    """An RFC 3339 date-time with offset; None otherwise (the schema reports the format)."""
    if not isinstance(text, str) or len(text) < 20 or text[10] not in "Tt":
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _unknown_fields(fp: dict, pcf: dict, major: int, ptr: _Pointer) -> list[Finding]:
    # Unknown keys are usually typos of a real field (pCfExcludingBiogenic vs pcf...), which
    # a lenient schema would let through silently; a warning keeps foreign extras readable.
    schema = load_schema(f"pact-v{major}")
    known_top = schema["properties"]
    known_pcf = schema["properties"]["pcf"]["properties"]
    found = []
    for obj, known, path in ((fp, known_top, ()), (pcf, known_pcf, ("pcf",))):
        for key in obj:
            if key not in known:
                found.append(warning(
                    "pact-unknown-field",
                    f"'{key}' is not a field of a PACT v{major} "
                    f"{'CarbonFootprint' if path else 'ProductFootprint'}; check its spelling "
                    "or move it into extensions.", ptr.at(*path, key)))
    return found


def _signs(pcf: dict, major: int, ptr: _Pointer) -> list[Finding]:
    found = []
    for field, sign in _SIGNS[major].items():
        if field not in pcf:
            continue
        value = decimal_value(pcf[field])
        if value is None:
            continue
        ok = value > 0 if sign == ">0" else value >= 0 if sign == ">=0" else value <= 0
        if not ok:
            found.append(error(_SIGN_CODE[sign], f"{field} must be {_SIGN_TEXT[sign]}; it is "
                               f"'{pcf[field]}'.", ptr.at("pcf", field)))
    return found


def _mass(pcf: dict, ptr: _Pointer) -> list[Finding]:
    value = decimal_value(pcf.get("productMassPerDeclaredUnit"))
    if value is None or value >= 0:
        return []
    return [breach("pact-negative-value", "productMassPerDeclaredUnit must be zero or "
                   f"positive; it is '{pcf['productMassPerDeclaredUnit']}'.", "mass",
                   ptr.at("pcf", "productMassPerDeclaredUnit"), ptr.strict)]


def _ranges(pcf: dict, ptr: _Pointer) -> list[Finding]:
    found = []
    for path, (low, high, rule) in _V3_RANGES.items():
        obj = pcf
        for key in path[:-1]:
            obj = obj.get(key) if isinstance(obj, dict) else None
        raw = obj.get(path[-1]) if isinstance(obj, dict) else None
        value = decimal_value(raw)
        if value is not None and not low <= value <= high:
            found.append(breach("pact-out-of-range", f"{'.'.join(path)} must be between "
                                f"{low} and {high}; it is '{raw}'.", rule,
                                ptr.at("pcf", *path), ptr.strict))
    return found


def _half_ulp(text: str) -> Decimal:
    """Half a unit in the last written place: the rounding error a published value may carry."""
    exponent = Decimal(text).as_tuple().exponent
    return Decimal(5).scaleb(int(exponent) - 1)


def _biogenic_balance(pcf: dict, ptr: _Pointer) -> list[Finding]:
    excl_text = pcf.get("pcfExcludingBiogenicUptake")
    incl_text = pcf.get("pcfIncludingBiogenicUptake")
    uptake_text = pcf.get("biogenicCO2Uptake", "0")
    excl, incl, uptake = (decimal_value(t) for t in (excl_text, incl_text, uptake_text))
    if excl is None or incl is None or uptake is None:
        return []
    # Each value may be rounded to its last written digit, so the sum may be off by the sum
    # of those half-units; anything beyond is a real inconsistency.
    tolerance = sum(_half_ulp(t) for t in (excl_text, incl_text, uptake_text))
    if abs(incl - (excl + uptake)) <= tolerance:
        return []
    return [warning(
        "pact-biogenic-balance",
        f"pcfIncludingBiogenicUptake ({incl_text}) should equal pcfExcludingBiogenicUptake "
        f"({excl_text}) plus biogenicCO2Uptake ({uptake_text}) = {excl + uptake}.",
        ptr.at("pcf", "pcfIncludingBiogenicUptake"))]


def _includes_2025_or_later(pcf: dict) -> bool:
    end = parse_datetime(pcf.get("referencePeriodEnd"))
    return end is not None and end > _DQ_FROM


def _data_quality_v2(pcf: dict, ptr: _Pointer) -> list[Finding]:
    has_share, has_dqi = "primaryDataShare" in pcf, "dqi" in pcf
    if _includes_2025_or_later(pcf):
        return [breach("pact-data-quality-required",
                       f"{name} is missing; PACT v2 asks for both primaryDataShare and dqi "
                       "when the reference period includes 2025 or later.",
                       "v2-data-quality-2025", ptr.at("pcf", name), ptr.strict)
                for name, present in (("primaryDataShare", has_share), ("dqi", has_dqi))
                if not present]
    if not has_share and not has_dqi:
        return [breach("pact-data-quality-required", "Neither primaryDataShare nor dqi is "
                       "given.", "v2-data-quality-before-2025", ptr.at("pcf"), ptr.strict)]
    return []


def _period_order(obj: dict, path: tuple, start_key: str, end_key: str, code: str, what: str,
                  ptr: _Pointer) -> list[Finding]:
    start, end = parse_datetime(obj.get(start_key)), parse_datetime(obj.get(end_key))
    if start is None or end is None or end > start:
        return []
    rule = "validity-period" if code == "pact-validity-order" else "reference-period"
    return [breach(code, f"The {what} ends ({obj[end_key]}) before or when it starts "
                   f"({obj[start_key]}); {end_key} must be after {start_key}.", rule,
                   ptr.at(*path, end_key), ptr.strict)]


def _packaging(pcf: dict, major: int, ptr: _Pointer) -> list[Finding]:
    if pcf.get("packagingEmissionsIncluded") is False and "packagingGhgEmissions" in pcf:
        return [breach("pact-packaging-not-included", "packagingGhgEmissions must be left "
                       "out when packagingEmissionsIncluded is false.", f"v{major}-packaging",
                       ptr.at("pcf", "packagingGhgEmissions"), ptr.strict)]
    return []


def _provider_name(pcf: dict, major: int, ptr: _Pointer) -> list[Finding]:
    # v2 requires the field (its schema: a string), v3 makes it optional; both call it
    # non-empty in prose only.  The official v2 examples send "" next to assurance: false.
    key = "assurance" if major == 2 else "verification"
    block = pcf.get(key)
    name = block.get("providerName") if isinstance(block, dict) else None
    if not isinstance(name, str) or name.strip():
        return []
    return [breach("pact-provider-name-empty", f"{key}.providerName is empty; name the "
                   f"independent third party, or leave the {key} out when there was none.",
                   f"v{major}-provider-name", ptr.at("pcf", key, "providerName"), ptr.strict)]


_GRANULARITY = dict(zip(_GEOGRAPHY, ("geography-region", "geography-country",
                                       "geography-subdivision"), strict=True))


def _geography(pcf: dict, major: int, ptr: _Pointer) -> list[Finding]:
    # Both versions' text allows one granularity (the other two undefined), but both
    # OpenAPIs leave that rule commented out and the v3 examples 1-3 give all three: a
    # prose rule.  v2 names it a conflict, v3 (which combines fields in its own examples)
    # keeps its milder pact-geography-combined.  Combined fields must at least agree.
    given = [k for k in _GEOGRAPHY if k in pcf]
    found = []
    if len(given) > 1 and major == 2:
        found.append(breach("pact-geography-conflict", f"Give only one of "
                            f"{', '.join(_GEOGRAPHY)}; this footprint has "
                            f"{' and '.join(given)}.", _GRANULARITY[given[-1]],
                            ptr.at("pcf", given[1]), ptr.strict))
    elif len(given) > 1:
        found.append(breach(
            "pact-geography-combined", f"PACT v3 defines one geographic granularity per "
            f"footprint; this one has {' and '.join(given)}. Keep only the most specific one "
            "unless the recipient accepts combined fields.", _GRANULARITY[given[-1]],
            ptr.at("pcf", given[1]), ptr.strict))
    country, sub = pcf.get("geographyCountry"), pcf.get("geographyCountrySubdivision")
    if isinstance(country, str) and isinstance(sub, str) and not sub.startswith(f"{country}-"):
        found.append(breach("pact-geography-conflict", f"geographyCountrySubdivision {sub} "
                            f"is not in geographyCountry {country}.", "subdivision-code",
                            ptr.at("pcf", "geographyCountrySubdivision"), ptr.strict))
    return found
