"""The CBAM per-good test: a filled official template's stated SEE against a recomputation.

Under IR (EU) 2025/2546 materiality is 5 % per good, of its specific embedded emissions
(VERIFICATION.md §1.2).  The template states each product's SEE in Summary_Products
(direct I, indirect J, total K, cached by Excel); `cbam.compute` recomputes it from the
template's own inputs under the transitional rules the template itself applies (see
`cbam.stated`), and the stated total SEE is tested against that.  A product whose SEE is
not stated, or cannot be recomputed, is a scope limitation of its test.  Amounts are
t CO2e per t of good.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.findings import Finding, warning


@dataclass
class Good:
    """One product of the installation: stated and recomputed SEE (t CO2e/t)."""

    id: str                 # "good:73181558 Hex bolts M8"
    label: str
    stated: float | None
    recalculated: float | None
    where: str

    @property
    def difference(self) -> float | None:
        if self.stated is None or self.recalculated is None:
            return None
        return self.stated - self.recalculated


@dataclass
class CbamGoods:
    """What the per-good part of a verification read and recomputed."""

    path: str
    sha256: str
    goods: list[Good] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def read_goods(path: str) -> CbamGoods:
    """Read a filled CBAM template and recompute each product's SEE."""
    from carbonaudit.cbam.compute import compute
    from carbonaudit.cbam.read import read_installation

    inst, findings = read_installation(path)
    out = CbamGoods(str(path), inst.source_sha256 or "", findings=list(findings))
    stated = {s.what: s for s in inst.stated}
    result = compute(inst, regime="transitional", year=None)
    out.findings.extend(result.findings)
    for product, res in zip(inst.products, result.products, strict=True):
        row = "".join(ch for ch in (product.where.row.cell or "") if ch.isdigit())
        label = " ".join(x for x in (product.cn_code, product.name or res.name) if x) or \
            f"product on row {row}"
        s = stated.get(f"product:{row}:see_total")
        value = s.value if s is not None and isinstance(s.value, int | float) else None
        where = str(s.where) if s is not None else str(product.where.row)
        if value is None:
            out.findings.append(warning(
                "cbam-see-not-stated",
                f"{label}: the template states no total SEE (Summary_Products K{row}; a "
                "workbook Excel has not calculated, or our own installation workbook); the "
                "per-good test cannot be concluded.", s.where if s is not None else None))
        out.goods.append(Good(f"good:{label}", label, value, res.see_total, where))
    return out


def good_tests(goods: CbamGoods, rule, performance_pct: float) -> list:
    """One per-good Test for each product of the template."""
    from carbonaudit.audit.materiality import Test

    tests = []
    for g in goods.goods:
        t = Test(g.id, rule, g.id, g.stated or 0.0, f"stated SEE ({g.where})",
                 performance_pct, unit="tCO2e/t")
        if g.stated is None:
            t.limitations.append("the template states no SEE for this good")
        elif g.recalculated is None:
            t.limitations.append("the SEE cannot be recomputed from the template's inputs "
                                 "(see the findings)")
        tests.append(t)
    return tests
