"""`carbonaudit validate`: check files without computing, one small interface per kind.

A kind knows how to recognise its files and how to check them; later kinds (CBAM, PACT)
register themselves in KINDS the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from carbonaudit.errors import UsageError
from carbonaudit.findings import Finding


@dataclass
class ValidationReport:
    kind: str
    findings: list[Finding] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)


class Kind(Protocol):
    name: str
    description: str

    def detect(self, path: Path) -> bool: ...

    def validate(self, paths: list[Path], context: dict) -> ValidationReport: ...


class ActivityKind:
    name = "activity"
    description = "activity spreadsheets (xlsx/csv): every check of assess, factor match included"

    def detect(self, path: Path) -> bool:
        return path.suffix.lower() in {".xlsx", ".xlsm", ".csv", ".txt"}

    def validate(self, paths: list[Path], context: dict) -> ValidationReport:
        from carbonaudit.inventory.engine import check_only

        a = check_only([str(p) for p in paths], context["config"], context["options"],
                       context.get("progress"))
        df = a.results
        assessed = int((df["status"] == "assessed").sum())
        return ValidationReport(
            self.name, a.findings,
            {"read": len(df), "passing": assessed, "failing": len(df) - assessed},
            [{"path": s.path, "sha256": s.sha256} for s in a.sources],
        )


class FactorsKind:
    name = "factors"
    description = "user emission-factor files (csv/xlsx with the factor columns)"

    def detect(self, path: Path) -> bool:
        head = _first_line(path)
        return "co2_fossil" in head and "activity" in head and "id" in head

    def validate(self, paths: list[Path], context: dict) -> ValidationReport:
        from carbonaudit.factors.library import read_user_factors

        findings: list[Finding] = []
        rows = 0
        inputs = []
        for p in paths:
            df, fset, found = read_user_factors(p)
            findings.extend(found)
            rows += len(df)
            inputs.append({"path": str(p), "sha256": fset.sha256})
        return ValidationReport(self.name, findings, {"factors_accepted": rows}, inputs)


def _first_line(path: Path) -> str:
    suffix = path.suffix.lower()
    try:
        if suffix in {".csv", ".txt"}:
            with open(path, encoding="utf-8-sig", errors="replace") as fh:
                return fh.readline().lower()
        if suffix in {".xlsx", ".xlsm"}:
            import python_calamine

            wb = python_calamine.load_workbook(str(path))
            rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python(nrows=1)
            return ",".join(str(c) for c in (rows[0] if rows else [])).lower()
    except Exception:  # unreadable files are reported by the kind that reads them
        return ""
    return ""


KINDS: dict[str, Kind] = {"activity": ActivityKind(), "factors": FactorsKind()}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def _register_builtin() -> None:
    # Imported here, not at the top: those modules import ValidationReport from this one.
    from carbonaudit.cbam.validation import CbamKind
    from carbonaudit.pact.validate import PactKind

    register(CbamKind())
    register(PactKind())


def choose_kind(name: str, paths: list[Path]) -> Kind:
    if "cbam" not in KINDS:
        _register_builtin()
    if name != "auto":
        if name not in KINDS:
            raise UsageError(f"unknown kind {name!r}; choose one of auto, {', '.join(KINDS)}")
        return KINDS[name]
    order = [KINDS["factors"], *(k for n, k in KINDS.items() if n not in {"factors", "activity"}),
             KINDS["activity"]]
    for kind in order:
        if all(kind.detect(p) for p in paths):
            return kind
    raise UsageError("cannot tell what kind of file this is; pass --kind")
