"""The result of an importer's CBAM assessment: per line, per CN code and origin, totals, files.

`imports.assess_imports` fills these.  The lines are a table (one row per import line, a
column per `LineResult` field) so a million lines stay compact; `result.lines` still gives
each as a `LineResult`.  `write_imports_results` writes `cbam-imports.json` (parameters, de
minimis, totals, groups, findings: never the lines), the line table as CSV or Parquet and the
groups as CSV, deterministically.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from carbonaudit.cbam import reference
from carbonaudit.cbam.imports_reader import Lines
from carbonaudit.findings import Finding

DE_MINIMIS_T = 50.0
DE_MINIMIS_WARN_T = 45.0            # 90 % of the threshold: the Commission flags importers here
NEVER_EXEMPT = ("28041000", "27160000")   # hydrogen, electricity
STATUSES = ("in-scope", "exempt-de-minimis", "not-subject", "other-year", "invalid")
LINE_FORMATS = ("csv", "parquet")


@dataclass(slots=True)
class LineResult:
    row: int
    cn_code: str | None
    country: str | None
    year: int | None
    quarter: int | None
    mass: float | None
    status: str           # in-scope | exempt-de-minimis | not-subject | other-year | invalid
    basis: str = ""       # actual | default | ""
    route: str = ""
    see_used: float | None = None          # certificate basis, t CO2e per t (MWh)
    see_unmarked: float | None = None      # without mark-up (quarterly holding basis)
    markup_pct: float = 0.0
    embedded_t: float | None = None
    embedded_unmarked_t: float | None = None
    benchmark: float | None = None
    benchmark_column: str = ""             # A (actual values) | B (default values)
    benchmark_route: str = ""
    benchmark_status: str = ""
    faa_t: float | None = None
    certificates_t: float | None = None    # embedded - FAA, never below zero
    carbon_price_paid_eur: float | None = None
    carbon_price_deducted_eur: float | None = None
    price_eur: float | None = None         # EUR per certificate used for the line
    cost_eur: float | None = None
    see_source: str = ""
    default_row: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


LINE_RESULT_FIELDS = tuple(f.name for f in fields(LineResult))


@dataclass
class DeMinimis:
    year: int
    counted_mass_t: float
    threshold_t: float = DE_MINIMIS_T
    exempt: bool = False
    near_threshold: bool = False
    always_in_scope_mass: float = 0.0      # hydrogen t + electricity MWh, never exempt
    lines_not_counted: int = 0

    def to_dict(self) -> dict:
        return {"year": self.year, "counted_mass_t": self.counted_mass_t,
                "threshold_t": self.threshold_t, "exempt": self.exempt,
                "near_threshold": self.near_threshold,
                "always_in_scope_mass": self.always_in_scope_mass,
                "lines_not_counted": self.lines_not_counted,
                "complete": self.lines_not_counted == 0}


@dataclass
class ImportsResult:
    year: int
    source: dict
    cscf: float | None
    cbam_factor_pct: float | None
    defaults_source: str
    de_minimis: DeMinimis
    table: pd.DataFrame
    groups: list[dict]
    totals: dict
    findings: list[Finding]
    price: dict | None = None      # {"all": EUR} or {"2026-Q1": EUR, ...}

    @property
    def lines(self) -> Lines:
        return Lines(self.table, make=LineResult)

    def to_dict(self) -> dict:
        return {
            "document_type": "cbam-imports-assessment",
            "year": self.year, "input": self.source,
            "parameters": {"cscf": self.cscf, "cbam_factor_pct": self.cbam_factor_pct,
                           "certificate_price_eur": self.price,
                           "defaults_table": self.defaults_source,
                           "de_minimis_threshold_t": DE_MINIMIS_T},
            "de_minimis": self.de_minimis.to_dict(),
            "totals": self.totals, "groups": self.groups,
            "lines": {"count": len(self.table), "columns": list(LINE_RESULT_FIELDS)},
            "findings": [f.to_dict() for f in self.findings],
        }


def _sum(values: pd.Series) -> float | None:
    """Exact sum, or None when any value is missing (a part not computed is not zero)."""
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any():
        return None
    return math.fsum(array.tolist()) if array.size < 100_000 else float(array.sum())


def group_results(table: pd.DataFrame) -> list[dict]:
    """Per CN code and origin, in order of first appearance (in-scope and exempt lines)."""
    keep = table[table["status"].isin(("in-scope", "exempt-de-minimis"))
                 & table["cn_code"].notna() & table["country"].notna()]
    out = []
    for (cn8, country), rows in keep.groupby(["cn_code", "country"], sort=False,
                                             observed=True):
        code = reference.cn_codes()[str(cn8)]
        bases = sorted({str(b) or "none" for b in rows["basis"]})
        in_scope = rows[rows["status"] == "in-scope"]
        out.append({
            "cn_code": str(cn8), "cn_formatted": code.formatted, "category": code.category,
            "country": str(country), "lines": len(rows), "mass": _sum(rows["mass"]),
            "unit": "MWh" if cn8 == "27160000" else "t",
            "basis": bases[0] if len(bases) == 1 else "mixed",
            "status": ",".join(sorted({str(s) for s in rows["status"]})),
            "embedded_t": _sum(rows["embedded_t"]),
            "embedded_unmarked_t": _sum(rows["embedded_unmarked_t"]),
            "faa_t": _sum(in_scope["faa_t"]),
            "certificates_t": _sum(rows["certificates_t"]),
            "cost_eur": _sum(rows["cost_eur"]),
        })
    return out


def totals_of(table: pd.DataFrame, priced: bool) -> dict:
    liable = table[table["status"] == "in-scope"]
    computed = liable["certificates_t"].dropna()
    costed = liable["cost_eur"].dropna()
    return {
        "lines": len(table),
        "lines_by_status": {s: int((table["status"] == s).sum()) for s in STATUSES},
        "embedded_t": _sum(liable["embedded_t"]),
        "embedded_unmarked_t": _sum(liable["embedded_unmarked_t"]),
        "faa_t": _sum(liable["faa_t"]),
        "certificates_t": _sum(liable["certificates_t"]),
        "certificates_before_faa_t": _sum(liable["embedded_t"]),
        "certificates_computed_lines_t": _sum(computed) or 0.0,
        "lines_certificates_not_computed": int(len(liable) - len(computed)),
        "carbon_price_deducted_eur": _sum(liable["carbon_price_deducted_eur"].dropna()) or 0.0,
        "cost_eur": _sum(liable["cost_eur"]) if priced else None,
        "cost_computed_lines_eur": (_sum(costed) or 0.0) if priced else None,
        "lines_cost_not_computed": int(len(liable) - len(costed)) if priced else None,
    }


def write_imports_results(result: ImportsResult, out_dir: str | Path,
                          lines_format: str = "csv") -> list[Path]:
    """Write cbam-imports.json, the line table (cbam-imports-lines.csv or .parquet) and
    cbam-imports-groups.csv; the JSON names the line file instead of holding the lines."""
    if lines_format not in LINE_FORMATS:
        raise ValueError(f"lines_format must be one of {LINE_FORMATS}, not {lines_format!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines_path = out / f"cbam-imports-lines.{lines_format}"
    paths = [out / "cbam-imports.json", lines_path, out / "cbam-imports-groups.csv"]
    doc = result.to_dict()
    doc["lines"]["file"] = lines_path.name
    paths[0].write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    _write_lines(result.table, lines_path, lines_format)
    group_fields = list(doc["groups"][0]) if doc["groups"] else ["cn_code", "country"]
    with paths[2].open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=group_fields, lineterminator="\n")
        writer.writeheader()
        for row in doc["groups"]:
            writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in group_fields})
    return paths


def _write_lines(table: pd.DataFrame, path: Path, lines_format: str) -> None:
    """Arrow writes the table column by column: a million lines in about a second."""
    import pyarrow as pa

    arrow = pa.Table.from_pandas(table[list(LINE_RESULT_FIELDS)], preserve_index=False)
    arrow = arrow.cast(pa.schema([
        pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f
        for f in arrow.schema]))
    if lines_format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(arrow, path)
        return
    from pyarrow import csv as pa_csv

    pa_csv.write_csv(arrow, path, write_options=pa_csv.WriteOptions(quoting_style="needed"))
