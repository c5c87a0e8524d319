"""`report --format hkex`: the GHG metrics of the HKEX ESG Reporting Code, Part D (climate).

HKEX publishes no machine-readable template (CHINA_HK.md 3.4), so the layout follows the
metrics list of the HKEX *Implementation Guidance for Climate Disclosures* (April 2024,
chapter 5, GHG emissions and cross-industry metrics) and says so: Scope 1; Scope 2
location-based with the contractual-instrument (market-based) information; Scope 3 by
category on a comply-or-explain basis (a category without rows is listed for the issuer to
explain); intensity (Scope 1 + 2) per the denominators given under `[intensity]` in
carbonaudit.toml.
Every label is bilingual (English and Chinese) in one cell, so the workbook and the PDF
section serve a bilingual annual report.  Drawn from the validated document only.
"""

from __future__ import annotations

from pathlib import Path

from carbonaudit.reports.labels import Labels
from carbonaudit.reports.view import (
    Chapter,
    Column,
    ReportView,
    Table,
    Text,
    fixed_created,
    text,
    tonnes,
)


class _Both:
    """`B("hkex.scope_1")` -> "Scope 1 / 範圍一": English and the report's Chinese."""

    def __init__(self, lang: str) -> None:
        self.en = Labels("en")
        self.zh = Labels("zh-Hans" if lang == "zh-Hans" else "zh-Hant")

    def __call__(self, key: str, **values) -> str:
        return f"{self.en(key, **values)} / {self.zh(key, **values)}"


def write_hkex(doc: dict, out: Path, *, lang: str, doc_hash: str, command: str,
               cjk_font: Path | None = None) -> Path:
    """Write the Part D workbook at `out` (.xlsx) and its bilingual PDF beside it; returns
    the workbook's path."""
    from carbonaudit.reports.excel import write_workbook
    from carbonaudit.reports.pdf import write_pdf

    view = build(doc, lang=lang, doc_hash=doc_hash, command=command)
    out = Path(out)
    workbook = write_workbook(view, out.with_suffix(".xlsx"))
    write_pdf(view, out.with_suffix(".pdf"), cjk_font=cjk_font)
    return workbook


def build(doc: dict, *, lang: str, doc_hash: str, command: str) -> ReportView:
    """The ReportView of the Part D metrics."""
    B = _Both(lang)
    L = Labels(lang)
    tot = doc["totals_kgco2e"]
    s1, s2l, s2m = tonnes(tot["scope_1"]), tonnes(tot["scope_2_location"]), tonnes(
        tot["scope_2_market"])
    t = [Column(B("hkex.col.metric")), Column(B("hkex.col.tco2e"), "t")]
    ghg = Table("hkex_ghg", B("hkex.table.ghg"), t, [
        [B("hkex.scope_1"), s1],
        [B("hkex.scope_2_location"), s2l],
        [B("hkex.scope_2_market"), s2m],
        [B("hkex.scope_12"), s1 + s2l],
    ], note=B("hkex.note.market", contractual=doc["scope_2"]["rows_with_contractual_factor"],
              grid=doc["scope_2"]["rows_using_grid_average_for_market"]))
    reported = {c["category"]: c["kgco2e"] for c in doc["by_scope3_category"]}
    s3 = Table("hkex_scope3", B("hkex.table.scope3"),
               [Column(B("hkex.col.category")), Column(B("hkex.col.tco2e"), "t"),
                Column(B("hkex.col.status"))],
               [[B(f"s3.{c}"), tonnes(reported.get(c, 0.0)),
                 B("hkex.s3.reported") if c in reported else B("hkex.s3.explain")]
                for c in range(1, 16)], note=B("hkex.note.scope3"))
    facts = _facts(doc, B, doc_hash)
    chapters = [
        Chapter("hkex", B("hkex.chapter"), L("hkex.sheet"),
                [Text(B("hkex.basis")), facts, ghg, s3,
                 _intensity(doc, B), Text(B("hkex.other_metrics"))]),
    ]
    std = (doc.get("standard") or {}).get("name", "ghg-protocol")
    return ReportView(
        kind="hkex", labels=L, standard=std, title=B("hkex.title"),
        subject=text(doc["organisation"]["name"]),
        facts=[(r[0], r[1]) for r in facts.rows[:3]], headlines=[],
        headline_chart=None, chapters=chapters, doc_hash=doc_hash,
        created=fixed_created(doc["period"].get("end")), command=command)


def _facts(doc: dict, B: _Both, doc_hash: str) -> Table:
    p = doc["period"]
    period = f"{p['start']} – {p['end']}" if p.get("start") else "—"
    std = doc.get("standard") or {"name": "ghg-protocol", "title": "GHG Protocol"}
    return Table("hkex_facts", B("hkex.table.facts"),
                 [Column(B("hkex.col.metric")), Column(B("hkex.col.value"))], [
                     [B("hkex.fact.organisation"), text(doc["organisation"]["name"])],
                     [B("hkex.fact.period"), period],
                     [B("hkex.fact.standard"), text(std["title"])],
                     [B("hkex.fact.gwp"), text(doc["gwp_set"])],
                     [B("hkex.fact.hash"), doc_hash],
                 ])


def _intensity(doc: dict, B: _Both) -> Table:
    # Scope 1 + 2 per unit, from the document's intensity section ([intensity] in the config)
    metrics = (doc.get("intensity") or {}).get("metrics", [])
    rows = [[B(f"hkex.per.{m['metric']}", unit=m["denominator_unit"]),
             m["kgco2e_per_unit"]["scopes_1_2_location"] / 1000,
             m["kgco2e_per_unit"]["scopes_1_2_market"] / 1000, m["denominator"]]
            for m in metrics]
    return Table("hkex_intensity", B("hkex.table.intensity"),
                 [Column(B("hkex.col.denominator")), Column(B("hkex.col.per_location"), "num"),
                  Column(B("hkex.col.per_market"), "num"),
                  Column(B("hkex.col.amount"), "num")], rows,
                 note=None if rows else B("hkex.note.no_intensity"))
