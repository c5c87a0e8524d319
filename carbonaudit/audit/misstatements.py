"""The misstatement log and what each materiality test counts from it.

Entries follow VERIFICATION.md §1.3: kind (misstatement | non_conformity), basis (factual |
judgmental | projected), the item or rows, reported, recalculated, the signed delta
(reported − recalculated: positive overstates), corrected or not.  Each entry names the
tests it counts in; an entry that only explains another (the per-row claims behind an item,
the exceptions behind a projection) counts in none, so nothing is added twice.  No
correction is ever assumed: `corrected` stays false until the verifier changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.audit.materiality import Test, total_parts
from carbonaudit.audit.reconcile import item_mask

ROWS_LISTED = 200  # rows named per entry in the JSON; the workpapers list every one
_REL = 1e-9


@dataclass
class Misstatement:
    """One line of the log."""

    id: str
    kind: str
    basis: str
    item: str
    description: str
    reported: float | None
    recalculated: float | None
    rows: list[str] = field(default_factory=list)
    rows_count: int = 0
    tests: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    clearly_trivial: bool = False
    corrected: bool = False
    unit: str = "kgCO2e"  # per-good entries: t CO2e per t of good

    @property
    def delta(self) -> float | None:
        if self.reported is None or self.recalculated is None:
            return None
        return self.reported - self.recalculated

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "basis": self.basis, "item": self.item,
                "description": self.description, "reported_kgco2e": self.reported,
                "recalculated_kgco2e": self.recalculated, "delta_kgco2e": self.delta,
                "rows": self.rows[:ROWS_LISTED], "rows_count": self.rows_count,
                "tests": self.tests, "evidence": self.evidence,
                "clearly_trivial": self.clearly_trivial, "corrected": self.corrected,
                "unit": self.unit}


def test_positions(test: Test, frame):
    """Positions of the assessed rows a total or per-scope test covers."""
    import numpy as np

    kind = "total" if test.rule.scope_of_test == "total" else test.item
    return set(np.flatnonzero(item_mask(frame, kind)).tolist())


def build_log(tests: list[Test], reconciled, population, sample=None, evidence=None,
              goods=None) -> list[Misstatement]:
    """The log, with each test's aggregate, counted entries and limitations filled in."""
    frame = population.frame
    log: list[Misstatement] = []

    def add(**kw) -> Misstatement:
        m = Misstatement(id=f"M{len(log) + 1:03d}", **kw)
        log.append(m)
        return m

    row_tests = [t for t in tests if t.rule.scope_of_test in ("total", "per_scope")]
    parts, _ = total_parts(reconciled)
    part_items = {p.claim.item for p in parts}
    for r in reconciled:
        d = r.difference_kg
        if abs(d) <= _REL * max(abs(r.claim.claimed_kg), 1.0):
            continue
        counted = [t.id for t in row_tests
                   if (t.id == "total" and r.claim.item in part_items) or t.item == r.claim.item]
        add(kind="misstatement", basis="factual", item=r.claim.item,
            description=f"{r.label}: claimed {r.claim.given} ({r.claim.location}) against "
                        f"the recalculation from the activity data",
            reported=r.claim.claimed_kg, recalculated=r.recalculated_kg,
            rows_count=r.rows, tests=counted)
    positions = {t.id: test_positions(t, frame) for t in row_tests}
    _rejected(add, frame, row_tests)
    if population.claimed_column:
        _row_claims(add, frame)
    if evidence is not None and sample is not None:
        _evidence(add, evidence, sample, frame, row_tests, positions)
    if goods is not None:
        _goods(add, goods, tests)
    by_id = {t.id: t for t in tests}
    trivial = tests[0].trivial_kg if tests else 0.0
    for m in log:
        own = by_id[m.tests[0]].trivial_kg if m.tests else trivial
        m.clearly_trivial = m.delta is not None and abs(m.delta) <= own
    for t in tests:
        t.counted = [m.id for m in log if t.id in m.tests]
        t.aggregate_kg = float(sum(m.delta for m in log if t.id in m.tests and m.delta))
    _limitations(tests, frame, evidence, positions)
    if not parts:
        for t in tests:
            if t.id == "total":
                t.limitations.append("nothing claimed adds up to a total, so the total "
                                     "cannot be tested")
    return log


def _rejected(add, frame, row_tests) -> None:
    import numpy as np

    rejected = np.flatnonzero(frame["status"].astype(str).to_numpy() == "rejected")
    if not len(rejected):
        return
    cells = _refs(frame, rejected)
    claimed = frame["claimed_kg"].to_numpy()[rejected]
    reported = float(np.nansum(claimed)) if np.isfinite(claimed).any() else None
    affected = [t.id for t in row_tests
                if item_mask(frame, "total" if t.id == "total" else t.item,
                             rejected=True).any()]
    add(kind="non_conformity", basis="factual", item="rows",
        description=f"{len(rejected)} activity rows could not be recalculated (rejected by the "
                    "checks; their findings say why): a data gap the tests cannot conclude on",
        reported=reported, recalculated=None, rows=cells, rows_count=len(rejected),
        tests=affected)


def _row_claims(add, frame) -> None:
    import numpy as np

    claimed = frame["claimed_kg"].to_numpy(dtype=float)
    recalc = frame["co2e_kg"].to_numpy(dtype=float, na_value=np.nan)
    both = np.isfinite(claimed) & np.isfinite(recalc)
    tol = _REL * np.maximum(np.maximum(np.abs(claimed), np.abs(recalc)), 1.0)
    differ = np.flatnonzero(both & (np.abs(claimed - recalc) > np.nan_to_num(tol)))
    if not len(differ):
        return
    add(kind="misstatement", basis="factual", item="rows",
        description=f"the activity file's own per-row emissions differ from the recalculation "
                    f"on {len(differ)} of {int(both.sum())} rows (they explain the item "
                    "differences above, so they count in no test themselves)",
        reported=float(claimed[differ].sum()), recalculated=float(recalc[differ].sum()),
        rows=_refs(frame, differ), rows_count=len(differ))


def _evidence(add, evidence, sample, frame, row_tests, positions) -> None:
    projections = {}
    for t in row_tests:
        inside = [x for x in evidence.exceptions if x.position in positions[t.id]]
        if inside:
            projections[t.id] = (inside, evidence.projected_kg(sample.interval_kg,
                                                               positions[t.id]))
    for x in evidence.exceptions:
        add(kind="misstatement", basis="factual", item=x.sample_id,
            description=f"{x.sample_id}: the evidence agrees {x.agreed_kg!r} kg, the row "
                        f"records {x.recalculated_kg!r} kg (taint {x.taint:.6f}; "
                        f"{'certainty row' if x.certainty else 'sampled row'}); counted "
                        "through the projection",
            reported=x.recalculated_kg, recalculated=x.agreed_kg,
            rows=_refs(frame, [x.position]), rows_count=1, evidence=[x.evidence] if
            x.evidence else [])
    for tid, (inside, projected) in projections.items():
        add(kind="misstatement", basis="projected", item=tid,
            description=f"projected from {len(inside)} sample exception(s): Σ taint × J "
                        f"(J = {sample.interval_kg:,.3f} kg) for sampled rows plus the actual "
                        "difference of certainty rows",
            reported=projected, recalculated=0.0,
            rows=_refs(frame, [x.position for x in inside]), rows_count=len(inside),
            tests=[tid], evidence=[x.sample_id for x in inside])


def _goods(add, goods, tests) -> None:
    ids = {t.id for t in tests}
    for g in goods.goods:
        d = g.difference
        if d is None or abs(d) <= _REL * max(abs(g.stated), 1.0):
            continue
        add(kind="misstatement", basis="factual", item=g.id,
            description=f"{g.label}: stated SEE {g.stated!r} t CO2e/t ({g.where}) against "
                        "the recomputation from the template's inputs",
            reported=g.stated, recalculated=g.recalculated, rows_count=0,
            tests=[g.id] if g.id in ids else [], unit="tCO2e/t")


def _limitations(tests, frame, evidence, positions) -> None:
    for t in tests:
        if t.rule.scope_of_test not in ("total", "per_scope"):
            continue
        kind = "total" if t.id == "total" else t.item
        rejected = int(item_mask(frame, kind, rejected=True).sum())
        if rejected:
            t.limitations.append(f"{rejected} rejected activity rows may belong to {kind}; "
                                 "it cannot be recalculated in full")
        if evidence is not None:
            open_here = evidence.open_positions & positions[t.id]
            if open_here:
                t.limitations.append(f"{len(open_here)} sample rows in this test have no "
                                     "usable evidence result yet")


def _refs(frame, positions) -> list[str]:
    files = frame["_file"].astype(str).to_numpy()
    cells = frame["cell"].to_numpy()
    return [f"{files[i]}:{cells[i]}" for i in positions]
