"""Materiality: the rules that apply, the amounts they give, and the verdict of each test.

A rule has a `regime`, a `threshold_pct`, a `base` and a `scope_of_test` (`total`,
`per_scope`, `per_good`), as VERIFICATION.md §1.2 suggests.  Every applicable rule is
evaluated: `--regime ets` replaces the agreed percentage by the AVR's (5 %, or 2 % above
500,000 t), `--regime cbam` adds the 5 % per-good rule, `--per-scope` adds one test per
claimed scope.  A test compares the signed aggregate of the misstatements counted in it with
its materiality amount; the verdict is the tool's evaluation, the opinion the verifier's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from carbonaudit.errors import UsageError

NOT_MATERIAL = "not material"
MATERIAL = "material misstatement"
LIMITATION = "scope limitation"
ETS_CATEGORY_C_KG = 500_000 * 1000.0  # AVR Art 23(2) / MRR Art 19(2): above 500,000 t
# ISA 450 A2 leaves "clearly trivial" to judgement; 5 % of materiality is common practice
# [recalled], so the amount is stated in every output for the verifier to accept or change.
TRIVIAL_SHARE = 0.05

_REFS = {
    "agreed": "ISO 14064-3:2019 cl. 5.1.7 and ISAE 3410 ¶20-22: threshold agreed for the "
              "engagement; 5 % is typical for reasonable assurance [secondary]",
    "eu-ets-ab": "IR (EU) 2018/2067 (AVR) Art 23(1): 5 % of total reported emissions, "
                 "installations of category A or B [primary]",
    "eu-ets-c": "IR (EU) 2018/2067 (AVR) Art 23(2): 2 % of total reported emissions, "
                "category C installations (> 500,000 t) [primary]",
    "cbam": "IR (EU) 2025/2546: 5 % per good, of its specific embedded emissions "
            "[secondary-x]",
}


@dataclass(frozen=True)
class Rule:
    """One materiality rule as applied to this engagement."""

    id: str
    regime: str          # agreed | eu-ets | cbam
    threshold_pct: float
    base: str            # what the percentage is taken of, in words
    scope_of_test: str   # total | per_scope | per_good
    reference: str
    note: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "regime": self.regime, "threshold_pct": self.threshold_pct,
                "base": self.base, "scope_of_test": self.scope_of_test,
                "reference": self.reference, "note": self.note}


def make_rules(regimes: frozenset[str], materiality_pct: float | None, per_scope: bool,
               total_base_kg: float) -> list[Rule]:
    """The rules for the chosen regimes; UsageError for a combination that contradicts."""
    unknown = regimes - {"ets", "cbam"}
    if unknown:
        raise UsageError(f"--regime: unknown regime {sorted(unknown)[0]!r}; use ets or cbam")
    if materiality_pct is not None and not 0 < materiality_pct < 100:
        raise UsageError("--materiality must be between 0 and 100 %")
    rules: list[Rule] = []
    if "ets" in regimes:
        if materiality_pct is not None:
            raise UsageError("--regime ets sets the threshold itself (AVR Art 23); "
                             "leave out --materiality")
        big = total_base_kg > ETS_CATEGORY_C_KG
        rules.append(Rule(
            "eu-ets-total", "eu-ets", 2.0 if big else 5.0, "claimed total", "total",
            _REFS["eu-ets-c" if big else "eu-ets-ab"],
            "The AVR's category is set by the average verified emissions of the preceding "
            "trading period; the claimed total of this period stands in for it here."))
    else:
        pct = 5.0 if materiality_pct is None else materiality_pct
        rules.append(Rule("agreed-total", "agreed", pct, "claimed total", "total",
                          _REFS["agreed"]))
    if per_scope:
        rules.append(Rule("per-scope", rules[0].regime, rules[0].threshold_pct,
                          "each claimed scope", "per_scope", rules[0].reference,
                          "Each claimed scope is tested on its own (as The Climate Registry "
                          "requires for Scope 1 and Scope 2 [secondary])."))
    if "cbam" in regimes:
        rules.append(Rule("cbam-per-good", "cbam", 5.0, "stated specific embedded emissions "
                          "of each good", "per_good", _REFS["cbam"]))
    return rules


@dataclass
class Test:
    """One materiality test: an item, its base and amount, what is counted, the verdict."""

    id: str
    rule: Rule
    item: str
    base_kg: float
    base_from: str
    performance_pct: float
    aggregate_kg: float = 0.0
    counted: list[str] = field(default_factory=list)      # misstatement ids
    limitations: list[str] = field(default_factory=list)  # why it cannot be concluded
    unit: str = "kgCO2e"

    @property
    def materiality_kg(self) -> float:
        return abs(self.base_kg) * self.rule.threshold_pct / 100.0

    @property
    def performance_kg(self) -> float:
        """Tolerable misstatement (performance materiality)."""
        return self.materiality_kg * self.performance_pct / 100.0

    @property
    def trivial_kg(self) -> float:
        return self.materiality_kg * TRIVIAL_SHARE

    @property
    def verdict(self) -> str:
        # A misstatement already above the threshold is material whatever else is unknown.
        if abs(self.aggregate_kg) > self.materiality_kg:
            return MATERIAL
        return LIMITATION if self.limitations else NOT_MATERIAL

    def to_dict(self) -> dict:
        base = self.base_kg
        return {
            "id": self.id, "rule": self.rule.id, "item": self.item, "unit": self.unit,
            "base": base, "base_from": self.base_from,
            "threshold_pct": self.rule.threshold_pct, "materiality": self.materiality_kg,
            "performance_pct": self.performance_pct,
            "performance_materiality": self.performance_kg,
            "clearly_trivial": self.trivial_kg, "aggregate_misstatement": self.aggregate_kg,
            "aggregate_pct_of_base": None if base == 0 else self.aggregate_kg / abs(base) * 100,
            "misstatements_counted": self.counted, "limitations": self.limitations,
            "verdict": self.verdict,
        }


def overall(tests: list[Test]) -> str:
    """Material if any test is; else a scope limitation if any test has one."""
    verdicts = {t.verdict for t in tests}
    if MATERIAL in verdicts:
        return MATERIAL
    return LIMITATION if LIMITATION in verdicts or not tests else NOT_MATERIAL


def check_performance(performance_pct: float) -> None:
    if not 0 < performance_pct <= 100:
        raise UsageError("--performance must be above 0 and at most 100 %")


PER_SCOPE_ITEMS = ("scope_1", "scope_2_location", "scope_2_market", "scope_3")


def total_parts(reconciled) -> tuple[list, str]:
    """The claimed items the total test rests on, and how its base was found.

    The claimed total when there is one; else the claimed scopes (Scope 2 location-based
    when both are claimed); else the claimed sites.  Never two overlapping items, so nothing
    is counted twice.
    """
    by_kind = {r.claim.kind: r for r in reconciled if r.claim.kind != "site"}
    for kind in ("total", "total_market"):
        if kind in by_kind:
            return [by_kind[kind]], f"claimed {kind}"
    scope_2 = "scope_2_location" if "scope_2_location" in by_kind else "scope_2_market"
    parts = [by_kind[k] for k in ("scope_1", scope_2, "scope_3") if k in by_kind]
    if not parts:
        parts = [r for r in reconciled if r.claim.kind == "site"]
    if parts:
        return parts, "sum of claimed " + " + ".join(p.claim.item for p in parts)
    return [], "recalculated total (nothing claimed adds up to a total)"


def build_tests(rules: list[Rule], reconciled, performance_pct: float,
                recalculated_total_kg: float) -> list[Test]:
    """The total and per-scope tests of the rules (per-good tests come with the CBAM data)."""
    check_performance(performance_pct)
    tests: list[Test] = []
    parts, base_from = total_parts(reconciled)
    base = sum(p.claim.claimed_kg for p in parts) if parts else recalculated_total_kg
    for rule in rules:
        if rule.scope_of_test == "total":
            tests.append(Test("total", rule, "total", base, base_from, performance_pct))
        elif rule.scope_of_test == "per_scope":
            for r in reconciled:
                if r.claim.kind in PER_SCOPE_ITEMS:
                    tests.append(Test(r.claim.item, rule, r.claim.item, r.claim.claimed_kg,
                                      f"claimed {r.claim.item}", performance_pct))
    return tests
