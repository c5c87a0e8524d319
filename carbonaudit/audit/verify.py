"""`verify()`: one verification run, from activity files and claims to every output.

Recalculation is `inventory.engine.assess` and `inventory.document.build_document`,
unchanged, on the same inputs; the second read of the activity files (cells and per-row
claims, see `population`) runs on a thread beside it.  Then: reconcile, rules and tests,
the sample (its interval from the total test's performance materiality, the smallest when
there are per-scope tests), the evidence if given, the log and the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit.errors import UsageError
from carbonaudit.findings import Finding

LANGS = ("en", "zh-Hant", "zh-Hans")


@dataclass(frozen=True)
class VerifyOptions:
    """Everything that decides a verification's outputs (recorded in verification.json)."""

    claimed: str
    materiality_pct: float | None = None
    performance_pct: float = 75.0
    confidence_pct: int = 95
    seed: int | None = None
    seed_given: bool = True
    regimes: frozenset[str] = frozenset()
    per_scope: bool = False
    evidence: str | None = None
    lang: str = "en"
    gwp: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    decimal_comma: bool = False
    factor_files: tuple[str, ...] = ()
    config: str | None = None
    cbam: str | None = None  # a filled CBAM template, for the per-good test
    uncertainty_draws: int | None = None  # with --uncertainty: Monte Carlo draws

    def record(self, paths) -> dict:
        """The options as verification.json records them (enough to run again)."""
        return {"activity": [str(p) for p in paths], "config": self.config,
                "claimed": self.claimed, "evidence": self.evidence,
                "materiality_pct": self.materiality_pct,
                "performance_pct": self.performance_pct,
                "confidence_pct": self.confidence_pct, "seed": self.seed,
                "seed_given": self.seed_given, "regimes": sorted(self.regimes),
                "per_scope": self.per_scope, "lang": self.lang, "gwp": self.gwp,
                "sheet": self.sheet, "encoding": self.encoding,
                "decimal_comma": self.decimal_comma, "factors": list(self.factor_files),
                "cbam": self.cbam, "uncertainty_draws": self.uncertainty_draws}


@dataclass
class Verification:
    """Everything one verification produced."""

    paths: list[str]
    options: VerifyOptions
    assessment: object
    inventory: dict
    population: object
    claims: object
    reconciled: list
    rules: list
    tests: list
    sample: object
    evidence: object
    log: list
    goods: object = None  # audit.cbam_goods.CbamGoods with --regime cbam
    findings: list[Finding] = field(default_factory=list)  # the verification's own
    document: dict = field(default_factory=dict)


def verify(paths, config, options: VerifyOptions, progress=None) -> Verification:
    """Recalculate, reconcile, sample, read the evidence and evaluate materiality."""
    from concurrent.futures import ThreadPoolExecutor

    from carbonaudit.audit import materiality as mat
    from carbonaudit.audit.claims import read_claims
    from carbonaudit.audit.misstatements import build_log
    from carbonaudit.audit.population import build_population
    from carbonaudit.audit.reconcile import reconcile
    from carbonaudit.audit.sampling import r_factor, select
    from carbonaudit.audit.verification import build_document
    from carbonaudit.ingest.reader import read_activity_files
    from carbonaudit.inventory.document import build_document as inventory_document
    from carbonaudit.inventory.engine import AssessOptions, assess

    step = progress or (lambda _msg: None)
    if options.lang not in LANGS:
        raise UsageError(f"--lang must be one of {', '.join(LANGS)}")
    r_factor(options.confidence_pct)  # refuse a bad --confidence before the long part
    mat.check_performance(options.performance_pct)
    if options.seed is None:
        raise UsageError("internal: a verification needs a seed (draw one with draw_seed)")
    if ("cbam" in options.regimes) != bool(options.cbam):
        raise UsageError("--regime cbam and --cbam TEMPLATE go together: the per-good test "
                         "needs a filled CBAM template's stated SEE")
    claims = read_claims(options.claimed, decimal_comma=options.decimal_comma)
    opts = AssessOptions(gwp=options.gwp or config.gwp, decimal_comma=options.decimal_comma,
                         sheet=options.sheet, encoding=options.encoding,
                         factor_files=tuple(Path(f) for f in options.factor_files))
    with ThreadPoolExecutor(max_workers=1) as pool:
        second = pool.submit(read_activity_files, paths, sheet=options.sheet,
                             encoding=options.encoding)
        assessment = assess(paths, config, opts, progress=step)
        tables = second.result().tables
    extra = {}
    if options.uncertainty_draws is not None:
        from carbonaudit.audit.uncertainty import uncertainty_part

        extra = uncertainty_part(assessment, options.uncertainty_draws, step)
    step("reconciling")
    inventory = {**inventory_document(assessment), **extra}
    population = build_population(assessment, paths, decimal_comma=options.decimal_comma,
                                  tables=tables)
    reconciled = reconcile(claims.claims, inventory, population.frame)
    t = inventory["totals_kgco2e"]
    recalculated_total = t["scope_1"] + t["scope_2_location"] + t["scope_3"]
    parts, _ = mat.total_parts(reconciled)
    base = sum(p.claim.claimed_kg for p in parts) if parts else recalculated_total
    rules = mat.make_rules(options.regimes, options.materiality_pct, options.per_scope, base)
    tests = mat.build_tests(rules, reconciled, options.performance_pct, recalculated_total)
    goods = None
    if options.cbam:
        from carbonaudit.audit.cbam_goods import good_tests, read_goods

        step("recomputing the CBAM goods")
        goods = read_goods(options.cbam)
        per_good = next(r for r in rules if r.scope_of_test == "per_good")
        good_list = good_tests(goods, per_good, options.performance_pct)
    else:
        good_list = []
    step("drawing the sample")
    tolerable = min((x.performance_kg for x in tests), default=0.0)  # activity rows only
    tests = [*tests, *good_list]
    sample = select(population.frame, tolerable, options.confidence_pct, options.seed,
                    options.seed_given)
    evidence = None
    if options.evidence:
        from carbonaudit.audit.evidence import read_evidence

        evidence = read_evidence(options.evidence, sample, population.frame)
    log = build_log(tests, reconciled, population, sample, evidence, goods)
    findings = [*claims.findings, *population.findings,
                *(evidence.findings if evidence else []), *(goods.findings if goods else [])]
    v = Verification([str(p) for p in paths], options, assessment, inventory, population,
                     claims, reconciled, rules, tests, sample, evidence, log, goods, findings)
    v.document = build_document(v)
    return v


def output_paths(options: VerifyOptions, paths, out_dir: str | Path) -> dict[str, Path]:
    """Where a run with these options writes each output in out_dir."""
    out = Path(out_dir)
    names = {
        "verification": out / "verification.json",
        "findings": out / "findings.json",
        "sample": out / "sample.csv",
        "workpapers": out / "workpapers.xlsx",
        "statement": out / f"statement-{options.lang}.pdf",
    }
    if options.evidence and names["workpapers"].resolve() in protected_inputs(options, paths):
        # The filled workpapers are the evidence; a new blank Sample would overwrite them.
        names["workpapers"] = out / "workpapers-updated.xlsx"
    return names


def protected_inputs(options: VerifyOptions, paths) -> set[Path]:
    """Every input of a run, resolved: no output may be written over one."""
    given = (*paths, options.claimed, *([options.evidence] if options.evidence else ()),
             *([options.cbam] if options.cbam else ()))
    return {Path(p).resolve() for p in given}


def write_outputs(v: Verification, out_dir: str | Path) -> dict[str, Path]:
    """verification.json, findings.json, sample.csv, workpapers.xlsx, statement-<lang>.pdf."""
    from carbonaudit.audit.sample_table import sample_csv, sample_rows
    from carbonaudit.audit.statement import write_statement
    from carbonaudit.audit.workpapers import write_workpapers
    from carbonaudit.outputs import atomic_write, dumps, findings_document

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    inputs = protected_inputs(v.options, v.paths)
    paths = output_paths(v.options, v.paths, out_dir)
    rows = sample_rows(v.sample, v.population.frame)
    atomic_write(paths["verification"], dumps(v.document), inputs)
    atomic_write(paths["findings"], dumps(findings_document(all_findings(v))), inputs)
    atomic_write(paths["sample"], sample_csv(rows), inputs)
    write_workpapers(v, rows, paths["workpapers"], inputs)
    write_statement(v, paths["statement"])
    return paths


def all_findings(v: Verification) -> list[Finding]:
    """The recalculation's findings and the verification's own."""
    return [*v.assessment.findings, *v.findings]
