"""Rules that only the prose of the PACT Technical Specifications states, quoted.

The official JSON Schemas (the OpenAPI components of the v2.3 and v3.0 specifications) accept
documents that these sentences rule out: an empty `providerName`, a 2025 v2 footprint without
`dqi`, packaging emissions next to `packagingEmissionsIncluded: false`...  A document valid
under the official schemas must pass by default, so breaking one of these rules is a warning
that quotes the sentence, and an error under `--strict` (and always for what `pact export`
writes).  What the official schemas state themselves (types, patterns, signed decimals, v2
ranges) stays an error.  Quotes follow the specifications' text with their cross-reference
markup (`<{CarbonFootprint/dqi}>`) written as plain property names.
"""

from __future__ import annotations

from carbonaudit.findings import Finding, Location, error, warning

RULES = {
    "v2-data-quality-2025": "For reference periods including the beginning of year 2025 or "
                            "after, this property MUST be defined.",
    "v2-data-quality-before-2025": "For reference periods ending before the beginning of year "
                                   "2025, at least property primaryDataShare or property dqi "
                                   "MUST be defined.",
    "v2-provider-name": "The non-empty name of the independent third party engaged to "
                        "undertake the assurance.",
    "v3-provider-name": "The non-empty name of the independent third party engaged to "
                        "undertake the verification.",
    "v2-packaging": "The value MUST NOT be defined if packagingEmissionsIncluded is false.",
    "v3-packaging": "If false, packaging emissions are not included in the product carbon "
                    "footprint, and the packagingGhgEmissions property MUST be undefined.",
    "geography-region": "Has a regional or sub-regional geographical granularity, then the "
                        "property geographyRegionOrSubregion MUST be defined and the "
                        "properties geographyCountry and geographyCountrySubdivision MUST be "
                        "undefined",
    "geography-country": "Has a country-specific geographical granularity, then property "
                         "geographyCountry MUST be defined AND the properties "
                         "geographyRegionOrSubregion and geographyCountrySubdivision MUST be "
                         "undefined",
    "geography-subdivision": "Has a country subdivision-specific geographical granularity, "
                             "then property geographyCountrySubdivision MUST be defined AND "
                             "the properties geographyRegionOrSubregion and geographyCountry "
                             "MUST be undefined.",
    "subdivision-code": "If present, a ISO 3166-2 country and subdivision code.",
    "v3-dqr-range": "The value MUST be between 1 and 5 inclusive.",
    "primary-data-share": "The share of primary data in percent.",
    "exempted-percent": "The percentage of emissions excluded from PCF, expressed as a "
                        "decimal number.",
    "mass": "The mass (in kg) of the product excluding packaging.",
    "reference-period": "The start (including) of the time boundary for which the PCF value "
                        "is considered to be representative. [...] The end (excluding) of the "
                        "time boundary for which the PCF value is considered to be "
                        "representative.",
    "validity-period": "the value of validityPeriodEnd MUST be defined with value strictly "
                       "greater than validityPeriodStart",
    "unique-id": "A unique identifier that a system uses to refer to the entire dataset of "
                 "the PCF.",
}


def breach(code: str, message: str, rule: str, where: Location, strict: bool) -> Finding:
    """A prose rule broken: a warning quoting `RULES[rule]`, an error when `strict`."""
    make = error if strict else warning
    return make(code, f"{message} The PACT specification says: \u201c{RULES[rule]}\u201d",
                where)
