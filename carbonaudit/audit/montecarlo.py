"""IPCC 2006 Vol 1 Ch 3 Approach 2: Monte Carlo simulation of the inventory's uncertainty.

The rows arrive pre-aggregated as *blocks*: kg CO2e of one source (scope, activity, item,
factor) at one site with one set of uncertainty parameters.  Correlation follows two rules:

* every block of one emission factor reuses that factor's standard-normal draw, so a grid
  factor used by ten sites moves all ten together;
* every block of one site's series (its meter or account) reuses that series' draw, so the
  twelve monthly bills of one meter share its calibration error; series are independent.

Series of one source whose activity data are normal are summed exactly into one normal (a
sum of independent normals is normal), so the cost grows with the number of sources, not
rows.  Non-normal series are drawn one by one for the largest `INDIVIDUAL` of a source; any
further ones are summed as one normal with the same variance (central limit theorem), and
the number of such rows is reported.  Draws are seeded and generated in a fixed order, so
the same inventory and seed give the same percentiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.audit.distributions import multiplier, variance

INDIVIDUAL = 64
CONVERGENCE_TOLERANCE = 0.01
CHECKPOINTS = (0.9, 0.925, 0.95, 0.975)


@dataclass
class Simulation:
    """Draws of each source's and each scope's total, and how they were made."""

    draws: int
    seed: int
    by_source: dict = field(default_factory=dict)  # source code -> (mean, variance)
    by_scope: dict = field(default_factory=dict)  # scope number -> array of totals
    rows_approximated: int = 0


def simulate(blocks, draws: int, seed: int) -> Simulation:
    """Simulate the blocks (a DataFrame, see module docstring) `draws` times.

    Columns: source, factor, series, scope (codes), kg, ad_lower, ad_upper, ad_dist,
    ef_lower, ef_upper, ef_dist.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    sim = Simulation(draws, seed)
    shared = blocks.groupby("factor")["source"].nunique()
    reused = set(shared.index[shared.to_numpy() > 1])
    factor_z: dict = {}
    blocks = blocks.sort_values(["source", "factor", "ef_dist", "ef_lower", "ef_upper",
                                 "series", "ad_dist", "ad_lower", "ad_upper"], kind="stable")
    for source, src in blocks.groupby("source", sort=True):
        total = np.zeros(draws)
        for (factor, ef_dist, ef_lo, ef_hi), cell in src.groupby(
                ["factor", "ef_dist", "ef_lower", "ef_upper"], sort=False):
            z = factor_z.get(factor)
            if z is None:
                z = rng.standard_normal(draws)
                if factor in reused:
                    factor_z[factor] = z
            ad, approximated = _activity(cell, rng, draws)
            sim.rows_approximated += approximated
            total += multiplier(z, ef_lo, ef_hi, ef_dist) * ad
        sim.by_source[source] = (float(total.mean()), float(total.var()))
        scope = int(src["scope"].iloc[0])
        if scope in sim.by_scope:
            sim.by_scope[scope] += total
        else:
            sim.by_scope[scope] = total
    return sim


def _activity(cell, rng, draws: int):
    """Draws of the activity-data side of one factor cell: sum over its series."""
    import numpy as np

    kg = cell["kg"].to_numpy(dtype=float)
    normal = (cell["ad_dist"].to_numpy() == "normal")
    series = cell["series"].to_numpy()
    # A series drawn on its own: any of its blocks is not normal, or it has several blocks
    # (mixed parameters must share the series' draw rather than be summed independently).
    counts = np.unique(series, return_counts=True)
    multi = set(counts[0][counts[1] > 1])
    own = ~normal | np.isin(series, list(multi))
    out = np.full(draws, float(kg[~own].sum()))
    sd = float(np.sqrt(np.sum((kg[~own] * cell["ad_upper"].to_numpy()[~own] / 1.959963984540054)
                              ** 2)))
    approximated = 0
    if own.any():
        sub = cell[own]
        size = sub.assign(_abs=np.abs(sub["kg"].to_numpy())).groupby("series")["_abs"].sum()
        keep = size.sort_values(ascending=False, kind="stable").index[:INDIVIDUAL]
        drawn = sub["series"].isin(keep).to_numpy()
        for _, group in sub[drawn].groupby("series", sort=True):
            z = rng.standard_normal(draws)
            for r in group.itertuples(index=False):
                out += r.kg * multiplier(z, r.ad_lower, r.ad_upper, r.ad_dist)
        tail = sub[~drawn]
        if len(tail):  # matched-variance normal for the long tail of small series
            out += float(tail["kg"].sum())
            for (dist, lo, hi), part in tail.groupby(["ad_dist", "ad_lower", "ad_upper"]):
                sd = float(np.hypot(sd, np.sqrt(np.sum(part["kg"].to_numpy() ** 2)
                                                * variance(lo, hi, dist))))
            approximated += int(tail["rows"].sum())
    if sd > 0:
        out += sd * rng.standard_normal(draws)
    return out, approximated


def summary(total, point: float) -> dict:
    """Mean, 2.5/97.5 percentiles and the convergence check of one array of totals.

    Converged when the mean and both percentiles computed from the first 90, 92.5, 95 and
    97.5 % of the draws each differ from the full-run value by less than 1 %, measured
    against the larger of that value and a tenth of the point estimate (so a bound near
    zero cannot fail the check on rounding alone).
    """
    import numpy as np

    n = len(total)
    lo, hi = np.percentile(total, [2.5, 97.5])
    mean = float(total.mean())
    worst = 0.0
    for share in CHECKPOINTS:
        k = int(n * share)
        if k < 2:
            continue
        part = total[:k]
        plo, phi = np.percentile(part, [2.5, 97.5])
        for full, now in ((mean, float(part.mean())), (lo, plo), (hi, phi)):
            scale = max(abs(float(full)), 0.1 * abs(point))
            if scale > 0:
                worst = max(worst, abs(float(now) - float(full)) / scale)
    return {
        "mean_kgco2e": mean, "p2_5_kgco2e": float(lo), "p97_5_kgco2e": float(hi),
        "lower_pct": _pct(point - lo, point), "upper_pct": _pct(hi - point, point),
        "convergence": {"max_relative_change": worst, "tolerance": CONVERGENCE_TOLERANCE,
                        "converged": bool(worst < CONVERGENCE_TOLERANCE)},
    }


def _pct(delta: float, point: float) -> float | None:
    return None if point == 0 else float(100.0 * delta / abs(point))
