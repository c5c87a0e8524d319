"""What every `carbonaudit` command shares: option types, the error line, exit codes.

Only typer is imported here; each command imports its library when it runs, so `--help` and
`--version` stay fast.  Exit codes: 0 success; 1 input read but has errors (--strict: warnings
too); 2 usage error; 3 an input could not be read at all, or the system refused a file
operation (disk full, permission denied...): GuardedGroup catches those for every command.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from carbonaudit.errors import CarbonAuditError, from_os_error

FilesArg = Annotated[list[Path] | None, typer.Argument(
    help="Activity files (.xlsx or .csv); several files and sheets at once. "
         "Default: the inputs listed in --config.", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", "-c", help="Assessment configuration (carbonaudit.toml from `carbonaudit init`).")]
FactorsOpt = Annotated[list[Path] | None, typer.Option(
    "--factors", help="Your own factor file (csv/xlsx, same columns as the shipped sets); "
                      "overrides shipped factors by id. Repeatable.")]
GwpOpt = Annotated[str | None, typer.Option(
    "--gwp", help="GWP set: AR4, AR5 or AR6 (default: config, else AR6).")]
SheetOpt = Annotated[str | None, typer.Option(
    "--sheet", help="Read only this sheet (default: every sheet with activity columns).")]
EncodingOpt = Annotated[str | None, typer.Option(
    "--encoding", help="CSV encoding (default: detected; utf-8, utf-16, gb18030, big5).")]
DecimalOpt = Annotated[bool, typer.Option(
    "--decimal-comma", help="Numbers are written 1.234,5 (comma decimal).")]
JsonOpt = Annotated[bool, typer.Option(
    "--json", help="Print exactly one JSON document on stdout (human text goes to stderr).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")]


def fail(exc: CarbonAuditError) -> typer.Exit:
    """Print one error line (user text escaped, so it never breaks the markup) and give the
    exit code that the error's kind carries."""
    from rich.markup import escape

    from carbonaudit.console import err
    from carbonaudit.jsonio import printable

    err.print(f"[bold red]error:[/] {escape(printable(str(exc)))}", markup=True, highlight=False,
              soft_wrap=True)
    return typer.Exit(exc.exit_code)


class GuardedGroup(TyperGroup):
    """The root command group: whatever a command leaves unhandled of the errors we expect
    (an OSError such as a full disk or a read-only folder, or one of our own errors) ends
    as one line on stderr and its exit code (3 for the OS), never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `| head` closed the pipe: click's own handling
                raise
            raise fail(from_os_error(exc)) from None
        except CarbonAuditError as exc:
            raise fail(exc) from None


def load_config(config: Path | None):
    """The project config named by --config, else the defaults."""
    from carbonaudit.project import Config
    from carbonaudit.project import load_config as load

    return load(config) if config else Config.default()


def shown(path: Path) -> str:
    """A config input as a person would type it: relative to here when it is below here."""
    import os

    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def exit_code(findings, strict: bool, rejected: int = 0) -> int:
    """1 when a row was rejected or a finding is an error (with --strict, a warning too)."""
    from carbonaudit.findings import has_errors

    if rejected or has_errors(findings):
        return 1
    if strict and any(str(f.severity) == "warning" for f in findings):
        return 1
    return 0
