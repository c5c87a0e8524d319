"""Report labels: one JSON catalogue per language, no language text in rendering code.

A catalogue is a flat {key: text} mapping; texts may hold `{name}` placeholders.  Adding
a language means adding `catalogues/<lang>.json` with the same keys as `en.json` (a test
checks that every catalogue has exactly the same keys), so a missing key is a bug, not a
silent fallback to English.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from carbonaudit.errors import UsageError

LANGUAGES = ("en", "zh-Hant", "zh-Hans")


def available_languages() -> list[str]:
    """Every language with a catalogue in the package, sorted."""
    folder = files("carbonaudit").joinpath("reports/catalogues")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def load_catalogue(lang: str) -> dict[str, str]:
    """The {key: text} catalogue for lang; UsageError for a language we do not have."""
    if lang not in available_languages():
        raise UsageError(f"no report catalogue for language {lang!r}; "
                         f"choose one of {', '.join(available_languages())}")
    path = files("carbonaudit").joinpath(f"reports/catalogues/{lang}.json")
    return json.loads(path.read_text("utf-8"))


class Labels:
    """Look up a label by key: `L("scope.1")`, `L("meta.rows", n=3)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.texts = load_catalogue(lang)

    def __call__(self, key: str, **values) -> str:
        text = self.texts[key]  # KeyError on purpose: catalogues must be complete
        return text.format(**values) if values else text

    def get(self, key: str, default: str) -> str:
        """For keys built from data (an activity code); the default is document text."""
        return self.texts.get(key, default)
