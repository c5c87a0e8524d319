"""`carbonaudit cbam …`: the exporter's and importer's CBAM commands, thin over carbonaudit.cbam.

Only typer is imported at module level; every command imports what it needs when it runs, so
`carbonaudit --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .errors import CarbonAuditError

cbam_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode="rich",
    help="EU CBAM: embedded emissions per product, the communication for importers, "
         "default values and the importer's certificate estimate.")

JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print exactly one JSON document on stdout (human text goes to stderr).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]
YearOpt = Annotated[int | None, typer.Option(
    "--year", help="Declaration year (default: the year the reporting period starts).")]
DefaultsOpt = Annotated[Path | None, typer.Option(
    "--defaults", help="Default-values table to use instead of the shipped excerpt "
                       "(format: carbonaudit/cbam/DEFAULTS.md).")]


def _fail(exc: CarbonAuditError) -> typer.Exit:
    from .cli import _fail as fail

    return fail(exc)


def _exit_code(findings, strict: bool) -> int:
    from .cli import _exit_code as code

    return code(findings, strict)


@cbam_app.command("assess")
def assess(
    installation: Annotated[Path, typer.Argument(
        help="Installation workbook (ours, from `carbonaudit template installation`) or a "
             "filled official Commission template v2.1.1.")],
    period: Annotated[str, typer.Option(
        "--period", help="transitional (2023-2025 rules) or definitive (from 2026).")
    ] = "definitive",
    year: YearOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for cbam-communication.json, "
                                      "communication.xlsx and findings.json.")] = Path("out"),
    report: Annotated[str | None, typer.Option(
        "--report", help="Also render reports: xlsx, pdf or xlsx,pdf.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: en, zh-Hant, zh-Hans.")
                    ] = "en",
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Compute specific embedded emissions (SEE) per product and write the communication
    for the EU importer.

    Source streams (combustion, process, mass balance), PFC and CEMS sources; emissions
    attributed to production processes with heat, waste gases and electricity; precursors
    through the whole chain; definitive-period rules (indirect emissions only for cement,
    fertilisers and sintered ore; EU and Annex III precursors count as zero).

    Example: [bold]carbonaudit cbam assess installation_2026.xlsx --out out/cbam[/]
    """
    from .cbam.run import assess_installation, write_outputs
    from .console import emit_json, findings_table, show
    from .outputs import findings_document

    try:
        a = assess_installation(installation, regime=period, year=year)
        written = write_outputs(a, out)
        if report:
            written.update(_render_reports(out / "cbam-communication.json", report, lang))
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    if json_out:
        emit_json({"communication": a.document,
                   "findings": findings_document(a.findings)["findings"],
                   "outputs": {k: str(v) for k, v in written.items()}})
    else:
        show(_products_table(a.document))
        important = [f for f in a.findings if str(f.severity) != "info"]
        if important:
            show(findings_table(important, limit=40))
        show(f"Wrote {', '.join(str(p) for p in written.values())}")
    raise typer.Exit(_exit_code(a.findings, strict))


def _render_reports(doc_path: Path, formats: str, lang: str) -> dict[str, Path]:
    from .errors import UsageError
    from .reports.render import render_report

    written = {}
    for fmt in (f.strip() for f in formats.split(",") if f.strip()):
        if fmt not in {"xlsx", "pdf"}:
            raise UsageError(f"--report takes xlsx, pdf or both, not {fmt!r}")
        target = doc_path.with_name(f"cbam-report-{lang}.{fmt}")
        written[f"report_{fmt}"] = render_report(doc_path, fmt, target, lang=lang)
    return written


def _products_table(doc: dict):
    from rich.table import Table

    table = Table(title=f"{doc['installation'].get('name') or 'Installation'} — SEE per product "
                        f"({doc['period']['regime']} {doc['period'].get('year') or ''})")
    for head in ("CN code", "Product", "SEE direct", "SEE indirect", "SEE total", "Unit",
                 "Defaults %"):
        table.add_column(head, justify="right" if head.startswith(("SEE", "Def")) else "left",
                         no_wrap=head in {"CN code", "Unit"})
    for p in doc["products"]:
        table.add_row(p.get("cn_code") or "", p.get("name") or "",
                      _num(p.get("see_direct")), _num(p.get("see_indirect"))
                      + ("" if p.get("indirect_counted") else " (info)"),
                      _num(p.get("see_total")), p.get("unit") or "",
                      _num(p.get("share_default_pct"), 1))
    return table


def _num(value, places: int = 4) -> str:
    return "" if value is None else f"{value:,.{places}f}"


@cbam_app.command("fill-template")
def fill_template(
    installation: Annotated[Path, typer.Argument(help="Our installation workbook.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the filled official "
                                      "template (.xlsx).")],
) -> None:
    """Write an installation's data into a copy of the Commission's official communication
    template v2.1.1, so the importer receives the file they know.

    The template's own parts (formulas, drawings, comments, validations, protection) are kept
    byte for byte; Excel recalculates the results when the file is opened.

    Example: [bold]carbonaudit cbam fill-template installation_2026.xlsx -o official.xlsx[/]
    """
    from .cbam.fill import fill_template as fill
    from .cbam.read import read_installation
    from .console import findings_table, show
    from .errors import UsageError

    try:
        if out.suffix.lower() != ".xlsx":
            raise UsageError("the official template is an .xlsx file; name the output *.xlsx")
        inst, findings = read_installation(installation)
        findings = [*findings, *fill(inst, out)]
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    if findings:
        show(findings_table(findings, limit=40))
    show(f"Wrote {out}")
    raise typer.Exit(_exit_code(findings, False))
