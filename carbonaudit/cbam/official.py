"""Read a filled Commission "CBAM communication template for installations" (v2.1.1).

The file is read with python-calamine, values only: formulas are never evaluated, so the
template's own results come back as the values Excel (or LibreOffice) cached when the file was
last saved.  Inputs go into `model.Installation`, each field's cell into `where.fields`; the
cached results go into `Installation.stated` so validation can recompute and compare.

Cell map: `shared/domain/cbam_template_cells.md` (every unlocked cell of v2.1.1).  The version
is checked first (sheet VersionDocumentation, "Template type:" row 2 and "Version:" row 3);
any other version is refused with `InputUnreadable`, because the addresses below are only
valid for this layout.

Keys of `Installation.stated` (`Stated.what`):

    stream:<SSk>:co2e_fossil     B_EmInst AU<row>   (k = row - 16; rows 17-91)
    stream:<SSk>:co2e_bio        B_EmInst AV<row>
    pfc:<PFCk>:co2e              B_EmInst AU<row>   (k = row - 97; rows 98-107)
    cems:<CEMSk>:co2e_fossil     B_EmInst AU<row>   (k = row - 112; rows 113-122)
    cems:<CEMSk>:co2e_bio        B_EmInst AV<row>
    process:<name>:direct_total  Summary_Processes K(70+n)
    process:<name>:indirect      Summary_Processes L(70+n)
    process:<name>:see_direct    Summary_Processes H(101+n)
    process:<name>:see_indirect  Summary_Processes J(101+n)
    product:<row>:see_direct     Summary_Products I<row>   (row = the sheet row, 10-109)
    product:<row>:see_indirect   Summary_Products J<row>
    product:<row>:see_total      Summary_Products K<row>
    template-error:<text>        any input-sheet cell (columns A-AZ) showing "Incomplete!",
                                 "Inconsistent!", "Duplicate!" or "Missing!…"

A value is a float, or the text the cell shows (an error string such as "Incomplete!").  A
workbook whose `calcPr` still says `fullCalcOnLoad="1"` was written by `fill_template` and
never recalculated: its cached results belong to the blank template, so none are collected
and an info finding says so.

Finding codes (all `cbam-read-…`): `not-a-number`, `number-as-text`, `not-in-list`,
`not-a-date`, `not-a-boolean`, `unknown-country`, `unknown-good`, `unknown-route`,
`unknown-process`, `duplicate-name`, `unnamed`, `template-error`,
`not-recalculated`, `sheet-missing`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.cells import Cells, country_cell, good_cell, load_sheets, sheet_names, shift
from carbonaudit.cbam.model import (
    GoodCategory,
    Installation,
    Precursor,
    Process,
    Site,
    Verifier,
    Where,
)
from carbonaudit.cbam.official_products import read_products
from carbonaudit.cbam.official_sources import read_cems, read_data_quality, read_pfc, read_streams
from carbonaudit.cbam.official_stated import read_stated, template_error_findings
from carbonaudit.cbam.reference import fold
from carbonaudit.cbam.template_layout import (
    ELEC_SOURCES,
    ERROR_SHEETS,
    GOOD_ROWS,
    INCLUDED_COLS,
    JUSTIFICATIONS,
    MAX_ROUTES,
    ONLY_DIRECT,
    PRECURSOR_CELLS,
    PRECURSOR_CONSUMED_ROW,
    PRECURSOR_PURCHASED_ROW,
    PRECURSOR_ROWS,
    PRECURSOR_STRIDE,
    PROCESS_BOOLS,
    PROCESS_CELLS,
    PROCESS_CONSUMED_ROW,
    PROCESS_PRODUCTION_ROW,
    PROCESS_ROWS,
    PROCESS_STRIDE,
    ROUTE_COLS_GOOD,
    ROUTE_COLS_PRECURSOR,
    SEE_SOURCES,
    SITE_CELLS,
    SUPPORTED_DATE,
    SUPPORTED_TYPE,
    SUPPORTED_VERSION,
    VERIFIER_CELLS,
    other_process_ids,
)
from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, error, info, warning

SOURCE_KIND = "official-2.1.1"


# --------------------------------------------------------------------------- entry point

def read_official(path: Path | str) -> tuple[Installation, list[Finding]]:
    """Read a filled official template v2.1.1 into an Installation plus findings."""
    shown = str(path)
    path = Path(path)
    names = sheet_names(path, shown)
    if "VersionDocumentation" not in names or "A_InstData" not in names:
        raise InputUnreadable(shown, "this is not a CBAM communication template for "
                              "installations (no VersionDocumentation/A_InstData sheet)")
    # Only the sheets read below: Translations and the code lists are most of the file.
    cells = Cells(path, shown, load_sheets(path, shown, ("VersionDocumentation", *ERROR_SHEETS)))
    check_version(cells)
    inst = Installation(site=_read_site(cells), source_kind=SOURCE_KIND, source_path=shown)
    inst.goods = _read_goods(cells)
    inst.streams = read_streams(cells)
    inst.pfc = read_pfc(cells)
    inst.cems = read_cems(cells)
    inst.processes = _read_processes(cells)
    _read_consumed(cells, inst.processes)  # needs every process name first
    inst.precursors = _read_precursors(cells, inst.processes)
    inst.products = read_products(cells, inst.processes)
    inst.data_quality = read_data_quality(cells)
    if _needs_recalculation(path):
        cells.findings.append(info(
            "cbam-read-not-recalculated",
            "the workbook was filled by carbonaudit and not yet recalculated: open and save "
            "it in Excel or LibreOffice to get the template's own results; they are ignored "
            "here", Location(shown)))
    else:
        inst.stated = read_stated(cells, inst)
        cells.findings.extend(template_error_findings(inst.stated))
    return inst, cells.findings


def check_version(cells: Cells) -> None:
    """Refuse any template other than v2.1.1: every address in this module depends on it."""
    sheet = "VersionDocumentation"
    kind = cells.text(sheet, "C2") or _labelled(cells, sheet, "Template type:")
    version = cells.raw(sheet, "C3")
    if not isinstance(version, dt.date):
        version = _labelled(cells, sheet, "Version:")
    if isinstance(version, dt.datetime):
        version = version.date()
    if kind == SUPPORTED_TYPE and version == SUPPORTED_DATE:
        return
    found = f"{kind or 'unknown type'}, version dated {version or 'unknown'}"
    raise InputUnreadable(cells.file, (
        f"unsupported CBAM template version ({found}); carbonaudit reads version "
        f"{SUPPORTED_VERSION} ({SUPPORTED_TYPE}, {SUPPORTED_DATE.isoformat()}). Copy your data "
        "into the v2.1.1 template, or use `carbonaudit` on our own installation workbook"))


def _labelled(cells: Cells, sheet: str, label: str) -> object:
    """The first value right of a label in the first rows (in case the columns moved)."""
    for line in (cells.sheets.get(sheet) or [])[:10]:
        items = [v for v in line if v not in ("", None)]
        if items and str(items[0]).strip() == label and len(items) > 1:
            return items[1]
    return None


def _needs_recalculation(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            head = zf.read("xl/workbook.xml")
    except (KeyError, OSError, zipfile.BadZipFile):
        return False
    m = re.search(rb"<calcPr\b[^>]*>", head)
    return bool(m and re.search(rb'fullCalcOnLoad="(1|true)"', m.group(0)))


# --------------------------------------------------------------------------- A_InstData

def _read_site(cells: Cells) -> Site:
    sheet = "A_InstData"
    site = Site()
    for name, ref in SITE_CELLS.items():
        site.where.fields[name] = cells.loc(sheet, ref)
        if name in ("period_start", "period_end"):
            setattr(site, name, cells.date(sheet, ref))
        elif name in ("latitude", "longitude"):
            setattr(site, name, cells.number(sheet, ref))
        elif name == "country":
            site.country = country_cell(cells, sheet, ref)
        else:
            setattr(site, name, cells.text(sheet, ref))
    site.where.row = cells.loc(sheet, "I20")
    site.verifier = Verifier(**{
        name: (country_cell(cells, sheet, ref, strict=False) if name == "country"
               else cells.text(sheet, ref)) for name, ref in VERIFIER_CELLS.items()})
    for name, ref in VERIFIER_CELLS.items():
        site.where.fields[f"verifier.{name}"] = cells.loc(sheet, ref)
    return site


def _routes(cells: Cells, sheet: str, row: int, cols: str, good: str | None,
            where: Where) -> list[str]:
    known = reference.goods()[good].routes if good in reference.goods() else ()
    routes = []
    for i, col in enumerate(cols, start=1):
        ref = f"{col}{row}"
        text = cells.text(sheet, ref)
        if text is None:
            continue
        match = next((r for r in known if fold(r) == fold(text)), None)
        if match is None and known:
            cells.findings.append(error(
                "cbam-read-unknown-route",
                f"route {text!r} is not a production route of {good!r} "
                f"({', '.join(known)})", cells.loc(sheet, ref)))
            continue
        routes.append(match or text)
        where.fields[f"routes.{i}"] = cells.loc(sheet, ref)
    return routes


def _read_goods(cells: Cells) -> list[GoodCategory]:
    sheet = "A_InstData"
    goods = []
    for k, row in enumerate(GOOD_ROWS, start=1):
        if cells.blank(sheet, f"E{row}"):
            continue
        where = Where(row=cells.loc(sheet, f"E{row}"),
                      fields={"category": cells.loc(sheet, f"E{row}")})
        category = good_cell(cells, sheet, f"E{row}")
        if category is None:
            continue
        # The template's D63 says "G1" (a typo for G2): the ID comes from the position.
        routes = _routes(cells, sheet, row, ROUTE_COLS_GOOD, category, where)
        goods.append(GoodCategory(f"G{k}", category, routes, where))
    return goods


def _read_processes(cells: Cells) -> list[Process]:
    sheet = "A_InstData"
    processes: list[Process] = []
    seen: dict[str, str] = {}
    for n, row in enumerate(PROCESS_ROWS, start=1):
        if cells.blank(sheet, f"E{row}") and cells.blank(sheet, f"L{row}"):
            continue
        where = Where(row=cells.loc(sheet, f"L{row}"))
        where.fields["good"] = cells.loc(sheet, f"E{row}")
        where.fields["name"] = cells.loc(sheet, f"L{row}")
        good = good_cell(cells, sheet, f"E{row}")
        included = _included(cells, sheet, row, where)
        name = _record_name(cells, sheet, f"L{row}", f"P{n}", good, seen)
        proc = Process(f"P{n}", name, good, included, where=where)
        _read_process_block(cells, proc, n)
        processes.append(proc)
    return processes


def _included(cells: Cells, sheet: str, row: int, where: Where) -> list[str]:
    options = {ONLY_DIRECT: ONLY_DIRECT, **{g: g for g in reference.goods()}}
    included = []
    # "included" is the first cell (where a missing category is reported); "included.<i>"
    # is the cell of the i-th category in the list, so a finding lands on that category.
    where.fields["included"] = cells.loc(sheet, f"{INCLUDED_COLS[0]}{row}")
    for col in INCLUDED_COLS:
        value = cells.choice(sheet, f"{col}{row}", options, "included goods category")
        if value:
            where.fields[f"included.{len(included)}"] = cells.loc(sheet, f"{col}{row}")
            included.append(value)
    return included


def _record_name(cells: Cells, sheet: str, ref: str, ident: str, good: str | None,
                 seen: dict[str, str]) -> str:
    """The name the template uses everywhere: the typed name, or "<ID> - <category>"."""
    name = cells.text(sheet, ref)
    if name is None:
        # The template flags the row "Incomplete!" (A_InstData N83 / N102): other sheets
        # link records by name.  It is read on under the template's stand-in name.
        name = f"{ident} - {good or ''}".rstrip(" -")
        cells.findings.append(error(
            "cbam-read-unnamed", f"{ident} has no name (the template shows 'Incomplete!'); "
            f"give it one; until then it is read as {name!r}", cells.loc(sheet, ref)))
    key = fold(name)
    if key in seen:
        cells.findings.append(error(
            "cbam-read-duplicate-name",
            f"{name!r} is used by {seen[key]} and {ident}; the template links records by "
            "name, so each must be unique", cells.loc(sheet, ref)))
    else:
        seen[key] = ident
    return name


def _read_process_block(cells: Cells, proc: Process, n: int) -> None:
    sheet = "D_Processes"
    offset = PROCESS_STRIDE * (n - 1)
    _read_route_quantities(cells, sheet, PROCESS_PRODUCTION_ROW + offset, proc.good,
                           proc.production, proc.where, "production")
    for name, ref in PROCESS_CELLS.items():
        ref = shift(ref, offset)
        proc.where.fields[name] = cells.loc(sheet, ref)
        if name in PROCESS_BOOLS:
            value = cells.boolean(sheet, ref)
        elif name == "electricity_ef_source":
            value = cells.choice(sheet, ref, ELEC_SOURCES, "electricity EF source")
        else:
            value = cells.number(sheet, ref)
        setattr(proc, name, value)


def _read_route_quantities(cells: Cells, sheet: str, first_row: int, good: str | None,
                           target: dict, where: Where, field: str) -> None:
    """Quantities per production route from column L, one row per route of the good."""
    routes = _good_routes(good)
    for i in range(MAX_ROUTES):
        ref = f"L{first_row + i}"
        value = cells.number(sheet, ref)
        if value is None:
            continue
        if i < len(routes):
            route = routes[i]
        else:  # a row the template keeps inactive for this good: keep it, but say so
            route = f"route {i + 1}"
            cells.findings.append(warning(
                "cbam-read-unknown-route", f"{value:g} is entered in a row that has no "
                f"production route for {good or 'this good'}; it is kept as {route!r}",
                cells.loc(sheet, ref)))
        target[route] = value
        where.fields[f"{field}.{route}"] = cells.loc(sheet, ref)


def _good_routes(good: str | None) -> tuple[str, ...]:
    return reference.goods()[good].routes if good in reference.goods() else ()


def _read_consumed(cells: Cells, processes: list[Process]) -> None:
    by_number = {int(p.id[1:]): p for p in processes}
    sheet = "D_Processes"
    for n, proc in by_number.items():
        offset = PROCESS_STRIDE * (n - 1)
        for i, other in enumerate(other_process_ids(n)):
            ref = f"L{PROCESS_CONSUMED_ROW + offset + i}"
            value = cells.number(sheet, ref)
            if value is None:
                continue
            target = by_number.get(other)
            if target is None:
                cells.findings.append(warning(
                    "cbam-read-unknown-process",
                    f"a quantity is entered for P{other}, which does not exist; it is ignored",
                    cells.loc(sheet, ref)))
                continue
            proc.consumed_in[target.name] = value
            proc.where.fields[f"consumed_in.{target.name}"] = cells.loc(sheet, ref)


def _read_precursors(cells: Cells, processes: list[Process]) -> list[Precursor]:
    sheet = "A_InstData"
    precursors = []
    seen = {fold(p.name): p.id for p in processes}
    for k, row in enumerate(PRECURSOR_ROWS, start=1):
        if cells.blank(sheet, f"E{row}") and cells.blank(sheet, f"L{row}"):
            continue
        where = Where(row=cells.loc(sheet, f"L{row}"))
        for name, col in (("good", "E"), ("country", "F"), ("name", "L")):
            where.fields[name] = cells.loc(sheet, f"{col}{row}")
        good = good_cell(cells, sheet, f"E{row}")
        country = country_cell(cells, sheet, f"F{row}")
        routes = _routes(cells, sheet, row, ROUTE_COLS_PRECURSOR, good, where)
        name = _record_name(cells, sheet, f"L{row}", f"PP{k}", good, seen)
        prec = Precursor(f"PP{k}", name, good, country, routes, where=where)
        _read_precursor_block(cells, prec, k, processes)
        precursors.append(prec)
    return precursors


def _read_precursor_block(cells: Cells, prec: Precursor, k: int,
                          processes: list[Process]) -> None:
    sheet = "E_PurchPrec"
    offset = PRECURSOR_STRIDE * (k - 1)
    _read_route_quantities(cells, sheet, PRECURSOR_PURCHASED_ROW + offset, prec.good,
                           prec.purchased, prec.where, "purchased")
    by_number = {int(p.id[1:]): p for p in processes}
    for j in range(len(PROCESS_ROWS)):
        ref = f"L{PRECURSOR_CONSUMED_ROW + offset + j}"
        value = cells.number(sheet, ref)
        if value is None:
            continue
        proc = by_number.get(j + 1)
        if proc is None:
            cells.findings.append(warning(
                "cbam-read-unknown-process",
                f"a quantity is entered for P{j + 1}, which does not exist; it is ignored",
                cells.loc(sheet, ref)))
            continue
        prec.consumed_in[proc.name] = value
        prec.where.fields[f"consumed_in.{proc.name}"] = cells.loc(sheet, ref)
    for name, ref in PRECURSOR_CELLS.items():
        ref = shift(ref, offset)
        prec.where.fields[name] = cells.loc(sheet, ref)
        setattr(prec, name, _precursor_value(cells, sheet, ref, name))


def _precursor_value(cells: Cells, sheet: str, ref: str, name: str) -> object:
    if name in ("see_direct_source", "specific_electricity_source"):
        return cells.choice(sheet, ref, SEE_SOURCES, "data source")
    if name == "electricity_ef_source":
        return cells.choice(sheet, ref, ELEC_SOURCES, "electricity EF source")
    if name == "justification":
        return cells.choice(sheet, ref, JUSTIFICATIONS, "justification", strict=False)
    return cells.number(sheet, ref)
