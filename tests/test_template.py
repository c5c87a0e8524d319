"""Tests for the blank activity and user-factor templates (read back with python-calamine)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from carbonaudit.errors import UsageError
from carbonaudit.factors.library import FACTOR_COLUMNS, check_user_rows
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.ingest.columns import CANONICAL, match_header
from carbonaudit.templates.activity import COLUMN_HELP, write_activity_template
from carbonaudit.templates.factors import write_factor_template
from carbonaudit.templates.vocabulary import factor_vocabulary


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    return write_activity_template(tmp_path / "activity.xlsx")


def _rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_sheets_and_header(template: Path) -> None:
    book = CalamineWorkbook.from_path(str(template))
    assert book.sheet_names == ["Activity", "Instructions", "Lists"]
    rows = _rows(template, "Activity")
    assert rows[0] == list(CANONICAL)


def test_single_example_row(template: Path) -> None:
    rows = [r for r in _rows(template, "Activity") if any(c != "" for c in r)]
    assert len(rows) == 2  # header + one example
    example = dict(zip(CANONICAL, rows[1], strict=True))
    assert example["activity"] == "purchased_electricity"
    assert example["item"] == "grid"
    assert example["quantity"] == 12500
    assert example["unit"] == "kWh"
    assert example["region"] == "HK-CLP"
    assert example["reference"] == "CLP bill 2025-01"
    assert str(example["period_start"]) == "2025-01-01"


def test_lists_sheet_holds_vocabulary(template: Path) -> None:
    rows = _rows(template, "Lists")
    header = rows[0]
    assert header[:4] == ["Activity list", "Item list", "Unit list", "Region list"]
    activities = {r[0] for r in rows[1:] if r[0]}
    assert set(ACTIVITIES) <= activities
    units = {r[2] for r in rows[1:] if r[2]}
    assert {"kWh", "L", "kg", "t"} <= units


def test_lists_sheet_is_hidden(template: Path) -> None:
    with zipfile.ZipFile(template) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert re.search(r'<sheet name="Lists"[^>]*state="hidden"', workbook_xml)


def test_data_validations_reference_lists(template: Path) -> None:
    with zipfile.ZipFile(template) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    validations = re.findall(r"<dataValidation .*?</dataValidation>", sheet_xml, re.S)
    list_refs = [v for v in validations if "Lists!" in v]
    assert len(list_refs) == 4  # activity, item, unit, region
    assert any('sqref="A2:A10001"' in v for v in list_refs)
    quantity = next(v for v in validations if 'sqref="C2:C10001"' in v)
    assert 'type="decimal"' in quantity and 'errorStyle="warning"' in quantity
    dates = [v for v in validations if 'type="date"' in v]
    assert len(dates) == 2
    assert "<pane" in sheet_xml  # frozen header


def test_instructions_in_three_languages(template: Path) -> None:
    text = "\n".join(str(c) for row in _rows(template, "Instructions") for c in row)
    assert "How to fill in this workbook" in text
    assert "填寫說明" in text and "填写说明" in text
    assert "--decimal-comma" in text
    for name in ACTIVITIES:
        assert name in text


def test_chinese_names_are_reader_aliases() -> None:
    for name, (_, hant, _, hans, _) in COLUMN_HELP.items():
        assert match_header(hant) == name
        assert match_header(hans) == name
    assert set(COLUMN_HELP) == set(CANONICAL)


def test_comment_language(tmp_path: Path) -> None:
    path = write_activity_template(tmp_path / "a.xlsx", lang="zh-Hans")
    with zipfile.ZipFile(path) as archive:
        comments = archive.read("xl/comments1.xml").decode()
    assert "必填。排放活动类别" in comments
    text = _rows(path, "Instructions")
    assert text[0][0] == "填写说明"


def test_refuses_to_overwrite(template: Path) -> None:
    before = template.read_bytes()
    with pytest.raises(UsageError, match="already exists"):
        write_activity_template(template)
    assert template.read_bytes() == before
    write_activity_template(template, overwrite=True)
    assert sorted(p.name for p in template.parent.iterdir()) == ["activity.xlsx"]


def test_bad_lang_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="lang"):
        write_activity_template(tmp_path / "a.xlsx", lang="fr")
    with pytest.raises(UsageError, match="does not exist"):
        write_activity_template(tmp_path / "nope" / "a.xlsx")


def test_factor_vocabulary_reads_factor_files_only(tmp_path: Path) -> None:
    (tmp_path / "set.csv").write_text(
        "id,activity,item,region,unit\nx1,stationary_combustion,coke,ZZ,MMbtu\n", "utf-8")
    (tmp_path / "fuel_properties.csv").write_text("item,unit,region\nskipme,bogus,QQ\n", "utf-8")
    vocab = factor_vocabulary(tmp_path)
    assert "coke" in vocab["item"] and "MMbtu" in vocab["unit"] and "ZZ" in vocab["region"]
    assert "skipme" not in vocab["item"] and "QQ" not in vocab["region"]


def test_factor_template(tmp_path: Path) -> None:
    path = write_factor_template(tmp_path / "factors.xlsx")
    rows = _rows(path, "Factors")
    assert tuple(rows[0]) == FACTOR_COLUMNS
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["id"] == "user.example.diesel.2025"
    notes = "\n".join(str(c) for r in _rows(path, "Instructions") for c in r)
    assert "replaces that factor" in notes
    for name in FACTOR_COLUMNS:
        assert name in notes
    # The factor reader accepts the example row as written.
    raw = [["" if v is None else v for v in r] for r in rows]
    table, findings = check_user_rows(raw, str(path), "Factors")
    assert not [f for f in findings if f.severity == "error"], findings
    assert list(table["id"]) == ["user.example.diesel.2025"]
    with pytest.raises(UsageError):
        write_factor_template(path)


def test_reader_takes_only_the_activity_sheet(template: Path) -> None:
    from carbonaudit.ingest.reader import read_activity_files

    result = read_activity_files([template])
    assert [t.sheet for t in result.tables] == ["Activity"]
    assert not [f for f in result.findings if f.severity == "error"]


def test_no_other_row_looks_like_a_header(template: Path) -> None:
    # The reader takes any row naming two activity columns as a header; only Activity!1 may.
    for sheet in ("Instructions", "Lists"):
        for row in _rows(template, sheet):
            assert sum(match_header(c) is not None for c in row) < 2, (sheet, row)


def test_file_mode_follows_umask(template: Path) -> None:
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert template.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize(("lang", "title_word"), [("zh-Hans", "装置"), ("zh-Hant", "裝置")])
def test_installation_template_command_takes_a_language(tmp_path, lang, title_word):
    from typer.testing import CliRunner

    from carbonaudit.cli import app

    out = tmp_path / f"installation-{lang}.xlsx"
    res = CliRunner().invoke(app, ["template", "installation", "--lang", lang, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert title_word in _rows(out, "Instructions")[0][0]
    bad = CliRunner().invoke(app, ["template", "installation", "--lang", "fr", "-o",
                                   str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2
