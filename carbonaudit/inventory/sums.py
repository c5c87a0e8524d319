"""Sums of result columns as plain, stable floats for the report document."""

from __future__ import annotations


def f(x) -> float:
    """Plain float for JSON; -0.0 and NaN sums become 0.0 so output is stable."""
    v = float(x)
    return 0.0 if v != v or v == 0 else v


def total(df, col: str) -> float:
    """The column's sum as a stable float; 0.0 for no rows."""
    return f(df[col].sum()) if len(df) else 0.0
