"""Tests for project init, config loading, and the byte-stable sample generator."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from carbonaudit.errors import UsageError
from carbonaudit.ingest.columns import CANONICAL
from carbonaudit.project import Config, init_project, load_config

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def test_init_creates_config_and_template(tmp_path: Path) -> None:
    target = tmp_path / "audit"
    written = init_project(target, organisation="Harbour Metals Holdings Ltd", year=2024)
    assert [p.name for p in written] == ["carbonaudit.toml", "activity.xlsx"]
    assert all(p.is_file() for p in written)
    header = CalamineWorkbook.from_path(str(written[1])).get_sheet_by_name("Activity")
    assert header.to_python()[0] == list(CANONICAL)


def test_config_round_trip(tmp_path: Path) -> None:
    init_project(tmp_path / "p", organisation='Tricky "Quotes" \\ Ltd 海港', year=2023)
    config = load_config(tmp_path / "p" / "carbonaudit.toml")
    assert config.organisation == 'Tricky "Quotes" \\ Ltd 海港'
    assert config.period_start == dt.date(2023, 1, 1)
    assert config.period_end == dt.date(2023, 12, 31)
    assert config.gwp == "AR6"
    assert config.consolidation_approach == "operational_control"
    assert config.factor_sets == ()
    assert config.extra_factors == ()
    assert config.default_sector == "manufacturing"
    assert config.inputs == ((tmp_path / "p" / "activity.xlsx").resolve(),)
    assert config.path == (tmp_path / "p" / "carbonaudit.toml").resolve()


def test_init_default_year_is_last_year(tmp_path: Path) -> None:
    init_project(tmp_path / "p")
    config = load_config(tmp_path / "p" / "carbonaudit.toml")
    assert config.period_start == dt.date(dt.date.today().year - 1, 1, 1)
    assert config.organisation == "Example Ltd"


def test_init_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(UsageError, match="not empty"):
        init_project(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_init_accepts_existing_empty_folder(tmp_path: Path) -> None:
    assert len(init_project(tmp_path)) == 2


def test_default_config() -> None:
    config = Config.default()
    assert config.period_start is None and config.period_end is None
    assert (config.gwp, config.factor_sets, config.default_sector) == ("AR6", (), "manufacturing")


def _config_with(tmp_path: Path, old: str, new: str) -> Path:
    init_project(tmp_path / "p", year=2025)
    path = tmp_path / "p" / "carbonaudit.toml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "key"), [
    ('gwp = "AR6"', 'gwp = "AR3"', "assessment.gwp"),
    ('end = "2025-12-31"', 'end = "2024-12-31"', "period.end"),
    ('end = "2025-12-31"', 'end = "31/12/2025"', "period.end"),
    ('start = "2025-01-01"', "start = 2025-01-01T08:00:00", "period.start"),
    ('start = "2025-01-01"\n', "", "period.start"),
    ('"operational_control"\n', '"control"\n', "organisation.consolidation_approach"),
    ('default_sector = "manufacturing"', 'default_sector = "mining"',
     "assessment.default_sector"),
    ("factor_sets = []", 'factor_sets = "ipcc2006"', "assessment.factor_sets"),
    ('inputs = ["activity.xlsx"]', "inputs = [1]", "assessment.inputs"),
    ("extra_factors = []", "extra_factor = []", "assessment.extra_factor"),
    ("[period]", "[periods]", "periods"),
    ('name = "Example Ltd"', 'name = ""', "organisation.name"),
])
def test_bad_values_name_the_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    path = _config_with(tmp_path, old, new)
    with pytest.raises(UsageError, match=key.replace(".", r"\.")):
        load_config(path)


def test_native_toml_dates_and_lowercase_gwp(tmp_path: Path) -> None:
    path = _config_with(tmp_path, 'start = "2025-01-01"', "start = 2025-04-01")
    path.write_text(path.read_text("utf-8").replace('"AR6"', '"ar5"'), "utf-8")
    config = load_config(path)
    assert config.period_start == dt.date(2025, 4, 1)
    assert config.gwp == "AR5"


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "carbonaudit.toml"
    path.write_text("[organisation\nname = 1", "utf-8")
    with pytest.raises(UsageError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(UsageError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_paths_resolve_relative_to_config(tmp_path: Path) -> None:
    path = _config_with(tmp_path, "extra_factors = []", 'extra_factors = ["../f/mine.csv"]')
    assert load_config(path).extra_factors == ((tmp_path / "f" / "mine.csv").resolve(),)


# --------------------------------------------------------------------------- samples

def _generate(out: Path) -> bytes:
    subprocess.run([sys.executable, str(SAMPLES / "make_samples.py"), "--out", str(out)],
                   check=True, capture_output=True)
    return (out / "activity_2025.xlsx").read_bytes()


def test_sample_workbook_is_byte_stable(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a")
    second = _generate(tmp_path / "b")
    assert first == second
    committed = SAMPLES / "harbour_metals" / "activity_2025.xlsx"
    assert committed.read_bytes() == first, "run samples/make_samples.py and commit the result"


def test_sample_config_loads() -> None:
    config = load_config(SAMPLES / "harbour_metals" / "carbonaudit.toml")
    assert config.organisation == "Harbour Metals Holdings Ltd"
    assert (config.period_start, config.period_end) == (dt.date(2025, 1, 1),
                                                        dt.date(2025, 12, 31))
    assert config.gwp == "AR6"
    assert [p.name for p in config.inputs] == ["activity_2025.xlsx"]
    assert all(p.is_file() for p in config.inputs)


def test_sample_sheets() -> None:
    book = CalamineWorkbook.from_path(str(SAMPLES / "harbour_metals" / "activity_2025.xlsx"))
    assert book.sheet_names == ["Activity", "Travel & freight"]
    activity = book.get_sheet_by_name("Activity").to_python()
    assert activity[0][0].startswith("Harbour Metals Holdings Ltd")
    assert activity[2][:4] == ["activity", "item", "quantity", "unit"]
    assert isinstance(activity[3][5], dt.date)  # real Excel dates
    travel = book.get_sheet_by_name("Travel & freight").to_python()
    assert travel[2][:3] == ["活動", "項目", "數量"]


def test_sample_is_read_whole_and_pins_shipped_factors() -> None:
    from carbonaudit.factors import load_library
    from carbonaudit.ingest.reader import read_activity_files

    result = read_activity_files([SAMPLES / "harbour_metals" / "activity_2025.xlsx"])
    assert [t.sheet for t in result.tables] == ["Activity", "Travel & freight"]
    assert not [f for f in result.findings if f.severity == "error"]
    sys.path.insert(0, str(SAMPLES))
    try:
        import make_samples
    finally:
        sys.path.remove(str(SAMPLES))
    library, _ = load_library()
    for factor_id in (make_samples.PIN_FREIGHT, make_samples.PIN_FLIGHT):
        assert library.get(factor_id) is not None, factor_id
