"""Reading our own CBAM installation workbook into an `Installation`; every bad cell a finding.

Columns are found by their header (case-insensitive), so re-ordered columns still read.
Processes and precursors may be referred to by id or by name.  Every bad cell becomes a
finding at its cell (codes shared with `official`: `cbam-read-…`, plus
`cbam-read-sheet-missing`, `cbam-read-unknown-column`, `cbam-read-unknown-reference`).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from carbonaudit.cbam import reference
from carbonaudit.cbam import template_layout as layout
from carbonaudit.cbam.cells import (
    Cells,
    cn_cell,
    country_cell,
    good_cell,
    load_sheets,
    parse_number_text,
)
from carbonaudit.cbam.model import (
    CarbonPrice,
    CemsSource,
    DataQuality,
    Installation,
    PfcSource,
    Precursor,
    Process,
    Product,
    Site,
    SourceStream,
    Verifier,
    Where,
)
from carbonaudit.cbam.reference import fold
from carbonaudit.cbam.workbook_layout import (
    CARBON_PRICE_FIELDS,
    DQ_FIELDS,
    INSTALLATION_FIELDS,
    SOURCE_KIND,
    TABLES,
    is_installation_workbook,
    list_values,
)
from carbonaudit.cbam.workbook_text import column_keys, field_keys
from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, column_letter, error, info, warning


def read_installation_workbook(path: Path | str) -> tuple[Installation, list[Finding]]:
    """Read our installation workbook into an Installation plus findings."""
    shown = str(path)
    path = Path(path)
    sheets = load_sheets(path, shown)
    if not is_installation_workbook(list(sheets)):
        raise InputUnreadable(shown, "this is not a carbonaudit installation workbook "
                              "(no Installation/Processes sheets)")
    cells = Cells(path, shown, sheets)
    inst = Installation(site=_read_site(cells), source_kind=SOURCE_KIND, source_path=shown)
    inst.data_quality = _read_dq(cells)
    tables = {name: _Table(cells, name) for name in TABLES}
    inst.streams = [_stream(t, r) for t in [tables["SourceStreams"]] for r in t.rows()]
    inst.pfc = [_pfc(t, r) for t in [tables["PFC"]] for r in t.rows()]
    inst.cems = [_cems(t, r) for t in [tables["CEMS"]] for r in t.rows()]
    inst.processes = _processes(tables["Processes"])
    inst.precursors = _precursors(tables["Precursors"], inst.processes)
    _production(tables["Production"], inst.processes, "process", "production")
    _production(tables["Purchases"], inst.precursors, "precursor", "purchased")
    _flows(tables["ProcessFlows"], inst)
    inst.products = _products(tables["Products"], inst.processes)
    inst.goods = _goods(inst.processes)
    return inst, cells.findings


def _goods(processes):
    from carbonaudit.cbam.fill import (
        goods_from_processes,  # the derivation fill uses, so both agree
    )

    return goods_from_processes(processes)


def _key_values(cells: Cells, sheet: str, keys) -> dict[str, str]:
    """field key -> value cell (`B7`) on a field/value sheet, its names in any language."""
    rows = cells.sheets.get(sheet)
    if rows is None:
        cells.findings.append(error("cbam-read-sheet-missing", f"sheet {sheet!r} is missing",
                                    Location(cells.file, sheet)))
        return {}
    names = field_keys(keys)
    refs = {}
    for r, line in enumerate(rows, start=1):
        if line and isinstance(line[0], str) and line[0].strip():
            key = names.get(fold(line[0])) or names.get(fold(line[0]).replace(" ", "_"))
            if key is not None:
                refs[key] = f"B{r}"
    return refs


def _header_key(names: dict[str, str], label: str) -> str:
    """The column key of a header in English, Traditional or Simplified Chinese; an unknown
    header comes back as written (folded), to be reported."""
    text = fold(label)
    return names.get(text.replace(" ", "_")) or names.get(text) or text.replace(" ", "_")


def _read_site(cells: Cells) -> Site:
    sheet = "Installation"
    refs = _key_values(cells, sheet, [f for f, _, _ in INSTALLATION_FIELDS])
    site = Site(verifier=Verifier())
    for field, attr, kind in INSTALLATION_FIELDS:
        ref = refs.get(field)
        if ref is None:
            continue
        obj = site
        if attr.startswith("verifier."):
            obj, attr = site.verifier, attr.split(".", 1)[1]
        site.where.fields[attr if obj is site else f"verifier.{attr}"] = cells.loc(sheet, ref)
        setattr(obj, attr, _convert(cells, sheet, ref, kind))
    site.where.row = cells.loc(sheet, refs.get("name", "B2"))
    return site


def _read_dq(cells: Cells) -> DataQuality:
    sheet = "DataQuality"
    if sheet not in cells.sheets:
        return DataQuality()
    refs = _key_values(cells, sheet, [f for f, _ in DQ_FIELDS])
    dq = DataQuality()
    for field, kind in DQ_FIELDS:
        if field in refs:
            dq.where.fields[field] = cells.loc(sheet, refs[field])
            setattr(dq, field, _convert(cells, sheet, refs[field], kind))
    return dq


def _convert(cells: Cells, sheet: str, ref: str, kind: str) -> object:
    if kind == "number":
        return cells.number(sheet, ref)
    if kind == "date":
        return cells.date(sheet, ref)
    if kind == "bool":
        return cells.boolean(sheet, ref)
    if kind == "country":
        return country_cell(cells, sheet, ref)
    if kind == "good":
        return good_cell(cells, sheet, ref)
    if kind == "list:method":
        options = {**layout.METHOD_SPELLING, **{v: v for v in layout.METHOD_SPELLING.values()}}
        return cells.choice(sheet, ref, options, "method")
    if kind == "list:pfc_method":
        options = {**layout.PFC_SPELLING, **{v: v for v in layout.PFC_SPELLING.values()}}
        return cells.choice(sheet, ref, options, "PFC method")
    if kind.startswith("list:"):
        name = kind[5:]
        return cells.choice(sheet, ref, list_values(name), name.replace("_", " "))
    return cells.text(sheet, ref)


class _Table:
    """A header-addressed table: column by folded header name."""

    def __init__(self, cells: Cells, name: str) -> None:
        self.cells, self.name = cells, name
        self.kinds = TABLES[name]
        rows = cells.sheets.get(name)
        self.lines = rows or []
        self.columns: dict[str, str] = {}
        if rows is None:
            cells.findings.append(info("cbam-read-sheet-missing",
                                       f"sheet {name!r} is missing; read as empty",
                                       Location(cells.file, name)))
            return
        header = rows[0] if rows else []
        names = column_keys(self.kinds)
        unknown = []
        for c, label in enumerate(header):
            key = _header_key(names, label) if isinstance(label, str) else ""
            if key in self.kinds:
                self.columns[key] = column_letter(c)
            elif key:
                unknown.append((c, label))
        missing = [k for k in self.kinds if k not in self.columns]
        for c, label in unknown:
            near = difflib.get_close_matches(fold(label).replace(" ", "_"), missing, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            cells.findings.append(info(
                "cbam-read-unknown-column", f"column {label!r} is not used{hint}",
                Location(cells.file, name, f"{column_letter(c)}1")))
        if missing and len(rows) > 1:
            # One finding for the header, so that the empty cells every row then reports
            # have their cause named once.
            cells.findings.append(warning(
                "cbam-read-missing-column",
                f"the header row has no {', '.join(repr(m) for m in missing)} column; "
                "those values are read as empty on every row (the column names of "
                "`carbonaudit template installation` are expected)",
                Location(cells.file, name, "A1")))

    def rows(self) -> list[int]:
        """Sheet row numbers that hold any value in a known column."""
        return [r for r in range(2, len(self.lines) + 1)
                if any(not self.cells.blank(self.name, f"{c}{r}")
                       for c in self.columns.values())]

    def ref(self, column: str, row: int) -> str | None:
        col = self.columns.get(column)
        return f"{col}{row}" if col else None

    def loc(self, column: str, row: int) -> Location:
        return self.cells.loc(self.name, self.ref(column, row) or f"A{row}")

    def get(self, column: str, row: int) -> object:
        ref = self.ref(column, row)
        if ref is None:
            return None
        kind = self.kinds[column]
        if kind == "included":
            text = self.cells.text(self.name, ref)
            return [s.strip() for s in (text or "").split(";") if s.strip()]
        return _convert(self.cells, self.name, ref, kind)

    def record(self, row: int, skip: tuple[str, ...] = ()) -> tuple[dict, Where]:
        values = {c: self.get(c, row) for c in self.kinds if c not in skip}
        where = Where(row=self.cells.loc(self.name, f"A{row}"),
                      fields={c: self.loc(c, row) for c in self.columns if c not in skip})
        return values, where


def _stream(t: _Table, row: int) -> SourceStream:
    values, where = t.record(row)
    values["id"] = values["id"] or f"SS{row - 1}"
    return SourceStream(where=where, **values)


def _pfc(t: _Table, row: int) -> PfcSource:
    values, where = t.record(row)
    values["id"] = values["id"] or f"PFC{row - 1}"
    return PfcSource(where=where, **values)


def _cems(t: _Table, row: int) -> CemsSource:
    values, where = t.record(row)
    values["id"] = values["id"] or f"CEMS{row - 1}"
    return CemsSource(where=where, **values)


def _processes(t: _Table) -> list[Process]:
    processes, seen = [], {}
    for n, row in enumerate(t.rows(), start=1):
        values, where = t.record(row)
        ident = values.pop("id") or f"P{n}"
        name = _record_name(t, row, ident, values.pop("name"), values.get("good"))
        _check_unique(t, row, ident, name, seen)
        processes.append(Process(ident, name, where=where, **values))
    return processes


def _record_name(t: _Table, row: int, ident: str, name: str | None, good: str | None) -> str:
    """The typed name, or the template's stand-in "<ID> - <category>" with an error: the
    official template shows 'Incomplete!' for a record without a name."""
    if name is not None:
        return name
    name = f"{ident} - {good or ''}".rstrip(" -")
    t.cells.findings.append(error("cbam-read-unnamed",
                                  f"{ident} has no name (the official template shows "
                                  f"'Incomplete!'); give it one; until then it is read as "
                                  f"{name!r}", t.loc("name", row)))
    return name


def _check_unique(t: _Table, row: int, ident: str, name: str, seen: dict[str, str]) -> None:
    for key, what in ((fold(name), "name"), (fold(ident), "id")):
        if key in seen:
            t.cells.findings.append(error(
                "cbam-read-duplicate-name",
                f"{what} {(name if what == 'name' else ident)!r} of {ident} is already used by "
                f"{seen[key]}; processes and precursors are linked by name, so each must be "
                "unique", t.loc(what, row)))
        else:
            seen[key] = ident


def _precursors(t: _Table, processes: list[Process]) -> list[Precursor]:
    result = []
    seen = {fold(p.name): p.id for p in processes} | {fold(p.id): p.id for p in processes}
    for k, row in enumerate(t.rows(), start=1):
        values, where = t.record(row)
        ident = values.pop("id") or f"PP{k}"
        name = _record_name(t, row, ident, values.pop("name"), values.get("good"))
        _check_unique(t, row, ident, name, seen)
        routes = _precursor_routes(t, row, values.pop("routes"), values.get("good"))
        result.append(Precursor(ident, name, values.pop("good"), values.pop("country"),
                                routes, where=where, **values))
    return result


def _precursor_routes(t: _Table, row: int, text: str | None, good: str | None) -> list[str]:
    """'Route A; Route B' as the good's own route names; one that is not its route is an
    error at the cell, as the template's 'Inconsistent!' (A_InstData N102)."""
    known = reference.goods()[good].routes if good in reference.goods() else ()
    routes = []
    for given in (s.strip() for s in (text or "").split(";") if s.strip()):
        match = next((r for r in known if fold(r) == fold(given)), None)
        if match is None and known:
            t.cells.findings.append(error(
                "cbam-read-unknown-route",
                f"route {given!r} is not a production route of {good!r} ({', '.join(known)})",
                t.loc("routes", row)))
            continue
        routes.append(match or given)
    return routes


def _lookup(records: list, text: str | None) -> object | None:
    if text is None:
        return None
    key = fold(text)
    return next((r for r in records if fold(r.id) == key or fold(r.name) == key), None)


def _unknown(t: _Table, column: str, row: int, text: str, what: str) -> None:
    t.cells.findings.append(error(
        "cbam-read-unknown-reference", f"{text!r} is not the id or name of any {what}",
        t.loc(column, row)))


def _production(t: _Table, owners: list, column: str, attr: str) -> None:
    for row in t.rows():
        text = t.get(column, row)
        owner = _lookup(owners, text)
        if owner is None:
            _unknown(t, column, row, str(text), column)
            continue
        route = t.get("route", row) or layout.ALL_ROUTES
        known = reference.goods()[owner.good].routes if owner.good in reference.goods() else ()
        match = next((r for r in known if fold(r) == fold(route)), None)
        if known and match is None:
            t.cells.findings.append(error(
                "cbam-read-unknown-route",
                f"route {route!r} is not a production route of {owner.good!r} "
                f"({', '.join(known)})", t.loc("route", row)))
            continue
        getattr(owner, attr)[match or route] = t.get("quantity", row)
        owner.where.fields[f"{attr}.{match or route}"] = t.loc("quantity", row)


def _flows(t: _Table, inst: Installation) -> None:
    for row in t.rows():
        source_text, target_text = t.get("from", row), t.get("to", row)
        source = _lookup(inst.processes, source_text) or _lookup(inst.precursors, source_text)
        target = _lookup(inst.processes, target_text)
        if source is None:
            _unknown(t, "from", row, str(source_text), "process or precursor")
            continue
        if target is None or target is source:
            _unknown(t, "to", row, str(target_text), "other process")
            continue
        source.consumed_in[target.name] = t.get("quantity", row)
        source.where.fields[f"consumed_in.{target.name}"] = t.loc("quantity", row)


def _products(t: _Table, processes: list[Process]) -> list[Product]:
    products = []
    for row in t.rows():
        values, where = t.record(row)
        proc = _lookup(processes, values["process"])
        if proc is None and values["process"] is not None:
            _unknown(t, "process", row, str(values["process"]), "process")
        ref = t.ref("cn_code", row)
        cn = cn_cell(t.cells, t.name, ref) if ref else None
        cp = {f: values.get(f"cp_{f}") for f in CARBON_PRICE_FIELDS}
        products.append(Product(
            process=proc.name if proc else (values["process"] or ""), cn_code=cn,
            name=values["name"], qualifying=_qualifying(t, row, values["qualifying"]),
            carbon_price=CarbonPrice(**cp) if any(v is not None for v in cp.values())
            else None, where=where))
    return products


def _qualifying(t: _Table, row: int, text: str | None) -> dict[str, object]:
    result: dict[str, object] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            t.cells.findings.append(error(
                "cbam-read-not-in-list",
                f"qualifying parameter {part.strip()!r} must be written as name=value",
                t.loc("qualifying", row)))
            continue
        parsed = parse_number_text(value)
        result[name.strip()] = parsed if parsed is not None else value.strip()
    return result
