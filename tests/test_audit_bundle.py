"""Provenance bundles: a clean re-check, one byte changed in an input, an edited output,
and an assess output bundled with (and checked against) its options."""

import hashlib
import json

from typer.testing import CliRunner

from carbonaudit.cli import app

runner = CliRunner()
ACTIVITY = ("activity,item,quantity,unit,site,period_start,region,reference\n"
            "stationary_combustion,natural_gas,1,TJ,Plant,2025-01-01,,INV-1\n"
            "purchased_electricity,grid,1000,kWh,Office,2025-01-01,HK-HKE,BILL-1\n")


def verified(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths, as a user types them
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    (tmp_path / "claims.csv").write_text("item,claimed,unit\ntotal,56.967,t CO2e\n",
                                         encoding="utf-8")
    r = runner.invoke(app, ["verify", "activity.csv", "--claimed", "claims.csv", "--out",
                            "out"])  # no --seed: one is drawn and recorded
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["bundle", "out"])
    assert r.exit_code == 0, r.output
    return json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))


def check(folder="out"):
    r = runner.invoke(app, ["check-bundle", folder, "--json"])
    return r.exit_code, json.loads(r.stdout)


def test_manifest_hashes_and_a_clean_recheck(tmp_path, monkeypatch):
    m = verified(tmp_path, monkeypatch)
    digest = hashlib.sha256((tmp_path / "activity.csv").read_bytes()).hexdigest()
    assert m["inputs"][0] == {"role": "activity", "path": "activity.csv", "sha256": digest,
                              "bytes": len(ACTIVITY.encode())}
    assert [i["role"] for i in m["inputs"]] == ["activity", "claims"]
    assert {o["path"] for o in m["outputs"]} == {
        "verification.json", "findings.json", "sample.csv", "workpapers.xlsx",
        "statement-en.pdf"}
    for o in m["outputs"]:
        data = (tmp_path / "out" / o["path"]).read_bytes()
        assert o["sha256"] == hashlib.sha256(data).hexdigest()
    assert m["run"]["seed_given"] is False and isinstance(m["run"]["seed"], int)
    assert m["gwp_set"] == "AR6" and m["factor_sets"] and m["created"]
    assert check() == (0, {"ok": True, "problems": []})


def test_one_byte_changed_in_an_input_is_named(tmp_path, monkeypatch):
    verified(tmp_path, monkeypatch)
    # 1000 kWh -> 1001 kWh: one byte
    data = (tmp_path / "activity.csv").read_bytes()
    changed = data.replace(b",1000,", b",1001,")
    assert sum(a != b for a, b in zip(data, changed, strict=True)) == 1
    (tmp_path / "activity.csv").write_bytes(changed)
    code, got = check()
    assert code == 1 and got["ok"] is False
    problems = {(p["file"], p["problem"]) for p in got["problems"]}
    assert ("activity.csv", "altered since the bundle (SHA-256 differs)") in problems
    differ = {p["file"] for p in got["problems"] if p["problem"] == "differs on re-run"}
    # 0.81 kg more: the totals, the sample's figures and the statement all change.
    assert {"verification.json", "sample.csv", "workpapers.xlsx", "statement-en.pdf"} <= differ


def test_an_edited_output_is_named(tmp_path, monkeypatch):
    verified(tmp_path, monkeypatch)
    sample = tmp_path / "out" / "sample.csv"
    sample.write_bytes(sample.read_bytes() + b"\n")
    code, got = check()
    assert code == 1
    assert got["problems"] == [{"file": "sample.csv", "role": "output",
                                "problem": "altered since the bundle (SHA-256 differs)"}]


def test_assess_output_with_its_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    assert runner.invoke(app, ["assess", "activity.csv", "--gwp", "AR5", "--out", "a"]
                         ).exit_code == 0
    r = runner.invoke(app, ["bundle", "a"])  # AR6 by default: not what the run used
    assert r.exit_code == 2 and "do not reproduce" in r.output
    r = runner.invoke(app, ["bundle", "a", "--gwp", "AR5"])
    assert r.exit_code == 0, r.output
    assert check("a") == (0, {"ok": True, "problems": []})
