"""`carbonaudit compare BASE.json CURRENT.json`: year on year and the base-year tests.

Thin over `carbonaudit.audit.compare`; registered in cli/__init__.py.  Exit codes: 0 the
comparison was made (a triggered recalculation is a warning, 1 with --strict); 1 a document
fails its schema; 2 usage; 3 a document cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import JsonOpt, StrictOpt, exit_code, fail
from carbonaudit.errors import CarbonAuditError


def compare(
    base: Annotated[Path, typer.Argument(help="The base year's inventory.json.")],
    current: Annotated[Path, typer.Argument(help="The current year's inventory.json.")],
    threshold: Annotated[str, typer.Option(
        "--threshold", help="Significance threshold for base-year recalculation, % of the "
                            "base-year total (GHG Protocol ch. 5), e.g. 5%.")] = "5%",
    gwp: Annotated[str | None, typer.Option(
        "--gwp", help="GWP set to compare on (default: the current document's).")] = None,
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Compare two inventories: change per scope, category, site and top source, both on
    one GWP set, and the structural and method changes that trigger a base-year
    recalculation.

    Example: [bold]carbonaudit compare out2024/inventory.json out2025/inventory.json[/]
    """
    from carbonaudit.audit.compare import compare_files
    from carbonaudit.console import emit_json, findings_table, show
    from carbonaudit.outputs import findings_document

    try:
        result = compare_files(base, current, threshold_pct=parse_threshold(threshold),
                               gwp_set=gwp)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json({"comparison": result.document,
                   "findings": findings_document(result.findings)["findings"]})
    else:
        from carbonaudit.cli.analytics_tables import comparison_tables

        show(*comparison_tables(result.document))
        for note in result.document["gwp"]["notes"]:
            show(note)
        show(findings_table(result.findings, limit=30))
    raise typer.Exit(exit_code(result.findings, strict))


def parse_threshold(text: str) -> float:
    """'5%', '5 %' or '5' as 5.0; anything else is a usage error."""
    from carbonaudit.errors import UsageError

    cleaned = text.strip().rstrip("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise UsageError(f"--threshold {text!r} is not a percentage such as 5%") from None
    if not 0 < value < 100:
        raise UsageError(f"--threshold {text!r} must be between 0 and 100 %")
    return value
