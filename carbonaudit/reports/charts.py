"""Vector charts for the PDF (reportlab.graphics): bars, stacked bars and a line chart.

Chart strings cannot switch fonts mid-string, so each label is set wholly in the CJK
font when it holds CJK characters and in Helvetica otherwise.
"""

from __future__ import annotations

from carbonaudit.reports.view import Chart, axis_decimals

PALETTE = ("#1F4E79", "#2E86C1", "#F39C12", "#27AE60", "#8E44AD", "#C0392B")
_MAX_LABEL = 18


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[:_MAX_LABEL - 3] + "..."


def drawing(chart: Chart, width: float, height: float, font_for) -> object:
    """A reportlab Drawing for chart; font_for(text) names the font that can set text."""
    from reportlab.graphics.shapes import Drawing

    d = Drawing(width, height)
    plot = _line(chart) if chart.kind == "line" else _bars(chart)
    plot.x, plot.y = 48, 46 if len(chart.series) > 1 else 30
    plot.width, plot.height = width - 64, height - plot.y - 10
    _style_axes(plot, chart, font_for)
    d.add(plot)
    if len(chart.series) > 1:
        d.add(_legend(chart, width, font_for))
    return d


def _bars(chart: Chart):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.lib import colors

    plot = VerticalBarChart()
    plot.data = [list(v) for _, v in chart.series]
    if chart.kind == "stacked":
        plot.categoryAxis.style = "stacked"
    plot.barSpacing = 1
    plot.groupSpacing = 8
    for i in range(len(chart.series)):
        plot.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        plot.bars[i].strokeColor = None
    if chart.kind == "bar" and len(chart.categories) <= 8:
        plot.barLabelFormat = f"{{:,.{axis_decimals(chart)}f}}".format
        plot.barLabels.fontName = "Helvetica"
        plot.barLabels.fontSize = 6.5
        plot.barLabels.nudge = 6
    return plot


def _line(chart: Chart):
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    plot = HorizontalLineChart()
    plot.data = [list(v) for _, v in chart.series]
    for i in range(len(chart.series)):
        plot.lines[i].strokeColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        plot.lines[i].strokeWidth = 1.5
        plot.lines[i].symbol = makeMarker("FilledCircle", size=3)
    if len(chart.series) > 1:  # dashed second line: both stay visible when they coincide
        plot.lines[1].strokeDashArray = [4, 2]
    plot.joinedLines = 1
    return plot


def _style_axes(plot, chart: Chart, font_for) -> None:
    from reportlab.lib import colors

    values = [v for _, series in chart.series for v in series]
    plot.valueAxis.valueMin = min(0.0, *values) if values else 0.0
    plot.valueAxis.labelTextFormat = f"{{:,.{axis_decimals(chart)}f}}".format
    plot.valueAxis.labels.fontName = "Helvetica"
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    labels = [_short(c) for c in chart.categories]
    plot.categoryAxis.categoryNames = labels
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
    plot.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    for i, label in enumerate(labels):
        plot.categoryAxis.labels[i].fontName = font_for(label)


def _legend(chart: Chart, width: float, font_for):
    from reportlab.graphics.charts.legends import Legend
    from reportlab.lib import colors

    legend = Legend()
    legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), name)
                             for i, (name, _) in enumerate(chart.series)]
    legend.fontName = font_for(" ".join(n for n, _ in chart.series))
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = max(60, width / (len(chart.series) + 1))
    legend.x, legend.y = 48, 14
    return legend
