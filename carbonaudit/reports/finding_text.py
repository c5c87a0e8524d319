"""Finding messages in the reader's language: one catalogue per language
(`catalogues/findings/<lang>.json`), a list of message templates per finding code.

Checks write their messages in English with the values filled in; the English catalogue
holds the same sentences with `{name}` placeholders, so a message is matched against its
code's English templates, the values are taken out, and the same-numbered template of the
other language is filled with them.  A placeholder whose name starts with `hint` holds a
phrase of its own, translated the same way (`_hint` templates).  Row counts (`(12 rows)`,
`(1,204 rows: 2-5, 9, …)`) are carried over in the reader's language.  A message no template
matches stays as written: the code next to it still identifies it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files

_COUNT = re.compile(r" \((\d[\d,]*) rows(?:; first shown)?\)")
_GROUPED = re.compile(r" \((\d[\d,]*) rows: ([^)]*)\)$")
_FIELD = re.compile(r"\{(\w+)\}")
_ROWS = {"zh-Hant": ("（{n} 行）", "（共 {n} 行：{ranges}）"),
         "zh-Hans": ("（{n} 行）", "（共 {n} 行：{ranges}）")}


@cache
def catalogue(lang: str) -> dict[str, list[str]]:
    """{code: [template, ...]} for lang; empty when the language has none."""
    path = files("carbonaudit").joinpath(f"reports/catalogues/findings/{lang}.json")
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


@cache
def _patterns(code: str) -> list[re.Pattern]:
    out = []
    for template in catalogue("en").get(code, []):
        parts = _FIELD.split(template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)"
                        for i, p in enumerate(parts))
        out.append(re.compile(f"^{regex}$", re.S))
    return out


def translate(code: str, message: str, lang: str) -> str:
    """The message in lang (en, zh-Hant, zh-Hans); unchanged if lang is English or no
    template of the code matches."""
    if lang == "en" or not message:
        return message
    grouped = _GROUPED.search(message)
    body = message[:grouped.start()] if grouped else message
    counts = _COUNT.findall(body)
    body = _COUNT.sub("", body)
    text = _fill(code, body, lang)
    if text is None:
        return message
    single, many = _ROWS.get(lang, (" ({n} rows)", " ({n} rows: {ranges})"))
    for n in counts:
        text += single.format(n=n)
    if grouped:
        text += many.format(n=grouped.group(1), ranges=grouped.group(2))
    return text


def _fill(code: str, body: str, lang: str) -> str | None:
    target = catalogue(lang).get(code, [])
    for i, pattern in enumerate(_patterns(code)):
        m = pattern.match(body)
        if m is None or i >= len(target):
            continue
        values = {k: _value(k, v, lang) for k, v in m.groupdict().items()}
        return target[i].format(**values).replace("？。", "？")
    return None


def _value(name: str, value: str, lang: str) -> str:
    """A placeholder's value in lang: a hint phrase, or an activity or item code named as
    the report names it (the code stays when the catalogue has no name for it)."""
    if name.startswith("hint"):
        return _fill("_hint", value, lang) or value
    kind = "activity" if name in ("activity", "other") else "item" if name.startswith(
        "item") else None
    if kind is None:
        return value
    from carbonaudit.reports.labels import load_catalogue

    return load_catalogue(lang).get(f"{kind}.{value}", value)


def translate_finding(f: dict, lang: str) -> dict:
    """A findings.json entry with its message in lang."""
    return {**f, "message": translate(str(f.get("code", "")), str(f.get("message", "")), lang)}


def localised(findings: list, lang: str) -> list:
    """Findings with their messages in lang, for the terminal (findings.json stays English,
    the file's one language, with the code beside every message)."""
    import dataclasses

    if lang == "en":
        return list(findings)
    return [dataclasses.replace(f, message=translate(f.code, f.message, lang)) for f in findings]
