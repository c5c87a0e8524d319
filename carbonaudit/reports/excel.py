"""The Excel report (xlsxwriter): one sheet per chapter of the ReportView, native charts,
and for an inventory every result row with its lineage as a filterable Excel table.

Every text cell goes through write_string (and the workbook refuses to turn strings into
formulas or links), so a value such as `=HYPERLINK(...)` stays text; such a value also
carries Excel's quote prefix, so editing the cell keeps it text.  The creation date
comes from the document, so the same document gives the same workbook.
"""

from __future__ import annotations

import io
from pathlib import Path

from carbonaudit.outputs import atomic_write, looks_like_formula
from carbonaudit.reports.excel_results import mark_draft
from carbonaudit.reports.view import Chart, Column, ReportView, Table, Text, axis_decimals

NUMBER_FORMATS = {"t": "#,##0.000", "num": "#,##0.0000", "int": "#,##0", "pct": "0.00"}
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
_CHART_ROWS = 18


def write_workbook(view: ReportView, out: Path) -> Path:
    """Write the workbook for view to out (atomically) and return out."""
    out = Path(out)
    buf = io.BytesIO()
    splice = _build(view, buf)
    if splice is None:
        atomic_write(out, buf.getvalue())
    else:
        atomic_write(out, writer=lambda tmp: splice(buf.getvalue(), Path(tmp)))
    return out


def _build(view: ReportView, buf: io.BytesIO):
    import xlsxwriter

    wb = xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, "in_memory": True})
    wb.set_properties({"title": f"{view.title}: {view.subject}"[:250], "author": "carbonaudit",
                       "comments": f"{view.labels('report.footer', hash=view.doc_hash)}",
                       "created": view.created.replace(tzinfo=None)})
    styles = _Styles(wb)
    splice = None
    for chapter in view.chapters:
        sheet = _SheetWriter(wb, styles, _sheet_name(chapter.sheet), view)
        sheet.title(chapter.title)
        if chapter.key == "summary" and view.headline_chart is not None:
            chapter_blocks = [*chapter.blocks, view.headline_chart]
        else:
            chapter_blocks = chapter.blocks
        for block in chapter_blocks:
            sheet.block(block)
        sheet.finish()
        if chapter.key == "sources" and view.kind == "inventory":
            from carbonaudit.reports.excel_results import add_results_sheet

            splice = add_results_sheet(wb, styles, view)
    wb.close()
    return splice


def _sheet_name(name: str) -> str:
    return name.translate(_BAD_SHEET_CHARS).strip("'")[:31] or "Sheet"


class _Styles:
    """The workbook's formats, created once."""

    def __init__(self, wb) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E79"})
        self.subject = wb.add_format({"italic": True, "font_color": "#404040"})
        self.table_title = wb.add_format({"bold": True, "font_size": 12})
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79",
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.text = wb.add_format({"valign": "top"})
        # Text that would be a formula once someone edits the cell: Excel's own text mark.
        self.text_quoted = wb.add_format({"valign": "top", "quote_prefix": True})
        self.subject_quoted = wb.add_format({"italic": True, "font_color": "#404040",
                                             "quote_prefix": True})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.draft = wb.add_format({"bold": True, "font_color": "#C00000"})
        self.numbers = {k: wb.add_format({"num_format": v, "valign": "top"})
                        for k, v in NUMBER_FORMATS.items()}


class _SheetWriter:
    """Writes blocks one under another on one worksheet, tracking column widths."""

    def __init__(self, wb, styles: _Styles, name: str, view: ReportView) -> None:
        self.wb, self.s, self.view = wb, styles, view
        self.ws = wb.add_worksheet(name)
        self.name = name
        self.row = 0
        self.widths: dict[int, float] = {}
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)  # fit to width, as many pages down as needed
        self.ws.set_footer(f"&L{_header_safe(view.subject)[:60]}&R&P / &N")
        mark_draft(self.ws, view)

    def title(self, text: str) -> None:
        self.ws.write_string(0, 0, text, self.s.title)
        quoted = looks_like_formula(self.view.subject)
        self.ws.write_string(1, 0, self.view.subject,
                             self.s.subject_quoted if quoted else self.s.subject)
        if self.view.draft:  # the row under the subject; the printed header says it too
            self.ws.write_string(2, 0, self.view.draft, self.s.draft)
            self.row = 4
        else:
            self.row = 3

    def block(self, block) -> None:
        if isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, Text):
            self.text(block)
        self.row += 1

    def table(self, t: Table) -> tuple[int, int]:
        ws = self.ws
        ws.write_string(self.row, 0, t.title, self.s.table_title)
        self.row += 1
        for c, col in enumerate(t.columns):
            ws.write_string(self.row, c, col.label, self.s.header)
            self._fit(c, col.label, header=True)
        self.row += 1
        first = self.row
        for values in t.rows:
            for c, (col, v) in enumerate(zip(t.columns, values, strict=True)):
                self.cell(self.row, c, col, v)
            self.row += 1
        if not t.rows:
            ws.write_string(self.row, 0, self.view.labels("report.no_rows"), self.s.note)
            self.row += 1
        if t.note:
            ws.write_string(self.row, 0, t.note, self.s.note)
            self.row += 1
        return first, self.row - 1

    def cell(self, r: int, c: int, col: Column, v) -> None:
        if v is None or v == "":
            return
        fmt = self.s.numbers.get(col.kind)
        if fmt is not None and isinstance(v, int | float) and not isinstance(v, bool):
            self.ws.write_number(r, c, v, fmt)
            self._fit(c, f"{v:,.3f}")
        else:
            text = str(v)
            self.ws.write_string(r, c, text, self.s.text_quoted if looks_like_formula(text)
                                 else self.s.text)
            self._fit(c, text)

    def text(self, t: Text) -> None:
        if t.title:
            self.ws.write_string(self.row, 0, t.title, self.s.table_title)
            self.row += 1
        self.ws.merge_range(self.row, 0, self.row, 5, "", self.s.wrap)
        self.ws.write_string(self.row, 0, t.body, self.s.wrap)
        self.ws.set_row(self.row, 15 * max(1, _display_len(t.body) // 110 + 1))
        self.row += 1

    def chart(self, ch: Chart) -> None:
        cols = [Column(self.view.labels("col.item")),
                *(Column(name, "t") for name, _ in ch.series)]
        rows = [[cat, *(values[i] for _, values in ch.series)]
                for i, cat in enumerate(ch.categories)]
        anchor = self.row
        first, last = self.table(Table(ch.key, ch.title, cols, rows))
        if not rows:
            return
        chart = self.wb.add_chart(_CHART_TYPES[ch.kind])
        for i, (name, _) in enumerate(ch.series, start=1):
            series = {"name": name, "categories": [self.name, first, 0, last, 0],
                      "values": [self.name, first, i, last, i]}
            if ch.kind == "line":
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
        chart.set_title({"name": ch.title, "name_font": {"size": 11}})
        decimals = axis_decimals(ch)
        axis_format = "#,##0." + "0" * decimals if decimals else "#,##0"
        chart.set_y_axis({"name": ch.unit, "num_format": axis_format, "major_gridlines":
                          {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"} if len(ch.series) > 1 else {"none": True})
        chart.set_size({"width": 620, "height": 320})
        self.ws.insert_chart(anchor, len(cols) + 1, chart)
        self.row = max(self.row, anchor + _CHART_ROWS)

    def _fit(self, c: int, text: str, header: bool = False) -> None:
        width = min(_display_len(text) + 2, 40 if header else 60)
        self.widths[c] = max(self.widths.get(c, 10), width)

    def finish(self) -> None:
        for c, w in self.widths.items():
            self.ws.set_column(c, c, w)


_CHART_TYPES = {"bar": {"type": "column"}, "stacked": {"type": "column", "subtype": "stacked"},
                "line": {"type": "line"}}


def _display_len(text: str) -> int:
    """Columns a string needs: East Asian wide characters take two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _header_safe(text: str) -> str:
    """Header/footer text: '&' starts a control code there, so double it."""
    return text.replace("&", "&&")

