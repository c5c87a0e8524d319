"""The evidence round trip: the Sample sheet filled in (with openpyxl, as a verifier's Excel
would save it), read back, one tainted row projected, the verdict re-evaluated.

Activity: 1 TJ natural gas (56,157.1 kg, see test_audit_verify) and ten bills of 500 kWh
HK-HKE at 0.81 (405 kg each): 60,207.1 kg.  The claim is 4 % above that, so
materiality = 5 % of the claim, J = materiality x 75 % / 3, and the gas row (far above J)
is a certainty row while every bill is sampled systematically.
"""

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app

runner = CliRunner()
GAS = 56100 + 29.8 + 0.1 * 273
BILL = 500 * 0.81
TOTAL = GAS + 10 * BILL
CLAIMED = 1.04 * TOTAL
MATERIALITY = 0.05 * CLAIMED
J = MATERIALITY * 0.75 / 3.0


@pytest.fixture()
def first_run(tmp_path):
    rows = ["activity,item,quantity,unit,site,period_start,region,reference",
            "stationary_combustion,natural_gas,1,TJ,Plant,2025-01-01,,GAS-1"]
    rows += [f"purchased_electricity,grid,500,kWh,Office,2025-{m:02d}-01,HK-HKE,BILL-{m}"
             for m in range(1, 11)]
    act = tmp_path / "activity.csv"
    act.write_text("\n".join(rows) + "\n", encoding="utf-8")
    claims = tmp_path / "claims.csv"
    claims.write_text(f"item,claimed,unit\ntotal,{CLAIMED!r},kg CO2e\n", encoding="utf-8")
    args = ["verify", str(act), "--claimed", str(claims), "--seed", "5", "--json"]
    r = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    return tmp_path, args, json.loads(r.stdout)["verification"]


def fill(tmp_path, marks: dict[str, tuple[str, float | None]]) -> str:
    """Every sample row ok, except `marks`: sample_id -> (status, agreed kg or None)."""
    wb = openpyxl.load_workbook(tmp_path / "out" / "workpapers.xlsx")
    ws = wb["Sample"]
    head = [c.value for c in ws[1]]
    col = {name: head.index(name) + 1 for name in ("sample_id", "evidence", "agreed_kgco2e",
                                                   "status")}
    for r in range(2, ws.max_row + 1):
        sid = ws.cell(r, col["sample_id"]).value
        status, agreed = marks.get(sid, ("ok", None))
        ws.cell(r, col["status"]).value = status
        ws.cell(r, col["evidence"]).value = f"checked {sid}"
        ws.cell(r, col["agreed_kgco2e"]).value = agreed
    path = tmp_path / "evidence.xlsx"
    wb.save(path)
    return str(path)


def sample_keys(folder):
    import csv

    with open(folder / "sample.csv", encoding="utf-8") as fh:
        return {(r["source_file"], r["cell"]) for r in csv.DictReader(fh)}


def test_the_first_run_is_not_material_and_samples_as_planned(first_run):
    _, _, doc = first_run
    s = doc["sampling"]
    assert s["interval_kgco2e"] == pytest.approx(J, rel=1e-12)
    assert s["certainty_rows"] == 1  # the gas row
    # The ten 405 kg bills are 4,050 kg: the points start, start + J, ... below it.
    start = s["random_start_kgco2e"]
    assert s["systematic_rows"] == len([k for k in range(10) if start + k * J < 10 * BILL])
    # factual 4 % of 60,207.1 = 2,408.28 kg against 5 % of 62,615.38 = 3,130.77 kg
    assert doc["tests"][0]["aggregate_misstatement"] == pytest.approx(0.04 * TOTAL, rel=1e-9)
    assert doc["verdict"]["overall"] == "not material"
    assert doc["evidence"]["status"] == "not provided"


def test_one_tainted_row_is_projected_and_turns_the_verdict(first_run):
    tmp_path, args, _ = first_run
    with open(tmp_path / "out" / "sample.csv", encoding="utf-8") as fh:
        import csv

        rows = list(csv.DictReader(fh))
    bill = next(r for r in rows if r["selected_because"].startswith("systematic"))
    # The bill is a duplicate of another: the evidence supports 0 kg, a taint of 1.
    evidence = fill(tmp_path, {bill["sample_id"]: ("exception", 0)})
    r = runner.invoke(app, [*args, "--evidence", evidence, "--out", str(tmp_path / "out2")])
    doc = json.loads(r.stdout)["verification"]
    ev = doc["evidence"]
    assert ev["status"] == "complete" and ev["rows_tested"] == len(rows)
    (x,) = ev["exceptions"]
    assert x["sample_id"] == bill["sample_id"]
    assert x["taint"] == pytest.approx(1.0)
    assert x["projected_kgco2e"] == pytest.approx(J, rel=1e-12)
    projected = [m for m in doc["misstatements"] if m["basis"] == "projected"]
    assert len(projected) == 1 and projected[0]["delta_kgco2e"] == pytest.approx(J)
    # 2,408.28 + 782.69 = 3,190.98 kg > 3,130.77 kg
    test = doc["tests"][0]
    assert test["aggregate_misstatement"] == pytest.approx(0.04 * TOTAL + J, rel=1e-9)
    assert test["verdict"] == "material misstatement"
    assert r.exit_code == 1
    # The updated workpapers carry the verifier's entries over.
    wb = openpyxl.load_workbook(tmp_path / "out2" / "workpapers.xlsx", read_only=True)
    cells = [[c.value for c in row] for row in wb["Sample"].iter_rows()]
    head = cells[0]
    done = {row[0]: row[head.index("status")] for row in cells[1:]}
    assert done[bill["sample_id"]] == "exception"


def test_a_certainty_row_projects_its_actual_difference(first_run):
    tmp_path, args, _ = first_run
    evidence = fill(tmp_path, {"S001": ("exception", GAS - 100.0)})  # S001: the gas row
    r = runner.invoke(app, [*args, "--evidence", evidence, "--out", str(tmp_path / "o3")])
    doc = json.loads(r.stdout)["verification"]
    (x,) = doc["evidence"]["exceptions"]
    assert x["certainty"] is True
    assert x["projected_kgco2e"] == pytest.approx(100.0, rel=1e-9)
    assert doc["evidence"]["projected_kgco2e"] == pytest.approx(100.0, rel=1e-9)


def test_an_exception_without_agreed_value_is_a_finding(first_run):
    tmp_path, args, _ = first_run
    evidence = fill(tmp_path, {"S002": ("exception", None)})
    r = runner.invoke(app, [*args, "--evidence", evidence, "--out", str(tmp_path / "o4")])
    doc = json.loads(r.stdout)["verification"]
    codes = [f["code"] for f in doc["findings"]["verification"]]
    assert codes == ["evidence-exception-without-value"]
    where = doc["findings"]["verification"][0]["location"]
    assert where["sheet"] == "Sample" and where["cell"] == "O3"  # agreed_kgco2e of row 3
    assert doc["evidence"]["status"] == "incomplete"
    assert doc["tests"][0]["verdict"] == "scope limitation"
    assert r.exit_code == 1


def test_evidence_from_another_seed_is_refused_row_by_row(first_run):
    tmp_path, args, _ = first_run
    evidence = fill(tmp_path, {})
    other = [a if a != "5" else "8" for a in args]
    assert runner.invoke(app, [*other, "--out", str(tmp_path / "o5")]).exit_code == 0
    seed5, seed8 = sample_keys(tmp_path / "out"), sample_keys(tmp_path / "o5")
    assert seed5 != seed8  # the systematic rows moved with the start
    r = runner.invoke(app, [*other, "--evidence", evidence, "--out", str(tmp_path / "o6")])
    doc = json.loads(r.stdout)["verification"]
    codes = [f["code"] for f in doc["findings"]["verification"]]
    assert codes.count("evidence-row-not-in-sample") == len(seed5 - seed8)
    assert doc["evidence"]["open_rows"] == len(seed8 - seed5)
    assert doc["tests"][0]["verdict"] == "scope limitation"
