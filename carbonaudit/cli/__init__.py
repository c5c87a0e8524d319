"""The `carbonaudit` command line: the Typer app, its version option, and one module per
command group (assess, validate, factors, templates, cbam, pact, report), each thin over the
library.  Heavy libraries are imported inside commands so that `--help` and `--version` stay
fast.

Exit codes: 0 success; 1 input read but has errors (--strict: warnings too); 2 usage
error; 3 an input could not be read at all, or the system refused to write an output.
"""

from __future__ import annotations

from typing import Annotated

import typer

from carbonaudit import __version__
from carbonaudit.cli.assess import assess
from carbonaudit.cli.cbam import cbam_app
from carbonaudit.cli.common import GuardedGroup
from carbonaudit.cli.compare import compare
from carbonaudit.cli.factors import factors_app
from carbonaudit.cli.pact import pact_app
from carbonaudit.cli.report import report
from carbonaudit.cli.templates import init, template_app
from carbonaudit.cli.validate import validate
from carbonaudit.cli.verify import bundle, check_bundle, verify

app = typer.Typer(
    cls=GuardedGroup,  # an OSError anywhere: one line and exit 3, never a traceback
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Carbon audit toolkit: activity spreadsheets to a traceable GHG inventory "
         "(GHG Protocol Scope 1/2/3 with Scope 2 dual reporting, ISO 14064-1), offline.\n\n"
         "Exit codes: 0 success; 1 input has errors (--strict: or warnings); 2 usage error; "
         "3 an input could not be read.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"carbonaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool | None, typer.Option(
        "--version", "-V", callback=_version, is_eager=True, help="Show the version.")] = None,
) -> None:
    """Carbon audit toolkit."""


app.command()(assess)
app.command()(compare)
app.command()(validate)
app.add_typer(factors_app, name="factors")
app.add_typer(template_app, name="template")
app.command()(init)
app.add_typer(cbam_app, name="cbam")
app.add_typer(pact_app, name="pact")
app.command("report")(report)
app.command()(verify)
app.command()(bundle)
app.command("check-bundle")(check_bundle)
