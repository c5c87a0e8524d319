"""Rich output for people (stderr) and the single JSON document for machines (stdout)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table
from rich.text import Text

from carbonaudit.jsonio import printable

# Markup off by default: table cells and messages carry user text ("[/x]" in a site name
# would otherwise be read as a closing tag and stop the program); styled lines opt in.
err = Console(stderr=True, highlight=False, markup=False)
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def emit_json(doc: dict) -> None:
    """The one JSON document on stdout; text that the terminal's encoding cannot show (or a
    lone surrogate from a file name) is written as JSON escapes rather than failing."""
    text = printable(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False))
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        sys.stdout.write(json.dumps(doc, ensure_ascii=True, indent=2, allow_nan=False) + "\n")


def t(kg: float) -> str:
    """kg -> tonnes for display."""
    return f"{kg / 1000:,.3f}"


@contextmanager
def progress(enabled: bool = True):
    """A progress bar naming the current stage; silent when stderr is not a terminal."""
    if not enabled or not err.is_terminal:
        yield lambda _msg: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    stage = TextColumn("{task.description}", style="bold", markup=False)
    with Progress(SpinnerColumn(), stage, BarColumn(), TimeElapsedColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda msg: bar.update(task, description=msg, advance=1)


def is_large(paths) -> bool:
    """Inputs big enough that a person waits: show the progress bar."""
    import os

    return sum(os.path.getsize(p) for p in paths if os.path.isfile(p)) > 2_000_000


def findings_table(findings, limit: int = 50) -> Table:
    table = Table(title=f"Findings ({len(findings)})", show_lines=False)
    table.add_column("severity")
    table.add_column("code")
    table.add_column("where", overflow="fold")
    table.add_column("message", overflow="fold")
    for f in findings[:limit]:
        sev = str(f.severity)
        table.add_row(Text(sev, style=SEVERITY_STYLE[sev]), f.code, printable(str(f.location)),
                      printable(f.message))
    if len(findings) > limit:
        table.caption = f"{len(findings) - limit} more in findings.json / --json"
    return table


def _pairs(title: str, heading: tuple[str, str], rows: list[tuple[str, str]]) -> Table:
    """A two-column table: a label and a right-aligned figure."""
    table = Table(title=title)
    table.add_column(heading[0])
    table.add_column(heading[1], justify="right")
    for label, value in rows:
        table.add_row(label, value)
    return table


def inventory_summary(doc: dict) -> list[Table]:
    tot = doc["totals_kgco2e"]
    p = doc["period"]
    period = f"{p['start']} to {p['end']}" if p.get("start") and p.get("end") else \
        "period not stated"  # never "None to None"
    title = f"{doc['organisation']['name']} — GHG inventory ({period}, {doc['gwp_set']})"
    scopes = _pairs(title, ("scope", "t CO2e"), [
        ("Scope 1", t(tot["scope_1"])),
        ("Scope 2 (location-based)", t(tot["scope_2_location"])),
        ("Scope 2 (market-based)", t(tot["scope_2_market"])),
        ("Scope 3", t(tot["scope_3"])),
        ("Biogenic CO2 (outside scopes)", t(tot["biogenic_co2_outside_scopes"])),
    ])
    iso = _pairs("ISO 14064-1 categories", ("category", "t CO2e"),
                 [(f"{c['category']} {c['label']}", t(c["kgco2e"]))
                  for c in doc["by_iso_category"]])
    sites = Table(title="By site")
    for col in ("site", "Scope 1", "Scope 2 loc.", "Scope 2 mkt.", "Scope 3"):
        sites.add_column(col, justify="left" if col == "site" else "right")
    for s in doc["by_site"]:
        sites.add_row(s["site"], t(s["scope_1"]), t(s["scope_2_location"]),
                      t(s["scope_2_market"]), t(s["scope_3"]))
    top = Table(title="Top sources")
    for col in ("activity", "item", "site", "t CO2e"):
        top.add_column(col, justify="right" if col == "t CO2e" else "left")
    for s in doc["top_sources"]:
        top.add_row(s["activity"], s["item"], s["site"], t(s["kgco2e"]))
    rows = doc["rows"]
    f = doc["findings"]
    acct = _pairs("Row accounting", ("what", "count"), [
        ("rows read", str(rows["read"])),
        ("rows assessed", str(rows["assessed"])),
        ("rows rejected", str(rows["rejected"])),
        ("blank rows skipped", str(rows["blank_skipped"])),
        ("findings: errors / warnings / info", f"{f['error']} / {f['warning']} / {f['info']}"),
    ])
    return [scopes, iso, sites, top, acct]


def show(*renderables) -> None:
    """Print to stderr; a string may use markup, and one whose user text reads as broken
    markup is printed as it is rather than stopping the program."""
    from rich.errors import MarkupError

    for r in renderables:
        if not isinstance(r, str):
            err.print(r)
            continue
        try:
            err.print(printable(r), markup=True)
        except MarkupError:
            err.print(printable(r), markup=False)
