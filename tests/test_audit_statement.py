"""The statement draft: its content in three languages (text extracted with pypdf), its
opinion fields left blank, byte-identical on a re-run; the catalogues are complete."""

import json

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from carbonaudit.audit.statement_text import OPINION_FIELDS, TEXT
from carbonaudit.cli import app

runner = CliRunner()
ACTIVITY = ("activity,item,quantity,unit,site,period_start,region,reference\n"
            "stationary_combustion,natural_gas,1,TJ,Plant,2025-01-01,,INV-1\n"
            "purchased_electricity,grid,1000,kWh,Office,2025-01-01,HK-HKE,BILL-1\n")
TOTAL = 56100 + 29.8 + 0.1 * 273 + 810


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("st")
    (tmp / "a.csv").write_text(ACTIVITY, encoding="utf-8")
    # 6 % over: one material misstatement to list.
    (tmp / "c.csv").write_text(f"item,claimed,unit\ntotal,{TOTAL * 1.06!r},kg CO2e\n",
                               encoding="utf-8")
    return tmp


def statement(inputs, lang, out="out"):
    r = runner.invoke(app, ["verify", str(inputs / "a.csv"), "--claimed", str(inputs / "c.csv"),
                            "--seed", "3", "--lang", lang, "--out", str(inputs / out),
                            "--json"])
    assert r.exit_code == 1, r.output  # material: exit 1
    doc = json.loads(r.stdout)
    path = inputs / out / f"statement-{lang}.pdf"
    assert doc["outputs"]["statement"] == str(path)
    return path, "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_catalogues_have_the_same_keys():
    assert set(TEXT["zh-Hant"]) == set(TEXT["en"]) == set(TEXT["zh-Hans"])


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_statement_content_and_blank_opinion(inputs, lang):
    path, text = statement(inputs, lang)
    L = TEXT[lang]
    for key in ("title", "h.statement", "h.criteria", "h.assurance", "h.materiality",
                "h.work", "h.totals", "h.misstatements", "h.opinion"):
        assert L[key] in text, key
    assert "56.157" in text  # Scope 1: 56,157.1 kg (recalculated totals table)
    assert "60.385" in text  # the claim, 1.06 x 56,967.1 kg
    assert L["v.material misstatement"] in text  # the tool's evaluation of the test
    # Opinion block: the labels and nothing after them; the tool never fills one in.
    tail = text[text.index(L["h.opinion"]) + len(L["h.opinion"]):]
    labels = [L[k] for k in OPINION_FIELDS]
    rest = tail
    for label in labels:
        rest = rest.replace(label, "", 1)
    leftover = [line for line in rest.splitlines() if line.strip()]
    # Only the page footer (draft, hash, page number) may follow.
    assert all("SHA-256" in line or line.strip().startswith(("Page", "第")) for line in
               leftover), leftover


def test_same_run_same_bytes(inputs):
    a, _ = statement(inputs, "zh-Hant", "o1")
    b, _ = statement(inputs, "zh-Hant", "o2")
    assert a.read_bytes() == b.read_bytes()
    for name in ("verification.json", "sample.csv", "workpapers.xlsx", "findings.json"):
        assert (inputs / "o1" / name).read_bytes() == (inputs / "o2" / name).read_bytes(), name
