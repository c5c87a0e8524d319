"""The result of an importer's CBAM assessment: per line, per CN code and origin, totals, files.

`imports.assess_imports` fills these; `write_imports_results` writes cbam-imports.json and the
line and group CSVs deterministically.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.findings import Finding

DE_MINIMIS_T = 50.0
DE_MINIMIS_WARN_T = 45.0            # 90 % of the threshold: the Commission flags importers here
NEVER_EXEMPT = ("28041000", "27160000")   # hydrogen, electricity


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
    see_used: float | None = None          # certificate basis, t CO2e per t (MWh)
    see_unmarked: float | None = None      # without mark-up (quarterly holding basis)
    markup_pct: float = 0.0
    embedded_t: float | None = None
    embedded_unmarked_t: float | None = None
    benchmark: float | None = None
    benchmark_column: str = ""
    faa_t: float | None = None
    certificates_t: float | None = None
    see_source: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


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
    lines: list[LineResult]
    groups: list[dict]
    totals: dict
    findings: list[Finding]

    def to_dict(self) -> dict:
        return {
            "document_type": "cbam-imports-assessment",
            "year": self.year, "input": self.source,
            "parameters": {"cscf": self.cscf, "cbam_factor_pct": self.cbam_factor_pct,
                           "defaults_table": self.defaults_source,
                           "de_minimis_threshold_t": DE_MINIMIS_T},
            "de_minimis": self.de_minimis.to_dict(),
            "totals": self.totals, "groups": self.groups,
            "lines": [line.to_dict() for line in self.lines],
            "findings": [f.to_dict() for f in self.findings],
        }


def _sum(values: list[float | None]) -> float | None:
    return None if any(v is None for v in values) else math.fsum(v for v in values if v)


def group_results(results: list[LineResult]) -> list[dict]:
    """Per CN code and origin, in order of first appearance."""
    groups: dict[tuple[str, str], list[LineResult]] = {}
    for r in results:
        if r.cn_code and r.country and r.status in ("in-scope", "exempt-de-minimis"):
            groups.setdefault((r.cn_code, r.country), []).append(r)
    out = []
    for (cn8, country), rows in groups.items():
        bases = sorted({r.basis or "none" for r in rows})
        out.append({
            "cn_code": cn8, "cn_formatted": reference.cn_codes()[cn8].formatted,
            "category": reference.cn_codes()[cn8].category, "country": country,
            "lines": len(rows), "mass": math.fsum(r.mass or 0.0 for r in rows),
            "unit": "MWh" if cn8 == "27160000" else "t",
            "basis": bases[0] if len(bases) == 1 else "mixed",
            "status": ",".join(sorted({r.status for r in rows})),
            "embedded_t": _sum([r.embedded_t for r in rows]),
            "embedded_unmarked_t": _sum([r.embedded_unmarked_t for r in rows]),
            "faa_t": _sum([r.faa_t for r in rows if r.status == "in-scope"]),
            "certificates_t": _sum([r.certificates_t for r in rows]),
        })
    return out


def totals_of(results: list[LineResult], dm: DeMinimis) -> dict:
    liable = [r for r in results if r.status == "in-scope"]
    computed = [r.certificates_t for r in liable if r.certificates_t is not None]
    return {
        "lines": len(results),
        "lines_by_status": {s: sum(r.status == s for r in results) for s in
                            ("in-scope", "exempt-de-minimis", "not-subject", "other-year",
                             "invalid")},
        "de_minimis_exempt": dm.exempt,
        "embedded_t": _sum([r.embedded_t for r in liable]),
        "embedded_unmarked_t": _sum([r.embedded_unmarked_t for r in liable]),
        "faa_t": _sum([r.faa_t for r in liable]),
        "certificates_t": _sum([r.certificates_t for r in liable]),
        "certificates_before_faa_t": _sum([r.embedded_t for r in liable]),
        "certificates_computed_lines_t": math.fsum(computed),
        "lines_certificates_not_computed": len(liable) - len(computed),
    }



def write_imports_results(result: ImportsResult, out_dir: str | Path) -> list[Path]:
    """Write cbam-imports.json, cbam-imports-lines.csv and cbam-imports-groups.csv."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = result.to_dict()
    paths = [out / "cbam-imports.json", out / "cbam-imports-lines.csv",
             out / "cbam-imports-groups.csv"]
    paths[0].write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    _write_csv(paths[1], doc["lines"], list(LineResult.__slots__))
    group_fields = list(doc["groups"][0]) if doc["groups"] else ["cn_code", "country"]
    _write_csv(paths[2], doc["groups"], group_fields)
    return paths


def _write_csv(path: Path, rows: list[dict], fields: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in fields})
