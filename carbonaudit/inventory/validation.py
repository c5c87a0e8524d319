"""The activity kind of `carbonaudit validate`: every check of `assess`, factor match included,
without computing emissions."""

from __future__ import annotations

from pathlib import Path

from carbonaudit.findings import ValidationReport


class ActivityKind:
    name = "activity"
    description = "activity spreadsheets (xlsx/csv): every check of assess, factor match included"

    def detect(self, path: Path) -> bool:
        return path.suffix.lower() in {".xlsx", ".xlsm", ".csv", ".txt", ".parquet", ".pq"}

    def validate(self, paths: list[Path], context: dict) -> ValidationReport:
        # The batched pipeline without its outputs: every check, a batch in memory at a time
        from carbonaudit.inventory.batches import run_batched

        a = run_batched([str(p) for p in paths], context["config"], context["options"],
                        progress=context.get("progress"))
        read, assessed = a.rows_read, a.summary.assessed
        return ValidationReport(
            self.name, a.findings,
            {"read": read, "passing": assessed, "failing": read - assessed},
            [{"path": s.path, "sha256": s.sha256} for s in a.sources],
        )
