"""`carbonaudit report`: render a verifier-ready Excel or PDF report from inventory.json or
cbam-communication.json.  Registered by cli.py as `app.command()(report)`; heavy libraries
are imported inside the function so `carbonaudit --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import fail
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
    from carbonaudit.jsonio import printable
    from carbonaudit.reports.render import (
        InvalidDocument,
        check_options,
        render_report,
        report_name,
    )

    try:
        check_options(fmt, standard, cjk_font, lang)  # before they name a file
        target = output or document.with_name(report_name("report", lang, fmt, standard))
        written = render_report(document, fmt, target, lang=lang, standard=standard,
                                cjk_font=cjk_font)
    except InvalidDocument as exc:
        from rich.markup import escape

        for f in exc.findings[:50]:
            err.print(f"[red]{f.code}[/] {escape(printable(f'{f.location}: {f.message}'))}",
                      markup=True, highlight=False, soft_wrap=True)
        raise fail(exc) from None
    except CarbonAuditError as exc:
        raise fail(exc) from None
    err.print(f"Wrote {written}", highlight=False, soft_wrap=True)
