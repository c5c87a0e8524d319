"""Emission factors: the shipped, versioned factor sets, user factor files, and lookup.

Every factor gives kilograms of each gas per activity unit (never only CO2e, unless the
publisher gives nothing else, in which case `co2e_unsplit` says so), with its source,
licence and status.  See VOCABULARY.md beside this file for the items and regions.
"""

from carbonaudit.factors.library import (
    FACTOR_COLUMNS,
    GAS_COLUMNS,
    FactorLibrary,
    FactorSet,
    load_library,
)

__all__ = ["FACTOR_COLUMNS", "GAS_COLUMNS", "FactorLibrary", "FactorSet", "load_library"]
