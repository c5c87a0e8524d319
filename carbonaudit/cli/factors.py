"""`carbonaudit factors …`: browse the emission factors (shipped and your own), the fuel
properties that bridge units, their sets and the accepted units."""

from __future__ import annotations

from typing import Annotated

import typer

from carbonaudit.cli.common import (
    ConfigOpt,
    FactorsOpt,
    JsonOpt,
    fail,
    load_config,
)
from carbonaudit.errors import CarbonAuditError

factors_app = typer.Typer(no_args_is_help=True,
                          help="Browse the emission factors and fuel properties.")


def _library(config, factors):
    """The shipped sets plus the user factor files of --config and --factors.

    Every shipped set is loaded whatever the configuration selects, so that any id a
    results.csv names can be looked up; the user files are what make its own ids known.
    """
    from carbonaudit.factors import load_library

    cfg = load_config(config)
    return load_library(None, [*cfg.extra_factors, *(factors or ())])


@factors_app.command("list")
def factors_list(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text to look for in "
                                               "id, activity, item, region or source.")] = None,
    set_name: Annotated[str | None, typer.Option("--set", help="Only this factor set.")] = None,
    properties: Annotated[bool, typer.Option(
        "--properties", help="List the fuel properties (densities, heating values) instead.")
    ] = False,
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List factors (id, activity, item, region, unit, status), your own files' included."""
    from rich.table import Table

    from carbonaudit.console import emit_json, show

    try:
        lib, _ = _library(config, factors)
        if properties:
            df = _search_properties(lib.properties, search)
            cols = ["id", "item", "property", "value", "unit", "basis", "status", "set"]
        else:
            df = lib.search(search, set_name)
            cols = ["id", "activity", "item", "region", "sector", "unit", "vintage", "status",
                    "set"]
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json({"properties" if properties else "factors":
                   [_plain(r) for r in df[cols].to_dict("records")]})
        return
    table = Table(title=f"{len(df)} {'properties' if properties else 'factors'}")
    for c in cols:
        table.add_column(c)
    for r in df[cols].itertuples(index=False):
        table.add_row(*[_cell(v) for v in r])
    show(table)


def _search_properties(props, text):
    if not text or not len(props):
        return props
    hay = (props["id"] + " " + props["item"] + " " + props["property"] + " "
           + props["source"]).str.lower()
    return props[hay.str.contains(text.lower(), regex=False)]


@factors_app.command("show")
def factors_show(
    factor_id: Annotated[str, typer.Argument(
        help="A factor id (ipcc2006.sc.natural_gas.tj) or a property id that results.csv "
             "names in properties_used (dukes2005.density.diesel).")],
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show every field of one factor or fuel property, with its source and licence.

    Example: [bold]carbonaudit factors show my.boiler.gas --factors my_factors.csv[/]
    """
    from rich.table import Table

    from carbonaudit.console import emit_json, show
    from carbonaudit.errors import UsageError
    from carbonaudit.factors import FACTOR_COLUMNS
    from carbonaudit.factors.library import PROPERTY_COLUMNS

    try:
        lib, found = _library(config, factors)
        rec = lib.get(factor_id)
        if rec is not None:
            fields = {k: _plain_value(rec[k]) for k in (*FACTOR_COLUMNS, "set", "set_edition")}
            user = next((s for s in lib.sets if s.user and s.name == rec["set"]), None)
            if user is not None:
                fields["file"] = user.file
            title = factor_id
        else:
            prop = lib.get_property(factor_id)
            if prop is None:
                bad = sum(str(f.severity) == "error" for f in found)
                hint = (f"; your factor files have {bad} rows with errors (carbonaudit validate "
                        "--kind factors FILE)" if bad else "")
                raise UsageError(f"no factor or fuel property with id {factor_id!r}; try "
                                 f"`carbonaudit factors list --search` (give your own file with "
                                 f"--factors or --config){hint}")
            fields = {k: _plain_value(prop.get(k)) for k in (*PROPERTY_COLUMNS, "set")}
            title = f"{factor_id} (fuel property)"
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json(fields)
        return
    table = Table(title=title, show_header=False)
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
