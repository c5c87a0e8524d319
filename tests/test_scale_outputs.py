"""Outputs at scale (issue 14): --results parquet, Parquet input, validate in batches, the
Excel report's row limit.  Small files; the limits are scaled down where they matter."""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from typer.testing import CliRunner

from carbonaudit.cli import app

sys.path.insert(0, str(Path(__file__).parent))
from test_scale_batches import HEADER, messy_rows  # noqa: E402

runner = CliRunner()


def _csv(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(messy_rows())
    return path


def test_results_parquet_holds_the_rows_of_results_csv(tmp_path):
    src = _csv(tmp_path / "a.csv")
    r1 = runner.invoke(app, ["assess", str(src), "-o", str(tmp_path / "c"), "--batch-rows", "9"])
    r2 = runner.invoke(app, ["assess", str(src), "-o", str(tmp_path / "p"),
                             "--results", "parquet", "--batch-rows", "13"])
    assert r1.exit_code == r2.exit_code == 1, r1.output  # the file has bad rows on purpose
    assert not (tmp_path / "p" / "results.csv").exists()
    table = pq.read_table(tmp_path / "p" / "results.parquet")
    text = pacsv.read_csv(tmp_path / "c" / "results.csv", convert_options=pacsv.ConvertOptions(
        column_types={n: pa.string() for n in table.column_names},
        strings_can_be_null=False, quoted_strings_can_be_null=False))
    assert table.num_rows == text.num_rows == len(messy_rows())
    for name in ("finding_codes", "status", "input_cell", "activity"):
        assert table.column(name).to_pylist() == text.column(name).to_pylist()
    co2e = [float(v) if v else None for v in text.column("co2e_kg").to_pylist()]
    assert table.column("co2e_kg").to_pylist() == co2e
    docs = [json.loads((tmp_path / d / "inventory.json").read_text()) for d in ("c", "p")]
    assert docs[1]["outputs"]["results_parquet"]["rows"] == table.num_rows
    for key in ("totals_kgco2e", "by_site", "by_month", "rows", "data_quality"):
        assert docs[0][key] == docs[1][key]  # the same figures whatever the batching


def test_parquet_input_gives_the_same_inventory_as_csv(tmp_path):
    src = _csv(tmp_path / "a.csv")
    pq_path = tmp_path / "a.parquet"
    rows = messy_rows()
    names = [h or "extra" for h in HEADER]
    pq.write_table(pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)}), pq_path)
    for given, out in ((src, "c"), (pq_path, "q")):
        runner.invoke(app, ["assess", str(given), "-o", str(tmp_path / out)])
    a, b = (json.loads((tmp_path / d / "inventory.json").read_text()) for d in ("c", "q"))
    assert a["totals_kgco2e"] == b["totals_kgco2e"] and a["rows"] == b["rows"]
    assert b["inputs"][0]["kind"] == "parquet"
    r = runner.invoke(app, ["validate", str(pq_path), "--json"])
    assert json.loads(r.output)["rows"] == {"read": len(rows), "passing": a["rows"]["assessed"],
                                            "failing": a["rows"]["rejected"]}


def test_excel_report_points_at_the_rows_it_cannot_hold(tmp_path, monkeypatch):
    from carbonaudit.reports import excel_results

    src = _csv(tmp_path / "a.csv")
    runner.invoke(app, ["assess", str(src), "-o", str(tmp_path / "o")])
    doc = tmp_path / "o" / "inventory.json"
    monkeypatch.setattr(excel_results, "_BATCH", 7)  # the rows stream through many batches
    r = runner.invoke(app, ["report", str(doc), "-f", "xlsx", "-o", str(tmp_path / "all.xlsx")])
    assert r.exit_code == 0, r.output
    monkeypatch.setattr(excel_results, "SHEET_ROWS", 50)  # fewer than the file's rows
    r = runner.invoke(app, ["report", str(doc), "-f", "xlsx", "-o", str(tmp_path / "few.xlsx")])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook

    full = load_workbook(tmp_path / "all.xlsx", read_only=True)
    few = load_workbook(tmp_path / "few.xlsx", read_only=True)
    name = next(n for n in full.sheetnames if full[n].max_row > len(messy_rows()))
    assert full[name].max_row >= len(messy_rows()) + 1
    sheet_rows = [r for r in full[name].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(sheet_rows) if r and r[0] == "source_file")
    listed = [r[2] for r in sheet_rows[header + 1:] if r and r[2] is not None]
    assert listed == list(range(2, len(messy_rows()) + 2))  # every row, in order, once
    texts = [c for row in few[name].iter_rows(values_only=True) for c in row if c]
    assert few[name].max_row < 50
    assert any("result rows" in str(t) and "results.csv" in str(t) for t in texts)
    with zipfile.ZipFile(tmp_path / "few.xlsx") as z:
        assert all(len(z.read(n)) < 2_000_000 for n in z.namelist())
