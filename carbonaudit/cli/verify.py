"""`carbonaudit verify` (claimed against recalculated, materiality, sample, evidence,
statement draft) and `carbonaudit bundle` / `check-bundle` (a run's provenance manifest)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import (
    ConfigOpt,
    DecimalOpt,
    EncodingOpt,
    FactorsOpt,
    FilesArg,
    GwpOpt,
    JsonOpt,
    SheetOpt,
    fail,
    load_config,
    shown,
)
from carbonaudit.errors import CarbonAuditError


def _percent(text: str | None, name: str) -> float | None:
    from carbonaudit.errors import UsageError

    if text is None:
        return None
    try:
        return float(text.strip().rstrip("%").strip())
    except ValueError:
        raise UsageError(f"{name} takes a percentage such as 5 or 5%, not {text!r}") from None


def verify(
    files: FilesArg = None,
    claimed: Annotated[Path | None, typer.Option(
        "--claimed", help="The client's stated figures: CSV or xlsx with item, claimed, unit "
                          "(see `carbonaudit template claims`).", show_default=False)] = None,
    config: ConfigOpt = None,
    materiality: Annotated[str | None, typer.Option(
        "--materiality", help="Materiality as a share of the claimed total (default 5%).")]
    = None,
    performance: Annotated[str, typer.Option(
        "--performance", help="Performance materiality as a share of materiality.")] = "75%",
    confidence: Annotated[int, typer.Option(
        "--confidence", help="Sampling confidence: 90, 95 or 99 (R = 2.31, 3.00, 4.61).")]
    = 95,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Seed of the sample's random start (default: drawn and recorded).")]
    = None,
    regime: Annotated[list[str] | None, typer.Option(
        "--regime", help="ets: AVR Art 23 (5%, 2% above 500,000 t); cbam: 5% per good. "
                         "Repeatable.")] = None,
    cbam: Annotated[Path | None, typer.Option(
        "--cbam", help="With --regime cbam: a filled official CBAM template (saved by Excel) "
                       "whose stated SEE per good is tested against a recomputation.")]
    = None,
    per_scope: Annotated[bool, typer.Option(
        "--per-scope", help="Also test each claimed scope against its own materiality.")]
    = False,
    evidence: Annotated[Path | None, typer.Option(
        "--evidence", help="workpapers.xlsx with its Sample sheet filled in (evidence, "
                           "agreed_kgco2e, status ok/exception).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Statement language: en, zh-Hant, "
                                      "zh-Hans.")] = "en",
    uncertainty: Annotated[bool, typer.Option(
        "--uncertainty", help="Also estimate the recalculated inventory's uncertainty (IPCC "
                              "Approach 1 and a seeded Monte Carlo) into verification.json.")]
    = False,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws for --uncertainty.")]
    = 10_000,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for verification.json, "
                                      "sample.csv, workpapers.xlsx, statement-<lang>.pdf.")]
    = Path("verification"),
    factors: FactorsOpt = None,
    gwp: GwpOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    decimal_comma: DecimalOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Verify a GHG statement: the client's claimed figures against the recalculated
    inventory (the unchanged `assess` pipeline on the same inputs).

    Writes verification.json (per-item reconciliation, materiality rules and tests, the
    misstatement log, verdicts), sample.csv, workpapers.xlsx (Summary, Recalculation with
    live Excel formulas, Sample, Misstatements, Factors), findings.json and a statement
    draft whose opinion fields stay blank. The sample is emissions-weighted: J = TM / R with
    TM = materiality x performance; rows with |emissions| >= J are taken with certainty,
    the rest systematically from a seeded random start. Fill the Sample sheet's evidence,
    agreed_kgco2e and status columns and re-run with --evidence to project the exceptions
    (taint x J) into the verdict. A per-row `claimed_kgco2e` column in the activity file
    (also `排放量 (kgCO2e)`) is compared row by row.

    Exit codes: 0 every test not material; 1 a material misstatement, a scope limitation
    or an input error; 2 usage; 3 an input could not be read.

    Example: [bold]carbonaudit verify --config samples/harbour_metals/carbonaudit.toml
    --claimed samples/harbour_metals/claims_2025.csv --seed 2025 --out out/verify[/]
    """
    from carbonaudit.console import emit_json, is_large, progress, show
    from carbonaudit.errors import UsageError

    try:
        if claimed is None:
            raise UsageError("--claimed is required: the client's stated figures "
                             "(carbonaudit template claims -o claims.xlsx writes one)")
        cfg = load_config(config)
        paths = [str(p) for p in files] if files else [shown(p) for p in cfg.inputs]
        if not paths:
            raise UsageError("no activity files given; name them or list them as inputs in "
                             "--config")
        from carbonaudit.audit.sampling import draw_seed
        from carbonaudit.audit.verify import VerifyOptions, write_outputs
        from carbonaudit.audit.verify import verify as run

        options = VerifyOptions(
            claimed=str(claimed), materiality_pct=_percent(materiality, "--materiality"),
            performance_pct=_percent(performance, "--performance"), confidence_pct=confidence,
            seed=draw_seed() if seed is None else seed, seed_given=seed is not None,
            regimes=frozenset(r.lower() for r in regime or ()), per_scope=per_scope,
            evidence=str(evidence) if evidence else None, lang=lang, gwp=gwp, sheet=sheet,
            encoding=encoding, decimal_comma=decimal_comma,
            factor_files=tuple(str(f) for f in factors or ()),
            config=str(config) if config else None, cbam=str(cbam) if cbam else None,
            uncertainty_draws=draws if uncertainty else None)
        with progress(not json_out and is_large(paths)) as step:
            v = run(paths, cfg, options, progress=step)
            step("writing outputs")
            written = write_outputs(v, out)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json({"verification": v.document,
                   "outputs": {k: str(p) for k, p in written.items()}})
    else:
        from carbonaudit.console import findings_table

        show(*_summary(v))
        if v.findings:
            show(findings_table(v.findings, limit=25))
        show(f"Wrote {', '.join(str(p) for p in written.values())}")
    raise typer.Exit(_exit(v))


def _exit(v) -> int:
    from carbonaudit.audit.materiality import NOT_MATERIAL
    from carbonaudit.findings import has_errors

    if v.document["verdict"]["overall"] != NOT_MATERIAL or has_errors(v.findings):
        return 1
    return 1 if v.document["recalculation"]["rows"]["rejected"] else 0


def _summary(v) -> list:
    from rich.table import Table

    from carbonaudit.console import t

    items = Table(title="Claimed and recalculated (t CO2e)")
    for col in ("item", "claimed", "recalculated", "difference", "% of claimed"):
        items.add_column(col, justify="left" if col == "item" else "right")
    for r in v.document["reconciliation"]:
        pct = r["difference_pct_of_claimed"]
        items.add_row(r["item"], t(r["claimed_kgco2e"]), t(r["recalculated_kgco2e"]),
                      t(r["difference_kgco2e"]), "" if pct is None else f"{pct:.2f}")
    tests = Table(title="Materiality tests (the tool's evaluation)")
    for col in ("test", "materiality", "aggregate", "verdict"):
        tests.add_column(col, justify="left" if col in ("test", "verdict") else "right")
    for x in v.document["tests"]:
        scale = t if x["unit"] == "kgCO2e" else (lambda n: f"{n:,.4f}")
        tests.add_row(x["id"], scale(x["materiality"]), scale(x["aggregate_misstatement"]),
                      x["verdict"])
    s = v.document["sampling"]
    line = (f"Sample: {s['selected_rows']} rows ({s['certainty_rows']} certainty), "
            f"J = {t(s['interval_kgco2e'])} t, seed {s['seed']}, coverage "
            f"{(s['coverage_pct'] or 0):.1f} %. Overall: {v.document['verdict']['overall']} "
            "(the opinion is the verifier's).")
    return [items, tests, line]


def bundle(
    directory: Annotated[Path, typer.Argument(help="An assess or verify output folder.")],
    files: Annotated[list[Path] | None, typer.Option(
        "--input", help="assess output only: the activity files the run was given "
                        "(default: those inventory.json names). Repeatable.")] = None,
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    gwp: GwpOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    decimal_comma: DecimalOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Write manifest.json beside an assess or verify output: the tool version, the run's
    options, every input, factor set and output with its SHA-256, the GWP set and the time.

    A verify output records its own options. For an assess output give the options the
    assess run had (they are checked by re-running before they are recorded).

    Example: [bold]carbonaudit bundle out/verify[/], later [bold]carbonaudit check-bundle
    out/verify[/]
    """
    from carbonaudit.audit.bundle import write_bundle
    from carbonaudit.console import emit_json, show

    run = {"files": files, "config": str(config) if config else None, "gwp": gwp,
           "factors": factors, "sheet": sheet, "encoding": encoding,
           "decimal_comma": decimal_comma}
    try:
        path = write_bundle(directory, run)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        import json

        emit_json({"manifest": json.loads(path.read_text("utf-8")), "path": str(path)})
    else:
        show(f"Wrote {path}")


def check_bundle(
    directory: Annotated[Path, typer.Argument(help="A folder with manifest.json.")],
    json_out: JsonOpt = False,
) -> None:
    """Re-run a bundle from its manifest and confirm every output is byte-identical.

    Exit 0 when the inputs, factor sets and outputs all match and the re-run writes the
    same bytes; exit 1 naming each file that was altered or differs.
    """
    from carbonaudit.audit.bundle import check_bundle as run_check
    from carbonaudit.console import emit_json, err, show

    try:
        check = run_check(directory)
    except CarbonAuditError as exc:
        raise fail(exc) from None
    if json_out:
        emit_json({"ok": check.ok, "problems": check.problems})
    elif check.ok:
        show(f"{directory}: every input, factor set and output matches; the re-run wrote the "
             "same bytes.")
    else:
        for p in check.problems:
            err.print(f"[bold red]{p['role']}[/] {p['file']}: {p['problem']}", markup=True,
                      highlight=False, soft_wrap=True)
    raise typer.Exit(0 if check.ok else 1)
