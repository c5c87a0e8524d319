"""One entry point for installation files: the official template or our own workbook.

`read_installation` checks the file is a sane .xlsx (`check_workbook`: zip bombs, encrypted
or corrupt files are refused with `InputUnreadable` before any parser runs), picks the reader
by the sheets present (the official template has VersionDocumentation and A_InstData; ours has
Installation and Processes) and stamps the result with where it came from: `source_kind`,
`source_path` (as the caller gave it) and `source_sha256` (of the bytes read).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from carbonaudit.cbam.cells import sheet_names
from carbonaudit.cbam.model import Installation
from carbonaudit.cbam.official import read_official
from carbonaudit.cbam.workbook_layout import MARKER_SHEETS, is_installation_workbook
from carbonaudit.cbam.workbook_reader import read_installation_workbook
from carbonaudit.errors import InputUnreadable
from carbonaudit.findings import Finding
from carbonaudit.ingest.xlsx_safety import check_workbook

OFFICIAL_MARKERS = ("VersionDocumentation", "A_InstData")


def read_installation(path: Path | str) -> tuple[Installation, list[Finding]]:
    """Read an installation workbook of either kind into the model plus findings."""
    shown = str(path)
    check_workbook(Path(path))
    names = sheet_names(Path(path), shown)
    if any(n in names for n in OFFICIAL_MARKERS):
        inst, findings = read_official(path)
    elif is_installation_workbook(names):
        inst, findings = read_installation_workbook(path)
    else:
        missing = [n for n in MARKER_SHEETS if n not in names]
        raise InputUnreadable(shown, (
            "neither the Commission's CBAM installation template (no A_InstData sheet) nor a "
            f"carbonaudit installation workbook (no {' or '.join(missing)} sheet); "
            "`carbonaudit template installation` writes a blank one"))
    inst.source_path = shown
    inst.source_sha256 = _sha256(Path(path))
    return inst, findings


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
