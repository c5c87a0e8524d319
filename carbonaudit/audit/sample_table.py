"""The sample as a table: the columns of sample.csv and of the workpapers' Sample sheet.

Both carry the same columns in the same order, the last four empty for the verifier
(`evidence`, `agreed_kgco2e`, `status` ok/exception, `verifier_note`); the evidence reader
finds them by these names.  Text a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import math

from carbonaudit.audit.sampling import Sample, reason_text

COLUMNS = ("sample_id", "source_file", "cell", "reference", "activity", "item", "site",
           "scope", "quantity", "unit", "recalculated_kgco2e", "claimed_kgco2e",
           "selected_because", "evidence", "agreed_kgco2e", "status", "verifier_note")
VERIFIER_COLUMNS = ("evidence", "agreed_kgco2e", "status", "verifier_note")
NUMBER_COLUMNS = ("quantity", "recalculated_kgco2e", "claimed_kgco2e")


def sample_rows(sample: Sample, frame) -> list[dict]:
    """One dict per selected row, keyed by COLUMNS (None for an empty cell)."""
    out = []
    for k, i in enumerate(sample.selected):
        r = frame.iloc[i]
        scope = r["scope"]
        out.append({
            "sample_id": sample.sample_id(k), "source_file": str(r["_file"]),
            "cell": r["cell"], "reference": _text(r.get("reference")),
            "activity": _text(r["activity"]), "item": _text(r["item"]),
            "site": _text(r["site"]),
            "scope": None if _missing(scope) else int(scope),
            "quantity": _num(r["quantity"]), "unit": _text(r["unit_text"]),
            "recalculated_kgco2e": _num(r["co2e_kg"]), "claimed_kgco2e": _num(r["claimed_kg"]),
            "selected_because": reason_text(sample, i),
            "evidence": None, "agreed_kgco2e": None, "status": None, "verifier_note": None,
        })
    return out


def sample_csv(rows: list[dict]) -> bytes:
    """sample.csv: UTF-8, every value in its shortest round-trip form."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in rows:
        w.writerow(["" if row[c] is None else _cell(row[c]) for c in COLUMNS])
    return buf.getvalue().encode("utf-8")


def _cell(v) -> str:
    if isinstance(v, float):
        return repr(v)
    s = str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@") and not _is_number(s) else s


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _missing(v) -> bool:
    try:
        return v is None or bool(v != v) or str(v) == "<NA>"
    except TypeError:  # pandas.NA refuses a truth value
        return True


def _num(v) -> float | None:
    return None if _missing(v) or (isinstance(v, float) and math.isnan(v)) else float(v)


def _text(v) -> str:
    return "" if _missing(v) else str(v)
