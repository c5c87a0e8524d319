"""The assurance sections that inventory.json carries beside the totals.

`document_parts` gives the sections build_document adds to every inventory document:
`data_quality` (always), `by_scope_gas` (per-gas kilograms per scope, so that
`carbonaudit compare` can restate a document on another GWP set) and `intensity` (when
carbonaudit.toml has an `[intensity]` table).  The `uncertainty` section is added by
`assess --uncertainty` (see uncertainty.py), because a Monte Carlo run is asked for, not
done on every run.  Each section is optional in the schema, so older documents stay valid.
"""

from __future__ import annotations

from carbonaudit.audit.data_quality import data_quality_section
from carbonaudit.audit.intensity import intensity_section
from carbonaudit.audit.restate import gases_by_scope


def document_parts(assessment, doc: dict) -> dict:
    """The optional sections for the document `doc` being built from `assessment`."""
    parts = {
        "data_quality": data_quality_section(assessment.results),
        "by_scope_gas": gases_by_scope(assessment.results),
    }
    intensity = intensity_section(getattr(assessment.config, "intensity", None),
                                  doc["totals_kgco2e"])
    if intensity is not None:
        parts["intensity"] = intensity
    return parts
