"""CLI wiring through typer's CliRunner: exit codes, --json, files written."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from carbonaudit import __version__
from carbonaudit.cli import app

runner = CliRunner()
GOOD = ("activity,item,quantity,unit,site,period_start,region\n"
        "stationary_combustion,natural_gas,1,TJ,F,2025-01-01,\n"
        "purchased_electricity,grid,1000,kWh,O,2019-03-01,HK-HKE\n")


def write(tmp_path, text, name="a.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_version_and_help():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and __version__ in r.stdout
    for args in (["--help"], ["assess", "--help"], ["validate", "--help"],
                 ["factors", "--help"], ["template", "activity", "--help"], ["init", "--help"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, args
        assert "Usage" in r.output


def test_cli_import_stays_light():
    code = ("import sys, carbonaudit.cli; print(','.join(m for m in ('pandas','pint','openpyxl',"
            "'reportlab','numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_assess_writes_three_files_and_json(tmp_path):
    src = write(tmp_path, GOOD)
    out = tmp_path / "out"
    r = runner.invoke(app, ["assess", str(src), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["inventory"]["rows"] == {"read": 2, "assessed": 2, "rejected": 0,
                                        "blank_skipped": 0}
    # 1 TJ natural gas (IPCC manufacturing, AR6) and 1,000 kWh at HK Electric 2019's 0.81
    assert doc["inventory"]["totals_kgco2e"]["scope_1"] == 56100 + 29.8 + 0.1 * 273
    assert abs(doc["inventory"]["totals_kgco2e"]["scope_2_location"] - 810) < 1e-9
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "inventory.json",
                                                     "results.csv"]
    import csv

    with open(out / "results.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 3 and rows[0][:4] == ["source_file", "sheet", "row", "status"]


def test_assess_outputs_get_the_permissions_of_a_normal_file(tmp_path):
    import os

    out = tmp_path / "out"
    r = runner.invoke(app, ["assess", str(write(tmp_path, GOOD)), "--out", str(out)])
    assert r.exit_code == 0, r.output
    mask = os.umask(0)
    os.umask(mask)
    # atomic writes go through mkstemp (0600); colleagues must still be able to read results
    for name in ("results.csv", "inventory.json", "findings.json"):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_assess_exit_1_on_rejected_rows_and_strict(tmp_path):
    bad = write(tmp_path, GOOD + "stationary_combustion,natural_gas,abc,TJ,F,2025-01-01,\n")
    r = runner.invoke(app, ["assess", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and "not-a-number" in r.stderr
    r = runner.invoke(app, ["assess", str(bad), "--out", str(tmp_path / "o"), "--json"])
    wheres = [f["where"] for f in json.loads(r.stdout)["findings"] if f["severity"] == "error"]
    assert r.exit_code == 1 and wheres == [f"{bad}!C4"]
    # only a warning (vintage older than the year): exit 0, but 1 with --strict
    warn = write(tmp_path, "activity,item,quantity,unit,period_start,region\n"
                           "purchased_electricity,grid,10,kWh,2025-01-01,HK-HKE\n", "w.csv")
    assert runner.invoke(app, ["assess", str(warn), "--out", str(tmp_path / "w")]).exit_code == 0
    assert runner.invoke(app, ["assess", str(warn), "--out", str(tmp_path / "w"),
                               "--strict"]).exit_code == 1


def test_empty_and_header_only_files_are_errors_not_tracebacks(tmp_path):
    for text in ("", "activity,quantity,unit\n"):
        out = tmp_path / "out"
        r = runner.invoke(app, ["assess", str(write(tmp_path, text)), "--out", str(out),
                                "--json"])
        assert r.exit_code == 1, r.output
        doc = json.loads(r.stdout)
        assert [f["code"] for f in doc["findings"]] == ["empty-file"]
        assert doc["inventory"]["rows"]["read"] == 0
        # results.csv still has its header, so the row accounting reads the same everywhere
        assert (out / "results.csv").read_text(encoding="utf-8").startswith('"source_file"')


def test_bad_report_options_stop_before_any_output(tmp_path):
    src = write(tmp_path, GOOD)
    for extra in (["--report", "docx"], ["--report", "pdf", "--lang", "fr"]):
        out = tmp_path / "out"
        r = runner.invoke(app, ["assess", str(src), "--out", str(out), *extra])
        assert r.exit_code == 2, (extra, r.output)
        assert not out.exists()  # checked before the run, not after results were written


def test_unreadable_input_exit_3_one_line(tmp_path):
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"this is not a zip file at all")
    r = runner.invoke(app, ["assess", str(corrupt), "--out", str(tmp_path / "o")])
    assert r.exit_code == 3
    assert r.stderr.strip().count("\n") == 0 and "broken.xlsx" in r.stderr
    r = runner.invoke(app, ["assess", str(tmp_path / "missing.csv")])
    assert r.exit_code == 3


def test_usage_errors_exit_2(tmp_path):
    src = write(tmp_path, GOOD)
    assert runner.invoke(app, ["assess", str(src), "--gwp", "AR9"]).exit_code == 2
    assert runner.invoke(app, ["assess"]).exit_code == 2
    assert runner.invoke(app, ["factors", "show", "no.such.factor"]).exit_code == 2


def test_validate_activity_and_factor_files(tmp_path):
    bad = write(tmp_path, GOOD + "stationary_combustion,natral_gas,1,TJ,F,2025-01-01,\n")
    r = runner.invoke(app, ["validate", str(bad), "--json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["kind"] == "activity" and doc["valid"] is False
    assert [f["code"] for f in doc["findings"] if f["severity"] == "error"] == ["no-factor"]
    assert any(f["where"].endswith("a.csv!B4") for f in doc["findings"])
    good = write(tmp_path, GOOD, "good.csv")
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0
    factors = write(tmp_path, "id,activity,item,unit,co2_fossil,source\n"
                              "my.f,stationary_combustion,diesel,L,2.68,Own lab test 2025\n"
                              "my.g,stationary_combustion,diesel,furlong,2.68,\n", "f.csv")
    r = runner.invoke(app, ["validate", str(factors), "--json"])
    doc = json.loads(r.stdout)
    assert doc["kind"] == "factors" and r.exit_code == 1
    assert {(f["code"], f["location"]["cell"]) for f in doc["findings"]} >= {
        ("unknown-unit", "D3"), ("missing-source", "F3")}


def test_factors_commands():
    r = runner.invoke(app, ["factors", "show", "ipcc2006.sc.natural_gas.tj", "--json"])
    assert r.exit_code == 0
    rec = json.loads(r.stdout)
    assert rec["co2_fossil"] == 56100.0 and "IPCC" in rec["source"]
    r = runner.invoke(app, ["factors", "list", "--search", "hkelectric", "--json"])
    ids = [f["id"] for f in json.loads(r.stdout)["factors"]]
    assert ids and all("hkelectric" in i for i in ids)
    r = runner.invoke(app, ["factors", "sets", "--json"])
    sets = json.loads(r.stdout)["sets"]
    assert {"ipcc2006", "hk_utilities"} <= {s["name"] for s in sets}
    assert all(len(s["sha256"]) == 64 for s in sets)


def test_template_and_init(tmp_path):
    target = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "activity", "-o", str(target)]).exit_code == 0
    assert target.stat().st_size > 0
    assert runner.invoke(app, ["template", "activity", "-o", str(target)]).exit_code == 2
    r = runner.invoke(app, ["init", str(tmp_path / "audit"), "--organisation", "Acme",
                            "--year", "2025"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "audit" / "carbonaudit.toml").is_file()
