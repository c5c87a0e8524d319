"""Outputs the system refuses: every OS error ends as one line and exit 3 (never a
traceback), options are checked before they name a file, and a failed write leaves the
previous files and no temporary file.

Tests run as root, where chmod stops nothing: a read-only folder is a read-only tmpfs
mount, a full disk a tiny tmpfs (both skipped where mount is not allowed) or a file-size
limit (RLIMIT_FSIZE, which Linux enforces for root too).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.cli.common import GuardedGroup

runner = CliRunner()
HEADER = "activity,item,quantity,unit,site,period_start,region\n"
GOOD = HEADER + "stationary_combustion,natural_gas,1,TJ,F,2025-01-01,\n"


def activity(folder: Path, rows: int = 1, name: str = "a.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(f"stationary_combustion,natural_gas,{i},TJ,F,2025-01-01,\n"
                                     for i in range(1, rows + 1)), "utf-8")
    return path


def carbonaudit(*args, limit_bytes: int | None = None) -> subprocess.CompletedProcess:
    """The real command in a fresh process (optionally under a file-size limit)."""
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "carbonaudit", *map(str, args)],
                          capture_output=True, text=True,
                          preexec_fn=limit if limit_bytes else None,
                          env={**os.environ, "COLUMNS": "300"})


def one_error_line(r, code: int) -> str:
    assert r.returncode == code, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, r.stderr
    return lines[0]


@contextlib.contextmanager
def tmpfs(where: Path, options: str):
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_out_that_is_a_file_fails_before_the_run(tmp_path):
    src = activity(tmp_path)
    out = tmp_path / "out"
    out.write_text("not a folder", "utf-8")
    line = one_error_line(carbonaudit("assess", src, "-o", out), 3)
    assert line == f"error: cannot write to {out}: it is a file, not a folder"
    assert out.read_text("utf-8") == "not a folder"


def test_out_below_a_file_is_exit_3(tmp_path):
    src = activity(tmp_path)
    (tmp_path / "f").write_text("x", "utf-8")
    line = one_error_line(carbonaudit("assess", src, "-o", tmp_path / "f" / "out"), 3)
    assert "a part of the path is a file, not a folder" in line


def test_read_only_folder_is_exit_3(tmp_path):
    src = activity(tmp_path)
    with tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        line = one_error_line(carbonaudit("assess", src, "-o", ro / "out"), 3)
        assert "read-only" in line
        line = one_error_line(carbonaudit("template", "activity", "-o", ro / "t.xlsx"), 3)
        assert "read-only" in line and str(ro / "t.xlsx") in line


def test_report_checks_lang_and_format_before_building_a_path(tmp_path):
    doc = tmp_path / "inventory.json"
    doc.write_text("{}", "utf-8")
    for args in (["--lang", "../x"], ["--lang", "/tmp/x"], ["--format", "../x"],
                 ["--standard", "../x"]):
        r = runner.invoke(app, ["report", str(doc), *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.json"]
    assert not (tmp_path.parent / "x.pdf").exists()


@pytest.fixture(scope="module")
def assessed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("assessed")
    r = runner.invoke(app, ["assess", str(activity(folder)), "-o", str(folder / "out")])
    assert r.exit_code == 0, r.output
    return folder / "out" / "inventory.json"


def test_report_over_a_folder_or_a_device_is_refused(assessed, tmp_path):
    folder = tmp_path / "dir.pdf"
    folder.mkdir()
    r = runner.invoke(app, ["report", str(assessed), "-o", str(folder)])
    assert r.exit_code == 3 and "it is a folder, not a file" in r.output
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    r = runner.invoke(app, ["report", str(assessed), "-o", str(fifo)])
    assert r.exit_code == 2 and "not a regular file" in r.output
    assert Path(fifo).is_fifo()  # a rename would have replaced it (as root: /dev/null too)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_root_group_turns_any_os_error_into_one_line(tmp_path):
    """The guard itself, on a command that lets a real OSError through (opening a folder
    for writing), the case of every command that forgets to handle one."""
    demo = typer.Typer(cls=GuardedGroup)

    @demo.command()
    def write(path: Path) -> None:
        path.open("w")

    @demo.command()
    def other() -> None:
        pass

    r = runner.invoke(demo, ["write", str(tmp_path)])
    assert r.exit_code == 3
    assert r.output.strip() == f"error: {tmp_path}: it is a folder, not a file (Is a directory)"
