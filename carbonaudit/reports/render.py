"""Entry points: read a report document, refuse it unless it is valid, render xlsx or pdf.

The document type comes from the document itself: `document_type: "cbam-communication"`
is a CBAM communication, `carbonaudit.inventory` (or an object with the inventory's keys)
is a GHG inventory.  Reports are drawn from the validated document only, never recomputed,
so the workbook, the PDF and the JSON agree.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from carbonaudit.errors import CarbonAuditError, InputUnreadable, UsageError

FORMATS = ("xlsx", "pdf", "hkex")  # hkex: HKEX Part D workbook + bilingual PDF (hkex.py)
STANDARDS = ("ghg-protocol", "iso14064")
_INVENTORY_KEYS = {"totals_kgco2e", "scope_2", "by_iso_category"}


class InvalidDocument(CarbonAuditError):
    """The document fails its schema (or holds JSON we refuse: NaN, a duplicate key, a
    lone surrogate); `findings` holds one finding per violation."""

    def __init__(self, kind: str, findings: list, problem: str = "does not match its schema"
                 ) -> None:
        shown = "; ".join(f"{f.location.pointer}: {f.message}" for f in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        super().__init__(f"the {kind} document {problem}, so no report was written: "
                         f"{shown}{more}")
        self.findings = findings


def document_kind(doc: dict) -> str:
    """'cbam' or 'inventory'; UsageError for anything else."""
    if not isinstance(doc, dict):
        raise UsageError("a report document is a JSON object; this one is not")
    if doc.get("document_type") == "cbam-communication":
        return "cbam"
    if doc.get("document_type") == "carbonaudit.inventory" or doc.keys() >= _INVENTORY_KEYS:
        return "inventory"
    raise UsageError("not a carbonaudit report document: expected inventory.json from "
                     "`carbonaudit assess` or cbam-communication.json from "
                     "`carbonaudit cbam assess`")


def load_document(path: Path) -> tuple[dict, bytes]:
    """The parsed JSON and its bytes (through the safe loader).  InputUnreadable when it
    cannot be read or parsed at all; InvalidDocument for JSON we refuse (NaN, Infinity, a
    duplicate key, a lone surrogate), each a finding with its JSON pointer."""
    from carbonaudit.jsonio import UNREADABLE, read

    doc, raw, found = read(Path(path))
    unreadable = [f for f in found if f.code in UNREADABLE]
    if unreadable:
        raise InputUnreadable(unreadable[0].location.file or str(path), unreadable[0].message)
    if found:
        raise InvalidDocument("JSON", found, "holds values that JSON does not allow")
    return doc, raw


def check_document(doc: dict) -> str:
    """Validate doc against its schema; the kind, or InvalidDocument with the findings."""
    from carbonaudit.schemas import validate_document

    kind = document_kind(doc)
    schema = "cbam-communication" if kind == "cbam" else "inventory"
    problems = validate_document(doc, schema)
    if problems:
        raise InvalidDocument(kind, problems)
    return kind


def render_report(doc_path: Path, fmt: str, out: Path, *, lang: str = "en",
                  standard: str | None = None, cjk_font: Path | None = None) -> Path:
    """Render the document at doc_path as fmt (xlsx or pdf) to out; returns out."""
    doc_path = Path(doc_path)
    doc, raw = load_document(doc_path)
    return render_document(doc, fmt, out, lang=lang, standard=standard, cjk_font=cjk_font,
                           source=doc_path, doc_bytes=raw)


def render_document(doc: dict, fmt: str, out: Path, *, lang: str = "en",
                    standard: str | None = None, cjk_font: Path | None = None,
                    source: Path | None = None, doc_bytes: bytes | None = None) -> Path:
    """Render a report document (already parsed) to out.

    `standard` orders an inventory report (default ghg-protocol); a CBAM communication has
    one layout, so a standard given for it is refused rather than silently ignored.
    `source` is where the document was read from: results.csv and findings.json are looked
    for beside it.  The footer hash is the SHA-256 of doc_bytes, or of the canonical
    serialisation when the document did not come from a file.
    """
    check_options(fmt, standard, cjk_font, lang)
    kind = check_document(doc)
    if kind == "cbam" and standard is not None:
        raise UsageError("--standard applies to inventory reports; a CBAM communication "
                         "report has a single layout, so leave --standard out")
    standard = standard or STANDARDS[0]
    out = Path(out)
    if source is not None and out.resolve() == Path(source).resolve():
        raise UsageError(f"refusing to write the report over its input {out}")
    if fmt == "hkex":
        if kind != "inventory":
            raise UsageError("--format hkex renders an inventory (inventory.json)")
        from carbonaudit.reports.hkex import write_hkex

        return write_hkex(doc, out, lang=lang, doc_hash=document_hash(doc, doc_bytes),
                          command=command_line(source, fmt, lang, None), cjk_font=cjk_font)
    view = build_view(doc, kind, fmt, lang=lang, standard=standard, source=source,
                      doc_bytes=doc_bytes)
    if fmt == "xlsx":
        from carbonaudit.reports.excel import write_workbook

        return write_workbook(view, out)
    from carbonaudit.reports.pdf import write_pdf

    return write_pdf(view, out, cjk_font=cjk_font)


def check_options(fmt: str, standard: str | None, cjk_font: Path | None,
                  lang: str | None = None) -> None:
    """UsageError for an option we do not have, before any path is built from them (a
    `--lang ../x` must never become part of a file name)."""
    if lang is not None:
        from carbonaudit.reports.labels import load_catalogue

        load_catalogue(lang)
    if fmt not in FORMATS:
        raise UsageError(f"--format takes {' or '.join(FORMATS)}, not {fmt!r}")
    if standard is not None and standard not in STANDARDS:
        raise UsageError(f"--standard takes {' or '.join(STANDARDS)}, not {standard!r}")
    if cjk_font is not None and not Path(cjk_font).is_file():
        raise UsageError(f"--cjk-font: no such font file {cjk_font}")


def document_hash(doc: dict, doc_bytes: bytes | None) -> str:
    """SHA-256 of the document as read (or as carbonaudit would write it)."""
    if doc_bytes is None:
        from carbonaudit.outputs import dumps

        doc_bytes = dumps(doc)
    return hashlib.sha256(doc_bytes).hexdigest()


def command_line(source: Path | None, fmt: str, lang: str, standard: str | None) -> str:
    """The report command as a person would retype it (file name only: paths vary)."""
    name = source.name if source is not None else "<document>"
    chosen = f" --standard {standard}" if standard else ""
    return f"carbonaudit report {name} --format {fmt} --lang {lang}{chosen}"


def build_view(doc: dict, kind: str, fmt: str, *, lang: str, standard: str,
               source: Path | None, doc_bytes: bytes | None):
    """The ReportView both renderers draw."""
    from carbonaudit.reports.labels import Labels

    labels = Labels(lang)
    digest = document_hash(doc, doc_bytes)
    command = command_line(source, fmt, lang, None if kind == "cbam" else standard)
    if kind == "cbam":
        from carbonaudit.reports.cbam_view import build

        return build(doc, labels, standard, doc_hash=digest, command=command)
    from carbonaudit.reports.companions import companions
    from carbonaudit.reports.inventory_view import build

    folder = Path(source).parent if source is not None else None
    beside = companions(doc, folder)  # refuses a results.csv or findings.json of another run
    return build(doc, labels, standard, doc_hash=digest, command=command,
                 findings=beside.findings, results_csv=beside.results_csv)


def report_formats(formats: str | None, lang: str) -> list[str]:
    """The formats of `--report xlsx,pdf`, checked before any work is done."""
    from carbonaudit.reports.labels import load_catalogue

    if not formats:
        return []
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or any(f not in FORMATS for f in chosen):
        raise UsageError(f"--report takes {', '.join(FORMATS)} or both, not {formats!r}")
    load_catalogue(lang)  # an unknown --lang is a usage error now, not after the run
    return chosen


def render_beside(doc_path: Path, formats: list[str], lang: str, stem: str) -> dict[str, Path]:
    """Render the just-written document as `<stem>-<lang>.<fmt>` beside it."""
    return {f"report_{fmt}": render_report(
        doc_path, fmt, doc_path.with_name(report_name(stem, lang, fmt)), lang=lang)
        for fmt in formats}


def report_name(stem: str, lang: str, fmt: str, standard: str | None = None) -> str:
    """`<stem>-<lang>.<fmt>`; the ISO ordering gets its own name so that it never
    overwrites the GHG Protocol report beside it."""
    suffix = f"-{standard}" if standard == "iso14064" else ""
    if fmt == "hkex":  # a workbook, with its PDF beside it
        return f"{stem}-{lang}-hkex.xlsx"
    return f"{stem}-{lang}{suffix}.{fmt}"
