"""The mark-up on CBAM default values, per sector and year (IR (EU) 2025/2621).

The shipped table prints its own marked-up totals for 2026-2028 and those are used as
published; this nominal rate serves a user's table without them, and the checks of both.
"""

from __future__ import annotations

# Percent, by sector; the last year listed applies to every later year (DOMAIN.md 1.8).
MARKUPS: dict[str, tuple[tuple[int, float], ...]] = {
    "cement": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "iron_steel": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "aluminium": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "hydrogen": ((2026, 10.0), (2027, 20.0), (2028, 30.0)),
    "fertilisers": ((2026, 1.0),),
    "electricity": (),
}
MARKUP_SOURCE = ("IR (EU) 2025/2621 Annex I: the total default value with the mark-up for the "
                 "year (+10/20/30 % for cement, iron and steel, aluminium and hydrogen in "
                 "2026/2027/2028 on; +1 % for fertilisers)")


def markup_pct(sector: str, year: int) -> float:
    """Mark-up on the total default value in percent (0 before 2026 and for electricity)."""
    rate = 0.0
    for start, pct in MARKUPS.get(sector, ()):
        if year >= start:
            rate = pct
    return rate
