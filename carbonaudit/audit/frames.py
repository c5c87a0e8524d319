"""Whole-column helpers for the audit checks: masks, day numbers and integer codes.

A million-row results frame is never copied or compared as text here: categorical
columns are read through their codes, text columns are factorized once, and several code
columns become one dense code per distinct combination.
"""

from __future__ import annotations

NAT = -(2 ** 63)  # NaT as int64


def assessed(df):
    """Boolean mask of assessed rows, read from the category codes when it is categorical."""
    import numpy as np

    col = df["status"]
    if hasattr(col, "cat"):
        cats = list(col.cat.categories)
        if "assessed" not in cats:
            return np.zeros(len(df), dtype=bool)
        return col.cat.codes.to_numpy() == cats.index("assessed")
    return col.to_numpy() == "assessed"


def days(col):
    """A datetime column as int64 days since 1970 (NaT as the int64 minimum)."""
    import numpy as np

    return col.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def codes(col):
    """Integer codes and the distinct values of a column (blank and missing share a code)."""
    import pandas as pd

    if hasattr(col, "cat"):
        out = col.cat.codes.to_numpy().astype("int64")
        cats = [str(c) for c in col.cat.categories]
        return (out.copy() if (out >= 0).all() else
                pd.Series(out).where(out >= 0, len(cats)).to_numpy()), [*cats, ""]
    out, uniques = pd.factorize(col)  # missing values get -1: one pass, no fillna copy
    out = out.astype("int64")
    names = [str(u) for u in uniques]
    if (out < 0).any():
        if "" not in names:
            names.append("")
        out[out < 0] = names.index("")
    return out, names


def combine(*arrays, sort: bool = True):
    """One dense integer code per distinct combination of several arrays (codes, numbers)."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({str(k): a for k, a in enumerate(arrays)})
    return frame.groupby(list(frame.columns), sort=sort).ngroup().to_numpy().astype(np.int64)


def place(values, at, n):
    """values[i] placed at at[i] (all members of a code share the value)."""
    import numpy as np

    out = np.empty(n, dtype=values.dtype)
    out[at] = values
    return out


def first_positions(code, n):
    """For each of n codes, the first position where it occurs."""
    import numpy as np

    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(code), dtype=np.int64))
    return first
