"""Build the ReportView of a GHG inventory document (schemas/inventory.schema.json).

Only the document (and, for the findings detail, findings.json beside it) is read;
nothing is recomputed except the two grand totals, which are sums of the document's own
scope totals.  Tonnes are kg / 1000.
"""

from __future__ import annotations

from carbonaudit.reports.finding_text import translate
from carbonaudit.reports.labels import Labels
from carbonaudit.reports.standard_view import standard_chapters
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
    tonnes,
)

_SCOPE_KEYS = ("scope_1", "scope_2_location", "scope_2_market", "scope_3")
_GAS_ORDER = ("co2_fossil_kg", "co2_biogenic_kg", "ch4_fossil_kg", "ch4_nonfossil_kg", "n2o_kg",
              "hfc_kg", "pfc_kg", "sf6_kg", "nf3_kg", "hcfc_kg")


def build(doc: dict, L: Labels, standard: str, *, doc_hash: str, command: str,
          findings: list[dict] | None, results_csv=None) -> ReportView:
    """The inventory ReportView; `findings` is findings.json's list when it was found."""
    tot = doc["totals_kgco2e"]
    headlines = _headlines(tot, L)
    chapters = [
        Chapter("summary", L("chapter.summary"), L("sheet.summary"),
                [_facts_table(doc, L, standard, doc_hash), _headline_table(headlines, L),
                 _iso_table(doc, L, standard), _rows_table(doc, L),
                 *_intensity_table(doc, L)]),
        _breakdown(doc, L, standard),
        *standard_chapters(doc, L),  # GB/T 32150, HK EPD/EMSD: the standard's own breakdown
        _sites(doc, L),
        _months(doc, L),
        Chapter("sources", L("chapter.sources"), L("sheet.sources"), [_sources(doc, L)]),
        _methodology(doc, L, standard),
        _quality(doc, L, findings),
        _factors(doc, L),
        _provenance(doc, L, doc_hash, command),
    ]
    return ReportView(
        kind="inventory", labels=L, standard=standard,
        title=L(f"title.inventory.{standard}"), subject=text(doc["organisation"]["name"]),
        facts=_cover_facts(doc, L, standard), headlines=headlines,
        headline_chart=_scope_chart(tot, L), chapters=chapters, doc_hash=doc_hash,
        created=fixed_created(doc["period"].get("end")), command=command,
        results_csv=results_csv, results_rows_expected=doc["rows"]["read"],
        draft=_draft(doc, L))


def _draft(doc: dict, L: Labels) -> str | None:
    """The DRAFT banner of a run with rejected rows or errors: its totals leave rows out."""
    rows, errors = doc["rows"], doc["findings"]["error"]
    if not rows["rejected"] and not errors:
        return None
    return L("report.draft.inventory", rejected=rows["rejected"], read=rows["read"],
             errors=errors)


def _period(doc: dict, L: Labels) -> str:
    p = doc["period"]
    if not p.get("start") or not p.get("end"):  # never "None to None"
        return L("value.unknown")
    return L("value.period", start=p["start"], end=p["end"])


def _cover_facts(doc: dict, L: Labels, standard: str) -> list[tuple[str, str]]:
    return [
        (L("fact.organisation"), text(doc["organisation"]["name"])),
        (L("fact.period"), _period(doc, L)),
        (L("fact.consolidation"),
         L(f"consolidation.{doc['organisation']['consolidation_approach']}")),
        (L("fact.standard"), L(f"standard.{standard}")),
        (L("fact.gwp"), L("value.gwp", gwp=doc["gwp_set"])),
    ]


def _facts_table(doc: dict, L: Labels, standard: str, doc_hash: str) -> Table:
    facts = _cover_facts(doc, L, standard) + [
        (L("fact.period_source"), L(f"period_source.{doc['period']['source']}")),
        (L("fact.tool_version"), text(doc["tool_version"])),
        (L("fact.document_hash"), doc_hash),
    ]
    return Table("facts", L("table.facts"), [Column(L("col.item")), Column(L("col.value"))],
                 [list(f) for f in facts])


def _headlines(tot: dict, L: Labels) -> list[Headline]:
    s1, s2l, s2m, s3 = (tonnes(tot[k]) for k in _SCOPE_KEYS)
    out = [Headline(L(f"scope.{k}"), tonnes(tot[k])) for k in _SCOPE_KEYS]
    out += [Headline(L("total.location"), s1 + s2l + s3),
            Headline(L("total.market"), s1 + s2m + s3),
            Headline(L("scope.biogenic"), tonnes(tot["biogenic_co2_outside_scopes"]))]
    if "hcfc_outside_scopes" in tot:
        out.append(Headline(L("scope.hcfc"), tonnes(tot["hcfc_outside_scopes"])))
    return out


def _headline_table(headlines: list[Headline], L: Labels) -> Table:
    return Table("headlines", L("table.headlines"),
                 [Column(L("col.item")), Column(L("col.tco2e"), "t")],
                 [[h.label, h.value] for h in headlines])


def _rows_table(doc: dict, L: Labels) -> Table:
    rows = doc["rows"]
    return Table("rows", L("table.rows"), [Column(L("col.item")), Column(L("col.rows"), "int")],
                 [[L(f"rows.{k}"), rows[k]] for k in ("read", "assessed", "rejected",
                                                       "blank_skipped")])


_INTENSITY_BASES = ("scope_1", "scope_2_location", "scope_2_market", "scope_3",
                    "scopes_1_2_location", "scopes_1_2_3_location")


def _intensity_table(doc: dict, L: Labels) -> list[Table]:
    """t CO2e per unit of each [intensity] denominator, from the document's own section."""
    metrics = (doc.get("intensity") or {}).get("metrics", [])
    if not metrics:
        return []
    return [Table("intensity", L("table.intensity"),
                  [Column(L("col.denominator")),
                   *(Column(L(f"intensity.{b}"), "num") for b in _INTENSITY_BASES)],
                  [[L("intensity.per", unit=m["denominator_unit"]),
                    *(m["kgco2e_per_unit"][b] / 1000 for b in _INTENSITY_BASES)]
                   for m in metrics], note=L("note.intensity"))]


def _iso_table(doc: dict, L: Labels, standard: str) -> Table:
    return Table("iso", L(f"table.iso.{standard}"),
                 [Column(L("col.category")), Column(L("col.tco2e"), "t")],
                 [[L(f"iso.{c['category']}"), tonnes(c["kgco2e"])]
                  for c in doc["by_iso_category"]], note=L("note.iso2"))


def _scope_chart(tot: dict, L: Labels) -> Chart:
    keys = _SCOPE_KEYS
    return Chart("scopes", L("chart.scopes"), "bar", [L(f"scope.short.{k}") for k in keys],
                 [(L("col.tco2e"), [tonnes(tot[k]) for k in keys])], L("unit.t"))


def _breakdown(doc: dict, L: Labels, standard: str) -> Chapter:
    tot = doc["totals_kgco2e"]
    scopes = Table("scopes", L(f"table.scopes.{standard}"),
                   [Column(L("col.scope")), Column(L("col.tco2e"), "t")],
                   [[L(f"scope.{k}"), tonnes(tot[k])] for k in _SCOPE_KEYS],
                   note=L("note.scope2", contractual=doc["scope_2"]["rows_with_contractual_factor"],
                          grid=doc["scope_2"]["rows_using_grid_average_for_market"]))
    iso = _iso_table(doc, L, standard)
    s3 = Table("scope3", L("table.scope3"), [Column(L("col.category")),
                                             Column(L("col.tco2e"), "t")],
               [[L(f"s3.{c['category']}"), tonnes(c["kgco2e"])]
                for c in doc["by_scope3_category"]])
    gas = doc["by_gas"]
    gases = Table("gases", L("table.gases"), [Column(L("col.gas")), Column(L("col.kg"), "num")],
                  [[L(f"gas.{k}"), gas[k]] for k in _GAS_ORDER if k in gas])
    iso_chart = Chart("iso", L("chart.iso"), "bar",
                      [L(f"iso.short.{c['category']}") for c in doc["by_iso_category"]],
                      [(L("col.tco2e"), [tonnes(c["kgco2e"]) for c in doc["by_iso_category"]])],
                      L("unit.t"))
    first = [iso, iso_chart, scopes] if standard == "iso14064" else [scopes, iso, iso_chart]
    return Chapter("breakdown", L("chapter.breakdown"), L("sheet.breakdown"),
                   [*first, s3, gases])


def _sites(doc: dict, L: Labels) -> Chapter:
    cols = [Column(L("col.site")), *(Column(L(f"scope.short.{k}"), "t") for k in _SCOPE_KEYS),
            Column(L("col.rows"), "int")]
    rows = [[_site(s["site"], L), *(tonnes(s[k]) for k in _SCOPE_KEYS), s["rows"]]
            for s in doc["by_site"]]
    table = Table("sites", L("table.sites"), cols, rows, pdf_limit=40,
                  note=None)
    top = sorted(doc["by_site"], key=lambda s: -(s["scope_1"] + s["scope_2_location"]
                                                  + s["scope_3"]))[:10]
    chart = Chart("sites", L("chart.sites"), "stacked", [_site(s["site"], L) for s in top],
                  [(L(f"scope.short.{k}"), [tonnes(s[k]) for s in top])
                   for k in ("scope_1", "scope_2_location", "scope_3")], L("unit.t"))
    return Chapter("sites", L("chapter.sites"), L("sheet.sites"),
                   [table, chart] if top else [table])


def _months(doc: dict, L: Labels) -> Chapter:
    months = doc["by_month"]
    table = Table("months", L("table.months"),
                  [Column(L("col.month")), Column(L("col.location"), "t"),
                   Column(L("col.market"), "t")],
                  [[m["month"], tonnes(m["kgco2e_location"]), tonnes(m["kgco2e_market"])]
                   for m in months], pdf_limit=36)
    chart = Chart("months", L("chart.months"), "line", [m["month"] for m in months],
                  [(L("col.location"), [tonnes(m["kgco2e_location"]) for m in months]),
                   (L("col.market"), [tonnes(m["kgco2e_market"]) for m in months])],
                  L("unit.t"))
    return Chapter("months", L("chapter.months"), L("sheet.months"),
                   [table, chart] if months else [table])


def _sources(doc: dict, L: Labels) -> Table:
    return Table("sources", L("table.sources"),
                 [Column(L("col.activity")), Column(L("col.item_code"), "code"),
                  Column(L("col.site")), Column(L("col.tco2e"), "t"),
                  Column(L("col.rows"), "int")],
                 [[L.get(f"activity.{s['activity']}", text(s.get("label") or s["activity"])),
                   _item(s["item"], L), _site(s["site"], L),
                   tonnes(s["kgco2e"]), s["rows"]]
                  for s in doc["top_sources"]], note=L("note.sources"))


def _item(code, L: Labels) -> str:
    """An item code; in a Chinese report its name first, the code (as in results.csv) after."""
    name = L.get(f"item.{code}", "") if L.lang != "en" else ""
    return f"{name}（{code}）" if name else text(code)


def _site(name, L: Labels) -> str:
    """A site name as written; the document's "(no site)" in the report's language."""
    return L("value.no_site") if name == "(no site)" else text(name)


def _methodology(doc: dict, L: Labels, standard: str) -> Chapter:
    approach = L(f"consolidation.{doc['organisation']['consolidation_approach']}")
    sets = ", ".join(f"{s['name']} ({s['edition']})" for s in doc["factor_sets"])
    blocks = [
        Text(L("method.boundary", approach=approach), L("method.boundary.title")),
        Text(L(f"method.standards.{standard}"), L("method.standards.title")),
        Text(L("method.gwp", gwp=doc["gwp_set"]), L("method.gwp.title")),
        Text(L("method.scope2"), L("method.scope2.title")),
        Text(L("method.biogenic"), L("method.biogenic.title")),
        Text(L("method.factors", sets=sets), L("method.factors.title")),
        Text(L("method.rendered"), L("method.rendered.title")),
    ]
    return Chapter("methodology", L("chapter.methodology"), L("sheet.methodology"), blocks)


def _quality(doc: dict, L: Labels, findings: list[dict] | None) -> Chapter:
    counts = Table("finding_counts", L("table.finding_counts"),
                   [Column(L("col.severity")), Column(L("col.count"), "int")],
                   [[L(f"severity.{k}"), doc["findings"][k]] for k in ("error", "warning",
                                                                       "info")])
    s2 = doc["scope_2"]
    scope2 = Table("scope2_quality", L("table.scope2_quality"),
                   [Column(L("col.item")), Column(L("col.rows"), "int")],
                   [[L("rows.contractual"), s2["rows_with_contractual_factor"]],
                    [L("rows.grid_average"), s2["rows_using_grid_average_for_market"]]])
    status = Table("factor_status", L("table.factor_status"),
                   [Column(L("col.status")), Column(L("col.rows"), "int")],
                   _status_rows(doc, L))
    blocks = [counts, scope2, status]
    if findings is None:
        blocks.append(Text(L("note.findings_absent")))
    else:
        blocks.append(Table("findings", L("table.findings"),
                            [Column(L("col.severity")), Column(L("col.code"), "code"),
                             Column(L("col.where")), Column(L("col.message"))],
                            [[L.get(f"severity.{f.get('severity')}", text(f.get("severity"))),
                              text(f.get("code")), text(f.get("where")),
                              translate(text(f.get("code")), text(f.get("message")), L.lang)]
                             for f in findings], pdf_limit=30))
    return Chapter("quality", L("chapter.quality"), L("sheet.quality"), blocks)


def _status_rows(doc: dict, L: Labels) -> list[list]:
    acc: dict[str, int] = {}
    for f in doc["factors_used"]:
        acc[f["status"]] = acc.get(f["status"], 0) + f["rows"]
    return [[L(f"status.{k}"), acc[k]] for k in ("verified", "derived", "unverified") if k in acc]


def _factors(doc: dict, L: Labels) -> Chapter:
    used = Table("factors_used", L("table.factors_used"),
                 [Column(L("col.factor_id"), "code"), Column(L("col.set"), "code"),
                  Column(L("col.edition")), Column(L("col.unit")), Column(L("col.status")),
                  Column(L("col.rows"), "int"), Column(L("col.source")),
                  Column(L("col.licence")), Column(L("col.factor_values"))],
                 [[text(f["id"]), text(f["set"]), text(f["edition"]), text(f.get("unit")),
                   L(f"status.{f['status']}"), f["rows"], text(f["source"]),
                   text(f.get("licence")), _factor_values(f)] for f in doc["factors_used"]])
    sets = Table("factor_sets", L("table.factor_sets"),
                 [Column(L("col.set"), "code"), Column(L("col.edition")),
                  Column(L("col.publisher")), Column(L("col.licence")),
                  Column(L("col.user_set"))],
                 [[text(s["name"]), text(s["edition"]), text(s.get("publisher")),
                   text(s["licence"]), L("value.yes") if s["user"] else L("value.no")]
                  for s in doc["factor_sets"]])
    return Chapter("factors", L("chapter.factors"), L("sheet.factors"), [used, sets])


def _factor_values(factor: dict) -> str:
    """kg of each gas per factor unit, as the factor gives them (full precision, no rounding:
    a verifier recomputes a row from these)."""
    values = factor.get("values") or {}
    unit = text(factor.get("unit"))
    return "; ".join(f"{gas} {value!r} kg/{unit}" for gas, value in values.items())


def _provenance(doc: dict, L: Labels, doc_hash: str, command: str) -> Chapter:
    inputs = Table("inputs", L("table.inputs"),
                   [Column(L("col.path")), Column(L("col.kind"), "code"),
                    Column(L("col.encoding"), "code"), Column(L("col.sha256"), "code")],
                   [[text(i["path"]), text(i["kind"]), text(i.get("encoding")), text(i["sha256"])]
                    for i in doc["inputs"]])
    hashes = Table("set_hashes", L("table.set_hashes"),
                   [Column(L("col.set"), "code"), Column(L("col.sha256"), "code")],
                   [[text(s["name"]), text(s["sha256"])] for s in doc["factor_sets"]])
    tool = Table("tool", L("table.tool"), [Column(L("col.item")), Column(L("col.value"), "code")],
                 [[L("fact.tool_version"), text(doc["tool_version"])],
                  [L("fact.schema_version"), text(doc["schema_version"])],
                  [L("fact.document_hash"), doc_hash],
                  [L("fact.command"), command]])
    return Chapter("provenance", L("chapter.provenance"), L("sheet.provenance"),
                   [inputs, hashes, tool])
