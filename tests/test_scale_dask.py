"""assess --engine dask on a real cluster: a `dask scheduler` and two `dask worker`
processes on 127.0.0.1, against the local batched path on the same files.

Skipped when Dask is not installed (it is an optional extra: carbonaudit[dask]).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from carbonaudit.findings import sort_key  # noqa: E402
from carbonaudit.inventory.batches import run_batched  # noqa: E402
from carbonaudit.inventory.distributed import run_dask, write_results  # noqa: E402
from carbonaudit.inventory.engine import AssessOptions  # noqa: E402
from carbonaudit.inventory.spill import ResultSink  # noqa: E402
from carbonaudit.project import Config  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_scale_batches import HEADER, messy_rows  # noqa: E402


def _dask() -> str:
    exe = Path(sys.executable).with_name("dask")
    return str(exe) if exe.exists() else (shutil.which("dask") or "dask")


@pytest.fixture()
def cluster(tmp_path):
    """A scheduler and two single-threaded workers on loopback; yields its address."""
    info = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([_dask(), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--no-dashboard", "--scheduler-file", str(info)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        for _ in range(600):
            if info.exists() and info.stat().st_size:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the dask scheduler did not start")
        for _ in range(2):
            procs.append(subprocess.Popen(
                [_dask(), "worker", "--scheduler-file", str(info), "--nthreads", "1",
                 "--no-dashboard", "--host", "127.0.0.1"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        import json

        from distributed import Client

        address = json.loads(info.read_text())["address"]
        with Client(address) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_dask_equals_the_local_path(cluster, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = messy_rows()
    for i, part in enumerate((rows[:60], rows[60:])):  # repeats cross the two files
        with open(folder / f"part{i}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            w.writerows(part)
    cfg, opts = Config.default(), AssessOptions()
    files = sorted(str(p) for p in folder.iterdir())
    sink = ResultSink.create(tmp_path)
    local = run_batched(files, cfg, opts, batch_rows=9, sink=sink)
    sink.write(tmp_path / "local.parquet", local.findings, "parquet")
    sink.close()

    got, client, _, parts = run_dask([str(folder)], cfg, opts, scheduler=cluster,
                                     batch_rows=9, spill=tmp_path / "spill")
    try:
        assert len(client.scheduler_info()["workers"]) == 2
        written = write_results(client, parts, got.findings, tmp_path / "results")
    finally:
        client.close()
    assert [f.to_dict() for f in sorted(got.findings, key=sort_key)] == [
        f.to_dict() for f in sorted(local.findings, key=sort_key)]
    assert "duplicate-row" in {f.code for f in got.findings}
    pd.testing.assert_frame_equal(got.results, local.results, check_exact=True)
    assert got.results["co2e_kg"].sum() == local.results["co2e_kg"].sum()
    dask_rows = pa.concat_tables([pq.read_table(tmp_path / w["path"]) for w in written])
    assert dask_rows.equals(pq.read_table(tmp_path / "local.parquet"))
    assert sum(w["rows"] for w in written) == local.rows_read == len(rows)
