"""The safe JSON loader on hostile files: every case is a finding with its code and JSON
pointer (never an exception), `report` exits 3 for unreadable and 1 for refused JSON with
one line and no traceback, and nothing crashes while printing user text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from carbonaudit.cli import app
from carbonaudit.jsonio import MAX_DEPTH, JsonRejected, loads, parse, printable, read

runner = CliRunner()

# (bytes, code, pointer): pointers checked by hand against RFC 6901.
CASES = [
    (b"[" * 100_000, "json-too-deep", "/0" * MAX_DEPTH),
    (b'{"a": NaN}', "json-non-finite", "/a"),
    (b'{"a": [1, {"b": Infinity}]}', "json-non-finite", "/a/1/b"),
    (b'{"a": -Infinity}', "json-non-finite", "/a"),
    (b'{"q": 1e400}', "json-non-finite", "/q"),
    (b'{"q": ' + b"9" * 400 + b"}", "json-non-finite", "/q"),
    (b'{"q": ' + b"1" * 5000 + b"}", "json-non-finite", "/q"),
    (b'{"id": 1, "x": 2, "id": 3}', "json-duplicate-key", "/id"),
    (b'{"a/b~": {"k": 1, "k": 2}}', "json-duplicate-key", "/a~1b~0/k"),
    (b'{"name": "\\ud800"}', "json-lone-surrogate", "/name"),
    (b'[0, "ok \\udfff"]', "json-lone-surrogate", "/1"),
    (b'{"caf\\udc00": 1}', "json-lone-surrogate", "/caf\\udc00"),
    (b'{"a": "\xff\xfe"}', "json-not-utf8", None),
    (b'{"a": 1,}', "json-syntax", None),
    (b"  \n", "json-empty", None),
]


@pytest.mark.parametrize(("raw", "code", "where"), CASES, ids=lambda v: str(v)[:24])
def test_each_hostile_case_is_one_finding_with_its_pointer(raw, code, where):
    doc, found = parse(raw, "f.json")
    assert doc is None
    assert [f.code for f in found] == [code]
    assert found[0].location.pointer == where
    assert found[0].location.file == "f.json"
    found[0].message.encode("utf-8")  # printable: no lone surrogate in what we say


def test_line_and_column_are_those_of_the_offending_token():
    raw = b'{\n  "a": 1,\n  "b": [1,\n        NaN]\n}'
    _, found = parse(raw)
    assert found[0].location.pointer == "/b/1"
    assert "(line 4, column 9)" in found[0].message


def test_every_problem_is_reported_not_only_the_first():
    _, found = parse(b'{"a": NaN, "b": {"c": 1, "c": 2}, "d": ["\\ud800"]}')
    assert [(f.code, f.location.pointer) for f in found] == [
        ("json-non-finite", "/a"), ("json-duplicate-key", "/b/c"),
        ("json-lone-surrogate", "/d/0")]


def test_good_json_reads_exactly_as_the_standard_library_reads_it(tmp_path):
    doc = {"emoji": "\U0001f600 café 港灣", "n": [0, -1.5e-300, 1.7976931348623157e308,
                                                     10**300], "deep": [[[[[{}]]]]],
           "escaped": "a\\u0041\"\n"}
    raw = json.dumps(doc).encode()  # ensure_ascii: the emoji as a surrogate pair escape
    path = tmp_path / "d.json"
    path.write_bytes(b"\xef\xbb\xbf" + raw)  # a BOM is allowed
    got, read_raw, found = read(path)
    assert found == [] and got == doc == json.loads(raw) and read_raw.startswith(b"\xef")
    assert loads(raw) == doc


def test_nesting_at_the_limit_is_read_and_one_more_level_is_not():
    assert parse(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)[1] == []
    deeper = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert [f.code for f in parse(deeper)[1]] == ["json-too-deep"]


def test_loads_is_a_drop_in_that_raises_what_json_loads_raises():
    with pytest.raises(json.JSONDecodeError):
        loads(b"[1,")
    with pytest.raises(UnicodeDecodeError):
        loads(b'"\xff"')
    with pytest.raises(JsonRejected) as caught:
        loads(b'{\n"a": NaN}')
    assert isinstance(caught.value, json.JSONDecodeError)
    assert (caught.value.lineno, caught.value.colno) == (2, 6)
    assert "/a" in caught.value.msg
    with pytest.raises(JsonRejected):
        loads(b"[" * 100_000)


def test_printable_escapes_only_lone_surrogates():
    assert printable("a\ud800b 港") == "a\\ud800b 港"
    assert printable("plain") == "plain"


@pytest.mark.parametrize(("raw", "code", "exit_code"), [
    (b"[" * 100_000, "json-too-deep", 3), (b"\xff{}", "json-not-utf8", 3),
    (b'{"document_type": "cbam-communication", "x": NaN}', "json-non-finite", 1),
    (b'{"a": 1, "a": 1}', "json-duplicate-key", 1),
    (b'{"organisation": {"name": "\\ud800"}}', "json-lone-surrogate", 1)])
def test_report_refuses_with_one_line_and_its_exit_code(tmp_path, raw, code, exit_code):
    doc = tmp_path / "inventory.json"
    doc.write_bytes(raw)
    r = subprocess.run([sys.executable, "-m", "carbonaudit", "report", str(doc)],
                       capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == exit_code, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    if exit_code == 1:
        assert f"{code} " in r.stderr  # the finding, then the one error line
    assert r.stderr.count("error:") == 1
    assert not list(tmp_path.glob("report*"))


def test_printing_a_lone_surrogate_never_fails(tmp_path, capsys):
    """A file name that is not UTF-8 reaches Python as a lone surrogate: the error line and
    the --json document still print (stdout encodes strictly)."""
    from carbonaudit.console import emit_json

    emit_json({"file": "bad\udcff.csv"})
    out = capsys.readouterr().out
    assert json.loads(out) == {"file": "bad\udcff.csv"}
    name = os.fsdecode(b"inv\xff.json")
    r = subprocess.run([sys.executable, "-m", "carbonaudit", "report",
                        str(tmp_path / name)], capture_output=True,
                       env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert r.returncode == 3 and b"Traceback" not in r.stderr
    assert b"inv\\udcff.json" in r.stderr


def test_rich_markup_in_user_text_prints_as_text(tmp_path):
    doc = tmp_path / "x.json"
    doc.write_text('{"[/x]": 1, "[/x]": 2}', "utf-8")
    r = runner.invoke(app, ["report", str(doc)])
    assert r.exit_code == 1
    assert "[/x]" in r.output


@pytest.mark.parametrize(("kind", "code"), [("pact", "pact-invalid-json"),
                                            ("cbam", "cbam-comm-unreadable")])
@pytest.mark.parametrize(("raw", "where"), [
    (b"[" * 100_000, "/0/0/0"), (b'{"id": "a", "id": "b"}', "/id"),
    (b'{"name": "\\udbff"}', "/name")])
def test_validate_pact_and_cbam_read_through_the_safe_loader(tmp_path, kind, code, raw, where):
    path = tmp_path / "doc.json"
    path.write_bytes(raw)
    r = runner.invoke(app, ["validate", "--kind", kind, str(path), "--json"])
    assert r.exit_code == 1, r.output
    found = json.loads(r.stdout)["findings"]
    assert [f["code"] for f in found] == [code]
    assert where in found[0]["message"]


def test_cbam_nan_is_refused_and_pact_nan_keeps_its_own_finding(tmp_path):
    path = tmp_path / "doc.json"
    path.write_bytes(b'{"document_type": "cbam-communication", "x": NaN}')
    r = runner.invoke(app, ["validate", "--kind", "cbam", str(path), "--json"])
    assert r.exit_code == 1
    assert "NaN is not a JSON number" in json.loads(r.stdout)["findings"][0]["message"]
    path.write_bytes(b'{"specVersion": "2.3.0", "pcf": {"pCfExcludingBiogenic": NaN}}')
    r = runner.invoke(app, ["validate", "--kind", "pact", str(path), "--json"])
    codes = {(f["code"], f["location"].get("pointer")) for f in json.loads(r.stdout)["findings"]}
    assert ("pact-not-finite", "/pcf/pCfExcludingBiogenic") in codes


def test_pact_export_from_a_hostile_document_is_one_line_exit_3(tmp_path):
    source = tmp_path / "inventory.json"
    source.write_bytes(b"[" * 100_000)
    products = tmp_path / "p.csv"
    products.write_text("product_id\nx\n", "utf-8")
    r = subprocess.run([sys.executable, "-m", "carbonaudit", "pact", "export", "--from",
                        str(source), "--product", str(products), "-o", str(tmp_path / "fp.json")],
                       capture_output=True, text=True)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "200 levels deep" in r.stderr and not (tmp_path / "fp.json").exists()
