"""The PDF report (reportlab platypus): cover, one section per chapter of the ReportView,
vector charts, and a footer with the page number and the SHA-256 of the input document.

Long tables stop at their `pdf_limit` (the Excel report lists everything); the inventory's
result rows never go into the PDF, so its size does not depend on the inventory's size.
`invariant=1` fixes the creation date and document id: same document, same PDF.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..errors import CarbonAuditError
from ..outputs import atomic_write
from .pdf_text import LATIN, LATIN_BOLD, Fonts
from .view import Chart, ReportView, Table, Text

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

    story = _Story(view, fonts, doc.width).build()
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

    def draw(canvas, doc) -> None:
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


def _width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _column_weights(columns, rows: list[list[str]]) -> list[float]:
    """Fractions of the width: numbers get what their longest value needs (they must not
    wrap), text columns share the rest by how much they hold."""
    need = []
    for i, col in enumerate(columns):
        body = max((_width(r[i]) for r in rows), default=0)
        head = max((_width(w) for w in col.label.split()), default=4)
        if col.kind in _NUMBER_FORMATS:
            need.append((True, float(max(body, min(head, 8), 4) + 2)))
        else:
            need.append((False, float(max(min(body, 30), min(head, 12), 6) + 3)))
    fixed = sum(w for is_num, w in need if is_num)
    room = 100.0 - fixed  # ~100 characters of 7.5 pt text fit across the frame
    text_total = sum(w for is_num, w in need if not is_num) or 1.0
    scale = max(room, 15.0) / text_total if room < text_total else 1.0
    return [w if is_num else w * scale for is_num, w in need]


def _draw_runs(canvas, fonts: Fonts, x: float, y: float, text: str, size: float) -> None:
    for font, run in fonts.runs(text):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += canvas.stringWidth(run, font, size)


class _Story:
    """Turns the view into platypus flowables."""

    def __init__(self, view: ReportView, fonts: Fonts, width: float) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        self.view, self.fonts, self.width = view, fonts, width
        self.L = view.labels
        base = ParagraphStyle("base", fontName=LATIN, fontSize=9, leading=12)
        self.body = base
        self.note = ParagraphStyle("note", base, fontSize=7.5, leading=10,
                                   textColor=colors.HexColor("#595959"))
        self.h1 = ParagraphStyle("h1", base, fontName=LATIN_BOLD, fontSize=16, leading=20,
                                 spaceAfter=8, textColor=colors.HexColor("#1F4E79"))
        self.h2 = ParagraphStyle("h2", base, fontName=LATIN_BOLD, fontSize=11, leading=14,
                                 spaceBefore=8, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", base, fontName=LATIN_BOLD, fontSize=9.5, leading=12,
                                 spaceBefore=4, spaceAfter=2)
        self.cell = ParagraphStyle("cell", base, fontSize=7.5, leading=9.5)
        self.head = ParagraphStyle("head", self.cell, fontName=LATIN_BOLD,
                                   textColor=colors.white)
        self.num = ParagraphStyle("num", self.cell, alignment=TA_RIGHT)
        self.head_num = ParagraphStyle("head_num", self.head, alignment=TA_RIGHT)
        self.cover_title = ParagraphStyle("cover_title", self.h1, fontSize=22, leading=28,
                                          spaceAfter=14)
        self.cover_subject = ParagraphStyle("cover_subject", base, fontSize=15, leading=20,
                                            spaceAfter=18)

    def para(self, text: str, style, *, label: bool = False):
        from reportlab.platypus import Paragraph

        return Paragraph(self.fonts.markup(text, label=label), style)

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
                self._grid(rows, [0.32, 0.68], header=False), Spacer(1, 12 * mm),
                self.para(L("report.generated", version=__version__), self.note),
                self.para(L("report.footer", hash=self.view.doc_hash), self.note)]

    def block(self, block) -> list:
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Chart):
            return self.chart(block)
        if isinstance(block, Text):
            out = [self.para(block.title, self.h3, label=True)] if block.title else []
            return out + [self.para(block.body, self.body, label=True)]
        return []

    def table(self, t: Table) -> list:
        from reportlab.platypus import KeepTogether

        if not t.pdf:
            return []
        shown = t.rows[: t.pdf_limit] if t.pdf_limit else t.rows
        heads = [self.para(c.label, self.head if c.kind in ("text", "code") else self.head_num,
                           label=True) for c in t.columns]
        body = [[self._cell(c.kind, v) for c, v in zip(t.columns, row, strict=True)]
                for row in shown]
        weights = _column_weights(t.columns, [[_shown(c.kind, v) for c, v in
                                               zip(t.columns, row, strict=True)]
                                              for row in shown])
        total = sum(weights)
        out = [self.para(t.title, self.h2, label=True)]
        if body:
            out.append(self._grid([heads, *body], [w / total for w in weights], header=True))
        else:
            out.append(self.para(self.L("report.no_rows"), self.note))
        if len(shown) < len(t.rows):
            out.append(self.para(self.L("report.more_rows", shown=len(shown),
                                        total=len(t.rows)), self.note))
        if t.note:
            out.append(self.para(t.note, self.note, label=True))
        return [KeepTogether(out)] if len(shown) <= 12 else out

    def _cell(self, kind: str, value):
        text = _shown(kind, value)
        if not text:
            return ""
        return self.para(text, self.num if _is_number(kind, value) else self.cell)

    def _grid(self, rows: list, fractions: list[float], *, header: bool):
        from reportlab.lib import colors
        from reportlab.platypus import Table as Grid
        from reportlab.platypus import TableStyle

        grid = Grid(rows, colWidths=_widths(fractions, self.width),
                    repeatRows=1 if header else 0)
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

        from .charts import drawing

        if not ch.categories:
            return []
        d = drawing(ch, self.width, 70 * mm, self.fonts.for_string)
        return [KeepTogether([self.para(ch.title, self.h2, label=True), d])]
