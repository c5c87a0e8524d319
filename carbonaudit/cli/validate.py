"""`carbonaudit validate`: check activity, factor, CBAM or PACT files without computing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carbonaudit.cli.common import (
    ConfigOpt,
    DecimalOpt,
    EncodingOpt,
    FactorsOpt,
    JsonOpt,
    SheetOpt,
    StrictOpt,
    exit_code,
    fail,
    load_config,
)
from carbonaudit.errors import CarbonAuditError


def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to check.")],
    kind: Annotated[str, typer.Option(
        "--kind", help="activity | factors | cbam | pact | auto (decide from the file).")
    ] = "auto",
    profile: Annotated[str | None, typer.Option(
        "--profile", help="pre-shipment: end with a pass/fail verdict, the fix list and the "
                          "SHA-256 of each file checked (cbam).")] = None,
    period: Annotated[str, typer.Option(
        "--period", help="CBAM rules to check against: transitional or definitive.")
    ] = "definitive",
    config: ConfigOpt = None,
    factors: FactorsOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    decimal_comma: DecimalOpt = False,
    json_out: JsonOpt = False,
    strict: StrictOpt = False,
) -> None:
    """Check files without computing a result, and exit 1 when there are errors.

    activity: columns, numbers, units, dates, and whether a factor exists for each row.
    cbam: a communication (JSON or workbook) or installation file before it is sent — Annex I
    CN codes, countries, UN/LOCODE, SEE sums, units, EF sources, shares, justifications; a
    filled official template is recomputed and every stated value that disagrees is reported.
    pact: ProductFootprint documents (v2 / v3) against our schemas and the PACT rules.

    Example: [bold]carbonaudit validate --kind cbam --profile pre-shipment comm.json[/]
    """
    from carbonaudit.console import emit_json, findings_table, is_large, progress, show
    from carbonaudit.errors import UsageError
    from carbonaudit.findings import sort_key
    from carbonaudit.inventory.engine import AssessOptions
    from carbonaudit.validation import choose_kind

    try:
        cfg = load_config(config)
        chosen = choose_kind(kind, list(files))
        opts = AssessOptions(gwp=cfg.gwp, decimal_comma=decimal_comma, sheet=sheet,
                             encoding=encoding, factor_files=tuple(factors or ()))
        with progress(not json_out and is_large(files)) as step:
            report = chosen.validate(list(files), {"config": cfg, "options": opts,
                                                   "progress": step, "regime": period,
                                                   "strict": strict})
        if profile not in (None, "pre-shipment"):
            raise UsageError(f"unknown profile {profile!r}; the one profile is pre-shipment")
    except CarbonAuditError as exc:
        raise fail(exc) from None
    ordered = sorted(report.findings, key=sort_key)
    code = exit_code(ordered, strict)
    verdict = _verdict(report) if profile else None
    if json_out:
        from carbonaudit.findings import count_by_severity

        doc = {"kind": report.kind, "valid": code == 0, "rows": report.rows,
               "inputs": report.inputs, "counts": count_by_severity(ordered),
               "findings": [f.to_dict() for f in ordered]}
        if verdict:
            doc["pre_shipment"] = verdict
        emit_json(doc)
    else:
        show(findings_table(ordered, limit=200) if ordered else "No findings.")
        summary = ", ".join(f"{k} {v}" for k, v in report.rows.items())
        show(f"{report.kind}: {summary} — {'valid' if code == 0 else 'NOT valid'}")
        if verdict:
            _show_verdict(verdict)
    raise typer.Exit(code)


def _verdict(report) -> dict:
    from carbonaudit.cbam.validation import preshipment_verdict

    return preshipment_verdict(report)


def _show_verdict(verdict: dict) -> None:
    from carbonaudit.console import show

    lines = [f"Pre-shipment verdict: [bold]{verdict['verdict'].upper()}[/]"]
    for i, fix in enumerate(verdict["fix_list"], start=1):
        lines.append(f"  {i}. [{fix['severity']}] {fix['where']}: {fix['message']}")
    for f in verdict["files"]:
        lines.append(f"  SHA-256 {f['sha256']}  {f['path']}")
    show("\n".join(lines))
