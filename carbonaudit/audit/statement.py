"""statement-<lang>.pdf: a verification statement draft (reportlab), English or Chinese.

It carries what ISO 14064-3 and ISAE 3410 ¶76 ask a statement to state that the tool can
know (the GHG statement covered, criteria, materiality, a summary of the work, the
recalculated totals, the misstatements found, the inherent-uncertainty sentence) and leaves
every opinion field blank: the level of assurance, the opinion, the verifier, the
signatures.  The tool never signs or fills an opinion.  Chinese uses reportlab's built-in
CID fonts through `reports.pdf_text.Fonts`; `invariant=1` makes the same run give the same
bytes, and the footer carries the SHA-256 of verification.json.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from carbonaudit import __version__
from carbonaudit.audit.statement_text import OPINION_FIELDS, TEXT
from carbonaudit.outputs import atomic_write, dumps
from carbonaudit.reports.pdf_text import LATIN, LATIN_BOLD, Fonts


def write_statement(v, path: str | Path) -> Path:
    """Write the draft statement for Verification v in its --lang."""
    path = Path(path)
    lang = v.options.lang
    fonts = Fonts(lang)
    digest = hashlib.sha256(dumps(v.document)).hexdigest()
    atomic_write(path, writer=lambda tmp: _build(v, TEXT[lang], fonts, digest, tmp))
    return path


def _t(kg: float | None) -> str:
    return "" if kg is None else f"{kg / 1000:,.3f}"


def _build(v, L: dict, fonts: Fonts, digest: str, tmp: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    doc = SimpleDocTemplate(tmp, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, invariant=1,
                            title=L["title"], author="carbonaudit",
                            creator=f"carbonaudit {__version__}", lang=v.options.lang)
    body = ParagraphStyle("b", fontName=LATIN, fontSize=9, leading=12.5, spaceAfter=4)
    small = ParagraphStyle("s", body, fontSize=7.5, leading=10)
    h1 = ParagraphStyle("h1", body, fontName=LATIN_BOLD, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", body, fontName=LATIN_BOLD, fontSize=11, leading=14,
                        spaceBefore=8, spaceAfter=4, textColor=colors.HexColor("#1F4E79"))

    def p(text, style=body):
        return Paragraph(fonts.markup(str(text)), style)

    def table(head, rows, widths=None, numeric=()):
        data = [[p(h, small) for h in head]] + [[p(c, small) for c in r] for r in rows]
        t = Table(data, colWidths=widths, repeatRows=1)
        style = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BFBFBF")),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                 ("VALIGN", (0, 0), (-1, -1), "TOP")]
        t.setStyle(TableStyle(style))
        return t

    d = v.document
    org, period = d["organisation"], d["period"]
    story = [p(L["title"], h1), p(L["draft_note"].format(version=__version__), small)]
    story += [p(L["h.statement"], h2), table(["", ""], [
        [L["organisation"], org.get("name") or ""],
        [L["period"], f"{period.get('start')} – {period.get('end')}"],
        [L["claims_file"], _input(d, "claims")],
        [L["activity_files"], "; ".join(_input(d, "activity", all_=True))]],
        widths=[45 * mm, 129 * mm])]
    sets = ", ".join(f"{s['name']} ({s.get('edition')})" for s in d["factor_sets"])
    story += [p(L["h.criteria"], h2), p(L["criteria"].format(gwp=d["gwp_set"], sets=sets))]
    story += [p(L["h.assurance"], h2), p(L["assurance"])]
    story += [p(L["h.materiality"], h2)]
    for r in d["materiality"]["rules"]:
        story.append(p(L["materiality_rule"].format(rule=r["id"], pct=r["threshold_pct"],
                                                    base=r["base"], scope=r["scope_of_test"],
                                                    ref=r["reference"])))
    total = next((t for t in d["tests"] if t["id"] == "total"), None)
    if total:
        story.append(p(L["materiality_amounts"].format(
            m=_t(total["materiality"]), pm=_t(total["performance_materiality"]),
            perf=total["performance_pct"], ct=_t(total["clearly_trivial"]))))
    story += [p(L["h.work"], h2)] + _work(d, L, p)
    tot = d["recalculation"]["totals_kgco2e"]
    story += [p(L["h.totals"], h2), table(
        [L["col.item"], L["col.t"]],
        [[L[k], _t(tot[k])] for k in ("scope_1", "scope_2_location", "scope_2_market",
                                      "scope_3")], widths=[90 * mm, 50 * mm])]
    story += [p(L["h.reconciliation"], h2), table(
        [L["col.item"], L["col.claimed"], L["col.recalculated"], L["col.difference"],
         L["col.pct"]],
        [[r["item"], _t(r["claimed_kgco2e"]), _t(r["recalculated_kgco2e"]),
          _t(r["difference_kgco2e"]), "" if r["difference_pct_of_claimed"] is None
          else f"{r['difference_pct_of_claimed']:.2f}"] for r in d["reconciliation"]],
        widths=[54 * mm, 30 * mm, 30 * mm, 30 * mm, 30 * mm])]
    story += [p(L["h.misstatements"], h2)]
    if d["misstatements"]:
        story.append(table(
            [L["col.id"], L["col.kind"], L["col.basis"], L["col.item"], L["col.delta"],
             L["col.tests"]],
            [[m["id"], L[f"k.{m['kind']}"], L[f"b.{m['basis']}"], m["item"],
              _delta(m), ", ".join(m["tests"])] for m in d["misstatements"]],
            widths=[14 * mm, 30 * mm, 22 * mm, 52 * mm, 28 * mm, 28 * mm]))
    else:
        story.append(p(L["none"]))
    story += [p(L["h.tests"], h2), table(
        [L["col.test"], L["col.materiality"], L["col.aggregate"], L["col.verdict"]],
        [[t["id"], _amount(t, "materiality"), _amount(t, "aggregate_misstatement"),
          L[f"v.{t['verdict']}"]] for t in d["tests"]],
        widths=[50 * mm, 40 * mm, 40 * mm, 44 * mm])]
    story += [Spacer(1, 6), p(L["uncertainty"])]
    story += [p(L["h.opinion"], h2), _blank_fields(L, p, Table, TableStyle, colors, mm)]
    footer = L["footer"].format(hash=digest)

    def draw(canvas, pdf) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#595959"))
        x = pdf.leftMargin
        for font, run in fonts.runs(footer):
            canvas.setFont(font, 6.5)
            canvas.drawString(x, 8 * mm, run)
            x += canvas.stringWidth(run, font, 6.5)
        page = L["page"].format(page=canvas.getPageNumber())
        width = sum(canvas.stringWidth(t, f, 7.5) for f, t in fonts.runs(page))
        x = pdf.leftMargin + pdf.width - width
        for font, run in fonts.runs(page):
            canvas.setFont(font, 7.5)
            canvas.drawString(x, 8 * mm, run)
            x += canvas.stringWidth(run, font, 7.5)
        canvas.restoreState()

    doc.build(story, onFirstPage=draw, onLaterPages=draw)


def _input(d: dict, role: str, all_: bool = False):
    found = [f"{i['path']} (SHA-256 {i['sha256'][:16]}…)" for i in d["inputs"]
             if i["role"] == role]
    return found if all_ else (found[0] if found else "")


def _delta(m: dict) -> str:
    if m["unit"] == "kgCO2e" or m["delta_kgco2e"] is None:
        return _t(m["delta_kgco2e"])
    return f"{m['delta_kgco2e']:+,.4f} tCO2e/t"


def _amount(t: dict, key: str) -> str:
    if t["unit"] == "kgCO2e":
        return _t(t[key]) + " t"
    return f"{t[key]:,.4f} tCO2e/t"


def _work(d: dict, L: dict, p) -> list:
    rows = d["recalculation"]["rows"]
    s = d["sampling"]
    ev = d["evidence"]
    out = [p(L["work.recalc"].format(read=rows["read"], assessed=rows["assessed"],
                                     rejected=rows["rejected"])),
           p(L["work.reconcile"].format(n=len(d["reconciliation"]))),
           p(L["work.sample"].format(
               n=s["selected_rows"], certainty=s["certainty_rows"],
               systematic=s["systematic_rows"], conf=s["confidence_pct"], r=s["r_factor"],
               tm=_t(s["tolerable_misstatement_kgco2e"]), j=_t(s["interval_kgco2e"]),
               seed=s["seed"], coverage="" if s["coverage_pct"] is None
               else f"{s['coverage_pct']:.1f}"))]
    if ev["status"] == "not provided":
        out.append(p(L["work.evidence.none"]))
    else:
        out.append(p(L["work.evidence"].format(
            tested=ev["rows_tested"], exceptions=len(ev["exceptions"]), open=ev["open_rows"],
            projected=_t(ev["projected_kgco2e"]))))
    return out


def _blank_fields(L, p, Table, TableStyle, colors, mm):
    """Label and an empty, ruled box per opinion field: nothing is ever written in them."""
    rows = [[p(L[k]), ""] for k in OPINION_FIELDS]
    t = Table(rows, colWidths=[50 * mm, 124 * mm],
              rowHeights=[22 * mm if k in ("f.opinion", "f.basis") else 9 * mm
                          for k in OPINION_FIELDS])
    t.setStyle(TableStyle([("BOX", (1, 0), (1, -1), 0.6, colors.black),
                           ("INNERGRID", (1, 0), (1, -1), 0.4, colors.HexColor("#7F7F7F")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t
