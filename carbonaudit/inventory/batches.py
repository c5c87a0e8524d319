"""assess in batches: constant memory whatever the number of rows, the same outputs.

Each batch of rows (see ingest.stream) goes through the same steps as a whole file:
`activity.prepare_rows`, `engine.compute`, then `assess_batch` keeps only what the run
needs from it: the result rows (spilled to disk by a `ResultSink`), the grouped sums of
the assessed rows (`summary.Summary`, exact, so totals do not depend on batching), the
columns the series checks need, and the findings.  Findings that need every row (grouped
notes, counted notes, duplicate rows, series checks) are completed once all batches are
read (see merge.py), and only then are the rows' finding codes known and the results file
written from the spill.

`assess_batch` is a pure function of its batch and the run's `RunContext`, so the Dask
engine (distributed.py) runs it unchanged on workers.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

from carbonaudit.findings import Finding
from carbonaudit.inventory.merge import (
    COUNTED_CODES,
    CountedNotes,
    DuplicateIndex,
    GroupedNotes,
    is_error,
    row_hashes,
)
from carbonaudit.inventory.periods import SERIES_COLUMNS, Periods
from carbonaudit.inventory.summary import Summary

DEFAULT_BATCH_ROWS = 100_000


@dataclass
class RunContext:
    """What every batch of one run shares: configuration, options, factors, GWP set."""

    config: object
    options: object
    library: object
    gwp: object

    @property
    def period(self):
        c = self.config
        return (c.period_start, c.period_end) if c.period_start else None


@dataclass
class BatchOutput:
    """What the run keeps of one batch."""

    findings: list[Finding]
    notes: list[Finding]  # engine.compute's warnings and info: each stands for many rows
    summary: Summary
    series: object  # DataFrame: SERIES_COLUMNS and _pos (place in the batch), dated rows
    results: object  # the batch's rows as a pyarrow Table (public columns), or None
    hashes: object  # duplicate-row key hash per row
    frame: object  # the rows frame the hashes belong to (for locations), or None
    rows: int = 0
    blank_rows: int = 0
    appear: dict = field(default_factory=dict)  # sites, activities, items as they appear


def assess_batch(tables, ctx: RunContext, keep_results: bool = True) -> BatchOutput:
    """prepare_rows + compute on one batch of tables; the pieces the run merges."""
    import numpy as np
    import pandas as pd

    from carbonaudit.audit.data_quality import _cell_findings
    from carbonaudit.inventory.activity import prepare_rows, row_location
    from carbonaudit.inventory.engine import compute
    from carbonaudit.inventory.standards import registry as standards

    cfg = ctx.config
    rows = prepare_rows(tables, decimal_comma=ctx.options.decimal_comma,
                        default_sector=cfg.default_sector, period=ctx.period,
                        items=set(ctx.library.factors["item"]), duplicates=False)
    # duplicates are checked over the whole run by DuplicateIndex, not per batch
    findings = list(rows.findings)
    findings.extend(standards.prepare(rows.df, ctx.library, cfg, tables))
    hashes = row_hashes(rows.df)
    results, found = compute(rows.df, ctx.library, ctx.gwp, cfg, tables)
    findings.extend(f for f in found if is_error(f))
    notes = [f for f in found if not is_error(f)]
    findings.extend(standards.finish(results, ctx.library, cfg, tables))
    findings.extend(_cell_findings(results, lambda i, *c: row_location(results, i, tables, *c)))
    summary = Summary()
    summary.add(results, groups=keep_results)  # validate needs only the counts
    dated = (results["status"] == "assessed").to_numpy(dtype=bool) & results[
        "period_start"].notna().to_numpy(dtype=bool)
    series = results.loc[dated, list(SERIES_COLUMNS)].reset_index(drop=True)
    series["_pos"] = np.flatnonzero(dated)
    series["_t"] = 0
    appear = {c: [str(v) for v in pd.unique(results[c].astype(object).where(
        results[c].notna(), ""))] for c in ("site", "activity", "item")}
    table = public_table(results) if keep_results else None
    key_cols = rows.df[["_file", "_sheet", "_row", "_t", "quantity_given"]]
    return BatchOutput(findings, notes, summary, series, table, hashes, key_cols, len(results),
                       rows.blank_rows, appear)


def public_table(results):
    """The batch's rows as results.csv has them (finding codes are added when written)."""
    from types import SimpleNamespace

    import pyarrow as pa

    from carbonaudit.outputs import results_frame

    frame = results_frame(SimpleNamespace(results=results, findings=[]))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # one schema for every batch: dictionary columns as plain text
    cols = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c
            for c in table.columns]
    return pa.table(cols, names=table.column_names)


@dataclass
class RunState:
    """The merged state of the batches read so far."""

    summary: Summary = field(default_factory=Summary)
    grouped: GroupedNotes = field(default_factory=GroupedNotes)
    counted: CountedNotes = field(default_factory=CountedNotes)
    duplicates: DuplicateIndex = field(default_factory=DuplicateIndex)
    findings: list[Finding] = field(default_factory=list)
    periods: Periods = field(default_factory=Periods)
    rows: int = 0
    blank_rows: int = 0

    def absorb(self, out: BatchOutput, tables) -> None:
        """Merge one batch (batches must come in the order of the rows)."""
        self.summary.merge(out.summary)
        self.periods.add(out.series, out.appear, self.rows)
        self.rows += out.rows
        self.blank_rows += out.blank_rows
        for f in out.findings:
            if not is_error(f) and f.code in COUNTED_CODES:
                self.counted.add(f)
            else:
                self.findings.append(f)
        for f in out.notes:
            self.grouped.add(f)
        if out.frame is not None:
            self.findings.extend(self.duplicates.check(out.frame, tables, out.hashes))

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.grouped.findings(), *self.counted.findings()]


@dataclass
class BatchedAssessment:
    """A batched run: what build_document and the writers need, never every row at once.

    `results` is the summary frame (one row per group of assessed rows, see summary.py), so
    document code written for Assessment.results sums the same figures from it.
    """

    results: object
    findings: list[Finding]
    sources: list
    library: object
    gwp_set: str
    config: object
    blank_rows: int
    rows_read: int
    sink: object = None  # ResultSink with the result rows, or None (validate)
    summary: object = None


def run_batched(paths, config, options=None, *, batch_rows: int = DEFAULT_BATCH_ROWS,
                progress=None, sink=None) -> BatchedAssessment:
    """assess() in batches of about `batch_rows` rows; result rows go to `sink` if given."""
    from carbonaudit.ingest.stream import WholeFileNeeded
    from carbonaudit.inventory.engine import AssessOptions, paused_gc

    options = options or AssessOptions()
    with paused_gc():
        try:
            return _run(paths, config, options, batch_rows, progress, sink, whole=False)
        except WholeFileNeeded:  # ragged CSV rows: read every file whole, as assess() does
            if sink is not None:
                sink.__init__(sink.folder)
            return _run(paths, config, options, batch_rows, progress, sink, whole=True)


def _run(paths, config, options, batch_rows, progress, sink, whole) -> BatchedAssessment:
    from concurrent.futures import ThreadPoolExecutor

    from carbonaudit.factors import load_library
    from carbonaudit.factors.gwp import gwp_table
    from carbonaudit.factors.units import start_loading
    from carbonaudit.ingest.stream import open_inputs
    from carbonaudit.inventory.standards import registry as standards

    start_loading()
    step = progress or (lambda _msg: None)
    gwp = gwp_table(options.gwp)
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(load_library, standards.factor_sets(config),
                              [*config.extra_factors, *options.factor_files])
        streams, ingest_findings, sources = open_inputs(
            paths, sheet=options.sheet, encoding=options.encoding, progress=progress,
            whole=whole)
        step("loading factors")
        library, lib_findings = loading.result()
    ctx = RunContext(config, options, library, gwp)
    if standards._rules(config) is not None:  # their rules look at every row at once
        batch_rows = 1 << 62
    state = RunState()
    state.findings.extend([*lib_findings, *ingest_findings])
    heads = []
    for t, stream in enumerate(streams):
        head = None
        for table in stream.batches(batch_rows):
            step(f"assessing rows {state.rows + 1:,}-{state.rows + len(table.df):,}")
            out = assess_batch([table], ctx, keep_results=sink is not None)
            out.series["_t"] = t
            state.absorb(out, [table])
            if sink is not None:
                sink.add(out.results)
            if head is None:
                import dataclasses

                head = dataclasses.replace(table, df=table.df.iloc[:0])
            del out, table
            # paused_gc holds the collector for speed; the frames of a batch hold reference
            # cycles (pandas' block references), freed here so memory stays one batch
            gc.collect(1)
        heads.append(head)
        state.findings.extend(stream.findings)
        state.findings.extend(stream.finish_findings())
    step("checking data quality")
    flags, counts, series_findings = _series_checks(state, heads, config)
    state.findings.extend(series_findings)
    frame = state.summary.frame(flags)
    frame.attrs["data_quality_counts"] = counts
    return BatchedAssessment(frame, state.all_findings(), sources, library, gwp.gwp_set,
                             config, state.blank_rows, state.summary.rows_read, sink,
                             state.summary)


def _series_checks(state: RunState, heads, config):
    """The series checks of data_quality over the dated assessed rows of every batch; the
    flags of each summary group (looked up by series and period)."""
    import numpy as np

    from carbonaudit.audit.series_checks import check_series
    from carbonaudit.inventory.activity import row_location

    period = (config.period_start, config.period_end) if getattr(
        config, "period_start", None) else None
    series = state.periods.frame()  # a few rows per period, with each period's quantity
    checked = check_series(series, lambda i, *c: row_location(series, i, heads, *c), period)
    flags = np.asarray(checked.flags, dtype=np.int64)
    lookup: dict = {}
    if len(series) and flags.any():
        hit = flags != 0  # tuples only for the flagged rows
        key = _period_keys(series.loc[hit])
        for k, f in zip(key, flags[hit].tolist(), strict=True):
            lookup[k] = lookup.get(k, 0) | f

    def of(frame):
        if not lookup:
            return np.zeros(len(frame), dtype=np.int8)
        return [lookup.get(k, 0) for k in _period_keys(frame)]

    return of, checked.counts, checked.findings


def _period_keys(frame) -> list[tuple]:
    import numpy as np

    cols = [frame[c].astype(object).where(frame[c].notna(), "").astype(str).tolist()
            for c in ("site", "activity", "item", "factor_unit")]
    for c in ("period_start", "period_end"):
        cols.append(frame[c].to_numpy(dtype="datetime64[ns]").view(np.int64).tolist())
    return list(zip(*cols, strict=True))
