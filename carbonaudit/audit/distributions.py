"""Uncertainty distributions: from "-lower/+upper % at 95 %" to multipliers with mean 1.

Every uncertain quantity is modelled as its point estimate times a random multiplier.  The
multiplier is drawn from a standard normal `z` by a monotone transform, so two quantities
that must move together (rows sharing one emission factor) simply reuse the same `z`:
that is the "same random draw" of IPCC good practice, and it works across distributions.

Parameters are set so that the 2.5 and 97.5 percentiles of the multiplier sit at
`1 - lower` and `1 + upper` (normal, triangular and uniform, which are symmetric), or so that
their ratio is `(1 + upper) / (1 - lower)` with the mean kept at 1 (lognormal, the only
shape allowed to be asymmetric): the inventory's point estimate stays the central value,
as IPCC 2006 Vol 1 Ch 3 asks once known bias is removed.
"""

from __future__ import annotations

import math

DISTRIBUTIONS = ("normal", "lognormal", "triangular", "uniform")
Z95 = 1.959963984540054  # two-sided 95 % quantile of the standard normal
# Above this relative uncertainty Approach 1's linear propagation stops being reliable
# (VERIFICATION.md section 2.1); user-given ranges above it are drawn as lognormal.
LINEAR_LIMIT = 0.30
_TRI = 1.0 - math.sqrt(0.05)  # 95 % half-width of a symmetric triangle, per unit half-base
_UNI = 0.95  # 95 % half-width of a uniform, per unit half-width


def problem(lower: float, upper: float, distribution: str) -> str | None:
    """Why (lower, upper, distribution) cannot describe a multiplier, or None if it can."""
    if distribution not in DISTRIBUTIONS:
        return f"distribution {distribution!r} is not one of {', '.join(DISTRIBUTIONS)}"
    if not (math.isfinite(lower) and math.isfinite(upper)) or lower < 0 or upper < 0:
        return "uncertainties must be finite and not negative"
    if lower >= 1:
        return "a lower uncertainty of 100 % or more would allow negative emissions"
    if distribution != "lognormal" and not math.isclose(lower, upper, abs_tol=1e-12):
        return f"a {distribution} distribution is symmetric; give lower = upper or use lognormal"
    return None


def choose(lower: float, upper: float) -> str:
    """The shape for a user-given range: normal when symmetric and within the linear limit."""
    if math.isclose(lower, upper, abs_tol=1e-12) and upper <= LINEAR_LIMIT:
        return "normal"
    return "lognormal"


def _log_sigma(lower: float, upper: float) -> float:
    return math.log((1.0 + upper) / (1.0 - lower)) / (2.0 * Z95)


def variance(lower: float, upper: float, distribution: str) -> float:
    """Variance of the multiplier (its mean is 1)."""
    if distribution == "normal":
        return (upper / Z95) ** 2
    if distribution == "lognormal":
        return math.expm1(_log_sigma(lower, upper) ** 2)
    if distribution == "triangular":
        return (upper / _TRI) ** 2 / 6.0
    return (upper / _UNI) ** 2 / 3.0


def multiplier(z, lower: float, upper: float, distribution: str):
    """Multipliers (numpy array, mean 1) for standard-normal draws `z`."""
    import numpy as np

    if distribution == "normal":
        return 1.0 + (upper / Z95) * z
    if distribution == "lognormal":
        s = _log_sigma(lower, upper)
        return np.exp(s * z - 0.5 * s * s)
    u = normal_cdf(z)
    if distribution == "uniform":
        a = upper / _UNI
        return 1.0 - a + 2.0 * a * u
    a = upper / _TRI  # symmetric triangle on [1 - a, 1 + a], mode 1
    low = u < 0.5
    out = np.empty_like(u)
    out[low] = 1.0 - a + a * np.sqrt(2.0 * u[low])
    out[~low] = 1.0 + a - a * np.sqrt(2.0 * (1.0 - u[~low]))
    return out


# Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): numpy has no erf, and a draw's
# uniform needs only that precision.
_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def normal_cdf(z):
    """Standard normal CDF of an array, to about 1e-7."""
    import numpy as np

    x = np.abs(z) / math.sqrt(2.0)
    t = 1.0 / (1.0 + _P * x)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    erf = 1.0 - poly * np.exp(-x * x)
    return 0.5 * (1.0 + np.sign(z) * erf)
