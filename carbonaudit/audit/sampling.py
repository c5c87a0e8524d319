"""Emissions-weighted (monetary-unit) sample of the recalculated rows.

Tonnes CO2e play the part of currency units (VERIFICATION.md §1.4): tolerable misstatement
TM = materiality × performance share; R is the zero-expected-error confidence factor;
interval J = TM / R.  Every row with |emissions| ≥ J is selected with certainty; the others
by systematic selection over their cumulative |emissions| from a random start in [0, J)
drawn from the recorded seed, in the recorded sort order.  Same seed, same rows → same
sample.  Zero-emission rows cannot be hit by any point and are counted, not sampled.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from carbonaudit.audit.population import SORT_ORDER
from carbonaudit.errors import UsageError

# Poisson factors for zero expected errors: -ln(1 - confidence) rounded up to two decimals
# (the conservative side), as audit tables print them.  VERIFICATION.md §1.4 gives 2.31 and
# 3.00 [recalled], the issue 4.61; -ln(0.10) = 2.3026, -ln(0.05) = 2.9957, -ln(0.01) = 4.6052
# agree [derived].
R_FACTORS = {90: 2.31, 95: 3.00, 99: 4.61}
CERTAINTY = "certainty"
SYSTEMATIC = "systematic"


@dataclass
class Sample:
    """The plan (every parameter needed to repeat it) and the selected rows."""

    confidence_pct: int
    r_factor: float
    tolerable_kg: float
    interval_kg: float
    seed: int
    seed_given: bool
    random_start_kg: float
    population_rows: int
    population_kg: float         # sum of |emissions| of the rows that can be selected
    zero_rows: int               # assessed rows with no emissions: not selectable
    selected: list[int] = field(default_factory=list)   # frame positions, input order
    reasons: dict[int, str] = field(default_factory=dict)
    points: dict[int, float] = field(default_factory=dict)  # systematic rows: the point hit
    coverage_kg: float = 0.0

    @property
    def certainty_rows(self) -> int:
        return sum(1 for r in self.reasons.values() if r == CERTAINTY)

    @property
    def coverage_pct(self) -> float | None:
        return None if self.population_kg == 0 else self.coverage_kg / self.population_kg * 100

    @property
    def expected_size(self) -> float | None:
        """n ≈ population / J, the textbook estimate the actual count is compared with."""
        return None if self.interval_kg <= 0 else self.population_kg / self.interval_kg

    def sample_id(self, k: int) -> str:
        width = max(3, len(str(len(self.selected))))
        return f"S{k + 1:0{width}d}"

    def plan(self) -> dict:
        return {
            "method": "monetary-unit (emissions-weighted) systematic selection",
            "basis": "|co2e_kg| of each assessed row (location-based)",
            "confidence_pct": self.confidence_pct, "r_factor": self.r_factor,
            "tolerable_misstatement_kgco2e": self.tolerable_kg,
            "interval_kgco2e": self.interval_kg, "seed": self.seed,
            "seed_source": "given" if self.seed_given else "drawn (pass --seed to repeat)",
            "random_start_kgco2e": self.random_start_kg, "sort_order": SORT_ORDER,
            "population_rows": self.population_rows, "population_kgco2e": self.population_kg,
            "zero_emission_rows": self.zero_rows, "expected_size": self.expected_size,
            "selected_rows": len(self.selected), "certainty_rows": self.certainty_rows,
            "systematic_rows": len(self.selected) - self.certainty_rows,
            "coverage_kgco2e": self.coverage_kg, "coverage_pct": self.coverage_pct,
        }


def r_factor(confidence_pct: int) -> float:
    """R for a confidence of 90, 95 or 99 %; UsageError otherwise."""
    try:
        return R_FACTORS[int(confidence_pct)]
    except (KeyError, ValueError):
        raise UsageError("--confidence must be 90, 95 or 99") from None


def draw_seed() -> int:
    """A fresh seed when none is given; it is recorded so the sample can be repeated."""
    import secrets

    return secrets.randbelow(2**31)


def select(frame, tolerable_kg: float, confidence_pct: int, seed: int,
           seed_given: bool = True) -> Sample:
    """Draw the sample over the assessed rows of `frame` (a Population frame)."""
    import numpy as np

    r = r_factor(confidence_pct)
    interval = tolerable_kg / r if tolerable_kg > 0 else 0.0
    e = frame["co2e_kg"].to_numpy(dtype=float, na_value=np.nan)
    assessed = (frame["status"].astype(str).to_numpy() == "assessed") & ~np.isnan(e)
    a = np.where(assessed, np.abs(np.nan_to_num(e)), 0.0)
    selectable = assessed & (a > 0)
    start = random.Random(seed).random() * interval
    s = Sample(int(confidence_pct), r, tolerable_kg, interval, int(seed), seed_given, start,
               int(selectable.sum()), float(a[selectable].sum()),
               int((assessed & (a == 0)).sum()))
    # J = 0 (no materiality to spread) leaves no interval: every row is a key item.
    certain = selectable & (a >= interval)
    rest = np.flatnonzero(selectable & ~certain)
    chosen = {int(i): CERTAINTY for i in np.flatnonzero(certain)}
    if len(rest) and interval > 0:
        cum = np.cumsum(a[rest])
        count = math.floor((cum[-1] - start) / interval) + 1 if cum[-1] > start else 0
        pts = start + interval * np.arange(count, dtype=float)
        hit = np.searchsorted(cum, pts, side="right")
        keep = hit < len(rest)  # a point on the very end of the last row hits nothing
        for p, h in zip(pts[keep], hit[keep], strict=True):
            i = int(rest[h])
            chosen.setdefault(i, SYSTEMATIC)
            s.points.setdefault(i, float(p))
    s.selected = sorted(chosen)
    s.reasons = chosen
    s.coverage_kg = float(a[s.selected].sum()) if s.selected else 0.0
    return s


def reason_text(sample: Sample, i: int) -> str:
    """Why row i was selected, in words for the Sample sheet."""
    if sample.reasons[i] == CERTAINTY:
        return f"certainty: |emissions| ≥ J ({sample.interval_kg:,.3f} kg)"
    return f"systematic: cumulative point {sample.points[i]:,.3f} kg"
