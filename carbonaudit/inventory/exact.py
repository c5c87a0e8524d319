"""Exact sums of float64 values per group, that can be split over batches and merged.

A float sum depends on the order of its terms: summing a million rows in batches of 1,000
and in one pass gives totals that differ in the last digits, and so would two Dask
partitionings.  Here every value is split exactly into an integer mantissa and its binary
exponent, the mantissas are added as integers per (group, exponent), and only the final
total is rounded, once and correctly (round-half-even, as `math.fsum`).  The result is the
float nearest to the true sum, whatever the order or batching of the terms: batch, whole
file and Dask runs agree to the last bit.

State is three int64 arrays per column (bucket key, high and low mantissa halves); merging
two states is concatenating and re-adding them, which is exact.
"""

from __future__ import annotations

import math

import numpy as np

_EXP_SPAN = 4096      # frexp exponents of finite doubles lie in [-1073, 1024]
_EXP_BIAS = 2048
_LOW_BITS = 26        # mantissa (< 2**53) = high * 2**26 + low


class ExactSums:
    """Exact per-group sums of one float column (groups are non-negative integers)."""

    __slots__ = ("key", "hi", "lo", "_pending", "_pending_n")

    def __init__(self) -> None:
        self.key = np.zeros(0, dtype=np.int64)
        self.hi = np.zeros(0, dtype=np.int64)
        self.lo = np.zeros(0, dtype=np.int64)
        self._pending: list = []  # states merged in but not yet added up (done in bulk)
        self._pending_n = 0

    def __getstate__(self):
        self._flush()
        return (self.key, self.hi, self.lo)

    def __setstate__(self, state) -> None:
        self.key, self.hi, self.lo = state
        self._pending, self._pending_n = [], 0

    def add(self, groups, values) -> None:
        """Add `values` (float) to their `groups` (int); NaN is skipped, as pandas sums do."""
        values = np.asarray(values, dtype=np.float64)
        groups = np.asarray(groups, dtype=np.int64)
        live = np.isfinite(values) & (values != 0.0)
        if not live.any():
            return
        mant, exp = np.frexp(values[live])
        n = (mant * 2.0**53).astype(np.int64)  # exact: a double has 53 significant bits
        key = groups[live] * _EXP_SPAN + (exp.astype(np.int64) + _EXP_BIAS)
        self._absorb(key, n >> _LOW_BITS, n & ((1 << _LOW_BITS) - 1))

    def merge(self, other: ExactSums) -> None:
        """Add another state's sums into this one (exact)."""
        other._flush()
        if len(other.key):
            # added up once the pending parts outgrow the state: each batch's merge would
            # otherwise re-sort the whole state
            self._pending.append((other.key, other.hi, other.lo))
            self._pending_n += len(other.key)
            if self._pending_n > max(4 * len(self.key), 1 << 20):
                self._flush()

    def _flush(self) -> None:
        if self._pending:
            parts, self._pending, self._pending_n = self._pending, [], 0
            self._absorb(*(np.concatenate([p[i] for p in parts]) for i in range(3)))

    def _absorb(self, key, hi, lo) -> None:
        key = np.concatenate([self.key, key])
        hi = np.concatenate([self.hi, hi])
        lo = np.concatenate([self.lo, lo])
        order = np.argsort(key, kind="stable")
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        self.key = key[starts]
        # int64 stays exact up to 2**36 values per bucket: far beyond any input
        self.hi = np.add.reduceat(hi[order], starts)
        self.lo = np.add.reduceat(lo[order], starts)

    def totals(self, n_groups: int) -> np.ndarray:
        """The correctly rounded sum of each group 0..n_groups-1 (0.0 where empty)."""
        self._flush()
        out = np.zeros(n_groups, dtype=np.float64)
        if not len(self.key):
            return out
        group = self.key // _EXP_SPAN
        exp = self.key % _EXP_SPAN - _EXP_BIAS
        # Both halves times their power of two are exact doubles while |hi|, |lo| < 2**53
        # and the result is not subnormal; the group's sum of these exact terms is then
        # rounded once by math.fsum (one IEEE addition when the group has a single bucket).
        safe = (np.abs(self.hi) < 2**53) & (self.lo < 2**53) & (exp - 53 > -1000)
        f_hi = np.ldexp(self.hi.astype(np.float64), (exp - 53 + _LOW_BITS).astype(np.int32))
        f_lo = np.ldexp(self.lo.astype(np.float64), (exp - 53).astype(np.int32))
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        ends = np.r_[starts[1:], len(group)]
        single = (ends - starts == 1) & safe[starts]
        out[group[starts[single]]] = f_hi[starts[single]] + f_lo[starts[single]]
        for s, e in zip(starts[~single].tolist(), ends[~single].tolist(), strict=True):
            g = int(group[s])
            if safe[s:e].all():
                out[g] = math.fsum([*f_hi[s:e].tolist(), *f_lo[s:e].tolist()])
            else:
                out[g] = _exact_python(self.hi[s:e], self.lo[s:e], exp[s:e])
        return out


def _exact_python(hi, lo, exp) -> float:
    """The same sum in Python integers (scaled by 2**1126): for huge counts or tiny values."""
    total = 0
    for h, low, e in zip(hi.tolist(), lo.tolist(), exp.tolist(), strict=True):
        total += ((h << _LOW_BITS) + low) << (e + 1073)
    return total / (1 << 1126)  # int / int true division rounds correctly


def exact_sum(values) -> float:
    """The correctly rounded sum of an array (NaN skipped)."""
    s = ExactSums()
    s.add(np.zeros(len(values), dtype=np.int64), values)
    return float(s.totals(1)[0])
