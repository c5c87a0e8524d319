"""`carbonaudit template …` (blank input workbooks) and `carbonaudit init` (a project folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import (
    fail,
)
from carbonaudit.errors import CarbonAuditError

template_app = typer.Typer(no_args_is_help=True, help="Write blank input workbooks.")


def _write_template(writer, output: Path, overwrite: bool) -> None:
    from carbonaudit.console import show

    try:
        path = writer(output, overwrite=overwrite)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    show(f"Wrote {path}")


@template_app.command("activity")
def template_activity(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank activity workbook with dropdowns, instructions (English and Chinese)
    and one example row."""
    from carbonaudit.templates.activity import write_activity_template

    _write_template(write_activity_template, output, overwrite)


@template_app.command("factors")
def template_factors(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
    standard: Annotated[str | None, typer.Option(
        "--standard", help="hk-epd: one row per HK EPD/EMSD guideline factor to fill in.")
    ] = None,
) -> None:
    """Write a blank user-factor workbook (your own factors override shipped ones by id);
    with --standard hk-epd, the guideline factors carbonaudit does not ship, to fill in."""
    from functools import partial

    from carbonaudit.templates.factors import write_factor_template_for

    _write_template(partial(write_factor_template_for, standard), output, overwrite)


@template_app.command("installation")
def template_installation(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
    lang: Annotated[str, typer.Option(
        "--lang", help="Headers, field names and instructions: en, zh-Hant or zh-Hans (the "
                       "reader accepts all three).")] = "en",
) -> None:
    """Write a blank CBAM installation workbook: installation and verifier, source streams,
    PFC and CEMS sources, production processes with goods, routes and production, heat /
    waste gas / electricity flows, purchased precursors with supplier SEE or defaults, and
    carbon price paid.  Instructions in English and Chinese; dropdowns for every list."""
    from functools import partial

    from carbonaudit.cbam.workbook import write_installation_template

    _write_template(partial(write_installation_template, lang=lang), output, overwrite)


@template_app.command("imports")
def template_imports(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank CBAM imports workbook for `carbonaudit cbam imports` (one row per
    import line: date, CN code, origin, net mass, supplier SEE or communication file)."""
    from carbonaudit.cbam.imports_template import write_imports_template

    _write_template(write_imports_template, output, overwrite)


@template_app.command("claims")
def template_claims(
    output: Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")]
    = False,
) -> None:
    """Write a blank claims workbook for `carbonaudit verify --claimed` (item, claimed,
    unit: total, scopes, Scope 3 categories, sites; t CO2e or kg CO2e)."""
    from carbonaudit.audit.claims_template import write_claims_template

    _write_template(write_claims_template, output, overwrite)


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
        raise fail(exc) from None
    show("Created " + ", ".join(str(p) for p in written))
