"""The PDF report (reportlab platypus): cover, one section per chapter of the ReportView,
vector charts, and a footer with the page number and the SHA-256 of the input document.

Long tables stop at their `pdf_limit` (the Excel report lists everything); the inventory's
result rows never go into the PDF, so its size does not depend on the inventory's size.
`invariant=1` fixes the creation date and document id: same document, same PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

from carbonaudit import __version__
from carbonaudit.errors import CarbonAuditError
from carbonaudit.outputs import atomic_write
from carbonaudit.reports.pdf_text import LATIN, LATIN_BOLD, Fonts, is_latin
from carbonaudit.reports.view import Chart, ReportView, Table, Text

_NUMBER_FORMATS = {"t": "{:,.3f}", "num": "{:,.4f}", "int": "{:,.0f}", "pct": "{:,.2f}"}
_NEW_PAGE = {"summary", "methodology", "factors", "provenance"}


def write_pdf(view: ReportView, out: Path, *, cjk_font: Path | None = None) -> Path:
    """Write the PDF for view to out (atomically) and return out."""
    out = Path(out)
    fonts = Fonts(view.labels.lang, cjk_font)
    atomic_write(out, writer=lambda tmp: _build(view, fonts, tmp))
    return out


def _build(view: ReportView, fonts: Fonts, path: str) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    doc = SimpleDocTemplate(
        path, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, invariant=1, title=f"{view.title}: {view.subject}"[:250],
        author="carbonaudit", creator=f"carbonaudit {__version__}",
        subject=view.labels("report.footer", hash=view.doc_hash), lang=view.labels.lang)
    from reportlab.platypus.doctemplate import LayoutError

    story = _Story(view, fonts, doc.width, doc.height).build()
    footer = _footer(view, fonts)
    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    except (LayoutError, ValueError) as exc:  # e.g. one table cell taller than a page
        raise CarbonAuditError(f"the PDF could not be laid out ({str(exc)[:200]}); "
                               "the Excel report has every figure") from None


def _footer(view: ReportView, fonts: Fonts):
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    hash_text = view.labels("report.footer", hash=view.doc_hash)
    banner = _draft_banner(view, fonts) if view.draft else None

    def draw(canvas, doc) -> None:
        if banner is not None:
            banner(canvas, doc)
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#BFBFBF"))
        canvas.line(doc.leftMargin, 12 * mm, doc.leftMargin + doc.width, 12 * mm)
        canvas.setFillColor(colors.HexColor("#595959"))
        _draw_runs(canvas, fonts, doc.leftMargin, 8 * mm, hash_text, 6.5)
        page = view.labels("report.page", page=canvas.getPageNumber())
        width = sum(canvas.stringWidth(t, f, 7.5) for f, t in fonts.runs(page))
        _draw_runs(canvas, fonts, doc.leftMargin + doc.width - width, 8 * mm, page, 7.5)
        canvas.restoreState()

    return draw


def _draft_banner(view: ReportView, fonts: Fonts):
    """Every page of a report from a document with errors: a large pale DRAFT across the
    page (under the content) and, in the top margin, the banner saying what is missing."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    word = view.labels("report.draft")
    style = ParagraphStyle("draft", fontName=LATIN_BOLD, fontSize=7.5, leading=9.5,
                           textColor=colors.HexColor("#C00000"), wordWrap="CJK"
                           if not all(is_latin(c) for c in view.draft) else None)

    def draw(canvas, doc) -> None:
        canvas.saveState()
        width, height = doc.pagesize
        canvas.setFillColor(colors.Color(0.75, 0, 0, alpha=0.12))
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        size = 110 if all(is_latin(c) for c in word) else 150
        span = sum(canvas.stringWidth(t, f, size) for f, t in fonts.runs(word))
        _draw_runs(canvas, fonts, -span / 2, -size / 3, word, size)
        canvas.restoreState()
        note = Paragraph(fonts.markup(view.draft, label=True), style)
        _, used = note.wrap(doc.width, 14 * mm)
        note.drawOn(canvas, doc.leftMargin, height - 3 * mm - used)

    return draw


def _widths(fractions: list[float], width: float, least: float = 18.0) -> list[float]:
    """Column widths in points: every column at least `least` (padding must fit)."""
    total = sum(fractions) or 1.0
    raw = [max(f / total * width, least) for f in fractions]
    scale = min(1.0, width / sum(raw))
    return [w * scale for w in raw]


def _is_number(kind: str, value) -> bool:
    return (kind in _NUMBER_FORMATS and isinstance(value, int | float)
            and not isinstance(value, bool))


def _shown(kind: str, value) -> str:
    """A value as the PDF prints it (the workbook keeps the full number)."""
    if value is None:
        return ""
    return _NUMBER_FORMATS[kind].format(value) if _is_number(kind, value) else str(value)


# A text token may break inside only beyond these widths (points at 1 pt font size): a
# word wider than that wraps rather than starving its neighbours; ids and hashes too.
_MAX_WORD = {"text": 12.0, "code": 14.0}
_MAX_WANT = 32.0  # beyond this a text column gains no more width than its neighbours
_PAD = 7.0  # LEFTPADDING + RIGHTPADDING of every cell (6 pt), and 1 pt for rounding
_TOKENS = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+")  # CJK breaks anywhere


def _measure(text: str, font: str) -> float:
    """Width of text at 1 pt: Latin in the Latin font, CJK characters one em each."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    latin = "".join(c if is_latin(c) else "" for c in text)
    return stringWidth(latin, font, 1.0) + (len(text) - len(latin))


def _longest_token(text: str, font: str) -> float:
    return max((_measure(t, font) for t in _TOKENS.findall(text)), default=0.0)


def _header_least(label: str) -> float:
    """A header may wrap, but a Chinese one keeps four characters a line (it can break
    after any character, and one character a line is unreadable)."""
    word = _longest_token(label, LATIN_BOLD)
    if all(is_latin(c) for c in label):
        return word
    return min(_measure(label, LATIN_BOLD), max(word, 4.0))


def _column_needs(columns, rows: list[list[str]]) -> list[tuple[float, float, bool]]:
    """(least, wanted, is_text) width of each column at 1 pt font size, padding excluded.

    A number never wraps, so it needs its widest value; a text column needs its longest
    word (so words do not break into letters) and would like its longest cell on one line.
    """
    needs = []
    for i, col in enumerate(columns):
        head = _header_least(col.label)
        cells = [r[i] for r in rows if r[i]]
        if col.kind in _NUMBER_FORMATS:
            least = max([head, *(_measure(c, LATIN) for c in cells)])
            needs.append((least, least, False))
            continue
        word = max((_longest_token(c, LATIN) for c in cells), default=0.0)
        least = max(min(head, _MAX_WORD["text"]), min(word, _MAX_WORD.get(col.kind, 12.0)))
        whole = max((_measure(c, LATIN) for c in cells), default=0.0)
        needs.append((least, max(least, min(whole, _MAX_WANT)), True))
    return needs


def fit_columns(needs: list[tuple[float, float, bool]], width: float,
                sizes: tuple[float, ...] = (7.5, 6.5, 6.0)) -> tuple[float, list[float]]:
    """A font size and the column widths (points) of a table `width` wide.

    The size is the largest at which every column gets its least width and a quarter of
    what the wrapping columns would like on top (else the prose columns of a wide table
    become one word per line); what is left goes to the columns that want more, in
    proportion to how much more, then (everything on one line) to the text columns, so
    every table spans the frame.  When even the smallest size is too wide, every column
    shrinks alike.
    """
    fitting = None
    for size in sizes:
        least = [n * size + _PAD for n, _, _ in needs]
        want = [w * size + _PAD for _, w, _ in needs]
        gap = sum(w - n for n, w in zip(least, want, strict=True))
        if sum(least) <= width and fitting is None:
            fitting = size, least, want, gap
        if sum(least) + gap / 4 <= width:
            fitting = size, least, want, gap
            break
    if fitting is None:
        return size, [w * width / sum(least) for w in least]
    size, least, want, gap = fitting
    extra = width - sum(least)
    if gap >= extra:
        return size, [n + (w - n) * extra / gap for n, w in zip(least, want, strict=True)]
    flexible = [w if is_text else 0.0 for w, (_, _, is_text) in zip(want, needs, strict=True)]
    if not any(flexible):
        flexible = want
    spare = (extra - gap) / sum(flexible)
    return size, [w + f * spare for w, f in zip(want, flexible, strict=True)]


def _draw_runs(canvas, fonts: Fonts, x: float, y: float, text: str, size: float) -> None:
    for font, run in fonts.runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += canvas.stringWidth(run, font, size)


class _Story:
    """Turns the view into platypus flowables."""

    def __init__(self, view: ReportView, fonts: Fonts, width: float, height: float) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        self.view, self.fonts, self.width, self.height = view, fonts, width, height
        self.L = view.labels
        base = ParagraphStyle("base", fontName=LATIN, fontSize=9, leading=12)
        self.body = base
        self.note = ParagraphStyle("note", base, fontSize=7.5, leading=10,
                                   textColor=colors.HexColor("#595959"))
        self.h1 = ParagraphStyle("h1", base, fontName=LATIN_BOLD, fontSize=16, leading=20,
                                 spaceBefore=10,  # dropped at the top of a page
                                 spaceAfter=8, textColor=colors.HexColor("#1F4E79"))
        self.h2 = ParagraphStyle("h2", base, fontName=LATIN_BOLD, fontSize=11, leading=14,
                                 spaceBefore=8, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", base, fontName=LATIN_BOLD, fontSize=9.5, leading=12,
                                 spaceBefore=4, spaceAfter=2)
        self.head_colour = colors.white
        self._sized: dict[float, dict] = {}
        self._cjk: dict[str, ParagraphStyle] = {}
        self.cover_title = ParagraphStyle("cover_title", self.h1, fontSize=22, leading=28,
                                          spaceAfter=14)
        self.cover_subject = ParagraphStyle("cover_subject", base, fontSize=15, leading=20,
                                            spaceAfter=18)

    def para(self, text: str, style, *, label: bool = False, prose: bool = False):
        from reportlab.platypus import Paragraph

        if prose and not all(is_latin(c) for c in str(text)):
            style = self._cjk_style(style)
        return Paragraph(self.fonts.markup(text, label=label), style)

    def _cjk_style(self, style):
        """The style with CJK line breaking for Chinese prose, which has no spaces: lines
        break between any two characters instead of leaving a ragged gap before a long
        run.  (reportlab then breaks Latin words too, so table cells keep the default.)"""
        from reportlab.lib.styles import ParagraphStyle

        if style.name not in self._cjk:
            self._cjk[style.name] = ParagraphStyle(f"{style.name}_cjk", style, wordWrap="CJK")
        return self._cjk[style.name]

    def build(self) -> list:
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, PageBreak

        story = self.cover()
        for chapter in self.view.chapters:
            # Short chapters share pages; the summary and the appendices start a new one.
            brk = PageBreak() if chapter.key in _NEW_PAGE else CondPageBreak(90 * mm)
            story += [brk, self.para(chapter.title, self.h1, label=True)]
            if chapter.key == "summary" and self.view.headline_chart is not None:
                blocks = [*chapter.blocks[1:], self.view.headline_chart, chapter.blocks[0]]
            else:
                blocks = chapter.blocks
            for block in blocks:
                story += self.block(block)
        return story

    def cover(self) -> list:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        L = self.view.labels
        rows = [[self.para(k, self.h3, label=True), self.para(v, self.body)]
                for k, v in self.view.facts]
        return [Spacer(1, 30 * mm), self.para(self.view.title, self.cover_title, label=True),
                self.para(self.view.subject, self.cover_subject),
                self._grid(rows, _widths([0.32, 0.68], self.width), header=False),
                Spacer(1, 12 * mm),
                self.para(L("report.generated", version=__version__), self.note),
                self.para(L("report.footer", hash=self.view.doc_hash), self.note)]

    def block(self, block) -> list:
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Chart):
            return self.chart(block)
        if isinstance(block, Text):
            out = [self.para(block.title, self.h3, label=True)] if block.title else []
            return out + [self.para(block.body, self.body, label=True, prose=True)]
        return []

    def table(self, t: Table) -> list:
        from reportlab.lib.units import mm
        from reportlab.platypus import CondPageBreak, KeepTogether

        if not t.pdf:
            return []
        shown = t.rows[: t.pdf_limit] if t.pdf_limit else t.rows
        texts = [[_shown(c.kind, v) for c, v in zip(t.columns, row, strict=True)]
                 for row in shown]
        size, widths = fit_columns(_column_needs(t.columns, texts), self.width)
        st = self._cell_styles(size)
        heads = [self.para(c.label, st["head"] if c.kind in ("text", "code") else st["head_num"],
                           label=True) for c in t.columns]
        body = [[self._cell(c.kind, v, st) for c, v in zip(t.columns, row, strict=True)]
                for row in shown]
        out = [self.para(t.title, self.h2, label=True)]
        if body:
            out.append(self._grid([heads, *body], widths, header=True))
        else:
            out.append(self.para(self.L("report.no_rows"), self.note))
        if len(shown) < len(t.rows):
            out.append(self.para(self.L("report.more_rows", shown=len(shown),
                                        total=len(t.rows)), self.note))
        if t.note:
            out.append(self.para(t.note, self.note, label=True))
        height = sum(f.wrap(self.width, self.height)[1] for f in out)
        if height <= self.height * 0.45:
            return [KeepTogether(out)]
        # A tall table must not jump whole to the next page (that leaves a page with only a
        # heading); it starts where it is when its title, header and a few rows fit there.
        return [CondPageBreak(40 * mm), *out]

    def _cell_styles(self, size: float) -> dict:
        """Cell styles at a font size: wide tables are set smaller rather than crushed."""
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        if size not in self._sized:
            cell = ParagraphStyle(f"cell{size}", self.body, fontSize=size, leading=size + 2)
            head = ParagraphStyle(f"head{size}", cell, fontName=LATIN_BOLD,
                                  textColor=self.head_colour)
            self._sized[size] = {
                "cell": cell, "head": head,
                "num": ParagraphStyle(f"num{size}", cell, alignment=TA_RIGHT),
                "head_num": ParagraphStyle(f"head_num{size}", head, alignment=TA_RIGHT)}
        return self._sized[size]

    def _cell(self, kind: str, value, styles: dict):
        text = _shown(kind, value)
        if not text:
            return ""
        return self.para(text, styles["num"] if _is_number(kind, value) else styles["cell"])

    def _grid(self, rows: list, widths: list[float], *, header: bool):
        from reportlab.lib import colors
        from reportlab.platypus import Table as Grid
        from reportlab.platypus import TableStyle

        grid = Grid(rows, colWidths=widths, repeatRows=1 if header else 0)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#D9D9D9")),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if header:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
                      ("ROWBACKGROUNDS", (0, 1), (-1, -1),
                       [colors.white, colors.HexColor("#EEF3F8")])]
        grid.setStyle(TableStyle(style))
        return grid

    def chart(self, ch: Chart) -> list:
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether

        from carbonaudit.reports.charts import drawing

        if not ch.categories:
            return []
        d = drawing(ch, self.width, 70 * mm, self.fonts.for_string)
        return [KeepTogether([self.para(ch.title, self.h2, label=True), d])]
