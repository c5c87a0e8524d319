"""The report view: what both renderers draw, built once from a validated document.

Excel and PDF consume the same `ReportView`, so the numbers in the workbook and the PDF
come from one place (the document) and cannot drift apart.  Values stay full-precision
floats here; each renderer rounds only for display.

Column kinds: text, code (ids, hashes: never wrapped into prose), int, t (tonnes CO2e,
3 decimals), num (4 decimals), pct (a percentage already in per cent), bool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from carbonaudit.reports.labels import Labels


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"


@dataclass
class Table:
    """A titled table; `pdf_limit` keeps long tables short in the PDF (Excel has all)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    note: str | None = None
    pdf_limit: int | None = None
    pdf: bool = True


@dataclass
class Chart:
    """A chart over `categories`; each series is (name, values). kind: bar, stacked, line."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    unit: str


@dataclass
class Text:
    """A paragraph of prose (already localised); `title` is an optional run-in heading."""

    body: str
    title: str | None = None


@dataclass
class Chapter:
    """One Excel sheet and one PDF section."""

    key: str
    title: str
    sheet: str
    blocks: list = field(default_factory=list)


@dataclass
class Headline:
    label: str
    value: float
    kind: str = "t"


@dataclass
class ReportView:
    kind: str  # "inventory" or "cbam"
    labels: Labels
    standard: str
    title: str
    subject: str  # the organisation or installation name (document text)
    facts: list[tuple[str, str]]  # cover/summary facts: (label, value)
    headlines: list[Headline]
    headline_chart: Chart | None
    chapters: list[Chapter]
    doc_hash: str
    created: datetime
    command: str
    results_csv: object | None = None  # Path of results.csv beside an inventory, if any
    results_rows_expected: int = 0
    # A document with errors or rejected rows: the banner every page and sheet carries.
    draft: str | None = None


def axis_decimals(chart: Chart) -> int:
    """Decimals for a chart's value labels: whole numbers hide the steps of small values
    (an SEE of 2.39 t/t would show axis labels 0, 0, 1, 2, 2)."""
    top = max((abs(v) for _, values in chart.series for v in values), default=0.0)
    return 0 if top >= 10 else 1 if top >= 1 else 2


def fixed_created(date_text: str | None) -> datetime:
    """A creation time taken from the document (its period end), so output is reproducible."""
    try:
        day = datetime.strptime(str(date_text), "%Y-%m-%d")
    except ValueError:
        day = datetime(2000, 1, 1)
    return day.replace(tzinfo=UTC)


def tonnes(kg: float) -> float:
    return kg / 1000.0


def text(value) -> str:
    """Document text for a cell: None becomes empty, everything else str()."""
    return "" if value is None else str(value)
