"""Write an Installation into a copy of the Commission's CBAM template (v2.1.1).

Why not openpyxl.  Measured on the shipped template (2026-11-25, openpyxl 3.1.5): a plain
`load_workbook` + `save` turns the 79 zip parts into 33 and the file from 1,333,557 to
900,456 bytes.  Lost: all 33,813 cached formula results (every result cell then reads as
empty in calamine and in any viewer that does not recalculate), the 19 printer-settings parts,
the 3 customXml items (with their itemProps and rels), calcChain.xml, the 16 sheet
relationship parts (rebuilt), 37 x14 conditional formats and all 41 `extLst` blocks (Excel
2010+ extensions), and the legacy VML drawing of the one comment (regenerated in openpyxl's own
form).  Kept: 389 conditional-format ranges with 590 rules, 43 data validations, 106 defined
names, 1,463 merged ranges, 19 sheet protections, 52,739 formulas (7 array formulas).

So this module patches the package instead: every part is copied unchanged except the sheets
that receive values and xl/workbook.xml.  In a sheet only the target `<c r="…">` elements
change: strings become inline strings (`t="inlineStr"`), numbers `<v>`, booleans `t="b"`,
dates Excel serial numbers; the cell's style `s` is kept (it carries the unlocked protection
and the yellow input fill).  Cells holding a formula are never overwritten.  workbook.xml gets
`<calcPr fullCalcOnLoad="1">` so Excel and LibreOffice recalculate everything on open; the
cached results in the copy are the blank template's until then (`read_official` notices the
flag and ignores them).

Layout: processes go to A_InstData rows 83+ and D_Processes block n (65 rows per process),
precursors to rows 102+ and E_PurchPrec block k (44 rows), by their position in the list.
Drop-down text is written exactly as the template's lists spell it (goods, including the
trailing space of "Calcined clays "), the country as its template name, CN codes as 8-digit
text.  Finding codes: `cbam-fill-too-many`, `cbam-fill-unknown-route`,
`cbam-fill-unknown-process`, `cbam-fill-unknown-qualifying`, `cbam-fill-formula-cell`,
`cbam-fill-unknown-country`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from carbonaudit.cbam import reference
from carbonaudit.cbam import template_layout as layout
from carbonaudit.cbam.cells import Cells, col_index, load_sheets, shift, split_cell
from carbonaudit.cbam.model import GoodCategory, Installation, Precursor, Process
from carbonaudit.cbam.reference import fold
from carbonaudit.findings import Finding, Location, warning
from carbonaudit.ingest.xlsx_safety import check_workbook, sheet_part
from carbonaudit.outputs import atomic_write

TEMPLATE_NAME = "cbam-communication-template-installations-v2.1.1.xlsx"

Edits = dict[str, dict[str, object]]  # sheet -> cell -> value


def default_template() -> Path:
    return Path(str(resources.files("carbonaudit.cbam").joinpath("data", TEMPLATE_NAME)))


def fill_template(inst: Installation, out_path: Path | str,
                  template_path: Path | str | None = None) -> list[Finding]:
    """Write `inst` into a copy of the official template at `out_path`; return findings."""
    template = Path(template_path) if template_path else default_template()
    check_workbook(template)
    spell = _Spelling.load(template)
    findings: list[Finding] = []
    edits = build_edits(inst, spell, findings, str(out_path))
    findings.extend(patch_package(template, Path(out_path), edits))
    return findings


# --------------------------------------------------------------------------- vocabulary

class _Spelling:
    """How the template spells goods and countries (read from the template itself)."""

    def __init__(self, goods: dict[str, str], countries: dict[str, str],
                 qualifying: dict[str, str]) -> None:
        self.goods = goods            # folded name -> template spelling
        self.countries = countries    # ISO code -> template name
        self.qualifying = qualifying  # folded label -> column letter

    @classmethod
    def load(cls, template: Path) -> _Spelling:
        return _spelling(str(template))

    def good(self, name: str | None) -> str | None:
        if not name:
            return None
        return self.goods.get(fold(name), name)


@cache
def _spelling(template: str) -> _Spelling:
    sheets = load_sheets(Path(template), template,
                           ("Parameters_Constants", "c_CodeLists", "Summary_Products"))
    cells = Cells(Path(template), template, sheets)
    goods = {}
    for row in range(89, 107):
        name = cells.raw("Parameters_Constants", f"A{row}")
        if isinstance(name, str):
            goods[fold(name)] = name
    countries = {}
    for row in range(11, 278):
        code, name = cells.text("c_CodeLists", f"F{row}"), cells.raw("c_CodeLists", f"G{row}")
        if code and isinstance(name, str):
            countries[code.upper()] = name
    qualifying = {}
    for col in layout.QUALIFYING_COLS:
        label = cells.text("Summary_Products", f"{col}8")
        if label:
            qualifying[fold(label)] = col
    return _Spelling(goods, countries, qualifying)


# --------------------------------------------------------------------------- model -> cells

def build_edits(inst: Installation, spell: _Spelling, findings: list[Finding],
                shown: str) -> Edits:
    """Every input cell to set, as {sheet: {cell: value}}."""
    edits: Edits = {}

    def put(sheet: str, ref: str, value: object) -> None:
        if value is not None:
            edits.setdefault(sheet, {})[ref] = value

    _site_edits(inst, spell, put, findings, shown)
    _goods_edits(goods_for(inst), spell, put, findings, shown)
    processes = _limit(inst.processes, len(layout.PROCESS_ROWS), "production processes",
                       findings, shown)
    precursors = _limit(inst.precursors, len(layout.PRECURSOR_ROWS), "purchased precursors",
                        findings, shown)
    for n, proc in enumerate(processes, start=1):
        _process_edits(n, proc, processes, spell, put, findings, shown)
    for k, prec in enumerate(precursors, start=1):
        _precursor_edits(k, prec, processes, spell, put, findings, shown)
    _emission_edits(inst, put, findings, shown)
    _product_edits(inst, spell, put, findings, shown)
    return edits


def _limit(items: list, limit: int, what: str, findings: list[Finding], shown: str) -> list:
    if len(items) > limit:
        findings.append(warning("cbam-fill-too-many",
                                f"the template holds {limit} {what}; {len(items) - limit} "
                                "were left out", Location(shown)))
    return items[:limit]


def goods_for(inst: Installation) -> list[GoodCategory]:
    """The installation's goods categories, or those its processes imply."""
    if inst.goods:
        return inst.goods
    return goods_from_processes(inst.processes)


def goods_from_processes(processes: list[Process]) -> list[GoodCategory]:
    goods: dict[str, list[str]] = {}
    for proc in processes:
        if not proc.good:
            continue
        routes = goods.setdefault(proc.good, [])
        known = reference.goods()[proc.good].routes if proc.good in reference.goods() else ()
        for route in proc.production:
            if route in known and route != layout.ALL_ROUTES and route not in routes:
                routes.append(route)
    return [GoodCategory(f"G{i}", g, r) for i, (g, r) in enumerate(goods.items(), start=1)]


def _site_edits(inst, spell, put, findings, shown) -> None:
    site, sheet = inst.site, "A_InstData"
    for name, ref in layout.SITE_CELLS.items():
        value = getattr(site, name)
        if name == "country":
            value = _country_name(value, spell, findings, Location(shown, sheet, ref))
        put(sheet, ref, value)
    for name, ref in layout.VERIFIER_CELLS.items():
        value = getattr(site.verifier, name)
        if name == "country" and value and value.upper() in spell.countries:
            value = spell.countries[value.upper()]
        put(sheet, ref, value)
    dq, sheet = inst.data_quality, "C_Emissions&Energy"
    for name, ref in layout.DQ_CELLS.items():
        put(sheet, ref, getattr(dq, name))


def _country_name(code: str | None, spell: _Spelling, findings: list[Finding],
                  where: Location) -> str | None:
    if not code:
        return None
    country = reference.find_country(code)
    name = spell.countries.get(country.code) if country else None
    if name is None:
        findings.append(warning("cbam-fill-unknown-country",
                                f"country {code!r} is not in the template's list; written as is",
                                where))
        return code
    return name


def _goods_edits(goods, spell, put, findings, shown) -> None:
    sheet = "A_InstData"
    goods = _limit(goods, len(layout.GOOD_ROWS), "goods categories", findings, shown)
    for good, row in zip(goods, layout.GOOD_ROWS, strict=False):
        put(sheet, f"E{row}", spell.good(good.category))
        routes = [r for r in good.routes if r != layout.ALL_ROUTES]
        for col, route in zip(layout.ROUTE_COLS_GOOD, routes, strict=False):
            put(sheet, f"{col}{row}", route)


def _process_edits(n, proc: Process, processes, spell, put, findings, shown) -> None:
    row = layout.PROCESS_ROWS[n - 1]
    put("A_InstData", f"E{row}", spell.good(proc.good))
    for col, good in zip(layout.INCLUDED_COLS, proc.included, strict=False):
        put("A_InstData", f"{col}{row}", good if good == layout.ONLY_DIRECT else spell.good(good))
    put("A_InstData", f"L{row}", proc.name)
    sheet, offset = "D_Processes", layout.PROCESS_STRIDE * (n - 1)
    where = Location(shown, sheet, f"L{layout.PROCESS_PRODUCTION_ROW + offset}")
    _route_edits(proc.production, proc.good, layout.PROCESS_PRODUCTION_ROW + offset, sheet, put,
                 findings, where, proc.name)
    names = {fold(p.name): i for i, p in enumerate(processes, start=1)}
    others = layout.other_process_ids(n)
    for target, qty in proc.consumed_in.items():
        k = names.get(fold(target))
        if k is None or k == n:
            findings.append(_unknown_process(target, proc.name, shown, sheet,
                                             f"L{layout.PROCESS_CONSUMED_ROW + offset}"))
            continue
        put(sheet, f"L{layout.PROCESS_CONSUMED_ROW + offset + others.index(k)}", qty)
    for name, ref in layout.PROCESS_CELLS.items():
        put(sheet, shift(ref, offset), getattr(proc, name))


def _route_edits(quantities: dict, good: str | None, first_row: int, sheet: str, put,
                 findings: list[Finding], where: Location, owner: str) -> None:
    routes = reference.goods()[good].routes if good in reference.goods() else ()
    for route, qty in quantities.items():
        index = next((i for i, r in enumerate(routes) if fold(r) == fold(route)), None)
        if index is None and len(routes) == 1:
            index = 0  # a single-route good: whatever the route is called, it is that one
        if index is None:
            findings.append(warning(
                "cbam-fill-unknown-route",
                f"{owner}: route {route!r} is not a route of {good!r}; quantity not written",
                where))
            continue
        put(sheet, f"L{first_row + index}", qty)


def _unknown_process(target: str, owner: str, shown: str, sheet: str, ref: str) -> Finding:
    return warning("cbam-fill-unknown-process",
                   f"{owner}: consumption by {target!r} not written: no other production "
                   "process has that name", Location(shown, sheet, ref))


def _precursor_edits(k, prec: Precursor, processes, spell, put, findings, shown) -> None:
    row = layout.PRECURSOR_ROWS[k - 1]
    put("A_InstData", f"E{row}", spell.good(prec.good))
    put("A_InstData", f"F{row}", prec.country)
    for col, route in zip(layout.ROUTE_COLS_PRECURSOR, prec.routes, strict=False):
        put("A_InstData", f"{col}{row}", route)
    put("A_InstData", f"L{row}", prec.name)
    sheet, offset = "E_PurchPrec", layout.PRECURSOR_STRIDE * (k - 1)
    where = Location(shown, sheet, f"L{layout.PRECURSOR_PURCHASED_ROW + offset}")
    _route_edits(prec.purchased, prec.good, layout.PRECURSOR_PURCHASED_ROW + offset, sheet, put,
                 findings, where, prec.name)
    names = {fold(p.name): i for i, p in enumerate(processes)}
    for target, qty in prec.consumed_in.items():
        j = names.get(fold(target))
        if j is None:
            findings.append(_unknown_process(target, prec.name, shown, sheet,
                                             f"L{layout.PRECURSOR_CONSUMED_ROW + offset}"))
            continue
        put(sheet, f"L{layout.PRECURSOR_CONSUMED_ROW + offset + j}", qty)
    for name, ref in layout.PRECURSOR_CELLS.items():
        put(sheet, shift(ref, offset), getattr(prec, name))


def _emission_edits(inst: Installation, put, findings, shown) -> None:
    sheet = "B_EmInst"
    methods = {v: k for k, v in layout.METHOD_SPELLING.items()}
    pfc_methods = {v: k for k, v in layout.PFC_SPELLING.items()}
    streams = _limit(inst.streams, len(layout.STREAM_ROWS), "source streams", findings, shown)
    for stream, row in zip(streams, layout.STREAM_ROWS, strict=False):
        for name, col in layout.STREAM_COLS.items():
            value = getattr(stream, name)
            put(sheet, f"{col}{row}", methods.get(value, value) if name == "method" else value)
    pfc = _limit(inst.pfc, len(layout.PFC_ROWS), "PFC sources", findings, shown)
    for source, row in zip(pfc, layout.PFC_ROWS, strict=False):
        for name, col in layout.PFC_COLS.items():
            value = getattr(source, name)
            put(sheet, f"{col}{row}", pfc_methods.get(value, value) if name == "method"
                else value)
    cems = _limit(inst.cems, len(layout.CEMS_ROWS), "CEMS sources", findings, shown)
    for source, row in zip(cems, layout.CEMS_ROWS, strict=False):
        for name, col in layout.CEMS_COLS.items():
            put(sheet, f"{col}{row}", getattr(source, name))


def _product_edits(inst: Installation, spell: _Spelling, put, findings, shown) -> None:
    sheet = "Summary_Products"
    products = _limit(inst.products, len(layout.PRODUCT_ROWS), "products", findings, shown)
    for product, row in zip(products, layout.PRODUCT_ROWS, strict=False):
        put(sheet, f"D{row}", product.process or None)
        put(sheet, f"F{row}", product.cn_code)
        put(sheet, f"H{row}", product.name)
        for label, value in product.qualifying.items():
            col = spell.qualifying.get(fold(label))
            if col is None and label in layout.QUALIFYING_COLS:
                col = label
            if col is None:
                findings.append(warning(
                    "cbam-fill-unknown-qualifying",
                    f"qualifying parameter {label!r} has no column in Summary_Products",
                    Location(shown, sheet, f"P{row}")))
                continue
            put(sheet, f"{col}{row}", value)
        if product.carbon_price:
            for name, col in layout.CARBON_PRICE_COLS.items():
                put(sheet, f"{col}{row}", getattr(product.carbon_price, name))


# --------------------------------------------------------------------------- zip patching

_CELL_EL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_STYLE = re.compile(rb'\bs="(\d+)"')
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def patch_package(template: Path, out_path: Path, edits: Edits) -> list[Finding]:
    """Copy the template's zip to `out_path`, patching only the sheets in `edits`."""
    findings: list[Finding] = []
    out_path = Path(out_path)

    def write(tmp: str) -> None:
        with zipfile.ZipFile(template) as zin, zipfile.ZipFile(tmp, "w") as zout:
            parts = {sheet_part(zin, sheet): sheet for sheet in edits}
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename in parts:
                    sheet = parts[item.filename]
                    data = patch_sheet(data, edits[sheet], findings,
                                       Location(str(out_path), sheet))
                elif item.filename == "xl/workbook.xml":
                    data = set_full_calc_on_load(data)
                zout.writestr(item, data)  # same name, date and compression as the original

    atomic_write(out_path, writer=write)
    return findings


def set_full_calc_on_load(workbook_xml: bytes) -> bytes:
    m = re.search(rb"<calcPr\b[^>]*?(/?)>", workbook_xml)
    if m is None:
        return workbook_xml.replace(b"</workbook>", b'<calcPr fullCalcOnLoad="1"/></workbook>')
    tag = re.sub(rb'\s*fullCalcOnLoad="[^"]*"', b"", m.group(0))
    tag = tag.replace(b"<calcPr", b'<calcPr fullCalcOnLoad="1"', 1)
    return workbook_xml[:m.start()] + tag + workbook_xml[m.end():]


def patch_sheet(xml: bytes, cells: dict[str, object], findings: list[Finding],
                where: Location) -> bytes:
    """Set each cell of `cells` in one worksheet part (existing or new <c> elements)."""
    pending = dict(cells)

    def replace(m: re.Match) -> bytes:
        ref = m.group(1).decode()
        if ref not in pending:
            return m.group(0)
        value = pending.pop(ref)
        if re.search(rb"<f[\s>/]", m.group(0)):
            findings.append(warning("cbam-fill-formula-cell",
                                    f"{ref} holds a formula in the template; not overwritten",
                                    Location(where.file, where.sheet, ref)))
            return m.group(0)
        style = _STYLE.search(m.group(0).split(b">", 1)[0])
        return cell_xml(ref, value, style.group(1).decode() if style else None)

    xml = _CELL_EL.sub(replace, xml)
    for ref, value in sorted(pending.items(), key=lambda kv: split_cell(kv[0])[::-1]):
        xml = _insert_cell(xml, ref, cell_xml(ref, value, None))
    return xml


def cell_xml(ref: str, value: object, style: str | None) -> bytes:
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            value = value.date()
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{ref}"{s}><v>{serial}</v></c>'.encode()
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'.encode()
    text = escape(_XML_ILLEGAL.sub("", str(value)))
    return (f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
            .encode())


def _insert_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """Add a cell the template never stored (rare: input cells normally exist, styled)."""
    col, row = split_cell(ref)
    m = re.search(rb'<row\b[^>]*?\br="%d"[^>]*?(/?)>' % row, xml)
    if m:
        open_tag = re.sub(rb'\s*spans="[^"]*"', b"", m.group(0))  # spans would be stale
        if m.group(1):
            return xml[:m.start()] + open_tag[:-2] + b">" + cell + b"</row>" + xml[m.end():]
        end = xml.index(b"</row>", m.end())
        body = xml[m.end():end]
        at = len(body)
        for c in _CELL_EL.finditer(body):
            if col_index(split_cell(c.group(1).decode())[0]) > col_index(col):
                at = c.start()
                break
        return xml[:m.start()] + open_tag + body[:at] + cell + body[at:] + xml[end:]
    new_row = b'<row r="%d">' % row + cell + b"</row>"
    for r in re.finditer(rb'<row\b[^>]*?\br="(\d+)"', xml):
        if int(r.group(1)) > row:
            return xml[:r.start()] + new_row + xml[r.start():]
    if b"<sheetData/>" in xml:
        return xml.replace(b"<sheetData/>", b"<sheetData>" + new_row + b"</sheetData>")
    return xml.replace(b"</sheetData>", new_row + b"</sheetData>")
