"""Regime rules a communication must meet before shipment: the period's rules, each with its source.

Run by `checks.check_document` (so by `validate --kind cbam`, pre-shipment profile included):

* `cbam-comm-regime-period` — definitive rules for a reporting period that starts before
  2026 (the definitive period starts 1 January 2026), or transitional rules after 2025;
* `cbam-comm-verifier-missing` — a definitive-period communication without its verifier
  section: actual embedded emissions are usable by the declarant only when verified by an
  accredited verifier (Art. 8 of Reg. (EU) 2023/956 as amended).  A warning: the values may
  be sent ahead of the verification, but cannot be declared before it;
* `cbam-comm-default-share` — a transitional communication whose share of default values is
  above the 20 % that IR (EU) 2023/1773 allowed for estimates after 31 July 2024 (DOMAIN.md
  §1.3, a recalled figure: a warning, not an error).  No share limit for the definitive period
  is in our sources, so none is checked;
* `cbam-comm-precursor-default-undeclared` — a product that claims only actual values (share
  of default values 0 %) while a purchased precursor in its chain has a default SEE.
"""

from __future__ import annotations

from datetime import date

from carbonaudit.findings import error, warning

FIRST_DEFINITIVE = date(2026, 1, 1)
TRANSITIONAL_DEFAULT_SHARE_MAX = 20.0
_DEFAULT = "default"


def check_regime(ctx, doc: dict, start: date | None) -> None:
    """Add the regime findings for `doc` to `ctx` (a `checks._Ctx`)."""
    regime = (doc.get("period") or {}).get("regime")
    _period_rules(ctx, regime, start)
    if regime == "definitive":
        _verifier(ctx, (doc.get("installation") or {}).get("verifier"))
    products = [p for p in doc.get("products") or [] if isinstance(p, dict)]
    if regime == "transitional":
        for i, p in enumerate(products):
            share = p.get("share_default_pct")
            if isinstance(share, int | float) and share > TRANSITIONAL_DEFAULT_SHARE_MAX:
                ctx.add(warning, "cbam-comm-default-share", f"{share:.1f} % of this product's "
                        "embedded emissions come from default values; after 31 July 2024 IR "
                        "(EU) 2023/1773 allowed estimates up to 20 % of a complex good's "
                        "embedded emissions (recalled rule, DOMAIN.md 1.3)",
                        f"/products/{i}/share_default_pct")
    _undeclared_defaults(ctx, doc, products)


def _period_rules(ctx, regime: str | None, start: date | None) -> None:
    if start is None:
        return
    if regime == "definitive" and start < FIRST_DEFINITIVE:
        ctx.add(error, "cbam-comm-regime-period", f"the reporting period starts {start}, "
                "before the definitive period (from 1 January 2026, Reg. (EU) 2023/956 as "
                "amended): it is a transitional-period report; assess it with --period "
                "transitional", "/period/regime")
    elif regime == "transitional" and start >= FIRST_DEFINITIVE:
        ctx.add(error, "cbam-comm-regime-period", f"the reporting period starts {start}: the "
                "transitional period ended on 31 December 2025 (IR (EU) 2023/1773); from "
                "2026 the definitive rules apply", "/period/regime")


def _verifier(ctx, verifier: dict | None) -> None:
    verifier = verifier or {}
    if verifier.get("name"):
        return
    ctx.add(warning, "cbam-comm-verifier-missing", "a definitive-period communication names "
            "no verifier: the importer can declare actual embedded emissions only once an "
            "accredited verifier has verified them (Art. 8 of Reg. (EU) 2023/956 as amended); "
            "fill the verifier section (A_InstData section 3; verifier_ fields of our "
            "Installation sheet) when the verification is done",
            "/installation/verifier/name")


def _undeclared_defaults(ctx, doc: dict, products: list[dict]) -> None:
    precursors = {p.get("name"): p for p in doc.get("precursors") or [] if isinstance(p, dict)}
    processes = {p.get("name"): p for p in doc.get("processes") or [] if isinstance(p, dict)}
    for i, product in enumerate(products):
        share = product.get("share_default_pct")
        if share not in (0, 0.0, None):
            continue
        for name in _purchased_in_chain(processes, product.get("process")):
            prec = precursors.get(name) or {}
            if str(prec.get("see_direct_source") or "").casefold() == _DEFAULT \
                    and not prec.get("counted_as_zero"):
                ctx.add(error, "cbam-comm-precursor-default-undeclared", f"the product claims "
                        f"actual values only (share of default values {share or 0} %), but "
                        f"purchased precursor {name!r} in its chain has a default SEE: its "
                        "share must show it (template Summary_Processes, share of defaults)",
                        f"/products/{i}/share_default_pct")
                break


def _purchased_in_chain(processes: dict[str, dict], start: str | None) -> list[str]:
    """Names of the purchased precursors a process uses, directly or through other
    processes of the installation (each process visited once: chains may be long)."""
    seen, stack, found = set(), [start], []
    while stack:
        name = stack.pop()
        if name in seen or name not in processes:
            continue
        seen.add(name)
        for use in processes[name].get("precursors") or []:
            if use.get("kind") == "purchased":
                found.append(use.get("name"))
            else:
                stack.append(use.get("name"))
    return found
