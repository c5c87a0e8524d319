"""Text for reportlab: escaping, and switching to a CJK font only for CJK runs.

reportlab's Paragraph reads a small XML markup, so every piece of document text is
escaped here before it reaches it (a company called `<b>` or `A & B` stays literal).
Latin text stays in Helvetica (CID fonts space Latin unevenly); runs Helvetica cannot
encode go to the CJK font: the built-in CID font (STSong-Light for simplified,
MSung-Light for traditional, no file shipped) or a TTF/TTC given with --cjk-font.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from carbonaudit.errors import UsageError

LATIN, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
EMBEDDED = "CarbonauditCJK"
_CID_FOR_LANG = {"zh-Hant": "MSung-Light"}  # everything else prefers the GB font
# Subscripts in chemical formulas of label text (document text is left as written).
_FORMULA = re.compile(r"\b(CO2|CH4|N2O|SF6|NF3|CF4|C2F6)(?=e?\b)")
_SUB = {"CO2": "CO<sub>2</sub>", "CH4": "CH<sub>4</sub>", "N2O": "N<sub>2</sub>O",
        "SF6": "SF<sub>6</sub>", "NF3": "NF<sub>3</sub>", "CF4": "CF<sub>4</sub>",
        "C2F6": "C<sub>2</sub>F<sub>6</sub>"}


@lru_cache(maxsize=4096)
def is_latin(ch: str) -> bool:
    """Whether Helvetica (WinAnsi, i.e. cp1252) can set ch."""
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


class Fonts:
    """The fonts of one PDF; registers the CJK font on first use."""

    def __init__(self, lang: str, cjk_font: Path | None = None) -> None:
        self.preferred = _CID_FOR_LANG.get(lang, "STSong-Light")
        self.embedded = _register_ttf(Path(cjk_font)) if cjk_font else None
        self._cid: set[str] = set()

    def cjk(self, run: str) -> str:
        """The font for a run of non-Latin text."""
        if self.embedded:
            return self.embedded
        name = self.preferred
        if name == "MSung-Light" and not _encodes(run, "big5"):
            name = "STSong-Light"  # simplified characters are not in the Big5 font
        elif name == "STSong-Light" and not _encodes(run, "gbk") and _encodes(run, "big5"):
            name = "MSung-Light"
        if name not in self._cid:
            from reportlab.pdfbase import pdfmetrics

            pdfmetrics.registerFont(_cid_font(name))
            self._cid.add(name)
        return name

    def for_string(self, text: str) -> str:
        """One font for a whole string (chart labels, canvas strings)."""
        return LATIN if all(is_latin(c) for c in text) else self.cjk(text)

    def markup(self, text: str, *, label: bool = False) -> str:
        """Paragraph markup for text: escaped, CJK runs in the CJK font."""
        out = []
        for latin, chars in groupby(str(text), key=is_latin):
            run = "".join(chars)
            esc = run.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if latin:
                out.append(_FORMULA.sub(lambda m: _SUB[m.group(1)], esc) if label else esc)
            else:
                out.append(f'<font name="{self.cjk(run)}">{esc}</font>')
        return "".join(out)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """(font, text) runs for drawing on the canvas."""
        return [(LATIN if latin else self.cjk(run), run)
                for latin, chars in groupby(text, key=is_latin) for run in ["".join(chars)]]


def _cid_font(name: str):
    """A built-in CID font with the Unicode CMap of its own character collection."""
    from reportlab.pdfbase.cidfonts import CIDFont, UnicodeCIDFont

    font = UnicodeCIDFont(name)
    if name == "MSung-Light":  # reportlab 5.1 pairs it with the GB CMap: viewers then fail
        CIDFont.__init__(font, name, "UniCNS-UCS2-H")
        font.name = font.fontName = name
    return font


def _register_ttf(path: Path) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not path.is_file():
        raise UsageError(f"--cjk-font: no such font file {path}")
    try:
        pdfmetrics.registerFont(TTFont(EMBEDDED, str(path), subfontIndex=0))
    except (TTFError, OSError, ValueError, KeyError) as exc:
        raise UsageError(f"--cjk-font: {path} is not a usable TrueType font ({exc})") from None
    return EMBEDDED
