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
from collections.abc import Iterable
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam.model import (
    COMBUSTION,
    MASS_BALANCE,
    PROCESS,
    CarbonPrice,
    CemsSource,
    DataQuality,
    GoodCategory,
    Installation,
    PfcSource,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
    Stated,
    Verifier,
    Where,
)
from carbonaudit.cbam.reference import fold
from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning

SUPPORTED_TYPE = "CBAM communication SEE Version 2"
SUPPORTED_DATE = dt.date(2024, 12, 13)
SUPPORTED_VERSION = "2.1.1"
SOURCE_KIND = "official-2.1.1"

# Drop-down vocabularies as the template spells them (Parameters_Constants), mapped to ours.
METHOD_SPELLING = {"Combustion": COMBUSTION, "Process emissions": PROCESS,
                   "Mass Balance": MASS_BALANCE}
PFC_SPELLING = {"Slope method": "slope", "Overvoltage method": "overvoltage"}
AD_UNITS = ("t", "1000Nm3")
EF_UNITS = ("tCO2/TJ", "tCO2/t", "tCO2/1000Nm3")
ELEC_SOURCES = ("D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix")
SEE_SOURCES = ("Measured", "Default", "Unknown")
JUSTIFICATIONS = ("Unreasonable costs for more accurate monitoring", "Data gaps", "Other")
DATA_QUALITY = (
    "Mostly measurements & analyses",
    "Mostly measurements & national standard factors for e.g. the emission factor",
    "Mostly measurements & sector-specific standard factors for e.g. the emission factor",
    "Mostly measurements & international standard factors for e.g. the emission factor",
    "Mostly default values provided by the European Commission",
)
QUALITY_ASSURANCE = ("Third-party verification", "Internal audits", "Four eyes principle",
                     "None")
CARBON_PRICE_TYPES = ("Carbon Tax", "Carbon Levy", "Carbon Fee",
                      "National Emissions Trading System", "Regional Emissions Trading System",
                      "Combination", "Other")
REBATE_TYPES = ("Free allocation", "Financial compensation", "Tax deduction", "Combination",
                "Other")
ONLY_DIRECT = reference.ONLY_DIRECT  # re-exported: the readers and fill spell it so
ALL_ROUTES = "All production routes"
TEMPLATE_ERRORS = ("Incomplete!", "Inconsistent!", "Duplicate!", "Missing!")

# Row layout of v2.1.1 (cbam_template_cells.md).
STREAM_ROWS = range(17, 92)
PFC_ROWS = range(98, 108)
CEMS_ROWS = range(113, 123)
GOOD_ROWS = range(62, 72)
PROCESS_ROWS = range(83, 93)
PRECURSOR_ROWS = range(102, 122)
PRODUCT_ROWS = range(10, 110)
PROCESS_STRIDE = 65
PRECURSOR_STRIDE = 44
MAX_ROUTES = 8
ROUTE_COLS_GOOD = "IJKLMN"
ROUTE_COLS_PRECURSOR = "GHIJK"
INCLUDED_COLS = "FGHIJK"
QUALIFYING_COLS = tuple(column_letter(i) for i in range(15, 37))  # P..AK

SITE_CELLS = {
    "period_start": "I9", "period_end": "L9", "name_local": "I19", "name": "I20",
    "street": "I21", "economic_activity": "I22", "post_code": "I23", "po_box": "I24",
    "city": "I25", "country": "I26", "unlocode": "I27", "latitude": "I28",
    "longitude": "I29", "representative": "I30", "email": "I31", "phone": "I32",
}
VERIFIER_CELLS = {
    "name": "I37", "street": "I38", "city": "I39", "post_code": "I40", "country": "I41",
    "representative": "I45", "email": "I46", "phone": "I47",
    "accreditation_state": "I51", "accreditation_body": "I52", "registration_number": "I53",
}
STREAM_COLS = {"method": "D", "name": "E", "activity_data": "F", "ad_unit": "G", "ncv": "H",
               "ef": "J", "ef_unit": "K", "carbon_content": "L", "oxidation_factor": "N",
               "conversion_factor": "P", "biomass": "R"}
PFC_COLS = {"method": "D", "technology": "E", "production_t": "F", "frequency": "AG",
            "duration": "AH", "sef_cf4": "AI", "aeo": "AJ", "current_efficiency": "AK",
            "ovc": "AL", "f_c2f6": "AM", "collection_efficiency": "AT"}
CEMS_COLS = {"name": "D", "gas": "E", "biomass": "R", "concentration": "V", "hours": "X",
             "flow": "Z"}
DQ_CELLS = {"general": "H40", "default_justification": "H41", "quality_assurance": "H42",
            "indirect_total": "M26"}
# D_Processes cells for P1; add 65*(n-1) to the row for Pn.
PROCESS_CELLS = {
    "to_market": "L27", "non_cbam": "L41", "heat_relevant": "K50",
    "waste_gas_relevant": "L50", "direct_emissions": "L54", "heat_imported": "L57",
    "heat_exported": "M57", "heat_imported_ef": "L58", "heat_exported_ef": "M58",
    "waste_gas_imported": "L61", "waste_gas_exported": "M61", "electricity_consumed": "L65",
    "electricity_ef": "L66", "electricity_ef_source": "L67", "electricity_exported": "L71",
    "electricity_exported_ef": "L72",
}
PROCESS_BOOLS = ("heat_relevant", "waste_gas_relevant")
PROCESS_PRODUCTION_ROW = 16
PROCESS_CONSUMED_ROW = 32
# E_PurchPrec cells for PP1; add 44*(k-1).
PRECURSOR_CELLS = {
    "other_uses": "L38", "see_direct": "L49", "see_direct_source": "M49",
    "specific_electricity": "L50", "specific_electricity_source": "M50",
    "electricity_ef": "L51", "electricity_ef_source": "M51", "justification": "K54",
}
PRECURSOR_PURCHASED_ROW = 17
PRECURSOR_CONSUMED_ROW = 28
CARBON_PRICE_COLS = {"instrument": "AL", "share_covered": "AM", "currency": "AP",
                     "price_due_per_t": "AR", "rebate_type": "AT", "rebate_share": "AU",
                     "rebate_per_t": "AX"}
# Sheets scanned for the template's error strings; helper columns beyond AZ hold hidden
# flags that say "Incomplete!" even in the blank template, so they are left out.
ERROR_SHEETS = ("A_InstData", "B_EmInst", "C_Emissions&Energy", "D_Processes", "E_PurchPrec",
                "Summary_Processes", "Summary_Products")
ERROR_LAST_COL = 52

_CELL = re.compile(r"^([A-Z]+)(\d+)$")


# --------------------------------------------------------------------------- cell access

def split_cell(ref: str) -> tuple[str, int]:
    m = _CELL.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref}")
    return m.group(1), int(m.group(2))


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def shift(ref: str, rows: int) -> str:
    col, row = split_cell(ref)
    return f"{col}{row + rows}"


class Cells:
    """Values of one workbook (calamine) plus the findings raised while converting them."""

    def __init__(self, path: Path, shown: str, sheets: dict[str, list[list]]) -> None:
        self.path = path
        self.file = shown
        self.sheets = sheets
        self.findings: list[Finding] = []

    def loc(self, sheet: str, ref: str) -> Location:
        return Location(self.file, sheet, ref)

    def raw(self, sheet: str, ref: str) -> object:
        rows = self.sheets.get(sheet) or []
        col, row = split_cell(ref)
        if row - 1 >= len(rows):
            return None
        line = rows[row - 1]
        c = col_index(col)
        value = line[c] if c < len(line) else None
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def blank(self, sheet: str, ref: str) -> bool:
        return self.raw(sheet, ref) is None

    def text(self, sheet: str, ref: str) -> str | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return str(value).strip()

    def number(self, sheet: str, ref: str) -> float | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, bool):
            return self._bad_number(sheet, ref, value)
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            parsed = _parse_number(value)
            if parsed is None:
                return self._bad_number(sheet, ref, value)
            self.findings.append(warning(
                "cbam-read-number-as-text",
                f"{value!r} is stored as text; the template's formulas ignore text, so enter "
                "it as a number. It was read as " + f"{parsed:g}.", self.loc(sheet, ref)))
            return parsed
        return self._bad_number(sheet, ref, value)

    def _bad_number(self, sheet: str, ref: str, value: object) -> None:
        self.findings.append(error(
            "cbam-read-not-a-number", f"expected a number, found {value!r}",
            self.loc(sheet, ref)))
        return None

    def choice(self, sheet: str, ref: str, options: Iterable[str] | dict[str, str],
               what: str, *, strict: bool = True) -> str | None:
        """A drop-down cell: the canonical value for the typed text, case-insensitively."""
        text = self.text(sheet, ref)
        if text is None:
            return None
        table = options if isinstance(options, dict) else {o: o for o in options}
        folded = {fold(k): v for k, v in table.items()}
        if fold(text) in folded:
            return folded[fold(text)]
        allowed = ", ".join(f'"{k}"' for k in table)
        make = error if strict else warning
        self.findings.append(make(
            "cbam-read-not-in-list", f"{what} {text!r} is not in the template's list ({allowed})",
            self.loc(sheet, ref)))
        return None if strict else text

    def boolean(self, sheet: str, ref: str) -> bool | None:
        value = self.raw(sheet, ref)
        if value is None or isinstance(value, bool):
            return value
        text = fold(str(value))
        if text in ("true", "yes", "1", "wahr", "1.0"):
            return True
        if text in ("false", "no", "0", "falsch", "0.0"):
            return False
        self.findings.append(error("cbam-read-not-a-boolean",
                                   f"expected TRUE or FALSE, found {value!r}",
                                   self.loc(sheet, ref)))
        return None

    def date(self, sheet: str, ref: str) -> dt.date | None:
        value = self.raw(sheet, ref)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, float) and 20000 < value < 80000:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # Excel serial
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.findings.append(error("cbam-read-not-a-date",
                                       f"expected a date such as 2026-01-01, found {value!r}",
                                       self.loc(sheet, ref)))
            return None


def _parse_number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace(" ", "").rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        return None


def load_sheets(path: Path, shown: str, names: Iterable[str] | None = None
                ) -> dict[str, list[list]]:
    """Sheets as row lists anchored at A1 (calamine, cached values only)."""
    from python_calamine import CalamineWorkbook  # deferred: keeps CLI start-up fast

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        wanted = workbook.sheet_names if names is None else [
            n for n in names if n in workbook.sheet_names]
        return {n: workbook.get_sheet_by_name(n).to_python(skip_empty_area=False)
                for n in wanted}
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc


def sheet_names(path: Path, shown: str) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:
        raise InputUnreadable(shown, f"the workbook could not be read ({exc})") from exc


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
    inst.streams = _read_streams(cells)
    inst.pfc = _read_pfc(cells)
    inst.cems = _read_cems(cells)
    inst.processes = _read_processes(cells)
    _read_consumed(cells, inst.processes)  # needs every process name first
    inst.precursors = _read_precursors(cells, inst.processes)
    inst.products = _read_products(cells, inst.processes)
    inst.data_quality = _read_data_quality(cells)
    if _needs_recalculation(path):
        cells.findings.append(info(
            "cbam-read-not-recalculated",
            "the workbook was filled by carbonaudit and not yet recalculated: open and save "
            "it in Excel or LibreOffice to get the template's own results; they are ignored "
            "here", Location(shown)))
    else:
        inst.stated = _read_stated(cells, inst)
        cells.findings.extend(_template_error_findings(inst.stated))
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
            site.country = _country(cells, sheet, ref)
        else:
            setattr(site, name, cells.text(sheet, ref))
    site.where.row = cells.loc(sheet, "I20")
    site.verifier = Verifier(**{
        name: (_country(cells, sheet, ref, strict=False) if name == "country"
               else cells.text(sheet, ref)) for name, ref in VERIFIER_CELLS.items()})
    for name, ref in VERIFIER_CELLS.items():
        site.where.fields[f"verifier.{name}"] = cells.loc(sheet, ref)
    return site


def _country(cells: Cells, sheet: str, ref: str, *, strict: bool = True) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    country = reference.find_country(text)
    if country:
        return country.code
    if strict:
        cells.findings.append(error(
            "cbam-read-unknown-country",
            f"country {text!r} is neither a name from the template's list nor an ISO code",
            cells.loc(sheet, ref)))
        return None
    return text


def _good(cells: Cells, sheet: str, ref: str) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    good = reference.find_good(text)
    if good:
        return good.category
    cells.findings.append(error(
        "cbam-read-unknown-good",
        f"{text!r} is not an aggregated goods category of the template",
        cells.loc(sheet, ref)))
    return None


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
        category = _good(cells, sheet, f"E{row}")
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
        good = _good(cells, sheet, f"E{row}")
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


def other_process_ids(n: int, count: int = len(PROCESS_ROWS)) -> list[int]:
    """Process numbers listed in D_Processes (c) of Pn: all others, in ID order."""
    return [k for k in range(1, count + 1) if k != n]


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
        good = _good(cells, sheet, f"E{row}")
        country = _country(cells, sheet, f"F{row}")
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


# --------------------------------------------------------------------------- B_EmInst

def _read_streams(cells: Cells) -> list[SourceStream]:
    kinds = {"method": (METHOD_SPELLING, "method"), "ad_unit": (AD_UNITS, "AD unit"),
             "ef_unit": (EF_UNITS, "EF unit"), "name": None}
    return [SourceStream(id=f"SS{row - 16}", where=where, **values)
            for row, where, values in _read_rows(cells, STREAM_ROWS, STREAM_COLS, kinds, "E")]


def _read_pfc(cells: Cells) -> list[PfcSource]:
    kinds = {"method": (PFC_SPELLING, "PFC method"), "technology": None}
    return [PfcSource(id=f"PFC{row - 97}", where=where, **values)
            for row, where, values in _read_rows(cells, PFC_ROWS, PFC_COLS, kinds, "D")]


def _read_cems(cells: Cells) -> list[CemsSource]:
    kinds = {"gas": (("CO2", "N2O"), "greenhouse gas"), "name": None}
    return [CemsSource(id=f"CEMS{row - 112}", where=where, **values)
            for row, where, values in _read_rows(cells, CEMS_ROWS, CEMS_COLS, kinds, "D")]


def _read_rows(cells: Cells, rows, cols: dict[str, str], kinds: dict, row_col: str):
    """Yield (row, Where, values) for each non-blank B_EmInst row.

    `kinds` maps a field to None (free text) or (allowed spellings, label) for a drop-down;
    any other field is a number.
    """
    sheet = "B_EmInst"
    for row in rows:
        if all(cells.blank(sheet, f"{c}{row}") for c in cols.values()):
            continue
        where = Where(row=cells.loc(sheet, f"{row_col}{row}"),
                      fields={k: cells.loc(sheet, f"{c}{row}") for k, c in cols.items()})
        values = {}
        for name, col in cols.items():
            ref = f"{col}{row}"
            if name not in kinds:
                values[name] = cells.number(sheet, ref)
            elif kinds[name] is None:
                values[name] = cells.text(sheet, ref)
            else:
                values[name] = cells.choice(sheet, ref, *kinds[name])
        yield row, where, values


# --------------------------------------------------------------------------- C and products

def _read_data_quality(cells: Cells) -> DataQuality:
    sheet = "C_Emissions&Energy"
    dq = DataQuality()
    lists = {"general": DATA_QUALITY, "default_justification": JUSTIFICATIONS,
             "quality_assurance": QUALITY_ASSURANCE}
    for name, ref in DQ_CELLS.items():
        dq.where.fields[name] = cells.loc(sheet, ref)
        if name == "indirect_total":
            dq.indirect_total = cells.number(sheet, ref)
        else:
            setattr(dq, name, cells.choice(sheet, ref, lists[name], name.replace("_", " ")))
    dq.where.row = cells.loc(sheet, "H40")
    return dq


def _read_products(cells: Cells, processes: list[Process]) -> list[Product]:
    sheet = "Summary_Products"
    names = {fold(p.name): p.name for p in processes}
    labels = {col: cells.text(sheet, f"{col}8") or col for col in QUALIFYING_COLS}
    products = []
    for row in PRODUCT_ROWS:
        inputs = ("D", "F", "H", *QUALIFYING_COLS, *CARBON_PRICE_COLS.values())
        if all(cells.blank(sheet, f"{c}{row}") for c in inputs):
            continue
        where = Where(row=cells.loc(sheet, f"D{row}"))
        for name, col in (("process", "D"), ("cn_code", "F"), ("name", "H")):
            where.fields[name] = cells.loc(sheet, f"{col}{row}")
        process = _product_process(cells, sheet, f"D{row}", names)
        qualifying = {}
        for col in QUALIFYING_COLS:
            value = cells.raw(sheet, f"{col}{row}")
            if value is not None:
                qualifying[labels[col]] = value
                where.fields[f"qualifying.{labels[col]}"] = cells.loc(sheet, f"{col}{row}")
        products.append(Product(
            process=process or "", cn_code=_cn_code(cells, sheet, f"F{row}"),
            name=cells.text(sheet, f"H{row}"), qualifying=qualifying,
            carbon_price=_carbon_price(cells, sheet, row, where), where=where))
    return products


def _product_process(cells: Cells, sheet: str, ref: str, names: dict[str, str]) -> str | None:
    text = cells.text(sheet, ref)
    if text is None:
        return None
    if fold(text) in names:
        return names[fold(text)]
    cells.findings.append(error(
        "cbam-read-unknown-process",
        f"product names process {text!r}, which is not a production process in A_InstData",
        cells.loc(sheet, ref)))
    return text


def _cn_code(cells: Cells, sheet: str, ref: str) -> str | None:
    """The code's digits, or the cell's text as written when it has none.

    Whether it is an Annex I code is checked once, with the product (cbam-cn-not-annex-i at
    this cell), so the reader reports nothing itself.
    """
    raw = cells.raw(sheet, ref)
    code = reference.normalise_cn(raw)
    if code is None and raw is not None and str(raw).strip():
        return str(raw).strip()
    return code


def _carbon_price(cells: Cells, sheet: str, row: int, where: Where) -> CarbonPrice | None:
    if all(cells.blank(sheet, f"{c}{row}") for c in CARBON_PRICE_COLS.values()):
        return None
    values = {}
    for name, col in CARBON_PRICE_COLS.items():
        ref = f"{col}{row}"
        where.fields[f"carbon_price.{name}"] = cells.loc(sheet, ref)
        if name == "instrument":
            values[name] = cells.choice(sheet, ref, CARBON_PRICE_TYPES, "carbon price type")
        elif name == "rebate_type":
            values[name] = cells.choice(sheet, ref, REBATE_TYPES, "rebate type")
        elif name == "currency":
            values[name] = cells.choice(sheet, ref, tuple(reference.currencies()), "currency")
        else:
            values[name] = cells.number(sheet, ref)
    return CarbonPrice(**values)


# --------------------------------------------------------------------------- stated results

def _stated_value(cells: Cells, sheet: str, ref: str) -> float | str | None:
    value = cells.raw(sheet, ref)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return str(value).strip()


def _read_stated(cells: Cells, inst: Installation) -> list[Stated]:
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


def _template_error_findings(stated: list[Stated]) -> list[Finding]:
    return [error("cbam-read-template-error",
                  f"the template itself flags this cell: {s.value}", s.where)
            for s in stated if s.what.startswith("template-error:")]
