"""One `assess` run end to end: which engine reads the rows, then document and outputs.

* `local` (the default): the batched pipeline (batches.py), about `batch_rows` rows in
  memory at a time, results spilled and written as results.csv or results.parquet;
* `dask`: the same pipeline as Dask tasks (distributed.py), results as partitioned
  Parquet in `results/`;
* `--uncertainty` needs every row at once (a Monte Carlo over rows), so it runs the
  whole-file path (engine.assess), as before.

All three give the same inventory.json and findings.json for the same inputs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from carbonaudit.errors import CarbonAuditError, UsageError, from_os_error

ENGINES = ("local", "dask")


def run_assess(paths, cfg, opts, out: Path, *, engine: str = "local",
               scheduler: str | None = None, batch_rows: int | None = None,
               results: str | None = None, uncertainty: bool = False, draws: int = 10_000,
               step=None):
    """Assess, build and check the document, write the outputs: (assessment, doc, paths)."""
    from carbonaudit.inventory.batches import DEFAULT_BATCH_ROWS

    step = step or (lambda _m: None)
    if engine not in ENGINES:
        raise UsageError(f"--engine takes {' | '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    rows = batch_rows or DEFAULT_BATCH_ROWS
    if rows < 1:
        raise UsageError("--batch-rows must be at least 1")
    if uncertainty:
        if engine == "dask" or results not in (None, "csv"):
            raise UsageError("--uncertainty runs on the whole file: use the local engine and "
                             "results.csv")
        return _whole(paths, cfg, opts, out, draws, step)
    if engine == "dask":
        return _dask(paths, cfg, opts, out, scheduler, rows, results, step)
    return _local(paths, cfg, opts, out, rows, results, step)


def _document(result):
    from carbonaudit.inventory.document import build_document
    from carbonaudit.schemas import validate_document

    doc = build_document(result)
    problems = validate_document(doc, "inventory")
    if problems:  # our own bug: say so rather than write a bad document
        raise CarbonAuditError("internal error: the inventory document does not match "
                               f"its schema ({problems[0].message})")
    return doc


def _whole(paths, cfg, opts, out, draws, step):
    from carbonaudit.audit.uncertainty import uncertainty_part
    from carbonaudit.inventory.engine import assess
    from carbonaudit.outputs import write_assessment

    result = assess(paths, cfg, opts, progress=step)
    extra = uncertainty_part(result, draws, step)
    doc = {**_document(result), **extra}
    step("writing outputs")
    return result, doc, write_assessment(result, doc, out)


def _local(paths, cfg, opts, out, batch_rows, results, step):
    from carbonaudit.inventory.batches import run_batched
    from carbonaudit.inventory.spill import ResultSink
    from carbonaudit.outputs_batched import results_format, write_batched

    results_format(results, 0)  # a bad --results fails before the run
    try:
        sink = ResultSink.create(out)
    except OSError as exc:
        raise from_os_error(exc, out, "write to") from None
    try:
        try:  # the spill beside the outputs can fill the disk too: name the output folder
            result = run_batched(paths, cfg, opts, batch_rows=batch_rows, progress=step,
                                 sink=sink)
        except OSError as exc:
            raise from_os_error(exc, out, "write to") from None
        doc = _document(result)
        step("writing outputs")
        written = write_batched(result, doc, out, results_format(results, result.rows_read))
    finally:
        sink.close()
    return result, doc, written


def _dask(paths, cfg, opts, out, scheduler, batch_rows, results, step):
    from carbonaudit.inventory.distributed import run_dask, write_results
    from carbonaudit.outputs import (
        _STAGE_PREFIX,
        check_out_dir,
        dumps,
        findings_document,
        give_normal_permissions,
    )

    if results not in (None, "parquet"):
        raise UsageError("--engine dask writes its results as partitioned Parquet "
                         "(results/part-NNNNN.parquet); leave out --results or give parquet")
    check_out_dir(out)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    spill = Path(tempfile.mkdtemp(prefix=".carbonaudit-spill-", dir=out))
    stage = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX, dir=out))
    client = cluster = None
    try:
        result, client, cluster, parts = run_dask(paths, cfg, opts, scheduler=scheduler,
                                                  batch_rows=batch_rows, spill=spill,
                                                  progress=step)
        doc = _document(result)
        step("writing outputs")
        written_parts = write_results(client, parts, result.findings, stage / "results")
        findings = dumps(findings_document(result.findings))
        (stage / "findings.json").write_bytes(findings)
        import hashlib

        doc["outputs"] = {"results_parts": written_parts,
                          "findings_json": {"sha256": hashlib.sha256(findings).hexdigest()}}
        (stage / "inventory.json").write_bytes(dumps(doc))
        target = out / "results"
        if target.is_dir() and not target.is_symlink():
            os.replace(target, stage / ".previous-results")
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(stage / "results", target)
        for name in ("findings.json", "inventory.json"):
            give_normal_permissions(stage / name)
            os.replace(stage / name, out / name)
    except OSError as exc:
        raise from_os_error(exc, out, "write to") from None
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(spill, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
    return result, doc, {"results": target, "findings": out / "findings.json",
                         "inventory": out / "inventory.json"}
