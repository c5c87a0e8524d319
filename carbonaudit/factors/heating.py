"""Heating-value bases: net (NCV, LHV) and gross (GCV, HHV) calorific values.

A fuel's energy can be counted with or without the heat of condensing the water its
combustion makes.  IPCC, CBAM and China's guidelines count it net; the US EPA hub and UK DESNZ
gross.  A factor per unit of energy therefore says which basis it is on (the factor tables'
`basis` column), and so does every heating value in the property tables.
"""

from __future__ import annotations

NCV = "NCV"
GCV = "GCV"
# The property that converts one basis to the other: NCV per GCV of the same fuel.
RATIO_PROPERTY = "ncv_per_gcv"

_SPELLINGS = {
    "ncv": NCV, "net": NCV, "lhv": NCV, "lcv": NCV, "net cv": NCV, "net calorific value": NCV,
    "gcv": GCV, "gross": GCV, "hhv": GCV, "hcv": GCV, "gross cv": GCV,
    "gross calorific value": GCV,
}


def heating_basis(text: object) -> str:
    """`HHV`, `gross`, `GCV` -> `GCV`; `LHV`, `net`, `NCV` -> `NCV`; blank -> ``.

    Any other text comes back upper-cased and trimmed, so a caller can tell it is neither.
    """
    if text is None or text != text:  # None or NaN
        return ""
    key = " ".join(str(text).split()).lower()
    return _SPELLINGS.get(key, key.upper())


def other_basis(basis: str) -> str:
    """GCV for NCV and NCV for GCV."""
    return GCV if basis == NCV else NCV
