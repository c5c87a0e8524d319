"""The `carbonaudit` command's entry point (also `python -m carbonaudit`).

`carbonaudit --version` is answered here, before Typer builds the command tree of every group
(about 20 ms of a 90 ms start); everything else goes to the Typer app in `carbonaudit.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from carbonaudit import __version__

        print(f"carbonaudit {__version__}")
        return
    from carbonaudit.cli import app

    app()


if __name__ == "__main__":
    main()
