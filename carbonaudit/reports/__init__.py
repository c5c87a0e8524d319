"""Verifier-ready reports (Excel and PDF; en, zh-Hant, zh-Hans) rendered from a validated
GHG inventory or CBAM communication document, never recomputed.

Heavy libraries (xlsxwriter, reportlab, pyarrow) are imported only when a report is drawn.
"""

from __future__ import annotations

from carbonaudit.reports.render import render_document, render_report

__all__ = ["render_document", "render_report"]
