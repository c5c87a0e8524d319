"""A run's outputs are one set: results.csv, findings.json and inventory.json land together,
inventory.json records the others' SHA-256 (and results.csv's row count), a failed run
leaves the previous set and no temporary file, `report` refuses a companion of another run
or a damaged one, and a symbolic link in place of an output is replaced, not followed."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from test_trust_outputs import HEADER, activity, carbonaudit, one_error_line, tmpfs
from typer.testing import CliRunner

from carbonaudit.cli import app

runner = CliRunner()
BAD = HEADER + ("stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,\n"
                "stationary_combustion,natural_gas,2,TJ,G,2025-01-01,\n"
                "stationary_combustion,natural_gas,,TJ,H,2025-01-01,\n")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of folder (hidden ones too: a stray temporary file or folder shows)."""
    return {p.name: p.read_bytes() if p.is_file() else b"<dir>" for p in folder.iterdir()}


def assess(src: Path, out: Path, *more: str):
    return runner.invoke(app, ["assess", str(src), "-o", str(out), *more])


def csv_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_inventory_records_the_set_it_was_written_with(tmp_path):
    out = tmp_path / "out"
    r = assess(activity(tmp_path, rows=5), out, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "inventory.json").read_text("utf-8"))
    assert doc["outputs"] == {
        "results_csv": {"sha256": hashlib.sha256((out / "results.csv").read_bytes()).hexdigest(),
                        "rows": 5},
        "findings_json": {"sha256": hashlib.sha256((out / "findings.json").read_bytes())
                          .hexdigest()}}
    assert csv_rows(out / "results.csv") == 5 == doc["rows"]["read"]
    assert json.loads(r.stdout)["inventory"]["outputs"] == doc["outputs"]
    assert sorted(snapshot(out)) == ["findings.json", "inventory.json", "results.csv"]


def test_a_second_run_replaces_the_whole_set(tmp_path):
    out = tmp_path / "o"
    assert assess(activity(tmp_path, rows=4), out).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, "utf-8")
    assert assess(bad, out).exit_code == 1  # read, with rejected rows: still a full set
    doc = json.loads((out / "inventory.json").read_text("utf-8"))
    assert doc["rows"]["read"] == 3 and doc["rows"]["rejected"] == 2
    assert csv_rows(out / "results.csv") == 3
    assert doc["outputs"]["results_csv"]["sha256"] == hashlib.sha256(
        (out / "results.csv").read_bytes()).hexdigest()
    r = runner.invoke(app, ["report", str(out / "inventory.json"), "-f", "xlsx"])
    assert r.exit_code == 0, r.output


def test_a_failed_run_leaves_the_previous_set_and_no_temporary_file(tmp_path):
    small, big = activity(tmp_path), activity(tmp_path, rows=3000, name="big.csv")
    out = tmp_path / "out"
    assert assess(small, out).exit_code == 0
    before = snapshot(out)
    line = one_error_line(carbonaudit("assess", big, "-o", out, limit_bytes=64_000), 3)
    assert line.startswith(f"error: cannot write to {out}:")
    assert "larger than the system allows" in line  # EFBIG: RLIMIT_FSIZE binds root too
    assert snapshot(out) == before


def test_a_full_disk_leaves_the_previous_set_and_no_temporary_file(tmp_path):
    small, big = activity(tmp_path), activity(tmp_path, rows=3000, name="big.csv")
    with tmpfs(tmp_path / "disk", "size=64k") as disk:
        out = disk / "out"
        assert assess(small, out).exit_code == 0
        before = snapshot(out)
        r = assess(big, out)
        assert r.exit_code == 3 and r.output.startswith("error: ") and "Traceback" not in r.output
        assert "the disk is full" in r.output
        assert snapshot(out) == before
        r = runner.invoke(app, ["report", str(out / "inventory.json"), "-o",
                                str(tmp_path / "r.pdf")])
        assert r.exit_code == 0, r.output


@pytest.fixture
def two_runs(tmp_path):
    """Two real runs of different inputs: (first out folder, second out folder)."""
    first, second = tmp_path / "first", tmp_path / "second"
    assert assess(activity(tmp_path, rows=2), first).exit_code == 0
    assert assess(activity(tmp_path, rows=7, name="b.csv"), second).exit_code == 0
    return first, second


def refused(doc: Path, fmt: str = "pdf") -> str:
    r = runner.invoke(app, ["report", str(doc), "-f", fmt])
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert not list(doc.parent.glob("report*"))
    return r.output


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_report_refuses_a_results_csv_of_another_run(two_runs, fmt):
    first, second = two_runs
    (first / "results.csv").write_bytes((second / "results.csv").read_bytes())
    said = " ".join(refused(first / "inventory.json", fmt).split())
    assert "is not the results.csv this inventory was written with" in said
    assert "it has 7 rows" in said and "expects 2 rows" in said


def test_report_refuses_a_findings_json_of_another_run(two_runs):
    first, _ = two_runs
    (first / "findings.json").write_text(json.dumps({"findings": [{"code": "x"}]}), "utf-8")
    assert "is not the findings.json" in " ".join(refused(first / "inventory.json").split())


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],  # truncated mid-row
    lambda raw: b"\x00\xff\xfe junk \x89PNG",  # not text at all
    lambda raw: b"",  # emptied
    lambda raw: raw.replace(b",", b";"),  # re-saved with another delimiter
])
def test_report_refuses_a_damaged_results_csv(two_runs, damage):
    first, _ = two_runs
    path = first / "results.csv"
    path.write_bytes(damage(path.read_bytes()))
    refused(first / "inventory.json", "xlsx")


def legacy(folder: Path) -> Path:
    """The inventory as written before sets were recorded (no `outputs`)."""
    path = folder / "inventory.json"
    doc = json.loads(path.read_text("utf-8"))
    del doc["outputs"]
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_a_document_without_recorded_hashes_checks_rows_and_header(two_runs):
    first, second = two_runs
    doc = legacy(first)
    assert runner.invoke(app, ["report", str(doc), "-f", "xlsx"]).exit_code == 0
    (first / "report-en.xlsx").unlink()
    (first / "results.csv").write_bytes((second / "results.csv").read_bytes())
    assert "has 7 rows but this inventory read 2" in " ".join(refused(doc).split())
    (first / "results.csv").write_text("a,b\n1,2\n2,3\n", "utf-8")
    assert "not a carbonaudit results.csv" in " ".join(refused(doc).split())
    (first / "results.csv").write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in " ".join(refused(doc).split())


def test_a_missing_companion_is_said_not_refused(two_runs):
    first, _ = two_runs
    (first / "results.csv").unlink()
    (first / "findings.json").unlink()
    r = runner.invoke(app, ["report", str(first / "inventory.json"), "-f", "xlsx"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", ["results.csv", "inventory.json", "findings.json"])
def test_a_symlink_in_place_of_an_output_is_replaced_not_followed(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", "utf-8")
    (out / name).symlink_to(victim)
    assert assess(activity(tmp_path), out).exit_code == 0
    assert victim.read_text("utf-8") == "keep me\n"
    assert not (out / name).is_symlink() and (out / name).stat().st_size > 0
    assert runner.invoke(app, ["report", str(out / "inventory.json")]).exit_code == 0


def test_a_report_over_a_symlink_replaces_the_link(tmp_path):
    out = tmp_path / "out"
    assert assess(activity(tmp_path), out).exit_code == 0
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"keep me")
    (out / "r.pdf").symlink_to(victim)
    r = runner.invoke(app, ["report", str(out / "inventory.json"), "-o", str(out / "r.pdf")])
    assert r.exit_code == 0, r.output
    assert victim.read_bytes() == b"keep me"
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF") and not (out / "r.pdf").is_symlink()


def test_an_input_in_the_out_folder_is_never_overwritten(tmp_path):
    src = tmp_path / "results.csv"  # the activity file has the name of an output
    src.write_text((activity(tmp_path)).read_text("utf-8"), "utf-8")
    before = src.read_bytes()
    r = assess(src, tmp_path)
    assert r.exit_code == 2 and "refusing to write over the input file" in r.output
    assert src.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
