"""Build the ReportView of a CBAM communication document (cbam/COMMUNICATION.md).

Quantities are already tonnes CO2e (`_t`) and specific values t CO2e per tonne of good;
nothing is recomputed.  Optional keys are read with .get so an older document still
renders (the schema decides what is required).
"""

from __future__ import annotations

from carbonaudit.reports.labels import Labels
from carbonaudit.reports.view import (
    Chapter,
    Chart,
    Column,
    Headline,
    ReportView,
    Table,
    Text,
    fixed_created,
    text,
)

_TOTAL_KEYS = ("direct", "indirect", "biogenic_co2", "attributed_direct", "attributed_indirect")


def build(doc: dict, L: Labels, standard: str, *, doc_hash: str, command: str) -> ReportView:
    """The CBAM ReportView (the standard option does not apply to CBAM and is ignored)."""
    tot = doc.get("totals_t") or {}
    headlines = [Headline(L(f"cbam.total.{k}"), float(tot.get(k) or 0.0)) for k in _TOTAL_KEYS]
    chapters = [
        Chapter("summary", L("chapter.summary"), L("sheet.summary"),
                [_facts_table(doc, L, doc_hash),
                 Table("headlines", L("table.cbam_totals"),
                       [Column(L("col.item")), Column(L("col.tco2e"), "t")],
                       [[h.label, h.value] for h in headlines]),
                 _goods(doc, L)]),
        _products(doc, L),
        _processes(doc, L),
        _methodology(doc, L),
        _precursors(doc, L),
        _carbon_price(doc, L),
        _quality(doc, L),
        _provenance(doc, L, doc_hash, command),
    ]
    return ReportView(
        kind="cbam", labels=L, standard=standard, title=L("title.cbam"),
        subject=text(doc.get("installation", {}).get("name")), facts=_cover_facts(doc, L),
        headlines=headlines, headline_chart=_see_chart(doc, L), chapters=chapters,
        doc_hash=doc_hash, created=fixed_created(doc.get("period", {}).get("end")),
        command=command, draft=_draft(doc, L))


def _draft(doc: dict, L: Labels) -> str | None:
    """The DRAFT banner of a communication whose findings hold errors."""
    errors = (doc.get("findings_summary") or {}).get("error") or 0
    return L("report.draft.cbam", errors=errors) if errors else None


def _cover_facts(doc: dict, L: Labels) -> list[tuple[str, str]]:
    inst = doc.get("installation") or {}
    period = doc.get("period") or {}
    name = text(inst.get("name"))
    if inst.get("name_local"):
        name = f"{name} ({inst['name_local']})"
    return [
        (L("fact.installation"), name),
        (L("fact.country"), text(inst.get("country"))),
        (L("fact.period"), L("value.period", start=period["start"], end=period["end"])
         if period.get("start") and period.get("end") else L("value.unknown")),
        (L("fact.regime"), L.get(f"regime.{period.get('regime')}", text(period.get("regime")))),
    ]


def _facts_table(doc: dict, L: Labels, doc_hash: str) -> Table:
    inst = doc.get("installation") or {}
    address = ", ".join(text(inst.get(k)) for k in ("street", "city", "post_code", "country")
                        if inst.get(k))
    facts = _cover_facts(doc, L) + [
        (L("fact.address"), address),
        (L("fact.unlocode"), text(inst.get("unlocode"))),
        (L("fact.coordinates"), _coordinates(inst)),
        (L("fact.economic_activity"), text(inst.get("economic_activity"))),
        (L("fact.representative"), text(inst.get("representative"))),
        (L("fact.email"), text(inst.get("email"))),
        (L("fact.phone"), text(inst.get("phone"))),
        (L("fact.verifier"), _verifier(inst.get("verifier"))),
        (L("fact.reporting_year"), text((doc.get("period") or {}).get("year"))),
        (L("fact.tool_version"), text(doc.get("tool_version"))),
        (L("fact.document_hash"), doc_hash),
    ]
    return Table("facts", L("table.installation"), [Column(L("col.item")),
                                                    Column(L("col.value"))],
                 [list(f) for f in facts])


def _coordinates(inst: dict) -> str:
    lat, lon = inst.get("latitude"), inst.get("longitude")
    return "" if lat is None or lon is None else f"{lat}, {lon}"


def _verifier(v) -> str:
    if not isinstance(v, dict):
        return text(v)
    return ", ".join(text(v.get(k)) for k in ("name", "country", "accreditation_body")
                     if v.get(k))


def _goods(doc: dict, L: Labels) -> Table:
    return Table("goods", L("table.goods"),
                 [Column(L("col.id"), "code"), Column(L("col.good")), Column(L("col.routes"))],
                 [[text(g.get("id")), _good(L, g.get("category")),
                   "; ".join(map(str, g.get("routes") or []))] for g in doc.get("goods") or []])


def _good(L: Labels, category) -> str:
    """A CBAM goods category (Annex I wording in the document) in the report's language."""
    return L.get(f"good.{category}", text(category))


def _yes(L: Labels, value) -> str:
    return L("value.yes") if value else L("value.no")


def _products(doc: dict, L: Labels) -> Chapter:
    cols = [Column(L("col.cn_code"), "code"), Column(L("col.product")), Column(L("col.good")),
            Column(L("col.process")), Column(L("col.see_direct"), "num"),
            Column(L("col.see_indirect"), "num"), Column(L("col.see_total"), "num"),
            Column(L("col.see_counted"), "num"),
            Column(L("col.unit")), Column(L("col.indirect_counted")),
            Column(L("col.share_default"), "pct"), Column(L("col.ef_source")),
            Column(L("col.electricity_ef"), "num")]
    rows = [[text(p.get("cn_code")), text(p.get("name")), _good(L, p.get("good")),
             text(p.get("process")), p.get("see_direct"), p.get("see_indirect"),
             p.get("see_total"), _counted(p), text(p.get("unit")),
             _yes(L, p.get("indirect_counted")),
             p.get("share_default_pct"), text(p.get("electricity_ef_source")),
             p.get("electricity_ef")] for p in doc.get("products") or []]
    blocks = [Table("products", L("table.products"), cols, rows, note=L("note.see_total"))]
    chart = _see_chart(doc, L)
    return Chapter("products", L("chapter.products"), L("sheet.products"),
                   [*blocks, chart] if chart else blocks)


def _counted(p: dict):
    """SEE counted; a schema 1.0 document called it see_total."""
    return p["see_counted"] if "see_counted" in p else p.get("see_total")


def _see_chart(doc: dict, L: Labels) -> Chart | None:
    products = (doc.get("products") or [])[:12]
    if not products:
        return None
    return Chart("see", L("chart.see"), "stacked",
                 [text(p.get("cn_code") or p.get("name")) for p in products],
                 [(L("col.see_direct"), [float(p.get("see_direct") or 0) for p in products]),
                  (L("col.see_indirect_counted"), [_indirect_counted(p) for p in products])],
                 L("unit.see"))


def _indirect_counted(p: dict) -> float:
    if p.get("see_indirect_counted") is not None:
        return float(p["see_indirect_counted"])
    return float(p.get("see_indirect") or 0) if p.get("indirect_counted") else 0.0


def _processes(doc: dict, L: Labels) -> Chapter:
    cols = [Column(L("col.id"), "code"), Column(L("col.process")), Column(L("col.good")),
            Column(L("col.production"), "num"), Column(L("col.direct_t"), "t"),
            Column(L("col.attributed_direct"), "t"), Column(L("col.attributed_indirect"), "t"),
            Column(L("col.electricity_mwh"), "num"), Column(L("col.electricity_ef"), "num"),
            Column(L("col.ef_source")), Column(L("col.see_direct"), "num"),
            Column(L("col.see_indirect"), "num"), Column(L("col.share_default"), "pct")]
    rows = [[text(p.get("id")), text(p.get("name")), _good(L, p.get("good")),
             p.get("total_production"), p.get("direct_emissions_t"),
             p.get("attributed_direct_t"), p.get("attributed_indirect_t"),
             p.get("electricity_consumed_mwh"), p.get("electricity_ef"),
             text(p.get("electricity_ef_source")), p.get("see_direct"), p.get("see_indirect"),
             p.get("share_default_pct")] for p in doc.get("processes") or []]
    inputs = [[text(p.get("id")), text(q.get("name")), L.get(f"precursor_kind.{q.get('kind')}",
                                                              text(q.get("kind"))),
               q.get("mass_t"), q.get("per_t"), q.get("see_direct"), q.get("see_indirect")]
              for p in doc.get("processes") or [] for q in p.get("precursors") or []]
    used = Table("process_precursors", L("table.process_precursors"),
                 [Column(L("col.process"), "code"), Column(L("col.precursor")),
                  Column(L("col.kind")), Column(L("col.mass_t"), "num"),
                  Column(L("col.per_t"), "num"), Column(L("col.see_direct"), "num"),
                  Column(L("col.see_indirect"), "num")], inputs)
    return Chapter("processes", L("chapter.processes"), L("sheet.processes"),
                   [Table("processes", L("table.processes"), cols, rows), used])


def _methodology(doc: dict, L: Labels) -> Chapter:
    m = doc.get("methodology") or {}
    streams = Table("source_streams", L("table.source_streams"),
                    [Column(L("col.id"), "code"), Column(L("col.name")),
                     Column(L("col.method")), Column(L("col.activity_data"), "num"),
                     Column(L("col.unit")), Column(L("col.ncv"), "num"),
                     Column(L("col.ef"), "num"), Column(L("col.ef_unit")),
                     Column(L("col.oxidation"), "num"), Column(L("col.biomass"), "pct"),
                     Column(L("col.co2e_fossil"), "t"), Column(L("col.co2e_bio"), "t")],
                    [[text(s.get("id")), text(s.get("name")),
                      L.get(f"method.kind.{s.get('method')}", text(s.get("method"))),
                      s.get("activity_data"), text(s.get("ad_unit")), s.get("ncv"), s.get("ef"),
                      text(s.get("ef_unit")), s.get("oxidation_factor"), s.get("biomass"),
                      s.get("co2e_fossil_t"), s.get("co2e_bio_t")]
                     for s in m.get("source_streams") or []])
    blocks = [streams]
    if m.get("pfc"):
        blocks.append(Table("pfc", L("table.pfc"),
                            [Column(L("col.id"), "code"), Column(L("col.method")),
                             Column(L("col.technology")), Column(L("col.production"), "num"),
                             Column("CF4 (t)", "num"), Column("C2F6 (t)", "num"),
                             Column(L("col.tco2e"), "t")],
                            [[text(p.get("id")), text(p.get("method")), text(p.get("technology")),
                              p.get("production_t"), p.get("cf4_t"), p.get("c2f6_t"),
                              p.get("co2e_t")] for p in m["pfc"]]))
    if m.get("cems"):
        blocks.append(Table("cems", L("table.cems"),
                            [Column(L("col.id"), "code"), Column(L("col.name")),
                             Column(L("col.gas"), "code"), Column(L("col.gas_t"), "num"),
                             Column(L("col.co2e_fossil"), "t"), Column(L("col.co2e_bio"), "t")],
                            [[text(c.get("id")), text(c.get("name")), text(c.get("gas")),
                              c.get("gas_t"), c.get("co2e_fossil_t"), c.get("co2e_bio_t")]
                             for c in m["cems"]]))
    by_method = m.get("by_method_t") or {}
    blocks.append(Table("by_method", L("table.by_method"),
                        [Column(L("col.method")), Column(L("col.tco2e"), "t")],
                        [[L.get(f"method.approach.{k}", k), v] for k, v in by_method.items()]))
    gwp = m.get("gwp") or {}
    blocks.append(Table("gwp", L("table.gwp"), [Column(L("col.gas"), "code"),
                                                 Column(L("col.value"))],
                        [[k, text(v)] for k, v in gwp.items()]))
    return Chapter("methodology", L("chapter.cbam_methodology"), L("sheet.methodology"), blocks)


def _precursors(doc: dict, L: Labels) -> Chapter:
    rows = [[text(p.get("id")), text(p.get("name")), _good(L, p.get("good")),
             text(p.get("country")),
             p.get("total_purchased_t"), p.get("see_direct"), text(p.get("see_direct_source")),
             p.get("see_indirect"), p.get("electricity_ef"), text(p.get("electricity_ef_source")),
             _yes(L, p.get("counted_as_zero")), text(p.get("justification"))]
            for p in doc.get("precursors") or []]
    cols = [Column(L("col.id"), "code"), Column(L("col.name")), Column(L("col.good")),
            Column(L("col.country"), "code"), Column(L("col.mass_t"), "num"),
            Column(L("col.see_direct"), "num"), Column(L("col.see_source")),
            Column(L("col.see_indirect"), "num"), Column(L("col.electricity_ef"), "num"),
            Column(L("col.ef_source")), Column(L("col.counted_zero")),
            Column(L("col.justification"))]
    return Chapter("precursors", L("chapter.precursors"), L("sheet.precursors"),
                   [Table("precursors", L("table.precursors"), cols, rows)])


def _carbon_price(doc: dict, L: Labels) -> Chapter:
    rows = []
    for p in doc.get("products") or []:
        cp = p.get("carbon_price") or {}
        rows.append([text(p.get("cn_code")), text(p.get("name")), text(cp.get("instrument")),
                     cp.get("share_covered"), text(cp.get("currency")),
                     cp.get("price_due_per_t"), text(cp.get("rebate_type")),
                     cp.get("rebate_share"), cp.get("rebate_per_t"), cp.get("effective_per_t")])
    cols = [Column(L("col.cn_code"), "code"), Column(L("col.product")),
            Column(L("col.instrument")), Column(L("col.share_covered"), "num"),
            Column(L("col.currency"), "code"), Column(L("col.price_due"), "num"),
            Column(L("col.rebate_type")), Column(L("col.rebate_share"), "num"),
            Column(L("col.rebate_per_t"), "num"), Column(L("col.effective_per_t"), "num")]
    return Chapter("carbon_price", L("chapter.carbon_price"), L("sheet.carbon_price"),
                   [Table("carbon_price", L("table.carbon_price"), cols, rows)])


def _quality(doc: dict, L: Labels) -> Chapter:
    dq = (doc.get("methodology") or {}).get("data_quality") or {}
    blocks = [Text(text(dq.get(k)) or L("value.none_given"), L(f"dq.{k}"))
              for k in ("general", "default_justification", "quality_assurance")]
    counts = doc.get("findings_summary") or {}
    blocks.append(Table("finding_counts", L("table.finding_counts"),
                        [Column(L("col.severity")), Column(L("col.count"), "int")],
                        [[L(f"severity.{k}"), counts.get(k, 0)]
                         for k in ("error", "warning", "info")]))
    return Chapter("quality", L("chapter.quality"), L("sheet.quality"), blocks)


def _provenance(doc: dict, L: Labels, doc_hash: str, command: str) -> Chapter:
    inp = doc.get("input") or {}
    # the CBAM report has no factors appendix, so its only appendix is A, not B
    return Chapter("provenance", L("chapter.provenance.cbam"), L("sheet.provenance"), [
        Table("tool", L("table.tool"), [Column(L("col.item")), Column(L("col.value"), "code")],
              [[L("col.path"), text(inp.get("path"))], [L("col.kind"), text(inp.get("kind"))],
               [L("col.sha256"), text(inp.get("sha256"))],
               [L("fact.tool_version"), text(doc.get("tool_version"))],
               [L("fact.schema_version"), text(doc.get("schema_version"))],
               [L("fact.document_hash"), doc_hash], [L("fact.command"), command]]),
        Text(L("method.rendered"), L("method.rendered.title")),
    ])
