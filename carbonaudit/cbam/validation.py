"""`carbonaudit validate --kind cbam`: check a communication before it is sent.

Accepts our communication JSON, our communication workbook, our installation workbook or a
filled official Commission template.  A JSON or communication workbook is checked as it
stands (schema, Annex I, countries, sums, units, EF sources, shares, justification); an
installation file is computed first and, for an official template, every value the template
states is compared with our recomputation.  Given a filled official template and a
communication JSON together, their products' SEE are compared too (`cross_check`).
`preshipment_verdict` turns the findings into the pass/fail summary of
`--profile pre-shipment`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from carbonaudit.findings import (
    Finding,
    Location,
    ValidationReport,
    error,
    has_errors,
    info,
    sort_key,
)
from carbonaudit.jsonio import loads

OFFICIAL_SHEETS = {"A_InstData", "B_EmInst", "D_Processes"}


class CbamKind:
    name = "cbam"
    description = ("CBAM communication (our JSON or workbook), installation workbook, or a "
                   "filled official Commission template v2.1.1")

    def detect(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".json":
            return _json_type(path) == "cbam-communication"
        if suffix in {".xlsx", ".xlsm"}:
            return _workbook_kind(path) is not None
        return False

    def validate(self, paths: list[Path], context: dict) -> ValidationReport:
        findings: list[Finding] = []
        inputs = []
        products = 0
        for path in paths:
            found, n = validate_file(Path(path), context.get("regime", "definitive"))
            findings.extend(found)
            products += n
            inputs.append({"path": str(path), "sha256": sha256_of(Path(path))})
        findings.extend(cross_check([Path(p) for p in paths]))
        return ValidationReport(self.name, findings, {"products": products}, inputs)


def validate_file(path: Path, regime: str = "definitive") -> tuple[list[Finding], int]:
    """Findings for one file and the number of products it communicates."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _validate_json(path)
    kind = _workbook_kind(path)
    if kind == "communication":
        return _validate_comm_workbook(path)
    return _validate_installation(path, regime)


def _validate_json(path: Path) -> tuple[list[Finding], int]:
    from carbonaudit.cbam.checks import check_document
    from carbonaudit.schemas import validate_document

    try:
        doc = loads(path.read_bytes())  # safe loader: NaN, duplicate keys, depth
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [error("cbam-comm-unreadable", f"not a readable JSON document: {exc}",
                      Location(str(path)))], 0
    problems = [_with_file(f, str(path)) for f in validate_document(doc, "cbam-communication")]
    if problems:  # rules would only repeat what the schema already says is broken
        return problems, len(doc.get("products") or []) if isinstance(doc, dict) else 0
    return check_document(doc, file=str(path)), len(doc["products"])


def _with_file(f: Finding, file: str) -> Finding:
    return Finding(f.code, f.severity, f.message, Location(file, pointer=f.location.pointer))


def _validate_comm_workbook(path: Path) -> tuple[list[Finding], int]:
    from carbonaudit.cbam.checks import check_document
    from carbonaudit.cbam.communication_xlsx import read_communication_workbook

    partial, found = read_communication_workbook(path)
    where = partial.pop("_where")
    return [*found, *check_document(partial, file=str(path), where=where)], \
        len(partial["products"])


def _validate_installation(path: Path, regime: str) -> tuple[list[Finding], int]:
    from carbonaudit.cbam.checks import check_document
    from carbonaudit.cbam.run import assess_installation
    from carbonaudit.cbam.stated import compare_stated

    a = assess_installation(path, regime=regime)
    found = [*a.findings, *check_document(a.document, file=str(path))]
    if a.installation.stated:
        found.extend(compare_stated(a.installation))
    return found, len(a.document["products"])


def _json_type(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            head = fh.read(4096)
    except (OSError, UnicodeDecodeError):
        return None
    return "cbam-communication" if '"cbam-communication"' in head else None


def _workbook_kind(path: Path) -> str | None:
    from carbonaudit.cbam.communication_xlsx import is_communication_workbook
    from carbonaudit.cbam.workbook_layout import is_installation_workbook

    try:
        import python_calamine

        names = python_calamine.load_workbook(str(path)).sheet_names
    except Exception:  # unreadable: the reader that opens it reports why
        return None
    if set(names) >= OFFICIAL_SHEETS:
        return "official"
    if is_communication_workbook(names):
        return "communication"
    if is_installation_workbook(names):
        return "installation"
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def preshipment_verdict(report: ValidationReport) -> dict:
    """Pass only with no errors; the fix list is every error and warning, in file order."""
    ordered = sorted(report.findings, key=sort_key)
    fixes = [f for f in ordered if str(f.severity) in {"error", "warning"}]
    return {"verdict": "fail" if has_errors(ordered) else "pass",
            "fix_list": [{"where": str(f.location), "severity": str(f.severity),
                          "code": f.code, "message": f.message} for f in fixes],
            "files": report.inputs}


def cross_check(paths: list[Path]) -> list[Finding]:
    """Each official template's products against each communication JSON's: the SEE direct,
    indirect and total the template shows (its own formulas, as last recalculated) must be
    the document's.  Both files describe one shipment, so a difference is an error."""
    officials = [p for p in paths if p.suffix.lower() in {".xlsx", ".xlsm"}
                 and _workbook_kind(p) == "official"]
    documents = [p for p in paths if p.suffix.lower() == ".json"
                 and _json_type(p) == "cbam-communication"]
    found: list[Finding] = []
    for official in officials:
        for document in documents:
            found.extend(_compare_files(official, document))
    return found


def _compare_files(official: Path, document: Path) -> list[Finding]:
    from carbonaudit.cbam.official import read_official
    from carbonaudit.errors import CarbonAuditError

    try:
        inst, _ = read_official(official)
        doc = loads(document.read_bytes())
    except (CarbonAuditError, OSError, json.JSONDecodeError):
        return []   # the file's own validation reports why it cannot be read
    where = Location(str(official))
    if not inst.stated:
        return [info("cbam-cross-not-recalculated", f"{official.name} has no results of its "
                     "own yet (filled by carbonaudit, not recalculated): open and save it in "
                     f"Excel or LibreOffice to compare it with {document.name}", where)]
    stated = {s.what: s for s in inst.stated}
    products = [p for p in doc.get("products") or [] if isinstance(p, dict)]
    zeroed = any(p.get("counted_as_zero") for p in doc.get("precursors") or []
                 if isinstance(p, dict))
    out: list[Finding] = []
    for product in inst.products:
        row = "".join(ch for ch in (product.where.row.cell or "") if ch.isdigit())
        index = _match(products, product.cn_code, product.name)
        if index is None:
            out.append(error("cbam-cross-product-missing", f"{official.name} communicates "
                             f"CN {product.cn_code} ({product.name}), which {document.name} "
                             "does not list", product.where.row))
            continue
        for key in ("see_direct", "see_indirect", "see_total"):
            ours, theirs = products[index].get(key), stated.get(f"product:{row}:{key}")
            if theirs is None or not isinstance(theirs.value, int | float) or ours is None:
                continue
            if abs(theirs.value - ours) <= max(1e-6, 1e-6 * abs(ours)):
                continue
            if zeroed and key != "see_indirect":
                out.append(info("cbam-cross-not-comparable", f"{key}: the template shows "
                                f"{theirs.value:g}, {document.name} {ours:g}; the definitive "
                                "rules count EU and Annex III precursors as zero, the "
                                "template does not", theirs.where))
                continue
            out.append(error("cbam-cross-see-differs", f"{key} of CN {product.cn_code}: the "
                             f"template shows {theirs.value:g}, {document.name} says {ours:g} "
                             f"(/products/{index}/{key}); the two files must describe the same "
                             "goods", theirs.where))
    return out


def _match(products: list[dict], cn: str | None, name: str | None) -> int | None:
    same_cn = [i for i, p in enumerate(products) if str(p.get("cn_code")) == str(cn)]
    named = [i for i in same_cn if (products[i].get("name") or "") == (name or "")]
    if len(named) == 1:
        return named[0]
    return same_cn[0] if len(same_cn) == 1 else None
