"""Compare what a filled official template states with our recomputation of its inputs.

The Commission template v2.1.1 computes under the transitional rules (every good but
electricity counts indirect emissions; no precursor is zeroed), so its cached results are
compared with a transitional recomputation, whatever regime the user checks against.  A
disagreement beyond rounding is an error at the template's own cell: either the file was
edited after Excel last calculated it, or its formulas were tampered with.
"""

from __future__ import annotations

from carbonaudit.cbam.model import Installation
from carbonaudit.findings import Finding, error, warning

REL_TOL = 1e-6
ABS_TOL = 1e-6   # t CO2e, or t CO2e/t for SEE: far below the template's display precision


def compare_stated(inst: Installation) -> list[Finding]:
    """One finding per stated value that our transitional recomputation does not reproduce."""
    from carbonaudit.cbam.compute import compute

    result = compute(inst, regime="transitional", year=None)
    ours = _our_values(inst, result)
    findings: list[Finding] = []
    for stated in inst.stated:
        if stated.what.startswith("template-error:") or stated.what not in ours:
            continue
        mine = ours[stated.what]
        finding = _compare(stated.what, stated.value, mine, stated.where)
        if finding is not None:
            findings.append(finding)
    return findings


def _compare(what: str, value, mine: float | None, where) -> Finding | None:
    if mine is None and not isinstance(value, int | float):
        return None  # both sides say "cannot be computed"
    if mine is None:
        return warning("cbam-stated-not-recomputed", f"the template states {value:g} for "
                       f"{_label(what)}, which cannot be recomputed from its inputs (see the "
                       "other findings)", where)
    if not isinstance(value, int | float):
        return error("cbam-stated-differs", f"{_label(what)}: the template shows {value!r}, "
                     f"recomputed {mine:g}", where)
    if abs(value - mine) > max(ABS_TOL, REL_TOL * abs(mine)):
        return error("cbam-stated-differs", f"{_label(what)}: the template states {value:g}, "
                     f"its inputs give {mine:g} (difference {value - mine:+g})", where)
    return None


def _label(what: str) -> str:
    kind, name, field = what.split(":", 2)
    return f"{kind} {name} {field.replace('_', ' ')}"


def _our_values(inst: Installation, result) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for s in result.streams:
        values[f"stream:{s.id}:co2e_fossil"] = s.co2e_fossil
        values[f"stream:{s.id}:co2e_bio"] = s.co2e_bio
    for p in result.pfc:
        values[f"pfc:{p.id}:co2e"] = p.co2e
    for c in result.cems:
        values[f"cems:{c.id}:co2e_fossil"] = c.co2e_fossil
        values[f"cems:{c.id}:co2e_bio"] = c.co2e_bio
    for p in result.processes:
        # Summary_Processes K leaves out the electricity-export deduction (cbam_template_cells)
        direct = None if p.direct_emissions is None else \
            p.direct_emissions + p.heat_t + p.waste_gas_t
        values[f"process:{p.name}:direct_total"] = direct
        values[f"process:{p.name}:indirect"] = p.attributed_indirect
        values[f"process:{p.name}:see_direct"] = p.see_direct
        values[f"process:{p.name}:see_indirect"] = p.see_indirect
    # compute() yields exactly one result per product, in order
    for product, res in zip(inst.products, result.products, strict=True):
        row = "".join(ch for ch in (product.where.row.cell or "") if ch.isdigit())
        if row:
            values[f"product:{row}:see_direct"] = res.see_direct
            values[f"product:{row}:see_indirect"] = res.see_indirect
            values[f"product:{row}:see_total"] = res.see_total
    return values
