"""`carbonaudit cbam …`: the exporter's and importer's CBAM commands, thin over carbonaudit.cbam.

Only typer is imported at module level; every command imports what it needs when it runs, so
`carbonaudit --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import JsonOpt, StrictOpt, exit_code, fail
from carbonaudit.errors import CarbonAuditError

cbam_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode="rich",
    help="EU CBAM: embedded emissions per product, the communication for importers, "
         "default values and the importer's certificate estimate.")

YearOpt = Annotated[int | None, typer.Option(
    "--year", help="Declaration year (default: the year the reporting period starts).")]
DefaultsOpt = Annotated[Path | None, typer.Option(
    "--defaults", help="Default-values table to use instead of the shipped IR 2025/2621 "
                       "tables (format: carbonaudit/cbam/DEFAULTS.md).")]


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
    from carbonaudit.cbam.run import assess_installation, write_outputs
    from carbonaudit.console import emit_json, findings_table, show
    from carbonaudit.outputs import findings_document
    from carbonaudit.reports.render import render_beside, report_formats

    try:
        formats = report_formats(report, lang)
        a = assess_installation(installation, regime=period, year=year)
        written = write_outputs(a, out)
        if formats:
            written.update(render_beside(out / "cbam-communication.json", formats, lang,
                                         "cbam-report"))
    except CarbonAuditError as exc:
        raise fail(exc) from None
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
    raise typer.Exit(exit_code(a.findings, strict))


def _products_table(doc: dict):
    from rich.table import Table

    period = " ".join(str(v) for v in (doc["period"]["regime"], doc["period"].get("year")) if v)
    table = Table(title=f"{doc['installation'].get('name') or 'Installation'} — SEE per product "
                        f"({period})")
    for head in ("CN code", "Product", "SEE direct", "SEE indirect", "SEE total",
                 "SEE counted", "Unit", "Defaults %"):
        table.add_column(head, justify="right" if head.startswith(("SEE", "Def")) else "left",
                         no_wrap=head in {"CN code", "Unit"})
    for p in doc["products"]:
        table.add_row(p.get("cn_code") or "", p.get("name") or "",
                      _num(p.get("see_direct")), _num(p.get("see_indirect")),
                      _num(p.get("see_total")), _num(p.get("see_counted")), p.get("unit") or "",
                      _num(p.get("share_default_pct"), 1))
    table.caption = ("SEE total = direct + indirect; SEE counted = what the period counts "
                     "(see_counted_rule in the JSON)")
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
    from carbonaudit.cbam.fill import fill_template as fill
    from carbonaudit.cbam.read import read_installation
    from carbonaudit.console import findings_table, show
    from carbonaudit.errors import UsageError

    try:
        if out.suffix.lower() != ".xlsx":
            raise UsageError("the official template is an .xlsx file; name the output *.xlsx")
        inst, findings = read_installation(installation)
        findings = [*findings, *fill(inst, out)]
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if findings:
        show(findings_table(findings, limit=40))
    show(f"Wrote {out}")
    raise typer.Exit(exit_code(findings, False))


@cbam_app.command("defaults")
def defaults(
    cn_code: Annotated[str, typer.Argument(help="Eight-digit CN code of Annex I, e.g. 72011011 "
                                           "or '7201 10 11'.")],
    country: Annotated[str, typer.Argument(help="Country of origin: ISO code (CN) or name.")],
    year: Annotated[int, typer.Option("--year", help="Year of import (sets the mark-up).")
                    ] = 2026,
    table: DefaultsOpt = None,
    route: Annotated[str | None, typer.Option("--route", help="Production route, where the "
                                              "table has values per route.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Show the default value (direct, indirect, total) for a CN code and country, and the
    total with the year's mark-up as IR 2025/2621 publishes it (+10/20/30 % for cement, iron
    and steel, aluminium and hydrogen in 2026/2027/2028 on; +1 % for fertilisers).

    The row of the longest CN heading listed for the country applies; a country without a
    row for the code takes "other countries and territories", and says so; a dash means no
    default value applies.  Where the table splits by production route, give --route (the
    routes are listed otherwise).  COUNTRY UNKNOWN gives the Annex IV value for a precursor
    of unknown origin.  The shipped tables are IR 2025/2621 Annexes I and IV (status
    secondary); give the Commission's current table with --defaults.

    Example: [bold]carbonaudit cbam defaults 72011011 AU --year 2027[/]
    """
    from carbonaudit.cbam.defaults import load_defaults, lookup
    from carbonaudit.console import emit_json, findings_table, show

    try:
        loaded = load_defaults(table)
        value = lookup(cn_code, country, year, loaded, route=route)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    found = [*loaded.findings, *value.findings]
    if json_out:
        emit_json(value.to_dict() | {"table_findings": [f.to_dict() for f in loaded.findings]})
    else:
        if value.found:  # a table of blanks above the error only hides the error
            show(_default_table(value))
        if found:
            show(findings_table(found, limit=20))
    raise typer.Exit(exit_code(found, False) if value.found else 1)


def _default_table(value):
    from rich.table import Table

    d = value.to_dict()
    table = Table(title=f"CBAM default value — CN {d['cn_formatted']} ({d['category']}), "
                        f"origin {d['country']}, {d['year']}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    route = d["route"] + (f" ({d['route_meaning']})" if d["route_meaning"] else "")
    rows = [("Direct", _num(d["direct"])), ("Indirect", _num(d["indirect"])),
            ("Total (before mark-up)", _num(d["total"])),
            ("Mark-up", f"{d['markup_pct']:g} %"),
            ("Total with mark-up", _num(d["total_marked_up"])
             + (f" ({d['total_marked_up_source']})" if d["total_marked_up_source"] else "")),
            ("Unit", d["unit"]), ("Country row used", d["country_used"] or "none"),
            ("Route", route), ("Legal source", d["legal_source"] or ""),
            ("Status", d["status"] or ""), ("Table row", d["table_row"] or "")]
    for k, v in rows:
        table.add_row(k, v)
    return table


@cbam_app.command("imports")
def imports(
    file: Annotated[Path, typer.Argument(help="Imports workbook or CSV (one row per import "
                                        "line; `carbonaudit template imports` writes one).")],
    year: YearOpt = None,
    table: DefaultsOpt = None,
    cscf: Annotated[float | None, typer.Option(
        "--cscf", help="EU ETS cross-sectoral correction factor for the year (a fraction, "
                       "published by the Commission). Without it the free-allocation "
                       "adjustment is not computed.")] = None,
    price: Annotated[list[str] | None, typer.Option(
        "--price", help="CBAM certificate price, EUR: one number (80), or one per quarter of "
                        "import, repeated (--price Q1=75.36 --price Q2=75.28). Gives the cost "
                        "in EUR, less the carbon price paid where it may be deducted.")] = None,
    lines: Annotated[str, typer.Option(
        "--lines", help="Format of the per-line table: csv or parquet (the JSON keeps to "
                        "totals and groups).")] = "csv",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for cbam-imports.json, "
                                      "the line table and the group CSV.")] = Path("out"),
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """For importers and their suppliers: embedded emissions per CN code and origin (actual
    SEE from suppliers' communications where given, default values otherwise), the 50-tonne
    de minimis test, the free-allocation adjustment (IR 2025/2620 benchmarks), the
    certificates and, with --price, their cost in EUR.

    Example: [bold]carbonaudit cbam imports imports_2026.xlsx --cscf 1 --price 80 -o out/imports[/]
    """
    from carbonaudit.cbam.defaults import load_defaults
    from carbonaudit.cbam.imports import assess_imports, parse_price_options
    from carbonaudit.cbam.imports_reader import read_imports
    from carbonaudit.cbam.imports_results import write_imports_results
    from carbonaudit.console import emit_json, findings_table, show
    from carbonaudit.errors import UsageError

    try:
        if lines not in ("csv", "parquet"):
            raise UsageError(f"--lines is csv or parquet, not {lines!r}")
        prices = parse_price_options(price)
        loaded = load_defaults(table)
        data, read_found = read_imports(file)
        result = assess_imports(data, year, loaded, cscf, price=prices,
                                read_findings=[*loaded.findings, *read_found])
        written = write_imports_results(result, out, lines_format=lines)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json(result.to_dict() | {"outputs": [str(p) for p in written]})
    else:
        show(_imports_table(result))
        important = [f for f in result.findings if str(f.severity) != "info"]
        if important:
            show(findings_table(important, limit=40))
        show(f"Wrote {', '.join(str(p) for p in written)}")
    raise typer.Exit(exit_code(result.findings, strict))


_GROUPS_SHOWN = 40


def _imports_table(result):
    from rich.table import Table

    dm = result.de_minimis
    state = "exempt" if dm.exempt else "in scope"
    table = Table(title=f"CBAM imports {result.year}: {dm.counted_mass_t:,.3f} t counted "
                        f"towards the 50 t de minimis threshold — {state}")
    heads = ("CN code", "Origin", "Lines", "Mass", "Embedded t CO2e", "Certificates", "Basis")
    for head in heads:
        table.add_column(head, justify="left" if head in {"CN code", "Origin", "Basis"}
                         else "right")
    for g in result.groups[:_GROUPS_SHOWN]:
        table.add_row(g["cn_formatted"], g["country"], str(g["lines"]), _num(g["mass"], 3),
                      _num(g.get("embedded_t"), 3), _num(g.get("certificates_t"), 3),
                      g.get("basis") or "")
    if len(result.groups) > _GROUPS_SHOWN:
        table.add_row(f"… {len(result.groups) - _GROUPS_SHOWN} more groups in "
                      "cbam-imports-groups.csv", "", "", "", "", "", "")
    t = result.totals
    table.add_section()
    table.add_row("Total in scope", "", str(t["lines_by_status"]["in-scope"]), "",
                  _num(t["embedded_t"], 3), "", "")
    table.add_row("Free-allocation adjustment", "", "", "", _num(t["faa_t"], 3)
                  if t["faa_t"] is not None else "not computed", "", "")
    table.add_row("Certificates", "", "", "", "", _num(t["certificates_t"], 3)
                  if t["certificates_t"] is not None else "not computed (see findings)", "")
    if t["cost_eur"] is not None or result.price is not None:
        table.add_row("Cost EUR", "", "", "", "", f"{t['cost_eur']:,.2f}"
                      if t["cost_eur"] is not None else "not computed (see findings)", "")
    return table
