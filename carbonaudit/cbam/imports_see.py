"""The supplier's actual embedded emissions on import lines: SEE cells or a communication file.

One meaning per name, as the Regulation and the Commission template define them:
`see_total` = direct + indirect; `see_counted` = what the definitive period counts for the
certificate basis (Art. 7(1) and Annex II of Reg. (EU) 2023/956 as amended): direct + indirect
for cement, fertilisers and sintered ore, direct only for every other good.  A supplier's
`cbam-communication.json` of the definitive period gives its own `see_counted` (which also
carries a complex good's precursor rule); for any other document it is computed by that rule.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from carbonaudit.cbam import reference
from carbonaudit.cbam.grid import factorize, number_uniques
from carbonaudit.cbam.row_findings import group_positions
from carbonaudit.findings import Finding, error
from carbonaudit.ingest.numbers import cell_problem_message
from carbonaudit.jsonio import loads

NUMBERS = ("see_direct", "see_indirect", "see_total", "carbon_price_paid")
TOL = 0.0015                       # three-decimal rounding of published SEE values
ROW_SOURCE = "actual values in the row"


def read_see(reader, out: dict) -> dict[str, object]:
    """The SEE columns of the line table; problems go to `reader.bad` at their cells."""
    n = reader.n
    values = {name: _numbers(reader, name) for name in NUMBERS}
    direct, indirect, total = (values[k] for k in ("see_direct", "see_indirect", "see_total"))
    given = ~np.isnan(direct) | ~np.isnan(indirect) | ~np.isnan(total)
    comm_codes, comm_uniques = factorize(reader.column("communication_file"))
    comm_names = [_text(u) for u in comm_uniques]
    has_comm = np.array([bool(t) for t in comm_names], dtype=bool)[comm_codes]
    conflict = has_comm & given
    reader.bad("cbam-import-see-conflict", "The row gives actual SEE values and a "
               "communication_file; keep one of them so it is clear which applies.",
               "communication_file", np.flatnonzero(conflict))
    source = np.full(n, "", dtype=object)
    source[given & ~conflict] = ROW_SOURCE
    doc_counted = np.full(n, np.nan)
    for array in (direct, indirect, total):
        array[conflict] = np.nan
    use = has_comm & ~given
    if use.any():
        _Communications(reader, out, comm_codes, comm_names).fill(
            use, direct, indirect, doc_counted, source)
    counted = _counted_flags(out["category"])
    has_value = ~np.isnan(direct) | ~np.isnan(indirect) | ~np.isnan(total)
    expected = direct + indirect
    _inconsistent(reader, has_value & ~np.isnan(total) & ~np.isnan(expected)
                  & (np.abs(total - expected) > TOL), total, expected)
    total_final = np.where(np.isnan(total), expected, total)
    direct_final = np.where(np.isnan(direct), total - indirect, direct)
    basis = np.where(counted, total_final, direct_final)
    # A good counted by its direct emissions, given only a total: the total includes any
    # indirect part, so it is an upper bound: used, never understating, and said.
    only_total = has_value & ~counted & np.isnan(direct) & np.isnan(indirect) & ~np.isnan(total)
    basis = np.where(only_total, total, basis)
    reader.bad("cbam-import-see-total-only", "Only see_total is given for a good whose "
               "certificates count direct emissions only (Annex II of Reg. (EU) 2023/956); "
               "see_total includes any indirect emissions, so it is used as an upper bound. "
               "Give see_direct (and see_indirect) to count the direct part alone.",
               "see_total", np.flatnonzero(only_total), severity="warning")
    basis = np.where(np.isnan(doc_counted), basis, doc_counted)
    _incomplete(reader, has_value & np.isnan(basis), out["category"], counted)
    keep = has_value & ~np.isnan(basis)
    return {"see_direct": np.where(has_value, direct_final, np.nan),
            "see_indirect": np.where(has_value, indirect, np.nan),
            "see_total": np.where(has_value, total_final, np.nan),
            "see_counted": np.where(keep, basis, np.nan),
            "see_source": _shared_strings(source),
            "carbon_price_paid": values["carbon_price_paid"]}


def _numbers(reader, name: str) -> np.ndarray:
    codes, uniques = factorize(reader.column(name))
    value_u, problem_u = number_uniques(uniques)
    value = value_u[codes].copy()
    bad = np.array([p is not None for p in problem_u], dtype=bool)
    for k, positions in group_positions(codes, bad[codes]).items():
        reader.bad("cbam-import-not-a-number", cell_problem_message(problem_u[k], uniques[k]),
                   name, positions)
    negative = value < 0
    for k, positions in group_positions(codes, negative).items():
        reader.bad("cbam-import-negative-value", f"The {name} value {value_u[k]:g} is "
                   "negative; it cannot be below zero.", name, positions)
    value[negative] = np.nan
    return value


def _counted_flags(category) -> np.ndarray:
    """Whether indirect emissions count in the definitive period, per line (Art. 7(1))."""
    flags = []
    for name in category.categories:
        good = reference.find_good(name)
        flags.append(bool(good and good.indirect_counted_definitive))
    codes = np.asarray(category.codes)
    return np.append(np.array(flags, dtype=bool), False)[codes]


def _inconsistent(reader, rows: np.ndarray, total: np.ndarray, expected: np.ndarray) -> None:
    positions = np.flatnonzero(rows)
    if not positions.size:
        return
    pairs, inverse = np.unique(np.round(np.stack([total[positions], expected[positions]], 1),
                                        9), axis=0, return_inverse=True)
    for k, (t, e) in enumerate(pairs):
        reader.bad("cbam-import-see-inconsistent", f"see_total {t:g} differs from see_direct "
                   f"+ see_indirect = {e:g} (see_total means direct + indirect); the given "
                   "see_total is kept. Check the supplier's figures.", "see_total",
                   positions[inverse.ravel() == k], severity="warning")


def _incomplete(reader, rows: np.ndarray, category, counted: np.ndarray) -> None:
    codes = np.asarray(category.codes).copy()
    for k, positions in group_positions(codes, rows).items():
        name = category.categories[k] if k >= 0 else ""
        need = ("see_direct and see_indirect (or see_total)" if counted[positions[0]]
                else "see_direct (or see_total with see_indirect)")
        reader.bad("cbam-import-see-incomplete", f"Actual values are incomplete: for "
                   f"{name or 'this good'} give {need} in t CO2e per t.", "see_direct",
                   positions)


class _Communications:
    """Suppliers' communication files named on the lines, each read once."""

    def __init__(self, reader, out: dict, comm_codes: np.ndarray, names: list[str]) -> None:
        self.reader, self.out, self.comm_codes, self.names = reader, out, comm_codes, names
        self.docs: dict[str, dict | Finding] = {}

    def fill(self, use: np.ndarray, direct: np.ndarray, indirect: np.ndarray,
             counted: np.ndarray, source: np.ndarray) -> None:
        cn = np.asarray(self.out["cn8"].codes).astype(np.int64)
        year = np.asarray(self.out["year"].fillna(0), dtype=np.int64)
        key = (self.comm_codes.astype(np.int64) * (len(self.out["cn8"].categories) + 1)
               + cn + 1) * 10000 + year
        for value, positions in group_positions(key, use).items():
            del value
            first = positions[0]
            got = self._product(self.names[self.comm_codes[first]], self._cn8(first),
                                int(year[first]) or None, positions)
            if got is None:
                continue
            d, i, c, pointer = got
            direct[positions], indirect[positions] = d, i
            counted[positions] = np.nan if c is None else c
            source[positions] = pointer

    def _cn8(self, position: int) -> str | None:
        code = int(self.out["cn8"].codes[position])
        return None if code < 0 else str(self.out["cn8"].categories[code])

    def _product(self, name: str, cn8: str | None, year: int | None, positions: np.ndarray):
        doc = self._doc(name)
        if isinstance(doc, Finding):
            self.reader.bad(doc.code, doc.message, "communication_file", positions)
            return None
        matches = [(k, p) for k, p in enumerate(doc.get("products") or [])
                   if isinstance(p, dict) and cn8 is not None
                   and reference.normalise_cn(p.get("cn_code")) == cn8]
        if not matches:
            self.reader.bad("cbam-import-communication-no-product", f"The communication "
                            f"{name} has no product with CN {cn8}; ask the supplier for it or "
                            "enter the actual values in the row.", "communication_file",
                            positions)
            return None
        keys = {(p.get("see_direct"), p.get("see_indirect")) for _, p in matches}
        if len(keys) > 1:
            names = ", ".join(str(p.get("name")) for _, p in matches)
            self.reader.bad("cbam-import-communication-ambiguous", f"The communication {name} "
                            f"has several products with CN {cn8} and different values "
                            f"({names}); enter the right product's values in the row.",
                            "communication_file", positions)
            return None
        index, product = matches[0]
        if _number(product.get("see_direct")) != _number(product.get("see_direct")) and \
                _number(product.get("see_total")) != _number(product.get("see_total")):
            self.reader.bad("cbam-import-communication-no-values", f"The communication {name} "
                            f"gives no SEE for CN {cn8} (products/{index}); ask the supplier for "
                            "it or enter the actual values in the row.", "communication_file",
                            positions)
            return None
        period = doc.get("period") or {}
        if period.get("year") is not None and year is not None and period["year"] != year:
            self.reader.bad("cbam-import-communication-period", f"The communication {name} "
                            f"covers {period['year']}, the import is in {year}; check that the "
                            "supplier's values apply to this period.", "communication_file",
                            positions, severity="warning")
        # A definitive-period document states what it counts; any other is recounted here.
        counted = (_number(product.get("see_counted"))
                   if period.get("regime") == "definitive" else None)
        return (_number(product.get("see_direct")), _number(product.get("see_indirect")),
                counted, f"{name}#/products/{index}")

    def _doc(self, name: str) -> dict | Finding:
        if name not in self.docs:
            self.docs[name] = _load_communication(self.reader.base / name, name)
        return self.docs[name]


def _load_communication(path: Path, name: str) -> dict | Finding:
    if not path.is_file():
        return error("cbam-import-communication-missing", f"The communication file {name} "
                     f"was not found (looked in {path.parent}); paths are relative to the "
                     "imports file.")
    try:
        doc = loads(path.read_bytes())  # safe loader: NaN, duplicate keys, depth
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return error("cbam-import-communication-unreadable", f"The communication file {name} "
                     f"is not readable JSON ({exc}).")
    if not isinstance(doc, dict) or doc.get("document_type") != "cbam-communication":
        return error("cbam-import-communication-unreadable", f"{name} is not a "
                     "cbam-communication document (document_type is missing or different); "
                     "see cbam/COMMUNICATION.md.")
    return doc


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value) if math.isfinite(value) else math.nan


def _shared_strings(values: np.ndarray):
    import pandas as pd

    return pd.Categorical(values)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
