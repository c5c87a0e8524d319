"""Checks on an .xlsx file before any spreadsheet library parses it.

An .xlsx workbook is a zip of XML parts, which makes it a convenient carrier for hostile
input: a few kilobytes can expand to gigabytes (zip bomb), and a password-protected or
legacy .xls file is not a zip at all.  `check_workbook` refuses those with a plain reason
before calamine sees the bytes.  `formula_cells_without_value` finds formulas whose result
was never cached (openpyxl-written workbooks): calamine reads them as empty and we never
evaluate formulas ourselves, so the user has to be told.

Every XML part we parse goes through `parse_part`/`iterparse_part`: XML the parser refuses
(an entity declaration, an unbound namespace prefix, a duplicate attribute, a missing end
tag, a control character) is `InputUnreadable` naming the part, never a traceback.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from carbonaudit.errors import InputUnreadable
from carbonaudit.ingest import xlsx_limits

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# OLE directory entry names are UTF-16LE; accept plain ASCII too (cheap, and some tools).
_ENCRYPTION_MARKERS = tuple(
    enc for name in ("EncryptionInfo", "EncryptedPackage")
    for enc in (name.encode("ascii"), name.encode("utf-16-le"))
)
_RATIO_MIN_SIZE = 10 * 1024**2  # small members may compress extremely well legitimately
_CHUNK = 1024**2

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_REL_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def check_workbook(path: Path, *, max_uncompressed: int = 2 * 1024**3,
                   max_ratio: float = 200.0, sheets: Sequence[str] | None = None) -> None:
    """Raise `InputUnreadable` unless `path` is a sane, unencrypted .xlsx zip.

    Also refuses, before any parser builds them, sheets that would take far more memory than
    the file holds (`carbonaudit.ingest.xlsx_limits`): every sheet, or only `sheets`.
    """
    shown = str(path)
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputUnreadable(shown, f"cannot open the file ({exc.strerror or exc})") from exc
    if not head.startswith(_ZIP_MAGIC):
        raise InputUnreadable(shown, _not_zip_reason(path, head))
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputUnreadable(shown, "the workbook is corrupt (not a valid zip archive); "
                              "open it in Excel and save it again") from exc
    if "xl/workbook.xml" not in names:
        raise InputUnreadable(shown, "this zip file is not an Excel workbook (no xl/workbook.xml)")
    total = sum(m.file_size for m in members)
    too_dense = any(
        m.file_size > _RATIO_MIN_SIZE and m.file_size / max(m.compress_size, 1) > max_ratio
        for m in members
    )
    if total > max_uncompressed or too_dense:
        raise InputUnreadable(shown, f"the workbook expands beyond a sane size ({total:,} bytes "
                              "uncompressed); refusing to open it")
    with zipfile.ZipFile(path) as zf:
        # Read by every spreadsheet library before anything else: refuse damage here, once.
        workbook = parse_part(zf, "xl/workbook.xml", shown)
        rels = (parse_part(zf, _WORKBOOK_RELS, shown) if _WORKBOOK_RELS in names else None)
        parts = _sheet_parts(workbook, rels)
        if sheets is not None:
            parts = [(name, part) for name, part in parts if name in sheets]
        xlsx_limits.check_sizes(zf, shown, parts, _shared_string_parts(rels, names))


_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


def _sheet_parts(workbook: Element, rels: Element | None) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every sheet that has one."""
    targets = {} if rels is None else {
        rel.get("Id"): _target(rel.get("Target", ""))
        for rel in rels.iter(f"{{{_NS_REL_PKG}}}Relationship")
    }
    found = []
    for sheet in workbook.iter(f"{{{_NS_MAIN}}}sheet"):
        part = targets.get(sheet.get(f"{{{_NS_REL_DOC}}}id"))
        if part is not None:
            found.append((sheet.get("name", ""), part))
    return found


def _shared_string_parts(rels: Element | None, names: set[str]) -> list[str]:
    """Members that may hold the shared strings: the related part and the usual name."""
    parts = {"xl/sharedStrings.xml"} & names
    if rels is not None:
        parts |= {_target(rel.get("Target", ""))
                  for rel in rels.iter(f"{{{_NS_REL_PKG}}}Relationship")
                  if rel.get("Type", "").endswith("/sharedStrings")}
    return sorted(parts)


def _target(target: str) -> str:
    """A relationship target as a zip member: relative to xl/ unless absolute."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def _not_zip_reason(path: Path, head: bytes) -> str:
    if head.startswith(_OLE_MAGIC):
        if _contains_any(path, _ENCRYPTION_MARKERS):
            return "the workbook is password-protected; save an unprotected copy"
        return "this is a legacy .xls file; save it as .xlsx"
    return "this file is not an Excel .xlsx workbook (it is not a zip archive)"


def _contains_any(path: Path, needles: tuple[bytes, ...]) -> bool:
    """Streamed search; chunks overlap so a marker split across reads is still found."""
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            if any(n in window for n in needles):
                return True
            tail = window[-overlap:]
    return False


def _refusal(shown: str, part: str, exc: Exception) -> InputUnreadable:
    if isinstance(exc, DefusedXmlException):
        return InputUnreadable(shown, f"{part} declares XML entities or a document type, which "
                               "Excel never writes; refusing to read it")
    return InputUnreadable(shown, f"{part} is not well-formed XML ({exc}); the workbook is "
                           "damaged: open it in Excel and save it again")


def parse_part(zf: zipfile.ZipFile, part: str, shown: str | None = None) -> Element:
    """One XML part of the package, parsed safely; `InputUnreadable` if the parser refuses it."""
    shown = shown or str(zf.filename)
    try:
        return SafeET.fromstring(zf.read(part))
    except (ParseError, DefusedXmlException) as exc:
        raise _refusal(shown, part, exc) from exc


def iterparse_part(fh: IO[bytes], part: str, shown: str,
                   events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    """`iterparse` over an open part; XML the parser refuses is `InputUnreadable`."""
    try:
        yield from SafeET.iterparse(fh, events=events)
    except (ParseError, DefusedXmlException) as exc:
        raise _refusal(shown, part, exc) from exc


def sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """Zip member name of a sheet's XML, via xl/workbook.xml and its relationships."""
    workbook = parse_part(zf, "xl/workbook.xml")
    if not any(s.get("name") == sheet_name for s in workbook.iter(f"{{{_NS_MAIN}}}sheet")):
        return None
    rels = parse_part(zf, _WORKBOOK_RELS)
    return next((part for name, part in _sheet_parts(workbook, rels) if name == sheet_name),
                None)


def formula_cells_without_value(path: Path, sheet_name: str) -> list[str]:
    """Cell references (`D7`) of formulas in `sheet_name` that have no cached value."""
    with zipfile.ZipFile(path) as zf:
        part = sheet_part(zf, sheet_name)
        if part is None or part not in zf.namelist():
            return []
        if not _member_has_formula(zf, part):
            return []
        with zf.open(part) as fh:
            return _scan_formula_cells(fh, part, str(path))


def _member_has_formula(zf: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            # bytes.find is a memchr scan, several times faster than a regex over the part;
            # the regex only confirms the few candidates.
            at = window.find(b"<f")
            while at != -1:
                if _FORMULA_TAG.match(window, at):
                    return True
                at = window.find(b"<f", at + 2)
            # Namespace-prefixed tags (<x:f>) are rare: only then pay for the full regex.
            if b":f" in window and _FORMULA_TAG.search(window):
                return True
            tail = window[-32:]
    return False


def _scan_formula_cells(fh: IO[bytes], part: str, shown: str) -> list[str]:
    cell_tag, f_tag, v_tag, row_tag, data_tag = (
        f"{{{_NS_MAIN}}}{t}" for t in ("c", "f", "v", "row", "sheetData"))
    missing: list[str] = []
    sheet_data = None
    for event, elem in iterparse_part(fh, part, shown, ("start", "end")):
        if event == "start":
            if elem.tag == data_tag:
                sheet_data = elem
            continue
        if elem.tag == cell_tag and elem.find(f_tag) is not None:
            v = elem.find(v_tag)
            if v is None or not (v.text or ""):
                missing.append(elem.get("r", ""))
        elif elem.tag == row_tag and sheet_data is not None:
            sheet_data.clear()  # finished rows are no longer needed: keep memory flat
    return missing
