"""Safe JSON reading for every JSON input (report documents, PACT and CBAM files).

Python's `json` accepts things that are not JSON or not safe to pass on: `NaN` and
`Infinity` literals, numbers that overflow to infinity (`1e400`), the same key twice (the
last silently wins), text holding half of a UTF-16 surrogate pair (`"\\ud800"`, which
cannot be printed or written as UTF-8), and nesting deep enough to exhaust the stack.
Here each of those is a finding with a stable code and a JSON pointer, never an exception
from the middle of a later step.

The fast path is the C parser with hooks that only raise a flag; a document that raised
one is then scanned once more in pure Python to say where the problem is (pointer, line,
column).  Good documents never pay for the scan.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding, Location, error

MAX_DEPTH = 200  # our documents nest under 10 levels; jsonschema recurses per level
_FLOAT_DIGITS = 308  # a whole number with more digits is beyond the largest float
MAX_PROBLEMS = 100
# Findings that mean nothing could be read (exit 3); the rest are errors in a read document.
UNREADABLE = frozenset({"json-empty", "json-not-utf8", "json-syntax", "json-too-deep"})

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_NON_FINITE = {"NaN", "Infinity", "-Infinity"}


class JsonRejected(json.JSONDecodeError):
    """JSON that parses but may not be used (NaN, a duplicate key, a lone surrogate, too
    deep).  A JSONDecodeError, so a caller's existing handler for bad JSON catches it;
    `findings` holds every problem with its pointer."""

    def __init__(self, findings: list[Finding], text: str, pos: int) -> None:
        first = findings[0]
        where = first.location.pointer or "the top level"
        if len(where) > 60:  # a 200-level pointer says nothing more than its ends
            where = f"{where[:24]}…{where[-24:]}"
        short = first.message.rsplit(" (line ", 1)[0]
        super().__init__(f"{short} (JSON pointer {where})", text, pos)
        self.findings = findings


def printable(text: str) -> str:
    """text with lone surrogates written as `\\udXXX`, so it can always be printed or
    encoded as UTF-8 (file names that are not UTF-8 reach Python as such surrogates)."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def quoted(text: str, limit: int = 60) -> str:
    """User text for a message: printable, shortened, in double quotes."""
    text = printable(text)
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def pointer(parts) -> str:
    """The JSON pointer (RFC 6901) of a path of keys and indexes; '' is the whole document."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def parse(raw: bytes | str, file: str | None = None) -> tuple[object | None, list[Finding]]:
    """The document in raw, or None and the findings that say why it may not be used.

    Never raises for any content: bad UTF-8, bad syntax, excessive depth, NaN/Infinity,
    overflowing or over-long numbers, duplicate keys and lone surrogates are all findings
    (codes in UNREADABLE mean nothing was read).
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            return None, [error("json-not-utf8", (
                f"The file is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start} (line {line}) is not UTF-8; JSON files are UTF-8."),
                Location(file=file))]
    else:
        text = raw.removeprefix("\ufeff")
    if not text.strip():
        return None, [error("json-empty", "The file is empty; a JSON document was expected.",
                            Location(file=file))]
    try:
        return _load(text, file, raise_rejected=False)
    except json.JSONDecodeError as exc:
        return None, [error("json-syntax", (
            f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}."), Location(file=file))]


def loads(raw: bytes | str, *, allow_nan: bool = False) -> object:
    """Drop-in for json.loads: UnicodeDecodeError for bytes that are not UTF-8,
    JSONDecodeError for bad syntax, JsonRejected (a JSONDecodeError) for the rest.

    allow_nan=True passes NaN and Infinity through as floats, for a caller that reports
    them itself in its own terms (PACT's `pact-not-finite`); all other checks still apply.
    """
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    doc, _ = _load(text, None, raise_rejected=True, allow_nan=allow_nan)
    return doc


def read(path: Path) -> tuple[object | None, bytes, list[Finding]]:
    """parse() of a file: (document or None, the bytes read, findings).  A file that cannot
    be opened is InputUnreadable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else \
            f"cannot be read ({exc.strerror or exc})"
        raise InputUnreadable(printable(str(path)), reason) from None
    doc, found = parse(raw, printable(str(path)))
    return doc, raw, found


def _load(text: str, file: str | None, *, raise_rejected: bool, allow_nan: bool = False
          ) -> tuple[object, list[Finding]]:
    """The C parser with flagging hooks; on a flag, the slow scan for the findings.

    Raises JSONDecodeError for bad syntax.  A document that may not be used raises
    JsonRejected (raise_rejected) or gives (None, findings).
    """
    flags: list[str] = []

    def on_constant(name: str) -> float | None:
        if allow_nan:
            return float(name)
        flags.append("non-finite")
        return None

    def on_float(s: str) -> float:
        value = float(s)
        if math.isinf(value) and not allow_nan:
            flags.append("non-finite")
        return value

    def on_int(s: str) -> int:
        if len(s) > _FLOAT_DIGITS and _beyond_float(s):  # kg / 1000 would overflow later
            flags.append("long")
            return 0
        return int(s)

    def on_pairs(pairs: list) -> dict:
        out = dict(pairs)
        if len(out) != len(pairs):
            flags.append("duplicate")
        return out

    try:
        doc = json.loads(text, parse_constant=on_constant, parse_float=on_float,
                         parse_int=on_int, object_pairs_hook=on_pairs)
    except RecursionError:
        flags.append("deep")
        doc = None
    if not flags and _SURROGATE_ESCAPE.search(text):
        flags.append("surrogate?")
    if not flags and text.count("[") + text.count("{") > MAX_DEPTH and _depth(doc) > MAX_DEPTH:
        flags.append("deep")
    if not flags:
        return doc, []
    found = _scan(text, file, allow_nan)
    if not found and "deep" in flags:  # the stack ran out before MAX_DEPTH levels
        found = [(error("json-too-deep", "The document nests lists and objects too deeply "
                        "to be read.", Location(file=file)), 0)]
    if not found:  # a surrogate escape that was half of a proper pair
        return doc, []
    if raise_rejected:
        raise JsonRejected([f for f, _ in found], text, found[0][1])
    return None, [f for f, _ in found]


def _beyond_float(digits: str) -> bool:
    """A whole number too large for a float (int() itself refuses over 4,300 digits)."""
    try:
        float(int(digits))
    except (OverflowError, ValueError):
        return True
    return False


def _depth(doc: object) -> int:
    """How deeply lists and objects nest (0 for a scalar), level by level without
    recursion, stopping once past MAX_DEPTH."""
    level = [doc] if type(doc) in (dict, list) else []
    depth = 0
    while level and depth <= MAX_DEPTH:
        depth += 1
        below: list = []
        for node in level:
            below.extend([c for c in (node.values() if type(node) is dict else node)
                          if type(c) in (dict, list)])
        level = below
    return depth


def _scan(text: str, file: str | None, allow_nan: bool = False
          ) -> list[tuple[Finding, int]]:
    """Walk the text token by token, keeping the path, and report each problem with its
    JSON pointer and line/column.  Only run on a document the C parser flagged, so
    everything before the first problem is well-formed JSON."""
    problems: list[tuple[Finding, int]] = []
    stack: list[list] = []  # [is_object, current key or index, keys seen]
    expect_key = False
    pos = 0

    def add(code: str, message: str, at: int, path: list) -> None:
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        where = Location(file=file, pointer=printable(pointer(path)))
        problems.append((error(code, f"{message} (line {line}, column {column}).", where), at))

    try:
        while len(problems) < MAX_PROBLEMS:
            pos = _WS.match(text, pos).end()
            if pos >= len(text):
                break
            ch = text[pos]
            path = [frame[1] for frame in stack]
            if ch in "{[":
                if len(stack) >= MAX_DEPTH:
                    add("json-too-deep", f"The document nests lists and objects more than "
                        f"{MAX_DEPTH} levels deep; no carbonaudit document nests that deep",
                        pos, path)
                    break
                stack.append([ch == "{", None if ch == "{" else 0, set()])
                expect_key = ch == "{"
                pos += 1
            elif ch in "}]":
                stack.pop()
                expect_key = False
                pos += 1
            elif ch == ",":
                if stack[-1][0]:
                    expect_key = True
                else:
                    stack[-1][1] += 1
                pos += 1
            elif ch == ":":
                pos += 1
            elif ch == '"':
                m = _STRING.match(text, pos)
                value = json.loads(m.group()) if "\\" in m.group() else m.group()[1:-1]
                if expect_key:
                    top = stack[-1]
                    top[1] = value
                    path = [frame[1] for frame in stack]
                    if value in top[2]:
                        add("json-duplicate-key", f"The key {quoted(value)} appears more than "
                            "once in one object; JSON readers disagree on which value counts, so "
                            "give each key once", pos, path)
                    top[2].add(value)
                    expect_key = False
                if _SURROGATE.search(value):
                    add("json-lone-surrogate", f"The text {quoted(value)} holds half of a "
                        "UTF-16 surrogate pair without its other half, which is not a "
                        "character; correct the text", pos, path)
                pos = m.end()
            else:
                m = _SCALAR.match(text, pos)
                token = m.group()
                if allow_nan and (token in _NON_FINITE or m.group(1) or m.group(2)):
                    pass  # the caller reports these in its own terms
                elif token in _NON_FINITE:
                    add("json-non-finite", f"{token} is not a JSON number; write a number "
                        "(or null where a value is unknown)", pos, path)
                elif (m.group(1) or m.group(2)) and math.isinf(float(token)):
                    add("json-non-finite", f"The number {token[:40]} is too large to "
                        "represent (it would become infinity)", pos, path)
                elif not (m.group(1) or m.group(2)) and len(token) > _FLOAT_DIGITS \
                        and _beyond_float(token):
                    add("json-non-finite", f"A whole number of {len(token)} digits is too "
                        "large to calculate with", pos, path)
                pos = m.end()
    except (AttributeError, IndexError):  # past the part the C parser vouched for
        if not problems:
            add("json-syntax", "The file is not valid JSON", pos, [])
    return problems
