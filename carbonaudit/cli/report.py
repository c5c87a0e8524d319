"""`carbonaudit report`: render a verifier-ready Excel or PDF report from inventory.json or
cbam-communication.json.  Registered by cli.py as `app.command()(report)`; heavy libraries
are imported inside the function so `carbonaudit --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.errors import CarbonAuditError


def report(
    document: Annotated[Path, typer.Argument(
        help="inventory.json (from `carbonaudit assess`) or cbam-communication.json "
             "(from `carbonaudit cbam assess`).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx or pdf.")] = "pdf",
    lang: Annotated[str, typer.Option(
        "--lang", help="Report language: en, zh-Hant or zh-Hans.")] = "en",
    standard: Annotated[str | None, typer.Option(
        "--standard", help="ghg-protocol (scopes first; the default) or iso14064 (ISO "
                           "14064-1 categories first, ISO wording). Inventories only.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (default: beside the document, "
                               "report-<lang>.<format>, or report-<lang>-iso14064.<format>)."
    )] = None,
    cjk_font: Annotated[Path | None, typer.Option(
        "--cjk-font", help="Embed this TTF/TTC for Chinese text (default: the viewer's "
                           "built-in CID font, nothing embedded).")] = None,
) -> None:
    """Render an Excel or PDF report from a validated report document, never recomputed.

    Example: [bold]carbonaudit report out/inventory.json --format pdf --lang zh-Hant[/]
    """
    from carbonaudit.console import err
    from carbonaudit.reports.render import InvalidDocument, render_report

    target = output or document.with_name(report_name("report", lang, fmt, standard))
    try:
        written = render_report(document, fmt, target, lang=lang, standard=standard,
                                cjk_font=cjk_font)
    except InvalidDocument as exc:
        from rich.markup import escape

        for f in exc.findings[:50]:
            err.print(f"[red]{f.code}[/] {escape(f'{f.location.pointer}: {f.message}')}",
                      markup=True, highlight=False, soft_wrap=True)
        raise _fail(exc) from None
    except CarbonAuditError as exc:
        raise _fail(exc) from None
    err.print(f"Wrote {written}", highlight=False, soft_wrap=True)


def _fail(exc: CarbonAuditError) -> typer.Exit:
    from rich.markup import escape

    from carbonaudit.console import err

    err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False,
              soft_wrap=True)
    return typer.Exit(exc.exit_code)


def report_formats(formats: str | None, lang: str) -> list[str]:
    """The formats of `--report xlsx,pdf`, checked before any work is done."""
    from carbonaudit.errors import UsageError
    from carbonaudit.reports.labels import load_catalogue
    from carbonaudit.reports.render import FORMATS

    if not formats:
        return []
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or any(f not in FORMATS for f in chosen):
        raise UsageError(f"--report takes {', '.join(FORMATS)} or both, not {formats!r}")
    load_catalogue(lang)  # an unknown --lang is a usage error now, not after the run
    return chosen


def render_beside(doc_path: Path, formats: list[str], lang: str, stem: str) -> dict[str, Path]:
    """Render the just-written document as `<stem>-<lang>.<fmt>` beside it."""
    from carbonaudit.reports.render import render_report

    return {f"report_{fmt}": render_report(
        doc_path, fmt, doc_path.with_name(report_name(stem, lang, fmt)), lang=lang)
        for fmt in formats}


def report_name(stem: str, lang: str, fmt: str, standard: str | None = None) -> str:
    """`<stem>-<lang>.<fmt>`; the ISO ordering gets its own name so that it never
    overwrites the GHG Protocol report beside it."""
    suffix = f"-{standard}" if standard == "iso14064" else ""
    return f"{stem}-{lang}{suffix}.{fmt}"
