"""verification.json: the document every verification output is rendered from.

Validated against schemas/verification.schema.json before it is written.  Figures are full
precision kg CO2e (rounding only where a person reads them); no time of day, so the same
inputs and seed give the same bytes.  The verdicts are the tool's evaluation of the tests;
`opinion` is always null: the verifier forms and signs the opinion, never the tool.
"""

from __future__ import annotations

from carbonaudit import __version__
from carbonaudit.errors import CarbonAuditError
from carbonaudit.findings import count_by_severity, sort_key

DOCUMENT_TYPE = "carbonaudit.verification"
SCHEMA_VERSION = "1.0"


def build_document(v) -> dict:
    """The verification document of a Verification (see audit.verify)."""
    from carbonaudit.audit.materiality import overall
    from carbonaudit.schemas import validate_document

    inv = v.inventory
    doc = {
        "document_type": DOCUMENT_TYPE,
        "schema_version": SCHEMA_VERSION,
        "tool_version": __version__,
        "organisation": inv["organisation"],
        "period": inv["period"],
        "gwp_set": inv["gwp_set"],
        "inputs": _inputs(v),
        "factor_sets": inv["factor_sets"],
        "options": v.options.record(v.paths),
        "recalculation": {
            "method": "carbonaudit assess on the same inputs (unchanged pipeline)",
            "rows": inv["rows"], "findings": count_by_severity(v.assessment.findings),
            "totals_kgco2e": inv["totals_kgco2e"],
        },
        "reconciliation": [_item(r, v.tests) for r in v.reconciled],
        "row_claims": _row_claims(v),
        "materiality": {
            "rules": [r.to_dict() for r in v.rules],
            "performance_pct": v.options.performance_pct,
            "clearly_trivial_basis": "5 % of materiality (common practice; ISA 450 A2 "
                                     "leaves the amount to judgement) [recalled]",
        },
        "sampling": {**v.sample.plan(), "file": "sample.csv"},
        "evidence": _evidence(v),
        "misstatements": [m.to_dict() for m in v.log],
        "tests": [t.to_dict() for t in v.tests],
        "verdict": {
            "overall": overall(v.tests),
            "meaning": "the tool's evaluation of the materiality tests above; the verifier "
                       "forms the opinion",
            "opinion": None,
        },
        "findings": {"recalculation": count_by_severity(v.assessment.findings),
                     "verification": [f.to_dict() for f in sorted(v.findings, key=sort_key)]},
    }
    if "uncertainty" in inv:  # verify --uncertainty: the recalculated inventory's uncertainty
        doc["uncertainty"] = inv["uncertainty"]
    if v.goods is not None:
        doc["cbam"] = {"file": v.goods.path, "sha256": v.goods.sha256, "goods": [
            {"id": g.id, "stated_see": g.stated, "recalculated_see": g.recalculated,
             "difference": g.difference, "stated_at": g.where} for g in v.goods.goods]}
    problems = validate_document(doc, "verification")
    if problems:  # our own bug: say so rather than write a bad document
        raise CarbonAuditError("internal error: the verification document does not match its "
                               f"schema ({problems[0].message} at {problems[0].location})")
    return doc


def _inputs(v) -> list[dict]:
    out = [{"role": "activity", "path": s["path"], "sha256": s["sha256"], "kind": s["kind"]}
           for s in v.inventory["inputs"]]
    out.append({"role": "claims", "path": v.claims.path, "sha256": v.claims.sha256,
                "kind": "claims"})
    if v.evidence is not None:
        out.append({"role": "evidence", "path": v.evidence.path, "sha256": v.evidence.sha256,
                    "kind": "xlsx"})
    if v.goods is not None:
        out.append({"role": "cbam", "path": v.goods.path, "sha256": v.goods.sha256,
                    "kind": "xlsx"})
    return out


def _item(r, tests) -> dict:
    base = next((t.base_kg for t in tests if t.id == "total"), None)
    d = r.difference_kg
    return {
        "item": r.claim.item, "label": r.label, "claimed_as_given": r.claim.given,
        "claimed_at": str(r.claim.location), "claimed_kgco2e": r.claim.claimed_kg,
        "recalculated_kgco2e": r.recalculated_kg, "difference_kgco2e": d,
        "difference_pct_of_claimed": r.pct_of_claimed,
        "difference_pct_of_claimed_total": None if not base else d / abs(base) * 100,
        "rows": r.rows, "rows_rejected": r.rejected_rows,
        "status": "scope limitation" if r.limited else "recalculated", "note": r.note,
    }


def _row_claims(v) -> dict:
    import numpy as np

    f = v.population.frame
    claimed = f["claimed_kg"].to_numpy(dtype=float)
    recalc = f["co2e_kg"].to_numpy(dtype=float, na_value=np.nan)
    has = np.isfinite(claimed)
    both = has & np.isfinite(recalc)
    return {
        "column_present": v.population.claimed_column,
        "rows_with_claim": int(has.sum()),
        "claimed_kgco2e": float(claimed[both].sum()) if both.any() else 0.0,
        "recalculated_kgco2e": float(recalc[both].sum()) if both.any() else 0.0,
        "difference_kgco2e": float((claimed[both] - recalc[both]).sum()) if both.any()
        else 0.0,
    }


def _evidence(v) -> dict:
    ev = v.evidence
    if ev is None:
        return {"status": "not provided", "file": None, "rows_tested": 0, "exceptions": [],
                "open_rows": len(v.sample.selected), "projected_kgco2e": None}
    j = v.sample.interval_kg
    return {
        "status": "incomplete" if ev.open_positions else "complete",
        "file": ev.path, "rows_tested": ev.tested, "open_rows": len(ev.open_positions),
        "exceptions": [{"sample_id": x.sample_id, "recalculated_kgco2e": x.recalculated_kg,
                        "agreed_kgco2e": x.agreed_kg, "difference_kgco2e": x.difference_kg,
                        "taint": x.taint, "certainty": x.certainty,
                        "projected_kgco2e": x.projected_kg(j), "evidence": x.evidence,
                        "at": str(x.location)} for x in ev.exceptions],
        "projected_kgco2e": ev.projected_kg(j),
    }
