"""The official template's own results, as cached in the file: what `stated` compares ours with.

`read_stated` collects the cached values listed in `official`'s docstring (source-stream,
process and product results) and every cell where the template shows one of its error
strings; `template_error_findings` turns the latter into findings.
"""

from __future__ import annotations

from carbonaudit.cbam.cells import Cells, split_cell
from carbonaudit.cbam.model import Installation, Stated
from carbonaudit.cbam.template_layout import ERROR_LAST_COL, ERROR_SHEETS, TEMPLATE_ERRORS
from carbonaudit.findings import Finding, column_letter, error


def _stated_value(cells: Cells, sheet: str, ref: str) -> float | str | None:
    value = cells.raw(sheet, ref)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return str(value).strip()


def read_stated(cells: Cells, inst: Installation) -> list[Stated]:
    stated: list[Stated] = []

    def add(what: str, sheet: str, ref: str) -> None:
        stated.append(Stated(what, _stated_value(cells, sheet, ref), cells.loc(sheet, ref)))

    for s in inst.streams:
        row = int(s.id[2:]) + 16
        add(f"stream:{s.id}:co2e_fossil", "B_EmInst", f"AU{row}")
        add(f"stream:{s.id}:co2e_bio", "B_EmInst", f"AV{row}")
    for p in inst.pfc:
        add(f"pfc:{p.id}:co2e", "B_EmInst", f"AU{int(p.id[3:]) + 97}")
    for c in inst.cems:
        row = int(c.id[4:]) + 112
        add(f"cems:{c.id}:co2e_fossil", "B_EmInst", f"AU{row}")
        add(f"cems:{c.id}:co2e_bio", "B_EmInst", f"AV{row}")
    for proc in inst.processes:
        n = int(proc.id[1:])
        for key, ref in (("direct_total", f"K{70 + n}"), ("indirect", f"L{70 + n}"),
                         ("see_direct", f"H{101 + n}"), ("see_indirect", f"J{101 + n}")):
            add(f"process:{proc.name}:{key}", "Summary_Processes", ref)
    for product in inst.products:
        row = split_cell(product.where.row.cell or "D0")[1]
        for key, col in (("see_direct", "I"), ("see_indirect", "J"), ("see_total", "K")):
            add(f"product:{row}:{key}", "Summary_Products", f"{col}{row}")
    stated.extend(_template_errors(cells))
    return stated


def _template_errors(cells: Cells) -> list[Stated]:
    found = []
    for sheet in ERROR_SHEETS:
        for r, line in enumerate(cells.sheets.get(sheet) or [], start=1):
            for c, value in enumerate(line[:ERROR_LAST_COL]):
                if isinstance(value, str) and value.strip().startswith(TEMPLATE_ERRORS):
                    text = value.strip()
                    found.append(Stated(f"template-error:{text}", text,
                                        cells.loc(sheet, f"{column_letter(c)}{r}")))
    return found


def template_error_findings(stated: list[Stated]) -> list[Finding]:
    return [error("cbam-read-template-error",
                  f"the template itself flags this cell: {s.value}", s.where)
            for s in stated if s.what.startswith("template-error:")]
