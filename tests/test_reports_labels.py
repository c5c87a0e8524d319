"""Report catalogues: every language has exactly the keys of English, with the same
placeholders, and covers every code the documents can contain."""

from __future__ import annotations

import string

import pytest

from carbonaudit.errors import UsageError
from carbonaudit.reports.labels import LANGUAGES, Labels, available_languages, load_catalogue


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_shipped_languages():
    assert set(LANGUAGES) <= set(available_languages())


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_catalogue_has_the_same_keys_and_placeholders_as_english(lang):
    en, other = load_catalogue("en"), load_catalogue(lang)
    assert set(other) == set(en), (set(en) ^ set(other))
    for key, text in en.items():
        assert _fields(other[key]) == _fields(text), key
        assert other[key].strip(), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_covers_every_code(lang):
    from carbonaudit.factors.vocab import ACTIVITIES

    cat = load_catalogue(lang)
    needed = ([f"activity.{a}" for a in ACTIVITIES] + [f"iso.{i}" for i in range(1, 7)]
              + [f"s3.{i}" for i in range(1, 16)]
              + [f"consolidation.{c}" for c in ("operational_control", "financial_control",
                                                "equity_share")]
              + [f"status.{s}" for s in ("verified", "derived", "unverified")])
    assert [k for k in needed if k not in cat] == []


def test_unknown_language_is_a_usage_error():
    with pytest.raises(UsageError, match="zh-Hant"):
        Labels("fr")


def test_missing_key_is_an_error_not_a_fallback():
    with pytest.raises(KeyError):
        Labels("en")("no.such.key")
    assert Labels("zh-Hant")("value.period", start="a", end="b") == "a 至 b"
