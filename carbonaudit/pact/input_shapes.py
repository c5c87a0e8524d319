"""The shape of the result documents that `pact export` reads, checked before it reads them.

Only the fields export reads are described, with the types it relies on, so a hand-edited or
foreign file of the wrong shape becomes `pact-input-invalid` findings at JSON pointers instead
of a traceback.  The full document schemas (inventory, cbam-communication) require much that
export never reads.
"""

from __future__ import annotations

from functools import cache

from carbonaudit.factors.gwp import GWP_SETS
from carbonaudit.findings import Finding, Location, error
from carbonaudit.schemas import pointer

_NUM = {"type": "number"}
_NUM_OR_NULL = {"type": ["number", "null"]}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}


def _LIST_OF(item: dict) -> dict:  # noqa: N802 - reads as a type in the shapes below
    return {"type": "array", "items": item}


# Only the fields export reads, with the types it relies on: a hand-edited or foreign file
INPUT_SHAPES = {
    "carbonaudit.inventory": {"type": "object", "properties": {
        "gwp_set": {"enum": list(GWP_SETS) + [None]},
        "organisation": {"type": "object", "properties": {"name": _TEXT_OR_NULL}},
        "totals_kgco2e": {"type": "object",
                          "properties": {"biogenic_co2_outside_scopes": _NUM_OR_NULL}},
        "by_gas": {"type": "object", "properties": {"ch4_nonfossil_kg": _NUM_OR_NULL}},
        "rows": {"type": "object", "properties": {"read": _COUNT, "rejected": _COUNT}},
        "by_site": _LIST_OF({"type": "object", "required": [
            "site", "scope_1", "scope_2_location", "scope_2_market", "scope_3"], "properties": {
            "site": {"type": "string"}, "scope_1": _NUM, "scope_2_location": _NUM,
            "scope_2_market": _NUM, "scope_3": _NUM, "rejected": _COUNT}}),
        "by_scope3_category": _LIST_OF({"type": "object", "required": [
            "category", "kgco2e"], "properties": {"category": {"type": "integer"},
                                                  "label": {"type": "string"},
                                                  "kgco2e": _NUM}}),
        "top_sources": _LIST_OF({"type": "object", "required": ["site", "activity", "kgco2e"],
                                 "properties": {"site": _TEXT_OR_NULL,
                                                "activity": {"type": "string"},
                                                "kgco2e": _NUM}}),
    }, "required": ["by_site"]},
    "cbam-communication": {"type": "object", "properties": {
        "installation": {"type": "object", "properties": {"country": _TEXT_OR_NULL}},
        "totals_t": {"type": "object", "properties": {"biogenic_co2": _NUM_OR_NULL}},
        "methodology": {"type": "object", "properties": {"gwp": {
            "type": "object", "properties": {"N2O": _NUM_OR_NULL,
                                             "source": _TEXT_OR_NULL}}}},
        "products": _LIST_OF({"type": "object", "required": ["cn_code", "see_direct",
                                                             "see_indirect"], "properties": {
            "cn_code": {"type": ["string", "integer", "null"]}, "name": _TEXT_OR_NULL,
            "process": _TEXT_OR_NULL, "unit": _TEXT_OR_NULL, "see_direct": _NUM_OR_NULL,
            "see_indirect": _NUM_OR_NULL, "share_default_pct": _NUM_OR_NULL}}),
    }, "required": ["products"]},
}


def input_shape_findings(doc: dict, kind: str, source: str | None) -> list[Finding]:
    """`pact-input-invalid` at the JSON pointer of every value export cannot read."""
    errs = sorted(_shape_validator(kind).iter_errors(doc),
                  key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for e in errs:
        path = list(e.absolute_path)
        if e.validator == "required":  # point at the missing member itself
            path.append(str(e.message).split("'")[1])
        what = "a CBAM communication" if kind == "cbam-communication" else "an inventory"
        out.append(error("pact-input-invalid", f"This is not {what} as carbonaudit writes "
                         f"it: {e.message}. Re-run the assessment rather than editing the "
                         "file.", Location(file=source, pointer=pointer(path) or "/")))
    return out


@cache
def _shape_validator(kind: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(INPUT_SHAPES[kind])

