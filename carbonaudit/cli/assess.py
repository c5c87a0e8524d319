"""`carbonaudit assess`: activity spreadsheets to results.csv, inventory.json and findings.json."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import (
    ConfigOpt,
    DecimalOpt,
    EncodingOpt,
    FactorsOpt,
    FilesArg,
    GwpOpt,
    JsonOpt,
    SheetOpt,
    StrictOpt,
    exit_code,
    fail,
    load_config,
    shown,
)
from carbonaudit.errors import CarbonAuditError


def assess(
    files: FilesArg = None,
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    gwp: GwpOpt = None,
    sheet: SheetOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.csv, "
                                      "inventory.json and findings.json.")] = Path("out"),
    encoding: EncodingOpt = None,
    decimal_comma: DecimalOpt = False,
    report: Annotated[str | None, typer.Option(
        "--report", help="Also render reports from inventory.json: xlsx, pdf or xlsx,pdf.")
    ] = None,
    lang: Annotated[str, typer.Option(
        "--lang", help="Language of the reports and of the findings shown here: en, zh-Hant, "
        "zh-Hans (findings.json stays English).")] = "en",
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
    standard: Annotated[str | None, typer.Option(
        "--standard", help="Accounting standard: ghg-protocol, iso14064, gbt32150 (GB/T "
        "32150-2015, Mainland industrial enterprises) or hk-epd (HK EPD/EMSD buildings "
        "guidelines). Default: config, else ghg-protocol.")] = None,
    grid_factor: Annotated[str | None, typer.Option(
        "--grid-factor", help="GB/T 32150 electricity factor: mee (MEE/NBS factor of the "
        "year and province) or ets (national enterprise-reporting factor).")] = None,
    uncertainty: Annotated[bool, typer.Option(
        "--uncertainty", help="Also estimate uncertainty per scope and total: IPCC Approach 1 "
        "(Table 3.2) and a seeded Monte Carlo (Approach 2), into inventory.json.")] = False,
    draws: Annotated[int, typer.Option(
        "--draws", help="Monte Carlo draws for --uncertainty.")] = 10_000,
    results: Annotated[str | None, typer.Option(
        "--results", help="Format of the result rows: csv (results.csv), parquet "
        "(results.parquet) or auto (the default: Parquet above 1,000,000 rows).")] = None,
    engine: Annotated[str, typer.Option(
        "--engine", help="local (batches of rows on this machine) or dask (a Dask cluster; "
        'pip install "carbonaudit[dask]"), results as results/part-NNNNN.parquet.')
    ] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="With --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: a local cluster).")] = None,
    batch_rows: Annotated[int | None, typer.Option(
        "--batch-rows", help="Rows read and checked at a time (default 100,000).")] = None,
) -> None:
    """Compute a GHG inventory from activity spreadsheets.

    Every input row ends up in results.csv, either assessed (with its factor, unit
    conversion and per-gas kilograms) or rejected (with the findings that explain why).

    Example: [bold]carbonaudit assess activity.xlsx --config carbonaudit.toml --out out[/]
    """
    from carbonaudit.cli.analytics_tables import uncertainty_tables
    from carbonaudit.console import (
        emit_json,
        findings_table,
        inventory_summary,
        is_large,
        progress,
        show,
    )
    from carbonaudit.errors import UsageError
    from carbonaudit.inventory.engine import AssessOptions
    from carbonaudit.inventory.runner import run_assess
    from carbonaudit.outputs import check_out_dir, findings_document
    from carbonaudit.reports.render import render_beside, report_formats

    try:
        formats = report_formats(report, lang)
        check_out_dir(out)  # a file at --out fails now, not after the run
        cfg = with_standard(load_config(config), standard, grid_factor)
        paths = [str(p) for p in files] if files else [shown(p) for p in cfg.inputs]
        if not paths:
            raise UsageError("no activity files given; name them or list them as inputs in "
                             "--config")
        opts = AssessOptions(gwp=gwp or cfg.gwp, decimal_comma=decimal_comma, sheet=sheet,
                             encoding=encoding, factor_files=tuple(factors or ()))
        with progress(not json_out and is_large(paths)) as step:
            result, doc, written = run_assess(
                paths, cfg, opts, out, engine=engine, scheduler=scheduler,
                batch_rows=batch_rows, results=results, uncertainty=uncertainty, draws=draws,
                step=step)
            if formats:
                written.update(render_beside(written["inventory"], formats, lang, "report"))
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json({"inventory": doc, "findings": findings_document(result.findings)["findings"],
                   "outputs": {k: str(v) for k, v in written.items()}})
    else:
        show(*inventory_summary(doc))
        if "uncertainty" in doc:
            show(*uncertainty_tables(doc["uncertainty"]))
        important = [f for f in sorted(result.findings, key=_severity_rank)
                     if str(f.severity) != "info"]
        if important:
            from carbonaudit.reports.finding_text import localised

            show(findings_table(localised(important, lang), limit=25))
        show(f"Wrote {', '.join(str(p) for p in written.values())}")
    raise typer.Exit(exit_code(result.findings, strict, doc["rows"]["rejected"]))


def with_standard(cfg, standard: str | None, grid_factor: str | None):
    """The configuration with --standard and --grid-factor applied (checked: exit 2)."""
    import dataclasses

    from carbonaudit.errors import UsageError
    from carbonaudit.inventory.standards.registry import GRID_FACTORS, method

    name = method(standard or cfg.standard).name
    grid = grid_factor or cfg.grid_factor
    if grid not in GRID_FACTORS:
        raise UsageError(f"--grid-factor takes {' or '.join(GRID_FACTORS)}, not {grid!r}")
    return dataclasses.replace(cfg, standard=name, grid_factor=grid)


def _severity_rank(f):
    from carbonaudit.findings import sort_key

    return ({"error": 0, "warning": 1, "info": 2}[str(f.severity)], sort_key(f))
