"""`assess --engine dask`: the batched pipeline as Dask tasks, one per input file.

Each task reads one file (a partition) batch by batch with the same `assess_batch` as a
local run, merges its batches as a local run does (`RunState`), spills its result rows
next to the output folder, and returns its small state: summary groups, notes, findings,
duplicate index, the periods of its series (periods.py).  The client merges the
partitions in the order of the files, exactly as a local run merges batches (exact sums:
the same totals to the last bit; duplicates re-pointed at rows of earlier files), runs the
series checks, and a second round of tasks writes each partition's rows, with their
finding codes, as `results/part-NNNNN.parquet`.

The output folder must be reachable by the workers and the client under the same path
(a shared file system), as for any Dask job that writes files.  Without `--scheduler` a
LocalCluster on this machine runs the tasks.  Dask is an optional extra:
`pip install "carbonaudit[dask]"`.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.errors import UsageError
from carbonaudit.inventory.batches import (
    DEFAULT_BATCH_ROWS,
    BatchedAssessment,
    RunContext,
    RunState,
    _series_checks,
    assess_batch,
)

INPUT_EXT = (".csv", ".txt", ".parquet", ".pq", ".xlsx", ".xlsm")
_LIBRARIES: dict = {}  # per worker process: the factor library of a run's sets and files


def expand_inputs(given) -> list[str]:
    """Files from names, folders (their activity files, sorted) and glob patterns."""
    out: list[str] = []
    for g in given:
        g = str(g)
        if os.path.isdir(g):
            out.extend(sorted(str(p) for p in Path(g).iterdir()
                              if p.is_file() and p.suffix.lower() in INPUT_EXT
                              and not p.name.startswith(".")))
        elif any(ch in g for ch in "*?["):
            found = sorted(glob.glob(g))
            if not found:
                raise UsageError(f"no file matches {g}")
            out.extend(found)
        else:
            out.append(g)
    return out


@dataclass
class Partition:
    """What one task returns: its merged state and where its rows are spilled."""

    index: int
    state: RunState
    heads: list
    sources: list
    parts: list[str] = field(default_factory=list)
    rows: int = 0


def _library(factor_sets, factor_files):
    from carbonaudit.factors import load_library

    key = (tuple(factor_sets) if factor_sets else None, tuple(map(str, factor_files)))
    if key not in _LIBRARIES:
        _LIBRARIES[key] = load_library(factor_sets, list(factor_files))
    return _LIBRARIES[key]


def assess_partition(index: int, path: str, config, options, batch_rows: int,
                     spill: str) -> Partition:
    """One input file through the batched pipeline (runs on a worker)."""
    import dataclasses

    from carbonaudit.factors.gwp import gwp_table
    from carbonaudit.ingest.stream import open_inputs
    from carbonaudit.inventory.engine import paused_gc
    from carbonaudit.inventory.spill import ResultSink
    from carbonaudit.inventory.standards import registry as standards

    library, lib_findings = _library(standards.factor_sets(config),
                                     [*config.extra_factors, *options.factor_files])
    ctx = RunContext(config, options, library, gwp_table(options.gwp))
    folder = Path(spill) / f"part-{index:05d}"
    folder.mkdir(parents=True, exist_ok=True)
    sink = ResultSink(folder)
    state = RunState()
    heads = []
    with paused_gc():
        streams, findings, sources = open_inputs([path], sheet=options.sheet,
                                                 encoding=options.encoding)
        state.findings.extend(findings)
        for t, stream in enumerate(streams):
            head = None
            for table in stream.batches(batch_rows):
                out = assess_batch([table], ctx)
                out.series["_t"] = t
                state.absorb(out, [table])
                sink.add(out.results)
                if head is None:
                    head = dataclasses.replace(table, df=table.df.iloc[:0])
            heads.append(head)
            state.findings.extend(stream.findings)
            state.findings.extend(stream.finish_findings())
    if index == 0:  # the library's own findings, once
        state.findings[:0] = lib_findings
    return Partition(index, state, heads, sources, [str(p) for p in sink.parts], sink.rows)


def write_partition(parts: list[str], findings, out: str) -> tuple[int, str]:
    """A partition's spilled rows with their codes as one Parquet file (runs on a worker)."""
    from carbonaudit.inventory.spill import ResultSink
    from carbonaudit.outputs import file_sha256

    sink = ResultSink(Path(out).parent, [Path(p) for p in parts])
    rows = sink.write(Path(out), findings, "parquet")
    return rows, file_sha256(Path(out))


def run_dask(paths, config, options, *, scheduler: str | None = None,
             batch_rows: int = DEFAULT_BATCH_ROWS, spill: Path, progress=None):
    """The whole run on a Dask cluster; returns (BatchedAssessment, client, partitions)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError('--engine dask needs Dask: pip install "carbonaudit[dask]"') from exc
    from carbonaudit.inventory.standards import registry as standards

    if standards._rules(config) is not None:
        raise UsageError(f"--engine dask does not run --standard {config.standard}: its rules "
                         "look at every row at once; use the local engine")
    files = expand_inputs(paths)
    if not files:
        raise UsageError("no activity files given")
    step = progress or (lambda _msg: None)
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=min(len(files), os.cpu_count() or 1),
                               threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        step(f"assessing {len(files)} partition(s) on Dask")
        futures = [client.submit(assess_partition, i, f, config, options, batch_rows,
                                 str(spill), pure=False) for i, f in enumerate(files)]
        partitions = client.gather(futures)
        return merge_partitions(partitions, config, options), client, cluster, partitions
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise


def merge_partitions(partitions: list[Partition], config, options) -> BatchedAssessment:
    """The partitions as one run, merged in file order as a local run merges batches."""
    from carbonaudit.factors.gwp import gwp_table
    from carbonaudit.inventory.standards import registry as standards

    state = RunState()
    heads: list = []
    sources: list = []
    for p in sorted(partitions, key=lambda p: p.index):
        s = p.state
        state.summary.merge(s.summary)
        state.rows += s.rows
        state.blank_rows += s.blank_rows
        for key, (loc, rows) in s.grouped.notes.items():
            for part in rows:
                state.grouped.add_rows(key, loc, part)
        for f, n in s.counted.notes.values():
            state.counted.add_counted(f, n)
        drop, add = state.duplicates.merge_after(s.duplicates)
        found = list(s.findings)
        for f in drop:
            found.remove(f)
        state.findings.extend(found)
        state.findings.extend(add)
        state.periods.merge(s.periods, state.rows - s.rows, len(heads))
        heads.extend(p.heads)
        sources.extend(p.sources)
    library = _library(standards.factor_sets(config),
                       [*config.extra_factors, *options.factor_files])[0]
    flags, counts, series_findings = _series_checks(state, heads, config)
    state.findings.extend(series_findings)
    frame = state.summary.frame(flags)
    frame.attrs["data_quality_counts"] = counts
    return BatchedAssessment(frame, state.all_findings(), sources, library,
                             gwp_table(options.gwp).gwp_set, config, state.blank_rows,
                             state.summary.rows_read, None, state.summary)


def write_results(client, partitions: list[Partition], findings, folder: Path) -> list[dict]:
    """results/part-NNNNN.parquet of every partition, written by the workers."""
    folder.mkdir(parents=True, exist_ok=True)
    futures = []
    for p in sorted(partitions, key=lambda p: p.index):
        files = {s.path for s in p.sources}
        mine = [f for f in findings if f.location.file in files]
        out = folder / f"part-{p.index:05d}.parquet"
        futures.append((out, client.submit(write_partition, p.parts, mine, str(out),
                                           pure=False)))
    written = []
    for out, fut in futures:
        rows, digest = fut.result()
        written.append({"path": f"results/{out.name}", "sha256": digest, "rows": rows})
    return written
