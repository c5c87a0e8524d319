"""Write a batched run's files as one set: results (CSV or Parquet), findings, inventory.

The same contract as outputs.write_assessment (a temporary folder inside --out, renamed
into place only when every file is complete, inventory.json last and naming the others'
hashes; inputs and folders refused; an OSError is one line, exit 3), but the result rows
stream from the run's spill (inventory.spill.ResultSink) one batch at a time.

`results_format` "auto" writes Parquet above `PARQUET_ABOVE_ROWS` rows: a million-row
results.csv is about 450 MB that no spreadsheet opens whole, and the same rows as Parquet
(zstd) are a tenth of that and load column by column.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from carbonaudit.errors import UsageError, from_os_error
from carbonaudit.outputs import (
    _STAGE_PREFIX,
    check_out_dir,
    check_target,
    dumps,
    file_sha256,
    findings_document,
    give_normal_permissions,
)

PARQUET_ABOVE_ROWS = 1_000_000
FORMATS = ("csv", "parquet", "auto")


def results_format(given: str | None, rows: int) -> str:
    """csv or parquet for `--results` (UsageError for anything else)."""
    choice = (given or "csv").lower()
    if choice not in FORMATS:
        raise UsageError(f"--results takes {' | '.join(FORMATS)}, not {given!r}")
    if choice == "auto":
        return "parquet" if rows > PARQUET_ABOVE_ROWS else "csv"
    return choice


def write_batched(assessment, document: dict, out_dir: Path, fmt: str = "csv"
                  ) -> dict[str, Path]:
    """Write the set; returns the paths by name (`results`, `findings`, `inventory`)."""
    out_dir = Path(out_dir)
    names = {"results": f"results.{fmt}", "findings": "findings.json",
             "inventory": "inventory.json"}
    protected = {Path(s.path).resolve() for s in assessment.sources}
    paths = {key: out_dir / name for key, name in names.items()}
    check_out_dir(out_dir)
    for path in paths.values():
        check_target(path, protected)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=out_dir))
    except OSError as exc:
        raise from_os_error(exc, out_dir, "write to") from None
    staged = {key: stage / name for key, name in names.items()}
    try:
        rows = assessment.sink.write(staged["results"], assessment.findings, fmt)
        findings = dumps(findings_document(assessment.findings))
        staged["findings"].write_bytes(findings)
        document["outputs"] = {
            f"results_{fmt}": {"sha256": file_sha256(staged["results"]), "rows": rows},
            "findings_json": {"sha256": hashlib.sha256(findings).hexdigest()}}
        staged["inventory"].write_bytes(dumps(document))
        for key in ("results", "findings", "inventory"):  # the inventory names the others
            give_normal_permissions(staged[key])
            os.replace(staged[key], paths[key])
    except OSError as exc:
        raise from_os_error(exc, out_dir, "write to") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return paths
