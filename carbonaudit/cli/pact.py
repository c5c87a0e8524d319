"""`carbonaudit pact ...`: PACT product carbon footprints.  Heavy imports stay inside
the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import fail
from carbonaudit.errors import CarbonAuditError

pact_app = typer.Typer(no_args_is_help=True,
                       help="WBCSD PACT product carbon footprints (v2.3 and v3.0).")


@pact_app.command("export")
def export(
    source: Annotated[Path, typer.Option(
        "--from", help="Result document: inventory.json from `assess` or "
                       "cbam-communication.json from `cbam assess`.")],
    products: Annotated[Path, typer.Option(
        "--product", help="Products sheet (.xlsx or .csv): ids, allocation, declared unit and "
                          "the product facts the result cannot know.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Footprints file to write "
                                         "(a JSON array of ProductFootprints).")],
    spec: Annotated[str, typer.Option("--spec", help="PACT version: 2.3 or 3.0.")] = "2.3",
    created: Annotated[str | None, typer.Option(
        "--created", help="Creation time (RFC 3339, e.g. 2026-02-01T00:00:00Z); default: the "
                          "end of the reference period, so output is reproducible.")] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Sheet of the products workbook (default: 'Products' or the first "
                        "with a product_id column).")] = None,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print exactly one JSON document on stdout.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
) -> None:
    """Build PACT ProductFootprints from an inventory or a CBAM result.

    Writes the footprints that validate; exits 1 when a product could not be exported.

    Example: [bold]carbonaudit pact export --from inventory.json --product p.xlsx -o fp.json[/]
    """
    import json

    from carbonaudit.console import emit_json, findings_table, show
    from carbonaudit.errors import InputUnreadable, UsageError
    from carbonaudit.findings import count_by_severity, has_errors, sort_key
    from carbonaudit.outputs import atomic_write
    from carbonaudit.pact.export import export_footprints
    from carbonaudit.pact.products import read_products
    from carbonaudit.pact.validate import load_json

    try:
        if spec not in {"2.3", "3.0"}:
            raise UsageError(f"--spec must be 2.3 or 3.0, not {spec!r}")
        inputs = {source.resolve(), products.resolve()}
        if output.resolve() in inputs:  # resolve(): a link to an input is refused too
            raise UsageError(f"-o {output} is an input of this export (--from or --product); "
                             "write the footprints to another file")
        doc, _, problem = load_json(source)
        if problem is not None:
            raise InputUnreadable(str(source), problem.message)
        sheet_doc, found = read_products(products, sheet)
        footprints, more = export_footprints(doc, sheet_doc, spec, now=created,
                                              source=str(source))
        found += more
        if footprints:
            text = json.dumps(footprints, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
            # A temporary file renamed over the output: a failed write leaves the old file,
            # and a symbolic link at the output is replaced, never written through.
            atomic_write(output, text.encode("utf-8"), inputs)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    ordered = sorted(found, key=sort_key)
    failed = has_errors(ordered) or not footprints
    code = 1 if failed or (strict and any(str(f.severity) == "warning" for f in ordered)) else 0
    if json_out:
        emit_json({"footprints": len(footprints), "spec": spec,
                   "output": str(output) if footprints else None,
                   "counts": count_by_severity(ordered),
                   "findings": [f.to_dict() for f in ordered]})
    else:
        if ordered:
            show(findings_table(ordered, limit=200))
        show(f"Wrote {len(footprints)} footprint(s) to {output}" if footprints
             else "No footprint written.")
    raise typer.Exit(code)
