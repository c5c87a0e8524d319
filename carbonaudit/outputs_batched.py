"""Write a batched run's files as one set: results (CSV or Parquet), findings, inventory.

The same contract as outputs.write_assessment (both go through outputs.write_output_set),
but the result rows stream from the run's spill (inventory.spill.ResultSink) one batch at a
time.

`results_format` "auto" writes Parquet above `PARQUET_ABOVE_ROWS` rows: a million-row
results.csv is about 450 MB that no spreadsheet opens whole, and the same rows as Parquet
(zstd) are a tenth of that and load column by column.
"""

from __future__ import annotations

from pathlib import Path

from carbonaudit.errors import UsageError
from carbonaudit.outputs import write_output_set

PARQUET_ABOVE_ROWS = 1_000_000
FORMATS = ("csv", "parquet", "auto")


def results_format(given: str | None, rows: int) -> str:
    """csv or parquet for `--results` (UsageError for anything else); the default is auto:
    results.csv up to PARQUET_ABOVE_ROWS rows, results.parquet above (no spreadsheet holds
    more rows in a sheet, and the Excel report then points at the file instead)."""
    choice = (given or "auto").lower()
    if choice not in FORMATS:
        raise UsageError(f"--results takes {' | '.join(FORMATS)}, not {given!r}")
    if choice == "auto":
        return "parquet" if rows > PARQUET_ABOVE_ROWS else "csv"
    return choice


def write_batched(assessment, document: dict, out_dir: Path, fmt: str = "csv"
                  ) -> dict[str, Path]:
    """Write the set; returns the paths by name (`results`, `findings`, `inventory`)."""
    names = {"results": f"results.{fmt}", "findings": "findings.json",
             "inventory": "inventory.json"}

    def results(path: Path) -> tuple[str, int]:
        return f"results_{fmt}", assessment.sink.write(path, assessment.findings, fmt)

    return write_output_set(assessment, document, out_dir, names, results)
