"""Bounded memory on small hostile workbooks: measure each sheet before calamine builds it.

calamine materialises a sheet as a dense grid from A1 to its farthest value, and copies a
shared string into every cell that uses it.  So a 19 KB file with one value at XFD1048576
asks for a grid of 17 billion cells (512 GiB), and a 50 KB file with a 1 MiB shared string
used by 1,500 cells becomes 1.5 GB of text twice over (Rust, then Python).  What costs memory
is what the file does *not* hold: grid cells no XML backs, text repeated beyond the XML that
names it.  So the limits compare the two, with a floor every small workbook stays under:

* grid: at most `AREA_FLOOR` cells, or one cell per `XML_BYTES_PER_CELL` bytes of sheet XML.
  A legitimate 1,048,576 x 20 sheet holds ~30 bytes of XML per cell and passes; one stray value
  far to the right of a 10,000-row table does not, and the refusal names that cell.
* shared text: at most `TEXT_FLOOR` bytes, or `TEXT_PER_XML_BYTE` bytes per byte of sheet XML.

Measuring is cheap for what well-behaved writers produce: the sheet's `<dimension>` is taken as
a claim and one regular-expression pass (RE2, without the GIL) checks that no cell lies beyond
it; shared text is bounded from the longest entry, and only counted cell by cell when that
bound is not enough.  Anything unusual (no dimension, cells without references, prefixed
tags) gets the exact measure: a streamed expat pass that refuses DTDs.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.parsers import expat

import numpy as np

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import column_letter

AREA_FLOOR = 5_000_000          # grid cells any sheet may span, whatever its XML holds
XML_BYTES_PER_CELL = 4          # beyond the floor: bytes of sheet XML per grid cell spanned
WORKBOOK_AREA_FLOOR = 4 * AREA_FLOOR  # all sheets together (reading time adds up)
TEXT_FLOOR = 128 * 1024**2      # bytes of shared text a sheet may copy into its cells
TEXT_PER_XML_BYTE = 8           # beyond the floor: bytes of shared text per byte of sheet XML
# What one grid cell costs in calamine and in the Python lists it hands over (measured: see
# tests/test_ingest_hostile.py); only used to say how much memory a refused sheet would take.
_BYTES_PER_GRID_CELL = 40
_MIN_STRING_CELL_XML = 20       # len('<c t="s"><v>0</v></c>') - 1: a bound on string cells
_CHUNK = 8 * 1024**2


@dataclass
class SheetSize:
    """What reading one sheet would materialise."""

    name: str
    part: str
    xml_bytes: int
    rows: int                   # 1-based row of the farthest value (the grid starts at A1)
    cols: int
    text_bytes: int             # shared-string bytes copied into cells (an upper bound)
    far_row_cell: str = ""      # a cell on the farthest row / in the farthest column
    far_col_cell: str = ""

    @property
    def area(self) -> int:
        """Cells of the grid from A1 to the farthest value."""
        return self.rows * self.cols


def area_limit(xml_bytes: int) -> int:
    """Grid cells a sheet with this much XML may span."""
    return max(AREA_FLOOR, xml_bytes // XML_BYTES_PER_CELL)


def text_limit(xml_bytes: int) -> int:
    """Bytes of shared text a sheet with this much XML may copy into its cells."""
    return max(TEXT_FLOOR, xml_bytes * TEXT_PER_XML_BYTE)


def check_sizes(zf: zipfile.ZipFile, shown: str, sheets: Sequence[tuple[str, str]],
                shared_strings: Sequence[str]) -> list[SheetSize]:
    """Raise `InputUnreadable` if a sheet (or all together) would exceed the limits.

    `sheets`: (name, zip member) of every worksheet; `shared_strings`: the members that may
    hold the shared-string table.  Returns the measures, for callers that want them.
    """
    members = {m.filename: m for m in zf.infolist()}
    spans = _shared_string_spans(zf, shown, [p for p in shared_strings if p in members])
    sizes = []
    for name, part in sheets:
        if part not in members:
            continue
        size = _measure(zf, shown, name, part, members[part].file_size, spans)
        _refuse_if_too_big(shown, size)
        sizes.append(size)
    # Sheets are read one after another, so memory is a per-sheet matter; time is not: a
    # workbook of many sheets at the floor is refused as a whole.
    xml = sum(s.xml_bytes for s in sizes)
    area = sum(s.area for s in sizes)
    if area > max(WORKBOOK_AREA_FLOOR, xml // XML_BYTES_PER_CELL):
        raise InputUnreadable(shown, f"its sheets together span {area:,} cells while their XML "
                              f"holds {xml:,} bytes; refusing to open it (the limit is "
                              f"{WORKBOOK_AREA_FLOOR:,} cells, or one per "
                              f"{XML_BYTES_PER_CELL} bytes of sheet XML)")
    return sizes


def _refuse_if_too_big(shown: str, size: SheetSize) -> None:
    if size.area > area_limit(size.xml_bytes):
        far = " and ".join(dict.fromkeys(c for c in (size.far_col_cell, size.far_row_cell) if c))
        gigabytes = size.area * _BYTES_PER_GRID_CELL / 1e9
        raise InputUnreadable(
            shown, f"sheet '{size.name}' spans A1:{column_letter(size.cols - 1)}{size.rows} "
            f"({size.area:,} cells, about {gigabytes:,.1f} GB to read) while its XML holds "
            f"only {size.xml_bytes:,} bytes; refusing to open it (the limit is "
            f"{AREA_FLOOR:,} cells, or one per {XML_BYTES_PER_CELL} bytes of sheet XML). "
            f"A value far from the data causes this ({far}): delete it and save again")
    if size.text_bytes > text_limit(size.xml_bytes):
        raise InputUnreadable(
            shown, f"sheet '{size.name}' repeats shared text into its cells, "
            f"{size.text_bytes:,} bytes in all, while its XML holds only "
            f"{size.xml_bytes:,} bytes; refusing to open it (the limit is {TEXT_FLOOR:,} "
            f"bytes, or {TEXT_PER_XML_BYTE} per byte of sheet XML)")


# ---------------------------------------------------------------------------------------------
# Shared strings: an upper bound on each entry's decoded size


def _shared_string_spans(zf: zipfile.ZipFile, shown: str, parts: list[str]) -> np.ndarray:
    """Per shared-string index, an upper bound on its text in UTF-8 bytes (max over parts).

    The bytes from one `<si>` to the next bound the text inside it: decoding XML (entities,
    character references) never makes text longer than its markup.
    """
    spans = np.zeros(0, dtype=np.int64)
    for part in parts:
        found = _si_spans(zf, part)
        if found is None:  # prefixed or attribute-bearing <si>: measure exactly
            found = _ExactStrings.measure(zf, shown, part)
        if len(found) > len(spans):
            found[: len(spans)] = np.maximum(found[: len(spans)], spans)
            spans = found
        else:
            spans[: len(found)] = np.maximum(spans[: len(found)], found)
    return spans


def _si_spans(zf: zipfile.ZipFile, part: str) -> np.ndarray | None:
    starts: list[np.ndarray] = []
    offset, tail, total = 0, b"", 0
    with zf.open(part) as fh:
        while chunk := fh.read(_CHUNK):
            window = tail + chunk
            if window.count(b"<si") != window.count(b"<si>") or b":si" in window:
                return None
            starts.append(_find_all(window, b"<si>") + (offset - len(tail)))
            total = offset + len(chunk)
            offset = total
            tail = window[-3:]  # shorter than "<si>": a match is never found twice
    if not starts:
        return np.zeros(0, dtype=np.int64)
    at = np.concatenate(starts)
    return np.diff(np.append(at, total)).astype(np.int64)


def _find_all(data: bytes, needle: bytes) -> np.ndarray:
    """Offsets of every occurrence of `needle` (no overlaps possible for '<si>')."""
    buf = np.frombuffer(data, dtype=np.uint8)
    if len(buf) < len(needle):
        return np.zeros(0, dtype=np.int64)
    hits = np.flatnonzero(buf[: len(buf) - len(needle) + 1] == needle[0])
    for k in range(1, len(needle)):
        hits = hits[buf[hits + k] == needle[k]]
    return hits.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Sheets: the fast claim check, then the exact measure when it is not conclusive


def _measure(zf: zipfile.ZipFile, shown: str, name: str, part: str, xml_bytes: int,
             spans: np.ndarray) -> SheetSize:
    longest = int(spans.max()) if len(spans) else 0
    bound = (xml_bytes // _MIN_STRING_CELL_XML + 1) * longest
    count_text = bound > text_limit(xml_bytes)
    fast = _claimed_size(zf, name, part, xml_bytes, spans, count_text)
    if fast is not None and fast.area <= area_limit(xml_bytes):
        if not count_text:
            fast.text_bytes = bound
        return fast
    return _ExactSheet.measure(zf, shown, name, part, xml_bytes, spans)


_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')
_STRING_CELL = re.compile(rb'<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")? t="s"><v>([0-9]+)</v>')
_SEAM = 32  # longer than any match of the contradiction pattern


def _claimed_size(zf: zipfile.ZipFile, name: str, part: str, xml_bytes: int,
                  spans: np.ndarray, count_text: bool) -> SheetSize | None:
    """The size the sheet's `<dimension>` claims, if no cell contradicts it; else None."""
    with zf.open(part) as fh:
        head = fh.read(64 * 1024)
    found = _DIMENSION.search(head[: head.find(b"<sheetData")])
    if found is None or b"<sheetData" not in head:
        return None
    letters, digits = found[1].decode(), found[2].decode()
    cols, rows = _column_number(letters), int(digits)
    if rows * cols > area_limit(xml_bytes):
        return None
    if count_text:
        text = _counted_text(zf, part, spans, _contradiction(letters, digits))
        return None if text is None else SheetSize(name, part, xml_bytes, rows, cols, text)
    if _contradicted(zf, part, _contradiction(letters, digits)):
        return None
    return SheetSize(name, part, xml_bytes, rows, cols, 0)


def _contradiction(letters: str, digits: str) -> str:
    """RE2 pattern for a cell beyond `letters``digits`, or one calamine reads otherwise.

    Otherwise: no reference, a prefixed tag, another attribute order, lower case, `$`.
    Every alternative matches within `_SEAM` bytes, so pieces only need that much overlap.
    """
    n, m = len(letters), len(digits)
    cell, col, row = '<c r="', f"[A-Z]{{1,{n}}}", f"[0-9]{{1,{m}}}"
    options = [r'<c[\t\n\r>/]', '<c [^r]', '<c r[^=]', '<c r=[^"]', '<c r="[^A-Z]',
               f"{cell}{col}[^A-Z0-9]", f'{cell}{col}{row}[^0-9"]', r':c[\t\n\r >/]',
               f"{cell}[A-Z]{{{n + 1}}}", f"{cell}{col}[0-9]{{{m + 1}}}"]
    for i, ch in enumerate(letters):
        if ch != "Z":
            options.append(f"{cell}{letters[:i]}[{chr(ord(ch) + 1)}-Z][A-Z]{{{n - i - 1}}}[0-9]")
    for i, ch in enumerate(digits):
        if ch != "9":
            options.append(f'{cell}{col}{digits[:i]}[{int(ch) + 1}-9][0-9]{{{m - i - 1}}}"')
    return "|".join(options)


def _contradicted(zf: zipfile.ZipFile, part: str, pattern: str) -> bool:
    """Whether any piece of the part matches; the next piece inflates while RE2 searches."""
    from concurrent.futures import ThreadPoolExecutor

    tail = b""
    with zf.open(part) as fh, ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(fh.read, _CHUNK)
        while chunk := pending.result():
            pending = pool.submit(fh.read, _CHUNK)
            if _matches(tail + chunk[:_SEAM], pattern) or _matches(chunk, pattern):
                pending.result()  # let the reader finish before the part is closed
                return True
            tail = chunk[-_SEAM:]
    return False


def _matches(data: bytes, pattern: str) -> bool:
    """RE2 search over `data` (no copy, and without the GIL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    return bool(pc.match_substring_regex(array, pattern)[0].as_py())


def _counted_text(zf: zipfile.ZipFile, part: str, spans: np.ndarray,
                  pattern: str) -> int | None:
    """Shared text copied into the sheet's string cells, counted cell by cell; None when a
    cell contradicts the dimension or a string cell is written in a form not counted."""
    text = 0
    with zf.open(part) as fh:
        for window in _windows(fh):
            if _matches(window, pattern):
                return None
            found = _STRING_CELL.findall(window)
            if len(found) != window.count(b't="s"'):
                return None
            text += _text_of(found, spans)
    return text


def _windows(fh) -> Iterator[bytes]:
    """The part in pieces cut just before a `<c`, so no cell is split between two."""
    carry = b""
    while chunk := fh.read(_CHUNK):
        window = carry + chunk
        cut = window.rfind(b"<c")
        if cut <= 0:
            carry = window
            continue
        carry = window[cut:]
        yield window[:cut]
    if carry:
        yield carry


def _text_of(indices: list[bytes], spans: np.ndarray) -> int:
    if not indices or not len(spans):
        return 0
    idx = np.array(indices).astype(np.int64)
    idx = idx[idx < len(spans)]
    return int(spans[idx].sum())


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


class _ExactSheet:
    """Streamed expat pass: the farthest valued cell and the shared text every cell copies.

    Like calamine: a cell without `r` follows the one before it (a row without `r` the row
    before it); only a cell with a value (`<v>` or `<is>`) widens the grid; tags are matched
    by local name, whatever their prefix.
    """

    def __init__(self, spans: np.ndarray) -> None:
        self.spans = spans
        self.row = self.col = 0          # position of the current cell
        self.rows = self.cols = 0
        self.far_row = self.far_col = ""
        self.text = 0
        self.kind: str | None = None
        self.valued = False
        self.in_v = False
        self.value: list[str] = []

    @classmethod
    def measure(cls, zf: zipfile.ZipFile, shown: str, name: str, part: str, xml_bytes: int,
                spans: np.ndarray) -> SheetSize:
        scan = cls(spans)
        parser = _safe_parser(shown, part)
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        parser.CharacterDataHandler = scan.chars
        _feed(parser, zf, shown, part)
        return SheetSize(name, part, xml_bytes, scan.rows, scan.cols, scan.text,
                         scan.far_row, scan.far_col)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        if local == "row":
            given = attrs.get("r", "")
            self.row = int(given) if given.isdigit() else self.row + 1
            self.col = 0
        elif local == "c":
            ref = _CELL_REF.fullmatch(attrs.get("r", ""))
            if ref:
                self.col, self.row = _column_number(ref[1]), int(ref[2])
            else:
                self.col += 1
            self.kind, self.valued, self.value = attrs.get("t"), False, []
        elif local in ("v", "is"):
            self.valued = True
            self.in_v = local == "v"

    def end(self, tag: str) -> None:
        local = tag.rpartition(" ")[2]
        if local == "v":
            self.in_v = False
        elif local == "c" and self.valued:
            ref = f"{column_letter(self.col - 1)}{self.row}"
            if self.row > self.rows:
                self.rows, self.far_row = self.row, ref
            if self.col > self.cols:
                self.cols, self.far_col = self.col, ref
            if self.kind == "s":
                index = "".join(self.value).strip()
                if index.isdigit() and int(index) < len(self.spans):
                    self.text += int(self.spans[int(index)])

    def chars(self, data: str) -> None:
        if self.in_v:
            self.value.append(data)


_CELL_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")


class _ExactStrings:
    """Streamed expat pass over a shared-string table: each entry's text in UTF-8 bytes."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.depth = 0  # inside an <si>

    @classmethod
    def measure(cls, zf: zipfile.ZipFile, shown: str, part: str) -> np.ndarray:
        scan = cls()
        parser = _safe_parser(shown, part)
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        parser.CharacterDataHandler = scan.chars
        _feed(parser, zf, shown, part)
        return np.array(scan.sizes, dtype=np.int64)

    def start(self, tag: str, _attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] == "si":
            if self.depth == 0:
                self.sizes.append(0)
            self.depth += 1

    def end(self, tag: str) -> None:
        if tag.rpartition(" ")[2] == "si":
            self.depth -= 1

    def chars(self, data: str) -> None:
        if self.depth:
            self.sizes[-1] += len(data.encode("utf-8", "surrogatepass"))


def _safe_parser(shown: str, part: str) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def forbid(*_args: object) -> None:
        raise InputUnreadable(shown, f"{part} declares a document type or XML entities, which "
                              "Excel never writes; refusing to read it")

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    return parser


def _feed(parser: expat.XMLParserType, zf: zipfile.ZipFile, shown: str, part: str) -> None:
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise InputUnreadable(shown, f"{part} is not well-formed XML ({exc}); the workbook is "
                              "damaged: open it in Excel and save it again") from exc
