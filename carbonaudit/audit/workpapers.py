"""workpapers.xlsx: Summary, Recalculation, Sample, Misstatements and Factors (xlsxwriter).

The Summary's recalculated column is live (SUMIFS over the Recalculation formulas) beside
the tool's figure; the Sample sheet has empty `evidence`, `agreed_kgco2e`, `status` and
`verifier_note` columns for the verifier, which `verify --evidence` reads back (a re-run
with evidence carries what was filled in over).  Document properties are pinned to the
reporting period, so the same run gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carbonaudit.audit.sample_table import COLUMNS, NUMBER_COLUMNS, VERIFIER_COLUMNS
from carbonaudit.audit.workpapers_recalc import (
    COL,
    write_factors,
    write_recalculation,
)
from carbonaudit.findings import column_letter

CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell


def write_workpapers(v, sample_rows: list[dict], path, protected=frozenset()) -> None:
    """Write the workbook for Verification v atomically to path (never over `protected`)."""
    from carbonaudit.outputs import atomic_write

    atomic_write(Path(path), protected=set(protected),
                 writer=lambda tmp: _build(v, sample_rows, tmp))


def _build(v, sample_rows: list[dict], tmp: str) -> None:
    """xlsxwriter lays every sheet out in memory; the Recalculation rows are spliced into
    the saved package afterwards (see workpapers_recalc)."""
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "Verification workpapers", "author": "carbonaudit",
                       "created": _pinned_date(v.inventory)})
    fmt = _formats(wb)
    frame = v.population.frame
    factor_rows = _factor_rows(frame)
    layout = _sheet_layout(len(frame))
    summary = wb.add_worksheet("Summary")
    _summary(summary, fmt, v, layout)
    sheets, splices = write_recalculation(wb, fmt, frame, factor_rows)
    _sample(wb, fmt, sample_rows, v)
    _misstatements(wb, fmt, v.log)
    written = write_factors(wb, fmt, v.assessment, frame)
    if written != factor_rows or sheets != layout:  # our own bug: formulas would be wrong
        raise AssertionError("the workpapers' sheets differ from what their formulas assume")
    summary.activate()
    wb.close()
    package = buf.getvalue()
    for k, splice in enumerate(splices):
        if k < len(splices) - 1:  # more than a million rows: one sheet after another
            part = Path(tmp + f".part{k}")
            splice(package, part)
            package = part.read_bytes()
            part.unlink()
        else:
            splice(package, Path(tmp))


def _sheet_layout(n: int):
    """The Recalculation sheets' names and last rows, known before they are written."""
    from carbonaudit.audit.workpapers_recalc import MAX_ROWS, RecalcSheets

    out = RecalcSheets([], [])
    for part, lo in enumerate(range(0, max(n, 1), MAX_ROWS)):
        out.names.append("Recalculation" if part == 0 else f"Recalculation {part + 1}")
        out.last_rows.append(min(n, lo + MAX_ROWS) - lo + 1)
    return out


def _pinned_date(inventory: dict) -> dt.datetime:
    end = inventory["period"].get("end")
    return dt.datetime.fromisoformat(end) if end else dt.datetime(2000, 1, 1)


def _factor_rows(frame) -> dict[str, int]:
    """The Excel row of each used factor on the Factors sheet (sorted ids, as written)."""
    from carbonaudit.audit.workpapers_recalc import FACTOR_HEADER_ROW

    used = frame.loc[frame["status"].astype(str) == "assessed", "factor_id_used"].astype(str)
    return {fid: FACTOR_HEADER_ROW + 1 + n for n, fid in enumerate(sorted(set(used)))}


def _formats(wb) -> dict:
    return {
        "bold": wb.add_format({"bold": True}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                               "text_wrap": True, "valign": "top"}),
        "text": wb.add_format({"num_format": "@"}),
        "t": wb.add_format({"num_format": "#,##0.000"}),
        "pct": wb.add_format({"num_format": "0.00"}),
        "input": wb.add_format({"bg_color": "#FFF2CC", "border": 1}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _sumifs(sheets, value_col: str, criteria: list[tuple[str, str]]) -> str:
    """A SUMIFS over every Recalculation sheet, in tonnes."""
    parts = []
    for name, last in zip(sheets.names, sheets.last_rows, strict=True):
        q = f"'{name}'!"
        crit = "".join(f",{q}${c}$2:${c}${last},{v}" for c, v in criteria)
        parts.append(f"SUMIFS({q}${value_col}$2:${value_col}${last}{crit})")
    return "=(" + "+".join(parts) + ")/1000"


def _live(sheets, claim) -> str | None:
    q, m = COL["recalculated_kgco2e"], COL["market_kgco2e"]
    scope, cat, site = COL["scope"], COL["scope3_category"], COL["site"]
    kind = claim.kind
    if kind in ("total", "total_market"):
        s2 = m if kind == "total_market" else q
        return ("=" + _sumifs(sheets, q, [(scope, "1")])[1:] + "+"
                + _sumifs(sheets, s2, [(scope, "2")])[1:] + "+"
                + _sumifs(sheets, q, [(scope, "3")])[1:])
    if kind == "scope_1":
        return _sumifs(sheets, q, [(scope, "1")])
    if kind == "scope_2_location":
        return _sumifs(sheets, q, [(scope, "2")])
    if kind == "scope_2_market":
        return _sumifs(sheets, m, [(scope, "2")])
    if kind == "scope_3":
        return _sumifs(sheets, q, [(scope, "3")])
    if kind == "scope_3_category":
        return _sumifs(sheets, q, [(scope, "3"), (cat, str(claim.key))])
    if kind == "site":
        name = str(claim.key).replace('"', '""')
        return _sumifs(sheets, q, [(site, '""' if name == "(no site)" else f'"{name}"')])
    return None


def _summary(ws, fmt, v, sheets) -> None:
    doc = v.document
    ws.set_column(0, 0, 44)
    ws.set_column(1, 8, 18)
    ws.write(0, 0, "Verification workpapers", fmt["title"])
    meta = [("Organisation", doc["organisation"].get("name")),
            ("Period", f"{doc['period'].get('start')} to {doc['period'].get('end')}"),
            ("GWP set", doc["gwp_set"]), ("Tool", f"carbonaudit {doc['tool_version']}"),
            ("Overall verdict (tool's evaluation)", doc["verdict"]["overall"]),
            ("Opinion (for the verifier)", "")]
    for r, (k, val) in enumerate(meta, start=2):
        ws.write_string(r, 0, k, fmt["bold"])
        ws.write_string(r, 1, str(val or ""), fmt["input"] if k.startswith("Opinion") else None)
    r = len(meta) + 3
    ws.write_row(r, 0, ["item", "claimed t CO2e", "recalculated t CO2e (tool)",
                        "recalculated t CO2e (live, from Recalculation)", "difference t CO2e",
                        "difference % of claimed", "status"], fmt["head"])
    for rec in v.reconciled:
        r += 1
        ws.write_string(r, 0, rec.claim.item)
        ws.write_number(r, 1, rec.claim.claimed_kg / 1000, fmt["t"])
        ws.write_number(r, 2, rec.recalculated_kg / 1000, fmt["t"])
        live = _live(sheets, rec.claim)
        if live:
            ws.write_formula(r, 3, live, fmt["t"], rec.recalculated_kg / 1000)
        ws.write_formula(r, 4, f"=B{r + 1}-C{r + 1}", fmt["t"], rec.difference_kg / 1000)
        if rec.pct_of_claimed is not None:
            ws.write_formula(r, 5, f"=E{r + 1}/B{r + 1}*100", fmt["pct"], rec.pct_of_claimed)
        ws.write_string(r, 6, "scope limitation" if rec.limited else "recalculated")
    r += 2
    ws.write_row(r, 0, ["test", "rule", "base", "threshold %", "materiality",
                        "performance materiality", "clearly trivial", "aggregate misstatement",
                        "verdict"], fmt["head"])
    for t in v.tests:
        r += 1
        scale = 1000 if t.unit == "kgCO2e" else 1
        ws.write_row(r, 0, [t.id, t.rule.id])
        for c, val in ((2, t.base_kg), (4, t.materiality_kg), (5, t.performance_kg),
                       (6, t.trivial_kg), (7, t.aggregate_kg)):
            ws.write_number(r, c, val / scale, fmt["t"])
        ws.write_number(r, 3, t.rule.threshold_pct)
        ws.write_string(r, 8, t.verdict)
    ws.write_string(r + 1, 0, "Amounts in t CO2e (per-good tests: t CO2e per t of good).")
    r += 3
    ws.write_string(r, 0, "Sample", fmt["bold"])
    plan = v.sample.plan()
    for k in ("method", "confidence_pct", "r_factor", "tolerable_misstatement_kgco2e",
              "interval_kgco2e", "seed", "seed_source", "random_start_kgco2e", "sort_order",
              "population_rows", "selected_rows", "certainty_rows", "coverage_pct"):
        r += 1
        ws.write_string(r, 0, k)
        val = plan[k]
        if isinstance(val, int | float) and not isinstance(val, bool):
            ws.write_number(r, 1, val)
        else:
            ws.write_string(r, 1, "" if val is None else str(val))


def _sample(wb, fmt, rows: list[dict], v) -> None:
    ws = wb.add_worksheet("Sample")
    ws.write_row(0, 0, COLUMNS, fmt["head"])
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 2, 28)
    ws.set_column(12, 12, 42)
    filled = v.evidence.filled if v.evidence is not None else {}
    status_col = COLUMNS.index("status")
    for k, row in enumerate(rows, start=1):
        carried = filled.get(v.sample.selected[k - 1], {})
        for c, name in enumerate(COLUMNS):
            val = carried.get(name, row[name]) if name in VERIFIER_COLUMNS else row[name]
            if val is None or val == "":
                if name in VERIFIER_COLUMNS:
                    ws.write_blank(k, c, None, fmt["input"])
            elif name in NUMBER_COLUMNS or (name == "agreed_kgco2e"
                                            and isinstance(val, int | float)):
                ws.write_number(k, c, float(val), fmt["input"] if name in VERIFIER_COLUMNS
                                else None)
            elif name == "scope":
                ws.write_number(k, c, val)
            else:
                ws.write_string(k, c, str(val), fmt["input"] if name in VERIFIER_COLUMNS
                                else fmt["text"])
    if rows:
        letter = column_letter(status_col)
        ws.data_validation(f"{letter}2:{letter}{len(rows) + 1}", {
            "validate": "list", "source": ["ok", "exception"], "ignore_blank": True})


def _misstatements(wb, fmt, log) -> None:
    ws = wb.add_worksheet("Misstatements")
    head = ["id", "kind", "basis", "item", "description", "reported kgCO2e",
            "recalculated kgCO2e", "delta kgCO2e", "rows", "row count", "tests", "evidence",
            "clearly trivial", "corrected"]
    ws.write_row(0, 0, head, fmt["head"])
    ws.set_column(4, 4, 60)
    ws.set_column(8, 8, 40)
    for r, m in enumerate(log, start=1):
        ws.write_row(r, 0, [m.id, m.kind, m.basis, m.item])
        ws.write_string(r, 4, m.description, fmt["wrap"])
        for c, val in ((5, m.reported), (6, m.recalculated), (7, m.delta)):
            if val is not None:
                ws.write_number(r, c, val)
        ws.write_string(r, 8, _clip("; ".join(m.rows), m.rows_count))
        ws.write_number(r, 9, m.rows_count)
        ws.write_string(r, 10, ", ".join(m.tests))
        ws.write_string(r, 11, ", ".join(m.evidence))
        ws.write_string(r, 12, "yes" if m.clearly_trivial else "no")
        ws.write_string(r, 13, "yes" if m.corrected else "no")


def _clip(text: str, count: int) -> str:
    if len(text) <= CELL_LIMIT:
        return text
    return text[:CELL_LIMIT].rsplit("; ", 1)[0] + f"; … ({count} rows in all: see Recalculation)"
