"""`carbonaudit factors …`: browse the shipped emission factors, their sets and units."""

from __future__ import annotations

from typing import Annotated

import typer

from carbonaudit.cli.common import (
    JsonOpt,
    fail,
)
from carbonaudit.errors import CarbonAuditError

factors_app = typer.Typer(no_args_is_help=True, help="Browse the shipped emission factors.")


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
        raise fail(exc) from None
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
        raise fail(exc) from None
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
