"""The activity kind of `carbonaudit validate`: every check of `assess`, factor match included,
without computing emissions."""

from __future__ import annotations

from pathlib import Path

from carbonaudit.findings import ValidationReport


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
