"""Start-up cost of `carbonaudit --version` against a bare Typer app's `--version`.

Both are run as fresh processes from the same interpreter in one run, alternating, and the
medians are compared (target: ratio at most 1.3).  The bare app has one callback option and
one command, the least a Typer CLI can be; what carbonaudit adds on top is its command groups'
option declarations.  Run from the project's venv:

    python benchmarks/startup.py --runs 21
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = '''
import typer

app = typer.Typer()


def _version(value: bool):
    if value:
        typer.echo("bare 0")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(None, "--version", callback=_version, is_eager=True)):
    """Bare."""


@app.command()
def noop():
    """Nothing."""


app()
'''

TARGET = 1.3


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def measure(runs: int) -> dict:
    """Median wall seconds of both commands over `runs` alternating runs (after a warm-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        ours = Path(sys.executable).with_name("carbonaudit")
        ours_cmd = [str(ours) if ours.exists() else "carbonaudit", "--version"]
        bare_cmd = [sys.executable, str(bare), "--version"]
        _wall(ours_cmd), _wall(bare_cmd)  # warm the file cache for both
        ours, base = [], []
        for _ in range(runs):
            ours.append(_wall(ours_cmd))
            base.append(_wall(bare_cmd))
    o, b = statistics.median(ours), statistics.median(base)
    return {"carbonaudit_s": o, "bare_typer_s": b, "ratio": o / b, "runs": runs}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=21)
    a = p.parse_args()
    r = measure(a.runs)
    verdict = "PASS" if r["ratio"] <= TARGET else "FAIL"
    print(f"carbonaudit --version {r['carbonaudit_s'] * 1000:.1f} ms, bare Typer app "
          f"--version {r['bare_typer_s'] * 1000:.1f} ms (medians of {r['runs']}): "
          f"{r['ratio']:.2f}x, target <= {TARGET}x: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
