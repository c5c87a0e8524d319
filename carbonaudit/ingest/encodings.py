"""The text encoding of a CSV file: byte-order marks, detection and strict decoding.

One streamed pass hashes the file and checks that it decodes strictly; nothing is ever
decoded with replacement characters behind the user's back.  A file that is not UTF-8 gets
the legacy encoding the evidence singles out (`_detect`), or a refusal asking for
`--encoding`: a guess between readings that give different text would be a silent wrong
site name, which is worse than a question.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import numpy as np

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
        head = fh.read(4096)
    bom = next((name for mark, name in _BOMS if head.startswith(mark)), None)
    if encoding is not None:
        encoding = _given_codec(encoding, bom, shown)
    elif bom is None and _looks_like_utf16(head):
        # valid UTF-8 too (NUL is a character), so check before UTF-8 gets its say
        raise InputUnreadable(shown, "the file looks like UTF-16 text without a byte-order "
                              "mark; pass --encoding utf-16-le (or utf-16-be)")
    candidate = encoding or bom or "utf-8"
    digest, ok, where, quoted = _hash_and_check(path, candidate)
    if ok:
        return digest, candidate, quoted
    if encoding is not None or bom is not None:
        raise InputUnreadable(shown, f"the file is not valid {candidate} text (byte {where}); "
                              "check --encoding, or leave it out to detect the encoding")
    _refuse_if_mixed(path, shown, where)
    guess = _detect(path, shown)
    if not _decodes(path, guess):
        raise InputUnreadable(shown, f"the file reads as {_named(guess)} at the start but not "
                              "further on; pass --encoding, or save the file as UTF-8")
    return digest, guess, quoted


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


# Legacy encodings our users' files come in (GB18030 and Big5 from the Mainland and Hong
# Kong, Shift-JIS and Korean from suppliers, Windows Western and Central European), in the
# order a name is preferred when several give the same text.  cp1250 is there as much to
# catch a Western guess that would be wrong as to be chosen.
_LEGACY = ("gb18030", "big5", "big5hkscs", "cp932", "cp949", "cp1252", "cp1250")
_NAMES = {"gb18030": "GB18030", "big5": "Big5", "big5hkscs": "Big5-HKSCS",
          "cp932": "Shift-JIS (cp932)", "cp949": "Korean (cp949)",
          "cp1252": "Windows Western (cp1252)", "cp1250": "Windows Central European (cp1250)"}


def _named(codec: str) -> str:
    return _NAMES.get(codec, codec)


def _refuse_if_mixed(path: Path, shown: str, where: int) -> None:
    """UTF-8 text (valid multi-byte sequences) up to a byte that is not: mixed encodings.

    Decoding the whole file in a legacy encoding would garble every UTF-8 character before
    that point, so stop and say where the other encoding starts.
    """
    leads, lines, offset = 0, 1, 0
    with path.open("rb") as fh:
        while offset < where and (chunk := fh.read(min(_CHUNK, where - offset))):
            buf = np.frombuffer(chunk, dtype=np.uint8)
            leads += int(np.count_nonzero((buf >= 0xC2) & (buf <= 0xF4)))
            lines += chunk.count(b"\n")
            offset += len(chunk)
    if leads >= 2:  # one accidental pair is possible in legacy text, two in a row hardly
        raise InputUnreadable(shown, f"the file is UTF-8 up to line {lines} (byte {where:,}), "
                              "where text in another encoding starts; save the file again as "
                              "UTF-8, or retype that line")


def _detect(path: Path, shown: str) -> str:
    """The one legacy encoding the evidence singles out; `InputUnreadable` when it does not.

    Evidence, strongest first: the candidates that decode the head at all (grouped by the
    text they give, since several share most characters); Chinese column names in the header
    under one reading only; then charset-normalizer's measure of how much each reading looks
    like text.  Never a guess between readings that give different text.
    """
    with path.open("rb") as fh:
        sample = fh.read(HEAD_BYTES)
    if len(sample) == HEAD_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # "\n" never occurs inside these codecs
    readings: dict[str, list[str]] = {}
    for codec in _LEGACY:
        try:
            readings.setdefault(sample.decode(codec), []).append(codec)
        except UnicodeDecodeError:
            continue
    if len(readings) == 1:
        return next(iter(readings.values()))[0]
    if not readings:
        raise InputUnreadable(shown, "could not work out the text encoding: it is not UTF-8 "
                              "and none of " + ", ".join(map(_named, _LEGACY)) + " reads it; "
                              "save the file as UTF-8 or pass --encoding")
    by_header = _by_header_names(readings)
    if by_header is not None:
        return by_header
    plausible = _plausible(sample, readings)
    if len(plausible) == 1:
        return plausible[0]
    shown_names = ", ".join(map(_named, plausible or [g[0] for g in readings.values()]))
    raise InputUnreadable(shown, "cannot tell the text encoding for sure: the file is not "
                          f"UTF-8 and reads as {shown_names}, each giving different text; "
                          "pass --encoding with the right one, or save the file as UTF-8")


def _by_header_names(readings: dict[str, list[str]]) -> str | None:
    """The reading in which the head shows more Chinese column names than in any other."""
    scores = []
    for text, codecs_ in readings.items():
        cells = re.split(r"[,;\t|\r\n\"]+", text[:20000])
        scores.append((sum(fold(c) in CHINESE_ALIASES for c in cells), codecs_[0]))
    scores.sort(reverse=True)
    if scores[0][0] > 0 and scores[0][0] > scores[1][0]:
        return scores[0][1]
    return None


def _plausible(sample: bytes, readings: dict[str, list[str]]) -> list[str]:
    """Readings charset-normalizer does not reject as noise (first codec of each)."""
    import charset_normalizer  # heavy-ish: only for files that are not UTF-8

    found = charset_normalizer.from_bytes(
        sample, cp_isolation=[c for group in readings.values() for c in group])
    kept: dict[str, str] = {}
    for match in found:
        try:
            text = sample.decode(match.encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if text in readings:
            kept.setdefault(text, readings[text][0])
    return list(kept.values())


def _looks_like_utf16(sample: bytes) -> bool:
    """ASCII text as UTF-16 without a mark: a NUL in every other byte."""
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * len(odd)


def head_text(path: Path, encoding: str) -> str:
    """The first lines of the file as text (a possibly cut final line is dropped)."""
    with path.open("rb") as fh:
        raw = fh.read(HEAD_BYTES)
        complete = not fh.read(1)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=complete)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text
