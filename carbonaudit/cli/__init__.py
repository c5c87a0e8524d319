"""The `carbonaudit` command line: thin wrappers that parse options, call one library
function and render its result.  Heavy libraries are imported inside commands so that
`--help` and `--version` stay fast.

Exit codes: 0 success; 1 input read but has errors (--strict: warnings too); 2 usage
error; 3 an input could not be read at all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from carbonaudit import __version__
from carbonaudit.errors import CarbonAuditError

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Carbon audit toolkit: activity spreadsheets to a traceable GHG inventory "
         "(GHG Protocol Scope 1/2/3 with Scope 2 dual reporting, ISO 14064-1), offline.\n\n"
         "Exit codes: 0 success; 1 input has errors (--strict: or warnings); 2 usage error; "
         "3 an input could not be read.",
)
factors_app = typer.Typer(no_args_is_help=True, help="Browse the shipped emission factors.")
template_app = typer.Typer(no_args_is_help=True, help="Write blank input workbooks.")
app.add_typer(factors_app, name="factors")
app.add_typer(template_app, name="template")


def _register_subcommands() -> None:
    # Each lives in its own module (only typer at import time) to keep this file thin.
    from carbonaudit.cli.cbam import cbam_app
    from carbonaudit.cli.pact import pact_app
    from carbonaudit.cli.report import report

    app.add_typer(cbam_app, name="cbam")
    app.add_typer(pact_app, name="pact")
    app.command("report")(report)

FilesArg = Annotated[list[Path] | None, typer.Argument(
    help="Activity files (.xlsx or .csv); several files and sheets at once. "
         "Default: the inputs listed in --config.", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", "-c", help="Assessment configuration (carbonaudit.toml from `carbonaudit init`).")]
FactorsOpt = Annotated[list[Path] | None, typer.Option(
    "--factors", help="Your own factor file (csv/xlsx, same columns as the shipped sets); "
                      "overrides shipped factors by id. Repeatable.")]
GwpOpt = Annotated[str | None, typer.Option(
    "--gwp", help="GWP set: AR4, AR5 or AR6 (default: config, else AR6).")]
SheetOpt = Annotated[str | None, typer.Option(
    "--sheet", help="Read only this sheet (default: every sheet with activity columns).")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="CSV encoding (default: detected; utf-8, utf-16, gb18030, big5).")]
DecimalOpt = Annotated[bool, typer.Option(
    "--decimal-comma", help="Numbers are written 1.234,5 (comma decimal).")]
JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print exactly one JSON document on stdout (human text goes to stderr).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carbonaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool | None, typer.Option(
        "--version", "-V", callback=_version, is_eager=True, help="Show the version.")] = None,
) -> None:
    """Carbon audit toolkit."""


def _fail(exc: CarbonAuditError) -> typer.Exit:
    from carbonaudit.console import err

    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(exc.exit_code)


def _load_config(config: Path | None):
    from carbonaudit.project import Config, load_config

    return load_config(config) if config else Config.default()


def _shown(path: Path) -> str:
    """A config input as a person would type it: relative to here when it is below here."""
    import os

    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _exit_code(findings, strict: bool, rejected: int = 0) -> int:
    from carbonaudit.findings import has_errors

    if rejected or has_errors(findings):
        return 1
    if strict and any(str(f.severity) == "warning" for f in findings):
        return 1
    return 0


@app.command()
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
    lang: Annotated[str, typer.Option("--lang", help="Report language: en, zh-Hant, zh-Hans.")
                    ] = "en",
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Compute a GHG inventory from activity spreadsheets.

    Every input row ends up in results.csv, either assessed (with its factor, unit
    conversion and per-gas kilograms) or rejected (with the findings that explain why).

    Example: [bold]carbonaudit assess activity.xlsx --config carbonaudit.toml --out out[/]
    """
    from carbonaudit.cli.report import render_beside, report_formats
    from carbonaudit.console import (
        emit_json,
        findings_table,
        inventory_summary,
        is_large,
        progress,
        show,
    )
    from carbonaudit.errors import UsageError
    from carbonaudit.inventory.document import build_document
    from carbonaudit.inventory.engine import AssessOptions
    from carbonaudit.inventory.engine import assess as run
    from carbonaudit.outputs import findings_document, write_assessment
    from carbonaudit.schemas import validate_document

    try:
        formats = report_formats(report, lang)
        cfg = _load_config(config)
        paths = [str(p) for p in files] if files else [_shown(p) for p in cfg.inputs]
        if not paths:
            raise UsageError("no activity files given; name them or list them as inputs in "
                             "--config")
        opts = AssessOptions(gwp=gwp or cfg.gwp, decimal_comma=decimal_comma, sheet=sheet,
                             encoding=encoding, factor_files=tuple(factors or ()))
        with progress(not json_out and is_large(paths)) as step:
            result = run(paths, cfg, opts, progress=step)
            doc = build_document(result)
            problems = validate_document(doc, "inventory")
            if problems:  # our own bug: say so rather than write a bad document
                raise CarbonAuditError("internal error: the inventory document does not match "
                                       f"its schema ({problems[0].message})")
            step("writing outputs")
            written = write_assessment(result, doc, out)
            if formats:
                written.update(render_beside(written["inventory"], formats, lang, "report"))
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    if json_out:
        emit_json({"inventory": doc, "findings": findings_document(result.findings)["findings"],
                   "outputs": {k: str(v) for k, v in written.items()}})
    else:
        show(*inventory_summary(doc))
        important = [f for f in sorted(result.findings, key=_severity_rank)
                     if str(f.severity) != "info"]
        if important:
            show(findings_table(important, limit=25))
        show(f"Wrote {', '.join(str(p) for p in written.values())}")
    raise typer.Exit(_exit_code(result.findings, strict, doc["rows"]["rejected"]))


def _severity_rank(f):
    from carbonaudit.findings import sort_key

    return ({"error": 0, "warning": 1, "info": 2}[str(f.severity)], sort_key(f))


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to check.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="activity | factors | cbam | pact | auto (decide from the file).")
    ] = "auto",
    profile: Annotated[str | None, typer.Option(
        "--profile", help="pre-shipment: end with a pass/fail verdict, the fix list and the "
                          "SHA-256 of each file checked (cbam).")] = None,
    period: Annotated[str, typer.Option(
        "--period", help="CBAM rules to check against: transitional or definitive.")
    ] = "definitive",
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    decimal_comma: DecimalOpt = False,
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Check files without computing a result, and exit 1 when there are errors.

    activity: columns, numbers, units, dates, and whether a factor exists for each row.
    cbam: a communication (JSON or workbook) or installation file before it is sent — Annex I
    CN codes, countries, UN/LOCODE, SEE sums, units, EF sources, shares, justifications; a
    filled official template is recomputed and every stated value that disagrees is reported.
    pact: ProductFootprint documents (v2 / v3) against our schemas and the PACT rules.

    Example: [bold]carbonaudit validate --kind cbam --profile pre-shipment comm.json[/]
    """
    from carbonaudit.console import emit_json, findings_table, is_large, progress, show
    from carbonaudit.errors import UsageError
    from carbonaudit.findings import sort_key
    from carbonaudit.inventory.engine import AssessOptions
    from carbonaudit.validation import choose_kind

    try:
        cfg = _load_config(config)
        chosen = choose_kind(kind, list(files))
        opts = AssessOptions(gwp=cfg.gwp, decimal_comma=decimal_comma, sheet=sheet,
                             encoding=encoding, factor_files=tuple(factors or ()))
        with progress(not json_out and is_large(files)) as step:
            report = chosen.validate(list(files), {"config": cfg, "options": opts,
                                                   "progress": step, "regime": period})
        if profile not in (None, "pre-shipment"):
            raise UsageError(f"unknown profile {profile!r}; the one profile is pre-shipment")
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    ordered = sorted(report.findings, key=sort_key)
    code = _exit_code(ordered, strict)
    verdict = _verdict(report) if profile else None
    if json_out:
        from carbonaudit.findings import count_by_severity

        doc = {"kind": report.kind, "valid": code == 0, "rows": report.rows,
               "inputs": report.inputs, "counts": count_by_severity(ordered),
               "findings": [f.to_dict() for f in ordered]}
        if verdict:
            doc["pre_shipment"] = verdict
        emit_json(doc)
    else:
        show(findings_table(ordered, limit=200) if ordered else "No findings.")
        summary = ", ".join(f"{k} {v}" for k, v in report.rows.items())
        show(f"{report.kind}: {summary} — {'valid' if code == 0 else 'NOT valid'}")
        if verdict:
            _show_verdict(verdict)
    raise typer.Exit(code)


def _verdict(report) -> dict:
    from carbonaudit.cbam.validation import preshipment_verdict

    return preshipment_verdict(report)


def _show_verdict(verdict: dict) -> None:
    from carbonaudit.console import show

    lines = [f"Pre-shipment verdict: [bold]{verdict['verdict'].upper()}[/]"]
    for i, fix in enumerate(verdict["fix_list"], start=1):
        lines.append(f"  {i}. [{fix['severity']}] {fix['where']}: {fix['message']}")
    for f in verdict["files"]:
        lines.append(f"  SHA-256 {f['sha256']}  {f['path']}")
    show("\n".join(lines))


@factors_app.command("list")
def factors_list(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text to look for in "
                                               "id, activity, item, region or source.")] = None,
    set_name: Annotated[str | None, typer.Option("--set", help="Only this factor set.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List factors (id, activity, item, region, unit, status)."""
    from rich.table import Table

    from carbonaudit.console import emit_json, show
    from carbonaudit.factors import load_library

    try:
        lib, _ = load_library()
        df = lib.search(search, set_name)
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    cols = ["id", "activity", "item", "region", "sector", "unit", "vintage", "status", "set"]
    if json_out:
        emit_json({"factors": [_plain(r) for r in df[cols].to_dict("records")]})
        return
    table = Table(title=f"{len(df)} factors")
    for c in cols:
        table.add_column(c)
    for r in df[cols].itertuples(index=False):
        table.add_row(*[_cell(v) for v in r])
    show(table)


@factors_app.command("show")
def factors_show(
    factor_id: Annotated[str, typer.Argument(help="Factor id, e.g. ipcc2006.sc.natural_gas.tj")],
    json_out: JsonOpt = False,
) -> None:
    """Show every field of one factor, with its source and licence."""
    from rich.table import Table

    from carbonaudit.console import emit_json, show
    from carbonaudit.errors import UsageError
    from carbonaudit.factors import FACTOR_COLUMNS, load_library

    try:
        lib, _ = load_library()
        rec = lib.get(factor_id)
        if rec is None:
            raise UsageError(f"no factor with id {factor_id!r}; try `carbonaudit factors list "
                             f"--search`")
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    fields = {k: _plain_value(rec[k]) for k in (*FACTOR_COLUMNS, "set", "set_edition")}
    if json_out:
        emit_json(fields)
        return
    table = Table(title=factor_id, show_header=False)
    table.add_column("field")
    table.add_column("value", overflow="fold")
    for k, v in fields.items():
        table.add_row(k, _cell(v))
    show(table)


@factors_app.command("sets")
def factors_sets(json_out: JsonOpt = False) -> None:
    """List the shipped factor sets with editions, licences and SHA-256 hashes."""
    from rich.table import Table

    from carbonaudit.console import emit_json, show
    from carbonaudit.factors import load_library

    lib, _ = load_library()
    sets = [s.to_dict() for s in lib.sets]
    if json_out:
        emit_json({"sets": sets})
        return
    table = Table(title="Factor sets")
    for c in ("name", "kind", "edition", "publisher", "licence", "sha256"):
        table.add_column(c, overflow="fold")
    for s in sets:
        table.add_row(s["name"], s["kind"], s["edition"], s["publisher"], s["licence"],
                      s["sha256"][:16] + "…")
    show(table)


@factors_app.command("units")
def factors_units(json_out: JsonOpt = False) -> None:
    """List the unit spellings accepted in activity files."""
    from carbonaudit.console import emit_json, show
    from carbonaudit.factors.units import accepted_spellings

    units = accepted_spellings()
    if json_out:
        emit_json({"units": units})
        return
    show(", ".join(units))


def _write_template(writer, output: Path, overwrite: bool) -> None:
    from carbonaudit.console import show

    try:
        path = writer(output, overwrite=overwrite)
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    show(f"Wrote {path}")


@template_app.command("activity")
def template_activity(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank activity workbook with dropdowns, instructions (English and Chinese)
    and one example row."""
    from carbonaudit.templates.workbooks import write_activity_template

    _write_template(write_activity_template, output, overwrite)


@template_app.command("factors")
def template_factors(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank user-factor workbook (your own factors override shipped ones by id)."""
    from carbonaudit.templates.workbooks import write_factor_template

    _write_template(write_factor_template, output, overwrite)


@template_app.command("installation")
def template_installation(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank CBAM installation workbook: installation and verifier, source streams,
    PFC and CEMS sources, production processes with goods, routes and production, heat /
    waste gas / electricity flows, purchased precursors with supplier SEE or defaults, and
    carbon price paid.  Instructions in English and Chinese; dropdowns for every list."""
    from carbonaudit.cbam.workbook import write_installation_template

    _write_template(write_installation_template, output, overwrite)


@template_app.command("imports")
def template_imports(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank CBAM imports workbook for `carbonaudit cbam imports` (one row per
    import line: date, CN code, origin, net mass, supplier SEE or communication file)."""
    from carbonaudit.cbam.imports import write_imports_template

    _write_template(write_imports_template, output, overwrite)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create.")],
    organisation: Annotated[str, typer.Option("--organisation", help="Organisation name.")]
    = "Example Ltd",
    year: Annotated[int | None, typer.Option("--year", help="Reporting year "
                                             "(default: last year).")] = None,
) -> None:
    """Create an assessment folder: carbonaudit.toml and a blank activity workbook.

    Example: [bold]carbonaudit init my-audit --organisation "Acme Ltd" --year 2025[/]
    """
    from carbonaudit.console import show
    from carbonaudit.project import init_project

    try:
        written = init_project(directory, organisation=organisation, year=year)
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    show("Created " + ", ".join(str(p) for p in written))


def _plain_value(v):
    import math

    if hasattr(v, "isoformat"):
        return None if v != v else v.isoformat()[:10]
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _plain(rec: dict) -> dict:
    return {k: _plain_value(v) for k, v in rec.items()}


def _cell(v) -> str:
    v = _plain_value(v)
    return "" if v is None else str(v)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())


_register_subcommands()
