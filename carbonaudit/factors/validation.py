"""The factors kind of `carbonaudit validate`: a user's own emission-factor files."""

from __future__ import annotations

from pathlib import Path

from carbonaudit.findings import Finding, ValidationReport


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
