"""`carbonaudit cbam assess`: one installation file in, the communication files out.

Reads the installation (our workbook or a filled official template), computes, builds the
communication document, validates it against its schema, and writes
`cbam-communication.json`, `communication.xlsx` and `findings.json` into the output folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.cbam.model import Installation
from carbonaudit.errors import CarbonAuditError, UsageError
from carbonaudit.findings import Finding, sort_key

REGIMES = ("transitional", "definitive")


@dataclass
class CbamAssessment:
    installation: Installation
    result: object
    document: dict
    findings: list[Finding] = field(default_factory=list)


def assess_installation(path: Path, regime: str = "definitive",
                        year: int | None = None) -> CbamAssessment:
    """Read, compute and document one installation; findings carry the user's cells."""
    from carbonaudit import __version__
    from carbonaudit.cbam.compute import compute
    from carbonaudit.cbam.document import build_document
    from carbonaudit.cbam.read import read_installation
    from carbonaudit.schemas import validate_document

    if regime not in REGIMES:
        raise UsageError(f"--period must be one of {', '.join(REGIMES)}, not {regime!r}")
    inst, read_findings = read_installation(Path(path))
    year = year or _period_year(inst)
    result = compute(inst, regime=regime, year=year)
    doc = build_document(result, inst, tool_version=__version__)
    problems = validate_document(doc, "cbam-communication")
    if problems:  # our own bug: say so rather than hand the importer a bad file
        raise CarbonAuditError("internal error: the communication document does not match its "
                               f"schema ({problems[0].location.pointer}: {problems[0].message})")
    findings = sorted([*read_findings, *result.findings], key=sort_key)
    from carbonaudit.findings import count_by_severity

    doc["findings_summary"] = count_by_severity(findings)
    return CbamAssessment(inst, result, doc, findings)


def _period_year(inst: Installation) -> int | None:
    start = inst.site.period_start
    return start.year if start else None


def write_outputs(assessment: CbamAssessment, out_dir: Path) -> dict[str, Path]:
    """The JSON document, the importer's workbook and the findings, each written atomically."""
    from carbonaudit.cbam.communication_xlsx import write_communication_workbook
    from carbonaudit.outputs import atomic_write, dumps, findings_document

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    protected = set()
    if assessment.installation.source_path:
        protected.add(Path(assessment.installation.source_path).resolve())
    paths = {"communication": out_dir / "cbam-communication.json",
             "workbook": out_dir / "communication.xlsx",
             "findings": out_dir / "findings.json"}
    if paths["workbook"].resolve() in protected:
        raise UsageError(f"refusing to write over the input file {paths['workbook']}")
    atomic_write(paths["communication"], dumps(assessment.document), protected)
    write_communication_workbook(assessment.document, paths["workbook"])
    atomic_write(paths["findings"], dumps(findings_document(assessment.findings)), protected)
    return paths
