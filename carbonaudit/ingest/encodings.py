"""The text encoding of a CSV file: byte-order marks, detection and strict decoding.

One streamed pass hashes the file and checks that it decodes strictly; nothing is ever
decoded with replacement characters behind the user's back.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from carbonaudit.errors import InputUnreadable, UsageError
from carbonaudit.factors.vocab import fold
from carbonaudit.ingest.columns import CHINESE_ALIASES

_CHUNK = 1024**2
HEAD_BYTES = 256 * 1024  # enough text for 30 rows of any sane activity sheet
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# An explicit codec of the same family as the file's byte-order mark: use the BOM-aware one,
# or the mark would become an invisible first character of the first header cell.
_BOM_FAMILY = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
               "utf-32-le": "utf-32", "utf-32-be": "utf-32"}
# Without a mark these codecs guess the byte order (the machine's own) and decode silently.
_NEEDS_BOM = ("utf-16", "utf-32")


def hash_and_decode(path: Path, shown: str, encoding: str | None) -> tuple[str, str, bool]:
    """One streamed pass: SHA-256, a strict decode with the likely encoding, any quote char.

    Returns (sha256, encoding, whether the file contains a double quote at all).
    """
    with path.open("rb") as fh:
        head = fh.read(4)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if encoding is not None:
        encoding = _given_codec(encoding, bom, shown)
    candidate = encoding or bom or "utf-8"
    digest, ok, where, quoted = _hash_and_check(path, candidate)
    if ok:
        return digest, candidate, quoted
    if encoding is not None or bom is not None:
        raise InputUnreadable(shown, f"the file is not valid {candidate} text (byte {where}); "
                              "check --encoding, or leave it out to detect the encoding")
    for guess in _chinese_encodings(path):
        if _decodes(path, guess):
            return digest, guess, quoted
    raise InputUnreadable(shown, "could not work out the text encoding (tried UTF-8, GB18030 "
                          "and Big5); save the file as UTF-8 or pass --encoding")


def _given_codec(encoding: str, bom: str | None, shown: str) -> str:
    """The codec named by `--encoding`, checked: a text encoding, and usable on this file."""
    try:
        name = codecs.lookup(encoding).name
        # str.decode refuses bytes-to-bytes codecs (hex, base64, zlib, rot13) with LookupError
        b"abcd".decode(name, errors="ignore")
    except UnicodeError as exc:  # the 'undefined' codec decodes nothing
        raise UsageError(f"'{encoding}' cannot decode any text") from exc
    except LookupError as exc:
        if "not a text encoding" in str(exc):
            raise UsageError(f"'{encoding}' is not a text encoding (it turns bytes into bytes, "
                             "not into text); give one such as utf-8, gb18030 or big5") from exc
        raise UsageError(f"unknown text encoding '{encoding}'") from exc
    family = _BOM_FAMILY.get(name)
    if family is not None and bom == family:
        return bom  # same encoding; the BOM-aware codec drops the byte-order mark
    if name in _NEEDS_BOM and bom != name:
        raise InputUnreadable(shown, f"--encoding {encoding} needs a byte-order mark at the start "
                              "of the file and this file has none; give "
                              f"{name}-le or {name}-be instead")
    return name


def _hash_and_check(path: Path, encoding: str) -> tuple[str, bool, int, bool]:
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    ok, offset, where, quoted = True, 0, -1, False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            quoted = quoted or b'"' in chunk
            if ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    ok, where = False, offset + exc.start
            offset += len(chunk)
    if ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok, where = False, offset
    return digest.hexdigest(), ok, where, quoted


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _chinese_encodings(path: Path) -> list[str]:
    """GB18030 and Big5, most plausible first.

    Each happily decodes much of the other's bytes into nonsense, so "decodes without error"
    is not enough: the decoding whose header cells read as known Chinese column names wins.
    """
    with path.open("rb") as fh:
        sample = fh.read(HEAD_BYTES)
    if len(sample) == HEAD_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # "\n" never occurs inside these encodings
    scores = []
    for order, name in enumerate(("gb18030", "big5")):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            scores.append((-1, order, name))
            continue
        cells = re.split(r"[,;\t|\r\n\"]+", text[:20000])
        scores.append((sum(fold(c) in CHINESE_ALIASES for c in cells), -order, name))
    scores.sort(reverse=True)
    return [name for _, _, name in scores]


def head_text(path: Path, encoding: str) -> str:
    """The first lines of the file as text (a possibly cut final line is dropped)."""
    with path.open("rb") as fh:
        raw = fh.read(HEAD_BYTES)
        complete = not fh.read(1)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=complete)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text
